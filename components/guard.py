"""The guard: what the stack refuses to do to a cluster that already exists.

A Cosmos DB for PostgreSQL cluster takes its encryption (mode, key, identity) only at
creation, so any change to them would replace the cluster, and a replacement deletes its
data. So would a changed name or resource group (Pulumi creates a new, empty cluster and
deletes the old one). The guard compares the configuration with the last deployment before
anything is registered and refuses such a change with the runbook, whether or not the
cluster is protected. It learns what is deployed from two places, so it is not off after a
first ``pulumi up`` that created the cluster but failed before the stack outputs were saved:

* the stack's own last outputs, through a ``pulumi.StackReference`` to itself, named the way
  the state backend resolves it (:func:`own_reference_name`);
* the cluster itself, read with ``dbforpostgresql.get_server_group_cluster``; a 404 means it
  does not exist (any other failure stops the run: the guard never guesses).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_azure_native import dbforpostgresql

from .config import StackSettings
from .config.declarations import config_name
from .key import KeyRotationPolicy
from .resource_ids import (
    COSMOS_PG_CLUSTER,
    KEY_VAULT,
    KEY_VAULT_KEY,
    parse_arm_id,
    parse_key_uri,
)

RUNBOOK = "README.md, 'Move an existing cluster to customer-managed keys (and back)'"
# What DIY backends (local files, Azure Blob, S3) return from get_organization().
DIY_ORGANIZATION = "organization"
DEFAULT_KEY_NAME = "cmkpg-key"
_ARM_TYPES = {
    "cosmosPostgres": COSMOS_PG_CLUSTER,
    "elasticCluster": "Microsoft.DBforPostgreSQL/flexibleServers",
}


class ChangeRefused(pulumi.RunError):
    """A change the stack refuses because it would replace or delete the cluster (and its
    data). A RunError, so the CLI prints the message without a stack trace."""


def own_reference_name() -> str:
    """The name under which this stack's backend finds this stack.

    DIY backends call every organization ``organization``: their legacy layout accepts only a
    bare stack name, and their project layout resolves a bare name within the current project
    (``pkg/backend/diy/store.go``), so a bare name works on both. Pulumi Cloud resolves a bare
    name in the user's *default* organization, which need not own the stack, so it gets the
    full ``owner/project/stack``."""
    organization, stack = pulumi.get_organization(), pulumi.get_stack()
    if organization == DIY_ORGANIZATION:
        return stack
    return f"{organization}/{pulumi.get_project()}/{stack}"


def last_outputs() -> pulumi.Output[dict[str, Any]]:
    """The outputs of this stack's last deployment (empty before the first)."""
    return pulumi.StackReference("previous-deployment", stack_name=own_reference_name()).outputs


def read_cluster(settings: StackSettings) -> dict[str, Any] | None:
    """The configured cluster as ARM reports it, or None when it does not exist."""
    try:
        if settings.elastic_cluster:
            found: Any = dbforpostgresql.get_server(
                resource_group_name=settings.resource_group,
                server_name=settings.cluster_physical_name,
            )
        else:
            found = dbforpostgresql.get_server_group_cluster(
                resource_group_name=settings.resource_group,
                cluster_name=settings.cluster_physical_name,
            )
    except Exception as error:
        text = str(error)
        if "ResourceNotFound" in text or "ResourceGroupNotFound" in text:
            return None
        raise
    encryption = found.data_encryption
    # serverGroupsv2 names the key primaryKeyUri, flexibleServers primaryKeyURI; the SDK
    # calls both primary_key_uri.
    return {
        "id": found.id,
        "name": found.name,
        "location": found.location,
        "service": str(settings.service),
        "type": encryption.type if encryption else None,
        "primaryKeyUri": encryption.primary_key_uri if encryption else None,
        "identityId": encryption.primary_user_assigned_identity_id if encryption else None,
    }


