"""The cmkpg stack: validated settings in, components composed, stack outputs out."""

import dataclasses
from typing import Any

import pulumi
from pulumi_azure_native import authorization, resources

from . import guard
from .base import after
from .cluster import (
    EncryptedCosmosPgCluster,
    EncryptedCosmosPgClusterArgs,
    PointInTimeRestore,
    restore_window_problems,
)
from .cmk import CmkResources, create_customer_managed_key
from .config import ConfigError, StackSettings
from .config.declarations import config_name
from .config.settings import FLEXIBLE_KEY_PERMISSIONS
from .elastic import ElasticClusterArgs, EncryptedElasticCluster
from .firewall import FIREWALL_FIELDS
from .monitoring import CmkMonitoring, CmkMonitoringArgs
from .resource_ids import KEY_VAULT, parse_arm_id
from .restore import EncryptedClusterRestore, EncryptedClusterRestoreArgs

# Logical name of every component in the stack (children are "<name>-<role>").
NAME = "cmkpg"


def deploy(settings: StackSettings) -> dict[str, Any]:
    """Register the stack's resources; return its outputs (name -> value)."""
    _check_vault_subscription(settings)
    previous = guard.last_outputs()
    # Every resource waits for this check, so nothing is created when it fails.
    checked = _check_against_previous(settings, previous)
    resource_group_name: pulumi.Input[str] = after(settings.resource_group, checked)
    if settings.create_resource_group:
        group = resources.ResourceGroup(
            f"{NAME}-rg",
            resource_group_name=resource_group_name,
            location=settings.location,
            tags=dict(settings.tags) or None,
            opts=pulumi.ResourceOptions(protect=settings.protect),
        )
        resource_group_name = group.name

    outputs: dict[str, Any] = {
        "location": settings.location,
        "resourceGroupName": resource_group_name,
        "service": str(settings.service),
        "encryption": str(settings.encryption),
    }
    # Elastic clusters: flexible server's access-policy permissions, and a vault closed to all
    # but trusted Microsoft services; Cosmos DB for PostgreSQL needs the defaults.
    vault_access: dict[str, Any] = (
        {"key_permissions": FLEXIBLE_KEY_PERMISSIONS, "trusted_services_only": True}
        if settings.elastic_cluster
        else {}
    )
    cmk = None
    if settings.customer_managed:
        cmk = create_customer_managed_key(
            NAME, settings.location, resource_group_name, settings.cmk_options, **vault_access
        )
        if cmk.key.key is not None:
            outputs["keyProperties"] = guard.key_properties(cmk.key.key)
        outputs.update(
            identityId=cmk.identity.identity_id,
            identityPrincipalId=cmk.identity.principal_id,
            vaultId=cmk.vault.vault_id,
            vaultUri=cmk.vault.uri,
            keyId=cmk.key.key_id,
            keyUri=cmk.key.uri,
            keyVersionedUri=cmk.key.versioned_uri,
        )

    # The key or identity of an existing cluster cannot change in place either; those are
    # only known once the new ones exist, so this check guards the cluster alone.
    cluster_group = after(resource_group_name, _check_key_and_identity(settings, previous, cmk))
    cluster: EncryptedCosmosPgCluster | EncryptedElasticCluster
    if settings.elastic_cluster:
        cluster = _elastic_cluster(settings, cluster_group, resource_group_name, cmk, outputs)
    else:
        cluster = _cluster(settings, cluster_group, cmk, outputs)
    if settings.monitored and cmk is not None:
        outputs.update(_monitoring(settings, resource_group_name, cluster, cmk))
    outputs.update(
        clusterId=cluster.cluster_id,
        clusterName=cluster.name,
        coordinatorFqdn=cluster.coordinator_fqdn,
        administratorLogin=cluster.administrator_login,
        administratorLoginPassword=cluster.administrator_login_password,
        connectionString=cluster.connection_string,
    )
    return outputs


