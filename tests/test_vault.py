"""CmkVault: every property customer-managed keys need, and the least-privilege grant."""

from __future__ import annotations

import pytest
from conftest import ACCESS_POLICY, IDENTITY, LOCATION, VAULT, arm_id, child_of, run_components

from cmkpg import CmkVault, CmkVaultArgs, ValidationError
from cmkpg.preview.azure_mocks import TENANT_ID, AzureMocks

PRINCIPAL = "00000000-0000-0000-0000-0000000000aa"
EXISTING = arm_id("sec-rg", "Microsoft.KeyVault/vaults/sec-kv")


def plan_vault(mocks=None, **kwargs):
    kwargs.setdefault("resource_group_name", "rg")
    kwargs.setdefault("grantee_principal_id", PRINCIPAL)
    return run_components(
        lambda: {
            "uri": (vault := CmkVault("db", CmkVaultArgs(location=LOCATION, **kwargs))).uri,
            "name": vault.name,
        },
        mocks=mocks,
    )


def test_vault_has_every_cmk_prerequisite():
    plan = plan_vault()
    vault = plan.one(VAULT)
    assert vault.inputs["location"] == LOCATION
    props = vault.inputs["properties"]
    assert props["enableSoftDelete"] is True
    assert props["enablePurgeProtection"] is True
    assert props["softDeleteRetentionInDays"] == 90
    assert props["enableRbacAuthorization"] is False
    assert props["publicNetworkAccess"] == "Enabled"
    assert props["networkAcls"]["defaultAction"] == "Allow"
    assert props["sku"] == {"family": "A", "name": "standard"}
    assert props["tenantId"] == TENANT_ID  # from the client config
    # Never inline policies: they would fight the standalone AccessPolicy.
    assert "accessPolicies" not in props
    assert child_of(plan, vault).type == "cmkpg:index:CmkVault"


def test_vault_is_protected_and_retained_by_default():
    vault = plan_vault().one(VAULT)
    assert vault.protect and vault.retain_on_delete


def test_protect_false_drops_protection_and_retention():
    vault = plan_vault(protect=False).one(VAULT)
    assert not vault.protect and not vault.retain_on_delete


def test_vault_is_autonamed_within_24_characters():
    plan = plan_vault()
    name = plan.outputs["name"]
    assert name.startswith("db-vault") and len(name) == len("db-vault") + 8 <= 24
    assert "vaultName" not in plan.one(VAULT).inputs
    assert plan.outputs["uri"] == f"https://{name}.vault.azure.net/"


def test_explicit_name_and_premium_sku():
    vault = plan_vault(name="kv-team-db", sku="premium").one(VAULT)
    assert vault.inputs["vaultName"] == "kv-team-db"
    assert vault.inputs["properties"]["sku"]["name"] == "premium"


def test_access_policy_grants_exactly_get_wrap_unwrap_on_keys():
    plan = plan_vault()
    policy = plan.one(ACCESS_POLICY)
    vault = plan.one(VAULT)
    assert policy.inputs["policy"] == {
        "tenantId": TENANT_ID,
        "objectId": PRINCIPAL,
        "permissions": {"keys": ["get", "wrapKey", "unwrapKey"]},
    }
    assert policy.inputs["vaultName"] == vault.outputs["name"]
    assert vault.urn in policy.dependencies
    assert child_of(plan, policy).type == "cmkpg:index:CmkVault"


def test_no_grantee_means_no_access_policy():
    plan = plan_vault(grantee_principal_id=None)
    assert plan.by_type(ACCESS_POLICY) == []


def test_explicit_tenant_is_used():
    tenant = "00000000-0000-0000-0000-0000000000bb"
    plan = plan_vault(tenant_id=tenant)
    assert plan.one(VAULT).inputs["properties"]["tenantId"] == tenant
    assert plan.one(ACCESS_POLICY).inputs["policy"]["tenantId"] == tenant


def test_existing_vault_is_read_and_still_gets_the_access_policy():
    plan = plan_vault(existing_id=EXISTING, resource_group_name=None)
    read = plan.one(VAULT)
    assert read.read and read.id == EXISTING
    policy = plan.one(ACCESS_POLICY)
    assert policy.inputs["vaultName"] == "sec-kv"
    assert policy.inputs["resourceGroupName"] == "sec-rg"
    assert plan.by_type(IDENTITY) == []


def test_existing_vault_without_managed_access_policy():
    plan = plan_vault(existing_id=EXISTING, resource_group_name=None, manage_access_policy=False)
    assert plan.by_type(ACCESS_POLICY) == []


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"properties": {"enablePurgeProtection": False}}, "purge protection is off"),
        ({"properties": {"softDeleteRetentionInDays": 7}}, "soft-delete retention is 7 days"),
        ({"properties": {"enableRbacAuthorization": True}}, "RBAC permission model"),
        ({"properties": {"publicNetworkAccess": "Disabled"}}, "public access from all networks"),
        ({"location": "eastus"}, "vault sec-kv is in region 'eastus'"),
    ],
)
def test_existing_vault_that_breaks_a_cmk_rule_fails_the_preview(override, message):
    with pytest.raises(Exception, match=message):
        plan_vault(
            existing_id=EXISTING,
            resource_group_name=None,
            mocks=AzureMocks(existing={EXISTING: override}),
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sku": "gold"}, "CmkVaultArgs.sku: 'gold' is not allowed; use standard or premium"),
        (
            {"soft_delete_retention_days": 7},
            "CmkVaultArgs.soft_delete_retention_days: 7 is not allowed; use 90",
        ),
        ({"name": "1vault"}, "CmkVaultArgs.name: '1vault' is not valid"),
        ({"name": "my--vault"}, "CmkVaultArgs.name: 'my--vault' is not valid"),
        ({"name": "v" * 25}, "is not valid; use 3-24"),
        ({"existing_id": "kv"}, "CmkVaultArgs.existing_id: 'kv' is not a resource id"),
        ({"existing_id": EXISTING, "name": "kv-x"}, "set together with existing_id"),
        ({"resource_group_name": None}, "resource_group_name: required"),
    ],
)
def test_rejects_bad_arguments(kwargs, message):
    kwargs.setdefault("resource_group_name", "rg")
    with pytest.raises(ValidationError) as error:
        CmkVaultArgs(location=LOCATION, **kwargs)
    assert message in str(error.value)


def test_component_name_too_long_for_an_autonamed_vault():
    with pytest.raises(ValidationError, match=r"plus 8 random characters \(28 > 24\)"):
        run_components(
            lambda: (
                CmkVault(
                    "a-long-db-name", CmkVaultArgs(location=LOCATION, resource_group_name="rg")
                )
                and None
            )
        )
