"""EncryptedCosmosPgCluster: an Azure Cosmos DB for PostgreSQL cluster, encrypted with a
customer-managed key or with service-managed keys, created fresh, as a point-in-time
restore or as a read replica, with the firewall rules that make it reachable."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Union
from urllib.parse import quote

import pulumi
import pulumi_random
from pulumi_azure_native import dbforpostgresql

from .base import child_options, delete_lock, resolve_protect, type_token
from .firewall import FirewallOptions, FirewallRule, warn_when_closed
from .regions import location_problems, normalize_region
from .resource_ids import COSMOS_PG_CLUSTER, arm_id_rule, parse_arm_id
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

if TYPE_CHECKING:
    from .identity import CmkIdentity
    from .key import CmkKey
    from .vault import CmkVault


class EncryptionMode(StrEnum):
    """Who holds the key that protects the cluster's data."""

    CUSTOMER_MANAGED = "customerManaged"
    """A key in your Key Vault (identity, vault and key are part of the stack)."""
    SERVICE_MANAGED = "serviceManaged"
    """Keys held by the service."""


class ServerEdition(StrEnum):
    """Compute tier of a cluster's nodes."""

    GENERAL_PURPOSE = "GeneralPurpose"
    MEMORY_OPTIMIZED = "MemoryOptimized"
    BURSTABLE_GENERAL_PURPOSE = "BurstableGeneralPurpose"
    """Single node with 1-2 vCores only."""
    BURSTABLE_MEMORY_OPTIMIZED = "BurstableMemoryOptimized"
    """Single node with 1-2 vCores only."""


ADMINISTRATOR_LOGIN = "citus"  # fixed by the service
POSTGRES_PORT = 5432
BACKUP_RETENTION_DAYS = 35  # point-in-time restore reaches back this far

CLUSTER_NAME = matches(
    r"(?![0-9]+$)(?!-)[a-z0-9-]{3,40}(?<!-)",
    "use 3-40 lowercase letters, digits and hyphens, not only digits, not starting or "
    "ending with a hyphen",
)
POSTGRESQL_VERSIONS = ("11", "12", "13", "14", "15", "16", "17")
POSTGRESQL_VERSION = one_of(*POSTGRESQL_VERSIONS)
CITUS_VERSION = matches(r"\d{1,2}\.\d{1,2}", "use a major.minor version such as 12.1")
BURSTABLE_EDITIONS = (
    ServerEdition.BURSTABLE_GENERAL_PURPOSE,
    ServerEdition.BURSTABLE_MEMORY_OPTIMIZED,
)
SERVER_EDITION = one_of(*ServerEdition)
WORKER_EDITION = one_of(ServerEdition.GENERAL_PURPOSE, ServerEdition.MEMORY_OPTIMIZED)
# Compute and storage options (learn.microsoft.com/azure/cosmos-db/postgresql/resources-compute).
SINGLE_NODE_VCORES = (1, 2, 4, 8, 16, 32, 64)
MULTI_NODE_COORDINATOR_VCORES = (4, 8, 16, 32, 64, 96)
WORKER_VCORES = (4, 8, 16, 32, 64, 96, 104)
_TIB = 1024 * 1024
SINGLE_NODE_STORAGE_MB = (32768, 65536, 131072, 262144, 524288, 1 * _TIB, 2 * _TIB)
MULTI_NODE_COORDINATOR_STORAGE_MB = (
    131072,
    262144,
    524288,
    *(n * _TIB for n in (1, 2, 4, 8, 16, 32)),
)
WORKER_STORAGE_MB = (524288, *(n * _TIB for n in (1, 2, 4, 8, 16, 32)))
MAX_WORKER_NODES = 20
ZONES = ("1", "2", "3")
ZONE = one_of(*ZONES)
RESERVED_DATABASES = ("postgres", "template0", "template1", "azure_maintenance", "azure_sys")
DATABASE_NAME = matches(
    r"(?!(?:postgres|template0|template1|azure_maintenance|azure_sys)$)[a-z_][a-z0-9_]{0,62}",
    "use up to 63 lowercase letters, digits or underscores, not starting with a digit and "
    f"not one of {', '.join(RESERVED_DATABASES)}",
)
ENCRYPTION = one_of(*EncryptionMode)


