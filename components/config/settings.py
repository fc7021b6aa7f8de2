"""The validated settings a stack is built from: the component options, plus the few choices
that only a whole stack makes (region, resource group, encryption mode, protection, where the
cluster comes from).

Every default is the one written on the option classes; every rule is theirs, and the
stack-level rules are here. :meth:`StackSettings.problems` returns them all, naming fields
by attribute path (``cmk.key.size``); the config layer renames them to config keys.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from ..cluster import (
    CLUSTER_NAME,
    ENCRYPTION,
    ClusterOptions,
    EncryptionMode,
    PointInTimeRestore,
    ReadReplica,
    geo_backup_problem,
    restore_group_problems,
    source_cluster_id,
)
from ..cmk import CmkOptions
from ..elastic import ElasticClusterOptions
from ..firewall import FIREWALL_FIELDS
from ..monitoring import MonitoringOptions
from ..regions import location_problems
from ..resource_ids import COSMOS_PG_CLUSTER, parse_arm_id
from ..validation import Problem, check, fields_set, is_default, matches, now_or_current, one_of
from ..vault import cosmos_permission_problem

NAMESPACE = "cmkpg"
RESOURCE_GROUP_NAME = matches(
    r"[-\w.()]{0,89}[-\w()]",
    "use up to 90 letters, digits, '-', '_', '.', '(' or ')', not ending with '.'",
)
_TAG_NAME_FORBIDDEN = set("<>%&\\?/")
MAX_TAGS = 50


class Service(StrEnum):
    """The kind of cluster a stack runs."""

    COSMOS_POSTGRES = "cosmosPostgres"
    """Azure Cosmos DB for PostgreSQL (``serverGroupsv2``): no longer for new projects."""
    ELASTIC_CLUSTER = "elasticCluster"
    """Elastic cluster on Azure Database for PostgreSQL flexible server, its successor."""


SERVICE = one_of(*Service)
# Flexible server's access-policy model: "grant ... get ... list ... wrapKey ... unwrapKey".
FLEXIBLE_KEY_PERMISSIONS = ("get", "list", "wrapKey", "unwrapKey")
# cluster.* settings that only a Cosmos DB for PostgreSQL cluster has (the firewall, the name
# and the password serve both kinds).
COSMOS_ONLY = (
    "sizing",
    "postgresql_version",
    "citus_version",
    "database_name",
    "enable_geo_backup",
)


@dataclass(frozen=True, kw_only=True)
class SourceSettings:
    """``restore.*`` or ``replica.*``: the cluster a new one is made from."""

    source_cluster_id: str | None = None
    """ARM id of the source cluster. Default: None (a new, empty cluster)."""
    source_location: str | None = None
    """Region of the source. Default: None, the stack's location."""
    point_in_time: datetime | None = None
    """The restore point, ISO 8601 UTC (restore only). Default: None."""

    @property
    def is_set(self) -> bool:
        return any((self.source_cluster_id, self.source_location, self.point_in_time))


