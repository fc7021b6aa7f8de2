"""Pulumi mocks that answer the way Azure and the providers answer, deterministically.

The offline preview and the unit tests share these. Each resource type gets the outputs
Azure returns for it (ARM ids, autonamed names, vault and key URIs, identity principal and
client ids, the cluster's identity map and server names), so the program's outputs and its
dependency graph are the ones a real `pulumi preview` would see. Every generated id is an
obvious placeholder (all-zero subscription, zero-prefixed GUIDs): nothing here is real.

Like the azure-native provider's check step, a resource whose name breaks the API's path
parameter rules (read from the vendored REST API specs) is rejected with the provider's
message, before any output is invented.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable, Mapping
from typing import Any

import pulumi
from pulumi.output import Unknown

from cmkpg.resource_ids import ArmId, parse_arm_id

from . import wire
from .api_facts import name_rule
from .backends import Backend, parse_reference
from .update import Deployment

SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
TENANT_ID = "00000000-0000-0000-0000-000000000001"
CLIENT_OBJECT_ID = "00000000-0000-0000-0000-000000000002"
CLIENT_APP_ID = "00000000-0000-0000-0000-000000000003"


State = dict[str, Any]


def digest(seed: str, length: int) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()[:length]


def placeholder_guid(seed: str) -> str:
    """A stable GUID whose zero prefix marks it as made up."""
    h = digest(seed, 16)
    return f"00000000-0000-0000-{h[:4]}-{h[4:16]}"


class ProviderCheckError(Exception):
    """What the provider reports for an input it rejects before calling Azure."""


def check_name(resource_type: str, logical_name: str, value: str) -> None:
    rule = name_rule(resource_type)
    if rule is None or value == wire.UNKNOWN:
        return  # the provider checks a name once it is known
    prop, definition = rule
    problem = None
    if "minLength" in definition and len(value) < definition["minLength"]:
        problem = f"'{prop}' is too short ({len(value)}): at least {definition['minLength']}"
    elif "maxLength" in definition and len(value) > definition["maxLength"]:
        problem = f"'{prop}' is too long ({len(value)}): at most {definition['maxLength']}"
    elif "pattern" in definition and not re.search(definition["pattern"], value):
        problem = f"'{prop}' does not match expression '{definition['pattern']}'"
    if problem:
        raise ProviderCheckError(
            f"{resource_type} resource '{logical_name}' has a problem: {problem} (value {value!r})"
        )


class AzureMocks(pulumi.runtime.Mocks):
    """Mocks returning Azure-shaped outputs.

    :param key_generation: which version of every key is current. Raise it to simulate a
        key rotation between two runs (the versioned key URIs change, nothing else does).
    :param existing: state overrides for resources read by id (``Resource.get``), keyed by
        ARM id, deep-merged over a healthy default; e.g. a vault with purge protection off.
    :param location: region reported for existing resources unless overridden.
    :param stack_references: answers ``pulumi.StackReference``: stack name -> (outputs,
        names of the secret ones).
    :param deployment: what is deployed (``--from``): a reference to the running stack
        reads its outputs, and ``get*`` invokes read its resources. Default: None, a stack
        never deployed (its own outputs are empty, no resource exists).
    :param backend: the state backend whose stack-reference rules apply: ``diy`` (project
        layout, the default), ``diy-legacy`` or ``cloud``.
    :param subscription_id: the subscription the provider deploys to (``--subscription``, or
        ``azure-native:subscriptionId``). Default: an all-zero placeholder.
    :param tenant_id: the Entra tenant of the credentials. Default: a placeholder.
    """

    def __init__(
        self,
        *,
        key_generation: int = 1,
        existing: Mapping[str, State] | None = None,
        location: str = "westeurope",
        stack_references: Callable[[str], tuple[State, list[str]]] | None = None,
        deployment: Deployment | None = None,
        backend: Backend = "diy",
        subscription_id: str = SUBSCRIPTION_ID,
        tenant_id: str = TENANT_ID,
    ) -> None:
        self.subscription_id = subscription_id
        self.tenant_id = tenant_id
        self.stack_references = stack_references
        self.deployment = deployment
        self.backend = backend
        self.key_generation = key_generation
        self.existing = {k.lower(): v for k, v in (existing or {}).items()}
        self.location = location
        self._created: dict[str, Callable[[pulumi.runtime.MockResourceArgs], tuple[str, State]]] = {
            "azure-native:resources:ResourceGroup": self._resource_group,
            "azure-native:managedidentity:UserAssignedIdentity": self._identity,
            "azure-native:keyvault:Vault": self._vault,
            "azure-native:keyvault:AccessPolicy": self._access_policy,
            "azure-native:keyvault:Key": self._key,
            "azure-native:dbforpostgresql:ServerGroupCluster": self._cluster,
            "random:index/randomPassword:RandomPassword": self._random_password,
            "azure-native:monitor:ActionGroup": self._action_group,
            "azure-native:monitor:ActivityLogAlert": self._activity_log_alert,
            "azure-native:monitor:ScheduledQueryRule": self._scheduled_query_rule,
            "azure-native:monitor:DiagnosticSetting": self._diagnostic_setting,
            "azure-native:operationalinsights:Workspace": self._workspace,
            "azure-native:dbforpostgresql:ServerGroupFirewallRule": self._firewall_rule,
            "azure-native:dbforpostgresql:Server": self._server,
            "azure-native:dbforpostgresql:FirewallRule": self._server_firewall_rule,
            "azure-native:authorization:RoleAssignment": self._role_assignment,
            "azure-native:eventgrid:SystemTopic": self._system_topic,
            "azure-native:eventgrid:SystemTopicEventSubscription": self._event_subscription,
        }

    # -- engine entry points ---------------------------------------------------------------

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[State, list[tuple[str, str]]]:
        if args.token == "azure-native:authorization:getClientConfig":
            return {
                "clientId": CLIENT_APP_ID,
                "objectId": CLIENT_OBJECT_ID,
                "subscriptionId": self.subscription_id,
                "tenantId": self.tenant_id,
            }, []
        if args.token == "azure-native:dbforpostgresql:getServerGroupCluster":
            return self._get_deployed(
                args.args, "ServerGroupCluster", "serverGroupsv2", "clusterName"
            )
        if args.token == "azure-native:dbforpostgresql:getServer":
            return self._get_deployed(args.args, "Server", "flexibleServers", "serverName")
        raise NotImplementedError(f"the offline engine has no answer for invoke {args.token}")

    def _get_deployed(
        self, args: State, kind: str, arm_type: str, name_arg: str
    ) -> tuple[State, list[tuple[str, str]]]:
        """What ARM answers a GET of a deployed cluster: the deployed one, or a 404 worded as
        the provider relays it (azcore's ``ResponseError``)."""
        group, name = str(args.get("resourceGroupName")), str(args.get(name_arg))
        found = None
        if self.deployment is not None:
            found = self.deployment.find(f"azure-native:dbforpostgresql:{kind}", name=name)
        in_group = f"/resourcegroups/{group.lower()}/"
        if found is not None and in_group in (found.id or "").lower():
            return {**wire.unwrap(found.outputs), "id": found.id}, []
        url = self._arm_id(group, "Microsoft.DBforPostgreSQL", arm_type, name)
        return {}, [
            (
                "",
                f"GET https://management.azure.com{url}\nRESPONSE 404: 404 Not Found\n"
                f"ERROR CODE: ResourceNotFound\nThe Resource "
                f"'Microsoft.DBforPostgreSQL/{arm_type}/{name}' under resource group "
                f"'{group}' was not found.",
            )
        ]

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        if args.resource_id:
            return self._read(args)
        # In an update preview an input can be unknown; the answer is then only a shape.
        args.inputs = _without_unknowns(args.inputs)
        handler = self._created.get(args.typ)
        if handler is None:
            return self._generic(args)
        return handler(args)

    # -- helpers ---------------------------------------------------------------------------

    def _rg_id(self, resource_group: str) -> str:
        return f"/subscriptions/{self.subscription_id}/resourceGroups/{resource_group}"

    def _arm_id(self, resource_group: str, namespace: str, *pairs: str) -> str:
        return f"{self._rg_id(resource_group)}/providers/{namespace}/" + "/".join(pairs)

    def _seed(self, args: pulumi.runtime.MockResourceArgs) -> str:
        return f"{args.typ}::{args.name}"

    def _autoname(
        self, args: pulumi.runtime.MockResourceArgs, prop: str, *, top_level: bool = True
    ) -> str:
        """What azure-native does without an explicit name: top-level resources get the
        logical name plus 8 random hex characters, child resources the logical name."""
        name = args.inputs.get(prop)
        if not name:
            name = args.name + (digest(self._seed(args), 8) if top_level else "")
        check_name(args.typ, args.name, name)
        return name

    # -- created resources -----------------------------------------------------------------

    def _resource_group(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        name = self._autoname(args, "resourceGroupName")
        rid = self._rg_id(name)
        return rid, {
            **args.inputs,
            "resourceGroupName": name,
            "name": name,
            "type": "Microsoft.Resources/resourceGroups",
            "provisioningState": "Succeeded",
        }

    def _identity(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        name = self._autoname(args, "resourceName")
        rid = self._arm_id(
            args.inputs["resourceGroupName"],
            "Microsoft.ManagedIdentity",
            "userAssignedIdentities",
            name,
        )
        return rid, {**args.inputs, **self._identity_state(rid, name)}

    def _identity_state(self, rid: str, name: str) -> State:
        return {
            "name": name,
            "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
            "principalId": placeholder_guid(f"principal:{rid.lower()}"),
            "clientId": placeholder_guid(f"client:{rid.lower()}"),
            "tenantId": self.tenant_id,
        }

    def _vault(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        name = self._autoname(args, "vaultName")
        rid = self._arm_id(args.inputs["resourceGroupName"], "Microsoft.KeyVault", "vaults", name)
        properties = dict(args.inputs.get("properties", {}))
        properties.update(
            vaultUri=f"https://{name}.vault.azure.net/",
            provisioningState="Succeeded",
            accessPolicies=[],
        )
        return rid, {
            **args.inputs,
            "name": name,
            "type": "Microsoft.KeyVault/vaults",
            "properties": properties,
        }

    def _access_policy(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        policy = args.inputs.get("policy", {})
        rid = self._arm_id(
            args.inputs["resourceGroupName"],
            "Microsoft.KeyVault",
            "vaults",
            args.inputs["vaultName"],
            # azure-native's id for a standalone policy (custom_keyvault_accesspolicy.go).
            "accessPolicy",
            policy.get("objectId", args.name),
        )
        return rid, dict(args.inputs)

    def _key(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        name = self._autoname(args, "keyName", top_level=False)
        vault = args.inputs["vaultName"]
        rid = self._arm_id(
            args.inputs["resourceGroupName"], "Microsoft.KeyVault", "vaults", vault, "keys", name
        )
        properties = args.inputs.get("properties", {})
        return rid, {
            **args.inputs,
            **self._key_state(rid, vault, name, properties),
        }

    def _key_state(self, rid: str, vault: str, name: str, properties: State) -> State:
        uri = f"https://{vault}.vault.azure.net/keys/{name}"
        version = digest(f"{rid.lower()}#v{self.key_generation}", 32)
        attributes = dict(properties.get("attributes", {}))
        attributes.update(created=1767225600, updated=1767225600, recoveryLevel="Recoverable")
        return {
            "name": name,
            "type": "Microsoft.KeyVault/vaults/keys",
            "location": self.location,
            "kty": properties.get("kty", "RSA"),
            "keySize": properties.get("keySize", 2048),
            "keyOps": properties.get("keyOps", ["wrapKey", "unwrapKey"]),
            "attributes": attributes,
            "rotationPolicy": properties.get("rotationPolicy"),
            "keyUri": uri,
            "keyUriWithVersion": f"{uri}/{version}",
        }

    def _cluster(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        name = self._autoname(args, "clusterName")
        rid = self._arm_id(
            args.inputs["resourceGroupName"],
            "Microsoft.DBforPostgreSQL",
            "serverGroupsv2",
            name,
        )
        state = {k: v for k, v in args.inputs.items() if k != "administratorLoginPassword"}
        if "administratorLoginPassword" in args.inputs:
            # Azure never returns the password; the provider keeps the input in state.
            state["administratorLoginPassword"] = args.inputs["administratorLoginPassword"]
        node_count = int(args.inputs.get("nodeCount", 0) or 0)
        dns = digest(f"dns:{rid.lower()}", 12)
        servers = [
            {
                "name": f"{name}-c",
                "fullyQualifiedDomainName": f"c-{name}.{dns}.postgres.cosmos.azure.com",
            }
        ]
        servers += [
            {
                "name": f"{name}-w{i}",
                "fullyQualifiedDomainName": f"w{i}-{name}.{dns}.postgres.cosmos.azure.com",
            }
            for i in range(node_count)
        ]
        identity = args.inputs.get("identity")
        if identity:
            # Azure answers with a map keyed by identity id, not the list the SDK sends.
            state["identity"] = {
                "type": identity.get("type"),
                "userAssignedIdentities": {
                    uid: {
                        "principalId": placeholder_guid(f"principal:{uid.lower()}"),
                        "clientId": placeholder_guid(f"client:{uid.lower()}"),
                    }
                    for uid in identity.get("userAssignedIdentities", [])
                },
            }
        state.update(
            name=name,
            type="Microsoft.DBforPostgreSQL/serverGroupsv2",
            administratorLogin="citus",
            databaseName=args.inputs.get("databaseName", "citus"),
            serverNames=servers,
            state="Ready",
            provisioningState="Succeeded",
            aadAuthEnabled="disabled",
            passwordEnabled="enabled",
            readReplicas=[],
            privateEndpointConnections=[],
            earliestRestoreTime="2026-01-01T00:00:00Z",
        )
        if "dataEncryption" not in state:
            state["dataEncryption"] = {"type": "SystemManaged"}
        return rid, state

    def _server(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        """A flexible server (an elastic cluster when it has ``cluster``)."""
        name = self._autoname(args, "serverName")
        rid = self._arm_id(
            args.inputs["resourceGroupName"], "Microsoft.DBforPostgreSQL", "flexibleServers", name
        )
        state = dict(args.inputs)
        identity = args.inputs.get("identity")
        if identity:
            state["identity"] = {
                "type": identity.get("type"),
                "tenantId": self.tenant_id,
                "userAssignedIdentities": {
                    uid: {
                        "principalId": placeholder_guid(f"principal:{uid.lower()}"),
                        "clientId": placeholder_guid(f"client:{uid.lower()}"),
                    }
                    for uid in identity.get("userAssignedIdentities") or {}
                },
            }
        encryption = dict(args.inputs.get("dataEncryption") or {"type": "SystemManaged"})
        if encryption.get("type") == "AzureKeyVault":
            encryption["primaryEncryptionKeyStatus"] = "Valid"
            if encryption.get("geoBackupKeyURI"):
                encryption["geoBackupEncryptionKeyStatus"] = "Valid"
        backup = dict(args.inputs.get("backup") or {})
        backup.setdefault("earliestRestoreDate", "2026-01-01T00:00:00Z")
        state.update(
            name=name,
            type="Microsoft.DBforPostgreSQL/flexibleServers",
            fullyQualifiedDomainName=f"{name}.postgres.database.azure.com",
            state="Ready",
            minorVersion="5",
            replicationRole="Primary",
            replicaCapacity=1,
            dataEncryption=encryption,
            backup=backup,
            privateEndpointConnections=[],
        )
        return rid, state

    def _server_firewall_rule(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        name = args.inputs["firewallRuleName"]
        rid = self._arm_id(
            args.inputs["resourceGroupName"],
            "Microsoft.DBforPostgreSQL",
            "flexibleServers",
            args.inputs["serverName"],
            "firewallRules",
            name,
        )
        return rid, {
            **args.inputs,
            "name": name,
            "type": "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules",
        }

    def _role_assignment(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        # azure-native names a role assignment with a generated GUID.
        name = args.inputs.get("roleAssignmentName") or placeholder_guid(self._seed(args))
        scope = str(args.inputs["scope"]).rstrip("/")
        rid = f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}"
        return rid, {
            **args.inputs,
            "name": name,
            "type": "Microsoft.Authorization/roleAssignments",
            "principalType": args.inputs.get("principalType", "ServicePrincipal"),
        }

    def _random_password(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        seed = digest(self._seed(args), 24)
        length = int(args.inputs.get("length", 32))
        # Meets every min_* constraint the program sets: 2 of each class at the front.
        result = ("Aa1-Bb2_" + seed)[:length]
        return "none", {
            **args.inputs,
            "result": result,
            "bcryptHash": "$2a$10$" + digest("bcrypt:" + seed, 53),
        }

    def _action_group(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        name = self._autoname(args, "actionGroupName")
        rid = self._arm_id(
            args.inputs["resourceGroupName"], "Microsoft.Insights", "actionGroups", name
        )
        state = {**args.inputs, "name": name, "type": "Microsoft.Insights/ActionGroups"}
        # Azure reports each e-mail receiver's subscription status.
        for kind in ("emailReceivers", "smsReceivers", "voiceReceivers"):
            if args.inputs.get(kind):
                state[kind] = [{**r, "status": "Enabled"} for r in args.inputs[kind]]
        return rid, state

    def _activity_log_alert(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        name = self._autoname(args, "activityLogAlertName")
        rid = self._arm_id(
            args.inputs["resourceGroupName"], "Microsoft.Insights", "activityLogAlerts", name
        )
        return rid, {
            **args.inputs,
            "name": name,
            "type": "Microsoft.Insights/ActivityLogAlerts",
            "enabled": args.inputs.get("enabled", True),
        }

    def _scheduled_query_rule(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        name = self._autoname(args, "ruleName")
        rid = self._arm_id(
            args.inputs["resourceGroupName"], "Microsoft.Insights", "scheduledQueryRules", name
        )
        return rid, {
            **args.inputs,
            "name": name,
            "type": "Microsoft.Insights/scheduledQueryRules",
            "kind": args.inputs.get("kind", "LogAlert"),
            "createdWithApiVersion": "2025-01-01-preview",
            "isLegacyLogAnalyticsRule": False,
            "isWorkspaceAlertsStorageConfigured": False,
            "etag": digest(f"etag:{rid.lower()}", 16),
        }

    def _diagnostic_setting(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        # An extension resource: its id hangs off the resource it configures.
        name = self._autoname(args, "name")
        target = str(args.inputs["resourceUri"]).rstrip("/")
        rid = f"{target}/providers/Microsoft.Insights/diagnosticSettings/{name}"
        return rid, {
            **{k: v for k, v in args.inputs.items() if k != "resourceUri"},
            "name": name,
            "type": "Microsoft.Insights/diagnosticSettings",
        }

    def _workspace(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        name = self._autoname(args, "workspaceName")
        rid = self._arm_id(
            args.inputs["resourceGroupName"], "Microsoft.OperationalInsights", "workspaces", name
        )
        sku = dict(args.inputs.get("sku") or {"name": "PerGB2018"})
        sku.setdefault("lastSkuUpdate", "2026-01-01T00:00:00Z")
        return rid, {
            **args.inputs,
            "name": name,
            "type": "Microsoft.OperationalInsights/workspaces",
            "customerId": placeholder_guid(f"workspace:{rid.lower()}"),
            "sku": sku,
            "retentionInDays": args.inputs.get("retentionInDays", 30),
            "provisioningState": "Succeeded",
            "publicNetworkAccessForIngestion": "Enabled",
            "publicNetworkAccessForQuery": "Enabled",
            "createdDate": "2026-01-01T00:00:00Z",
            "modifiedDate": "2026-01-01T00:00:00Z",
        }

    def _firewall_rule(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        name = args.inputs["firewallRuleName"]
        rid = self._arm_id(
            args.inputs["resourceGroupName"],
            "Microsoft.DBforPostgreSQL",
            "serverGroupsv2",
            args.inputs["clusterName"],
            "firewallRules",
            name,
        )
        return rid, {
            **args.inputs,
            "name": name,
            "type": "Microsoft.DBforPostgreSQL/serverGroupsv2/firewallRules",
            "provisioningState": "Succeeded",
        }

    def _system_topic(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        name = self._autoname(args, "systemTopicName")
        rid = self._arm_id(
            args.inputs["resourceGroupName"], "Microsoft.EventGrid", "systemTopics", name
        )
        return rid, {
            **args.inputs,
            "name": name,
            "type": "Microsoft.EventGrid/systemTopics",
            "metricResourceId": placeholder_guid(f"topic:{rid.lower()}"),
            "provisioningState": "Succeeded",
        }

    def _event_subscription(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        name = self._autoname(args, "eventSubscriptionName", top_level=False)
        rid = self._arm_id(
            args.inputs["resourceGroupName"],
            "Microsoft.EventGrid",
            "systemTopics",
            args.inputs["systemTopicName"],
            "eventSubscriptions",
            name,
        )
        return rid, {
            **args.inputs,
            "name": name,
            "type": "Microsoft.EventGrid/systemTopics/eventSubscriptions",
            "provisioningState": "Succeeded",
        }

    def _generic(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        rg = args.inputs.get("resourceGroupName", "rg")
        module, _, kind = args.typ.partition(":")[2].partition(":")
        rid = self._arm_id(rg, f"Mock.{module}", kind, args.name)
        return rid, {**args.inputs, "name": args.name}

    # -- existing resources (Resource.get) -------------------------------------------------

    def _own_outputs(self, rid: str) -> State:
        """The running stack's last outputs (none before its first deployment)."""
        outputs = self.deployment.outputs if self.deployment else {}
        return {
            "name": rid,
            "outputs": wire.unwrap(outputs),
            "secretOutputNames": sorted(k for k, v in outputs.items() if wire.is_secret(v)),
        }

    def _read(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, State]:
        rid = args.resource_id or ""
        state = self._existing_state(args.typ, rid)
        override = self.existing.get(rid.lower())
        if override:
            state = _deep_merge(state, override)
        return rid, state

    def _existing_state(self, typ: str, rid: str) -> State:
        if typ == "pulumi:pulumi:StackReference":
            target = parse_reference(
                self.backend,
                rid,
                project=pulumi.get_project(),
                organization=pulumi.get_organization(),
            )
            own = (target.project, target.stack) == (pulumi.get_project(), pulumi.get_stack())
            # On Pulumi Cloud another owner's stack of the same name is another stack.
            if own and (
                self.backend != "cloud" or target.organization == pulumi.get_organization()
            ):
                return self._own_outputs(rid)
            if self.stack_references is None:
                raise NotImplementedError(
                    f"the offline engine cannot read stack {rid}: no stack references given"
                )
            outputs, secret_names = self.stack_references(rid)
            return {"name": rid, "outputs": outputs, "secretOutputNames": secret_names}
        base: State = {"location": self.location, "tags": {}}
        if typ == "azure-native:managedidentity:UserAssignedIdentity":
            arm = _parse(rid, "Microsoft.ManagedIdentity/userAssignedIdentities")
            return {**base, **self._identity_state(rid, arm.name)}
        if typ == "azure-native:keyvault:Vault":
            arm = _parse(rid, "Microsoft.KeyVault/vaults")
            return {
                **base,
                "name": arm.name,
                "type": "Microsoft.KeyVault/vaults",
                "properties": {
                    "tenantId": self.tenant_id,
                    "sku": {"family": "A", "name": "standard"},
                    "vaultUri": f"https://{arm.name}.vault.azure.net/",
                    "enableSoftDelete": True,
                    "softDeleteRetentionInDays": 90,
                    "enablePurgeProtection": True,
                    "enableRbacAuthorization": False,
                    "publicNetworkAccess": "Enabled",
                    "accessPolicies": [],
                    "provisioningState": "Succeeded",
                },
            }
        if typ == "azure-native:keyvault:Key":
            arm = _parse(rid, "Microsoft.KeyVault/vaults/keys")
            properties = {
                "kty": "RSA",
                "keySize": 3072,
                "keyOps": ["wrapKey", "unwrapKey"],
                "attributes": {"enabled": True},
            }
            return {**base, **self._key_state(rid, arm.names[0], arm.name, properties)}
        if typ == "azure-native:dbforpostgresql:ServerGroupCluster":
            arm = _parse(rid, "Microsoft.DBforPostgreSQL/serverGroupsv2")
            return {**base, "name": arm.name, "type": "Microsoft.DBforPostgreSQL/serverGroupsv2"}
        raise NotImplementedError(f"the offline engine cannot read a {typ} by id")


def _without_unknowns(value: Any) -> Any:
    if isinstance(value, Unknown):
        return wire.UNKNOWN
    if isinstance(value, dict):
        return {k: _without_unknowns(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_unknowns(v) for v in value]
    return value


def _parse(rid: str, expected_type: str) -> ArmId:
    return parse_arm_id(rid, expected_type)


def _deep_merge(base: State, override: Mapping[str, Any]) -> State:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged
