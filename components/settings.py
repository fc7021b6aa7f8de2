"""Stack configuration: the declared keys, and their parsing into typed, validated settings.

Keys are flat, dotted names in the ``cmkpg`` namespace (``cmkpg:key.size``), set with
``pulumi config set key.size 4096`` (no ``--path``). Flat keys let ``Pulumi.yaml`` declare a
type, default and description for every one of them, which the Pulumi CLI enforces; the
loader below re-checks the same rules so the offline preview and the tests behave the same.

:func:`load_settings` is pure: it takes the raw config mapping and returns
:class:`StackSettings`, or raises :class:`ConfigError` listing *every* problem, each naming
the key, the value and what is allowed. Nothing is registered before it succeeds.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import pulumi

from .base import normalize_region
from .cluster import (
    CITUS_VERSION,
    CLUSTER_NAME,
    DATABASE_NAME,
    ENCRYPTION_MODES,
    POSTGRESQL_VERSION,
    ClusterSizing,
    password_strength,
    source_cluster_id,
)
from .identity import IDENTITY_NAME, existing_identity_id
from .key import (
    KEY_NAME,
    KEY_SIZE,
    KEY_TYPE,
    ROTATION_FIELDS,
    KeyRotationPolicy,
    existing_key_reference,
)
from .monitoring import (
    EMAIL,
    RETENTION_DAYS,
    WEBHOOK,
    duplicates,
    existing_workspace_id,
    redact_webhook,
)
from .resource_ids import (
    COSMOS_PG_CLUSTER,
    KEY_VAULT,
    KEY_VAULT_KEY,
    parse_arm_id,
    parse_key_uri,
)
from .validation import (
    Rule,
    check,
    describe,
    matches,
    one_of,
    parse_utc,
    render,
    utc_iso,
)
from .vault import SOFT_DELETE_RETENTION, VAULT_NAME, VAULT_SKU, existing_vault_id

NAMESPACE = "cmkpg"
ConfigType = Literal["string", "integer", "boolean", "array"]
REQUIRED = object()


@dataclass(frozen=True)
class ConfigKey:
    """One declared config key; ``Pulumi.yaml`` and the README table are checked against
    these declarations by the tests."""

    name: str
    type: ConfigType
    description: str
    default: Any = REQUIRED
    secret: bool = False

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


def _key(name: str, type_: ConfigType, default: Any, description: str, **kw: Any) -> ConfigKey:
    return ConfigKey(name, type_, description, default, **kw)


KEYS: tuple[ConfigKey, ...] = (
    ConfigKey(
        "location",
        "string",
        "Azure region of every resource, e.g. westeurope. "
        "Must equal azure-native:location when that is set.",
    ),
    _key(
        "resourceGroupName",
        "string",
        "",
        "Existing resource group to deploy into. Empty: create `rg-cmkpg-<stack>`.",
    ),
    _key(
        "encryption",
        "string",
        "customerManaged",
        "customerManaged (identity, vault, key "
        "and a CMK-encrypted cluster) or serviceManaged (the cluster only).",
    ),
    _key(
        "protect",
        "boolean",
        True,
        "Protect vault, key and cluster from deletion and "
        "retain vault and key in Azure if they leave the stack. false only for throwaway "
        "stacks.",
    ),
    _key(
        "locks",
        "boolean",
        False,
        "Add CanNotDelete management locks on the vault this stack creates and on the cluster.",
    ),
    _key("tags", "array", [], "Tags for every taggable resource, as key=value strings."),
    _key("identity.name", "string", "", "User-assigned identity name. Empty: autonamed."),
    _key(
        "identity.existingId",
        "string",
        "",
        "ARM id of an existing user-assigned identity to use instead of creating one.",
    ),
    _key(
        "vault.name",
        "string",
        "",
        "Key Vault name (3-24 characters, globally unique). "
        "Empty: autonamed, since a purge-protected name stays taken for 90 days.",
    ),
    _key("vault.sku", "string", "standard", "standard or premium (premium for RSA-HSM)."),
    _key(
        "vault.softDeleteRetentionDays",
        "integer",
        90,
        "Soft-delete retention of the vault; only 90 is accepted (the service requires it).",
    ),
    _key(
        "vault.existingId",
        "string",
        "",
        "ARM id of an existing Key Vault to use (read and checked, never modified).",
    ),
    _key(
        "vault.manageAccessPolicy",
        "boolean",
        True,
        "Create the identity's access policy, also on an existing vault. false: the vault's "
        "owners grant get, wrapKey and unwrapKey themselves.",
    ),
    _key("key.name", "string", "", "Key name in the vault. Empty: `cmkpg-key`."),
    _key("key.type", "string", "RSA", "RSA or RSA-HSM (RSA-HSM needs vault.sku premium)."),
    _key("key.size", "integer", 3072, "RSA key size: 2048, 3072 or 4096."),
    _key("key.notBefore", "string", "", "Activation time, ISO 8601 UTC, in the past. Empty: none."),
    _key("key.expiresOn", "string", "", "Expiry time, ISO 8601 UTC, in the future. Empty: none."),
    _key(
        "key.existingId",
        "string",
        "",
        "Existing key: its ARM id, or a versioned key URI (which needs vault.existingId).",
    ),
    _key(
        "key.rotation.autoRotateAfterDays",
        "integer",
        0,
        "Rotation policy of a new key: a new version this many days after creation (>= 7). "
        "0: no automatic rotation.",
    ),
    _key(
        "key.rotation.expiresAfterDays",
        "integer",
        0,
        "Rotation policy: versions expire this many days after creation (>= 28, and at least "
        "28 days after the rotation). 0: no expiry.",
    ),
    _key(
        "key.rotation.notifyBeforeExpiryDays",
        "integer",
        0,
        "Rotation policy: a near-expiry event this many days before expiry (>= 7). 0: none.",
    ),
    _key(
        "cluster.name",
        "string",
        "",
        "Cluster name, 3-40 lowercase letters, digits, hyphens. Empty: `cmkpg-<stack>`.",
    ),
    _key("cluster.postgresqlVersion", "string", "16", "PostgreSQL major version."),
    _key("cluster.citusVersion", "string", "12.1", "Citus extension version."),
    _key("cluster.coordinatorVCores", "integer", 4, "Coordinator vCores."),
    _key("cluster.coordinatorStorageMb", "integer", 131072, "Coordinator storage in MiB."),
    _key(
        "cluster.coordinatorServerEdition",
        "string",
        "GeneralPurpose",
        "GeneralPurpose, MemoryOptimized, BurstableGeneralPurpose or BurstableMemoryOptimized.",
    ),
    _key("cluster.nodeCount", "integer", 0, "Worker nodes: 0 (single node) or 2-20."),
    _key("cluster.nodeVCores", "integer", 4, "vCores per worker (multi-node)."),
    _key("cluster.nodeStorageMb", "integer", 524288, "Storage per worker in MiB (multi-node)."),
    _key(
        "cluster.nodeServerEdition",
        "string",
        "MemoryOptimized",
        "GeneralPurpose or MemoryOptimized (multi-node).",
    ),
    _key("cluster.enableHa", "boolean", False, "High availability."),
    _key(
        "cluster.preferredPrimaryZone",
        "string",
        "",
        "Availability zone 1, 2 or 3. Empty: Azure chooses.",
    ),
    _key("cluster.databaseName", "string", "citus", "Name of the cluster's database."),
    _key(
        "cluster.coordinatorPublicIpAccess", "boolean", False, "Public endpoint on the coordinator."
    ),
    _key("cluster.nodePublicIpAccess", "boolean", False, "Public endpoints on workers."),
    _key(
        "cluster.enableGeoBackup",
        "boolean",
        False,
        "Geo-redundant backup; not supported with customerManaged.",
    ),
    _key(
        "cluster.administratorLoginPassword",
        "string",
        "",
        "Password of the citus "
        "administrator; set it with --secret. Empty: a random 32-character password is "
        "generated.",
        secret=True,
    ),
    _key(
        "monitoring.enabled",
        "boolean",
        True,
        "Alerts (Resource Health, vault changes, key lifecycle, failed key access) and Key "
        "Vault audit logs; customerManaged stacks only.",
    ),
    _key(
        "monitoring.emails",
        "array",
        [],
        "E-mail receivers of the alerts. With monitoring, at least one e-mail or webhook.",
    ),
    _key(
        "monitoring.webhooks",
        "array",
        [],
        "https webhook receivers of the alerts; set with --secret (such URLs carry tokens).",
        secret=True,
    ),
    _key(
        "monitoring.logAnalyticsWorkspaceId",
        "string",
        "",
        "Existing Log Analytics workspace for the vault's audit logs. Empty: create one.",
    ),
    _key(
        "monitoring.logRetentionDays",
        "integer",
        90,
        "Retention of a new Log Analytics workspace, 30-730 days.",
    ),
    _key(
        "restore.sourceClusterId",
        "string",
        "",
        "Create the cluster as a point-in-time restore of this cluster (ARM id), with this "
        "stack's encryption. Empty: a new, empty cluster.",
    ),
    _key(
        "restore.sourceLocation",
        "string",
        "",
        "Region of the restore's source cluster. Empty: location.",
    ),
    _key(
        "restore.pointInTimeUtc",
        "string",
        "",
        "Time to restore to, ISO 8601 UTC: not in the future and, when the cluster is "
        "created, within the 35-day backup retention.",
    ),
    _key(
        "replica.sourceClusterId",
        "string",
        "",
        "Create the cluster as a read replica of this cluster (ARM id), with this stack's "
        "encryption, in location.",
    ),
    _key(
        "replica.sourceLocation",
        "string",
        "",
        "Region of the replica's primary cluster. Empty: location.",
    ),
)
KEYS_BY_NAME = {k.name: k for k in KEYS}
# Keys that only mean something with customer-managed keys (monitoring.enabled may say
# false anywhere).
_NOT_FOR_SERVICE_MANAGED = frozenset(
    k.name
    for k in KEYS
    if k.name.startswith(("identity.", "vault.", "key.", "monitoring."))
    and k.name != "monitoring.enabled"
)


class ConfigError(pulumi.RunError):
    """Invalid stack configuration; ``errors`` holds one line per problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(
            f"invalid configuration ({len(errors)} problem{'s' * (len(errors) != 1)}):\n"
            + "\n".join(f"  {e}" for e in errors)
        )


