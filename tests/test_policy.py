"""The CrossGuard policy pack in policy/ and the offline ``--policy-pack`` run.

Each rule has a compliant and a violating resource, with ``ResourceValidationArgs`` /
``StackValidationArgs`` built directly, as the engine would hand them over (props behind
pulumi_policy's unknown-checking proxy). Then the pack as ``cmkpg-preview --policy-pack``
runs it: every shipped stack passes, the raw example without a customer-managed key fails.
Tests named after an upstream test mirror it (pulumi/pulumi, pulumi/pulumi-policy).
"""

from __future__ import annotations

import copy
import importlib
import io
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from cmkpg.preview import cli, policy, wire
from cmkpg.preview.cli import plan_stack

POLICY_DIR = ROOT / "policy"
sys.path.insert(0, str(POLICY_DIR))
rules = importlib.import_module("cmk_policies")
POLICIES = {p.name: p for p in rules.POLICIES}

U = UNKNOWN_STRING_VALUE  # what a computed value looks like during preview
SUB = "/subscriptions/00000000-0000-0000-0000-000000000000"
IDENTITY_ID = (
    f"{SUB}/resourceGroups/rg-shop/providers/Microsoft.ManagedIdentity/"
    "userAssignedIdentities/id-shop"
)
OTHER_IDENTITY_ID = IDENTITY_ID.replace("id-shop", "id-other")
PRINCIPAL = "11111111-2222-3333-4444-555555555555"
KEY_URI = "https://kv-shop.vault.azure.net/keys/cmk/0123456789abcdef0123456789abcdef"
CRYPTO_USER = f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/" + (
    "e147488a-f6f5-4113-8e2d-b22465e65bf6"
)
KEY_VAULT_ADMINISTRATOR = f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/" + (
    "00482a5a-887f-4fb3-b363-3b7fe8e74483"
)

CLUSTER = "azure-native:dbforpostgresql:ServerGroupCluster"
SERVER = "azure-native:dbforpostgresql:Server"
VAULT = "azure-native:keyvault:Vault"
KEY = "azure-native:keyvault:Key"
ACCESS_POLICY = "azure-native:keyvault:AccessPolicy"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"

CMK_DESCRIPTION = POLICIES["postgres-cluster-cmk"].description


def urn(resource_type: str, name: str) -> str:
    return f"urn:pulumi:dev::shop::{resource_type}::{name}"