def node_count_rule(value: object) -> str | None:
    complaint = int_between(0, MAX_WORKER_NODES)(value)
    if complaint == "is not an integer":
        return complaint
    if complaint or value == 1:
        return f"is not allowed; use 0 (single node) or 2..{MAX_WORKER_NODES}"
    return None


def password_strength(value: object) -> str | None:
    """Azure's rule: 8-256 characters from at least three of: upper, lower, digit, symbol."""
    if not isinstance(value, str) or not 8 <= len(value) <= 256:
        return "is not allowed; use 8-256 characters"
    classes = (
        any(c.isupper() for c in value),
        any(c.islower() for c in value),
        any(c.isdigit() for c in value),
        any(not c.isalnum() for c in value),
    )
    if sum(classes) < 3:
        return "is too weak; mix at least three of upper case, lower case, digits, symbols"
    return None


source_cluster_id = arm_id_rule(COSMOS_PG_CLUSTER)


def geo_backup_problem(customer_managed: bool, enable_geo_backup: object) -> Problem | None:
    """Cosmos DB for PostgreSQL does not support geo-redundant backup with customer-managed
    keys ("reference-limits")."""
    if customer_managed and enable_geo_backup is True:
        return Problem(
            "enable_geo_backup",
            "is not supported with customer-managed keys; set it to false or use "
            "service-managed keys",
            True,
        )
    return None


@dataclass(frozen=True)
class CustomerManagedKey:
    """Customer-managed encryption for a cluster (passing one means CMK; omitting it means
    service-managed keys)."""

    key_versioned_uri: pulumi.Input[str]
    """Versioned key URI for ``dataEncryption.primaryKeyUri``."""

    key_id: pulumi.Input[str]
    """What identifies the key across rotations: its ARM id (or, for a key given by URI, the
    versionless URI). A different key replaces the cluster; a new version of the same key
    changes nothing. An id stays known while an update is previewed."""

    identity_id: pulumi.Input[str]
    """ARM id of the user-assigned identity that can use the key."""

    depends_on: Sequence[pulumi.Resource] = ()
    """Resources the cluster must wait for, at least the access policy and the key."""

    location: str | None = None
    """Region of identity, vault and key when known, checked against the cluster's."""

    key_uri: pulumi.Input[str] | None = None
    """Versionless key URI, for services that follow new key versions by themselves
    (elastic clusters). Default: None."""

    @classmethod
    def from_components(
        cls, identity: "CmkIdentity", vault: "CmkVault", key: "CmkKey"
    ) -> "CustomerManagedKey":
        """Wire the three CMK components; the cluster waits for the grant and the key."""
        return cls(
            key_versioned_uri=key.versioned_uri,
            key_id=key.key_id,
            identity_id=identity.identity_id,
            depends_on=[*vault.grant, key],
            key_uri=key.uri,
        )


@dataclass(frozen=True)
class PointInTimeRestore:
    """Create the cluster as a point-in-time restore of another (API 2023-03-02-preview)."""

    source_cluster_id: pulumi.Input[str]
    """ARM id of the ``Microsoft.DBforPostgreSQL/serverGroupsv2`` cluster to restore."""
    source_location: str
    """Region of the source cluster."""
    point_in_time: datetime
    """UTC time to restore to: not in the future, and, when the cluster is created, within
    the 35-day backup retention (the stack checks that; Azure refuses older times)."""

    def problems(self, now: datetime | None) -> list[Problem]:
        problems = _source_problems(self)
        moment = self.point_in_time
        if moment.tzinfo is None:
            problems.append(Problem("point_in_time", "has no time zone; give a UTC datetime"))
        elif moment > now_or_current(now):
            # Only the future is refused here: once the restore has happened the time falls
            # out of the retention window, and this runs on every later update too.
            problems.append(
                Problem("point_in_time", "is in the future; use a past time", utc_iso(moment))
            )
        return problems


@dataclass(frozen=True)
class ReadReplica:
    """Create the cluster as a read replica of another, in the same or another region."""

    source_cluster_id: pulumi.Input[str]
    """ARM id of the primary cluster."""
    source_location: str
    """Region of the primary cluster."""

    def problems(self, now: datetime | None = None) -> list[Problem]:
        return _source_problems(self)


ClusterSource = Union[PointInTimeRestore, ReadReplica]  # noqa: UP007 - a runtime alias


def _source_problems(source: PointInTimeRestore | ReadReplica) -> list[Problem]:
    problems = location_problems("source_location", source.source_location)
    if isinstance(source.source_cluster_id, str):
        problems += check("source_cluster_id", source.source_cluster_id, source_cluster_id)
    return problems


