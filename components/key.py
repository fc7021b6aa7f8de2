"""CmkKey: the RSA key in Key Vault that wraps the cluster's data encryption key."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

import pulumi
from pulumi_azure_native import keyvault

from .base import after, child_options, field_of, resolve_protect, type_token
from .resource_ids import KEY_VAULT_KEY, parse_arm_id, parse_key_uri
from .validation import (
    Problem,
    check,
    fields_set,
    int_between,
    matches,
    now_or_current,
    one_of,
    raise_if,
    utc_iso,
)
from .vault import VaultSku


class KeyType(StrEnum):
    """Key Vault key types a customer-managed key may have."""

    RSA = "RSA"
    """Software-protected RSA key."""
    RSA_HSM = "RSA-HSM"
    """HSM-protected RSA key (needs a premium vault)."""


KEY_SIZES = (2048, 3072, 4096)
# The service wraps and unwraps its data key; the key may do nothing else.
KEY_OPERATIONS = ("wrapKey", "unwrapKey")

KEY_NAME = matches(r"[a-zA-Z0-9-]{1,127}", "use 1-127 letters, digits or hyphens")
KEY_TYPE = one_of(*KeyType)
KEY_SIZE = one_of(*KEY_SIZES)
# Key Vault's own limits for rotation policies.
MIN_ROTATE_AFTER_DAYS = 7
MIN_EXPIRY_DAYS = 28
MIN_NOTIFY_DAYS = 7
MAX_POLICY_DAYS = 3650
# A version must stay usable after the rotation that retires it: the service moves to the new
# version within 24 hours, and point-in-time restores reach back 35 days into backups whose
# data key that version wrapped.
BACKUP_RETENTION_DAYS = 35
MIN_VALID_AFTER_ROTATION_DAYS = BACKUP_RETENTION_DAYS + 1
ROTATION_FIELDS = ("auto_rotate_after_days", "expires_after_days", "notify_before_expiry_days")


def existing_key_reference(value: object) -> str | None:
    """Accept a key's ARM id or a versioned key URI."""
    if isinstance(value, str) and value.startswith("https://"):
        try:
            parse_key_uri(value, require_version=True)
        except ValueError as err:
            return str(err)
        return None
    try:
        parse_arm_id(value, KEY_VAULT_KEY)
    except ValueError as err:
        return f"{err}, or a versioned key URI"
    return None


def _days(value: int, low: int) -> str | None:
    """0 switches the setting off; anything else must be in Key Vault's range."""
    if isinstance(value, int) and not isinstance(value, bool) and value == 0:
        return None
    return int_between(low, MAX_POLICY_DAYS, hint=", or 0 for none")(value)


