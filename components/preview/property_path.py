"""Pulumi property paths (``a.b[0]["c.d"]``), as the CLI and the engine parse them.

Ported in behaviour from pulumi/pulumi ``sdk/go/common/resource/properties_path.go``
(``parsePropertyPath``, ``PropertyPath.String``, ``PropertyPath.Contains``). The config
loader uses the strict form (``ParsePropertyPathStrict``); ``ignoreChanges`` and
``replaceOnChanges`` use the lenient one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from . import wire

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


_BARE = re.compile(r"[A-Za-z0-9_]*")  # what requiresQuote lets through


def render(path: Sequence[PathElement]) -> str:
    """The path as Go's ``PropertyPath.String`` prints it (``outer.inner``, ``name[4]``,
    ``nested["test.Key"]``): a name with any character but ``[A-Za-z0-9_]`` is quoted."""
    text = ""
    for index, element in enumerate(path):
        if isinstance(element, int):
            text += f"[{element}]"
        elif _BARE.fullmatch(element):
            text += f".{element}" if index else element
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


_ABSENT = object()


def reset(path: Sequence[PathElement], old: dict[str, Any], new: dict[str, Any]) -> bool:
    """``PropertyPath.Reset``: put the value at ``path`` in ``old`` into ``new`` (in place), or
    delete it from ``new`` when ``old`` has none; False for a path error (an element added or
    removed along the path, arrays of different lengths), in which case ``new`` may be partly
    reset, as upstream's is. Values are wire values: a secret in ``old`` stays a secret in
    ``new``.

    Ported in behaviour from pulumi/pulumi ``sdk/go/common/resource/properties_path.go``
    (``PropertyPath.reset``); the engine applies it for ``ignoreChanges``
    (``pkg/resource/deploy/step_generator.go``, ``processIgnoreChanges``)."""
    return _reset(tuple(path), old, new, False, False)


def _reset(path: Path, old: Any, new: Any, old_secret: bool, new_secret: bool) -> bool:
    if not path:
        return False
    old, secret = wire.unwrap_secret(old)
    old_secret = old_secret or secret
    new, secret = wire.unwrap_secret(new)
    new_secret = new_secret or secret

    def carried(value: Any) -> Any:
        # A value from a secret context of old stays secret in a plain context of new.
        return wire.make_secret(value) if old_secret and not new_secret else value

    key, rest = path[0], path[1:]
    if isinstance(key, int):
        return _reset_index(key, rest, old, new, old_secret, new_secret, carried)
    if key == "*":
        return _reset_wildcard(rest, old, new, old_secret, new_secret, carried)
    if not rest:
        value = old.get(key, _ABSENT) if isinstance(old, dict) else _ABSENT
        if value is not _ABSENT:
            if not isinstance(new, dict):
                return False
            new[key] = carried(value)
        elif isinstance(new, dict):
            new.pop(key, None)
        return True
    if not isinstance(old, dict) or not isinstance(new, dict):
        return not isinstance(old, dict) and not isinstance(new, dict)
    if key in old and key not in new:
        return False
    if key not in old and key not in new:
        return True
    return _reset(rest, old.get(key), new[key], old_secret, new_secret)


def _reset_index(
    key: int, rest: Path, old: Any, new: Any, old_secret: bool, new_secret: bool, carried: Any
) -> bool:
    if key < 0:
        return False
    old_list, new_list = isinstance(old, list), isinstance(new, list)
    if not rest:
        if not old_list and not new_list:
            return True
        if not old_list or not new_list:
            return False
        if key >= len(old) and key >= len(new):
            return True
        if key >= len(old) or key >= len(new):
            return False
        new[key] = carried(old[key])
        return True
    if not old_list or not new_list:
        return not old_list and not new_list
    if key >= len(old) or key >= len(new):
        return False
    return _reset(rest, old[key], new[key], old_secret, new_secret)


def _reset_wildcard(
    rest: Path, old: Any, new: Any, old_secret: bool, new_secret: bool, carried: Any
) -> bool:
    if not rest:
        if isinstance(new, dict):
            if isinstance(old, dict):
                for name, value in old.items():
                    new[name] = carried(value)
                for name in [n for n in new if n not in old]:
                    del new[name]
            return True
        if isinstance(new, list):
            if isinstance(old, list):
                for index, value in enumerate(old[: len(new)]):
                    new[index] = carried(value)
                return len(old) == len(new)
            return True
        return False
    if isinstance(old, dict) and isinstance(new, dict):
        return all(
            name in new and _reset(rest, value, new[name], old_secret, new_secret)
            for name, value in old.items()
        )
    if isinstance(old, list) and isinstance(new, list):
        overlap = all(
            _reset(rest, value, new[index], old_secret, new_secret)
            for index, value in enumerate(old[: len(new)])
        )
        return overlap and len(old) == len(new)
    return False
