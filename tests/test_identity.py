"""CmkIdentity: what it registers, what it reads, and what it refuses."""

from __future__ import annotations

import dataclasses

import pulumi
import pytest
from conftest import (
    IDENTITY,
    LOCATION,
    PROTECT_CONTRADICTIONS,
    PROTECT_PRECEDENCE,
    arm_id,
    child_of,
    run_components,
)

from cmkpg import CmkIdentity, CmkIdentityArgs, IdentityOptions, ValidationError
from cmkpg.preview.azure_mocks import TENANT_ID, AzureMocks
from cmkpg.validation import render

COMPONENT = "cmkpg:index:CmkIdentity"
EXISTING = arm_id("shared-rg", "Microsoft.ManagedIdentity/userAssignedIdentities/db-identity")
OUTPUTS = ("identity_id", "name", "principal_id", "client_id", "tenant_id", "location")


def plan_identity(mocks=None, opts=None, **kwargs):
    """Plan one CmkIdentity named ``db``; every output is exported under its attribute name."""
    kwargs.setdefault("location", LOCATION)
    if "existing_id" not in kwargs:
        kwargs.setdefault("resource_group_name", "rg")

    def build():
        identity = CmkIdentity("db", CmkIdentityArgs(**kwargs), opts)
        return {name: getattr(identity, name) for name in OUTPUTS}

    return run_components(build, mocks=mocks)


def problems_of(**kwargs):
    kwargs.setdefault("location", LOCATION)
    with pytest.raises(ValidationError) as error:
        CmkIdentityArgs(**kwargs)
    return error.value.problems


# -- a created identity ------------------------------------------------------------------


def test_creates_a_user_assigned_identity_under_the_component():
    plan = plan_identity(tags={"a": "b"})
    identity = plan.one(IDENTITY)
    assert not identity.read
    assert identity.inputs == {"resourceGroupName": "rg", "location": LOCATION, "tags": {"a": "b"}}
    assert identity.name == "db-identity"
    assert child_of(plan, identity).type == COMPONENT
    # Autonamed like azure-native: logical name plus 8 random characters.
    assert identity.outputs["name"].startswith("db-identity")
    assert len(identity.outputs["name"]) == len("db-identity") + 8


def test_no_tags_sends_no_tags():
    assert "tags" not in plan_identity().one(IDENTITY).inputs


def test_explicit_name_is_sent():
    plan = plan_identity(name="id-db")
    assert plan.one(IDENTITY).inputs["resourceName"] == "id-db"
    assert plan.outputs["name"] == "id-db"


def test_created_identity_is_protected_and_retained_by_default():
    # Deleting the identity cuts every cluster that uses it off from its key.
    identity = plan_identity().one(IDENTITY)
    assert identity.protect and identity.retain_on_delete
    assert identity.ignore_changes == []


@pytest.mark.parametrize(("protect", "opts_protect", "expected"), PROTECT_PRECEDENCE)
def test_protect_comes_from_the_args_else_opts_else_true(protect, opts_protect, expected):
    opts = None if opts_protect is None else pulumi.ResourceOptions(protect=opts_protect)
    identity = plan_identity(protect=protect, opts=opts).one(IDENTITY)
    assert (identity.protect, identity.retain_on_delete) == (expected, expected)


@pytest.mark.parametrize(("protect", "opts_protect"), PROTECT_CONTRADICTIONS)
def test_protect_that_contradicts_opts_protect_is_refused(protect, opts_protect):
    with pytest.raises(ValidationError) as error:
        plan_identity(protect=protect, opts=pulumi.ResourceOptions(protect=opts_protect))
    assert error.value.problems == [
        f"CmkIdentityArgs.protect: {str(protect).lower()} differs from opts.protect "
        f"{str(opts_protect).lower()}; give one of them"
    ]


def test_outputs_are_the_identity_s_and_are_registered_on_the_component():
    plan = plan_identity()
    identity = plan.one(IDENTITY)
    expected = {
        "identity_id": identity.id,
        "name": identity.outputs["name"],
        "principal_id": identity.outputs["principalId"],
        "client_id": identity.outputs["clientId"],
        "tenant_id": TENANT_ID,
        "location": LOCATION,
    }
    assert plan.outputs == expected
    assert plan.one(COMPONENT).outputs == expected
    assert identity.id == arm_id(
        "rg", f"Microsoft.ManagedIdentity/userAssignedIdentities/{identity.outputs['name']}"
    )
    assert plan.secret_outputs == []


# -- an existing identity ----------------------------------------------------------------


def test_existing_identity_is_read_not_created():
    plan = plan_identity(existing_id=EXISTING)
    read = plan.one(IDENTITY)
    assert read.read and read.id == EXISTING
    assert child_of(plan, read).type == COMPONENT
    # Read, never managed: nothing to protect or retain.
    assert not read.protect and not read.retain_on_delete
    assert plan.outputs == {
        "identity_id": EXISTING,
        "name": "db-identity",
        "principal_id": read.outputs["principalId"],
        "client_id": read.outputs["clientId"],
        "tenant_id": TENANT_ID,
        "location": LOCATION,
    }


def test_existing_identity_needs_no_resource_group():
    CmkIdentityArgs(location=LOCATION, existing_id=EXISTING)


def test_existing_identity_ignores_protect():
    plan = plan_identity(existing_id=EXISTING, protect=False)
    assert [r.read for r in plan.by_type(IDENTITY)] == [True]