@dataclass(frozen=True, kw_only=True)
class KeyRotationPolicy:
    """Key Vault rotation policy of a new key: Key Vault creates a new version on schedule and
    every version expires, so no version lives longer than ``expires_after_days``.

    The defaults satisfy the Azure Policy built-ins for keys (rotation scheduled within 90
    days, expiry, maximum validity 730 days) and checkov CKV_AZURE_40, and keep each version
    usable for 275 days after the rotation that retires it (the service needs 24 hours to move
    to the new version; restores reach back 35 days). 0 switches a setting off.
    """

    auto_rotate_after_days: int = 90
    """Create a new version this many days after the current one was created (>= 7). 0: no
    automatic rotation, which also means no expiry. Default: 90."""

    expires_after_days: int = 365
    """Each version expires this many days after it was created (>= 28, and at least 36 days
    after the rotation). 0: versions never expire. Default: 365."""

    notify_before_expiry_days: int = 30
    """Emit Key Vault's near-expiry event this many days before a version expires (>= 7, needs
    an expiry). 0: no event. Default: 30. With monitoring, the event reaches the action
    group."""

    def problems(self) -> list[Problem]:
        rotate, expires, notify = (
            self.auto_rotate_after_days,
            self.expires_after_days,
            self.notify_before_expiry_days,
        )
        out = check("auto_rotate_after_days", rotate, lambda v: _days(v, MIN_ROTATE_AFTER_DAYS))
        out += check("expires_after_days", expires, lambda v: _days(v, MIN_EXPIRY_DAYS))
        out += check("notify_before_expiry_days", notify, lambda v: _days(v, MIN_NOTIFY_DAYS))
        if out:
            return out
        if expires and not rotate:
            out.append(
                Problem(
                    "expires_after_days",
                    "is set without {rotate}; versions would expire unrotated and lock the "
                    "cluster out of its data",
                    expires,
                    refs={"rotate": "auto_rotate_after_days"},
                )
            )
        elif expires and expires - rotate < MIN_VALID_AFTER_ROTATION_DAYS:
            out.append(
                Problem(
                    "expires_after_days",
                    f"is too close to {{rotate}} {rotate}; a version must stay valid at least "
                    f"{MIN_VALID_AFTER_ROTATION_DAYS} days after it is rotated (the service "
                    f"moves within 24 hours, restores reach back {BACKUP_RETENTION_DAYS} days)",
                    expires,
                    refs={"rotate": "auto_rotate_after_days"},
                )
            )
        if notify and not expires:
            out.append(
                Problem(
                    "notify_before_expiry_days",
                    "needs {expires}",
                    notify,
                    refs={"expires": "expires_after_days"},
                )
            )
        elif notify and notify >= expires:
            out.append(
                Problem(
                    "notify_before_expiry_days",
                    f"is not before the expiry ({expires} days)",
                    notify,
                )
            )
        return out

    @property
    def enabled(self) -> bool:
        return any(
            (self.auto_rotate_after_days, self.expires_after_days, self.notify_before_expiry_days)
        )

    def first_version_expiry(self, created: datetime) -> datetime | None:
        """The expiry the policy gives a version created at ``created`` (Key Vault applies the
        policy to versions it rotates; the first one gets the same lifetime explicitly)."""
        if not self.expires_after_days:
            return None
        return created + timedelta(days=self.expires_after_days)

    def summary(self) -> dict[str, int]:
        """The policy in the stack config's words (what the stack output records)."""
        return {
            "autoRotateAfterDays": self.auto_rotate_after_days,
            "expiresAfterDays": self.expires_after_days,
            "notifyBeforeExpiryDays": self.notify_before_expiry_days,
        }

    @classmethod
    def from_response(cls, policy: object) -> "KeyRotationPolicy":
        """The policy a key reports (``rotationPolicy`` of a key resource), in days; a
        duration other than whole days (``P1Y``) is kept as -1, so it never equals a
        configured value."""
        days = {"rotate": 0, "expires": 0, "notify": 0}
        days["expires"] = _iso_days(field_of(field_of(policy, "attributes"), "expiry_time"))
        for action in field_of(policy, "lifetime_actions") or ():
            kind = str(field_of(field_of(action, "action"), "type") or "").lower()
            trigger = field_of(action, "trigger")
            if kind == "rotate":
                days["rotate"] = _iso_days(field_of(trigger, "time_after_create"))
            elif kind == "notify":
                days["notify"] = _iso_days(field_of(trigger, "time_before_expiry"))
        return cls(
            auto_rotate_after_days=days["rotate"],
            expires_after_days=days["expires"],
            notify_before_expiry_days=days["notify"],
        )

    def to_args(self) -> keyvault.RotationPolicyArgs:
        actions = []
        if self.auto_rotate_after_days:
            actions.append(
                keyvault.LifetimeActionArgs(
                    action=keyvault.ActionArgs(type="rotate"),
                    trigger=keyvault.TriggerArgs(
                        time_after_create=f"P{self.auto_rotate_after_days}D"
                    ),
                )
            )
        if self.notify_before_expiry_days:
            actions.append(
                keyvault.LifetimeActionArgs(
                    action=keyvault.ActionArgs(type="notify"),
                    trigger=keyvault.TriggerArgs(
                        time_before_expiry=f"P{self.notify_before_expiry_days}D"
                    ),
                )
            )
        attributes = None
        if self.expires_after_days:
            attributes = keyvault.KeyRotationPolicyAttributesArgs(
                expiry_time=f"P{self.expires_after_days}D"
            )
        return keyvault.RotationPolicyArgs(attributes=attributes, lifetime_actions=actions)


