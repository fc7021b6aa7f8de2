"""The official contract check: planned resources -> ARM request bodies -> vendored specs.

The mocks answer like Azure, but only the REST API specs in ``contracts/azure-rest-api-specs``
say what Azure *accepts*. This module rebuilds, from a planned registration, the JSON body
the azure-native provider would PUT (engine inputs are the SDK's property names; the
provider moves the flattened ones under ``properties``, drops the path parameters and turns
identity lists into maps) and validates it two ways:

* ``jsonschema`` Draft 4, the dialect of Swagger 2.0, with every spec file in a
  ``referencing.Registry`` under its file URI so the relative cross-file ``$ref`` links
  resolve offline; ``x-ms-*`` keys are ignored. A small format checker adds ``uuid``,
  ``date-time``, ``int32`` and ``int64``, which plain Draft 4 does not check.
* a strict walk, because the specs never set ``additionalProperties: false``: plain
  ``jsonschema`` accepts a misspelt property (``enablePurgeProtecton``) that Azure would
  silently ignore. The walk reports every key the spec does not declare and every key the
  spec marks ``readOnly`` (a create body must not send them).

Each problem names its JSON path in the body, e.g. ``properties.sku: 'sku' is a required
property``. Secrets masked as ``"[secret]"`` stay in the body: they are strings and validate
as strings. Resources read by id (``read=True``) and components send no body and are skipped.
A type with no vendored spec is listed by ``no_contract`` (never silently passed), and a
type this module does not know at all is an error in ``validate_plan``.

This is test tooling: ``jsonschema`` and ``referencing`` come from requirements-dev.txt.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
from referencing import Registry
from referencing.jsonschema import DRAFT4

from cmkpg.preview import arm_body
from cmkpg.preview.engine import SECRET, UNKNOWN, Plan, Registration

if TYPE_CHECKING:  # referencing exports Resolver only from its private module
    from referencing._core import Resolver

SPECS = Path(__file__).resolve().parent.parent / "contracts" / "azure-rest-api-specs"
SPECIFICATION = SPECS / "specification"

_HSC = "postgresqlhsc/resource-manager/Microsoft.DBforPostgreSQL/preview/2023-03-02-preview"
_PG = "postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2025-08-01"
_KV = "keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01"
_MSI = "msi/resource-manager/Microsoft.ManagedIdentity/stable/2023-01-31"
_MON = "monitor/resource-manager/Microsoft.Insights"
_AUTH = "authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01"
_LOCKS = "resources/resource-manager/Microsoft.Authorization/stable/2020-05-01/locks.json"
_RESOURCES = "resources/resource-manager/Microsoft.Resources/stable/2024-03-01/resources.json"
_WORKSPACES = (
    "operationalinsights/resource-manager/Microsoft.OperationalInsights/stable/2023-09-01/"
    "Workspaces.json"
)


@dataclass(frozen=True)
class Contract:
    """How one Pulumi type becomes a request body, and which spec definition checks it.

    ``definition`` is relative to ``specification/`` (``file.json#/definitions/Name``).
    ``top_level`` is None when the SDK inputs already have the REST shape (``properties``
    nested); otherwise the keys kept at the top and everything else goes under
    ``properties`` (the SDK flattens ``x-ms-client-flatten`` properties).
    """

    definition: str
    path_parameters: frozenset[str]
    top_level: frozenset[str] | None = None


def _contract(definition: str, *path: str, top_level: tuple[str, ...] | None = None) -> Contract:
    return Contract(
        definition=definition,
        path_parameters=frozenset(path),
        top_level=None if top_level is None else frozenset(top_level),
    )


# API versions are the ones pulumi-azure-native 3.29 uses for these types (its docstrings
# say "Uses Azure REST API version ..."), which are the versions vendored.
CONTRACTS: dict[str, Contract] = {
    "azure-native:dbforpostgresql:ServerGroupCluster": _contract(
        f"{_HSC}/postgresqlhsc.json#/definitions/Cluster",
        "clusterName",
        "resourceGroupName",
        top_level=("location", "tags", "identity"),
    ),
    "azure-native:dbforpostgresql:Server": _contract(
        f"{_PG}/Servers.json#/definitions/Server",
        "serverName",
        "resourceGroupName",
        top_level=("location", "tags", "identity", "sku"),
    ),
    "azure-native:dbforpostgresql:FirewallRule": _contract(
        f"{_PG}/FirewallRules.json#/definitions/FirewallRule",
        "serverName",
        "firewallRuleName",
        "resourceGroupName",
        top_level=(),
    ),
    "azure-native:keyvault:Vault": _contract(
        f"{_KV}/keyvault.json#/definitions/VaultCreateOrUpdateParameters",
        "vaultName",
        "resourceGroupName",
    ),
    "azure-native:keyvault:Key": _contract(
        f"{_KV}/keys.json#/definitions/KeyCreateParameters",
        "keyName",
        "vaultName",
        "resourceGroupName",
    ),
    # The body puts the one policy into a one-entry list (arm_body).
    "azure-native:keyvault:AccessPolicy": _contract(
        f"{_KV}/keyvault.json#/definitions/VaultAccessPolicyParameters",
        "vaultName",
        "resourceGroupName",
    ),
    "azure-native:managedidentity:UserAssignedIdentity": _contract(
        f"{_MSI}/ManagedIdentity.json#/definitions/Identity",
        "resourceName",
        "resourceGroupName",
    ),
    "azure-native:monitor:ActionGroup": _contract(
        f"{_MON}/preview/2024-10-01-preview/actionGroups_API.json#/definitions/ActionGroupResource",
        "actionGroupName",
        "resourceGroupName",
        # AzureResource of this spec declares the managed identity at the top.
        top_level=("location", "tags", "identity"),
    ),
    "azure-native:monitor:ActivityLogAlert": _contract(
        f"{_MON}/stable/2020-10-01/activityLogAlerts_API.json"
        "#/definitions/ActivityLogAlertResource",
        "activityLogAlertName",
        "resourceGroupName",
        top_level=("location", "tags"),
    ),
    "azure-native:dbforpostgresql:ServerGroupFirewallRule": _contract(
        f"{_HSC}/postgresqlhsc.json#/definitions/FirewallRule",
        "clusterName",
        "firewallRuleName",
        "resourceGroupName",
        top_level=(),
    ),
    "azure-native:monitor:DiagnosticSetting": _contract(
        f"{_MON}/preview/2021-05-01-preview/diagnosticsSettings_API.json"
        "#/definitions/DiagnosticSettingsResource",
        "resourceUri",
        "name",
        top_level=(),
    ),
    "azure-native:monitor:ScheduledQueryRule": _contract(
        f"{_MON}/preview/2025-01-01-preview/scheduledQueryRule_API.json"
        "#/definitions/ScheduledQueryRuleResource",
        "ruleName",
        "resourceGroupName",
        top_level=("location", "tags", "kind", "identity"),
    ),
    "azure-native:operationalinsights:Workspace": _contract(
        f"{_WORKSPACES}#/definitions/Workspace",
        "workspaceName",
        "resourceGroupName",
        top_level=("location", "tags", "identity", "etag"),
    ),
    "azure-native:authorization:ManagementLockByScope": _contract(
        f"{_LOCKS}#/definitions/ManagementLockObject",
        "scope",
        "lockName",
        top_level=(),
    ),
    "azure-native:resources:ResourceGroup": _contract(
        f"{_RESOURCES}#/definitions/ResourceGroup",
        "resourceGroupName",
        top_level=("location", "tags", "managedBy"),
    ),
    "azure-native:authorization:RoleAssignment": _contract(
        f"{_AUTH}/authorization-RoleAssignmentsCalls.json"
        "#/definitions/RoleAssignmentCreateParameters",
        "scope",
        "roleAssignmentName",
        top_level=(),
    ),
}

# Types (fnmatch patterns) that send a body no vendored spec describes, or no ARM body at
# all (random:*, providers). They are reported by no_contract(), not validated.
NO_CONTRACT_TYPES: tuple[str, ...] = (
    "azure-native:authorization:ManagementLockAtResourceGroupLevel",
    "azure-native:eventgrid:*",
    "random:*",
    "pulumi:providers:*",
)


def has_no_contract(resource_type: str) -> bool:
    return any(fnmatchcase(resource_type, pattern) for pattern in NO_CONTRACT_TYPES)


def sends_body(registration: Registration) -> bool:
    """Only created custom resources send a body; reads and components do not."""
    return registration.custom and not registration.read


# -- request bodies ----------------------------------------------------------------------------


def request_body(registration: Registration) -> tuple[str, dict[str, Any]] | None:
    """``(definition, body)`` the provider would PUT for ``registration``
    (:func:`cmkpg.preview.arm_body.request_body`, which the offline preview also prints).

    None when it sends no body (read, component) or its type has no contract; validate_plan
    and no_contract tell those apart. Raises KeyError for a type this module does not know.
    """
    if not sends_body(registration) or has_no_contract(registration.type):
        return None
    contract = CONTRACTS[registration.type]
    body = arm_body.request_body(registration.type, registration.inputs)
    if body is None:
        raise KeyError(registration.type)
    return contract.definition, body


def _sdk_name(wire: str, schema: Mapping[str, Any]) -> str:
    """The SDK's name of a property: ``x-ms-client-name`` or the wire name, in camelCase
    (keys.json ``nbf`` is ``notBefore``, ``release_policy`` is ``releasePolicy``)."""
    name = schema.get("x-ms-client-name", wire)
    head, *rest = name.split("_")
    return head[:1].lower() + head[1:] + "".join(part[:1].upper() + part[1:] for part in rest)


# -- validation ----------------------------------------------------------------------------


@cache
def registry() -> Registry:
    """Every spec file under its file URI, so relative ``$ref`` links resolve offline."""
    resources = [
        (path.as_uri(), DRAFT4.create_resource(json.loads(path.read_text())))
        for path in sorted(SPECIFICATION.rglob("*.json"))
        if "examples" not in path.parts
    ]
    return Registry().with_resources(resources).crawl()


def definition_uri(definition: str) -> str:
    """``file.json#/definitions/X`` (relative to specification/) -> absolute file URI."""
    file, _, fragment = definition.partition("#")
    return f"{(SPECIFICATION / file).as_uri()}#{fragment}"


_UUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_FORMATS = jsonschema.FormatChecker(formats=())


def _opaque(value: object) -> bool:
    # A masked secret or an unknown stands for a value the plan cannot show.
    return value in (SECRET, UNKNOWN)


@_FORMATS.checks("uuid")
def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or _opaque(value) or bool(_UUID.match(value))


@_FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str) or _opaque(value):
        return True
    if not _DATE_TIME.match(value):
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _int_range(bits: int) -> Callable[[object], bool]:
    def check(value: object) -> bool:
        if not isinstance(value, int) or isinstance(value, bool):
            return True
        return -(2 ** (bits - 1)) <= value < 2 ** (bits - 1)

    return check


