"""CmkMonitoring: know when the cluster loses its customer-managed key.

A cluster whose identity can no longer wrap and unwrap its key becomes "Inaccessible". This
component watches every way that happens and notifies people through one action group:

* Resource Health of the cluster (Unavailable or Degraded: how "Inaccessible" shows);
* ARM operations on the vault that can break access (vault deleted, access policies
  changed, vault properties changed), from the activity log;
* the vault's audit log (``AuditEvent``) in Log Analytics, and two log-search alerts on it:
  lifecycle changes of *this* key (deleted, purged, updated, which includes disabled) and
  failed key operations by the cluster's identity. Key operations are data-plane calls that
  never reach the activity log, so only the audit log sees them.

Queries read the ``AzureDiagnostics`` table, where a diagnostic setting without
``logAnalyticsDestinationType`` sends Key Vault audit events.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pulumi
from pulumi_azure_native import monitor, operationalinsights

from .base import child_options, type_token
from .key import KEY_NAME
from .resource_ids import COSMOS_PG_CLUSTER, KEY_VAULT, LOG_ANALYTICS_WORKSPACE, arm_id_rule
from .validation import Rule, check, int_between, matches, raise_if, render

# Log Analytics interactive retention, in days (PerGB2018).
MIN_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 730
DEFAULT_RETENTION_DAYS = 90
# Azure's limit for an action group's short name (shown in SMS and e-mail subjects).
SHORT_NAME_MAX = 12
WORKSPACE_SKU = "PerGB2018"
# Activity-log alerts and action groups are global resources.
GLOBAL_LOCATION = "global"
ACTION_GROUP_LOCATION = "Global"

# Resource Health states that page someone. A cluster that lost its key reports Unavailable.
UNHEALTHY_STATES = ("Unavailable", "Degraded")
# ARM (control-plane) operations on the vault that can cut the cluster off from its key.
VAULT_OPERATIONS = (
    "Microsoft.KeyVault/vaults/delete",
    "Microsoft.KeyVault/vaults/accessPolicies/write",
    "Microsoft.KeyVault/vaults/write",
)
# Key Vault AuditEvent operation names. There is no "KeyDisable": disabling a key, changing
# its expiry or its permitted operations is a KeyUpdate.
KEY_LIFECYCLE_OPERATIONS = ("KeyDelete", "KeyPurge", "KeyUpdate")
# What the service calls on the key; a failure of any of them by the cluster's identity means
# the cluster is losing (or has lost) access.
KEY_ACCESS_OPERATIONS = ("KeyGet", "KeyWrap", "KeyUnwrap")
# Log-search alert timing: evaluated every 5 minutes over the last 15, so events that are
# ingested a few minutes late are still seen. Alerts are stateful (one notification, then
# resolved once the window is clean).
EVALUATION_FREQUENCY = "PT5M"
WINDOW_SIZE = "PT15M"
KEY_LIFECYCLE_SEVERITY = 1
KEY_ACCESS_FAILURE_SEVERITY = 1

_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_EMAIL = re.compile(
    r"(?=.{3,254}$)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9-]+")


def _email(value: object) -> str | None:
    if isinstance(value, str) and len(value.split("@")[0]) <= 64 and _EMAIL.fullmatch(value):
        return None
    return "is not a valid e-mail address"


def _webhook(value: object) -> str | None:
    example = "use an https URL such as https://alerts.example.com/hook"
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        return f"is not a valid webhook; {example}"
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        _ = parts.port  # raises ValueError for a bad port
    except ValueError:
        return f"is not a valid webhook; {example}"
    if parts.scheme.lower() != "https":
        return f"is not an https URL; {example}"
    if not _HOST.fullmatch(host):
        return f"has no valid host; {example}"
    return None


EMAIL: Rule = _email
"""An e-mail address an action group can send to."""
WEBHOOK: Rule = _webhook
"""An ``https://`` URL with a host. Webhook URLs often carry a token: report a bad one with
``check(..., secret=True)`` or :func:`redact_webhook`."""
RETENTION_DAYS: Rule = int_between(MIN_RETENTION_DAYS, MAX_RETENTION_DAYS)
"""Log Analytics retention of a new workspace."""
LOCATION: Rule = matches(r"(?=.*\S)[A-Za-z0-9 ]+", "use a region such as westeurope")
PRINCIPAL_ID: Rule = matches(_GUID, "use an object id such as 00000000-0000-0000-0000-000000000000")


existing_workspace_id = arm_id_rule(LOG_ANALYTICS_WORKSPACE)
"""None for a well-formed Log Analytics workspace id, else the complaint."""


def redact_webhook(value: object) -> str:
    """What of a webhook may appear in a message: scheme and host, never path or query."""
    if not isinstance(value, str):
        return render(value)
    try:
        parts = urlsplit(value)
        scheme, host = parts.scheme, parts.hostname
    except ValueError:
        scheme, host = "", None
    if not scheme or not host:
        return "'<redacted>'"
    return repr(f"{scheme}://{host}/…")


def duplicates(values: Sequence[str], *, fold_case: bool = False) -> list[str]:
    """Values listed more than once (first spelling, in order of first repetition)."""
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if not isinstance(value, str):
            continue
        token = value.lower() if fold_case else value
        if token in seen and value not in repeated:
            repeated.append(value)
        seen.add(token)
    return repeated


def action_group_short_name(component_name: str) -> str:
    """The action group's short name: the component name if it fits in 12 letters, digits and
    hyphens, else its first 7 such characters, a hyphen and 4 hex digits of its hash."""
    cleaned = re.sub(r"[^A-Za-z0-9-]", "", component_name).strip("-")
    if 0 < len(cleaned) <= SHORT_NAME_MAX:
        return cleaned
    suffix = hashlib.sha256(component_name.encode()).hexdigest()[:4]
    head = cleaned[: SHORT_NAME_MAX - len(suffix) - 1].rstrip("-") or "cmk"
    return f"{head}-{suffix}"


def _kql(value: str) -> str:
    """A KQL string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _kql_list(values: Sequence[str]) -> str:
    return "(" + ", ".join(_kql(v) for v in values) + ")"


