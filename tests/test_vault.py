"""CmkVault: every property customer-managed keys need, and the least-privilege grant."""

from __future__ import annotations

import dataclasses

import pulumi
import pytest
from conftest import (
    ACCESS_POLICY,
    IDENTITY,
    LOCATION,
    PROTECT_CONTRADICTIONS,
    PROTECT_PRECEDENCE,
    SUB,
    VAULT,
    arm_id,
    child_of,
    run_components,
)

from cmkpg import (
    CmkIdentity,
    CmkIdentityArgs,
    CmkVault,
    CmkVaultArgs,
    ValidationError,
    VaultOptions,
    VaultSku,
)
from cmkpg.preview.azure_mocks import TENANT_ID, AzureMocks
from cmkpg.validation import render

COMPONENT = "cmkpg:index:CmkVault"
LOCK = "azure-native:authorization:ManagementLockByScope"
PRINCIPAL = "00000000-0000-0000-0000-0000000000aa"
EXISTING = arm_id("sec-rg", "Microsoft.KeyVault/vaults/sec-kv")
OTHER_SUB = "11111111-1111-1111-1111-111111111111"
EXISTING_ELSEWHERE = (
    f"/subscriptions/{OTHER_SUB}/resourceGroups/sec-rg/providers/Microsoft.KeyVault/vaults/sec-kv"
)
OUTPUTS = ("vault_id", "name", "uri", "resource_group_name", "location", "access_policy_id")
NOT_USABLE = "the existing vault sec-kv is not usable for customer-managed keys: "


def plan_vault(mocks=None, opts=None, component="db", **kwargs):
    """Plan one CmkVault granting PRINCIPAL; every output is exported under its attribute
    name, plus ``sku`` and the URNs of ``grant``."""
    kwargs.setdefault("location", LOCATION)
    kwargs.setdefault("grantee_principal_id", PRINCIPAL)
    if "existing_id" not in kwargs:
        kwargs.setdefault("resource_group_name", "rg")

    def build():
        vault = CmkVault(component, CmkVaultArgs(**kwargs), opts)
        outputs = {name: getattr(vault, name) for name in OUTPUTS}
        outputs["sku"] = str(vault.sku)
        outputs["grant"] = [resource.urn for resource in vault.grant]
        outputs["lock"] = vault.lock.urn if vault.lock else ""
        return outputs

    return run_components(build, mocks=mocks)


def plan_existing(overrides=None, vault_id=EXISTING, **kwargs):
    return plan_vault(
        existing_id=vault_id, mocks=AzureMocks(existing={vault_id: overrides or {}}), **kwargs
    )


def problems_of(**kwargs):
    kwargs.setdefault("location", LOCATION)
    with pytest.raises(ValidationError) as error:
        CmkVaultArgs(**kwargs)
    return error.value.problems


# -- a created vault ---------------------------------------------------------------------


def test_vault_has_every_cmk_prerequisite():
    plan = plan_vault()
    vault = plan.one(VAULT)
    assert not vault.read
    assert vault.inputs["location"] == LOCATION
    assert vault.inputs["resourceGroupName"] == "rg"
    props = vault.inputs["properties"]
    assert props["enableSoftDelete"] is True
    assert props["enablePurgeProtection"] is True
    assert props["softDeleteRetentionInDays"] == 90
    assert props["enableRbacAuthorization"] is False
    assert props["publicNetworkAccess"] == "Enabled"
    assert props["networkAcls"] == {"defaultAction": "Allow", "bypass": "AzureServices"}
    assert props["sku"] == {"family": "A", "name": "standard"}
    assert props["tenantId"] == TENANT_ID  # from the client config
    # Never inline policies: they would fight the standalone AccessPolicy.
    assert "accessPolicies" not in props
    assert "tags" not in vault.inputs
    assert child_of(plan, vault).type == COMPONENT


def test_vault_is_protected_and_retained_by_default():
    vault = plan_vault().one(VAULT)
    assert vault.protect and vault.retain_on_delete


@pytest.mark.parametrize(("protect", "opts_protect", "expected"), PROTECT_PRECEDENCE)
def test_protect_comes_from_the_args_else_opts_else_true(protect, opts_protect, expected):
    opts = None if opts_protect is None else pulumi.ResourceOptions(protect=opts_protect)
    vault = plan_vault(protect=protect, opts=opts).one(VAULT)
    assert (vault.protect, vault.retain_on_delete) == (expected, expected)


