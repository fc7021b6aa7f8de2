"""CmkMonitoring: every way of losing the key raises an alert, routed to one action group."""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from types import SimpleNamespace

import pulumi
import pytest
from conftest import (
    CLUSTER,
    IDENTITY,
    KEY,
    LOCATION,
    NOW,
    SUB,
    VAULT,
    arm_id,
    child_of,
    run_components,
)

from cmkpg import (
    CmkMonitoring,
    CmkMonitoringArgs,
    CmkOptions,
    EncryptedCosmosPgCluster,
    EncryptedCosmosPgClusterArgs,
    KeyOptions,
    MonitoredKey,
    MonitoringOptions,
    Problem,
    ValidationError,
    VaultOptions,
    create_customer_managed_key,
)
from cmkpg.monitoring import (
    EMAIL,
    KEY_ACCESS_OPERATIONS,
    KEY_EXPIRY_EVENTS,
    KEY_LIFECYCLE_OPERATIONS,
    PRINCIPAL_ID,
    RETENTION_DAYS,
    SHORT_NAME_MAX,
    UNHEALTHY_STATES,
    VAULT_OPERATIONS,
    WEBHOOK,
    action_group_short_name,
    duplicates,
    existing_workspace_id,
    key_access_failure_query,
    key_lifecycle_query,
    redact_webhook,
)
from cmkpg.preview import engine
from cmkpg.preview.azure_mocks import AzureMocks, placeholder_guid

ACTION_GROUP = "azure-native:monitor:ActionGroup"
ACTIVITY_LOG_ALERT = "azure-native:monitor:ActivityLogAlert"
SCHEDULED_QUERY_RULE = "azure-native:monitor:ScheduledQueryRule"
DIAGNOSTIC_SETTING = "azure-native:monitor:DiagnosticSetting"
WORKSPACE = "azure-native:operationalinsights:Workspace"
SYSTEM_TOPIC = "azure-native:eventgrid:SystemTopic"
EVENT_SUBSCRIPTION = "azure-native:eventgrid:SystemTopicEventSubscription"
COMPONENT = "cmkpg:index:CmkMonitoring"
# Neither diagnostic settings nor event subscriptions take tags.
UNTAGGED = {DIAGNOSTIC_SETTING, EVENT_SUBSCRIPTION}

CLUSTER_ID = arm_id("rg", "Microsoft.DBforPostgreSQL/serverGroupsv2/cmkpg-test")
VAULT_ID = arm_id("sec-rg", "Microsoft.KeyVault/vaults/sec-kv")
KEY_NAME = "cmkpg-key"
PRINCIPAL = "00000000-0000-0000-0000-0000000000aa"
EXISTING_WORKSPACE = arm_id("ops-rg", "Microsoft.OperationalInsights/workspaces/central-logs")
WEBHOOK_URL = "https://hooks.example.com/services/T000/B000/s3cr3t-token"
TOKEN = "s3cr3t"
EXAMPLE_HOOK = "use an https URL such as https://alerts.example.com/hook"
WORKSPACE_EXAMPLE = arm_id("rg", "Microsoft.OperationalInsights/workspaces/my-workspace")

# Stack output name -> component attribute.
OUTPUTS = {
    "actionGroupId": "action_group_id",
    "resourceHealthAlertId": "resource_health_alert_id",
    "vaultAlertId": "vault_alert_id",
    "keyAlertId": "key_alert_id",
    "keyAccessFailureAlertId": "key_access_failure_alert_id",
    "keyExpiryAlertId": "key_expiry_alert_id",
    "workspaceId": "log_analytics_workspace_id",
}


@dataclass(frozen=True)
class ClusterStub:
    """The one thing CmkMonitoring needs of a cluster (ClusterLike)."""

    cluster_id: pulumi.Input[str]


def watched(**overrides) -> MonitoredKey:
    values = {"vault_id": VAULT_ID, "key_name": KEY_NAME, "identity_principal_id": PRINCIPAL}
    return MonitoredKey(**{**values, **overrides})


def args(**overrides) -> CmkMonitoringArgs:
    values = {
        "resource_group_name": "rg",
        "location": LOCATION,
        "cluster": ClusterStub(CLUSTER_ID),
        "key": watched(),
        "emails": ("dba@example.com",),
    }
    values.update(overrides)
    return CmkMonitoringArgs(**values)


def exported(monitoring: CmkMonitoring) -> dict[str, pulumi.Output[str]]:
    return {output: getattr(monitoring, attribute) for output, attribute in OUTPUTS.items()}


def plan_monitoring(name="db", opts=None, **overrides):
    return run_components(lambda: exported(CmkMonitoring(name, args(**overrides), opts)))


def one_named(plan, resource_type, logical_name):
    (found,) = [r for r in plan.by_type(resource_type) if r.name == logical_name]
    return found


def condition(rule):
    (only,) = rule.inputs["criteria"]["allOf"]
    return only


@pytest.fixture(scope="module")
def plan():
    """A key in a vault owned elsewhere: no expiry events."""
    return plan_monitoring(
        emails=("dba@example.com", "oncall@example.com"), webhooks=(WEBHOOK_URL,)
    )


@pytest.fixture(scope="module")
def expiry_plan():
    """A key whose vault this program owns: expiry events routed, everything tagged."""
    return plan_monitoring(key=watched(expiry_events=True), tags={"team": "data"})