def _elastic_cluster(
    settings: StackSettings,
    cluster_group: pulumi.Input[str],
    resource_group_name: pulumi.Input[str],
    cmk: CmkResources | None,
    outputs: dict[str, Any],
) -> EncryptedElasticCluster:
    """An elastic cluster; with geo-redundant backup and a customer-managed key, a second
    identity, vault and key in the paired region encrypt the backups kept there."""
    options = settings.elastic
    geo = None
    if cmk is not None and options.geo_redundant_backup:
        region = options.backup_region(settings.location)
        assert region is not None  # checked by the settings
        geo = create_customer_managed_key(
            f"{NAME}-geo",
            region,
            resource_group_name,
            settings.geo_backup_cmk_options,
            key_permissions=FLEXIBLE_KEY_PERMISSIONS,
            trusted_services_only=True,
        )
        outputs.update(
            geoBackupLocation=region,
            geoBackupIdentityId=geo.identity.identity_id,
            geoBackupVaultId=geo.vault.vault_id,
            geoBackupKeyId=geo.key.key_id,
            geoBackupKeyUri=geo.key.uri,
        )
    password = settings.cluster.administrator_login_password
    cluster = EncryptedElasticCluster(
        NAME,
        ElasticClusterArgs(
            **{
                f.name: getattr(options, f.name)
                for f in dataclasses.fields(options)
                if f.name not in FIREWALL_FIELDS
            },
            firewall_rules=settings.cluster.firewall_rules,
            allow_azure_services=settings.cluster.allow_azure_services,
            allow_all_internet=settings.cluster.allow_all_internet,
            resource_group_name=cluster_group,
            location=settings.location,
            cluster_name=settings.cluster_physical_name,
            customer_managed_key=cmk.customer_managed_key if cmk else None,
            geo_backup_key=geo.customer_managed_key if geo else None,
            administrator_login_password=pulumi.Output.secret(password) if password else None,
            protect=settings.protect,
            lock=settings.lock,
            tags=settings.tags,
        ),
    )
    if cmk is not None:
        outputs["primaryKeyStatus"] = cluster.primary_key_status
    return cluster


def _cluster(
    settings: StackSettings,
    resource_group_name: pulumi.Input[str],
    cmk: CmkResources | None,
    outputs: dict[str, Any],
) -> EncryptedCosmosPgCluster:
    """A new cluster, a point-in-time restore or a read replica, as configured."""
    key = cmk.customer_managed_key if cmk else None
    options = settings.cluster
    source = settings.source
    if isinstance(source, PointInTimeRestore):
        restore = EncryptedClusterRestore(
            NAME,
            EncryptedClusterRestoreArgs(
                resource_group_name=resource_group_name,
                location=settings.location,
                cluster_name=settings.cluster_physical_name,
                source=str(source.source_cluster_id),
                source_location=source.source_location,
                point_in_time=source.point_in_time,
                encryption=settings.encryption,
                customer_managed_key=key,
                firewall_rules=options.firewall_rules,
                allow_azure_services=options.allow_azure_services,
                allow_all_internet=options.allow_all_internet,
                protect=settings.protect,
                lock=settings.lock,
                tags=settings.tags,
                now=settings.now,
            ),
        )
        outputs["restoredFrom"] = restore.restored_from
        return restore.cluster
    if source is not None:
        outputs["replicaOf"] = source.source_cluster_id
    password = options.administrator_login_password
    return EncryptedCosmosPgCluster(
        NAME,
        EncryptedCosmosPgClusterArgs(
            sizing=options.sizing,
            postgresql_version=options.postgresql_version,
            citus_version=options.citus_version,
            database_name=options.database_name,
            enable_geo_backup=options.enable_geo_backup,
            administrator_login_password=pulumi.Output.secret(password) if password else None,
            firewall_rules=options.firewall_rules,
            allow_azure_services=options.allow_azure_services,
            allow_all_internet=options.allow_all_internet,
            resource_group_name=resource_group_name,
            location=settings.location,
            cluster_name=settings.cluster_physical_name,
            customer_managed_key=key,
            source=source,
            protect=settings.protect,
            lock=settings.lock,
            tags=settings.tags,
            now=settings.now,
        ),
    )