def restore_window_problems(moment: datetime, now: datetime) -> list[Problem]:
    """A restore point must be in the past and within the backup retention window (checked
    while the restored cluster is still to be created)."""
    if moment > now:
        return [Problem("point_in_time", "is in the future; use a past time", utc_iso(moment))]
    oldest = now - timedelta(days=BACKUP_RETENTION_DAYS)
    if moment < oldest:
        return [
            Problem(
                "point_in_time",
                f"is older than the {BACKUP_RETENTION_DAYS}-day backup retention; use a time "
                f"after {utc_iso(oldest)}",
                utc_iso(moment),
            )
        ]
    return []


def restore_group_problems(source_cluster_id: str, resource_group: str) -> list[Problem]:
    """A point-in-time restore is created in the source's resource group: "The restore
    process creates a new cluster in the same or remote Azure region, subscription, and
    resource group as the original" (``concepts-backup``; the portal does not let one change
    it). Nothing checks an id that does not parse: its own rule reports it."""
    try:
        source_group = parse_arm_id(source_cluster_id, COSMOS_PG_CLUSTER).resource_group
    except ValueError:
        return []
    if source_group.lower() == resource_group.lower():
        return []
    return [
        Problem(
            "resource_group_name",
            f"is not the restore source's resource group {source_group!r}: Azure restores a "
            "cluster into the resource group of the original; use that group",
            resource_group,
        )
    ]


@dataclass(frozen=True, kw_only=True)
class ClusterSizing:
    """Compute, storage and topology of a new cluster. Defaults are small and valid for both
    single-node and multi-node clusters. A restore or replica copies its source's sizing and
    takes none of these. Changing them scales the cluster in place."""

    node_count: int = 0
    """Worker nodes: 0 (single node) or 2..20; 1 is rejected by the service. Default: 0."""
    coordinator_v_cores: int = 4
    """Coordinator vCores. Default: 4."""
    coordinator_storage_mb: int = 131072
    """Coordinator storage in MiB. Default: 131072 (128 GiB)."""
    coordinator_server_edition: ServerEdition = ServerEdition.GENERAL_PURPOSE
    """``GeneralPurpose``, ``MemoryOptimized`` or (single node, 1-2 vCores)
    ``BurstableGeneralPurpose``/``BurstableMemoryOptimized``. Default: ``GeneralPurpose``."""
    node_v_cores: int = 4
    """vCores per worker (multi-node only). Default: 4."""
    node_storage_mb: int = 524288
    """Storage per worker in MiB (multi-node only). Default: 524288 (512 GiB)."""
    node_server_edition: ServerEdition = ServerEdition.MEMORY_OPTIMIZED
    """``GeneralPurpose`` or ``MemoryOptimized`` (multi-node only). Default:
    ``MemoryOptimized``."""
    enable_ha: bool = False
    """High availability (standbys use the primary's key). Default: False."""
    preferred_primary_zone: str | None = None
    """Availability zone ``1``, ``2`` or ``3``. Default: None (Azure chooses)."""
    coordinator_public_ip_access: bool = True
    """Public endpoint on the coordinator, closed until a firewall rule opens it. Default:
    True: customer-managed keys do not work with private access, so the public endpoint is
    the way in."""
    node_public_ip_access: bool = False
    """Public endpoints on workers. Default: False."""

    def problems(self) -> list[Problem]:
        out = check("node_count", self.node_count, node_count_rule)
        out += check("enable_ha", self.enable_ha, _boolean)
        out += check("coordinator_public_ip_access", self.coordinator_public_ip_access, _boolean)
        out += check("node_public_ip_access", self.node_public_ip_access, _boolean)
        single = self.node_count == 0
        topology = "single-node" if single else "multi-node"
        out += _check_in(
            "coordinator_v_cores",
            self.coordinator_v_cores,
            SINGLE_NODE_VCORES if single else MULTI_NODE_COORDINATOR_VCORES,
            f"for a {topology} coordinator",
        )
        out += _check_in(
            "coordinator_storage_mb",
            self.coordinator_storage_mb,
            SINGLE_NODE_STORAGE_MB if single else MULTI_NODE_COORDINATOR_STORAGE_MB,
            f"for a {topology} coordinator",
        )
        out += check("coordinator_server_edition", self.coordinator_server_edition, SERVER_EDITION)
        burstable = self.coordinator_server_edition in BURSTABLE_EDITIONS
        vcores = self.coordinator_v_cores
        vcores_known = isinstance(vcores, int) and not isinstance(vcores, bool)
        if burstable and (not single or (vcores_known and vcores > 2)):
            out.append(
                Problem(
                    "coordinator_server_edition",
                    "is only for a single node with 1 or 2 vCores",
                    self.coordinator_server_edition,
                )
            )
        if vcores_known and vcores == 1 and single and not burstable:
            out.append(
                Problem(
                    "coordinator_v_cores",
                    "needs a burstable {edition}; use BurstableMemoryOptimized",
                    1,
                    refs={"edition": "coordinator_server_edition"},
                )
            )
        # Worker settings are checked whatever the topology: a value that could never be
        # valid is a mistake even while nodeCount is 0.
        out += _check_in("node_v_cores", self.node_v_cores, WORKER_VCORES, "for a worker")
        out += _check_in("node_storage_mb", self.node_storage_mb, WORKER_STORAGE_MB, "for a worker")
        out += check("node_server_edition", self.node_server_edition, WORKER_EDITION)
        if self.preferred_primary_zone is not None:
            out += check("preferred_primary_zone", self.preferred_primary_zone, ZONE)
        return out


