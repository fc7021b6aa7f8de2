"""The offline preview command: output, JSON plan, exit codes and determinism."""

from __future__ import annotations

import io
import json

import pytest
import yaml
from bad_configs import CASES, BadConfig, nest
from conftest import ROOT

from cmkpg.config import ConfigError
from cmkpg.preview import cli as preview
from cmkpg.preview.cli_config import SECRET_PLACEHOLDER

PLAN_FIELDS = {
    "urn",
    "type",
    "name",
    "parent",
    "custom",
    "inputs",
    "outputs",
    "dependencies",
    "protect",
    "retainOnDelete",
    "replaceOnChanges",
    "ignoreChanges",
}


def run_preview(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    if "--project-dir" not in argv:
        argv = ("--project-dir", str(ROOT), *argv)
    code = preview.main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def write_stack(tmp_path, config: dict, name: str = "Pulumi.case.yaml"):
    namespaced = {(k if ":" in k else f"cmkpg:{k}"): v for k, v in nest(config).items()}
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"config": namespaced}))
    return path


def test_default_preview_prints_the_tree_outputs_and_summary():
    code, out, err = run_preview()
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Previewing update (dev) offline")
    for component, child in [
        ("cmkpg:index:CmkIdentity", "azure-native:managedidentity:UserAssignedIdentity"),
        ("cmkpg:index:CmkVault", "azure-native:keyvault:Vault"),
        ("cmkpg:index:CmkVault", "azure-native:keyvault:AccessPolicy"),
        ("cmkpg:index:CmkKey", "azure-native:keyvault:Key"),
        ("cmkpg:index:EncryptedCosmosPgCluster", "azure-native:dbforpostgresql:ServerGroupCluster"),
    ]:
        parent_line = next(
            i
            for i, line in enumerate(lines)
            if f"├─ {component} " in line or f"└─ {component} " in line
        )
        child_line = next(i for i, line in enumerate(lines) if f" {child} " in line)
        assert child_line > parent_line
        # The child is indented one level deeper than its component.
        assert lines[child_line].index(child) == lines[parent_line].index(component) + 3
    assert "administratorLoginPassword: [secret]" in out
    assert "connectionString:           [secret]" in out
    assert "+ 23 to create" in out and "> 1 to read" in out
    assert err == ""


def test_json_plan_has_every_field_and_no_secret_in_clear():
    code, out, _ = run_preview("--json")
    assert code == 0
    document = json.loads(out)
    assert document["project"] == "cmkpg" and document["stack"] == "dev"
    assert len(document["resources"]) == 23
    reads = [r for r in document["resources"] if r["read"]]
    assert [r["type"] for r in reads] == ["pulumi:pulumi:StackReference"]  # the guard's
    for resource in document["resources"]:
        assert set(resource) >= PLAN_FIELDS
    assert document["outputs"]["administratorLoginPassword"] == "[secret]"
    password = next(r for r in document["resources"] if r["type"].endswith("RandomPassword"))
    assert password["outputs"]["result"] == "[secret]"
    assert "Aa1-Bb2_" not in out  # the mock password never appears


def test_two_runs_print_the_same_plan():
    assert run_preview("--json")[1] == run_preview("--json")[1]
    assert run_preview()[1] == run_preview()[1]


def test_secure_values_become_placeholder_secrets(tmp_path):
    path = tmp_path / "Pulumi.sec.yaml"
    path.write_text(
        "config:\n  cmkpg:location: westeurope\n"
        "  cmkpg:monitoring:\n    enabled: false\n"
        "  cmkpg:clusterAdminPassword:\n    secure: v1:AAAA\n"
    )
    code, out, err = run_preview("--stack", "sec", "--config", str(path), "--json")
    assert code == 0, err
    document = json.loads(out)
    assert not any(r["type"].endswith("RandomPassword") for r in document["resources"])
    assert document["outputs"]["administratorLoginPassword"] == "[secret]"
    assert SECRET_PLACEHOLDER not in out


@pytest.mark.parametrize(
    "case", [c for c in CASES if not c.secret_keys and c.cli != ""], ids=lambda c: c.id
)
def test_bad_config_exits_2_with_the_message_on_stderr_only(tmp_path, case: BadConfig):
    path = write_stack(tmp_path, case.full_config(), name=f"Pulumi.{case.stack}.yaml")
    code, out, err = run_preview("--config", str(path))
    assert code == preview.EXIT_INVALID_CONFIG, err
    assert out == ""
    assert (case.cli or case.message) in err
    assert "Traceback" not in err
    prefixes = ("error: ", "To convert", "    pulumi")
    assert all(line.startswith(prefixes) for line in err.splitlines())


