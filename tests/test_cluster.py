"""EncryptedCosmosPgCluster: encryption wiring, replacement rules, secrets, sizing, outputs and
every rule of its args."""

from __future__ import annotations

import dataclasses

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
    PROTECT_CONTRADICTIONS,
    PROTECT_PRECEDENCE,
    arm_id,
    child_of,
    run_components,
)

from cmkpg import (
    ClusterOptions,
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
    EncryptionMode,
    ServerEdition,
    ValidationError,
)
from cmkpg.preview.azure_mocks import AzureMocks

COMPONENT = "cmkpg:index:EncryptedCosmosPgCluster"
LOCK = "azure-native:authorization:ManagementLockByScope"
OWNER = "EncryptedCosmosPgClusterArgs"
OUTPUTS = (
    "cluster_id",
    "name",
    "location",
    "coordinator_fqdn",
    "administrator_login",
    "administrator_login_password",
    "connection_string",
)
CREATE_ONLY = ["dataEncryption", "identity", "enableGeoBackup"]
GIVEN_PASSWORD = "Given-Passw0rd!"
# Plain strings, for args that are only validated (nothing is planned).
PLAIN_KEY = CustomerManagedKey(
    key_versioned_uri="https://sec-kv.vault.azure.net/keys/k/0123456789abcdef0123456789abcdef",
    key_id=arm_id("sec", "Microsoft.KeyVault/vaults/sec-kv/keys/k"),
    identity_id=arm_id("sec", "Microsoft.ManagedIdentity/userAssignedIdentities/id"),
)


def cmk_components(location: str = LOCATION) -> CustomerManagedKey:
    identity = CmkIdentity("db", CmkIdentityArgs(location=location, resource_group_name="rg"))
    vault = CmkVault(
        "db",
        CmkVaultArgs(
            location=location, resource_group_name="rg", grantee_principal_id=identity.principal_id
        ),
    )
    key = CmkKey("db", CmkKeyArgs(vault=vault, now=NOW))
    return CustomerManagedKey.from_components(identity, vault, key)


def plan_cluster(cmk=True, opts=None, mocks=None, **kwargs):
    """Plan one cluster ("db-cluster" in "rg"); every output is exported under its attribute
    name, plus the plain connection string, the region, the lock and the firewall rules."""
    kwargs.setdefault("resource_group_name", "rg")
    kwargs.setdefault("location", LOCATION)
    kwargs.setdefault("cluster_name", "db-cluster")

    def build():
        key = cmk_components() if cmk is True else (cmk or None)
        cluster = EncryptedCosmosPgCluster(
            "db", EncryptedCosmosPgClusterArgs(customer_managed_key=key, **kwargs), opts
        )
        outputs = {name: getattr(cluster, name) for name in OUTPUTS}
        # Unwrapped here only so the test can read the format; never do this in a stack.
        outputs["connection_plain"] = pulumi.Output.unsecret(cluster.connection_string)
        outputs["region"] = cluster.region
        outputs["cluster_urn"] = cluster.cluster.urn
        outputs["lock"] = cluster.lock.urn if cluster.lock else ""
        outputs["rules"] = [rule.urn for rule in cluster.firewall_rules]
        return outputs

    return run_components(build, mocks=mocks)


def problems_of(**kwargs):
    kwargs.setdefault("resource_group_name", "rg")
    kwargs.setdefault("location", LOCATION)
    kwargs.setdefault("cluster_name", "db-cluster")
    with pytest.raises(ValidationError) as error:
        EncryptedCosmosPgClusterArgs(**kwargs)
    return error.value.problems


# -- customer-managed encryption ---------------------------------------------------------


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
    assert cluster.inputs["clusterName"] == "db-cluster"
    assert cluster.inputs["resourceGroupName"] == "rg"
    assert child_of(plan, cluster).type == COMPONENT
    assert plan.outputs["cluster_urn"] == cluster.urn


def test_cmk_cluster_waits_for_access_policy_and_key():
    plan = plan_cluster()
    cluster = plan.one(CLUSTER)
    assert plan.one(ACCESS_POLICY).urn in cluster.dependencies
    assert plan.one(KEY).urn in cluster.dependencies
    assert plan.one(IDENTITY).urn in cluster.property_dependencies["identity"]