@pytest.mark.parametrize(("protect", "opts_protect"), PROTECT_CONTRADICTIONS)
def test_protect_that_contradicts_opts_protect_is_refused(protect, opts_protect):
    with pytest.raises(ValidationError) as error:
        plan_vault(protect=protect, opts=pulumi.ResourceOptions(protect=opts_protect))
    assert error.value.problems == [
        f"CmkVaultArgs.protect: {str(protect).lower()} differs from opts.protect "
        f"{str(opts_protect).lower()}; give one of them"
    ]


def test_vault_is_autonamed_within_24_characters():
    plan = plan_vault()
    name = plan.outputs["name"]
    assert name.startswith("db-vault") and len(name) == len("db-vault") + 8 <= 24
    assert "vaultName" not in plan.one(VAULT).inputs
    assert plan.outputs["uri"] == f"https://{name}.vault.azure.net/"


@pytest.mark.parametrize("sku", [VaultSku.PREMIUM, "premium"])
def test_explicit_name_premium_sku_and_tags_are_sent(sku):
    plan = plan_vault(name="kv-team-db", sku=sku, tags={"env": "dev"})
    vault = plan.one(VAULT)
    assert vault.inputs["vaultName"] == "kv-team-db"
    assert vault.inputs["properties"]["sku"] == {"family": "A", "name": "premium"}
    assert vault.inputs["tags"] == {"env": "dev"}
    assert plan.outputs["name"] == "kv-team-db"
    assert plan.outputs["sku"] == "premium"


def test_outputs_are_registered_on_the_component():
    plan = plan_vault()
    vault = plan.one(VAULT)
    policy = plan.one(ACCESS_POLICY)
    name = vault.outputs["name"]
    expected = {
        "vault_id": arm_id("rg", f"Microsoft.KeyVault/vaults/{name}"),
        "name": name,
        "uri": f"https://{name}.vault.azure.net/",
        "resource_group_name": "rg",
        "location": LOCATION,
        "access_policy_id": policy.id,
    }
    assert vault.id == expected["vault_id"]
    assert plan.one(COMPONENT).outputs == expected
    assert {k: plan.outputs[k] for k in OUTPUTS} == expected
    assert plan.outputs["sku"] == "standard"
    assert plan.secret_outputs == []


# -- the grant ---------------------------------------------------------------------------


def test_access_policy_grants_exactly_get_wrap_unwrap_on_keys():
    plan = plan_vault()
    policy = plan.one(ACCESS_POLICY)
    vault = plan.one(VAULT)
    assert policy.inputs == {
        "vaultName": vault.outputs["name"],
        "resourceGroupName": "rg",
        "policy": {
            "tenantId": TENANT_ID,
            "objectId": PRINCIPAL,
            "permissions": {"keys": ["get", "wrapKey", "unwrapKey"]},
        },
    }
    assert policy.dependencies == [vault.urn]
    assert child_of(plan, policy).type == COMPONENT
    assert plan.outputs["grant"] == [policy.urn]
    assert plan.outputs["access_policy_id"] == policy.id


@pytest.mark.parametrize("protect", [True, False, None])
def test_access_policy_is_retained_never_protected(protect):
    """Deleting it would revoke the grant; protecting it would block dropping it from the
    stack (manage_access_policy false)."""
    policy = plan_vault(protect=protect).one(ACCESS_POLICY)
    assert policy.retain_on_delete and not policy.protect


def test_access_policy_is_not_protected_by_a_protected_component():
    policy = plan_vault(opts=pulumi.ResourceOptions(protect=True)).one(ACCESS_POLICY)
    assert policy.retain_on_delete and not policy.protect


def test_access_policy_waits_for_the_identity_it_grants():
    def build():
        identity = CmkIdentity("db", CmkIdentityArgs(location=LOCATION, resource_group_name="rg"))
        CmkVault(
            "db",
            CmkVaultArgs(
                location=LOCATION,
                resource_group_name="rg",
                grantee_principal_id=identity.principal_id,
            ),
        )

    plan = run_components(build)
    identity = plan.one(IDENTITY)
    policy = plan.one(ACCESS_POLICY)
    assert policy.inputs["policy"]["objectId"] == identity.outputs["principalId"]
    assert identity.urn in policy.dependencies
    assert policy.property_dependencies["policy"] == [identity.urn]


