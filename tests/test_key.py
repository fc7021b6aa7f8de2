"""CmkKey: an RSA key that can only wrap and unwrap, rotated, protected, created once."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pulumi
import pytest
from conftest import (
    ACCESS_POLICY,
    KEY,
    LOCATION,
    NOW,
    PROTECT_CONTRADICTIONS,
    PROTECT_PRECEDENCE,
    VAULT,
    arm_id,
    child_of,
    run_components,
)

from cmkpg import (
    NO_ROTATION,
    CmkKey,
    CmkKeyArgs,
    CmkVault,
    CmkVaultArgs,
    KeyOptions,
    KeyRotationPolicy,
    KeyType,
    ValidationError,
    VaultReference,
    VaultSku,
)
from cmkpg.preview.azure_mocks import AzureMocks
from cmkpg.validation import render, utc_iso

COMPONENT = "cmkpg:index:CmkKey"
GRANT = "test:index:Grant"
VAULT_REF = VaultReference("kv-db", "rg")
PREMIUM_REF = VaultReference("kv-db", "rg", sku=VaultSku.PREMIUM)
EXISTING = arm_id("sec-rg", "Microsoft.KeyVault/vaults/sec-kv/keys/db-key")
EXISTING_VAULT = arm_id("sec-rg", "Microsoft.KeyVault/vaults/sec-kv")
VERSIONED_URI = "https://sec-kv.vault.azure.net/keys/db-key/0123456789abcdef0123456789abcdef"
OUTPUTS = ("key_id", "name", "uri", "versioned_uri")
DEFAULT_POLICY = {
    "attributes": {"expiryTime": "P365D"},
    "lifetimeActions": [
        {"action": {"type": "rotate"}, "trigger": {"timeAfterCreate": "P90D"}},
        {"action": {"type": "notify"}, "trigger": {"timeBeforeExpiry": "P30D"}},
    ],
}


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def plan_key(mocks=None, opts=None, component="db", **kwargs):
    """Plan one CmkKey (in VAULT_REF unless told); every output is exported under its
    attribute name."""
    kwargs.setdefault("now", NOW)
    if "existing_id" not in kwargs:
        kwargs.setdefault("vault", VAULT_REF)

    def build():
        key = CmkKey(component, CmkKeyArgs(**kwargs), opts)
        return {name: getattr(key, name) for name in OUTPUTS}

    return run_components(build, mocks=mocks)


def plan_in_vault(key_kwargs=None, **vault_kwargs):
    """Plan a CmkVault (granting a principal unless told) and a CmkKey in it."""
    vault_kwargs.setdefault("location", LOCATION)
    vault_kwargs.setdefault("grantee_principal_id", "00000000-0000-0000-0000-0000000000aa")
    if "existing_id" not in vault_kwargs:
        vault_kwargs.setdefault("resource_group_name", "rg")

    def build():
        vault = CmkVault("db", CmkVaultArgs(**vault_kwargs))
        key = CmkKey("db", CmkKeyArgs(vault=vault, now=NOW, **(key_kwargs or {})))
        return {name: getattr(key, name) for name in OUTPUTS}

    mocks = AzureMocks(existing={EXISTING_VAULT: {}})
    return run_components(build, mocks=mocks)


def problems_of(**kwargs):
    kwargs.setdefault("now", NOW)
    if "existing_id" not in kwargs:
        kwargs.setdefault("vault", VAULT_REF)
    with pytest.raises(ValidationError) as error:
        CmkKeyArgs(**kwargs)
    return error.value.problems


def line(field, value, complaint):
    """A rendered problem; values are rendered by cmkpg.validation.render, as every
    message renders them."""
    return f"CmkKeyArgs.{field}: {render(value)} {complaint}"


# -- a created key -----------------------------------------------------------------------


def test_default_key_is_enabled_rsa_3072_for_wrapping_only_with_a_rotation_policy():
    plan = plan_key()
    key = plan.one(KEY)
    assert not key.read
    assert key.name == "db-key"
    assert key.inputs["vaultName"] == "kv-db"
    assert key.inputs["resourceGroupName"] == "rg"
    assert "keyName" not in key.inputs and "tags" not in key.inputs
    props = key.inputs["properties"]
    assert props["kty"] == "RSA"
    assert props["keySize"] == 3072
    assert props["keyOps"] == ["wrapKey", "unwrapKey"]
    assert props["attributes"]["enabled"] is True
    assert "notBefore" not in props["attributes"]
    # The first version gets the lifetime the policy gives every later one.
    assert props["attributes"]["expires"] == epoch(NOW + timedelta(days=365))
    assert props["rotationPolicy"] == DEFAULT_POLICY
    assert child_of(plan, key).type == COMPONENT


def test_key_is_protected_retained_and_never_updated_in_place():
    key = plan_key().one(KEY)
    assert key.protect and key.retain_on_delete
    assert key.ignore_changes == ["properties", "tags"]


@pytest.mark.parametrize(("protect", "opts_protect", "expected"), PROTECT_PRECEDENCE)
def test_protect_comes_from_the_args_else_opts_else_true(protect, opts_protect, expected):
    opts = None if opts_protect is None else pulumi.ResourceOptions(protect=opts_protect)
    key = plan_key(protect=protect, opts=opts).one(KEY)
    assert key.protect is expected
    # Whatever protect says: deleting the key would lose the cluster's data.
    assert key.retain_on_delete
    assert key.ignore_changes == ["properties", "tags"]


@pytest.mark.parametrize(("protect", "opts_protect"), PROTECT_CONTRADICTIONS)
def test_protect_that_contradicts_opts_protect_is_refused(protect, opts_protect):
    with pytest.raises(ValidationError) as error:
        plan_key(protect=protect, opts=pulumi.ResourceOptions(protect=opts_protect))
    assert error.value.problems == [
        f"CmkKeyArgs.protect: {str(protect).lower()} differs from opts.protect "
        f"{str(opts_protect).lower()}; give one of them"
    ]


def test_child_key_takes_the_logical_name_and_exposes_both_uris():
    plan = plan_key()
    assert plan.outputs["name"] == "db-key"  # azure-native adds no suffix to child resources
    assert plan.outputs["uri"] == "https://kv-db.vault.azure.net/keys/db-key"
    assert plan.outputs["key_id"] == arm_id("rg", "Microsoft.KeyVault/vaults/kv-db/keys/db-key")
    version = plan.outputs["versioned_uri"].rsplit("/", 1)[1]
    assert plan.outputs["versioned_uri"] == f"{plan.outputs['uri']}/{version}"
    assert len(version) == 32


def test_a_rotation_changes_only_the_versioned_uri():
    before = plan_key().outputs
    after = plan_key(mocks=AzureMocks(key_generation=2)).outputs
    assert after["versioned_uri"] != before["versioned_uri"]
    assert {k: v for k, v in after.items() if k != "versioned_uri"} == {
        k: v for k, v in before.items() if k != "versioned_uri"
    }


def test_outputs_are_registered_on_the_component():
    plan = plan_key()
    key = plan.one(KEY)
    expected = {
        "key_id": key.id,
        "name": "db-key",
        "uri": key.outputs["keyUri"],
        "versioned_uri": key.outputs["keyUriWithVersion"],
    }
    assert plan.outputs == expected
    assert plan.one(COMPONENT).outputs == expected
    assert plan.secret_outputs == []


@pytest.mark.parametrize("key_type", [KeyType.RSA_HSM, "RSA-HSM"])
def test_size_type_name_dates_and_tags_are_sent(key_type):
    plan = plan_key(
        vault=PREMIUM_REF,
        size=4096,
        key_type=key_type,
        name="cmk",
        not_before=NOW - timedelta(days=1),
        expires_on=NOW + timedelta(days=200),
        tags={"env": "dev"},
    )
    key = plan.one(KEY)
    props = key.inputs["properties"]
    assert (props["kty"], props["keySize"]) == ("RSA-HSM", 4096)
    assert key.inputs["keyName"] == "cmk"
    assert key.inputs["tags"] == {"env": "dev"}
    assert props["attributes"]["notBefore"] == epoch(NOW - timedelta(days=1))
    # An explicit expiry wins over the policy's.
    assert props["attributes"]["expires"] == epoch(NOW + timedelta(days=200))
    assert props["rotationPolicy"] == DEFAULT_POLICY
    assert plan.outputs["name"] == "cmk"


@pytest.mark.parametrize("size", [2048, 3072, 4096])
def test_every_allowed_size_is_sent(size):
    assert plan_key(size=size).one(KEY).inputs["properties"]["keySize"] == size


def test_custom_rotation_policy_is_sent_and_sets_the_first_expiry():
    rotation = KeyRotationPolicy(
        auto_rotate_after_days=30, expires_after_days=180, notify_before_expiry_days=14
    )
    props = plan_key(rotation=rotation).one(KEY).inputs["properties"]
    assert props["rotationPolicy"] == {
        "attributes": {"expiryTime": "P180D"},
        "lifetimeActions": [
            {"action": {"type": "rotate"}, "trigger": {"timeAfterCreate": "P30D"}},
            {"action": {"type": "notify"}, "trigger": {"timeBeforeExpiry": "P14D"}},
        ],
    }
    assert props["attributes"]["expires"] == epoch(NOW + timedelta(days=180))


def test_rotation_without_a_notice_has_no_notify_action():
    rotation = KeyRotationPolicy(notify_before_expiry_days=0)
    policy = plan_key(rotation=rotation).one(KEY).inputs["properties"]["rotationPolicy"]
    assert policy == {
        "attributes": {"expiryTime": "P365D"},
        "lifetimeActions": [{"action": {"type": "rotate"}, "trigger": {"timeAfterCreate": "P90D"}}],
    }


def test_rotation_without_expiry_sets_no_expiry():
    rotation = KeyRotationPolicy(expires_after_days=0, notify_before_expiry_days=0)
    props = plan_key(rotation=rotation).one(KEY).inputs["properties"]
    assert props["rotationPolicy"] == {
        "lifetimeActions": [{"action": {"type": "rotate"}, "trigger": {"timeAfterCreate": "P90D"}}],
    }
    assert "expires" not in props["attributes"]


def test_no_rotation_means_no_policy_and_no_expiry():
    props = plan_key(rotation=NO_ROTATION).one(KEY).inputs["properties"]
    assert "rotationPolicy" not in props
    assert "expires" not in props["attributes"]
    assert props["attributes"]["enabled"] is True


def test_rotation_policy_defaults():
    policy = KeyRotationPolicy()
    assert (
        policy.auto_rotate_after_days,
        policy.expires_after_days,
        policy.notify_before_expiry_days,
    ) == (90, 365, 30)
    assert policy.enabled and policy.problems() == []
    assert policy.first_version_expiry(NOW) == NOW + timedelta(days=365)
    assert (
        NO_ROTATION.auto_rotate_after_days,
        NO_ROTATION.expires_after_days,
        NO_ROTATION.notify_before_expiry_days,
    ) == (0, 0, 0)
    assert not NO_ROTATION.enabled and NO_ROTATION.problems() == []
    assert NO_ROTATION.first_version_expiry(NOW) is None


def test_key_options_defaults():
    options = KeyOptions()
    assert (options.name, options.key_type, options.size) == (None, KeyType.RSA, 3072)
    assert (options.not_before, options.expires_on, options.existing_id) == (None, None, None)
    assert options.rotation == KeyRotationPolicy()
    assert options.problems() == []
    # Options carry no wiring, so they never complain about a missing vault.
    assert KeyOptions(now=NOW).first_expiry() == NOW + timedelta(days=365)
    assert KeyOptions(existing_id=EXISTING).first_expiry() is None


def test_args_are_frozen_and_keyword_only():
    args = CmkKeyArgs(vault=VAULT_REF, now=NOW)
    assert args.protect is None and dict(args.tags) == {}
    with pytest.raises(dataclasses.FrozenInstanceError):
        args.size = 4096  # type: ignore[misc]
    with pytest.raises(TypeError):
        CmkKeyArgs(VAULT_REF)  # type: ignore[misc]


# -- the vault it lives in ---------------------------------------------------------------


def test_key_in_a_cmk_vault_waits_for_the_grant():
    plan = plan_in_vault()
    key = plan.one(KEY)
    vault = plan.one(VAULT)
    policy = plan.one(ACCESS_POLICY)
    assert key.inputs["vaultName"] == vault.outputs["name"]
    assert key.inputs["resourceGroupName"] == "rg"
    assert policy.urn in key.dependencies
    assert vault.urn in key.dependencies
    assert plan.outputs["uri"] == f"https://{vault.outputs['name']}.vault.azure.net/keys/db-key"


def test_key_in_a_cmk_vault_that_grants_nothing_waits_for_the_vault_only():
    plan = plan_in_vault(grantee_principal_id=None)
    assert plan.by_type(ACCESS_POLICY) == []
    assert plan.one(KEY).dependencies == [plan.one(VAULT).urn]


def test_key_in_an_existing_cmk_vault():
    plan = plan_in_vault(existing_id=EXISTING_VAULT)
    key = plan.one(KEY)
    assert (key.inputs["vaultName"], key.inputs["resourceGroupName"]) == ("sec-kv", "sec-rg")
    assert plan.one(ACCESS_POLICY).urn in key.dependencies
    assert plan.one(VAULT).read


def test_key_in_a_vault_reference_waits_for_its_grant():
    def build():
        grant = pulumi.CustomResource(GRANT, "grant", {})
        vault = VaultReference(pulumi.Output.from_input("kv-ext"), "ext-rg", grant=[grant])
        CmkKey("db", CmkKeyArgs(vault=vault, now=NOW))

    plan = run_components(build)
    key = plan.one(KEY)
    assert key.dependencies == [plan.one(GRANT).urn]
    assert (key.inputs["vaultName"], key.inputs["resourceGroupName"]) == ("kv-ext", "ext-rg")


def test_key_in_a_vault_reference_without_grant_waits_for_nothing():
    assert plan_key().one(KEY).dependencies == []


@pytest.mark.parametrize("sku", [VaultSku.PREMIUM, "premium", None], ids=str)
def test_hsm_key_in_a_premium_or_unknown_vault_reference(sku):
    plan = plan_key(vault=VaultReference("kv-db", "rg", sku=sku), key_type=KeyType.RSA_HSM)
    assert plan.one(KEY).inputs["properties"]["kty"] == "RSA-HSM"


def test_hsm_key_in_a_premium_cmk_vault():
    plan = plan_in_vault({"key_type": KeyType.RSA_HSM}, sku=VaultSku.PREMIUM)
    assert plan.one(KEY).inputs["properties"]["kty"] == "RSA-HSM"


def test_hsm_key_in_an_existing_cmk_vault_is_not_checked_before_it_is_read():
    plan = plan_in_vault({"key_type": KeyType.RSA_HSM}, existing_id=EXISTING_VAULT)
    assert plan.one(KEY).inputs["properties"]["kty"] == "RSA-HSM"


@pytest.mark.parametrize("sku", [VaultSku.STANDARD, "standard"])
def test_hsm_key_in_a_standard_vault_reference_is_refused(sku):
    vault = VaultReference("kv-db", "rg", sku=sku)
    assert problems_of(vault=vault, key_type=KeyType.RSA_HSM) == [
        line("key_type", "RSA-HSM", "needs a premium vault, not standard")
    ]


def test_hsm_key_in_a_standard_cmk_vault_is_refused():
    with pytest.raises(ValidationError) as error:
        plan_in_vault({"key_type": KeyType.RSA_HSM})
    assert error.value.problems == [
        line("key_type", "RSA-HSM", "needs a premium vault, not standard")
    ]


# -- an existing key ---------------------------------------------------------------------


def test_existing_key_by_id_is_read_for_its_current_version():
    plan = plan_key(existing_id=EXISTING)
    read = plan.one(KEY)
    assert read.read and read.id == EXISTING
    assert child_of(plan, read).type == COMPONENT
    assert not read.protect and not read.retain_on_delete
    assert plan.outputs == {
        "key_id": EXISTING,
        "name": "db-key",
        "uri": "https://sec-kv.vault.azure.net/keys/db-key",
        "versioned_uri": read.outputs["keyUriWithVersion"],
    }
    assert plan.outputs["versioned_uri"].startswith(plan.outputs["uri"] + "/")


def test_existing_key_by_id_follows_its_rotations():
    before = plan_key(existing_id=EXISTING).outputs["versioned_uri"]
    after = plan_key(existing_id=EXISTING, mocks=AzureMocks(key_generation=2))
    assert after.outputs["versioned_uri"] != before


def test_existing_key_by_versioned_uri_registers_nothing():
    plan = plan_key(existing_id=VERSIONED_URI)
    assert plan.by_type(KEY) == []
    versionless = VERSIONED_URI.rsplit("/", 1)[0]
    assert plan.outputs == {
        "key_id": versionless,
        "name": "db-key",
        "uri": versionless,
        "versioned_uri": VERSIONED_URI,
    }


def test_existing_key_needs_no_vault():
    args = CmkKeyArgs(existing_id=EXISTING, now=NOW)
    assert args.vault is None and args.first_expiry() is None


NOT_USABLE = f"the existing key {EXISTING} is not usable as a customer-managed key: "


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"kty": "EC"}, "its type is 'EC', not RSA or RSA-HSM"),
        ({"keySize": 1024}, "its size is 1024, not 2048, 3072 or 4096"),
        ({"keyOps": ["encrypt"]}, "its operations lack wrapKey, unwrapKey"),
        ({"keyOps": ["wrapKey"]}, "its operations lack unwrapKey"),
        ({"attributes": {"enabled": False}}, "it is disabled"),
        ({"attributes": {"expires": epoch(NOW)}}, "it has expired"),
        ({"attributes": {"notBefore": epoch(NOW) + 60}}, "it is not active yet"),
        (
            {"kty": "EC", "attributes": {"enabled": False}},
            "its type is 'EC', not RSA or RSA-HSM; it is disabled",
        ),
    ],
)
def test_existing_key_that_cannot_serve_fails_the_preview(override, message):
    with pytest.raises(Exception) as error:
        plan_key(existing_id=EXISTING, mocks=AzureMocks(existing={EXISTING: override}))
    assert NOT_USABLE + message in str(error.value)


@pytest.mark.parametrize(
    "override",
    [
        {"kty": "RSA-HSM", "keySize": 4096},
        {"keySize": 2048, "keyOps": ["encrypt", "wrapKey", "unwrapKey"]},
        {"attributes": {"expires": epoch(NOW) + 1, "notBefore": epoch(NOW)}},
    ],
)
def test_existing_key_that_can_serve_is_used(override):
    plan = plan_key(existing_id=EXISTING, mocks=AzureMocks(existing={EXISTING: override}))
    assert plan.outputs["key_id"] == EXISTING


# -- what it refuses ---------------------------------------------------------------------

OUT_OF_RANGE = "is out of range; use {}..3650, or 0 for none"
EXPIRE_UNROTATED = (
    "is set without CmkKeyArgs.rotation.auto_rotate_after_days; versions would expire "
    "unrotated and lock the cluster out of its data"
)
TOO_CLOSE = (
    "is too close to CmkKeyArgs.rotation.auto_rotate_after_days {}; a version must stay valid "
    "at least 36 days after it is rotated (the service moves within 24 hours, restores reach "
    "back 35 days)"
)
REMOVE = (
    "is set, but it applies to a key this stack creates, not to CmkKeyArgs.existing_id; remove it"
)
KEY_ID_FORM = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
    "Microsoft.KeyVault/vaults/my-vault/keys/my-key"
)
KEY_URI_FORM = "https://my-vault.vault.azure.net/keys/my-key/0123456789abcdef0123456789abcdef"


def policy(rotate=90, expires=365, notify=30):
    return KeyRotationPolicy(
        auto_rotate_after_days=rotate, expires_after_days=expires, notify_before_expiry_days=notify
    )


@pytest.mark.parametrize(
    ("kwargs", "problems"),
    [
        ({"size": 1024}, [line("size", 1024, "is not allowed; use 2048, 3072 or 4096")]),
        ({"size": True}, [line("size", True, "is not allowed; use 2048, 3072 or 4096")]),
        ({"size": 3072.0}, [line("size", 3072.0, "is not allowed; use 2048, 3072 or 4096")]),
        ({"key_type": "EC"}, [line("key_type", "EC", "is not allowed; use RSA or RSA-HSM")]),
        ({"key_type": "rsa"}, [line("key_type", "rsa", "is not allowed; use RSA or RSA-HSM")]),
        (
            {"name": "bad_name"},
            [line("name", "bad_name", "is not valid; use 1-127 letters, digits or hyphens")],
        ),
        (
            {"name": "k" * 128},
            [line("name", "k" * 128, "is not valid; use 1-127 letters, digits or hyphens")],
        ),
        ({"vault": None}, ["CmkKeyArgs.vault: is required to create a key"]),
        (
            {"existing_id": "https://kv-db.vault.azure.net/keys/k"},
            [
                line(
                    "existing_id",
                    "https://kv-db.vault.azure.net/keys/k",
                    f"has no key version; use a versioned key URI like {KEY_URI_FORM}",
                )
            ],
        ),
        (
            {"existing_id": "key"},
            [
                line(
                    "existing_id",
                    "key",
                    f"is not a resource id; use the form {KEY_ID_FORM}, or a versioned key URI",
                )
            ],
        ),
        (
            {"existing_id": EXISTING_VAULT},
            [
                line(
                    "existing_id",
                    EXISTING_VAULT,
                    "is a Microsoft.KeyVault/vaults id; use a Microsoft.KeyVault/vaults/keys id "
                    f"like {KEY_ID_FORM}, or a versioned key URI",
                )
            ],
        ),
    ],
)
def test_rejects_bad_arguments(kwargs, problems):
    assert problems_of(**kwargs) == problems


@pytest.mark.parametrize(
    ("rotation", "problems"),
    [
        (
            policy(rotate=3),
            [("auto_rotate_after_days", 3, OUT_OF_RANGE.format(7))],
        ),
        (
            policy(rotate=3651),
            [("auto_rotate_after_days", 3651, OUT_OF_RANGE.format(7))],
        ),
        (
            policy(rotate=-1),
            [("auto_rotate_after_days", -1, OUT_OF_RANGE.format(7))],
        ),
        (
            policy(rotate="90"),
            [("auto_rotate_after_days", "90", "is not an integer")],
        ),
        (
            policy(rotate=True),
            [("auto_rotate_after_days", True, "is not an integer")],
        ),
        (
            policy(expires=27),
            [("expires_after_days", 27, OUT_OF_RANGE.format(28))],
        ),
        (
            policy(expires=3651),
            [("expires_after_days", 3651, OUT_OF_RANGE.format(28))],
        ),
        (
            policy(notify=6),
            [("notify_before_expiry_days", 6, OUT_OF_RANGE.format(7))],
        ),
        (
            # Out-of-range values are reported alone: the other rules assume sane numbers.
            policy(rotate=3, expires=20, notify=5),
            [
                ("auto_rotate_after_days", 3, OUT_OF_RANGE.format(7)),
                ("expires_after_days", 20, OUT_OF_RANGE.format(28)),
                ("notify_before_expiry_days", 5, OUT_OF_RANGE.format(7)),
            ],
        ),
        (
            policy(rotate=0),
            [("expires_after_days", 365, EXPIRE_UNROTATED)],
        ),
        (
            policy(rotate=0, notify=0),
            [("expires_after_days", 365, EXPIRE_UNROTATED)],
        ),
        (
            policy(expires=125),
            [("expires_after_days", 125, TOO_CLOSE.format(90))],
        ),
        (
            policy(rotate=90, expires=90),
            [("expires_after_days", 90, TOO_CLOSE.format(90))],
        ),
        (
            policy(rotate=365, expires=365, notify=0),
            [("expires_after_days", 365, TOO_CLOSE.format(365))],
        ),
        (
            policy(expires=0),
            [
                (
                    "notify_before_expiry_days",
                    30,
                    "needs CmkKeyArgs.rotation.expires_after_days",
                )
            ],
        ),
        (
            policy(rotate=0, expires=0),
            [
                (
                    "notify_before_expiry_days",
                    30,
                    "needs CmkKeyArgs.rotation.expires_after_days",
                )
            ],
        ),
        (
            policy(rotate=7, expires=43, notify=43),
            [("notify_before_expiry_days", 43, "is not before the expiry (43 days)")],
        ),
        (
            policy(rotate=30, expires=100, notify=200),
            [("notify_before_expiry_days", 200, "is not before the expiry (100 days)")],
        ),
        (
            policy(rotate=0, expires=100, notify=100),
            [
                ("expires_after_days", 100, EXPIRE_UNROTATED),
                ("notify_before_expiry_days", 100, "is not before the expiry (100 days)"),
            ],
        ),
    ],
)
def test_rejects_bad_rotation_policies(rotation, problems):
    assert problems_of(rotation=rotation) == [
        line(f"rotation.{field}", value, complaint) for field, value, complaint in problems
    ]


@pytest.mark.parametrize(
    "rotation",
    [
        policy(),
        NO_ROTATION,
        policy(rotate=7, expires=43, notify=42),
        policy(rotate=7, expires=43, notify=7),
        policy(rotate=90, expires=126),
        policy(rotate=3614, expires=3650, notify=3649),
        policy(expires=0, notify=0),
        policy(notify=0),
    ],
    ids=str,
)
def test_accepts_rotation_policies_at_the_limits(rotation):
    assert CmkKeyArgs(vault=VAULT_REF, now=NOW, rotation=rotation).rotation == rotation


@pytest.mark.parametrize(
    ("kwargs", "problems"),
    [
        (
            {"not_before": NOW + timedelta(hours=1)},
            [
                (
                    "not_before",
                    NOW + timedelta(hours=1),
                    "is in the future; the activation date must be in the past",
                )
            ],
        ),
        (
            {"expires_on": NOW - timedelta(hours=1)},
            [("expires_on", NOW - timedelta(hours=1), "is not in the future")],
        ),
        ({"expires_on": NOW}, [("expires_on", NOW, "is not in the future")]),
        (
            {"expires_on": NOW + timedelta(days=125, hours=23)},
            [
                (
                    "expires_on",
                    NOW + timedelta(days=125, hours=23),
                    "leaves no room for the first rotation (90 days) plus 36 days; use a time "
                    "after 2027-04-03T12:00:00Z",
                )
            ],
        ),
        (
            {
                "expires_on": NOW + timedelta(days=50),
                "rotation": policy(rotate=30, expires=100, notify=30),
            },
            [
                (
                    "expires_on",
                    NOW + timedelta(days=50),
                    "leaves no room for the first rotation (30 days) plus 36 days; use a time "
                    "after 2027-02-02T12:00:00Z",
                )
            ],
        ),
        (
            {"expires_on": NOW + timedelta(days=400), "rotation": NO_ROTATION},
            [
                (
                    "expires_on",
                    NOW + timedelta(days=400),
                    "is set without a rotation (CmkKeyArgs.rotation.auto_rotate_after_days is "
                    "0); the key would expire unrotated and lock the cluster out of its data",
                )
            ],
        ),
        (
            # An expiry before the activation needs an activation in the future, itself
            # refused: that one problem is enough.
            {"not_before": NOW + timedelta(days=200), "expires_on": NOW + timedelta(days=150)},
            [
                (
                    "not_before",
                    NOW + timedelta(days=200),
                    "is in the future; the activation date must be in the past",
                ),
            ],
        ),
    ],
)
def test_rejects_bad_dates(kwargs, problems):
    assert problems_of(**kwargs) == [
        line(field, utc_iso(moment), complaint) for field, moment, complaint in problems
    ]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"not_before": NOW},
        {"not_before": NOW - timedelta(days=30)},
        {"expires_on": NOW + timedelta(days=126)},
        {"expires_on": NOW + timedelta(days=3650)},
        {"not_before": NOW - timedelta(days=1), "expires_on": NOW + timedelta(days=126)},
    ],
)
def test_accepts_dates_at_the_limits(kwargs):
    CmkKeyArgs(vault=VAULT_REF, now=NOW, **kwargs)


def test_date_rules_use_the_given_clock():
    later = NOW + timedelta(days=30)
    with pytest.raises(ValidationError):
        CmkKeyArgs(vault=VAULT_REF, now=NOW, not_before=later)
    CmkKeyArgs(vault=VAULT_REF, now=later + timedelta(seconds=1), not_before=later)


@pytest.mark.parametrize(
    "kwargs",
    [{"not_before": datetime(2026, 1, 1)}, {"expires_on": datetime(2027, 11, 1)}],
    ids=["not_before", "expires_on"],
)
def test_naive_datetimes_are_reported_as_problems(kwargs):
    ((name, value),) = kwargs.items()
    with pytest.raises(ValidationError) as error:
        CmkKeyArgs(vault=VAULT_REF, now=NOW, **kwargs)
    assert error.value.problems == [line(name, value, "has no time zone; give a UTC datetime")]


def test_settings_of_a_created_key_are_refused_with_an_existing_one():
    problems = problems_of(
        existing_id=EXISTING,
        name="x",
        key_type=KeyType.RSA_HSM,
        size=4096,
        not_before=NOW - timedelta(days=1),
        expires_on=NOW + timedelta(days=400),
    )
    assert problems == [
        line("name", "x", REMOVE),
        line("key_type", "RSA-HSM", REMOVE),
        line("size", 4096, REMOVE),
        line("not_before", NOW - timedelta(days=1), REMOVE),
        line("expires_on", NOW + timedelta(days=400), REMOVE),
    ]


def test_every_problem_is_reported_at_once():
    problems = problems_of(
        vault=None,
        size=1024,
        key_type="EC",
        name="bad_name",
        rotation=policy(rotate=3),
        not_before=NOW + timedelta(days=1),
    )
    assert [p.split(":")[0] for p in problems] == [
        "CmkKeyArgs.key_type",
        "CmkKeyArgs.size",
        "CmkKeyArgs.name",
        "CmkKeyArgs.rotation.auto_rotate_after_days",
        "CmkKeyArgs.not_before",
        "CmkKeyArgs.vault",
    ]


def test_problems_carry_the_field_path_for_other_vocabularies():
    """The stack config names the same fields its own way (``cmkpg:key.rotation...``)."""
    with pytest.raises(ValidationError) as error:
        CmkKeyArgs(vault=VAULT_REF, now=NOW, rotation=policy(rotate=0))
    (issue,) = error.value.issues
    assert issue.field == "rotation.expires_after_days"
    assert issue.refs == {"rotate": "rotation.auto_rotate_after_days"}
    assert issue.render(lambda path: f"cmkpg:key.{path}") == (
        "cmkpg:key.rotation.expires_after_days: 365 is set without "
        "cmkpg:key.rotation.auto_rotate_after_days; versions would expire unrotated and lock "
        "the cluster out of its data"
    )
    assert [p.field for p in KeyOptions(size=1024).problems()] == ["size"]
