"""The JSON body azure-native sends to ARM for a resource's inputs.

pulumi-azure-native builds the body of a create and of every update from *all* current
inputs (``provider/pkg/provider/provider.go``, ``defaultUpdate`` → ``PrepareAzureRESTBody``;
an update is a full PUT, not a PATCH, for every type that has a PUT), so the body an update
would send is the same function of the inputs as the create's. It drops the path parameters
(they are in the URL), moves the SDK's flattened inputs under ``properties``, renames SDK
names to wire names, and turns the SDK's list of user-assigned identity ids into the map ARM
takes. The facts per type come from the vendored REST API specs via ``azure_api.json``
(``tools/azure_api.py``); the contract tests validate these bodies against those specs.
"""

from __future__ import annotations

import copy
from typing import Any

from .api_facts import azure_api

ACCESS_POLICY = "azure-native:keyvault:AccessPolicy"


def request_body(resource_type: str, inputs: dict[str, Any]) -> dict[str, Any] | None:
    """The body for ``inputs`` (engine inputs, SDK names); None for a type whose body this
    package does not know (no vendored spec: Event Grid, random, providers)."""
    facts = azure_api().get(resource_type)
    if facts is None or "wireNames" not in facts:
        return None
    path_parameters = {p for p in facts["pathParameters"] if "." not in p}
    kept = {k: copy.deepcopy(v) for k, v in inputs.items() if k not in path_parameters}
    if resource_type == ACCESS_POLICY:
        # custom_keyvault_accesspolicy.go: the one policy goes into the vault's list.
        body: dict[str, Any] = {k: v for k, v in kept.items() if k != "policy"}
        body["properties"] = {"accessPolicies": [kept["policy"]] if "policy" in kept else []}
    elif facts["topLevel"] is None:
        body = kept
    else:
        top = set(facts["topLevel"])
        body = {k: v for k, v in kept.items() if k in top}
        flattened = {k: v for k, v in kept.items() if k not in top}
        if flattened:
            body["properties"] = flattened
    identity = body.get("identity")
    if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
        identity["userAssignedIdentities"] = {i: {} for i in identity["userAssignedIdentities"]}
    return _rename(body, "", facts["wireNames"])


def _rename(value: Any, path: str, names: dict[str, str]) -> Any:
    if isinstance(value, list):
        return [_rename(item, f"{path}[*]", names) for item in value]
    if not isinstance(value, dict):
        return value
    renamed = {}
    for key, item in value.items():
        sub = f"{path}.{key}" if path else key
        renamed[names.get(sub, key)] = _rename(item, sub, names)
    return renamed
