"""EncryptedClusterRestore: a point-in-time restore into a new cluster with the encryption
you want, the documented way to move a cluster between service-managed and customer-managed
keys (or to another key).
"""

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pulumi

from .base import resolve_protect, type_token
from .cluster import (
    ENCRYPTION,
    CustomerManagedKey,
    EncryptedCosmosPgCluster,
    EncryptedCosmosPgClusterArgs,
    EncryptionMode,
    PointInTimeRestore,
    restore_group_problems,
)
from .cmk import CmkOptions, CmkResources, create_customer_managed_key
from .validation import Problem, check, raise_if, unchecked
from .vault import cosmos_permission_problem


@dataclass(frozen=True, kw_only=True)
class EncryptedClusterRestoreArgs:
    """Arguments of :class:`EncryptedClusterRestore`."""

    resource_group_name: pulumi.Input[str]
    """Resource group of the new cluster (and of the identity, vault and key it creates).
    Azure restores into the source's resource group (``concepts-backup``: "in the same ...
    resource group as the original"); when both are plain strings, another group is refused."""

    location: str
    """Region of the new cluster; with customer-managed keys also of its identity, vault
    and key. A restore into another region needs geo-redundant backup on the source."""

    cluster_name: str
    """Name of the new cluster; the source keeps its own."""

    source: str | EncryptedCosmosPgCluster
    """The cluster to restore: its ARM id, or a cluster of this program."""

    point_in_time: datetime
    """UTC time to restore to: not in the future. Azure also wants it within the 35-day
    backup retention when the cluster is created; the stack checks that while the cluster is
    new (this component cannot know whether it already exists)."""

    source_location: str | None = None
    """Region of the source. Default: None, the source component's region, or ``location``."""

    encryption: EncryptionMode = EncryptionMode.CUSTOMER_MANAGED
    """Encryption of the new cluster, whatever the source's: ``customerManaged`` or
    ``serviceManaged``. Default: ``customerManaged``."""

    customer_managed_key: CustomerManagedKey | None = None
    """Use this key instead of creating identity, vault and key (with ``customerManaged``).
    Default: None, create them in ``location`` with ``cmk``."""

    cmk: CmkOptions = field(default_factory=CmkOptions)
    """Options of the identity, vault and key created for the new cluster; their protection
    is ``protect``'s, not ``cmk.protect``'s. Default: :class:`~cmkpg.CmkOptions` defaults
    (RSA 3072, rotation policy)."""

    firewall_rules: Mapping[str, str] = field(default_factory=dict)
    """Firewall rules of the new cluster (a restore does not copy its source's). Default:
    none."""

    allow_azure_services: bool = False
    """The ``0.0.0.0`` rule for Azure services on the new cluster. Default: False."""

    allow_all_internet: bool = False
    """Admit the whole internet to the new cluster. Default: False."""

    protect: bool | None = None
    """Protect the new cluster and the identity, vault and key created for it. Default:
    None, ``opts.protect`` when given, else True."""

    lock: bool = False
    """CanNotDelete lock on the new cluster. Default: False."""

    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of the new cluster. Default: none."""

    now: datetime | None = None
    """Clock for the restore-time checks. Default: None, the current time."""

    def problems(self) -> list[Problem]:
        """Everything that can be known before anything is registered: the encryption, the
        key options, and the cluster's own rules (name, source, restore time, firewall)."""
        problems = check("encryption", self.encryption, ENCRYPTION)
        creates_key = (
            self.encryption == EncryptionMode.CUSTOMER_MANAGED and self.customer_managed_key is None
        )
        if self.customer_managed_key is not None and (
            self.encryption != EncryptionMode.CUSTOMER_MANAGED
        ):
            problems.append(
                Problem("customer_managed_key", f"is given, but encryption is {self.encryption}")
            )
        if creates_key:
            problems += [p.within("cmk") for p in self.cmk.problems()]
            if rbac := cosmos_permission_problem(
                self.cmk.vault.permission_model, "cmk.vault.permission_model"
            ):
                problems.append(rbac)
            if self.cmk.protect is not True:
                problems.append(
                    Problem(
                        "cmk.protect",
                        "is set, but a restore protects what it creates as {protect} says; "
                        "set that instead",
                        self.cmk.protect,
                        refs={"protect": "protect"},
                    )
                )
        elif (
            dataclasses.replace(self.cmk, key=dataclasses.replace(self.cmk.key, now=None))
            != CmkOptions()
        ):
            problems.append(
                Problem(
                    "cmk",
                    "is set, but no key is created here (service-managed encryption, or "
                    "customer_managed_key given); remove it",
                )
            )
        cluster = self._cluster_args(None, protect=True)
        problems += [_restore_field(p) for p in cluster.problems()]
        if isinstance(self.source, str) and isinstance(self.resource_group_name, str):
            problems += restore_group_problems(self.source, self.resource_group_name)
        return problems

    def _cluster_args(
        self, key: CustomerManagedKey | None, *, protect: bool
    ) -> EncryptedCosmosPgClusterArgs:
        source = self.source
        if isinstance(source, EncryptedCosmosPgCluster):
            source_id: pulumi.Input[str] = source.cluster_id
            source_location = self.source_location or source.region
        else:
            source_id = source
            source_location = self.source_location or self.location
        return unchecked(
            EncryptedCosmosPgClusterArgs,
            resource_group_name=self.resource_group_name,
            location=self.location,
            cluster_name=self.cluster_name,
            customer_managed_key=key,
            source=PointInTimeRestore(
                source_cluster_id=source_id,
                source_location=source_location,
                point_in_time=self.point_in_time,
            ),
            firewall_rules=self.firewall_rules,
            allow_azure_services=self.allow_azure_services,
            allow_all_internet=self.allow_all_internet,
            protect=protect,
            lock=self.lock,
            tags=self.tags,
            now=self.now,
        )

    def __post_init__(self) -> None:
        raise_if(self.problems(), type(self).__name__)