_AUDIT_EVENTS = (
    "AzureDiagnostics\n"
    '| where ResourceProvider == "MICROSOFT.KEYVAULT" and Category == "AuditEvent"\n'
    "| where ResourceId =~ {vault}\n"
    "| where OperationName in {operations}\n"
    '| extend HttpStatus = toint(column_ifexists("httpStatusCode_d", real(null)))\n'
    "| extend CallerObjectId = coalesce("
    'tostring(column_ifexists("identity_claim_oid_g", "")), tostring(column_ifexists('
    '"identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g", "")))\n'
)


def key_lifecycle_query(vault_id: str, key_name: str) -> str:
    """Successful deletes, purges and updates (enable/disable, expiry, operations) of one key.

    The key name is read from the request's key URI (``id_s``, else ``requestUri_s``):
    ``.../keys/<name>`` or, for a purge, ``.../deletedkeys/<name>``.
    """
    return (
        _AUDIT_EVENTS.format(vault=_kql(vault_id), operations=_kql_list(KEY_LIFECYCLE_OPERATIONS))
        + '| extend KeyName = extract(@"/(?:deleted)?keys/([^/?]+)", 1, coalesce('
        'tostring(column_ifexists("id_s", "")), tostring(column_ifexists("requestUri_s", ""))))\n'
        f"| where KeyName =~ {_kql(key_name)}\n"
        "| where HttpStatus between (200 .. 299)\n"
        "| project TimeGenerated, OperationName, KeyName, HttpStatus, ResultSignature, "
        "CallerObjectId, CallerIPAddress"
    )


def key_access_failure_query(vault_id: str, principal_id: str) -> str:
    """Key operations by the cluster's identity that the vault refused or failed (HTTP 4xx
    or 5xx): access policy removed, key disabled, deleted or expired."""
    return (
        _AUDIT_EVENTS.format(vault=_kql(vault_id), operations=_kql_list(KEY_ACCESS_OPERATIONS))
        + f"| where CallerObjectId =~ {_kql(principal_id)}\n"
        "| where HttpStatus >= 400\n"
        "| project TimeGenerated, OperationName, HttpStatus, ResultSignature, CallerObjectId, "
        'KeyUri = tostring(column_ifexists("id_s", ""))'
    )


