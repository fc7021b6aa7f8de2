"""EncryptedElasticCluster and the elasticCluster stack: the server body, the key chain in the
cluster's region and the geo-backup chain in the paired one, grants, refusals and updates."""

from __future__ import annotations

import pytest
from conftest import (
    CMK,
    ELASTIC_OUTPUTS,
    GEO_BACKUP_OUTPUTS,
    IDENTITY,
    KEY,
    ROOT,
    VAULT,
    run_components,
    run_stack,
)

from cmkpg import (
    CmkOptions,
    CustomerManagedKey,
    ElasticClusterArgs,
    EncryptedElasticCluster,
    PermissionModel,
    ValidationError,
    VaultOptions,
    create_customer_managed_key,
)
from cmkpg.config.settings import FLEXIBLE_KEY_PERMISSIONS
from cmkpg.guard import ChangeRefused
from cmkpg.preview.cli import innermost, plan_stack

SERVER = "azure-native:dbforpostgresql:Server"
FIREWALL_RULE = "azure-native:dbforpostgresql:FirewallRule"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
ACCESS_POLICY = "azure-native:keyvault:AccessPolicy"
ELASTIC = {
    **CMK,
    "service": "elasticCluster",
    "cluster": {"firewallRules": {"app": "203.0.113.0/26"}},
}
GEO = {**ELASTIC, "elastic": {"geoRedundantBackup": True}}
SUB = "00000000-0000-0000-0000-000000000000"


def identity_id(name: str) -> str:
    return (
        f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/"
        f"userAssignedIdentities/{name}"
    )


def given_key(name: str, location: str | None = None) -> CustomerManagedKey:
    return CustomerManagedKey(
        key_versioned_uri=f"https://kv-{name}.vault.azure.net/keys/{name}/{'a' * 32}",
        key_id=f"https://kv-{name}.vault.azure.net/keys/{name}",
        identity_id=identity_id(f"id-{name}"),
        key_uri=f"https://kv-{name}.vault.azure.net/keys/{name}",
        location=location,
    )


def elastic_args(**kwargs: object) -> ElasticClusterArgs:
    kwargs.setdefault("resource_group_name", "rg")
    kwargs.setdefault("location", "westeurope")
    kwargs.setdefault("cluster_name", "orders-elastic")
    kwargs.setdefault("firewall_rules", {"app": "203.0.113.0/26"})
    return ElasticClusterArgs(**kwargs)  # type: ignore[arg-type]


def plan_cluster(**kwargs: object):
    return run_components(
        lambda: {"fqdn": EncryptedElasticCluster("pg", elastic_args(**kwargs)).coordinator_fqdn}
    )


# -- the component -----------------------------------------------------------------------------


def test_a_customer_managed_elastic_cluster_uses_the_versionless_key_uri():
    plan = plan_cluster(customer_managed_key=given_key("main"), node_count=4, storage_gb=512)
    server = plan.one(SERVER).inputs
    assert server["dataEncryption"] == {
        "type": "AzureKeyVault",
        "primaryKeyURI": "https://kv-main.vault.azure.net/keys/main",  # no version: followed
        "primaryUserAssignedIdentityId": identity_id("id-main"),
    }
    # A map of identity ids here (a list on Cosmos DB for PostgreSQL's clusters).
    assert server["identity"] == {
        "type": "UserAssigned",
        "userAssignedIdentities": {identity_id("id-main"): {}},
    }
    assert server["cluster"] == {"clusterSize": 4, "defaultDatabaseName": "postgres"}
    assert server["version"] == "17"
    assert server["storage"] == {"storageSizeGB": 512, "autoGrow": "Disabled"}
    assert server["backup"] == {"backupRetentionDays": 7, "geoRedundantBackup": "Disabled"}
    assert server["network"] == {"publicNetworkAccess": "Enabled"}
    assert server["administratorLoginPassword"] == "[secret]"
    cluster = plan.one(SERVER)
    assert cluster.protect and cluster.replace_on_changes == ["dataEncryption", "identity"]
    assert cluster.replacement_trigger == {
        "encryption": "customerManaged",
        "key": "https://kv-main.vault.azure.net/keys/main",
        "identity": identity_id("id-main"),
    }
    rule = plan.one(FIREWALL_RULE).inputs
    assert (rule["startIpAddress"], rule["endIpAddress"]) == ("203.0.113.0", "203.0.113.63")
    assert plan.outputs["fqdn"] == "orders-elastic.postgres.database.azure.com"


