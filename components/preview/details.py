"""What ``cmkpg-preview --details`` prints under each resource: the settings that matter.

A plan tree looks the same for a 4-worker HA cluster with an RSA-HSM 4096 key in a premium
vault as for the dev stack; these lines show what differs: sizing, HA, versions and firewall
rules of a cluster, type, size, rotation and expiry of a key, sku, retention and purge
protection of a vault, the receivers of the alerts, and the tags. They read the planned
inputs, so they show what would be sent (secrets stay ``[secret]``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from . import wire
from .engine import Registration

Inputs = Mapping[str, Any]


def _gib(mb: Any) -> str:
    return f"{int(mb) // 1024} GiB" if isinstance(mb, int | float) else str(mb)


def _on(value: Any) -> str:
    return "on" if value is True else "off"


def _cluster(inputs: Inputs) -> list[str]:
    lines = []
    if "sourceResourceId" in inputs:
        what = "restore" if "pointInTimeUTC" in inputs else "read replica"
        point = f" at {inputs['pointInTimeUTC']}" if "pointInTimeUTC" in inputs else ""
        lines.append(f"{what} of {inputs['sourceResourceId']}{point} (sizing from the source)")
    if "coordinatorVCores" in inputs:
        lines.append(
            f"coordinator: {inputs['coordinatorVCores']} vCores, "
            f"{_gib(inputs.get('coordinatorStorageQuotaInMb'))}, "
            f"{inputs.get('coordinatorServerEdition')}, "
            f"public access {_on(inputs.get('coordinatorEnablePublicIpAccess'))}"
        )
        workers = inputs.get("nodeCount", 0)
        if workers:
            lines.append(
                f"workers: {workers} x {inputs.get('nodeVCores')} vCores, "
                f"{_gib(inputs.get('nodeStorageQuotaInMb'))}, {inputs.get('nodeServerEdition')}"
            )
        else:
            lines.append("workers: none (single node, shards on the coordinator)")
        zone = inputs.get("preferredPrimaryZone")
        lines.append(
            f"high availability {_on(inputs.get('enableHa'))}"
            + (f", preferred zone {zone}" if zone else "")
            + f", geo-redundant backup {_on(inputs.get('enableGeoBackup'))}"
        )
        lines.append(
            f"PostgreSQL {inputs.get('postgresqlVersion')}, Citus {inputs.get('citusVersion')}, "
            f"database {inputs.get('databaseName')}"
        )
    encryption = inputs.get("dataEncryption") or {}
    if encryption.get("type") == "AzureKeyVault":
        lines.append(f"encryption: customer-managed key {encryption.get('primaryKeyUri')}")
    else:
        lines.append("encryption: service-managed keys")
    return lines


def _firewall_rule(inputs: Inputs) -> list[str]:
    start, end = inputs.get("startIpAddress"), inputs.get("endIpAddress")
    return [f"allows {start}" + (f" to {end}" if end != start else "")]


def _days(duration: Any) -> str:
    text = str(duration or "")
    return text[1:-1] + " days" if text.startswith("P") and text.endswith("D") else text


def _key(inputs: Inputs) -> list[str]:
    properties = inputs.get("properties") or {}
    lines = [
        f"{properties.get('kty')} {properties.get('keySize')}, operations "
        f"{', '.join(properties.get('keyOps') or [])}"
    ]
    policy = properties.get("rotationPolicy") or {}
    actions = {
        (a.get("action") or {}).get("type"): a.get("trigger") or {}
        for a in policy.get("lifetimeActions") or []
    }
    rotation = []
    if "rotate" in actions:
        rotate = _days(actions["rotate"].get("timeAfterCreate"))
        rotation.append(f"rotate {rotate} after creation")
    expiry = (policy.get("attributes") or {}).get("expiryTime")
    if expiry:
        rotation.append(f"versions expire after {_days(expiry)}")
    if "notify" in actions:
        notify = _days(actions["notify"].get("timeBeforeExpiry"))
        rotation.append(f"notice {notify} before expiry")
    lines.append("rotation: " + ("; ".join(rotation) if rotation else "none"))
    expires = (properties.get("attributes") or {}).get("expires")
    if isinstance(expires, int | float):
        lines.append(f"first version expires {datetime.fromtimestamp(expires, UTC):%Y-%m-%d}")
    return lines


def _vault(inputs: Inputs) -> list[str]:
    p = inputs.get("properties") or {}
    model = "RBAC" if p.get("enableRbacAuthorization") else "access policies"
    return [
        f"sku {(p.get('sku') or {}).get('name')}, soft delete "
        f"{p.get('softDeleteRetentionInDays')} days, purge protection "
        f"{_on(p.get('enablePurgeProtection'))}, {model}, public network access "
        f"{p.get('publicNetworkAccess')}"
    ]


def _access_policy(inputs: Inputs) -> list[str]:
    policy = inputs.get("policy") or {}
    keys = (policy.get("permissions") or {}).get("keys") or []
    return [f"object {policy.get('objectId')}: keys {', '.join(keys)}"]


def _action_group(inputs: Inputs) -> list[str]:
    emails = [r.get("emailAddress") for r in inputs.get("emailReceivers") or []]
    hooks = inputs.get("webhookReceivers") or []
    lines = [f"e-mail: {', '.join(map(str, emails)) or 'none'}"]
    if hooks:
        lines.append(f"webhooks: {len(hooks)} (secret)")
    return lines


def _workspace(inputs: Inputs) -> list[str]:
    features = inputs.get("features") or {}
    return [
        f"retention {inputs.get('retentionInDays')} days, local auth "
        f"{'disabled' if features.get('disableLocalAuth') else 'enabled'}"
    ]


def _server(inputs: Inputs) -> list[str]:
    sku, storage = inputs.get("sku") or {}, inputs.get("storage") or {}
    cluster, backup = inputs.get("cluster") or {}, inputs.get("backup") or {}
    ha = (inputs.get("highAvailability") or {}).get("mode")
    lines = [
        f"elastic cluster: {cluster.get('clusterSize')} nodes x {sku.get('name')} "
        f"({sku.get('tier')}), {storage.get('storageSizeGB')} GiB each, autogrow "
        f"{storage.get('autoGrow')}",
        f"high availability {ha}, PostgreSQL {inputs.get('version')}, database "
        f"{cluster.get('defaultDatabaseName')}, administrator {inputs.get('administratorLogin')}",
        f"backups {backup.get('backupRetentionDays')} days, geo-redundant "
        f"{backup.get('geoRedundantBackup')}",
    ]
    encryption = inputs.get("dataEncryption") or {}
    if encryption.get("type") == "AzureKeyVault":
        lines.append(f"encryption: customer-managed key {encryption.get('primaryKeyURI')}")
        if encryption.get("geoBackupKeyURI"):
            lines.append(f"geo-backup key {encryption.get('geoBackupKeyURI')}")
    else:
        lines.append("encryption: service-managed keys")
    return lines


_ROLES = {"e147488a-f6f5-4113-8e2d-b22465e65bf6": "Key Vault Crypto Service Encryption User"}


def _role_assignment(inputs: Inputs) -> list[str]:
    role = str(inputs.get("roleDefinitionId", "")).rsplit("/", 1)[-1]
    role = _ROLES.get(role, role)
    return [f"principal {inputs.get('principalId')}: role {role} on {inputs.get('scope')}"]


_BY_TYPE: dict[str, Callable[[Inputs], list[str]]] = {
    "azure-native:dbforpostgresql:Server": _server,
    "azure-native:dbforpostgresql:FirewallRule": _firewall_rule,
    "azure-native:authorization:RoleAssignment": _role_assignment,
    "azure-native:dbforpostgresql:ServerGroupCluster": _cluster,
    "azure-native:dbforpostgresql:ServerGroupFirewallRule": _firewall_rule,
    "azure-native:keyvault:Key": _key,
    "azure-native:keyvault:Vault": _vault,
    "azure-native:keyvault:AccessPolicy": _access_policy,
    "azure-native:monitor:ActionGroup": _action_group,
    "azure-native:operationalinsights:Workspace": _workspace,
}


def details(resource: Registration) -> list[str]:
    """The detail lines of one resource (none for components and reads)."""
    if not resource.custom or resource.read:
        return []
    inputs = resource.inputs
    lines = list(_BY_TYPE.get(resource.type, lambda _: [])(inputs))
    location = inputs.get("location")
    if isinstance(location, str) and location.lower() != "global":
        lines.append(f"region {location}")
    tags = inputs.get("tags")
    if isinstance(tags, dict) and tags:
        lines.append("tags: " + ", ".join(f"{k}={v}" for k, v in sorted(tags.items())))
    elif tags == wire.SECRET:
        lines.append("tags: [secret]")
    return lines  # protect and retain are in the row's Info column
