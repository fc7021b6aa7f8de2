"""CmkMonitoring: every way of losing the key raises an alert, routed to one action group."""

from __future__ import annotations

import json

import pulumi
import pytest
from conftest import IDENTITY, KEY, LOCATION, SUB, VAULT, arm_id, child_of, run_components
from pulumi_azure_native import dbforpostgresql

from cmkpg import CmkIdentity, CmkIdentityArgs, CmkKey, CmkKeyArgs, CmkVault, CmkVaultArgs
from cmkpg.monitoring import (
    EMAIL,
    KEY_ACCESS_OPERATIONS,
    KEY_LIFECYCLE_OPERATIONS,
    RETENTION_DAYS,
    SHORT_NAME_MAX,
    VAULT_OPERATIONS,
    WEBHOOK,
    CmkMonitoring,
    CmkMonitoringArgs,
    action_group_short_name,
    existing_workspace_id,
    key_access_failure_query,
    key_lifecycle_query,
    redact_webhook,
)
from cmkpg.preview.azure_mocks import placeholder_guid
from cmkpg.validation import ValidationError

ACTION_GROUP = "azure-native:monitor:ActionGroup"
ACTIVITY_LOG_ALERT = "azure-native:monitor:ActivityLogAlert"
SCHEDULED_QUERY_RULE = "azure-native:monitor:ScheduledQueryRule"
DIAGNOSTIC_SETTING = "azure-native:monitor:DiagnosticSetting"
WORKSPACE = "azure-native:operationalinsights:Workspace"
COMPONENT = "cmkpg:index:CmkMonitoring"

CLUSTER_ID = arm_id("rg", "Microsoft.DBforPostgreSQL/serverGroupsv2/cmkpg-test")
VAULT_ID = arm_id("rg", "Microsoft.KeyVault/vaults/db-vault1234abcd")
PRINCIPAL = "00000000-0000-0000-0000-0000000000aa"
EXISTING_WORKSPACE = arm_id("ops-rg", "Microsoft.OperationalInsights/workspaces/central-logs")
WEBHOOK_URL = "https://hooks.example.com/services/T000/B000/s3cr3t-token"


def args(**overrides):
    values = {
        "resource_group_name": "rg",
        "location": LOCATION,
        "cluster_id": CLUSTER_ID,
        "vault_id": VAULT_ID,
        "key_name": "cmkpg-key",
        "identity_principal_id": PRINCIPAL,
        "emails": ("dba@example.com",),
    }
    values.update(overrides)
    return CmkMonitoringArgs(**values)


def plan_monitoring(name="db", **overrides):
    def build():
        monitoring = CmkMonitoring(name, args(**overrides))
        return {
            "actionGroupId": monitoring.action_group_id,
            "resourceHealthAlertId": monitoring.resource_health_alert_id,
            "vaultAlertId": monitoring.vault_alert_id,
            "keyAlertId": monitoring.key_alert_id,
            "keyAccessFailureAlertId": monitoring.key_access_failure_alert_id,
            "workspaceId": monitoring.log_analytics_workspace_id,
            "diagnosticSettingId": monitoring.diagnostic_setting_id,
        }

    return run_components(build)


def alert(plan, logical_suffix, resource_type=ACTIVITY_LOG_ALERT):
    (found,) = [r for r in plan.by_type(resource_type) if r.name.endswith(logical_suffix)]
    return found


@pytest.fixture(scope="module")
def plan():
    return plan_monitoring(
        emails=("dba@example.com", "oncall@example.com"), webhooks=(WEBHOOK_URL,)
    )


# -- action group ---------------------------------------------------------------------------


def test_action_group_is_global_enabled_with_every_receiver(plan):
    group = plan.one(ACTION_GROUP)
    assert group.inputs["location"] == "Global"
    assert group.inputs["enabled"] is True
    assert group.inputs["groupShortName"] == "db"
    assert group.inputs["emailReceivers"] == [
        {"name": "email-1", "emailAddress": "dba@example.com", "useCommonAlertSchema": True},
        {"name": "email-2", "emailAddress": "oncall@example.com", "useCommonAlertSchema": True},
    ]
    (hook,) = group.inputs["webhookReceivers"]
    assert hook["name"] == "webhook-1" and hook["useCommonAlertSchema"] is True
    assert group.raw_outputs["webhookReceivers"][0]["serviceUri"] == WEBHOOK_URL
    names = [r["name"] for r in group.raw_outputs["emailReceivers"]]
    names += [r["name"] for r in group.raw_outputs["webhookReceivers"]]
    assert len(names) == len(set(names)) and all(len(n) <= 64 for n in names)
    assert group.id == arm_id("rg", f"Microsoft.Insights/actionGroups/{group.outputs['name']}")
    assert plan.outputs["actionGroupId"] == group.id


