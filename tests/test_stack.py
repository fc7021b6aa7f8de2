"""The whole stack (__main__.py): what the dev stack plans, modes, outputs, refusals."""

from __future__ import annotations

import pytest
from bad_configs import CASES, BadConfig
from conftest import (
    ACCESS_POLICY,
    CLUSTER,
    CMK,
    CMK_OUTPUTS,
    COMMON_OUTPUTS,
    IDENTITY,
    KEY,
    LOCATION,
    MONITORING_OUTPUTS,
    PASSWORD,
    RESOURCE_GROUP,
    SMK,
    VAULT,
    created_types,
    run_stack,
)

from cmkpg.config import ConfigError
from cmkpg.preview.azure_mocks import AzureMocks
from cmkpg.preview.cli import innermost
from cmkpg.preview.engine import RecordingMonitor

LOCK = "azure-native:authorization:ManagementLockByScope"

WORKSPACE = "azure-native:operationalinsights:Workspace"
LOG_ALERT = "azure-native:monitor:ScheduledQueryRule"
DIAGNOSTIC = "azure-native:monitor:DiagnosticSetting"
TOPIC = "azure-native:eventgrid:SystemTopic"
EXPIRY = "azure-native:eventgrid:SystemTopicEventSubscription"
GLOBAL_TYPES = ("azure-native:monitor:ActionGroup", "azure-native:monitor:ActivityLogAlert")
MONITORING_TYPES = (*GLOBAL_TYPES, WORKSPACE, LOG_ALERT, DIAGNOSTIC, TOPIC, EXPIRY)


def test_dev_stack_plans_the_whole_cmk_chain(dev_plan):
    assert created_types(dev_plan) == {
        RESOURCE_GROUP,
        IDENTITY,
        VAULT,
        ACCESS_POLICY,
        KEY,
        CLUSTER,
        PASSWORD,
        *MONITORING_TYPES,
    }
    parents = {
        r.type: dev_plan.by_urn(r.parent).type
        for r in dev_plan.resources
        if r.custom and not r.read and r.type not in (RESOURCE_GROUP, *MONITORING_TYPES)
    }
    assert parents == {
        IDENTITY: "cmkpg:index:CmkIdentity",
        VAULT: "cmkpg:index:CmkVault",
        ACCESS_POLICY: "cmkpg:index:CmkVault",
        KEY: "cmkpg:index:CmkKey",
        CLUSTER: "cmkpg:index:EncryptedCosmosPgCluster",
        PASSWORD: "cmkpg:index:EncryptedCosmosPgCluster",
    }


def test_dev_stack_meets_every_cmk_requirement(dev_plan):
    vault = dev_plan.one(VAULT).inputs["properties"]
    assert vault["enableSoftDelete"] and vault["enablePurgeProtection"]
    assert vault["softDeleteRetentionInDays"] == 90
    assert vault["enableRbacAuthorization"] is False

    identity = dev_plan.one(IDENTITY)
    policy = dev_plan.one(ACCESS_POLICY).inputs["policy"]
    assert policy["permissions"] == {"keys": ["get", "wrapKey", "unwrapKey"]}
    assert policy["objectId"] == identity.outputs["principalId"]

    key = dev_plan.one(KEY)
    # An HSM-backed key in a premium vault (checkov CKV_AZURE_112, Azure Policy 587c79fe).
    assert key.inputs["properties"]["kty"] == "RSA-HSM"
    assert dev_plan.one(VAULT).inputs["properties"]["sku"]["name"] == "premium"
    assert key.inputs["properties"]["keySize"] in (2048, 3072, 4096)

    cluster = dev_plan.one(CLUSTER)
    assert cluster.inputs["identity"]["type"] == "UserAssigned"
    assert cluster.inputs["identity"]["userAssignedIdentities"] == [identity.id]
    encryption = cluster.inputs["dataEncryption"]
    assert encryption["type"] == "AzureKeyVault"
    assert encryption["primaryKeyUri"] == key.outputs["keyUriWithVersion"]
    assert encryption["primaryUserAssignedIdentityId"] == identity.id
    assert cluster.inputs["administratorLoginPassword"] == "[secret]"
    assert dev_plan.one(ACCESS_POLICY).urn in cluster.dependencies
    assert key.urn in cluster.dependencies