def test_no_grantee_means_no_access_policy():
    plan = plan_vault(grantee_principal_id=None)
    assert plan.by_type(ACCESS_POLICY) == []
    assert plan.outputs["grant"] == []
    assert plan.outputs["access_policy_id"] == ""


def test_explicit_tenant_is_used_for_vault_and_policy():
    tenant = "00000000-0000-0000-0000-0000000000bb"
    plan = plan_vault(tenant_id=tenant)
    assert plan.one(VAULT).inputs["properties"]["tenantId"] == tenant
    assert plan.one(ACCESS_POLICY).inputs["policy"]["tenantId"] == tenant


# -- the lock ----------------------------------------------------------------------------


def test_no_lock_by_default():
    plan = plan_vault()
    assert plan.by_type(LOCK) == []
    assert plan.outputs["lock"] == ""


def test_lock_guards_the_created_vault():
    plan = plan_vault(lock=True)
    lock = plan.one(LOCK)
    vault = plan.one(VAULT)
    assert lock.inputs["scope"] == vault.id
    assert lock.inputs["level"] == "CanNotDelete"
    assert "cmkpg" in lock.inputs["notes"]
    assert vault.urn in lock.dependencies
    assert child_of(plan, lock).type == COMPONENT
    assert plan.outputs["lock"] == lock.urn


# -- an existing vault -------------------------------------------------------------------


def test_existing_vault_is_read_and_still_gets_the_access_policy():
    plan = plan_existing()
    read = plan.one(VAULT)
    assert read.read and read.id == EXISTING
    assert child_of(plan, read).type == COMPONENT
    assert not read.protect and not read.retain_on_delete
    policy = plan.one(ACCESS_POLICY)
    assert policy.inputs["vaultName"] == "sec-kv"
    assert policy.inputs["resourceGroupName"] == "sec-rg"
    # The grant waits for the checks on the vault it reads.
    assert read.urn in policy.dependencies
    assert plan.by_type(IDENTITY) == []
    assert plan.by_type(LOCK) == []
    assert plan.outputs == {
        "vault_id": EXISTING,
        "name": "sec-kv",
        "uri": "https://sec-kv.vault.azure.net/",
        "resource_group_name": "sec-rg",
        "location": LOCATION,
        "access_policy_id": policy.id,
        # The SKU of an existing vault is not known before it is read.
        "sku": "None",
        "grant": [policy.urn],
        "lock": "",
    }


def test_existing_vault_without_managed_access_policy():
    plan = plan_existing(manage_access_policy=False)
    assert plan.by_type(ACCESS_POLICY) == []
    assert plan.outputs["grant"] == []
    assert plan.outputs["access_policy_id"] == ""


def test_existing_rbac_vault_is_fine_when_the_grant_is_left_to_its_owners():
    plan = plan_existing(
        {"properties": {"enableRbacAuthorization": True}}, manage_access_policy=False
    )
    assert plan.outputs["name"] == "sec-kv"


def test_existing_vault_reported_with_a_display_name_region_is_in_the_same_region():
    assert plan_existing({"location": "West Europe"}).outputs["name"] == "sec-kv"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"properties": {"enableSoftDelete": False}}, NOT_USABLE + "soft delete is off"),
        (
            {"properties": {"enablePurgeProtection": False}},
            NOT_USABLE + "purge protection is off (enable it: az keyvault update "
            "--enable-purge-protection true)",
        ),
        ({"properties": {"enablePurgeProtection": None}}, NOT_USABLE + "purge protection is off"),
        (
            {"properties": {"softDeleteRetentionInDays": 7}},
            NOT_USABLE + "soft-delete retention is 7 days, not 90 (it cannot be changed; "
            "use another vault)",
        ),
        (
            {"properties": {"enableRbacAuthorization": True}},
            NOT_USABLE + "it uses the RBAC permission model, so an access policy would be "
            "ignored (grant the identity outside this stack and set vault.manageAccessPolicy "
            "false)",
        ),
        (
            {"properties": {"publicNetworkAccess": "Disabled"}},
            NOT_USABLE + "it does not allow public access from all networks",
        ),
        (
            {"properties": {"networkAcls": {"defaultAction": "Deny"}}},
            NOT_USABLE + "it does not allow public access from all networks",
        ),
        (
            {"properties": {"enablePurgeProtection": False, "publicNetworkAccess": "Disabled"}},
            "purge protection is off (enable it: az keyvault update --enable-purge-protection "
            "true); it does not allow public access from all networks",
        ),
        (
            {"location": "eastus"},
            "the vault sec-kv is in region 'eastus' but the cluster is in 'westeurope'; "
            "customer-managed keys need the identity, vault, key and cluster in one region",
        ),
    ],
)
def test_existing_vault_that_breaks_a_cmk_rule_fails_the_preview(override, message):
    with pytest.raises(Exception) as error:
        plan_existing(override)
    assert message in str(error.value)


