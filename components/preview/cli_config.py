"""Stack configuration exactly as the Pulumi CLI prepares it for a program.

``pulumi preview`` reads ``Pulumi.yaml`` and ``Pulumi.<stack>.yaml``, fills in the defaults the
project declares, validates types and secrets, and hands the program a map of strings. This
module reproduces that, behaviour for behaviour, from pulumi/pulumi:

* decoding: ``sdk/go/common/workspace/loaders.go`` (``LoadProjectBytes``,
  ``LoadProjectStackBytes``, ``stackConfigNamespacedWithProject``, ``checkForEmptyConfig``)
  over go-yaml v3 (:mod:`.goyaml`);
* values: ``sdk/go/common/resource/config/object.go`` (``unmarshalObject``,
  ``MarshalString``, ``coerce``, ``object.Get``/``Set``) and ``map.go`` (``Map.Get``/``Set``
  with ``path=true``, ``parseKeyPath``);
* the project: ``sdk/go/common/workspace/project.go`` (``RewriteShorthandConfigValues``,
  ``Project.Validate``, ``ValidateConfigValue``, ``InferFullTypeName``);
* the merge: ``pkg/workspace/config.go`` (``mergeConfig``, ``createConfigValue``,
  ``validateStackConfigValues``, ``validateStackConfigValue``, ``formatMissingKeys``);
* delivery: ``Map.Decrypt``/``SecureKeys`` and the Python language host's
  ``PULUMI_CONFIG``/``PULUMI_CONFIG_SECRET_KEYS``.

The tests in ``tests/test_cli_config.py`` mirror upstream's own cases by name. Two things
differ, both because nothing here can decrypt: a ``secure:`` value becomes the placeholder
:data:`SECRET_PLACEHOLDER` (still a secret), and the ESC environment merge is not done (no
``environment:`` is read). Where this module's wording is its own (the JSON-schema check of
``Pulumi.yaml``), the docstring says so.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import goyaml, property_path
from .property_path import PathError

# Stands in for a value the CLI would decrypt: an https URL that also satisfies Azure's
# password rules, so secret webhooks and secret passwords both plan.
SECRET_PLACEHOLDER = "https://offline-preview.invalid/Preview-Secret-1"
_TYPES = ("string", "integer", "boolean", "array", "object")


class StackConfigError(Exception):
    """The project or stack file cannot be used; ``errors`` has one line per problem, worded
    as the CLI words it."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class Secure:
    """A ``{secure: <ciphertext>}`` leaf."""

    ciphertext: str


# -- values (config.Value and its object form) ------------------------------------------------


@dataclass(frozen=True)
class Value:
    """``config.Value``: text plus whether it is secure and whether the text is JSON."""

    text: str
    secure: bool = False
    object: bool = False
    typed: bool = False
    """A value the CLI parsed with a type (stack files): never coerced again."""