@dataclass(frozen=True)
class CmkMonitoringArgs:
    """Arguments of :class:`CmkMonitoring`."""

    resource_group_name: pulumi.Input[str]
    """Resource group of the action group, the alert rules and a new workspace."""

    location: str
    """Region of a new workspace and of the log-search alerts. The action group and the
    activity-log alerts are global, as Azure requires."""

    cluster_id: pulumi.Input[str]
    """ARM id of the Cosmos DB for PostgreSQL cluster whose Resource Health is watched."""

    vault_id: pulumi.Input[str]
    """ARM id of the Key Vault holding the key; its activity and audit logs are watched."""

    key_name: pulumi.Input[str]
    """Name of the key inside that vault."""

    identity_principal_id: pulumi.Input[str]
    """Principal (object) id of the cluster's identity, whose failed key calls alert."""

    emails: Sequence[str] = ()
    """E-mail receivers of the action group. Default: none (but at least one e-mail address
    or webhook is required)."""

    webhooks: Sequence[str] = ()
    """``https://`` webhook receivers (common alert schema). They are stored as secrets,
    since such URLs usually carry a token. Default: none."""

    log_analytics_workspace_id: str | None = None
    """ARM id of an existing Log Analytics workspace for the vault's audit logs. Default:
    None, create one (``PerGB2018``) in ``location``."""

    log_retention_days: int = DEFAULT_RETENTION_DAYS
    """Retention of a new workspace, 30..730 days. Ignored with an existing workspace.
    Default: 90."""

    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of every resource that takes them. Default: none."""

    def __post_init__(self) -> None:
        prefix = "CmkMonitoringArgs."
        problems = check(f"{prefix}location", self.location, LOCATION)
        problems += _plain_id(f"{prefix}cluster_id", self.cluster_id, COSMOS_PG_CLUSTER)
        problems += _plain_id(f"{prefix}vault_id", self.vault_id, KEY_VAULT)
        if isinstance(self.key_name, str):
            problems += check(f"{prefix}key_name", self.key_name, KEY_NAME)
        if isinstance(self.identity_principal_id, str):
            problems += check(
                f"{prefix}identity_principal_id", self.identity_principal_id, PRINCIPAL_ID
            )
        problems += self._receiver_problems(prefix)
        if self.log_analytics_workspace_id is not None:
            problems += check(
                f"{prefix}log_analytics_workspace_id",
                self.log_analytics_workspace_id,
                existing_workspace_id,
            )
        problems += check(f"{prefix}log_retention_days", self.log_retention_days, RETENTION_DAYS)
        raise_if(problems)

    def _receiver_problems(self, prefix: str) -> list[str]:
        problems: list[str] = []
        lists_ok = True
        for name in ("emails", "webhooks"):
            value = getattr(self, name)
            if isinstance(value, str) or not isinstance(value, Sequence):
                problems.append(f"{prefix}{name}: {render(value)} is not a list; use a list")
                lists_ok = False
        if not lists_ok:
            return problems
        if not self.emails and not self.webhooks:
            return [
                f"{prefix}emails: no receivers; give at least one e-mail address or https webhook"
            ]
        for email in self.emails:
            problems += check(f"{prefix}emails", email, EMAIL)
        for webhook in self.webhooks:
            complaint = WEBHOOK(webhook)
            if complaint:
                problems.append(f"{prefix}webhooks: {redact_webhook(webhook)} {complaint}")
        for email in duplicates(list(self.emails), fold_case=True):
            problems.append(f"{prefix}emails: {render(email)} is listed more than once")
        for webhook in duplicates(list(self.webhooks)):
            problems.append(f"{prefix}webhooks: {redact_webhook(webhook)} is listed more than once")
        return problems


def _plain_id(field_name: str, value: object, resource_type: str) -> list[str]:
    """Check an id given as a plain string; an Output is only known at deployment."""
    if isinstance(value, str):
        return check(field_name, value, arm_id_rule(resource_type))
    return []


class CmkMonitoring(pulumi.ComponentResource):
    """Alerts for every way a cluster can lose its customer-managed key, routed to one action
    group, and the vault's audit logs in Log Analytics.

    Registers an action group (e-mail and webhook receivers, common alert schema), a
    Resource Health alert on the cluster, an activity-log alert on the vault's ARM
    operations, a diagnostic setting sending the vault's ``AuditEvent`` logs and
    ``AllMetrics`` to a Log Analytics workspace (created unless one is given), and two
    log-search alerts on those logs: lifecycle changes of the key and failed key operations by
    the cluster's identity. Nothing it creates is protected: it holds no data but logs.
    """

    action_group_id: pulumi.Output[str]
    resource_health_alert_id: pulumi.Output[str]
    """Cluster Resource Health Unavailable or Degraded."""
    vault_alert_id: pulumi.Output[str]
    """Vault deleted, its access policies or properties changed (activity log)."""
    key_alert_id: pulumi.Output[str]
    """The key deleted, purged or updated (audit log)."""
    key_access_failure_alert_id: pulumi.Output[str]
    """The cluster's identity failed to get, wrap or unwrap with a key (audit log)."""
    log_analytics_workspace_id: pulumi.Output[str]
    diagnostic_setting_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: CmkMonitoringArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("CmkMonitoring"), name, None, opts)
        tags = dict(args.tags) or None

        action_group = monitor.ActionGroup(
            f"{name}-actions",
            resource_group_name=args.resource_group_name,
            location=ACTION_GROUP_LOCATION,
            enabled=True,
            group_short_name=action_group_short_name(name),
            email_receivers=[
                monitor.MicrosoftCommonEmailReceiverArgs(
                    name=f"email-{i}", email_address=email, use_common_alert_schema=True
                )
                for i, email in enumerate(args.emails, start=1)
            ]
            or None,
            webhook_receivers=[
                monitor.WebhookReceiverArgs(
                    name=f"webhook-{i}",
                    service_uri=pulumi.Output.secret(url),
                    use_common_alert_schema=True,
                    use_aad_auth=False,
                )
                for i, url in enumerate(args.webhooks, start=1)
            ]
            or None,
            tags=tags,
            opts=child_options(self),
        )
        notify = monitor.ActionListArgs(
            action_groups=[monitor.ActionGroupArgs(action_group_id=action_group.id)]
        )

        health_alert = self._activity_log_alert(
            f"{name}-health",
            args,
            notify,
            scope=args.cluster_id,
            category="ResourceHealth",
            field="properties.currentHealthStatus",
            any_of=UNHEALTHY_STATES,
            description=(
                "The Cosmos DB for PostgreSQL cluster is Unavailable or Degraded in Resource "
                "Health. After losing access to its customer-managed key it is Inaccessible, "
                "which shows as Unavailable."
            ),
        )
        vault_alert = self._activity_log_alert(
            f"{name}-vault-changes",
            args,
            notify,
            scope=args.vault_id,
            category="Administrative",
            field="operationName",
            any_of=VAULT_OPERATIONS,
            description=(
                "The Key Vault holding the cluster's key was deleted, or its access policies "
                "or properties changed; any of these can cut the cluster off from its key."
            ),
        )

        if args.log_analytics_workspace_id is not None:
            workspace_id = pulumi.Output.from_input(args.log_analytics_workspace_id)
        else:
            workspace = operationalinsights.Workspace(
                f"{name}-logs",
                resource_group_name=args.resource_group_name,
                location=args.location,
                sku=operationalinsights.WorkspaceSkuArgs(name=WORKSPACE_SKU),
                retention_in_days=args.log_retention_days,
                tags=tags,
                opts=child_options(self),
            )
            workspace_id = workspace.id

        # No logAnalyticsDestinationType: the audit events land in AzureDiagnostics, which
        # the queries below read.
        diagnostic_setting = monitor.DiagnosticSetting(
            f"{name}-vault-audit",
            name=f"{name}-vault-audit",
            resource_uri=args.vault_id,
            workspace_id=workspace_id,
            logs=[monitor.DiagnosticsLogSettingsArgs(category="AuditEvent", enabled=True)],
            metrics=[monitor.DiagnosticsMetricSettingsArgs(category="AllMetrics", enabled=True)],
            opts=child_options(self),
        )

        vault_id = pulumi.Output.from_input(args.vault_id)
        key_alert = self._log_alert(
            f"{name}-key-lifecycle",
            args,
            workspace_id=workspace_id,
            action_group=action_group,
            after=diagnostic_setting,
            severity=KEY_LIFECYCLE_SEVERITY,
            description=(
                "The cluster's key was deleted, purged or updated (disabled, expiry or "
                "permitted operations changed), from the Key Vault audit log."
            ),
            query=pulumi.Output.all(vault_id, args.key_name).apply(
                lambda a: key_lifecycle_query(a[0], a[1])
            ),
        )
        access_alert = self._log_alert(
            f"{name}-key-access",
            args,
            workspace_id=workspace_id,
            action_group=action_group,
            after=diagnostic_setting,
            severity=KEY_ACCESS_FAILURE_SEVERITY,
            description=(
                "The cluster's identity failed to get, wrap or unwrap with a key in the "
                "vault (HTTP 4xx/5xx in the Key Vault audit log)."
            ),
            query=pulumi.Output.all(vault_id, args.identity_principal_id).apply(
                lambda a: key_access_failure_query(a[0], a[1])
            ),
        )

        self.action_group_id = action_group.id
        self.resource_health_alert_id = health_alert.id
        self.vault_alert_id = vault_alert.id
        self.key_alert_id = key_alert.id
        self.key_access_failure_alert_id = access_alert.id
        self.log_analytics_workspace_id = workspace_id
        self.diagnostic_setting_id = diagnostic_setting.id
        outputs: dict[str, Any] = {
            "action_group_id": self.action_group_id,
            "resource_health_alert_id": self.resource_health_alert_id,
            "vault_alert_id": self.vault_alert_id,
            "key_alert_id": self.key_alert_id,
            "key_access_failure_alert_id": self.key_access_failure_alert_id,
            "log_analytics_workspace_id": self.log_analytics_workspace_id,
            "diagnostic_setting_id": self.diagnostic_setting_id,
        }
        self.register_outputs(outputs)

    def _activity_log_alert(
        self,
        logical_name: str,
        args: CmkMonitoringArgs,
        notify: monitor.ActionListArgs,
        *,
        scope: pulumi.Input[str],
        category: str,
        field: str,
        any_of: Sequence[str],
        description: str,
    ) -> monitor.ActivityLogAlert:
        """A global activity-log alert on ``scope``: ``category`` and ``field`` equal to any
        of ``any_of``."""
        return monitor.ActivityLogAlert(
            logical_name,
            resource_group_name=args.resource_group_name,
            location=GLOBAL_LOCATION,
            enabled=True,
            description=description,
            scopes=[scope],
            condition=monitor.AlertRuleAllOfConditionArgs(
                all_of=[
                    monitor.AlertRuleAnyOfOrLeafConditionArgs(field="category", equals=category),
                    monitor.AlertRuleAnyOfOrLeafConditionArgs(
                        any_of=[
                            monitor.AlertRuleLeafConditionArgs(field=field, equals=value)
                            for value in any_of
                        ]
                    ),
                ]
            ),
            actions=notify,
            tags=dict(args.tags) or None,
            opts=child_options(self),
        )

    def _log_alert(
        self,
        logical_name: str,
        args: CmkMonitoringArgs,
        *,
        workspace_id: pulumi.Output[str],
        action_group: monitor.ActionGroup,
        after: pulumi.Resource,
        severity: int,
        description: str,
        query: pulumi.Output[str],
    ) -> monitor.ScheduledQueryRule:
        """A log-search alert on the workspace that fires when ``query`` returns any row."""
        return monitor.ScheduledQueryRule(
            logical_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            kind="LogAlert",
            enabled=True,
            description=description,
            display_name=logical_name,
            scopes=[workspace_id],
            severity=severity,
            evaluation_frequency=EVALUATION_FREQUENCY,
            window_size=WINDOW_SIZE,
            auto_mitigate=True,
            # A new workspace has no AzureDiagnostics table until the vault's first audit
            # event arrives; validation would reject the query until then.
            skip_query_validation=True,
            criteria=monitor.ScheduledQueryRuleCriteriaArgs(
                all_of=[
                    monitor.ConditionArgs(
                        query=query,
                        time_aggregation="Count",
                        operator="GreaterThan",
                        threshold=0,
                        failing_periods=monitor.ConditionFailingPeriodsArgs(
                            number_of_evaluation_periods=1, min_failing_periods_to_alert=1
                        ),
                    )
                ]
            ),
            actions=monitor.ActionsArgs(action_groups=[action_group.id]),
            tags=dict(args.tags) or None,
            opts=child_options(self, depends_on=[after]),
        )