@dataclass(frozen=True, kw_only=True)
class StackSettings:
    """Validated settings of one stack."""

    stack: str = "dev"
    """Name of the stack (not a config key)."""

    location: str
    """Azure region of every resource."""

    allow_unlisted_region: bool = False
    """Accept a well-formed region name this release does not list. Default: False."""

    resource_group_name: str | None = None
    """Existing resource group to deploy into. Default: None, create ``rg-cmkpg-<stack>``."""

    service: Service = Service.COSMOS_POSTGRES
    """``cosmosPostgres`` (Azure Cosmos DB for PostgreSQL) or ``elasticCluster`` (an elastic
    cluster on flexible server). Default: cosmosPostgres. Set at creation."""

    encryption: EncryptionMode = EncryptionMode.CUSTOMER_MANAGED
    """``customerManaged`` (identity, vault, key and a CMK-encrypted cluster) or
    ``serviceManaged`` (the cluster only). Default: customerManaged."""

    protect: bool = True
    """Protect (and retain) identity, vault, key and cluster. Default: True."""

    lock: bool = False
    """CanNotDelete management locks on the vault this stack creates and on the cluster.
    Default: False."""

    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of every taggable resource. Default: none."""

    cmk: CmkOptions = field(default_factory=CmkOptions)
    """Identity, vault and key (customerManaged only)."""

    cluster_name: str | None = None
    """Name of the cluster. Default: None, ``cmkpg-<stack>``."""

    cluster: ClusterOptions = field(default_factory=ClusterOptions)
    """Sizing, versions, database, password and firewall of the cluster."""

    elastic: ElasticClusterOptions = field(default_factory=ElasticClusterOptions)
    """Nodes, compute, storage, HA, database and backups of an elastic cluster."""

    monitoring_enabled: bool = True
    """Alerts and audit logs (customerManaged stacks only). Default: True."""

    monitoring: MonitoringOptions = field(default_factory=MonitoringOptions)
    """Receivers and logs of the alerts."""

    restore: SourceSettings = field(default_factory=SourceSettings)
    """Create the cluster as a point-in-time restore."""

    replica: SourceSettings = field(default_factory=SourceSettings)
    """Create the cluster as a read replica."""

    now: datetime | None = None
    """The clock every date rule uses. Default: None, the current time."""

    # -- derived ------------------------------------------------------------------------------

    @property
    def customer_managed(self) -> bool:
        return self.encryption == EncryptionMode.CUSTOMER_MANAGED

    @property
    def elastic_cluster(self) -> bool:
        return self.service == Service.ELASTIC_CLUSTER

    @property
    def create_resource_group(self) -> bool:
        return self.resource_group_name is None

    @property
    def resource_group(self) -> str:
        return self.resource_group_name or f"rg-{NAMESPACE}-{self.stack}"

    @property
    def cluster_physical_name(self) -> str:
        return self.cluster_name or f"{NAMESPACE}-{self.stack}"

    @property
    def cmk_options(self) -> CmkOptions:
        """The identity-vault-key options with the stack's protection, lock and tags."""
        return CmkOptions(
            identity=self.cmk.identity,
            vault=self.cmk.vault,
            key=self.cmk.key,
            protect=self.protect,
            lock=self.lock,
            tags=self.tags,
        )

    @property
    def geo_backup_cmk_options(self) -> CmkOptions:
        """The chain for an elastic cluster's geo-redundant backups: the primary's settings,
        with names left to the provider (a vault name is global, an identity must differ)."""
        options = self.cmk_options
        return dataclasses.replace(
            options,
            identity=dataclasses.replace(options.identity, name=None),
            vault=dataclasses.replace(options.vault, name=None),
            key=dataclasses.replace(options.key, name=None),
        )

    @property
    def source(self) -> PointInTimeRestore | ReadReplica | None:
        """The restore or replica this stack's cluster is created as, if any."""
        restore, replica = self.restore, self.replica
        if restore.source_cluster_id and restore.point_in_time:
            return PointInTimeRestore(
                source_cluster_id=restore.source_cluster_id,
                source_location=restore.source_location or self.location,
                point_in_time=restore.point_in_time,
            )
        if replica.source_cluster_id:
            return ReadReplica(
                source_cluster_id=replica.source_cluster_id,
                source_location=replica.source_location or self.location,
            )
        return None

    @property
    def monitored(self) -> bool:
        return self.customer_managed and self.monitoring_enabled

    def now_or_current(self) -> datetime:
        return now_or_current(self.now)

    # -- rules --------------------------------------------------------------------------------

    def problems(self) -> list[Problem]:
        """Every problem, each naming its field by attribute path."""
        unlisted = self.allow_unlisted_region
        problems = location_problems("location", self.location, allow_unlisted=unlisted)
        if self.resource_group_name is not None:
            problems += check("resource_group_name", self.resource_group_name, RESOURCE_GROUP_NAME)
        elif RESOURCE_GROUP_NAME(self.resource_group):
            problems.append(
                Problem(
                    "resource_group_name",
                    f"gives the default {self.resource_group!r}, which is not a valid resource "
                    "group name; set it",
                    "",
                )
            )
        problems += check("encryption", self.encryption, ENCRYPTION)
        problems += check("service", self.service, SERVICE)
        problems += _tag_problems(self.tags)
        problems += self._service_problems()
        problems += self._cluster_problems()
        problems += self._encryption_problems()
        problems += self._source_problems()
        return problems

    def _service_problems(self) -> list[Problem]:
        """Each service takes its own settings; the other's are refused, by name."""

        def foreign(service: Service, hint: str = "") -> str:
            return (
                f"is set, but it applies to {service} clusters, and {{chosen}} is "
                f"{self.service}; remove it{hint}"
            )

        chosen = {"chosen": "service"}
        if not self.elastic_cluster:
            problems = [
                Problem(
                    f"elastic.{name}",
                    foreign(Service.ELASTIC_CLUSTER),
                    getattr(self.elastic, name),
                    refs=chosen,
                )
                for name in fields_set(self.elastic, _CHOSEN["elastic"])
            ]
            rbac = cosmos_permission_problem(
                self.cmk.vault.permission_model, "cmk.vault.permission_model"
            )
            return [*problems, rbac] if rbac else problems
        sizing = self.cluster.sizing
        cosmos_only = [
            (f"cluster.{name}", getattr(self.cluster, name))
            for name in fields_set(self.cluster, COSMOS_ONLY)
        ] + [
            (f"cluster.sizing.{name}", getattr(sizing, name))
            for name in fields_set(sizing, [f.name for f in dataclasses.fields(sizing)])
        ]
        problems = [
            Problem(
                where,
                foreign(Service.COSMOS_POSTGRES, " (elastic.* sizes an elastic cluster)"),
                value,
                refs=chosen,
            )
            for where, value in cosmos_only
        ]
        problems += [p.within("elastic") for p in self.elastic.problems()]
        problems += [p.within("elastic") for p in self.elastic.geo_region_problems(self.location)]
        unsupported = "is not supported for elasticCluster stacks in this release; remove it"
        problems += [
            Problem(f"{kind}.source_cluster_id", unsupported, getattr(self, kind).source_cluster_id)
            for kind in ("restore", "replica")
            if getattr(self, kind).source_cluster_id
        ]
        problems += [
            Problem(f"cmk.{part}.existing_id", unsupported, getattr(self.cmk, part).existing_id)
            for part in ("identity", "vault", "key")
            if getattr(self.cmk, part).existing_id
        ]
        return problems

    def _cluster_problems(self) -> list[Problem]:
        problems = [p.within("cluster") for p in self.cluster.problems()]
        if self.cluster_name is not None:
            problems += check("cluster_name", self.cluster_name, CLUSTER_NAME)
        elif CLUSTER_NAME(self.cluster_physical_name):
            problems.append(
                Problem(
                    "cluster_name",
                    f"gives the default {self.cluster_physical_name!r}, which is not a valid "
                    "cluster name (3-40 lowercase letters, digits, hyphens); set it",
                    "",
                )
            )
        if not self.elastic_cluster and (
            geo := geo_backup_problem(self.customer_managed, self.cluster.enable_geo_backup)
        ):
            problems.append(geo.within("cluster"))
        return problems

    def _encryption_problems(self) -> list[Problem]:
        if not self.customer_managed:
            complaint = (
                "is set, but encryption is serviceManaged; remove it or set encryption to "
                "customerManaged"
            )
            problems = [
                Problem(f"cmk.{part}.{name}", complaint, getattr(getattr(self.cmk, part), name))
                for part in ("identity", "vault", "key")
                for name in fields_set(getattr(self.cmk, part), _CHOSEN[part])
            ]
            problems += [
                Problem(
                    f"monitoring.{name}",
                    complaint,
                    getattr(self.monitoring, name),
                    secret=name == "webhooks",
                )
                for name in fields_set(self.monitoring, _CHOSEN["monitoring"])
            ]
            return problems
        problems = [p.within("cmk") for p in self.cmk_options.problems()]
        if not self.monitoring_enabled:
            problems += [
                Problem(
                    f"monitoring.{name}",
                    "is set, but it configures monitoring, which {enabled} turns off; remove it",
                    getattr(self.monitoring, name),
                    secret=name == "webhooks",
                    refs={"enabled": "monitoring_enabled"},
                )
                for name in fields_set(self.monitoring, _CHOSEN["monitoring"])
            ]
        else:
            problems += [p.within("monitoring") for p in self.monitoring.problems()]
        return problems

    def _source_problems(self) -> list[Problem]:
        unlisted = self.allow_unlisted_region
        problems: list[Problem] = []
        for kind in ("restore", "replica"):
            source: SourceSettings = getattr(self, kind)
            if source.source_cluster_id is not None:
                problems += [
                    p.within(kind)
                    for p in check("source_cluster_id", source.source_cluster_id, source_cluster_id)
                ]
            if source.source_location is not None:
                problems += location_problems(
                    f"{kind}.source_location", source.source_location, allow_unlisted=unlisted
                )
            for name in ("source_location", "point_in_time"):
                value = getattr(source, name)
                if value is not None and not source.source_cluster_id:
                    problems.append(
                        Problem(
                            f"{kind}.{name}",
                            "is set without {owner}; set both or neither",
                            value,
                            refs={"owner": f"{kind}.source_cluster_id"},
                        )
                    )
        restore, replica = self.restore, self.replica
        if restore.source_cluster_id and replica.source_cluster_id:
            problems.append(
                Problem(
                    "replica.source_cluster_id",
                    "is set together with {restore}; a cluster is either a restore or a replica",
                    replica.source_cluster_id,
                    refs={"restore": "restore.source_cluster_id"},
                )
            )
            return problems
        if restore.source_cluster_id:
            if restore.point_in_time is None:
                problems.append(
                    Problem(
                        "restore.point_in_time",
                        "is required with {source}; give the ISO 8601 UTC time to restore to",
                        refs={"source": "restore.source_cluster_id"},
                    )
                )
            elif restore.point_in_time > self.now_or_current():
                problems.append(
                    Problem(
                        "restore.point_in_time",
                        "is in the future; use a past time",
                        restore.point_in_time,
                    )
                )
        if restore.source_cluster_id:
            problems += restore_group_problems(restore.source_cluster_id, self.resource_group)
        kind = "restore" if restore.source_cluster_id else "replica"
        own = getattr(self, kind).source_cluster_id
        if own is None:
            return problems
        if not source_cluster_id(own):
            arm = parse_arm_id(own, COSMOS_PG_CLUSTER)
            if (arm.resource_group.lower(), arm.name) == (
                self.resource_group.lower(),
                self.cluster_physical_name,
            ):
                problems.append(
                    Problem(
                        f"{kind}.source_cluster_id",
                        "is this stack's own cluster; give the new cluster another name with "
                        "{name}",
                        own,
                        refs={"name": "cluster_name"},
                    )
                )
        problems += [p.within("cluster") for p in self.cluster.copied_from_source()]
        return problems