def test_geo_redundant_backup_sends_the_second_key_and_identity():
    plan = plan_cluster(
        customer_managed_key=given_key("main", "westeurope"),
        geo_backup_key=given_key("geo", "northeurope"),
        geo_redundant_backup=True,
    )
    server = plan.one(SERVER).inputs
    encryption = server["dataEncryption"]
    assert encryption["geoBackupKeyURI"] == "https://kv-geo.vault.azure.net/keys/geo"
    assert encryption["geoBackupUserAssignedIdentityId"] == identity_id("id-geo")
    assert set(server["identity"]["userAssignedIdentities"]) == {
        identity_id("id-main"),
        identity_id("id-geo"),
    }
    assert server["backup"]["geoRedundantBackup"] == "Enabled"


def test_a_service_managed_elastic_cluster_says_so():
    plan = plan_cluster()
    server = plan.one(SERVER).inputs
    assert "dataEncryption" not in server and "identity" not in server
    assert plan.one(SERVER).replacement_trigger == {"encryption": "serviceManaged"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"customer_managed_key": given_key("main"), "geo_redundant_backup": True},
            "ElasticClusterArgs.geo_backup_key: is required with a customer-managed key and "
            "ElasticClusterArgs.geo_redundant_backup",
        ),
        (
            {"geo_backup_key": given_key("geo")},
            "ElasticClusterArgs.geo_backup_key: is given, but it is used only with "
            "ElasticClusterArgs.customer_managed_key and ElasticClusterArgs.geo_redundant_backup",
        ),
        (
            {
                "customer_managed_key": given_key("main"),
                "geo_backup_key": CustomerManagedKey(
                    key_versioned_uri="https://kv-geo.vault.azure.net/keys/geo/" + "b" * 32,
                    key_id="https://kv-geo.vault.azure.net/keys/geo",
                    identity_id=identity_id("id-main"),
                ),
                "geo_redundant_backup": True,
            },
            "ElasticClusterArgs.geo_backup_key: uses the primary key's identity; flexible server "
            "needs a separate one",
        ),
        (
            {
                "customer_managed_key": given_key("main"),
                "geo_backup_key": given_key("geo", "francecentral"),
                "geo_redundant_backup": True,
            },
            "ElasticClusterArgs.geo_backup_key: is in francecentral; it must be in northeurope",
        ),
        (
            {"customer_managed_key": given_key("main", "northeurope")},
            "ElasticClusterArgs.customer_managed_key: is in northeurope; the key's vault must be "
            "in the cluster's region westeurope",
        ),
        (
            {"geo_redundant_backup": True, "location": "polandcentral"},
            "ElasticClusterArgs.geo_redundant_backup: true is not available: polandcentral has "
            "no paired region",
        ),
        ({"cluster_name": "Orders"}, "ElasticClusterArgs.cluster_name: Orders is not valid"),
        ({"node_count": 21}, "ElasticClusterArgs.node_count: 21 is out of range; use 2..20"),
        (
            {"administrator_login": "pg_admin"},
            "ElasticClusterArgs.administrator_login: pg_admin is not valid",
        ),
        (
            {"administrator_login_password": "short"},
            "ElasticClusterArgs.administrator_login_password: [secret] is not allowed; use 8-256",
        ),
        (
            {"firewall_rules": {"office": "10.0.0.0/8"}},
            "ElasticClusterArgs.firewall_rules.office: 10.0.0.0/8 includes the non-public range",
        ),
    ],
)
def test_bad_elastic_arguments_are_refused_with_every_problem(kwargs, message):
    with pytest.raises(ValidationError) as error:
        elastic_args(**kwargs)
    assert any(line.startswith(message) for line in error.value.problems), error.value.problems