def to_object(raw: Any) -> Any:
    """``unmarshalObject``: a decoded YAML value -> the object tree (``Secure`` leaves, Go
    times as their ``String()`` text, map keys as strings)."""
    if isinstance(raw, goyaml.GoTime):
        return str(raw)
    if isinstance(raw, bool | int | float | str) or raw is None:
        return raw
    if isinstance(raw, dict):
        if len(raw) == 1 and isinstance(raw.get("secure"), str):
            return Secure(raw["secure"])
        return {_go_key(k): to_object(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return [to_object(v) for v in raw]
    raise StackConfigError([f"unexpected wire type {type(raw).__name__}"])


def _go_key(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def contains_secure(tree: Any) -> bool:
    if isinstance(tree, Secure):
        return True
    if isinstance(tree, dict):
        return any(contains_secure(v) for v in tree.values())
    if isinstance(tree, list):
        return any(contains_secure(v) for v in tree)
    return False


def go_json(tree: Any) -> str:
    """Go's ``encoding/json`` of an object tree: compact, map keys sorted, ``<``, ``>`` and
    ``&`` escaped, floats in Go's format, a secure leaf as ``{"secure": ...}``."""
    if isinstance(tree, Secure):
        return go_json({"secure": tree.ciphertext})
    if tree is None:
        return "null"
    if isinstance(tree, bool):
        return "true" if tree else "false"
    if isinstance(tree, int):
        return str(tree)
    if isinstance(tree, float):
        if math.isinf(tree) or math.isnan(tree):
            word = "NaN" if math.isnan(tree) else ("+Inf" if tree > 0 else "-Inf")
            raise StackConfigError([f"json: unsupported value: {word}"])
        return go_float(tree)
    if isinstance(tree, str):
        return _go_string(tree)
    if isinstance(tree, dict):
        return "{" + ",".join(f"{go_json(k)}:{go_json(tree[k])}" for k in sorted(tree)) + "}"
    if isinstance(tree, list):
        return "[" + ",".join(go_json(v) for v in tree) + "]"
    raise StackConfigError([f"json: unsupported type: {type(tree).__name__}"])


def _go_string(text: str) -> str:
    """A JSON string as Go writes it: ``<``, ``>``, ``&``, control characters and U+2028/9 as
    ``\\u00XX`` escapes, other non-ASCII characters as they are."""
    out = ['"']
    for char in text:
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif ord(char) < 0x20 or char in "<>&\u2028\u2029":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def go_float(value: float) -> str:
    """Go's ``encoding/json`` float64 text: shortest form, exponent below 1e-6 or from 1e21."""
    if value == int(value) and abs(value) < 1e21:
        return str(int(value))
    if abs(value) < 1e-6 or abs(value) >= 1e21:
        mantissa, _, exponent = repr(value).partition("e")
        if not exponent:
            mantissa, _, exponent = f"{value:e}".partition("e")
        sign = "-" if exponent.startswith("-") else "+"
        return f"{mantissa}e{sign}{int(exponent.lstrip('+-')):02d}"
    return repr(value)


def marshal(tree: Any) -> Value:
    """``object.MarshalString``."""
    if isinstance(tree, bool):
        return Value("true" if tree else "false")
    if isinstance(tree, int):
        return Value(str(tree))
    if isinstance(tree, float):
        return Value(go_json(tree))
    if isinstance(tree, str):
        return Value(tree)
    if isinstance(tree, Secure):
        return Value(tree.ciphertext, secure=True)
    if tree is None:
        return Value("")
    return Value(go_json(tree), secure=contains_secure(tree), object=True)


def unmarshal(value: Value) -> Any:
    """``Value.unmarshalObject``: the object tree a Value stands for."""
    if not value.object:
        return Secure(value.text) if value.secure else value.text
    return _from_json(json.loads(value.text))


def _from_json(raw: Any) -> Any:
    if isinstance(raw, dict):
        if len(raw) == 1 and isinstance(raw.get("secure"), str):
            return Secure(raw["secure"])
        return {k: _from_json(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return [_from_json(v) for v in raw]
    return raw


def coerce(value: Value) -> Any:
    """``Value.coerceObject``: an untyped plain string becomes ``true``/``false`` or a decimal
    integer without a leading zero; anything else keeps its form."""
    if value.secure or value.object or value.typed:
        return unmarshal(value)
    text = value.text
    if text in ("true", "false"):
        return text == "true"
    if len(text) > 1 and text[0] == "0":
        return text
    if re.fullmatch(r"[+-]?\d{1,20}", text) and -(2**63) <= int(text) < 2**64:
        return int(text)
    return text


# -- the config map (config.Map) -------------------------------------------------------------


@dataclass
class ConfigMap:
    """``config.Map``: full key (``ns:name``) -> :class:`Value`."""

    values: dict[str, Value] = field(default_factory=dict)

    @staticmethod
    def _root(key: str) -> tuple[str, property_path.Path]:
        namespace, _, name = key.partition(":")
        try:
            path = property_path.parse(name, strict=True)
        except PathError as err:
            raise PathError(f"invalid config key path: {err}") from None
        if not path:
            raise PathError("empty config key path")
        if not isinstance(path[0], str):
            raise PathError("first path segement of config key must be a string")
        if path[0] == "":
            raise PathError("config key is empty")
        return f"{namespace}:{path[0]}", path

    def get(self, key: str, *, path: bool) -> Value | None:
        """``Map.Get``; None when not found (a wrong shape along the path is "not found")."""
        if not path:
            return self.values.get(key)
        root_key, elements = self._root(key)
        root = self.values.get(root_key)
        if len(elements) == 1 or root is None:
            return root if len(elements) == 1 else None
        node: Any = unmarshal(root)
        for element in elements[1:]:
            if not _has(node, element):
                return None
            node = node[element]
        return marshal(node)

    def set(self, key: str, value: Value, *, path: bool) -> None:
        """``Map.Set``; raises :class:`PathError` with the CLI's message."""
        if not path:
            self.values[key] = value
            return
        root_key, elements = self._root(key)
        if len(elements) == 1:
            self.values[root_key] = value
            return
        new = coerce(value)
        existing = self.values.get(root_key)
        holder = [unmarshal(existing) if existing is not None else _container(elements[1])]
        _set_in(holder, 0, [elements[0]], list(elements[1:]), new)
        self.values[root_key] = marshal(holder[0])


def _has(node: Any, element: property_path.PathElement) -> bool:
    """``object.Get``'s step: an index within an array, or a key of a map."""
    if isinstance(node, list):
        return isinstance(element, int) and 0 <= element < len(node)
    return isinstance(node, dict) and isinstance(element, str) and element in node


def _container(accessor: property_path.PathElement) -> Any:
    return [None] * (accessor + 1) if isinstance(accessor, int) else {}


def _set_in(
    parent: Any,
    slot: Any,
    prefix: list[property_path.PathElement],
    rest: list[property_path.PathElement],
    new: Any,
) -> None:
    """``object.Set``: walk ``rest`` from ``parent[slot]``, creating containers as needed."""
    if not rest:
        parent[slot] = new
        return
    node = parent[slot]
    head = rest[0]
    if not isinstance(node, list | dict):
        if node is None or len(prefix) == 1:  # COMPAT: the first level is overwritten
            node = _container(head)
            parent[slot] = node
        else:
            kind = "an array" if isinstance(head, int) else "a map"
            raise PathError(f"{property_path.render(prefix)}: expected {kind}")
    where = [*prefix, head]
    if isinstance(node, list):
        if not isinstance(head, int):
            raise PathError(f"{property_path.render(where)}: key for an array must be an int")
        if head < 0 or head > len(node):
            raise PathError(f"{property_path.render(where)}: array index out of range")
        if head == len(node):
            node.append(None)
        _set_in(node, head, where, rest[1:], new)
        return
    if not isinstance(head, str):
        raise PathError(f"{property_path.render(where)}: key for a map must be a string")
    if len(rest) == 1 and not node and head == "secure" and isinstance(new, str):
        raise PathError('maps with the single key "secure" are reserved')
    node.setdefault(head, None)
    _set_in(node, head, where, rest[1:], new)


# -- the project (workspace.Project) ---------------------------------------------------------


@dataclass(frozen=True)
class ConfigDeclaration:
    """One entry of ``config:`` in ``Pulumi.yaml`` (``ProjectConfigType``)."""

    type: str | None = None
    items: dict[str, Any] | None = None
    description: str = ""
    default: Any = None
    value: Any = None
    secret: bool = False


@dataclass(frozen=True)
class Project:
    name: str
    config: dict[str, ConfigDeclaration] = field(default_factory=dict)
    """Declared keys as written (``location``, ``key.size``, ``aws:region``)."""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    """The whole decoded document."""


def load_project(path: Path) -> Project:
    """``LoadProjectBytes`` for ``path``: decode, check ``name`` and the config schema,
    rewrite shorthand values, then ``Project.Validate``."""
    document = _read(path)
    if not isinstance(document, dict) or not document.get("name"):
        raise StackConfigError(
            [f"could not validate '{path}': project is missing a 'name' attribute"]
        )
    name = str(document["name"])
    raw_config = document.get("config") or {}
    if isinstance(raw_config, str):  # the deprecated stack-config-dir form
        raw_config = {}
    if not isinstance(raw_config, dict):
        raise StackConfigError([f"could not validate '{path}': config must be a mapping"])
    declarations: dict[str, ConfigDeclaration] = {}
    for key, entry in raw_config.items():
        declarations[str(key)] = _declaration(path, name, str(key), entry)
    project = Project(name=name, config=declarations, raw=document)
    problem = validate_project(project)
    if problem:
        raise StackConfigError([f"could not unmarshal '{path}': {problem}"])
    return project


def _declaration(path: Path, project: str, key: str, entry: Any) -> ConfigDeclaration:
    """The schema check of one config entry (``project.json``; this wording is ours) and
    ``RewriteShorthandConfigValues``."""
    if isinstance(entry, bool | int | str | list) and not isinstance(entry, goyaml.GoTime):
        if _namespaced_by_project(project, key):
            return ConfigDeclaration(default=entry)
        return ConfigDeclaration(value=entry)
    if not isinstance(entry, dict):
        raise StackConfigError(
            [
                f"could not validate '{path}': config.{key}: a shorthand value must be a string, "
                "an integer, a boolean or a list; write {default: ...} otherwise"
            ]
        )
    unknown = sorted(set(entry) - {"type", "items", "description", "secret", "default", "value"})
    if unknown:
        raise StackConfigError(
            [
                f"could not validate '{path}': config.{key}: additional property "
                f"{unknown[0]!r} is not allowed"
            ]
        )
    if "type" in entry and entry["type"] not in _TYPES:
        raise StackConfigError(
            [f"could not validate '{path}': config.{key}.type: must be one of {', '.join(_TYPES)}"]
        )
    return ConfigDeclaration(
        type=entry.get("type"),
        items=entry.get("items"),
        description=str(entry.get("description") or ""),
        default=entry.get("default"),
        value=entry.get("value"),
        secret=bool(entry.get("secret", False)),
    )


def _namespaced_by_project(project: str, key: str) -> bool:
    """``configKeyIsNamespacedByProject``."""
    return ":" not in key or key.startswith(f"{project}:")


def validate_project(project: Project) -> str | None:
    """``Project.Validate``: the first problem (Go visits a map; we visit in file order)."""
    for key, declaration in project.config.items():
        if declaration.default is not None and declaration.value is not None:
            return f"project config '{key}' cannot have both a 'default' and 'value' attribute"
        if _namespaced_by_project(project.name, key):
            if declaration.type == "array" and declaration.items is None:
                return (
                    f"The configuration key '{key}' declares an array but does not specify the "
                    "underlying type via the 'items' attribute"
                )
            if (
                declaration.type is not None
                and declaration.default is not None
                and not (validate_value(declaration.type, declaration.items, declaration.default))
            ):
                return (
                    f"The default value specified for configuration key '{key}' is not of the "
                    f"expected type '{full_type_name(declaration.type, declaration.items)}'"
                )
        else:
            if declaration.type is not None:
                return (
                    f"Configuration key '{key}' is not namespaced by the project and should not "
                    "define a type"
                )
            if declaration.default is not None:
                return (
                    f"Configuration key '{key}' is not namespaced by the project and should not "
                    "define a default value. Did you mean to use the 'value' attribute instead "
                    "of 'default'?"
                )
            if declaration.value is None:
                return (
                    f"Configuration key '{key}' is namespaced and must provide an attribute 'value'"
                )
    return None


def validate_value(type_name: str, items: Mapping[str, Any] | None, value: Any) -> bool:
    """``ValidateConfigValue`` over Go-typed content: ``str``, ``int``, ``float`` (JSON
    numbers), ``bool``, ``dict``, ``list``."""
    if type_name == "string":
        return isinstance(value, str) and not isinstance(value, goyaml.GoTime)
    if type_name == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return -(2**63) <= value < 2**63  # Go int; a uint64 is not an int
        if isinstance(value, float):
            return math.isfinite(value) and value == math.trunc(value)
        if isinstance(value, str) and not isinstance(value, goyaml.GoTime):
            return re.fullmatch(r"[+-]?\d{1,20}", value) is not None and (
                -(2**63) <= int(value) < 2**63
            )
        return False
    if type_name == "boolean":
        return isinstance(value, bool) or value in ("true", "false")
    if type_name == "object":
        return isinstance(value, dict)
    if not isinstance(value, list) or items is None:
        return False
    return all(validate_value(items.get("type", ""), items.get("items"), v) for v in value)


def full_type_name(type_name: str, items: Mapping[str, Any] | None) -> str:
    """``InferFullTypeName``: ``array<string>``, ``array<array<string>>``, ``integer``."""
    if items is not None:
        return f"array<{full_type_name(items.get('type', ''), items.get('items'))}>"
    return type_name


# -- the stack file and the merge (mergeConfig) ----------------------------------------------


@dataclass
class StackConfig:
    """What the CLI hands the program: ``values`` is ``PULUMI_CONFIG`` (full key -> string),
    ``secret_keys`` is ``PULUMI_CONFIG_SECRET_KEYS``."""

    values: dict[str, str]
    secret_keys: list[str]
    warnings: list[str] = field(default_factory=list)


def read_stack_file(path: Path, project: Project) -> tuple[ConfigMap, list[str]]:
    """``LoadProjectStackBytes``: the stack file's ``config:`` as a :class:`ConfigMap`, and the
    CLI's warnings (an empty value)."""
    document = _read(path) or {}
    if not isinstance(document, dict):
        raise StackConfigError([f"could not unmarshal '{path}': expected a mapping"])
    raw = document.get("config") or {}
    if not isinstance(raw, dict):
        raise StackConfigError([f"could not unmarshal '{path}': config must be a mapping"])
    return config_map(raw, project, str(path))


def config_map(
    raw: Mapping[Any, Any], project: Project, source: str
) -> tuple[ConfigMap, list[str]]:
    """The ``config:`` section of a stack file, decoded, as a :class:`ConfigMap` (keys
    namespaced, values as ``unmarshalObject`` and ``MarshalString`` store them)."""
    config = ConfigMap()
    warnings: list[str] = []
    for key, value in raw.items():
        full = _full_key(str(key), project.name, source)
        if value is None:
            warnings.append(
                f'No value for configuration key "{full}". This is currently treated as an '
                'empty string `""`, but will be treated as `null` in a future version of pulumi.'
            )
        config.values[full] = marshal(to_object(value))
    return config, warnings


def _full_key(key: str, project: str, path: str) -> str:
    """``stackConfigNamespacedWithProject`` and ``config.ParseKey``."""
    if ":" not in key:
        return f"{project}:{key}"
    parts = key.split(":")
    if len(parts) == 2:
        return key
    if len(parts) == 3 and parts[1] == "config":
        return f"{parts[0]}:{parts[2]}"
    raise StackConfigError(
        [
            f"could not unmarshal '{path}': could not parse {key} as a configuration key "
            "(configuration keys should be of the form `<namespace>:<name>`)"
        ]
    )


def merge(
    project: Project, config: ConfigMap, stack: str, decrypt: Decrypter | None = None
) -> None:
    """``mergeConfig(validate=true)``: write declared defaults into ``config`` (declared keys
    are property paths), report every missing key at once, then check secrets and types and
    stop at the first problem. Raises :class:`StackConfigError` with the CLI's message.

    Without ``decrypt`` (offline, where nothing can be decrypted) a value holding a secret
    passes the type check: its plaintext cannot be known."""
    missing: list[str] = []
    for declared in sorted(project.config, key=lambda k: k.encode()):
        declaration = project.config[declared]
        key = _config_key(project.name, declared)
        try:
            found = config.get(key, path=True)
        except PathError as err:
            raise StackConfigError([f"getting stack config value for key '{key}': {err}"]) from None
        if found is not None:
            continue
        default = declaration.default if declaration.default is not None else declaration.value
        if default is None:
            if key.startswith(f"{project.name}:"):
                missing.append(declared)
            continue
        try:
            config.set(key, _default_value(default), path=True)
        except PathError as err:
            raise StackConfigError([str(err)]) from None
    if missing:
        raise StackConfigError([_missing_keys(missing, stack)])
    for declared in sorted(project.config, key=lambda k: k.encode()):
        declaration = project.config[declared]
        if declaration.type is None:
            continue
        value = config.get(_config_key(project.name, declared), path=True) or Value("")
        problem = check_value(stack, declared, declaration, value, decrypt)
        if problem:
            raise StackConfigError([problem])


def _config_key(project: str, declared: str) -> str:
    """``parseConfigKey``: a declared key without a namespace is the project's."""
    return declared if ":" in declared else f"{project}:{declared}"


def _default_value(raw: Any) -> Value:
    """``createConfigValue``: a string, int or bool as its text; anything else as JSON."""
    if isinstance(raw, bool):
        return Value("true" if raw else "false")
    if isinstance(raw, int | str) and not isinstance(raw, goyaml.GoTime):
        return Value(str(raw))
    return Value(go_json(to_object(raw)), object=True)


def check_value(
    stack: str,
    declared: str,
    declaration: ConfigDeclaration,
    value: Value,
    decrypt: Decrypter | None = None,
) -> str | None:
    """``validateStackConfigValue``: the secret check first, then the type check."""
    if declaration.secret and not value.secure:
        return (
            f"Stack '{stack}' with configuration key '{declared}' must be encrypted as it's secret"
        )
    if decrypt is None and value.secure:
        return None  # offline: the plaintext is unknown, so its type cannot be checked
    if value.object:
        try:
            content: Any = json.loads(_decrypted(value, decrypt or offline_decrypt).text)
        except json.JSONDecodeError as err:
            return str(err)
        content = _json_numbers_as_floats(content)
    else:
        content = _decrypted(value, decrypt or offline_decrypt).text
    if not validate_value(declaration.type or "", declaration.items, content):
        return (
            f"Stack '{stack}' with configuration key '{declared}' must be of type "
            f"'{full_type_name(declaration.type or '', declaration.items)}'"
        )
    return None


def _json_numbers_as_floats(content: Any) -> Any:
    """Go's ``json.Unmarshal`` into ``any`` makes every number a float64."""
    if isinstance(content, bool):
        return content
    if isinstance(content, int):
        return float(content)
    if isinstance(content, dict):
        return {k: _json_numbers_as_floats(v) for k, v in content.items()}
    if isinstance(content, list):
        return [_json_numbers_as_floats(v) for v in content]
    return content


def _missing_keys(keys: list[str], stack: str) -> str:
    """``missingStackConfigurationKeysError``/``formatMissingKeys``."""
    if len(keys) == 1:
        return f"Stack '{stack}' is missing configuration value '{keys[0]}'"
    ordered = sorted(keys, key=lambda k: k.encode())
    listed = ", ".join(f"'{k}'" for k in ordered[:-2])
    listed = (listed + ", " if listed else "") + f"'{ordered[-2]}' and '{ordered[-1]}'"
    return f"Stack '{stack}' is missing configuration values {listed}"


Decrypter = Callable[[str], str]


def offline_decrypt(_ciphertext: str) -> str:
    """Nothing here can decrypt: every secret is :data:`SECRET_PLACEHOLDER`."""
    return SECRET_PLACEHOLDER


def _decrypted(value: Value, decrypt: Decrypter = offline_decrypt) -> Value:
    """``Value.Value(decrypter)``: the value with every secure leaf decrypted."""
    tree = unmarshal(value)

    def reveal(node: Any) -> Any:
        if isinstance(node, Secure):
            return decrypt(node.ciphertext)
        if isinstance(node, dict):
            return {k: reveal(v) for k, v in node.items()}
        if isinstance(node, list):
            return [reveal(v) for v in node]
        return node

    revealed = reveal(tree)
    if value.object:
        return Value(go_json(revealed), object=True)
    return Value(revealed if isinstance(revealed, str) else value.text)


def engine_config(config: ConfigMap, decrypt: Decrypter = offline_decrypt) -> StackConfig:
    """``Map.Decrypt`` and ``SecureKeys``: the strings the program receives."""
    values = {key: _decrypted(value, decrypt).text for key, value in sorted(config.values.items())}
    secret_keys = sorted(key for key, value in config.values.items() if value.secure)
    return StackConfig(values=values, secret_keys=secret_keys)


def load_stack_config(path: Path, project: Project, stack: str) -> StackConfig:
    """The config ``pulumi preview`` would give the program of ``project`` for ``stack``
    from the stack file at ``path``."""
    config, warnings = read_stack_file(path, project)
    merge(project, config, stack)
    result = engine_config(config)
    result.warnings = warnings
    return result


def stack_config(
    raw: Mapping[Any, Any],
    project: Project,
    stack: str,
    decrypt: Decrypter = offline_decrypt,
) -> StackConfig:
    """:func:`load_stack_config` for a ``config:`` section already decoded (as
    :func:`goyaml.load` decodes it); ``decrypt`` stands for the stack's secrets provider."""
    config, warnings = config_map(raw, project, f"Pulumi.{stack}.yaml")
    merge(project, config, stack, None if decrypt is offline_decrypt else decrypt)
    result = engine_config(config, decrypt)
    result.warnings = warnings
    return result


def _read(path: Path) -> Any:
    try:
        return goyaml.load(path.read_text())
    except FileNotFoundError:
        raise StackConfigError([f"{path}: no such file"]) from None
    except yaml.YAMLError as err:
        raise StackConfigError([f"could not unmarshal '{path}': {err}"]) from None