@dataclass(frozen=True)
class DeployedCluster:
    """What the guard knows of the deployed cluster."""

    name: str
    resource_group: str
    encryption: str | None
    service: str = "cosmosPostgres"
    """Outputs of a release before elastic clusters carry no ``service``: Cosmos DB."""
    location: str | None = None
    identity_id: str | None = None
    vault_name: str | None = None
    key_name: str | None = None
    key: Mapping[str, Any] | None = None
    """The stack output ``keyProperties`` (type, size, rotation) when recorded."""

    @classmethod
    def from_outputs(cls, outputs: Mapping[str, Any]) -> DeployedCluster | None:
        name = outputs.get("clusterName")
        if not name:
            return None
        vault, key = _key_location(outputs.get("keyId"))
        return cls(
            name=str(name),
            resource_group=str(outputs.get("resourceGroupName", "")),
            encryption=outputs.get("encryption"),
            service=str(outputs.get("service") or "cosmosPostgres"),
            location=outputs.get("location"),
            identity_id=outputs.get("identityId"),
            vault_name=vault,
            key_name=key,
            key=outputs.get("keyProperties"),
        )

    @classmethod
    def from_cluster(cls, cluster: Mapping[str, Any] | None) -> DeployedCluster | None:
        if not cluster or not cluster.get("id"):
            return None
        service = str(cluster.get("service") or "cosmosPostgres")
        arm = parse_arm_id(cluster["id"], _ARM_TYPES[service])
        customer = cluster.get("type") == "AzureKeyVault"
        vault, key = _key_location(cluster.get("primaryKeyUri"))
        return cls(
            name=arm.name,
            resource_group=arm.resource_group,
            encryption="customerManaged" if customer else "serviceManaged",
            service=service,
            location=cluster.get("location"),
            identity_id=cluster.get("identityId"),
            vault_name=vault,
            key_name=key,
        )


def _key_location(reference: object) -> tuple[str | None, str | None]:
    """(vault name, key name) of a key's ARM id or URI."""
    if not isinstance(reference, str) or not reference:
        return None, None
    try:
        if reference.startswith("https://"):
            uri = parse_key_uri(reference)
            return uri.vault_name, uri.key_name
        arm = parse_arm_id(reference, KEY_VAULT_KEY)
        return arm.names[0], arm.name
    except ValueError:
        return None, None


def _same(a: str | None, b: str | None) -> bool:
    return (a or "").lower() == (b or "").lower()


def _region(value: str | None) -> str:
    # ARM compares regions ignoring case and spaces ("West Europe" is westeurope).
    return (value or "").replace(" ", "").lower()


def refusal(settings: StackSettings, deployed: DeployedCluster) -> ChangeRefused | None:
    """The change of name, resource group, encryption, key or identity of the deployed
    cluster that the configuration asks for, if any."""
    name, group = settings.cluster_physical_name, settings.resource_group
    if deployed.service != settings.service:
        return ChangeRefused(
            f"the deployed cluster {deployed.name} is a {deployed.service} cluster and the "
            f"configuration says {config_name('service')} {settings.service}: Pulumi would "
            f"delete it with its data and create a new, empty {settings.service} cluster. "
            "Keep the service; to move, deploy the new cluster in a second stack and migrate "
            "the data: README.md, 'Moving from Cosmos DB for PostgreSQL to an elastic cluster "
            "with CMK'"
        )
    if deployed.location and _region(deployed.location) != _region(settings.location):
        return ChangeRefused(
            f"the deployed cluster {deployed.name} is in {deployed.location} and the "
            f"configuration says {settings.location}: a cluster's region is set at creation, so "
            "Pulumi would replace it and delete its data. Keep "
            f"{config_name('location')}; to move the data to another region, create a read "
            "replica there and promote it: README.md, 'Read replicas with their own key'"
        )
    if not (_same(deployed.name, name) and _same(deployed.resource_group, group)):
        return ChangeRefused(
            f"the deployed cluster {deployed.name} (resource group {deployed.resource_group}) "
            f"would be deleted with its data: the configuration names cluster {name} in "
            f"resource group {group}, which Pulumi would create as a new, empty cluster. Keep "
            f"{config_name('cluster_name')} and {config_name('resource_group_name')} as they "
            f"were; to move the data, restore it into a new stack: {RUNBOOK}"
        )
    if deployed.encryption and deployed.encryption != settings.encryption:
        changes = [f"encryption from {deployed.encryption!r} to {str(settings.encryption)!r}"]
    elif settings.customer_managed:
        changes = _key_and_identity_changes(settings, deployed)
    else:
        changes = []
    return encryption_refused(settings, changes) if changes else None


def encryption_refused(settings: StackSettings, changes: list[str]) -> ChangeRefused:
    return ChangeRefused(
        f"the cluster {settings.cluster_physical_name} exists and its encryption cannot change "
        f"in place ({'; '.join(changes)}): the service sets encryption only at creation, and "
        "replacing the cluster would delete its data. Restore it into a new cluster with the "
        f"wanted encryption instead: {RUNBOOK}"
    )