def test_webhook_urls_are_secret_everywhere(plan):
    group = plan.one(ACTION_GROUP)
    assert group.inputs["webhookReceivers"][0]["serviceUri"] == "[secret]"
    assert group.outputs["webhookReceivers"] == "[secret]"
    assert "s3cr3t-token" not in json.dumps(plan.to_json())


def test_only_emails_means_no_webhook_receivers():
    group = plan_monitoring().one(ACTION_GROUP)
    assert "webhookReceivers" not in group.inputs
    assert len(group.inputs["emailReceivers"]) == 1


def test_only_webhooks_means_no_email_receivers():
    group = plan_monitoring(emails=(), webhooks=(WEBHOOK_URL,)).one(ACTION_GROUP)
    assert "emailReceivers" not in group.inputs
    assert len(group.inputs["webhookReceivers"]) == 1


@pytest.mark.parametrize(
    "name", ["db", "monitoring", "cmkpg-dev-monitoring", "a" * 60, "x_y.z!", "!!!", "-ab-"]
)
def test_short_name_fits_and_is_deterministic(name):
    short = action_group_short_name(name)
    assert 1 <= len(short) <= SHORT_NAME_MAX
    assert short == action_group_short_name(name)
    assert short.replace("-", "").isalnum()


def test_long_component_names_get_distinct_short_names():
    assert action_group_short_name("cmkpg-dev-monitoring") != action_group_short_name(
        "cmkpg-prod-monitoring"
    )
    long_plan = plan_monitoring(name="cmkpg-production-monitoring")
    assert len(long_plan.one(ACTION_GROUP).inputs["groupShortName"]) <= SHORT_NAME_MAX


# -- activity-log alerts --------------------------------------------------------------------


def test_resource_health_alert_watches_the_cluster(plan):
    health = alert(plan, "-health")
    group = plan.one(ACTION_GROUP)
    assert health.inputs["scopes"] == [CLUSTER_ID]
    assert health.inputs["location"] == "global"
    assert health.inputs["enabled"] is True
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
    assert health.inputs["actions"] == {"actionGroups": [{"actionGroupId": group.id}]}
    assert group.urn in health.dependencies
    assert plan.outputs["resourceHealthAlertId"] == health.id
    assert "/activityLogAlerts/" in health.id


def test_vault_alert_watches_arm_operations_that_break_cmk(plan):
    vault = alert(plan, "-vault-changes")
    assert vault.inputs["scopes"] == [VAULT_ID]
    assert vault.inputs["location"] == "global"
    assert vault.inputs["enabled"] is True
    category, operations = vault.inputs["condition"]["allOf"]
    assert category == {"field": "category", "equals": "Administrative"}
    assert operations == {
        "anyOf": [
            {"field": "operationName", "equals": "Microsoft.KeyVault/vaults/delete"},
            {"field": "operationName", "equals": "Microsoft.KeyVault/vaults/accessPolicies/write"},
            {"field": "operationName", "equals": "Microsoft.KeyVault/vaults/write"},
        ]
    }
    assert len(VAULT_OPERATIONS) == 3
    assert vault.inputs["actions"]["actionGroups"][0]["actionGroupId"] == plan.one(ACTION_GROUP).id
    assert plan.outputs["vaultAlertId"] == vault.id


# -- audit logs -----------------------------------------------------------------------------


def test_new_workspace_holds_the_vault_audit_logs(plan):
    workspace = plan.one(WORKSPACE)
    assert workspace.inputs["location"] == LOCATION
    assert workspace.inputs["sku"] == {"name": "PerGB2018"}
    assert workspace.inputs["retentionInDays"] == 90
    assert workspace.outputs["customerId"] == placeholder_guid(f"workspace:{workspace.id.lower()}")
    assert plan.outputs["workspaceId"] == workspace.id

    setting = plan.one(DIAGNOSTIC_SETTING)
    assert setting.inputs["resourceUri"] == VAULT_ID
    assert setting.inputs["workspaceId"] == workspace.id
    assert workspace.urn in setting.dependencies
    assert setting.inputs["logs"] == [{"category": "AuditEvent", "enabled": True}]
    assert setting.inputs["metrics"] == [{"category": "AllMetrics", "enabled": True}]
    # Default destination: the AzureDiagnostics table the queries read.
    assert "logAnalyticsDestinationType" not in setting.inputs
    assert (
        setting.id == f"{VAULT_ID}/providers/Microsoft.Insights/diagnosticSettings/db-vault-audit"
    )
    assert plan.outputs["diagnosticSettingId"] == setting.id


