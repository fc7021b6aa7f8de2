"""EncryptedCosmosPgCluster: an Azure Cosmos DB for PostgreSQL cluster, encrypted with a
customer-managed key or with service-managed keys, created fresh, as a point-in-time
restore or as a read replica."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import MISSING, Field, dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pulumi
import pulumi_random
from pulumi_azure_native import dbforpostgresql

from .base import child_options, delete_lock, normalize_region, type_token
from .resource_ids import COSMOS_PG_CLUSTER, arm_id_rule
from .validation import (
    check,
    int_between,
    matches,
    one_of,
    raise_if,
    utc_iso,
)

if TYPE_CHECKING:
    from .identity import CmkIdentity
    from .key import CmkKey
    from .vault import CmkVault

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
SERVER_EDITIONS = (
    "GeneralPurpose",
    "MemoryOptimized",
    "BurstableGeneralPurpose",
    "BurstableMemoryOptimized",
)
BURSTABLE_EDITIONS = ("BurstableGeneralPurpose", "BurstableMemoryOptimized")
SERVER_EDITION = one_of(*SERVER_EDITIONS)
WORKER_EDITION = one_of("GeneralPurpose", "MemoryOptimized")
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
NODE_COUNT = int_between(0, MAX_WORKER_NODES)
ZONES = ("1", "2", "3")
ZONE = one_of(*ZONES)
RESERVED_DATABASES = ("postgres", "template0", "template1", "azure_maintenance", "azure_sys")
DATABASE_NAME = matches(
    r"(?!(?:postgres|template0|template1|azure_maintenance|azure_sys)$)[a-z_][a-z0-9_]{0,62}",
    "use up to 63 lowercase letters, digits or underscores, not starting with a digit and "
    f"not one of {', '.join(RESERVED_DATABASES)}",
)
ENCRYPTION_MODES = ("customerManaged", "serviceManaged")


def node_count_rule(value: object) -> str | None:
    complaint = NODE_COUNT(value)
    if complaint is None and value == 1:
        complaint = f"is not allowed; use 0 (single node) or 2..{MAX_WORKER_NODES}"
    if complaint and "out of range" in complaint:
        complaint = f"is not allowed; use 0 (single node) or 2..{MAX_WORKER_NODES}"
    return complaint


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


@dataclass(frozen=True)
class CustomerManagedKey:
    """Customer-managed encryption for a cluster (passing one means CMK; omitting it means
    service-managed keys)."""

    key_versioned_uri: pulumi.Input[str]
    """Versioned key URI for ``dataEncryption.primaryKeyUri``."""

    key_uri: pulumi.Input[str]
    """Versionless key URI. It identifies the key across rotations: a different key replaces
    the cluster, a new version of the same key changes nothing."""

    identity_id: pulumi.Input[str]
    """ARM id of the user-assigned identity that can use the key."""

    depends_on: Sequence[pulumi.Resource] = ()
    """Resources the cluster must wait for, at least the access policy and the key."""

    location: str | None = None
    """Region of identity, vault and key when known, checked against the cluster's."""

    @classmethod
    def from_components(
        cls, identity: CmkIdentity, vault: CmkVault, key: CmkKey
    ) -> CustomerManagedKey:
        """Wire the three CMK components; the cluster waits for the access policy and key."""
        waits: list[pulumi.Resource] = [key]
        if vault.access_policy is not None:
            waits.insert(0, vault.access_policy)
        return cls(
            key_versioned_uri=key.versioned_uri,
            key_uri=key.uri,
            identity_id=identity.id,
            depends_on=waits,
            location=vault.location if vault.location == identity.location else None,
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


@dataclass(frozen=True)
class ReadReplica:
    """Create the cluster as a read replica of another, in the same or another region."""

    source_cluster_id: pulumi.Input[str]
    """ARM id of the primary cluster."""
    source_location: str
    """Region of the primary cluster."""


ClusterSource = PointInTimeRestore | ReadReplica


@dataclass(frozen=True)
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
    coordinator_server_edition: str = "GeneralPurpose"
    """``GeneralPurpose``, ``MemoryOptimized`` or (single node, 1-2 vCores)
    ``BurstableGeneralPurpose``/``BurstableMemoryOptimized``. Default: ``GeneralPurpose``."""
    node_v_cores: int = 4
    """vCores per worker (multi-node only). Default: 4."""
    node_storage_mb: int = 524288
    """Storage per worker in MiB (multi-node only). Default: 524288 (512 GiB)."""
    node_server_edition: str = "MemoryOptimized"
    """``GeneralPurpose`` or ``MemoryOptimized`` (multi-node only). Default:
    ``MemoryOptimized``."""
    enable_ha: bool = False
    """High availability (standbys use the primary's key). Default: False."""
    preferred_primary_zone: str | None = None
    """Availability zone ``1``, ``2`` or ``3``. Default: None (Azure chooses)."""
    coordinator_public_ip_access: bool = False
    """Public endpoint on the coordinator. Default: False (private access only)."""
    node_public_ip_access: bool = False
    """Public endpoints on workers. Default: False."""

    def problems(self, field_for: Mapping[str, str]) -> list[str]:
        """Every violation, naming fields through ``field_for`` (attribute -> shown name)."""

        def name(attr: str) -> str:
            return field_for.get(attr, attr)

        out = check(name("node_count"), self.node_count, node_count_rule)
        single = self.node_count == 0
        coordinator_vcores = SINGLE_NODE_VCORES if single else MULTI_NODE_COORDINATOR_VCORES
        coordinator_storage = (
            SINGLE_NODE_STORAGE_MB if single else MULTI_NODE_COORDINATOR_STORAGE_MB
        )
        topology = "single-node" if single else "multi-node"
        out += _check_in(
            name("coordinator_v_cores"),
            self.coordinator_v_cores,
            coordinator_vcores,
            f"for a {topology} coordinator",
        )
        out += _check_in(
            name("coordinator_storage_mb"),
            self.coordinator_storage_mb,
            coordinator_storage,
            f"for a {topology} coordinator",
        )
        out += check(
            name("coordinator_server_edition"), self.coordinator_server_edition, SERVER_EDITION
        )
        burstable = self.coordinator_server_edition in BURSTABLE_EDITIONS
        if burstable and (not single or self.coordinator_v_cores > 2):
            out.append(
                f"{name('coordinator_server_edition')}: {self.coordinator_server_edition!r} "
                "is only for a single node with 1 or 2 vCores"
            )
        if self.coordinator_v_cores == 1 and single and not burstable:
            out.append(
                f"{name('coordinator_v_cores')}: 1 needs a burstable "
                f"{name('coordinator_server_edition')}; use BurstableMemoryOptimized"
            )
        if not single:
            out += _check_in(name("node_v_cores"), self.node_v_cores, WORKER_VCORES, "for a worker")
            out += _check_in(
                name("node_storage_mb"), self.node_storage_mb, WORKER_STORAGE_MB, "for a worker"
            )
            out += check(name("node_server_edition"), self.node_server_edition, WORKER_EDITION)
        if self.preferred_primary_zone is not None:
            out += check(name("preferred_primary_zone"), self.preferred_primary_zone, ZONE)
        return out


def _check_in(field_name: str, value: object, allowed: Sequence[int], context: str) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int):
        return [f"{field_name}: {value!r} is not an integer"]
    if value in allowed:
        return []
    listed = ", ".join(str(a) for a in allowed[:-1]) + f" or {allowed[-1]}"
    return [f"{field_name}: {value} is not allowed {context}; use {listed}"]


