"""Firewall rules of the cluster's public endpoint: parsing, refusals and the child resources."""

from __future__ import annotations

import pulumi
import pytest
from conftest import CLUSTER, LOCATION, arm_id, child_of, run_components

from cmkpg import (
    ClusterOptions,
    ClusterSizing,
    EncryptedCosmosPgCluster,
    EncryptedCosmosPgClusterArgs,
    FirewallRule,
    ReadReplica,
    ValidationError,
)
from cmkpg.firewall import parse_firewall_rules

COMPONENT = "cmkpg:index:EncryptedCosmosPgCluster"
RULE = "azure-native:dbforpostgresql:ServerGroupFirewallRule"
OWNER = "EncryptedCosmosPgClusterArgs"
SOURCE = arm_id("rg-prod", "Microsoft.DBforPostgreSQL/serverGroupsv2/orders-prod")
EXAMPLE = "use an IPv4 address, a CIDR block (203.0.113.0/24) or a range (a.b.c.d-e.f.g.h)"
NON_PUBLIC = "; the public endpoint only sees public client addresses"
HALF = (
    "opens the cluster to half the internet or more; if the whole internet is really meant, "
    f"say so with {OWNER}.allow_all_internet instead"
)
BAD_NAME = "is not a valid rule name; use up to 80 letters, digits, '-', '_' or '.'"
NO_RULE_WARNING = (
    "cluster db-cluster has no firewall rule: nothing can connect to it yet "
    "(stack config: cluster.firewallRules)"
)


def plan_cluster(**kwargs):
    kwargs.setdefault("resource_group_name", "rg")
    kwargs.setdefault("location", LOCATION)
    kwargs.setdefault("cluster_name", "db-cluster")

    def build():
        cluster = EncryptedCosmosPgCluster("db", EncryptedCosmosPgClusterArgs(**kwargs))
        return {"rules": [rule.urn for rule in cluster.firewall_rules]}

    return run_components(build)


def problems_of(**kwargs):
    kwargs.setdefault("resource_group_name", "rg")
    kwargs.setdefault("location", LOCATION)
    kwargs.setdefault("cluster_name", "db-cluster")
    with pytest.raises(ValidationError) as error:
        EncryptedCosmosPgClusterArgs(**kwargs)
    return error.value.problems


def ranges(rules: list[FirewallRule]) -> dict[str, tuple[str, str]]:
    return {rule.name: (rule.start_ip, rule.end_ip) for rule in rules}


# -- parsing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("20.31.4.7", "20.31.4.7", "20.31.4.7"),
        ("52.174.0.0/16", "52.174.0.0", "52.174.255.255"),
        ("52.174.12.0/22", "52.174.12.0", "52.174.15.255"),
        ("20.31.4.7/32", "20.31.4.7", "20.31.4.7"),
        ("20.31.4.7-20.31.4.20", "20.31.4.7", "20.31.4.20"),
        ("20.31.4.7-20.31.4.7", "20.31.4.7", "20.31.4.7"),
        (" 20.31.4.7 - 20.31.4.20 ", "20.31.4.7", "20.31.4.20"),
        (" 52.174.0.0/16 ", "52.174.0.0", "52.174.255.255"),
        # The documentation ranges (TEST-NET-1..3) are what examples use: they stay allowed.
        ("192.0.2.10", "192.0.2.10", "192.0.2.10"),
        ("198.51.100.0/24", "198.51.100.0", "198.51.100.255"),
        ("203.0.113.0/26", "203.0.113.0", "203.0.113.63"),
        # Wide, but neither half the internet nor touching a special-purpose range.
        ("11.0.0.0-100.63.255.255", "11.0.0.0", "100.63.255.255"),
    ],
)
def test_an_address_a_cidr_block_or_a_range_becomes_start_and_end(text, start, end):
    rules, problems = parse_firewall_rules({"office": text})
    assert problems == []
    assert rules == [FirewallRule("office", start, end)]


@pytest.mark.parametrize(
    "name",
    ["office", "app-subnet", "app_subnet", "app.subnet", "Office1", "a", "a" * 80],
)
def test_valid_rule_names_are_kept(name):
    rules, problems = parse_firewall_rules({name: "20.31.4.7"})
    assert problems == []
    assert [rule.name for rule in rules] == [name]


def test_rules_keep_their_order_and_the_named_choices_come_last():
    rules, problems = parse_firewall_rules(
        {"b": "20.31.4.8", "a": "20.31.4.7"}, allow_azure_services=True, allow_all_internet=True
    )
    assert problems == []
    assert rules == [
        FirewallRule("b", "20.31.4.8", "20.31.4.8"),
        FirewallRule("a", "20.31.4.7", "20.31.4.7"),
        FirewallRule("allow-azure-services", "0.0.0.0", "0.0.0.0"),
        FirewallRule("allow-all-internet", "0.0.0.0", "255.255.255.255"),
    ]