def _key_and_identity_changes(settings: StackSettings, deployed: DeployedCluster) -> list[str]:
    """What the configuration changes about the deployed key and identity, where the
    configuration alone tells (an autonamed identity or vault keeps its deployed name)."""
    options = settings.cmk
    changes: list[str] = []
    by_id = options.identity.existing_id is not None
    identity = options.identity.existing_id if by_id else options.identity.name
    if identity and deployed.identity_id:
        before = deployed.identity_id if by_id else _arm_name(deployed.identity_id)
        field = "cmk.identity.existing_id" if by_id else "cmk.identity.name"
        if not _same(before, identity):
            changes.append(f"{config_name(field)} from {before!r} to {identity!r}")
    vault, key = _configured_key_location(settings)
    for what, now, before in (
        ("vault", vault, deployed.vault_name),
        ("key", key, deployed.key_name),
    ):
        if now and before and not _same(now, before):
            changes.append(f"{what} from {before!r} to {now!r}")
    recorded = deployed.key or {}
    if not options.key.existing_id:
        for field, label in (("key_type", "type"), ("size", "size")):
            now, before = _plain(getattr(options.key, field)), _plain(recorded.get(label))
            if before is not None and before != now:
                changes.append(f"{config_name(f'cmk.key.{field}')} from {before!r} to {now!r}")
    return changes


def _plain(value: Any) -> Any:
    """Stack outputs come back through the engine, where every number is a double."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return str(value) if isinstance(value, str) else value


def _arm_name(resource_id: str) -> str:
    return resource_id.rstrip("/").rsplit("/", 1)[-1]


def _configured_key_location(settings: StackSettings) -> tuple[str | None, str | None]:
    """(vault name, key name) as far as the configuration fixes them."""
    options = settings.cmk
    if options.key.existing_id:
        return _key_location(options.key.existing_id)
    vault = options.vault.name
    if options.vault.existing_id:
        vault = parse_arm_id(options.vault.existing_id, KEY_VAULT).name
    return vault, options.key.name or DEFAULT_KEY_NAME


def rotation_warning(settings: StackSettings, deployed: DeployedCluster) -> str | None:
    """A changed rotation policy cannot reach the existing key through ARM (Key Vault
    creates a key through ARM once and never updates it); say how to apply it."""
    recorded = _plain((deployed.key or {}).get("rotation"))
    key = settings.cmk.key
    if recorded is None or key.existing_id or not settings.customer_managed:
        return None
    wanted = key.rotation.summary()
    if recorded == wanted:
        return None

    def shown(policy: Mapping[str, Any]) -> str:
        return ", ".join(f"{k} {policy.get(k)}" for k in wanted)

    vault = deployed.vault_name or "<vault>"
    name = deployed.key_name or "<key>"
    return (
        f"{config_name('cmk.key.rotation')} changed from ({shown(recorded)}) to "
        f"({shown(wanted)}), but Key Vault "
        f"never updates an existing key's rotation policy through ARM: apply it with "
        f"`az keyvault key rotation-policy update --vault-name {vault} --name {name} "
        "--value policy.json` (README.md, 'Key rotation')"
    )


def check(
    settings: StackSettings,
    last: pulumi.Output[dict[str, Any]],
    cluster: Mapping[str, Any] | None,
    when_new: Callable[[], None],
) -> pulumi.Output[str]:
    """Refuse what would replace or delete the deployed cluster; run ``when_new`` (checks
    that apply only before the cluster exists) otherwise. Everything the stack registers
    waits for this output, so a refusal registers nothing."""

    def decide(outputs: dict[str, Any]) -> str:
        deployed = DeployedCluster.from_outputs(outputs) or DeployedCluster.from_cluster(cluster)
        if deployed is None:
            when_new()
            return "new cluster"
        if refused := refusal(settings, deployed):
            raise refused
        if warning := rotation_warning(settings, deployed):
            pulumi.log.warn(warning)
        return "existing cluster"

    return last.apply(decide)


def key_properties(key: Any) -> pulumi.Output[dict[str, Any]]:
    """The stack output ``keyProperties`` of a key resource: what the next run compares."""
    return pulumi.Output.all(key.kty, key.key_size, key.rotation_policy).apply(
        lambda values: {
            "type": values[0],
            "size": values[1],
            "rotation": KeyRotationPolicy.from_response(values[2]).summary(),
        }
    )
