"""Stack config as the Pulumi CLI hands it to the program, turned into typed values.

What arrives (pulumi/pulumi ``sdk/go/common/resource/config/map.go`` ``Map.Decrypt``, the
Python language host's ``PULUMI_CONFIG``): a map of ``cmkpg:<key>`` to strings. A top-level
scalar is its text (``"4"``, ``"true"``; an unquoted YAML date is Go's
``2026-11-28 00:00:00 +0000 UTC``); an object or a list is JSON text, in which numbers, booleans
and strings keep their JSON types. Declared defaults have already been written into the
objects by the CLI; when the program runs without the CLI (tests, the Automation API),
missing values simply take the option classes' defaults.

The CLI accepts keys it does not know, so the program refuses them here: unknown keys and
unknown fields inside its objects (with a "did you mean"), the flat keys of the old format
(``cmkpg:key.size``, which the CLI never reads as ``key.size``) with the exact
``pulumi config`` commands that convert them, secrets inside objects, and secrets set in plain
text. Values of the wrong kind are reported with the key and the value as the user wrote it;
nothing here raises on a hostile value.
"""

from __future__ import annotations

import difflib
import json
import re
import shlex
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..validation import Problem, parse_utc, render
from .declarations import BY_PATH, OBJECT_ROOTS, ROOTS, SETTINGS, Setting

NAMESPACE = "cmkpg"
_GO_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)? [+-]\d{4} \S+")
# Keys of the flat format (before structured config) that moved to another key.
_RENAMED = {
    "cluster.administratorLoginPassword": "clusterAdminPassword",
    "monitoring.webhooks": "alertWebhooks",
    "locks": "lock",
}


@dataclass
class ReadConfig:
    """The stack config read into values by attribute path, and what was wrong with it."""

    values: dict[str, Any] = field(default_factory=dict)
    """Attribute path (``cmk.key.size``) -> value, for every setting given."""
    errors: list[str] = field(default_factory=list)
    """Complete error lines (``cmkpg:key.size: ...``)."""
    fixes: list[str] = field(default_factory=list)
    """Commands that convert flat keys."""
    secret_attrs: set[str] = field(default_factory=set)
    """Attributes whose value came from a secret."""


def read_config(raw: Mapping[str, str], secret_keys: Collection[str]) -> ReadConfig:
    """Read the ``cmkpg`` keys of ``raw`` (full keys; other namespaces are ignored)."""
    result = ReadConfig()
    own = {
        k.removeprefix(f"{NAMESPACE}:"): v for k, v in raw.items() if k.startswith(f"{NAMESPACE}:")
    }
    secrets = {
        k.removeprefix(f"{NAMESPACE}:") for k in secret_keys if k.startswith(f"{NAMESPACE}:")
    }
    flat = [k for k in sorted(own) if k not in ROOTS and _is_flat(k)]
    for key in sorted(own):
        if key in flat:
            continue
        if key not in ROOTS:
            close = difflib.get_close_matches(key, ROOTS, n=1)
            hint = f"did you mean {close[0]}?" if close else "see the config table in README.md"
            result.errors.append(f"{NAMESPACE}:{key}: is not a known key; {hint}")
            continue
        if key in OBJECT_ROOTS:
            _read_object(result, key, own[key], secret=key in secrets)
        else:
            setting = BY_PATH[key]
            _read_setting(result, setting, own[key], nested=False, secret=key in secrets)
    if flat:
        _flat_keys(result, {k: own[k] for k in flat}, secrets)
    return result


def _is_flat(key: str) -> bool:
    return "." in key or "[" in key or key in _RENAMED