def test_without_firewall_rules_the_plan_says_nothing_can_connect():
    plan = plan_cluster(firewall_rules={})
    assert plan.by_type(FIREWALL_RULE) == []
    assert any(
        "has no firewall rule" in m for severity, m in plan.messages if severity == "warning"
    )


# -- RBAC grants and the locked-down vault -------------------------------------------------------


def test_an_rbac_vault_grants_the_crypto_service_role_and_lets_only_trusted_services_in():
    def build():
        cmk = create_customer_managed_key(
            "pg",
            "westeurope",
            "rg",
            CmkOptions(vault=VaultOptions(permission_model=PermissionModel.RBAC)),
            trusted_services_only=True,
        )
        return {"grant": [r.urn for r in cmk.vault.grant]}

    plan = run_components(build)
    vault = plan.one(VAULT)
    properties = vault.inputs["properties"]
    assert properties["enableRbacAuthorization"] is True
    assert properties["publicNetworkAccess"] == "Disabled"
    assert properties["networkAcls"] == {"defaultAction": "Deny", "bypass": "AzureServices"}
    assert plan.by_type(ACCESS_POLICY) == []
    role = plan.one(ROLE_ASSIGNMENT)
    assert role.inputs["scope"] == vault.id
    assert role.inputs["roleDefinitionId"] == (
        f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/"
        "e147488a-f6f5-4113-8e2d-b22465e65bf6"
    )
    assert role.inputs["principalId"] == plan.one(IDENTITY).outputs["principalId"]
    assert role.inputs["principalType"] == "ServicePrincipal"
    assert role.retain_on_delete and role.ignore_changes == ["principalId"]
    assert plan.outputs["grant"] == [role.urn]
    # The key waits for the grant, as the cluster will.
    assert role.urn in plan.one(KEY).dependencies


def test_an_access_policy_for_flexible_server_lists_list_too():
    plan = run_components(
        lambda: {
            "v": create_customer_managed_key(
                "pg", "westeurope", "rg", key_permissions=FLEXIBLE_KEY_PERMISSIONS
            ).vault.vault_id
        }
    )
    assert plan.one(ACCESS_POLICY).inputs["policy"]["permissions"] == {
        "keys": ["get", "list", "wrapKey", "unwrapKey"]
    }


def test_an_existing_vault_cannot_switch_permission_model():
    options = VaultOptions(
        existing_id=f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
        permission_model=PermissionModel.RBAC,
    )
    assert [p.field for p in options.problems()] == ["permission_model"]
    assert "is set, but it applies to a vault this stack creates" in options.problems()[0].complaint


# -- the elasticCluster stack ------------------------------------------------------------------


def test_the_elastic_stack_puts_the_geo_chain_in_the_paired_region():
    plan = run_stack(GEO)
    identities = {r.name: r.inputs["location"] for r in plan.by_type(IDENTITY)}
    vaults = {r.name: r.inputs["location"] for r in plan.by_type(VAULT)}
    assert identities == {"cmkpg-identity": "westeurope", "cmkpg-geo-identity": "northeurope"}
    assert vaults == {"cmkpg-vault": "westeurope", "cmkpg-geo-vault": "northeurope"}
    server = plan.one(SERVER)
    keys = {r.name: r for r in plan.by_type(KEY)}
    encryption = server.inputs["dataEncryption"]
    assert encryption["primaryKeyURI"] == keys["cmkpg-key"].outputs["keyUri"]
    assert encryption["geoBackupKeyURI"] == keys["cmkpg-geo-key"].outputs["keyUri"]
    # The server waits for every grant and both keys.
    grants = {r.urn for r in plan.by_type(ACCESS_POLICY)}
    assert grants | {k.urn for k in keys.values()} <= set(server.dependencies)
    for policy in plan.by_type(ACCESS_POLICY):
        assert policy.inputs["policy"]["permissions"] == {
            "keys": ["get", "list", "wrapKey", "unwrapKey"]
        }
    assert set(plan.outputs) >= ELASTIC_OUTPUTS | GEO_BACKUP_OUTPUTS
    assert plan.outputs["geoBackupLocation"] == "northeurope"
    assert plan.outputs["service"] == "elasticCluster"


