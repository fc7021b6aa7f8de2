"""What the component package takes: one ``TypedDict`` per component and per nested object.
Pulumi's schema analyzer (``pulumi.provider.experimental``) reads these annotations, and the
provider's ``construct`` hands each component a plain dict of this shape.

This is the provider-facing layer only. Python programs keep using the ``*Args``
dataclasses; :mod:`cmkpg.provider.convert` turns each dict into its dataclass, whose
constructor validates, so TypeScript, Go, C# and YAML programs get Python's checks and
messages.

Conventions:

* Property names are the dataclass field names (the schema camel-cases them), so a problem
  the dataclass reports (``CmkKeyArgs.key_type: ...``) names the property the consumer set
  (``keyType``).
* A nested type is named after the library class it becomes (``ClusterSizing``,
  ``KeyOptions``), so the schema reads like the Python API. The schema's types share one
  namespace: every name here is unique, and none ends in ``Args`` (SDK generators append it).
* A property without a docstring here is documented by the library field of the same name
  (:mod:`cmkpg.provider.host` copies it into the schema). A docstring here is for what
  differs from Python: a time given as text, an object given by its id.
* Plain values (not ``pulumi.Input``) wherever the library checks the value before it
  registers anything: regions, names, enums, numbers, flags, tags, existing ids. Ids and
  names that come from other resources are ``pulumi.Input``.
* Times are ISO 8601 UTC strings (``2026-01-31T00:00:00Z``).

No ``from __future__ import annotations`` here: the analyzer needs the annotations as
objects, not strings.
"""

from typing import NotRequired, TypedDict

import pulumi

from ..cluster import EncryptionMode, ServerEdition
from ..elastic import ComputeTier, HighAvailability
from ..key import KeyType
from ..vault import PermissionModel, VaultSku

# -- identity, vault, key ---------------------------------------------------------------------


class IdentityOptions(TypedDict):
    """The identity a restore creates for its new cluster, or an existing one it uses."""

    name: NotRequired[str]
    existing_id: NotRequired[str]


class VaultOptions(TypedDict):
    """The vault a restore creates for its new cluster, or an existing one it uses."""

    name: NotRequired[str]
    sku: NotRequired[VaultSku]
    soft_delete_retention_days: NotRequired[int]
    existing_id: NotRequired[str]
    manage_access_policy: NotRequired[bool]
    permission_model: NotRequired[PermissionModel]


class KeyRotationPolicy(TypedDict):
    auto_rotate_after_days: NotRequired[int]
    expires_after_days: NotRequired[int]
    notify_before_expiry_days: NotRequired[int]


class KeyOptions(TypedDict):
    """The key a restore creates for its new cluster, or an existing one it uses. Key Vault
    creates keys through ARM once: none of these can change on an existing key."""

    name: NotRequired[str]
    key_type: NotRequired[KeyType]
    size: NotRequired[int]
    not_before: NotRequired[str]
    """Activation time, an ISO 8601 UTC time such as ``2026-01-31T00:00:00Z``; must be in
    the past. Default: none (active at once)."""
    expires_on: NotRequired[str]
    """Expiry of the first version, an ISO 8601 UTC time. Default: creation time plus the
    rotation policy's ``expires_after_days`` (no expiry without one). An explicit expiry must
    leave the rotation room to happen first."""
    rotation: NotRequired[KeyRotationPolicy]
    """Rotation policy. Default: rotate every 90 days, versions expire after 365 days, notice
    30 days before expiry. All three 0 turn rotation off."""
    existing_id: NotRequired[str]


class VaultReference(TypedDict):
    """The vault of a key, by name and resource group: a CmkVault's ``name`` and
    ``resource_group_name`` outputs (the key then waits for that vault and its access
    policy), or a vault managed elsewhere."""

    name: pulumi.Input[str]
    resource_group_name: pulumi.Input[str]
    sku: NotRequired[VaultSku]


