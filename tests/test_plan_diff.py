"""The engine-diff emulation the safety tests rely on can tell every kind of change apart."""

from __future__ import annotations

from cmkpg.preview.engine import Plan, Registration
from cmkpg.preview.plan_diff import diff_plans, diff_resource

TYPE = "azure-native:dbforpostgresql:ServerGroupCluster"


def reg(inputs, **options) -> Registration:
    return Registration(
        urn="urn:c", type=TYPE, name="c", parent="", custom=True, inputs=inputs, **options
    )


def test_identical_inputs_are_the_same():
    assert diff_resource(reg({"a": 1}), reg({"a": 1})).kind == "same"


def test_a_changed_input_is_an_update_naming_its_path():
    change = diff_resource(reg({"a": {"b": 1, "c": 2}}), reg({"a": {"b": 1, "c": 3}}))
    assert (change.kind, change.paths) == ("update", ("a.c",))


def test_ignored_paths_keep_the_old_value_or_disappear():
    old = reg({"enc": {"uri": "v1", "id": "i"}})
    assert (
        diff_resource(old, reg({"enc": {"uri": "v2", "id": "i"}}, ignore_changes=["enc.uri"])).kind
        == "same"
    )
    change = diff_resource(reg({}), reg({"enc": {"uri": "v2"}}, ignore_changes=["enc.uri"]))
    assert change.paths == ("enc",)  # the ignored leaf is dropped, the new object remains


def test_replace_on_changes_matches_children_and_parents():
    rule = {"replace_on_changes": ["dataEncryption"], "protect": True}
    child = diff_resource(
        reg({"dataEncryption": {"type": "A"}}, **rule),
        reg({"dataEncryption": {"type": "B"}}, **rule),
    )
    assert child.kind == "replace" and child.refused
    added = diff_resource(reg({}, **rule), reg({"dataEncryption": {"type": "A"}}, **rule))
    assert added.kind == "replace"
    nested_rule = {"replace_on_changes": ["dataEncryption.type"]}
    whole = diff_resource(
        reg({}, **nested_rule), reg({"dataEncryption": {"type": "A"}}, **nested_rule)
    )
    assert whole.kind == "replace"


def test_a_changed_trigger_replaces_even_without_input_changes():
    change = diff_resource(
        reg({"a": 1}, replacement_trigger={"k": 1}), reg({"a": 1}, replacement_trigger={"k": 2})
    )
    assert change.kind == "replace" and not change.refused


def test_region_and_name_cannot_change_in_place():
    assert diff_resource(reg({"location": "a"}), reg({"location": "b"})).kind == "replace"
    assert diff_resource(reg({"clusterName": "a"}), reg({"clusterName": "b"})).kind == "replace"


def test_creates_and_deletes_and_protected_deletes():
    old = Plan("p", "s", [reg({}, protect=True)], {}, [])
    new = Plan("p", "s", [Registration("urn:d", TYPE, "d", "", True)], {}, [])
    changes = diff_plans(old, new)
    assert changes["urn:c"].kind == "delete" and changes["urn:c"].refused
    assert changes["urn:d"].kind == "create"