def options(protect: bool = True) -> PolicyResourceOptions:
    return PolicyResourceOptions(protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def resource_args(
    resource_type: str, props: dict[str, Any], *, protect: bool = True, config: Any = None
) -> ResourceValidationArgs:
    """What the servicer builds for one resource: its inputs behind the proxy."""
    name = "shop"
    return ResourceValidationArgs(
        resource_type,
        unknown_checking_proxy(copy.deepcopy(props)),
        urn(resource_type, name),
        name,
        options(protect),
        None,
        config,
    )


def violations(policy_name: str, args: ResourceValidationArgs | StackValidationArgs) -> list:
    """(message, urn) of each violation the policy reports (urn None: the resource's)."""
    found: list[tuple[str, str | None]] = []
    POLICIES[policy_name].validate(args, lambda message, at=None: found.append((message, at)))
    return found


def messages(policy_name: str, args: ResourceValidationArgs) -> list[str]:
    return [message for message, _ in violations(policy_name, args)]


# -- resources as the program registers them ------------------------------------------------------


def cluster_props(**overrides: Any) -> dict[str, Any]:
    props = {
        "clusterName": "shop",
        "enableGeoBackup": False,
        "identity": {"type": "UserAssigned", "userAssignedIdentities": [IDENTITY_ID]},
        "dataEncryption": {
            "type": "AzureKeyVault",
            "primaryKeyUri": KEY_URI,
            "primaryUserAssignedIdentityId": IDENTITY_ID,
        },
    }
    return {**props, **overrides}


def elastic_props(**overrides: Any) -> dict[str, Any]:
    props = {
        "serverName": "shop",
        "cluster": {"clusterSize": 2},
        "identity": {"type": "UserAssigned", "userAssignedIdentities": {IDENTITY_ID: {}}},
        "dataEncryption": {
            "type": "AzureKeyVault",
            "primaryKeyURI": "https://kv-shop.vault.azure.net/keys/cmk",
            "primaryUserAssignedIdentityId": IDENTITY_ID,
        },
    }
    return {**props, **overrides}


def vault_props(**properties: Any) -> dict[str, Any]:
    base = {
        "enableSoftDelete": True,
        "enablePurgeProtection": True,
        "softDeleteRetentionInDays": 90,
        "enableRbacAuthorization": False,
    }
    return {"vaultName": "kv-shop", "properties": {**base, **properties}}


ROTATION = {
    "attributes": {"expiryTime": "P365D"},
    "lifetimeActions": [
        {"trigger": {"timeAfterCreate": "P90D"}, "action": {"type": "rotate"}},
        {"trigger": {"timeBeforeExpiry": "P30D"}, "action": {"type": "notify"}},
    ],
}


def key_props(**properties: Any) -> dict[str, Any]:
    base = {"kty": "RSA-HSM", "keySize": 3072, "rotationPolicy": ROTATION}
    return {"vaultName": "kv-shop", "keyName": "cmk", "properties": {**base, **properties}}


# -- 1. postgres-cluster-cmk --------------------------------------------------------------------


def test_cluster_with_a_customer_managed_key_passes():
    assert violations("postgres-cluster-cmk", resource_args(CLUSTER, cluster_props())) == []


def test_cluster_without_data_encryption_fails():
    props = cluster_props()
    del props["dataEncryption"]
    assert messages("postgres-cluster-cmk", resource_args(CLUSTER, props)) == [
        "dataEncryption is not set: the cluster is encrypted with a service-managed key."
    ]


def test_cluster_with_a_service_managed_key_fails():
    props = cluster_props(dataEncryption={"type": "SystemManaged"})
    assert messages("postgres-cluster-cmk", resource_args(CLUSTER, props)) == [
        "dataEncryption.type is 'SystemManaged', not 'AzureKeyVault': the cluster is "
        "encrypted with a service-managed key."
    ]


def test_cluster_whose_key_identity_is_not_assigned_fails():
    props = cluster_props(
        identity={"type": "UserAssigned", "userAssignedIdentities": [OTHER_IDENTITY_ID]}
    )
    assert messages("postgres-cluster-cmk", resource_args(CLUSTER, props)) == [
        f"dataEncryption.primaryUserAssignedIdentityId {IDENTITY_ID} is not one of the "
        "cluster's user-assigned identities (identity.userAssignedIdentities): the service "
        "cannot use it to reach the key."
    ]


def test_elastic_cluster_names_its_identity_in_a_map_keyed_by_id():
    args = resource_args(SERVER, elastic_props())
    assert violations("postgres-cluster-cmk", args) == []
    props = elastic_props(
        identity={"type": "UserAssigned", "userAssignedIdentities": {OTHER_IDENTITY_ID: {}}}
    )
    props["dataEncryption"]["primaryKeyURI"] = ""
    assert messages("postgres-cluster-cmk", resource_args(SERVER, props)) == [
        "dataEncryption.primaryKeyURI is not set: no key to encrypt with.",
        f"dataEncryption.primaryUserAssignedIdentityId {IDENTITY_ID} is not one of the "
        "cluster's user-assigned identities (identity.userAssignedIdentities): the service "
        "cannot use it to reach the key.",
    ]


def test_a_flexible_server_that_is_not_an_elastic_cluster_is_not_judged():
    service_managed = elastic_props(dataEncryption={"type": "SystemManaged"})
    assert len(violations("postgres-cluster-cmk", resource_args(SERVER, service_managed))) == 1
    # The same type token from an explicitly versioned module is judged alike.
    versioned = "azure-native:dbforpostgresql/v20250801:Server"
    assert len(violations("postgres-cluster-cmk", resource_args(versioned, service_managed))) == 1
    del service_managed["cluster"]
    assert violations("postgres-cluster-cmk", resource_args(SERVER, service_managed)) == []


def test_computed_identity_ids_skip_only_the_membership_check():
    # First deployment: the identity's id is known only after it is created.
    props = cluster_props(identity={"type": "UserAssigned", "userAssignedIdentities": [U]})
    props["dataEncryption"]["primaryUserAssignedIdentityId"] = U
    assert violations("postgres-cluster-cmk", resource_args(CLUSTER, props)) == []
    # A type that cannot be known stops the rule, as the SDK intends (an advisory note).
    props["dataEncryption"]["type"] = U
    with pytest.raises(UnknownValueError):
        violations("postgres-cluster-cmk", resource_args(CLUSTER, props))


# -- 2. postgres-cluster-cmk-no-geo-backup ------------------------------------------------------


def test_cmk_cluster_without_geo_backup_passes():
    args = resource_args(CLUSTER, cluster_props())
    assert violations("postgres-cluster-cmk-no-geo-backup", args) == []
    # Geo-redundant backup with a service-managed key is not this rule's business.
    smk = resource_args(CLUSTER, cluster_props(enableGeoBackup=True, dataEncryption=None))
    assert violations("postgres-cluster-cmk-no-geo-backup", smk) == []


def test_cmk_cluster_with_geo_backup_fails():
    args = resource_args(CLUSTER, cluster_props(enableGeoBackup=True))
    assert messages("postgres-cluster-cmk-no-geo-backup", args) == [
        "enableGeoBackup is true on a cluster encrypted with a customer-managed key: "
        "\"Customer managed key (CMK) isn't supported for clusters with geo-redundant backup "
        'enabled" (reference-limits).'
    ]
    # Elastic clusters support it (with a key of their own in the backup region).
    geo = elastic_props(backup={"geoRedundantBackup": "Enabled"})
    assert violations("postgres-cluster-cmk-no-geo-backup", resource_args(SERVER, geo)) == []


# -- 3. keyvault-recoverable --------------------------------------------------------------------


def test_recoverable_vault_passes():
    assert violations("keyvault-recoverable", resource_args(VAULT, vault_props())) == []
    # Unset, soft delete and 90-day retention are the API's defaults.
    defaults = {"properties": {"enablePurgeProtection": True}}
    assert violations("keyvault-recoverable", resource_args(VAULT, defaults)) == []


def test_vault_without_soft_delete_purge_protection_or_90_days_fails():
    props = vault_props(enableSoftDelete=False, softDeleteRetentionInDays=7)
    del props["properties"]["enablePurgeProtection"]
    assert messages("keyvault-recoverable", resource_args(VAULT, props)) == [
        "properties.enableSoftDelete is false: a deleted key is gone at once.",
        "properties.enablePurgeProtection is not set (off): anyone allowed to purge can "
        "destroy the key, and with it the data, before the retention period ends.",
        "properties.softDeleteRetentionInDays is 7, not 90: Cosmos DB for PostgreSQL requires "
        "90 days, and it cannot be changed after creation.",
    ]


# -- 4. keyvault-key-type-and-size --------------------------------------------------------------


def test_rsa_key_of_the_minimum_size_passes():
    assert violations("keyvault-key-type-and-size", resource_args(KEY, key_props())) == []
    rsa = key_props(kty="RSA", keySize=4096)
    assert violations("keyvault-key-type-and-size", resource_args(KEY, rsa)) == []


def test_ec_or_small_key_fails():
    ec = resource_args(KEY, key_props(kty="EC", keySize=None))
    assert messages("keyvault-key-type-and-size", ec) == [
        "properties.kty is 'EC': the services wrap their data key only with RSA or RSA-HSM keys."
    ]
    small = resource_args(KEY, key_props(keySize=2048))
    assert messages("keyvault-key-type-and-size", small) == [
        "properties.keySize is 2048 bits, below the minimum of 3072."
    ]
    unset = key_props()
    del unset["properties"]["keySize"]
    assert messages("keyvault-key-type-and-size", resource_args(KEY, unset)) == [
        "properties.keySize is not set: Key Vault creates a 2048-bit key, below the minimum "
        "of 3072 bits."
    ]


def test_the_minimum_key_size_is_configurable():
    args = resource_args(KEY, key_props(), config={"minKeySize": 4096})
    assert messages("keyvault-key-type-and-size", args) == [
        "properties.keySize is 3072 bits, below the minimum of 4096."
    ]


# -- 5. keyvault-key-rotation -------------------------------------------------------------------


def test_key_that_rotates_and_expires_passes():
    assert violations("keyvault-key-rotation", resource_args(KEY, key_props())) == []
    two_years = {**ROTATION, "attributes": {"expiryTime": "P730D"}}
    assert (
        violations("keyvault-key-rotation", resource_args(KEY, key_props(rotationPolicy=two_years)))
        == []
    )


def test_key_without_rotation_or_with_a_long_expiry_fails():
    none = resource_args(KEY, key_props(rotationPolicy=None))
    assert messages("keyvault-key-rotation", none) == [
        "properties.rotationPolicy is not set: the key never rotates and never expires."
    ]
    notify_only = {"lifetimeActions": [ROTATION["lifetimeActions"][1]], "attributes": {}}
    assert messages(
        "keyvault-key-rotation", resource_args(KEY, key_props(rotationPolicy=notify_only))
    ) == [
        "properties.rotationPolicy.lifetimeActions has no action of type 'rotate': Key Vault "
        "never creates a new key version by itself.",
        "properties.rotationPolicy.attributes.expiryTime is not set: key versions never "
        "expire (at most 730 days, e.g. P365D).",
    ]
    long = {**ROTATION, "attributes": {"expiryTime": "P2Y"}}
    assert messages(
        "keyvault-key-rotation", resource_args(KEY, key_props(rotationPolicy=long))
    ) == [
        "properties.rotationPolicy.attributes.expiryTime P2Y lets a key version live up to "
        "732 days, more than the maximum of 730."
    ]
    garbled = {**ROTATION, "attributes": {"expiryTime": "365 days"}}
    assert messages(
        "keyvault-key-rotation", resource_args(KEY, key_props(rotationPolicy=garbled))
    ) == [
        "properties.rotationPolicy.attributes.expiryTime '365 days' is not an ISO 8601 "
        "duration such as P365D."
    ]


def test_the_maximum_validity_is_configurable():
    args = resource_args(KEY, key_props(), config={"maxValidityDays": 180})
    assert messages("keyvault-key-rotation", args) == [
        "properties.rotationPolicy.attributes.expiryTime P365D lets a key version live up to "
        "365 days, more than the maximum of 180."
    ]


@pytest.mark.parametrize(
    ("duration", "days"),
    [("P365D", 365), ("P1Y10D", 376), ("P3M", 93), ("P2W", 14), ("PT48H", 2), ("p90d", 90)],
)
def test_expiry_durations_count_their_longest_span(duration, days):
    assert rules.duration_days(duration) == days


@pytest.mark.parametrize("text", ["P", "PT", "365", "P1.5Y", "", "1Y"])
def test_what_is_not_a_duration(text):
    assert rules.duration_days(text) is None


# -- 6. cmk-resources-protected -----------------------------------------------------------------


def test_protected_cluster_vault_and_key_pass():
    for resource_type, props in (
        (CLUSTER, cluster_props()),
        (VAULT, vault_props()),
        (KEY, key_props()),
    ):
        assert violations("cmk-resources-protected", resource_args(resource_type, props)) == []
    # Other resources are not this rule's business.
    assert violations("cmk-resources-protected", resource_args(IDENTITY, {}, protect=False)) == []


def test_unprotected_cluster_vault_and_key_fail():
    found = [
        messages("cmk-resources-protected", resource_args(t, p, protect=False))
        for t, p in ((CLUSTER, cluster_props()), (VAULT, vault_props()), (KEY, key_props()))
    ]
    prefix = "The resource option protect is off: `pulumi destroy`, or removing the resource "
    assert found == [
        [prefix + "from the program, deletes the cluster and its data."],
        [
            prefix
            + "from the program, deletes the vault, and the cluster's data becomes unreadable."
        ],
        [prefix + "from the program, deletes the key, and the cluster's data becomes unreadable."],
    ]


# -- 7. cmk-identity-key-access (the stack) -----------------------------------------------------


def stack_resource(resource_type: str, name: str, props: dict[str, Any]) -> PolicyResource:
    return PolicyResource(
        resource_type,
        unknown_checking_proxy(copy.deepcopy(props)),
        urn(resource_type, name),
        name,
        options(),
        None,
        None,
        [],
        {},
    )


def link(resource: PolicyResource, *needs: PolicyResource, **by_property: list) -> None:
    """The resource's dependencies (``needs`` plus every property dependency)."""
    resource.property_dependencies.update(by_property)
    for needed in [*needs, *(r for deps in by_property.values() for r in deps)]:
        if needed not in resource.dependencies:
            resource.dependencies.append(needed)


def cmk_stack(
    *,
    keys: list[str] | None = None,
    grant: bool = True,
    cluster_waits: bool = True,
    known: bool = True,
    by_dependency: bool = True,
) -> dict[str, PolicyResource]:
    """Identity, vault, access policy, key and cluster, as the stack's outputs. ``known``
    False: a first deployment's preview, where the identity's ids and the vault's autoname
    are computed; ``by_dependency`` False: no property dependencies (values only)."""
    value = (lambda v: v) if known else (lambda _v: U)
    identity = stack_resource(
        IDENTITY,
        "identity",
        {"name": "id-shop", "resourceGroupName": "rg-shop", "principalId": value(PRINCIPAL)},
    )
    vault = stack_resource(VAULT, "vault", {**vault_props(), "name": value("kv-shop")})
    policy = stack_resource(
        ACCESS_POLICY,
        "access",
        {
            "vaultName": value("kv-shop"),
            "policy": {
                "objectId": value(PRINCIPAL),
                "permissions": {"keys": keys or ["get", "wrapKey", "unwrapKey"]},
            },
        },
    )
    key = stack_resource(KEY, "key", {**key_props(), "vaultName": value("kv-shop")})
    cluster = stack_resource(
        CLUSTER,
        "cluster",
        cluster_props(
            identity={"type": "UserAssigned", "userAssignedIdentities": [value(IDENTITY_ID)]},
            dataEncryption={
                "type": "AzureKeyVault",
                "primaryKeyUri": value(KEY_URI),
                "primaryUserAssignedIdentityId": value(IDENTITY_ID),
            },
        ),
    )
    deps = by_dependency
    link(policy, policy=[identity] if deps else [], vaultName=[vault] if deps else [])
    link(key, policy if grant and cluster_waits else vault, vaultName=[vault] if deps else [])
    link(
        cluster,
        *([policy] if cluster_waits and grant else []),
        identity=[identity] if deps else [],
        dataEncryption=[identity, key] if deps else [],
    )
    found = {"identity": identity, "vault": vault, "key": key, "cluster": cluster}
    if grant:
        found["access"] = policy
    return found


def stack_args(resources: dict[str, PolicyResource]) -> StackValidationArgs:
    return StackValidationArgs(list(resources.values()))


def test_exact_grant_the_cluster_waits_for_passes():
    # Matched by values alone, and by dependencies alone (a first deployment's preview).
    assert violations("cmk-identity-key-access", stack_args(cmk_stack(by_dependency=False))) == []
    assert violations("cmk-identity-key-access", stack_args(cmk_stack(known=False))) == []


def test_grant_of_more_than_get_wrap_and_unwrap_fails():
    resources = cmk_stack(keys=["get", "wrapKey", "unwrapKey", "decrypt"], known=False)
    resources["access"].props["policy"]["permissions"]["secrets"] = ["get"]
    assert violations("cmk-identity-key-access", stack_args(resources)) == [
        (
            "access policy access gives identity identity keys [get, wrapKey, unwrapKey, "
            "decrypt]; secrets [get]; a cluster's identity gets exactly keys [get, wrapKey, "
            "unwrapKey] and nothing on secrets, certificates or storage.",
            urn(ACCESS_POLICY, "access"),
        )
    ]


def test_identity_without_a_grant_on_the_key_vault_fails():
    assert violations(
        "cmk-identity-key-access", stack_args(cmk_stack(grant=False, known=False))
    ) == [
        (
            "cluster cluster uses identity identity, which has no access policy on vault vault "
            "that holds its key.",
            urn(CLUSTER, "cluster"),
        )
    ]


def test_cluster_that_does_not_wait_for_the_grant_fails():
    assert violations("cmk-identity-key-access", stack_args(cmk_stack(cluster_waits=False))) == [
        (
            "cluster cluster does not depend on access policy access, which lets identity "
            "identity use its key: it may be created before the identity can unwrap the key.",
            urn(CLUSTER, "cluster"),
        )
    ]
    # Waiting through the key, which waits for the grant, is waiting.
    resources = cmk_stack(cluster_waits=False)
    link(resources["key"], resources["access"])
    assert violations("cmk-identity-key-access", stack_args(resources)) == []


def test_grant_on_another_vault_is_no_grant():
    resources = cmk_stack(by_dependency=False)
    resources["access"].props["vaultName"] = "kv-elsewhere"
    found = violations("cmk-identity-key-access", stack_args(resources))
    assert [message for message, _ in found] == [
        "cluster cluster uses identity identity, which has no access policy on vault kv-shop "
        "that holds its key."
    ]


def test_grant_made_outside_the_stack_shows_on_a_vault_read_into_it():
    # An existing vault (Vault.get) lists its owners' grants in its outputs.
    resources = cmk_stack(grant=False)
    inline = {"objectId": PRINCIPAL, "permissions": {"keys": ["get", "wrapKey", "unwrapKey"]}}
    properties = resources["vault"].props["properties"]
    properties["accessPolicies"] = unknown_checking_proxy([inline])
    assert violations("cmk-identity-key-access", stack_args(resources)) == []
    inline["permissions"]["keys"].append("sign")
    properties["accessPolicies"] = unknown_checking_proxy([inline])
    assert [m for m, _ in violations("cmk-identity-key-access", stack_args(resources))] == [
        "the inline access policy of vault vault gives identity identity keys [get, wrapKey, "
        "unwrapKey, sign]; a cluster's identity gets exactly keys [get, wrapKey, unwrapKey] "
        "and nothing on secrets, certificates or storage."
    ]


def test_identities_and_rbac_grants_the_stack_cannot_see_are_not_judged():
    # The identity is not a resource of this stack (an id from config or a stack reference):
    # its owner's stack is judged instead.
    resources = cmk_stack(grant=False)
    del resources["identity"]
    resources["cluster"].property_dependencies.clear()
    assert violations("cmk-identity-key-access", stack_args(resources)) == []
    # An RBAC vault: role assignments can be made at any scope above it, out of sight.
    resources = cmk_stack(grant=False)
    resources["vault"].props["properties"]["enableRbacAuthorization"] = True
    assert violations("cmk-identity-key-access", stack_args(resources)) == []


def elastic_stack(role: str, keys: list[str] | None = None) -> dict[str, PolicyResource]:
    resources = cmk_stack(known=False)
    identity, vault, key = resources["identity"], resources["vault"], resources["key"]
    server = stack_resource(
        SERVER,
        "elastic",
        elastic_props(
            identity={"type": "UserAssigned", "userAssignedIdentities": U},
            dataEncryption={
                "type": "AzureKeyVault",
                "primaryKeyURI": U,
                "primaryUserAssignedIdentityId": U,
            },
        ),
    )
    assignment = stack_resource(
        ROLE_ASSIGNMENT,
        "crypto-user",
        {
            "principalId": U,
            "roleDefinitionId": role,
            "scope": U,
            "principalType": "ServicePrincipal",
        },
    )
    link(assignment, principalId=[identity], scope=[vault])
    link(server, assignment, identity=[identity], dataEncryption=[identity, key])
    found = {"identity": identity, "vault": vault, "key": key, "elastic": server}
    found["crypto-user"] = assignment
    if keys is not None:
        found["access"] = resources["access"]
        found["access"].props["policy"]["permissions"]["keys"] = keys
        link(server, found["access"])
    return found


def test_elastic_cluster_with_the_crypto_service_encryption_user_role_passes():
    assert violations("cmk-identity-key-access", stack_args(elastic_stack(CRYPTO_USER))) == []
    # Flexible server's access-policy model documents list as well.
    with_list = elastic_stack(CRYPTO_USER, keys=["get", "list", "wrapKey", "unwrapKey"])
    assert violations("cmk-identity-key-access", stack_args(with_list)) == []


def test_elastic_cluster_with_a_broader_role_fails():
    found = violations(
        "cmk-identity-key-access", stack_args(elastic_stack(KEY_VAULT_ADMINISTRATOR))
    )
    assert found == [
        (
            "role assignment crypto-user gives identity identity role definition "
            f"{KEY_VAULT_ADMINISTRATOR}, not Key Vault Crypto Service Encryption User "
            "(e147488a-f6f5-4113-8e2d-b22465e65bf6); a cluster's identity gets only the role "
            "Key Vault Crypto Service Encryption User.",
            urn(ROLE_ASSIGNMENT, "crypto-user"),
        )
    ]
    # list is for flexible server only.
    cosmos = cmk_stack(keys=["get", "list", "wrapKey", "unwrapKey"])
    assert [m for m, _ in violations("cmk-identity-key-access", stack_args(cosmos))] == [
        "access policy access gives identity identity keys [get, list, wrapKey, unwrapKey]; a "
        "cluster's identity gets exactly keys [get, wrapKey, unwrapKey] and nothing on secrets, "
        "certificates or storage."
    ]


# -- the pack, run as `pulumi preview --policy-pack` runs it ----------------------------------


@pytest.fixture(scope="module")
def pack() -> policy.PolicyPackRun:
    return policy.load_pack(POLICY_DIR)


def test_the_pack_loads_without_serving_and_reads_its_version(pack):
    assert (pack.name, pack.version, pack.key) == ("cmk-postgres", "0.1.0", "cmk-postgres@v0.1.0")
    assert {p.name for p in rules.POLICIES} == set(pack.severities)
    # Every rule carries a level, a severity, remediation steps and DP-5.
    for rule in rules.POLICIES:
        assert rule.enforcement_level and rule.severity and rule.remediation_steps
        assert rule.framework.reference == "DP-5"
    # Schema defaults reach the policies through Configure, as the engine sends them.
    assert pack.config["keyvault-key-type-and-size"] == {
        "enforcementLevel": "mandatory",
        "minKeySize": 3072,
    }
    assert pack.config["keyvault-key-rotation"]["maxValidityDays"] == 730
    assert pack.config["cmk-resources-protected"]["enforcementLevel"] == "advisory"


def test_dev_stack_passes_the_pack(pack, dev_plan):
    assert pack.analyze(dev_plan) == []


SHIPPED = [
    ("elastic-example", ROOT),
    ("restore-example", ROOT),
    ("replica-example", ROOT),
    ("dev", ROOT / "examples" / "security-stack"),
    ("dev", ROOT / "examples" / "database-stack"),
]


@pytest.mark.parametrize(("stack", "project"), SHIPPED, ids=[f"{p.name}:{s}" for s, p in SHIPPED])
def test_every_example_passes_the_pack(pack, stack, project):
    assert pack.analyze(plan_stack(stack, project_dir=project)) == []


def test_every_shipped_stack_is_covered():
    shipped = {
        (p.name, f.name) for p in (ROOT, *ROOT.glob("examples/*")) for f in p.glob("Pulumi.*.yaml")
    }
    covered = {(p.name, f"Pulumi.{s}.yaml") for s, p in [*SHIPPED, ("dev", ROOT)]}
    assert shipped - covered == {("no-cmk-cluster", "Pulumi.dev.yaml")}


def run_cli(monkeypatch, *argv: str) -> tuple[int, str, str]:
    monkeypatch.chdir(ROOT)
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def policies_block(out: str) -> str:
    return out[out.index("\nPolicies:\n") :]


def test_raw_cluster_without_cmk_fails_with_the_rule_named(monkeypatch):
    code, out, err = run_cli(
        monkeypatch, "--project-dir", "examples/no-cmk-cluster", "--policy-pack", "policy/"
    )
    assert (code, err) == (cli.EXIT_POLICY, "")
    assert policies_block(out) == (
        "\nPolicies:\n"
        "    ❌ cmk-postgres@v0.1.0 (local: policy)\n"
        "        - [mandatory] [severity: critical]  postgres-cluster-cmk  "
        "(azure-native:dbforpostgresql:ServerGroupCluster: orders)\n"
        f"          {CMK_DESCRIPTION}\n"
        "          dataEncryption is not set: the cluster is encrypted with a service-managed "
        "key.\n"
        "\n"
    )


def test_service_managed_stack_exits_4_on_the_cmk_rule(monkeypatch, tmp_path):
    stack_file = tmp_path / "Pulumi.smk.yaml"
    stack_file.write_text(
        "config:\n  cmkpg:location: westeurope\n  cmkpg:encryption: serviceManaged\n"
    )
    code, out, _ = run_cli(monkeypatch, "--config", str(stack_file), "--policy-pack", "./policy")
    assert code == 4
    assert (
        "[mandatory] [severity: critical]  postgres-cluster-cmk  "
        "(azure-native:dbforpostgresql:ServerGroupCluster: cmkpg-cluster)" in out
    )
    assert policies_block(out).count("        - [") == 1


def test_dev_stack_offline_preview_reports_no_violation(monkeypatch):
    code, out, err = run_cli(monkeypatch, "--stack", "dev", "--policy-pack", "policy")
    assert (code, err) == (cli.EXIT_OK, "")
    assert out.endswith("\nPolicies:\n    ✅ cmk-postgres@v0.1.0 (local: policy)\n\n")


def test_policy_pack_config_sets_levels_and_properties(monkeypatch, tmp_path):
    config = tmp_path / "policy-config.json"
    config.write_text(
        '{"postgres-cluster-cmk": "advisory", "keyvault-key-type-and-size": {"minKeySize": 4096}}'
    )
    code, out, _ = run_cli(
        monkeypatch,
        "--project-dir",
        "examples/no-cmk-cluster",
        "--policy-pack",
        "policy",
        "--policy-pack-config",
        str(config),
    )
    assert code == cli.EXIT_OK  # advisory only
    assert (
        "    ⚠️ cmk-postgres@v0.1.0 (local: policy)\n"
        "        - [advisory] [severity: critical]  postgres-cluster-cmk" in out
    )
    code, out, _ = run_cli(
        monkeypatch, "--policy-pack", "policy", "--policy-pack-config", str(config)
    )
    assert code == cli.EXIT_POLICY
    assert (
        "[mandatory] [severity: medium]  keyvault-key-type-and-size  "
        "(azure-native:keyvault:Key: cmkpg-key)" in out
    )
    assert "properties.keySize is 3072 bits, below the minimum of 4096." in out


def test_all_disables_every_policy(monkeypatch, tmp_path):
    config = tmp_path / "off.json"
    config.write_text('{"all": "disabled"}')
    code, out, _ = run_cli(
        monkeypatch,
        "--project-dir",
        "examples/no-cmk-cluster",
        "--policy-pack",
        "policy",
        "--policy-pack-config",
        str(config),
    )
    assert code == cli.EXIT_OK and "✅ cmk-postgres@v0.1.0" in out


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (
            '{"keyvault-key-type-and-size": {"minKeySize": 1024}}',
            "validating policy config: cmk-postgres 0.1.0  keyvault-key-type-and-size: "
            "minKeySize: minKeySize must be one of the following: 2048, 3072, 4096",
        ),
        (
            '{"keyvault-key-rotation": {"maxValidityDays": "two years"}}',
            "validating policy config: cmk-postgres 0.1.0  keyvault-key-rotation: "
            "maxValidityDays: Invalid type. Expected: integer, given: string",
        ),
        (
            '{"keyvault-key-rotation": {"maxValidityDays": 7}}',
            "validating policy config: cmk-postgres 0.1.0  keyvault-key-rotation: "
            "maxValidityDays: Must be greater than or equal to 28",
        ),
        (
            '{"postgres-cluster-cmk": "strict"}',
            'parsing enforcement level for "postgres-cluster-cmk": "strict" is not a valid '
            "enforcement level",
        ),
    ],
)
def test_invalid_pack_config_is_a_config_error(monkeypatch, tmp_path, content, error):
    config = tmp_path / "bad.json"
    config.write_text(content)
    code, out, err = run_cli(
        monkeypatch, "--policy-pack", "policy", "--policy-pack-config", str(config)
    )
    assert (code, out, err) == (cli.EXIT_INVALID_CONFIG, "", f"error: {error}\n")