_FORMATS.checks("int32")(_int_range(32))
_FORMATS.checks("int64")(_int_range(64))


_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def _path(parts: Iterable[str | int]) -> str:
    """JSON path like ``properties.accessPolicies[0]`` (map keys such as ARM ids quoted)."""
    text = ""
    for part in parts:
        if isinstance(part, int) or not _NAME.match(part):
            text += f"[{json.dumps(part)}]"
        else:
            text += f".{part}" if text else part
    return text or "<body>"


def schema_errors(definition: str, body: Any) -> list[str]:
    """Plain Draft 4 validation (what jsonschema alone finds)."""
    validator = jsonschema.Draft4Validator(
        {"$ref": definition_uri(definition)}, registry=registry(), format_checker=_FORMATS
    )
    errors = sorted(validator.iter_errors(body), key=lambda e: (list(map(str, e.path)), e.message))
    return [f"{_path(e.absolute_path)}: {e.message}" for e in errors]


def strict_errors(definition: str, body: Any) -> list[str]:
    """Keys the spec does not declare, and keys it marks readOnly, each with its path."""
    resolver = registry().resolver()
    resolved = resolver.lookup(definition_uri(definition))
    problems: list[str] = []
    _walk(body, resolved.contents, resolved.resolver, (), problems)
    return problems


