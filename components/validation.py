"""Small, pure validation rules shared by the component args and the stack config.

A rule takes a value and returns ``None`` when the value is fine, or a complaint that
completes the sentence "<field>: <value> ...", e.g. ``"is not allowed; use 2048, 3072 or
4096"``. The same rule therefore serves a component (``CmkKeyArgs.size: 1024 is not
allowed; ...``) and the stack config (``cmkpg:key.size: 1024 is not allowed; ...``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

Rule = Callable[[Any], str | None]

SECRET_PLACEHOLDER = "[secret]"


def render(value: object) -> str:
    """How a value appears in an error message: strings quoted, the rest as Python shows it."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def describe(field: str, value: object, complaint: str, *, secret: bool = False) -> str:
    """One error line: ``<field>: <value> <complaint>``; a secret value is never printed."""
    shown = SECRET_PLACEHOLDER if secret else render(value)
    return f"{field}: {shown} {complaint}"


def join_choices(choices: Iterable[object]) -> str:
    """``a``, ``a or b``, ``a, b or c`` (values rendered bare, as a user would type them)."""
    items = [str(c) for c in choices]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


class ValidationError(ValueError):
    """Raised by component args with every problem found, one per line."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def one_of(*allowed: object) -> Rule:
    def rule(value: object) -> str | None:
        # bool is an int in Python; True must not pass for 1.
        if any(type(value) is type(a) and value == a for a in allowed):
            return None
        return f"is not allowed; use {join_choices(allowed)}"

    return rule


def int_between(low: int, high: int, *, hint: str = "") -> Rule:
    def rule(value: object) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return "is not an integer"
        if low <= value <= high:
            return None
        return f"is out of range; use {low}..{high}{hint}"

    return rule


def matches(pattern: str, explanation: str) -> Rule:
    compiled = re.compile(pattern)

    def rule(value: object) -> str | None:
        if isinstance(value, str) and compiled.fullmatch(value):
            return None
        return f"is not valid; {explanation}"

    return rule


def check(field: str, value: object, *rules: Rule, secret: bool = False) -> list[str]:
    """Apply rules in order and report the first complaint (later rules assume earlier ones)."""
    for rule in rules:
        complaint = rule(value)
        if complaint:
            return [describe(field, value, complaint, secret=secret)]
    return []


def raise_if(problems: Sequence[str]) -> None:
    if problems:
        raise ValidationError(problems)


def parse_utc(value: str) -> datetime:
    """Parse an ISO 8601 timestamp that states UTC (``Z`` or ``+00:00``).

    Raises ValueError with a complaint suitable for :func:`describe`.
    """
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("is not an ISO 8601 timestamp; use e.g. 2026-01-31T00:00:00Z") from None
    if parsed.tzinfo is None or parsed.utcoffset() != UTC.utcoffset(None):
        raise ValueError("is not in UTC; end it with Z, e.g. 2026-01-31T00:00:00Z")
    return parsed.astimezone(UTC)


def utc_iso(moment: datetime) -> str:
    """``2026-01-31T00:00:00Z``: the form used in request bodies and messages."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