def policy_for(object_id, permissions=None):
    """An access policy as Azure returns it; without permissions unless given (see
    test_existing_vault_with_permission_policies_is_read)."""
    policy = {"tenantId": TENANT_ID, "objectId": object_id}
    if permissions:
        policy["permissions"] = permissions
    return policy


@pytest.mark.parametrize("object_id", [PRINCIPAL, PRINCIPAL.upper()])
def test_existing_vault_already_granting_the_identity_fails_the_preview(object_id):
    """azure-native cannot create an access policy that exists ('cannot create already
    existing resource'): say so before the update, with both ways out."""
    overrides = {"properties": {"accessPolicies": [policy_for(object_id)]}}
    with pytest.raises(Exception) as error:
        plan_existing(overrides)
    message = str(error.value)
    assert (
        f"{NOT_USABLE}it already has an access policy for the identity {PRINCIPAL}, and "
        "azure-native refuses to create a second one ('cannot create already existing "
        "resource'); set vault.manageAccessPolicy false to leave the grant to the vault's "
        "owners, or adopt it: pulumi import azure-native:keyvault:AccessPolicy db-access "
        f"{EXISTING}/accessPolicy/{PRINCIPAL}"
    ) in message


@pytest.mark.parametrize(
    ("policies", "kwargs"),
    [
        ([policy_for("00000000-0000-0000-0000-0000000000cc")], {}),
        ([policy_for(PRINCIPAL)], {"manage_access_policy": False}),
        ([policy_for(PRINCIPAL)], {"grantee_principal_id": None}),
    ],
)
def test_existing_vault_with_other_grants_is_fine(policies, kwargs):
    plan = plan_existing({"properties": {"accessPolicies": policies}}, **kwargs)
    assert plan.outputs["name"] == "sec-kv"


@pytest.mark.parametrize(
    "permissions",
    [{"keys": ["get", "list"]}, {"secrets": ["get"]}],
    ids=["keys", "secrets"],
)
@pytest.mark.parametrize("kwargs", [{}, {"manage_access_policy": False}], ids=["grant", "no-grant"])
def test_existing_vault_with_permission_policies_is_read(permissions, kwargs):
    """Every access-policy vault holds policies with permissions (its owners', at least). The
    SDK's PermissionsResponse has a `keys` field that hides dict.keys, so the vault's
    properties are reduced to plain values before they meet Output.all."""
    owner = policy_for("00000000-0000-0000-0000-0000000000cc", permissions)
    plan = plan_existing({"properties": {"accessPolicies": [owner]}}, **kwargs)
    assert plan.outputs["name"] == "sec-kv"


def test_existing_vault_in_another_subscription_fails_when_granting():
    with pytest.raises(Exception) as error:
        plan_existing(vault_id=EXISTING_ELSEWHERE)
    assert (
        f"the existing vault sec-kv is in subscription {OTHER_SUB}, but this stack deploys to "
        f"{SUB}; its access policy would be created in the wrong subscription. Run the stack "
        "in the vault's subscription, or set vault.manageAccessPolicy false and let the "
        "vault's owners grant access"
    ) in str(error.value)


def test_existing_vault_in_another_subscription_is_fine_without_a_grant():
    plan = plan_existing(vault_id=EXISTING_ELSEWHERE, manage_access_policy=False)
    assert plan.outputs["vault_id"] == EXISTING_ELSEWHERE
    assert plan.by_type(ACCESS_POLICY) == []


# -- what it refuses ---------------------------------------------------------------------