def _read_object(result: ReadConfig, root: str, text: str, *, secret: bool) -> None:
    here = f"{NAMESPACE}:{root}"
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, TypeError):
        value = text
    if not isinstance(value, dict):
        example = next(s.path for s in SETTINGS if s.root == root and "." in s.path)
        result.errors.append(
            f"{here}: {render(value)} is not an object of settings; set them with "
            f"`pulumi config set --path {example} <value>`"
        )
        return
    if secret:
        result.errors.append(
            f"{here}: holds a secret value, which makes the whole object secret; keep secrets "
            "in top-level keys (clusterAdminPassword, alertWebhooks) and the rest in plain text"
        )
        return
    children = {s.path.split(".", 1)[1]: s for s in SETTINGS if s.root == root and "." in s.path}
    _read_fields(result, root, value, children)


def _read_fields(
    result: ReadConfig, prefix: str, value: dict[str, Any], children: dict[str, Setting]
) -> None:
    """The fields of one object; ``children`` maps relative paths (``rotation.expiresAfterDays``)
    to settings."""
    groups = {path.split(".", 1)[0] for path in children if "." in path}
    leaves = {path for path in children if "." not in path}
    for name, item in value.items():
        where = f"{prefix}.{name}"
        if name in leaves:
            _read_setting(result, children[name], item, nested=True, secret=False)
        elif name in groups:
            if not isinstance(item, dict):
                result.errors.append(
                    f"{NAMESPACE}:{where}: {render(item)} is not an object of settings"
                )
                continue
            inner = {
                path.split(".", 1)[1]: setting
                for path, setting in children.items()
                if path.startswith(f"{name}.")
            }
            _read_fields(result, where, item, inner)
        else:
            known = sorted(leaves | groups)
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(known)}"
            result.errors.append(
                f"{NAMESPACE}:{where}: is not a setting of {NAMESPACE}:{prefix}; {hint}"
            )


def _read_setting(
    result: ReadConfig, setting: Setting, raw: Any, *, nested: bool, secret: bool
) -> None:
    """One setting's value: checked against its declared type, converted to what the option
    class takes, and stored under its attribute path."""
    where = f"{NAMESPACE}:{setting.path}"
    try:
        value = _convert(setting, raw, nested=nested)
    except ValueError as err:
        shown = "[secret]" if secret or setting.secret else render(_as_written(setting, raw))
        result.errors.append(f"{where}: {shown} {err}")
        return
    if setting.secret and not secret and value:
        command = (
            f"pulumi config set --secret --path '{setting.path}[0]' <url>"
            if setting.type == "array"
            else f"pulumi config set --secret {setting.path}"
        )
        result.errors.append(f"{where}: is set in plain text; set it with `{command}`")
        return
    if secret or setting.secret:
        result.secret_attrs.add(setting.attr)
    result.values[setting.attr] = value


def _convert(setting: Setting, raw: Any, *, nested: bool) -> Any:
    """The value of ``raw`` (a string at top level, a JSON value inside an object) as the
    option class takes it; raises ValueError with the complaint."""
    kind = setting.type
    if kind == "object" or kind == "array":
        value = raw
        if not nested:
            try:
                value = json.loads(raw) if isinstance(raw, str) else raw
            except json.JSONDecodeError:
                value = raw
        return _convert_container(setting, value)
    text = _scalar_text(raw)
    if kind == "integer":
        if isinstance(raw, float) and raw == int(raw):
            return int(raw)
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and re.fullmatch(r"[+-]?\d{1,19}", raw):
            return int(raw)
        raise ValueError("is not an integer")
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        if raw in ("true", "false"):
            return raw == "true"
        raise ValueError("is not a boolean; use true or false")
    if text is None:
        raise ValueError(f"is a {_kind_word(raw)}, not a string")
    if text == "":
        return None
    if setting.timestamp:
        return _timestamp(text)
    return text


def _as_written(setting: Setting, raw: Any) -> Any:
    """A top-level list or map arrives as JSON text; show it as the value it stands for."""
    if setting.type in ("array", "object") and isinstance(raw, str):
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return raw
    return raw