def test_no_rules_and_no_choices_means_nothing():
    assert parse_firewall_rules({}) == ([], [])


@pytest.mark.parametrize(
    ("azure", "internet", "expected"),
    [
        (True, False, {"allow-azure-services": ("0.0.0.0", "0.0.0.0")}),
        (False, True, {"allow-all-internet": ("0.0.0.0", "255.255.255.255")}),
    ],
)
def test_each_named_choice_adds_its_rule(azure, internet, expected):
    rules, problems = parse_firewall_rules(
        {}, allow_azure_services=azure, allow_all_internet=internet
    )
    assert problems == []
    assert ranges(rules) == expected


def test_every_bad_entry_is_reported_and_good_ones_still_parse():
    rules, problems = parse_firewall_rules(
        {"ok": "20.31.4.7", "bad": "10.0.0.1", "worse": "nonsense"}, allow_azure_services=True
    )
    assert ranges(rules) == {
        "ok": ("20.31.4.7", "20.31.4.7"),
        "allow-azure-services": ("0.0.0.0", "0.0.0.0"),
    }
    assert [(p.field, p.value) for p in problems] == [
        ("firewall_rules.bad", "10.0.0.1"),
        ("firewall_rules.worse", "nonsense"),
    ]


# -- refusals, rendered as the component reports them -------------------------------------


@pytest.mark.parametrize(
    ("text", "shown", "complaint"),
    [
        ("office.example.com", "office.example.com", f"is not valid; {EXAMPLE}"),
        ("", '""', f"is not valid; {EXAMPLE}"),
        ("20.31.4", "20.31.4", f"is not valid; {EXAMPLE}"),
        ("20.31.4.256", "20.31.4.256", f"is not valid; {EXAMPLE}"),
        ("20.31.4.7/33", "20.31.4.7/33", f"is not valid; {EXAMPLE}"),
        ("20.31.4.7-", "20.31.4.7-", f"is not valid; {EXAMPLE}"),
        ("20.31.4.7-20.31.4.8-20.31.4.9", "20.31.4.7-20.31.4.8-20.31.4.9", "is not valid"),
        ("2001:db8::1", "2001:db8::1", f"is not valid; {EXAMPLE}"),
        ("2001:db8::/32", "2001:db8::/32", f"is not valid; {EXAMPLE}"),
        ("20.31.4.7/24", "20.31.4.7/24", f"has host bits set; {EXAMPLE}"),
        ("20.31.4.20-20.31.4.7", "20.31.4.20-20.31.4.7", f"ends before it starts; {EXAMPLE}"),
        (7, "7", f"is not an address; {EXAMPLE}"),
        (None, "null", f"is not an address; {EXAMPLE}"),
        (["20.31.4.7"], "[20.31.4.7]", f"is not an address; {EXAMPLE}"),
    ],
)
def test_a_malformed_address_is_refused(text, shown, complaint):
    [problem] = problems_of(firewall_rules={"office": text})
    assert problem.startswith(f"{OWNER}.firewall_rules.office: {shown} {complaint}")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("0.0.0.0/0", "0.0.0.0/0"),
        ("0.0.0.0-255.255.255.255", "0.0.0.0-255.255.255.255"),
        ("1.0.0.0-200.0.0.0", "1.0.0.0-200.0.0.0"),
        (" 0.0.0.0/0 ", '" 0.0.0.0/0 "'),
    ],
)
def test_a_rule_covering_half_the_internet_points_to_allow_all_internet(text, shown):
    assert problems_of(firewall_rules={"everyone": text}) == [
        f"{OWNER}.firewall_rules.everyone: {shown} {HALF}"
    ]


