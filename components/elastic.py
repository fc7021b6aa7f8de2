"""EncryptedElasticCluster: an elastic cluster (Citus on Azure Database for PostgreSQL flexible
server), the successor of Cosmos DB for PostgreSQL, encrypted with a customer-managed key.

Service facts this follows (Microsoft's flexible-server data-encryption and elastic-cluster
pages; the API is ``Microsoft.DBforPostgreSQL/flexibleServers`` 2025-08-01):

* an elastic cluster is a flexible server with ``cluster.clusterSize``; PostgreSQL 17; one
  database; no storage autogrow; encryption is chosen at creation and never changes;
* ``dataEncryption`` names the key by URI and the identity by id, and the identities are a
  *map* on this resource type (a list on Cosmos DB for PostgreSQL's);
* a *versionless* key URI turns on automatic key version updates ("PostgreSQL will
  automatically pick up the new key version"); keep an old version usable at least 2 hours
  after a rotation;
* geo-redundant backup works with a customer-managed key, but needs a second key "in a Key
  Vault instance that must exist in the region where the geo-redundant backup is stored" and
  a different identity ("You can't use the same user-managed identity");
* the vault may be closed to public networks as long as trusted Microsoft services pass.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import quote

import pulumi
from pulumi_azure_native import dbforpostgresql

from .base import child_options, delete_lock, resolve_protect, type_token
from .cluster import (
    RESERVED_DATABASES,
    CustomerManagedKey,
    administrator_password,
    password_strength,
)
from .firewall import FirewallOptions, warn_when_closed
from .regions import PAIRED_REGION, location_problems, normalize_region
from .validation import Problem, check, int_between, matches, one_of, raise_if

POSTGRESQL_VERSION = "17"  # the only version elastic clusters run
POSTGRES_PORT = 5432  # the coordinator; 7432 balances across nodes
# The node range is not documented; 2 is the smallest cluster (the Bicep quickstart's
# default) and 20 the largest this library plans for.
MIN_NODES, MAX_NODES = 2, 20
# Premium SSD sizes a flexible server offers, in GiB.
STORAGE_SIZES_GB = (32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767)
MIN_BACKUP_RETENTION_DAYS, MAX_BACKUP_RETENTION_DAYS = 7, 35
# Names flexible server refuses for the administrator login.
RESERVED_LOGINS = (
    "azure_superuser",
    "azure_pg_admin",
    "admin",
    "administrator",
    "root",
    "guest",
    "public",
)


class ComputeTier(StrEnum):
    """Compute tier of the nodes (all nodes share one size)."""

    BURSTABLE = "Burstable"
    GENERAL_PURPOSE = "GeneralPurpose"
    MEMORY_OPTIMIZED = "MemoryOptimized"


class HighAvailability(StrEnum):
    """High-availability mode of the nodes."""

    DISABLED = "Disabled"
    ZONE_REDUNDANT = "ZoneRedundant"
    SAME_ZONE = "SameZone"


SERVER_NAME = matches(
    r"(?!-)[a-z0-9-]{3,63}(?<!-)",
    "use 3-63 lowercase letters, digits and hyphens, not starting or ending with a hyphen",
)
COMPUTE_TIER = one_of(*ComputeTier)
HIGH_AVAILABILITY = one_of(*HighAvailability)
COMPUTE_SIZE = matches(r"Standard_[A-Za-z0-9_]+", "use a compute size such as Standard_D4ds_v5")
STORAGE_GB = one_of(*STORAGE_SIZES_GB)
NODE_COUNT = int_between(MIN_NODES, MAX_NODES)
BACKUP_RETENTION = int_between(MIN_BACKUP_RETENTION_DAYS, MAX_BACKUP_RETENTION_DAYS)
ELASTIC_DATABASE_NAME = matches(
    r"[a-z_][a-z0-9_]{0,62}", "use up to 63 lowercase letters, digits or underscores"
)


def administrator_login_rule(value: object) -> str | None:
    complaint = matches(
        r"(?!pg_)[a-z_][a-z0-9_]{0,62}",
        "use up to 63 lowercase letters, digits or underscores, not starting with pg_",
    )(value)
    if complaint:
        return complaint
    if value in RESERVED_LOGINS:
        return f"is reserved by the service; not one of {', '.join(RESERVED_LOGINS)}"
    return None


def _boolean(value: object) -> str | None:
    return None if isinstance(value, bool) else "is not true or false"


@dataclass(frozen=True, kw_only=True)
class ElasticClusterOptions(FirewallOptions):
    """What a stack chooses about an elastic cluster (the stack config's ``elastic.*``, with
    the firewall from ``cluster.*``)."""

    node_count: int = 2
    """Nodes of the cluster (``cluster.clusterSize``), 2..20. Default: 2. Changing it scales
    the cluster in place."""

    compute_size: str = "Standard_D4ds_v5"
    """Compute size of every node. Default: ``Standard_D4ds_v5`` (4 vCores, General
    Purpose)."""

    compute_tier: ComputeTier = ComputeTier.GENERAL_PURPOSE
    """``Burstable``, ``GeneralPurpose`` or ``MemoryOptimized``; must match the size.
    Default: ``GeneralPurpose``."""

    storage_gb: int = 128
    """Storage per node in GiB, a Premium SSD size (32 .. 32767). Default: 128. Storage does
    not grow by itself on elastic clusters."""

    high_availability: HighAvailability = HighAvailability.DISABLED
    """``Disabled``, ``ZoneRedundant`` or ``SameZone``. Default: ``Disabled``."""

    database_name: str = "postgres"
    """The cluster's one database, set at creation. Default: ``postgres``."""

    administrator_login: str = "pgadmin"
    """Name of the administrator login, set at creation. Default: ``pgadmin``."""

    backup_retention_days: int = 7
    """Point-in-time restore window, 7..35 days. Default: 7."""

    geo_redundant_backup: bool = False
    """Also store backups in the paired region, encrypted with a second key held there.
    Set at creation only. Default: False."""

    geo_backup_location: str | None = None
    """Region of the geo-redundant backups and of their key, vault and identity. Default:
    None, the region paired with the cluster's; another value is refused."""

    def problems(self) -> list[Problem]:
        problems = check("node_count", self.node_count, NODE_COUNT)
        problems += check("compute_size", self.compute_size, COMPUTE_SIZE)
        problems += check("compute_tier", self.compute_tier, COMPUTE_TIER)
        problems += check("storage_gb", self.storage_gb, STORAGE_GB)
        problems += check("high_availability", self.high_availability, HIGH_AVAILABILITY)
        problems += check("database_name", self.database_name, ELASTIC_DATABASE_NAME)
        if self.database_name != "postgres" and self.database_name in RESERVED_DATABASES:
            problems.append(
                Problem("database_name", "is reserved by the service", self.database_name)
            )
        problems += check("administrator_login", self.administrator_login, administrator_login_rule)
        problems += check("backup_retention_days", self.backup_retention_days, BACKUP_RETENTION)
        for name in ("geo_redundant_backup", "allow_azure_services", "allow_all_internet"):
            problems += check(name, getattr(self, name), _boolean)
        if self.geo_backup_location is not None:
            problems += location_problems("geo_backup_location", self.geo_backup_location)
            if self.geo_redundant_backup is not True:
                problems.append(
                    Problem(
                        "geo_backup_location",
                        "is set, but {geo} is off; remove it",
                        self.geo_backup_location,
                        refs={"geo": "geo_redundant_backup"},
                    )
                )
        if self.compute_tier == ComputeTier.BURSTABLE and self.high_availability != "Disabled":
            problems.append(
                Problem(
                    "high_availability",
                    "is not available on Burstable compute; use GeneralPurpose or MemoryOptimized",
                    self.high_availability,
                )
            )
        problems += self.firewall()[1]
        return problems

    def backup_region(self, location: str) -> str | None:
        """Where geo-redundant backups go: the region paired with ``location``."""
        return self.geo_backup_location or PAIRED_REGION.get(normalize_region(location))

    def geo_region_problems(self, location: str) -> list[Problem]:
        """Geo-redundant backups go to the paired region, which ``location`` must have."""
        if self.geo_redundant_backup is not True:
            return []
        paired = PAIRED_REGION.get(normalize_region(location))
        if paired is None:
            return [
                Problem(
                    "geo_redundant_backup",
                    f"is not available: {location} has no paired region to hold the backups",
                    True,
                )
            ]
        if self.geo_backup_location is not None and (
            normalize_region(self.geo_backup_location) != paired
        ):
            return [
                Problem(
                    "geo_backup_location",
                    f"is not {location}'s paired region {paired}, where flexible server keeps "
                    "geo-redundant backups",
                    self.geo_backup_location,
                )
            ]
        return []