def test_retention_is_configurable():
    workspace = plan_monitoring(log_retention_days=365).one(WORKSPACE)
    assert workspace.inputs["retentionInDays"] == 365


def test_existing_workspace_is_used_and_none_is_created():
    plan = plan_monitoring(log_analytics_workspace_id=EXISTING_WORKSPACE)
    assert plan.by_type(WORKSPACE) == []
    assert plan.one(DIAGNOSTIC_SETTING).inputs["workspaceId"] == EXISTING_WORKSPACE
    for rule in plan.by_type(SCHEDULED_QUERY_RULE):
        assert rule.inputs["scopes"] == [EXISTING_WORKSPACE]
    assert plan.outputs["workspaceId"] == EXISTING_WORKSPACE


# -- log-search alerts ----------------------------------------------------------------------


def _query(rule):
    (condition,) = rule.inputs["criteria"]["allOf"]
    return condition


def test_log_alerts_are_scoped_to_the_workspace_and_routed(plan):
    workspace = plan.one(WORKSPACE)
    group = plan.one(ACTION_GROUP)
    setting = plan.one(DIAGNOSTIC_SETTING)
    rules = plan.by_type(SCHEDULED_QUERY_RULE)
    assert len(rules) == 2
    for rule in rules:
        assert rule.inputs["scopes"] == [workspace.id]
        assert rule.inputs["location"] == LOCATION
        assert rule.inputs["kind"] == "LogAlert"
        assert rule.inputs["enabled"] is True
        assert rule.inputs["evaluationFrequency"] == "PT5M"
        assert rule.inputs["windowSize"] == "PT15M"
        assert rule.inputs["severity"] in (0, 1, 2)
        assert rule.inputs["actions"] == {"actionGroups": [group.id]}
        assert {group.urn, workspace.urn, setting.urn} <= set(rule.dependencies)
        condition = _query(rule)
        assert condition["timeAggregation"] == "Count"
        assert condition["operator"] == "GreaterThan"
        assert condition["threshold"] == 0
        assert condition["query"].startswith("AzureDiagnostics\n")


def test_key_alert_query_names_this_key_and_its_lifecycle_operations(plan):
    rule = alert(plan, "-key-lifecycle", SCHEDULED_QUERY_RULE)
    query = _query(rule)["query"]
    assert query == key_lifecycle_query(VAULT_ID, "cmkpg-key")
    assert f'ResourceId =~ "{VAULT_ID}"' in query
    assert 'KeyName =~ "cmkpg-key"' in query
    assert 'OperationName in ("KeyDelete", "KeyPurge", "KeyUpdate")' in query
    assert "deleted)?keys/" in query  # a purge names /deletedkeys/<name>
    assert KEY_LIFECYCLE_OPERATIONS == ("KeyDelete", "KeyPurge", "KeyUpdate")
    assert plan.outputs["keyAlertId"] == rule.id
    assert "/scheduledQueryRules/" in rule.id


def test_key_access_failure_query_names_the_identity(plan):
    rule = alert(plan, "-key-access", SCHEDULED_QUERY_RULE)
    query = _query(rule)["query"]
    assert query == key_access_failure_query(VAULT_ID, PRINCIPAL)
    assert f'CallerObjectId =~ "{PRINCIPAL}"' in query
    assert '"identity_claim_oid_g"' in query
    assert "identity_claims_objectidentifier_g" in query
    assert 'OperationName in ("KeyGet", "KeyWrap", "KeyUnwrap")' in query
    assert "HttpStatus >= 400" in query
    assert set(KEY_ACCESS_OPERATIONS) == {"KeyGet", "KeyWrap", "KeyUnwrap"}
    assert plan.outputs["keyAccessFailureAlertId"] == rule.id