def test_encryption_changes_replace_and_rotation_does_not_diff():
    plan = plan_cluster()
    cluster = plan.one(CLUSTER)
    assert cluster.protect
    assert cluster.replace_on_changes == CREATE_ONLY
    assert cluster.ignore_changes == ["dataEncryption.primaryKeyUri"]
    # Ids, not URIs: known while an update is previewed, and the same for every key version.
    assert cluster.replacement_trigger == {
        "encryption": "customerManaged",
        "key": plan.one(KEY).id,
        "identity": plan.one(IDENTITY).id,
    }
    assert cluster.replacement_trigger["key"].endswith("/keys/db-key")


def test_a_rotated_key_changes_the_uri_but_not_the_trigger():
    before = plan_cluster(mocks=AzureMocks(key_generation=1)).one(CLUSTER)
    after = plan_cluster(mocks=AzureMocks(key_generation=2)).one(CLUSTER)
    uri_before = before.inputs["dataEncryption"]["primaryKeyUri"]
    uri_after = after.inputs["dataEncryption"]["primaryKeyUri"]
    assert uri_before != uri_after
    assert uri_before.rsplit("/", 1)[0] == uri_after.rsplit("/", 1)[0]  # same key
    assert before.replacement_trigger == after.replacement_trigger
    # The changed URI is ignored, so the rotation plans no update either.
    assert after.ignore_changes == ["dataEncryption.primaryKeyUri"]


def test_a_key_given_by_value_is_used_as_given():
    key = PLAIN_KEY
    plan = plan_cluster(cmk=key, administrator_login_password=GIVEN_PASSWORD)
    cluster = plan.one(CLUSTER)
    assert cluster.inputs["dataEncryption"] == {
        "type": "AzureKeyVault",
        "primaryKeyUri": key.key_versioned_uri,
        "primaryUserAssignedIdentityId": key.identity_id,
    }
    assert cluster.inputs["identity"]["userAssignedIdentities"] == [key.identity_id]
    assert cluster.replacement_trigger == {
        "encryption": "customerManaged",
        "key": key.key_id,
        "identity": key.identity_id,
    }
    assert cluster.dependencies == []
    assert plan.by_type(IDENTITY) == [] and plan.by_type(KEY) == []


def test_a_given_key_waits_for_what_it_depends_on():
    def build():
        identity = CmkIdentity("db", CmkIdentityArgs(location=LOCATION, resource_group_name="rg"))
        EncryptedCosmosPgCluster(
            "db",
            EncryptedCosmosPgClusterArgs(
                resource_group_name="rg",
                location=LOCATION,
                cluster_name="db-cluster",
                administrator_login_password=GIVEN_PASSWORD,
                customer_managed_key=dataclasses.replace(
                    PLAIN_KEY, identity_id=identity.identity_id, depends_on=[identity]
                ),
            ),
        )

    plan = run_components(build)
    assert plan.one(CLUSTER).dependencies == [plan.one(IDENTITY).urn]


def test_from_components_wires_uri_ids_and_the_grant():
    def build():
        identity = CmkIdentity("db", CmkIdentityArgs(location=LOCATION, resource_group_name="rg"))
        vault = CmkVault(
            "db",
            CmkVaultArgs(
                location=LOCATION,
                resource_group_name="rg",
                grantee_principal_id=identity.principal_id,
            ),
        )
        key = CmkKey("db", CmkKeyArgs(vault=vault, now=NOW))
        cmk = CustomerManagedKey.from_components(identity, vault, key)
        assert cmk.depends_on == [vault.access_policy, key]
        assert cmk.location is None
        return {
            "versioned": cmk.key_versioned_uri,
            "key": cmk.key_id,
            "identity": cmk.identity_id,
        }

    plan = run_components(build)
    assert plan.outputs == {
        "versioned": plan.one(KEY).outputs["keyUriWithVersion"],
        "key": plan.one(KEY).id,
        "identity": plan.one(IDENTITY).id,
    }


# -- service-managed encryption ----------------------------------------------------------


def test_service_managed_cluster_has_no_cmk_properties():
    plan = plan_cluster(cmk=False)
    cluster = plan.one(CLUSTER)
    assert "identity" not in cluster.inputs
    assert "dataEncryption" not in cluster.inputs
    assert cluster.ignore_changes == []
    assert cluster.replace_on_changes == CREATE_ONLY
    assert cluster.replacement_trigger == {"encryption": "serviceManaged"}
    assert cluster.protect
    assert plan.by_type(IDENTITY) == [] and plan.by_type(KEY) == []