# The fields of each part that a stack "sets" when they differ from their defaults.
_CHOSEN = {
    "identity": ("name", "existing_id"),
    "vault": (
        "name",
        "sku",
        "soft_delete_retention_days",
        "existing_id",
        "manage_access_policy",
        "permission_model",
    ),
    "key": ("name", "key_type", "size", "not_before", "expires_on", "existing_id", "rotation"),
    "monitoring": ("emails", "webhooks", "log_analytics_workspace_id", "log_retention_days"),
    "elastic": tuple(
        f.name for f in dataclasses.fields(ElasticClusterOptions) if f.name not in FIREWALL_FIELDS
    ),
}


def _tag_problems(tags: Mapping[str, str]) -> list[Problem]:
    """Azure's tag rules."""
    problems: list[Problem] = []
    for name, value in tags.items():
        where = f"tags.{name}" if name else "tags"
        if not name.strip() or set(name) & _TAG_NAME_FORBIDDEN or len(name) > 512:
            problems.append(
                Problem(
                    where,
                    "is not a valid tag name; use up to 512 characters without < > % & \\ ? /",
                    name,
                )
            )
        elif not isinstance(value, str):
            problems.append(Problem(where, "is not a string", value))
        elif len(value) > 256:
            problems.append(Problem(where, "is longer than 256 characters", value))
    if len(tags) > MAX_TAGS:
        problems.append(Problem("tags", f"has {len(tags)} tags; Azure allows at most {MAX_TAGS}"))
    return problems


def default_at(path: str) -> object:
    """The default of the setting at attribute path ``path`` (``cmk.key.size``), read from
    the dataclass that declares it: the one place a default is written."""
    node: object = StackSettings
    *parents, leaf = path.split(".")
    for part in parents:
        node = _default_of(node, part)
    return _default_of(node, leaf)


def _default_of(owner: object, name: str) -> object:
    import dataclasses

    owner_type = owner if isinstance(owner, type) else type(owner)
    for spec in dataclasses.fields(owner_type):  # type: ignore[arg-type]
        if spec.name == name:
            if isinstance(owner, type):
                if spec.default_factory is not dataclasses.MISSING:
                    return spec.default_factory()
                return spec.default
            return getattr(owner, name)
    raise LookupError(f"{owner_type.__name__} has no field {name}")


__all__ = [
    "FLEXIBLE_KEY_PERMISSIONS",
    "NAMESPACE",
    "Service",
    "SourceSettings",
    "StackSettings",
    "default_at",
    "is_default",
]