def test_pack_config_flags_pair_with_pack_flags(monkeypatch, tmp_path):
    config = tmp_path / "c.json"
    config.write_text("{}")
    code, _, err = run_cli(monkeypatch, "--policy-pack-config", str(config))
    assert (code, err) == (
        2,
        'error: "--policy-pack-config" must be specified with "--policy-pack"\n',
    )


def test_missing_pulumi_policy_is_one_line_naming_the_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pulumi_policy", None)
    code, out, err = run_cli(monkeypatch, "--policy-pack", "policy")
    assert (code, out) == (cli.EXIT_FAILED, "")
    assert err == (
        "error: --policy-pack needs pulumi-policy in this environment: pip install --no-deps "
        "-r requirements-policy.txt (pulumi-policy==1.21.0)\n"
    )


def test_unknown_values_are_matched_by_dependencies_through_the_wire(pack, dev_plan):
    """The dev plan as a first deployment's preview shows it: the identity's ids computed,
    so the grant and the cluster reach the identity by dependencies only."""
    plan = copy.deepcopy(dev_plan)
    identity, access, cluster = (plan.one(IDENTITY), plan.one(ACCESS_POLICY), plan.one(CLUSTER))
    identity.wire_outputs["principalId"] = wire.UNKNOWN_VALUE
    for state in (access.wire_inputs, access.wire_outputs):
        state["policy"]["objectId"] = wire.UNKNOWN_VALUE
    for state in (cluster.wire_inputs, cluster.wire_outputs):
        state["identity"]["userAssignedIdentities"] = [wire.UNKNOWN_VALUE]
        state["dataEncryption"]["primaryUserAssignedIdentityId"] = wire.UNKNOWN_VALUE
    assert pack.analyze(plan) == []
    cluster.dependencies.remove(access.urn)
    plan.one(KEY).dependencies.remove(access.urn)  # nor through the key
    (found,) = pack.analyze(plan)
    assert (found.policy, found.level, found.urn) == (
        "cmk-identity-key-access",
        "mandatory",
        cluster.urn,
    )


