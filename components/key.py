"""CmkKey: the RSA key in Key Vault that wraps the cluster's data encryption key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pulumi
from pulumi_azure_native import keyvault

from .base import after, child_options, field_of, type_token
from .resource_ids import KEY_VAULT_KEY, parse_arm_id, parse_key_uri
from .validation import check, int_between, matches, one_of, raise_if, utc_iso

KEY_TYPES = ("RSA", "RSA-HSM")
KEY_SIZES = (2048, 3072, 4096)
# The service wraps and unwraps its data key; the key may do nothing else.
KEY_OPERATIONS = ("wrapKey", "unwrapKey")

KEY_NAME = matches(r"[a-zA-Z0-9-]{1,127}", "use 1-127 letters, digits or hyphens")
KEY_TYPE = one_of(*KEY_TYPES)
KEY_SIZE = one_of(*KEY_SIZES)
# Key Vault's own limits for rotation policies.
MIN_ROTATE_AFTER_DAYS = 7
MIN_EXPIRY_DAYS = 28
MIN_NOTIFY_DAYS = 7
ROTATE_AFTER_DAYS = int_between(MIN_ROTATE_AFTER_DAYS, 3650)
EXPIRES_AFTER_DAYS = int_between(MIN_EXPIRY_DAYS, 3650)
NOTIFY_BEFORE_EXPIRY_DAYS = int_between(MIN_NOTIFY_DAYS, 3650)
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


@dataclass(frozen=True)
class KeyRotationPolicy:
    """Key Vault rotation policy of a new key. Key Vault creates new versions itself; the
    cluster follows them (see README, "Key rotation")."""

    auto_rotate_after_days: int | None = None
    """Create a new version this many days after the current one was created (>= 7).
    Default: None (no automatic rotation)."""

    expires_after_days: int | None = None
    """Each new version expires this many days after creation (>= 28, and at least 28 days
    after the rotation). Default: None (versions do not expire)."""

    notify_before_expiry_days: int | None = None
    """Emit a Key Vault near-expiry event this many days before expiry (>= 7; needs
    ``expires_after_days``). Default: None."""

    def problems(self, field_for: Mapping[str, str]) -> list[str]:
        """Every rule violation, naming fields through ``field_for`` (attribute -> shown
        name)."""
        rotate, expires, notify = (
            self.auto_rotate_after_days,
            self.expires_after_days,
            self.notify_before_expiry_days,
        )
        rotate_name = field_for["auto_rotate_after_days"]
        expires_name = field_for["expires_after_days"]
        notify_name = field_for["notify_before_expiry_days"]
        out: list[str] = []
        if rotate is not None:
            out += check(rotate_name, rotate, ROTATE_AFTER_DAYS)
        if expires is not None:
            out += check(expires_name, expires, EXPIRES_AFTER_DAYS)
        if notify is not None:
            out += check(notify_name, notify, NOTIFY_BEFORE_EXPIRY_DAYS)
        if out:
            return out
        if expires is not None and rotate is None:
            out.append(
                f"{expires_name}: {expires} is set without {rotate_name}; versions would "
                "expire unrotated and lock the cluster out of its data"
            )
        if expires is not None and rotate is not None and expires - rotate < MIN_EXPIRY_DAYS:
            out.append(
                f"{expires_name}: {expires} is too close to {rotate_name} {rotate}; rotate at "
                f"least {MIN_EXPIRY_DAYS} days before expiry"
            )
        if notify is not None and expires is None:
            out.append(f"{notify_name}: {notify} needs {expires_name}")
        if notify is not None and expires is not None and notify >= expires:
            out.append(f"{notify_name}: {notify} is not before the expiry ({expires} days)")
        return out

    @property
    def enabled(self) -> bool:
        return any(
            v is not None
            for v in (
                self.auto_rotate_after_days,
                self.expires_after_days,
                self.notify_before_expiry_days,
            )
        )

    def to_args(self) -> keyvault.RotationPolicyArgs:
        actions = []
        if self.auto_rotate_after_days is not None:
            actions.append(
                keyvault.LifetimeActionArgs(
                    action=keyvault.ActionArgs(type="rotate"),
                    trigger=keyvault.TriggerArgs(
                        time_after_create=f"P{self.auto_rotate_after_days}D"
                    ),
                )
            )
        if self.notify_before_expiry_days is not None:
            actions.append(
                keyvault.LifetimeActionArgs(
                    action=keyvault.ActionArgs(type="notify"),
                    trigger=keyvault.TriggerArgs(
                        time_before_expiry=f"P{self.notify_before_expiry_days}D"
                    ),
                )
            )
        attributes = None
        if self.expires_after_days is not None:
            attributes = keyvault.KeyRotationPolicyAttributesArgs(
                expiry_time=f"P{self.expires_after_days}D"
            )
        return keyvault.RotationPolicyArgs(attributes=attributes, lifetime_actions=actions)


@dataclass(frozen=True)
class CmkKeyArgs:
    """Arguments of :class:`CmkKey`."""

    vault_name: pulumi.Input[str] | None = None
    """Name of the vault that holds a new key. Required unless ``existing`` is given."""

    resource_group_name: pulumi.Input[str] | None = None
    """Resource group of that vault. Required unless ``existing`` is given."""

    vault_sku: str | None = "standard"
    """SKU of that vault; RSA-HSM keys need ``premium``. None when unknown (an existing
    vault; Azure then checks). Default: ``standard``."""

    key_type: str = "RSA"
    """``RSA`` or ``RSA-HSM``. Default: ``RSA``. Changing it replaces the key."""

    size: int = 3072
    """Key size in bits: 2048, 3072 or 4096. Default: 3072. Changing it replaces the key."""

    name: str | None = None
    """Key name within the vault. Default: the logical name ``<component name>-key`` (the
    provider does not add a suffix to child resources). Changing it replaces the key."""

    not_before: datetime | None = None
    """Activation time (UTC); must be in the past. Default: None (active at once)."""

    expires_on: datetime | None = None
    """Expiry time (UTC); must be in the future. Default: None. An expired key locks the
    cluster out unless a newer version exists: prefer a rotation policy."""

    rotation: KeyRotationPolicy | None = None
    """Rotation policy set when the key is created. Default: None. Key creation through ARM
    is create-only: a policy changed later is not sent; apply it with ``az keyvault key
    rotation-policy update`` (see README)."""

    existing: str | None = None
    """Use this existing key instead of creating one: its ARM id (read to learn the current
    version) or a versioned key URI (used as is). Default: None (create)."""

    protect: bool = True
    """Protect the key from deletion and retain it in Azure if it leaves the stack.
    Default: True. Deleting it soft-deletes every version and the cluster loses its data."""

    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of a new key. Default: none."""

    now: datetime | None = None
    """Clock for the date checks. Default: the current time."""

    def __post_init__(self) -> None:
        problems = check("CmkKeyArgs.key_type", self.key_type, KEY_TYPE)
        problems += check("CmkKeyArgs.size", self.size, KEY_SIZE)
        if self.key_type == "RSA-HSM" and self.vault_sku not in (None, "premium"):
            problems.append(
                f"CmkKeyArgs.key_type: 'RSA-HSM' needs a premium vault, not {self.vault_sku!r}"
            )
        if self.name is not None:
            problems += check("CmkKeyArgs.name", self.name, KEY_NAME)
        now = self.now or datetime.now(UTC)
        if self.not_before is not None and self.not_before > now:
            problems.append(
                f"CmkKeyArgs.not_before: {utc_iso(self.not_before)} is in the future; the "
                "activation date must be in the past"
            )
        if self.expires_on is not None and self.expires_on <= now:
            problems.append(
                f"CmkKeyArgs.expires_on: {utc_iso(self.expires_on)} is not in the future"
            )
        if self.rotation is not None:
            problems += self.rotation.problems(
                {f: f"CmkKeyArgs.rotation.{f}" for f in ROTATION_FIELDS}
            )
        if self.existing is not None:
            problems += check("CmkKeyArgs.existing", self.existing, existing_key_reference)
        elif self.vault_name is None or self.resource_group_name is None:
            problems.append(
                "CmkKeyArgs.vault_name: vault_name and resource_group_name are required to "
                "create a key"
            )
        raise_if(problems)


