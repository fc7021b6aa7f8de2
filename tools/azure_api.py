"""Extract, from the vendored REST API specs, the facts the offline preview needs at run time.

    python -m tools.azure_api          # exit 1 if components/preview/azure_api.json is stale
    python -m tools.azure_api --write  # regenerate it

The preview ships inside the installed package, where ``contracts/`` does not exist, so it
reads this small JSON instead of the specs. Per Pulumi resource type it records:

* ``name``: the path parameter that names the resource and its ``minLength``/``maxLength``/
  ``pattern``, which azure-native checks before calling Azure;
* ``createOnly``: the input paths (SDK names) whose spec ``x-ms-mutability`` lacks
  ``update``; azure-native plans a replacement when one of them changes;
* ``pathParameters``: the inputs that are part of the resource id (azure-native replaces
  the resource when one changes, and sends none of them in the body);
* ``topLevel``: for types whose SDK flattens ``properties``, the inputs that stay at the top
  of the body (null: the inputs already have the body's shape);
* ``wireNames``: body paths (SDK names, ``*`` for array items) whose wire name differs from
  the SDK's (``properties.attributes.notBefore`` is sent as ``nbf``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tools.contract import CONTRACTS, _deref, _sdk_name, _shape, definition_uri, registry

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "components" / "preview" / "azure_api.json"
SPECIFICATION = ROOT / "contracts" / "azure-rest-api-specs" / "specification"

_KV = "keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01"
_HSC = "postgresqlhsc/resource-manager/Microsoft.DBforPostgreSQL/preview/2023-03-02-preview"
_PG = "postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2025-08-01"
_RG_PATH = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers"

# Path parameter that names each resource type: (input property, spec file, PUT path).
NAME_PARAMETERS: dict[str, tuple[str, str, str]] = {
    "azure-native:keyvault:Vault": (
        "vaultName",
        f"{_KV}/keyvault.json",
        f"{_RG_PATH}/Microsoft.KeyVault/vaults/{{vaultName}}",
    ),
    "azure-native:keyvault:Key": (
        "keyName",
        f"{_KV}/keys.json",
        f"{_RG_PATH}/Microsoft.KeyVault/vaults/{{vaultName}}/keys/{{keyName}}",
    ),
    "azure-native:dbforpostgresql:Server": (
        "serverName",
        f"{_PG}/Servers.json",
        f"{_RG_PATH}/Microsoft.DBforPostgreSQL/flexibleServers/{{serverName}}",
    ),
    "azure-native:dbforpostgresql:ServerGroupCluster": (
        "clusterName",
        f"{_HSC}/postgresqlhsc.json",
        f"{_RG_PATH}/Microsoft.DBforPostgreSQL/serverGroupsv2/{{clusterName}}",
    ),
}


def _parameter(spec_file: str, path: str, prop: str) -> dict[str, Any]:
    location = SPECIFICATION / spec_file
    spec = json.loads(location.read_text())
    for parameter in spec["paths"][path]["put"]["parameters"]:
        if "$ref" in parameter:
            file, _, fragment = parameter["$ref"].partition("#")
            owner = json.loads((location.parent / file).resolve().read_text()) if file else spec
            parameter = owner["parameters"][fragment.rsplit("/", 1)[1]]
        if parameter.get("name") == prop:
            return {
                k: parameter[k] for k in ("minLength", "maxLength", "pattern") if k in parameter
            }
    raise LookupError(f"{spec_file} declares no {prop} for {path}")


def _create_only(resource_type: str) -> list[str]:
    """Input paths (SDK names, flattened as the SDK flattens them) the spec lets one set at
    creation but not update."""
    contract = CONTRACTS[resource_type]
    resolved = registry().resolver().lookup(definition_uri(contract.definition))
    found: list[str] = []

    def walk(schema: Mapping[str, Any], resolver: Any, prefix: str, depth: int) -> None:
        if depth > 6:
            return
        shape = _shape(schema, resolver)
        if shape.items is not None and prefix:
            walk(*shape.items, f"{prefix}[*]", depth + 1)  # findForceNew: prop[].inner
        for wire, (sub, sub_resolver) in shape.properties.items():
            target, target_resolver = _deref(sub, sub_resolver)
            mutability = sub.get("x-ms-mutability", target.get("x-ms-mutability"))
            if sub.get("readOnly") or target.get("readOnly"):
                continue
            name = _sdk_name(wire, sub)
            flattened = sub.get("x-ms-client-flatten") or (
                prefix == "" and wire == "properties" and contract.top_level is not None
            )
            path = prefix if flattened else (f"{prefix}.{name}" if prefix else name)
            if mutability is not None and "update" not in mutability and not flattened:
                found.append(path)
                continue
            walk(target, target_resolver, path, depth + 1)

    walk(resolved.contents, resolved.resolver, "", 0)
    return sorted(set(found))


# Types without a vendored spec whose id parameters the preview still needs; taken from the
# pulumi-azure-native SDK's resource args (the PUT path's parameters).
EXTRA_PATH_PARAMETERS: dict[str, tuple[str, ...]] = {
    "azure-native:eventgrid:SystemTopic": ("resourceGroupName", "systemTopicName"),
    "azure-native:eventgrid:SystemTopicEventSubscription": (
        "resourceGroupName",
        "systemTopicName",
        "eventSubscriptionName",
    ),
    "azure-native:authorization:ManagementLockAtResourceGroupLevel": (
        "resourceGroupName",
        "lockName",
    ),
}
# azure-native's standalone access policy lives at .../accessPolicy/{policy.objectId}
# (provider/pkg/resources/customresources/custom_keyvault_accesspolicy.go).
ACCESS_POLICY_PATH = "policy.objectId"


def _path_parameters(resource_type: str) -> list[str]:
    if resource_type in EXTRA_PATH_PARAMETERS:
        return sorted(EXTRA_PATH_PARAMETERS[resource_type])
    parameters = set(CONTRACTS[resource_type].path_parameters)
    if resource_type == "azure-native:keyvault:AccessPolicy":
        parameters.add(ACCESS_POLICY_PATH)
    return sorted(parameters)


def _wire_names(resource_type: str) -> dict[str, str]:
    """Body paths (SDK names) whose wire name differs, as the provider renames them."""
    contract = CONTRACTS[resource_type]
    resolved = registry().resolver().lookup(definition_uri(contract.definition))
    found: dict[str, str] = {}

    def walk(schema: Mapping[str, Any], resolver: Any, prefix: str, depth: int) -> None:
        if depth > 8:
            return
        shape = _shape(schema, resolver)
        if shape.items is not None:
            walk(*shape.items, f"{prefix}[*]", depth + 1)
        for wire, (sub, sub_resolver) in shape.properties.items():
            name = _sdk_name(wire, sub)
            path = f"{prefix}.{name}" if prefix else name
            if name != wire:
                found[path] = wire
            walk(sub, sub_resolver, path, depth + 1)

    walk(resolved.contents, resolved.resolver, "", 0)
    return dict(sorted(found.items()))


def render() -> str:
    facts: dict[str, Any] = {}
    for resource_type in sorted({*NAME_PARAMETERS, *CONTRACTS, *EXTRA_PATH_PARAMETERS}):
        entry: dict[str, Any] = {}
        if resource_type in NAME_PARAMETERS:
            prop, spec_file, path = NAME_PARAMETERS[resource_type]
            entry["name"] = {"property": prop, **_parameter(spec_file, path, prop)}
        if resource_type in CONTRACTS:
            contract = CONTRACTS[resource_type]
            entry["createOnly"] = _create_only(resource_type)
            entry["topLevel"] = None if contract.top_level is None else sorted(contract.top_level)
            entry["wireNames"] = _wire_names(resource_type)
        if resource_type in CONTRACTS or resource_type in EXTRA_PATH_PARAMETERS:
            entry["pathParameters"] = _path_parameters(resource_type)
        facts[resource_type] = entry
    return json.dumps(facts, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite the JSON")
    args = parser.parse_args(argv)
    text = render()
    if args.write:
        OUTPUT.write_text(text)
        return 0
    if not OUTPUT.exists() or OUTPUT.read_text() != text:
        print(f"out of date: {OUTPUT.name}; run python -m tools.azure_api --write", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
