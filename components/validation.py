"""Validation shared by the component args and the stack config: problems that know which
field they are about, rendered with whichever name the caller uses for that field.

A rule takes a value and returns ``None`` when the value is fine, or a complaint that
completes the sentence "<field>: <value> ...", e.g. ``"is not allowed; use 2048, 3072 or
4096"``. :func:`check` turns a complaint into a :class:`Problem` that records the field as an
attribute path of the args (``size``, ``rotation.expires_after_days``). The component renders
it as ``CmkKeyArgs.size: 1024 is not allowed; ...`` and the stack config as
``cmkpg:key.size: 1024 is not allowed; ...``: one rule, one message, two vocabularies.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, TypeVar

Rule = Callable[[Any], str | None]
T = TypeVar("T")
Namer = Callable[[str], str]

SECRET_PLACEHOLDER = "[secret]"
# Longer values are shortened in messages: a 5,000-character string helps nobody.
_SHOWN_CHARACTERS = 200
# Strings shown as typed; anything else (spaces, YAML punctuation, empty) in double quotes.
_PLAIN = re.compile(r"[A-Za-z0-9_./@+(][A-Za-z0-9_./@:+=,()-]*")
# Plain scalars YAML (1.2, as go-yaml v3 reads stack files) would not take for a string.
_TYPED = re.compile(
    r"true|True|TRUE|false|False|FALSE|null|Null|NULL|~"
    r"|[-+]?(\.inf|\.Inf|\.INF)|\.nan|\.NaN|\.NAN"
    r"|[-+]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*(\.[0-9_]*)?"
    r"([eE][-+]?[0-9]+)?|\.[0-9]+([eE][-+]?[0-9]+)?)"
    r"|\d{4}-\d{1,2}-\d{1,2}([Tt ].*)?"
)


def render(value: object) -> str:
    """How a value appears in a message: YAML flow style, as the user would type it in a
    stack file (``westeurope``, ``"West Europe"``, ``[a@example.com]``, ``{env: dev}``).
    Strings are shown as typed unless they hold spaces or YAML punctuation, or would read as
    a number, a boolean or a date (``"9"``)."""
    text = _render(value)
    if len(text) > _SHOWN_CHARACTERS:
        length = len(value) if isinstance(value, str) else len(text)
        return f"{text[:60]}… ({length} characters)"
    return text


def _render(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return _render(value.value)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime):  # shown as the quoted string a stack file holds
        return _render(utc_iso(value) if value.tzinfo else value.isoformat())
    if isinstance(value, date):
        return _render(value.isoformat())
    if isinstance(value, str):
        plain = _PLAIN.fullmatch(value) and not _TYPED.fullmatch(value)
        return value if plain else json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_render(k)}: {_render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ", ".join(_render(v) for v in value) + "]"
    return str(value)


def join_choices(choices: Iterable[object]) -> str:
    """``a``, ``a or b``, ``a, b or c`` (values rendered bare, as a user would type them)."""
    items = [_render(c) for c in choices]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


_NO_VALUE = object()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field.

    ``field`` is an attribute path within the object that was checked (``""`` for the object
    itself). ``complaint`` may name other fields as ``{ref}`` placeholders listed in
    ``refs`` (placeholder -> attribute path), so a message mentions them by the name the
    reader knows: ``set {sku} to premium`` reads ``set vault.sku to premium`` in the config.
    """

    field: str
    complaint: str
    value: object = _NO_VALUE
    secret: bool = False
    refs: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def within(self, prefix: str) -> Problem:
        """The same problem, seen from an object that holds this one at ``prefix``."""

        def join(path: str) -> str:
            return f"{prefix}.{path}" if path else prefix

        return dataclasses.replace(
            self,
            field=join(self.field),
            refs={k: join(v) for k, v in self.refs.items()},
        )

    def render(self, name: Namer) -> str:
        text = self.complaint
        for placeholder, path in self.refs.items():
            text = text.replace("{" + placeholder + "}", name(path))
        if self.value is _NO_VALUE:
            return f"{name(self.field)}: {text}"
        shown = SECRET_PLACEHOLDER if self.secret else render(self.value)
        return f"{name(self.field)}: {shown} {text}"


def prefixed(owner: str) -> Namer:
    """Names fields as ``<owner>.<path>`` (``CmkKeyArgs.size``)."""
    return lambda path: f"{owner}.{path}" if path else owner


