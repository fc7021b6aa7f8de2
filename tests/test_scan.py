"""``make scan``: the ARM templates checkov reads, and the gate on its findings.

checkov itself runs only in ``make scan`` (its own virtualenv); these tests pin that each
check reads the property where this project puts it, and that the gate fails on a finding
outside the README's table.
"""

from __future__ import annotations

import json
import re
import stat
import sys
from importlib import import_module
from pathlib import Path

import pytest
from conftest import ROOT

from cmkpg.preview.cli import plan_stack
from tools import scan
from tools.arm_template import ARM_TYPES, to_template, unconverted


@pytest.fixture(scope="module")
def dev_template(dev_plan) -> dict:
    return to_template(dev_plan)


def resources_of(template: dict, arm_type: str) -> list[dict]:
    return [r for r in template["resources"] if r["type"] == arm_type]


def test_the_vault_carries_what_the_key_vault_checks_read(dev_template, dev_plan):
    (vault,) = resources_of(dev_template, "Microsoft.KeyVault/vaults")
    assert vault["name"] == dev_plan.one("azure-native:keyvault:Vault").outputs["name"]
    assert vault["apiVersion"] == "2024-11-01" and vault["location"] == "westeurope"
    properties = vault["properties"]
    # CKV_AZURE_42/110/111 read these two; CKV_AZURE_109/189 the network settings.
    assert properties["enablePurgeProtection"] is True
    assert properties["enableSoftDelete"] is True
    assert properties["publicNetworkAccess"] == "Enabled"
    assert properties["networkAcls"]["defaultAction"] == "Allow"
    assert properties["sku"]["name"] == "premium"


def test_the_key_carries_its_rotation_expiry_and_hsm_type(dev_template, dev_plan):
    (key,) = resources_of(dev_template, "Microsoft.KeyVault/vaults/keys")
    vault = dev_plan.one("azure-native:keyvault:Vault").outputs["name"]
    assert key["name"] == f"{vault}/cmkpg-key"
    # CKV_AZURE_40 reads properties.rotationPolicy.attributes.expiryTime, not attributes.exp.
    assert key["properties"]["rotationPolicy"]["attributes"]["expiryTime"] == "P365D"
    assert key["properties"]["kty"] == "RSA-HSM"  # CKV_AZURE_112
    assert key["properties"]["attributes"]["exp"] > 0  # the wire name, not "expires"


def test_children_and_extension_resources_are_named_and_scoped_as_arm_wants(dev_template, dev_plan):
    vault = dev_plan.one("azure-native:keyvault:Vault")
    (policy,) = resources_of(dev_template, "Microsoft.KeyVault/vaults/accessPolicies")
    assert policy["name"] == f"{vault.outputs['name']}/add"
    assert policy["properties"]["accessPolicies"][0]["permissions"] == {
        "keys": ["get", "wrapKey", "unwrapKey"]
    }
    scopes = {
        d["scope"] for d in resources_of(dev_template, "Microsoft.Insights/diagnosticSettings")
    }
    assert scopes == {vault.id, dev_plan.one("azure-native:dbforpostgresql:ServerGroupCluster").id}
    for setting in resources_of(dev_template, "Microsoft.Insights/diagnosticSettings"):
        assert "resourceUri" not in setting.get("properties", {})
    (cluster,) = resources_of(dev_template, "Microsoft.DBforPostgreSQL/serverGroupsv2")
    assert cluster["properties"]["dataEncryption"]["type"] == "AzureKeyVault"
    assert cluster["properties"]["administratorLoginPassword"] == "[secret]"


def test_nothing_but_random_and_reads_is_left_out(dev_template, dev_plan):
    created = [r for r in dev_plan.resources if r.custom and not r.read]
    azure = [r for r in created if r.type.startswith("azure-native:")]
    assert len(dev_template["resources"]) == len(azure)
    assert {r.type for r in created} - {r.type for r in azure} == {
        "random:index/randomPassword:RandomPassword"
    }


@pytest.mark.parametrize(("project", "stack"), list(scan.shipped_stacks()), ids=str)
def test_every_shipped_stack_converts_completely(project: Path, stack: str):
    assert unconverted(plan_stack(stack, project_dir=project)) == []


# azure-native's hand-written access policy has no generated docstring; it PUTs through the
# vault's API (custom_keyvault_accesspolicy.go uses the armkeyvault vaults client).
CUSTOM = {"azure-native:keyvault:AccessPolicy": "azure-native:keyvault:Vault"}


def test_api_versions_are_the_ones_the_pinned_provider_sends():
    for pulumi_type, arm in ARM_TYPES.items():
        _, module, name = CUSTOM.get(pulumi_type, pulumi_type).split(":")
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
        source = Path(import_module(f"pulumi_azure_native.{module}.{snake}").__file__).read_text()
        found = re.search(r"Uses Azure REST API version ([0-9a-z-]+)", source)
        assert found and found[1] == arm.api_version, pulumi_type


def test_the_readme_table_is_the_accepted_findings():
    readme = (ROOT / "README.md").read_text()
    assert scan.readme_table() in readme


def fake_checkov(tmp_path: Path, failed: list[str]) -> str:
    """An executable that prints a checkov JSON report with these failed checks."""
    report = {
        "check_type": "arm",
        "results": {
            "passed_checks": [],
            "failed_checks": [
                {"check_id": c, "resource": "Microsoft.KeyVault/vaults.v", "file_path": "/dev.json"}
                for c in failed
            ],
        },
        "summary": {"parsing_errors": 0, "checkov_version": "fake"},
    }
    path = tmp_path / "checkov"
    path.write_text(f"#!{sys.executable}\nprint({json.dumps(json.dumps(report))})\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_the_gate_passes_on_accepted_findings_only(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(scan, "shipped_stacks", lambda: iter([(ROOT, "dev")]))
    assert scan.main(["--checkov", fake_checkov(tmp_path, ["CKV_AZURE_109"])]) == 0
    assert scan.main(["--checkov", fake_checkov(tmp_path, ["CKV_AZURE_109", "CKV_AZURE_112"])]) == 1
    out = capsys.readouterr()
    assert "NEW       CKV_AZURE_112" in out.out
    assert "1 finding(s) outside the README's table" in out.err
