"""Updates of a deployed stack: the step of every resource for each kind of change, and what
the guard and the engine refuse.

The deployed state is what ``pulumi up`` of a first-deployment plan saves
(:func:`cmkpg.preview.update.deployment_of`); the update runs the real program against it
(``cmkpg-preview --from``), so outputs are unknown exactly where a real preview has them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from conftest import (
    ACCESS_POLICY,
    CLUSTER,
    CMK,
    IDENTITY,
    KEY,
    PASSWORD,
    RESOURCE_GROUP,
    SMK,
    VAULT,
    run_components,
    run_stack,
)

from cmkpg import (
    CustomerManagedKey,
    EncryptedCosmosPgCluster,
    EncryptedCosmosPgClusterArgs,
)
from cmkpg.guard import ChangeRefused
from cmkpg.preview import engine, update, wire
from cmkpg.preview.azure_mocks import AzureMocks
from cmkpg.preview.cli import innermost

ACTION_GROUP = "azure-native:monitor:ActionGroup"
WORKSPACE = "azure-native:operationalinsights:Workspace"
TOPIC = "azure-native:eventgrid:SystemTopic"
ACTIVITY_ALERT = "azure-native:monitor:ActivityLogAlert"
QUERY_ALERT = "azure-native:monitor:ScheduledQueryRule"
DIAGNOSTIC = "azure-native:monitor:DiagnosticSetting"
EXPIRY = "azure-native:eventgrid:SystemTopicEventSubscription"
LOCK = "azure-native:authorization:ManagementLockByScope"
MONITORING = "cmkpg:index:CmkMonitoring"
# What holds the data or the way to it: never replaced or deleted by an ordinary change.
KEEP = (CLUSTER, VAULT, KEY, IDENTITY, ACCESS_POLICY)
RUNBOOK = "Move an existing cluster to customer-managed keys (and back)"


def merged(base: Mapping[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``change`` applied as `pulumi config set --path` would (objects merge;
    a None value removes the key)."""
    out = copy.deepcopy(dict(base))
    for key, value in change.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@pytest.fixture(scope="module")
def deployed() -> engine.Plan:
    """The default customer-managed stack, as its first `pulumi up` created it."""
    return run_stack(CMK)


def steps(plan: engine.Plan) -> dict[tuple[str, str], str]:
    """(type, logical name) -> step, for every custom resource planned or deleted."""
    return {(r.type, r.name): r.op for r in (*plan.resources, *plan.deletes) if r.custom}


@dataclass(frozen=True)
class Scenario:
    id: str
    change: dict[str, Any]
    changed: dict[tuple[str, str], str] = field(default_factory=dict)
    """Resources whose step is not ``same`` (reads stay ``read``)."""
    secret_keys: tuple[str, ...] = ()
    warning: str | None = None


TAGGED = {
    (RESOURCE_GROUP, "cmkpg-rg"),
    (IDENTITY, "cmkpg-identity"),
    (VAULT, "cmkpg-vault"),
    (CLUSTER, "cmkpg-cluster"),
    (ACTION_GROUP, "cmkpg-actions"),
    (WORKSPACE, "cmkpg-logs"),
    (TOPIC, "cmkpg-vault-events"),
    (ACTIVITY_ALERT, "cmkpg-health"),
    (ACTIVITY_ALERT, "cmkpg-vault-changes"),
    (QUERY_ALERT, "cmkpg-key-access"),
    (QUERY_ALERT, "cmkpg-key-lifecycle"),
}
MONITORED = {
    (ACTION_GROUP, "cmkpg-actions"),
    (WORKSPACE, "cmkpg-logs"),
    (TOPIC, "cmkpg-vault-events"),
    (EXPIRY, "cmkpg-key-expiry"),
    (ACTIVITY_ALERT, "cmkpg-health"),
    (ACTIVITY_ALERT, "cmkpg-vault-changes"),
    (QUERY_ALERT, "cmkpg-key-access"),
    (QUERY_ALERT, "cmkpg-key-lifecycle"),
    (DIAGNOSTIC, "cmkpg-vault-audit"),
    (DIAGNOSTIC, "cmkpg-cluster-logs"),
}

