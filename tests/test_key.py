"""CmkKey: an RSA key that can only wrap and unwrap, protected, created once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import KEY, NOW, arm_id, child_of, run_components

from cmkpg import CmkKey, CmkKeyArgs, KeyRotationPolicy, ValidationError
from cmkpg.preview.azure_mocks import AzureMocks

EXISTING = arm_id("sec-rg", "Microsoft.KeyVault/vaults/sec-kv/keys/db-key")
VERSIONED_URI = "https://sec-kv.vault.azure.net/keys/db-key/0123456789abcdef0123456789abcdef"


def plan_key(mocks=None, **kwargs):
    kwargs.setdefault("vault_name", "kv-db")
    kwargs.setdefault("resource_group_name", "rg")
    kwargs.setdefault("now", NOW)
    return run_components(
        lambda: {
            "uri": (key := CmkKey("db", CmkKeyArgs(**kwargs))).uri,
            "versioned": key.versioned_uri,
            "id": key.id,
            "name": key.name,
        },
        mocks=mocks,
    )


def test_default_key_is_enabled_rsa_3072_for_wrapping_only():
    plan = plan_key()
    key = plan.one(KEY)
    assert key.inputs["vaultName"] == "kv-db"
    assert key.inputs["resourceGroupName"] == "rg"
    props = key.inputs["properties"]
    assert props["kty"] == "RSA"
    assert props["keySize"] == 3072
    assert props["keyOps"] == ["wrapKey", "unwrapKey"]
    assert props["attributes"]["enabled"] is True
    assert "nbf" not in props["attributes"] and "notBefore" not in props["attributes"]
    assert "rotationPolicy" not in props
    assert child_of(plan, key).type == "cmkpg:index:CmkKey"


def test_key_is_protected_retained_and_never_updated_in_place():
    key = plan_key().one(KEY)
    assert key.protect and key.retain_on_delete
    assert key.ignore_changes == ["properties.rotationPolicy"]


def test_protect_false():
    key = plan_key(protect=False).one(KEY)
    assert not key.protect and not key.retain_on_delete


def test_child_key_takes_the_logical_name_and_exposes_both_uris():
    plan = plan_key()
    assert plan.outputs["name"] == "db-key"  # azure-native adds no suffix to child resources
    assert plan.outputs["uri"] == "https://kv-db.vault.azure.net/keys/db-key"
    version = plan.outputs["versioned"].rsplit("/", 1)[1]
    assert plan.outputs["versioned"] == f"{plan.outputs['uri']}/{version}"
    assert len(version) == 32


def test_size_type_name_and_dates_are_sent():
    plan = plan_key(
        size=4096,
        key_type="RSA-HSM",
        vault_sku="premium",
        name="cmk",
        not_before=NOW - timedelta(days=1),
        expires_on=NOW + timedelta(days=365),
    )
    props = plan.one(KEY).inputs["properties"]
    assert (props["kty"], props["keySize"]) == ("RSA-HSM", 4096)
    assert plan.one(KEY).inputs["keyName"] == "cmk"
    assert props["attributes"]["notBefore"] == int((NOW - timedelta(days=1)).timestamp())
    assert props["attributes"]["expires"] == int((NOW + timedelta(days=365)).timestamp())


def test_rotation_policy_is_sent_at_creation():
    plan = plan_key(
        rotation=KeyRotationPolicy(
            auto_rotate_after_days=90, expires_after_days=180, notify_before_expiry_days=30
        )
    )
    policy = plan.one(KEY).inputs["properties"]["rotationPolicy"]
    assert policy == {
        "attributes": {"expiryTime": "P180D"},
        "lifetimeActions": [
            {"action": {"type": "rotate"}, "trigger": {"timeAfterCreate": "P90D"}},
            {"action": {"type": "notify"}, "trigger": {"timeBeforeExpiry": "P30D"}},
        ],
    }


def test_existing_key_by_id_is_read_for_its_current_version():
    plan = plan_key(existing=EXISTING, vault_name=None, resource_group_name=None)
    read = plan.one(KEY)
    assert read.read and read.id == EXISTING
    assert plan.outputs["versioned"] == read.outputs["keyUriWithVersion"]
    assert plan.outputs["uri"] == "https://sec-kv.vault.azure.net/keys/db-key"


def test_existing_key_by_versioned_uri_registers_nothing():
    plan = plan_key(existing=VERSIONED_URI, vault_name=None, resource_group_name=None)
    assert plan.by_type(KEY) == []
    assert plan.outputs["versioned"] == VERSIONED_URI
    assert plan.outputs["uri"] == VERSIONED_URI.rsplit("/", 1)[0]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"kty": "EC"}, "its type is 'EC'"),
        ({"keySize": 1024}, "its size is 1024"),
        ({"keyOps": ["encrypt"]}, "its operations lack wrapKey, unwrapKey"),
        ({"attributes": {"enabled": False}}, "it is disabled"),
        ({"attributes": {"expires": 1000}}, "it has expired"),
    ],
)
def test_existing_key_that_cannot_serve_fails_the_preview(override, message):
    with pytest.raises(Exception, match=message):
        plan_key(
            existing=EXISTING,
            vault_name=None,
            resource_group_name=None,
            mocks=AzureMocks(existing={EXISTING: override}),
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"size": 1024}, "CmkKeyArgs.size: 1024 is not allowed; use 2048, 3072 or 4096"),
        ({"key_type": "EC"}, "CmkKeyArgs.key_type: 'EC' is not allowed; use RSA or RSA-HSM"),
        ({"key_type": "RSA-HSM"}, "'RSA-HSM' needs a premium vault, not 'standard'"),
        ({"name": "bad_name"}, "CmkKeyArgs.name: 'bad_name' is not valid"),
        (
            {"not_before": NOW + timedelta(hours=1)},
            "CmkKeyArgs.not_before: 2026-11-28T13:00:00Z is in the future",
        ),
        (
            {"expires_on": NOW - timedelta(hours=1)},
            "CmkKeyArgs.expires_on: 2026-11-28T11:00:00Z is not in the future",
        ),
        ({"existing": "https://kv-db.vault.azure.net/keys/k"}, "has no key version"),
        ({"existing": "key"}, "is not a resource id"),
        ({"vault_name": None}, "vault_name and resource_group_name are required"),
        (
            {"rotation": KeyRotationPolicy(auto_rotate_after_days=3)},
            "CmkKeyArgs.rotation.auto_rotate_after_days: 3 is out of range; use 7..3650",
        ),
        (
            {"rotation": KeyRotationPolicy(expires_after_days=90)},
            "expires_after_days: 90 is set without CmkKeyArgs.rotation.auto_rotate_after_days",
        ),
        (
            {"rotation": KeyRotationPolicy(auto_rotate_after_days=80, expires_after_days=90)},
            "rotate at least 28 days before expiry",
        ),
        (
            {"rotation": KeyRotationPolicy(notify_before_expiry_days=30)},
            "notify_before_expiry_days: 30 needs CmkKeyArgs.rotation.expires_after_days",
        ),
        (
            {
                "rotation": KeyRotationPolicy(
                    auto_rotate_after_days=30, expires_after_days=60, notify_before_expiry_days=60
                )
            },
            "notify_before_expiry_days: 60 is not before the expiry",
        ),
    ],
)
def test_rejects_bad_arguments(kwargs, message):
    kwargs.setdefault("vault_name", "kv")
    kwargs.setdefault("resource_group_name", "rg")
    with pytest.raises(ValidationError) as error:
        CmkKeyArgs(now=NOW, **kwargs)
    assert message in str(error.value)