def validate_body(definition: str, body: Any) -> list[str]:
    """Every problem of ``body`` against ``definition``; empty means the spec accepts it."""
    return schema_errors(definition, body) + strict_errors(definition, body)


@dataclass
class _Shape:
    """An object schema with its allOf parents merged and every $ref resolved."""

    properties: dict[str, tuple[Mapping[str, Any], Resolver]]
    additional: tuple[Mapping[str, Any], Resolver] | None
    items: tuple[Mapping[str, Any], Resolver] | None


def _deref(schema: Mapping[str, Any], resolver: Resolver) -> tuple[Mapping[str, Any], Resolver]:
    seen = 0
    while "$ref" in schema:  # Draft 4: $ref replaces its siblings
        resolved = resolver.lookup(schema["$ref"])
        schema, resolver = resolved.contents, resolved.resolver
        seen += 1
        if seen > 50:
            raise ValueError(f"$ref loop at {schema!r:.80}")
    return schema, resolver


def _shape(schema: Mapping[str, Any], resolver: Resolver) -> _Shape:
    schema, resolver = _deref(schema, resolver)
    shape = _Shape(properties={}, additional=None, items=None)
    for parent in schema.get("allOf", []):  # parents first, own declarations win
        inherited = _shape(parent, resolver)
        shape.properties.update(inherited.properties)
        shape.additional = inherited.additional or shape.additional
        shape.items = inherited.items or shape.items
    for name, sub in schema.get("properties", {}).items():
        shape.properties[name] = (sub, resolver)
    if isinstance(schema.get("additionalProperties"), Mapping):
        shape.additional = (schema["additionalProperties"], resolver)
    if isinstance(schema.get("items"), Mapping):
        shape.items = (schema["items"], resolver)
    return shape


