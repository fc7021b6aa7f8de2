"""CmkVault: a Key Vault fit to hold a customer-managed key, and the access policy that lets
the cluster's identity use it."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pulumi
from pulumi_azure_native import authorization, keyvault

from .base import (
    after,
    child_options,
    delete_lock,
    field_of,
    require_region,
    resolve_protect,
    type_token,
)
from .regions import location_problems
from .resource_ids import KEY_VAULT, arm_id_rule, parse_arm_id
from .validation import Problem, check, fields_set, matches, one_of, raise_if


class VaultSku(StrEnum):
    """Key Vault pricing tier."""

    STANDARD = "standard"
    """Software-protected keys."""
    PREMIUM = "premium"
    """Also HSM-protected keys (``RSA-HSM``)."""


class PermissionModel(StrEnum):
    """How the vault grants the cluster's identity its key permissions."""

    ACCESS_POLICY = "accessPolicy"
    """A standalone access policy (what Cosmos DB for PostgreSQL's how-to requires)."""
    RBAC = "rbac"
    """Azure RBAC: the role "Key Vault Crypto Service Encryption User" on the vault (what
    flexible server and elastic clusters recommend)."""


def cosmos_permission_problem(permission_model: object, field: str) -> Problem | None:
    """Cosmos DB for PostgreSQL's how-to grants the key through an access policy and
    documents no other model, so its vaults keep access policies."""
    if permission_model != PermissionModel.RBAC:
        return None
    return Problem(
        field,
        "is rbac, but Cosmos DB for PostgreSQL is granted its key through an access policy "
        "(its how-to documents no other model); use accessPolicy, or an elastic cluster",
        PermissionModel.RBAC.value,
    )


# Key permissions an access policy may hold for a cluster's identity (flexible server's list
# adds "list" to what Cosmos DB for PostgreSQL needs).
ALLOWED_KEY_PERMISSIONS = ("get", "list", "wrapKey", "unwrapKey")

# Built-in role: "Key Vault Crypto Service Encryption User" (read key metadata, wrap and
# unwrap): the role the flexible-server data-encryption docs name.
CRYPTO_SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6"

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
VAULT_SKU = one_of(*VaultSku)
PERMISSION_MODEL = one_of(*PermissionModel)
SOFT_DELETE_RETENTION = one_of(SOFT_DELETE_RETENTION_DAYS)


existing_vault_id = arm_id_rule(KEY_VAULT)


def autoname_prefix(component_name: str) -> str:
    """Logical name of the vault resource; Azure appends 8 random characters to it."""
    return f"{component_name}-vault"


@dataclass(frozen=True, kw_only=True)
class VaultOptions:
    """What a stack chooses about the vault (the stack config's ``vault.*``)."""

    name: str | None = None
    """Physical vault name, globally unique. Default: None, autonamed (``<component
    name>-vault`` plus 8 random characters), because a purge-protected name stays taken for 90
    days after deletion. Changing it replaces the vault."""

    sku: VaultSku = VaultSku.STANDARD
    """``standard`` or ``premium`` (premium is needed for RSA-HSM keys). Default:
    ``standard``. Changing it updates the vault in place."""

    soft_delete_retention_days: int = SOFT_DELETE_RETENTION_DAYS
    """Days a deleted vault is kept. Default: 90, the only value accepted: the service
    requires it and it cannot change after creation."""

    existing_id: str | None = None
    """Use this existing vault (its ARM id) instead of creating one. It is read, never
    modified, and must be in ``location``. Default: None (create)."""

    manage_access_policy: bool = True
    """Grant the identity its key permissions through an access policy this stack manages.
    Default: True. False only with ``existing_id``, when the vault's owners grant ``get``,
    ``wrapKey`` and ``unwrapKey`` themselves."""

    permission_model: PermissionModel = PermissionModel.ACCESS_POLICY
    """``accessPolicy`` (a standalone access policy) or ``rbac`` (a role assignment; the vault
    uses the RBAC permission model). Default: ``accessPolicy``, which Cosmos DB for
    PostgreSQL requires; elastic clusters accept both. Set at creation: changing it on an
    existing vault is refused."""

    def problems(self) -> list[Problem]:
        problems = check("sku", self.sku, VAULT_SKU)
        problems += check("permission_model", self.permission_model, PERMISSION_MODEL)
        problems += check(
            "soft_delete_retention_days", self.soft_delete_retention_days, SOFT_DELETE_RETENTION
        )
        if self.name is not None:
            problems += check("name", self.name, VAULT_NAME)
        if self.existing_id is not None:
            problems += check("existing_id", self.existing_id, existing_vault_id)
            problems += [
                Problem(
                    name,
                    "is set, but it applies to a vault this stack creates, not to {existing}; "
                    "remove it",
                    getattr(self, name),
                    refs={"existing": "existing_id"},
                )
                for name in fields_set(
                    self, ("name", "sku", "soft_delete_retention_days", "permission_model")
                )
            ]
        elif not self.manage_access_policy:
            problems.append(
                Problem(
                    "manage_access_policy",
                    "needs {existing}; a vault this stack creates must grant the identity itself",
                    False,
                    refs={"existing": "existing_id"},
                )
            )
        return problems


