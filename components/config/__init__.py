"""The stack configuration: declared keys (:mod:`.declarations`), how the CLI's strings are
read (:mod:`.reader`), and the validated settings the stack is built from (:mod:`.settings`).

:func:`load_settings` is pure: raw config in, :class:`StackSettings` out, or
:class:`ConfigError` listing every problem, each naming the key, the value and what is
allowed. Nothing is registered before it succeeds.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

import pulumi

from ..regions import normalize_region
from ..validation import parse_utc, render
from .declarations import SETTINGS, Setting
from .reader import problem_line, read_config
from .settings import NAMESPACE, StackSettings

# Pins the clock of the date rules (ISO 8601 UTC), for reproducible checks in CI.
CLOCK_VARIABLE = "CMKPG_NOW"


class ConfigError(pulumi.RunError):
    """Invalid stack configuration: ``errors`` holds one line per problem, ``fixes`` the
    commands that convert keys of the old flat format."""

    def __init__(self, errors: list[str], fixes: list[str] | None = None) -> None:
        self.errors = errors
        self.fixes = list(fixes or [])
        text = (
            f"invalid configuration ({len(errors)} problem{'s' * (len(errors) != 1)}):\n"
            + "\n".join(f"  {e}" for e in errors)
        )
        if self.fixes:
            text += "\nTo convert the flat keys, run:\n" + "\n".join(f"  {f}" for f in self.fixes)
        super().__init__(text)


def load_settings(
    raw_config: Mapping[str, str],
    *,
    stack: str,
    secret_keys: Collection[str] = (),
    provider_location: str | None = None,
    now: datetime | None = None,
) -> StackSettings:
    """Validate the ``cmkpg`` config of ``stack``; raise :class:`ConfigError` on any problem.

    :param raw_config: full keys (``cmkpg:location``) to the strings the CLI passes (objects
        as JSON); other namespaces are ignored.
    :param secret_keys: full keys set with ``--secret``.
    :param provider_location: the ``azure-native:location`` config, if set.
    :param now: clock for date checks.
    """
    read = read_config(raw_config, secret_keys)
    errors = list(read.errors)
    settings = None
    if "location" not in read.values:
        if not any(e.startswith(f"{NAMESPACE}:location:") for e in errors):
            errors.insert(0, f"{NAMESPACE}:location: is required; {SETTINGS[0].description}")
    else:
        settings = build_settings(read.values, stack=stack, now=now)
        errors += [problem_line(p, read.secret_attrs) for p in settings.problems()]
        location = settings.location
        if provider_location and normalize_region(provider_location) != normalize_region(location):
            errors.append(
                f"{NAMESPACE}:location: {render(location)} differs from azure-native:location "
                f"{render(provider_location)}; set them equal"
            )
    if errors or settings is None:
        raise ConfigError(errors, read.fixes)
    return settings


def build_settings(values: Mapping[str, Any], *, stack: str, now: datetime | None) -> StackSettings:
    """:class:`StackSettings` from values by attribute path; what is not given takes the
    option classes' defaults."""
    tree: dict[str, Any] = {}
    for path, value in values.items():
        node = tree
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    clock = {"now": now}
    tree.setdefault("cmk", {}).setdefault("key", {}).update(clock)
    return _build(StackSettings, {**tree, "stack": stack, **clock})


def _build(cls: type, values: Mapping[str, Any]) -> Any:
    kwargs: dict[str, Any] = {}
    specs = {spec.name: spec for spec in dataclasses.fields(cls)}
    for name, value in values.items():
        spec = specs[name]
        if isinstance(value, dict) and spec.default_factory is not dataclasses.MISSING:
            nested = spec.default_factory()
            if dataclasses.is_dataclass(nested):
                value = _build(type(nested), value)
        kwargs[name] = value
    return cls(**kwargs)


def settings_from_pulumi() -> StackSettings:
    """:func:`load_settings` for the running program's stack and config."""
    from pulumi.runtime import config as runtime_config

    values: dict[str, Any] = dict(runtime_config.get_config_env())
    values.update(runtime_config.CONFIG.get())
    pinned = os.environ.get(CLOCK_VARIABLE)
    try:
        now = parse_utc(pinned) if pinned else None
    except ValueError as err:
        raise ConfigError([f"{CLOCK_VARIABLE}: {render(pinned)} {err}"]) from None
    return load_settings(
        values,
        stack=pulumi.get_stack(),
        secret_keys=[k for k in values if runtime_config.is_config_secret(k)],
        provider_location=values.get("azure-native:location"),
        now=now,
    )


__all__ = [
    "CLOCK_VARIABLE",
    "SETTINGS",
    "ConfigError",
    "Setting",
    "StackSettings",
    "build_settings",
    "load_settings",
    "settings_from_pulumi",
]