class CmkIdentityInputs(IdentityOptions):
    location: str
    resource_group_name: NotRequired[pulumi.Input[str]]
    protect: NotRequired[bool]
    tags: NotRequired[dict[str, str]]


class CmkVaultInputs(VaultOptions):
    location: str
    resource_group_name: NotRequired[pulumi.Input[str]]
    grantee_principal_id: NotRequired[pulumi.Input[str]]
    grantee_id: NotRequired[pulumi.Input[str]]
    tenant_id: NotRequired[pulumi.Input[str]]
    key_permissions: NotRequired[list[str]]
    trusted_services_only: NotRequired[bool]
    protect: NotRequired[bool]
    lock: NotRequired[bool]
    tags: NotRequired[dict[str, str]]


class CmkKeyInputs(KeyOptions):
    vault: NotRequired[VaultReference]
    """The vault of a new key. Required unless ``existing_id`` is given."""
    protect: NotRequired[bool]
    tags: NotRequired[dict[str, str]]


# -- cluster ----------------------------------------------------------------------------------


class ClusterSizing(TypedDict):
    node_count: NotRequired[int]
    coordinator_v_cores: NotRequired[int]
    coordinator_storage_mb: NotRequired[int]
    coordinator_server_edition: NotRequired[ServerEdition]
    node_v_cores: NotRequired[int]
    node_storage_mb: NotRequired[int]
    node_server_edition: NotRequired[ServerEdition]
    enable_ha: NotRequired[bool]
    preferred_primary_zone: NotRequired[str]
    coordinator_public_ip_access: NotRequired[bool]
    node_public_ip_access: NotRequired[bool]


class CustomerManagedKey(TypedDict):
    key_versioned_uri: pulumi.Input[str]
    key_id: pulumi.Input[str]
    identity_id: pulumi.Input[str]
    location: NotRequired[str]
    key_uri: NotRequired[pulumi.Input[str]]
    """Versionless key URI (a CmkKey's ``uri``), for services that follow new key versions by
    themselves (elastic clusters). Give it to an elastic cluster, which otherwise gets the
    versioned URI and keeps that version after a rotation (Python's
    ``CustomerManagedKey.from_components`` sets it). Default: none."""


class ClusterSource(TypedDict):
    """Another cluster to copy: a point-in-time restore of it when ``point_in_time`` is
    given, else a read replica of it."""

    source_cluster_id: pulumi.Input[str]
    """ARM id of the source cluster: the one to restore, or the primary of a replica."""
    source_location: str
    point_in_time: NotRequired[str]
    """UTC time to restore to, ISO 8601 (``2026-01-31T00:00:00Z``): not in the future, and,
    when the cluster is created, within the 35-day backup retention. Omit it for a read
    replica."""


class EncryptedCosmosPgClusterInputs(TypedDict):
    resource_group_name: pulumi.Input[str]
    location: str
    cluster_name: str
    sizing: NotRequired[ClusterSizing]
    postgresql_version: NotRequired[str]
    citus_version: NotRequired[str]
    database_name: NotRequired[str]
    enable_geo_backup: NotRequired[bool]
    administrator_login_password: NotRequired[pulumi.Input[str]]
    firewall_rules: NotRequired[dict[str, str]]
    allow_azure_services: NotRequired[bool]
    allow_all_internet: NotRequired[bool]
    customer_managed_key: NotRequired[CustomerManagedKey]
    source: NotRequired[ClusterSource]
    """Create the cluster as a point-in-time restore (with ``point_in_time``) or a read
    replica (without) of another cluster. Default: none, a new, empty cluster. Changing it
    replaces the cluster."""
    protect: NotRequired[bool]
    lock: NotRequired[bool]
    tags: NotRequired[dict[str, str]]


# -- elastic cluster --------------------------------------------------------------------------


