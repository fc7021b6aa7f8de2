"""Pulumi property paths (``a.b[0]["c.d"]``), as the CLI and the engine parse them.

Ported in behaviour from pulumi/pulumi ``sdk/go/common/resource/properties_path.go``
(``parsePropertyPath``, ``PropertyPath.String``, ``PropertyPath.Contains``). The config
loader uses the strict form (``ParsePropertyPathStrict``); ``ignoreChanges`` and
``replaceOnChanges`` use the lenient one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

PathElement = str | int
Path = tuple[PathElement, ...]


class PathError(ValueError):
    """A property path that does not parse; the message is the engine's."""


def parse(path: str, *, strict: bool = True) -> Path:
    """Parse ``path`` into its elements: names are strings, ``[n]`` is an int, ``[*]`` the
    string ``*``."""
    elements: list[PathElement] = []
    if path.startswith("."):
        raise PathError("expected property path to start with a name or index")
    rest = path
    while rest:
        head = rest[0]
        if head == ".":
            rest = rest[1:]
            if not rest:
                raise PathError("expected property path to end with a name or index")
            if rest[0] == "[" and strict:
                raise PathError("expected property name after '.'")
        elif head == "[":
            if len(rest) > 1 and rest[1] == '"':
                key, i = [], 2
                while True:
                    if i >= len(rest):
                        raise PathError("missing closing quote in property name")
                    if rest[i] == '"':
                        i += 1
                        break
                    if rest[i] == "\\" and i + 1 < len(rest) and rest[i + 1] == '"':
                        key.append('"')
                        i += 2
                    else:
                        key.append(rest[i])
                        i += 1
                if i >= len(rest) or rest[i] != "]":
                    raise PathError("missing closing bracket in property access")
                elements.append("".join(key))
                rest = rest[i + 1 :]
            else:
                close = rest.find("]")
                if close == -1:
                    raise PathError("missing closing bracket in array index")
                segment = rest[1:close]
                if segment == "*":
                    elements.append("*")
                elif re.fullmatch(r"[+-]?\d+", segment):
                    elements.append(int(segment))
                else:
                    raise PathError(
                        f'invalid array index: strconv.ParseInt: parsing "{segment}": '
                        "invalid syntax"
                    )
                rest = rest[close + 1 :]
        else:
            end = len(rest)
            for i, char in enumerate(rest):
                if char in ".[":
                    end = i
                    break
            elements.append(rest[:end])
            rest = rest[end:]
    return tuple(elements)


_SIMPLE = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def render(path: Sequence[PathElement]) -> str:
    """The path as Go's ``PropertyPath.String`` prints it (``outer.inner``, ``name[4]``,
    ``nested["test.Key"]``)."""
    text = ""
    for element in path:
        if isinstance(element, int):
            text += f"[{element}]"
        elif _SIMPLE.fullmatch(element):
            text += f".{element}" if text else element
        else:
            escaped = element.replace('"', '\\"')
            text += f'["{escaped}"]'
    return text


def contains(pattern: Sequence[PathElement], other: Sequence[PathElement]) -> bool:
    """``PropertyPath.Contains``: ``other`` is at or below ``pattern``, where ``*`` matches any
    key or index at its level."""
    if len(other) < len(pattern):
        return False
    for want, have in zip(pattern, other, strict=False):
        if want == "*":
            continue
        if want != have or isinstance(want, int) != isinstance(have, int):
            return False
    return True
