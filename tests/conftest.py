"""Shared fixtures: run programs against the Azure-faithful mocks and inspect the plan."""

from __future__ import annotations

import os
import runpy
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pulumi
import pytest
from bad_configs import nest

from cmkpg.preview import engine, update
from cmkpg.preview.azure_mocks import AzureMocks
from cmkpg.preview.cli_config import config_map, engine_config, load_project, stack_config

ROOT = Path(__file__).resolve().parent.parent
MAIN = ROOT / "__main__.py"
PROJECT = load_project(ROOT / "Pulumi.yaml")
LOCATION = "westeurope"
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
# Every program run in the tests sees this clock (restore points, key dates), so the suite
# gives the same answers whatever the date.
os.environ["CMKPG_NOW"] = "2026-11-28T12:00:00Z"
SUB = "00000000-0000-0000-0000-000000000000"
# The smallest valid stack configs: customer-managed (monitoring needs a receiver) and
# service-managed.
CMK = {"location": LOCATION, "monitoring": {"emails": ["dba-oncall@example.com"]}}
SMK = {"location": LOCATION, "encryption": "serviceManaged"}

# Stack outputs: of every stack, of customer-managed ones, with monitoring, restore/replica.
COMMON_OUTPUTS = {
    "location",
    "service",
    "resourceGroupName",
    "encryption",
    "clusterId",
    "clusterName",
    "coordinatorFqdn",
    "administratorLogin",
    "administratorLoginPassword",
    "connectionString",
}
CMK_OUTPUTS = {
    "identityId",
    "identityPrincipalId",
    "vaultId",
    "vaultUri",
    "keyId",
    "keyUri",
    "keyVersionedUri",
    "keyProperties",
}
MONITORING_OUTPUTS = {
    "actionGroupId",
    "keyExpiryAlertId",
    "resourceHealthAlertId",
    "vaultAlertId",
    "keyAlertId",
    "keyAccessFailureAlertId",
    "logAnalyticsWorkspaceId",
}
SOURCE_OUTPUTS = {"restoredFrom", "replicaOf"}
# An elastic cluster with a customer-managed key, and with geo-redundant backup.
ELASTIC_OUTPUTS = {"primaryKeyStatus"}
GEO_BACKUP_OUTPUTS = {
    "geoBackupLocation",
    "geoBackupIdentityId",
    "geoBackupVaultId",
    "geoBackupKeyId",
    "geoBackupKeyUri",
}

CLUSTER = "azure-native:dbforpostgresql:ServerGroupCluster"
VAULT = "azure-native:keyvault:Vault"
KEY = "azure-native:keyvault:Key"
ACCESS_POLICY = "azure-native:keyvault:AccessPolicy"
IDENTITY = "azure-native:managedidentity:UserAssignedIdentity"
RESOURCE_GROUP = "azure-native:resources:ResourceGroup"
PASSWORD = "random:index/randomPassword:RandomPassword"

# ``resolve_protect``'s rule, as every component applies it: (args.protect, opts.protect,
# protected?). The args win, else opts, else True; both given and different is refused.
PROTECT_PRECEDENCE = [
    (None, None, True),
    (True, None, True),
    (False, None, False),
    (None, True, True),
    (None, False, False),
    (True, True, True),
    (False, False, False),
]
PROTECT_CONTRADICTIONS = [(True, False), (False, True)]


def arm_id(rg: str, provider_path: str) -> str:
    return f"/subscriptions/{SUB}/resourceGroups/{rg}/providers/{provider_path}"


def run_components(
    build: Callable[[], Mapping[str, Any] | None],
    *,
    mocks: AzureMocks | None = None,
    config: Mapping[str, str] | None = None,
    stack: str = "test",
    deployed: engine.Plan | None = None,
) -> engine.Plan:
    """Run ``build`` as a Pulumi program; whatever mapping it returns is exported. With
    ``deployed`` (an earlier plan), plan the update of what ``pulumi up`` of it deployed."""

    def program() -> None:
        for name, value in (build() or {}).items():
            pulumi.export(name, value)

    deployment = update.deployment_of(deployed) if deployed is not None else None
    return engine.run(
        program,
        project="cmkpg",
        stack=stack,
        config=dict(config or {}),
        mocks=mocks or AzureMocks(deployment=deployment),
        deployment=deployment,
    )


