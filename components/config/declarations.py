"""Every stack config setting, declared once: its key, its type for the Pulumi CLI, where it
lands in :class:`~cmkpg.config.settings.StackSettings`, and its meaning.

Keys with a dot are property paths, as the Pulumi CLI reads every declared key
(``pkg/workspace/config.go``, ``mergeConfig``: ``stackConfig.Get(key, true)``): ``key.size``
is the field ``size`` of the object ``cmkpg:key``, which ``pulumi config set --path key.size
4096`` writes. Defaults are not written here: each is read from the option class that owns
the field (:func:`~cmkpg.config.settings.default_at`), so the component, the config loader,
``Pulumi.yaml`` and the README table cannot disagree.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Literal

from .settings import default_at

ConfigType = Literal["string", "integer", "boolean", "array", "object"]


@dataclass(frozen=True)
class Setting:
    """One declared config key."""

    path: str
    """Config key within the ``cmkpg`` namespace, a property path (``key.size``)."""
    type: ConfigType
    """Type the Pulumi CLI checks (``integer``, ``array`` of strings, ``object`` of strings)."""
    attr: str
    """Attribute path in :class:`~cmkpg.config.settings.StackSettings` (``cmk.key.size``)."""
    description: str
    required: bool = False
    """No default: the CLI reports the stack as missing this value."""
    secret: bool = False
    """Set only with ``--secret`` (the program refuses it in plain text)."""
    timestamp: bool = False
    """An ISO 8601 UTC time."""

    @property
    def root(self) -> str:
        """The top-level config key it lives in (``key`` for ``key.size``)."""
        return self.path.split(".", 1)[0]

    @property
    def default(self) -> Any:
        """The default as the CLI writes it into the stack config (``""``: unset)."""
        return config_value(default_at(self.attr))


def config_value(value: object) -> Any:
    """A Python default in the form a stack file holds it."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: config_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [config_value(v) for v in value]
    return value


def _s(path: str, type_: ConfigType, attr: str, description: str, **kw: Any) -> Setting:
    return Setting(path, type_, attr, description, **kw)