def build_chain(vault: VaultOptions | None = None):
    """Identity, vault, key, cluster and monitoring, as the stack wires them."""
    cmk = create_customer_managed_key(
        "db",
        LOCATION,
        "rg",
        CmkOptions(vault=vault or VaultOptions(), key=KeyOptions(name=KEY_NAME, now=NOW)),
    )
    cluster = EncryptedCosmosPgCluster(
        "db",
        EncryptedCosmosPgClusterArgs(
            resource_group_name="rg",
            location=LOCATION,
            cluster_name="db-cluster",
            customer_managed_key=cmk.customer_managed_key,
            now=NOW,
        ),
    )
    monitoring = CmkMonitoring(
        "mon",
        CmkMonitoringArgs(
            resource_group_name="rg",
            location=LOCATION,
            cluster=cluster,
            key=cmk,
            emails=("dba@example.com",),
        ),
    )
    return {
        **exported(monitoring),
        "clusterId": cluster.cluster_id,
        "vaultId": cmk.vault.vault_id,
        "principalId": cmk.identity.principal_id,
        "keyName": cmk.key.name,
    }


@pytest.fixture(scope="module")
def chain_plan():
    return run_components(build_chain)


# -- action group ---------------------------------------------------------------------------


def test_action_group_is_global_enabled_with_every_receiver(plan):
    group = plan.one(ACTION_GROUP)
    assert group.name == "db-actions"
    assert group.inputs["resourceGroupName"] == "rg"
    assert group.inputs["location"] == "Global"
    assert group.inputs["enabled"] is True
    assert group.inputs["groupShortName"] == "db"
    assert group.inputs["emailReceivers"] == [
        {"name": "email-1", "emailAddress": "dba@example.com", "useCommonAlertSchema": True},
        {"name": "email-2", "emailAddress": "oncall@example.com", "useCommonAlertSchema": True},
    ]
    assert group.inputs["webhookReceivers"] == [
        {
            "name": "webhook-1",
            "serviceUri": "[secret]",
            "useCommonAlertSchema": True,
            "useAadAuth": False,
        }
    ]
    # The real URL reaches Azure; only the plan masks it.
    assert group.raw_outputs["webhookReceivers"][0]["serviceUri"] == WEBHOOK_URL
    assert group.id == arm_id("rg", f"Microsoft.Insights/actionGroups/{group.outputs['name']}")
    assert plan.outputs["actionGroupId"] == group.id


def test_webhook_urls_are_secret_everywhere(plan):
    group = plan.one(ACTION_GROUP)
    assert group.outputs["webhookReceivers"] == "[secret]"
    assert TOKEN not in json.dumps(plan.to_json())
    assert TOKEN not in json.dumps(plan.messages)


@pytest.mark.parametrize(
    ("receivers", "present", "absent"),
    [
        ({"emails": ("dba@example.com",)}, "emailReceivers", "webhookReceivers"),
        ({"emails": (), "webhooks": (WEBHOOK_URL,)}, "webhookReceivers", "emailReceivers"),
    ],
)
def test_a_receiver_kind_without_entries_is_left_out(receivers, present, absent):
    group = plan_monitoring(**receivers).one(ACTION_GROUP)
    assert len(group.inputs[present]) == 1
    assert absent not in group.inputs


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("db", "db"),
        ("monitoring", "monitoring"),
        ("a" * SHORT_NAME_MAX, "a" * SHORT_NAME_MAX),
        ("x_y.z!", "xyz"),
        ("-ab-", "ab"),
    ],
)
def test_short_name_is_the_cleaned_name_when_it_fits(name, short):
    assert action_group_short_name(name) == short


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("cmkpg-dev-monitoring", "cmkpg-d"),
        ("a" * 60, "aaaaaaa"),
        ("monitor-ab", None),  # fits: no hash
        ("!!!", "cmk"),
        ("", "cmk"),
        ("abcdef-monitoring", "abcdef"),  # no hyphen doubled before the hash
    ],
)
def test_long_or_empty_names_get_a_head_and_a_hash(name, head):
    short = action_group_short_name(name)
    assert 1 <= len(short) <= SHORT_NAME_MAX
    assert re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?", short)
    assert short == action_group_short_name(name)  # deterministic
    if head is None:
        assert short == name
    else:
        assert re.fullmatch(re.escape(head) + r"-[0-9a-f]{4}", short)


def test_long_component_names_get_distinct_short_names():
    assert action_group_short_name("cmkpg-dev-monitoring") != action_group_short_name(
        "cmkpg-prod-monitoring"
    )
    group = plan_monitoring(name="cmkpg-production-monitoring").one(ACTION_GROUP)
    assert group.inputs["groupShortName"] == action_group_short_name("cmkpg-production-monitoring")
    assert len(group.inputs["groupShortName"]) <= SHORT_NAME_MAX


# -- activity-log alerts --------------------------------------------------------------------


def test_resource_health_alert_watches_the_cluster(plan):
    health = one_named(plan, ACTIVITY_LOG_ALERT, "db-health")
    group = plan.one(ACTION_GROUP)
    assert health.inputs["resourceGroupName"] == "rg"
    assert health.inputs["scopes"] == [CLUSTER_ID]
    assert health.inputs["location"] == "global"
    assert health.inputs["enabled"] is True
    assert "Resource Health" in health.inputs["description"]
    assert health.inputs["condition"] == {
        "allOf": [
            {"field": "category", "equals": "ResourceHealth"},
            {
                "anyOf": [
                    {"field": "properties.currentHealthStatus", "equals": "Unavailable"},
                    {"field": "properties.currentHealthStatus", "equals": "Degraded"},
                ]
            },
        ]
    }
    assert UNHEALTHY_STATES == ("Unavailable", "Degraded")
    assert health.inputs["actions"] == {"actionGroups": [{"actionGroupId": group.id}]}
    assert group.urn in health.dependencies
    assert plan.outputs["resourceHealthAlertId"] == health.id
    assert "/activityLogAlerts/" in health.id


