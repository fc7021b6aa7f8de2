"""CmkMonitoring: know when the cluster loses its customer-managed key.

A cluster whose identity can no longer wrap and unwrap its key becomes "Inaccessible". This
component watches every way that happens and notifies people through one action group:

* Resource Health of the cluster (Unavailable or Degraded: how "Inaccessible" shows);
* ARM operations on the vault that can break access (vault deleted, access policies
  changed, vault properties changed), from the activity log;
* the vault's audit log (``AuditEvent``) in Log Analytics, and two log-search alerts on it:
  failed key operations by the cluster's identity (the primary signal: Resource Health
  documents no key check for this resource type) and lifecycle changes of *this* key
  (deleted, purged, updated, which includes disabled). Key operations are data-plane calls
  that never reach the activity log, so only the audit log sees them;
* Key Vault's near-expiry and expired events for the key, through an Event Grid system topic
  on the vault, to the same action group;
* the cluster's own resource logs (category group ``allLogs``) in the same workspace, which
  has local (shared-key) authentication turned off.

Queries read the ``AzureDiagnostics`` table, where a diagnostic setting without
``logAnalyticsDestinationType`` sends Key Vault audit events.
"""

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

import pulumi
from pulumi_azure_native import eventgrid, monitor, operationalinsights

from .base import child_options, type_token
from .key import KEY_NAME
from .regions import location_problems
from .resource_ids import KEY_VAULT, LOG_ANALYTICS_WORKSPACE, arm_id_rule
from .validation import Problem, Rule, check, fields_set, int_between, matches, raise_if, render

if TYPE_CHECKING:
    from .cmk import CmkResources

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
# Key Vault publishes these through Event Grid when a key version nears its expiry (the
# rotation policy's notify action sets how early) and when it has expired.
KEY_EXPIRY_EVENTS = ("Microsoft.KeyVault.KeyNearExpiry", "Microsoft.KeyVault.KeyExpired")
KEY_EXPIRY_SEVERITY = "Sev1"

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
    """Values listed more than once, each once, in its first spelling, in order of first
    repetition."""
    first: dict[str, str] = {}
    repeated: list[str] = []
    for value in values:
        if not isinstance(value, str):
            continue
        token = value.lower() if fold_case else value
        if token in first and first[token] not in repeated:
            repeated.append(first[token])
        first.setdefault(token, value)
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


@dataclass(frozen=True, kw_only=True)
class MonitoringOptions:
    """What a stack chooses about monitoring (the stack config's ``monitoring.*`` and
    ``alertWebhooks``)."""

    emails: Sequence[str] = ()
    """E-mail receivers of the action group. Default: none (but at least one e-mail address
    or webhook is required)."""

    webhooks: Sequence[str] = ()
    """``https://`` webhook receivers (common alert schema). They are stored as secrets,
    since such URLs usually carry a token. Default: none."""

    log_analytics_workspace_id: str | None = None
    """ARM id of an existing Log Analytics workspace for the vault's and the cluster's logs.
    Default: None, create one (``PerGB2018``, local authentication off) in ``location``."""

    log_retention_days: int = DEFAULT_RETENTION_DAYS
    """Retention of a new workspace, 30..730 days. Ignored with an existing workspace.
    Default: 90."""

    def problems(self) -> list[Problem]:
        problems = self._receiver_problems()
        problems += check("log_retention_days", self.log_retention_days, RETENTION_DAYS)
        if self.log_analytics_workspace_id is not None:
            problems += check(
                "log_analytics_workspace_id",
                self.log_analytics_workspace_id,
                existing_workspace_id,
            )
            problems += [
                Problem(
                    name,
                    "is set, but it applies to a workspace this stack creates, not to "
                    "{existing}; remove it",
                    getattr(self, name),
                    refs={"existing": "log_analytics_workspace_id"},
                )
                for name in fields_set(self, ("log_retention_days",))
            ]
        return problems

    def _receiver_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        for name in ("emails", "webhooks"):
            value = getattr(self, name)
            if isinstance(value, str) or not isinstance(value, Sequence):
                problems.append(
                    Problem(name, "is not a list; use a list", value, secret=name == "webhooks")
                )
        if problems:
            return problems
        if not self.emails and not self.webhooks:
            return [
                Problem(
                    "emails",
                    "no receivers; alerts about a lost key must reach someone: give at least "
                    "one e-mail address or https webhook",
                )
            ]
        for email in self.emails:
            problems += check("emails", email, EMAIL)
        for webhook in self.webhooks:
            if complaint := WEBHOOK(webhook):
                problems.append(Problem("webhooks", f"{redact_webhook(webhook)} {complaint}"))
        problems += [
            Problem("emails", "is listed more than once", email)
            for email in duplicates(list(self.emails), fold_case=True)
        ]
        problems += [
            Problem("webhooks", f"{redact_webhook(webhook)} is listed more than once")
            for webhook in duplicates(list(self.webhooks))
        ]
        return problems