class EncryptedElasticClusterInputs(TypedDict):
    resource_group_name: pulumi.Input[str]
    location: str
    cluster_name: str
    node_count: NotRequired[int]
    compute_size: NotRequired[str]
    compute_tier: NotRequired[ComputeTier]
    storage_gb: NotRequired[int]
    high_availability: NotRequired[HighAvailability]
    database_name: NotRequired[str]
    administrator_login: NotRequired[str]
    backup_retention_days: NotRequired[int]
    geo_redundant_backup: NotRequired[bool]
    geo_backup_location: NotRequired[str]
    firewall_rules: NotRequired[dict[str, str]]
    allow_azure_services: NotRequired[bool]
    allow_all_internet: NotRequired[bool]
    customer_managed_key: NotRequired[CustomerManagedKey]
    geo_backup_key: NotRequired[CustomerManagedKey]
    administrator_login_password: NotRequired[pulumi.Input[str]]
    protect: NotRequired[bool]
    lock: NotRequired[bool]
    tags: NotRequired[dict[str, str]]


# -- restore ----------------------------------------------------------------------------------


class CmkOptions(TypedDict):
    """The identity, vault and key a restore creates for its new cluster."""

    identity: NotRequired[IdentityOptions]
    vault: NotRequired[VaultOptions]
    key: NotRequired[KeyOptions]
    lock: NotRequired[bool]
    tags: NotRequired[dict[str, str]]


class EncryptedClusterRestoreInputs(TypedDict):
    resource_group_name: pulumi.Input[str]
    location: str
    cluster_name: str
    source: pulumi.Input[str]
    """ARM id of the cluster to restore (an EncryptedCosmosPgCluster's ``cluster_id``)."""
    point_in_time: str
    """UTC time to restore to, ISO 8601 (``2026-01-31T00:00:00Z``): not in the future. Azure
    also wants it within the 35-day backup retention when the cluster is created."""
    source_location: NotRequired[str]
    """Region of the source cluster. Default: ``location``."""
    encryption: NotRequired[EncryptionMode]
    customer_managed_key: NotRequired[CustomerManagedKey]
    cmk: NotRequired[CmkOptions]
    """Options of the identity, vault and key created for the new cluster (with
    ``customerManaged`` and no ``customer_managed_key``); they are protected as ``protect``
    says. Default: a new identity, a standard vault and an RSA 3072 key with the default
    rotation policy."""
    firewall_rules: NotRequired[dict[str, str]]
    allow_azure_services: NotRequired[bool]
    allow_all_internet: NotRequired[bool]
    protect: NotRequired[bool]
    lock: NotRequired[bool]
    tags: NotRequired[dict[str, str]]


# -- monitoring -------------------------------------------------------------------------------


class MonitoredKey(TypedDict):
    """The key to watch: its vault (a CmkVault's ``vault_id``), its name (a CmkKey's
    ``name``) and the identity that uses it (a CmkIdentity's ``principal_id``)."""

    vault_id: pulumi.Input[str]
    key_name: pulumi.Input[str]
    identity_principal_id: pulumi.Input[str]
    expiry_events: NotRequired[bool]


class CmkMonitoringInputs(TypedDict):
    resource_group_name: pulumi.Input[str]
    location: str
    cluster_id: pulumi.Input[str]
    """ARM id of the cluster whose Resource Health and logs are watched (an
    EncryptedCosmosPgCluster's ``cluster_id``)."""
    key: MonitoredKey
    """The key to watch."""
    emails: NotRequired[list[str]]
    webhooks: NotRequired[list[str]]
    log_analytics_workspace_id: NotRequired[str]
    log_retention_days: NotRequired[int]
    tags: NotRequired[dict[str, str]]


NESTED_TYPES: tuple[type, ...] = (
    IdentityOptions,
    VaultOptions,
    KeyRotationPolicy,
    KeyOptions,
    VaultReference,
    ClusterSizing,
    CustomerManagedKey,
    ClusterSource,
    CmkOptions,
    MonitoredKey,
)
"""Every object type the schema gets from this module (the components' own inputs are not
schema types)."""
