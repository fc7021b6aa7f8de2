"""Every bad stack configuration the program must refuse, in one table.

Each case is a stack file's ``config:`` (on top of ``BASE``, dotted keys written as paths
into their objects, as ``pulumi config set --path`` writes them) and a fragment of the message
it must produce. The tests feed every case to the program's validator (the strings any
engine delivers), to the real program (which must register nothing) and to the offline
preview (exit 2, message on stderr, nothing on stdout); ``cli`` is the Pulumi CLI's own
message where its type check refuses the value first. The README points here: this is the
list of what the configuration refuses.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from cmkpg.config.declarations import OBJECT_ROOTS

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
RESTORE = {
    "resourceGroupName": "rg-cmkpg-prod",  # Azure restores into the source's resource group
    "restore.sourceClusterId": SOURCE_ID,
    "restore.pointInTimeUtc": "2026-11-27T00:00:00Z",
}


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """``{"key.size": 4096}`` -> ``{"key": {"size": 4096}}`` for the keys that are paths into
    the namespace's objects; other keys (``location``, ``azure-native:location``) as they are."""
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        root, dot, rest = key.partition(".")
        if dot and root in OBJECT_ROOTS and ":" not in key:
            node = nested.setdefault(root, {})
            *parents, leaf = rest.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = copy.deepcopy(value)
        elif isinstance(value, dict) and isinstance(nested.get(key), dict):
            nested[key].update(copy.deepcopy(value))
        else:
            nested[key] = copy.deepcopy(value)
    return nested


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
    cli: str | None = None
    """The Pulumi CLI's message, where its own type check refuses the stack file first."""

    def full_config(self) -> dict[str, Any]:
        flat = dict(self.config) if self.replace_base else {**BASE, **self.config}
        return nest(flat)


def _cli_type(key: str, type_: str) -> str:
    return f"Stack 'dev' with configuration key '{key}' must be of type '{type_}'"


