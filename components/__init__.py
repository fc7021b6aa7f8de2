"""cmkpg component library: customer-managed-key encryption for Cosmos DB for PostgreSQL.

Import the components into any Pulumi Python program::

    from cmkpg import CmkIdentity, CmkVault, CmkKey, EncryptedCosmosPgCluster

or let one call build the identity-vault-key chain::

    from cmkpg import create_customer_managed_key
"""

from .cluster import (
    ClusterSizing,
    CustomerManagedKey,
    EncryptedCosmosPgCluster,
    EncryptedCosmosPgClusterArgs,
    PointInTimeRestore,
    ReadReplica,
)
from .cmk import CmkOptions, CmkResources, create_customer_managed_key
from .identity import CmkIdentity, CmkIdentityArgs
from .key import CmkKey, CmkKeyArgs, KeyRotationPolicy
from .monitoring import CmkMonitoring, CmkMonitoringArgs
from .restore import EncryptedClusterRestore, EncryptedClusterRestoreArgs
from .validation import ValidationError
from .vault import CmkVault, CmkVaultArgs

__all__ = [
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
    "CustomerManagedKey",
    "EncryptedClusterRestore",
    "EncryptedClusterRestoreArgs",
    "EncryptedCosmosPgCluster",
    "EncryptedCosmosPgClusterArgs",
    "KeyRotationPolicy",
    "PointInTimeRestore",
    "ReadReplica",
    "ValidationError",
    "create_customer_managed_key",
]
