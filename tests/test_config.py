"""Stack configuration: the declarations, the CLI's view of them, and every validation rule.

The program reads config as the Pulumi CLI hands it over (tests/conftest.py ``cli_config``
applies the CLI's merge, emulated in cmkpg.preview.cli_config), and also as any engine that
skips the CLI's checks would (``raw_config``).
"""

from __future__ import annotations

import dataclasses
import json
import string

import pytest
import yaml
from bad_configs import BASE, CASES, BadConfig, nest
from conftest import CMK, NOW, ROOT, cli_config, raw_config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmkpg import KeyOptions, KeyRotationPolicy, VaultOptions
from cmkpg.cluster import ClusterSizing
from cmkpg.config import ConfigError, load_settings
from cmkpg.config.declarations import SETTINGS, config_name, declared_defaults_match
from cmkpg.monitoring import MonitoringOptions
from cmkpg.preview.cli_config import StackConfigError, load_stack_config
from tools import project_file


def settings_of(config, *, stack="dev", secret_keys=(), through_cli=True):
    values, secrets = (
        cli_config(config, stack=stack, secret_keys=secret_keys)
        if through_cli
        else raw_config(config, secret_keys=secret_keys)
    )
    return load_settings(
        values,
        stack=stack,
        secret_keys=secrets,
        provider_location=values.get("azure-native:location"),
        now=NOW,
    )


def refusal(config, **kw) -> str:
    with pytest.raises(ConfigError) as error:
        settings_of(config, **kw)
    return "\n".join(error.value.errors)


# -- the declarations -------------------------------------------------------------------------


def test_every_setting_takes_its_default_from_the_option_class_that_owns_it():
    assert declared_defaults_match() == []
    pairs = {s.path: s.default for s in SETTINGS if not s.required}
    assert pairs["key.size"] == KeyOptions().size == 3072
    assert pairs["key.rotation.autoRotateAfterDays"] == KeyRotationPolicy().auto_rotate_after_days
    assert pairs["vault.sku"] == VaultOptions().sku.value == "standard"
    assert pairs["cluster.nodeStorageMb"] == ClusterSizing().node_storage_mb
    assert pairs["monitoring.logRetentionDays"] == MonitoringOptions().log_retention_days
    assert pairs["key.name"] == ""  # None (autonamed) is the CLI's empty string


def test_the_declarations_have_no_default_of_their_own():
    # One default per setting: a Setting cannot even hold one.
    assert "default" not in {f.name for f in dataclasses.fields(SETTINGS[0])}


def test_pulumi_yaml_and_the_readme_table_are_generated_from_the_declarations():
    assert project_file.main([]) == 0, "run: python -m tools.project_file --write"
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    assert list(declared) == [s.path for s in SETTINGS]
    assert declared["key.size"] == {
        "type": "integer",
        "description": "RSA key size: 2048, 3072 or 4096.",
        "default": 3072,
    }
    assert declared["monitoring.emails"]["items"] == {"type": "string"}
    assert declared["tags"]["type"] == "object"
    assert "default" not in declared["location"]
    # Secrets are top-level keys, never leaves of an object.
    assert {s.path for s in SETTINGS if s.secret} == {"clusterAdminPassword", "alertWebhooks"}
    # The CLI refuses a default on a `secret: true` key (it writes it in plain text).
    assert not any(d.get("secret") for d in declared.values())


def test_the_cli_loads_the_project_and_writes_defaults_into_objects():
    values, secrets = cli_config({"location": "westeurope", "monitoring": {"emails": ["a@b.io"]}})
    key = json.loads(values["cmkpg:key"])
    assert key["size"] == 3072 and key["rotation"]["expiresAfterDays"] == 365
    assert json.loads(values["cmkpg:monitoring"]) == {
        "emails": ["a@b.io"],
        "enabled": True,
        "logAnalyticsWorkspaceId": "",
        "logRetentionDays": 90,
    }
    assert values["cmkpg:location"] == "westeurope" and secrets == []


def test_settings_are_objects_that_pulumi_config_set_path_writes():
    settings = settings_of(
        {**CMK, "key": {"size": 4096}, "cluster": {"nodeCount": 4, "enableHa": True}}
    )
    assert settings.cmk.key.size == 4096
    assert settings.cluster.sizing.node_count == 4 and settings.cluster.sizing.enable_ha is True


def test_tags_are_a_map():
    assert settings_of({**CMK, "tags": {"env": "prod", "cost-center": "42"}}).tags == {
        "env": "prod",
        "cost-center": "42",
    }