NAME_RULE = (
    "is not valid; use 3-24 letters, digits and single hyphens, starting with a letter and "
    "ending with a letter or digit"
)
ID_FORM = (
    "use the form /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/"
    "providers/Microsoft.KeyVault/vaults/my-vault"
)
REMOVE = (
    "is set, but it applies to a vault this stack creates, not to CmkVaultArgs.existing_id; "
    "remove it"
)


def line(field, value, complaint):
    """A rendered problem; values are rendered by cmkpg.validation.render, as every
    message renders them."""
    return f"CmkVaultArgs.{field}: {render(value)} {complaint}"


@pytest.mark.parametrize(
    ("kwargs", "problems"),
    [
        ({"sku": "gold"}, [line("sku", "gold", "is not allowed; use standard or premium")]),
        ({"sku": "Premium"}, [line("sku", "Premium", "is not allowed; use standard or premium")]),
        (
            {"soft_delete_retention_days": 7},
            [line("soft_delete_retention_days", 7, "is not allowed; use 90")],
        ),
        (
            {"soft_delete_retention_days": "90"},
            [line("soft_delete_retention_days", "90", "is not allowed; use 90")],
        ),
        ({"name": "1vault"}, [line("name", "1vault", NAME_RULE)]),
        ({"name": "my--vault"}, [line("name", "my--vault", NAME_RULE)]),
        ({"name": "vault-"}, [line("name", "vault-", NAME_RULE)]),
        ({"name": "kv"}, [line("name", "kv", NAME_RULE)]),
        ({"name": "v" * 25}, [line("name", "v" * 25, NAME_RULE)]),
        (
            {"existing_id": "kv", "resource_group_name": None},
            [line("existing_id", "kv", f"is not a resource id; {ID_FORM}")],
        ),
        ({"existing_id": EXISTING, "name": "kv-x"}, [line("name", "kv-x", REMOVE)]),
        ({"existing_id": EXISTING, "sku": VaultSku.PREMIUM}, [line("sku", "premium", REMOVE)]),
        (
            {"existing_id": EXISTING, "soft_delete_retention_days": 7},
            [
                line("soft_delete_retention_days", 7, "is not allowed; use 90"),
                line("soft_delete_retention_days", 7, REMOVE),
            ],
        ),
        (
            {"existing_id": EXISTING, "lock": True},
            [
                line(
                    "lock",
                    True,
                    "is for a vault this component creates; lock an existing vault where it is "
                    "managed",
                )
            ],
        ),
        (
            {"manage_access_policy": False},
            [
                line(
                    "manage_access_policy",
                    False,
                    "needs CmkVaultArgs.existing_id; a vault this stack creates must grant the "
                    "identity itself",
                )
            ],
        ),
        (
            {"resource_group_name": None},
            ["CmkVaultArgs.resource_group_name: is required to create a vault"],
        ),
        (
            {"location": "West Europe"},
            [
                line(
                    "location",
                    "West Europe",
                    "is a display name; use the programmatic name westeurope",
                )
            ],
        ),
        (
            {"location": "!!"},
            [
                line(
                    "location",
                    "!!",
                    "is not a region name; use a programmatic name such as westeurope",
                )
            ],
        ),
    ],
)
def test_rejects_bad_arguments(kwargs, problems):
    kwargs.setdefault("resource_group_name", None if "existing_id" in kwargs else "rg")
    assert problems_of(**kwargs) == problems


def test_a_resource_group_with_an_existing_vault_is_refused():
    assert problems_of(existing_id=EXISTING, resource_group_name="other-rg") == [
        "CmkVaultArgs.resource_group_name: is given, but CmkVaultArgs.existing_id names the "
        "vault and its group; remove it"
    ]


def test_existing_id_of_another_resource_type_is_refused():
    identity = arm_id("rg", "Microsoft.ManagedIdentity/userAssignedIdentities/id")
    assert problems_of(existing_id=identity, resource_group_name=None) == [
        line(
            "existing_id",
            identity,
            "is a Microsoft.ManagedIdentity/userAssignedIdentities id; use a "
            f"Microsoft.KeyVault/vaults id like {ID_FORM.removeprefix('use the form ')}",
        )
    ]


@pytest.mark.parametrize("name", ["kv1", "kv-team-db", "a" + "b1" * 11 + "c"])
def test_accepts_valid_names(name):
    assert CmkVaultArgs(location=LOCATION, resource_group_name="rg", name=name).name == name