@pytest.mark.parametrize(
    ("text", "network"),
    [
        ("0.0.0.0", "0.0.0.0/8"),
        ("10.1.2.3", "10.0.0.0/8"),
        ("10.0.0.0/8", "10.0.0.0/8"),
        ("100.64.0.1", "100.64.0.0/10"),
        ("127.0.0.1", "127.0.0.0/8"),
        ("169.254.169.254", "169.254.0.0/16"),
        ("172.16.5.4", "172.16.0.0/12"),
        ("172.31.255.255", "172.16.0.0/12"),
        ("192.0.0.8", "192.0.0.0/24"),
        ("192.168.1.0/24", "192.168.0.0/16"),
        ("198.18.0.1", "198.18.0.0/15"),
        ("224.0.0.1", "224.0.0.0/4"),
        ("240.0.0.1", "240.0.0.0/4"),
        ("255.255.255.255", "240.0.0.0/4"),
        # Public at both ends, private in the middle.
        ("9.255.255.0-11.0.0.0", "10.0.0.0/8"),
        ("8.0.0.0/6", "10.0.0.0/8"),
    ],
)
def test_a_rule_touching_a_non_public_range_is_refused(text, network):
    assert problems_of(firewall_rules={"office": text}) == [
        f"{OWNER}.firewall_rules.office: {text} includes the non-public range {network}"
        + NON_PUBLIC
    ]


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("my office", '"my office"'),
        ("", '""'),
        ("a" * 81, "a" * 81),
        ("office/1", "office/1"),
        ("a;b", '"a;b"'),
        ("office:1", "office:1"),
        ("büro 1", '"büro 1"'),
    ],
)
def test_a_bad_rule_name_is_refused(name, shown):
    assert problems_of(firewall_rules={name: "20.31.4.7"}) == [
        f"{OWNER}.firewall_rules.{name}: {shown} {BAD_NAME}"
    ]


def test_every_firewall_problem_is_reported_at_once():
    problems = problems_of(
        firewall_rules={"lan": "192.168.0.0/16", "bad name": "20.31.4.7", "x": "nope"}
    )
    assert [p.split(":", 1)[0] for p in problems] == [
        f"{OWNER}.firewall_rules.lan",
        f"{OWNER}.firewall_rules.bad name",
        f"{OWNER}.firewall_rules.x",
    ]


def test_cluster_options_check_their_firewall_rules_too():
    options = ClusterOptions(firewall_rules={"lan": "10.0.0.1"}, allow_azure_services=True)
    [problem] = options.problems()
    assert (problem.field, problem.value) == ("firewall_rules.lan", "10.0.0.1")
    rules, _ = options.firewall()
    assert ranges(rules) == {"allow-azure-services": ("0.0.0.0", "0.0.0.0")}


# -- the resources -----------------------------------------------------------------------


def test_each_rule_is_a_child_of_the_cluster_component_named_after_it():
    plan = plan_cluster(firewall_rules={"office": "52.174.0.0/16", "home": "20.31.4.7"})
    cluster = plan.one(CLUSTER)
    rules = {rule.name: rule for rule in plan.by_type(RULE)}
    assert set(rules) == {"db-fw-office", "db-fw-home"}
    assert rules["db-fw-office"].inputs == {
        "firewallRuleName": "office",
        "clusterName": "db-cluster",
        "resourceGroupName": "rg",
        "startIpAddress": "52.174.0.0",
        "endIpAddress": "52.174.255.255",
    }
    assert rules["db-fw-home"].inputs["startIpAddress"] == "20.31.4.7"
    assert rules["db-fw-home"].inputs["endIpAddress"] == "20.31.4.7"
    for rule in rules.values():
        assert child_of(plan, rule).type == COMPONENT
        assert cluster.urn in rule.dependencies  # created once the cluster exists
        assert rule.property_dependencies["clusterName"] == [cluster.urn]
        # A rule is networking, not data: never protected, never retained.
        assert not rule.protect and not rule.retain_on_delete
        assert rule.replace_on_changes == [] and rule.ignore_changes == []
    assert plan.outputs["rules"] == [rules["db-fw-office"].urn, rules["db-fw-home"].urn]
    assert plan.messages == []


def test_rules_are_not_protected_even_when_the_component_is():
    def build():
        EncryptedCosmosPgCluster(
            "db",
            EncryptedCosmosPgClusterArgs(
                resource_group_name="rg",
                location=LOCATION,
                cluster_name="db-cluster",
                firewall_rules={"office": "20.31.4.7"},
            ),
            pulumi.ResourceOptions(protect=True),
        )

    plan = run_components(build)
    assert plan.one(CLUSTER).protect
    assert not plan.one(RULE).protect


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"allow_azure_services": True}, {"db-fw-allow-azure-services": ("0.0.0.0", "0.0.0.0")}),
        (
            {"allow_all_internet": True},
            {"db-fw-allow-all-internet": ("0.0.0.0", "255.255.255.255")},
        ),
        (
            {"allow_azure_services": True, "firewall_rules": {"office": "20.31.4.7"}},
            {
                "db-fw-office": ("20.31.4.7", "20.31.4.7"),
                "db-fw-allow-azure-services": ("0.0.0.0", "0.0.0.0"),
            },
        ),
    ],
)
def test_named_choices_become_rules_of_their_own(kwargs, expected):
    plan = plan_cluster(**kwargs)
    assert {
        rule.name: (rule.inputs["startIpAddress"], rule.inputs["endIpAddress"])
        for rule in plan.by_type(RULE)
    } == expected
    for rule in plan.by_type(RULE):
        assert rule.inputs["firewallRuleName"] == rule.name.removeprefix("db-fw-")
    assert plan.messages == []


