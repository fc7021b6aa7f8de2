"""Firewall rules of a cluster's public endpoint.

Customer-managed keys are not supported together with private access (Private Link) on Cosmos
DB for PostgreSQL ("reference-limits": "CMK encryption isn't supported with private access"),
so a CMK cluster is reached through its public endpoint, which denies everything until a
firewall rule allows it. A restored cluster or a read replica does not inherit its source's
rules ("concepts-backup", "concepts-read-replicas"): each takes its own.
"""

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

from .validation import Problem

# The REST API's firewallRuleName path parameter (postgresqlhsc 2023-03-02-preview).
_RULE_NAME = re.compile(r"[-\w._]{1,80}")
ALL_INTERNET = ("0.0.0.0", "255.255.255.255")
AZURE_SERVICES = ("0.0.0.0", "0.0.0.0")
ALL_INTERNET_RULE = "allow-all-internet"
# Addresses a public endpoint never sees as a client's (RFC 6890 special-purpose ranges that
# are not globally reachable). The documentation ranges (TEST-NET-1..3) stay allowed: they are
# what examples use.
NOT_PUBLIC = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
)
AZURE_SERVICES_RULE = "allow-azure-services"


@dataclass(frozen=True)
class FirewallRule:
    """One allowed range of public client addresses (IPv4)."""

    name: str
    """Rule name: letters, digits, ``-``, ``_``, ``.``."""
    start_ip: str
    """First address allowed."""
    end_ip: str
    """Last address allowed."""


FIREWALL_FIELDS = ("firewall_rules", "allow_azure_services", "allow_all_internet")


@dataclass(frozen=True, kw_only=True)
class FirewallOptions:
    """Who may reach a cluster's public endpoint. Shared by every cluster kind."""

    firewall_rules: Mapping[str, str] = field(default_factory=dict)
    """Public client addresses allowed to connect, by rule name: an IPv4 address, a CIDR block
    or a range ``a.b.c.d-e.f.g.h``. Default: none (nothing can connect yet). A restore or a
    replica takes its own rules: networking is not copied from the source."""

    allow_azure_services: bool = False
    """Add the ``0.0.0.0`` rule that admits connections from any Azure service, including
    other customers' subscriptions. Default: False."""

    allow_all_internet: bool = False
    """Admit the whole internet (``0.0.0.0-255.255.255.255``): the only way to do so, so that
    it is always a named choice. Default: False."""

    def firewall(self) -> tuple[list[FirewallRule], list[Problem]]:
        """The firewall rules to create, and what is wrong with the ones given."""
        return parse_firewall_rules(
            self.firewall_rules,
            allow_azure_services=self.allow_azure_services is True,
            allow_all_internet=self.allow_all_internet is True,
        )


def warn_when_closed(parent: Any, cluster_name: str, rules: Sequence[object]) -> None:
    """One line in the plan when a cluster gets no firewall rule: nothing can connect yet."""
    if not rules:
        pulumi.log.warn(
            f"cluster {cluster_name} has no firewall rule: nothing can connect to it yet "
            "(stack config: cluster.firewallRules)",
            resource=parent,
        )


def parse_firewall_rules(
    rules: Mapping[str, str],
    *,
    allow_azure_services: bool = False,
    allow_all_internet: bool = False,
) -> tuple[list[FirewallRule], list[Problem]]:
    """``{name: "203.0.113.0/24" | "198.51.100.7" | "198.51.100.7-198.51.100.20"}`` plus the
    two named choices -> rules, and the problems of every entry (field ``firewall_rules.<name>``).

    The whole internet can only be opened by ``allow_all_internet``: a range that covers it is
    refused, as are private and reserved addresses, which a public endpoint never sees.
    """
    parsed: list[FirewallRule] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for name, text in rules.items():
        where = f"firewall_rules.{name}"
        if isinstance(name, str) and name.lower() in (AZURE_SERVICES_RULE, ALL_INTERNET_RULE):
            problems.append(
                Problem(where, "is a name cmkpg keeps for its named choices; use another", name)
            )
            continue
        if isinstance(name, str) and name.lower() in seen:
            problems.append(Problem(where, "repeats a rule name (rule names ignore case)", name))
            continue
        if isinstance(name, str):
            seen.add(name.lower())
        if not isinstance(name, str) or not _RULE_NAME.fullmatch(name):
            problems.append(
                Problem(
                    where,
                    "is not a valid rule name; use up to 80 letters, digits, '-', '_' or '.'",
                    name,
                )
            )
            continue
        try:
            start, end = _address_range(text)
        except ValueError as err:
            problems.append(Problem(where, str(err), text))
            continue
        if int(end) - int(start) + 1 >= 2**31:
            problems.append(
                Problem(
                    where,
                    "opens the cluster to half the internet or more; if the whole internet is "
                    "really meant, say so with {all} instead",
                    text,
                    refs={"all": "allow_all_internet"},
                )
            )
            continue
        private = _not_public(start, end)
        if private:
            problems.append(
                Problem(
                    where,
                    f"includes the non-public range {private}; the public endpoint only sees "
                    "public client addresses",
                    text,
                )
            )
            continue
        parsed.append(FirewallRule(name, str(start), str(end)))
    if allow_azure_services:
        parsed.append(FirewallRule(AZURE_SERVICES_RULE, *AZURE_SERVICES))
    if allow_all_internet:
        parsed.append(FirewallRule(ALL_INTERNET_RULE, *ALL_INTERNET))
    return parsed, problems


def _not_public(
    start: ipaddress.IPv4Address, end: ipaddress.IPv4Address
) -> ipaddress.IPv4Network | None:
    """The first special-purpose range that overlaps ``start..end``."""
    for network in NOT_PUBLIC:
        if start <= network.broadcast_address and network.network_address <= end:
            return network
    return None


def _address_range(text: object) -> tuple[ipaddress.IPv4Address, ipaddress.IPv4Address]:
    example = "use an IPv4 address, a CIDR block (203.0.113.0/24) or a range (a.b.c.d-e.f.g.h)"
    if not isinstance(text, str):
        raise ValueError(f"is not an address; {example}")
    try:
        if "/" in text:
            network = ipaddress.IPv4Network(text.strip(), strict=True)
            return network.network_address, network.broadcast_address
        first, sep, last = text.partition("-")
        start = ipaddress.IPv4Address(first.strip())
        end = ipaddress.IPv4Address(last.strip()) if sep else start
    except ValueError as err:
        reason = "has host bits set" if "host bits" in str(err) else "is not valid"
        raise ValueError(f"{reason}; {example}") from None
    if end < start:
        raise ValueError(f"ends before it starts; {example}")
    return start, end
