"""Every bad stack configuration the program must refuse, in one table.

Each case is a complete stack config (on top of ``BASE``) and a fragment of the message it
must produce. The tests feed every case to the pure validator, to the real program (which
must register nothing) and to the offline preview (exit 2, message on stderr, nothing on
stdout). The README points here: this is the list of what the configuration refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# A valid config on its own (tests check that), so each case fails for its own reason only.
BASE: dict[str, Any] = {"location": "westeurope", "monitoring.emails": ["dba-oncall@example.com"]}
_SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sec-rg/providers"
IDENTITY_ID = f"{_SUB}/Microsoft.ManagedIdentity/userAssignedIdentities/db-identity"
VAULT_ID = f"{_SUB}/Microsoft.KeyVault/vaults/sec-kv"
KEY_ID = f"{VAULT_ID}/keys/db-key"
KEY_URI = "https://sec-kv.vault.azure.net/keys/db-key/0123456789abcdef0123456789abcdef"
_DB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups"
SOURCE_ID = f"{_DB}/rg-cmkpg-prod/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/cmkpg-prod"
OWN_CLUSTER_ID = f"{_DB}/rg-cmkpg-dev/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/cmkpg-dev"


@dataclass(frozen=True)
class BadConfig:
    id: str
    config: dict[str, Any]
    message: str
    stack: str = "dev"
    secret_keys: tuple[str, ...] = ()
    replace_base: bool = False
    at_runtime: bool = False
    """Refused once the program knows the last deployment (the config alone is fine), still
    before anything is created."""

    def full_config(self) -> dict[str, Any]:
        return dict(self.config) if self.replace_base else {**BASE, **self.config}


CASES: list[BadConfig] = [
    # -- location, resource group, mode ------------------------------------------------------
    BadConfig("location-missing", {}, "cmkpg:location: is required", replace_base=True),
    BadConfig(
        "location-display-name",
        {"location": "West Europe"},
        "cmkpg:location: 'West Europe' is not valid; use the region's programmatic name",
    ),
    BadConfig(
        "location-differs-from-provider",
        {"azure-native:location": "eastus"},
        "cmkpg:location: 'westeurope' differs from azure-native:location 'eastus'",
    ),
    BadConfig(
        "resource-group-bad-chars",
        {"resourceGroupName": "rg/db"},
        "cmkpg:resourceGroupName: 'rg/db' is not valid",
    ),
    BadConfig(
        "resource-group-trailing-dot",
        {"resourceGroupName": "rg."},
        "cmkpg:resourceGroupName: 'rg.' is not valid",
    ),
    BadConfig(
        "encryption-unknown",
        {"encryption": "both"},
        "cmkpg:encryption: 'both' is not allowed; use customerManaged or serviceManaged",
    ),
    BadConfig(
        "protect-not-boolean",
        {"protect": "yes"},
        "cmkpg:protect: 'yes' is not a boolean; use true or false",
    ),
    # -- tags -------------------------------------------------------------------------------
    BadConfig(
        "tags-not-a-list", {"tags": "env=dev"}, "cmkpg:tags: 'env=dev' is not a list of strings"
    ),
    BadConfig(
        "tags-not-key-value", {"tags": ["env:dev"]}, "cmkpg:tags: 'env:dev' is not key=value"
    ),
    BadConfig("tags-bad-name", {"tags": ["a/b=c"]}, "cmkpg:tags: 'a/b=c' has an invalid tag name"),
    BadConfig("tags-repeated", {"tags": ["a=1", "a=2"]}, "cmkpg:tags: 'a=2' repeats the tag 'a'"),
    # -- identity, vault, key ---------------------------------------------------------------
    BadConfig(
        "identity-name-too-short",
        {"identity.name": "id"},
        "cmkpg:identity.name: 'id' is not valid; use 3-128",
    ),
    BadConfig(
        "vault-name-starts-with-digit",
        {"vault.name": "1vault"},
        "cmkpg:vault.name: '1vault' is not valid; use 3-24",
    ),
    BadConfig("vault-name-too-long", {"vault.name": "v" * 25}, "cmkpg:vault.name: 'vvvv"),
    BadConfig(
        "vault-sku-unknown",
        {"vault.sku": "gold"},
        "cmkpg:vault.sku: 'gold' is not allowed; use standard or premium",
    ),
    BadConfig(
        "vault-retention-not-90",
        {"vault.softDeleteRetentionDays": 7},
        "cmkpg:vault.softDeleteRetentionDays: 7 is not allowed; use 90",
    ),
    BadConfig(
        "key-name-underscore", {"key.name": "db_key"}, "cmkpg:key.name: 'db_key' is not valid"
    ),
    BadConfig(
        "key-type-ec", {"key.type": "EC"}, "cmkpg:key.type: 'EC' is not allowed; use RSA or RSA-HSM"
    ),
    BadConfig(
        "key-size-1024",
        {"key.size": 1024},
        "cmkpg:key.size: 1024 is not allowed; use 2048, 3072 or 4096",
    ),
    BadConfig(
        "key-size-not-integer", {"key.size": "big"}, "cmkpg:key.size: 'big' is not an integer"
    ),
    BadConfig(
        "key-hsm-in-standard-vault",
        {"key.type": "RSA-HSM"},
        "cmkpg:key.type: 'RSA-HSM' needs a premium vault; set vault.sku to premium",
    ),
    BadConfig(
        "key-not-before-in-future",
        {"key.notBefore": "2099-01-01T00:00:00Z"},
        "cmkpg:key.notBefore: '2099-01-01T00:00:00Z' is in the future",
    ),
    BadConfig(
        "key-expires-in-past",
        {"key.expiresOn": "2020-01-01T00:00:00Z"},
        "cmkpg:key.expiresOn: '2020-01-01T00:00:00Z' is not in the future",
    ),
    BadConfig(
        "key-expires-not-utc",
        {"key.expiresOn": "2099-01-01T00:00:00+02:00"},
        "cmkpg:key.expiresOn: '2099-01-01T00:00:00+02:00' is not in UTC",
    ),
    BadConfig(
        "key-not-before-not-a-date",
        {"key.notBefore": "yesterday"},
        "cmkpg:key.notBefore: 'yesterday' is not an ISO 8601 timestamp",
    ),
    BadConfig(
        "key-expires-before-activation",
        {"key.notBefore": "2020-06-01T00:00:00Z", "key.expiresOn": "2020-01-01T00:00:00Z"},
        "cmkpg:key.expiresOn: '2020-01-01T00:00:00Z' is not in the future",
    ),
    # -- cluster ----------------------------------------------------------------------------
    BadConfig(
        "cluster-name-uppercase",
        {"cluster.name": "Prod-DB"},
        "cmkpg:cluster.name: 'Prod-DB' is not valid; use 3-40 lowercase",
    ),
    BadConfig(
        "cluster-name-default-invalid-for-stack",
        {},
        "cmkpg:cluster.name: '' gives the "
        "default 'cmkpg-Prod_EU', which is not a valid cluster name",
        stack="Prod_EU",
    ),
    BadConfig(
        "cluster-postgres-9",
        {"cluster.postgresqlVersion": "9"},
        "cmkpg:cluster.postgresqlVersion: '9' is not allowed",
    ),
    BadConfig(
        "cluster-citus-version-word",
        {"cluster.citusVersion": "latest"},
        "cmkpg:cluster.citusVersion: 'latest' is not valid",
    ),
    BadConfig(
        "cluster-coordinator-vcores-3",
        {"cluster.coordinatorVCores": 3},
        "cmkpg:cluster.coordinatorVCores: 3 is not allowed for a single-node coordinator",
    ),
    BadConfig(
        "cluster-coordinator-storage-odd",
        {"cluster.coordinatorStorageMb": 100000},
        "cmkpg:cluster.coordinatorStorageMb: 100000 is not allowed",
    ),
    BadConfig(
        "cluster-coordinator-edition-unknown",
        {"cluster.coordinatorServerEdition": "Huge"},
        "cmkpg:cluster.coordinatorServerEdition: 'Huge' is not allowed",
    ),
    BadConfig(
        "cluster-burstable-multi-node",
        {"cluster.nodeCount": 2, "cluster.coordinatorServerEdition": "BurstableGeneralPurpose"},
        "is only for a single node with 1 or 2 vCores",
    ),
    BadConfig(
        "cluster-node-count-1",
        {"cluster.nodeCount": 1},
        "cmkpg:cluster.nodeCount: 1 is not allowed; use 0 (single node) or 2..20",
    ),
    BadConfig(
        "cluster-node-count-25",
        {"cluster.nodeCount": 25},
        "cmkpg:cluster.nodeCount: 25 is not allowed; use 0 (single node) or 2..20",
    ),
    BadConfig(
        "cluster-node-vcores-2",
        {"cluster.nodeCount": 2, "cluster.nodeVCores": 2},
        "cmkpg:cluster.nodeVCores: 2 is not allowed for a worker",
    ),
    BadConfig(
        "cluster-node-storage-small",
        {"cluster.nodeCount": 2, "cluster.nodeStorageMb": 131072},
        "cmkpg:cluster.nodeStorageMb: 131072 is not allowed for a worker",
    ),
    BadConfig(
        "cluster-node-edition-burstable",
        {"cluster.nodeCount": 2, "cluster.nodeServerEdition": "BurstableMemoryOptimized"},
        "cmkpg:cluster.nodeServerEdition: 'BurstableMemoryOptimized' is not allowed",
    ),
    BadConfig(
        "cluster-ha-not-boolean",
        {"cluster.enableHa": "maybe"},
        "cmkpg:cluster.enableHa: 'maybe' is not a boolean",
    ),
    BadConfig(
        "cluster-zone-4",
        {"cluster.preferredPrimaryZone": "4"},
        "cmkpg:cluster.preferredPrimaryZone: '4' is not allowed; use 1, 2 or 3",
    ),
    BadConfig(
        "cluster-database-reserved",
        {"cluster.databaseName": "postgres"},
        "cmkpg:cluster.databaseName: 'postgres' is not valid",
    ),
    BadConfig(
        "cluster-public-access-not-boolean",
        {"cluster.coordinatorPublicIpAccess": "open"},
        "cmkpg:cluster.coordinatorPublicIpAccess: 'open' is not a boolean",
    ),
    BadConfig(
        "cluster-geo-backup-with-cmk",
        {"cluster.enableGeoBackup": True},
        "cmkpg:cluster.enableGeoBackup: true is not supported with customer-managed keys",
    ),
    BadConfig(
        "cluster-password-in-plain-text",
        {"cluster.administratorLoginPassword": "Plain-Passw0rd"},
        "cmkpg:cluster.administratorLoginPassword: is set in plain text; set it with "
        "`pulumi config set --secret",
    ),
    BadConfig(
        "cluster-password-weak",
        {"cluster.administratorLoginPassword": "weakpassword"},
        "cmkpg:cluster.administratorLoginPassword: [secret] is too weak",
        secret_keys=("cluster.administratorLoginPassword",),
    ),
    # -- existing resources (brownfield) -----------------------------------------------------
    BadConfig(
        "identity-existing-not-an-id",
        {"identity.existingId": "db-identity"},
        "cmkpg:identity.existingId: 'db-identity' is not a resource id",
    ),
    BadConfig(
        "identity-existing-wrong-type",
        {"identity.existingId": VAULT_ID},
        "is a Microsoft.KeyVault/vaults id; use a "
        "Microsoft.ManagedIdentity/userAssignedIdentities id",
    ),
    BadConfig(
        "identity-existing-and-name",
        {"identity.existingId": IDENTITY_ID, "identity.name": "id-db"},
        "cmkpg:identity.name: 'id-db' is set together with identity.existingId",
    ),
    BadConfig(
        "vault-existing-not-an-id",
        {"vault.existingId": "sec-kv"},
        "cmkpg:vault.existingId: 'sec-kv' is not a resource id",
    ),
    BadConfig(
        "vault-existing-with-sku",
        {"vault.existingId": VAULT_ID, "vault.sku": "premium"},
        "cmkpg:vault.sku: 'premium' is set, but it applies to a vault this stack creates",
    ),
    BadConfig(
        "access-policy-off-for-new-vault",
        {"vault.manageAccessPolicy": False},
        "cmkpg:vault.manageAccessPolicy: false needs vault.existingId",
    ),
    BadConfig(
        "key-existing-not-an-id",
        {"key.existingId": "db-key"},
        "cmkpg:key.existingId: 'db-key' is not a resource id",
    ),
    BadConfig(
        "key-existing-uri-without-version",
        {"key.existingId": "https://sec-kv.vault.azure.net/keys/db-key"},
        "has no key version; use a versioned key URI",
    ),
    BadConfig(
        "key-existing-uri-without-vault",
        {"key.existingId": KEY_URI},
        "cmkpg:key.existingId: '" + KEY_URI + "' is a key URI, which does not name the "
        "vault's resource group; set vault.existingId",
    ),
    BadConfig(
        "key-existing-uri-in-other-vault",
        {"key.existingId": KEY_URI.replace("sec-kv", "other-kv"), "vault.existingId": VAULT_ID},
        "is in vault 'other-kv', not in the vault of vault.existingId",
    ),
    BadConfig(
        "key-existing-id-in-other-vault",
        {"key.existingId": KEY_ID.replace("sec-kv", "other-kv"), "vault.existingId": VAULT_ID},
        "is in another vault than vault.existingId",
    ),
    BadConfig(
        "key-existing-with-size",
        {"key.existingId": KEY_ID, "key.size": 4096},
        "cmkpg:key.size: 4096 is set, but it applies to a key this stack creates",
    ),
    # -- key rotation policy ------------------------------------------------------------------
    BadConfig(
        "rotation-too-early",
        {"key.rotation.autoRotateAfterDays": 3},
        "cmkpg:key.rotation.autoRotateAfterDays: 3 is out of range; use 7..3650",
    ),
    BadConfig(
        "rotation-expiry-without-rotation",
        {"key.rotation.expiresAfterDays": 90},
        "cmkpg:key.rotation.expiresAfterDays: 90 is set without "
        "cmkpg:key.rotation.autoRotateAfterDays",
    ),
    BadConfig(
        "rotation-too-close-to-expiry",
        {"key.rotation.autoRotateAfterDays": 80, "key.rotation.expiresAfterDays": 90},
        "rotate at least 28 days before expiry",
    ),
    BadConfig(
        "rotation-notify-without-expiry",
        {"key.rotation.notifyBeforeExpiryDays": 30},
        "cmkpg:key.rotation.notifyBeforeExpiryDays: 30 needs cmkpg:key.rotation.expiresAfterDays",
    ),
    BadConfig(
        "rotation-for-existing-key",
        {"key.existingId": KEY_ID, "key.rotation.autoRotateAfterDays": 90},
        "cmkpg:key.rotation.autoRotateAfterDays: 90 is set, but it applies to a key this "
        "stack creates",
    ),
    BadConfig(
        "locks-not-boolean", {"locks": "sometimes"}, "cmkpg:locks: 'sometimes' is not a boolean"
    ),
    # -- keys that do not exist or do not apply ----------------------------------------------
    BadConfig(
        "unknown-key-typo",
        {"vault.skuu": "premium"},
        "cmkpg:vault.skuu: is not a known key; did you mean vault.sku?",
    ),
    BadConfig(
        "nested-object-from-path",
        {"vault": {"sku": "premium"}},
        "cmkpg:vault: nested objects are not read; set flat keys without --path",
    ),
    BadConfig(
        "cmk-setting-with-service-managed",
        {"location": "westeurope", "encryption": "serviceManaged", "key.size": 4096},
        "cmkpg:key.size: 4096 is set, but encryption is serviceManaged",
        replace_base=True,
    ),
    # -- restore and replica --------------------------------------------------------------------
    BadConfig(
        "restore-source-not-an-id",
        {"restore.sourceClusterId": "cmkpg-prod", "restore.pointInTimeUtc": "2026-11-27T00:00:00Z"},
        "cmkpg:restore.sourceClusterId: 'cmkpg-prod' is not a resource id",
    ),
    BadConfig(
        "restore-source-wrong-type",
        {"restore.sourceClusterId": VAULT_ID, "restore.pointInTimeUtc": "2026-11-27T00:00:00Z"},
        "is a Microsoft.KeyVault/vaults id; use a Microsoft.DBforPostgreSQL/serverGroupsv2 id",
    ),
    BadConfig(
        "restore-without-point-in-time",
        {"restore.sourceClusterId": SOURCE_ID},
        "cmkpg:restore.pointInTimeUtc: is required with restore.sourceClusterId",
    ),
    BadConfig(
        "restore-point-in-the-future",
        {"restore.sourceClusterId": SOURCE_ID, "restore.pointInTimeUtc": "2099-01-01T00:00:00Z"},
        "cmkpg:restore.pointInTimeUtc: '2099-01-01T00:00:00Z' is in the future",
    ),
    BadConfig(
        "restore-point-not-utc",
        {"restore.sourceClusterId": SOURCE_ID, "restore.pointInTimeUtc": "2026-11-27T00:00:00"},
        "cmkpg:restore.pointInTimeUtc: '2026-11-27T00:00:00' is not in UTC",
    ),
    BadConfig(
        "restore-point-older-than-retention",
        {"restore.sourceClusterId": SOURCE_ID, "restore.pointInTimeUtc": "2026-01-01T00:00:00Z"},
        "cmkpg:restore.pointInTimeUtc: 2026-01-01T00:00:00Z is older than the 35-day backup "
        "retention",
        at_runtime=True,
    ),
    BadConfig(
        "restore-point-without-source",
        {"restore.pointInTimeUtc": "2026-11-27T00:00:00Z"},
        "cmkpg:restore.pointInTimeUtc: '2026-11-27T00:00:00Z' is set without "
        "restore.sourceClusterId",
    ),
    BadConfig(
        "restore-source-location-display-name",
        {
            "restore.sourceClusterId": SOURCE_ID,
            "restore.pointInTimeUtc": "2026-11-27T00:00:00Z",
            "restore.sourceLocation": "West Europe",
        },
        "cmkpg:restore.sourceLocation: 'West Europe' is not valid",
    ),
    BadConfig(
        "restore-and-replica",
        {
            "restore.sourceClusterId": SOURCE_ID,
            "restore.pointInTimeUtc": "2026-11-27T00:00:00Z",
            "replica.sourceClusterId": SOURCE_ID,
        },
        "cmkpg:replica.sourceClusterId: '" + SOURCE_ID + "' is set together with "
        "restore.sourceClusterId",
    ),
    BadConfig(
        "restore-with-sizing",
        {
            "restore.sourceClusterId": SOURCE_ID,
            "restore.pointInTimeUtc": "2026-11-27T00:00:00Z",
            "cluster.coordinatorVCores": 8,
        },
        "cmkpg:cluster.coordinatorVCores: 8 is set, but it is copied by a restore from its "
        "source cluster; remove it",
    ),
    BadConfig(
        "replica-with-password",
        {"replica.sourceClusterId": SOURCE_ID, "cluster.administratorLoginPassword": "Str0ng-Pass"},
        "cmkpg:cluster.administratorLoginPassword: [secret] is set, but it is copied by a replica",
        secret_keys=("cluster.administratorLoginPassword",),
    ),
    BadConfig(
        "replica-location-without-source",
        {"replica.sourceLocation": "eastus"},
        "cmkpg:replica.sourceLocation: 'eastus' is set without replica.sourceClusterId",
    ),
    BadConfig(
        "restore-of-this-stacks-own-cluster",
        {"replica.sourceClusterId": OWN_CLUSTER_ID},
        "cmkpg:replica.sourceClusterId: '" + OWN_CLUSTER_ID + "' is this stack's own cluster",
    ),
    # -- monitoring ----------------------------------------------------------------------------
    BadConfig(
        "monitoring-without-receivers",
        {"location": "westeurope"},
        "cmkpg:monitoring.emails: no receivers; alerts about a lost key must reach someone",
        replace_base=True,
    ),
    BadConfig(
        "monitoring-email-malformed",
        {"monitoring.emails": ["dba-oncall@"]},
        "cmkpg:monitoring.emails: 'dba-oncall@' is not a valid e-mail address",
    ),
    BadConfig(
        "monitoring-email-repeated",
        {"monitoring.emails": ["a@example.com", "A@example.com"]},
        "cmkpg:monitoring.emails: 'A@example.com' is listed more than once",
    ),
    BadConfig(
        "monitoring-webhook-in-plain-text",
        {"monitoring.webhooks": ["https://alerts.example.com/hook?token=abc"]},
        "cmkpg:monitoring.webhooks: is set in plain text; webhook URLs carry credentials",
    ),
    BadConfig(
        "monitoring-webhook-not-https",
        {"monitoring.webhooks": ["http://alerts.example.com/hook?token=abc"]},
        "cmkpg:monitoring.webhooks: 'http://alerts.example.com/…' is not an https URL",
        secret_keys=("monitoring.webhooks",),
    ),
    BadConfig(
        "monitoring-workspace-not-an-id",
        {"monitoring.logAnalyticsWorkspaceId": "my-workspace"},
        "cmkpg:monitoring.logAnalyticsWorkspaceId: 'my-workspace' is not a resource id",
    ),
    BadConfig(
        "monitoring-retention-too-long",
        {"monitoring.logRetentionDays": 1000},
        "cmkpg:monitoring.logRetentionDays: 1000 is out of range; use 30..730",
    ),
    BadConfig(
        "monitoring-settings-while-off",
        {"monitoring.enabled": False, "monitoring.emails": ["dba-oncall@example.com"]},
        "cmkpg:monitoring.emails: ['dba-oncall@example.com'] is set, but it configures "
        "monitoring, which monitoring.enabled turns off",
        replace_base=False,
    ),
    BadConfig(
        "monitoring-with-service-managed",
        {"encryption": "serviceManaged"},
        "cmkpg:monitoring.emails: ['dba-oncall@example.com'] is set, but encryption is "
        "serviceManaged",
    ),
]