def test_vault_alert_watches_arm_operations_that_break_cmk(plan):
    vault = one_named(plan, ACTIVITY_LOG_ALERT, "db-vault-changes")
    group = plan.one(ACTION_GROUP)
    assert vault.inputs["scopes"] == [VAULT_ID]
    assert vault.inputs["location"] == "global"
    assert vault.inputs["enabled"] is True
    assert vault.inputs["condition"] == {
        "allOf": [
            {"field": "category", "equals": "Administrative"},
            {
                "anyOf": [
                    {"field": "operationName", "equals": "Microsoft.KeyVault/vaults/delete"},
                    {
                        "field": "operationName",
                        "equals": "Microsoft.KeyVault/vaults/accessPolicies/write",
                    },
                    {"field": "operationName", "equals": "Microsoft.KeyVault/vaults/write"},
                ]
            },
        ]
    }
    assert len(VAULT_OPERATIONS) == 3
    assert vault.inputs["actions"] == {"actionGroups": [{"actionGroupId": group.id}]}
    assert group.urn in vault.dependencies
    assert plan.outputs["vaultAlertId"] == vault.id


# -- workspace and diagnostic settings -----------------------------------------------------


def test_new_workspace_is_entra_only_with_default_retention(plan):
    workspace = plan.one(WORKSPACE)
    assert workspace.name == "db-logs"
    assert workspace.inputs["resourceGroupName"] == "rg"
    assert workspace.inputs["location"] == LOCATION
    assert workspace.inputs["sku"] == {"name": "PerGB2018"}
    assert workspace.inputs["retentionInDays"] == 90
    assert workspace.inputs["features"] == {"disableLocalAuth": True}
    assert workspace.outputs["customerId"] == placeholder_guid(f"workspace:{workspace.id.lower()}")
    assert plan.outputs["workspaceId"] == workspace.id


def test_vault_audit_logs_go_to_the_workspace(plan):
    workspace = plan.one(WORKSPACE)
    setting = one_named(plan, DIAGNOSTIC_SETTING, "db-vault-audit")
    # Named per stack, so two stacks watching one vault never share a setting.
    assert setting.inputs["name"] == "cmkpg-test-db-vault-audit"
    assert setting.inputs["resourceUri"] == VAULT_ID
    assert setting.inputs["workspaceId"] == workspace.id
    assert workspace.urn in setting.dependencies
    assert setting.inputs["logs"] == [{"category": "AuditEvent", "enabled": True}]
    assert setting.inputs["metrics"] == [{"category": "AllMetrics", "enabled": True}]
    # Default destination: the AzureDiagnostics table the queries read.
    assert "logAnalyticsDestinationType" not in setting.inputs
    assert (
        setting.id
        == f"{VAULT_ID}/providers/Microsoft.Insights/diagnosticSettings/cmkpg-test-db-vault-audit"
    )


def test_cluster_logs_go_to_the_workspace(plan):
    workspace = plan.one(WORKSPACE)
    setting = one_named(plan, DIAGNOSTIC_SETTING, "db-cluster-logs")
    assert setting.inputs["name"] == "cmkpg-test-db-cluster-logs"
    assert setting.inputs["resourceUri"] == CLUSTER_ID
    assert setting.inputs["workspaceId"] == workspace.id
    assert workspace.urn in setting.dependencies
    assert setting.inputs["logs"] == [{"categoryGroup": "allLogs", "enabled": True}]
    assert "metrics" not in setting.inputs
    assert "logAnalyticsDestinationType" not in setting.inputs
    assert (
        setting.id == f"{CLUSTER_ID}/providers/Microsoft.Insights/diagnosticSettings/"
        "cmkpg-test-db-cluster-logs"
    )
    assert len(plan.by_type(DIAGNOSTIC_SETTING)) == 2


@pytest.mark.parametrize("days", [30, 730])
def test_retention_is_configurable_within_its_bounds(days):
    workspace = plan_monitoring(log_retention_days=days).one(WORKSPACE)
    assert workspace.inputs["retentionInDays"] == days


def test_existing_workspace_is_used_and_none_is_created():
    plan = plan_monitoring(log_analytics_workspace_id=EXISTING_WORKSPACE)
    assert plan.by_type(WORKSPACE) == []
    settings = plan.by_type(DIAGNOSTIC_SETTING)
    assert len(settings) == 2
    for setting in settings:
        assert setting.inputs["workspaceId"] == EXISTING_WORKSPACE
    rules = plan.by_type(SCHEDULED_QUERY_RULE)
    assert len(rules) == 2
    for rule in rules:
        assert rule.inputs["scopes"] == [EXISTING_WORKSPACE]
    assert plan.outputs["workspaceId"] == EXISTING_WORKSPACE
    # Retention belongs to a new workspace: it reaches nothing here.
    assert not any("retentionInDays" in r.inputs for r in plan.resources)


# -- log-search alerts ----------------------------------------------------------------------


