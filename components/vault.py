"""CmkVault: a Key Vault fit to hold a customer-managed key, and the access policy that lets
the cluster's identity use it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi_azure_native import authorization, keyvault

from .base import after, child_options, delete_lock, field_of, require_region, type_token
from .resource_ids import KEY_VAULT, arm_id_rule, parse_arm_id
from .validation import check, matches, one_of, raise_if

VAULT_SKUS = ("standard", "premium")
# The service requires 90 days and the setting cannot change after creation.
SOFT_DELETE_RETENTION_DAYS = 90
# Least privilege: exactly what the service needs to wrap and unwrap its data key.
CMK_KEY_PERMISSIONS = ("get", "wrapKey", "unwrapKey")
# Azure appends 8 random characters to an autonamed vault; names are 3-24 characters.
_AUTONAME_SUFFIX = 8
_VAULT_NAME_MAX = 24

VAULT_NAME = matches(
    r"(?!.*--)[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]",
    "use 3-24 letters, digits and single hyphens, starting with a letter and ending with "
    "a letter or digit",
)
VAULT_SKU = one_of(*VAULT_SKUS)
SOFT_DELETE_RETENTION = one_of(SOFT_DELETE_RETENTION_DAYS)


existing_vault_id = arm_id_rule(KEY_VAULT)


def autoname_prefix(component_name: str) -> str:
    """Logical name of the vault resource; Azure appends 8 random characters to it."""
    return f"{component_name}-vault"


@dataclass(frozen=True)
class CmkVaultArgs:
    """Arguments of :class:`CmkVault`."""

    location: str
    """Region of the vault; must be the cluster's region. Changing it replaces the vault."""

    resource_group_name: pulumi.Input[str] | None = None
    """Resource group of a new vault. Required unless ``existing_id`` is given."""

    grantee_principal_id: pulumi.Input[str] | None = None
    """Object id that gets exactly ``get``, ``wrapKey`` and ``unwrapKey`` on keys (the
    cluster identity's principal id). Default: None, no access policy is created."""

    tenant_id: pulumi.Input[str] | None = None
    """Entra tenant of the vault and the access policy. Default: the tenant of the
    credentials running Pulumi (``authorization.get_client_config``)."""

    sku: str = "standard"
    """``standard`` or ``premium`` (premium is needed for RSA-HSM keys). Default:
    ``standard``. Changing it updates the vault in place."""

    name: str | None = None
    """Physical vault name, globally unique. Default: autonamed (``<component name>-vault``
    plus 8 random characters), because a purge-protected name stays taken for 90 days after
    deletion. Changing it replaces the vault."""

    soft_delete_retention_days: int = SOFT_DELETE_RETENTION_DAYS
    """Days a deleted vault is kept. Only 90 is accepted: the service requires it and it
    cannot change after creation."""

    protect: bool = True
    """Protect the vault from deletion and retain it in Azure if it leaves the stack.
    Default: True. Deleting the vault makes every cluster encrypted with its keys
    inaccessible."""

    existing_id: str | None = None
    """Use this existing vault (its ARM id) instead of creating one. It is read, never
    modified, and must be in ``location``. Default: None (create)."""

    lock: bool = False
    """Add a ``CanNotDelete`` management lock on a vault this component creates.
    Default: False (``protect`` already guards against Pulumi; a lock also stops the portal
    and CLI)."""

    manage_access_policy: bool = True
    """Create the access policy for ``grantee_principal_id``. Set False when a security team
    grants access outside this stack. Default: True."""

    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of a new vault. Default: none."""

    def __post_init__(self) -> None:
        problems = check("CmkVaultArgs.sku", self.sku, VAULT_SKU)
        problems += check(
            "CmkVaultArgs.soft_delete_retention_days",
            self.soft_delete_retention_days,
            SOFT_DELETE_RETENTION,
        )
        if self.name is not None:
            problems += check("CmkVaultArgs.name", self.name, VAULT_NAME)
        if self.existing_id is not None:
            problems += check("CmkVaultArgs.existing_id", self.existing_id, existing_vault_id)
            if self.name is not None:
                problems.append("CmkVaultArgs.name: set together with existing_id; use one")
            if self.lock:
                problems.append(
                    "CmkVaultArgs.lock: true is for a vault this component creates; lock an "
                    "existing vault where it is managed"
                )
        elif self.resource_group_name is None:
            problems.append("CmkVaultArgs.resource_group_name: required to create a vault")
        raise_if(problems)


class CmkVault(pulumi.ComponentResource):
    """A Key Vault with every property customer-managed keys require, plus a standalone
    access policy for the cluster's identity.

    The vault has soft delete and purge protection on, 90-day soft-delete retention and the
    access-policy permission model (``enableRbacAuthorization`` false). It allows public
    network access from all networks: Cosmos DB for PostgreSQL requires that of a CMK vault.
    The identity is granted through a standalone ``keyvault.AccessPolicy`` and never through
    inline policies, since the two overwrite each other.
    """

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    uri: pulumi.Output[str]
    """``https://<name>.vault.azure.net/``."""
    resource_group_name: pulumi.Output[str]
    location: str
    """The region the vault was asked to be in (checked for an existing one)."""
    access_policy: keyvault.AccessPolicy | None
    """The grant for ``grantee_principal_id``; depend on it before using the key."""
    lock: pulumi.CustomResource | None
    """The management lock, when ``lock`` is set."""

    def __init__(
        self, name: str, args: CmkVaultArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("CmkVault"), name, None, opts)
        self.lock = None
        if args.existing_id is None and args.name is None:
            _check_autoname(name)

        client = authorization.get_client_config_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        )
        tenant_id = args.tenant_id if args.tenant_id is not None else client.tenant_id

        if args.existing_id:
            vault_id = parse_arm_id(args.existing_id, KEY_VAULT)
            vault = keyvault.Vault.get(
                f"{name}-vault", args.existing_id, opts=pulumi.ResourceOptions(parent=self)
            )
            checked = pulumi.Output.all(
                require_region(
                    vault.location.apply(lambda loc: loc or ""),
                    args.location,
                    f"the vault {vault_id.name}",
                ),
                vault.properties,
            ).apply(lambda a: _require_cmk_ready(vault_id.name, a[1], args.manage_access_policy))
            gates = [checked]
            if args.manage_access_policy and args.grantee_principal_id is not None:
                gates.append(
                    client.subscription_id.apply(
                        lambda sub: _require_subscription(
                            vault_id.name, vault_id.subscription_id, sub
                        )
                    )
                )
            vault_name = after(vault.name, *gates)
            resource_group_name: pulumi.Input[str] = vault_id.resource_group
        else:
            vault = keyvault.Vault(
                f"{name}-vault",
                vault_name=args.name,
                resource_group_name=args.resource_group_name,
                location=args.location,
                properties=keyvault.VaultPropertiesArgs(
                    tenant_id=tenant_id,
                    sku=keyvault.SkuArgs(family="A", name=args.sku),
                    enable_soft_delete=True,
                    soft_delete_retention_in_days=args.soft_delete_retention_days,
                    enable_purge_protection=True,
                    enable_rbac_authorization=False,
                    public_network_access="Enabled",
                    network_acls=keyvault.NetworkRuleSetArgs(
                        default_action="Allow", bypass="AzureServices"
                    ),
                ),
                tags=dict(args.tags) or None,
                opts=child_options(self, protect=args.protect, retain_on_delete=args.protect),
            )
            vault_name = vault.name
            assert args.resource_group_name is not None  # checked by CmkVaultArgs
            resource_group_name = args.resource_group_name
            if args.lock:
                self.lock = delete_lock(f"{name}-vault-lock", self, vault.id, "key vault")

        self.access_policy = None
        if args.grantee_principal_id is not None and args.manage_access_policy:
            self.access_policy = keyvault.AccessPolicy(
                f"{name}-access",
                vault_name=vault_name,
                resource_group_name=resource_group_name,
                policy=keyvault.AccessPolicyEntryArgs(
                    tenant_id=tenant_id,
                    object_id=args.grantee_principal_id,
                    permissions=keyvault.PermissionsArgs(keys=list(CMK_KEY_PERMISSIONS)),
                ),
                opts=child_options(self),
            )

        self.location = args.location
        self.id = vault.id
        self.name = vault_name
        self.uri = vault.properties.apply(lambda p: str(field_of(p, "vault_uri") or ""))
        self.resource_group_name = pulumi.Output.from_input(resource_group_name)
        outputs: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "uri": self.uri,
            "resource_group_name": self.resource_group_name,
        }
        if self.access_policy is not None:
            outputs["access_policy_id"] = self.access_policy.id
        self.register_outputs(outputs)