def _boolean(value: object) -> str | None:
    return None if isinstance(value, bool) else "is not a boolean; use true or false"


def _check_in(
    field_name: str, value: object, allowed: Sequence[int], context: str
) -> list[Problem]:
    if isinstance(value, bool) or not isinstance(value, int):
        return [Problem(field_name, "is not an integer", value)]
    if value in allowed:
        return []
    listed = ", ".join(str(a) for a in allowed[:-1]) + f" or {allowed[-1]}"
    return [Problem(field_name, f"is not allowed {context}; use {listed}", value)]


@dataclass(frozen=True, kw_only=True)
class ClusterOptions(FirewallOptions):
    """What a stack chooses about its cluster (the stack config's ``cluster.*``)."""

    sizing: ClusterSizing = field(default_factory=ClusterSizing)
    """Compute, storage and topology. Default: :class:`ClusterSizing` defaults."""

    postgresql_version: str = "16"
    """Major PostgreSQL version. Default: ``16``."""

    citus_version: str = "12.1"
    """Citus extension version. Default: ``12.1``."""

    database_name: str = "citus"
    """The cluster's one database, set at creation. Default: ``citus``."""

    enable_geo_backup: bool = False
    """Geo-redundant backup; not supported with customer-managed keys, set at creation only.
    Default: False."""

    administrator_login_password: pulumi.Input[str] | None = None
    """Password of the ``citus`` administrator, as a secret. Default: None, a 32-character
    ``random.RandomPassword`` is generated (kept in state as a secret). Not used by a
    restore or replica, which keep their source's."""

    def problems(self) -> list[Problem]:
        problems = [p.within("sizing") for p in self.sizing.problems()]
        problems += check("postgresql_version", self.postgresql_version, POSTGRESQL_VERSION)
        problems += check("citus_version", self.citus_version, CITUS_VERSION)
        problems += check("database_name", self.database_name, DATABASE_NAME)
        for name in ("enable_geo_backup", "allow_azure_services", "allow_all_internet"):
            problems += check(name, getattr(self, name), _boolean)
        if isinstance(self.administrator_login_password, str):
            problems += check(
                "administrator_login_password",
                self.administrator_login_password,
                password_strength,
                secret=True,
            )
        problems += self.firewall()[1]
        return problems

    def firewall(self) -> tuple[list[FirewallRule], list[Problem]]:
        """The firewall rules to create, and what is wrong with the ones given."""
        rules, problems = super().firewall()
        if rules and self.sizing.coordinator_public_ip_access is False:
            problems.append(
                Problem(
                    "firewall_rules",
                    "has no effect while {public} is false: the rules govern the public endpoint",
                    {rule.name: f"{rule.start_ip}-{rule.end_ip}" for rule in rules},
                    refs={"public": "sizing.coordinator_public_ip_access"},
                )
            )
        return rules, problems

    def copied_from_source(self) -> list[Problem]:
        """What a restore or replica takes from its source cluster and so may not be set here
        (firewall rules are not copied: they may be set)."""
        copied = (
            "sizing",
            "postgresql_version",
            "citus_version",
            "database_name",
            "enable_geo_backup",
            "administrator_login_password",
        )
        problems: list[Problem] = []
        for name in fields_set(self, copied):
            if name == "sizing":
                problems += [
                    Problem(
                        f"sizing.{inner}",
                        "is set, but a restore or replica takes it from its source cluster "
                        "(networking: the service's defaults); remove it"
                        if inner.endswith("public_ip_access")
                        else "is set, but a restore or replica copies it from its source "
                        "cluster; remove it",
                        getattr(self.sizing, inner),
                    )
                    for inner in fields_set(self.sizing, _SIZING_COPIED)
                ]
            else:
                secret = name == "administrator_login_password"
                problems.append(
                    Problem(
                        name,
                        "is set, but a restore or replica copies it from its source cluster; "
                        "remove it",
                        getattr(self, name),
                        secret=secret,
                    )
                )
        return problems