def test_encryption_modes_are_the_trigger_values():
    assert [mode.value for mode in EncryptionMode] == ["customerManaged", "serviceManaged"]


# -- the administrator password ----------------------------------------------------------


def test_generated_password_is_a_secret_random_password():
    plan = plan_cluster()
    password = plan.one(PASSWORD)
    assert child_of(plan, password).type == COMPONENT
    assert password.name == "db-admin-password"
    assert password.inputs == {
        "length": 32,
        "minUpper": 2,
        "minLower": 2,
        "minNumeric": 2,
        "minSpecial": 2,
        "overrideSpecial": "-_.~",
    }
    assert password.outputs["result"] == "[secret]"
    cluster = plan.one(CLUSTER)
    assert cluster.inputs["administratorLoginPassword"] == "[secret]"
    assert password.urn in cluster.dependencies
    assert plan.outputs["administrator_login_password"] == "[secret]"
    assert plan.outputs["connection_string"] == "[secret]"
    # URL-safe symbols only: the password goes into the connection string as it is.
    generated = password.raw_outputs["result"]
    assert f"citus:{generated}@" in plan.outputs["connection_plain"]


def test_given_password_is_kept_secret_and_no_random_password_is_made():
    plan = plan_cluster(administrator_login_password=GIVEN_PASSWORD)
    assert plan.by_type(PASSWORD) == []
    assert plan.one(CLUSTER).inputs["administratorLoginPassword"] == "[secret]"
    assert plan.outputs["administrator_login_password"] == "[secret]"
    assert "Given-Passw0rd%21@" in plan.outputs["connection_plain"]  # URL-encoded


def test_given_password_as_an_output_stays_secret_and_is_not_checked():
    def build():
        cluster = EncryptedCosmosPgCluster(
            "db",
            EncryptedCosmosPgClusterArgs(
                resource_group_name="rg",
                location=LOCATION,
                cluster_name="db-cluster",
                # Known only at deployment: not checked here (Azure checks it).
                administrator_login_password=pulumi.Output.from_input("weak/pass"),
            ),
        )
        return {
            "administrator_login_password": cluster.administrator_login_password,
            "connection_plain": pulumi.Output.unsecret(cluster.connection_string),
        }

    plan = run_components(build)
    assert plan.by_type(PASSWORD) == []
    assert plan.one(CLUSTER).inputs["administratorLoginPassword"] == "[secret]"
    assert plan.outputs["administrator_login_password"] == "[secret]"
    assert "citus:weak%2Fpass@" in plan.outputs["connection_plain"]


# -- outputs -----------------------------------------------------------------------------


def test_connection_details_come_from_the_coordinator():
    plan = plan_cluster(administrator_login_password=GIVEN_PASSWORD)
    fqdn = plan.outputs["coordinator_fqdn"]
    assert fqdn.startswith("c-db-cluster.") and fqdn.endswith(".postgres.cosmos.azure.com")
    assert plan.outputs["administrator_login"] == "citus"
    assert plan.outputs["connection_plain"] == (
        f"postgresql://citus:Given-Passw0rd%21@{fqdn}:5432/citus?sslmode=require"
    )


def test_connection_string_names_the_database():
    plan = plan_cluster(administrator_login_password=GIVEN_PASSWORD, database_name="orders")
    assert plan.one(CLUSTER).inputs["databaseName"] == "orders"
    assert plan.outputs["connection_plain"].endswith(":5432/orders?sslmode=require")


def test_multi_node_connects_to_the_coordinator_not_a_worker():
    plan = plan_cluster(
        administrator_login_password=GIVEN_PASSWORD, sizing=ClusterSizing(node_count=2)
    )
    assert plan.outputs["coordinator_fqdn"].startswith("c-db-cluster.")


def test_outputs_are_registered_on_the_component():
    plan = plan_cluster()
    cluster = plan.one(CLUSTER)
    fqdn = cluster.outputs["serverNames"][0]["fullyQualifiedDomainName"]
    expected = {
        "cluster_id": arm_id("rg", "Microsoft.DBforPostgreSQL/serverGroupsv2/db-cluster"),
        "name": "db-cluster",
        "location": LOCATION,
        "coordinator_fqdn": fqdn,
        "administrator_login": "citus",
        "administrator_login_password": "[secret]",
        "connection_string": "[secret]",
    }
    assert cluster.id == expected["cluster_id"]
    assert plan.one(COMPONENT).outputs == expected
    assert {k: plan.outputs[k] for k in OUTPUTS} == expected
    assert plan.outputs["region"] == LOCATION
    assert plan.secret_outputs == ["administrator_login_password", "connection_string"]