def _monitoring(
    settings: StackSettings,
    resource_group_name: pulumi.Input[str],
    cluster: EncryptedCosmosPgCluster | EncryptedElasticCluster,
    cmk: CmkResources,
) -> dict[str, Any]:
    options = settings.monitoring
    monitoring = CmkMonitoring(
        NAME,
        CmkMonitoringArgs(
            emails=options.emails,
            webhooks=options.webhooks,
            log_analytics_workspace_id=options.log_analytics_workspace_id,
            log_retention_days=options.log_retention_days,
            resource_group_name=resource_group_name,
            location=settings.location,
            cluster=cluster,
            key=cmk,
            tags=settings.tags,
        ),
    )
    return {
        "actionGroupId": monitoring.action_group_id,
        "resourceHealthAlertId": monitoring.resource_health_alert_id,
        "vaultAlertId": monitoring.vault_alert_id,
        "keyAlertId": monitoring.key_alert_id,
        "keyAccessFailureAlertId": monitoring.key_access_failure_alert_id,
        "keyExpiryAlertId": monitoring.key_expiry_alert_id,
        "logAnalyticsWorkspaceId": monitoring.log_analytics_workspace_id,
    }


def _check_vault_subscription(settings: StackSettings) -> None:
    """The access policy on an existing vault is created through the provider's subscription,
    so the vault must be in it. Checked before anything is registered, naming the key."""
    existing = settings.cmk_options.vault_existing_id
    if not (settings.customer_managed and existing and settings.cmk.vault.manage_access_policy):
        return
    vault = parse_arm_id(existing, KEY_VAULT)
    deploying_to = authorization.get_client_config().subscription_id
    if vault.subscription_id.lower() == deploying_to.lower():
        return
    field = "cmk.vault.existing_id" if settings.cmk.vault.existing_id else "cmk.key.existing_id"
    raise ConfigError(
        [
            f"{config_name(field)}: the vault {vault.name} is in subscription "
            f"{vault.subscription_id}, but this stack deploys to {deploying_to} (the Azure "
            "CLI's subscription, or azure-native:subscriptionId; offline: --subscription); its "
            "access policy would be created in the wrong subscription. Deploy to the vault's "
            f"subscription, or set {config_name('cmk.vault.manage_access_policy')} false and "
            "let the vault's owners grant access"
        ]
    )


# -- what the last deployment of this stack says --------------------------------------------------


def _check_against_previous(
    settings: StackSettings, previous: pulumi.Output[dict[str, Any]]
) -> pulumi.Output[str]:
    """The guard (:mod:`cmkpg.guard`) against the last deployment, and, while the cluster is
    still to be created, the restore point against the backup window (after the restore the
    point ages out of the window, and later updates must still go through)."""

    def restore_window() -> None:
        source = settings.source
        if isinstance(source, PointInTimeRestore):
            problems = restore_window_problems(source.point_in_time, settings.now_or_current())
            if problems:
                raise ConfigError([p.within("restore").render(config_name) for p in problems])

    return guard.check(settings, previous, guard.read_cluster(settings), restore_window)


def _check_key_and_identity(
    settings: StackSettings,
    previous: pulumi.Output[dict[str, Any]],
    cmk: CmkResources | None,
) -> pulumi.Output[str]:
    """Second line, once the key and identity exist: stop before the existing cluster would
    be pointed at another key or identity than the last deployment recorded (a change the
    configuration alone could not show, e.g. a vault replaced for another reason)."""

    def check(values: list[Any]) -> str:
        before, key_id, identity_id = values
        if before.get("encryption") != "customerManaged" or not guard.DeployedCluster.from_outputs(
            before
        ):
            return "nothing to compare"
        changes = [
            f"{what} from {before.get(what)!r} to {now!r}"
            for what, now in (("keyId", key_id), ("identityId", identity_id))
            if before.get(what) and before.get(what) != now
        ]
        if changes:
            raise guard.encryption_refused(settings, changes)
        return "unchanged"

    return pulumi.Output.all(
        previous,
        cmk.key.key_id if cmk else None,
        cmk.identity.identity_id if cmk else None,
    ).apply(check)