def test_log_alerts_are_scoped_to_the_workspace_and_routed(plan):
    workspace = plan.one(WORKSPACE)
    group = plan.one(ACTION_GROUP)
    audit = one_named(plan, DIAGNOSTIC_SETTING, "db-vault-audit")
    rules = plan.by_type(SCHEDULED_QUERY_RULE)
    assert sorted(r.name for r in rules) == ["db-key-access", "db-key-lifecycle"]
    for rule in rules:
        assert rule.inputs["resourceGroupName"] == "rg"
        assert rule.inputs["displayName"] == rule.name
        assert rule.inputs["scopes"] == [workspace.id]
        assert rule.inputs["location"] == LOCATION
        assert rule.inputs["kind"] == "LogAlert"
        assert rule.inputs["enabled"] is True
        assert rule.inputs["severity"] == 1
        assert rule.inputs["evaluationFrequency"] == "PT5M"
        assert rule.inputs["windowSize"] == "PT15M"
        assert rule.inputs["autoMitigate"] is True
        # A new workspace has no AzureDiagnostics table yet.
        assert rule.inputs["skipQueryValidation"] is True
        assert rule.inputs["actions"] == {"actionGroups": [group.id]}
        # The audit setting must exist before a rule reads what it sends.
        assert {group.urn, workspace.urn, audit.urn} <= set(rule.dependencies)
        found = condition(rule)
        assert found["timeAggregation"] == "Count"
        assert found["operator"] == "GreaterThan"
        assert found["threshold"] == 0
        assert found["failingPeriods"] == {
            "numberOfEvaluationPeriods": 1,
            "minFailingPeriodsToAlert": 1,
        }
        assert found["query"].startswith("AzureDiagnostics\n")
        assert "/scheduledQueryRules/" in rule.id


def test_key_alert_query_names_this_key_and_its_lifecycle_operations(plan):
    rule = one_named(plan, SCHEDULED_QUERY_RULE, "db-key-lifecycle")
    query = condition(rule)["query"]
    assert query == key_lifecycle_query(VAULT_ID, KEY_NAME)
    assert f'ResourceId =~ "{VAULT_ID}"' in query
    assert f'KeyName =~ "{KEY_NAME}"' in query
    assert 'OperationName in ("KeyDelete", "KeyPurge", "KeyUpdate")' in query
    assert "HttpStatus between (200 .. 299)" in query
    assert KEY_LIFECYCLE_OPERATIONS == ("KeyDelete", "KeyPurge", "KeyUpdate")
    assert plan.outputs["keyAlertId"] == rule.id


def test_key_access_failure_query_names_the_identity(plan):
    rule = one_named(plan, SCHEDULED_QUERY_RULE, "db-key-access")
    query = condition(rule)["query"]
    assert query == key_access_failure_query(VAULT_ID, PRINCIPAL)
    assert f'ResourceId =~ "{VAULT_ID}"' in query
    assert f'CallerObjectId =~ "{PRINCIPAL}"' in query
    assert '"identity_claim_oid_g"' in query
    assert "identity_claims_objectidentifier_g" in query
    assert 'OperationName in ("KeyGet", "KeyWrap", "KeyUnwrap")' in query
    assert "HttpStatus >= 400" in query
    assert set(KEY_ACCESS_OPERATIONS) == {"KeyGet", "KeyWrap", "KeyUnwrap"}
    assert plan.outputs["keyAccessFailureAlertId"] == rule.id


@pytest.mark.parametrize(
    ("uri", "name"),
    [
        ("https://kv.vault.azure.net/keys/cmkpg-key", "cmkpg-key"),
        ("https://kv.vault.azure.net/keys/cmkpg-key/0123abcd", "cmkpg-key"),
        ("https://kv.vault.azure.net/keys/cmkpg-key?api-version=7.4", "cmkpg-key"),
        # A purge names the deleted key.
        ("https://kv.vault.azure.net/deletedkeys/cmkpg-key?api-version=7.4", "cmkpg-key"),
        ("https://kv.vault.azure.net/secrets/cmkpg-key", None),
    ],
)
def test_lifecycle_query_reads_the_key_name_from_its_uri(uri, name):
    query = key_lifecycle_query(VAULT_ID, KEY_NAME)
    (pattern,) = re.findall(r'extract\(@"([^"]+)", 1', query)
    found = re.search(pattern, uri)
    assert (found.group(1) if found else None) == name


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("plain", '"plain"'),
        ('a"b', '"a\\"b"'),
        ("a\\b", '"a\\\\b"'),
        ('a\\"b', '"a\\\\\\"b"'),
    ],
)
def test_kql_literals_are_escaped(value, literal):
    assert f"KeyName =~ {literal}\n" in key_lifecycle_query(VAULT_ID, value)
    assert f"CallerObjectId =~ {literal}\n" in key_access_failure_query(VAULT_ID, value)
    assert f"ResourceId =~ {literal}\n" in key_lifecycle_query(value, KEY_NAME)


# -- key expiry (Event Grid) ----------------------------------------------------------------


def test_no_expiry_events_for_a_vault_owned_elsewhere(plan):
    assert plan.by_type(SYSTEM_TOPIC) == []
    assert plan.by_type(EVENT_SUBSCRIPTION) == []
    assert plan.outputs["keyExpiryAlertId"] == ""


