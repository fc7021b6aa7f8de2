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
    cmk = None
    if settings.customer_managed:
        cmk, cmk_outputs = _customer_managed_key(settings, resource_group_name)
        outputs.update(cmk_outputs)

    cluster_settings = settings.cluster
    password = cluster_settings.administrator_login_password
    cluster = EncryptedCosmosPgCluster(
        NAME,
        EncryptedCosmosPgClusterArgs(
            resource_group_name=resource_group_name,
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
            tags=settings.tags,
        ),
    )
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
) -> tuple[CustomerManagedKey, dict[str, Any]]:
    identity = CmkIdentity(
        NAME,
        CmkIdentityArgs(
            location=settings.location,
            resource_group_name=resource_group_name,
            name=settings.identity_name,
            tags=settings.tags,
        ),
    )
    vault = CmkVault(
        NAME,
        CmkVaultArgs(
            location=settings.location,
            resource_group_name=resource_group_name,
            grantee_principal_id=identity.principal_id,
            sku=settings.vault_sku,
            name=settings.vault_name,
            soft_delete_retention_days=settings.vault_soft_delete_retention_days,
            protect=settings.protect,
            tags=settings.tags,
        ),
    )
    key_settings = settings.key
    key = CmkKey(
        NAME,
        CmkKeyArgs(
            vault_name=vault.name,
            resource_group_name=vault.resource_group_name,
            vault_sku=settings.vault_sku,
            key_type=key_settings.type,
            size=key_settings.size,
            name=key_settings.name,
            not_before=key_settings.not_before,
            expires_on=key_settings.expires_on,
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
    return CustomerManagedKey.from_components(identity, vault, key), outputs
