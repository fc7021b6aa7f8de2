"""A planned stack as an ARM deployment template, for scanners that read ARM (checkov).

Each Azure resource the plan creates becomes a template resource with its ARM ``type``,
``apiVersion``, ``name`` (``parent/child`` for child resources), ``scope`` for extension
resources, and the request body the provider would send (:mod:`cmkpg.preview.arm_body`):
so a check reads exactly the properties Azure would receive. Resources read by id, components
and non-Azure resources (random, providers) are left out; masked secrets stay ``[secret]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cmkpg.preview import arm_body
from cmkpg.preview.engine import Plan, Registration

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


@dataclass(frozen=True)
class ArmType:
    """How a Pulumi type appears in a template. ``api_version`` is the one the pinned
    pulumi-azure-native uses (its docstring: "Uses Azure REST API version ..."; a test keeps
    them equal). ``name`` lists the inputs that form the ARM name, outermost first."""

    type: str
    api_version: str
    name: tuple[str, ...]
    scope: str | None = None
    """Input holding the scope of an extension resource."""


ARM_TYPES: dict[str, ArmType] = {
    "azure-native:resources:ResourceGroup": ArmType(
        "Microsoft.Resources/resourceGroups", "2024-03-01", ("resourceGroupName",)
    ),
    "azure-native:managedidentity:UserAssignedIdentity": ArmType(
        "Microsoft.ManagedIdentity/userAssignedIdentities", "2023-01-31", ("resourceName",)
    ),
    "azure-native:keyvault:Vault": ArmType(
        "Microsoft.KeyVault/vaults", "2024-11-01", ("vaultName",)
    ),
    "azure-native:keyvault:AccessPolicy": ArmType(
        "Microsoft.KeyVault/vaults/accessPolicies", "2024-11-01", ("vaultName", "=add")
    ),
    "azure-native:keyvault:Key": ArmType(
        "Microsoft.KeyVault/vaults/keys", "2024-11-01", ("vaultName", "keyName")
    ),
    "azure-native:dbforpostgresql:ServerGroupCluster": ArmType(
        "Microsoft.DBforPostgreSQL/serverGroupsv2", "2023-03-02-preview", ("clusterName",)
    ),
    "azure-native:dbforpostgresql:ServerGroupFirewallRule": ArmType(
        "Microsoft.DBforPostgreSQL/serverGroupsv2/firewallRules",
        "2023-03-02-preview",
        ("clusterName", "firewallRuleName"),
    ),
    "azure-native:dbforpostgresql:Server": ArmType(
        "Microsoft.DBforPostgreSQL/flexibleServers", "2025-08-01", ("serverName",)
    ),
    "azure-native:dbforpostgresql:FirewallRule": ArmType(
        "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules",
        "2025-08-01",
        ("serverName", "firewallRuleName"),
    ),
    "azure-native:authorization:RoleAssignment": ArmType(
        "Microsoft.Authorization/roleAssignments", "2022-04-01", ("roleAssignmentName",), "scope"
    ),
    "azure-native:monitor:ActionGroup": ArmType(
        "Microsoft.Insights/actionGroups", "2024-10-01-preview", ("actionGroupName",)
    ),
    "azure-native:monitor:ActivityLogAlert": ArmType(
        "Microsoft.Insights/activityLogAlerts", "2020-10-01", ("activityLogAlertName",)
    ),
    "azure-native:monitor:ScheduledQueryRule": ArmType(
        "Microsoft.Insights/scheduledQueryRules", "2025-01-01-preview", ("ruleName",)
    ),
    "azure-native:monitor:DiagnosticSetting": ArmType(
        "Microsoft.Insights/diagnosticSettings", "2021-05-01-preview", ("name",), "resourceUri"
    ),
    "azure-native:operationalinsights:Workspace": ArmType(
        "Microsoft.OperationalInsights/workspaces", "2023-09-01", ("workspaceName",)
    ),
    "azure-native:authorization:ManagementLockByScope": ArmType(
        "Microsoft.Authorization/locks", "2020-05-01", ("lockName",), "scope"
    ),
    "azure-native:eventgrid:SystemTopic": ArmType(
        "Microsoft.EventGrid/systemTopics", "2025-02-15", ("systemTopicName",)
    ),
    "azure-native:eventgrid:SystemTopicEventSubscription": ArmType(
        "Microsoft.EventGrid/systemTopics/eventSubscriptions",
        "2025-02-15",
        ("systemTopicName", "eventSubscriptionName"),
    ),
}
# Inputs that are only part of the URL of types without a vendored spec.
_EXTRA_PATH = {"resourceGroupName", "systemTopicName", "eventSubscriptionName"}
_TOP_LEVEL = {"location", "tags", "identity", "sku", "kind", "etag"}


def _physical(registration: Registration, input_name: str) -> str:
    if input_name.startswith("="):
        return input_name[1:]
    value = registration.inputs.get(input_name)
    if value is None and input_name == registration_name_input(registration):
        value = registration.outputs.get("name")  # an autonamed resource
    return str(value)


def registration_name_input(registration: Registration) -> str:
    return ARM_TYPES[registration.type].name[-1]


def body(registration: Registration) -> dict[str, Any]:
    """The request body; for a type without a vendored spec, the SDK's flattening undone."""
    found = arm_body.request_body(registration.type, registration.inputs)
    if found is not None:
        return found
    kept = {k: v for k, v in registration.inputs.items() if k not in _EXTRA_PATH}
    top = {k: v for k, v in kept.items() if k in _TOP_LEVEL}
    rest = {k: v for k, v in kept.items() if k not in _TOP_LEVEL}
    return {**top, "properties": rest} if rest else top


def template_resource(registration: Registration) -> dict[str, Any]:
    arm = ARM_TYPES[registration.type]
    resource: dict[str, Any] = {
        "type": arm.type,
        "apiVersion": arm.api_version,
        "name": "/".join(_physical(registration, part) for part in arm.name),
    }
    content = body(registration)
    if arm.scope is not None:
        resource["scope"] = str(registration.inputs.get(arm.scope))
        content = {k: v for k, v in content.items() if k != arm.scope}
        if isinstance(content.get("properties"), dict):
            content["properties"] = {
                k: v for k, v in content["properties"].items() if k != arm.scope
            }
    resource.update(content)
    return resource


def to_template(plan: Plan) -> dict[str, Any]:
    """The Azure resources ``plan`` creates, as one deployment template."""
    resources = [
        template_resource(r)
        for r in sorted(plan.resources, key=lambda r: r.urn)
        if r.custom and not r.read and r.type in ARM_TYPES
    ]
    return {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "resources": resources}


def unconverted(plan: Plan) -> list[str]:
    """Created custom resources of Azure types this module does not know (a test keeps it
    empty, so nothing escapes the scan silently)."""
    return sorted(
        {
            r.type
            for r in plan.resources
            if r.custom
            and not r.read
            and r.type.startswith("azure-native:")
            and r.type not in ARM_TYPES
        }
    )
