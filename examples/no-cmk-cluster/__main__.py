"""A Cosmos DB for PostgreSQL cluster written directly against azure-native, with no
customer-managed key: the data is encrypted with a key Microsoft manages.

Every scanner passes it: checkov has no check for Microsoft.DBforPostgreSQL/serverGroupsv2,
and the Azure Policy built-ins for that type cover only diagnostic settings. The policy pack
does not: ``cmkpg-preview --project-dir examples/no-cmk-cluster --policy-pack policy`` (or
``pulumi preview --policy-pack ../../policy`` here) reports ``postgres-cluster-cmk`` as a
mandatory violation and exits 4. Everything else is as the pack wants it (protected), so that
is the only violation. Do not deploy it; it is the counterexample.
"""

import pulumi
import pulumi_random as random
from pulumi_azure_native import dbforpostgresql, resources

config = pulumi.Config()
location = config.require("location")
stack = pulumi.get_stack()

group = resources.ResourceGroup(
    "orders-rg",
    resource_group_name=f"rg-orders-nocmk-{stack}",
    location=location,
    opts=pulumi.ResourceOptions(protect=True),
)
password = random.RandomPassword("admin-password", length=32, special=True, min_special=1)
cluster = dbforpostgresql.ServerGroupCluster(
    "orders",
    cluster_name=f"orders-nocmk-{stack}",
    resource_group_name=group.name,
    location=location,
    administrator_login_password=password.result,
    postgresql_version="16",
    citus_version="12.1",
    coordinator_server_edition="GeneralPurpose",
    coordinator_v_cores=2,
    coordinator_storage_quota_in_mb=131072,
    node_count=0,
    enable_shards_on_coordinator=True,
    # No data_encryption and no user-assigned identity: a service-managed key.
    opts=pulumi.ResourceOptions(protect=True),
)

pulumi.export("clusterId", cluster.id)
pulumi.export("clusterName", cluster.name)
