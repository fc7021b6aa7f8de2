"""EncryptedCosmosPgCluster: encryption wiring, replacement rules, secrets and sizing."""

from __future__ import annotations

import pulumi
import pytest
from conftest import (
    ACCESS_POLICY,
    CLUSTER,
    IDENTITY,
    KEY,
    LOCATION,
    NOW,
    PASSWORD,
    child_of,
    run_components,
)

from cmkpg import (
    ClusterSizing,
    CmkIdentity,
    CmkIdentityArgs,
    CmkKey,
    CmkKeyArgs,
    CmkVault,
    CmkVaultArgs,
    CustomerManagedKey,
    EncryptedCosmosPgCluster,
    EncryptedCosmosPgClusterArgs,
    ValidationError,
)


def cmk_components(location: str = LOCATION) -> CustomerManagedKey:
    identity = CmkIdentity("db", CmkIdentityArgs(location=location, resource_group_name="rg"))
    vault = CmkVault(
        "db",
        CmkVaultArgs(
            location=location, resource_group_name="rg", grantee_principal_id=identity.principal_id
        ),
    )
    key = CmkKey("db", CmkKeyArgs(vault_name=vault.name, resource_group_name="rg", now=NOW))
    return CustomerManagedKey.from_components(identity, vault, key)


def plan_cluster(cmk: bool = True, **kwargs):
    kwargs.setdefault("resource_group_name", "rg")
    kwargs.setdefault("location", LOCATION)
    kwargs.setdefault("cluster_name", "db-cluster")

    def build():
        args = EncryptedCosmosPgClusterArgs(
            customer_managed_key=cmk_components() if cmk else None, **kwargs
        )
        cluster = EncryptedCosmosPgCluster("db", args)
        return {
            "fqdn": cluster.coordinator_fqdn,
            "login": cluster.administrator_login,
            "password": cluster.administrator_login_password,
            "connection": cluster.connection_string,
            # Unwrapped here only so the test can read the format; never do this in a stack.
            "connection_plain": pulumi.Output.unsecret(cluster.connection_string),
        }

    return run_components(build)


def test_cmk_cluster_carries_identity_and_data_encryption():
    plan = plan_cluster()
    cluster = plan.one(CLUSTER)
    identity_id = plan.one(IDENTITY).id
    key = plan.one(KEY)
    assert cluster.inputs["identity"] == {
        "type": "UserAssigned",
        "userAssignedIdentities": [identity_id],
    }
    assert cluster.inputs["dataEncryption"] == {
        "type": "AzureKeyVault",
        "primaryKeyUri": key.outputs["keyUriWithVersion"],
        "primaryUserAssignedIdentityId": identity_id,
    }
    assert cluster.inputs["location"] == LOCATION
    assert child_of(plan, cluster).type == "cmkpg:index:EncryptedCosmosPgCluster"


def test_cmk_cluster_waits_for_access_policy_and_key():
    plan = plan_cluster()
    cluster = plan.one(CLUSTER)
    assert plan.one(ACCESS_POLICY).urn in cluster.dependencies
    assert plan.one(KEY).urn in cluster.dependencies


def test_encryption_changes_replace_and_rotation_does_not_diff():
    plan = plan_cluster()
    cluster = plan.one(CLUSTER)
    assert cluster.protect
    assert {"dataEncryption", "identity", "enableGeoBackup"} <= set(cluster.replace_on_changes)
    assert cluster.ignore_changes == ["dataEncryption.primaryKeyUri"]
    assert cluster.replacement_trigger == {
        "encryption": "customerManaged",
        "key": plan.one(KEY).outputs["keyUri"],  # versionless: new versions don't replace
        "identity": plan.one(IDENTITY).id,
    }


def test_service_managed_cluster_has_no_cmk_properties():
    plan = plan_cluster(cmk=False)
    cluster = plan.one(CLUSTER)
    assert "identity" not in cluster.inputs
    assert "dataEncryption" not in cluster.inputs
    assert cluster.ignore_changes == []
    assert cluster.replacement_trigger == {"encryption": "serviceManaged"}
    assert plan.by_type(IDENTITY) == []


def test_generated_password_is_a_secret_random_password():
    plan = plan_cluster()
    password = plan.one(PASSWORD)
    assert child_of(plan, password).type == "cmkpg:index:EncryptedCosmosPgCluster"
    assert password.inputs["length"] == 32
    assert password.outputs["result"] == "[secret]"
    cluster = plan.one(CLUSTER)
    assert cluster.inputs["administratorLoginPassword"] == "[secret]"
    assert password.urn in cluster.dependencies
    assert plan.outputs["password"] == "[secret]"
    assert plan.outputs["connection"] == "[secret]"


def test_given_password_is_kept_secret_and_no_random_password_is_made():
    plan = plan_cluster(administrator_login_password="Given-Passw0rd!")
    assert plan.by_type(PASSWORD) == []
    assert plan.one(CLUSTER).inputs["administratorLoginPassword"] == "[secret]"
    assert plan.outputs["password"] == "[secret]"
    assert "Given-Passw0rd%21@" in plan.outputs["connection_plain"]  # URL-encoded


def test_connection_details_come_from_the_coordinator():
    plan = plan_cluster(administrator_login_password="Given-Passw0rd!")
    fqdn = plan.outputs["fqdn"]
    assert fqdn.startswith("c-db-cluster.") and fqdn.endswith(".postgres.cosmos.azure.com")
    assert plan.outputs["login"] == "citus"
    assert plan.outputs["connection_plain"] == (
        f"postgresql://citus:Given-Passw0rd%21@{fqdn}:5432/citus?sslmode=require"
    )