_ARG_NAMES = {
    f: f"EncryptedCosmosPgClusterArgs.sizing.{f}"
    for f in (
        "node_count",
        "coordinator_v_cores",
        "coordinator_storage_mb",
        "coordinator_server_edition",
        "node_v_cores",
        "node_storage_mb",
        "node_server_edition",
        "preferred_primary_zone",
    )
}


@dataclass(frozen=True)
class EncryptedCosmosPgClusterArgs:
    """Arguments of :class:`EncryptedCosmosPgCluster`."""

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

    sizing: ClusterSizing = field(default_factory=ClusterSizing)
    """Compute, storage and topology. Default: :class:`ClusterSizing` defaults."""

    postgresql_version: str = "16"
    """Major PostgreSQL version. Default: ``16``."""

    citus_version: str = "12.1"
    """Citus extension version. Default: ``12.1``."""

    database_name: str = "citus"
    """The cluster's one database. Default: ``citus``."""

    enable_geo_backup: bool = False
    """Geo-redundant backup; not supported with customer-managed keys and set at creation
    only. Default: False."""

    administrator_login_password: pulumi.Input[str] | None = None
    """Password of the ``citus`` administrator, as a secret. Default: None, a 32-character
    ``random.RandomPassword`` is generated (kept in state as a secret). Not used by a
    restore or replica, which keep their source's."""

    source: ClusterSource | None = None
    """Create as a point-in-time restore or a read replica of another cluster. Default:
    None (a new, empty cluster). Changing it replaces the cluster."""

    protect: bool = True
    """Protect the cluster from deletion and replacement. Default: True."""

    lock: bool = False
    """Add a ``CanNotDelete`` management lock on the cluster. Default: False."""

    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of the cluster. Default: none."""

    now: datetime | None = None
    """Clock for the restore-time checks. Default: the current time."""

    def __post_init__(self) -> None:
        problems = check(
            "EncryptedCosmosPgClusterArgs.cluster_name", self.cluster_name, CLUSTER_NAME
        )
        cmk = self.customer_managed_key
        if (
            cmk
            and cmk.location
            and normalize_region(cmk.location) != normalize_region(self.location)
        ):
            problems.append(
                f"EncryptedCosmosPgClusterArgs.location: {self.location!r} differs from the "
                f"key's region {cmk.location!r}; identity, vault, key and cluster must share "
                "a region"
            )
        if cmk and self.enable_geo_backup:
            problems.append(
                "EncryptedCosmosPgClusterArgs.enable_geo_backup: true is not supported with "
                "a customer-managed key"
            )
        if self.source is None:
            problems += self.sizing.problems(_ARG_NAMES)
            problems += check(
                "EncryptedCosmosPgClusterArgs.postgresql_version",
                self.postgresql_version,
                POSTGRESQL_VERSION,
            )
            problems += check(
                "EncryptedCosmosPgClusterArgs.citus_version", self.citus_version, CITUS_VERSION
            )
            problems += check(
                "EncryptedCosmosPgClusterArgs.database_name", self.database_name, DATABASE_NAME
            )
            if isinstance(self.administrator_login_password, str):
                problems += check(
                    "EncryptedCosmosPgClusterArgs.administrator_login_password",
                    self.administrator_login_password,
                    password_strength,
                    secret=True,
                )
        else:
            problems += self._source_problems()
        raise_if(problems)

    def _source_problems(self) -> list[str]:
        source = self.source
        assert source is not None
        out: list[str] = []
        if isinstance(source.source_cluster_id, str):
            out += check(
                "EncryptedCosmosPgClusterArgs.source.source_cluster_id",
                source.source_cluster_id,
                source_cluster_id,
            )
        ignored = [
            f.name
            for f in fields(self)
            if f.name in _NOT_FOR_SOURCE and getattr(self, f.name) != _default(f)
        ]
        out += [
            f"EncryptedCosmosPgClusterArgs.{name}: set, but a restore or replica copies it "
            "from its source; remove it"
            for name in ignored
        ]
        if isinstance(source, PointInTimeRestore):
            # Only the future is refused here: once the restore has happened the time falls
            # out of the retention window, and this code runs on every later update too.
            # The stack checks the window while the cluster is new; Azure does at creation.
            moment = source.point_in_time
            if moment.tzinfo is None:
                out.append(
                    "EncryptedCosmosPgClusterArgs.source.point_in_time: has no time zone; "
                    "give a UTC datetime"
                )
            elif moment > (self.now or datetime.now(UTC)):
                out.append(
                    f"EncryptedCosmosPgClusterArgs.source.point_in_time: {utc_iso(moment)} "
                    "is in the future; use a past time"
                )
        return out


# Fields a restore or replica cannot take (they come from the source cluster).
def _default(spec: Field[Any]) -> Any:
    """A dataclass field's default, whether a value or a factory."""
    if spec.default_factory is not MISSING:
        return spec.default_factory()
    return spec.default