def test_real_cluster_vault_key_and_identity_ids_flow_in():
    """Ids only known at deployment reach scopes and queries, and carry dependencies."""

    def build():
        identity = CmkIdentity("db", CmkIdentityArgs(location=LOCATION, resource_group_name="rg"))
        vault = CmkVault(
            "db",
            CmkVaultArgs(
                location=LOCATION,
                resource_group_name="rg",
                grantee_principal_id=identity.principal_id,
            ),
        )
        key = CmkKey(
            "db",
            CmkKeyArgs(vault_name=vault.name, resource_group_name="rg", name="cmkpg-key"),
        )
        cluster = dbforpostgresql.ServerGroupCluster.get("cluster", CLUSTER_ID)
        monitoring = CmkMonitoring(
            "mon",
            CmkMonitoringArgs(
                resource_group_name="rg",
                location=LOCATION,
                cluster_id=cluster.id,
                vault_id=vault.id,
                key_name=key.name,
                identity_principal_id=identity.principal_id,
                emails=("dba@example.com",),
            ),
        )
        return {
            "vaultId": vault.id,
            "principalId": identity.principal_id,
            "keyAlert": monitoring.key_alert_id,
        }

    plan = run_components(build)
    vault = plan.one(VAULT)
    identity = plan.one(IDENTITY)
    key = plan.one(KEY)
    cluster = next(r for r in plan.resources if r.read)
    vault_id, principal = plan.outputs["vaultId"], plan.outputs["principalId"]
    assert vault_id == vault.id and principal == identity.raw_outputs["principalId"]

    assert alert(plan, "-health").inputs["scopes"] == [CLUSTER_ID]
    assert cluster.urn in alert(plan, "-health").dependencies
    changes = alert(plan, "-vault-changes")
    assert changes.inputs["scopes"] == [vault_id]
    assert vault.urn in changes.dependencies
    setting = plan.one(DIAGNOSTIC_SETTING)
    assert setting.inputs["resourceUri"] == vault_id
    assert vault.urn in setting.dependencies
    lifecycle = alert(plan, "-key-lifecycle", SCHEDULED_QUERY_RULE)
    assert _query(lifecycle)["query"] == key_lifecycle_query(vault_id, "cmkpg-key")
    assert {vault.urn, key.urn} <= set(lifecycle.dependencies)
    access = alert(plan, "-key-access", SCHEDULED_QUERY_RULE)
    assert _query(access)["query"] == key_access_failure_query(vault_id, principal)
    assert {vault.urn, identity.urn} <= set(access.dependencies)
    for resource in plan.resources:
        if resource.type.startswith("azure-native:monitor:"):
            assert child_of(plan, resource).type == COMPONENT


def test_a_secret_input_stays_secret_in_the_query_built_from_it():
    def build():
        secret_principal = pulumi.Output.secret(PRINCIPAL)
        CmkMonitoring("db", args(identity_principal_id=secret_principal))

    plan = run_components(build)
    access = alert(plan, "-key-access", SCHEDULED_QUERY_RULE)
    assert _query(access)["query"] == "[secret]"
    assert PRINCIPAL not in json.dumps(access.inputs)
    lifecycle = alert(plan, "-key-lifecycle", SCHEDULED_QUERY_RULE)
    assert "cmkpg-key" in _query(lifecycle)["query"]


def test_kql_literals_are_escaped():
    query = key_lifecycle_query(VAULT_ID, 'a"b\\c')
    assert 'KeyName =~ "a\\"b\\\\c"' in query


# -- structure ------------------------------------------------------------------------------


def test_everything_is_a_child_of_the_component_and_unprotected(plan):
    custom = [r for r in plan.resources if r.custom]
    assert {r.type for r in custom} == {
        ACTION_GROUP,
        ACTIVITY_LOG_ALERT,
        SCHEDULED_QUERY_RULE,
        DIAGNOSTIC_SETTING,
        WORKSPACE,
    }
    assert len(custom) == 7
    for resource in custom:
        assert child_of(plan, resource).type == COMPONENT
        assert child_of(plan, resource).name == "db"
        assert not resource.protect
        assert resource.name.startswith("db-")
    component = plan.by_urn(custom[0].parent)
    assert set(component.outputs) == {
        "action_group_id",
        "resource_health_alert_id",
        "vault_alert_id",
        "key_alert_id",
        "key_access_failure_alert_id",
        "log_analytics_workspace_id",
        "diagnostic_setting_id",
    }


def test_ids_are_azure_shaped_and_deterministic(plan):
    again = plan_monitoring(
        emails=("dba@example.com", "oncall@example.com"), webhooks=(WEBHOOK_URL,)
    )
    assert again.outputs == plan.outputs
    for key in ("actionGroupId", "resourceHealthAlertId", "keyAlertId", "workspaceId"):
        assert plan.outputs[key].startswith(f"/subscriptions/{SUB}/resourceGroups/rg/providers/")


def test_tags_reach_every_taggable_resource():
    plan = plan_monitoring(tags={"team": "data"})
    for resource in plan.resources:
        if resource.custom and resource.type != DIAGNOSTIC_SETTING:
            assert resource.inputs["tags"] == {"team": "data"}, resource.type