def test_without_rules_the_cluster_is_closed_and_says_so():
    plan = plan_cluster()
    assert plan.by_type(RULE) == []
    assert plan.outputs["rules"] == []
    assert plan.messages == [("warning", NO_RULE_WARNING)]
    # Still reachable once a rule opens it: the public endpoint is on by default.
    assert plan.one(CLUSTER).inputs["coordinatorEnablePublicIpAccess"] is True


def test_a_replica_takes_its_own_rules():
    """Networking is not copied from the source: a replica may (and should) set rules."""
    plan = plan_cluster(
        source=ReadReplica(source_cluster_id=SOURCE, source_location=LOCATION),
        firewall_rules={"office": "20.31.4.7"},
        allow_azure_services=True,
    )
    assert sorted(rule.name for rule in plan.by_type(RULE)) == [
        "db-fw-allow-azure-services",
        "db-fw-office",
    ]
    assert plan.messages == []


def test_a_replica_refuses_bad_rules_too():
    assert problems_of(
        source=ReadReplica(source_cluster_id=SOURCE, source_location=LOCATION),
        firewall_rules={"office": "10.0.0.1"},
    ) == [
        f"{OWNER}.firewall_rules.office: 10.0.0.1 includes the non-public range 10.0.0.0/8"
        + NON_PUBLIC
    ]


def test_firewall_rules_do_not_depend_on_the_sizing():
    plan = plan_cluster(
        sizing=ClusterSizing(node_count=2, coordinator_v_cores=8, coordinator_storage_mb=524288),
        firewall_rules={"office": "20.31.4.7"},
    )
    assert [rule.name for rule in plan.by_type(RULE)] == ["db-fw-office"]


# -- rules found in review: collisions, types, boundaries, reachability -------------------


@pytest.mark.parametrize("name", ["allow-azure-services", "Allow-All-Internet"])
def test_the_names_of_the_named_choices_are_kept_for_them(name):
    assert problems_of(firewall_rules={name: "20.1.2.3"}) == [
        f"{OWNER}.firewall_rules.{name}: {name} is a name cmkpg keeps for its named choices; "
        "use another"
    ]


def test_rule_names_that_differ_only_in_case_are_one_name():
    assert problems_of(firewall_rules={"office": "20.1.2.3", "Office": "20.1.2.4"}) == [
        f"{OWNER}.firewall_rules.Office: Office repeats a rule name (rule names ignore case)"
    ]


@pytest.mark.parametrize("flag", ["allow_azure_services", "allow_all_internet"])
def test_the_named_choices_must_be_booleans_and_never_open_on_a_truthy_string(flag):
    assert problems_of(**{flag: "no"}) == [
        f"{OWNER}.{flag}: no is not a boolean; use true or false"
    ]


@pytest.mark.parametrize("block", ["0.0.0.0/1", "128.0.0.0/1"])
def test_exactly_half_the_internet_points_to_the_named_choice(block):
    assert problems_of(firewall_rules={"half": block}) == [
        f"{OWNER}.firewall_rules.half: {block} {HALF}"
    ]


def test_rules_without_a_public_endpoint_would_do_nothing_and_are_refused():
    assert problems_of(
        firewall_rules={"office": "20.1.2.3"},
        sizing=ClusterSizing(coordinator_public_ip_access=False),
    ) == [
        f"{OWNER}.firewall_rules: {{office: 20.1.2.3-20.1.2.3}} has no effect while "
        f"{OWNER}.sizing.coordinator_public_ip_access is false: the rules govern the public "
        "endpoint"
    ]


@pytest.mark.parametrize("field", ["coordinator_public_ip_access", "node_public_ip_access"])
def test_a_replica_takes_no_public_access_setting_the_service_resets_networking(field):
    value = not getattr(ClusterSizing(), field)
    problems = problems_of(
        source=ReadReplica(source_cluster_id=SOURCE, source_location=LOCATION),
        sizing=ClusterSizing(**{field: value}),
    )
    assert problems == [
        f"{OWNER}.sizing.{field}: {str(value).lower()} is set, but a restore or replica takes "
        "it from its source cluster (networking: the service's defaults); remove it"
    ]