_NOT_FOR_SOURCE = (
    "sizing",
    "postgresql_version",
    "citus_version",
    "database_name",
    "administrator_login_password",
)


def restore_time_problems(field_name: str, moment: datetime, now: datetime) -> list[str]:
    """A restore point must be in the past and within the backup retention window."""
    if moment > now:
        return [f"{field_name}: {utc_iso(moment)} is in the future; use a past time"]
    oldest = now - timedelta(days=BACKUP_RETENTION_DAYS)
    if moment < oldest:
        return [
            f"{field_name}: {utc_iso(moment)} is older than the {BACKUP_RETENTION_DAYS}-day "
            f"backup retention; use a time after {utc_iso(oldest)}"
        ]
    return []


class EncryptedCosmosPgCluster(pulumi.ComponentResource):
    """A Cosmos DB for PostgreSQL cluster (``azure-native:dbforpostgresql:ServerGroupCluster``).

    With a :class:`CustomerManagedKey` it carries ``identity {type: UserAssigned}`` and
    ``dataEncryption {type: AzureKeyVault, primaryKeyUri, primaryUserAssignedIdentityId}``
    and is created only after the access policy and key exist.

    Encryption is fixed at creation, so the component makes the engine *replace* the
    cluster, never update it in place, when the encryption mode, the identity or the key
    (not a new version of it) changes; with ``protect`` on, the engine refuses. A new key
    version (rotation) changes nothing.
    """

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    location: str
    coordinator_fqdn: pulumi.Output[str]
    administrator_login: pulumi.Output[str]
    administrator_login_password: pulumi.Output[str] | None
    """Secret. None for a restore or replica (they keep the source's password)."""
    connection_string: pulumi.Output[str]
    """Secret ``postgresql://citus:<password>@<coordinator>:5432/<db>?sslmode=require``."""
    lock: pulumi.CustomResource | None
    """The management lock, when ``lock`` is set."""

    def __init__(
        self,
        name: str,
        args: EncryptedCosmosPgClusterArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(type_token("EncryptedCosmosPgCluster"), name, None, opts)
        cmk = args.customer_managed_key
        source = args.source

        password: pulumi.Output[str] | None = None
        inputs: dict[str, Any] = {}
        if source is None:
            if args.administrator_login_password is not None:
                password = pulumi.Output.secret(args.administrator_login_password)
            else:
                password = pulumi.Output.secret(
                    pulumi_random.RandomPassword(
                        f"{name}-admin-password",
                        length=32,
                        min_upper=2,
                        min_lower=2,
                        min_numeric=2,
                        min_special=2,
                        # URL-safe symbols keep the connection string valid without escaping.
                        override_special="-_.~",
                        opts=pulumi.ResourceOptions(parent=self),
                    ).result
                )
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
                "encryption": "customerManaged",
                "key": cmk.key_uri,
                "identity": cmk.identity_id,
            }
        else:
            trigger = {"encryption": "serviceManaged"}

        replace_on = ["dataEncryption", "identity", "enableGeoBackup"]
        if source is not None:
            replace_on += ["sourceResourceId", "sourceLocation", "pointInTimeUTC"]

        cluster = dbforpostgresql.ServerGroupCluster(
            f"{name}-cluster",
            cluster_name=args.cluster_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            tags=dict(args.tags) or None,
            **inputs,
            opts=child_options(
                self,
                protect=args.protect,
                depends_on=cmk.depends_on if cmk else (),
                # A rotated key has a new versioned URI; the service follows new versions by
                # itself, so that input must not diff. Which key it is, is in the trigger.
                ignore_changes=["dataEncryption.primaryKeyUri"] if cmk else (),
                replace_on_changes=replace_on,
                replacement_trigger=trigger,
            ),
        )

        self.lock = (
            delete_lock(f"{name}-cluster-lock", self, cluster.id, "cluster") if args.lock else None
        )
        self.id = cluster.id
        self.name = cluster.name
        self.location = args.location
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
            "id": self.id,
            "name": self.name,
            "coordinator_fqdn": self.coordinator_fqdn,
            "administrator_login": self.administrator_login,
            "connection_string": self.connection_string,
        }
        if password is not None:
            outputs["administrator_login_password"] = password
        self.register_outputs(outputs)


def _coordinator_fqdn(server_names: Sequence[Any] | None) -> str:
    for server in server_names or ():
        if (server.name or "").endswith("-c"):
            return server.fully_qualified_domain_name or ""
    return ""


def _connection_string(host: str, database: str, password: str | None) -> str:
    credentials = ADMINISTRATOR_LOGIN + (f":{quote(password, safe='')}" if password else "")
    return f"postgresql://{credentials}@{host}:{POSTGRES_PORT}/{database}?sslmode=require"