def test_unknown_values(pack, dev_plan):
    """pulumi-policy's ``unknown_values`` integration test: a value a rule must read is
    unknown during preview, so the SDK skips the rule with an advisory note."""
    plan = copy.deepcopy(dev_plan)
    plan.one(VAULT).wire_inputs["properties"]["enablePurgeProtection"] = wire.UNKNOWN_VALUE
    (found,) = pack.analyze(plan)
    assert found == policy.Violation(
        policy="keyvault-recoverable",
        level="advisory",
        severity="high",
        urn=plan.one(VAULT).urn,
        message="can't run policy 'keyvault-recoverable' from policy pack 'cmk-postgres@v0.0.1' "
        "during preview: string value at .properties.enablePurgeProtection can't be known "
        "during preview",
    )


# -- the engine and display behaviour the runner emulates ---------------------------------------


def write_pack(folder: Path, body: str) -> Path:
    folder.mkdir()
    (folder / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (folder / "__main__.py").write_text(
        "from pulumi_policy import (EnforcementLevel, PolicyPack, ResourceValidationPolicy,\n"
        "    StackValidationPolicy)\n" + body
    )
    return folder


def test_stack_violations_without_a_resource_are_the_stacks(monkeypatch, tmp_path, dev_plan):
    """resolveStackPolicyViolationURN; a pack without a version is v0.0.1; no severity."""
    folder = write_pack(
        tmp_path / "stack-pack",
        "PolicyPack('stack-pack', [StackValidationPolicy('stack-wide', 'Looks at the stack.', "
        "lambda args, report: (report('no resource'), report('named', 'urn:nowhere')))],"
        " EnforcementLevel.MANDATORY)\n",
    )
    run = policy.load_pack(folder)
    assert [(v.urn, v.message) for v in run.analyze(dev_plan)] == [
        (cli.stack_urn(dev_plan), "Looks at the stack.\nno resource"),
        (cli.stack_urn(dev_plan), "Looks at the stack.\nnamed"),
    ]
    out = io.StringIO()
    policy.render([run], out)
    assert out.getvalue().splitlines()[2:5] == [
        f"    ❌ stack-pack@v0.0.1 (local: {run.path})",
        "        - [mandatory]  stack-wide  (pulumi:pulumi:Stack: cmkpg-dev)",
        "          Looks at the stack.",
    ]


def test_a_policy_that_raises_fails_the_preview(monkeypatch, tmp_path):
    folder = write_pack(
        tmp_path / "broken",
        "def boom(args, report):\n    raise KeyError('oops')\n"
        "PolicyPack('broken', [ResourceValidationPolicy('boom', 'Breaks.', boom)])\n",
    )
    code, out, err = run_cli(
        monkeypatch, "--project-dir", "examples/no-cmk-cluster", "--policy-pack", str(folder)
    )
    assert code == cli.EXIT_FAILED and "Policies:" not in out
    assert err.startswith("error: failed to run policy pack broken@v0.0.1 on urn:pulumi:dev::")
    assert err.endswith("KeyError: 'oops'\n")


def test_a_folder_that_is_no_pack_is_a_config_error(monkeypatch, tmp_path):
    code, _, err = run_cli(monkeypatch, "--policy-pack", str(tmp_path))
    assert (code, err) == (2, f"error: {tmp_path}: no PulumiPolicy.yaml: not a policy pack\n")


def test_simple_analyze_resource_multiple_violations_render():
    """Rendering as pulumi/pulumi's TestSimpleAnalyzeResourceMultipleViolations golden file
    (progress.stdout.txt), and the order of printPolicies: level, severity, name, URN."""
    resource = "urn:pulumi:test::test::pkgA:m:typA::resA"
    run = policy.PolicyPackRun("analyzerA", "1.0.0", "pack", None, {}, {})
    run.violations = [
        policy.Violation("warns", "advisory", "low", resource, "a policy warned"),
        policy.Violation(
            "always-fails-critical", "mandatory", "critical", resource, "a policy failed"
        ),
        policy.Violation("fails-unrated", "mandatory", "", resource, "line one\nline two"),
    ]
    out = io.StringIO()
    policy.render([run], out)
    assert out.getvalue() == (
        "\nPolicies:\n"
        "    ❌ analyzerA@v1.0.0 (local: pack)\n"
        "        - [mandatory] [severity: critical]  always-fails-critical  (pkgA:m:typA: resA)\n"
        "          a policy failed\n"
        "        - [mandatory]  fails-unrated  (pkgA:m:typA: resA)\n"
        "          line one\n"
        "          line two\n"
        "        - [advisory] [severity: low]  warns  (pkgA:m:typA: resA)\n"
        "          a policy warned\n"
        "\n"
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/Users/username/test-policy", "/Users/username/test-policy"),
        ("./..//test-policy", "../test-policy"),
        (
            "/Users/username/averylongpath/one/two/three/four/five/six/seven/eight/nine/ten/"
            "eleven/twelve/test-policy",
            "/Users/.../twelve/test-policy",
        ),
        (
            "nonrootdir/username/averylongpath/one/two/three/four/five/six/seven/eight/nine/"
            "ten/eleven/twelve/test-policy",
            "nonrootdir/username/.../twelve/test-policy",
        ),
    ],
)
def test_abbreviate_file_path(path, expected):
    assert policy.abbreviate_path(path) == expected