class ClusterLike(Protocol):
    """A cluster component (:class:`~cmkpg.EncryptedCosmosPgCluster`, or an elastic one)."""

    @property
    def cluster_id(self) -> pulumi.Output[str]: ...


@dataclass(frozen=True)
class MonitoredKey:
    """The key to watch, when its identity, vault and key are not components of this program
    (a key owned by another stack)."""

    vault_id: pulumi.Input[str]
    """ARM id of the vault; its activity and audit logs are watched."""
    key_name: pulumi.Input[str]
    """Name of the key in that vault."""
    identity_principal_id: pulumi.Input[str]
    """Principal (object) id of the cluster's identity, whose failed key calls alert."""
    expiry_events: bool = False
    """Route the vault's key-expiry events to the action group. This needs an Event Grid
    system topic on the vault, and a vault has at most one: leave it to the vault's owners
    unless this program created the vault. Default: False."""

    def problems(self) -> list[Problem]:
        """Checks of the values given as plain strings (Outputs are known only later)."""
        problems: list[Problem] = []
        for name, rule in (
            ("vault_id", arm_id_rule(KEY_VAULT)),
            ("key_name", KEY_NAME),
            ("identity_principal_id", PRINCIPAL_ID),
        ):
            value = getattr(self, name)
            if isinstance(value, str):
                problems += check(name, value, rule)
        return problems

    @classmethod
    def of(cls, cmk: "CmkResources") -> "MonitoredKey":
        """The identity, vault and key built by :func:`~cmkpg.create_customer_managed_key`;
        expiry events are routed when the vault is this program's own."""
        return cls(
            vault_id=cmk.vault.vault_id,
            key_name=cmk.key.name,
            identity_principal_id=cmk.identity.principal_id,
            expiry_events=cmk.vault.sku is not None,
        )


