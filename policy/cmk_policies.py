"""The policies of the ``cmk-postgres`` pack: Azure PostgreSQL clusters encrypted with a
customer-managed key (CMK), in any stack of the organization.

Resource policies see a resource's inputs; during ``pulumi preview`` a value computed by
another resource is unknown, and reading it raises ``UnknownValueError`` (pulumi_policy
``proxy.py``), which the SDK turns into an advisory "can't run policy" note. Values a rule
must know (a type, a flag) are read directly, so an unknown one skips the rule as the SDK
intends; cross-checks of computed ids are read with :func:`value` and skipped while unknown
(at ``pulumi up`` every input is known, so they run then). The stack policy sees outputs
and relates resources by their dependencies first, by values second, because on a first
deployment's preview a new identity's ``principalId`` is unknown.

Self-contained: the pack's virtualenv has only pulumi and pulumi-policy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyComplianceFramework,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

PACK_NAME = "cmk-postgres"

SERVER_GROUP_CLUSTER = ("dbforpostgresql", "ServerGroupCluster")
FLEXIBLE_SERVER = ("dbforpostgresql", "Server")
VAULT = ("keyvault", "Vault")
KEY = ("keyvault", "Key")
ACCESS_POLICY = ("keyvault", "AccessPolicy")
ROLE_ASSIGNMENT = ("authorization", "RoleAssignment")
IDENTITY = ("managedidentity", "UserAssignedIdentity")

# Cosmos DB for PostgreSQL: "Get, Unwrap Key, and Wrap Key" (how-to-customer-managed-keys).
CLUSTER_KEY_PERMISSIONS = frozenset({"get", "wrapkey", "unwrapkey"})
# Flexible server (elastic clusters), access-policy model: "grant ... get ... list ... wrapKey
# ... unwrapKey" (security-data-encryption); list is allowed there and nowhere else.
ELASTIC_KEY_PERMISSIONS = CLUSTER_KEY_PERMISSIONS | {"list"}
# Flexible server, RBAC model: "Key Vault Crypto Service Encryption User", the built-in role
# whose data actions are keys/read, wrapKey and unwrapKey.
CRYPTO_SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6"
RETENTION_DAYS = 90
DEFAULT_MIN_KEY_SIZE = 3072
DEFAULT_MAX_VALIDITY_DAYS = 730

DP5 = PolicyComplianceFramework(
    name="Microsoft cloud security benchmark",
    version="v1",
    reference="DP-5",
    specification="Use customer-managed key option in data at rest encryption when required",
)
COSMOS_CMK_DOC = (
    "https://learn.microsoft.com/azure/cosmos-db/postgresql/how-to-customer-managed-keys"
)
KEY_ROTATION_DOC = "https://learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation"
TAGS = ["azure", "postgresql", "encryption", "cmk"]


# -- reading props ------------------------------------------------------------------------------


class _Unknown:
    """A value known only after the update (the SDK's unknown sentinel, read safely)."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN: Any = _Unknown()


def value(props: Any, *path: str | int, default: Any = None) -> Any:
    """``props`` at ``path``: ``default`` if a step is missing, :data:`UNKNOWN` if a step is
    unknown. Never raises: iterating a proxy's keys is safe, reading an unknown is not."""
    current = props
    for step in path:
        try:
            if isinstance(current, Mapping):
                if step not in list(iter(current)):
                    return default
                current = current[step]
            elif (
                isinstance(current, Sequence)
                and not isinstance(current, str)
                and isinstance(step, int)
                and -len(current) <= step < len(current)
            ):
                current = current[step]
            else:
                return default
        except UnknownValueError:
            return UNKNOWN
    return current


def elements(sequence: Any) -> list[Any]:
    """The items of a list, unknown ones as :data:`UNKNOWN`; [] if it is not a list."""
    if isinstance(sequence, str) or not isinstance(sequence, Sequence):
        return []
    return [value(sequence, index) for index in range(len(sequence))]


def keys_of(mapping: Any) -> list[str]:
    return list(iter(mapping)) if isinstance(mapping, Mapping) else []


def is_type(resource_type: str, kind: tuple[str, str]) -> bool:
    """``azure-native:<module>:<Name>``, also from an explicitly versioned module
    (``azure-native:dbforpostgresql/v20230302preview:ServerGroupCluster``)."""
    module, name = kind
    return re.fullmatch(rf"azure-native:{module}(/v[0-9a-z]+)?:{name}", resource_type) is not None


def is_cluster(resource_type: str, props: Any) -> bool:
    """A Cosmos DB for PostgreSQL cluster, or an elastic cluster (a flexible server with a
    ``cluster`` property)."""
    if is_type(resource_type, SERVER_GROUP_CLUSTER):
        return True
    return is_type(resource_type, FLEXIBLE_SERVER) and "cluster" in keys_of(props)


def key_uri_property(resource_type: str) -> str:
    # ServerGroupCluster spells it primaryKeyUri; flexible server (2025-08-01) primaryKeyURI.
    return "primaryKeyUri" if is_type(resource_type, SERVER_GROUP_CLUSTER) else "primaryKeyURI"


def same_id(a: Any, b: Any) -> bool:
    """ARM ids compare case-insensitively."""
    return isinstance(a, str) and isinstance(b, str) and a.lower() == b.lower()


# -- 1. the cluster uses a customer-managed key -------------------------------------------------


def validate_cluster_cmk(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    props = args.props
    if not is_cluster(args.resource_type, props):
        return
    encryption = props.get("dataEncryption")
    if encryption is None:
        report_violation(
            "dataEncryption is not set: the cluster is encrypted with a service-managed key."
        )
        return
    kind = encryption.get("type")
    if kind != "AzureKeyVault":
        shown = "not set" if kind is None else repr(kind)
        report_violation(
            f"dataEncryption.type is {shown}, not 'AzureKeyVault': the cluster is encrypted "
            "with a service-managed key."
        )
        return
    uri_property = key_uri_property(args.resource_type)
    if not value(encryption, uri_property):
        report_violation(f"dataEncryption.{uri_property} is not set: no key to encrypt with.")
    identity_id = value(encryption, "primaryUserAssignedIdentityId")
    if not identity_id:
        report_violation(
            "dataEncryption.primaryUserAssignedIdentityId is not set: no identity to reach "
            "the key with."
        )
        return
    assigned = value(props, "identity", "userAssignedIdentities")
    if is_type(args.resource_type, SERVER_GROUP_CLUSTER):
        ids = elements(assigned)  # a list of ids
    else:
        ids = keys_of(assigned)  # flexible server: a map keyed by id
    if identity_id is UNKNOWN or assigned is UNKNOWN or UNKNOWN in ids:
        return  # computed ids: checked at `pulumi up`, and by the stack policy's dependencies
    if not any(same_id(identity_id, candidate) for candidate in ids):
        report_violation(
            f"dataEncryption.primaryUserAssignedIdentityId {identity_id} is not one of the "
            "cluster's user-assigned identities (identity.userAssignedIdentities): the "
            "service cannot use it to reach the key."
        )


# -- 2. no geo-redundant backup with a CMK (Cosmos DB for PostgreSQL) ----------------------------


def validate_no_geo_backup(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if not is_type(args.resource_type, SERVER_GROUP_CLUSTER):
        return
    encryption = args.props.get("dataEncryption")
    if encryption is None or encryption.get("type") != "AzureKeyVault":
        return
    if args.props.get("enableGeoBackup") is True:
        report_violation(
            "enableGeoBackup is true on a cluster encrypted with a customer-managed key: "
            "\"Customer managed key (CMK) isn't supported for clusters with geo-redundant "
            'backup enabled" (reference-limits).'
        )


# -- 3. the vault can be recovered ------------------------------------------------------------


def validate_vault_recoverable(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    if not is_type(args.resource_type, VAULT):
        return
    properties = args.props.get("properties") or {}
    # Unset, soft delete is on and keeps deleted vaults 90 days (the API's defaults); purge
    # protection is off.
    if properties.get("enableSoftDelete") is False:
        report_violation("properties.enableSoftDelete is false: a deleted key is gone at once.")
    if properties.get("enablePurgeProtection") is not True:
        setting = properties.get("enablePurgeProtection")
        shown = "not set (off)" if setting is None else f"{setting!r}"
        report_violation(
            f"properties.enablePurgeProtection is {shown}: anyone allowed to purge can destroy "
            "the key, and with it the data, before the retention period ends."
        )
    retention = properties.get("softDeleteRetentionInDays")
    if retention is not None and retention != RETENTION_DAYS:
        report_violation(
            f"properties.softDeleteRetentionInDays is {_number(retention)}, not "
            f"{RETENTION_DAYS}: Cosmos DB for PostgreSQL requires 90 days, and it cannot be "
            "changed after creation."
        )


# -- 4. the key is RSA of a sufficient size ------------------------------------------------------


def validate_key_type_and_size(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    if not is_type(args.resource_type, KEY):
        return
    minimum = int(args.get_config().get("minKeySize", DEFAULT_MIN_KEY_SIZE))
    properties = args.props.get("properties") or {}
    kty = properties.get("kty")
    if kty not in ("RSA", "RSA-HSM"):
        shown = "not set" if kty is None else repr(kty)
        report_violation(
            f"properties.kty is {shown}: the services wrap their data key only with RSA or "
            "RSA-HSM keys."
        )
        return
    size = properties.get("keySize")
    if size is None:
        report_violation(
            f"properties.keySize is not set: Key Vault creates a 2048-bit key, below the "
            f"minimum of {minimum} bits."
        )
    elif size < minimum:
        report_violation(
            f"properties.keySize is {_number(size)} bits, below the minimum of {minimum}."
        )


# -- 5. the key rotates and expires ------------------------------------------------------------

_DURATION = re.compile(
    r"P(?:(?P<Y>\d+)Y)?(?:(?P<M>\d+)M)?(?:(?P<W>\d+)W)?(?:(?P<D>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?"
)
# The longest a calendar unit can last, so no spelling of a duration slips past the limit.
_LONGEST_DAYS = {"Y": 366, "M": 31, "W": 7, "D": 1, "h": 1 / 24, "m": 1 / 1440, "s": 1 / 86400}


def duration_days(text: str) -> float | None:
    """The longest number of days an ISO 8601 duration (``P365D``, ``P1Y10D``, ``P2M``) can
    last; None if it is not one."""
    match = _DURATION.fullmatch(text.strip().upper()) if isinstance(text, str) else None
    if match is None or not any(match.groupdict().values()):
        return None
    return sum(_LONGEST_DAYS[unit] * int(n) for unit, n in match.groupdict().items() if n)


def validate_key_rotation(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if not is_type(args.resource_type, KEY):
        return
    maximum = int(args.get_config().get("maxValidityDays", DEFAULT_MAX_VALIDITY_DAYS))
    properties = args.props.get("properties") or {}
    policy = properties.get("rotationPolicy")
    if policy is None:
        report_violation(
            "properties.rotationPolicy is not set: the key never rotates and never expires."
        )
        return
    actions = policy.get("lifetimeActions") or []
    kinds = [str((action.get("action") or {}).get("type") or "").lower() for action in actions]
    if "rotate" not in kinds:
        report_violation(
            "properties.rotationPolicy.lifetimeActions has no action of type 'rotate': Key "
            "Vault never creates a new key version by itself."
        )
    expiry = (policy.get("attributes") or {}).get("expiryTime")
    if expiry is None:
        report_violation(
            "properties.rotationPolicy.attributes.expiryTime is not set: key versions never "
            f"expire (at most {maximum} days, e.g. P365D)."
        )
        return
    days = duration_days(expiry)
    if days is None:
        report_violation(
            f"properties.rotationPolicy.attributes.expiryTime {expiry!r} is not an ISO 8601 "
            "duration such as P365D."
        )
    elif days > maximum:
        report_violation(
            f"properties.rotationPolicy.attributes.expiryTime {expiry} lets a key version "
            f"live up to {_number(days)} days, more than the maximum of {maximum}."
        )


# -- 6. cluster, vault and key are protected ----------------------------------------------------


def validate_protected(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    kind = args.resource_type
    if not (is_cluster(kind, args.props) or is_type(kind, VAULT) or is_type(kind, KEY)):
        return
    if not args.opts.protect:
        if is_type(kind, KEY) or is_type(kind, VAULT):
            lost = f"the {'key' if is_type(kind, KEY) else 'vault'}, and the cluster's data "
            lost += "becomes unreadable"
        else:
            lost = "the cluster and its data"
        report_violation(
            "The resource option protect is off: `pulumi destroy`, or removing the resource "
            f"from the program, deletes {lost}."
        )


# -- 7. each identity a cluster uses has exactly the key permissions it needs --------------------


@dataclass
class Grant:
    """Permissions on keys given to one identity: a standalone AccessPolicy, a role
    assignment on a vault or key, or an entry of a vault's inline ``accessPolicies``."""

    resource: PolicyResource
    """The AccessPolicy or RoleAssignment; for an inline entry, the vault."""
    inline: bool
    vault: PolicyResource | None
    vault_name: str | None
    permissions: dict[str, Any]
    """``keys``/``secrets``/``certificates``/``storage`` lists, or ``role``: the role id."""

    def label(self) -> str:
        if self.inline:
            return f"the inline access policy of vault {self.resource.name}"
        if is_type(self.resource.resource_type, ACCESS_POLICY):
            return f"access policy {self.resource.name}"
        return f"role assignment {self.resource.name}"

    def excess(self, allowed: frozenset[str]) -> str | None:
        """What it grants beyond ``allowed`` (or short of it), or None if exactly that; an
        unknown permission list cannot be judged (None)."""
        if "role" in self.permissions:
            role = self.permissions["role"]
            if not isinstance(role, str):
                return None
            if role.rstrip("/").rsplit("/", 1)[-1].lower() == CRYPTO_SERVICE_ENCRYPTION_USER:
                return None
            return (
                f"role definition {role}, not Key Vault Crypto Service Encryption User "
                f"({CRYPTO_SERVICE_ENCRYPTION_USER})"
            )
        keys = self.permissions.get("keys")
        others = {k: v for k, v in self.permissions.items() if k != "keys"}
        if keys is UNKNOWN or UNKNOWN in keys or any(v is UNKNOWN for v in others.values()):
            return None
        problems = []
        given = {str(k).lower() for k in keys}
        if given != allowed:
            shown = ", ".join(str(k) for k in keys) or "none"
            problems.append(f"keys [{shown}]")
        problems += [f"{name} [{', '.join(map(str, v))}]" for name, v in others.items() if v]
        return "; ".join(problems) if problems else None


def _deps(resource: PolicyResource, prop: str, *kinds: tuple[str, str]) -> list[PolicyResource]:
    found = resource.property_dependencies.get(prop) or []
    return [r for r in found if any(is_type(r.resource_type, k) for k in kinds)]


def _in(resource: PolicyResource | None, resources: Iterable[PolicyResource]) -> bool:
    return resource is not None and any(resource.urn == r.urn for r in resources)


def _depends_on(resource: PolicyResource, target: PolicyResource) -> bool:
    """``resource`` waits for ``target``: a dependency, directly or through others."""
    seen: set[str] = set()
    pending = list(resource.dependencies)
    while pending:
        current = pending.pop()
        if current.urn == target.urn:
            return True
        if current.urn not in seen:
            seen.add(current.urn)
            pending.extend(current.dependencies)
    return False


def _identity_named(arm_id: Any, identity: PolicyResource) -> bool:
    """``arm_id`` is this identity's: its resource group and name end the id."""
    group, name = value(identity.props, "resourceGroupName"), value(identity.props, "name")
    if not (isinstance(arm_id, str) and isinstance(group, str) and isinstance(name, str)):
        return False
    tail = f"/resourcegroups/{group}/providers/microsoft.managedidentity/userassignedidentities/"
    return arm_id.lower().endswith((tail + name).lower())


def _vault_name_of(text: Any) -> str | None:
    """The vault in a key URI (``https://<vault>.vault.azure.net/keys/...``) or an ARM id
    (``.../Microsoft.KeyVault/vaults/<vault>[/...]``)."""
    if not isinstance(text, str):
        return None
    uri = re.match(r"https://([^./]+)\.", text)
    arm = re.search(r"/providers/microsoft\.keyvault/vaults/([^/]+)", text, re.IGNORECASE)
    match = uri or arm
    return match.group(1).lower() if match else None


def _known_name(resource: PolicyResource | None) -> str | None:
    name = value(resource.props, "name") if resource is not None else None
    return name.lower() if isinstance(name, str) else None


def _grants_of(identity: PolicyResource, resources: list[PolicyResource]) -> list[Grant]:
    principal = value(identity.props, "principalId")
    known = isinstance(principal, str)
    grants = []
    for resource in resources:
        kind = resource.resource_type
        if is_type(kind, ACCESS_POLICY):
            object_id = value(resource.props, "policy", "objectId")
            if not (
                _in(identity, _deps(resource, "policy", IDENTITY))
                or (known and same_id(object_id, principal))
            ):
                continue
            vaults = _deps(resource, "vaultName", VAULT)
            name = value(resource.props, "vaultName")
            grants.append(
                Grant(
                    resource,
                    False,
                    vaults[0] if vaults else None,
                    name.lower() if isinstance(name, str) else None,
                    _permissions(value(resource.props, "policy", "permissions")),
                )
            )
        elif is_type(kind, ROLE_ASSIGNMENT):
            if not (
                _in(identity, _deps(resource, "principalId", IDENTITY))
                or (known and same_id(value(resource.props, "principalId"), principal))
            ):
                continue
            scope = value(resource.props, "scope")
            scoped = _deps(resource, "scope", VAULT, KEY)
            if not (scoped or _vault_name_of(scope)):
                continue  # not on a vault or a key
            vault = next((r for r in scoped if is_type(r.resource_type, VAULT)), None)
            grants.append(
                Grant(
                    resource,
                    False,
                    vault,
                    _vault_name_of(scope),
                    {"role": value(resource.props, "roleDefinitionId")},
                )
            )
        elif is_type(kind, VAULT):
            for entry in elements(value(resource.props, "properties", "accessPolicies")):
                object_id = value(entry, "objectId")
                if (known and same_id(object_id, principal)) or (
                    object_id is UNKNOWN and _in(identity, _deps(resource, "properties", IDENTITY))
                ):
                    grants.append(
                        Grant(
                            resource,
                            True,
                            resource,
                            _known_name(resource),
                            _permissions(value(entry, "permissions")),
                        )
                    )
    return grants


def _permissions(permissions: Any) -> dict[str, Any]:
    if permissions is UNKNOWN:
        return {"keys": UNKNOWN}
    found = {"keys": elements(value(permissions, "keys", default=[]))}
    for name in ("secrets", "certificates", "storage"):
        listed = value(permissions, name, default=[])
        found[name] = UNKNOWN if listed is UNKNOWN else elements(listed)
    return found


@dataclass
class _ClusterKeys:
    vaults: list[PolicyResource]
    """Vaults of the stack that hold the cluster's keys."""
    names: set[str]
    """Names of the vaults that hold them, in the stack or not."""

    def holds(self, grant: Grant) -> bool:
        """The grant is on a vault of the cluster's keys (or nothing says it is not)."""
        if _in(grant.vault, self.vaults):
            return True
        name = grant.vault_name or _known_name(grant.vault)
        if name is not None and name in self.names:
            return True
        return (name is None and grant.vault is None) or not (self.vaults or self.names)


def _cluster_keys(cluster: PolicyResource, resources: list[PolicyResource]) -> _ClusterKeys:
    encryption = value(cluster.props, "dataEncryption")
    names = set()
    for prop in ("primaryKeyUri", "primaryKeyURI", "geoBackupKeyURI"):
        name = _vault_name_of(value(encryption, prop))
        if name:
            names.add(name)
    vaults: list[PolicyResource] = []
    for key in _deps(cluster, "dataEncryption", KEY):
        vaults += _deps(key, "vaultName", VAULT)
        key_vault = value(key.props, "vaultName")
        if isinstance(key_vault, str):
            names.add(key_vault.lower())
    vaults += [r for r in resources if is_type(r.resource_type, VAULT) and _known_name(r) in names]
    unique = {v.urn: v for v in vaults}
    return _ClusterKeys(list(unique.values()), names)


def _used_identities(
    cluster: PolicyResource, resources: list[PolicyResource]
) -> list[PolicyResource]:
    """The stack's identity resources the cluster reaches its keys with: those its
    ``dataEncryption`` depends on, and those its (known) identity ids name."""
    used = {r.urn: r for r in _deps(cluster, "dataEncryption", IDENTITY)}
    for prop in ("primaryUserAssignedIdentityId", "geoBackupUserAssignedIdentityId"):
        arm_id = value(cluster.props, "dataEncryption", prop)
        for resource in resources:
            if is_type(resource.resource_type, IDENTITY) and _identity_named(arm_id, resource):
                used.setdefault(resource.urn, resource)
    return list(used.values())


def validate_key_access(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    resources = list(args.resources)
    judged: set[tuple[str, bool]] = set()
    for cluster in resources:
        if not is_cluster(cluster.resource_type, cluster.props):
            continue
        if value(cluster.props, "dataEncryption", "type") != "AzureKeyVault":
            continue  # service-managed (the cluster rule) or unknown
        elastic = is_type(cluster.resource_type, FLEXIBLE_SERVER)
        allowed = ELASTIC_KEY_PERMISSIONS if elastic else CLUSTER_KEY_PERMISSIONS
        keys = _cluster_keys(cluster, resources)
        for identity in _used_identities(cluster, resources):
            grants = _grants_of(identity, resources)
            for grant in grants:
                if (grant.resource.urn, grant.inline) in judged:
                    continue
                judged.add((grant.resource.urn, grant.inline))
                excess = grant.excess(allowed)
                if excess is None:
                    continue
                if "role" in grant.permissions:
                    wanted = "only the role Key Vault Crypto Service Encryption User"
                else:
                    names = ", ".join(v for k, v in _PERMISSION_NAMES.items() if k in allowed)
                    wanted = (
                        f"exactly keys [{names}] and nothing on secrets, certificates or storage"
                    )
                report_violation(
                    f"{grant.label()} gives identity {identity.name} {excess}; a cluster's "
                    f"identity gets {wanted}.",
                    grant.resource.urn,
                )
            on_vault = [g for g in grants if keys.holds(g)]
            if not on_vault:
                visible = [
                    v
                    for v in keys.vaults
                    if value(v.props, "properties", "enableRbacAuthorization") is not True
                ]
                if visible:
                    report_violation(
                        f"cluster {cluster.name} uses identity {identity.name}, which has no "
                        f"access policy on vault {_vault_label(visible[0])} that holds its key.",
                        cluster.urn,
                    )
                continue
            standalone = [g for g in on_vault if not g.inline]
            if standalone and not any(_depends_on(cluster, g.resource) for g in standalone):
                report_violation(
                    f"cluster {cluster.name} does not depend on {standalone[0].label()}, which "
                    f"lets identity {identity.name} use its key: it may be created before the "
                    "identity can unwrap the key.",
                    cluster.urn,
                )


_PERMISSION_NAMES = {"get": "get", "list": "list", "wrapkey": "wrapKey", "unwrapkey": "unwrapKey"}


def _vault_label(vault: PolicyResource) -> str:
    return value(vault.props, "name") if isinstance(value(vault.props, "name"), str) else vault.name


def _number(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


# -- the pack ------------------------------------------------------------------------------------

POLICIES = [
    ResourceValidationPolicy(
        name="postgres-cluster-cmk",
        display_name="PostgreSQL cluster encrypted with a customer-managed key",
        description="A Cosmos DB for PostgreSQL or elastic cluster is encrypted with a "
        "customer-managed key, through one of its user-assigned identities.",
        validate=validate_cluster_cmk,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.CRITICAL,
        framework=DP5,
        tags=TAGS,
        url=COSMOS_CMK_DOC,
        remediation_steps=(
            "Encryption is chosen at creation: create a cluster (or restore this one, or add a "
            "read replica) with dataEncryption.type AzureKeyVault, the key URI "
            "(ServerGroupCluster: primaryKeyUri; flexible server: primaryKeyURI) and "
            "primaryUserAssignedIdentityId set to an identity that is also listed in "
            "identity.userAssignedIdentities (type UserAssigned)."
        ),
    ),
    ResourceValidationPolicy(
        name="postgres-cluster-cmk-no-geo-backup",
        display_name="No geo-redundant backup on a CMK Cosmos DB for PostgreSQL cluster",
        description="A Cosmos DB for PostgreSQL cluster with a customer-managed key has no "
        "geo-redundant backup.",
        validate=validate_no_geo_backup,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        framework=DP5,
        tags=TAGS,
        url=COSMOS_CMK_DOC,
        remediation_steps=(
            "Set enableGeoBackup false (it is chosen at creation). For backups in a second "
            "region with a customer-managed key, use an elastic cluster, whose geo-redundant "
            "backup has an identity, vault and key of its own in that region."
        ),
    ),
    ResourceValidationPolicy(
        name="keyvault-recoverable",
        display_name="Key Vault with soft delete, purge protection and 90-day retention",
        description="A Key Vault keeps deleted keys recoverable: soft delete, purge protection "
        "and 90-day retention.",
        validate=validate_vault_recoverable,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        framework=DP5,
        tags=TAGS,
        url=COSMOS_CMK_DOC,
        remediation_steps=(
            "Set properties.enableSoftDelete true, properties.enablePurgeProtection true and "
            "properties.softDeleteRetentionInDays 90. Purge protection cannot be turned off "
            "again, and the retention is fixed at creation: a vault with another retention "
            "is replaced by a new one."
        ),
    ),
    ResourceValidationPolicy(
        name="keyvault-key-type-and-size",
        display_name="RSA key of the minimum size",
        description="A Key Vault key is RSA or RSA-HSM, of at least the minimum size.",
        validate=validate_key_type_and_size,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.MEDIUM,
        framework=DP5,
        tags=TAGS,
        url=COSMOS_CMK_DOC,
        config_schema=PolicyConfigSchema(
            properties={
                "minKeySize": {
                    "type": "integer",
                    "enum": [2048, 3072, 4096],
                    "default": DEFAULT_MIN_KEY_SIZE,
                    "description": "Smallest RSA key size accepted, in bits.",
                }
            }
        ),
        remediation_steps=(
            "Set properties.kty RSA-HSM (premium vault) or RSA, and properties.keySize to the "
            "minimum or more. Type and size are fixed at creation: create a new key and point "
            "the cluster at it."
        ),
    ),
    ResourceValidationPolicy(
        name="keyvault-key-rotation",
        display_name="Key rotation policy with an expiry",
        description="A Key Vault key has a rotation policy that rotates it, and its versions "
        "expire within the maximum validity.",
        validate=validate_key_rotation,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.MEDIUM,
        framework=DP5,
        tags=TAGS,
        url=KEY_ROTATION_DOC,
        config_schema=PolicyConfigSchema(
            properties={
                "maxValidityDays": {
                    "type": "integer",
                    "minimum": 28,
                    "default": DEFAULT_MAX_VALIDITY_DAYS,
                    "description": "Longest a key version may live (rotationPolicy "
                    "attributes.expiryTime), in days.",
                }
            }
        ),
        remediation_steps=(
            "Set properties.rotationPolicy with a lifetime action of type rotate (e.g. "
            "timeAfterCreate P90D) and attributes.expiryTime an ISO 8601 duration within the "
            "maximum (e.g. P365D); add a notify action (timeBeforeExpiry P30D) to be warned."
        ),
    ),
    ResourceValidationPolicy(
        name="cmk-resources-protected",
        display_name="Cluster, vault and key protected from deletion",
        description="A PostgreSQL cluster, Key Vault or key is protected from deletion by Pulumi.",
        validate=validate_protected,
        enforcement_level=EnforcementLevel.ADVISORY,
        severity=Severity.HIGH,
        framework=DP5,
        tags=TAGS,
        remediation_steps=(
            "Set the resource option protect=True (pulumi.ResourceOptions(protect=True)), or "
            "run `pulumi state protect <urn>` for a deployed resource. Advisory by default: "
            "throwaway stacks may leave it off."
        ),
    ),
    StackValidationPolicy(
        name="cmk-identity-key-access",
        display_name="Exact key permissions for the cluster's identities",
        description="Each identity a cluster reaches its key with has get, wrapKey and "
        "unwrapKey on the key's vault and no more, and the cluster waits for that grant.",
        validate=validate_key_access,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        framework=DP5,
        tags=TAGS,
        url=COSMOS_CMK_DOC,
        remediation_steps=(
            "Grant the identity with an azure-native:keyvault:AccessPolicy whose "
            "policy.permissions.keys are exactly get, wrapKey and unwrapKey (elastic clusters: "
            "also list) and nothing on secrets, certificates or storage; on an RBAC vault "
            "(elastic clusters) assign only the role Key Vault Crypto Service Encryption User "
            "on the vault. Make the cluster depend on the grant (dependsOn, or build the key "
            "URI from an output of it)."
        ),
    ),
]
"""Every policy of the pack, in the order they run."""
