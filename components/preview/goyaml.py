"""YAML read the way the Pulumi CLI reads it: with go-yaml v3, not with YAML 1.1 rules.

PyYAML follows YAML 1.1 (``yes`` is a boolean, ``1_000`` and ``0o17`` are not what the CLI
makes of them, duplicate keys silently overwrite) and turns unquoted dates into Python dates.
The CLI decodes stack and project files with gopkg.in/yaml.v3 v3.0.1 (pinned in pulumi's
``sdk/go.mod``); this loader reproduces its plain-scalar resolution, ported from go-yaml's
``resolve.go`` (``resolve``, ``parseTimestamp``, ``allowedTimestampFormats``) and
``decode.go`` (``decoder.scalar``: a resolved value is stored as is into an ``interface{}``,
so a timestamp stays a ``time.Time``):

* booleans are only ``true``/``True``/``TRUE`` and ``false``/``False``/``FALSE``; ``yes``,
  ``on``, ``y`` stay strings;
* integers drop ``_`` and parse like Go's ``strconv.ParseInt(s, 0, 64)`` (``0x``, ``0o``,
  ``0b`` and the legacy leading-zero octal ``0777``), then as unsigned, then as a float;
* an unquoted timestamp (four digits, ``-``, then one of four layouts) is a :class:`GoTime`;
* a mapping key defined twice is an error, as in yaml.v3.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import yaml

_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_MAP_WORDS: dict[str, Any] = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
# go-yaml's resolveTable: which first characters may start a non-string plain scalar.
_HINTS = {
    **dict.fromkeys("+-", "S"),
    **dict.fromkeys("0123456789", "D"),
    **dict.fromkeys("yYnNtTfFoO~", "M"),
    ".": ".",
}
# allowedTimestampFormats, as regular expressions over Go's layouts:
# "2006-1-2T15:4:5.999999999Z07:00" (T or t), "2006-1-2 15:4:5.999999999", "2006-1-2".
_TIMESTAMP = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:(?P<sep>[Tt ])(?P<H>\d{1,2}):(?P<M>\d{1,2}):(?P<S>\d{1,2})(?:\.(?P<f>\d{1,9}))?"
    r"(?P<z>Z|[+-]\d{2}:\d{2})?)?"
)
_INT64 = (-(2**63), 2**63 - 1)


class GoTime(str):
    """A YAML timestamp as the CLI passes it on: Go's ``time.Time.String()``, e.g.
    ``2026-11-28 06:00:00 +0000 UTC``. The text the user wrote is gone."""


def go_time_string(moment: datetime, zone_name: str) -> str:
    """Go's ``Time.String()`` layout ``2006-01-02 15:04:05.999999999 -0700 MST``."""
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    if moment.microsecond:
        text += ("." + f"{moment.microsecond:06d}").rstrip("0")
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    numeric = f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
    return f"{text} {numeric} {zone_name or numeric}"


def _timestamp(text: str) -> GoTime | None:
    """go-yaml ``parseTimestamp``: four digits and ``-`` first, then one of the layouts.
    The zone is named ``UTC`` for UTC; any other fixed offset gets no name, which Go prints
    as the offset again (on a host whose local zone is UTC, as CI hosts are)."""
    if not re.match(r"\d{4}-", text):
        return None
    match = _TIMESTAMP.fullmatch(text)
    if not match or (match["sep"] == " " and match["z"]):
        return None
    try:
        fraction = (match["f"] or "").ljust(9, "0")
        zone = match["z"]
        if zone and zone != "Z":
            hours, minutes = int(zone[1:3]), int(zone[4:6])
            delta = timedelta(hours=hours, minutes=minutes) * (-1 if zone[0] == "-" else 1)
            tz: timezone = timezone(delta)
            name = "UTC" if delta == timedelta(0) else ""
        else:
            tz, name = UTC, "UTC"
        moment = datetime(
            int(match["y"]),
            int(match["m"]),
            int(match["d"]),
            int(match["H"] or 0),
            int(match["M"] or 0),
            int(match["S"] or 0),
            int(fraction[:6]),
            tzinfo=tz,
        )
    except ValueError:
        return None
    text_out = go_time_string(moment, name)
    if fraction[6:].strip("0"):  # nanoseconds beyond Python's microseconds
        head, _, rest = text_out.partition(" ")
        clock, _, zone_part = rest.partition(" ")
        clock = clock.split(".")[0] + "." + fraction.rstrip("0")
        text_out = f"{head} {clock} {zone_part}"
    return GoTime(text_out)


def _go_parse_int(text: str) -> int | None:
    """``strconv.ParseInt(text, 0, 64)`` (and ``ParseUint`` for the positive overflow)."""
    match = re.fullmatch(
        r"([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9]\d*)", text
    )
    if not match or len(text) > 80:  # far beyond 64 bits: not an int, whatever the digits
        return None
    sign, digits = match.groups()
    lowered = digits.lower()
    if lowered.startswith("0x"):
        value = int(lowered[2:], 16)
    elif lowered.startswith("0o"):
        value = int(lowered[2:], 8)
    elif lowered.startswith("0b"):
        value = int(lowered[2:], 2)
    elif len(digits) > 1 and digits.startswith("0"):
        value = int(digits, 8)  # Go's base-0 rule: a leading zero means octal
    else:
        value = int(digits)
    value = -value if sign == "-" else value
    if _INT64[0] <= value <= _INT64[1]:
        return value
    if sign != "-" and value < 2**64:  # ParseUint
        return value
    return None


def resolve_plain(text: str) -> Any:
    """The value go-yaml v3 gives an unquoted, untagged scalar."""
    hint = _HINTS.get(text[0], "") if text else "N"
    if not hint:
        return text
    if text in _MAP_WORDS:
        return _MAP_WORDS[text]
    if hint == ".":
        try:
            return float(text)
        except ValueError:
            return text
    if hint in "DS":
        stamp = _timestamp(text)
        if stamp is not None:
            return stamp
        plain = text.replace("_", "")
        number = _go_parse_int(plain)
        if number is not None:
            return number
        if _FLOAT.match(plain):
            return float(plain)
    return text


class _Loader(yaml.SafeLoader):
    """SafeLoader with go-yaml v3's plain-scalar rules and duplicate-key errors."""


# Replace the YAML 1.1 implicit resolvers: every plain scalar resolves to a string here,
# and construct_scalar applies go-yaml's rules instead.
_Loader.yaml_implicit_resolvers = {}


def _construct_plain(loader: _Loader, node: yaml.ScalarNode) -> Any:
    value = loader.construct_scalar(node)
    if node.style is None or node.style == "":  # plain, not quoted, not a block scalar
        return resolve_plain(str(value))
    return value


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, list | dict):
            raise yaml.constructor.ConstructorError(
                None, None, "invalid map key", key_node.start_mark
            )
        if key in result:
            line = key_node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f'mapping key "{key}" already defined at line {line}',
                key_node.start_mark,
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_Loader.add_constructor("tag:yaml.org,2002:str", _construct_plain)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def load(text: str) -> Any:
    """Decode one YAML document the way the Pulumi CLI does."""
    return yaml.load(text, Loader=_Loader)