def test_secure_defaults():
    settings = settings_of(CMK)
    assert settings.protect and not settings.lock
    assert settings.customer_managed and settings.monitored
    assert settings.cmk.vault.soft_delete_retention_days == 90
    assert settings.cmk.key.rotation == KeyRotationPolicy()
    assert settings.cluster.sizing.coordinator_public_ip_access is True
    assert settings.cluster.firewall_rules == {}
    assert not settings.cluster.allow_all_internet and not settings.cluster.allow_azure_services


def test_other_namespaces_are_left_alone():
    settings = settings_of({**CMK, "azure-native:subscriptionId": "whatever"})
    assert settings.location == "westeurope"


def test_strong_secret_password_is_accepted_and_kept():
    settings = settings_of(
        {**CMK, "clusterAdminPassword": "Str0ng-Passw0rd"}, secret_keys=("clusterAdminPassword",)
    )
    assert settings.cluster.administrator_login_password == "Str0ng-Passw0rd"


def test_problem_fields_are_named_by_their_config_key():
    assert config_name("cmk.key.key_type") == "cmkpg:key.type"
    assert config_name("cluster.sizing.node_count") == "cmkpg:cluster.nodeCount"
    assert config_name("cluster.firewall_rules.office") == "cmkpg:cluster.firewallRules.office"
    assert config_name("monitoring.webhooks") == "cmkpg:alertWebhooks"
    assert config_name("cluster.administrator_login_password") == "cmkpg:clusterAdminPassword"


# -- every refused configuration (tests/bad_configs.py) ---------------------------------------


def test_the_table_of_bad_configurations_is_large_and_unique():
    assert len(CASES) >= 90
    assert len({c.id for c in CASES}) == len(CASES)


def test_the_base_of_the_bad_configurations_is_valid_on_its_own():
    settings_of(nest(BASE))


@pytest.mark.parametrize("case", [c for c in CASES if not c.at_runtime], ids=lambda c: c.id)
def test_every_bad_value_is_refused_with_its_key_value_and_remedy(case: BadConfig):
    """Through the CLI, unless its own type check refuses the file first (then it gives its
    message); and always by the program, whatever delivers the strings."""
    config = case.full_config()
    if case.cli is None:
        assert case.message in refusal(config, stack=case.stack, secret_keys=case.secret_keys)
    elif case.cli:
        with pytest.raises(StackConfigError) as error:
            cli_config(config, stack=case.stack, secret_keys=case.secret_keys)
        assert error.value.errors == [case.cli]
    raw = refusal(config, stack=case.stack, secret_keys=case.secret_keys, through_cli=False)
    assert case.message in raw


@pytest.mark.parametrize("case", [c for c in CASES if c.at_runtime], ids=lambda c: c.id)
def test_rules_that_need_the_last_deployment_pass_the_config_alone(case: BadConfig):
    settings_of(case.full_config(), secret_keys=case.secret_keys)


def test_all_problems_are_reported_at_once():
    message = refusal(
        {
            "location": "mars",
            "key": {"size": 1024, "type": "EC"},
            "cluster": {"nodeCount": 1, "postgresqlVersion": "9"},
            "vault": {"skuu": "premium"},
        }
    )
    for fragment in (
        "cmkpg:location: mars",
        "cmkpg:key.size: 1024",
        "cmkpg:key.type: EC",
        "cmkpg:cluster.nodeCount: 1",
        'cmkpg:cluster.postgresqlVersion: "9"',
        "cmkpg:vault.skuu: is not a setting of cmkpg:vault; did you mean sku?",
        "cmkpg:monitoring.emails: no receivers",
    ):
        assert fragment in message


def test_secrets_never_appear_in_a_message():
    message = refusal(
        {**CMK, "replica": {"sourceClusterId": "nope"}, "clusterAdminPassword": "short"},
        secret_keys=("clusterAdminPassword",),
    )
    assert "short" not in message and "[secret]" in message


def test_values_appear_as_the_user_wrote_them_in_yaml():
    message = refusal({**CMK, "monitoring": {"emails": ["x"], "enabled": False}})
    assert "[x] is set, but it configures monitoring" in message
    assert "['x']" not in message


def test_a_5000_character_value_is_shortened_in_the_message():
    message = refusal({**CMK, "identity": {"name": "n" * 5000}})
    assert "(5000 characters)" in message and len(message) < 400


# -- the flat format of earlier releases ------------------------------------------------------

