"""The official contract: every planned ARM request body satisfies the vendored REST API specs.

Plans of every shipped stack file are turned into the bodies the provider would PUT and
validated against ``contracts/azure-rest-api-specs`` (tools/contract.py). The tests also
show that the check can fail (wrong types, enums, formats, missing required properties,
misspelt and read-only properties) and that it accepts every official example request.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    ACCESS_POLICY,
    CLUSTER,
    CMK,
    IDENTITY,
    KEY,
    LOCATION,
    PASSWORD,
    RESOURCE_GROUP,
    ROOT,
    SMK,
    VAULT,
    run_stack,
)

from cmkpg.preview.cli import plan_stack
from cmkpg.preview.engine import Plan, Registration
from tools import azure_api, contract

ACTION_GROUP = "azure-native:monitor:ActionGroup"
ACTIVITY_LOG_ALERT = "azure-native:monitor:ActivityLogAlert"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
SUB = "00000000-0000-0000-0000-000000000000"
TENANT = "00000000-0000-0000-0000-000000000001"
IDENTITY_ID = (
    f"/subscriptions/{SUB}/resourceGroups/rg-x/providers/"
    "Microsoft.ManagedIdentity/userAssignedIdentities/id-x"
)


def _problems(results: dict[str, list[str]]) -> list[str]:
    return [f"{urn}: {problem}" for urn, found in results.items() for problem in found]


# -- every shipped stack --------------------------------------------------------------------


def _stack_files() -> list[tuple[str, Path, Path]]:
    """(stack, project dir, file) for Pulumi.<stack>.yaml at the root and in examples/*/."""
    examples = (
        d
        for d in (ROOT / "examples").glob("*")
        if (d / "Pulumi.yaml").is_file() and (d / "__main__.py").is_file()
    )
    projects = [ROOT, *sorted(examples)]
    return [
        (file.name[len("Pulumi.") : -len(".yaml")], project, file)
        for project in projects
        for file in sorted(project.glob("Pulumi.*.yaml"))
    ]


STACK_FILES = _stack_files()


def test_stack_files_are_found():
    assert ("dev", ROOT, ROOT / "Pulumi.dev.yaml") in STACK_FILES


@pytest.mark.parametrize(
    ("stack", "project_dir", "file"),
    STACK_FILES,
    ids=[str(file.relative_to(ROOT)) for _, _, file in STACK_FILES],
)
def test_every_shipped_stack_sends_only_valid_bodies(stack: str, project_dir: Path, file: Path):
    plan = plan_stack(stack, file, project_dir=project_dir)
    results = contract.validate_plan(plan)
    assert results, "no body was checked"
    assert _problems(results) == []


def _service_managed_config() -> dict[str, Any]:
    return dict(SMK)


# Plans beyond the shipped files that reach the program's other branches: service-managed
# encryption, and a wide customer-managed one (multi-node, HA, zone, premium vault with an
# HSM key that has activation and expiry times, fixed names, public access).
VARIANTS: dict[str, Callable[[], dict[str, Any]]] = {
    "service-managed": _service_managed_config,
    "wide-cmk": lambda: {
        **CMK,
        "alertWebhooks": ["https://alerts.example.com/hook"],
        "tags": {"team": "orders"},
        "identity.name": "id-orders",
        "vault.name": "kv-orders-1",
        "vault.sku": "premium",
        "key.name": "orders-key",
        "key.type": "RSA-HSM",
        "key.size": 4096,
        "key.notBefore": "2020-01-01T00:00:00Z",
        "key.expiresOn": "2028-01-01T00:00:00Z",
        "cluster.name": "orders-db",
        "cluster.nodeCount": 4,
        "cluster.nodeVCores": 8,
        "cluster.enableHa": True,
        "cluster.preferredPrimaryZone": "1",
        "cluster.coordinatorPublicIpAccess": True,
        "cluster.nodePublicIpAccess": True,
        "cluster.firewallRules": {"office": "198.51.100.0/28", "vpn": "203.0.113.7"},
        "cluster.allowAzureServices": True,
        "lock": True,
    },
    "existing-resource-group": lambda: {**CMK, "resourceGroupName": "rg-shared"},
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_other_configurations_send_only_valid_bodies(variant: str):
    plan = run_stack(VARIANTS[variant](), secret_keys=("alertWebhooks",))
    results = contract.validate_plan(plan)
    assert {plan.by_urn(urn).type for urn in results} >= {CLUSTER}
    assert _problems(results) == []


def test_sdk_names_become_wire_names():
    # keys.json names the key's times nbf/exp; the SDK calls them notBefore/expires.
    plan = run_stack(VARIANTS["wide-cmk"](), secret_keys=("alertWebhooks",))
    _, body = contract.request_body(plan.one(KEY))
    assert set(body["properties"]["attributes"]) >= {"nbf", "exp"}
    assert body["properties"]["attributes"]["nbf"] == 1577836800  # 2020-01-01T00:00:00Z


# -- the dev plan: what is checked, how bodies are built ------------------------------------


def test_dev_plan_checks_every_contract_resource(dev_plan: Plan):
    results = contract.validate_plan(dev_plan)
    checked = {dev_plan.by_urn(urn).type for urn in results}
    assert checked >= {CLUSTER, VAULT, KEY, ACCESS_POLICY, IDENTITY}  # never vacuous
    assert _problems(results) == []
    # Every created custom resource is either checked or listed as having no contract.
    listed = {r.urn for r in contract.no_contract(dev_plan)}
    created = {r.urn for r in dev_plan.resources if r.custom and not r.read}
    assert created == set(results) | listed
    assert not set(results) & listed


def test_no_contract_types_are_listed_not_passed(dev_plan: Plan):
    listed = {r.type for r in contract.no_contract(dev_plan)}
    assert listed == {
        PASSWORD,
        "azure-native:eventgrid:SystemTopic",
        "azure-native:eventgrid:SystemTopicEventSubscription",
    }
    assert all(contract.has_no_contract(t) for t in listed)
    assert not any(contract.has_no_contract(t) for t in contract.CONTRACTS)
    for resource_type in (
        RESOURCE_GROUP,
        "azure-native:monitor:DiagnosticSetting",
        "azure-native:operationalinsights:Workspace",
        "azure-native:monitor:ScheduledQueryRule",
        "azure-native:authorization:ManagementLockByScope",
        "azure-native:dbforpostgresql:ServerGroupFirewallRule",
    ):
        assert resource_type in contract.CONTRACTS


def _registration(resource_type: str, inputs: dict[str, Any], **extra: Any) -> Registration:
    return Registration(
        urn=f"urn:pulumi:test::cmkpg::{resource_type}::x",
        type=resource_type,
        name="x",
        parent="",
        custom=True,
        inputs=inputs,
        **extra,
    )


def test_unknown_type_is_a_problem_and_reads_send_nothing():
    unknown = _registration("azure-native:storage:StorageAccount", {"location": LOCATION})
    read = _registration(VAULT, {}, read=True)
    plan = Plan(project="cmkpg", stack="t", resources=[unknown, read], outputs={}, messages=[])
    assert list(contract.validate_plan(plan)) == [unknown.urn]
    assert "no contract mapping" in contract.validate_plan(plan)[unknown.urn][0]
    assert contract.request_body(read) is None
    with pytest.raises(KeyError):
        contract.request_body(unknown)


def test_cluster_body_shape(dev_plan: Plan):
    cluster = dev_plan.one(CLUSTER)
    definition, body = contract.request_body(cluster)
    assert definition.endswith("postgresqlhsc.json#/definitions/Cluster")
    assert set(body) == {"location", "tags", "identity", "properties"}
    assert "clusterName" not in body["properties"]
    assert "resourceGroupName" not in body["properties"]
    # The SDK's list of identity ids becomes the REST map of id -> {}.
    ids = cluster.inputs["identity"]["userAssignedIdentities"]
    assert body["identity"]["userAssignedIdentities"] == {i: {} for i in ids}
    # A masked secret is kept; it is a string, as the spec wants.
    assert body["properties"]["administratorLoginPassword"] == "[secret]"
    assert cluster.inputs["identity"]["userAssignedIdentities"] == ids  # inputs untouched


def test_vault_key_policy_identity_body_shapes(dev_plan: Plan):
    _, vault = contract.request_body(dev_plan.one(VAULT))
    assert set(vault) == {"location", "tags", "properties"}
    _, key = contract.request_body(dev_plan.one(KEY))
    assert set(key) == {"tags", "properties"}
    policy = dev_plan.one(ACCESS_POLICY)
    _, body = contract.request_body(policy)
    assert body == {"properties": {"accessPolicies": [policy.inputs["policy"]]}}
    _, identity = contract.request_body(dev_plan.one(IDENTITY))
    assert set(identity) == {"location", "tags"}


# -- the check can fail -----------------------------------------------------------------------


def _at(body: dict[str, Any], path: str) -> tuple[dict[str, Any], str]:
    *parents, last = path.split(".")
    for part in parents:
        body = body[part]
    return body, last


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(body: dict[str, Any]) -> None:
        parent, last = _at(body, path)
        parent[last] = value

    return mutate


def _drop(path: str) -> Callable[[dict[str, Any]], None]:
    def mutate(body: dict[str, Any]) -> None:
        parent, last = _at(body, path)
        del parent[last]

    return mutate


def _mutated(plan: Plan, resource_type: str, mutate: Callable[[dict[str, Any]], None]) -> Any:
    definition, body = contract.request_body(plan.one(resource_type))
    body = copy.deepcopy(body)
    mutate(body)
    return definition, body


def _unconverted_identity(body: dict[str, Any]) -> None:
    body["identity"]["userAssignedIdentities"] = list(body["identity"]["userAssignedIdentities"])


# (resource type, mutation, expected problem): plain jsonschema finds these.
SCHEMA_FAILURES = {
    "geo-backup-not-boolean": (
        CLUSTER,
        _set("properties.enableGeoBackup", "yes"),
        "properties.enableGeoBackup: 'yes' is not of type 'boolean'",
    ),
    "encryption-type-enum": (
        CLUSTER,
        _set("properties.dataEncryption.type", "CustomerKey"),
        "properties.dataEncryption.type: 'CustomerKey' is not one of "
        "['AzureKeyVault', 'SystemAssigned']",
    ),
    "identity-list-unconverted": (
        CLUSTER,
        _unconverted_identity,
        "identity.userAssignedIdentities: [",  # ... is not of type 'object'
    ),
    # location is required by TrackedResource, reached through a cross-file allOf $ref.
    "cluster-without-location": (
        CLUSTER,
        _drop("location"),
        "<body>: 'location' is a required property",
    ),
    "vcores-as-string": (
        CLUSTER,
        _set("properties.coordinatorVCores", "2"),
        "properties.coordinatorVCores: '2' is not of type 'integer'",
    ),
    "vcores-over-int32": (
        CLUSTER,
        _set("properties.coordinatorVCores", 2**31),
        "properties.coordinatorVCores: 2147483648 is not a 'int32'",
    ),
    "vault-without-sku": (
        VAULT,
        _drop("properties.sku"),
        "properties: 'sku' is a required property",
    ),
    "vault-sku-enum": (
        VAULT,
        _set("properties.sku.name", "Standard"),
        "properties.sku.name: 'Standard' is not one of ['standard', 'premium']",
    ),
    "tenant-not-uuid": (
        VAULT,
        _set("properties.tenantId", "contoso.onmicrosoft.com"),
        "properties.tenantId: 'contoso.onmicrosoft.com' is not a 'uuid'",
    ),
    "key-type-enum": (
        KEY,
        _set("properties.kty", "RSA-3072"),
        "properties.kty: 'RSA-3072' is not one of",
    ),
    "policy-without-object-id": (
        ACCESS_POLICY,
        lambda body: body["properties"]["accessPolicies"][0].pop("objectId"),
        "properties.accessPolicies[0]: 'objectId' is a required property",
    ),
    "tag-not-string": (
        IDENTITY,
        _set("tags.environment", 1),
        "tags.environment: 1 is not of type 'string'",
    ),
}


@pytest.mark.parametrize("case", SCHEMA_FAILURES)
def test_wrong_bodies_are_refused(dev_plan: Plan, case: str):
    resource_type, mutate, expected = SCHEMA_FAILURES[case]
    definition, body = _mutated(dev_plan, resource_type, mutate)
    problems = contract.validate_body(definition, body)
    assert any(p.startswith(expected) for p in problems), problems


# (resource type, mutation, expected problem): only the strict walk finds these, because
# the specs never set additionalProperties: false and Draft 4 knows no readOnly.
STRICT_FAILURES = {
    "misspelt-purge-protection": (
        VAULT,
        _set("properties.enablePurgeProtecton", True),
        "properties.enablePurgeProtecton: not declared by the spec",
    ),
    # location and tags are declared only by TrackedResource (allOf); "tag" is not.
    "misspelt-top-level-through-allof": (
        CLUSTER,
        _set("tag", {}),
        "tag: not declared by the spec",
    ),
    "misspelt-in-identity-map-value": (
        CLUSTER,
        lambda body: body["identity"]["userAssignedIdentities"].update({IDENTITY_ID: {"x": 1}}),
        f'identity.userAssignedIdentities["{IDENTITY_ID}"].x: not declared by the spec',
    ),
    "misspelt-in-policy-list": (
        ACCESS_POLICY,
        lambda body: body["properties"]["accessPolicies"][0].update({"applicationID": TENANT}),
        "properties.accessPolicies[0].applicationID: not declared by the spec",
    ),
    # The task suggested properties.vaultUri, but keyvault.json 2024-11-01 declares vaultUri
    # without readOnly (see test_vault_uri_is_writable_in_this_spec); hsmPoolResourceId is.
    "vault-read-only": (
        VAULT,
        _set("properties.hsmPoolResourceId", "x"),
        "properties.hsmPoolResourceId: read-only in the spec",
    ),
    "key-read-only": (
        KEY,
        _set("properties.keyUri", "https://v.vault.azure.net/keys/k"),
        "properties.keyUri: read-only in the spec",
    ),
    "cluster-read-only": (
        CLUSTER,
        _set("properties.administratorLogin", "citus"),
        "properties.administratorLogin: read-only in the spec",
    ),
    # readOnly next to a $ref (Identity.properties): Draft 4 ignores it, Swagger means it.
    "identity-read-only-ref": (
        IDENTITY,
        _set("properties", {}),
        "properties: read-only in the spec",
    ),
}


@pytest.mark.parametrize("case", STRICT_FAILURES)
def test_undeclared_and_read_only_properties_are_refused(dev_plan: Plan, case: str):
    resource_type, mutate, expected = STRICT_FAILURES[case]
    definition, body = _mutated(dev_plan, resource_type, mutate)
    assert contract.schema_errors(definition, body) == []  # plain jsonschema misses it
    problems = contract.validate_body(definition, body)
    assert any(p.startswith(expected) for p in problems), problems


def test_vault_uri_is_writable_in_this_spec(dev_plan: Plan):
    definition, body = _mutated(
        dev_plan, VAULT, _set("properties.vaultUri", "https://kv.vault.azure.net/")
    )
    assert contract.validate_body(definition, body) == []


# -- resources other developers are adding: hand-made registrations ---------------------------

ACTION_GROUP_ID = (
    f"/subscriptions/{SUB}/resourceGroups/rg-x/providers/microsoft.insights/actionGroups/ag-x"
)
HAND_MADE: dict[str, Registration] = {
    "action-group": _registration(
        ACTION_GROUP,
        {
            "actionGroupName": "ag-x",
            "resourceGroupName": "rg-x",
            "location": "Global",
            "tags": {"environment": "dev"},
            "groupShortName": "cmkpg",
            "enabled": True,
            "emailReceivers": [
                {"name": "ops", "emailAddress": "ops@example.com", "useCommonAlertSchema": True}
            ],
            "identity": {"type": "UserAssigned", "userAssignedIdentities": [IDENTITY_ID]},
        },
    ),
    "activity-log-alert": _registration(
        ACTIVITY_LOG_ALERT,
        {
            "activityLogAlertName": "ala-x",
            "resourceGroupName": "rg-x",
            "location": "global",
            "tags": {"environment": "dev"},
            "scopes": [f"/subscriptions/{SUB}/resourceGroups/rg-x"],
            "condition": {
                "allOf": [
                    {"field": "category", "equals": "Administrative"},
                    {"field": "operationName", "equals": "Microsoft.KeyVault/vaults/delete"},
                    {"anyOf": [{"field": "level", "containsAny": ["Error", "Critical"]}]},
                ]
            },
            "actions": {
                "actionGroups": [
                    {"actionGroupId": ACTION_GROUP_ID, "webhookProperties": {"k": "v"}}
                ]
            },
            "enabled": True,
            "description": "The CMK vault was deleted.",
        },
    ),
    "role-assignment": _registration(
        ROLE_ASSIGNMENT,
        {
            "scope": f"/subscriptions/{SUB}/resourceGroups/rg-x",
            "roleAssignmentName": "00000000-0000-0000-0000-00000000000a",
            "principalId": "00000000-0000-0000-0000-00000000000b",
            "principalType": "ServicePrincipal",
            "roleDefinitionId": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/"
            "roleDefinitions/e147488a-f6f5-4113-8e2d-b22465e65bf6",
        },
    ),
}


@pytest.mark.parametrize("case", HAND_MADE)
def test_hand_made_registrations_map_and_validate(case: str):
    registration = HAND_MADE[case]
    definition, body = contract.request_body(registration)
    assert not set(body) & contract.CONTRACTS[registration.type].path_parameters
    assert contract.validate_body(definition, body) == []


def test_monitor_bodies_shape_and_failures():
    _, group = contract.request_body(HAND_MADE["action-group"])
    assert set(group) == {"location", "tags", "identity", "properties"}
    assert group["identity"]["userAssignedIdentities"] == {IDENTITY_ID: {}}
    assert group["properties"]["groupShortName"] == "cmkpg"

    long_name = copy.deepcopy(HAND_MADE["action-group"])
    long_name.inputs["groupShortName"] = "cmkpg-notifications"
    problems = contract.validate_body(*contract.request_body(long_name))
    assert any(
        p.startswith("properties.groupShortName: 'cmkpg-notifications' is too long")
        for p in problems
    ), problems

    _, alert = contract.request_body(HAND_MADE["activity-log-alert"])
    assert set(alert) == {"location", "tags", "properties"}
    no_condition = copy.deepcopy(HAND_MADE["activity-log-alert"])
    del no_condition.inputs["condition"]
    no_condition.inputs["actions"]["actionGroups"][0]["actionGroupID"] = ACTION_GROUP_ID
    problems = contract.validate_body(*contract.request_body(no_condition))
    assert "properties: 'condition' is a required property" in problems
    assert (
        "properties.actions.actionGroups[0].actionGroupID: not declared by the spec "
        "(misspelt or unsupported)" in problems
    )


# -- the official examples pass the same validator --------------------------------------------


def _official_examples() -> list[tuple[str, str, Any]]:
    """(example file, definition, request body) for every x-ms-examples of a PUT/PATCH whose
    example is vendored; the body parameter and its schema come from the spec itself."""
    found = []
    for spec in sorted(contract.SPECIFICATION.rglob("*.json")):
        if "examples" in spec.parts:
            continue
        document = json.loads(spec.read_text())
        relative = spec.relative_to(contract.SPECIFICATION).as_posix()
        for operations in document.get("paths", {}).values():
            for verb, operation in operations.items():
                if verb not in ("put", "patch"):
                    continue
                parameters = map(_parameter(document), operation["parameters"])
                body = [p for p in parameters if p.get("in") == "body"]
                for example in operation.get("x-ms-examples", {}).values():
                    file = (spec.parent / example["$ref"]).resolve()
                    if not file.is_file() or not body:
                        continue
                    request = json.loads(file.read_text())["parameters"][body[0]["name"]]
                    definition = relative + body[0]["schema"]["$ref"]
                    found.append((file.name, definition, request))
    return found


def _parameter(document: dict[str, Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def resolve(parameter: dict[str, Any]) -> dict[str, Any]:
        ref = parameter.get("$ref", "")
        if ref.startswith("#/parameters/"):
            return document["parameters"][ref.rsplit("/", 1)[1]]
        return parameter  # other files hold only path and query parameters here

    return resolve


OFFICIAL_EXAMPLES = _official_examples()


def test_every_vendored_request_example_is_used():
    vendored = {p.name for p in contract.SPECIFICATION.rglob("examples/*.json")}
    assert {name for name, _, _ in OFFICIAL_EXAMPLES} == vendored
    assert {"ClusterCreateWithCMK.json", "createVault.json", "createKey.json"} <= vendored


@pytest.mark.parametrize(
    ("example", "definition", "body"), OFFICIAL_EXAMPLES, ids=[e[0] for e in OFFICIAL_EXAMPLES]
)
def test_official_examples_are_accepted(example: str, definition: str, body: Any):
    # All of them pass the strict check too: none sends an undeclared or readOnly property.
    assert contract.validate_body(definition, body) == []


def test_the_api_facts_the_preview_ships_match_the_vendored_specs():
    assert azure_api.main([]) == 0, "run: python -m tools.azure_api --write"