@pytest.mark.parametrize(
    ("given", "wanted"),
    [
        ("incomplete", "incomplete"),
        ("pkg:mod:", "pkg:mod:"),
        ("pkg:mod:typ", "pkg:mod:typ"),
        ("pkg:Mod/foo:typ", "pkg:Mod/foo:typ"),
        ("pkg:mod/foo/bar:Bar", "pkg:mod/foo:Bar"),
        ("random:index/randomPassword:RandomPassword", "random:index:RandomPassword"),
    ],
)
def test_type_display_name(given, wanted):
    assert policy.display_type(given) == wanted


def test_reconcile_policy_pack_config_with_initial_config(pack):
    """config.go: schema defaults, then the pack's initial config, then the file; ``all``
    first within each layer."""
    info = pack.servicer.GetAnalyzerInfo(None, None)
    result = policy.reconcile_config(
        info,
        {"all": {"enforcementLevel": "advisory"}},
        {
            "postgres-cluster-cmk": {"enforcementLevel": "disabled"},
            "keyvault-key-rotation": {"maxValidityDays": 365},
        },
    )
    assert result["postgres-cluster-cmk"] == {"enforcementLevel": "disabled"}
    assert result["keyvault-key-rotation"] == {
        "enforcementLevel": "advisory",
        "maxValidityDays": 365,
    }
    assert result["keyvault-key-type-and-size"] == {
        "enforcementLevel": "advisory",
        "minKeySize": 3072,
    }
