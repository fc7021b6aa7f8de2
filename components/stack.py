"""The cmkpg stack: validated settings in, components composed, stack outputs out."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi_azure_native import resources

from .base import after
from .cluster import (
    EncryptedCosmosPgCluster,
    EncryptedCosmosPgClusterArgs,
    ReadReplica,
    restore_time_problems,
)
from .cmk import CmkOptions, CmkResources, create_customer_managed_key
from .monitoring import CmkMonitoring, CmkMonitoringArgs
from .restore import EncryptedClusterRestore, EncryptedClusterRestoreArgs
from .settings import ConfigError, StackSettings

# Logical name of every component in the stack (children are "<name>-<role>").
NAME = "cmkpg"
RUNBOOK = "README.md, 'Move an existing cluster to customer-managed keys (and back)'"


def deploy(settings: StackSettings) -> dict[str, Any]:
    """Register the stack's resources; return its outputs (name -> value)."""
    previous = _previous_deployment()
    # Every resource waits for this check, so nothing is created when it fails.
    checked = _check_against_previous(settings, previous)
    resource_group_name = after(settings.resource_group_name, checked)
    if settings.create_resource_group:
        group = resources.ResourceGroup(
            f"{NAME}-rg",
            resource_group_name=resource_group_name,
            location=settings.location,
            tags=settings.tags or None,
            opts=pulumi.ResourceOptions(protect=settings.protect),
        )
        resource_group_name = group.name

    outputs: dict[str, Any] = {
        "resourceGroupName": resource_group_name,
        "encryption": settings.encryption,
    }
    cmk = None
    if settings.customer_managed:
        cmk = create_customer_managed_key(
            NAME, settings.location, resource_group_name, _cmk_options(settings)
        )
        outputs.update(
            identityId=cmk.identity.id,
            identityPrincipalId=cmk.identity.principal_id,
            vaultId=cmk.vault.id,
            vaultUri=cmk.vault.uri,
            keyId=cmk.key.id,
            keyUri=cmk.key.uri,
            keyVersionedUri=cmk.key.versioned_uri,
        )

    # The key or identity of an existing cluster cannot change in place either; those are
    # only known once the new ones exist, so this check guards the cluster alone.
    cluster_group = after(resource_group_name, _check_key_and_identity(settings, previous, cmk))
    cluster = _cluster(settings, cluster_group, cmk, outputs)
    if settings.monitoring is not None and cmk is not None:
        outputs.update(_monitoring(settings, resource_group_name, cluster, cmk))
    outputs.update(
        clusterId=cluster.id,
        clusterName=cluster.name,
        coordinatorFqdn=cluster.coordinator_fqdn,
        administratorLogin=cluster.administrator_login,
        administratorLoginPassword=cluster.administrator_login_password,
        connectionString=cluster.connection_string,
    )
    return outputs


def _cmk_options(settings: StackSettings) -> CmkOptions:
    key = settings.key
    return CmkOptions(
        identity_name=settings.identity_name,
        identity_existing_id=settings.identity_existing_id,
        vault_name=settings.vault_name,
        vault_sku=settings.vault_sku,
        vault_soft_delete_retention_days=settings.vault_soft_delete_retention_days,
        vault_existing_id=settings.vault_existing_id,
        manage_access_policy=settings.vault_manage_access_policy,
        lock=settings.locks,
        key_name=key.name,
        key_type=key.type,
        key_size=key.size,
        key_not_before=key.not_before,
        key_expires_on=key.expires_on,
        key_rotation=key.rotation,
        key_existing=key.existing,
        protect=settings.protect,
        tags=settings.tags,
    )