def test_existing_vault_with_default_settings_is_accepted():
    args = CmkVaultArgs(location=LOCATION, existing_id=EXISTING, manage_access_policy=False)
    assert args.sku == VaultSku.STANDARD and args.resource_group_name is None


def test_every_problem_is_reported_at_once():
    problems = problems_of(location="no where", sku="gold", name="1", resource_group_name=None)
    assert [p.split(":")[0] for p in problems] == [
        "CmkVaultArgs.location",
        "CmkVaultArgs.sku",
        "CmkVaultArgs.name",
        "CmkVaultArgs.resource_group_name",
    ]


def test_problems_carry_the_field_path_for_other_vocabularies():
    """The stack config names the same fields its own way (``cmkpg:vault.sku``)."""
    with pytest.raises(ValidationError) as error:
        CmkVaultArgs(location=LOCATION, existing_id=EXISTING, sku=VaultSku.PREMIUM)
    (issue,) = error.value.issues
    assert issue.field == "sku"
    assert issue.render(lambda path: f"cmkpg:vault.{path}") == (
        f"cmkpg:vault.sku: premium {REMOVE.replace('CmkVaultArgs.', 'cmkpg:vault.')}"
    )


def test_options_hold_the_defaults_and_check_themselves():
    options = VaultOptions()
    assert (options.name, options.sku, options.existing_id) == (None, VaultSku.STANDARD, None)
    assert options.soft_delete_retention_days == 90
    assert options.manage_access_policy is True
    assert options.problems() == []
    assert [p.field for p in VaultOptions(manage_access_policy=False).problems()] == [
        "manage_access_policy"
    ]


def test_args_are_frozen_and_keyword_only():
    args = CmkVaultArgs(location=LOCATION, resource_group_name="rg")
    assert args.protect is None and args.lock is False and dict(args.tags) == {}
    assert args.grantee_principal_id is None and args.tenant_id is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        args.sku = VaultSku.PREMIUM  # type: ignore[misc]
    with pytest.raises(TypeError):
        CmkVaultArgs(LOCATION, "rg")  # type: ignore[misc]


# -- the autoname ------------------------------------------------------------------------


def test_component_name_too_long_for_an_autonamed_vault():
    with pytest.raises(ValidationError) as error:
        plan_vault(component="a-long-db-name")
    assert error.value.problems == [
        "CmkVault 'a-long-db-name': the autonamed vault would be 'a-long-db-name-vault' plus 8 "
        "random characters (28 > 24); use a component name of at most 10 characters or pass "
        "CmkVaultArgs.name"
    ]


def test_component_name_that_cannot_start_a_vault_name():
    with pytest.raises(ValidationError) as error:
        plan_vault(component="1db")
    assert error.value.problems == [f"CmkVault '1db': {render('1db-vault')} {NAME_RULE}"]


def test_component_name_of_ten_characters_fits():
    name = plan_vault(component="db-0123456").outputs["name"]
    assert len(name) == 24


@pytest.mark.parametrize(
    "kwargs", [{"name": "kv-team-db"}, {"existing_id": EXISTING, "grantee_principal_id": None}]
)
def test_long_component_name_is_fine_when_nothing_is_autonamed(kwargs):
    mocks = AzureMocks(existing={EXISTING: {}})
    plan = plan_vault(component="a-long-db-name", mocks=mocks, **kwargs)
    assert plan.one(VAULT).name == "a-long-db-name-vault"


@pytest.mark.parametrize(
    "permissions",
    [("get", "wrapKey"), ("get", "wrapKey", "unwrapKey", "decrypt"), ()],
    ids=["missing unwrapKey", "decrypt too", "none"],
)
def test_an_access_policy_holds_exactly_what_the_service_needs(permissions):
    with pytest.raises(ValidationError) as error:
        CmkVaultArgs(location="westeurope", resource_group_name="rg", key_permissions=permissions)
    assert error.value.problems == [
        f"CmkVaultArgs.key_permissions: {render(list(permissions))} must hold get, wrapKey, "
        "unwrapKey and at most also list (least privilege)"
    ]


def test_trusted_services_only_is_a_boolean():
    with pytest.raises(ValidationError) as error:
        CmkVaultArgs(location="westeurope", resource_group_name="rg", trusted_services_only="yes")
    assert error.value.problems == ["CmkVaultArgs.trusted_services_only: yes is not true or false"]
