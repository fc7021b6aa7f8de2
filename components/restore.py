"""EncryptedClusterRestore: a point-in-time restore into a new cluster with the encryption
you want, the documented way to move a cluster between service-managed and customer-managed
keys (or to another key).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pulumi

from .base import type_token
from .cluster import (
    ENCRYPTION_MODES,
    CustomerManagedKey,
    EncryptedCosmosPgCluster,
    EncryptedCosmosPgClusterArgs,
    PointInTimeRestore,
)
from .cmk import CmkOptions, CmkResources, create_customer_managed_key
from .validation import check, one_of, raise_if

ENCRYPTION = one_of(*ENCRYPTION_MODES)


@dataclass(frozen=True)
class EncryptedClusterRestoreArgs:
    """Arguments of :class:`EncryptedClusterRestore`."""

    resource_group_name: pulumi.Input[str]
    """Resource group of the new cluster (and of the identity, vault and key it creates)."""

    location: str
    """Region of the new cluster; with customer-managed keys also of its identity, vault
    and key. A restore into another region needs geo-redundant backup on the source."""

    cluster_name: str
    """Name of the new cluster; the source keeps its own."""

    source: str | EncryptedCosmosPgCluster
    """The cluster to restore: its ARM id, or a cluster of this program."""

    point_in_time: datetime
    """UTC time to restore to: not in the future, within the 35-day backup retention."""

    source_location: str | None = None
    """Region of the source. Default: the source component's region, or ``location``."""

    encryption: str = "customerManaged"
    """Encryption of the new cluster, whatever the source's: ``customerManaged`` or
    ``serviceManaged``. Default: ``customerManaged``."""

    customer_managed_key: CustomerManagedKey | None = None
    """Use this key instead of creating identity, vault and key (with ``customerManaged``).
    Default: None, create them in ``location`` with ``cmk``."""

    cmk: CmkOptions = field(default_factory=CmkOptions)
    """Options of the identity, vault and key created for the new cluster. Default:
    :class:`~components.cmk.CmkOptions` defaults (protected, RSA 3072)."""

    protect: bool = True
    """Protect the new cluster. Default: True."""

    lock: bool = False
    """CanNotDelete lock on the new cluster. Default: False."""

    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of the new cluster. Default: none."""

    now: datetime | None = None
    """Clock for the restore-time checks. Default: the current time."""

    def __post_init__(self) -> None:
        problems = check("EncryptedClusterRestoreArgs.encryption", self.encryption, ENCRYPTION)
        if self.customer_managed_key is not None and self.encryption != "customerManaged":
            problems.append(
                "EncryptedClusterRestoreArgs.customer_managed_key: given, but encryption is "
                f"{self.encryption!r}"
            )
        raise_if(problems)


class EncryptedClusterRestore(pulumi.ComponentResource):
    """A new cluster restored from ``source`` at ``point_in_time``, encrypted as asked.

    The request carries only what a restore takes (``sourceResourceId``, ``sourceLocation``,
    ``pointInTimeUTC``) plus, for customer-managed keys, ``identity`` and ``dataEncryption``;
    the rest (size, versions, database, password) comes from the source. With
    ``customerManaged`` and no key given, an identity, a vault with its access policy and a
    key are created in the new cluster's region by the same components a new stack uses, and
    the cluster waits for the access policy and the key.
    """

    cluster: EncryptedCosmosPgCluster
    cmk: CmkResources | None
    """Identity, vault and key created for the new cluster, if any."""
    restored_from: pulumi.Output[str]
    """ARM id of the source cluster."""
    id: pulumi.Output[str]
    name: pulumi.Output[str]
    coordinator_fqdn: pulumi.Output[str]
    connection_string: pulumi.Output[str]
    """Secret; without a password: the restored cluster keeps the source's."""

    def __init__(
        self,
        name: str,
        args: EncryptedClusterRestoreArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(type_token("EncryptedClusterRestore"), name, None, opts)
        if isinstance(args.source, EncryptedCosmosPgCluster):
            source_id: pulumi.Input[str] = args.source.id
            source_location = args.source_location or args.source.location
        else:
            source_id = args.source
            source_location = args.source_location or args.location

        self.cmk = None
        cmk = args.customer_managed_key
        if args.encryption == "customerManaged" and cmk is None:
            self.cmk = create_customer_managed_key(
                name,
                args.location,
                args.resource_group_name,
                args.cmk,
                pulumi.ResourceOptions(parent=self),
            )
            cmk = self.cmk.customer_managed_key

        self.cluster = EncryptedCosmosPgCluster(
            name,
            EncryptedCosmosPgClusterArgs(
                resource_group_name=args.resource_group_name,
                location=args.location,
                cluster_name=args.cluster_name,
                customer_managed_key=cmk,
                source=PointInTimeRestore(
                    source_cluster_id=source_id,
                    source_location=source_location,
                    point_in_time=args.point_in_time,
                ),
                protect=args.protect,
                lock=args.lock,
                tags=args.tags,
                now=args.now or datetime.now(UTC),
            ),
            pulumi.ResourceOptions(parent=self),
        )
        self.restored_from = pulumi.Output.from_input(source_id)
        self.id = self.cluster.id
        self.name = self.cluster.name
        self.coordinator_fqdn = self.cluster.coordinator_fqdn
        self.connection_string = self.cluster.connection_string
        outputs: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "restored_from": self.restored_from,
            "coordinator_fqdn": self.coordinator_fqdn,
            "connection_string": self.connection_string,
        }
        self.register_outputs(outputs)