def _cluster(
    settings: StackSettings,
    resource_group_name: pulumi.Input[str],
    cmk: CmkResources | None,
    outputs: dict[str, Any],
) -> EncryptedCosmosPgCluster:
    """A new cluster, a point-in-time restore or a read replica, as configured."""
    key = cmk.customer_managed_key if cmk else None
    config = settings.cluster
    source = settings.source
    if source is not None and source.kind == "restore":
        assert source.point_in_time is not None
        restore = EncryptedClusterRestore(
            NAME,
            EncryptedClusterRestoreArgs(
                resource_group_name=resource_group_name,
                location=settings.location,
                cluster_name=config.name,
                source=source.cluster_id,
                source_location=source.location,
                point_in_time=source.point_in_time,
                encryption=settings.encryption,
                customer_managed_key=key,
                protect=settings.protect,
                lock=settings.locks,
                tags=settings.tags,
                now=settings.now,
            ),
        )
        outputs["restoredFrom"] = restore.restored_from
        return restore.cluster
    replica = None
    if source is not None:
        replica = ReadReplica(source_cluster_id=source.cluster_id, source_location=source.location)
        outputs["replicaOf"] = source.cluster_id
    password = config.administrator_login_password
    return EncryptedCosmosPgCluster(
        NAME,
        EncryptedCosmosPgClusterArgs(
            resource_group_name=resource_group_name,
            location=settings.location,
            cluster_name=config.name,
            customer_managed_key=key,
            sizing=config.sizing,
            postgresql_version=config.postgresql_version,
            citus_version=config.citus_version,
            database_name=config.database_name,
            enable_geo_backup=config.enable_geo_backup,
            administrator_login_password=pulumi.Output.secret(password) if password else None,
            source=replica,
            protect=settings.protect,
            lock=settings.locks,
            tags=settings.tags,
            now=settings.now,
        ),
    )


def _monitoring(
    settings: StackSettings,
    resource_group_name: pulumi.Input[str],
    cluster: EncryptedCosmosPgCluster,
    cmk: CmkResources,
) -> dict[str, Any]:
    config = settings.monitoring
    assert config is not None
    monitoring = CmkMonitoring(
        NAME,
        CmkMonitoringArgs(
            resource_group_name=resource_group_name,
            location=settings.location,
            cluster_id=cluster.id,
            vault_id=cmk.vault.id,
            key_name=cmk.key.name,
            identity_principal_id=cmk.identity.principal_id,
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


# -- what the last deployment of this stack says --------------------------------------------------


def _previous_deployment() -> pulumi.Output[dict[str, Any]]:
    """The outputs of this stack's last deployment (empty before the first)."""
    stack = pulumi.get_stack()
    return pulumi.StackReference(
        "previous-deployment",
        stack_name=f"{pulumi.get_organization()}/{pulumi.get_project()}/{stack}",
    ).outputs


def _existing(settings: StackSettings, before: dict[str, Any]) -> bool:
    """Did the last deployment create the cluster this config describes?"""
    return bool(before) and before.get("clusterName") == settings.cluster.name


def _encryption_changed(settings: StackSettings, changes: list[str]) -> ValueError:
    return ValueError(
        f"the cluster {settings.cluster.name} exists and its encryption cannot change in "
        f"place ({'; '.join(changes)}): the service sets encryption only at creation, and "
        "replacing the cluster would delete its data. Restore it into a new cluster with the "
        f"wanted encryption instead: {RUNBOOK}"
    )


def _check_against_previous(
    settings: StackSettings, previous: pulumi.Output[dict[str, Any]]
) -> pulumi.Output[str]:
    """Checks that need the last deployment but no resource of this run: a changed
    encryption mode of the existing cluster, and a restore point out of the backup window
    while the restored cluster is still to be created. Everything waits for this."""

    def check(before: dict[str, Any]) -> str:
        if _existing(settings, before):
            was = before.get("encryption")
            if was and was != settings.encryption:
                raise _encryption_changed(
                    settings, [f"encryption from {was!r} to {settings.encryption!r}"]
                )
            return "existing cluster"
        source = settings.source
        if source is not None and source.point_in_time is not None:
            # Only while the cluster is new: after the restore, the time ages out of the
            # window, and later updates of the stack must still go through.
            problems = restore_time_problems(
                "cmkpg:restore.pointInTimeUtc", source.point_in_time, settings.now_or_current()
            )
            if problems:
                raise ConfigError(problems)
        return "new cluster"

    return previous.apply(check)


def _check_key_and_identity(
    settings: StackSettings,
    previous: pulumi.Output[dict[str, Any]],
    cmk: CmkResources | None,
) -> pulumi.Output[str]:
    """Stop before the existing cluster would be pointed at another key or identity."""

    def check(values: list[Any]) -> str:
        before, key_uri, identity_id = values
        if not _existing(settings, before) or before.get("encryption") != "customerManaged":
            return "nothing to compare"
        changes = [
            f"{what} from {before.get(what)!r} to {now!r}"
            for what, now in (("keyUri", key_uri), ("identityId", identity_id))
            if before.get(what) and before.get(what) != now
        ]
        if changes:
            raise _encryption_changed(settings, changes)
        return "unchanged"

    return pulumi.Output.all(
        previous,
        cmk.key.uri if cmk else None,
        cmk.identity.id if cmk else None,
    ).apply(check)
