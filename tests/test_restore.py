"""EncryptedClusterRestore and read replicas: what the request carries, where the key lives."""

from __future__ import annotations

from datetime import timedelta

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
    CustomerManagedKey,
    EncryptedCosmosPgCluster,
    EncryptedCosmosPgClusterArgs,
    ReadReplica,
    ValidationError,
)
from cmkpg.restore import EncryptedClusterRestore, EncryptedClusterRestoreArgs

SOURCE = arm_id("rg-prod", "Microsoft.DBforPostgreSQL/serverGroupsv2/orders-prod")
POINT = NOW - timedelta(hours=6)
RESTORE_FIELDS = {"sourceResourceId", "sourceLocation", "pointInTimeUTC"}
PATH_AND_PLACE = {"clusterName", "resourceGroupName", "location"}


def plan_restore(**kwargs):
    kwargs.setdefault("resource_group_name", "rg-orders")
    kwargs.setdefault("location", LOCATION)
    kwargs.setdefault("cluster_name", "orders-restored")
    kwargs.setdefault("source", SOURCE)
    kwargs.setdefault("point_in_time", POINT)
    kwargs.setdefault("now", NOW)

    def build():
        restore = EncryptedClusterRestore("orders", EncryptedClusterRestoreArgs(**kwargs))
        return {
            "restoredFrom": restore.restored_from,
            "connection": pulumi.Output.unsecret(restore.connection_string),
        }

    return run_components(build)


def test_customer_managed_restore_body_is_exactly_the_restore_plus_the_encryption():
    plan = plan_restore()
    cluster = plan.one(CLUSTER)
    assert set(cluster.inputs) == PATH_AND_PLACE | RESTORE_FIELDS | {"identity", "dataEncryption"}
    assert cluster.inputs["sourceResourceId"] == SOURCE
    assert cluster.inputs["sourceLocation"] == LOCATION
    assert cluster.inputs["pointInTimeUTC"] == "2026-11-28T06:00:00Z"
    identity = plan.one(IDENTITY)
    assert cluster.inputs["identity"]["userAssignedIdentities"] == [identity.id]
    assert (
        cluster.inputs["dataEncryption"]["primaryKeyUri"]
        == (plan.one(KEY).outputs["keyUriWithVersion"])
    )
    assert plan.one(ACCESS_POLICY).urn in cluster.dependencies
    assert plan.one(KEY).urn in cluster.dependencies
    assert plan.outputs["restoredFrom"] == SOURCE


def test_the_new_key_lives_in_the_new_clusters_region_under_the_restore():
    plan = plan_restore(location="northeurope", source_location="westeurope")
    assert plan.one(CLUSTER).inputs["sourceLocation"] == "westeurope"
    for type_ in (IDENTITY, VAULT, CLUSTER):
        assert plan.one(type_).inputs["location"] == "northeurope"
    restore = next(r for r in plan.resources if r.type == "cmkpg:index:EncryptedClusterRestore")
    for type_ in (IDENTITY, VAULT, KEY, CLUSTER):
        ancestor = child_of(plan, child_of(plan, plan.one(type_)))
        assert ancestor.urn == restore.urn, type_


def test_service_managed_restore_sends_only_the_restore_fields():
    plan = plan_restore(encryption="serviceManaged")
    assert set(plan.one(CLUSTER).inputs) == PATH_AND_PLACE | RESTORE_FIELDS
    assert created_types(plan) == {CLUSTER}


def test_a_restore_keeps_the_sources_password_and_sizing():
    plan = plan_restore()
    assert PASSWORD not in created_types(plan)
    assert not any(k.startswith(("coordinator", "node")) for k in plan.one(CLUSTER).inputs)
    assert plan.outputs["connection"].startswith("postgresql://citus@c-orders-restored.")


def test_restore_fields_are_create_only_and_the_cluster_is_protected():
    cluster = plan_restore().one(CLUSTER)
    assert cluster.protect
    assert set(cluster.replace_on_changes) >= RESTORE_FIELDS


