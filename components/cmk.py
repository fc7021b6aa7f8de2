"""The customer-managed-key chain in one call: identity -> vault (+ access policy) -> key.

The stack and :class:`~components.restore.EncryptedClusterRestore` both build it here, so a
restored or replica cluster gets exactly what a new one gets, in its own region.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import pulumi

from .cluster import CustomerManagedKey
from .identity import CmkIdentity, CmkIdentityArgs
from .key import CmkKey, CmkKeyArgs, KeyRotationPolicy
from .vault import SOFT_DELETE_RETENTION_DAYS, CmkVault, CmkVaultArgs


@dataclass(frozen=True)
class CmkOptions:
    """What a stack may choose about its customer-managed key. The defaults create a new
    identity, a standard vault and an RSA 3072 key, all protected."""

    identity_name: str | None = None
    """Default: autonamed."""
    identity_existing_id: str | None = None
    """Use this identity instead of creating one. Default: create."""
    vault_name: str | None = None
    """Default: autonamed."""
    vault_sku: str = "standard"
    vault_soft_delete_retention_days: int = SOFT_DELETE_RETENTION_DAYS
    """Only 90 is accepted (see :class:`~components.vault.CmkVaultArgs`)."""
    vault_existing_id: str | None = None
    """Use this vault instead of creating one. Default: create."""
    manage_access_policy: bool = True
    """Grant the identity get/wrapKey/unwrapKey on the vault. Default: True."""
    lock: bool = False
    """CanNotDelete lock on a vault this creates. Default: False."""
    key_name: str | None = None
    key_type: str = "RSA"
    key_size: int = 3072
    key_not_before: datetime | None = None
    key_expires_on: datetime | None = None
    key_rotation: KeyRotationPolicy | None = None
    key_existing: str | None = None
    """An existing key's ARM id or versioned URI. Default: create."""
    protect: bool = True
    """Protect (and retain) vault and key. Default: True."""
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CmkResources:
    identity: CmkIdentity
    vault: CmkVault
    key: CmkKey
    customer_managed_key: CustomerManagedKey
    """What :class:`~components.cluster.EncryptedCosmosPgClusterArgs` takes."""


def create_customer_managed_key(
    name: str,
    location: str,
    resource_group_name: pulumi.Input[str],
    options: CmkOptions | None = None,
    opts: pulumi.ResourceOptions | None = None,
) -> CmkResources:
    """Create (or read) identity, vault, access policy and key in ``location``; the
    components are named ``name`` and take ``opts`` (e.g. a parent)."""
    o = options or CmkOptions()
    identity = CmkIdentity(
        name,
        CmkIdentityArgs(
            location=location,
            resource_group_name=None if o.identity_existing_id else resource_group_name,
            name=o.identity_name,
            existing_id=o.identity_existing_id,
            tags=o.tags,
        ),
        opts,
    )
    vault = CmkVault(
        name,
        CmkVaultArgs(
            location=location,
            resource_group_name=None if o.vault_existing_id else resource_group_name,
            grantee_principal_id=identity.principal_id,
            sku=o.vault_sku,
            name=o.vault_name,
            soft_delete_retention_days=o.vault_soft_delete_retention_days,
            protect=o.protect,
            existing_id=o.vault_existing_id,
            manage_access_policy=o.manage_access_policy,
            # An existing vault is locked, or not, by the team that owns it.
            lock=o.lock and not o.vault_existing_id,
            tags=o.tags,
        ),
        opts,
    )
    key = CmkKey(
        name,
        CmkKeyArgs(
            vault_name=vault.name,
            resource_group_name=vault.resource_group_name,
            vault_sku=None if o.vault_existing_id else o.vault_sku,
            key_type=o.key_type,
            size=o.key_size,
            name=o.key_name,
            not_before=o.key_not_before,
            expires_on=o.key_expires_on,
            rotation=o.key_rotation,
            existing=o.key_existing,
            protect=o.protect,
            tags=o.tags,
        ),
        opts,
    )
    return CmkResources(
        identity, vault, key, CustomerManagedKey.from_components(identity, vault, key)
    )