def test_expiry_events_of_an_owned_vault_reach_the_action_group(expiry_plan):
    topic = expiry_plan.one(SYSTEM_TOPIC)
    subscription = expiry_plan.one(EVENT_SUBSCRIPTION)
    group = expiry_plan.one(ACTION_GROUP)
    assert topic.name == "db-vault-events"
    assert topic.inputs["resourceGroupName"] == "rg"
    assert topic.inputs["location"] == LOCATION
    assert topic.inputs["source"] == VAULT_ID
    assert topic.inputs["topicType"] == "Microsoft.KeyVault.vaults"

    assert subscription.name == "db-key-expiry"
    assert subscription.inputs["resourceGroupName"] == "rg"
    assert subscription.inputs["eventSubscriptionName"] == "db-key-expiry"
    assert subscription.inputs["systemTopicName"] == topic.outputs["name"]
    event_filter = subscription.inputs["filter"]
    assert event_filter["includedEventTypes"] == [
        "Microsoft.KeyVault.KeyNearExpiry",
        "Microsoft.KeyVault.KeyExpired",
    ]
    assert list(KEY_EXPIRY_EVENTS) == event_filter["includedEventTypes"]
    # Key Vault events name the key in their subject: only this key's events alert.
    assert event_filter["advancedFilters"] == [
        {"key": "subject", "operatorType": "StringIn", "values": [KEY_NAME]}
    ]
    destination = subscription.inputs["destination"]
    assert destination["endpointType"] == "MonitorAlert"
    assert destination["actionGroups"] == [group.id]
    assert destination["severity"] == "Sev1"
    assert "expire" in destination["description"]
    assert {topic.urn, group.urn} <= set(subscription.dependencies)
    assert expiry_plan.outputs["keyExpiryAlertId"] == subscription.id
    assert subscription.id


def test_expiry_events_change_nothing_else(plan, expiry_plan):
    def kinds(p):
        return sorted(r.type for r in p.resources if r.custom)

    assert kinds(expiry_plan) == sorted([*kinds(plan), SYSTEM_TOPIC, EVENT_SUBSCRIPTION])


@pytest.mark.parametrize(("sku", "routed"), [("standard", True), ("premium", True), (None, False)])
def test_monitored_key_of_routes_expiry_only_for_a_vault_this_program_created(sku, routed):
    cmk = SimpleNamespace(
        vault=SimpleNamespace(vault_id="vault-id", sku=sku),
        key=SimpleNamespace(name="key-name"),
        identity=SimpleNamespace(principal_id="principal"),
    )
    assert MonitoredKey.of(cmk) == MonitoredKey(
        vault_id="vault-id",
        key_name="key-name",
        identity_principal_id="principal",
        expiry_events=routed,
    )
    assert args(key=cmk).watched == MonitoredKey.of(cmk)


def test_a_monitored_key_is_watched_as_given():
    key = watched(expiry_events=True)
    assert args(key=key).watched is key
    assert watched().expiry_events is False  # the default: leave the vault's topic alone


# -- with the real components -----------------------------------------------------------------


def test_ids_of_identity_vault_key_and_cluster_flow_in(chain_plan):
    """Ids known only at deployment reach scopes, queries and filters, with dependencies."""
    plan = chain_plan
    vault, identity, key, cluster = (plan.one(t) for t in (VAULT, IDENTITY, KEY, CLUSTER))
    vault_id, principal = plan.outputs["vaultId"], plan.outputs["principalId"]
    assert vault_id == vault.id and principal == identity.raw_outputs["principalId"]
    assert plan.outputs["clusterId"] == cluster.id
    assert plan.outputs["keyName"] == KEY_NAME

    health = one_named(plan, ACTIVITY_LOG_ALERT, "mon-health")
    assert health.inputs["scopes"] == [cluster.id]
    assert cluster.urn in health.dependencies
    changes = one_named(plan, ACTIVITY_LOG_ALERT, "mon-vault-changes")
    assert changes.inputs["scopes"] == [vault_id]
    assert vault.urn in changes.dependencies

    audit = one_named(plan, DIAGNOSTIC_SETTING, "mon-vault-audit")
    assert audit.inputs["resourceUri"] == vault_id
    assert vault.urn in audit.dependencies
    cluster_logs = one_named(plan, DIAGNOSTIC_SETTING, "mon-cluster-logs")
    assert cluster_logs.inputs["resourceUri"] == cluster.id
    assert cluster.urn in cluster_logs.dependencies

    lifecycle = one_named(plan, SCHEDULED_QUERY_RULE, "mon-key-lifecycle")
    assert condition(lifecycle)["query"] == key_lifecycle_query(vault_id, KEY_NAME)
    assert {vault.urn, key.urn} <= set(lifecycle.dependencies)
    access = one_named(plan, SCHEDULED_QUERY_RULE, "mon-key-access")
    assert condition(access)["query"] == key_access_failure_query(vault_id, principal)
    assert {vault.urn, identity.urn} <= set(access.dependencies)


def test_a_vault_created_with_the_key_gets_expiry_events(chain_plan):
    plan = chain_plan
    vault, key = plan.one(VAULT), plan.one(KEY)
    topic = plan.one(SYSTEM_TOPIC)
    subscription = plan.one(EVENT_SUBSCRIPTION)
    assert topic.inputs["source"] == vault.id
    assert vault.urn in topic.dependencies
    assert subscription.inputs["filter"]["advancedFilters"][0]["values"] == [KEY_NAME]
    assert key.urn in subscription.dependencies
    assert plan.outputs["keyExpiryAlertId"] == subscription.id
    for resource in plan.resources:
        if resource.type.split(":")[1] in ("monitor", "operationalinsights", "eventgrid"):
            assert child_of(plan, resource).type == COMPONENT
            assert child_of(plan, resource).name == "mon"


def test_an_existing_vault_gets_no_expiry_events():
    existing = arm_id("sec-rg", "Microsoft.KeyVault/vaults/team-kv")
    plan = run_components(lambda: build_chain(VaultOptions(existing_id=existing)))
    assert plan.by_type(SYSTEM_TOPIC) == []
    assert plan.by_type(EVENT_SUBSCRIPTION) == []
    assert plan.outputs["keyExpiryAlertId"] == ""
    # Everything else still watches that vault.
    assert one_named(plan, ACTIVITY_LOG_ALERT, "mon-vault-changes").inputs["scopes"] == [existing]
    assert one_named(plan, DIAGNOSTIC_SETTING, "mon-vault-audit").inputs["resourceUri"] == existing
    lifecycle = one_named(plan, SCHEDULED_QUERY_RULE, "mon-key-lifecycle")
    assert condition(lifecycle)["query"] == key_lifecycle_query(existing, KEY_NAME)


