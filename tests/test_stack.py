"""The whole stack (__main__.py): what the dev stack plans, modes, outputs, refusals."""

from __future__ import annotations

import pytest
from bad_configs import CASES, BadConfig
from conftest import (
    ACCESS_POLICY,
    CLUSTER,
    IDENTITY,
    KEY,
    LOCATION,
    PASSWORD,
    RESOURCE_GROUP,
    VAULT,
    run_stack,
)

from components.settings import ConfigError
from tools.azure_mocks import AzureMocks
from tools.engine import RecordingMonitor

CMK_OUTPUTS = {
    "identityId",
    "identityPrincipalId",
    "vaultId",
    "vaultUri",
    "keyId",
    "keyUri",
    "keyVersionedUri",
}
COMMON_OUTPUTS = {
    "resourceGroupName",
    "encryption",
    "clusterId",
    "clusterName",
    "coordinatorFqdn",
    "administratorLogin",
    "administratorLoginPassword",
    "connectionString",
}


def test_dev_stack_plans_the_whole_cmk_chain(dev_plan):
    assert {r.type for r in dev_plan.resources if r.custom} == {
        RESOURCE_GROUP,
        IDENTITY,
        VAULT,
        ACCESS_POLICY,
        KEY,
        CLUSTER,
        PASSWORD,
    }
    parents = {
        r.type: dev_plan.by_urn(r.parent).type
        for r in dev_plan.resources
        if r.custom and r.type != RESOURCE_GROUP
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
    assert key.inputs["properties"]["kty"] == "RSA"
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
    located = [r for r in dev_plan.resources if "location" in r.inputs]
    assert {r.type for r in located} == {RESOURCE_GROUP, IDENTITY, VAULT, CLUSTER}
    assert {r.inputs["location"] for r in located} == {LOCATION}
    assert dev_plan.one(KEY).outputs["location"] == LOCATION  # a key lives in its vault


def test_dev_stack_outputs_and_secrets(dev_plan):
    assert set(dev_plan.outputs) == COMMON_OUTPUTS | CMK_OUTPUTS
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
    protected = run_stack({"location": LOCATION})
    assert [protected.one(t).protect for t in (VAULT, KEY, CLUSTER)] == [True] * 3
    unprotected = run_stack({"location": LOCATION, "protect": False})
    assert [unprotected.one(t).protect for t in (VAULT, KEY, CLUSTER)] == [False] * 3
    assert not any(r.retain_on_delete for r in unprotected.resources)


def test_service_managed_stack_is_the_cluster_alone():
    plan = run_stack({"location": LOCATION, "encryption": "serviceManaged"})
    assert {r.type for r in plan.resources if r.custom} == {RESOURCE_GROUP, CLUSTER, PASSWORD}
    cluster = plan.one(CLUSTER)
    assert "dataEncryption" not in cluster.inputs and "identity" not in cluster.inputs
    assert set(plan.outputs) == COMMON_OUTPUTS
    assert plan.outputs["encryption"] == "serviceManaged"


def test_existing_resource_group_is_not_created():
    plan = run_stack({"location": LOCATION, "resourceGroupName": "rg-shared"})
    assert plan.by_type(RESOURCE_GROUP) == []
    assert {plan.one(t).inputs["resourceGroupName"] for t in (IDENTITY, VAULT, CLUSTER)} == {
        "rg-shared"
    }


def test_secret_password_from_config_is_used_and_stays_secret():
    plan = run_stack(
        {"location": LOCATION, "cluster.administratorLoginPassword": "Str0ng-Passw0rd"},
        secret_keys=("cluster.administratorLoginPassword",),
    )
    assert plan.by_type(PASSWORD) == []
    assert plan.one(CLUSTER).inputs["administratorLoginPassword"] == "[secret]"
    assert plan.outputs["administratorLoginPassword"] == "[secret]"
    assert "Str0ng" not in repr(plan.to_json())


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_invalid_config_registers_nothing(case: BadConfig):
    monitor = RecordingMonitor(AzureMocks())
    with pytest.raises(ConfigError) as error:
        run_stack(
            case.full_config(), stack=case.stack, secret_keys=case.secret_keys, monitor=monitor
        )
    assert any(case.message in line for line in error.value.errors)
    assert monitor.registrations == {}