def test_the_elastic_example_previews_with_everything_the_issue_lists():
    plan = plan_stack("elastic-example", project_dir=ROOT)
    server = plan.one(SERVER).inputs
    assert server["dataEncryption"]["primaryKeyURI"].endswith("/keys/cmkpg-key")
    assert server["dataEncryption"]["geoBackupKeyURI"].endswith("/keys/cmkpg-geo-key")
    assert {k.inputs["properties"]["kty"] for k in plan.by_type(KEY)} == {"RSA-HSM"}
    assert len(plan.by_type(ROLE_ASSIGNMENT)) == 2
    monitoring = plan.one("cmkpg:index:CmkMonitoring").urn
    monitored = {r.type for r in plan.resources if r.parent == monitoring}
    assert "azure-native:monitor:ScheduledQueryRule" in monitored
    health = next(r for r in plan.resources if r.name == "cmkpg-health")
    assert health.inputs["scopes"] == [plan.one(SERVER).id]


def test_a_service_change_of_the_deployed_cluster_is_refused():
    deployed = run_stack(CMK)
    with pytest.raises(Exception) as error:
        run_stack(ELASTIC, deployed=deployed)
    cause = innermost(error.value)
    assert isinstance(cause, ChangeRefused)
    assert (
        "is a cosmosPostgres cluster and the configuration says cmkpg:service elasticCluster"
        in str(cause)
    )
    assert "Moving from Cosmos DB for PostgreSQL to an elastic cluster with CMK" in str(cause)


def test_an_elastic_cluster_updates_in_place_and_the_guard_reads_the_server():
    deployed = run_stack(ELASTIC)
    grown = run_stack(
        {**ELASTIC, "elastic": {"nodeCount": 4}, "tags": {"a": "b"}}, deployed=deployed
    )
    server = grown.one(SERVER)
    assert server.op == "update" and "cluster.clusterSize" in server.step.diff
    assert all(r.op not in ("replace", "delete") for r in grown.resources if r.custom)
    # Without the stack outputs the guard reads the flexible server itself.
    from cmkpg.preview import update

    deployment = update.deployment_of(deployed)
    deployment.outputs = {}
    with pytest.raises(Exception) as error:
        run_stack({**ELASTIC, "identity": {"name": "id-other"}}, deployed=deployment)
    cause = str(innermost(error.value))
    assert "exists and its encryption cannot change in place" in cause
    assert "cmkpg:identity.name from 'cmkpg-identity" in cause


def test_a_key_without_a_versionless_uri_is_used_but_the_plan_warns():
    key = CustomerManagedKey(
        key_versioned_uri="https://kv.vault.azure.net/keys/k/" + "c" * 32,
        key_id="https://kv.vault.azure.net/keys/k",
        identity_id=identity_id("id-k"),
    )
    plan = plan_cluster(customer_managed_key=key)
    assert plan.one(SERVER).inputs["dataEncryption"]["primaryKeyURI"].endswith("c" * 32)
    warnings = [m for severity, m in plan.messages if severity == "warning"]
    assert any("given without a versionless key_uri" in m for m in warnings), warnings


def test_the_elastic_bodies_meet_the_flexible_server_contract():
    import copy

    from tools import contract

    plan = plan_stack("elastic-example", project_dir=ROOT)
    definition, body = contract.request_body(plan.one(SERVER))
    assert definition.endswith("2025-08-01/Servers.json#/definitions/Server")
    assert contract.validate_body(definition, body) == []
    assert body["properties"]["dataEncryption"]["type"] == "AzureKeyVault"
    assert set(body["identity"]["userAssignedIdentities"]) == {
        plan.outputs["identityId"],
        plan.outputs["geoBackupIdentityId"],
    }
    wrong = copy.deepcopy(body)
    wrong["properties"]["dataEncryption"]["primaryKeyUri"] = wrong["properties"][
        "dataEncryption"
    ].pop("primaryKeyURI")  # the serverGroupsv2 spelling
    assert any("primaryKeyUri" in p for p in contract.validate_body(definition, wrong))
    rule_definition, rule = contract.request_body(plan.one(FIREWALL_RULE))
    assert rule_definition.endswith("FirewallRules.json#/definitions/FirewallRule")
    assert contract.validate_body(rule_definition, rule) == []