# The cluster's problems, named by this component's fields.
_RENAMED = {
    "source.source_cluster_id": "source",
    "source.source_location": "source_location",
    "source.point_in_time": "point_in_time",
}


def _restore_field(problem: Problem) -> Problem:
    renamed = _RENAMED.get(problem.field, problem.field)
    return dataclasses.replace(problem, field=renamed)


class EncryptedClusterRestore(pulumi.ComponentResource):
    """A new cluster restored from ``source`` at ``point_in_time``, encrypted as asked.

    The request carries only what a restore takes (``sourceResourceId``, ``sourceLocation``,
    ``pointInTimeUTC``) plus, for customer-managed keys, ``identity`` and ``dataEncryption``;
    the rest (size, versions, database, password) comes from the source. With
    ``customerManaged`` and no key given, an identity, a vault with its grant and a key are
    created in the new cluster's region by the same components a new stack uses, and the
    cluster waits for the grant and the key.
    """

    restored_from: pulumi.Output[str]
    """ARM id of the source cluster."""
    cluster_id: pulumi.Output[str]
    """ARM id of the new cluster."""
    name: pulumi.Output[str]
    """Name of the new cluster."""
    coordinator_fqdn: pulumi.Output[str]
    """Host name of the new cluster's coordinator."""
    connection_string: pulumi.Output[str]
    """Secret; without a password: the restored cluster keeps the source's."""

    def __init__(
        self,
        name: str,
        args: EncryptedClusterRestoreArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        protect = resolve_protect(args.protect, opts, type(args).__name__)
        super().__init__(type_token("EncryptedClusterRestore"), name, None, opts)
        self.cmk: CmkResources | None = None
        """Identity, vault and key created for the new cluster, if any."""
        cmk = args.customer_managed_key
        if args.encryption == EncryptionMode.CUSTOMER_MANAGED and cmk is None:
            self.cmk = create_customer_managed_key(
                name,
                args.location,
                args.resource_group_name,
                dataclasses.replace(args.cmk, protect=protect),
                pulumi.ResourceOptions(parent=self),
            )
            cmk = self.cmk.customer_managed_key
        cluster_args = args._cluster_args(cmk, protect=protect)
        self.cluster = EncryptedCosmosPgCluster(
            name,
            EncryptedCosmosPgClusterArgs(
                **{f.name: getattr(cluster_args, f.name) for f in dataclasses.fields(cluster_args)}
            ),
            pulumi.ResourceOptions(parent=self),
        )
        """The restored cluster."""
        self.restored_from = pulumi.Output.from_input(cluster_args.source.source_cluster_id)
        self.cluster_id = self.cluster.cluster_id
        self.name = self.cluster.name
        self.coordinator_fqdn = self.cluster.coordinator_fqdn
        self.connection_string = self.cluster.connection_string
        outputs: dict[str, Any] = {
            "restored_from": self.restored_from,
            "cluster_id": self.cluster_id,
            "name": self.name,
            "coordinator_fqdn": self.coordinator_fqdn,
            "connection_string": self.connection_string,
        }
        self.register_outputs(outputs)
