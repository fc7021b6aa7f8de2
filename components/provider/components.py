"""The components as the package hosts them: each is the library's component, taking its
inputs as a dict (:mod:`cmkpg.provider.inputs`) that :mod:`cmkpg.provider.convert` turns
into the library's ``*Args``.

Each class keeps its library name, so its type token stays ``cmkpg:index:<Name>`` and the
library's ``super().__init__`` registers it under that token. Outputs are the library
class's annotations; their descriptions are copied from the library's docstrings by
:mod:`cmkpg.provider.host`. The class docstring is the library's too: the analyzer takes a
component's description from ``__doc__``.

No ``from __future__ import annotations`` here: the analyzer reads ``__init__``'s ``args``
annotation as an object.
"""

import pulumi

from .. import cluster, elastic, identity, key, monitoring, restore, vault
from . import convert, inputs


class CmkIdentity(identity.CmkIdentity):
    __doc__ = identity.CmkIdentity.__doc__

    def __init__(
        self,
        name: str,
        args: inputs.CmkIdentityInputs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(name, convert.identity_args(args), opts)


class CmkVault(vault.CmkVault):
    __doc__ = vault.CmkVault.__doc__

    def __init__(
        self,
        name: str,
        args: inputs.CmkVaultInputs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(name, convert.vault_args(args), opts)


class CmkKey(key.CmkKey):
    __doc__ = key.CmkKey.__doc__

    def __init__(
        self,
        name: str,
        args: inputs.CmkKeyInputs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(name, convert.key_args(args), opts)


class EncryptedCosmosPgCluster(cluster.EncryptedCosmosPgCluster):
    __doc__ = cluster.EncryptedCosmosPgCluster.__doc__

    def __init__(
        self,
        name: str,
        args: inputs.EncryptedCosmosPgClusterInputs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(name, convert.cluster_args(args), opts)


class EncryptedElasticCluster(elastic.EncryptedElasticCluster):
    __doc__ = elastic.EncryptedElasticCluster.__doc__

    def __init__(
        self,
        name: str,
        args: inputs.EncryptedElasticClusterInputs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(name, convert.elastic_cluster_args(args), opts)


class EncryptedClusterRestore(restore.EncryptedClusterRestore):
    __doc__ = restore.EncryptedClusterRestore.__doc__

    def __init__(
        self,
        name: str,
        args: inputs.EncryptedClusterRestoreInputs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(name, convert.restore_args(args), opts)


class CmkMonitoring(monitoring.CmkMonitoring):
    __doc__ = monitoring.CmkMonitoring.__doc__

    def __init__(
        self,
        name: str,
        args: inputs.CmkMonitoringInputs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(name, convert.monitoring_args(args), opts)


COMPONENTS: tuple[type[pulumi.ComponentResource], ...] = (
    CmkIdentity,
    CmkVault,
    CmkKey,
    EncryptedCosmosPgCluster,
    EncryptedElasticCluster,
    EncryptedClusterRestore,
    CmkMonitoring,
)
"""Every component the package hosts."""