class CmkKey(pulumi.ComponentResource):
    """An enabled RSA (or RSA-HSM) key whose only operations are wrapKey and unwrapKey,
    created in a vault or referenced by id."""

    id: pulumi.Output[str]
    """ARM id of the key (for a key given by URI: the URI without version)."""
    name: pulumi.Output[str]
    uri: pulumi.Output[str]
    """Versionless key URI: identifies the key across rotations."""
    versioned_uri: pulumi.Output[str]
    """URI of the version current when the key was created or read: what the cluster's
    ``dataEncryption.primaryKeyUri`` takes."""

    def __init__(
        self, name: str, args: CmkKeyArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("CmkKey"), name, None, opts)
        if args.existing and args.existing.startswith("https://"):
            key_uri = parse_key_uri(args.existing, require_version=True)
            self.id = pulumi.Output.from_input(key_uri.versionless)
            self.name = pulumi.Output.from_input(key_uri.key_name)
            self.uri = pulumi.Output.from_input(key_uri.versionless)
            self.versioned_uri = pulumi.Output.from_input(str(key_uri))
        else:
            if args.existing:
                key = keyvault.Key.get(
                    f"{name}-key", args.existing, opts=pulumi.ResourceOptions(parent=self)
                )
                checked = pulumi.Output.all(
                    key.kty, key.key_size, key.key_ops, key.attributes
                ).apply(lambda a: _require_usable(args.existing or "", *a, now=args.now))
                self.versioned_uri = after(key.key_uri_with_version, checked)
            else:
                key = keyvault.Key(
                    f"{name}-key",
                    key_name=args.name,
                    vault_name=args.vault_name,
                    resource_group_name=args.resource_group_name,
                    properties=keyvault.KeyPropertiesArgs(
                        kty=args.key_type,
                        key_size=args.size,
                        key_ops=list(KEY_OPERATIONS),
                        attributes=keyvault.KeyAttributesArgs(
                            enabled=True,
                            not_before=_epoch(args.not_before),
                            expires=_epoch(args.expires_on),
                        ),
                        rotation_policy=args.rotation.to_args()
                        if args.rotation and args.rotation.enabled
                        else None,
                    ),
                    tags=dict(args.tags) or None,
                    opts=child_options(
                        self,
                        protect=args.protect,
                        retain_on_delete=args.protect,
                        # ARM never updates a key: a later policy change would be a silent
                        # no-op, so it is not sent (README: apply it with the az CLI).
                        ignore_changes=["properties.rotationPolicy"],
                    ),
                )
                self.versioned_uri = key.key_uri_with_version
            self.id = key.id
            self.name = key.name
            self.uri = key.key_uri
        self.register_outputs(
            {
                "id": self.id,
                "name": self.name,
                "uri": self.uri,
                "versioned_uri": self.versioned_uri,
            }
        )


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
    if kty not in KEY_TYPES:
        problems.append(f"its type is {kty!r}, not RSA or RSA-HSM")
    if size is not None and size not in KEY_SIZES:
        problems.append(f"its size is {size}, not 2048, 3072 or 4096")
    missing = [op for op in KEY_OPERATIONS if ops is not None and op not in ops]
    if missing:
        problems.append(f"its operations lack {', '.join(missing)}")
    moment = (now or datetime.now(UTC)).timestamp()
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
