"""The component package: the schema other languages get, the inputs they send turned into
the library's args (one validation path, one message), the plugin that serves it, and the
YAML and TypeScript consumers."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import json
import re
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from conftest import ACCESS_POLICY, CLUSTER, IDENTITY, KEY, LOCATION, ROOT, VAULT, arm_id
from conftest import run_components as run_program
from packaging.requirements import Requirement
from pulumi.errors import InputPropertiesError, InputPropertyError
from pulumi.provider.server import ComponentInitError

import cmkpg
from cmkpg import (
    NO_ROTATION,
    ClusterSizing,
    CmkIdentityArgs,
    CmkKeyArgs,
    CmkMonitoringArgs,
    CmkVaultArgs,
    ComputeTier,
    CustomerManagedKey,
    ElasticClusterArgs,
    EncryptedClusterRestoreArgs,
    EncryptedCosmosPgClusterArgs,
    EncryptionMode,
    HighAvailability,
    KeyType,
    MonitoredKey,
    PermissionModel,
    ValidationError,
    VaultReference,
    VaultSku,
)
from cmkpg.config.settings import FLEXIBLE_KEY_PERMISSIONS
from cmkpg.provider import COMPONENTS, CmkpgProvider, host
from tools.scan import shipped_stacks

PACKAGE_DIR = ROOT / "package"
OTHER_LANGUAGES = ROOT / "examples" / "other-languages"
PROVIDER_MODULES = sorted((ROOT / "components" / "provider").glob("*.py"))
RG = "rg-orders"
REF_PREFIX = "#/types/cmkpg:index:"


def build_timed() -> tuple[CmkpgProvider, float]:
    started = time.perf_counter()
    provider = CmkpgProvider()
    return provider, time.perf_counter() - started


PROVIDER, FIRST_BUILD_SECONDS = build_timed()
SCHEMA: dict[str, Any] = json.loads(PROVIDER.schema)
RESOURCES: dict[str, dict[str, Any]] = {
    token.rsplit(":", 1)[-1]: spec for token, spec in SCHEMA["resources"].items()
}
TYPES: dict[str, dict[str, Any]] = {
    token.rsplit(":", 1)[-1]: spec for token, spec in SCHEMA["types"].items()
}


def kind(prop: Mapping[str, Any], *, is_input: bool = True) -> str:
    """A property's type in one line: ``Input[string]`` (takes an output), ``integer``
    (plain), ``list[string]``, ``dict[string]``, ``VaultSku`` (a type of the package), with
    `` secret`` when the schema marks it."""
    if "$ref" in prop:
        assert prop["$ref"].startswith(REF_PREFIX), prop["$ref"]
        text = prop["$ref"][len(REF_PREFIX) :]
    elif prop["type"] == "array":
        text = f"list[{kind(prop['items'], is_input=is_input)}]"
    elif prop["type"] == "object":
        text = f"dict[{kind(prop['additionalProperties'], is_input=is_input)}]"
    else:
        text = prop["type"]
    if is_input and not prop.get("plain"):
        text = f"Input[{text}]"
    return text + (" secret" if prop.get("secret") else "")


# -- the schema -------------------------------------------------------------------------------

INPUTS = {
    "CmkIdentity": {
        "name": "string",
        "existingId": "string",
        "location": "string",
        "resourceGroupName": "Input[string]",
        "protect": "boolean",
        "tags": "dict[string]",
    },
    "CmkVault": {
        "name": "string",
        "sku": "VaultSku",
        "softDeleteRetentionDays": "integer",
        "existingId": "string",
        "manageAccessPolicy": "boolean",
        "permissionModel": "PermissionModel",
        "location": "string",
        "resourceGroupName": "Input[string]",
        "granteePrincipalId": "Input[string]",
        "granteeId": "Input[string]",
        "tenantId": "Input[string]",
        "keyPermissions": "list[string]",
        "trustedServicesOnly": "boolean",
        "protect": "boolean",
        "lock": "boolean",
        "tags": "dict[string]",
    },
    "CmkKey": {
        "name": "string",
        "keyType": "KeyType",
        "size": "integer",
        "notBefore": "string",
        "expiresOn": "string",
        "rotation": "KeyRotationPolicy",
        "existingId": "string",
        "vault": "VaultReference",
        "protect": "boolean",
        "tags": "dict[string]",
    },
    "EncryptedCosmosPgCluster": {
        "resourceGroupName": "Input[string]",
        "location": "string",
        "clusterName": "string",
        "sizing": "ClusterSizing",
        "postgresqlVersion": "string",
        "citusVersion": "string",
        "databaseName": "string",
        "enableGeoBackup": "boolean",
        "administratorLoginPassword": "Input[string] secret",
        "firewallRules": "dict[string]",
        "allowAzureServices": "boolean",
        "allowAllInternet": "boolean",
        "customerManagedKey": "CustomerManagedKey",
        "source": "ClusterSource",
        "protect": "boolean",
        "lock": "boolean",
        "tags": "dict[string]",
    },
    "EncryptedElasticCluster": {
        "resourceGroupName": "Input[string]",
        "location": "string",
        "clusterName": "string",
        "nodeCount": "integer",
        "computeSize": "string",
        "computeTier": "ComputeTier",
        "storageGb": "integer",
        "highAvailability": "HighAvailability",
        "databaseName": "string",
        "administratorLogin": "string",
        "backupRetentionDays": "integer",
        "geoRedundantBackup": "boolean",
        "geoBackupLocation": "string",
        "firewallRules": "dict[string]",
        "allowAzureServices": "boolean",
        "allowAllInternet": "boolean",
        "customerManagedKey": "CustomerManagedKey",
        "geoBackupKey": "CustomerManagedKey",
        "administratorLoginPassword": "Input[string] secret",
        "protect": "boolean",
        "lock": "boolean",
        "tags": "dict[string]",
    },
    "EncryptedClusterRestore": {
        "resourceGroupName": "Input[string]",
        "location": "string",
        "clusterName": "string",
        "source": "Input[string]",
        "pointInTime": "string",
        "sourceLocation": "string",
        "encryption": "EncryptionMode",
        "customerManagedKey": "CustomerManagedKey",
        "cmk": "CmkOptions",
        "firewallRules": "dict[string]",
        "allowAzureServices": "boolean",
        "allowAllInternet": "boolean",
        "protect": "boolean",
        "lock": "boolean",
        "tags": "dict[string]",
    },
    "CmkMonitoring": {
        "resourceGroupName": "Input[string]",
        "location": "string",
        "clusterId": "Input[string]",
        "key": "MonitoredKey",
        "emails": "list[string]",
        "webhooks": "list[string]",
        "logAnalyticsWorkspaceId": "string",
        "logRetentionDays": "integer",
        "tags": "dict[string]",
    },
}
REQUIRED_INPUTS = {
    "CmkIdentity": ["location"],
    "CmkVault": ["location"],
    "CmkKey": [],
    "EncryptedCosmosPgCluster": ["clusterName", "location", "resourceGroupName"],
    "EncryptedElasticCluster": ["clusterName", "location", "resourceGroupName"],
    "EncryptedClusterRestore": [
        "clusterName",
        "location",
        "pointInTime",
        "resourceGroupName",
        "source",
    ],
    "CmkMonitoring": ["clusterId", "key", "location", "resourceGroupName"],
}
OUTPUTS = {
    "CmkIdentity": {
        "identityId": "string",
        "name": "string",
        "principalId": "string",
        "clientId": "string",
        "tenantId": "string",
        "location": "string",
    },
    "CmkVault": {
        "vaultId": "string",
        "name": "string",
        "uri": "string",
        "resourceGroupName": "string",
        "location": "string",
        "accessPolicyId": "string",
    },
    "CmkKey": {"keyId": "string", "name": "string", "uri": "string", "versionedUri": "string"},
    "EncryptedCosmosPgCluster": {
        "clusterId": "string",
        "name": "string",
        "location": "string",
        "coordinatorFqdn": "string",
        "administratorLogin": "string",
        "administratorLoginPassword": "string secret",
        "connectionString": "string secret",
    },
    "EncryptedElasticCluster": {
        "clusterId": "string",
        "name": "string",
        "location": "string",
        "coordinatorFqdn": "string",
        "administratorLogin": "string",
        "administratorLoginPassword": "string secret",
        "connectionString": "string secret",
        "primaryKeyStatus": "string",
        "geoBackupKeyStatus": "string",
    },
    "EncryptedClusterRestore": {
        "restoredFrom": "string",
        "clusterId": "string",
        "name": "string",
        "coordinatorFqdn": "string",
        "connectionString": "string secret",
    },
    "CmkMonitoring": {
        "actionGroupId": "string",
        "resourceHealthAlertId": "string",
        "vaultAlertId": "string",
        "keyAlertId": "string",
        "keyAccessFailureAlertId": "string",
        "keyExpiryAlertId": "string",
        "logAnalyticsWorkspaceId": "string",
    },
}
OBJECT_TYPES = {
    "KeyRotationPolicy": {
        "autoRotateAfterDays": "integer",
        "expiresAfterDays": "integer",
        "notifyBeforeExpiryDays": "integer",
    },
    "VaultReference": {
        "name": "Input[string]",
        "resourceGroupName": "Input[string]",
        "sku": "VaultSku",
    },
    "ClusterSizing": {
        "nodeCount": "integer",
        "coordinatorVCores": "integer",
        "coordinatorStorageMb": "integer",
        "coordinatorServerEdition": "ServerEdition",
        "nodeVCores": "integer",
        "nodeStorageMb": "integer",
        "nodeServerEdition": "ServerEdition",
        "enableHa": "boolean",
        "preferredPrimaryZone": "string",
        "coordinatorPublicIpAccess": "boolean",
        "nodePublicIpAccess": "boolean",
    },
    "CustomerManagedKey": {
        "keyVersionedUri": "Input[string]",
        "keyId": "Input[string]",
        "identityId": "Input[string]",
        "location": "string",
        "keyUri": "Input[string]",
    },
    "ClusterSource": {
        "sourceClusterId": "Input[string]",
        "sourceLocation": "string",
        "pointInTime": "string",
    },
    "CmkOptions": {
        "identity": "IdentityOptions",
        "vault": "VaultOptions",
        "key": "KeyOptions",
        "lock": "boolean",
        "tags": "dict[string]",
    },
    "IdentityOptions": {"name": "string", "existingId": "string"},
    "VaultOptions": {
        "name": "string",
        "sku": "VaultSku",
        "softDeleteRetentionDays": "integer",
        "existingId": "string",
        "manageAccessPolicy": "boolean",
        "permissionModel": "PermissionModel",
    },
    "KeyOptions": {
        "name": "string",
        "keyType": "KeyType",
        "size": "integer",
        "notBefore": "string",
        "expiresOn": "string",
        "rotation": "KeyRotationPolicy",
        "existingId": "string",
    },
    "MonitoredKey": {
        "vaultId": "Input[string]",
        "keyName": "Input[string]",
        "identityPrincipalId": "Input[string]",
        "expiryEvents": "boolean",
    },
}
REQUIRED_TYPE_PROPERTIES = {
    "VaultReference": ["name", "resourceGroupName"],
    "CustomerManagedKey": ["identityId", "keyId", "keyVersionedUri"],
    "ClusterSource": ["sourceClusterId", "sourceLocation"],
    "MonitoredKey": ["identityPrincipalId", "keyName", "vaultId"],
}
ENUMS = {
    "VaultSku": ["standard", "premium"],
    "KeyType": ["RSA", "RSA-HSM"],
    "ServerEdition": [
        "GeneralPurpose",
        "MemoryOptimized",
        "BurstableGeneralPurpose",
        "BurstableMemoryOptimized",
    ],
    "EncryptionMode": ["customerManaged", "serviceManaged"],
    "PermissionModel": ["accessPolicy", "rbac"],
    "ComputeTier": ["Burstable", "GeneralPurpose", "MemoryOptimized"],
    "HighAvailability": ["Disabled", "ZoneRedundant", "SameZone"],
}


def test_the_schema_names_the_package_at_the_release_version():
    assert SCHEMA["name"] == "cmkpg"
    # The schema version is what generated SDKs ask the plugin for, i.e. the git tag.
    assert SCHEMA["version"] == cmkpg.__version__
    # No namespace: `pulumi package add` takes the repository's owner.
    assert "namespace" not in SCHEMA
    # Nothing refers to another package's schema.
    assert SCHEMA["dependencies"] == []


def test_every_component_is_a_resource_with_its_type_token():
    assert set(SCHEMA["resources"]) == {
        "cmkpg:index:CmkIdentity",
        "cmkpg:index:CmkVault",
        "cmkpg:index:CmkKey",
        "cmkpg:index:EncryptedCosmosPgCluster",
        "cmkpg:index:EncryptedElasticCluster",
        "cmkpg:index:EncryptedClusterRestore",
        "cmkpg:index:CmkMonitoring",
    }
    assert all(spec["isComponent"] for spec in RESOURCES.values())
    # The token the schema declares is the one the library registers the component under.
    for component in COMPONENTS:
        assert f"cmkpg:index:{component.__name__}" == cmkpg.base.type_token(component.__name__)


@pytest.mark.parametrize("component", INPUTS)
def test_inputs_and_their_types(component):
    spec = RESOURCES[component]
    assert {n: kind(p) for n, p in spec["inputProperties"].items()} == INPUTS[component]
    assert spec.get("requiredInputs", []) == REQUIRED_INPUTS[component]


@pytest.mark.parametrize("component", OUTPUTS)
def test_outputs_and_their_types(component):
    spec = RESOURCES[component]
    properties = {n: kind(p, is_input=False) for n, p in spec["properties"].items()}
    assert properties == OUTPUTS[component]
    # Every output is always set, but the password of a Cosmos restore or replica, which
    # keeps its source's (an elastic cluster always has one: given or generated).
    optional = {"administratorLoginPassword"} if component == "EncryptedCosmosPgCluster" else set()
    assert spec["required"] == sorted(set(OUTPUTS[component]) - optional)


def test_the_password_and_the_connection_strings_are_the_only_secrets():
    secret_outputs = {
        (component, name)
        for component, spec in RESOURCES.items()
        for name, prop in spec["properties"].items()
        if prop.get("secret")
    }
    assert secret_outputs == {
        ("EncryptedCosmosPgCluster", "administratorLoginPassword"),
        ("EncryptedCosmosPgCluster", "connectionString"),
        ("EncryptedElasticCluster", "administratorLoginPassword"),
        ("EncryptedElasticCluster", "connectionString"),
        ("EncryptedClusterRestore", "connectionString"),
    }
    secret_inputs = {
        (component, name)
        for component, spec in RESOURCES.items()
        for name, prop in spec["inputProperties"].items()
        if prop.get("secret")
    }
    assert secret_inputs == {
        ("EncryptedCosmosPgCluster", "administratorLoginPassword"),
        ("EncryptedElasticCluster", "administratorLoginPassword"),
    }


def test_object_types_and_enums():
    objects = {name: spec for name, spec in TYPES.items() if "enum" not in spec}
    assert {
        name: {p: kind(s) for p, s in spec["properties"].items()} for name, spec in objects.items()
    } == OBJECT_TYPES
    assert {
        name: spec["required"] for name, spec in objects.items() if spec.get("required")
    } == REQUIRED_TYPE_PROPERTIES
    enums = {
        name: [v["value"] for v in spec["enum"]] for name, spec in TYPES.items() if "enum" in spec
    }
    assert enums == ENUMS
    # Codegen appends Args to input types: no type may already end in it.
    assert not [name for name in TYPES if name.endswith("Args")]


# -- descriptions -----------------------------------------------------------------------------


def test_component_descriptions_are_the_library_docstrings():
    for component in COMPONENTS:
        library_class = component.__mro__[1]
        assert library_class is getattr(cmkpg, component.__name__)
        assert RESOURCES[component.__name__]["description"] == inspect.cleandoc(
            library_class.__doc__
        )


def describe(spec: Mapping[str, Any], group: str, name: str) -> str:
    return spec[group][name]["description"]


def test_property_descriptions_come_from_the_docstrings():
    key, cluster = RESOURCES["CmkKey"], RESOURCES["EncryptedCosmosPgCluster"]
    # Outputs: the docstrings under the library component's annotations.
    assert describe(key, "properties", "uri") == (
        "Versionless key URI: identifies the key across rotations."
    )
    assert describe(cluster, "properties", "connectionString") == (
        "Secret ``postgresql://citus:<password>@<coordinator>:5432/<db>?sslmode=require``."
    )
    # Inputs: the library field's docstring, dedented...
    assert describe(key, "inputProperties", "size") == (
        "Key size in bits: 2048, 3072 or 4096. Default: 3072."
    )
    assert describe(cluster, "inputProperties", "location") == (
        "Region; with a customer-managed key it must be the identity's, vault's and key's.\n"
        "Changing it replaces the cluster."
    )
    # ...unless the package's input differs from Python's and says how.
    assert describe(key, "inputProperties", "notBefore").startswith(
        "Activation time, an ISO 8601 UTC time such as ``2026-01-31T00:00:00Z``"
    )
    assert describe(RESOURCES["CmkMonitoring"], "inputProperties", "clusterId").startswith(
        "ARM id of the cluster whose Resource Health and logs are watched"
    )
    # Nested types: the library class's docstrings, enum members included.
    sizing = TYPES["ClusterSizing"]
    assert sizing["description"] == inspect.cleandoc(ClusterSizing.__doc__)
    assert describe(sizing, "properties", "nodeCount") == (
        "Worker nodes: 0 (single node) or 2..20; 1 is rejected by the service. Default: 0."
    )
    premium = next(v for v in TYPES["VaultSku"]["enum"] if v["value"] == "premium")
    assert premium["description"] == "Also HSM-protected keys (``RSA-HSM``)."


def test_the_elastic_cluster_and_the_new_vault_options_are_described_by_the_library():
    elastic = RESOURCES["EncryptedElasticCluster"]
    assert elastic["description"] == inspect.cleandoc(cmkpg.EncryptedElasticCluster.__doc__)
    assert elastic["description"].startswith("An elastic cluster")
    # From ElasticClusterArgs, its options and the firewall options they inherit.
    assert describe(elastic, "inputProperties", "clusterName").startswith(
        "Name of the server (3-63 lowercase letters"
    )
    assert describe(elastic, "inputProperties", "nodeCount").startswith(
        "Nodes of the cluster (``cluster.clusterSize``), 2..20."
    )
    assert describe(elastic, "inputProperties", "allowAllInternet").startswith(
        "Admit the whole internet"
    )
    assert describe(elastic, "properties", "primaryKeyStatus").startswith(
        "``Valid`` or ``Invalid``"
    )
    assert describe(TYPES["CustomerManagedKey"], "properties", "keyUri").startswith(
        "Versionless key URI"
    )
    vault = RESOURCES["CmkVault"]
    assert describe(vault, "inputProperties", "trustedServicesOnly").startswith(
        "Close the vault to public networks"
    )
    assert describe(vault, "inputProperties", "permissionModel").startswith(
        "``accessPolicy`` (a standalone access policy) or ``rbac``"
    )
    rbac = next(v for v in TYPES["PermissionModel"]["enum"] if v["value"] == "rbac")
    assert rbac["description"].startswith("Azure RBAC")


def test_every_property_and_type_is_described_without_indentation():
    described = [
        *(
            (f"{c}.{group}.{n}", p.get("description"))
            for c, spec in RESOURCES.items()
            for group in ("inputProperties", "properties")
            for n, p in spec[group].items()
        ),
        *(
            (f"{t}.{n}", p.get("description"))
            for t, s in TYPES.items()
            for n, p in s.get("properties", {}).items()
        ),
        *((t, s.get("description")) for t, s in TYPES.items()),
    ]
    assert [where for where, text in described if not text] == []
    assert [where for where, text in described if "\n " in text or text != text.strip()] == []


# -- coverage of the library's args ---------------------------------------------------------

# What the package deliberately does not take from the library's args, and why. A field the
# library gains fails the test below until it is an input or listed here.
LEFT_OUT = {
    # The clock of the date checks: tests only.
    ("KeyOptions", "now"): "clock",
    ("CmkKeyArgs", "now"): "clock",
    ("EncryptedCosmosPgClusterArgs", "now"): "clock",
    ("EncryptedClusterRestoreArgs", "now"): "clock",
    # Ordering: another language passes the components' outputs, which resolve only once
    # the component (its grant included) is complete.
    ("VaultReference", "grant"): "ordering",
    ("CustomerManagedKey", "depends_on"): "ordering",
    # A restore protects what it creates as its own `protect` says.
    ("CmkOptions", "protect"): "refused by the restore",
    # Taken by id.
    ("CmkMonitoringArgs", "cluster"): "cluster_id",
}


def test_every_library_field_is_an_input_or_deliberately_left_out():
    left_out = set()
    for provider_class, documented_by in host.DOCUMENTED_BY.items():
        library_class = documented_by[-1]
        library = {f.name for f in dataclasses.fields(library_class)}
        taken = set(inspect.get_annotations(provider_class))
        left_out |= {(library_class.__name__, name) for name in library - taken}
        assert taken - library <= {"cluster_id"}, provider_class
    assert left_out == set(LEFT_OUT)


# -- speed and the analyzer's limits ----------------------------------------------------------


def test_the_schema_is_generated_fast():
    # The first build reads every module's source once; later ones reuse it.
    assert FIRST_BUILD_SECONDS < 1.0, FIRST_BUILD_SECONDS
    _, again = build_timed()
    assert again < 0.5, again


def test_the_schema_is_generated_fast_in_a_fresh_interpreter():
    # What `pulumi package get-schema` pays on top of the plugin's start-up: importing the
    # library (azure-native modules included) and building the schema.
    code = (
        "import json, time; t = time.perf_counter(); from cmkpg.provider import schema; "
        "s = schema(); print(json.dumps({'seconds': time.perf_counter() - t, "
        "'resources': len(s['resources'])}))"
    )
    result = json.loads(subprocess.check_output([sys.executable, "-c", code], text=True))
    assert result["resources"] == 7
    assert result["seconds"] < 5, result


def test_no_provider_module_postpones_annotations():
    # `from __future__ import annotations` turns annotations into strings the analyzer
    # cannot read.
    for module in PROVIDER_MODULES:
        tree = ast.parse(module.read_text())
        futures = [
            n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "__future__"
        ]
        assert not futures, module.name


def test_component_modules_the_analyzer_reads_do_not_postpone_annotations():
    # The components' outputs are the library classes' annotations.
    for component in COMPONENTS:
        library_module = sys.modules[component.__mro__[1].__module__]
        tree = ast.parse(inspect.getsource(library_module))
        assert not [
            n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "__future__"
        ], library_module.__name__


# -- construct: the inputs other languages send, as the library's args ------------------------

IDENTITY_ID = arm_id(RG, "Microsoft.ManagedIdentity/userAssignedIdentities/orders")
VERSIONED_URI = "https://kv-orders.vault.azure.net/keys/orders-key/0123456789abcdef0123456789abcdef"
KEY_ID = arm_id(RG, "Microsoft.KeyVault/vaults/kv-orders/keys/orders-key")
VAULT_ID = arm_id(RG, "Microsoft.KeyVault/vaults/kv-orders")
SOURCE_ID = arm_id(RG, "Microsoft.DBforPostgreSQL/serverGroupsv2/orders-db")
PRINCIPAL = "11111111-2222-3333-4444-555555555555"


def construct(component: str, inputs: Mapping[str, Any], name: str = "orders") -> dict[str, Any]:
    """The provider's ``construct``, as the engine calls it for a consumer's resource
    (numbers arrive as floats); its outputs by schema name."""
    result = PROVIDER.construct(name, f"cmkpg:index:{component}", dict(inputs))
    return dict(result.state)


def construct_error(component: str, inputs: Mapping[str, Any]) -> InputPropertiesError:
    with pytest.raises(InputPropertiesError) as error:
        run_program(lambda: construct(component, inputs))
    assert error.value.errors is None  # the message alone: no values echoed by the engine
    return error.value


def python_error(build: Callable[[], object]) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        build()
    return error.value


def test_the_chain_from_another_language_plans_what_python_plans():
    def from_package():
        identity = construct("CmkIdentity", {"location": LOCATION, "resourceGroupName": RG})
        vault = construct(
            "CmkVault",
            {
                "location": LOCATION,
                "resourceGroupName": RG,
                "granteePrincipalId": identity["principalId"],
                "granteeId": identity["identityId"],
                "sku": "premium",
            },
        )
        key = construct(
            "CmkKey",
            {
                "vault": {
                    "name": vault["name"],
                    "resourceGroupName": vault["resourceGroupName"],
                    "sku": "premium",
                },
                "keyType": "RSA-HSM",
                "size": 4096.0,
                "rotation": {
                    "autoRotateAfterDays": 0.0,
                    "expiresAfterDays": 0.0,
                    "notifyBeforeExpiryDays": 0.0,
                },
            },
        )
        cluster = construct(
            "EncryptedCosmosPgCluster",
            {
                "resourceGroupName": RG,
                "location": LOCATION,
                "clusterName": "orders-db",
                "sizing": {"nodeCount": 2.0, "coordinatorVCores": 8.0},
                "customerManagedKey": {
                    "keyVersionedUri": key["versionedUri"],
                    "keyId": key["keyId"],
                    "identityId": identity["identityId"],
                },
                "firewallRules": {"app": "203.0.113.0/26"},
            },
        )
        return {"connectionString": cluster["connectionString"], "keyUri": key["uri"]}

    def from_python():
        identity = cmkpg.CmkIdentity(
            "orders", CmkIdentityArgs(location=LOCATION, resource_group_name=RG)
        )
        vault = cmkpg.CmkVault(
            "orders",
            CmkVaultArgs(
                location=LOCATION,
                resource_group_name=RG,
                grantee_principal_id=identity.principal_id,
                grantee_id=identity.identity_id,
                sku=VaultSku.PREMIUM,
            ),
        )
        key = cmkpg.CmkKey(
            "orders",
            CmkKeyArgs(
                vault=VaultReference(vault.name, vault.resource_group_name, VaultSku.PREMIUM),
                key_type=KeyType.RSA_HSM,
                size=4096,
                rotation=NO_ROTATION,
            ),
        )
        cluster = cmkpg.EncryptedCosmosPgCluster(
            "orders",
            EncryptedCosmosPgClusterArgs(
                resource_group_name=RG,
                location=LOCATION,
                cluster_name="orders-db",
                sizing=ClusterSizing(node_count=2, coordinator_v_cores=8),
                customer_managed_key=CustomerManagedKey(
                    key_versioned_uri=key.versioned_uri,
                    key_id=key.key_id,
                    identity_id=identity.identity_id,
                ),
                firewall_rules={"app": "203.0.113.0/26"},
            ),
        )
        return {"connectionString": cluster.connection_string, "keyUri": key.uri}

    package, python = run_program(from_package), run_program(from_python)

    def registered(plan):
        # In the order of their names: outputs resolve in different orders in the two runs.
        return sorted(
            (r.type, r.name, r.custom, json.dumps(r.inputs, sort_keys=True), r.protect)
            for r in plan.resources
        )

    assert registered(package) == registered(python)
    assert package.outputs == python.outputs
    assert package.outputs["connectionString"] == "[secret]"
    assert {IDENTITY, VAULT, ACCESS_POLICY, KEY, CLUSTER} <= {r.type for r in package.resources}
    # Whole floats became the integers the service takes.
    assert package.one(KEY).inputs["properties"]["keySize"] == 4096
    assert package.one(CLUSTER).inputs["nodeCount"] == 2


GEO_IDENTITY_ID = arm_id(RG, "Microsoft.ManagedIdentity/userAssignedIdentities/orders-geo")
GEO_KEY_URI = "https://kv-orders-geo.vault.azure.net/keys/orders-geo"
GEO_KEY = {
    "keyVersionedUri": f"{GEO_KEY_URI}/{'b' * 32}",
    "keyId": GEO_KEY_URI,
    "identityId": GEO_IDENTITY_ID,
    "keyUri": GEO_KEY_URI,
    "location": "northeurope",
}
SERVER = "azure-native:dbforpostgresql:Server"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
# The vault inputs of each permission model, from another language and in Python.
ELASTIC_VAULTS = {
    "rbac": (
        {"permissionModel": "rbac", "trustedServicesOnly": True},
        {"permission_model": PermissionModel.RBAC, "trusted_services_only": True},
    ),
    "accessPolicy": (
        {"keyPermissions": list(FLEXIBLE_KEY_PERMISSIONS), "trustedServicesOnly": True},
        {"key_permissions": FLEXIBLE_KEY_PERMISSIONS, "trusted_services_only": True},
    ),
}


@pytest.mark.parametrize("model", ELASTIC_VAULTS)
def test_the_elastic_chain_from_another_language_plans_what_python_plans(model):
    vault_inputs, vault_args = ELASTIC_VAULTS[model]

    def from_package():
        identity = construct("CmkIdentity", {"location": LOCATION, "resourceGroupName": RG})
        vault = construct(
            "CmkVault",
            {
                "location": LOCATION,
                "resourceGroupName": RG,
                "granteePrincipalId": identity["principalId"],
                "granteeId": identity["identityId"],
                **vault_inputs,
            },
        )
        # No rotation policy, hence no expiry: a first version's expiry is counted from the
        # time the key is planned, which differs between the two runs.
        key = construct(
            "CmkKey",
            {
                "vault": {"name": vault["name"], "resourceGroupName": RG},
                "size": 4096.0,
                "rotation": {
                    "autoRotateAfterDays": 0.0,
                    "expiresAfterDays": 0.0,
                    "notifyBeforeExpiryDays": 0.0,
                },
            },
        )
        cluster = construct(
            "EncryptedElasticCluster",
            {
                "resourceGroupName": RG,
                "location": LOCATION,
                "clusterName": "orders-elastic",
                "nodeCount": 4.0,
                "computeSize": "Standard_E4ds_v5",
                "computeTier": "MemoryOptimized",
                "storageGb": 512.0,
                "highAvailability": "ZoneRedundant",
                "backupRetentionDays": 14.0,
                "geoRedundantBackup": True,
                "customerManagedKey": {
                    "keyVersionedUri": key["versionedUri"],
                    "keyId": key["keyId"],
                    "identityId": identity["identityId"],
                    "keyUri": key["uri"],
                    "location": LOCATION,
                },
                "geoBackupKey": GEO_KEY,
                "firewallRules": {"app": "203.0.113.0/26"},
                "tags": {"team": "orders"},
            },
        )
        return {
            "connectionString": cluster["connectionString"],
            "primaryKeyStatus": cluster["primaryKeyStatus"],
        }

    def from_python():
        identity = cmkpg.CmkIdentity(
            "orders", CmkIdentityArgs(location=LOCATION, resource_group_name=RG)
        )
        vault = cmkpg.CmkVault(
            "orders",
            CmkVaultArgs(
                location=LOCATION,
                resource_group_name=RG,
                grantee_principal_id=identity.principal_id,
                grantee_id=identity.identity_id,
                **vault_args,
            ),
        )
        key = cmkpg.CmkKey(
            "orders",
            CmkKeyArgs(vault=VaultReference(vault.name, RG), size=4096, rotation=NO_ROTATION),
        )
        cluster = cmkpg.EncryptedElasticCluster(
            "orders",
            ElasticClusterArgs(
                resource_group_name=RG,
                location=LOCATION,
                cluster_name="orders-elastic",
                node_count=4,
                compute_size="Standard_E4ds_v5",
                compute_tier=ComputeTier.MEMORY_OPTIMIZED,
                storage_gb=512,
                high_availability=HighAvailability.ZONE_REDUNDANT,
                backup_retention_days=14,
                geo_redundant_backup=True,
                customer_managed_key=CustomerManagedKey(
                    key_versioned_uri=key.versioned_uri,
                    key_id=key.key_id,
                    identity_id=identity.identity_id,
                    key_uri=key.uri,
                    location=LOCATION,
                ),
                geo_backup_key=CustomerManagedKey(
                    key_versioned_uri=GEO_KEY["keyVersionedUri"],
                    key_id=GEO_KEY_URI,
                    identity_id=GEO_IDENTITY_ID,
                    key_uri=GEO_KEY_URI,
                    location="northeurope",
                ),
                firewall_rules={"app": "203.0.113.0/26"},
                tags={"team": "orders"},
            ),
        )
        return {
            "connectionString": cluster.connection_string,
            "primaryKeyStatus": cluster.primary_key_status,
        }

    package, python = run_program(from_package), run_program(from_python)

    def registered(plan):
        return sorted(
            (r.type, r.name, r.custom, json.dumps(r.inputs, sort_keys=True), r.protect)
            for r in plan.resources
        )

    assert registered(package) == registered(python)
    assert package.outputs == python.outputs
    assert package.outputs["connectionString"] == "[secret]"
    server = package.one(SERVER).inputs
    # The versionless URIs (keyUri): the service follows rotations by itself.
    assert server["dataEncryption"]["primaryKeyURI"].endswith("/keys/orders-key")
    assert server["dataEncryption"]["geoBackupKeyURI"] == GEO_KEY_URI
    identities = server["identity"]["userAssignedIdentities"]
    assert len(identities) == 2 and GEO_IDENTITY_ID in identities
    # Whole floats became the integers the service takes.
    assert server["cluster"]["clusterSize"] == 4
    assert server["storage"]["storageSizeGB"] == 512
    assert server["backup"] == {"backupRetentionDays": 14, "geoRedundantBackup": "Enabled"}
    vault = package.one(VAULT).inputs["properties"]
    assert vault["publicNetworkAccess"] == "Disabled"
    assert vault["enableRbacAuthorization"] is (model == "rbac")
    if model == "rbac":
        assert package.one(ROLE_ASSIGNMENT).inputs["principalType"] == "ServicePrincipal"
        assert not [r for r in package.resources if r.type == ACCESS_POLICY]
    else:
        permissions = package.one(ACCESS_POLICY).inputs["policy"]["permissions"]
        assert permissions["keys"] == list(FLEXIBLE_KEY_PERMISSIONS)
        assert not [r for r in package.resources if r.type == ROLE_ASSIGNMENT]


def test_times_arrive_as_iso_strings():
    def program():
        return construct(
            "CmkKey",
            {
                "vault": {"name": "kv-orders", "resourceGroupName": RG},
                "notBefore": "2020-01-01T00:00:00Z",
                "expiresOn": "2099-01-01T00:00:00+00:00",
            },
        )

    attributes = run_program(program).one(KEY).inputs["properties"]["attributes"]
    assert attributes["notBefore"] == int(datetime(2020, 1, 1, tzinfo=UTC).timestamp())
    assert attributes["expires"] == int(datetime(2099, 1, 1, tzinfo=UTC).timestamp())


# Each case: the component, what another language sends, and the same values in Python.
SAME_MESSAGE_CASES = {
    "key": (
        "CmkKey",
        {
            "vault": {"name": "kv-orders", "resourceGroupName": RG, "sku": "standard"},
            "keyType": "RSA-HSM",
            "size": 1024.0,
            "rotation": {"autoRotateAfterDays": 3.0, "expiresAfterDays": 30.5},
        },
        lambda: CmkKeyArgs(
            vault=VaultReference("kv-orders", RG, VaultSku.STANDARD),
            key_type=KeyType.RSA_HSM,
            size=1024,
            rotation=cmkpg.KeyRotationPolicy(auto_rotate_after_days=3, expires_after_days=30.5),  # type: ignore[arg-type]
        ),
    ),
    "vault": (
        "CmkVault",
        {"location": "mars", "name": "-bad", "softDeleteRetentionDays": 7.0, "lock": True},
        lambda: CmkVaultArgs(location="mars", name="-bad", soft_delete_retention_days=7, lock=True),
    ),
    "identity": (
        "CmkIdentity",
        {"location": LOCATION, "name": "x"},
        lambda: CmkIdentityArgs(location=LOCATION, name="x"),
    ),
    "cluster": (
        "EncryptedCosmosPgCluster",
        {
            "resourceGroupName": RG,
            "location": LOCATION,
            "clusterName": "Orders_DB",
            "sizing": {"nodeCount": 1.0, "coordinatorVCores": 3.0},
            "administratorLoginPassword": "weak",
            "enableGeoBackup": True,
            "firewallRules": {"office": "10.0.0.1"},
            "customerManagedKey": {
                "keyVersionedUri": VERSIONED_URI,
                "keyId": KEY_ID,
                "identityId": IDENTITY_ID,
            },
        },
        lambda: EncryptedCosmosPgClusterArgs(
            resource_group_name=RG,
            location=LOCATION,
            cluster_name="Orders_DB",
            sizing=ClusterSizing(node_count=1, coordinator_v_cores=3),
            administrator_login_password="weak",
            enable_geo_backup=True,
            firewall_rules={"office": "10.0.0.1"},
            customer_managed_key=CustomerManagedKey(VERSIONED_URI, KEY_ID, IDENTITY_ID),
        ),
    ),
    "restore": (
        "EncryptedClusterRestore",
        {
            "resourceGroupName": "rg-other",
            "location": LOCATION,
            "clusterName": "orders-restored",
            "source": SOURCE_ID,
            "pointInTime": "2026-01-31T00:00:00Z",
            "encryption": "serviceManaged",
            "cmk": {"key": {"size": 2048.0}},
        },
        lambda: EncryptedClusterRestoreArgs(
            resource_group_name="rg-other",
            location=LOCATION,
            cluster_name="orders-restored",
            source=SOURCE_ID,
            point_in_time=datetime(2026, 1, 31, tzinfo=UTC),
            encryption=EncryptionMode.SERVICE_MANAGED,
            cmk=cmkpg.CmkOptions(key=cmkpg.KeyOptions(size=2048)),
        ),
    ),
    "vault-permission-model": (
        "CmkVault",
        {
            "location": LOCATION,
            "resourceGroupName": RG,
            "existingId": VAULT_ID,
            "permissionModel": "rbac",
            "lock": True,
        },
        lambda: CmkVaultArgs(
            location=LOCATION,
            resource_group_name=RG,
            existing_id=VAULT_ID,
            permission_model=PermissionModel.RBAC,
            lock=True,
        ),
    ),
    "elastic": (
        "EncryptedElasticCluster",
        {
            "resourceGroupName": RG,
            "location": LOCATION,
            "clusterName": "orders-elastic",
            "nodeCount": 1.0,
            "storageGb": 100.0,
            "geoRedundantBackup": True,
            "customerManagedKey": {
                "keyVersionedUri": VERSIONED_URI,
                "keyId": KEY_ID,
                "identityId": IDENTITY_ID,
            },
            "administratorLoginPassword": "weak",
        },
        lambda: ElasticClusterArgs(
            resource_group_name=RG,
            location=LOCATION,
            cluster_name="orders-elastic",
            node_count=1,
            storage_gb=100,
            geo_redundant_backup=True,
            customer_managed_key=CustomerManagedKey(VERSIONED_URI, KEY_ID, IDENTITY_ID),
            administrator_login_password="weak",
        ),
    ),
    "elastic-geo-backup-key": (
        "EncryptedElasticCluster",
        {
            "resourceGroupName": RG,
            "location": LOCATION,
            "clusterName": "orders-elastic",
            "computeTier": "Burstable",
            "highAvailability": "SameZone",
            "geoBackupLocation": "francecentral",
            "customerManagedKey": {
                "keyVersionedUri": VERSIONED_URI,
                "keyId": KEY_ID,
                "identityId": IDENTITY_ID,
            },
            "geoBackupKey": {**GEO_KEY, "identityId": IDENTITY_ID},
        },
        lambda: ElasticClusterArgs(
            resource_group_name=RG,
            location=LOCATION,
            cluster_name="orders-elastic",
            compute_tier=ComputeTier.BURSTABLE,
            high_availability=HighAvailability.SAME_ZONE,
            geo_backup_location="francecentral",
            customer_managed_key=CustomerManagedKey(VERSIONED_URI, KEY_ID, IDENTITY_ID),
            geo_backup_key=CustomerManagedKey(
                key_versioned_uri=GEO_KEY["keyVersionedUri"],
                key_id=GEO_KEY_URI,
                identity_id=IDENTITY_ID,
                key_uri=GEO_KEY_URI,
                location="northeurope",
            ),
        ),
    ),
    "monitoring": (
        "CmkMonitoring",
        {
            "resourceGroupName": RG,
            "location": LOCATION,
            "clusterId": SOURCE_ID,
            "key": {"vaultId": "not-an-id", "keyName": "k", "identityPrincipalId": "nobody"},
            "emails": ["dba-oncall", "dba-oncall"],
            "logRetentionDays": 10.0,
        },
        lambda: CmkMonitoringArgs(
            resource_group_name=RG,
            location=LOCATION,
            cluster=SimpleNamespace(cluster_id=SOURCE_ID),
            key=MonitoredKey(vault_id="not-an-id", key_name="k", identity_principal_id="nobody"),
            emails=["dba-oncall", "dba-oncall"],
            log_retention_days=10,
        ),
    ),
}


@pytest.mark.parametrize("case", SAME_MESSAGE_CASES)
def test_a_bad_value_gets_the_message_python_gets(case):
    component, inputs, python_args = SAME_MESSAGE_CASES[case]
    expected = python_error(python_args)
    # Every problem at once, as in Python.
    assert len(expected.problems) >= 2, expected.problems
    assert construct_error(component, inputs).message == str(expected)


def test_the_messages_name_the_properties_by_their_python_names():
    message = construct_error(*SAME_MESSAGE_CASES["cluster"][:2]).message
    assert message.splitlines()[:2] == [
        "EncryptedCosmosPgClusterArgs.cluster_name: Orders_DB is not valid; use 3-40 lowercase "
        "letters, digits and hyphens, not only digits, not starting or ending with a hyphen",
        "EncryptedCosmosPgClusterArgs.enable_geo_backup: true is not supported with "
        "customer-managed keys; set it to false or use service-managed keys",
    ]
    assert "EncryptedCosmosPgClusterArgs.sizing.node_count: 1 is not allowed" in message
    # The password is never shown.
    assert "administrator_login_password: [secret] is not allowed; use 8-256" in message
    assert "weak" not in message


def test_the_elastic_messages_are_the_librarys():
    message = construct_error(*SAME_MESSAGE_CASES["elastic"][:2]).message
    lines = message.splitlines()
    assert "ElasticClusterArgs.node_count: 1 is out of range; use 2..20" in lines
    assert (
        "ElasticClusterArgs.geo_backup_key: is required with a customer-managed key and "
        "ElasticClusterArgs.geo_redundant_backup: the backups in the paired region are "
        "encrypted with a key held there, reached by another identity"
    ) in lines
    assert "ElasticClusterArgs.administrator_login_password: [secret] is not allowed" in message
    assert "weak" not in message
    message = construct_error(*SAME_MESSAGE_CASES["elastic-geo-backup-key"][:2]).message
    assert (
        "ElasticClusterArgs.geo_backup_key: is given, but it is used only with "
        "ElasticClusterArgs.customer_managed_key and ElasticClusterArgs.geo_redundant_backup"
    ) in message.splitlines()
    assert (
        "ElasticClusterArgs.geo_backup_key: uses the primary key's identity; flexible server "
        "needs a separate one"
    ) in message.splitlines()


def test_a_time_that_does_not_parse_is_reported_with_the_other_problems():
    message = construct_error(
        "CmkKey",
        {"vault": {"name": "kv-orders", "resourceGroupName": RG}, "notBefore": "2026-01-31"},
    ).message
    assert message == (
        'CmkKeyArgs.not_before: "2026-01-31" is a date without a time; give a UTC time, use e.g. '
        "2026-01-31T00:00:00Z"
    )
    message = construct_error(
        "EncryptedClusterRestore",
        {
            "resourceGroupName": RG,
            "location": LOCATION,
            "clusterName": "orders-restored",
            "source": SOURCE_ID,
            "pointInTime": "yesterday",
            "cmk": {"key": {"expiresOn": 5.0, "size": 1000.0}},
        },
    ).message
    assert message.splitlines() == [
        "EncryptedClusterRestoreArgs.cmk.key.expires_on: 5.0 is not a string; give an ISO 8601 "
        "UTC time, e.g. 2026-01-31T00:00:00Z",
        "EncryptedClusterRestoreArgs.point_in_time: yesterday is not an ISO 8601 timestamp; use "
        "e.g. 2026-01-31T00:00:00Z",
        "EncryptedClusterRestoreArgs.cmk.key.size: 1000 is not allowed; use 2048, 3072 or 4096",
    ]


def test_a_missing_required_input_is_the_sdks_property_error():
    with pytest.raises(InputPropertyError) as error:
        run_program(lambda: construct("CmkMonitoring", {"resourceGroupName": RG}))
    assert error.value.reason == "Missing required input 'location' on 'CmkMonitoring'"


def test_other_failures_keep_the_sdks_wrapping():
    # Not a validation problem (tags that are no map, which a typed SDK would not send):
    # the SDK's ComponentInitError, which the engine shows with the Python traceback.
    with pytest.raises(ComponentInitError) as error:
        run_program(
            lambda: construct(
                "CmkIdentity", {"location": LOCATION, "resourceGroupName": RG, "tags": "ab"}
            )
        )
    assert isinstance(error.value.inner, ValueError)
    assert not isinstance(error.value.inner, ValidationError)


# -- the plugin -------------------------------------------------------------------------------


def test_the_plugin_serves_the_schema_at_the_release_version(tmp_path):
    # As the Python language host runs it: `python <plugin dir> <engine address>`, from the
    # consumer's directory.
    grpc = pytest.importorskip("grpc")
    from google.protobuf import empty_pb2
    from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

    process = subprocess.Popen(
        [sys.executable, str(PACKAGE_DIR), "127.0.0.1:1"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.strip().isdigit(), process.stderr.read()
        port = int(line)
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            info = stub.GetPluginInfo(empty_pb2.Empty(), timeout=30)
            served = stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=30)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert info.version == cmkpg.__version__
    assert json.loads(served.schema) == SCHEMA


def test_the_plugin_project_runs_python_from_a_virtualenv():
    project = yaml.safe_load((PACKAGE_DIR / "PulumiPlugin.yaml").read_text())
    assert project == {
        "runtime": {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}
    }
    main = ast.parse((PACKAGE_DIR / "__main__.py").read_text())
    assert "serve()" in ast.unparse(main)


def pins(path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith(("-", ".")):
            requirement = Requirement(line)
            found[requirement.name.lower()] = str(requirement.specifier)
    return found


def test_the_plugin_installs_the_tested_versions_and_this_checkout():
    plugin = pins(PACKAGE_DIR / "requirements.txt")
    root = pins(ROOT / "requirements.txt")
    assert set(plugin) == {"pulumi", "pulumi-azure-native", "pulumi-random", "pyyaml"}
    assert {name: root[name] for name in plugin} == plugin
    # pip runs in package/: `..` is the repository at the tag the CLI checked out.
    lines = [line.strip() for line in (PACKAGE_DIR / "requirements.txt").read_text().splitlines()]
    assert ".." in lines


def test_the_wheel_carries_the_provider():
    # The plugin installs cmkpg from `..`: without the subpackage it would not start.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "cmkpg.provider" in project["tool"]["setuptools"]["packages"]


# -- consumers in other languages -------------------------------------------------------------

YAML_PROJECT = OTHER_LANGUAGES / "yaml" / "Pulumi.yaml"
TYPESCRIPT = OTHER_LANGUAGES / "typescript" / "index.ts"
REFERENCE = re.compile(r"\$\{([A-Za-z][\w-]*)(?:\.([A-Za-z]\w*))?\}")


def check_value(value: Any, prop: Mapping[str, Any], where: str, outputs: Mapping) -> list[str]:
    """What is wrong with ``value`` for the schema property ``prop`` (``outputs``: the
    output properties of each resource of the program, None for config)."""
    if isinstance(value, str) and (match := REFERENCE.fullmatch(value)):
        name, attribute = match.groups()
        if name not in outputs:
            return [f"{where}: ${{{name}}} names nothing"]
        if outputs[name] is not None and attribute not in outputs[name]:
            return [f"{where}: {name} has no output {attribute}"]
        return []
    if "$ref" in prop:
        spec = TYPES[prop["$ref"][len(REF_PREFIX) :]]
        if "enum" in spec:
            allowed = [v["value"] for v in spec["enum"]]
            return [] if value in allowed else [f"{where}: {value!r} is not one of {allowed}"]
        return check_object(value, spec["properties"], spec.get("required", []), where, outputs)
    expected = {
        "string": str,
        "integer": int,
        "boolean": bool,
        "array": list,
        "object": dict,
    }[prop["type"]]
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        return [f"{where}: {value!r} is not a {prop['type']}"]
    if prop["type"] == "array":
        return [
            p
            for i, item in enumerate(value)
            for p in check_value(item, prop["items"], f"{where}[{i}]", outputs)
        ]
    if prop["type"] == "object":
        return [
            p
            for k, item in value.items()
            for p in check_value(item, prop["additionalProperties"], f"{where}.{k}", outputs)
        ]
    return []


def check_object(
    value: Any, properties: Mapping, required: list[str], where: str, outputs: Mapping
) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: {value!r} is not an object"]
    problems = [f"{where}.{k}: not a property" for k in value if k not in properties]
    problems += [f"{where}.{k}: required" for k in required if k not in value]
    for k, item in value.items():
        if k in properties:
            problems += check_value(item, properties[k], f"{where}.{k}", outputs)
    return problems


def test_the_yaml_example_uses_only_what_the_schema_has():
    program = yaml.safe_load(YAML_PROJECT.read_text())
    assert program["runtime"] == "yaml"
    resources = program["resources"]
    outputs: dict[str, Any] = dict.fromkeys(program.get("config", {}))
    for name, resource in resources.items():
        component = resource["type"].rsplit(":", 1)[-1]
        assert resource["type"] == f"cmkpg:index:{component}", name
        outputs[name] = RESOURCES[component]["properties"]
    problems = []
    for name, resource in resources.items():
        spec = RESOURCES[resource["type"].rsplit(":", 1)[-1]]
        problems += check_object(
            resource["properties"],
            spec["inputProperties"],
            spec.get("requiredInputs", []),
            name,
            outputs,
        )
    assert problems == []
    # It uses every component but the restore, and the secret output stays an output.
    assert {r["type"].rsplit(":", 1)[-1] for r in resources.values()} == set(RESOURCES) - {
        "EncryptedClusterRestore"
    }
    assert program["outputs"]["connectionString"] == "${cluster.connectionString}"


def test_the_yaml_example_deploys_through_the_provider():
    # Its resources in order, through the provider's construct, with references resolved
    # as the YAML runtime resolves them and numbers sent as the engine sends them.
    program = yaml.safe_load(YAML_PROJECT.read_text())
    config = {name: spec["default"] for name, spec in program["config"].items()}

    def resolve(value: Any, state: Mapping[str, Mapping[str, Any]]) -> Any:
        if isinstance(value, dict):
            return {k: resolve(v, state) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v, state) for v in value]
        if isinstance(value, str) and (match := REFERENCE.fullmatch(value)):
            name, attribute = match.groups()
            return config[name] if attribute is None else state[name][attribute]
        if isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        return value

    def run():
        state: dict[str, dict[str, Any]] = {}
        for name, resource in program["resources"].items():
            component = resource["type"].rsplit(":", 1)[-1]
            state[name] = construct(component, resolve(resource["properties"], state), name)
        return {k: resolve(v, state) for k, v in program["outputs"].items()}

    plan = run_program(run)
    assert plan.outputs["connectionString"] == "[secret]"
    assert plan.outputs["elasticConnectionString"] == "[secret]"
    assert [r.inputs["properties"]["keySize"] for r in plan.resources if r.type == KEY] == [
        4096,
        4096,
    ]
    assert plan.one(CLUSTER).inputs["dataEncryption"]["type"] == "AzureKeyVault"
    # The elastic cluster: the versionless key URI, its identity granted through RBAC.
    encryption = plan.one(SERVER).inputs["dataEncryption"]
    assert re.fullmatch(
        r"https://[\w-]+\.vault\.azure\.net/keys/[\w-]+", encryption["primaryKeyURI"]
    )
    assert plan.one(ROLE_ASSIGNMENT).inputs["principalType"] == "ServicePrincipal"
    assert {r.type for r in plan.resources if not r.custom} == {
        f"cmkpg:index:{r['type'].rsplit(':', 1)[-1]}" for r in program["resources"].values()
    }


def test_a_bad_yaml_property_would_be_caught():
    spec = RESOURCES["CmkKey"]
    outputs = {"vault": RESOURCES["CmkVault"]["properties"]}
    bad = {"vault": {"name": "${vault.nme}", "sku": "gold"}, "size": "4096", "colour": "red"}
    assert check_object(bad, spec["inputProperties"], [], "key", outputs) == [
        "key.colour: not a property",
        "key.vault.resourceGroupName: required",
        "key.vault.name: vault has no output nme",
        "key.vault.sku: 'gold' is not one of ['standard', 'premium']",
        "key.size: '4096' is not a integer",
    ]


def test_the_yaml_example_names_the_package_as_pulumi_package_add_records_it():
    # `pulumi package add https://<host>/<owner>/cmkpg.git/package@v<version>` records the
    # source without its scheme and the version as given, in the one-string form
    # (pkg/cmd/pulumi/packagecmd/package_add.go, packageresolution.naiveResolution,
    # workspace.PackageSpec's marshalPackageSpec).
    program = yaml.safe_load(YAML_PROJECT.read_text())
    source = program["packages"]["cmkpg"]
    assert re.fullmatch(r"[\w.-]+/[\w.-]+/cmkpg\.git/package@v(\S+)", source), source
    assert source.endswith(f"@v{cmkpg.__version__}")


def test_the_typescript_example_uses_only_what_the_schema_has():
    code = re.sub(r"//[^\n]*", "", TYPESCRIPT.read_text())
    components = set(re.findall(r"new cmkpg\.(\w+)\(", code))
    assert components <= set(RESOURCES) and len(components) == 5
    known = {
        name
        for spec in (*RESOURCES.values(), *TYPES.values())
        for group in ("inputProperties", "properties")
        for name in spec.get(group, {})
    }
    keys = set(re.findall(r"(?<![\w.\"])([A-Za-z]\w*):\s", code))
    assert keys and keys <= known, keys - known
    used_outputs = set(re.findall(r"\b(?:identity|vault|key|cluster)\.(\w+)", code))
    outputs = {n for spec in RESOURCES.values() for n in spec["properties"]}
    assert used_outputs <= outputs, used_outputs - outputs


def test_the_other_language_examples_are_not_python_stacks():
    # The offline preview plans examples/*/Pulumi.yaml; the YAML program sits one level
    # deeper, where nothing looks for Python projects.
    assert not (OTHER_LANGUAGES / "Pulumi.yaml").exists()
    assert not list(OTHER_LANGUAGES.glob("Pulumi.*.yaml"))
    projects = {project for project, _ in shipped_stacks()}
    assert all(OTHER_LANGUAGES not in (project, *project.parents) for project in projects)
    assert YAML_PROJECT not in ROOT.glob("examples/*/Pulumi.yaml")
