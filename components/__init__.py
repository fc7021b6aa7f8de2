"""cmkpg component library: customer-managed-key encryption for Cosmos DB for PostgreSQL.

Import the components into any Pulumi Python program::

    from components import CmkIdentity, CmkVault, CmkKey, EncryptedCosmosPgCluster
"""

from .cluster import (
    ClusterSizing,
    CustomerManagedKey,
    EncryptedCosmosPgCluster,
    EncryptedCosmosPgClusterArgs,
    PointInTimeRestore,
    ReadReplica,
)
from .identity import CmkIdentity, CmkIdentityArgs
from .key import CmkKey, CmkKeyArgs, KeyRotationPolicy
from .monitoring import CmkMonitoring, CmkMonitoringArgs
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
    "CmkVault",
    "CmkVaultArgs",
    "CustomerManagedKey",
    "EncryptedCosmosPgCluster",
    "EncryptedCosmosPgClusterArgs",
    "KeyRotationPolicy",
    "PointInTimeRestore",
    "ReadReplica",
    "ValidationError",
]