@dataclass(frozen=True, kw_only=True)
class CmkVaultArgs(VaultOptions):
    """Arguments of :class:`CmkVault`: the :class:`VaultOptions` plus where it lives and whom
    it grants."""

    location: str
    """Region of the vault; must be the cluster's region. Changing it replaces the vault."""

    resource_group_name: pulumi.Input[str] | None = None
    """Resource group of a new vault. Required unless ``existing_id`` is given."""

    grantee_principal_id: pulumi.Input[str] | None = None
    """Object id that gets exactly ``get``, ``wrapKey`` and ``unwrapKey`` on keys (the
    cluster identity's principal id). Default: None, no access policy is created."""

    grantee_id: pulumi.Input[str] | None = None
    """ARM id of the grantee identity. When given, the grant keeps the object id it was
    created with for as long as this id stays the same, and is replaced when it changes.
    Without it, any update of the identity (its tags, say) leaves the principal id unknown in
    a ``pulumi preview``, and the preview plans a replacement of the grant. Default: None."""

    tenant_id: pulumi.Input[str] | None = None
    """Entra tenant of the vault and the access policy. Default: None, the tenant of the
    credentials running Pulumi (``authorization.get_client_config``)."""

    key_permissions: tuple[str, ...] = CMK_KEY_PERMISSIONS
    """Key permissions of the access policy. Default: ``get``, ``wrapKey``, ``unwrapKey``
    (Cosmos DB for PostgreSQL); flexible server's access-policy model also lists ``list``."""

    trusted_services_only: bool = False
    """Close the vault to public networks, letting through only trusted Microsoft services
    (``publicNetworkAccess`` Disabled, firewall default Deny, bypass ``AzureServices``), as
    flexible server's data-encryption docs recommend. Default: False: Cosmos DB for
    PostgreSQL requires "public access from all networks". The key is still created through
    Azure Resource Manager, which the vault's firewall does not govern."""

    protect: bool | None = None
    """Protect the vault from deletion and retain it in Azure if it leaves the stack.
    Default: None, which means ``opts.protect`` when given, else True. Deleting the vault
    makes every cluster encrypted with its keys inaccessible."""

    lock: bool = False
    """Add a ``CanNotDelete`` management lock on a vault this component creates. Default:
    False (``protect`` already guards against Pulumi; a lock also stops the portal and
    CLI)."""

    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of a new vault. Default: none."""

    def problems(self) -> list[Problem]:
        problems = location_problems("location", self.location) + super().problems()
        if self.existing_id is not None and self.lock:
            problems.append(
                Problem(
                    "lock",
                    "is for a vault this component creates; lock an existing vault where it is "
                    "managed",
                    True,
                )
            )
        if self.existing_id is not None and self.resource_group_name is not None:
            problems.append(
                Problem(
                    "resource_group_name",
                    "is given, but {existing} names the vault and its group; remove it",
                    refs={"existing": "existing_id"},
                )
            )
        if self.existing_id is None and self.resource_group_name is None:
            problems.append(Problem("resource_group_name", "is required to create a vault"))
        permissions = tuple(self.key_permissions)
        missing = [p for p in CMK_KEY_PERMISSIONS if p not in permissions]
        extra = [p for p in permissions if p not in ALLOWED_KEY_PERMISSIONS]
        if missing or extra:
            problems.append(
                Problem(
                    "key_permissions",
                    f"must hold {', '.join(CMK_KEY_PERMISSIONS)} and at most also list "
                    "(least privilege)",
                    list(permissions),
                )
            )
        if not isinstance(self.trusted_services_only, bool):
            problems.append(
                Problem("trusted_services_only", "is not true or false", self.trusted_services_only)
            )
        return problems

    def __post_init__(self) -> None:
        raise_if(self.problems(), type(self).__name__)


class CmkVault(pulumi.ComponentResource):
    """A Key Vault with every property customer-managed keys require, plus a standalone
    access policy for the cluster's identity.

    The vault has soft delete and purge protection on and 90-day soft-delete retention. By
    default it uses the access-policy permission model and allows public network access from
    all networks, as Cosmos DB for PostgreSQL requires of a CMK vault; the identity is granted
    through a standalone ``keyvault.AccessPolicy``, never through inline policies, since the
    two overwrite each other. With ``permission_model`` rbac the grant is the role "Key Vault
    Crypto Service Encryption User" on the vault instead, and ``trusted_services_only`` closes
    the vault to all but trusted Microsoft services (both for elastic clusters). The grant is
    retained on delete: removing it from the stack (``manage_access_policy`` false, a
    destroy) never revokes the identity's permissions, which the provider's delete would do
    even when someone else granted the same ones.
    """

    vault_id: pulumi.Output[str]
    """ARM id of the vault."""
    name: pulumi.Output[str]
    """Name of the vault."""
    uri: pulumi.Output[str]
    """``https://<name>.vault.azure.net/``."""
    resource_group_name: pulumi.Output[str]
    """Resource group of the vault."""
    location: pulumi.Output[str]
    """The region the vault was asked to be in (checked for an existing one)."""
    access_policy_id: pulumi.Output[str]
    """Id of the identity's access policy; empty when this component grants nothing. Wait for
    it (or :attr:`grant`) before using the key."""

    def __init__(
        self, name: str, args: CmkVaultArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        protect = resolve_protect(args.protect, opts, type(args).__name__)
        if args.existing_id is None and args.name is None:
            _check_autoname(name)
        super().__init__(type_token("CmkVault"), name, None, opts)
        self.lock: pulumi.CustomResource | None = None
        """The management lock, when ``lock`` is set."""
        self.sku: VaultSku | None = None if args.existing_id else args.sku
        """The SKU of a vault this component creates; None for an existing one (known only
        once it is read)."""

        client = authorization.get_client_config_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        )
        tenant_id = args.tenant_id if args.tenant_id is not None else client.tenant_id
        rbac = args.permission_model == PermissionModel.RBAC
        grants = args.grantee_principal_id is not None and args.manage_access_policy

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
                # Reduced to plain values first: the SDK's output types (a policy's
                # PermissionsResponse has a `keys` field that hides dict.keys) cannot pass
                # through Output.all.
                vault.properties.apply(_vault_facts),
                args.grantee_principal_id if grants else None,
            ).apply(
                lambda a: _require_cmk_ready(
                    str(vault_id), a[1], args.manage_access_policy, a[2], f"{name}-access"
                )
            )
            gates = [checked]
            if grants:
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
                    enable_rbac_authorization=rbac,
                    public_network_access="Disabled" if args.trusted_services_only else "Enabled",
                    network_acls=keyvault.NetworkRuleSetArgs(
                        default_action="Deny" if args.trusted_services_only else "Allow",
                        bypass="AzureServices",
                    ),
                ),
                tags=dict(args.tags) or None,
                opts=child_options(self, protect=protect, retain_on_delete=protect),
            )
            vault_name = vault.name
            assert args.resource_group_name is not None  # checked by CmkVaultArgs
            resource_group_name = args.resource_group_name
            if args.lock:
                self.lock = delete_lock(f"{name}-vault-lock", self, vault.id, "key vault")

        self.access_policy: keyvault.AccessPolicy | None = None
        """The grant for ``grantee_principal_id``; depend on it before using the key."""
        self.role_assignment: authorization.RoleAssignment | None = None
        """The RBAC grant (``permission_model`` rbac)."""
        if grants and rbac:
            self.role_assignment = authorization.RoleAssignment(
                f"{name}-crypto-user",
                scope=vault.id,
                role_definition_id=client.subscription_id.apply(
                    lambda sub: (
                        f"/subscriptions/{sub}/providers/Microsoft.Authorization/"
                        f"roleDefinitions/{CRYPTO_SERVICE_ENCRYPTION_USER}"
                    )
                ),
                principal_id=args.grantee_principal_id,
                principal_type="ServicePrincipal",
                # Its delete would revoke the permissions: leaving the stack must not.
                opts=child_options(
                    self,
                    retain_on_delete=True,
                    ignore_changes=["principalId"] if args.grantee_id is not None else (),
                    replacement_trigger=args.grantee_id,
                ),
            )
        elif grants:
            self.access_policy = keyvault.AccessPolicy(
                f"{name}-access",
                vault_name=vault_name,
                resource_group_name=resource_group_name,
                policy=keyvault.AccessPolicyEntryArgs(
                    tenant_id=tenant_id,
                    object_id=args.grantee_principal_id,
                    permissions=keyvault.PermissionsArgs(keys=list(args.key_permissions)),
                ),
                # Its delete would revoke the permissions: leaving the stack must not.
                opts=child_options(
                    self,
                    retain_on_delete=True,
                    # The object id is a path parameter: a change replaces the grant. An
                    # updated identity keeps its id known in a preview, its principal id not.
                    ignore_changes=["policy.objectId"] if args.grantee_id is not None else (),
                    replacement_trigger=args.grantee_id,
                ),
            )

        self.vault_id = vault.id
        self.name = vault_name
        self.uri = vault.properties.apply(lambda p: str(field_of(p, "vault_uri") or ""))
        self.resource_group_name = pulumi.Output.from_input(resource_group_name)
        self.location = pulumi.Output.from_input(args.location)
        self.access_policy_id = (
            self.access_policy.id if self.access_policy else pulumi.Output.from_input("")
        )
        self.register_outputs(
            {
                "vault_id": self.vault_id,
                "name": self.name,
                "uri": self.uri,
                "resource_group_name": self.resource_group_name,
                "location": self.location,
                "access_policy_id": self.access_policy_id,
            }
        )

    @property
    def grant(self) -> list[pulumi.Resource]:
        """What a user of the key must wait for: the access policy or the role assignment,
        when this vault grants."""
        return [g for g in (self.access_policy, self.role_assignment) if g is not None]