@dataclass(frozen=True, kw_only=True)
class ElasticClusterArgs(ElasticClusterOptions):
    """Arguments of :class:`EncryptedElasticCluster`."""

    resource_group_name: pulumi.Input[str]
    """Resource group of the cluster."""

    location: str
    """Region of the cluster; the key's vault and identity must be in it. Changing it
    replaces the cluster."""

    cluster_name: str
    """Name of the server (3-63 lowercase letters, digits and hyphens). Changing it replaces
    the cluster."""

    customer_managed_key: CustomerManagedKey | None = None
    """The key (with its identity) that encrypts the data. Its versionless URI (``key_uri``,
    which :meth:`CustomerManagedKey.from_components` fills in) is used, so the service follows
    new key versions by itself; without one the versioned URI is, and the cluster stays on
    that version until it is changed (the preview warns). Default: None, service-managed
    keys."""

    geo_backup_key: CustomerManagedKey | None = None
    """The key for the geo-redundant backups, in a vault in the paired region, with an
    identity of its own. Required with a customer-managed key and ``geo_redundant_backup``."""

    administrator_login_password: pulumi.Input[str] | None = None
    """Password of the administrator, as a secret. Default: None, a 32-character
    ``random.RandomPassword`` is generated."""

    protect: bool | None = None
    """Protect the cluster from deletion. Default: None, which means ``opts.protect`` when
    given, else True."""

    lock: bool = False
    """Add a ``CanNotDelete`` management lock on the cluster. Default: False."""

    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of the cluster. Default: none."""

    def problems(self) -> list[Problem]:
        problems = location_problems("location", self.location)
        problems += check("cluster_name", self.cluster_name, SERVER_NAME)
        problems += super().problems()
        problems += self.geo_region_problems(self.location)
        cmk, geo = self.customer_managed_key, self.geo_backup_key
        if cmk is not None and self.geo_redundant_backup is True and geo is None:
            problems.append(
                Problem(
                    "geo_backup_key",
                    "is required with a customer-managed key and {geo}: the backups in the "
                    "paired region are encrypted with a key held there, reached by another "
                    "identity",
                    refs={"geo": "geo_redundant_backup"},
                )
            )
        if geo is not None and (cmk is None or self.geo_redundant_backup is not True):
            problems.append(
                Problem(
                    "geo_backup_key",
                    "is given, but it is used only with {cmk} and {geo}",
                    refs={"cmk": "customer_managed_key", "geo": "geo_redundant_backup"},
                )
            )
        if cmk is not None and geo is not None and _same(cmk.identity_id, geo.identity_id):
            problems.append(
                Problem(
                    "geo_backup_key",
                    "uses the primary key's identity; flexible server needs a separate one",
                )
            )
        if cmk is not None and not _in_region(cmk.location, self.location):
            problems.append(
                Problem(
                    "customer_managed_key",
                    f"is in {cmk.location}; the key's vault must be in the cluster's region "
                    f"{self.location}",
                )
            )
        region = self.backup_region(self.location)
        if geo is not None and region is not None and not _in_region(geo.location, region):
            problems.append(
                Problem(
                    "geo_backup_key",
                    f"is in {geo.location}; it must be in {region}, where the geo-redundant "
                    "backups are kept",
                )
            )
        if isinstance(self.administrator_login_password, str):
            problems += check(
                "administrator_login_password",
                self.administrator_login_password,
                password_strength,
                secret=True,
            )
        return problems

    def __post_init__(self) -> None:
        raise_if(self.problems(), type(self).__name__)


def _in_region(where: str | None, region: str) -> bool:
    """True when ``where`` is unknown (a key given by id) or is ``region``."""
    return where is None or normalize_region(where) == normalize_region(region)


def _same(a: object, b: object) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.lower() == b.lower()


class EncryptedElasticCluster(pulumi.ComponentResource):
    """An elastic cluster (``azure-native:dbforpostgresql:Server`` with ``cluster``) and its
    firewall rules.

    With a :class:`~cmkpg.CustomerManagedKey` it carries ``identity {type: UserAssigned,
    userAssignedIdentities: {<id>: {}}}`` and ``dataEncryption {type: AzureKeyVault,
    primaryKeyURI, primaryUserAssignedIdentityId}``, with the *versionless* key URI so that
    rotations need no change here; with geo-redundant backup also ``geoBackupKeyURI`` and
    ``geoBackupUserAssignedIdentityId``, the second identity in the map. The cluster is created
    only after every grant and key exists. Encryption is fixed at creation: a different key or
    identity replaces the cluster (a ``replacementTrigger`` holding their ids), which the
    engine refuses while it is protected.
    """

    cluster_id: pulumi.Output[str]
    """ARM id of the server."""
    name: pulumi.Output[str]
    """Name of the server."""
    location: pulumi.Output[str]
    """Region of the server."""
    coordinator_fqdn: pulumi.Output[str]
    """Host name of the coordinator (port 5432; 7432 balances across the nodes)."""
    administrator_login: pulumi.Output[str]
    """The administrator login."""
    administrator_login_password: pulumi.Output[str]
    """Secret."""
    connection_string: pulumi.Output[str]
    """Secret ``postgresql://<login>:<password>@<host>:5432/<db>?sslmode=require``."""
    primary_key_status: pulumi.Output[str]
    """``Valid`` or ``Invalid``: whether the service can use the primary key (empty with
    service-managed keys)."""
    geo_backup_key_status: pulumi.Output[str]
    """The same for the geo-backup key (empty without one)."""

    def __init__(
        self, name: str, args: ElasticClusterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        protect = resolve_protect(args.protect, opts, type(args).__name__)
        super().__init__(type_token("EncryptedElasticCluster"), name, None, opts)
        cmk, geo = args.customer_managed_key, args.geo_backup_key
        password = administrator_password(
            self, name, args.administrator_login_password, args.resource_group_name
        )
        depends_on: list[pulumi.Resource] = []
        trigger: dict[str, Any] = {"encryption": "serviceManaged"}
        encryption: dbforpostgresql.DataEncryptionArgs | None = None
        identity: dbforpostgresql.UserAssignedIdentityArgs | None = None
        if cmk is not None:
            identity_ids: list[pulumi.Input[str]] = [cmk.identity_id]
            trigger = {"encryption": "customerManaged", "key": cmk.key_id}
            trigger["identity"] = cmk.identity_id
            encryption = dbforpostgresql.DataEncryptionArgs(
                type="AzureKeyVault",
                primary_key_uri=cmk.key_uri or cmk.key_versioned_uri,
                primary_user_assigned_identity_id=cmk.identity_id,
            )
            depends_on += cmk.depends_on
            for which, chosen in (("key", cmk), ("geo-backup key", geo)):
                if chosen is not None and chosen.key_uri is None:
                    pulumi.log.warn(
                        f"the {which} of cluster {args.cluster_name} is given without a "
                        "versionless key_uri: it will stay on the given key version after a "
                        "rotation until the URI is changed",
                        resource=self,
                    )
            if geo is not None:
                identity_ids.append(geo.identity_id)
                trigger.update(geoKey=geo.key_id, geoIdentity=geo.identity_id)
                encryption = dbforpostgresql.DataEncryptionArgs(
                    type="AzureKeyVault",
                    primary_key_uri=cmk.key_uri or cmk.key_versioned_uri,
                    primary_user_assigned_identity_id=cmk.identity_id,
                    geo_backup_key_uri=geo.key_uri or geo.key_versioned_uri,
                    geo_backup_user_assigned_identity_id=geo.identity_id,
                )
                depends_on += geo.depends_on
            identity = dbforpostgresql.UserAssignedIdentityArgs(
                type="UserAssigned",
                # A map keyed by identity id; the ids are outputs, so the map is one too.
                user_assigned_identities=pulumi.Output.all(*identity_ids).apply(
                    lambda ids: {i: {} for i in ids}
                ),
            )
        server = dbforpostgresql.Server(
            f"{name}-cluster",
            server_name=args.cluster_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            version=POSTGRESQL_VERSION,
            sku=dbforpostgresql.SkuArgs(name=args.compute_size, tier=args.compute_tier),
            storage=dbforpostgresql.StorageArgs(
                storage_size_gb=args.storage_gb, auto_grow="Disabled"
            ),
            cluster=dbforpostgresql.ClusterArgs(
                cluster_size=args.node_count, default_database_name=args.database_name
            ),
            administrator_login=args.administrator_login,
            administrator_login_password=password,
            auth_config=dbforpostgresql.AuthConfigArgs(
                password_auth="Enabled", active_directory_auth="Disabled"
            ),
            backup=dbforpostgresql.BackupArgs(
                backup_retention_days=args.backup_retention_days,
                geo_redundant_backup="Enabled" if args.geo_redundant_backup else "Disabled",
            ),
            high_availability=dbforpostgresql.HighAvailabilityArgs(mode=args.high_availability),
            network=dbforpostgresql.NetworkArgs(public_network_access="Enabled"),
            identity=identity,
            data_encryption=encryption,
            tags=dict(args.tags) or None,
            opts=child_options(
                self,
                protect=protect,
                depends_on=depends_on,
                replace_on_changes=["dataEncryption", "identity"],
                replacement_trigger=trigger,
            ),
        )
        self.server: dbforpostgresql.Server = server
        """The server resource."""
        rules = args.firewall()[0]
        self.firewall_rules: list[dbforpostgresql.FirewallRule] = [
            dbforpostgresql.FirewallRule(
                f"{name}-fw-{rule.name}",
                firewall_rule_name=rule.name,
                server_name=server.name,
                resource_group_name=args.resource_group_name,
                start_ip_address=rule.start_ip,
                end_ip_address=rule.end_ip,
                opts=child_options(self),
            )
            for rule in rules
        ]
        """The firewall rules (none: nothing can connect yet)."""
        warn_when_closed(self, args.cluster_name, rules)
        self.lock: pulumi.CustomResource | None = (
            delete_lock(f"{name}-cluster-lock", self, server.id, "cluster") if args.lock else None
        )
        """The management lock, when ``lock`` is set."""
        self.region: str = args.location
        """The region, as a plain string."""
        self.cluster_id = server.id
        self.name = server.name
        self.location = pulumi.Output.from_input(args.location)
        self.coordinator_fqdn = server.fully_qualified_domain_name.apply(lambda h: h or "")
        self.administrator_login = pulumi.Output.from_input(args.administrator_login)
        self.administrator_login_password = password
        self.connection_string = pulumi.Output.secret(
            pulumi.Output.all(self.coordinator_fqdn, password).apply(
                lambda a: _connection_string(
                    args.administrator_login, a[0], args.database_name, a[1]
                )
            )
        )
        statuses = server.data_encryption.apply(_key_statuses)
        self.primary_key_status = statuses.apply(lambda s: s[0])
        self.geo_backup_key_status = statuses.apply(lambda s: s[1])
        self.register_outputs(
            {
                "cluster_id": self.cluster_id,
                "name": self.name,
                "location": self.location,
                "coordinator_fqdn": self.coordinator_fqdn,
                "administrator_login": self.administrator_login,
                "administrator_login_password": self.administrator_login_password,
                "connection_string": self.connection_string,
                "primary_key_status": self.primary_key_status,
                "geo_backup_key_status": self.geo_backup_key_status,
            }
        )


def _key_statuses(encryption: Any) -> tuple[str, str]:
    if encryption is None:
        return "", ""
    return (
        getattr(encryption, "primary_encryption_key_status", None) or "",
        getattr(encryption, "geo_backup_encryption_key_status", None) or "",
    )


def _connection_string(login: str, host: str, database: str, password: str | None) -> str:
    credentials = login + (f":{quote(password, safe='')}" if password else "")
    return f"postgresql://{credentials}@{host}:{POSTGRES_PORT}/{database}?sslmode=require"


__all__: Sequence[str] = (
    "ComputeTier",
    "ElasticClusterArgs",
    "ElasticClusterOptions",
    "EncryptedElasticCluster",
    "HighAvailability",
)