def test_the_old_flat_stack_file_exits_2_with_the_commands_that_convert_it(tmp_path):
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(
        "config:\n"
        "  cmkpg:location: westeurope\n"
        "  cmkpg:key.size: 4096\n"
        "  cmkpg:monitoring.emails:\n    - dba-oncall@example.com\n"
    )
    code, out, err = run_preview("--config", str(path))
    assert code == preview.EXIT_INVALID_CONFIG and out == ""
    assert "error: cmkpg:key.size: is a flat key" in err
    assert err.endswith(
        "To convert the flat keys, run:\n"
        "    pulumi config rm key.size\n"
        "    pulumi config set --path key.size 4096\n"
        "    pulumi config rm monitoring.emails\n"
        "    pulumi config set --path 'monitoring.emails[0]' dba-oncall@example.com\n"
    )


def test_missing_stack_file_exits_2():
    code, out, err = run_preview("--stack", "nosuchstack")
    assert code == 2 and out == ""
    assert "Pulumi.nosuchstack.yaml: no such file" in err


def test_a_failing_program_exits_1_without_a_traceback(monkeypatch):
    def explode(*_args, **_kwargs):
        raise RuntimeError("provider said no")

    monkeypatch.setattr(preview, "plan_stack", explode)
    code, out, err = run_preview()
    assert code == preview.EXIT_FAILED
    assert out == "" and err == "error: the preview failed: provider said no\n"


def test_every_shipped_stack_file_previews():
    for path in sorted(ROOT.glob("Pulumi.*.yaml")):
        stack = path.name.split(".")[1]
        code, _, err = run_preview("--stack", stack)
        assert code == 0, f"{path.name}: {err}"


EXPORT = ROOT / "tests" / "fixtures" / "dev-stack-export.json"


def dev_config(tmp_path, change: dict, name: str = "Pulumi.dev.yaml"):
    """Pulumi.dev.yaml with ``change`` applied to its config (as ``config set --path``)."""
    document = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())
    for key, value in change.items():
        full = f"cmkpg:{key}"
        if isinstance(value, dict) and isinstance(document["config"].get(full), dict):
            document["config"][full] = {**document["config"][full], **value}
        else:
            document["config"][full] = value
    (tmp_path / name).write_text(yaml.safe_dump(document))
    return tmp_path / name


def test_from_an_earlier_plan_an_unchanged_stack_is_all_unchanged(tmp_path):
    code, out, _ = run_preview("--json")
    (tmp_path / "plan.json").write_text(out)
    code, out, err = run_preview("--from", str(tmp_path / "plan.json"))
    assert code == 0, err
    assert "Deployed: 23 resources (plan)" in out
    assert "\nResources:\n    23 unchanged\n" in out
    assert " ~ " not in out and "+-" not in out


def test_from_a_stack_export_a_tags_change_updates_and_never_replaces(tmp_path):
    config = dev_config(tmp_path, {"tags": {"cost-center": "42"}})
    code, out, err = run_preview("--config", str(config), "--from", str(EXPORT))
    assert code == 0, err
    cluster = next(line for line in out.splitlines() if "ServerGroupCluster" in line)
    assert cluster.startswith(" ~ ") and "update   [diff: ~tags] protected" in cluster
    assert "+-" not in out and " - " not in out
    assert "Deployed: 23 resources (checkpoint)" in out
    # The export holds ciphertext: the preview says secret inputs could not be compared.
    assert "holds secrets encrypted" in out


def test_json_gives_each_resource_its_step_diff_and_the_body_an_update_sends(tmp_path):
    config = dev_config(tmp_path, {"cluster": {"enableHa": True}})
    code, out, err = run_preview("--config", str(config), "--from", str(EXPORT), "--json")
    assert code == 0, err
    resources = {r["name"]: r for r in json.loads(out)["resources"]}
    cluster = resources["cmkpg-cluster"]
    assert (cluster["step"], cluster["diff"]) == ("update", ["enableHa"])
    # A full PUT: every input is sent again, secrets masked.
    body = cluster["requestBody"]
    assert body["properties"]["enableHa"] is True
    assert body["properties"]["administratorLoginPassword"] == "[secret]"
    assert body["properties"]["dataEncryption"]["type"] == "AzureKeyVault"
    assert (
        resources["cmkpg-vault"]["step"] == "same" and "requestBody" not in resources["cmkpg-vault"]
    )
    assert resources["previous-deployment"]["step"] == "read"