def test_source_can_be_a_cluster_of_the_same_program():
    def build():
        source = EncryptedCosmosPgCluster(
            "old",
            EncryptedCosmosPgClusterArgs(
                resource_group_name="rg", location="westeurope", cluster_name="orders-old"
            ),
        )
        EncryptedClusterRestore(
            "new",
            EncryptedClusterRestoreArgs(
                resource_group_name="rg",
                location="westeurope",
                cluster_name="orders-new",
                source=source,
                point_in_time=POINT,
                now=NOW,
            ),
        )

    plan = run_components(build)
    old, new = sorted(plan.by_type(CLUSTER), key=lambda r: r.name != "old-cluster")
    assert new.inputs["sourceResourceId"] == old.id
    assert new.inputs["sourceLocation"] == "westeurope"
    assert old.urn in new.dependencies


def test_a_given_key_is_used_and_nothing_is_created_for_it():
    key = CustomerManagedKey(
        key_versioned_uri="https://sec-kv.vault.azure.net/keys/k/0123456789abcdef0123456789abcdef",
        key_uri="https://sec-kv.vault.azure.net/keys/k",
        identity_id=arm_id("sec", "Microsoft.ManagedIdentity/userAssignedIdentities/id"),
    )
    plan = plan_restore(customer_managed_key=key)
    assert created_types(plan) == {CLUSTER}
    assert plan.one(CLUSTER).inputs["dataEncryption"]["primaryKeyUri"] == key.key_versioned_uri


def test_a_replica_is_the_cluster_component_with_a_replica_source():
    def build():
        EncryptedCosmosPgCluster(
            "replica",
            EncryptedCosmosPgClusterArgs(
                resource_group_name="rg",
                location="northeurope",
                cluster_name="orders-replica",
                source=ReadReplica(source_cluster_id=SOURCE, source_location="westeurope"),
            ),
        )

    inputs = run_components(build).one(CLUSTER).inputs
    assert set(inputs) == PATH_AND_PLACE | {"sourceResourceId", "sourceLocation"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"encryption": "both"}, "EncryptedClusterRestoreArgs.encryption: 'both' is not allowed"),
        (
            {
                "encryption": "serviceManaged",
                "customer_managed_key": CustomerManagedKey("u", "u", "i"),
            },
            "customer_managed_key: given, but encryption is 'serviceManaged'",
        ),
    ],
)
def test_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        EncryptedClusterRestoreArgs(
            resource_group_name="rg",
            location=LOCATION,
            cluster_name="c-new",
            source=SOURCE,
            point_in_time=POINT,
            **kwargs,
        )


@pytest.mark.parametrize(
    ("point", "message"),
    [
        (NOW + timedelta(hours=1), "point_in_time: 2026-11-28T13:00:00Z is in the future"),
        (POINT.replace(tzinfo=None), "point_in_time: has no time zone"),
    ],
)
def test_the_restore_point_is_checked_on_the_cluster_args(point, message):
    with pytest.raises(ValidationError, match=message):
        plan_restore(point_in_time=point)


REPLICA = ReadReplica(source_cluster_id=SOURCE, source_location=LOCATION)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"sizing": ClusterSizing(node_count=2)},
            "sizing: set, but a restore or replica copies it",
        ),
        ({"postgresql_version": "15"}, "postgresql_version: set, but a restore or replica"),
        (
            {"source": ReadReplica(source_cluster_id="orders-prod", source_location=LOCATION)},
            "source.source_cluster_id: 'orders-prod' is not a resource id",
        ),
    ],
)
def test_a_sourced_cluster_refuses_what_it_copies(kwargs, message):
    args = {"source": REPLICA, **kwargs}
    with pytest.raises(ValidationError, match=message):
        EncryptedCosmosPgClusterArgs(
            resource_group_name="rg", location=LOCATION, cluster_name="c-new", **args
        )