# -- sizing, versions and the request body -----------------------------------------------


def test_single_node_defaults():
    inputs = plan_cluster(cmk=False).one(CLUSTER).inputs
    assert inputs == {
        "clusterName": "db-cluster",
        "resourceGroupName": "rg",
        "location": LOCATION,
        "administratorLoginPassword": "[secret]",
        "postgresqlVersion": "16",
        "citusVersion": "12.1",
        "databaseName": "citus",
        "coordinatorVCores": 4,
        "coordinatorStorageQuotaInMb": 131072,
        "coordinatorServerEdition": "GeneralPurpose",
        # CMK does not work with Private Link: the public endpoint, closed by the firewall.
        "coordinatorEnablePublicIpAccess": True,
        "nodeCount": 0,
        "enableShardsOnCoordinator": True,
        "enableHa": False,
        "enableGeoBackup": False,
    }


def test_multi_node_sends_worker_settings():
    sizing = ClusterSizing(
        node_count=3,
        coordinator_v_cores=8,
        coordinator_storage_mb=524288,
        node_v_cores=8,
        enable_ha=True,
        preferred_primary_zone="2",
    )
    inputs = plan_cluster(cmk=False, sizing=sizing).one(CLUSTER).inputs
    assert inputs["nodeCount"] == 3
    assert inputs["enableShardsOnCoordinator"] is False
    assert (inputs["coordinatorVCores"], inputs["coordinatorStorageQuotaInMb"]) == (8, 524288)
    assert (inputs["nodeVCores"], inputs["nodeStorageQuotaInMb"]) == (8, 524288)
    assert inputs["nodeServerEdition"] == "MemoryOptimized"
    assert inputs["nodeEnablePublicIpAccess"] is False
    assert inputs["enableHa"] is True and inputs["preferredPrimaryZone"] == "2"


def test_worker_choices_are_sent_for_multi_node():
    sizing = ClusterSizing(
        node_count=20,
        node_storage_mb=2 * 1024 * 1024,
        node_server_edition=ServerEdition.GENERAL_PURPOSE,
        node_public_ip_access=True,
    )
    inputs = plan_cluster(cmk=False, sizing=sizing).one(CLUSTER).inputs
    assert inputs["nodeCount"] == 20
    assert inputs["nodeStorageQuotaInMb"] == 2097152
    assert inputs["nodeServerEdition"] == "GeneralPurpose"
    assert inputs["nodeEnablePublicIpAccess"] is True


def test_a_single_node_sends_no_worker_settings_even_when_they_are_set():
    sizing = ClusterSizing(node_v_cores=16, node_public_ip_access=True)
    inputs = plan_cluster(cmk=False, sizing=sizing).one(CLUSTER).inputs
    assert not any(k.startswith("node") and k != "nodeCount" for k in inputs)


@pytest.mark.parametrize(
    "edition", [ServerEdition.BURSTABLE_MEMORY_OPTIMIZED, "BurstableGeneralPurpose"]
)
@pytest.mark.parametrize("v_cores", [1, 2])
def test_a_burstable_single_node(edition, v_cores):
    sizing = ClusterSizing(
        coordinator_v_cores=v_cores,
        coordinator_storage_mb=32768,
        coordinator_server_edition=edition,
    )
    inputs = plan_cluster(cmk=False, sizing=sizing).one(CLUSTER).inputs
    assert inputs["coordinatorServerEdition"] == str(edition)
    assert (inputs["coordinatorVCores"], inputs["coordinatorStorageQuotaInMb"]) == (v_cores, 32768)


def test_the_public_endpoint_can_be_turned_off():
    sizing = ClusterSizing(coordinator_public_ip_access=False)
    inputs = plan_cluster(cmk=False, sizing=sizing).one(CLUSTER).inputs
    assert inputs["coordinatorEnablePublicIpAccess"] is False


def test_versions_and_geo_backup_are_sent():
    inputs = (
        plan_cluster(
            cmk=False, postgresql_version="17", citus_version="13.0", enable_geo_backup=True
        )
        .one(CLUSTER)
        .inputs
    )
    assert (inputs["postgresqlVersion"], inputs["citusVersion"]) == ("17", "13.0")
    assert inputs["enableGeoBackup"] is True


