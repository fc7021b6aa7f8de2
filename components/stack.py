"""The cmkpg stack: validated settings in, components composed, stack outputs out."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi_azure_native import resources

from .cluster import (
    CustomerManagedKey,
    EncryptedCosmosPgCluster,
    EncryptedCosmosPgClusterArgs,
)
from .identity import CmkIdentity, CmkIdentityArgs
from .key import CmkKey, CmkKeyArgs
from .monitoring import CmkMonitoring, CmkMonitoringArgs
from .settings import StackSettings
from .vault import CmkVault, CmkVaultArgs

# Logical name of every component in the stack (children are "<name>-<role>").
NAME = "cmkpg"


def deploy(settings: StackSettings) -> dict[str, Any]:
    """Register the stack's resources; return its outputs (name -> value)."""
    resource_group_name: pulumi.Input[str] = settings.resource_group_name
    if settings.create_resource_group:
        group = resources.ResourceGroup(
            f"{NAME}-rg",
            resource_group_name=settings.resource_group_name,
            location=settings.location,
            tags=settings.tags or None,
            opts=pulumi.ResourceOptions(protect=settings.protect),
        )
        resource_group_name = group.name

    outputs: dict[str, Any] = {
        "resourceGroupName": resource_group_name,
        "encryption": settings.encryption,
    }
    cmk = cmk_parts = None
    if settings.customer_managed:
        cmk, cmk_parts, cmk_outputs = _customer_managed_key(settings, resource_group_name)
        outputs.update(cmk_outputs)

    cluster_settings = settings.cluster
    password = cluster_settings.administrator_login_password
    # Fails the preview, with the way out, before an encryption change reaches the cluster.
    guarded_group = pulumi.Output.all(
        resource_group_name, _guard_encryption_change(settings, cmk)
    ).apply(lambda values: values[0])
    cluster = EncryptedCosmosPgCluster(
        NAME,
        EncryptedCosmosPgClusterArgs(
            resource_group_name=guarded_group,
            location=settings.location,
            cluster_name=cluster_settings.name,
            customer_managed_key=cmk,
            sizing=cluster_settings.sizing,
            postgresql_version=cluster_settings.postgresql_version,
            citus_version=cluster_settings.citus_version,
            database_name=cluster_settings.database_name,
            enable_geo_backup=cluster_settings.enable_geo_backup,
            administrator_login_password=pulumi.Output.secret(password) if password else None,
            protect=settings.protect,
            lock=settings.locks,
            tags=settings.tags,
        ),
    )
    if settings.monitoring is not None and cmk is not None:
        outputs.update(_monitoring(settings, resource_group_name, cluster, cmk_parts))
    outputs.update(
        clusterId=cluster.id,
        clusterName=cluster.name,
        coordinatorFqdn=cluster.coordinator_fqdn,
        administratorLogin=cluster.administrator_login,
        administratorLoginPassword=cluster.administrator_login_password,
        connectionString=cluster.connection_string,
    )
    return outputs


def _customer_managed_key(
    settings: StackSettings, resource_group_name: pulumi.Input[str]
) -> tuple[CustomerManagedKey, tuple[CmkIdentity, CmkVault, CmkKey], dict[str, Any]]:
    identity_existing = settings.identity_existing_id
    identity = CmkIdentity(
        NAME,
        CmkIdentityArgs(
            location=settings.location,
            resource_group_name=None if identity_existing else resource_group_name,
            name=settings.identity_name,
            existing_id=identity_existing,
            tags=settings.tags,
        ),
    )
    vault_existing = settings.vault_existing_id
    vault = CmkVault(
        NAME,
        CmkVaultArgs(
            location=settings.location,
            resource_group_name=None if vault_existing else resource_group_name,
            grantee_principal_id=identity.principal_id,
            sku=settings.vault_sku,
            name=settings.vault_name,
            soft_delete_retention_days=settings.vault_soft_delete_retention_days,
            protect=settings.protect,
            existing_id=vault_existing,
            manage_access_policy=settings.vault_manage_access_policy,
            # An existing vault is locked, or not, by the team that owns it.
            lock=settings.locks and not vault_existing,
            tags=settings.tags,
        ),
    )
    key_settings = settings.key
    key = CmkKey(
        NAME,
        CmkKeyArgs(
            vault_name=vault.name,
            resource_group_name=vault.resource_group_name,
            vault_sku=None if vault_existing else settings.vault_sku,
            key_type=key_settings.type,
            size=key_settings.size,
            name=key_settings.name,
            not_before=key_settings.not_before,
            expires_on=key_settings.expires_on,
            rotation=key_settings.rotation,
            existing=key_settings.existing,
            protect=settings.protect,
            tags=settings.tags,
        ),
    )
    outputs = {
        "identityId": identity.id,
        "identityPrincipalId": identity.principal_id,
        "vaultId": vault.id,
        "vaultUri": vault.uri,
        "keyId": key.id,
        "keyUri": key.uri,
        "keyVersionedUri": key.versioned_uri,
    }
    cmk = CustomerManagedKey.from_components(identity, vault, key)
    return cmk, (identity, vault, key), outputs