def _check_autoname(component_name: str) -> None:
    prefix = autoname_prefix(component_name)
    longest = len(prefix) + _AUTONAME_SUFFIX
    problems = check(f"CmkVault {component_name!r}", prefix, VAULT_NAME)
    if not problems and longest > _VAULT_NAME_MAX:
        problems = [
            f"CmkVault {component_name!r}: the autonamed vault would be {prefix!r} plus 8 "
            f"random characters ({longest} > {_VAULT_NAME_MAX}); use a component name of at "
            f"most {_VAULT_NAME_MAX - _AUTONAME_SUFFIX - len('-vault')} characters or pass "
            "CmkVaultArgs.name"
        ]
    raise_if(problems)


def _require_subscription(vault_name: str, vault_subscription: str, deploying_to: str) -> str:
    """The access policy is created through the provider's subscription, so it must be the
    vault's."""
    if vault_subscription.lower() != deploying_to.lower():
        raise ValueError(
            f"the existing vault {vault_name} is in subscription {vault_subscription}, but this "
            f"stack deploys to {deploying_to}; its access policy would be created in the wrong "
            "subscription. Run the stack in the vault's subscription, or set "
            "vault.manageAccessPolicy false and let the vault's owners grant access"
        )
    return vault_subscription


def _require_cmk_ready(vault_name: str, props: Any, needs_access_policies: bool) -> str:
    """Fail if an existing vault lacks a property customer-managed keys depend on."""
    problems = []
    if field_of(props, "enable_soft_delete") is False:
        problems.append("soft delete is off")
    if not field_of(props, "enable_purge_protection"):
        problems.append(
            "purge protection is off (enable it: az keyvault update --enable-purge-protection true)"
        )
    retention = field_of(props, "soft_delete_retention_in_days") or SOFT_DELETE_RETENTION_DAYS
    if retention != SOFT_DELETE_RETENTION_DAYS:
        problems.append(
            f"soft-delete retention is {retention} days, not 90 (it cannot be changed; "
            "use another vault)"
        )
    if needs_access_policies and field_of(props, "enable_rbac_authorization"):
        problems.append(
            "it uses the RBAC permission model, so an access policy would be ignored "
            "(grant the identity outside this stack and set vault.manageAccessPolicy false)"
        )
    public = str(field_of(props, "public_network_access") or "enabled").lower()
    acl_default = field_of(field_of(props, "network_acls"), "default_action") or "Allow"
    if public != "enabled" or acl_default != "Allow":
        problems.append("it does not allow public access from all networks")
    if problems:
        raise ValueError(
            f"the existing vault {vault_name} is not usable for customer-managed keys: "
            + "; ".join(problems)
        )
    return vault_name