# Sizing a restore or replica copies from its source; the service resets its networking to
# defaults ("concepts-backup"), and a restore request carries no public-access setting.
_SIZING_COPIED = (
    "node_count",
    "coordinator_v_cores",
    "coordinator_storage_mb",
    "coordinator_server_edition",
    "node_v_cores",
    "node_storage_mb",
    "node_server_edition",
    "enable_ha",
    "preferred_primary_zone",
    "coordinator_public_ip_access",
    "node_public_ip_access",
)


@dataclass(frozen=True, kw_only=True)
class EncryptedCosmosPgClusterArgs(ClusterOptions):
    """Arguments of :class:`EncryptedCosmosPgCluster`: the :class:`ClusterOptions` plus where it
    lives and how it is encrypted."""

    resource_group_name: pulumi.Input[str]
    """Resource group of the cluster. Changing it replaces the cluster."""

    location: str
    """Region; with a customer-managed key it must be the identity's, vault's and key's.
    Changing it replaces the cluster."""

    cluster_name: str
    """Physical name: 3-40 lowercase letters, digits, hyphens. Changing it replaces the
    cluster."""

    customer_managed_key: CustomerManagedKey | None = None
    """Customer-managed encryption. Default: None (service-managed keys). Encryption is set
    at creation only: a change here replaces the cluster, which protection refuses; use a
    point-in-time restore instead (README runbook)."""

    source: ClusterSource | None = None
    """Create as a point-in-time restore or a read replica of another cluster. Default:
    None (a new, empty cluster). Changing it replaces the cluster."""

    protect: bool | None = None
    """Protect the cluster from deletion and replacement. Default: None, which means
    ``opts.protect`` when given, else True."""

    lock: bool = False
    """Add a ``CanNotDelete`` management lock on the cluster. Default: False."""

    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of the cluster. Default: none. A restored or replica cluster gets them at creation
    only (``ignoreChanges``), so Pulumi never re-sends its restore request to update them."""

    now: datetime | None = None
    """Clock for the restore-time checks. Default: None, the current time."""

    def problems(self) -> list[Problem]:
        problems = check("cluster_name", self.cluster_name, CLUSTER_NAME)
        problems += location_problems("location", self.location)
        cmk = self.customer_managed_key
        if (
            cmk
            and cmk.location
            and normalize_region(cmk.location) != normalize_region(self.location)
        ):
            problems.append(
                Problem(
                    "location",
                    f"differs from the key's region {cmk.location}; identity, vault, key and "
                    "cluster must share a region",
                    self.location,
                )
            )
        if geo := geo_backup_problem(cmk is not None, self.enable_geo_backup):
            problems.append(geo)
        if self.source is None:
            problems += super().problems()
        else:
            problems += [p.within("source") for p in self.source.problems(self.now)]
            problems += self.copied_from_source()
            problems += FirewallOptions.firewall(self)[1]  # a copy has no public-IP setting
        return problems

    def __post_init__(self) -> None:
        raise_if(self.problems(), type(self).__name__)


class EncryptedCosmosPgCluster(pulumi.ComponentResource):
    """A Cosmos DB for PostgreSQL cluster (``azure-native:dbforpostgresql:ServerGroupCluster``)
    with its firewall rules.

    With a :class:`CustomerManagedKey` it carries ``identity {type: UserAssigned}`` and
    ``dataEncryption {type: AzureKeyVault, primaryKeyUri, primaryUserAssignedIdentityId}``
    and is created only after the grant and the key exist.

    Encryption is fixed at creation, so the component makes the engine *replace* the
    cluster, never update it in place, when the encryption mode, the identity or the key
    (not a new version of it) changes; with ``protect`` on, the engine refuses. The trigger
    holds ids, which stay known while an update is previewed, so an unrelated change (tags)
    never plans a replacement. A new key version (rotation) changes nothing.
    """

    cluster_id: pulumi.Output[str]
    """ARM id of the cluster."""
    name: pulumi.Output[str]
    """Name of the cluster."""
    location: pulumi.Output[str]
    """Region of the cluster."""
    coordinator_fqdn: pulumi.Output[str]
    """Host name of the coordinator."""
    administrator_login: pulumi.Output[str]
    """``citus``."""
    administrator_login_password: pulumi.Output[str] | None
    """Secret. None for a restore or replica (they keep the source's password)."""
    connection_string: pulumi.Output[str]
    """Secret ``postgresql://citus:<password>@<coordinator>:5432/<db>?sslmode=require``."""

    def __init__(
        self,
        name: str,
        args: EncryptedCosmosPgClusterArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        protect = resolve_protect(args.protect, opts, type(args).__name__)
        super().__init__(type_token("EncryptedCosmosPgCluster"), name, None, opts)
        cmk = args.customer_managed_key
        source = args.source

        password: pulumi.Output[str] | None = None
        inputs: dict[str, Any] = {}
        if source is None:
            password = self._password(name, args)
            sizing = args.sizing
            single = sizing.node_count == 0
            inputs.update(
                administrator_login_password=password,
                postgresql_version=args.postgresql_version,
                citus_version=args.citus_version,
                database_name=args.database_name,
                coordinator_v_cores=sizing.coordinator_v_cores,
                coordinator_storage_quota_in_mb=sizing.coordinator_storage_mb,
                coordinator_server_edition=sizing.coordinator_server_edition,
                coordinator_enable_public_ip_access=sizing.coordinator_public_ip_access,
                node_count=sizing.node_count,
                enable_shards_on_coordinator=single,
                enable_ha=sizing.enable_ha,
                preferred_primary_zone=sizing.preferred_primary_zone,
                enable_geo_backup=args.enable_geo_backup,
            )
            if not single:
                inputs.update(
                    node_v_cores=sizing.node_v_cores,
                    node_storage_quota_in_mb=sizing.node_storage_mb,
                    node_server_edition=sizing.node_server_edition,
                    node_enable_public_ip_access=sizing.node_public_ip_access,
                )
        else:
            inputs.update(
                source_resource_id=source.source_cluster_id,
                source_location=source.source_location,
            )
            if isinstance(source, PointInTimeRestore):
                inputs["point_in_time_utc"] = utc_iso(source.point_in_time)

        if cmk is not None:
            inputs.update(
                identity=dbforpostgresql.IdentityPropertiesArgs(
                    type="UserAssigned", user_assigned_identities=[cmk.identity_id]
                ),
                data_encryption=dbforpostgresql.ServerGroupClusterDataEncryptionArgs(
                    type="AzureKeyVault",
                    primary_key_uri=cmk.key_versioned_uri,
                    primary_user_assigned_identity_id=cmk.identity_id,
                ),
            )
            trigger: dict[str, Any] = {
                "encryption": EncryptionMode.CUSTOMER_MANAGED.value,
                "key": cmk.key_id,
                "identity": cmk.identity_id,
            }
        else:
            trigger = {"encryption": EncryptionMode.SERVICE_MANAGED.value}
            if source is not None:
                # Whether a restore or replica of a CMK cluster inherits its key when the body
                # says nothing is documented nowhere for Cosmos DB for PostgreSQL (flexible
                # server documents that copies inherit it). Say service-managed explicitly;
                # the spec's enum value is SystemAssigned (responses say SystemManaged).
                inputs["data_encryption"] = dbforpostgresql.ServerGroupClusterDataEncryptionArgs(
                    type="SystemAssigned"
                )

        replace_on = ["dataEncryption", "identity", "enableGeoBackup"]
        # A rotated key has a new versioned URI; the service follows new versions by itself,
        # so that input must not diff. Which key it is, is in the trigger.
        ignore = ["dataEncryption.primaryKeyUri"] if cmk else []
        if source is not None:
            replace_on += ["sourceResourceId", "sourceLocation", "pointInTimeUTC"]
            # azure-native updates with a full PUT of every input, so a later tag change
            # would send the restore or replica request (source, point in time) again, to a
            # cluster that exists; what the service does with that is documented nowhere.
            # Nothing else of a restore or replica updates in place, so no PUT is ever sent.
            ignore.append("tags")

        cluster = dbforpostgresql.ServerGroupCluster(
            f"{name}-cluster",
            cluster_name=args.cluster_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            tags=dict(args.tags) or None,
            **inputs,
            opts=child_options(
                self,
                protect=protect,
                depends_on=cmk.depends_on if cmk else (),
                ignore_changes=ignore,
                replace_on_changes=replace_on,
                replacement_trigger=trigger,
            ),
        )
        self.cluster: dbforpostgresql.ServerGroupCluster = cluster
        """The cluster resource."""
        self.firewall_rules: list[dbforpostgresql.ServerGroupFirewallRule] = [
            dbforpostgresql.ServerGroupFirewallRule(
                f"{name}-fw-{rule.name}",
                firewall_rule_name=rule.name,
                cluster_name=cluster.name,
                resource_group_name=args.resource_group_name,
                start_ip_address=rule.start_ip,
                end_ip_address=rule.end_ip,
                opts=child_options(self),
            )
            for rule in args.firewall()[0]
        ]
        """The firewall rules (none: nothing can connect yet)."""
        warn_when_closed(self, args.cluster_name, self.firewall_rules)
        self.lock: pulumi.CustomResource | None = (
            delete_lock(f"{name}-cluster-lock", self, cluster.id, "cluster") if args.lock else None
        )
        """The management lock, when ``lock`` is set."""
        self.region: str = args.location
        """The region, as a plain string (for a restore of this cluster)."""
        self.cluster_id = cluster.id
        self.name = cluster.name
        self.location = pulumi.Output.from_input(args.location)
        self.administrator_login = cluster.administrator_login.apply(
            lambda login: login or ADMINISTRATOR_LOGIN
        )
        self.coordinator_fqdn = cluster.server_names.apply(_coordinator_fqdn)
        self.administrator_login_password = password
        database = cluster.database_name.apply(lambda db: db or args.database_name)
        self.connection_string = pulumi.Output.secret(
            pulumi.Output.all(self.coordinator_fqdn, database, password).apply(
                lambda a: _connection_string(*a)
            )
        )
        outputs: dict[str, Any] = {
            "cluster_id": self.cluster_id,
            "name": self.name,
            "location": self.location,
            "coordinator_fqdn": self.coordinator_fqdn,
            "administrator_login": self.administrator_login,
            "connection_string": self.connection_string,
        }
        if password is not None:
            outputs["administrator_login_password"] = password
        self.register_outputs(outputs)

    def _password(self, name: str, args: EncryptedCosmosPgClusterArgs) -> pulumi.Output[str]:
        return administrator_password(
            self, name, args.administrator_login_password, args.resource_group_name
        )


def administrator_password(
    parent: pulumi.Resource,
    name: str,
    given: pulumi.Input[str] | None,
    resource_group_name: pulumi.Input[str],
) -> pulumi.Output[str]:
    """The administrator password as a secret: the one given, or a 32-character
    ``random.RandomPassword`` named ``<name>-admin-password`` under ``parent``."""
    if given is not None:
        return pulumi.Output.secret(given)
    return pulumi.Output.secret(
        pulumi_random.RandomPassword(
            f"{name}-admin-password",
            length=32,
            min_upper=2,
            min_lower=2,
            min_numeric=2,
            min_special=2,
            # URL-safe symbols keep the connection string valid without escaping.
            override_special="-_.~",
            # Registered only once the resource group name resolves, i.e. after every check
            # gating it: a refused configuration registers nothing. (A dependency on an empty
            # list changes no input and no recorded dependency.)
            opts=pulumi.ResourceOptions(
                parent=parent,
                depends_on=pulumi.Output.from_input(resource_group_name).apply(lambda _: []),
            ),
        ).result
    )


def _coordinator_fqdn(server_names: Sequence[Any] | None) -> str:
    for server in server_names or ():
        if (server.name or "").endswith("-c"):
            return server.fully_qualified_domain_name or ""
    return ""


def _connection_string(host: str, database: str, password: str | None) -> str:
    credentials = ADMINISTRATOR_LOGIN + (f":{quote(password, safe='')}" if password else "")
    return f"postgresql://{credentials}@{host}:{POSTGRES_PORT}/{database}?sslmode=require"