NO_ROTATION = KeyRotationPolicy(
    auto_rotate_after_days=0, expires_after_days=0, notify_before_expiry_days=0
)
"""No rotation policy: one version, no expiry."""


@dataclass(frozen=True, kw_only=True)
class KeyOptions:
    """What a stack chooses about the key (the stack config's ``key.*``). Key Vault creates
    keys through ARM once: none of these can change on an existing key."""

    name: str | None = None
    """Key name within the vault. Default: None, the logical name ``<component name>-key``
    (the provider does not add a suffix to child resources)."""

    key_type: KeyType = KeyType.RSA
    """``RSA`` or ``RSA-HSM`` (which needs a premium vault). Default: ``RSA``."""

    size: int = 3072
    """Key size in bits: 2048, 3072 or 4096. Default: 3072."""

    not_before: datetime | None = None
    """Activation time (UTC); must be in the past. Default: None (active at once)."""

    expires_on: datetime | None = None
    """Expiry of the first version (UTC). Default: None, which means creation time plus the
    rotation policy's ``expires_after_days`` (no expiry without one). An explicit expiry must
    leave the rotation room to happen first."""

    rotation: KeyRotationPolicy = field(default_factory=KeyRotationPolicy)
    """Rotation policy. Default: :class:`KeyRotationPolicy` defaults (rotate every 90 days,
    versions expire after 365, notice 30 days before). :data:`NO_ROTATION` turns it off."""

    existing_id: str | None = None
    """Use this existing key instead of creating one: its ARM id (read to learn the current
    version) or a versioned key URI (used as is). Default: None (create)."""

    now: datetime | None = None
    """Clock for the date checks. Default: None, the current time."""

    def problems(self) -> list[Problem]:
        problems = check("key_type", self.key_type, KEY_TYPE)
        problems += check("size", self.size, KEY_SIZE)
        if self.name is not None:
            problems += check("name", self.name, KEY_NAME)
        problems += [p.within("rotation") for p in self.rotation.problems()]
        now = now_or_current(self.now)
        naive = [
            name
            for name in ("not_before", "expires_on")
            if getattr(self, name) is not None and getattr(self, name).tzinfo is None
        ]
        problems += [
            Problem(name, "has no time zone; give a UTC datetime", getattr(self, name))
            for name in naive
        ]
        if naive:
            return problems
        if self.not_before is not None and self.not_before > now:
            problems.append(
                Problem(
                    "not_before",
                    "is in the future; the activation date must be in the past",
                    utc_iso(self.not_before),
                )
            )
        problems += self._expiry_problems(now)
        if self.existing_id is not None:
            problems += check("existing_id", self.existing_id, existing_key_reference)
            settable = ("name", "key_type", "size", "not_before", "expires_on", "rotation")
            problems += [
                Problem(
                    name,
                    "is set, but it applies to a key this stack creates, not to {existing}; "
                    "remove it",
                    getattr(self, name),
                    refs={"existing": "existing_id"},
                )
                for name in fields_set(self, settable)
            ]
        return problems

    def _expiry_problems(self, now: datetime) -> list[Problem]:
        expires = self.expires_on
        if expires is None:
            return []
        if expires <= now:
            return [Problem("expires_on", "is not in the future", utc_iso(expires))]
        rotate = self.rotation.auto_rotate_after_days
        if not rotate:
            return [
                Problem(
                    "expires_on",
                    "is set without a rotation ({rotate} is 0); the key would expire unrotated "
                    "and lock the cluster out of its data",
                    utc_iso(expires),
                    refs={"rotate": "rotation.auto_rotate_after_days"},
                )
            ]
        earliest = now + timedelta(days=rotate + MIN_VALID_AFTER_ROTATION_DAYS)
        if expires < earliest:
            return [
                Problem(
                    "expires_on",
                    f"leaves no room for the first rotation ({rotate} days) plus "
                    f"{MIN_VALID_AFTER_ROTATION_DAYS} days; use a time after {utc_iso(earliest)}",
                    utc_iso(expires),
                )
            ]
        return []

    def first_expiry(self) -> datetime | None:
        """The expiry the first version gets: explicit, or from the rotation policy."""
        if self.existing_id is not None:
            return None
        if self.expires_on is not None:
            return self.expires_on
        return self.rotation.first_version_expiry(now_or_current(self.now))


