"""CmkIdentity: what it registers, what it reads, and what it refuses."""

from __future__ import annotations

import pytest
from conftest import IDENTITY, LOCATION, arm_id, child_of, run_components

from cmkpg import CmkIdentity, CmkIdentityArgs, ValidationError
from cmkpg.preview.azure_mocks import AzureMocks

EXISTING = arm_id("shared-rg", "Microsoft.ManagedIdentity/userAssignedIdentities/db-identity")


def test_creates_a_user_assigned_identity_under_the_component():
    plan = run_components(
        lambda: {
            "principal": CmkIdentity(
                "db", CmkIdentityArgs(location=LOCATION, resource_group_name="rg", tags={"a": "b"})
            ).principal_id
        }
    )
    identity = plan.one(IDENTITY)
    assert identity.inputs == {"resourceGroupName": "rg", "location": LOCATION, "tags": {"a": "b"}}
    assert identity.name == "db-identity"
    assert child_of(plan, identity).type == "cmkpg:index:CmkIdentity"
    assert not identity.protect  # an identity can be recreated; vault and key cannot
    # Autonamed like azure-native: logical name plus 8 random characters.
    assert identity.outputs["name"].startswith("db-identity")
    assert len(identity.outputs["name"]) == len("db-identity") + 8
    assert plan.outputs["principal"] == identity.outputs["principalId"]


def test_explicit_name_is_sent():
    plan = run_components(
        lambda: (
            CmkIdentity(
                "db", CmkIdentityArgs(location=LOCATION, resource_group_name="rg", name="id-db")
            )
            and None
        )
    )
    assert plan.one(IDENTITY).inputs["resourceName"] == "id-db"


def test_component_outputs_are_registered():
    plan = run_components(
        lambda: (
            CmkIdentity("db", CmkIdentityArgs(location=LOCATION, resource_group_name="rg")) and None
        )
    )
    component = plan.one("cmkpg:index:CmkIdentity")
    assert set(component.outputs) == {"id", "name", "principal_id", "client_id", "tenant_id"}
    assert component.outputs["id"] == plan.one(IDENTITY).id


def test_existing_identity_is_read_not_created():
    plan = run_components(
        lambda: {
            "id": (
                identity := CmkIdentity(
                    "db", CmkIdentityArgs(location=LOCATION, existing_id=EXISTING)
                )
            ).id,
            "principal": identity.principal_id,
        }
    )
    read = plan.one(IDENTITY)
    assert read.read and read.id == EXISTING
    assert plan.outputs["id"] == EXISTING
    assert plan.outputs["principal"] == read.outputs["principalId"]


def test_existing_identity_in_another_region_fails():
    with pytest.raises(Exception, match="identity is in region 'eastus'"):
        run_components(
            lambda: {
                "principal": CmkIdentity(
                    "db", CmkIdentityArgs(location=LOCATION, existing_id=EXISTING)
                ).principal_id
            },
            mocks=AzureMocks(location="eastus"),
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "-bad"}, "CmkIdentityArgs.name: '-bad' is not valid; use 3-128"),
        ({"name": "ab"}, "CmkIdentityArgs.name: 'ab' is not valid"),
        (
            {"existing_id": "/not/an/id"},
            "CmkIdentityArgs.existing_id: '/not/an/id' is not a resource id",
        ),
        (
            {"existing_id": arm_id("rg", "Microsoft.KeyVault/vaults/v")},
            "is a Microsoft.KeyVault/vaults id; "
            "use a Microsoft.ManagedIdentity/userAssignedIdentities id",
        ),
        ({"existing_id": EXISTING, "name": "abc"}, "set together with existing_id"),
    ],
)
def test_rejects_bad_arguments(kwargs, message):
    kwargs.setdefault("resource_group_name", "rg")
    with pytest.raises(ValidationError) as error:
        CmkIdentityArgs(location=LOCATION, **kwargs)
    assert message in str(error.value)


def test_requires_a_resource_group_to_create():
    with pytest.raises(ValidationError, match="resource_group_name: required"):
        CmkIdentityArgs(location=LOCATION)