def test_every_resource_is_in_the_configured_region(dev_plan):
    located = {r.type: r.inputs["location"] for r in dev_plan.resources if "location" in r.inputs}
    # Action groups and activity-log alerts are global resources: Azure accepts no region.
    regional = {t: loc for t, loc in located.items() if t not in GLOBAL_TYPES}
    assert set(regional) == {RESOURCE_GROUP, IDENTITY, VAULT, CLUSTER, WORKSPACE, LOG_ALERT, TOPIC}
    assert set(regional.values()) == {LOCATION}
    assert {located[t].lower() for t in GLOBAL_TYPES} == {"global"}
    assert dev_plan.one(KEY).outputs["location"] == LOCATION  # a key lives in its vault


def test_dev_stack_outputs_and_secrets(dev_plan):
    assert set(dev_plan.outputs) == COMMON_OUTPUTS | CMK_OUTPUTS | MONITORING_OUTPUTS
    assert dev_plan.outputs["administratorLoginPassword"] == "[secret]"
    assert dev_plan.outputs["connectionString"] == "[secret]"
    assert dev_plan.outputs["encryption"] == "customerManaged"
    assert dev_plan.outputs["keyVersionedUri"].startswith(dev_plan.outputs["keyUri"] + "/")
    assert dev_plan.outputs["clusterName"] == "cmkpg-dev"


def test_tags_reach_every_taggable_resource(dev_plan):
    expected = {"environment": "dev", "owner": "platform-team"}
    for type_ in (RESOURCE_GROUP, IDENTITY, VAULT, KEY, CLUSTER):
        assert dev_plan.one(type_).inputs["tags"] == expected, type_


def test_protection_by_default_and_none_with_protect_false():
    protected = run_stack(CMK)
    types = (IDENTITY, VAULT, KEY, CLUSTER)
    assert [protected.one(t).protect for t in types] == [True] * 4
    assert [protected.one(t).retain_on_delete for t in (IDENTITY, VAULT, KEY)] == [True] * 3
    unprotected = run_stack({**CMK, "protect": False})
    assert [unprotected.one(t).protect for t in types] == [False] * 4
    # The key and the access policy are retained even then: the key's delete needs Key Vault
    # data-plane rights the deployer lacks, and the policy's delete revokes the identity.
    assert {r.type for r in unprotected.resources if r.retain_on_delete} == {KEY, ACCESS_POLICY}


def test_service_managed_stack_is_the_cluster_alone():
    plan = run_stack(SMK)
    assert created_types(plan) == {RESOURCE_GROUP, CLUSTER, PASSWORD}
    cluster = plan.one(CLUSTER)
    assert "dataEncryption" not in cluster.inputs and "identity" not in cluster.inputs
    assert set(plan.outputs) == COMMON_OUTPUTS
    assert plan.outputs["encryption"] == "serviceManaged"


def test_existing_resource_group_is_not_created():
    plan = run_stack({**CMK, "resourceGroupName": "rg-shared"})
    assert plan.by_type(RESOURCE_GROUP) == []
    assert {plan.one(t).inputs["resourceGroupName"] for t in (IDENTITY, VAULT, CLUSTER)} == {
        "rg-shared"
    }


def test_secret_password_from_config_is_used_and_stays_secret():
    plan = run_stack(
        {**CMK, "clusterAdminPassword": "Str0ng-Passw0rd"},
        secret_keys=("clusterAdminPassword",),
    )
    assert plan.by_type(PASSWORD) == []
    assert plan.one(CLUSTER).inputs["administratorLoginPassword"] == "[secret]"
    assert plan.outputs["administratorLoginPassword"] == "[secret]"
    assert "Str0ng" not in repr(plan.to_json())


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_invalid_config_registers_nothing(case: BadConfig):
    monitor = RecordingMonitor(AzureMocks())
    with pytest.raises(Exception) as error:
        run_stack(
            case.full_config(),
            stack=case.stack,
            secret_keys=case.secret_keys,
            monitor=monitor,
            through_cli=case.cli is None,
        )
    cause = innermost(error.value)
    assert isinstance(cause, ConfigError)
    assert any(case.message in line for line in cause.errors), cause.errors
    if case.at_runtime:
        # The last deployment was read (and components, which are only names, may have
        # registered), but no Azure resource was planned.
        planned = [r.type for r in monitor.registrations.values() if r.custom and not r.read]
        assert planned == []
    else:
        assert monitor.registrations == {}


# -- safety ------------------------------------------------------------------------------------
# What an update of a deployed stack does, and what the guard refuses, is in
# test_update_scenarios.py.

BASE = CMK