def hsm_needs_premium(key_type: object, sku: object) -> str | None:
    """The rule that an RSA-HSM key needs a premium vault (None: fine, or the sku unknown)."""
    if key_type == KeyType.RSA_HSM and sku is not None and sku != VaultSku.PREMIUM:
        return f"needs a premium vault, not {sku}"
    return None


class VaultLike(Protocol):
    """What a key needs of its vault: a :class:`~cmkpg.CmkVault`, or a
    :class:`VaultReference` for a vault managed elsewhere."""

    @property
    def name(self) -> pulumi.Input[str]: ...
    @property
    def resource_group_name(self) -> pulumi.Input[str]: ...
    @property
    def sku(self) -> VaultSku | None: ...
    @property
    def grant(self) -> Sequence[pulumi.Resource]: ...


@dataclass(frozen=True)
class VaultReference:
    """A vault this program does not manage through :class:`~cmkpg.CmkVault`."""

    name: pulumi.Input[str]
    """Name of the vault."""
    resource_group_name: pulumi.Input[str]
    """Its resource group."""
    sku: VaultSku | None = None
    """Its SKU when known (RSA-HSM keys are then checked against it). Default: None."""
    grant: Sequence[pulumi.Resource] = ()
    """Resources that grant the cluster's identity its key permissions. Default: none."""


