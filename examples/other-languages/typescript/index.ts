// A TypeScript program using the cmkpg component package. After
//   pulumi package add https://github.com/your-org/cmkpg.git/package@v0.2.0
// the generated SDK sits in sdks/your-org-cmkpg and is linked as "@your-org/cmkpg" (the
// namespace is the repository's owner, lower-cased). tests/test_package.py checks the
// component names and property names below against the package's schema.
import * as cmkpg from "@your-org/cmkpg";

const location = "westeurope";
const resourceGroupName = "rg-orders";

const identity = new cmkpg.CmkIdentity("orders", { location, resourceGroupName });
const vault = new cmkpg.CmkVault("orders", {
    location,
    resourceGroupName,
    granteePrincipalId: identity.principalId,
    granteeId: identity.identityId,
});
const key = new cmkpg.CmkKey("orders", {
    // The vault's outputs: the key waits for the vault and its access policy.
    vault: { name: vault.name, resourceGroupName: vault.resourceGroupName },
    size: 4096,
});
const cluster = new cmkpg.EncryptedCosmosPgCluster("orders", {
    resourceGroupName,
    location,
    clusterName: "orders-db",
    customerManagedKey: {
        keyVersionedUri: key.versionedUri,
        keyId: key.keyId,
        identityId: identity.identityId,
    },
    firewallRules: { "app": "203.0.113.0/26" },
});
new cmkpg.CmkMonitoring("orders", {
    resourceGroupName,
    location,
    clusterId: cluster.clusterId,
    key: { vaultId: vault.vaultId, keyName: key.name, identityPrincipalId: identity.principalId },
    emails: ["dba-oncall@example.com"],
});

export const connectionString = cluster.connectionString; // a secret