def test_a_change_the_guard_refuses_exits_3_with_the_runbook(tmp_path):
    config = dev_config(
        tmp_path, {"encryption": "serviceManaged", "monitoring": {"enabled": False}}
    )
    document = yaml.safe_load(config.read_text())
    del document["config"]["cmkpg:monitoring"]["emails"]
    for cmk_only in ("cmkpg:vault", "cmkpg:key"):
        del document["config"][cmk_only]
    config.write_text(yaml.safe_dump(document))
    code, out, err = run_preview("--config", str(config), "--from", str(EXPORT))
    assert code == preview.EXIT_REFUSED and out == ""
    assert err.startswith(
        "error: the cluster cmkpg-dev exists and its encryption cannot change in place"
    )
    assert "While processing" not in err  # the root cause, not the SDK's wrapping


def test_a_protected_resource_to_delete_exits_3_in_the_engines_words(tmp_path):
    document = json.loads(EXPORT.read_text())
    gone = "urn:pulumi:dev::cmkpg::azure-native:storage:StorageAccount::old-audit"
    document["deployment"]["resources"].append(
        {
            "urn": gone,
            "custom": True,
            "id": "/subscriptions/x",
            "type": gone.split("::")[2],
            "protect": True,
        }
    )
    (tmp_path / "export.json").write_text(json.dumps(document))
    code, out, err = run_preview("--from", str(tmp_path / "export.json"))
    assert code == preview.EXIT_REFUSED
    row = next(line for line in out.splitlines() if "StorageAccount" in line)
    assert row.startswith(" - ") and "old-audit" in row and "delete" in row
    assert err == (
        f'error: resource "{gone}" cannot be deleted\n'
        "because it is protected. To unprotect the resource, either remove the `protect` flag "
        "from the resource in your Pulumi program and run `pulumi up`, or use the command:\n"
        f"`pulumi state unprotect '{gone}'`\n"
    )


def test_a_from_file_that_is_neither_export_nor_plan_fails_clearly(tmp_path):
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps({"clusterName": "cmkpg-dev"}))  # `pulumi stack output --json`
    code, out, err = run_preview("--from", str(path))
    assert code == preview.EXIT_FAILED and out == ""
    assert "neither a `pulumi stack export`" in err


def test_example_stacks_plan_with_their_stack_reference_resolved():
    code, out, err = run_preview("--project-dir", str(ROOT / "examples" / "database-stack"))
    assert code == 0, err
    assert "pulumi:pulumi:StackReference" in out and "organization/cmkpg-security/dev" in out
    assert "azure-native:dbforpostgresql:ServerGroupCluster" in out


def test_a_secure_list_becomes_a_placeholder_list(tmp_path):
    path = tmp_path / "Pulumi.hooks.yaml"
    path.write_text(
        "config:\n  cmkpg:location: westeurope\n  cmkpg:alertWebhooks:\n    - secure: v1:AAAA\n"
    )
    code, out, err = run_preview("--stack", "hooks", "--config", str(path), "--json")
    assert code == 0, err
    group = next(r for r in json.loads(out)["resources"] if r["type"].endswith("ActionGroup"))
    assert group["inputs"]["webhookReceivers"][0]["serviceUri"] == "[secret]"
    assert "offline-preview.invalid" not in out


def test_the_root_cause_is_found_in_a_cyclic_exception_chain():
    inner, outer = ValueError("the real problem"), RuntimeError("While processing resource")
    outer.__cause__, inner.__cause__ = inner, outer  # what the SDK's re-raising can produce
    assert preview.innermost(outer) is inner
    config = ConfigError(["cmkpg:x: bad"])
    inner.__context__ = config
    assert preview.innermost(outer) is config


# -- brownfield: real ids in another subscription ------------------------------------------------

OTHER_SUB = "11111111-2222-3333-4444-555555555555"  # a made-up subscription
OTHER_VAULT = (
    f"/subscriptions/{OTHER_SUB}/resourceGroups/rg-security/providers/Microsoft.KeyVault/"
    "vaults/kv-security-prod"
)