@dataclass(frozen=True)
class KeySettings:
    name: str | None
    type: str
    size: int
    not_before: datetime | None
    expires_on: datetime | None
    existing: str | None = None
    """An existing key: ARM id or versioned key URI."""
    rotation: KeyRotationPolicy | None = None


@dataclass(frozen=True)
class ClusterSettings:
    name: str
    postgresql_version: str
    citus_version: str
    database_name: str
    enable_geo_backup: bool
    sizing: ClusterSizing
    administrator_login_password: str | None = field(repr=False)


@dataclass(frozen=True)
class SourceSettings:
    """Where a restored or replica cluster comes from."""

    kind: Literal["restore", "replica"]
    cluster_id: str
    location: str
    point_in_time: datetime | None
    """The restore point (restore only)."""


@dataclass(frozen=True)
class MonitoringSettings:
    emails: tuple[str, ...]
    webhooks: tuple[str, ...] = field(repr=False)
    log_analytics_workspace_id: str | None
    log_retention_days: int


@dataclass(frozen=True)
class StackSettings:
    """Validated settings of one stack."""

    stack: str
    location: str
    resource_group_name: str
    create_resource_group: bool
    encryption: str
    protect: bool
    locks: bool
    tags: dict[str, str]
    identity_name: str | None
    identity_existing_id: str | None
    vault_name: str | None
    vault_sku: str
    vault_soft_delete_retention_days: int
    vault_existing_id: str | None
    """Set by ``vault.existingId`` or derived from a key given by ARM id."""
    vault_manage_access_policy: bool
    key: KeySettings
    cluster: ClusterSettings
    monitoring: MonitoringSettings | None
    """None when off: serviceManaged, or monitoring.enabled false."""
    source: SourceSettings | None = None
    """Set for a point-in-time restore or a read replica."""
    now: datetime | None = None
    """The clock every date rule used."""

    @property
    def customer_managed(self) -> bool:
        return self.encryption == "customerManaged"

    def now_or_current(self) -> datetime:
        return self.now or datetime.now(UTC)


