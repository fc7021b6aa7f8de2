"""Security team's stack: everything the database needs to use a customer-managed key.

It owns the key material and who may use it (separation of duties); the database stack
only receives ids and URIs through a StackReference and can neither change nor delete them.
"""

import pulumi
from pulumi_azure_native import resources

from cmkpg import (
    CmkIdentity,
    CmkIdentityArgs,
    CmkKey,
    CmkKeyArgs,
    CmkVault,
    CmkVaultArgs,
    KeyRotationPolicy,
    KeyType,
    VaultSku,
)

config = pulumi.Config()
location = config.require("location")

group = resources.ResourceGroup(
    "security-rg",
    resource_group_name=f"rg-cmk-security-{pulumi.get_stack()}",
    location=location,
    opts=pulumi.ResourceOptions(protect=True),
)
identity = CmkIdentity("orders", CmkIdentityArgs(location=location, resource_group_name=group.name))
vault = CmkVault(
    "orders",
    CmkVaultArgs(
        location=location,
        resource_group_name=group.name,
        grantee_principal_id=identity.principal_id,
        sku=VaultSku.PREMIUM,
        lock=True,
    ),
)
key = CmkKey(
    "orders",
    CmkKeyArgs(
        vault=vault,
        key_type=KeyType.RSA_HSM,
        size=3072,
        # Rotate every 90 days; versions expire a year after creation, with a notice 30 days
        # before (the defaults, spelled out because this stack is the key's owner).
        rotation=KeyRotationPolicy(
            auto_rotate_after_days=90, expires_after_days=365, notify_before_expiry_days=30
        ),
    ),
)

# The contract with the database stack: these names are what it reads.
pulumi.export("location", location)
pulumi.export("identityId", identity.identity_id)
pulumi.export("identityPrincipalId", identity.principal_id)
pulumi.export("vaultId", vault.vault_id)
pulumi.export("keyId", key.key_id)
pulumi.export("keyUri", key.uri)
pulumi.export("keyVersionedUri", key.versioned_uri)
# Published only once the identity may use the key, so a consumer cannot race the grant.
pulumi.export("accessPolicyId", vault.access_policy_id)
