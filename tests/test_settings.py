"""Stack configuration: declared keys, defaults, parsing and every validation rule."""

from __future__ import annotations

import pytest
import yaml
from bad_configs import BASE, CASES, BadConfig
from conftest import CMK, NOW, ROOT

from cmkpg.preview.stack_config import engine_value
from cmkpg.settings import KEYS, ConfigError, load_settings
from tools import project_file


def load(config, *, stack="dev", secret_keys=()):
    raw = {k: engine_value(v) for k, v in config.items()}
    return load_settings(
        raw,
        stack=stack,
        secret_keys=secret_keys,
        provider_location=config.get("azure-native:location"),
        now=NOW,
    )


@pytest.mark.parametrize("case", [c for c in CASES if not c.at_runtime], ids=lambda c: c.id)
def test_every_bad_value_is_refused_with_its_key_value_and_remedy(case: BadConfig):
    with pytest.raises(ConfigError) as error:
        load(case.full_config(), stack=case.stack, secret_keys=case.secret_keys)
    assert any(case.message in line for line in error.value.errors), error.value.errors


@pytest.mark.parametrize("case", [c for c in CASES if c.at_runtime], ids=lambda c: c.id)
def test_rules_that_need_the_last_deployment_pass_the_config_alone(case: BadConfig):
    # The program refuses these once it knows whether the cluster exists (test_stack.py).
    load(case.full_config(), stack=case.stack, secret_keys=case.secret_keys)


def test_the_table_of_bad_configurations_is_large_and_unique():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


def test_the_base_of_the_bad_configurations_is_valid_on_its_own():
    # So that every case fails for its own reason.
    assert load(BASE).encryption == "customerManaged"


def test_all_problems_are_reported_at_once():
    with pytest.raises(ConfigError) as error:
        load(
            {
                **CMK,
                "location": "West Europe",
                "key.size": 1024,
                "cluster.nodeCount": 1,
                "vault.sku": "x",
            }
        )
    keys = [line.split(":")[1] for line in error.value.errors]
    assert keys == ["location", "vault.sku", "key.size", "cluster.nodeCount"]
    assert str(error.value).startswith("invalid configuration (4 problems):")


def test_secure_defaults():
    settings = load(CMK)
    assert settings.encryption == "customerManaged"
    assert settings.protect is True
    assert settings.create_resource_group and settings.resource_group_name == "rg-cmkpg-dev"
    assert settings.vault_sku == "standard"
    assert settings.vault_soft_delete_retention_days == 90
    assert settings.vault_name is None and settings.identity_name is None  # autonamed
    assert (settings.key.type, settings.key.size) == ("RSA", 3072)
    assert settings.key.not_before is None and settings.key.expires_on is None
    cluster = settings.cluster
    assert cluster.name == "cmkpg-dev"
    assert cluster.enable_geo_backup is False
    assert cluster.sizing.coordinator_public_ip_access is False
    assert cluster.sizing.node_public_ip_access is False
    assert cluster.sizing.node_count == 0
    assert cluster.administrator_login_password is None  # generated
    assert settings.tags == {}
    assert settings.locks is False
    assert settings.vault_manage_access_policy is True
    assert settings.key.existing is None and settings.key.rotation is None
    assert settings.monitoring is not None  # on by default with customer-managed keys
    assert settings.monitoring.log_retention_days == 90


def test_engine_strings_are_parsed_to_their_declared_types():
    settings = load(
        {
            "cmkpg:location": "westeurope",
            "cmkpg:key.size": "4096",
            "cmkpg:protect": "false",
            "cmkpg:tags": '["env=dev", "team=data=platform"]',
            "cmkpg:cluster.nodeCount": "2",
            "cmkpg:cluster.preferredPrimaryZone": "1",
            "cmkpg:monitoring.emails": '["dba-oncall@example.com"]',
        }
    )
    assert settings.key.size == 4096
    assert settings.protect is False
    assert settings.tags == {"env": "dev", "team": "data=platform"}
    assert settings.cluster.sizing.node_count == 2
    assert settings.cluster.sizing.preferred_primary_zone == "1"
    assert settings.monitoring.emails == ("dba-oncall@example.com",)


def test_other_namespaces_are_left_alone():
    settings = load({**CMK, "azure-native:location": "westeurope", "pulumi:tags": {"a": "b"}})
    assert settings.location == "westeurope"


def test_defaults_filled_in_by_the_cli_do_not_count_as_set():
    # The CLI passes every declared default; with serviceManaged they must not be errors.
    config = {f"cmkpg:{k.name}": k.default for k in KEYS if not k.required}
    config.update({"cmkpg:location": "westeurope", "cmkpg:encryption": "serviceManaged"})
    assert load(config).encryption == "serviceManaged"


def test_existing_resource_group_is_used_as_is():
    settings = load({**CMK, "resourceGroupName": "rg-shared"})
    assert not settings.create_resource_group
    assert settings.resource_group_name == "rg-shared"


def test_strong_secret_password_is_accepted_and_kept():
    settings = load(
        {**CMK, "cluster.administratorLoginPassword": "Str0ng-Passw0rd"},
        secret_keys=("cmkpg:cluster.administratorLoginPassword",),
    )
    assert settings.cluster.administrator_login_password == "Str0ng-Passw0rd"
    assert "Str0ng" not in repr(settings.cluster)


def test_pulumi_yaml_declares_every_key_with_type_default_and_description():
    assert (ROOT / "Pulumi.yaml").read_text() == project_file.render(), (
        "run: python -m tools.project_file --write"
    )
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    assert set(declared) == {k.name for k in KEYS}
    for key in KEYS:
        entry = declared[key.name]
        assert entry["type"] in {"string", "integer", "boolean", "array"}  # Pulumi's schema
        assert entry["description"]
        # An optional key without a default would be *required* by the Pulumi CLI.
        assert ("default" in entry) == (not key.required)
        if key.type == "array":
            assert entry["items"] == {"type": "string"}