def _scalar_text(raw: Any) -> str | None:
    """A scalar as the CLI's string form (numbers and booleans become their text, as the CLI
    passes them for a string setting); None for a list or a map."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return str(int(raw)) if raw == int(raw) else repr(raw)
    if raw is None:
        return ""
    return None


def _kind_word(value: Any) -> str:
    return "map" if isinstance(value, dict) else "list" if isinstance(value, list) else "value"


def _timestamp(text: str) -> datetime:
    if _GO_TIME.fullmatch(text):
        raise ValueError(
            "is an unquoted YAML timestamp, which the Pulumi CLI passes on in Go's format; "
            'quote it in the stack file as an ISO 8601 UTC time, e.g. "2026-11-28T06:00:00Z"'
        )
    return parse_utc(text)


def _convert_container(setting: Setting, value: Any) -> Any:
    if setting.type == "array":
        if not isinstance(value, list):
            raise ValueError(
                f"is not a list; set it with `pulumi config set --path '{setting.path}[0]' <value>`"
            )
        bad = [item for item in value if not isinstance(item, str)]
        if bad:
            raise ValueError(f"has {render(bad[0])}, which is not a string")
        return tuple(value)
    if not isinstance(value, dict):
        raise ValueError(
            f"is not a map; set an entry with `pulumi config set --path {setting.path}.<name> "
            "<value>`"
        )
    bad_items = [(k, v) for k, v in value.items() if not isinstance(v, str)]
    if bad_items:
        name, item = bad_items[0]
        raise ValueError(f"has {name}: {render(item)}, which is not a string")
    return dict(value)


# -- the flat format -------------------------------------------------------------------------


def _flat_keys(result: ReadConfig, flat: dict[str, str], secrets: set[str]) -> None:
    """Refuse keys of the old flat format, and print the commands that convert them."""
    for key, text in flat.items():
        target = _RENAMED.get(key, key)
        setting = BY_PATH.get(target)
        if setting is None and key.split(".", 1)[0] not in ROOTS:
            close = difflib.get_close_matches(key, list(BY_PATH), n=1)
            hint = f"did you mean {close[0]}?" if close else "see the config table in README.md"
            result.errors.append(f"{NAMESPACE}:{key}: is not a known key; {hint}")
            continue
        result.errors.append(
            f"{NAMESPACE}:{key}: is a flat key, which the Pulumi CLI does not read as "
            f"{target}: declared keys are paths into objects; convert it with the commands "
            "below"
        )
        result.fixes.append(f"pulumi config rm {shlex.quote(key)}")
        result.fixes += _set_commands(target, setting, text, secret=key in secrets)


def _set_commands(path: str, setting: Setting | None, text: str, *, secret: bool) -> list[str]:
    """``pulumi config set --path`` commands that store ``text`` (an old flat value) at
    ``path``, with the user's own values (secrets are never printed)."""
    try:
        value = json.loads(text) if setting and setting.type in ("array", "object") else text
    except json.JSONDecodeError:
        value = text
    secret = secret or (setting is not None and setting.secret)
    flag = "--secret " if secret else ""
    if path == "tags" and isinstance(value, list):  # the old list of key=value strings
        pairs = [str(item).partition("=") for item in value]
        return [
            f"pulumi config set --path {shlex.quote(f'tags.{name}')} {shlex.quote(tag)}"
            for name, _, tag in pairs
        ]
    if isinstance(value, list):
        return [
            f"pulumi config set {flag}--path {shlex.quote(f'{path}[{i}]')} "
            + ("<secret>" if secret else shlex.quote(str(item)))
            for i, item in enumerate(value)
        ]
    if secret:
        return [f"pulumi config set --secret {shlex.quote(path)}"]
    if "." not in path:
        return [f"pulumi config set {shlex.quote(path)} {shlex.quote(text)}"]
    return [f"pulumi config set --path {shlex.quote(path)} {shlex.quote(text)}"]


def problem_line(problem: Problem, secret_attrs: set[str]) -> str:
    """A problem of the settings, named with config keys."""
    from .declarations import config_name

    if problem.field in secret_attrs and not problem.secret:
        problem = Problem(problem.field, problem.complaint, problem.value, True, problem.refs)
    return problem.render(config_name)