CASES: list[BadConfig] = [
    # -- location, resource group, mode ------------------------------------------------------
    BadConfig(
        "location-missing",
        {},
        "cmkpg:location: is required",
        replace_base=True,
        cli="Stack 'dev' is missing configuration value 'location'",
    ),
    BadConfig(
        "location-display-name",
        {"location": "West Europe"},
        'cmkpg:location: "West Europe" is a display name; use the programmatic name westeurope',
    ),
    BadConfig(
        "location-typo",
        {"location": "westeurop"},
        "cmkpg:location: westeurop is not an Azure region this release knows; did you mean "
        "westeurope?",
    ),
    BadConfig(
        "location-a-boolean",
        {"location": True},
        'cmkpg:location: "true" is not an Azure region this release knows',
    ),
    BadConfig(
        "location-differs-from-provider",
        {"azure-native:location": "eastus"},
        "cmkpg:location: westeurope differs from azure-native:location eastus",
    ),
    BadConfig(
        "resource-group-bad-chars",
        {"resourceGroupName": "rg/db"},
        "cmkpg:resourceGroupName: rg/db is not valid",
    ),
    BadConfig(
        "resource-group-trailing-dot",
        {"resourceGroupName": "rg."},
        "cmkpg:resourceGroupName: rg. is not valid",
    ),
    BadConfig(
        "encryption-unknown",
        {"encryption": "both"},
        "cmkpg:encryption: both is not allowed; use customerManaged or serviceManaged",
    ),
    BadConfig(
        "protect-not-boolean",
        {"protect": "yes"},
        "cmkpg:protect: yes is not a boolean; use true or false",
        cli=_cli_type("protect", "boolean"),
    ),
    BadConfig(
        "lock-not-boolean",
        {"lock": "sometimes"},
        "cmkpg:lock: sometimes is not a boolean",
        cli=_cli_type("lock", "boolean"),
    ),
    # -- tags -------------------------------------------------------------------------------
    BadConfig(
        "tags-a-list",
        {"tags": ["env=dev"]},
        "cmkpg:tags: [env=dev] is not a map",
        cli=_cli_type("tags", "object"),
    ),
    BadConfig(
        "tags-bad-name",
        {"tags": {"a/b": "c"}},
        "cmkpg:tags.a/b: a/b is not a valid tag name",
    ),
    BadConfig(
        "tags-value-too-long",
        {"tags": {"note": "x" * 300}},
        "cmkpg:tags.note: ",
    ),
    BadConfig(
        "tags-value-not-a-string",
        {"tags": {"cost": {"center": 1}}},
        "cmkpg:tags: {cost: {center: 1}} has cost: {center: 1}, which is not a string",
    ),
    # -- identity, vault, key ---------------------------------------------------------------
    BadConfig(
        "identity-name-too-short",
        {"identity.name": "id"},
        "cmkpg:identity.name: id is not valid; use 3-128",
    ),
    BadConfig(
        "vault-name-starts-with-digit",
        {"vault.name": "1vault"},
        "cmkpg:vault.name: 1vault is not valid; use 3-24",
    ),
    BadConfig("vault-name-too-long", {"vault.name": "v" * 25}, "cmkpg:vault.name: vvvv"),
    BadConfig(
        "vault-sku-unknown",
        {"vault.sku": "gold"},
        "cmkpg:vault.sku: gold is not allowed; use standard or premium",
    ),
    BadConfig(
        "vault-retention-not-90",
        {"vault.softDeleteRetentionDays": 7},
        "cmkpg:vault.softDeleteRetentionDays: 7 is not allowed; use 90",
    ),
    BadConfig("key-name-underscore", {"key.name": "db_key"}, "cmkpg:key.name: db_key is not valid"),
    BadConfig(
        "key-type-ec", {"key.type": "EC"}, "cmkpg:key.type: EC is not allowed; use RSA or RSA-HSM"
    ),
    BadConfig(
        "key-size-1024",
        {"key.size": 1024},
        "cmkpg:key.size: 1024 is not allowed; use 2048, 3072 or 4096",
    ),
    BadConfig(
        "key-size-not-integer",
        {"key.size": "big"},
        "cmkpg:key.size: big is not an integer",
        cli=_cli_type("key.size", "integer"),
    ),
    BadConfig(
        "key-hsm-in-standard-vault",
        {"key.type": "RSA-HSM"},
        "cmkpg:key.type: RSA-HSM needs a premium vault, not standard; set cmkpg:vault.sku to "
        "premium",
    ),
    BadConfig(
        "key-not-before-in-future",
        {"key.notBefore": "2099-01-01T00:00:00Z"},
        'cmkpg:key.notBefore: "2099-01-01T00:00:00Z" is in the future',
    ),
    BadConfig(
        "key-expires-in-past",
        {"key.expiresOn": "2020-01-01T00:00:00Z"},
        'cmkpg:key.expiresOn: "2020-01-01T00:00:00Z" is not in the future',
    ),
    BadConfig(
        "key-expires-before-first-rotation",
        {"key.expiresOn": "2027-01-01T00:00:00Z"},
        'cmkpg:key.expiresOn: "2027-01-01T00:00:00Z" leaves no room for the first rotation',
    ),
    BadConfig(
        "key-expires-without-rotation",
        {
            "key.expiresOn": "2099-01-01T00:00:00Z",
            "key.rotation.autoRotateAfterDays": 0,
            "key.rotation.expiresAfterDays": 0,
            "key.rotation.notifyBeforeExpiryDays": 0,
        },
        'cmkpg:key.expiresOn: "2099-01-01T00:00:00Z" is set without a rotation',
    ),
    BadConfig(
        "key-expires-not-utc",
        {"key.expiresOn": "2099-01-01T00:00:00+02:00"},
        'cmkpg:key.expiresOn: "2099-01-01T00:00:00+02:00" is not in UTC',
    ),
    BadConfig(
        "key-not-before-not-a-date",
        {"key.notBefore": "yesterday"},
        "cmkpg:key.notBefore: yesterday is not an ISO 8601 timestamp",
    ),
    BadConfig(
        "key-not-before-a-date-without-time",
        {"key.notBefore": "2026-01-01"},
        'cmkpg:key.notBefore: "2026-01-01" is a date without a time',
    ),
    BadConfig(
        "key-not-before-unquoted-yaml-timestamp",
        {"key.notBefore": "2026-01-01 00:00:00 +0000 UTC"},
        "is an unquoted YAML timestamp, which the Pulumi CLI passes on in Go's format",
    ),
    # -- cluster ----------------------------------------------------------------------------
    BadConfig(
        "cluster-name-uppercase",
        {"cluster.name": "Prod-DB"},
        "cmkpg:cluster.name: Prod-DB is not valid; use 3-40 lowercase",
    ),
    BadConfig(
        "cluster-name-default-invalid-for-stack",
        {},
        "cmkpg:cluster.name: \"\" gives the default 'cmkpg-Prod_EU', which is not a valid "
        "cluster name",
        stack="Prod_EU",
    ),
    BadConfig(
        "cluster-postgres-9",
        {"cluster.postgresqlVersion": "9"},
        'cmkpg:cluster.postgresqlVersion: "9" is not allowed',
    ),
    BadConfig(
        "cluster-citus-version-word",
        {"cluster.citusVersion": "latest"},
        "cmkpg:cluster.citusVersion: latest is not valid",
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
        "cmkpg:cluster.coordinatorServerEdition: Huge is not allowed",
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
        "cluster-node-storage-negative-on-a-single-node",
        {"cluster.nodeStorageMb": -1},
        "cmkpg:cluster.nodeStorageMb: -1 is not allowed for a worker",
    ),
    BadConfig(
        "cluster-node-edition-garbage-on-a-single-node",
        {"cluster.nodeServerEdition": "Whatever"},
        "cmkpg:cluster.nodeServerEdition: Whatever is not allowed",
    ),
    BadConfig(
        "cluster-ha-not-boolean",
        {"cluster.enableHa": "maybe"},
        "cmkpg:cluster.enableHa: maybe is not a boolean",
        cli=_cli_type("cluster.enableHa", "boolean"),
    ),
    BadConfig(
        "cluster-zone-4",
        {"cluster.preferredPrimaryZone": "4"},
        'cmkpg:cluster.preferredPrimaryZone: "4" is not allowed; use "1", "2" or "3"',
    ),
    BadConfig(
        "cluster-database-reserved",
        {"cluster.databaseName": "postgres"},
        "cmkpg:cluster.databaseName: postgres is not valid",
    ),
    BadConfig(
        "cluster-public-access-not-boolean",
        {"cluster.coordinatorPublicIpAccess": "open"},
        "cmkpg:cluster.coordinatorPublicIpAccess: open is not a boolean",
        cli=_cli_type("cluster.coordinatorPublicIpAccess", "boolean"),
    ),
    BadConfig(
        "cluster-geo-backup-with-cmk",
        {"cluster.enableGeoBackup": True},
        "cmkpg:cluster.enableGeoBackup: true is not supported with customer-managed keys",
    ),
    BadConfig(
        "cluster-password-in-plain-text",
        {"clusterAdminPassword": "Plain-Passw0rd"},
        "cmkpg:clusterAdminPassword: is set in plain text; set it with "
        "`pulumi config set --secret clusterAdminPassword`",
    ),
    BadConfig(
        "cluster-password-weak",
        {"clusterAdminPassword": "weakpassword"},
        "cmkpg:clusterAdminPassword: [secret] is too weak",
        secret_keys=("clusterAdminPassword",),
    ),
    BadConfig(
        "firewall-whole-internet-as-a-rule",
        {"cluster.firewallRules": {"everyone": "0.0.0.0/0"}},
        "cmkpg:cluster.firewallRules.everyone: 0.0.0.0/0 opens the cluster to half the internet "
        "or more; if the whole internet is really meant, say so with "
        "cmkpg:cluster.allowAllInternet",
    ),
    BadConfig(
        "firewall-private-address",
        {"cluster.firewallRules": {"office": "10.0.0.0/8"}},
        "cmkpg:cluster.firewallRules.office: 10.0.0.0/8 includes the non-public range 10.0.0.0/8",
    ),
    BadConfig(
        "firewall-not-an-address",
        {"cluster.firewallRules": {"office": "office.example.com"}},
        "cmkpg:cluster.firewallRules.office: office.example.com is not valid; use an IPv4 address",
    ),
    BadConfig(
        "firewall-host-bits",
        {"cluster.firewallRules": {"office": "198.51.100.7/24"}},
        "has host bits set",
    ),
    BadConfig(
        "firewall-bad-rule-name",
        {"cluster.firewallRules": {"my office": "198.51.100.7"}},
        'cmkpg:cluster.firewallRules.my office: "my office" is not a valid rule name',
    ),
    BadConfig(
        "firewall-not-a-map",
        {"cluster.firewallRules": ["198.51.100.7"]},
        "cmkpg:cluster.firewallRules: [198.51.100.7] is not a map",
        cli=_cli_type("cluster.firewallRules", "object"),
    ),
    # -- existing resources (brownfield) -----------------------------------------------------
    BadConfig(
        "identity-existing-not-an-id",
        {"identity.existingId": "db-identity"},
        "cmkpg:identity.existingId: db-identity is not a resource id",
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
        "cmkpg:identity.name: id-db is set together with cmkpg:identity.existingId",
    ),
    BadConfig(
        "vault-existing-not-an-id",
        {"vault.existingId": "sec-kv"},
        "cmkpg:vault.existingId: sec-kv is not a resource id",
    ),
    BadConfig(
        "vault-existing-with-sku",
        {"vault.existingId": VAULT_ID, "vault.sku": "premium"},
        "cmkpg:vault.sku: premium is set, but it applies to a vault this stack creates",
    ),
    BadConfig(
        "access-policy-off-for-new-vault",
        {"vault.manageAccessPolicy": False},
        "cmkpg:vault.manageAccessPolicy: false needs cmkpg:vault.existingId",
    ),
    BadConfig(
        "key-existing-not-an-id",
        {"key.existingId": "db-key"},
        "cmkpg:key.existingId: db-key is not a resource id",
    ),
    BadConfig(
        "key-existing-uri-without-version",
        {"key.existingId": "https://sec-kv.vault.azure.net/keys/db-key"},
        "has no key version; use a versioned key URI",
    ),
    BadConfig(
        "key-existing-uri-without-vault",
        {"key.existingId": KEY_URI},
        f"cmkpg:key.existingId: {KEY_URI} is a key URI, which does not name the vault's "
        "resource group; set cmkpg:vault.existingId to its vault",
    ),
    BadConfig(
        "key-existing-uri-in-other-vault",
        {"key.existingId": KEY_URI.replace("sec-kv", "other-kv"), "vault.existingId": VAULT_ID},
        "is in vault other-kv, not in the vault of cmkpg:vault.existingId",
    ),
    BadConfig(
        "key-existing-id-in-other-vault",
        {"key.existingId": KEY_ID.replace("sec-kv", "other-kv"), "vault.existingId": VAULT_ID},
        "is in another vault than cmkpg:vault.existingId",
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
        "cmkpg:key.rotation.autoRotateAfterDays: 3 is out of range; use 7..3650, or 0 for none",
    ),
    BadConfig(
        "rotation-expiry-without-rotation",
        {"key.rotation.autoRotateAfterDays": 0},
        "cmkpg:key.rotation.expiresAfterDays: 365 is set without "
        "cmkpg:key.rotation.autoRotateAfterDays",
    ),
    BadConfig(
        "rotation-too-close-to-expiry",
        {"key.rotation.autoRotateAfterDays": 80, "key.rotation.expiresAfterDays": 90},
        "a version must stay valid at least 36 days after it is rotated",
    ),
    BadConfig(
        "rotation-notify-without-expiry",
        {"key.rotation.expiresAfterDays": 0},
        "cmkpg:key.rotation.notifyBeforeExpiryDays: 30 needs cmkpg:key.rotation.expiresAfterDays",
    ),
    BadConfig(
        "rotation-not-an-integer",
        {"key.rotation.autoRotateAfterDays": "quarterly"},
        "cmkpg:key.rotation.autoRotateAfterDays: quarterly is not an integer",
        cli=_cli_type("key.rotation.autoRotateAfterDays", "integer"),
    ),
    # -- keys that do not exist, do not apply, or use the old flat form ---------------------
    BadConfig(
        "unknown-field-typo",
        {"vault.skuu": "premium"},
        "cmkpg:vault.skuu: is not a setting of cmkpg:vault; did you mean sku?",
    ),
    BadConfig(
        "unknown-top-level-key",
        {"protection": True},
        "cmkpg:protection: is not a known key; did you mean protect?",
    ),
    BadConfig(
        "object-given-a-scalar",
        {"cmkpg:vault": "premium"},
        "cmkpg:vault: premium is not an object of settings",
        # The CLI replaces a scalar root by the object of declared defaults, so only a
        # program run without the CLI sees this.
        cli="",
    ),
    BadConfig(
        "flat-key-of-the-old-format",
        {"cmkpg:key.size": 4096},
        "cmkpg:key.size: is a flat key, which the Pulumi CLI does not read as key.size",
    ),
    BadConfig(
        "secret-inside-an-object",
        {"monitoring.emails": [{"secure": "dba-oncall@example.com"}]},
        "cmkpg:monitoring: holds a secret value, which makes the whole object secret",
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
        {**RESTORE, "restore.sourceClusterId": "cmkpg-prod"},
        "cmkpg:restore.sourceClusterId: cmkpg-prod is not a resource id",
    ),
    BadConfig(
        "restore-source-wrong-type",
        {**RESTORE, "restore.sourceClusterId": VAULT_ID},
        "is a Microsoft.KeyVault/vaults id; use a Microsoft.DBforPostgreSQL/serverGroupsv2 id",
    ),
    BadConfig(
        "restore-without-point-in-time",
        {"restore.sourceClusterId": SOURCE_ID},
        "cmkpg:restore.pointInTimeUtc: is required with cmkpg:restore.sourceClusterId",
    ),
    BadConfig(
        "restore-point-in-the-future",
        {**RESTORE, "restore.pointInTimeUtc": "2099-01-01T00:00:00Z"},
        'cmkpg:restore.pointInTimeUtc: "2099-01-01T00:00:00Z" is in the future',
    ),
    BadConfig(
        "restore-point-not-utc",
        {**RESTORE, "restore.pointInTimeUtc": "2026-11-27T00:00:00"},
        'cmkpg:restore.pointInTimeUtc: "2026-11-27T00:00:00" is not in UTC',
    ),
    BadConfig(
        "restore-point-older-than-retention",
        {**RESTORE, "restore.pointInTimeUtc": "2026-01-01T00:00:00Z"},
        'cmkpg:restore.pointInTimeUtc: "2026-01-01T00:00:00Z" is older than the 35-day backup '
        "retention",
        at_runtime=True,
    ),
    BadConfig(
        "restore-point-without-source",
        {"restore.pointInTimeUtc": "2026-11-27T00:00:00Z"},
        'cmkpg:restore.pointInTimeUtc: "2026-11-27T00:00:00Z" is set without '
        "cmkpg:restore.sourceClusterId",
    ),
    BadConfig(
        "restore-into-another-resource-group",
        {**RESTORE, "resourceGroupName": "rg-cmkpg-prod-cmk"},
        "cmkpg:resourceGroupName: rg-cmkpg-prod-cmk is not the restore source's resource group "
        "'rg-cmkpg-prod': Azure restores a cluster into the resource group of the original",
    ),
    BadConfig(
        "restore-into-the-default-resource-group",
        {k: v for k, v in RESTORE.items() if k != "resourceGroupName"},
        "cmkpg:resourceGroupName: rg-cmkpg-dev is not the restore source's resource group",
    ),
    BadConfig(
        "restore-source-location-display-name",
        {**RESTORE, "restore.sourceLocation": "West Europe"},
        'cmkpg:restore.sourceLocation: "West Europe" is a display name',
    ),
    BadConfig(
        "restore-and-replica",
        {**RESTORE, "replica.sourceClusterId": SOURCE_ID},
        f"cmkpg:replica.sourceClusterId: {SOURCE_ID} is set together with "
        "cmkpg:restore.sourceClusterId",
    ),
    BadConfig(
        "restore-with-sizing",
        {**RESTORE, "cluster.coordinatorVCores": 8},
        "cmkpg:cluster.coordinatorVCores: 8 is set, but a restore or replica copies it from its "
        "source cluster; remove it",
    ),
    BadConfig(
        "replica-with-password",
        {"replica.sourceClusterId": SOURCE_ID, "clusterAdminPassword": "Str0ng-Pass"},
        "cmkpg:clusterAdminPassword: [secret] is set, but a restore or replica copies it",
        secret_keys=("clusterAdminPassword",),
    ),
    BadConfig(
        "replica-location-without-source",
        {"replica.sourceLocation": "eastus"},
        "cmkpg:replica.sourceLocation: eastus is set without cmkpg:replica.sourceClusterId",
    ),
    BadConfig(
        "replica-of-this-stacks-own-cluster",
        {"replica.sourceClusterId": OWN_CLUSTER_ID},
        f"cmkpg:replica.sourceClusterId: {OWN_CLUSTER_ID} is this stack's own cluster",
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
        "cmkpg:monitoring.emails: dba-oncall@ is not a valid e-mail address",
    ),
    BadConfig(
        "monitoring-email-repeated",
        {"monitoring.emails": ["a@example.com", "A@example.com"]},
        "cmkpg:monitoring.emails: a@example.com is listed more than once",
    ),
    BadConfig(
        "monitoring-webhook-in-plain-text",
        {"alertWebhooks": ["https://alerts.example.com/hook?token=abc"]},
        "cmkpg:alertWebhooks: is set in plain text; set it with "
        "`pulumi config set --secret --path 'alertWebhooks[0]' <url>`",
    ),
    BadConfig(
        "monitoring-webhook-not-https",
        {"alertWebhooks": ["http://alerts.example.com/hook?token=abc"]},
        "cmkpg:alertWebhooks: 'http://alerts.example.com/…' is not an https URL",
        secret_keys=("alertWebhooks",),
    ),
    BadConfig(
        "monitoring-workspace-not-an-id",
        {"monitoring.logAnalyticsWorkspaceId": "my-workspace"},
        "cmkpg:monitoring.logAnalyticsWorkspaceId: my-workspace is not a resource id",
    ),
    BadConfig(
        "monitoring-retention-too-long",
        {"monitoring.logRetentionDays": 1000},
        "cmkpg:monitoring.logRetentionDays: 1000 is out of range; use 30..730",
    ),
    BadConfig(
        "monitoring-settings-while-off",
        {"monitoring.enabled": False},
        "cmkpg:monitoring.emails: [dba-oncall@example.com] is set, but it configures "
        "monitoring, which cmkpg:monitoring.enabled turns off",
    ),
    BadConfig(
        "monitoring-with-service-managed",
        {"encryption": "serviceManaged"},
        "cmkpg:monitoring.emails: [dba-oncall@example.com] is set, but encryption is "
        "serviceManaged",
    ),
    # -- the service, and elastic clusters ---------------------------------------------------
    BadConfig(
        "service-unknown",
        {"service": "flexibleServer"},
        "cmkpg:service: flexibleServer is not allowed; use cosmosPostgres or elasticCluster",
    ),
    BadConfig(
        "elastic-settings-on-cosmos",
        {"elastic.nodeCount": 4},
        "cmkpg:elastic.nodeCount: 4 is set, but it applies to elasticCluster clusters, and "
        "cmkpg:service is cosmosPostgres; remove it",
    ),
    BadConfig(
        "rbac-on-cosmos",
        {"vault.permissionModel": "rbac"},
        "cmkpg:vault.permissionModel: rbac is rbac, but Cosmos DB for PostgreSQL is granted its "
        "key through an access policy",
    ),
    BadConfig(
        "permission-model-unknown",
        {"service": "elasticCluster", "vault.permissionModel": "roles"},
        "cmkpg:vault.permissionModel: roles is not allowed; use accessPolicy or rbac",
    ),
    BadConfig(
        "cosmos-sizing-on-elastic",
        {"service": "elasticCluster", "cluster.coordinatorVCores": 8},
        "cmkpg:cluster.coordinatorVCores: 8 is set, but it applies to cosmosPostgres clusters, "
        "and cmkpg:service is elasticCluster; remove it (elastic.* sizes an elastic cluster)",
    ),
    BadConfig(
        "elastic-too-few-nodes",
        {"service": "elasticCluster", "elastic.nodeCount": 1},
        "cmkpg:elastic.nodeCount: 1 is out of range; use 2..20",
    ),
    BadConfig(
        "elastic-compute-size-malformed",
        {"service": "elasticCluster", "elastic.computeSize": "D4ds_v5"},
        "cmkpg:elastic.computeSize: D4ds_v5 is not valid; use a compute size such as "
        "Standard_D4ds_v5",
    ),
    BadConfig(
        "elastic-compute-tier-unknown",
        {"service": "elasticCluster", "elastic.computeTier": "Premium"},
        "cmkpg:elastic.computeTier: Premium is not allowed; use Burstable, GeneralPurpose or "
        "MemoryOptimized",
    ),
    BadConfig(
        "elastic-storage-not-a-disk-size",
        {"service": "elasticCluster", "elastic.storageGb": 100},
        "cmkpg:elastic.storageGb: 100 is not allowed; use 32, 64, 128",
    ),
    BadConfig(
        "elastic-ha-on-burstable",
        {
            "service": "elasticCluster",
            "elastic.computeSize": "Standard_B2s",
            "elastic.computeTier": "Burstable",
            "elastic.highAvailability": "ZoneRedundant",
        },
        "cmkpg:elastic.highAvailability: ZoneRedundant is not available on Burstable compute",
    ),
    BadConfig(
        "elastic-reserved-login",
        {"service": "elasticCluster", "elastic.administratorLogin": "admin"},
        "cmkpg:elastic.administratorLogin: admin is reserved by the service",
    ),
    BadConfig(
        "elastic-backup-retention-too-long",
        {"service": "elasticCluster", "elastic.backupRetentionDays": 60},
        "cmkpg:elastic.backupRetentionDays: 60 is out of range; use 7..35",
    ),
    BadConfig(
        "elastic-geo-backup-without-a-paired-region",
        {
            "service": "elasticCluster",
            "location": "polandcentral",
            "elastic.geoRedundantBackup": True,
        },
        "cmkpg:elastic.geoRedundantBackup: true is not available: polandcentral has no paired "
        "region to hold the backups",
    ),
    BadConfig(
        "elastic-geo-backup-elsewhere",
        {
            "service": "elasticCluster",
            "elastic.geoRedundantBackup": True,
            "elastic.geoBackupLocation": "francecentral",
        },
        "cmkpg:elastic.geoBackupLocation: francecentral is not westeurope's paired region "
        "northeurope",
    ),
    BadConfig(
        "elastic-geo-location-without-geo-backup",
        {"service": "elasticCluster", "elastic.geoBackupLocation": "northeurope"},
        "cmkpg:elastic.geoBackupLocation: northeurope is set, but "
        "cmkpg:elastic.geoRedundantBackup is off; remove it",
    ),
    BadConfig(
        "elastic-restore-unsupported",
        {"service": "elasticCluster", **RESTORE},
        "cmkpg:restore.sourceClusterId: /subscriptions/",
    ),
    BadConfig(
        "elastic-existing-key-unsupported",
        {"service": "elasticCluster", "key.existingId": KEY_ID},
        "is not supported for elasticCluster stacks in this release; remove it",
    ),
]