def test_a_secret_input_stays_secret_in_the_query_built_from_it():
    def build():
        key = watched(identity_principal_id=pulumi.Output.secret(PRINCIPAL))
        CmkMonitoring("db", args(key=key))

    plan = run_components(build)
    access = one_named(plan, SCHEDULED_QUERY_RULE, "db-key-access")
    assert condition(access)["query"] == "[secret]"
    assert PRINCIPAL not in json.dumps(plan.to_json())
    lifecycle = one_named(plan, SCHEDULED_QUERY_RULE, "db-key-lifecycle")
    assert condition(lifecycle)["query"] == key_lifecycle_query(VAULT_ID, KEY_NAME)


# -- structure ------------------------------------------------------------------------------


def test_everything_is_a_child_of_the_component_and_unprotected(expiry_plan):
    custom = [r for r in expiry_plan.resources if r.custom]
    assert sorted(r.name for r in custom) == [
        "db-actions",
        "db-cluster-logs",
        "db-health",
        "db-key-access",
        "db-key-expiry",
        "db-key-lifecycle",
        "db-logs",
        "db-vault-audit",
        "db-vault-changes",
        "db-vault-events",
    ]
    for resource in custom:
        assert child_of(expiry_plan, resource).type == COMPONENT
        assert child_of(expiry_plan, resource).name == "db"
        assert not resource.protect and not resource.retain_on_delete
    component = expiry_plan.one(COMPONENT)
    assert set(component.outputs) == set(OUTPUTS.values())
    assert {OUTPUTS[k]: v for k, v in expiry_plan.outputs.items()} == component.outputs


def test_a_protected_parent_does_not_protect_the_alerts():
    plan = plan_monitoring(opts=pulumi.ResourceOptions(protect=True))
    assert plan.one(COMPONENT).protect
    for resource in plan.resources:
        if resource.custom:
            assert not resource.protect, resource.name


def test_ids_are_azure_shaped_and_deterministic(plan):
    again = plan_monitoring(
        emails=("dba@example.com", "oncall@example.com"), webhooks=(WEBHOOK_URL,)
    )
    assert again.outputs == plan.outputs
    for key in ("actionGroupId", "resourceHealthAlertId", "vaultAlertId", "keyAlertId"):
        assert plan.outputs[key].startswith(f"/subscriptions/{SUB}/resourceGroups/rg/providers/")
    assert plan.outputs["workspaceId"].startswith(f"/subscriptions/{SUB}/resourceGroups/rg/")


def test_tags_reach_every_taggable_resource(expiry_plan):
    for resource in expiry_plan.resources:
        if resource.custom and resource.type not in UNTAGGED:
            assert resource.inputs["tags"] == {"team": "data"}, resource.type
        elif resource.custom:
            assert "tags" not in resource.inputs, resource.type


def test_no_tags_means_no_tags_input(plan):
    for resource in plan.resources:
        assert "tags" not in resource.inputs, resource.type


