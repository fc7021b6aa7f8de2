"""Database team's stack: the cluster, encrypted with a key another team owns.

Identity, vault, access policy and key come from the security stack's outputs; this stack
holds no permission on them. Deploy the security stack first.
"""

import pulumi
from pulumi_azure_native import resources

from cmkpg import (
    CustomerManagedKey,
    EncryptedCosmosPgCluster,
    EncryptedCosmosPgClusterArgs,
    after,
    require_region,
)

config = pulumi.Config()
location = config.require("location")
security = pulumi.StackReference(config.require("securityStack"))

# Identity, vault, key and cluster must share a region: fail the preview, not the deploy.
key_region = require_region(
    security.require_output("location"), location, "the security stack's key"
)
group = resources.ResourceGroup(
    "database-rg",
    resource_group_name=f"rg-orders-db-{pulumi.get_stack()}",
    location=location,
    opts=pulumi.ResourceOptions(protect=True),
)
cluster = EncryptedCosmosPgCluster(
    "orders",
    EncryptedCosmosPgClusterArgs(
        resource_group_name=group.name,
        location=location,
        cluster_name=f"orders-db-{pulumi.get_stack()}",
        customer_managed_key=CustomerManagedKey(
            # Used once the region is checked and the grant exists.
            key_versioned_uri=after(
                security.require_output("keyVersionedUri"),
                key_region,
                security.require_output("accessPolicyId"),
            ),
            key_id=security.require_output("keyId"),
            identity_id=security.require_output("identityId"),
        ),
        # The application subnet's public egress range (an example value).
        firewall_rules={"orders-app": "203.0.113.0/26"},
        lock=True,
    ),
)

pulumi.export("clusterId", cluster.cluster_id)
pulumi.export("coordinatorFqdn", cluster.coordinator_fqdn)
pulumi.export("connectionString", cluster.connection_string)