def test_sizing_defaults_are_documented_values():
    sizing = ClusterSizing()
    assert (sizing.node_count, sizing.coordinator_v_cores, sizing.coordinator_storage_mb) == (
        0,
        4,
        131072,
    )
    assert sizing.coordinator_server_edition == ServerEdition.GENERAL_PURPOSE
    assert (sizing.node_v_cores, sizing.node_storage_mb) == (4, 524288)
    assert sizing.node_server_edition == ServerEdition.MEMORY_OPTIMIZED
    assert sizing.coordinator_public_ip_access is True
    assert sizing.node_public_ip_access is False
    assert not sizing.enable_ha and sizing.preferred_primary_zone is None
    assert sizing.problems() == []
    assert ClusterOptions().problems() == []


# -- protection, lock, tags --------------------------------------------------------------


@pytest.mark.parametrize(("protect", "opts_protect", "expected"), PROTECT_PRECEDENCE)
def test_protect_comes_from_the_args_else_opts_else_true(protect, opts_protect, expected):
    opts = None if opts_protect is None else pulumi.ResourceOptions(protect=opts_protect)
    cluster = plan_cluster(cmk=False, protect=protect, opts=opts).one(CLUSTER)
    # Protected, not retained: a cluster left behind by a destroy would keep costing.
    assert (cluster.protect, cluster.retain_on_delete) == (expected, False)


@pytest.mark.parametrize(("protect", "opts_protect"), PROTECT_CONTRADICTIONS)
def test_protect_that_contradicts_opts_protect_is_refused(protect, opts_protect):
    with pytest.raises(ValidationError) as error:
        plan_cluster(cmk=False, protect=protect, opts=pulumi.ResourceOptions(protect=opts_protect))
    assert error.value.problems == [
        f"{OWNER}.protect: {str(protect).lower()} differs from opts.protect "
        f"{str(opts_protect).lower()}; give one of them"
    ]


def test_no_lock_by_default():
    plan = plan_cluster(cmk=False)
    assert plan.by_type(LOCK) == []
    assert plan.outputs["lock"] == ""


def test_lock_guards_the_cluster():
    plan = plan_cluster(cmk=False, lock=True)
    lock = plan.one(LOCK)
    cluster = plan.one(CLUSTER)
    assert lock.name == "db-cluster-lock"
    assert lock.inputs["scope"] == cluster.id
    assert lock.inputs["level"] == "CanNotDelete"
    assert "cmkpg" in lock.inputs["notes"]
    assert cluster.urn in lock.dependencies
    assert child_of(plan, lock).type == COMPONENT
    assert plan.outputs["lock"] == lock.urn


def test_tags_are_sent_and_absent_when_empty():
    assert plan_cluster(cmk=False, tags={"env": "dev"}).one(CLUSTER).inputs["tags"] == {
        "env": "dev"
    }
    assert "tags" not in plan_cluster(cmk=False).one(CLUSTER).inputs


# -- the args ----------------------------------------------------------------------------