# -- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"emails": (), "webhooks": ()},
            "CmkMonitoringArgs.emails: no receivers; alerts about a lost key must reach someone: "
            "give at least one e-mail address or https webhook",
        ),
        ({"emails": ("x",)}, "CmkMonitoringArgs.emails: x is not a valid e-mail address"),
        (
            {"emails": ("dba@example",)},
            "CmkMonitoringArgs.emails: dba@example is not a valid e-mail address",
        ),
        (
            {"emails": ("a b@example.com",)},
            'CmkMonitoringArgs.emails: "a b@example.com" is not a valid e-mail address',
        ),
        (
            {"emails": ("a" * 65 + "@example.com",)},
            f"CmkMonitoringArgs.emails: {'a' * 65}@example.com is not a valid e-mail address",
        ),
        ({"emails": (None,)}, "CmkMonitoringArgs.emails: null is not a valid e-mail address"),
        (
            {"emails": ("dba@example.com", "DBA@example.com")},
            "CmkMonitoringArgs.emails: dba@example.com is listed more than once",
        ),
        (
            {"emails": "dba@example.com"},
            "CmkMonitoringArgs.emails: dba@example.com is not a list; use a list",
        ),
        ({"emails": None}, "CmkMonitoringArgs.emails: null is not a list; use a list"),
        (
            {"webhooks": f"https://hooks.example.com/{TOKEN}"},
            "CmkMonitoringArgs.webhooks: [secret] is not a list; use a list",
        ),
        (
            {"webhooks": (f"http://hooks.example.com/x?token={TOKEN}",)},
            "CmkMonitoringArgs.webhooks: 'http://hooks.example.com/…' is not an https URL; "
            + EXAMPLE_HOOK,
        ),
        (
            {"webhooks": (f"hooks.example.com/{TOKEN}",)},
            f"CmkMonitoringArgs.webhooks: '<redacted>' is not an https URL; {EXAMPLE_HOOK}",
        ),
        (
            {"webhooks": ("https://",)},
            f"CmkMonitoringArgs.webhooks: '<redacted>' has no valid host; {EXAMPLE_HOOK}",
        ),
        (
            {"webhooks": (f"https:///{TOKEN}",)},
            f"CmkMonitoringArgs.webhooks: '<redacted>' has no valid host; {EXAMPLE_HOOK}",
        ),
        (
            {"webhooks": (f"https://hooks.example.com/{TOKEN} x",)},
            "CmkMonitoringArgs.webhooks: 'https://hooks.example.com/…' is not a valid webhook; "
            + EXAMPLE_HOOK,
        ),
        (
            {"webhooks": (f"https://hooks.example.com:99999/{TOKEN}",)},
            "CmkMonitoringArgs.webhooks: 'https://hooks.example.com/…' is not a valid webhook; "
            + EXAMPLE_HOOK,
        ),
        (
            {"webhooks": ("",)},
            f"CmkMonitoringArgs.webhooks: '<redacted>' is not a valid webhook; {EXAMPLE_HOOK}",
        ),
        (
            {"webhooks": (42,)},
            f"CmkMonitoringArgs.webhooks: 42 is not a valid webhook; {EXAMPLE_HOOK}",
        ),
        (
            {"webhooks": (WEBHOOK_URL, WEBHOOK_URL)},
            "CmkMonitoringArgs.webhooks: 'https://hooks.example.com/…' is listed more than once",
        ),
        (
            {"log_analytics_workspace_id": "central-logs"},
            "CmkMonitoringArgs.log_analytics_workspace_id: central-logs is not a resource id; "
            f"use the form {WORKSPACE_EXAMPLE}",
        ),
        (
            {"log_analytics_workspace_id": VAULT_ID},
            f"CmkMonitoringArgs.log_analytics_workspace_id: {VAULT_ID} is a "
            "Microsoft.KeyVault/vaults id; use a Microsoft.OperationalInsights/workspaces id "
            f"like {WORKSPACE_EXAMPLE}",
        ),
        (
            {"log_retention_days": 29},
            "CmkMonitoringArgs.log_retention_days: 29 is out of range; use 30..730",
        ),
        (
            {"log_retention_days": 731},
            "CmkMonitoringArgs.log_retention_days: 731 is out of range; use 30..730",
        ),
        (
            {"log_retention_days": True},
            "CmkMonitoringArgs.log_retention_days: true is not an integer",
        ),
        (
            {"log_retention_days": 90.5},
            "CmkMonitoringArgs.log_retention_days: 90.5 is not an integer",
        ),
        (
            {"location": ""},
            'CmkMonitoringArgs.location: "" is not a region name; use a programmatic name such '
            "as westeurope",
        ),
        (
            {"location": "West Europe"},
            'CmkMonitoringArgs.location: "West Europe" is a display name; use the programmatic '
            "name westeurope",
        ),
        (
            {"log_analytics_workspace_id": EXISTING_WORKSPACE, "log_retention_days": 365},
            "CmkMonitoringArgs.log_retention_days: 365 is set, but it applies to a workspace "
            "this stack creates, not to CmkMonitoringArgs.log_analytics_workspace_id; remove it",
        ),
        (
            {"key": "kv"},
            "CmkMonitoringArgs.key: str is neither a MonitoredKey nor what "
            "create_customer_managed_key returns",
        ),
        (
            {"cluster": CLUSTER_ID},
            "CmkMonitoringArgs.cluster: str is not a cluster component (it has no cluster_id)",
        ),
        (
            {"key": MonitoredKey("kv", KEY_NAME, PRINCIPAL)},
            "CmkMonitoringArgs.key.vault_id: kv is not a resource id",
        ),
        (
            {"key": MonitoredKey(VAULT_ID, "bad key", PRINCIPAL)},
            'CmkMonitoringArgs.key.key_name: "bad key" is not valid',
        ),
        (
            {"key": MonitoredKey(VAULT_ID, KEY_NAME, "me")},
            "CmkMonitoringArgs.key.identity_principal_id: me is not valid",
        ),
    ],
)
def test_rejects_bad_arguments(overrides, message):
    with pytest.raises(ValidationError) as error:
        args(**overrides)
    (problem,) = error.value.problems
    assert problem.startswith(message)
    assert TOKEN not in str(error.value)


@pytest.mark.parametrize(
    "webhooks",
    [
        (f"http://hooks.example.com/services/{TOKEN}",),
        (f"https://hooks.example.com/{TOKEN}", f"https://hooks.example.com/{TOKEN}"),
        (f"https://hooks.example.com:bad/{TOKEN}",),
        (f"https://bad host.example.com/{TOKEN}",),
        (f"https://user:{TOKEN}@/path",),
        f"https://hooks.example.com/{TOKEN}",
        {f"https://hooks.example.com/{TOKEN}"},
    ],
)
def test_bad_webhooks_never_print_their_token(webhooks):
    with pytest.raises(ValidationError) as error:
        args(webhooks=webhooks)
    assert error.value.problems
    assert TOKEN not in str(error.value)


def test_every_problem_is_reported_at_once_in_field_order():
    with pytest.raises(ValidationError) as error:
        args(
            location="West Europe",
            emails=("x",),
            webhooks=("http://a.example.com/s",),
            log_analytics_workspace_id="logs",
            log_retention_days=1,
        )
    fields = [p.split(":")[0] for p in error.value.problems]
    assert fields == [
        "CmkMonitoringArgs.location",
        "CmkMonitoringArgs.emails",
        "CmkMonitoringArgs.webhooks",
        "CmkMonitoringArgs.log_retention_days",
        "CmkMonitoringArgs.log_analytics_workspace_id",
        "CmkMonitoringArgs.log_retention_days",
    ]