SETTINGS: tuple[Setting, ...] = (
    _s(
        "location",
        "string",
        "location",
        "Azure region of every resource, e.g. westeurope. Must equal azure-native:location "
        "when that is set.",
        required=True,
    ),
    _s(
        "allowUnlistedRegion",
        "boolean",
        "allow_unlisted_region",
        "Accept a region name this release does not list (a region newer than cmkpg).",
    ),
    _s(
        "resourceGroupName",
        "string",
        "resource_group_name",
        "Existing resource group to deploy into. Empty: create `rg-cmkpg-<stack>`.",
    ),
    _s(
        "service",
        "string",
        "service",
        "cosmosPostgres (Azure Cosmos DB for PostgreSQL) or elasticCluster (an elastic cluster "
        "on Azure Database for PostgreSQL flexible server, its successor). Set at creation.",
    ),
    _s(
        "encryption",
        "string",
        "encryption",
        "customerManaged (identity, vault, key and a CMK-encrypted cluster) or serviceManaged "
        "(the cluster only).",
    ),
    _s(
        "protect",
        "boolean",
        "protect",
        "Protect identity, vault, key and cluster from deletion and retain identity and vault "
        "in Azure if they leave the stack (the key and the access policy are always "
        "retained). false only for throwaway stacks.",
    ),
    _s(
        "lock",
        "boolean",
        "lock",
        "Add CanNotDelete management locks on the vault this stack creates and on the cluster.",
    ),
    _s("tags", "object", "tags", "Tags for every taggable resource: a map of name to value."),
    _s(
        "identity.name",
        "string",
        "cmk.identity.name",
        "User-assigned identity name. Empty: autonamed.",
    ),
    _s(
        "identity.existingId",
        "string",
        "cmk.identity.existing_id",
        "ARM id of an existing user-assigned identity to use instead of creating one.",
    ),
    _s(
        "vault.name",
        "string",
        "cmk.vault.name",
        "Key Vault name (3-24 characters, globally unique). Empty: autonamed, since a "
        "purge-protected name stays taken for 90 days.",
    ),
    _s("vault.sku", "string", "cmk.vault.sku", "standard or premium (premium for RSA-HSM)."),
    _s(
        "vault.softDeleteRetentionDays",
        "integer",
        "cmk.vault.soft_delete_retention_days",
        "Soft-delete retention of the vault; only 90 is accepted (the service requires it).",
    ),
    _s(
        "vault.existingId",
        "string",
        "cmk.vault.existing_id",
        "ARM id of an existing Key Vault to use (read and checked, never modified).",
    ),
    _s(
        "vault.manageAccessPolicy",
        "boolean",
        "cmk.vault.manage_access_policy",
        "Create the identity's access policy, also on an existing vault. false (existing vault "
        "only): the vault's owners grant get, wrapKey and unwrapKey themselves.",
    ),
    _s(
        "vault.permissionModel",
        "string",
        "cmk.vault.permission_model",
        "accessPolicy (a standalone access policy) or rbac (the role Key Vault Crypto Service "
        "Encryption User; elasticCluster only). Set at creation.",
    ),
    _s("key.name", "string", "cmk.key.name", "Key name in the vault. Empty: `cmkpg-key`."),
    _s(
        "key.type",
        "string",
        "cmk.key.key_type",
        "RSA or RSA-HSM (RSA-HSM needs vault.sku premium).",
    ),
    _s("key.size", "integer", "cmk.key.size", "RSA key size: 2048, 3072 or 4096."),
    _s(
        "key.notBefore",
        "string",
        "cmk.key.not_before",
        "Activation time, ISO 8601 UTC, in the past. Empty: none.",
        timestamp=True,
    ),
    _s(
        "key.expiresOn",
        "string",
        "cmk.key.expires_on",
        "Expiry of the first key version, ISO 8601 UTC. Empty: creation time plus "
        "key.rotation.expiresAfterDays.",
        timestamp=True,
    ),
    _s(
        "key.existingId",
        "string",
        "cmk.key.existing_id",
        "Existing key: its ARM id, or a versioned key URI (which needs vault.existingId).",
    ),
    _s(
        "key.rotation.autoRotateAfterDays",
        "integer",
        "cmk.key.rotation.auto_rotate_after_days",
        "Rotation policy: a new key version this many days after the current one (>= 7). 0: "
        "no rotation, and then no expiry either.",
    ),
    _s(
        "key.rotation.expiresAfterDays",
        "integer",
        "cmk.key.rotation.expires_after_days",
        "Rotation policy: each version expires this many days after creation (>= 28, and at "
        "least 36 days after the rotation). 0: versions never expire.",
    ),
    _s(
        "key.rotation.notifyBeforeExpiryDays",
        "integer",
        "cmk.key.rotation.notify_before_expiry_days",
        "Rotation policy: Key Vault's near-expiry event this many days before a version expires "
        "(>= 7); with monitoring it reaches the action group. 0: none.",
    ),
    _s(
        "cluster.name",
        "string",
        "cluster_name",
        "Cluster name, 3-40 lowercase letters, digits, hyphens. Empty: `cmkpg-<stack>`.",
    ),
    _s(
        "cluster.postgresqlVersion",
        "string",
        "cluster.postgresql_version",
        "PostgreSQL major version, 11-17.",
    ),
    _s("cluster.citusVersion", "string", "cluster.citus_version", "Citus extension version."),
    _s(
        "cluster.coordinatorVCores",
        "integer",
        "cluster.sizing.coordinator_v_cores",
        "Coordinator vCores.",
    ),
    _s(
        "cluster.coordinatorStorageMb",
        "integer",
        "cluster.sizing.coordinator_storage_mb",
        "Coordinator storage in MiB.",
    ),
    _s(
        "cluster.coordinatorServerEdition",
        "string",
        "cluster.sizing.coordinator_server_edition",
        "GeneralPurpose, MemoryOptimized, BurstableGeneralPurpose or BurstableMemoryOptimized.",
    ),
    _s(
        "cluster.nodeCount",
        "integer",
        "cluster.sizing.node_count",
        "Worker nodes: 0 (single node) or 2-20.",
    ),
    _s(
        "cluster.nodeVCores",
        "integer",
        "cluster.sizing.node_v_cores",
        "vCores per worker (multi-node).",
    ),
    _s(
        "cluster.nodeStorageMb",
        "integer",
        "cluster.sizing.node_storage_mb",
        "Storage per worker in MiB (multi-node).",
    ),
    _s(
        "cluster.nodeServerEdition",
        "string",
        "cluster.sizing.node_server_edition",
        "GeneralPurpose or MemoryOptimized (multi-node).",
    ),
    _s("cluster.enableHa", "boolean", "cluster.sizing.enable_ha", "High availability."),
    _s(
        "cluster.preferredPrimaryZone",
        "string",
        "cluster.sizing.preferred_primary_zone",
        "Availability zone 1, 2 or 3. Empty: Azure chooses.",
    ),
    _s(
        "cluster.databaseName", "string", "cluster.database_name", "Name of the cluster's database."
    ),
    _s(
        "cluster.coordinatorPublicIpAccess",
        "boolean",
        "cluster.sizing.coordinator_public_ip_access",
        "Public endpoint on the coordinator, closed until a firewall rule opens it (CMK does "
        "not work with private access).",
    ),
    _s(
        "cluster.nodePublicIpAccess",
        "boolean",
        "cluster.sizing.node_public_ip_access",
        "Public endpoints on workers.",
    ),
    _s(
        "cluster.enableGeoBackup",
        "boolean",
        "cluster.enable_geo_backup",
        "Geo-redundant backup; not supported with customerManaged.",
    ),
    _s(
        "cluster.firewallRules",
        "object",
        "cluster.firewall_rules",
        "Client addresses allowed to connect, by rule name: an IPv4 address, a CIDR block or "
        "a range a.b.c.d-e.f.g.h. Empty: nothing can connect yet.",
    ),
    _s(
        "cluster.allowAzureServices",
        "boolean",
        "cluster.allow_azure_services",
        "Admit connections from any Azure service, including other customers' subscriptions "
        "(the 0.0.0.0 rule).",
    ),
    _s(
        "cluster.allowAllInternet",
        "boolean",
        "cluster.allow_all_internet",
        "Admit the whole internet (0.0.0.0-255.255.255.255); the only way to do so.",
    ),
    _s(
        "clusterAdminPassword",
        "string",
        "cluster.administrator_login_password",
        "Password of the citus administrator; set it with --secret. Empty: a random "
        "32-character password is generated.",
        secret=True,
    ),
    _s(
        "elastic.nodeCount",
        "integer",
        "elastic.node_count",
        "elasticCluster: nodes of the cluster, 2-20.",
    ),
    _s(
        "elastic.computeSize",
        "string",
        "elastic.compute_size",
        "elasticCluster: compute size of every node, e.g. Standard_D4ds_v5.",
    ),
    _s(
        "elastic.computeTier",
        "string",
        "elastic.compute_tier",
        "elasticCluster: Burstable, GeneralPurpose or MemoryOptimized (matching the size).",
    ),
    _s(
        "elastic.storageGb",
        "integer",
        "elastic.storage_gb",
        "elasticCluster: storage per node in GiB, a Premium SSD size from 32 to 32767.",
    ),
    _s(
        "elastic.highAvailability",
        "string",
        "elastic.high_availability",
        "elasticCluster: Disabled, ZoneRedundant or SameZone.",
    ),
    _s(
        "elastic.databaseName",
        "string",
        "elastic.database_name",
        "elasticCluster: name of the one database, set at creation.",
    ),
    _s(
        "elastic.administratorLogin",
        "string",
        "elastic.administrator_login",
        "elasticCluster: administrator login, set at creation.",
    ),
    _s(
        "elastic.backupRetentionDays",
        "integer",
        "elastic.backup_retention_days",
        "elasticCluster: point-in-time restore window, 7-35 days.",
    ),
    _s(
        "elastic.geoRedundantBackup",
        "boolean",
        "elastic.geo_redundant_backup",
        "elasticCluster: also keep backups in the paired region; with customerManaged they get "
        "their own identity, vault and key there. Set at creation.",
    ),
    _s(
        "elastic.geoBackupLocation",
        "string",
        "elastic.geo_backup_location",
        "elasticCluster: region of the geo-redundant backups. Empty: the paired region (the "
        "only one accepted).",
    ),
    _s(
        "monitoring.enabled",
        "boolean",
        "monitoring_enabled",
        "Alerts (failed key access, key lifecycle, key expiry, vault changes, Resource Health) "
        "and audit logs; customerManaged stacks only.",
    ),
    _s(
        "monitoring.emails",
        "array",
        "monitoring.emails",
        "E-mail receivers of the alerts. With monitoring, at least one e-mail or webhook.",
    ),
    _s(
        "alertWebhooks",
        "array",
        "monitoring.webhooks",
        "https webhook receivers of the alerts; set with --secret (such URLs carry tokens).",
        secret=True,
    ),
    _s(
        "monitoring.logAnalyticsWorkspaceId",
        "string",
        "monitoring.log_analytics_workspace_id",
        "Existing Log Analytics workspace for the vault's and the cluster's logs. Empty: "
        "create one.",
    ),
    _s(
        "monitoring.logRetentionDays",
        "integer",
        "monitoring.log_retention_days",
        "Retention of a new Log Analytics workspace, 30-730 days.",
    ),
    _s(
        "restore.sourceClusterId",
        "string",
        "restore.source_cluster_id",
        "Create the cluster as a point-in-time restore of this cluster (ARM id), with this "
        "stack's encryption. Empty: a new, empty cluster.",
    ),
    _s(
        "restore.sourceLocation",
        "string",
        "restore.source_location",
        "Region of the restore's source cluster. Empty: location.",
    ),
    _s(
        "restore.pointInTimeUtc",
        "string",
        "restore.point_in_time",
        "Time to restore to, ISO 8601 UTC: not in the future and, when the cluster is created, "
        "within the 35-day backup retention.",
        timestamp=True,
    ),
    _s(
        "replica.sourceClusterId",
        "string",
        "replica.source_cluster_id",
        "Create the cluster as a read replica of this cluster (ARM id), with this stack's "
        "encryption, in location.",
    ),
    _s(
        "replica.sourceLocation",
        "string",
        "replica.source_location",
        "Region of the replica's primary cluster. Empty: location.",
    ),
)
BY_PATH = {s.path: s for s in SETTINGS}
BY_ATTR = {s.attr: s for s in SETTINGS}
ROOTS = sorted({s.root for s in SETTINGS})
"""Top-level keys of the namespace."""
OBJECT_ROOTS = sorted({s.root for s in SETTINGS if "." in s.path})
"""Top-level keys that hold an object of settings."""


def config_name(attr_path: str) -> str:
    """The config key a problem's attribute path names (``cmk.key.key_type`` ->
    ``cmkpg:key.type``); below a declared setting the rest is appended as written
    (``cluster.firewall_rules.office`` -> ``cmkpg:cluster.firewallRules.office``)."""
    parts = attr_path.split(".")
    for end in range(len(parts), 0, -1):
        setting = BY_ATTR.get(".".join(parts[:end]))
        if setting is not None:
            rest = parts[end:]
            return "cmkpg:" + ".".join([setting.path, *rest])
    return "cmkpg:" + ".".join(_camel(p) for p in parts if p not in ("cmk", "sizing"))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def declared_defaults_match() -> list[str]:
    """Settings whose attribute path does not resolve (a renamed field): for the tests."""
    broken = []
    for setting in SETTINGS:
        try:
            value = default_at(setting.attr)
        except LookupError:
            broken.append(setting.path)
            continue
        if setting.required != (value is dataclasses.MISSING):
            broken.append(setting.path)
    return broken