def _read_only(schema: Mapping[str, Any], resolver: Resolver) -> bool:
    # readOnly may sit next to a $ref (ignored by Draft 4, meant by Swagger) or on the target.
    while True:
        if schema.get("readOnly") is True:
            return True
        if "$ref" not in schema:
            return False
        resolved = resolver.lookup(schema["$ref"])
        schema, resolver = resolved.contents, resolved.resolver


def _walk(
    value: Any,
    schema: Mapping[str, Any],
    resolver: Resolver,
    path: tuple[str | int, ...],
    problems: list[str],
) -> None:
    if not isinstance(value, dict | list):
        return
    shape = _shape(schema, resolver)
    if isinstance(value, list):
        if shape.items is not None:
            for index, item in enumerate(value):
                _walk(item, *shape.items, (*path, index), problems)
        return
    if not shape.properties and shape.additional is None:
        return  # a free-form object (no declared properties at all): any key goes
    for key, item in value.items():
        where = _path((*path, key))
        if key in shape.properties:
            sub, sub_resolver = shape.properties[key]
            if _read_only(sub, sub_resolver):
                problems.append(f"{where}: read-only in the spec; a create body must not send it")
            _walk(item, sub, sub_resolver, (*path, key), problems)
        elif shape.additional is not None:
            _walk(item, *shape.additional, (*path, key), problems)
        else:
            problems.append(f"{where}: not declared by the spec (misspelt or unsupported)")


# -- plans ---------------------------------------------------------------------------------


def validate_plan(plan: Plan) -> dict[str, list[str]]:
    """Problems per URN for every resource of ``plan`` that sends a body with a contract.

    Every such resource has an entry (an empty list when valid), so callers can see what was
    checked. A type neither in CONTRACTS nor in NO_CONTRACT_TYPES is itself a problem: a new
    resource type must be given a contract or be listed as having none.
    """
    results: dict[str, list[str]] = {}
    for registration in plan.resources:
        if not sends_body(registration) or has_no_contract(registration.type):
            continue
        if registration.type not in CONTRACTS:
            results[registration.urn] = [
                f"<type>: no contract mapping for {registration.type}; add it to "
                "tools/contract.py CONTRACTS, or to NO_CONTRACT_TYPES if no spec is vendored"
            ]
            continue
        found = request_body(registration)
        assert found is not None
        results[registration.urn] = validate_body(*found)
    return results


def no_contract(plan: Plan) -> list[Registration]:
    """Resources of ``plan`` that send something no vendored spec checks (a known gap)."""
    return [r for r in plan.resources if sends_body(r) and has_no_contract(r.type)]