OLD_FLAT_DEV = {
    "cmkpg:location": "westeurope",
    "cmkpg:tags": ["environment=dev", "owner=platform-team"],
    "cmkpg:key.size": 3072,
    "cmkpg:cluster.coordinatorVCores": 2,
    "cmkpg:monitoring.emails": ["dba-oncall@example.com"],
    "cmkpg:locks": True,
}


def test_the_old_flat_form_is_refused_with_the_commands_that_convert_it():
    with pytest.raises(ConfigError) as error:
        settings_of(OLD_FLAT_DEV, through_cli=False)
    problems = "\n".join(error.value.errors)
    assert "cmkpg:key.size: is a flat key, which the Pulumi CLI does not read as key.size" in (
        problems
    )
    assert "cmkpg:tags: [environment=dev, owner=platform-team] is not a map" in problems
    assert error.value.fixes == [
        "pulumi config rm cluster.coordinatorVCores",
        "pulumi config set --path cluster.coordinatorVCores 2",
        "pulumi config rm key.size",
        "pulumi config set --path key.size 3072",
        "pulumi config rm locks",
        "pulumi config set lock true",
        "pulumi config rm monitoring.emails",
        "pulumi config set --path 'monitoring.emails[0]' dba-oncall@example.com",
    ]
    assert "To convert the flat keys, run:" in str(error.value)


def test_the_old_flat_form_through_the_cli_is_refused_too():
    """The CLI writes every default into objects beside the flat keys; the program refuses
    the flat keys and converts them with the user's values."""
    with pytest.raises(ConfigError) as error:
        settings_of({k: v for k, v in OLD_FLAT_DEV.items() if k != "cmkpg:tags"})
    assert "pulumi config set --path key.size 3072" in error.value.fixes


def test_old_secret_keys_convert_to_their_new_names_without_printing_the_secret():
    with pytest.raises(ConfigError) as error:
        settings_of(
            {
                **CMK,
                "cmkpg:cluster.administratorLoginPassword": "Str0ng-Passw0rd",
                "cmkpg:monitoring.webhooks": ["https://hooks.example.com/x?token=1"],
            },
            secret_keys=("cluster.administratorLoginPassword", "monitoring.webhooks"),
            through_cli=False,
        )
    assert "pulumi config set --secret clusterAdminPassword" in error.value.fixes
    assert "pulumi config set --secret --path 'alertWebhooks[0]' <secret>" in error.value.fixes
    assert "Str0ng" not in str(error.value) and "token" not in str(error.value)


# -- every shipped stack file ------------------------------------------------------------------

STACK_FILES = sorted(ROOT.glob("Pulumi.*.yaml")) + sorted(ROOT.glob("examples/*/Pulumi.*.yaml"))


@pytest.mark.parametrize("path", STACK_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_stack_file_passes_the_cli_merge(path):
    from cmkpg.preview.cli_config import load_project

    project = load_project(path.parent / "Pulumi.yaml")
    stack = path.name.removeprefix("Pulumi.").removesuffix(".yaml")
    load_stack_config(path, project, stack)


@pytest.mark.parametrize(
    "path",
    [p for p in STACK_FILES if p.parent == ROOT],
    ids=lambda p: p.name,
)
def test_every_shipped_stack_file_is_structured(path):
    config = yaml.safe_load(path.read_text())["config"]
    assert not [k for k in config if "." in k.split(":", 1)[1]], "flat keys"


# -- hostile values -----------------------------------------------------------------------------

HOSTILE = st.one_of(
    st.dates(),
    st.datetimes(),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.lists(st.integers(), max_size=2),
    st.none(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.text(alphabet=string.printable, min_size=5000, max_size=5000),
    st.text(max_size=30),
)


def _yaml_form(value):
    """What a stack file holds for ``value`` once the CLI has decoded it: dates and times as
    Go prints an unquoted YAML timestamp."""
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S +0000 UTC")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d 00:00:00 +0000 UTC")
    return value


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=HOSTILE)
@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.path)
def test_hostile_values_end_in_a_config_error_naming_the_key_never_a_crash(setting, value):
    config = nest({**BASE, setting.path: _yaml_form(value)})
    try:
        settings_of(config)
    except StackConfigError as error:  # the CLI's own check: exit 2 as well
        assert error.errors
    except ConfigError as error:
        assert error.errors
        assert all(line.startswith(("cmkpg:", "Stack")) for line in error.errors)
    try:
        settings_of(config, through_cli=False)
    except ConfigError as error:
        assert error.errors