SCENARIOS = [
    # The key ignores tags (ARM never updates a key); everything else taggable updates.
    Scenario("tags", {"tags": {"cost-center": "42"}}, dict.fromkeys(TAGGED, "update")),
    # The rotation policy cannot reach an existing key through ARM: nothing changes, and the
    # preview says how to apply it.
    Scenario(
        "key rotation",
        {"key": {"rotation": {"autoRotateAfterDays": 180, "expiresAfterDays": 400}}},
        warning="az keyvault key rotation-policy update --vault-name cmkpg-vault",
    ),
    Scenario(
        "alert e-mails",
        {"monitoring": {"emails": ["dba-oncall@example.com", "sre@example.com"]}},
        {(ACTION_GROUP, "cmkpg-actions"): "update"},
    ),
    Scenario("node count", {"cluster": {"nodeCount": 2}}, {(CLUSTER, "cmkpg-cluster"): "update"}),
    Scenario(
        "coordinator vCores",
        {"cluster": {"coordinatorVCores": 8}},
        {(CLUSTER, "cmkpg-cluster"): "update"},
    ),
    Scenario(
        "high availability", {"cluster": {"enableHa": True}}, {(CLUSTER, "cmkpg-cluster"): "update"}
    ),
    # A given password replaces the generated one: the cluster is updated, the generator goes.
    Scenario(
        "admin password",
        {"clusterAdminPassword": "N3w-Admin-Passw0rd"},
        {(CLUSTER, "cmkpg-cluster"): "update", (PASSWORD, "cmkpg-admin-password"): "delete"},
        secret_keys=("clusterAdminPassword",),
    ),
    Scenario("vault sku", {"vault": {"sku": "premium"}}, {(VAULT, "cmkpg-vault"): "update"}),
    Scenario(
        "locks",
        {"lock": True},
        {(LOCK, "cmkpg-vault-lock"): "create", (LOCK, "cmkpg-cluster-lock"): "create"},
    ),
    Scenario(
        "monitoring off",
        {"monitoring": {"enabled": False, "emails": None}},
        dict.fromkeys(MONITORED, "delete"),
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_each_change_plans_these_steps_and_nothing_else(deployed, scenario: Scenario):
    plan = run_stack(
        merged(CMK, scenario.change), secret_keys=scenario.secret_keys, deployed=deployed
    )
    expected = dict.fromkeys(steps(plan), "same")
    expected[("pulumi:pulumi:StackReference", "previous-deployment")] = "read"
    expected.update(scenario.changed)
    assert steps(plan) == expected
    assert plan.refusals == []
    assert not [
        r
        for r in (*plan.resources, *plan.deletes)
        if r.type in KEEP and r.op in ("replace", "delete")
    ]
    warnings = [m for severity, m in plan.messages if severity == "warning"]
    if scenario.warning:
        assert any(scenario.warning in m for m in warnings), warnings


REFUSED = [
    ("encryption mode", {"encryption": "serviceManaged", "monitoring": None}, "encryption from"),
    ("key size", {"key": {"size": 4096}}, "cmkpg:key.size from 3072 to 4096"),
    (
        "key type",
        {"key": {"type": "RSA-HSM"}, "vault": {"sku": "premium"}},
        "cmkpg:key.type from 'RSA' to 'RSA-HSM'",
    ),
    ("key name", {"key": {"name": "cmkpg-key-2"}}, "key from 'cmkpg-key' to 'cmkpg-key-2'"),
    ("identity name", {"identity": {"name": "id-cmkpg-other"}}, "cmkpg:identity.name from"),
    ("vault name", {"vault": {"name": "kv-cmkpg-other"}}, "vault from 'cmkpg-vault"),
]


@pytest.mark.parametrize("protect", [True, False], ids=["protected", "unprotected"])
@pytest.mark.parametrize(("what", "change", "detail"), REFUSED, ids=[r[0] for r in REFUSED])
def test_an_encryption_key_or_identity_change_is_refused_before_anything_is_planned(
    deployed, what, change, detail, protect
):
    before = deployed if protect else run_stack(merged(CMK, {"protect": False}))
    monitor = engine.RecordingMonitor(AzureMocks(deployment=update.deployment_of(before)))
    with pytest.raises(Exception) as error:
        run_stack(
            merged(CMK, {**change, "protect": protect}),
            deployed=before,
            mocks=monitor.mocks,
            monitor=monitor,
        )
    cause = innermost(error.value)
    assert isinstance(cause, ChangeRefused), cause
    assert "exists and its encryption cannot change in place" in str(cause)
    assert detail in str(cause) and RUNBOOK in str(cause)
    # Refused before any Azure resource was registered (only the reads that decide it).
    assert [r.type for r in monitor.registrations.values() if r.custom and not r.read] == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cluster": {"name": "cmkpg-dev-2"}}, "the deployed cluster cmkpg-dev (resource group"),
        ({"resourceGroupName": "rg-other"}, "would be deleted with its data"),
        ({"location": "northeurope"}, "is in westeurope and the configuration says northeurope"),
    ],
    ids=["cluster name", "resource group", "region"],
)
def test_what_would_delete_the_deployed_cluster_is_refused(deployed, change, message):
    with pytest.raises(Exception) as error:
        run_stack(merged(CMK, change), deployed=deployed)
    cause = innermost(error.value)
    assert isinstance(cause, ChangeRefused) and message in str(cause)


def test_a_tags_change_updates_the_cluster_in_place_and_keeps_its_trigger_known(deployed):
    plan = run_stack(merged(CMK, {"tags": {"cost-center": "42"}}), deployed=deployed)
    cluster = plan.one(CLUSTER)
    assert cluster.op == "update" and cluster.step.diff == ["tags"]
    assert cluster.replacement_trigger == deployed.one(CLUSTER).replacement_trigger
    # The updated identity's principal id is unknown in the preview, yet the grant stays.
    assert plan.one(IDENTITY).outputs["principalId"] == wire.UNKNOWN
    assert plan.one(ACCESS_POLICY).op == "same"


def test_an_unchanged_redeployment_is_all_same(deployed):
    plan = run_stack(CMK, deployed=deployed)
    assert set(steps(plan).values()) == {"same", "read"}
    assert plan.outputs == deployed.outputs


def test_a_rotated_key_version_changes_nothing(deployed):
    """After `pulumi up --refresh` the key reports its new version; the cluster's versioned
    URI input is ignored, and the trigger holds the key's id, not the version."""
    deployment = update.deployment_of(deployed)
    key = next(r for r in deployment.resources.values() if r.type == KEY)
    rotated = key.outputs["keyUriWithVersion"].rsplit("/", 1)[0] + "/" + "f" * 32
    key.outputs["keyUriWithVersion"] = rotated
    plan = run_stack(CMK, deployed=deployment)
    assert plan.one(CLUSTER).op == "same" and plan.one(KEY).op == "same"
    assert plan.outputs["keyVersionedUri"] == rotated


def test_the_guard_reads_the_cluster_when_the_first_up_saved_no_outputs(deployed):
    """A first `pulumi up` that created the cluster but failed before the stack outputs were
    written: the guard reads the cluster itself and still refuses."""
    deployment = update.deployment_of(deployed)
    deployment.outputs = {}
    with pytest.raises(Exception) as error:
        run_stack(
            merged(CMK, {"encryption": "serviceManaged", "monitoring": None}), deployed=deployment
        )
    cause = innermost(error.value)
    assert isinstance(cause, ChangeRefused)
    assert "encryption from 'customerManaged' to 'serviceManaged'" in str(cause)


def test_without_outputs_or_cluster_the_stack_is_new(deployed):
    deployment = update.deployment_of(deployed)
    deployment.outputs = {}
    deployment.resources = {urn: r for urn, r in deployment.resources.items() if r.type != CLUSTER}
    plan = run_stack(SMK, deployed=deployment)
    assert plan.one(CLUSTER).op == "create"


def test_a_failed_cluster_read_other_than_not_found_stops_the_run(deployed):
    class Forbidden(AzureMocks):
        def call(self, args):
            if args.token.endswith(":getServerGroupCluster"):
                return {}, [("", "RESPONSE 403: 403 Forbidden\nERROR CODE: AuthorizationFailed")]
            return super().call(args)

    with pytest.raises(Exception, match="AuthorizationFailed"):
        run_stack(CMK, mocks=Forbidden())


def test_the_engine_refuses_to_replace_a_protected_cluster_whose_key_changed():
    """Below the stack, the component itself: a different key is a replacement (trigger),
    and protection makes the engine refuse it with its own words."""

    def cluster(key_name: str):
        def build() -> None:
            identity = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id"  # noqa: E501
            EncryptedCosmosPgCluster(
                "pg",
                EncryptedCosmosPgClusterArgs(
                    resource_group_name="rg",
                    location="westeurope",
                    cluster_name="pg-test",
                    customer_managed_key=CustomerManagedKey(
                        identity_id=identity,
                        key_id=f"https://kv.vault.azure.net/keys/{key_name}",
                        key_versioned_uri=f"https://kv.vault.azure.net/keys/{key_name}/{'a' * 32}",
                    ),
                    firewall_rules={"office": "203.0.113.0/24"},
                ),
            )

        return build

    before = run_components(cluster("key-1"))
    after = run_components(cluster("key-2"), deployed=before)
    step = after.one(CLUSTER).step
    assert step.op == "replace" and step.reason == "replacementTrigger changed"
    urn = after.one(CLUSTER).urn
    assert after.refusals == [
        f'unable to replace resource "{urn}"\nas it is currently marked for protection. To '
        "unprotect the resource, remove the `protect` flag from the resource in your Pulumi "
        "program and run `pulumi up`"
    ]


# -- restores and replicas: no update ever re-sends the restore request ------------------------

PROD = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cmkpg-prod/providers/"
    "Microsoft.DBforPostgreSQL/serverGroupsv2/cmkpg-prod"
)
RESTORE = {
    "resourceGroupName": "rg-cmkpg-prod",
    "restore": {"sourceClusterId": PROD, "pointInTimeUtc": "2026-11-28T06:00:00Z"},
}