def test_existing_identity_in_another_region_fails():
    with pytest.raises(Exception, match="identity is in region 'eastus'") as error:
        plan_identity(existing_id=EXISTING, mocks=AzureMocks(location="eastus"))
    assert "customer-managed keys need the identity, vault, key and cluster in one region" in str(
        error.value
    )


def test_existing_identity_region_reported_as_display_name_is_the_same_region():
    mocks = AzureMocks(existing={EXISTING: {"location": "West Europe"}})
    plan = plan_identity(existing_id=EXISTING, mocks=mocks)
    assert plan.outputs["principal_id"] == plan.one(IDENTITY).outputs["principalId"]


# -- what it refuses ---------------------------------------------------------------------

NAME_RULE = "use 3-128 letters, digits, hyphens or underscores, starting with a letter or digit"
NOT_A_REGION = "is not a region name; use a programmatic name such as westeurope"


def line(field, value, complaint):
    """A rendered problem; values are rendered by cmkpg.validation.render, as every
    message renders them."""
    return f"CmkIdentityArgs.{field}: {render(value)} {complaint}"


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"name": "-bad"}, line("name", "-bad", f"is not valid; {NAME_RULE}")),
        ({"name": "ab"}, line("name", "ab", f"is not valid; {NAME_RULE}")),
        ({"name": "a.b.c"}, line("name", "a.b.c", f"is not valid; {NAME_RULE}")),
        ({"name": "a" * 129}, line("name", "a" * 129, f"is not valid; {NAME_RULE}")),
        (
            {"existing_id": "/not/an/id"},
            line(
                "existing_id",
                "/not/an/id",
                "is not a resource id; use the form /subscriptions/00000000-0000-0000-0000-"
                "000000000000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/"
                "userAssignedIdentities/my-identity",
            ),
        ),
        (
            {"existing_id": EXISTING, "name": "abc"},
            line("name", "abc", "is set together with CmkIdentityArgs.existing_id; use one"),
        ),
        (
            {"resource_group_name": None},
            "CmkIdentityArgs.resource_group_name: is required to create an identity",
        ),
        (
            {"location": "West Europe"},
            line(
                "location", "West Europe", "is a display name; use the programmatic name westeurope"
            ),
        ),
        ({"location": "!!"}, line("location", "!!", NOT_A_REGION)),
        ({"location": None}, line("location", None, NOT_A_REGION)),
    ],
)
def test_rejects_bad_arguments(kwargs, problem):
    kwargs.setdefault("resource_group_name", None if "existing_id" in kwargs else "rg")
    assert problems_of(**kwargs) == [problem]


@pytest.mark.parametrize("location", ["westeurope", "newregioncentral"])
def test_any_well_formed_region_is_accepted_the_stack_config_checks_the_list(location):
    # A region newer than cmkpg's list must stay usable from code; the stack config checks
    # the list (with its allowUnlistedRegion escape hatch).
    assert CmkIdentityArgs(location=location, resource_group_name="rg").location == location


def test_a_resource_group_with_an_existing_identity_is_refused():
    assert problems_of(existing_id=EXISTING, resource_group_name="other-rg") == [
        "CmkIdentityArgs.resource_group_name: is given, but CmkIdentityArgs.existing_id names "
        "the identity and its group; remove it"
    ]


def test_existing_id_of_another_resource_type_is_refused():
    vault = arm_id("rg", "Microsoft.KeyVault/vaults/v")
    assert problems_of(existing_id=vault) == [
        line(
            "existing_id",
            vault,
            "is a Microsoft.KeyVault/vaults id; use a Microsoft.ManagedIdentity/"
            "userAssignedIdentities id like /subscriptions/00000000-0000-0000-0000-000000000000/"
            "resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/"
            "my-identity",
        )
    ]


@pytest.mark.parametrize("name", ["abc", "A_b-1", "1" * 128])
def test_accepts_valid_names(name):
    assert CmkIdentityArgs(location=LOCATION, resource_group_name="rg", name=name).name == name


def test_every_problem_is_reported_at_once():
    problems = problems_of(location="West Europe", name="-x", existing_id="nope")
    assert [p.split(":")[0] for p in problems] == [
        "CmkIdentityArgs.location",
        "CmkIdentityArgs.name",
        "CmkIdentityArgs.existing_id",
        "CmkIdentityArgs.name",
    ]


def test_problems_carry_the_field_path_for_other_vocabularies():
    """The stack config names the same fields its own way (``cmkpg:identity.name``)."""
    with pytest.raises(ValidationError) as error:
        CmkIdentityArgs(location=LOCATION, existing_id=EXISTING, name="abc")
    (issue,) = error.value.issues
    assert issue.field == "name"
    assert issue.render(lambda path: f"cmkpg:identity.{path}") == (
        "cmkpg:identity.name: abc is set together with cmkpg:identity.existing_id; use one"
    )
    assert error.value.problems == [str(error.value)]


def test_options_hold_the_defaults_and_check_themselves():
    assert IdentityOptions() == IdentityOptions(name=None, existing_id=None)
    assert IdentityOptions().problems() == []
    # Options carry no wiring, so they never complain about a missing resource group.
    assert IdentityOptions(existing_id=EXISTING).problems() == []
    assert [p.field for p in IdentityOptions(name="-x").problems()] == ["name"]


def test_args_are_frozen_and_keyword_only():
    args = CmkIdentityArgs(location=LOCATION, resource_group_name="rg")
    assert args.protect is None and dict(args.tags) == {}
    with pytest.raises(dataclasses.FrozenInstanceError):
        args.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        CmkIdentityArgs(LOCATION, "rg")  # type: ignore[misc]