def cli_config(
    config: Mapping[str, Any], *, stack: str = "dev", secret_keys: tuple[str, ...] = ()
) -> tuple[dict[str, str], list[str]]:
    """What the Pulumi CLI would hand the program for a stack file whose ``config:`` is
    ``config`` (keys without a namespace are ``cmkpg``'s, dotted keys are paths into their
    objects as ``--path`` writes them; values as YAML holds them): the
    declared defaults merged into objects, types checked (cmkpg.preview.cli_config). Keys in
    ``secret_keys`` are stored as ``secure:`` values, which this test decrypter reveals."""
    document = {(k if ":" in k else f"cmkpg:{k}"): v for k, v in nest(config).items()}
    for key in secret_keys:
        full = key if ":" in key else f"cmkpg:{key}"
        if full not in document:
            continue
        value = document[full]
        document[full] = (
            [{"secure": item} for item in value] if isinstance(value, list) else {"secure": value}
        )
    prepared = stack_config(document, PROJECT, stack, decrypt=lambda text: text)
    return prepared.values, prepared.secret_keys


def raw_config(
    config: Mapping[str, Any], *, secret_keys: tuple[str, ...] = ()
) -> tuple[dict[str, str], list[str]]:
    """The strings a program receives for ``config`` when nothing merged or checked it first
    (the Automation API, or a CLI that skipped validation): no defaults, no type check."""
    document = {(k if ":" in k else f"cmkpg:{k}"): v for k, v in nest(config).items()}
    config_values, _ = config_map(document, PROJECT, "test")
    prepared = engine_config(config_values, decrypt=lambda text: text)
    secrets = sorted({*prepared.secret_keys, *(f"cmkpg:{k}" for k in secret_keys)})
    return prepared.values, secrets


def run_stack(
    config: Mapping[str, Any],
    *,
    stack: str = "dev",
    secret_keys: tuple[str, ...] = (),
    mocks: AzureMocks | None = None,
    monitor: engine.RecordingMonitor | None = None,
    through_cli: bool = True,
    deployed: engine.Plan | update.Deployment | None = None,
    organization: str = engine.ORGANIZATION,
) -> engine.Plan:
    """Run the real ``__main__.py`` with the config the CLI would prepare from ``config``
    (see :func:`cli_config`), or with the bare strings (``through_cli=False``). With
    ``deployed`` (a first-deployment plan, or a deployment), plan the update of it."""
    deployment = update.deployment_of(deployed) if isinstance(deployed, engine.Plan) else deployed
    if mocks is None:
        mocks = AzureMocks(deployment=deployment)
    elif deployment is not None:
        mocks.deployment = deployment
    values, secrets = (
        cli_config(config, stack=stack, secret_keys=secret_keys)
        if through_cli
        else raw_config(config, secret_keys=secret_keys)
    )
    return engine.run(
        lambda: runpy.run_path(str(MAIN), run_name="__main__"),
        project="cmkpg",
        stack=stack,
        config=values,
        secret_keys=secrets,
        mocks=mocks,
        monitor=monitor,
        deployment=deployment,
        organization=organization,
    )


def created_types(plan: engine.Plan) -> set[str]:
    """Types of the resources the plan creates (not components, not reads)."""
    return {r.type for r in plan.resources if r.custom and not r.read}


def child_of(plan: engine.Plan, resource: engine.Registration) -> engine.Registration:
    """The component a resource was registered under."""
    return plan.by_urn(resource.parent)


@pytest.fixture(scope="session")
def dev_plan() -> engine.Plan:
    """The dev stack (Pulumi.dev.yaml) planned once for the read-only tests."""
    from cmkpg.preview.cli import plan_stack

    return plan_stack("dev", project_dir=ROOT)