def _monitoring(
    settings: StackSettings,
    resource_group_name: pulumi.Input[str],
    cluster: EncryptedCosmosPgCluster,
    cmk_parts: tuple[CmkIdentity, CmkVault, CmkKey],
) -> dict[str, Any]:
    identity, vault, key = cmk_parts
    config = settings.monitoring
    assert config is not None
    monitoring = CmkMonitoring(
        NAME,
        CmkMonitoringArgs(
            resource_group_name=resource_group_name,
            location=settings.location,
            cluster_id=cluster.id,
            vault_id=vault.id,
            key_name=key.name,
            identity_principal_id=identity.principal_id,
            emails=config.emails,
            webhooks=config.webhooks,
            log_analytics_workspace_id=config.log_analytics_workspace_id,
            log_retention_days=config.log_retention_days,
            tags=settings.tags,
        ),
    )
    return {
        "actionGroupId": monitoring.action_group_id,
        "resourceHealthAlertId": monitoring.resource_health_alert_id,
        "vaultAlertId": monitoring.vault_alert_id,
        "keyAlertId": monitoring.key_alert_id,
        "keyAccessFailureAlertId": monitoring.key_access_failure_alert_id,
        "logAnalyticsWorkspaceId": monitoring.log_analytics_workspace_id,
    }


RUNBOOK = "README.md, 'Move an existing cluster to customer-managed keys (and back)'"


def _guard_encryption_change(
    settings: StackSettings, cmk: CustomerManagedKey | None
) -> pulumi.Output[str]:
    """Compare the wanted encryption with what the last deployment of this stack recorded
    in its outputs, and stop with the restore runbook when they differ.

    The service sets a cluster's encryption at creation only. The cluster component already
    makes such a change a replacement, which protection refuses; this check says why and
    what to do instead. Without protection the replacement would delete the cluster and its
    data, so that is refused too unless the cluster has a new name (a new cluster).
    """
    stack = pulumi.get_stack()
    previous = pulumi.StackReference(
        "previous-deployment",
        stack_name=f"{pulumi.get_organization()}/{pulumi.get_project()}/{stack}",
    ).outputs
    wanted = {
        "encryption": settings.encryption,
        "keyUri": cmk.key_uri if cmk else None,
        "identityId": cmk.identity_id if cmk else None,
    }

    def check(values: list[Any]) -> str:
        before, key_uri, identity_id = values
        if not before or before.get("clusterName") != settings.cluster.name:
            return "new cluster"
        if "encryption" not in before:
            return "not recorded"
        now = {"encryption": settings.encryption, "keyUri": key_uri, "identityId": identity_id}
        changed = [
            f"{what} from {before.get(what)!r} to {now[what]!r}"
            for what in ("encryption", "keyUri", "identityId")
            if (before.get(what) or None) != (now[what] or None)
        ]
        if changed:
            raise ValueError(
                f"the cluster {settings.cluster.name} exists and its encryption cannot change "
                f"in place ({'; '.join(changed)}): the service sets encryption only at "
                "creation, and replacing the cluster would delete its data. Restore it into a "
                f"new cluster with the wanted encryption instead: {RUNBOOK}"
            )
        return "unchanged"

    return pulumi.Output.all(previous, wanted["keyUri"], wanted["identityId"]).apply(check)