def test_single_node_defaults():
    inputs = plan_cluster(cmk=False).one(CLUSTER).inputs
    assert inputs["nodeCount"] == 0
    assert inputs["enableShardsOnCoordinator"] is True
    assert (inputs["coordinatorVCores"], inputs["coordinatorStorageQuotaInMb"]) == (4, 131072)
    assert inputs["coordinatorServerEdition"] == "GeneralPurpose"
    assert inputs["coordinatorEnablePublicIpAccess"] is False
    assert inputs["enableHa"] is False and inputs["enableGeoBackup"] is False
    assert (inputs["postgresqlVersion"], inputs["citusVersion"]) == ("16", "12.1")
    assert inputs["databaseName"] == "citus"
    assert not any(k.startswith("node") and k != "nodeCount" for k in inputs)


def test_multi_node_sends_worker_settings():
    sizing = ClusterSizing(node_count=3, node_v_cores=8, enable_ha=True, preferred_primary_zone="2")
    inputs = plan_cluster(cmk=False, sizing=sizing).one(CLUSTER).inputs
    assert inputs["nodeCount"] == 3
    assert inputs["enableShardsOnCoordinator"] is False
    assert (inputs["nodeVCores"], inputs["nodeStorageQuotaInMb"]) == (8, 524288)
    assert inputs["nodeServerEdition"] == "MemoryOptimized"
    assert inputs["nodeEnablePublicIpAccess"] is False
    assert inputs["enableHa"] is True and inputs["preferredPrimaryZone"] == "2"


def test_protect_false():
    assert not plan_cluster(cmk=False, protect=False).one(CLUSTER).protect


@pytest.mark.parametrize(
    ("sizing", "message"),
    [
        (
            ClusterSizing(node_count=1),
            "sizing.node_count: 1 is not allowed; use 0 (single node) or 2..20",
        ),
        (ClusterSizing(node_count=21), "sizing.node_count: 21 is not allowed"),
        (
            ClusterSizing(coordinator_v_cores=3),
            "coordinator_v_cores: 3 is not allowed for a single-node coordinator",
        ),
        (
            ClusterSizing(node_count=2, coordinator_v_cores=2),
            "coordinator_v_cores: 2 is not allowed for a multi-node coordinator",
        ),
        (ClusterSizing(coordinator_storage_mb=1000), "coordinator_storage_mb: 1000 is not allowed"),
        (
            ClusterSizing(coordinator_server_edition="Huge"),
            "coordinator_server_edition: 'Huge' is not allowed",
        ),
        (
            ClusterSizing(coordinator_server_edition="BurstableGeneralPurpose"),
            "is only for a single node with 1 or 2 vCores",
        ),
        (ClusterSizing(coordinator_v_cores=1), "coordinator_v_cores: 1 needs a burstable"),
        (
            ClusterSizing(node_count=2, node_v_cores=2),
            "node_v_cores: 2 is not allowed for a worker",
        ),
        (
            ClusterSizing(node_count=2, node_storage_mb=131072),
            "node_storage_mb: 131072 is not allowed for a worker",
        ),
        (
            ClusterSizing(node_count=2, node_server_edition="BurstableGeneralPurpose"),
            "node_server_edition: 'BurstableGeneralPurpose' is not allowed",
        ),
        (
            ClusterSizing(preferred_primary_zone="4"),
            "preferred_primary_zone: '4' is not allowed; use 1, 2 or 3",
        ),
    ],
)
def test_rejects_bad_sizing(sizing, message):
    with pytest.raises(ValidationError) as error:
        EncryptedCosmosPgClusterArgs(
            resource_group_name="rg", location=LOCATION, cluster_name="db", sizing=sizing
        )
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cluster_name": "DB"}, "cluster_name: 'DB' is not valid"),
        ({"cluster_name": "123"}, "cluster_name: '123' is not valid"),
        ({"cluster_name": "-db"}, "cluster_name: '-db' is not valid"),
        ({"cluster_name": "a" * 41}, "is not valid"),
        ({"postgresql_version": "9"}, "postgresql_version: '9' is not allowed"),
        ({"citus_version": "latest"}, "citus_version: 'latest' is not valid"),
        ({"database_name": "postgres"}, "database_name: 'postgres' is not valid"),
        ({"database_name": "1db"}, "database_name: '1db' is not valid"),
        (
            {"administrator_login_password": "short"},
            "administrator_login_password: [secret] is not allowed; use 8-256",
        ),
        ({"administrator_login_password": "alllowercase"}, "[secret] is too weak"),
    ],
)
def test_rejects_bad_arguments(kwargs, message):
    kwargs.setdefault("cluster_name", "db")
    with pytest.raises(ValidationError) as error:
        EncryptedCosmosPgClusterArgs(resource_group_name="rg", location=LOCATION, **kwargs)
    assert message in str(error.value)
    assert "alllowercase" not in str(error.value)  # a password never reaches a message


def test_geo_backup_is_rejected_with_a_customer_managed_key():
    cmk = CustomerManagedKey(key_versioned_uri="u", key_uri="u", identity_id="i")
    with pytest.raises(ValidationError, match="enable_geo_backup: true is not supported"):
        EncryptedCosmosPgClusterArgs(
            resource_group_name="rg",
            location=LOCATION,
            cluster_name="db",
            customer_managed_key=cmk,
            enable_geo_backup=True,
        )


def test_key_in_another_region_is_rejected():
    cmk = CustomerManagedKey(key_versioned_uri="u", key_uri="u", identity_id="i", location="eastus")
    with pytest.raises(ValidationError, match="differs from the key's region 'eastus'"):
        EncryptedCosmosPgClusterArgs(
            resource_group_name="rg", location=LOCATION, cluster_name="db", customer_managed_key=cmk
        )