def test_locks_guard_vault_and_cluster():
    plan = run_stack({**BASE, "lock": True})
    locks = plan.by_type(LOCK)
    assert {lock.inputs["scope"] for lock in locks} == {plan.one(VAULT).id, plan.one(CLUSTER).id}
    assert {lock.inputs["level"] for lock in locks} == {"CanNotDelete"}
    assert {plan.by_urn(lock.parent).type for lock in locks} == {
        "cmkpg:index:CmkVault",
        "cmkpg:index:EncryptedCosmosPgCluster",
    }
    assert run_stack(BASE).by_type(LOCK) == []


# -- brownfield: existing identity, vault and key ------------------------------------------------

SEC = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sec-rg/providers"
IDENTITY_ID = f"{SEC}/Microsoft.ManagedIdentity/userAssignedIdentities/db-identity"
VAULT_ID = f"{SEC}/Microsoft.KeyVault/vaults/sec-kv"
KEY_ID = f"{VAULT_ID}/keys/db-key"
KEY_URI = "https://sec-kv.vault.azure.net/keys/db-key/0123456789abcdef0123456789abcdef"


def test_existing_identity_and_key_are_read_and_the_cluster_points_at_them():
    plan = run_stack({**BASE, "identity.existingId": IDENTITY_ID, "key.existingId": KEY_ID})
    assert plan.one(IDENTITY).read and plan.one(KEY).read and plan.one(VAULT).read
    assert not [
        r for r in plan.resources if r.custom and not r.read and r.type in (IDENTITY, KEY, VAULT)
    ]
    cluster = plan.one(CLUSTER).inputs
    assert cluster["identity"]["userAssignedIdentities"] == [IDENTITY_ID]
    assert cluster["dataEncryption"]["primaryUserAssignedIdentityId"] == IDENTITY_ID
    assert cluster["dataEncryption"]["primaryKeyUri"] == plan.one(KEY).outputs["keyUriWithVersion"]
    # The key's vault is derived from its id, and the identity still gets its grant there.
    policy = plan.one(ACCESS_POLICY).inputs
    assert (policy["vaultName"], policy["resourceGroupName"]) == ("sec-kv", "sec-rg")
    assert plan.outputs["keyId"] == KEY_ID and plan.outputs["identityId"] == IDENTITY_ID


def test_key_by_versioned_uri_with_access_granted_elsewhere():
    plan = run_stack(
        {
            **BASE,
            "identity.existingId": IDENTITY_ID,
            "vault.existingId": VAULT_ID,
            "vault.manageAccessPolicy": False,
            "key.existingId": KEY_URI,
        }
    )
    assert plan.by_type(KEY) == [] and plan.by_type(ACCESS_POLICY) == []
    assert plan.one(CLUSTER).inputs["dataEncryption"]["primaryKeyUri"] == KEY_URI
    assert plan.one(CLUSTER).replacement_trigger["key"] == KEY_URI.rsplit("/", 1)[0]


def test_new_key_in_an_existing_vault():
    plan = run_stack({**BASE, "vault.existingId": VAULT_ID, "lock": True})
    key = plan.one(KEY)
    assert not key.read and key.protect and key.retain_on_delete
    assert (key.inputs["vaultName"], key.inputs["resourceGroupName"]) == ("sec-kv", "sec-rg")
    # Only the cluster is locked: the existing vault belongs to its owners.
    assert [lock.inputs["scope"] for lock in plan.by_type(LOCK)] == [plan.one(CLUSTER).id]


def test_existing_vault_in_another_subscription_cannot_take_our_access_policy():
    other = VAULT_ID.replace(
        "00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-0000000000ff"
    )
    with pytest.raises(
        Exception, match="its access policy would be created in the wrong subscription"
    ):
        run_stack({**BASE, "vault.existingId": other})


# -- monitoring ---------------------------------------------------------------------------------


def test_dev_stack_monitors_the_cluster_vault_and_key(dev_plan):
    monitoring = [r for r in dev_plan.resources if r.type in MONITORING_TYPES]
    assert {dev_plan.by_urn(r.parent).type for r in monitoring} == {"cmkpg:index:CmkMonitoring"}
    scopes = {r.name: r.inputs.get("scopes") for r in monitoring if "scopes" in r.inputs}
    assert scopes["cmkpg-health"] == [dev_plan.one(CLUSTER).id]
    assert scopes["cmkpg-vault-changes"] == [dev_plan.one(VAULT).id]
    group = dev_plan.one("azure-native:monitor:ActionGroup").inputs
    assert [r["emailAddress"] for r in group["emailReceivers"]] == ["dba-oncall@example.com"]
    assert {d.inputs["resourceUri"] for d in dev_plan.by_type(DIAGNOSTIC)} == {
        dev_plan.one(VAULT).id,
        dev_plan.one(CLUSTER).id,
    }
    assert dev_plan.one(TOPIC).inputs["source"] == dev_plan.one(VAULT).id


