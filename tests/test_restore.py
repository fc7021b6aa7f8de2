"""Point-in-time restores (EncryptedClusterRestore, PointInTimeRestore) and read replicas
(ReadReplica): what the request carries, where the key lives, what a sourced cluster refuses."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pulumi
import pytest
from conftest import (
    ACCESS_POLICY,
    CLUSTER,
    IDENTITY,
    KEY,
    LOCATION,
    NOW,
    PASSWORD,
    VAULT,
    arm_id,
    child_of,
    created_types,
    run_components,
)

from cmkpg import (
    ClusterSizing,
    CmkOptions,
    CustomerManagedKey,
    EncryptedClusterRestore,
    EncryptedClusterRestoreArgs,
    EncryptedCosmosPgCluster,
    EncryptedCosmosPgClusterArgs,
    EncryptionMode,
    IdentityOptions,
    KeyOptions,
    PointInTimeRestore,
    ReadReplica,
    ServerEdition,
    ValidationError,
    VaultOptions,
    VaultSku,
)

RESTORE = "cmkpg:index:EncryptedClusterRestore"
COMPONENT = "cmkpg:index:EncryptedCosmosPgCluster"
RULE = "azure-native:dbforpostgresql:ServerGroupFirewallRule"
LOCK = "azure-native:authorization:ManagementLockByScope"
OWNER = "EncryptedCosmosPgClusterArgs"
SOURCE = arm_id("rg-prod", "Microsoft.DBforPostgreSQL/serverGroupsv2/orders-prod")
POINT = NOW - timedelta(hours=6)
RESTORE_FIELDS = {"sourceResourceId", "sourceLocation", "pointInTimeUTC"}
REPLICA_FIELDS = {"sourceResourceId", "sourceLocation"}
PATH_AND_PLACE = {"clusterName", "resourceGroupName", "location"}
CREATE_ONLY = [
    "dataEncryption",
    "identity",
    "enableGeoBackup",
    "sourceResourceId",
    "sourceLocation",
    "pointInTimeUTC",
]
RESTORE_OUTPUTS = ("restored_from", "cluster_id", "name", "coordinator_fqdn", "connection_string")
GIVEN_KEY = CustomerManagedKey(
    key_versioned_uri="https://sec-kv.vault.azure.net/keys/k/0123456789abcdef0123456789abcdef",
    key_id="https://sec-kv.vault.azure.net/keys/k",
    identity_id=arm_id("sec", "Microsoft.ManagedIdentity/userAssignedIdentities/id"),
)
REPLICA = ReadReplica(source_cluster_id=SOURCE, source_location=LOCATION)
COPIED = "is set, but a restore or replica copies it from its source cluster; remove it"


def plan_restore(opts=None, **kwargs):
    """Plan one EncryptedClusterRestore ("orders"): its outputs are exported under their
    attribute names, plus the plain connection string."""
    kwargs.setdefault("resource_group_name", "rg-prod")  # the source's: Azure restores there
    kwargs.setdefault("location", LOCATION)
    kwargs.setdefault("cluster_name", "orders-restored")
    kwargs.setdefault("source", SOURCE)
    kwargs.setdefault("point_in_time", POINT)
    kwargs.setdefault("now", NOW)
    kwargs.setdefault("cmk", CmkOptions(key=KeyOptions(now=NOW)))

    def build():
        restore = EncryptedClusterRestore("orders", EncryptedClusterRestoreArgs(**kwargs), opts)
        outputs = {name: getattr(restore, name) for name in RESTORE_OUTPUTS}
        outputs["connection_plain"] = pulumi.Output.unsecret(restore.connection_string)
        outputs["has_cmk"] = restore.cmk is not None
        return outputs

    return run_components(build)


def plan_sourced(source=REPLICA, **kwargs):
    """Plan the cluster component itself with a restore or replica source."""
    kwargs.setdefault("resource_group_name", "rg")
    kwargs.setdefault("location", LOCATION)
    kwargs.setdefault("cluster_name", "orders-copy")
    kwargs.setdefault("now", NOW)

    def build():
        cluster = EncryptedCosmosPgCluster(
            "copy", EncryptedCosmosPgClusterArgs(source=source, **kwargs)
        )
        return {
            "has_password": cluster.administrator_login_password is not None,
            "connection_plain": pulumi.Output.unsecret(cluster.connection_string),
        }

    return run_components(build)


def cluster_problems(**kwargs):
    kwargs.setdefault("resource_group_name", "rg")
    kwargs.setdefault("location", LOCATION)
    kwargs.setdefault("cluster_name", "orders-copy")
    kwargs.setdefault("source", REPLICA)
    kwargs.setdefault("now", NOW)
    with pytest.raises(ValidationError) as error:
        EncryptedCosmosPgClusterArgs(**kwargs)
    return error.value.problems


# -- EncryptedClusterRestore: customer-managed -------------------------------------------


def test_customer_managed_restore_body_is_exactly_the_restore_plus_the_encryption():
    plan = plan_restore()
    cluster = plan.one(CLUSTER)
    assert set(cluster.inputs) == PATH_AND_PLACE | RESTORE_FIELDS | {"identity", "dataEncryption"}
    assert cluster.inputs["clusterName"] == "orders-restored"
    assert cluster.inputs["resourceGroupName"] == "rg-prod"
    assert cluster.inputs["sourceResourceId"] == SOURCE
    assert cluster.inputs["sourceLocation"] == LOCATION
    assert cluster.inputs["pointInTimeUTC"] == "2026-11-28T06:00:00Z"
    identity = plan.one(IDENTITY)
    key = plan.one(KEY)
    assert cluster.inputs["identity"] == {
        "type": "UserAssigned",
        "userAssignedIdentities": [identity.id],
    }
    assert cluster.inputs["dataEncryption"] == {
        "type": "AzureKeyVault",
        "primaryKeyUri": key.outputs["keyUriWithVersion"],
        "primaryUserAssignedIdentityId": identity.id,
    }
    assert plan.one(ACCESS_POLICY).urn in cluster.dependencies
    assert key.urn in cluster.dependencies
    assert cluster.replacement_trigger == {
        "encryption": "customerManaged",
        "key": key.id,
        "identity": identity.id,
    }
    assert cluster.ignore_changes == ["dataEncryption.primaryKeyUri", "tags"]
    assert plan.outputs["restored_from"] == SOURCE
    assert plan.outputs["has_cmk"] is True


def test_the_new_key_lives_in_the_new_clusters_region_under_the_restore():
    plan = plan_restore(location="northeurope", source_location="westeurope")
    assert plan.one(CLUSTER).inputs["sourceLocation"] == "westeurope"
    for type_ in (IDENTITY, VAULT, CLUSTER):
        assert plan.one(type_).inputs["location"] == "northeurope"
    restore = plan.one(RESTORE)
    for type_ in (IDENTITY, VAULT, KEY, CLUSTER):
        ancestor = child_of(plan, child_of(plan, plan.one(type_)))
        assert ancestor.urn == restore.urn, type_
    for type_ in (IDENTITY, VAULT, KEY):
        assert plan.one(type_).inputs["resourceGroupName"] == "rg-prod"


def test_the_created_key_chain_is_protected_and_the_key_always_retained():
    plan = plan_restore()
    for type_ in (IDENTITY, VAULT, KEY):
        resource = plan.one(type_)
        assert resource.protect and resource.retain_on_delete, type_
    assert plan.by_type(LOCK) == []


def test_cmk_options_shape_the_created_key_chain():
    plan = plan_restore(
        cmk=CmkOptions(
            identity=IdentityOptions(name="orders-id"),
            vault=VaultOptions(name="kv-orders-cmk", sku=VaultSku.PREMIUM),
            key=KeyOptions(name="orders-cmk", key_type="RSA-HSM", size=4096, now=NOW),
            lock=True,
            tags={"env": "prod"},
        ),
        protect=False,  # covers everything the restore creates
    )
    identity, vault, key = plan.one(IDENTITY), plan.one(VAULT), plan.one(KEY)
    assert identity.inputs["resourceName"] == "orders-id"
    assert vault.inputs["vaultName"] == "kv-orders-cmk"
    assert vault.inputs["properties"]["sku"]["name"] == "premium"
    assert (key.inputs["keyName"], key.inputs["properties"]["kty"]) == ("orders-cmk", "RSA-HSM")
    assert key.inputs["properties"]["keySize"] == 4096
    for resource in (identity, vault, key):
        assert resource.inputs["tags"] == {"env": "prod"}
    assert not identity.protect and not identity.retain_on_delete
    assert not vault.protect and not vault.retain_on_delete
    assert not key.protect and key.retain_on_delete  # the key is retained whatever protect says
    assert plan.one(LOCK).inputs["scope"] == vault.id
    assert not plan.one(CLUSTER).protect
    assert "tags" not in plan.one(CLUSTER).inputs


def test_the_key_chains_protection_is_the_restores():
    with pytest.raises(ValidationError) as error:
        restore_args(cmk=CmkOptions(protect=False))
    assert error.value.problems == [
        "EncryptedClusterRestoreArgs.cmk.protect: false is set, but a restore protects what it "
        "creates as EncryptedClusterRestoreArgs.protect says; set that instead"
    ]
    plan = plan_restore(opts=pulumi.ResourceOptions(protect=False))
    assert not any(r.protect for r in plan.resources if r.custom)


def test_bad_cmk_options_are_refused_with_every_problem():
    with pytest.raises(ValidationError) as error:
        plan_restore(
            cmk=CmkOptions(key=KeyOptions(key_type="RSA-HSM", size=1024, now=NOW)),
        )
    assert error.value.problems == [
        "EncryptedClusterRestoreArgs.cmk.key.size: 1024 is not allowed; use 2048, 3072 or 4096",
        "EncryptedClusterRestoreArgs.cmk.key.key_type: RSA-HSM needs a premium vault, not "
        "standard; set EncryptedClusterRestoreArgs.cmk.vault.sku to premium",
    ]


def test_a_given_key_is_used_and_nothing_is_created_for_it():
    plan = plan_restore(customer_managed_key=GIVEN_KEY)
    assert created_types(plan) == {CLUSTER}
    cluster = plan.one(CLUSTER)
    assert cluster.inputs["dataEncryption"]["primaryKeyUri"] == GIVEN_KEY.key_versioned_uri
    assert cluster.inputs["identity"]["userAssignedIdentities"] == [GIVEN_KEY.identity_id]
    assert cluster.replacement_trigger == {
        "encryption": "customerManaged",
        "key": GIVEN_KEY.key_id,
        "identity": GIVEN_KEY.identity_id,
    }
    assert plan.outputs["has_cmk"] is False


# -- EncryptedClusterRestore: service-managed --------------------------------------------


@pytest.mark.parametrize("encryption", [EncryptionMode.SERVICE_MANAGED, "serviceManaged"])
def test_service_managed_restore_sends_the_restore_fields_and_says_service_managed(encryption):
    plan = plan_restore(encryption=encryption)
    cluster = plan.one(CLUSTER)
    assert set(cluster.inputs) == PATH_AND_PLACE | RESTORE_FIELDS | {"dataEncryption"}
    # A CMK source's key is not silently inherited: the body asks for service-managed keys.
    assert cluster.inputs["dataEncryption"] == {"type": "SystemAssigned"}
    assert cluster.replacement_trigger == {"encryption": "serviceManaged"}
    assert cluster.ignore_changes == ["tags"]  # no update PUT re-sends the restore
    assert created_types(plan) == {CLUSTER}
    assert plan.outputs["has_cmk"] is False


# -- what every restore shares -----------------------------------------------------------


def test_a_restore_keeps_the_sources_password_and_sizing():
    plan = plan_restore()
    assert PASSWORD not in created_types(plan)
    inputs = plan.one(CLUSTER).inputs
    assert not any(k.startswith(("coordinator", "node", "administrator")) for k in inputs)
    assert not {"postgresqlVersion", "citusVersion", "databaseName", "enableGeoBackup"} & set(
        inputs
    )
    assert plan.outputs["connection_plain"].startswith("postgresql://citus@c-orders-restored.")
    assert plan.outputs["connection_plain"].endswith(":5432/citus?sslmode=require")


def test_restore_outputs_are_registered_and_the_connection_string_is_secret():
    plan = plan_restore()
    cluster = plan.one(CLUSTER)
    fqdn = cluster.outputs["serverNames"][0]["fullyQualifiedDomainName"]
    expected = {
        "restored_from": SOURCE,
        "cluster_id": cluster.id,
        "name": "orders-restored",
        "coordinator_fqdn": fqdn,
        "connection_string": "[secret]",
    }
    assert plan.one(RESTORE).outputs == expected
    assert {k: plan.outputs[k] for k in RESTORE_OUTPUTS} == expected
    assert plan.secret_outputs == ["connection_string"]
    # The inner cluster has no password to report: the source's is kept.
    assert "administrator_login_password" not in plan.one(COMPONENT).outputs


def test_restore_fields_are_create_only_and_the_cluster_is_protected():
    cluster = plan_restore().one(CLUSTER)
    assert cluster.protect and not cluster.retain_on_delete
    assert cluster.replace_on_changes == CREATE_ONLY


def test_protect_false_reaches_the_cluster():
    assert not plan_restore(protect=False).one(CLUSTER).protect


def test_lock_tags_and_firewall_rules_reach_the_cluster():
    plan = plan_restore(
        lock=True, tags={"restored-from": "orders-prod"}, firewall_rules={"app": "20.31.4.0/26"}
    )
    cluster = plan.one(CLUSTER)
    assert cluster.inputs["tags"] == {"restored-from": "orders-prod"}
    lock = plan.one(LOCK)
    assert lock.inputs["scope"] == cluster.id
    assert child_of(plan, lock).type == COMPONENT
    rule = plan.one(RULE)
    assert rule.name == "orders-fw-app"
    assert (rule.inputs["startIpAddress"], rule.inputs["endIpAddress"]) == (
        "20.31.4.0",
        "20.31.4.63",
    )
    assert rule.inputs["clusterName"] == "orders-restored"
    assert child_of(plan, rule).type == COMPONENT
    assert plan.messages == []


def test_a_restore_without_firewall_rules_warns_that_it_is_closed():
    plan = plan_restore()
    assert plan.by_type(RULE) == []
    assert plan.messages == [
        (
            "warning",
            "cluster orders-restored has no firewall rule: nothing can connect to it yet "
            "(stack config: cluster.firewallRules)",
        )
    ]


def test_an_ids_source_location_defaults_to_the_new_clusters():
    plan = plan_restore(location="northeurope")
    assert plan.one(CLUSTER).inputs["sourceLocation"] == "northeurope"


def test_source_can_be_a_cluster_of_the_same_program():
    def build():
        source = EncryptedCosmosPgCluster(
            "old",
            EncryptedCosmosPgClusterArgs(
                resource_group_name="rg", location="northeurope", cluster_name="orders-old"
            ),
        )
        restore = EncryptedClusterRestore(
            "new",
            EncryptedClusterRestoreArgs(
                resource_group_name="rg",
                location="westeurope",
                cluster_name="orders-new",
                source=source,
                point_in_time=POINT,
                encryption=EncryptionMode.SERVICE_MANAGED,
                now=NOW,
            ),
        )
        return {"restored_from": restore.restored_from}

    plan = run_components(build)
    old, new = sorted(plan.by_type(CLUSTER), key=lambda r: r.name != "old-cluster")
    assert new.inputs["sourceResourceId"] == old.id
    # The source component's region, not the new cluster's.
    assert new.inputs["sourceLocation"] == "northeurope"
    assert new.inputs["location"] == "westeurope"
    assert old.urn in new.dependencies
    assert plan.outputs["restored_from"] == old.id


def test_an_explicit_source_location_wins_over_the_source_components():
    def build():
        source = EncryptedCosmosPgCluster(
            "old",
            EncryptedCosmosPgClusterArgs(
                resource_group_name="rg", location="northeurope", cluster_name="orders-old"
            ),
        )
        EncryptedClusterRestore(
            "new",
            EncryptedClusterRestoreArgs(
                resource_group_name="rg",
                location="westeurope",
                cluster_name="orders-new",
                source=source,
                source_location="swedencentral",
                point_in_time=POINT,
                encryption="serviceManaged",
                now=NOW,
            ),
        )

    plan = run_components(build)
    new = next(r for r in plan.by_type(CLUSTER) if r.name == "new-cluster")
    assert new.inputs["sourceLocation"] == "swedencentral"


# -- EncryptedClusterRestoreArgs ---------------------------------------------------------


def test_a_restore_into_another_resource_group_than_the_sources_is_refused():
    with pytest.raises(ValidationError) as error:
        restore_args(resource_group_name="rg-elsewhere")
    assert error.value.problems == [
        "EncryptedClusterRestoreArgs.resource_group_name: rg-elsewhere is not the restore "
        "source's resource group 'rg-prod': Azure restores a cluster into the resource group "
        "of the original; use that group"
    ]


def restore_args(**kwargs):
    kwargs.setdefault("resource_group_name", "rg-prod")
    kwargs.setdefault("location", LOCATION)
    kwargs.setdefault("cluster_name", "orders-new")
    kwargs.setdefault("source", SOURCE)
    kwargs.setdefault("point_in_time", POINT)
    kwargs.setdefault("now", NOW)
    return EncryptedClusterRestoreArgs(**kwargs)


def test_restore_args_defaults():
    args = restore_args()
    assert args.encryption == EncryptionMode.CUSTOMER_MANAGED
    assert args.customer_managed_key is None
    assert args.cmk == CmkOptions()
    assert args.firewall_rules == {}
    assert (args.protect, args.lock, args.tags, args.source_location) == (None, False, {}, None)


def test_restore_args_are_frozen_and_keyword_only():
    with pytest.raises(dataclasses.FrozenInstanceError):
        restore_args().encryption = "serviceManaged"  # type: ignore[misc]
    with pytest.raises(TypeError):
        EncryptedClusterRestoreArgs("rg", LOCATION, "orders-new", SOURCE, POINT)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"encryption": "both"},
            ["encryption: both is not allowed; use customerManaged or serviceManaged"],
        ),
        (
            {"encryption": None},
            ["encryption: null is not allowed; use customerManaged or serviceManaged"],
        ),
        (
            {"encryption": "serviceManaged", "customer_managed_key": GIVEN_KEY},
            ["customer_managed_key: is given, but encryption is serviceManaged"],
        ),
    ],
)
def test_rejects_bad_restore_arguments(kwargs, expected):
    with pytest.raises(ValidationError) as error:
        restore_args(**kwargs)
    assert error.value.problems == [f"EncryptedClusterRestoreArgs.{line}" for line in expected]


@pytest.mark.parametrize(
    ("kwargs", "complaint"),
    [
        (
            {"point_in_time": NOW + timedelta(hours=1)},
            '"2026-11-28T13:00:00Z" is in the future; use a past time',
        ),
        ({"point_in_time": POINT.replace(tzinfo=None)}, "has no time zone; give a UTC datetime"),
        (
            {"cluster_name": "Orders"},
            "Orders is not valid; use 3-40 lowercase letters, digits and hyphens, not only "
            "digits, not starting or ending with a hyphen",
        ),
        (
            {"source": "orders-prod"},
            "orders-prod is not a resource id; use the form /subscriptions/"
            "00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
            "Microsoft.DBforPostgreSQL/serverGroupsv2/my-cluster",
        ),
        (
            {"firewall_rules": {"lan": "192.168.0.0/16"}},
            "192.168.0.0/16 includes the non-public range 192.168.0.0/16; the public endpoint "
            "only sees public client addresses",
        ),
    ],
)
def test_what_the_restored_cluster_refuses_is_refused_by_the_args(kwargs, complaint):
    """The args check the cluster they will build (name, source, time, firewall) before
    anything is registered, naming the fields by their own names."""
    ((name, _),) = kwargs.items()
    with pytest.raises(ValidationError) as error:
        restore_args(**kwargs)
    [problem] = error.value.problems
    assert problem.startswith(f"EncryptedClusterRestoreArgs.{name}")
    assert problem.endswith(f": {complaint}")


def test_the_restore_time_is_rendered_in_utc():
    point = datetime(2026, 11, 28, 8, 30, tzinfo=timezone(timedelta(hours=2)))
    plan = plan_restore(point_in_time=point, encryption="serviceManaged")
    assert plan.one(CLUSTER).inputs["pointInTimeUTC"] == "2026-11-28T06:30:00Z"


# -- the cluster component with a PointInTimeRestore source ------------------------------


def test_a_point_in_time_source_on_the_cluster_component():
    source = PointInTimeRestore(
        source_cluster_id=SOURCE, source_location="northeurope", point_in_time=POINT
    )
    plan = plan_sourced(source, firewall_rules={"app": "20.31.4.7"})
    cluster = plan.one(CLUSTER)
    assert set(cluster.inputs) == PATH_AND_PLACE | RESTORE_FIELDS | {"dataEncryption"}
    assert cluster.inputs["pointInTimeUTC"] == "2026-11-28T06:00:00Z"
    assert cluster.inputs["sourceLocation"] == "northeurope"
    assert cluster.replace_on_changes == CREATE_ONLY
    assert plan.outputs["has_password"] is False
    assert plan.outputs["connection_plain"].startswith("postgresql://citus@c-orders-copy.")


def test_a_restore_point_exactly_now_is_accepted():
    source = PointInTimeRestore(
        source_cluster_id=SOURCE, source_location=LOCATION, point_in_time=NOW
    )
    EncryptedCosmosPgClusterArgs(
        resource_group_name="rg",
        location=LOCATION,
        cluster_name="orders-copy",
        source=source,
        now=NOW,
    )


# -- read replicas -----------------------------------------------------------------------


def test_a_replica_is_the_cluster_component_with_a_replica_source():
    plan = plan_sourced(
        ReadReplica(source_cluster_id=SOURCE, source_location="westeurope"),
        location="northeurope",
    )
    cluster = plan.one(CLUSTER)
    assert set(cluster.inputs) == PATH_AND_PLACE | REPLICA_FIELDS | {"dataEncryption"}
    assert cluster.inputs["sourceResourceId"] == SOURCE
    assert cluster.inputs["sourceLocation"] == "westeurope"
    assert cluster.inputs["location"] == "northeurope"
    assert cluster.protect
    assert cluster.replace_on_changes == CREATE_ONLY
    assert cluster.replacement_trigger == {"encryption": "serviceManaged"}
    assert PASSWORD not in created_types(plan)


def test_a_replica_keeps_the_sources_password():
    plan = plan_sourced()
    assert plan.outputs["has_password"] is False
    assert plan.outputs["connection_plain"].startswith("postgresql://citus@c-orders-copy.")
    component = plan.one(COMPONENT)
    assert "administrator_login_password" not in component.outputs
    assert component.outputs["connection_string"] == "[secret]"


def test_a_customer_managed_replica_carries_its_own_key():
    plan = plan_sourced(customer_managed_key=GIVEN_KEY)
    cluster = plan.one(CLUSTER)
    assert set(cluster.inputs) == PATH_AND_PLACE | REPLICA_FIELDS | {"identity", "dataEncryption"}
    assert cluster.inputs["dataEncryption"]["primaryKeyUri"] == GIVEN_KEY.key_versioned_uri
    assert cluster.ignore_changes == ["dataEncryption.primaryKeyUri", "tags"]
    assert cluster.replacement_trigger["key"] == GIVEN_KEY.key_id


def test_a_replica_of_a_cluster_of_the_same_program_waits_for_it():
    def build():
        primary = EncryptedCosmosPgCluster(
            "primary",
            EncryptedCosmosPgClusterArgs(
                resource_group_name="rg", location=LOCATION, cluster_name="orders-primary"
            ),
        )
        EncryptedCosmosPgCluster(
            "replica",
            EncryptedCosmosPgClusterArgs(
                resource_group_name="rg",
                location="northeurope",
                cluster_name="orders-replica",
                # An Output: known only once the primary exists, so not checked as an id.
                source=ReadReplica(
                    source_cluster_id=primary.cluster_id, source_location=primary.region
                ),
            ),
        )

    plan = run_components(build)
    primary, replica = sorted(plan.by_type(CLUSTER), key=lambda r: r.name != "primary-cluster")
    assert replica.inputs["sourceResourceId"] == primary.id
    assert replica.inputs["sourceLocation"] == LOCATION
    assert primary.urn in replica.dependencies


def test_a_replica_may_set_the_networking_it_does_not_copy():
    plan = plan_sourced(
        firewall_rules={"app": "20.31.4.7"}, allow_azure_services=True, allow_all_internet=True
    )
    assert sorted(rule.name for rule in plan.by_type(RULE)) == [
        "copy-fw-allow-all-internet",
        "copy-fw-allow-azure-services",
        "copy-fw-app",
    ]


# -- what a sourced cluster refuses ------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"sizing": ClusterSizing(node_count=2)}, f"sizing.node_count: 2 {COPIED}"),
        (
            {"sizing": ClusterSizing(coordinator_v_cores=8)},
            f"sizing.coordinator_v_cores: 8 {COPIED}",
        ),
        (
            {"sizing": ClusterSizing(coordinator_storage_mb=262144)},
            f"sizing.coordinator_storage_mb: 262144 {COPIED}",
        ),
        (
            {"sizing": ClusterSizing(coordinator_server_edition=ServerEdition.MEMORY_OPTIMIZED)},
            f"sizing.coordinator_server_edition: MemoryOptimized {COPIED}",
        ),
        ({"sizing": ClusterSizing(node_v_cores=8)}, f"sizing.node_v_cores: 8 {COPIED}"),
        (
            {"sizing": ClusterSizing(node_storage_mb=1048576)},
            f"sizing.node_storage_mb: 1048576 {COPIED}",
        ),
        (
            {"sizing": ClusterSizing(node_server_edition="GeneralPurpose")},
            f"sizing.node_server_edition: GeneralPurpose {COPIED}",
        ),
        ({"sizing": ClusterSizing(enable_ha=True)}, f"sizing.enable_ha: true {COPIED}"),
        (
            {"sizing": ClusterSizing(preferred_primary_zone="1")},
            f'sizing.preferred_primary_zone: "1" {COPIED}',
        ),
        # Copied settings are refused, not checked: the value does not matter.
        ({"sizing": ClusterSizing(node_count=1)}, f"sizing.node_count: 1 {COPIED}"),
        ({"postgresql_version": "15"}, f'postgresql_version: "15" {COPIED}'),
        ({"citus_version": "12.0"}, f'citus_version: "12.0" {COPIED}'),
        ({"database_name": "orders"}, f"database_name: orders {COPIED}"),
        ({"enable_geo_backup": True}, f"enable_geo_backup: true {COPIED}"),
        (
            {"administrator_login_password": "Given-Passw0rd!"},
            f"administrator_login_password: [secret] {COPIED}",
        ),
    ],
)
@pytest.mark.parametrize(
    "source",
    [
        REPLICA,
        PointInTimeRestore(source_cluster_id=SOURCE, source_location=LOCATION, point_in_time=POINT),
    ],
    ids=["replica", "restore"],
)
def test_a_sourced_cluster_refuses_what_it_copies(source, kwargs, expected):
    problems = cluster_problems(source=source, **kwargs)
    assert problems == [f"{OWNER}.{expected}"]
    assert "Given-Passw0rd!" not in str(problems)


def test_every_copied_setting_is_reported_at_once():
    assert cluster_problems(
        sizing=ClusterSizing(node_count=2, enable_ha=True), database_name="orders"
    ) == [
        f"{OWNER}.sizing.node_count: 2 {COPIED}",
        f"{OWNER}.sizing.enable_ha: true {COPIED}",
        f"{OWNER}.database_name: orders {COPIED}",
    ]


def test_geo_backup_on_a_customer_managed_replica_is_refused_twice_over():
    assert cluster_problems(customer_managed_key=GIVEN_KEY, enable_geo_backup=True) == [
        f"{OWNER}.enable_geo_backup: true is not supported with customer-managed keys; set it "
        "to false or use service-managed keys",
        f"{OWNER}.enable_geo_backup: true {COPIED}",
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            ReadReplica(source_cluster_id="orders-prod", source_location=LOCATION),
            "source.source_cluster_id: orders-prod is not a resource id; use the form "
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
            "Microsoft.DBforPostgreSQL/serverGroupsv2/my-cluster",
        ),
        (
            ReadReplica(
                source_cluster_id=arm_id("rg", "Microsoft.KeyVault/vaults/kv"),
                source_location=LOCATION,
            ),
            f"source.source_cluster_id: {arm_id('rg', 'Microsoft.KeyVault/vaults/kv')} is a "
            "Microsoft.KeyVault/vaults id; use a Microsoft.DBforPostgreSQL/serverGroupsv2 id "
            "like /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/"
            "providers/Microsoft.DBforPostgreSQL/serverGroupsv2/my-cluster",
        ),
        (
            ReadReplica(source_cluster_id=SOURCE, source_location="West Europe"),
            'source.source_location: "West Europe" is a display name; use the programmatic '
            "name westeurope",
        ),
        (
            ReadReplica(source_cluster_id=SOURCE, source_location="west europe!"),
            'source.source_location: "west europe!" is not a region name; use a programmatic '
            "name such as westeurope",
        ),
        (
            PointInTimeRestore(
                source_cluster_id=SOURCE,
                source_location=LOCATION,
                point_in_time=NOW + timedelta(hours=1),
            ),
            'source.point_in_time: "2026-11-28T13:00:00Z" is in the future; use a past time',
        ),
        (
            PointInTimeRestore(
                source_cluster_id=SOURCE,
                source_location=LOCATION,
                point_in_time=POINT.replace(tzinfo=None),
            ),
            "source.point_in_time: has no time zone; give a UTC datetime",
        ),
    ],
)
def test_rejects_a_bad_source(source, expected):
    assert cluster_problems(source=source) == [f"{OWNER}.{expected}"]


def test_a_bad_source_and_a_copied_setting_are_reported_together():
    source = ReadReplica(source_cluster_id="orders-prod", source_location="West Europe")
    problems = cluster_problems(source=source, database_name="orders")
    assert [line.split(":", 1)[0] for line in problems] == [
        f"{OWNER}.source.source_location",
        f"{OWNER}.source.source_cluster_id",
        f"{OWNER}.database_name",
    ]


def test_the_future_is_judged_by_the_given_clock():
    source = PointInTimeRestore(
        source_cluster_id=SOURCE, source_location=LOCATION, point_in_time=NOW + timedelta(days=1)
    )
    later = NOW + timedelta(days=2)
    EncryptedCosmosPgClusterArgs(
        resource_group_name="rg",
        location=LOCATION,
        cluster_name="orders-copy",
        source=source,
        now=later,
    )
    assert source.problems(later) == []
    assert [p.field for p in source.problems(NOW)] == ["point_in_time"]


def test_sources_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        REPLICA.source_location = "northeurope"  # type: ignore[misc]
    restore = PointInTimeRestore(SOURCE, LOCATION, datetime(2026, 11, 28, tzinfo=UTC))
    assert restore.source_cluster_id == SOURCE


def test_a_cosmos_restore_keeps_access_policies():
    from cmkpg.vault import PermissionModel

    with pytest.raises(ValidationError) as error:
        restore_args(cmk=CmkOptions(vault=VaultOptions(permission_model=PermissionModel.RBAC)))
    assert any(
        line.startswith(
            "EncryptedClusterRestoreArgs.cmk.vault.permission_model: rbac is rbac, but Cosmos DB "
            "for PostgreSQL is granted its key through an access policy"
        )
        for line in error.value.problems
    ), error.value.problems