# -- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"emails": (), "webhooks": ()},
            "CmkMonitoringArgs.emails: no receivers; give at least one e-mail address or https "
            "webhook",
        ),
        ({"emails": ("x",)}, "CmkMonitoringArgs.emails: 'x' is not a valid e-mail address"),
        (
            {"emails": ("dba@example",)},
            "CmkMonitoringArgs.emails: 'dba@example' is not a valid e-mail address",
        ),
        (
            {"emails": ("a b@example.com",)},
            "CmkMonitoringArgs.emails: 'a b@example.com' is not a valid e-mail address",
        ),
        (
            {"emails": ("dba@example.com", "DBA@example.com")},
            "CmkMonitoringArgs.emails: 'DBA@example.com' is listed more than once",
        ),
        (
            {"emails": "dba@example.com"},
            "CmkMonitoringArgs.emails: 'dba@example.com' is not a list",
        ),
        (
            {"webhooks": ("http://hooks.example.com/x?token=abc",)},
            "CmkMonitoringArgs.webhooks: 'http://hooks.example.com/…' is not an https URL",
        ),
        ({"webhooks": ("https://",)}, "CmkMonitoringArgs.webhooks: '<redacted>' has no"),
        (
            {"webhooks": ("https:///path",)},
            "CmkMonitoringArgs.webhooks: '<redacted>' has no valid host",
        ),
        (
            {"webhooks": (WEBHOOK_URL, WEBHOOK_URL)},
            "CmkMonitoringArgs.webhooks: 'https://hooks.example.com/…' is listed more than once",
        ),
        (
            {"log_analytics_workspace_id": "central-logs"},
            "CmkMonitoringArgs.log_analytics_workspace_id: 'central-logs' is not a resource id",
        ),
        (
            {"log_analytics_workspace_id": VAULT_ID},
            "is a Microsoft.KeyVault/vaults id; use a Microsoft.OperationalInsights/workspaces id",
        ),
        (
            {"log_retention_days": 7},
            "CmkMonitoringArgs.log_retention_days: 7 is out of range; use 30..730",
        ),
        (
            {"log_retention_days": 731},
            "CmkMonitoringArgs.log_retention_days: 731 is out of range; use 30..730",
        ),
        (
            {"log_retention_days": True},
            "CmkMonitoringArgs.log_retention_days: true is not an integer",
        ),
        ({"location": ""}, "CmkMonitoringArgs.location: '' is not valid"),
        ({"cluster_id": VAULT_ID}, "CmkMonitoringArgs.cluster_id: "),
        ({"vault_id": "kv"}, "CmkMonitoringArgs.vault_id: 'kv' is not a resource id"),
        ({"key_name": "bad key"}, "CmkMonitoringArgs.key_name: 'bad key' is not valid"),
        (
            {"identity_principal_id": "me"},
            "CmkMonitoringArgs.identity_principal_id: 'me' is not valid",
        ),
    ],
)
def test_rejects_bad_arguments(overrides, message):
    with pytest.raises(ValidationError) as error:
        args(**overrides)
    assert message in str(error.value)


def test_bad_webhook_never_prints_its_token():
    with pytest.raises(ValidationError) as error:
        args(webhooks=("http://hooks.example.com/services/s3cr3t-token",))
    assert "s3cr3t-token" not in str(error.value)


def test_every_problem_is_reported_at_once():
    with pytest.raises(ValidationError) as error:
        args(emails=("x",), webhooks=("http://a.example.com",), log_retention_days=1)
    assert len(error.value.problems) == 3


def test_nothing_is_registered_for_bad_arguments():
    from cmkpg.preview import engine
    from cmkpg.preview.azure_mocks import AzureMocks

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


# -- rules for the config layer -------------------------------------------------------------


def test_rules_are_reusable_on_their_own():
    assert EMAIL("dba@example.com") is None
    assert EMAIL("dba@") == "is not a valid e-mail address"
    assert EMAIL(None) == "is not a valid e-mail address"
    assert WEBHOOK("https://hooks.example.com/x") is None
    assert WEBHOOK("https://hooks.example.com:8443/x?a=b") is None
    assert WEBHOOK("ftp://hooks.example.com").startswith("is not an https URL")
    assert WEBHOOK(42).startswith("is not a valid webhook")
    assert WEBHOOK("https://bad host.com").startswith("is not a valid webhook")
    assert WEBHOOK("https://host.example.com:99999/").startswith("is not a valid webhook")
    assert RETENTION_DAYS(30) is None and RETENTION_DAYS(730) is None
    assert RETENTION_DAYS(29) == "is out of range; use 30..730"
    assert existing_workspace_id(EXISTING_WORKSPACE) is None
    assert existing_workspace_id("x").startswith("is not a resource id")
    assert redact_webhook(WEBHOOK_URL) == "'https://hooks.example.com/…'"