def test_monitoring_can_be_turned_off_and_is_off_with_service_managed_keys():
    assert not created_types(run_stack({"location": LOCATION, "monitoring.enabled": False})) & set(
        MONITORING_TYPES
    )
    assert not created_types(run_stack(SMK)) & set(MONITORING_TYPES)


def test_monitoring_uses_a_given_workspace_and_secret_webhooks():
    workspace = (
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ops/providers/"
        "Microsoft.OperationalInsights/workspaces/ops-logs"
    )
    plan = run_stack(
        {
            **CMK,
            "monitoring.logAnalyticsWorkspaceId": workspace,
            "alertWebhooks": ["https://alerts.example.com/hook?token=abc"],
        },
        secret_keys=("alertWebhooks",),
    )
    assert WORKSPACE not in created_types(plan)
    assert {d.inputs["workspaceId"] for d in plan.by_type(DIAGNOSTIC)} == {workspace}
    assert plan.outputs["logAnalyticsWorkspaceId"] == workspace
    assert "token=abc" not in repr(plan.to_json())


# -- restore and replica --------------------------------------------------------------------------

PROD = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cmkpg-prod/providers/"
    "Microsoft.DBforPostgreSQL/serverGroupsv2/cmkpg-prod"
)
RESTORE = {
    "resourceGroupName": "rg-cmkpg-prod",
    "restore.sourceClusterId": PROD,
    "restore.pointInTimeUtc": "2026-11-28T06:00:00Z",
}
RESTORE_FIELDS = {"sourceResourceId", "sourceLocation", "pointInTimeUTC"}


def test_restore_from_service_managed_into_customer_managed_keys():
    plan = run_stack({**CMK, **RESTORE}, stack="prod-cmk")
    cluster = plan.one(CLUSTER)
    assert set(cluster.inputs) >= RESTORE_FIELDS
    assert cluster.inputs["dataEncryption"]["type"] == "AzureKeyVault"
    assert cluster.inputs["identity"]["type"] == "UserAssigned"
    assert plan.one(ACCESS_POLICY).urn in cluster.dependencies
    assert plan.by_urn(plan.by_urn(cluster.parent).parent).type == (
        "cmkpg:index:EncryptedClusterRestore"
    )
    assert plan.outputs["restoredFrom"] == PROD
    # The restored cluster keeps the source's password: none is generated or exported.
    assert PASSWORD not in created_types(plan)
    assert "administratorLoginPassword" not in plan.outputs


def test_restore_from_customer_managed_back_to_service_managed_keys():
    plan = run_stack({**SMK, **RESTORE}, stack="prod-smk")
    inputs = plan.one(CLUSTER).inputs
    assert set(inputs) >= RESTORE_FIELDS
    assert inputs["dataEncryption"] == {"type": "SystemAssigned"} and "identity" not in inputs
    assert created_types(plan) == {CLUSTER}  # into the source's existing resource group


def test_replica_in_another_region_gets_its_key_vault_and_identity_there():
    plan = run_stack(
        {
            **CMK,
            "location": "northeurope",
            "replica.sourceClusterId": PROD,
            "replica.sourceLocation": "westeurope",
        },
        stack="prod-replica",
    )
    for type_ in (IDENTITY, VAULT, CLUSTER):
        assert plan.one(type_).inputs["location"] == "northeurope"
    cluster = plan.one(CLUSTER).inputs
    assert (cluster["sourceResourceId"], cluster["sourceLocation"]) == (PROD, "westeurope")
    assert "pointInTimeUTC" not in cluster
    assert cluster["dataEncryption"]["primaryKeyUri"].startswith("https://cmkpg-vault")
    assert plan.outputs["replicaOf"] == PROD


def test_a_bad_clock_pin_is_a_config_error(monkeypatch):
    monkeypatch.setenv("CMKPG_NOW", "tomorrow")
    with pytest.raises(ConfigError, match="CMKPG_NOW: tomorrow is not an ISO 8601 timestamp"):
        run_stack(CMK)
