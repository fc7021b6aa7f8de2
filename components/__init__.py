"""cmkpg: customer-managed-key encryption for Azure Cosmos DB for PostgreSQL and its
successor, elastic clusters on Azure Database for PostgreSQL flexible server, as Pulumi
components.

Import them into any Pulumi Python program::

    from cmkpg import CmkIdentity, CmkVault, CmkKey, EncryptedCosmosPgCluster

or let one call build the identity-vault-key chain::

    from cmkpg import create_customer_managed_key

Every ``*Args`` class is a frozen, keyword-only dataclass that checks itself and raises
:class:`ValidationError` with every problem at once. Each ``*Options`` class holds what a
stack may choose about one component (the stack config maps onto them), with the defaults
written once.
"""

from ._version import __version__
from .base import after, require_region
from .cluster import (
    ClusterOptions,
    ClusterSizing,
    CustomerManagedKey,
    EncryptedCosmosPgCluster,
    EncryptedCosmosPgClusterArgs,
    EncryptionMode,
    PointInTimeRestore,
    ReadReplica,
    ServerEdition,
)
from .cmk import CmkOptions, CmkResources, create_customer_managed_key
from .elastic import (
    ComputeTier,
    ElasticClusterArgs,
    ElasticClusterOptions,
    EncryptedElasticCluster,
    HighAvailability,
)
from .firewall import FirewallOptions, FirewallRule
from .identity import CmkIdentity, CmkIdentityArgs, IdentityOptions
from .key import (
    NO_ROTATION,
    CmkKey,
    CmkKeyArgs,
    KeyOptions,
    KeyRotationPolicy,
    KeyType,
    VaultReference,
)
from .monitoring import CmkMonitoring, CmkMonitoringArgs, MonitoredKey, MonitoringOptions
from .restore import EncryptedClusterRestore, EncryptedClusterRestoreArgs
from .validation import Problem, ValidationError
from .vault import CmkVault, CmkVaultArgs, PermissionModel, VaultOptions, VaultSku

__all__ = [
    "NO_ROTATION",
    "ClusterOptions",
    "ClusterSizing",
    "CmkIdentity",
    "CmkIdentityArgs",
    "CmkKey",
    "CmkKeyArgs",
    "CmkMonitoring",
    "CmkMonitoringArgs",
    "CmkOptions",
    "CmkResources",
    "CmkVault",
    "CmkVaultArgs",
    "ComputeTier",
    "CustomerManagedKey",
    "ElasticClusterArgs",
    "ElasticClusterOptions",
    "EncryptedClusterRestore",
    "EncryptedClusterRestoreArgs",
    "EncryptedCosmosPgCluster",
    "EncryptedCosmosPgClusterArgs",
    "EncryptedElasticCluster",
    "EncryptionMode",
    "FirewallOptions",
    "FirewallRule",
    "HighAvailability",
    "IdentityOptions",
    "KeyOptions",
    "KeyRotationPolicy",
    "KeyType",
    "MonitoredKey",
    "MonitoringOptions",
    "PermissionModel",
    "PointInTimeRestore",
    "Problem",
    "ReadReplica",
    "ServerEdition",
    "ValidationError",
    "VaultOptions",
    "VaultReference",
    "VaultSku",
    "__version__",
    "after",
    "create_customer_managed_key",
    "require_region",
]