class _Reader:
    """Typed access to raw config values, collecting every problem instead of stopping."""

    def __init__(self, raw: Mapping[str, Any], secret_keys: Collection[str]) -> None:
        self.raw = raw
        self.secret_keys = set(secret_keys)
        self.errors: list[str] = []

    def field(self, name: str) -> str:
        return f"{NAMESPACE}:{name}"

    def value(self, name: str) -> Any:
        """The parsed value, or None when unset or unparsable (reported by :meth:`get`)."""
        if name not in self.raw:
            return None
        return self._parse(KEYS_BY_NAME[name], self.raw[name], report=False)

    def is_set(self, name: str) -> bool:
        """Set to something other than its declared default (the CLI fills defaults in)."""
        value = self.value(name)
        return value is not None and value != KEYS_BY_NAME[name].default

    def fail(self, name: str, value: object, complaint: str) -> None:
        self.errors.append(
            describe(self.field(name), value, complaint, secret=KEYS_BY_NAME[name].secret)
        )

    def _parse(self, key: ConfigKey, raw: Any, *, report: bool = True) -> Any:
        """Engine value (string, or native when read from YAML) -> Python value, or None."""
        parsers: dict[str, Callable[[Any], Any]] = {
            "string": _as_string,
            "integer": _as_integer,
            "boolean": _as_boolean,
            "array": _as_string_list,
        }
        try:
            return parsers[key.type](raw)
        except ValueError as err:
            if report:
                self.fail(key.name, raw, str(err))
            return None

    def get(self, name: str, *rules: Rule) -> Any:
        """The value (or the declared default when unset), checked against ``rules``.

        Returns None when the value is invalid; the problem is recorded.
        """
        key = KEYS_BY_NAME[name]
        if name not in self.raw:
            if key.required:
                self.errors.append(f"{self.field(name)}: is required; {key.description}")
                return None
            return key.default
        value = self._parse(key, self.raw[name])
        if value is None:
            return None
        if key.type == "string" and value == "" and not key.required:
            return ""
        for problem in check(self.field(name), value, *rules, secret=key.secret):
            self.errors.append(problem)
            return None
        return value