@dataclass(frozen=True, kw_only=True)
class CmkKeyArgs(KeyOptions):
    """Arguments of :class:`CmkKey`: the :class:`KeyOptions` plus the vault that holds it."""

    vault: VaultLike | None = None
    """The vault of a new key: a :class:`~cmkpg.CmkVault` or a :class:`VaultReference`.
    Required unless ``existing_id`` is given."""

    protect: bool | None = None
    """Protect the key from deletion. Default: None, which means ``opts.protect`` when given,
    else True. Whatever it says, the key is retained on delete: deleting it soft-deletes every
    version and the cluster loses its data, and the provider's delete needs data-plane rights
    the deployer does not have in an access-policy vault."""

    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of a new key, set at creation (ARM never updates a key). Default: none."""

    def problems(self) -> list[Problem]:
        problems = super().problems()
        if self.existing_id is None and self.vault is None:
            problems.append(Problem("vault", "is required to create a key"))
        if self.vault is not None and (
            complaint := hsm_needs_premium(self.key_type, self.vault.sku)
        ):
            problems.append(Problem("key_type", complaint, self.key_type))
        return problems

    def __post_init__(self) -> None:
        raise_if(self.problems(), type(self).__name__)


class CmkKey(pulumi.ComponentResource):
    """An enabled RSA (or RSA-HSM) key whose only operations are wrapKey and unwrapKey, with a
    rotation policy, created in a vault or referenced by id.

    Key Vault creates a key through ARM once and never updates it, so every property, the
    tags included, is ignored on later runs (``ignoreChanges``): a changed setting can only be
    applied with the Azure CLI, or by using a new key (the stack refuses that on an existing
    cluster). The key is always retained on delete.
    """

    key_id: pulumi.Output[str]
    """ARM id of the key (for a key given by URI: the URI without version)."""
    name: pulumi.Output[str]
    """Name of the key."""
    uri: pulumi.Output[str]
    """Versionless key URI: identifies the key across rotations."""
    versioned_uri: pulumi.Output[str]
    """URI of the version current when the key was created or read: what a Cosmos DB for
    PostgreSQL cluster's ``dataEncryption.primaryKeyUri`` takes."""

    def __init__(
        self, name: str, args: CmkKeyArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        protect = resolve_protect(args.protect, opts, type(args).__name__)
        if args.existing_id is None and args.name is None:
            raise_if(check("", f"{name}-key", KEY_NAME), f"CmkKey {name!r} (its key name)")
        super().__init__(type_token("CmkKey"), name, None, opts)
        self.key: keyvault.Key | None = None
        """The key resource (created or read); None for a key given by URI."""
        if args.existing_id and args.existing_id.startswith("https://"):
            key_uri = parse_key_uri(args.existing_id, require_version=True)
            self.key_id = pulumi.Output.from_input(key_uri.versionless)
            self.name = pulumi.Output.from_input(key_uri.key_name)
            self.uri = pulumi.Output.from_input(key_uri.versionless)
            self.versioned_uri = pulumi.Output.from_input(str(key_uri))
        else:
            if args.existing_id:
                key = keyvault.Key.get(
                    f"{name}-key", args.existing_id, opts=pulumi.ResourceOptions(parent=self)
                )
                checked = pulumi.Output.all(
                    key.kty, key.key_size, key.key_ops, key.attributes
                ).apply(lambda a: _require_usable(args.existing_id or "", *a, now=args.now))
                self.versioned_uri = after(key.key_uri_with_version, checked)
            else:
                assert args.vault is not None  # checked by CmkKeyArgs
                rotation = args.rotation
                key = keyvault.Key(
                    f"{name}-key",
                    key_name=args.name,
                    vault_name=args.vault.name,
                    resource_group_name=args.vault.resource_group_name,
                    properties=keyvault.KeyPropertiesArgs(
                        kty=args.key_type,
                        key_size=args.size,
                        key_ops=list(KEY_OPERATIONS),
                        attributes=keyvault.KeyAttributesArgs(
                            enabled=True,
                            not_before=_epoch(args.not_before),
                            expires=_epoch(args.first_expiry()),
                        ),
                        rotation_policy=rotation.to_args() if rotation.enabled else None,
                    ),
                    tags=dict(args.tags) or None,
                    opts=child_options(
                        self,
                        protect=protect,
                        retain_on_delete=True,
                        # ARM creates a key once and never updates it; a changed input would
                        # be a silent no-op (and the first expiry moves with the clock).
                        ignore_changes=["properties", "tags"],
                        depends_on=args.vault.grant,
                    ),
                )
                self.versioned_uri = key.key_uri_with_version
            self.key = key
            self.key_id = key.id
            self.name = key.name
            self.uri = key.key_uri
        self.register_outputs(
            {
                "key_id": self.key_id,
                "name": self.name,
                "uri": self.uri,
                "versioned_uri": self.versioned_uri,
            }
        )


def _iso_days(duration: object) -> int:
    """``P90D`` -> 90; no duration -> 0; anything else -> -1 (not comparable)."""
    if duration in (None, ""):
        return 0
    match = re.fullmatch(r"P(\d+)D", str(duration))
    return int(match[1]) if match else -1


def _epoch(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())


def _require_usable(
    key_ref: str,
    kty: str | None,
    size: int | None,
    ops: list[str] | None,
    attributes: Any,
    *,
    now: datetime | None,
) -> str:
    """Fail if an existing key cannot serve as a customer-managed key."""
    problems = []
    if kty not in tuple(KeyType):
        problems.append(f"its type is {kty!r}, not RSA or RSA-HSM")
    if size is not None and size not in KEY_SIZES:
        problems.append(f"its size is {size}, not 2048, 3072 or 4096")
    missing = [op for op in KEY_OPERATIONS if ops is not None and op not in ops]
    if missing:
        problems.append(f"its operations lack {', '.join(missing)}")
    moment = now_or_current(now).timestamp()
    expires = field_of(attributes, "expires") or field_of(attributes, "exp")
    not_before = field_of(attributes, "not_before") or field_of(attributes, "nbf")
    if field_of(attributes, "enabled") is False:
        problems.append("it is disabled")
    if isinstance(expires, int | float) and expires <= moment:
        problems.append("it has expired")
    if isinstance(not_before, int | float) and not_before > moment:
        problems.append("it is not active yet")
    if problems:
        raise ValueError(
            f"the existing key {key_ref} is not usable as a customer-managed key: "
            + "; ".join(problems)
        )
    return key_ref