def test_a_restored_cluster_is_never_updated_in_place(monkeypatch):
    config = merged(CMK, RESTORE)
    before = run_stack(config, stack="prod-cmk")
    monkeypatch.setenv("CMKPG_NOW", "2027-03-01T00:00:00Z")  # the point left the window
    after = run_stack(
        merged(config, {"tags": {"cost-center": "42"}}), stack="prod-cmk", deployed=before
    )
    cluster = after.one(CLUSTER)
    assert cluster.op == "same" and cluster.ignore_changes[-1] == "tags"
    assert after.one(VAULT).op == "update"  # what is not a restore takes the new tags
    # ... while a stack that has not restored yet is told the point is too old.
    with pytest.raises(Exception) as error:
        run_stack(config, stack="prod-cmk")
    assert "older than the 35-day backup retention" in str(innermost(error.value))


def test_an_update_sends_the_whole_body_again(deployed):
    """azure-native updates with a full PUT of every input (provider.go defaultUpdate), so
    the body of a one-field change carries everything, the encryption included."""
    from cmkpg.preview.arm_body import request_body

    plan = run_stack(merged(CMK, {"cluster": {"enableHa": True}}), deployed=deployed)
    cluster = plan.one(CLUSTER)
    body = request_body(cluster.type, cluster.inputs)
    assert body["properties"]["enableHa"] is True
    assert body["properties"]["dataEncryption"]["type"] == "AzureKeyVault"
    assert body["properties"]["administratorLoginPassword"] == "[secret]"
    assert set(body) == {"location", "identity", "properties"}


