"""The customer-managed-key chain in one call: identity -> vault (+ grant) -> key.

The stack and :class:`~cmkpg.EncryptedClusterRestore` both build it here, so a restored or
replica cluster gets exactly what a new one gets, in its own region.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

from .cluster import CustomerManagedKey
from .identity import CmkIdentity, CmkIdentityArgs, IdentityOptions
from .key import CmkKey, CmkKeyArgs, KeyOptions, existing_key_reference, hsm_needs_premium
from .resource_ids import KEY_VAULT, KEY_VAULT_KEY, parse_arm_id, parse_key_uri
from .validation import Problem, raise_if
from .vault import CMK_KEY_PERMISSIONS, CmkVault, CmkVaultArgs, VaultOptions, existing_vault_id


@dataclass(frozen=True, kw_only=True)
class CmkOptions:
    """What a stack may choose about its customer-managed key. The defaults create a new
    identity, a standard vault and an RSA 3072 key with a rotation policy, all protected."""

    identity: IdentityOptions = field(default_factory=IdentityOptions)
    """Default: a new, autonamed identity."""
    vault: VaultOptions = field(default_factory=VaultOptions)
    """Default: a new, autonamed standard vault."""
    key: KeyOptions = field(default_factory=KeyOptions)
    """Default: a new RSA 3072 key with the default rotation policy."""
    protect: bool = True
    """Protect identity, vault and key (and retain them). Default: True."""
    lock: bool = False
    """CanNotDelete lock on a vault this creates. Default: False."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of what this creates. Default: none."""

    @property
    def vault_existing_id(self) -> str | None:
        """The existing vault: ``vault.existing_id``, or the vault of a key given by ARM id."""
        if self.vault.existing_id or not self.key.existing_id:
            return self.vault.existing_id
        if self.key.existing_id.startswith("https://") or existing_key_reference(
            self.key.existing_id
        ):
            return None
        return str(parse_arm_id(self.key.existing_id, KEY_VAULT_KEY).parent())

    def problems(self) -> list[Problem]:
        problems = [p.within("identity") for p in self.identity.problems()]
        problems += [p.within("vault") for p in self.vault.problems()]
        key_problems = self.key.problems()
        problems += [p.within("key") for p in key_problems]
        if not key_problems:
            problems += self._existing_key_problems()
        sku = None if self.vault_existing_id else self.vault.sku
        if complaint := hsm_needs_premium(self.key.key_type, sku):
            problems.append(
                Problem(
                    "key.key_type",
                    f"{complaint}; set {{sku}} to premium",
                    self.key.key_type,
                    refs={"sku": "vault.sku"},
                )
            )
        return problems

    def _existing_key_problems(self) -> list[Problem]:
        """An existing key must be in the existing vault, and a key URI (which names no
        resource group) needs that vault."""
        key, vault = self.key.existing_id, self.vault.existing_id
        if not key or (vault and existing_vault_id(vault)):
            return []
        refs = {"vault": "vault.existing_id"}
        if key.startswith("https://"):
            uri = parse_key_uri(key, require_version=True)
            if not vault:
                return [
                    Problem(
                        "key.existing_id",
                        "is a key URI, which does not name the vault's resource group; set "
                        "{vault} to its vault",
                        key,
                        refs=refs,
                    )
                ]
            if parse_arm_id(vault, KEY_VAULT).name.lower() != uri.vault_name:
                return [
                    Problem(
                        "key.existing_id",
                        f"is in vault {uri.vault_name}, not in the vault of {{vault}}",
                        key,
                        refs=refs,
                    )
                ]
            return []
        key_vault = str(parse_arm_id(key, KEY_VAULT_KEY).parent())
        if vault and key_vault.lower() != str(parse_arm_id(vault, KEY_VAULT)).lower():
            return [Problem("key.existing_id", "is in another vault than {vault}", key, refs=refs)]
        return []


@dataclass(frozen=True)
class CmkResources:
    identity: CmkIdentity
    vault: CmkVault
    key: CmkKey
    customer_managed_key: CustomerManagedKey
    """What :class:`~cmkpg.EncryptedCosmosPgClusterArgs` takes."""


def create_customer_managed_key(
    name: str,
    location: str,
    resource_group_name: pulumi.Input[str],
    options: CmkOptions | None = None,
    opts: pulumi.ResourceOptions | None = None,
    *,
    key_permissions: tuple[str, ...] = CMK_KEY_PERMISSIONS,
    trusted_services_only: bool = False,
) -> CmkResources:
    """Create (or read) identity, vault, grant and key in ``location``; the components are
    named ``name`` and take ``opts`` (e.g. a parent). Every problem of ``options`` is raised
    at once, before anything is registered. ``key_permissions`` and
    ``trusted_services_only`` go to the vault (:class:`CmkVaultArgs`): the defaults are what
    Cosmos DB for PostgreSQL requires."""
    o = options or CmkOptions()
    raise_if(o.problems(), "CmkOptions")
    identity = CmkIdentity(
        name,
        CmkIdentityArgs(
            name=o.identity.name,
            existing_id=o.identity.existing_id,
            location=location,
            resource_group_name=None if o.identity.existing_id else resource_group_name,
            protect=o.protect,
            tags=o.tags,
        ),
        opts,
    )
    vault_existing = o.vault_existing_id
    vault = CmkVault(
        name,
        CmkVaultArgs(
            **{**_fields(o.vault), "existing_id": vault_existing},
            location=location,
            resource_group_name=None if vault_existing else resource_group_name,
            grantee_principal_id=identity.principal_id,
            grantee_id=identity.identity_id,
            key_permissions=key_permissions,
            trusted_services_only=trusted_services_only,
            protect=o.protect,
            # An existing vault is locked, or not, by the team that owns it.
            lock=o.lock and not vault_existing,
            tags=o.tags,
        ),
        opts,
    )
    key = CmkKey(
        name,
        CmkKeyArgs(**_fields(o.key), vault=vault, protect=o.protect, tags=o.tags),
        opts,
    )
    return CmkResources(
        identity, vault, key, CustomerManagedKey.from_components(identity, vault, key)
    )


def _fields(options: object) -> dict[str, object]:
    """An options object's fields, to extend into the component's args."""
    return {name: getattr(options, name) for name in options.__dataclass_fields__}  # type: ignore[attr-defined]
