"""Reading ``Pulumi.yaml`` and ``Pulumi.<stack>.yaml`` the way the Pulumi CLI does.

The CLI hands the program every config value as a string (objects and arrays as JSON), fills
in the defaults ``Pulumi.yaml`` declares, and lists which keys are secrets. Encrypted values
(``secure: v1:...``) cannot be decrypted offline; they become a placeholder that is still a
secret, so the program's secret handling is exercised exactly as in a real run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# Stand in for values the CLI would decrypt, by declared type: the string satisfies the
# password rules, the list is one https URL (as secret webhook receivers are).
SECRET_PLACEHOLDER = "Offline-Preview-Secret-1"
SECRET_LIST_PLACEHOLDER = ["https://offline-preview.invalid/secret"]


class StackConfigError(Exception):
    """The project or stack file cannot be used; ``errors`` has one line per problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class Project:
    name: str
    schema: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Declared config keys (without namespace) -> declaration."""


@dataclass(frozen=True)
class StackConfig:
    values: dict[str, str]
    """Full key (``cmkpg:location``) -> engine value."""
    secret_keys: list[str]


def load_project(path: Path) -> Project:
    document = _read_yaml(path)
    if not isinstance(document, dict) or not document.get("name"):
        raise StackConfigError([f"{path}: not a Pulumi project file (no name)"])
    schema = {
        key: value
        for key, value in (document.get("config") or {}).items()
        if isinstance(value, dict) and "type" in value
    }
    return Project(name=str(document["name"]), schema=schema)


def load_stack_config(path: Path, project: Project) -> StackConfig:
    """Values of a ``Pulumi.<stack>.yaml`` file with the project's declared defaults."""
    document = _read_yaml(path) or {}
    if not isinstance(document, dict):
        raise StackConfigError([f"{path}: expected a mapping with a 'config' section"])
    raw = document.get("config") or {}
    if not isinstance(raw, dict):
        raise StackConfigError([f"{path}: 'config' must be a mapping"])

    values: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in raw.items():
        full = key if ":" in key else f"{project.name}:{key}"
        if isinstance(value, dict) and set(value) == {"secure"}:
            declared = project.schema.get(full.removeprefix(f"{project.name}:"), {})
            placeholder = (
                SECRET_LIST_PLACEHOLDER if declared.get("type") == "array" else SECRET_PLACEHOLDER
            )
            values[full] = engine_value(placeholder)
            secret_keys.append(full)
        else:
            values[full] = engine_value(value)
    for key, declaration in project.schema.items():
        full = f"{project.name}:{key}"
        if full not in values and "default" in declaration:
            values[full] = engine_value(declaration["default"])
    return StackConfig(values=values, secret_keys=secret_keys)


def engine_value(value: Any) -> str:
    """How the CLI passes a YAML value to the program."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise StackConfigError([f"{path}: no such file"]) from None
    except yaml.YAMLError as err:
        raise StackConfigError([f"{path}: not valid YAML: {err}"]) from None