def brownfield_stack(tmp_path, extra: dict | None = None):
    config = {"location": "westeurope", "vault.existingId": OTHER_VAULT, **(extra or {})}
    config["monitoring.emails"] = ["dba-oncall@example.com"]
    return write_stack(tmp_path, config, name="Pulumi.brown.yaml")


def test_an_existing_vault_in_another_subscription_is_one_clear_line_naming_the_key(tmp_path):
    code, out, err = run_preview("--config", str(brownfield_stack(tmp_path)))
    assert code == preview.EXIT_INVALID_CONFIG and out == ""
    assert err.count("\n") == 1
    assert err.startswith(
        f"error: cmkpg:vault.existingId: the vault kv-security-prod is in subscription "
        f"{OTHER_SUB}, but this stack deploys to 00000000-0000-0000-0000-000000000000"
    )
    assert "set cmkpg:vault.manageAccessPolicy false" in err


def test_the_subscription_flag_lets_real_ids_plan(tmp_path):
    config = brownfield_stack(tmp_path)
    code, out, err = run_preview("--config", str(config), "--subscription", OTHER_SUB, "--json")
    assert code == 0, err
    resources = json.loads(out)["resources"]
    policy = next(r for r in resources if r["type"] == "azure-native:keyvault:AccessPolicy")
    assert policy["inputs"]["vaultName"] == "kv-security-prod"
    group = next(r for r in resources if r["type"] == "azure-native:resources:ResourceGroup")
    assert group["id"] == f"/subscriptions/{OTHER_SUB}/resourceGroups/rg-cmkpg-brown"


def test_the_stacks_azure_native_subscription_is_the_engines(tmp_path):
    config = brownfield_stack(tmp_path, {"azure-native:subscriptionId": OTHER_SUB})
    code, _, err = run_preview("--config", str(config))
    assert code == 0, err


def test_the_tenant_flag_reaches_the_vault(tmp_path):
    tenant = "66666666-7777-8888-9999-000000000000"
    code, out, err = run_preview("--tenant", tenant, "--json")
    assert code == 0, err
    vault = next(r for r in json.loads(out)["resources"] if r["type"].endswith(":Vault"))
    assert vault["inputs"]["properties"]["tenantId"] == tenant


def test_details_show_what_the_user_chose(tmp_path):
    prod = {
        "location": "westeurope",
        "tags": {"environment": "prod"},
        "vault.sku": "premium",
        "key.type": "RSA-HSM",
        "key.size": 4096,
        "cluster.nodeCount": 4,
        "cluster.enableHa": True,
        "cluster.postgresqlVersion": "17",
        "cluster.firewallRules": {"app": "203.0.113.0/26"},
        "monitoring.emails": ["dba-oncall@example.com", "sre@example.com"],
    }
    config = write_stack(tmp_path, prod, name="Pulumi.prod.yaml")
    code, out, err = run_preview("--config", str(config), "--details")
    assert code == 0, err
    assert out.startswith("Previewing update (prod) offline")  # the stack is the file's
    for line in (
        "· sku premium, soft delete 90 days, purge protection on, access policies",
        "· RSA-HSM 4096, operations wrapKey, unwrapKey",
        "· rotation: rotate 90 days after creation; versions expire after 365 days; notice 30 "
        "days before expiry",
        "· workers: 4 x 4 vCores, 512 GiB, MemoryOptimized",
        "· high availability on, geo-redundant backup off",
        "· PostgreSQL 17, Citus 12.1, database citus",
        "· allows 203.0.113.0 to 203.0.113.63",
        "· e-mail: dba-oncall@example.com, sre@example.com",
        "· tags: environment=prod",
    ):
        assert line in out, line
    # Without the flag the tree is the same as ever.
    plain = run_preview("--config", str(config))[1]
    assert "·" not in plain and plain.count("\n") < out.count("\n")


def test_the_engine_rests_the_collector_during_a_run_and_restores_it():
    import gc

    from cmkpg.preview import engine
    from cmkpg.preview.azure_mocks import AzureMocks

    seen = []
    monitor = engine.RecordingMonitor(AzureMocks())

    def program():
        seen.append(gc.isenabled())

    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        engine.run(program, project="p", stack="s", config={}, mocks=AzureMocks(), monitor=monitor)
        assert gc.isenabled() is enabled
    gc.enable()
    assert seen == [False, False]
    assert monitor._thread_loops == []  # the worker threads' loops are closed with the run