class ValidationError(ValueError):
    """Every problem found in an object, one per line. ``problems`` holds the rendered lines,
    ``issues`` the structured :class:`Problem`\\ s (for callers that name fields their own
    way, like the stack config)."""

    def __init__(self, issues: Sequence[Problem], owner: str = "") -> None:
        self.issues = list(issues)
        self.owner = owner
        self.problems = [issue.render(prefixed(owner)) for issue in self.issues]
        super().__init__("\n".join(self.problems))


def raise_if(issues: Sequence[Problem], owner: str) -> None:
    if issues:
        raise ValidationError(issues, owner)


def check(field_path: str, value: object, *rules: Rule, secret: bool = False) -> list[Problem]:
    """Apply rules in order and report the first complaint (later rules assume earlier ones)."""
    for rule in rules:
        complaint = rule(value)
        if complaint:
            return [Problem(field_path, complaint, value, secret=secret)]
    return []


def one_of(*allowed: object) -> Rule:
    def rule(value: object) -> str | None:
        # bool is an int in Python; True must not pass for 1.
        if any(_same_kind(value, a) and value == a for a in allowed):
            return None
        return f"is not allowed; use {join_choices(allowed)}"

    return rule


def _same_kind(value: object, allowed: object) -> bool:
    if isinstance(allowed, str):  # a StrEnum member or a plain string
        return isinstance(value, str)
    return type(value) is type(allowed)


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


def is_default(spec: dataclasses.Field[Any], value: object) -> bool:
    """Whether ``value`` is the field's default (a value or a factory's product)."""
    if spec.default_factory is not dataclasses.MISSING:
        return bool(value == spec.default_factory())
    return bool(value == spec.default)


def fields_set(obj: object, names: Iterable[str]) -> list[str]:
    """Which of ``names`` (dataclass fields of ``obj``) differ from their defaults."""
    specs = {f.name: f for f in dataclasses.fields(obj)}  # type: ignore[arg-type]
    return [n for n in names if not is_default(specs[n], getattr(obj, n))]


def unchecked(cls: type[T], **values: Any) -> T:
    """An instance of the frozen dataclass ``cls`` built without running its validation, to
    ask it for its problems (the missing fields take their defaults)."""
    instance = cls.__new__(cls)
    for spec in dataclasses.fields(cls):  # type: ignore[arg-type]
        if spec.name in values:
            value = values[spec.name]
        elif spec.default_factory is not dataclasses.MISSING:
            value = spec.default_factory()
        elif spec.default is not dataclasses.MISSING:
            value = spec.default
        else:
            raise TypeError(f"{cls.__name__} needs {spec.name}")
        object.__setattr__(instance, spec.name, value)
    return instance


def field_default(cls: type, name: str) -> Any:
    """The default of dataclass field ``name`` of ``cls`` (the one place it is written)."""
    for spec in dataclasses.fields(cls):
        if spec.name == name:
            if spec.default_factory is not dataclasses.MISSING:
                return spec.default_factory()
            if spec.default is dataclasses.MISSING:
                raise LookupError(f"{cls.__name__}.{name} has no default")
            return spec.default
    raise LookupError(f"{cls.__name__} has no field {name}")


def parse_utc(value: str) -> datetime:
    """Parse an ISO 8601 timestamp that states UTC (``Z`` or ``+00:00``).

    Raises ValueError with a complaint suitable for :class:`Problem`.
    """
    example = "use e.g. 2026-01-31T00:00:00Z"
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value.strip()):
        raise ValueError(f"is a date without a time; give a UTC time, {example}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"is not an ISO 8601 timestamp; {example}") from None
    if parsed.tzinfo is None or parsed.utcoffset() != UTC.utcoffset(None):
        raise ValueError(f"is not in UTC; end it with Z, {example}")
    return parsed.astimezone(UTC)


def utc_iso(moment: datetime) -> str:
    """``2026-01-31T00:00:00Z``: the form used in request bodies and messages."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_or_current(now: datetime | None) -> datetime:
    """The clock of a date rule: the one given (tests, CMKPG_NOW; a naive one is taken as
    UTC), else the current time."""
    if now is None:
        return datetime.now(UTC)
    return now if now.tzinfo else now.replace(tzinfo=UTC)


__all__ = [
    "Namer",
    "Problem",
    "Rule",
    "ValidationError",
    "check",
    "field_default",
    "fields_set",
    "int_between",
    "join_choices",
    "matches",
    "one_of",
    "parse_utc",
    "prefixed",
    "raise_if",
    "render",
    "utc_iso",
]