def test_non_list_receivers_skip_the_per_address_checks():
    with pytest.raises(ValidationError) as error:
        args(emails="x", webhooks="y")
    assert error.value.problems == [
        "CmkMonitoringArgs.emails: x is not a list; use a list",
        "CmkMonitoringArgs.webhooks: [secret] is not a list; use a list",
    ]


def test_nothing_is_registered_for_bad_arguments():
    monitor = engine.RecordingMonitor(AzureMocks())
    with pytest.raises(ValidationError):
        engine.run(
            lambda: CmkMonitoring("db", args(emails=())),
            project="cmkpg",
            stack="test",
            config={},
            mocks=monitor.mocks,
            monitor=monitor,
        )
    assert monitor.registrations == {}


def test_args_are_frozen_and_keyword_only():
    good = args()
    with pytest.raises(dataclasses.FrozenInstanceError):
        good.emails = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        CmkMonitoringArgs("rg", LOCATION)  # type: ignore[misc]
    assert isinstance(good, MonitoringOptions)


# -- the options the stack config maps onto ----------------------------------------------------


def test_options_defaults_and_problems_use_bare_field_names():
    defaults = MonitoringOptions()
    assert defaults.emails == () and defaults.webhooks == ()
    assert defaults.log_analytics_workspace_id is None
    assert defaults.log_retention_days == 90
    # Constructing options never raises: the config layer reports them with its own names.
    assert [p.field for p in defaults.problems()] == ["emails"]
    assert MonitoringOptions(emails=("dba@example.com",)).problems() == []
    assert MonitoringOptions(webhooks=(WEBHOOK_URL,)).problems() == []
    (problem,) = MonitoringOptions(emails=("x",)).problems()
    assert problem == Problem("emails", "is not a valid e-mail address", "x")
    nested = problem.within("monitoring").render(lambda path: f"cmkpg:{path}")
    assert nested == "cmkpg:monitoring.emails: x is not a valid e-mail address"


def test_a_webhook_problem_carries_no_value_to_leak():
    (problem,) = MonitoringOptions(webhooks=(f"http://a.example.com/{TOKEN}",)).problems()
    assert problem.field == "webhooks"
    assert TOKEN not in repr(problem)
    (problem,) = MonitoringOptions(emails=("a@example.com",), webhooks=TOKEN).problems()
    assert problem.secret
    assert problem.render(str) == "webhooks: [secret] is not a list; use a list"


# -- rules and helpers for the config layer --------------------------------------------------


@pytest.mark.parametrize(
    ("value", "complaint"),
    [
        ("dba@example.com", None),
        ("first.last+tag@sub.example.co.uk", None),
        ("dba@", "is not a valid e-mail address"),
        ("@example.com", "is not a valid e-mail address"),
        ("dba@example", "is not a valid e-mail address"),
        ("dba@@example.com", "is not a valid e-mail address"),
        ("a" * 65 + "@example.com", "is not a valid e-mail address"),
        (None, "is not a valid e-mail address"),
    ],
)
def test_email_rule(value, complaint):
    assert EMAIL(value) == complaint


@pytest.mark.parametrize(
    ("value", "complaint"),
    [
        ("https://hooks.example.com/x", None),
        ("https://hooks.example.com:8443/x?a=b", None),
        ("HTTPS://hooks.example.com/x", None),
        ("ftp://hooks.example.com", "is not an https URL"),
        ("http://hooks.example.com", "is not an https URL"),
        (42, "is not a valid webhook"),
        ("", "is not a valid webhook"),
        ("https://bad host.com", "is not a valid webhook"),
        ("https://host.example.com:99999/", "is not a valid webhook"),
        ("https://", "has no valid host"),
        ("https://bad_host.example.com/", "has no valid host"),
    ],
)
def test_webhook_rule(value, complaint):
    found = WEBHOOK(value)
    if complaint is None:
        assert found is None
    else:
        assert found == f"{complaint}; {EXAMPLE_HOOK}"


def test_retention_principal_and_workspace_rules():
    assert RETENTION_DAYS(30) is None and RETENTION_DAYS(730) is None
    assert RETENTION_DAYS(29) == "is out of range; use 30..730"
    assert RETENTION_DAYS("90") == "is not an integer"
    assert PRINCIPAL_ID(PRINCIPAL) is None
    assert PRINCIPAL_ID("me") == (
        "is not valid; use an object id such as 00000000-0000-0000-0000-000000000000"
    )
    assert existing_workspace_id(EXISTING_WORKSPACE) is None
    assert existing_workspace_id("x").startswith("is not a resource id")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (WEBHOOK_URL, "'https://hooks.example.com/…'"),
        ("http://user:pw@hooks.example.com:8443/x?t=1", "'http://hooks.example.com/…'"),
        ("hooks.example.com/token", "'<redacted>'"),
        ("https://", "'<redacted>'"),
        ("https://[::1/x", "'<redacted>'"),  # urlsplit raises: still redacted
        (42, "42"),
    ],
)
def test_redact_webhook_keeps_only_scheme_and_host(value, shown):
    assert redact_webhook(value) == shown


def test_duplicates_in_order_of_first_repetition():
    assert duplicates(["a", "b", "a", "b", "a"]) == ["a", "b"]
    assert duplicates(["A", "a"]) == []
    assert duplicates(["dba@example.com", "DBA@example.com"], fold_case=True) == ["dba@example.com"]
    # Each repeated address once, in its first spelling.
    assert duplicates(["dba@x.io", "DBA@x.io", "dba@x.io"], fold_case=True) == ["dba@x.io"]
    assert duplicates(["x", 1, 1, "x"]) == ["x"]  # non-strings are someone else's problem