def test_args_are_frozen_and_keyword_only():
    args = EncryptedCosmosPgClusterArgs(
        resource_group_name="rg", location=LOCATION, cluster_name="db-cluster"
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        args.cluster_name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        EncryptedCosmosPgClusterArgs("rg", LOCATION, "db-cluster")  # type: ignore[misc]
    with pytest.raises(TypeError):
        ClusterSizing(2)  # type: ignore[misc]
    with pytest.raises(TypeError):
        EncryptedCosmosPgClusterArgs(location=LOCATION, cluster_name="db")  # type: ignore[call-arg]


VERSIONS = '"11", "12", "13", "14", "15", "16" or "17"'


def test_every_problem_is_reported_at_once():
    assert problems_of(
        cluster_name="DB",
        location="West Europe",
        sizing=ClusterSizing(node_count=1),
        postgresql_version="9",
    ) == [
        f"{OWNER}.cluster_name: DB is not valid; use 3-40 lowercase letters, digits and "
        "hyphens, not only digits, not starting or ending with a hyphen",
        f'{OWNER}.location: "West Europe" is a display name; use the programmatic name westeurope',
        f"{OWNER}.sizing.node_count: 1 is not allowed; use 0 (single node) or 2..20",
        f'{OWNER}.postgresql_version: "9" is not allowed; use {VERSIONS}',
    ]


SINGLE = "single-node coordinator"
SINGLE_VCORES = "use 1, 2, 4, 8, 16, 32 or 64"
MULTI_VCORES = "use 4, 8, 16, 32, 64 or 96"
SINGLE_STORAGE = "use 32768, 65536, 131072, 262144, 524288, 1048576 or 2097152"
MULTI_STORAGE = (
    "use 131072, 262144, 524288, 1048576, 2097152, 4194304, 8388608, 16777216 or 33554432"
)
WORKER_STORAGE = "use 524288, 1048576, 2097152, 4194304, 8388608, 16777216 or 33554432"
EDITIONS = "GeneralPurpose, MemoryOptimized, BurstableGeneralPurpose or BurstableMemoryOptimized"
NOT_BOOLEAN = "is not a boolean; use true or false"
BURSTABLE_ONLY = "is only for a single node with 1 or 2 vCores"


@pytest.mark.parametrize(
    ("sizing", "expected"),
    [
        ({"node_count": 1}, ["node_count: 1 is not allowed; use 0 (single node) or 2..20"]),
        ({"node_count": 21}, ["node_count: 21 is not allowed; use 0 (single node) or 2..20"]),
        ({"node_count": -1}, ["node_count: -1 is not allowed; use 0 (single node) or 2..20"]),
        ({"node_count": "2"}, ['node_count: "2" is not an integer']),
        ({"node_count": True}, ["node_count: true is not an integer"]),
        ({"enable_ha": "yes"}, [f"enable_ha: yes {NOT_BOOLEAN}"]),
        ({"coordinator_public_ip_access": 1}, [f"coordinator_public_ip_access: 1 {NOT_BOOLEAN}"]),
        ({"node_public_ip_access": None}, [f"node_public_ip_access: null {NOT_BOOLEAN}"]),
        (
            {"coordinator_v_cores": 3},
            [f"coordinator_v_cores: 3 is not allowed for a {SINGLE}; {SINGLE_VCORES}"],
        ),
        (
            {"coordinator_v_cores": 96},
            [f"coordinator_v_cores: 96 is not allowed for a {SINGLE}; {SINGLE_VCORES}"],
        ),
        (
            {"node_count": 2, "coordinator_v_cores": 2},
            [f"coordinator_v_cores: 2 is not allowed for a multi-node coordinator; {MULTI_VCORES}"],
        ),
        ({"coordinator_v_cores": 4.0}, ["coordinator_v_cores: 4.0 is not an integer"]),
        (
            {"coordinator_v_cores": True, "coordinator_server_edition": "BurstableGeneralPurpose"},
            ["coordinator_v_cores: true is not an integer"],
        ),
        (
            {"coordinator_storage_mb": 1000},
            [
                "coordinator_storage_mb: 1000 is not allowed for a single-node coordinator; "
                + SINGLE_STORAGE
            ],
        ),
        (
            {"node_count": 2, "coordinator_storage_mb": 65536},
            [
                "coordinator_storage_mb: 65536 is not allowed for a multi-node coordinator; "
                + MULTI_STORAGE
            ],
        ),
        (
            {"coordinator_storage_mb": "128GiB"},
            ["coordinator_storage_mb: 128GiB is not an integer"],
        ),
        (
            {"coordinator_server_edition": "Huge"},
            [f"coordinator_server_edition: Huge is not allowed; use {EDITIONS}"],
        ),
        (
            {"coordinator_server_edition": "BurstableGeneralPurpose"},
            [f"coordinator_server_edition: BurstableGeneralPurpose {BURSTABLE_ONLY}"],
        ),
        (
            {
                "node_count": 2,
                "coordinator_v_cores": 4,
                "coordinator_server_edition": ServerEdition.BURSTABLE_MEMORY_OPTIMIZED,
            },
            [f"coordinator_server_edition: BurstableMemoryOptimized {BURSTABLE_ONLY}"],
        ),
        (
            {"coordinator_v_cores": 1},
            [
                "coordinator_v_cores: 1 needs a burstable "
                f"{OWNER}.sizing.coordinator_server_edition; use BurstableMemoryOptimized"
            ],
        ),
        (
            {"coordinator_v_cores": 1, "coordinator_server_edition": "MemoryOptimized"},
            [
                "coordinator_v_cores: 1 needs a burstable "
                f"{OWNER}.sizing.coordinator_server_edition; use BurstableMemoryOptimized"
            ],
        ),
        # Worker settings are checked even while node_count is 0.
        (
            {"node_v_cores": 2},
            ["node_v_cores: 2 is not allowed for a worker; use 4, 8, 16, 32, 64, 96 or 104"],
        ),
        (
            {"node_count": 2, "node_v_cores": 128},
            ["node_v_cores: 128 is not allowed for a worker; use 4, 8, 16, 32, 64, 96 or 104"],
        ),
        (
            {"node_storage_mb": 131072},
            [f"node_storage_mb: 131072 is not allowed for a worker; {WORKER_STORAGE}"],
        ),
        ({"node_v_cores": "4"}, ['node_v_cores: "4" is not an integer']),
        (
            {"node_server_edition": "BurstableGeneralPurpose"},
            [
                "node_server_edition: BurstableGeneralPurpose is not allowed; use GeneralPurpose "
                "or MemoryOptimized"
            ],
        ),
        (
            {"node_count": 2, "node_server_edition": "Huge"},
            ["node_server_edition: Huge is not allowed; use GeneralPurpose or MemoryOptimized"],
        ),
        (
            {"preferred_primary_zone": "4"},
            ['preferred_primary_zone: "4" is not allowed; use "1", "2" or "3"'],
        ),
        (
            {"preferred_primary_zone": 1},
            ['preferred_primary_zone: 1 is not allowed; use "1", "2" or "3"'],
        ),
        (
            {"node_count": 1, "node_v_cores": 2, "enable_ha": "no"},
            [
                "node_count: 1 is not allowed; use 0 (single node) or 2..20",
                f"enable_ha: no {NOT_BOOLEAN}",
                "node_v_cores: 2 is not allowed for a worker; use 4, 8, 16, 32, 64, 96 or 104",
            ],
        ),
    ],
)
def test_rejects_bad_sizing(sizing, expected):
    assert problems_of(sizing=ClusterSizing(**sizing)) == [
        f"{OWNER}.sizing.{line}" for line in expected
    ]


@pytest.mark.parametrize(
    "sizing",
    [
        {"node_count": 2},
        {"node_count": 20, "coordinator_v_cores": 96, "node_v_cores": 104},
        {"coordinator_v_cores": 64, "coordinator_storage_mb": 2097152},
        {"node_count": 2, "coordinator_storage_mb": 33554432, "node_storage_mb": 33554432},
        {"enable_ha": True, "preferred_primary_zone": "3"},
        {"coordinator_server_edition": "MemoryOptimized"},
        {"coordinator_v_cores": 2, "coordinator_server_edition": "BurstableGeneralPurpose"},
    ],
)
def test_accepts_good_sizing(sizing):
    assert ClusterSizing(**sizing).problems() == []


PASSWORD_LENGTH = "[secret] is not allowed; use 8-256 characters"
PASSWORD_WEAK = (
    "[secret] is too weak; mix at least three of upper case, lower case, digits, symbols"
)
CLUSTER_NAME = (
    "is not valid; use 3-40 lowercase letters, digits and hyphens, not only digits, not "
    "starting or ending with a hyphen"
)
DATABASE_NAME = (
    "is not valid; use up to 63 lowercase letters, digits or underscores, not starting with a "
    "digit and not one of postgres, template0, template1, azure_maintenance, azure_sys"
)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"cluster_name": "DB"}, f"cluster_name: DB {CLUSTER_NAME}"),
        ({"cluster_name": "db"}, f"cluster_name: db {CLUSTER_NAME}"),
        ({"cluster_name": "123"}, f'cluster_name: "123" {CLUSTER_NAME}'),
        ({"cluster_name": "-db"}, f'cluster_name: "-db" {CLUSTER_NAME}'),
        ({"cluster_name": "db-"}, f"cluster_name: db- {CLUSTER_NAME}"),
        ({"cluster_name": "db_cluster"}, f"cluster_name: db_cluster {CLUSTER_NAME}"),
        ({"cluster_name": "a" * 41}, f"cluster_name: {'a' * 41} {CLUSTER_NAME}"),
        (
            {"location": "West Europe"},
            'location: "West Europe" is a display name; use the programmatic name westeurope',
        ),
        (
            {"location": "Westeurope"},
            "location: Westeurope is a display name; use the programmatic name westeurope",
        ),
        (
            {"location": "west-europe"},
            "location: west-europe is not a region name; use a programmatic name such as "
            "westeurope",
        ),
        (
            {"location": 7},
            "location: 7 is not a region name; use a programmatic name such as westeurope",
        ),
        (
            {"postgresql_version": "9"},
            f'postgresql_version: "9" is not allowed; use {VERSIONS}',
        ),
        (
            {"postgresql_version": 16},
            f"postgresql_version: 16 is not allowed; use {VERSIONS}",
        ),
        (
            {"citus_version": "latest"},
            "citus_version: latest is not valid; use a major.minor version such as 12.1",
        ),
        (
            {"citus_version": "12"},
            'citus_version: "12" is not valid; use a major.minor version such as 12.1',
        ),
        ({"database_name": "postgres"}, f"database_name: postgres {DATABASE_NAME}"),
        ({"database_name": "azure_sys"}, f"database_name: azure_sys {DATABASE_NAME}"),
        ({"database_name": "1db"}, f"database_name: 1db {DATABASE_NAME}"),
        ({"database_name": "Orders"}, f"database_name: Orders {DATABASE_NAME}"),
        ({"database_name": "a" * 64}, f"database_name: {'a' * 64} {DATABASE_NAME}"),
        ({"enable_geo_backup": "true"}, f'enable_geo_backup: "true" {NOT_BOOLEAN}'),
        (
            {"administrator_login_password": "Sh0rt!"},
            f"administrator_login_password: {PASSWORD_LENGTH}",
        ),
        (
            {"administrator_login_password": "A1!" + "a" * 254},
            f"administrator_login_password: {PASSWORD_LENGTH}",
        ),
        (
            {"administrator_login_password": "alllowercase"},
            f"administrator_login_password: {PASSWORD_WEAK}",
        ),
        (
            {"administrator_login_password": "lower-only!"},
            f"administrator_login_password: {PASSWORD_WEAK}",
        ),
        (
            {"administrator_login_password": "UPPER1234"},
            f"administrator_login_password: {PASSWORD_WEAK}",
        ),
    ],
)
def test_rejects_bad_arguments(kwargs, expected):
    problems = problems_of(**kwargs)
    assert problems == [f"{OWNER}.{expected}"]
    password = kwargs.get("administrator_login_password")
    if password:
        assert password not in str(problems)  # a password never reaches a message