@dataclass(frozen=True, kw_only=True)
class CmkMonitoringArgs(MonitoringOptions):
    """Arguments of :class:`CmkMonitoring`: the :class:`MonitoringOptions` plus what to watch."""

    resource_group_name: pulumi.Input[str]
    """Resource group of the action group, the alert rules and a new workspace."""

    location: str
    """Region of a new workspace and of the log-search alerts. The action group and the
    activity-log alerts are global, as Azure requires."""

    cluster: ClusterLike
    """The cluster whose Resource Health and logs are watched."""

    key: "MonitoredKey | CmkResources"
    """The key: a :func:`~cmkpg.create_customer_managed_key` result, or a
    :class:`MonitoredKey`."""

    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of every resource that takes them. Default: none."""

    def problems(self) -> list[Problem]:
        problems = location_problems("location", self.location) + super().problems()
        if not hasattr(self.cluster, "cluster_id"):
            problems.append(
                Problem(
                    "cluster",
                    "is not a cluster component (it has no cluster_id)",
                    type(self.cluster).__name__,
                )
            )
        if isinstance(self.key, MonitoredKey):
            problems += [p.within("key") for p in self.key.problems()]
        elif not all(hasattr(self.key, part) for part in ("identity", "vault", "key")):
            problems.append(
                Problem(
                    "key",
                    "is neither a MonitoredKey nor what create_customer_managed_key returns",
                    type(self.key).__name__,
                )
            )
        return problems

    def __post_init__(self) -> None:
        raise_if(self.problems(), type(self).__name__)

    @property
    def watched(self) -> MonitoredKey:
        return self.key if isinstance(self.key, MonitoredKey) else MonitoredKey.of(self.key)


class CmkMonitoring(pulumi.ComponentResource):
    """Alerts for every way a cluster can lose its customer-managed key, routed to one action
    group, and the vault's and the cluster's logs in Log Analytics.

    Registers an action group (e-mail and webhook receivers, common alert schema); the
    failed-key-access log alert, the primary signal; a key-lifecycle log alert; an
    activity-log alert on the vault's ARM operations; a Resource Health alert on the cluster;
    the key's expiry events (Event Grid, to the same action group); diagnostic settings that
    send the vault's ``AuditEvent`` logs and the cluster's logs to a Log Analytics workspace
    (created, with local authentication off, unless one is given). Nothing it creates is
    protected: it holds no data but logs.
    """

    action_group_id: pulumi.Output[str]
    """ARM id of the action group."""
    resource_health_alert_id: pulumi.Output[str]
    """Cluster Resource Health Unavailable or Degraded."""
    vault_alert_id: pulumi.Output[str]
    """Vault deleted, its access policies or properties changed (activity log)."""
    key_alert_id: pulumi.Output[str]
    """The key deleted, purged or updated (audit log)."""
    key_access_failure_alert_id: pulumi.Output[str]
    """The cluster's identity failed to get, wrap or unwrap with a key (audit log): the
    primary key-loss signal."""
    key_expiry_alert_id: pulumi.Output[str]
    """Id of the Event Grid subscription that turns key-expiry events into alerts; empty when
    the vault is not this program's."""
    log_analytics_workspace_id: pulumi.Output[str]
    """ARM id of the workspace that holds the logs."""

    def __init__(
        self, name: str, args: CmkMonitoringArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("CmkMonitoring"), name, None, opts)
        tags = dict(args.tags) or None
        key = args.watched

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
        cluster_id = args.cluster.cluster_id

        health_alert = self._activity_log_alert(
            f"{name}-health",
            args,
            notify,
            scope=cluster_id,
            category="ResourceHealth",
            field="properties.currentHealthStatus",
            any_of=UNHEALTHY_STATES,
            description=(
                "The cluster is Unavailable or Degraded in Resource Health. A cluster that lost "
                "its customer-managed key shows as Inaccessible; Resource Health documents only "
                "maintenance and reconfiguration checks for this type, so the failed-key-access "
                "alert is the primary signal."
            ),
        )
        vault_alert = self._activity_log_alert(
            f"{name}-vault-changes",
            args,
            notify,
            scope=key.vault_id,
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
                # Entra ID only: no shared-key ingestion (Azure Policy e15effd4).
                features=operationalinsights.WorkspaceFeaturesArgs(disable_local_auth=True),
                tags=tags,
                opts=child_options(self),
            )
            workspace_id = workspace.id

        # No logAnalyticsDestinationType: the audit events land in AzureDiagnostics, which
        # the queries below read.
        # Diagnostic settings are named per stack: two stacks watching one existing vault
        # must not take over each other's setting.
        setting_prefix = f"{pulumi.get_project()}-{pulumi.get_stack()}-{name}"
        diagnostic_setting = monitor.DiagnosticSetting(
            f"{name}-vault-audit",
            name=f"{setting_prefix}-vault-audit",
            resource_uri=key.vault_id,
            workspace_id=workspace_id,
            logs=[monitor.DiagnosticsLogSettingsArgs(category="AuditEvent", enabled=True)],
            metrics=[monitor.DiagnosticsMetricSettingsArgs(category="AllMetrics", enabled=True)],
            opts=child_options(self),
        )
        # The cluster's own logs (Azure Policy 84509667, "Enable logging by category group for
        # microsoft.dbforpostgresql/servergroupsv2 to Log Analytics").
        monitor.DiagnosticSetting(
            f"{name}-cluster-logs",
            name=f"{setting_prefix}-cluster-logs",
            resource_uri=cluster_id,
            workspace_id=workspace_id,
            logs=[monitor.DiagnosticsLogSettingsArgs(category_group="allLogs", enabled=True)],
            opts=child_options(self),
        )

        vault_id = pulumi.Output.from_input(key.vault_id)
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
            query=pulumi.Output.all(vault_id, key.key_name).apply(
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
                "vault (HTTP 4xx/5xx in the Key Vault audit log): the cluster is losing, or "
                "has lost, access to its data."
            ),
            query=pulumi.Output.all(vault_id, key.identity_principal_id).apply(
                lambda a: key_access_failure_query(a[0], a[1])
            ),
        )
        expiry_id = (
            self._expiry_events(name, args, key, action_group).id
            if key.expiry_events
            else pulumi.Output.from_input("")
        )

        self.action_group_id = action_group.id
        self.resource_health_alert_id = health_alert.id
        self.vault_alert_id = vault_alert.id
        self.key_alert_id = key_alert.id
        self.key_access_failure_alert_id = access_alert.id
        self.key_expiry_alert_id = expiry_id
        self.log_analytics_workspace_id = workspace_id
        self.register_outputs(
            {
                "action_group_id": self.action_group_id,
                "resource_health_alert_id": self.resource_health_alert_id,
                "vault_alert_id": self.vault_alert_id,
                "key_alert_id": self.key_alert_id,
                "key_access_failure_alert_id": self.key_access_failure_alert_id,
                "key_expiry_alert_id": self.key_expiry_alert_id,
                "log_analytics_workspace_id": self.log_analytics_workspace_id,
            }
        )

    def _expiry_events(
        self,
        name: str,
        args: CmkMonitoringArgs,
        key: MonitoredKey,
        action_group: monitor.ActionGroup,
    ) -> eventgrid.SystemTopicEventSubscription:
        """Key Vault's near-expiry and expired events for this key, delivered by Event Grid to
        Azure Monitor as alerts through the action group."""
        topic = eventgrid.SystemTopic(
            f"{name}-vault-events",
            resource_group_name=args.resource_group_name,
            location=args.location,
            source=key.vault_id,
            topic_type="Microsoft.KeyVault.vaults",
            tags=dict(args.tags) or None,
            opts=child_options(self),
        )
        return eventgrid.SystemTopicEventSubscription(
            f"{name}-key-expiry",
            resource_group_name=args.resource_group_name,
            system_topic_name=topic.name,
            event_subscription_name=f"{name}-key-expiry",
            filter=eventgrid.EventSubscriptionFilterArgs(
                included_event_types=list(KEY_EXPIRY_EVENTS),
                advanced_filters=[
                    eventgrid.StringInAdvancedFilterArgs(
                        key="subject", operator_type="StringIn", values=[key.key_name]
                    )
                ],
            ),
            destination=eventgrid.MonitorAlertEventSubscriptionDestinationArgs(
                endpoint_type="MonitorAlert",
                action_groups=[action_group.id],
                severity=KEY_EXPIRY_SEVERITY,
                description=(
                    "A version of the cluster's customer-managed key is about to expire, or has "
                    "expired: check that the rotation policy rotated it (README, 'Key rotation')."
                ),
            ),
            opts=child_options(self),
        )

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