def _as_string(raw: Any) -> str:
    if isinstance(raw, str):
        return raw
    raise ValueError("is not a string")


def _as_integer(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError("is not an integer")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and re.fullmatch(r"[+-]?\d+", raw.strip()):
        return int(raw)
    raise ValueError("is not an integer")


def _as_boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    raise ValueError("is not a boolean; use true or false")


def _as_string_list(raw: Any) -> list[str]:
    value = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise ValueError("is not a list of strings; use a YAML list such as [a, b]")


LOCATION = matches(r"[a-z][a-z0-9]{2,39}", "use the region's programmatic name, e.g. westeurope")
RESOURCE_GROUP_NAME = matches(
    r"[-\w.()]{0,89}[-\w()]",
    "use up to 90 letters, digits, '-', '_', '.', '(' or ')', not ending with '.'",
)
ENCRYPTION = one_of(*ENCRYPTION_MODES)
_TAG_NAME_FORBIDDEN = set("<>%&\\?/")
MAX_TAGS = 50


def parse_tags(values: list[str]) -> tuple[dict[str, str], list[str]]:
    """``["env=dev", ...]`` -> mapping; complaints follow Azure's tag rules."""
    tags: dict[str, str] = {}
    problems: list[str] = []
    for item in values:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            problems.append(f"{render(item)} is not key=value")
        elif set(name) & _TAG_NAME_FORBIDDEN or len(name) > 512:
            problems.append(
                f"{render(item)} has an invalid tag name; use up to 512 characters without "
                "< > % & \\ ? /"
            )
        elif len(value) > 256:
            problems.append(f"{render(item)} has a value longer than 256 characters")
        elif name in tags:
            problems.append(f"{render(item)} repeats the tag {name!r}")
        else:
            tags[name] = value
    if len(tags) > MAX_TAGS:
        problems.append(f"has {len(tags)} tags; Azure allows at most {MAX_TAGS}")
    return tags, problems


def load_settings(
    raw_config: Mapping[str, Any],
    *,
    stack: str,
    secret_keys: Collection[str] = (),
    provider_location: str | None = None,
    now: datetime | None = None,
) -> StackSettings:
    """Validate the ``cmkpg`` config of ``stack``; raise :class:`ConfigError` on any problem.

    :param raw_config: keys with or without the ``cmkpg:`` prefix; other namespaces are
        ignored. Values as the engine passes them (strings) or as YAML holds them.
    :param secret_keys: keys set with ``--secret``.
    :param provider_location: the ``azure-native:location`` config, if set.
    :param now: clock for date checks.
    """
    now = now or datetime.now(UTC)
    own = {
        k.removeprefix(f"{NAMESPACE}:"): v
        for k, v in raw_config.items()
        if k.startswith(f"{NAMESPACE}:") or ":" not in k
    }
    secrets = {k.removeprefix(f"{NAMESPACE}:") for k in secret_keys}
    r = _Reader(own, secrets)
    _unknown_keys(r, own)

    location = r.get("location", LOCATION)
    if (
        location
        and provider_location
        and (normalize_region(provider_location) != normalize_region(location))
    ):
        r.fail(
            "location",
            location,
            f"differs from azure-native:location {provider_location!r}; set them equal",
        )

    resource_group = r.get("resourceGroupName", RESOURCE_GROUP_NAME)
    create_rg = resource_group == ""
    if create_rg:
        resource_group = f"rg-{NAMESPACE}-{stack}"
        if RESOURCE_GROUP_NAME(resource_group):
            r.fail(
                "resourceGroupName",
                "",
                f"gives the default {resource_group!r}, which is "
                "not a valid resource group name; set resourceGroupName",
            )

    encryption = r.get("encryption", ENCRYPTION)
    protect = r.get("protect")
    tag_list = r.get("tags")
    tags: dict[str, str] = {}
    if tag_list is not None:
        tags, tag_problems = parse_tags(tag_list)
        r.errors += [f"{r.field('tags')}: {p}" for p in tag_problems]

    locks = r.get("locks")
    identity_name = r.get("identity.name", IDENTITY_NAME) or None
    identity_existing = r.get("identity.existingId", existing_identity_id) or None
    if identity_existing and identity_name:
        r.fail("identity.name", identity_name, "is set together with identity.existingId; use one")
    vault_name = r.get("vault.name", VAULT_NAME) or None
    vault_sku = r.get("vault.sku", VAULT_SKU)
    retention = r.get("vault.softDeleteRetentionDays", SOFT_DELETE_RETENTION)
    manage_access_policy = r.get("vault.manageAccessPolicy")
    key_existing = r.get("key.existingId", existing_key_reference) or None
    vault_existing = _existing_vault(r, key_existing)
    if vault_existing:
        _refuse_if_set(
            r,
            ("vault.name", "vault.sku", "vault.softDeleteRetentionDays"),
            "applies to a vault this stack creates, not to vault.existingId",
        )
    elif manage_access_policy is False:
        r.fail(
            "vault.manageAccessPolicy",
            False,
            "needs vault.existingId; a vault this stack creates must grant the identity itself",
        )

    key = _key_settings(r, None if vault_existing else vault_sku, key_existing, now)
    cluster = _cluster_settings(r, stack, secrets)

    monitoring = _monitoring_settings(r) if encryption == "customerManaged" else None
    source = _source_settings(r, location, resource_group, cluster.name if cluster else None, now)

    if encryption == "serviceManaged":
        for name in sorted(own):
            if name in _NOT_FOR_SERVICE_MANAGED and r.is_set(name):
                r.fail(
                    name,
                    r.value(name),
                    "is set, but encryption is serviceManaged; remove it or set encryption "
                    "to customerManaged",
                )
    if encryption == "customerManaged" and r.get("cluster.enableGeoBackup"):
        r.fail(
            "cluster.enableGeoBackup",
            True,
            "is not supported with customer-managed keys; set it to false or use "
            "encryption serviceManaged",
        )

    if r.errors:
        raise ConfigError(r.errors)
    assert key is not None and cluster is not None
    return StackSettings(
        stack=stack,
        location=location,
        resource_group_name=resource_group,
        create_resource_group=create_rg,
        encryption=encryption,
        protect=protect,
        locks=locks,
        tags=tags,
        identity_name=identity_name,
        identity_existing_id=identity_existing,
        vault_name=vault_name,
        vault_sku=vault_sku,
        vault_soft_delete_retention_days=retention,
        vault_existing_id=vault_existing,
        vault_manage_access_policy=manage_access_policy,
        key=key,
        cluster=cluster,
        monitoring=monitoring,
        source=source,
        now=now,
    )


def _unknown_keys(r: _Reader, own: Mapping[str, Any]) -> None:
    for name in sorted(own):
        if name in KEYS_BY_NAME:
            continue
        nested = [k.name for k in KEYS if k.name.startswith(f"{name}.")]
        if nested:
            r.errors.append(
                f"{r.field(name)}: nested objects are not read; set flat keys without "
                f"--path, e.g. `pulumi config set {nested[0]} <value>`"
            )
            continue
        close = difflib.get_close_matches(name, KEYS_BY_NAME, n=1)
        hint = f"did you mean {close[0]}?" if close else "see the config table in README.md"
        r.errors.append(f"{r.field(name)}: is not a known key; {hint}")


def _timestamp(r: _Reader, name: str) -> datetime | None:
    text = r.get(name)
    if not text:
        return None
    try:
        return parse_utc(text)
    except ValueError as err:
        r.fail(name, text, str(err))
        return None


# What a restore or replica takes from its source cluster, not from this config.
_COPIED_FROM_SOURCE = tuple(
    k.name for k in KEYS if k.name.startswith("cluster.") and k.name != "cluster.name"
)


def _source_settings(
    r: _Reader,
    location: str | None,
    resource_group: str | None,
    cluster_name: str | None,
    now: datetime,
) -> SourceSettings | None:
    """``restore.*`` or ``replica.*``: at most one, complete, and not naming this cluster."""
    restore_id = r.get("restore.sourceClusterId", source_cluster_id) or None
    replica_id = r.get("replica.sourceClusterId", source_cluster_id) or None
    restore_location = r.get("restore.sourceLocation", LOCATION) or None
    replica_location = r.get("replica.sourceLocation", LOCATION) or None
    point_in_time = _timestamp(r, "restore.pointInTimeUtc")
    for key, value, owner, present in (
        ("restore.sourceLocation", restore_location, "restore.sourceClusterId", restore_id),
        ("restore.pointInTimeUtc", point_in_time, "restore.sourceClusterId", restore_id),
        ("replica.sourceLocation", replica_location, "replica.sourceClusterId", replica_id),
    ):
        if value and not present and not r.raw.get(owner):
            r.fail(key, r.raw[key], f"is set without {owner}; set both or neither")
    if restore_id and replica_id:
        r.fail(
            "replica.sourceClusterId",
            replica_id,
            "is set together with "
            "restore.sourceClusterId; a cluster is either a restore or a replica",
        )
        return None
    if not (restore_id or replica_id):
        return None
    kind: Literal["restore", "replica"] = "restore" if restore_id else "replica"
    source_id = restore_id or replica_id
    assert source_id is not None
    if kind == "restore":
        if point_in_time is None and not r.raw.get("restore.pointInTimeUtc"):
            r.errors.append(
                f"{r.field('restore.pointInTimeUtc')}: is required with "
                "restore.sourceClusterId; give the ISO 8601 UTC time to restore to"
            )
        elif point_in_time is not None and point_in_time > now:
            r.fail(
                "restore.pointInTimeUtc",
                utc_iso(point_in_time),
                "is in the future; use a past time",
            )
    arm = parse_arm_id(source_id, COSMOS_PG_CLUSTER)
    if cluster_name and (arm.resource_group.lower(), arm.name) == (
        (resource_group or "").lower(),
        cluster_name,
    ):
        r.fail(
            f"{kind}.sourceClusterId",
            source_id,
            "is this stack's own cluster; give the new cluster another name with cluster.name",
        )
    copier = "a restore" if kind == "restore" else "a replica"
    _refuse_if_set(r, _COPIED_FROM_SOURCE, f"is copied by {copier} from its source cluster")
    return SourceSettings(
        kind=kind,
        cluster_id=source_id,
        location=(restore_location if kind == "restore" else replica_location) or location or "",
        point_in_time=point_in_time if kind == "restore" else None,
    )


def _monitoring_settings(r: _Reader) -> MonitoringSettings | None:
    """Receivers and log settings; None when monitoring.enabled is false or invalid."""
    before = len(r.errors)
    enabled = r.get("monitoring.enabled")
    emails = r.get("monitoring.emails")
    webhooks = r.get("monitoring.webhooks")
    workspace = r.get("monitoring.logAnalyticsWorkspaceId", existing_workspace_id) or None
    retention = r.get("monitoring.logRetentionDays", RETENTION_DAYS)
    if enabled is False:
        _refuse_if_set(
            r,
            (
                "monitoring.emails",
                "monitoring.webhooks",
                "monitoring.logAnalyticsWorkspaceId",
                "monitoring.logRetentionDays",
            ),
            "configures monitoring, which monitoring.enabled turns off",
        )
        return None
    if emails is None or webhooks is None:  # not lists: already reported
        return None
    if not emails and not webhooks:
        r.errors.append(
            f"{r.field('monitoring.emails')}: no receivers; alerts about a lost key must reach "
            "someone: give at least one e-mail address (or a webhook), or set "
            "monitoring.enabled false"
        )
    for email in emails:
        r.errors += check(r.field("monitoring.emails"), email, EMAIL)
    for email in duplicates(emails, fold_case=True):
        r.fail("monitoring.emails", email, "is listed more than once")
    webhook_field = r.field("monitoring.webhooks")
    if webhooks and "monitoring.webhooks" not in r.secret_keys:
        r.errors.append(
            f"{webhook_field}: is set in plain text; webhook URLs carry credentials, so set "
            "the list with `pulumi config set --secret monitoring.webhooks "
            "'[\"https://...\"]'`"
        )
    for webhook in webhooks:
        if complaint := WEBHOOK(webhook):
            r.errors.append(f"{webhook_field}: {redact_webhook(webhook)} {complaint}")
    for webhook in duplicates(webhooks):
        r.errors.append(f"{webhook_field}: {redact_webhook(webhook)} is listed more than once")
    if len(r.errors) > before:
        return None
    return MonitoringSettings(tuple(emails), tuple(webhooks), workspace, retention)


def _refuse_if_set(r: _Reader, names: Sequence[str], complaint: str) -> None:
    for name in names:
        if r.is_set(name):
            r.fail(
                name,
                r.value(name),
                f"is set, but it {complaint}; remove it",
            )


def _existing_vault(r: _Reader, key_existing: str | None) -> str | None:
    """``vault.existingId``, or the vault of a key given by ARM id; checks they agree."""
    before = len(r.errors)
    vault_existing = r.get("vault.existingId", existing_vault_id) or None
    if not key_existing or len(r.errors) > before:
        return vault_existing
    if key_existing.startswith("https://"):
        key_uri = parse_key_uri(key_existing, require_version=True)
        if not vault_existing:
            r.fail(
                "key.existingId",
                key_existing,
                "is a key URI, which does not name the "
                "vault's resource group; set vault.existingId to its vault",
            )
        elif parse_arm_id(vault_existing, KEY_VAULT).name.lower() != key_uri.vault_name:
            r.fail(
                "key.existingId",
                key_existing,
                f"is in vault {key_uri.vault_name!r}, not in the vault of vault.existingId",
            )
        return vault_existing
    key_vault = parse_arm_id(key_existing, KEY_VAULT_KEY).parent()
    if (
        vault_existing
        and str(parse_arm_id(vault_existing, KEY_VAULT)).lower() != str(key_vault).lower()
    ):
        r.fail("key.existingId", key_existing, "is in another vault than vault.existingId")
        return vault_existing
    return vault_existing or str(key_vault)


def _key_settings(
    r: _Reader, vault_sku: str | None, existing: str | None, now: datetime
) -> KeySettings | None:
    before = len(r.errors)
    name = r.get("key.name", KEY_NAME) or None
    key_type = r.get("key.type", KEY_TYPE)
    size = r.get("key.size", KEY_SIZE)
    not_before = _timestamp(r, "key.notBefore")
    expires_on = _timestamp(r, "key.expiresOn")
    rotation = KeyRotationPolicy(*(r.get(ROTATION_KEYS[f]) or None for f in ROTATION_FIELDS))
    r.errors += rotation.problems({f: r.field(k) for f, k in ROTATION_KEYS.items()})
    if key_type == "RSA-HSM" and vault_sku == "standard":
        r.fail("key.type", key_type, "needs a premium vault; set vault.sku to premium")
    if not_before and not_before > now:
        r.fail(
            "key.notBefore",
            utc_iso(not_before),
            "is in the future; the activation date must be in the past",
        )
    if expires_on and expires_on <= now:
        r.fail("key.expiresOn", utc_iso(expires_on), "is not in the future")
    if not_before and expires_on and expires_on <= not_before:
        r.fail("key.expiresOn", utc_iso(expires_on), "is not after key.notBefore")
    if existing:
        _refuse_if_set(
            r,
            (
                "key.name",
                "key.type",
                "key.size",
                "key.notBefore",
                "key.expiresOn",
                *ROTATION_KEYS.values(),
            ),
            "applies to a key this stack creates, not to key.existingId",
        )
    if len(r.errors) > before:
        return None
    return KeySettings(
        name,
        key_type,
        size,
        not_before,
        expires_on,
        existing=existing,
        rotation=rotation if rotation.enabled else None,
    )


ROTATION_KEYS = {
    "auto_rotate_after_days": "key.rotation.autoRotateAfterDays",
    "expires_after_days": "key.rotation.expiresAfterDays",
    "notify_before_expiry_days": "key.rotation.notifyBeforeExpiryDays",
}


# Config key of each ClusterSizing attribute, for error messages.
SIZING_KEYS = {
    "node_count": "cluster.nodeCount",
    "coordinator_v_cores": "cluster.coordinatorVCores",
    "coordinator_storage_mb": "cluster.coordinatorStorageMb",
    "coordinator_server_edition": "cluster.coordinatorServerEdition",
    "node_v_cores": "cluster.nodeVCores",
    "node_storage_mb": "cluster.nodeStorageMb",
    "node_server_edition": "cluster.nodeServerEdition",
    "enable_ha": "cluster.enableHa",
    "preferred_primary_zone": "cluster.preferredPrimaryZone",
    "coordinator_public_ip_access": "cluster.coordinatorPublicIpAccess",
    "node_public_ip_access": "cluster.nodePublicIpAccess",
}


def _cluster_settings(r: _Reader, stack: str, secrets: Collection[str]) -> ClusterSettings | None:
    before = len(r.errors)
    name = r.get("cluster.name", CLUSTER_NAME)
    if name == "":
        name = f"{NAMESPACE}-{stack}"
        if CLUSTER_NAME(name):
            r.fail(
                "cluster.name",
                "",
                f"gives the default {name!r}, which is not a valid "
                "cluster name (3-40 lowercase letters, digits, hyphens); set cluster.name",
            )
    values = {attr: r.get(key) for attr, key in SIZING_KEYS.items()}
    values["preferred_primary_zone"] = values["preferred_primary_zone"] or None
    if any(v is None for k, v in values.items() if k != "preferred_primary_zone"):
        return None
    sizing = ClusterSizing(**values)
    r.errors += sizing.problems({a: r.field(k) for a, k in SIZING_KEYS.items()})

    password = r.get("cluster.administratorLoginPassword") or None
    if password is not None:
        if "cluster.administratorLoginPassword" not in secrets:
            r.errors.append(
                f"{r.field('cluster.administratorLoginPassword')}: is set in plain text; set "
                "it with `pulumi config set --secret cluster.administratorLoginPassword`"
            )
        else:
            r.errors += check(
                r.field("cluster.administratorLoginPassword"),
                password,
                password_strength,
                secret=True,
            )
    settings = ClusterSettings(
        name=name,
        postgresql_version=r.get("cluster.postgresqlVersion", POSTGRESQL_VERSION),
        citus_version=r.get("cluster.citusVersion", CITUS_VERSION),
        database_name=r.get("cluster.databaseName", DATABASE_NAME),
        enable_geo_backup=r.get("cluster.enableGeoBackup"),
        sizing=sizing,
        administrator_login_password=password,
    )
    return settings if len(r.errors) == before else None


def describe_keys() -> str:
    """The README's config table (tests keep README.md in sync with it)."""
    rows = ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    for key in KEYS:
        if key.required:
            default = "required"
        elif key.default in ("", []):
            default = "—"
        else:
            default = f"`{json.dumps(key.default)}`"
        rows.append(f"| `{key.name}` | {key.type} | {default} | {key.description} |")
    return "\n".join(rows)


# Pins the clock of the date rules (ISO 8601 UTC), for reproducible checks in CI.
CLOCK_VARIABLE = "CMKPG_NOW"


def settings_from_pulumi() -> StackSettings:
    """:func:`load_settings` for the running program's stack and config."""
    from pulumi.runtime import config as runtime_config

    values: dict[str, Any] = dict(runtime_config.get_config_env())
    values.update(runtime_config.CONFIG.get())
    pinned = os.environ.get(CLOCK_VARIABLE)
    try:
        now = parse_utc(pinned) if pinned else None
    except ValueError as err:
        raise ConfigError([f"{CLOCK_VARIABLE}: {render(pinned)} {err}"]) from None
    return load_settings(
        values,
        stack=pulumi.get_stack(),
        secret_keys=[k for k in values if runtime_config.is_config_secret(k)],
        provider_location=values.get("azure-native:location"),
        now=now,
    )