@pytest.mark.parametrize(
    "password", ["Upper-lower1", "lowerUPPER123", "lower-123-!", "A1!" + "a" * 253]
)
def test_accepts_passwords_of_three_classes(password):
    EncryptedCosmosPgClusterArgs(
        resource_group_name="rg",
        location=LOCATION,
        cluster_name="db-cluster",
        administrator_login_password=password,
    )


def test_a_well_formed_region_newer_than_the_list_is_accepted():
    """Components take any programmatic name; the stack config also checks the list."""
    args = EncryptedCosmosPgClusterArgs(
        resource_group_name="rg", location="saudiarabiaeast", cluster_name="db-cluster"
    )
    assert args.problems() == []


@pytest.mark.parametrize("name", ["db1", "a" * 40, "1db", "orders-prod-2"])
def test_accepts_cluster_names(name):
    EncryptedCosmosPgClusterArgs(resource_group_name="rg", location=LOCATION, cluster_name=name)


def test_geo_backup_is_rejected_with_a_customer_managed_key():
    assert problems_of(customer_managed_key=PLAIN_KEY, enable_geo_backup=True) == [
        f"{OWNER}.enable_geo_backup: true is not supported with customer-managed keys; set it "
        "to false or use service-managed keys"
    ]


def test_geo_backup_is_fine_with_service_managed_keys():
    EncryptedCosmosPgClusterArgs(
        resource_group_name="rg",
        location=LOCATION,
        cluster_name="db-cluster",
        enable_geo_backup=True,
    )


def test_key_in_another_region_is_rejected():
    cmk = dataclasses.replace(PLAIN_KEY, location="eastus")
    assert problems_of(customer_managed_key=cmk) == [
        f"{OWNER}.location: westeurope differs from the key's region eastus; identity, vault, "
        "key and cluster must share a region"
    ]


@pytest.mark.parametrize("key_location", ["westeurope", "West Europe", None])
def test_key_in_the_same_region_is_fine(key_location):
    cmk = dataclasses.replace(PLAIN_KEY, location=key_location)
    EncryptedCosmosPgClusterArgs(
        resource_group_name="rg",
        location=LOCATION,
        cluster_name="db-cluster",
        customer_managed_key=cmk,
    )