def _check_autoname(component_name: str) -> None:
    prefix = autoname_prefix(component_name)
    longest = len(prefix) + _AUTONAME_SUFFIX
    problems = [p.within("") for p in check("", prefix, VAULT_NAME)]
    if not problems and longest > _VAULT_NAME_MAX:
        problems = [
            Problem(
                "",
                f"the autonamed vault would be {prefix!r} plus 8 random characters "
                f"({longest} > {_VAULT_NAME_MAX}); use a component name of at most "
                f"{_VAULT_NAME_MAX - _AUTONAME_SUFFIX - len('-vault')} characters or pass "
                "CmkVaultArgs.name",
            )
        ]
    raise_if(problems, f"CmkVault {component_name!r}")


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


def _vault_facts(props: Any) -> dict[str, Any]:
    """The properties of an existing vault that customer-managed keys depend on, as plain
    values."""
    return {
        "enable_soft_delete": field_of(props, "enable_soft_delete"),
        "enable_purge_protection": field_of(props, "enable_purge_protection"),
        "soft_delete_retention_in_days": field_of(props, "soft_delete_retention_in_days"),
        "enable_rbac_authorization": field_of(props, "enable_rbac_authorization"),
        "public_network_access": field_of(props, "public_network_access"),
        "network_acls": {
            "default_action": field_of(field_of(props, "network_acls"), "default_action")
        },
        "access_policies": [
            {"object_id": field_of(policy, "object_id")}
            for policy in field_of(props, "access_policies") or []
        ],
    }


def _require_cmk_ready(
    vault_id: str,
    props: Any,
    needs_access_policies: bool,
    grantee: str | None,
    policy_name: str,
) -> str:
    """Fail if an existing vault lacks a property customer-managed keys depend on, or already
    holds the access policy this stack would create."""
    vault_name = parse_arm_id(vault_id, KEY_VAULT).name
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
    if grantee:
        policies = field_of(props, "access_policies") or []
        if any(str(field_of(p, "object_id") or "").lower() == grantee.lower() for p in policies):
            problems.append(
                f"it already has an access policy for the identity {grantee}, and azure-native "
                "refuses to create a second one ('cannot create already existing resource'); "
                "set vault.manageAccessPolicy false to leave the grant to the vault's owners, or "
                "adopt it: pulumi import azure-native:keyvault:AccessPolicy "
                f"{policy_name} {vault_id}/accessPolicy/{grantee}"
            )
    if problems:
        raise ValueError(
            f"the existing vault {vault_name} is not usable for customer-managed keys: "
            + "; ".join(problems)
        )
    return vault_name