# -- pulumi destroy ----------------------------------------------------------------------------


def test_destroying_an_unprotected_stack_completes_and_keeps_the_key_and_its_grant():
    """`pulumi destroy` of a throwaway stack: nothing is protected, so nothing stops it. The
    key and the access policy are retained: azure-native deletes a key through the Key Vault
    data plane with the deployer's token, which an access-policy vault does not grant (a 403
    after the cluster is gone), and the policy's delete would revoke the identity's rights."""
    from cmkpg.preview.cli import plan_destroy

    deployed = run_stack(merged(CMK, {"protect": False}))
    plan = plan_destroy(update.deployment_of(deployed))
    assert plan.refusals == []
    custom = [r for r in plan.deletes if r.custom]
    assert {r.op for r in custom} == {"delete", "discard"}
    assert [r.type for r in custom if r.op == "discard"] == ["pulumi:pulumi:StackReference"]
    retained = {r.type for r in custom if r.retain_on_delete}
    assert retained == {KEY, ACCESS_POLICY}
    # Everything else is deleted in Azure; the vault goes into soft delete with the key in it.
    deleted = {r.type for r in custom if r.op == "delete" and not r.retain_on_delete}
    assert {CLUSTER, VAULT, IDENTITY, RESOURCE_GROUP, PASSWORD} <= deleted


def test_destroying_a_protected_stack_is_refused_for_each_protected_resource(deployed):
    from cmkpg.preview.cli import plan_destroy

    plan = plan_destroy(update.deployment_of(deployed))
    refused = sorted(r.type for r in plan.deletes if r.step.refusal)
    assert refused == sorted([RESOURCE_GROUP, IDENTITY, VAULT, KEY, CLUSTER])
    assert all("cannot be deleted\nbecause it is protected" in m for m in plan.refusals)
