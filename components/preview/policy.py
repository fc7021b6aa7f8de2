"""``--policy-pack``: run CrossGuard policy packs against the offline plan, as
``pulumi preview --policy-pack DIR [--policy-pack-config FILE]`` runs them.

What the Pulumi CLI and engine do, and where this emulates it (pulumi/pulumi):

* Load: the language host runs ``python -m pulumi.policy <engine> <pack dir>``, which runs the
  pack's ``__main__.py``; its ``PolicyPack(...)`` builds pulumi_policy's analyzer servicer and
  serves it over gRPC. :func:`load_pack` runs the same file in-process and captures the
  servicer as it is built (before any port is opened), then drives it the way the engine's
  gRPC client does, in-process, as pulumi-policy's own unit tests do (``test_policy.py``).
* Version: ``version`` of ``PulumiPolicy.yaml`` replaces the SDK's ``0.0.1`` in the pack's
  header and its violations (``pkg/resource/plugin/analyzer_plugin.go`` convertDiagnostics);
  a violation without a severity takes its policy's.
* Config: defaults from each policy's config schema, then the pack's ``initial_config``,
  then the ``--policy-pack-config`` file, with ``all`` setting every level, validated against
  the schemas (``pkg/resource/analyzer/config.go`` ReconcilePolicyPackConfig, applyConfig,
  parsePolicyPackConfig; errors worded as ``pkg/engine/update.go`` loadPolicyPlugins).
* Analyze: each resource the program registers (not reads), with its inputs, in registration
  order (``pkg/resource/deploy/step_generator.go`` analyzeAll); then the stack once, with every
  resource's outputs, parent and dependencies (AnalyzeResources). A stack violation naming no
  resource of the stack is the stack's (resolveStackPolicyViolationURN).
* Display: the ``Policies:`` block of the progress display (``pkg/backend/display/progress.go``
  printPolicies, ``diff.go`` renderDiffPolicyViolationEvent), after the plan.

Not emulated: remediations (a ``remediate`` level is reported as mandatory, as the servicer
does when a violation remains), stack tags, ``PULUMI_CONFIG`` for ``pulumi.Config()`` inside
policies, ESC ``environments`` in the config file (refused), the default providers the
engine also registers, and the pack's own virtualenv: the pack runs in this interpreter,
which needs pulumi-policy (``requirements-policy.txt``).
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import yaml
from google.protobuf import json_format, struct_pb2

from . import engine

INSTALL = "pip install --no-deps -r requirements-policy.txt (pulumi-policy==1.21.0)"
LEVELS = ("advisory", "mandatory", "remediate", "disabled")
# progress.go enforcementRank / severityRank.
_LEVEL_RANK = {"remediate": 0, "mandatory": 1, "advisory": 2, "disabled": 3}
_SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3, "": 4}
_LOAD_LOCK = threading.Lock()


class PolicyPackError(Exception):
    """A pack that cannot be loaded, or an invalid pack config: nothing was analyzed."""

    exit_code = 2  # cli.EXIT_INVALID_CONFIG

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = list(errors)


class PolicySdkMissing(PolicyPackError):
    """pulumi-policy is not installed in this interpreter."""

    exit_code = 1  # cli.EXIT_FAILED


class PolicyFailed(PolicyPackError):
    """A policy raised: the engine fails the preview with ``failed to run policy``."""

    exit_code = 1  # cli.EXIT_FAILED


@dataclass(frozen=True)
class Violation:
    policy: str
    level: str
    """``mandatory``, ``advisory`` (``remediate`` is reported as mandatory)."""
    severity: str
    """``critical``, ``high``, ``medium``, ``low``, or ``""`` when unspecified."""
    urn: str
    """The resource's URN; the stack's for a stack violation naming no resource."""
    message: str
    """The policy's description, a newline, and what the policy reported."""


@dataclass
class PolicyPackRun:
    """One pack: loaded and configured by :func:`load_pack`, run by :meth:`analyze`."""

    name: str
    version: str
    path: str
    """The ``--policy-pack`` path as the CLI shows it (cleaned, long ones abbreviated)."""
    servicer: Any
    severities: dict[str, str]
    config: dict[str, dict[str, Any]]
    """The reconciled config sent to the pack: per policy, ``enforcementLevel`` and its
    properties."""
    violations: list[Violation] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.name}@v{self.version}"

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.level == "mandatory"]

    def analyze(self, plan: engine.Plan) -> list[Violation]:
        """Every resource policy on each registered resource, then the stack policies."""
        proto = _sdk()[1]
        found: list[Violation] = []
        for resource in plan.resources:
            if resource.read:  # GenerateReadSteps runs no analyzer
                continue
            request = proto.AnalyzeRequest(
                type=resource.type,
                properties=_struct(resource.wire_inputs),
                urn=resource.urn,
                name=resource.name,
                options=_options(resource),
            )
            response = self._call("Analyze", request, resource.urn)
            # Diagnostics of a resource are the resource's (analyzeResource).
            found += [self._violation(d, resource.urn) for d in response.diagnostics]
        stack = engine.Registration(
            urn=_stack_urn(plan),
            type="pulumi:pulumi:Stack",
            name=f"{plan.project}-{plan.stack}",
            parent="",
            custom=False,
            wire_outputs=plan.raw_outputs,
        )
        everything = [stack, *plan.resources]
        request = proto.AnalyzeStackRequest(
            resources=[_stack_resource(proto, r) for r in everything]
        )
        response = self._call("AnalyzeStack", request, stack.urn)
        known = {r.urn for r in everything}
        for diagnostic in response.diagnostics:
            urn = diagnostic.urn if diagnostic.urn in known else stack.urn
            found.append(self._violation(diagnostic, urn))
        self.violations = found
        return found

    def _call(self, method: str, request: Any, urn: str) -> Any:
        try:
            return getattr(self.servicer, method)(request, None)
        except Exception as error:
            raise PolicyFailed(
                [f"failed to run policy pack {self.key} on {urn}: {type(error).__name__}: {error}"]
            ) from error

    def _violation(self, diagnostic: Any, urn: str) -> Violation:
        proto = _sdk()[1]
        level = proto.EnforcementLevel.Name(diagnostic.enforcementLevel).lower()
        severity = _severity_name(proto, diagnostic.severity)
        return Violation(
            policy=diagnostic.policyName,
            level="mandatory" if level == "remediate" else level,
            severity=severity or self.severities.get(diagnostic.policyName, ""),
            urn=urn,
            message=diagnostic.message,
        )


# -- loading -------------------------------------------------------------------------------------


def _sdk() -> tuple[Any, Any]:
    """pulumi_policy's ``policy`` module and the engine protocol, imported on first use."""
    try:
        from pulumi.runtime import proto
        from pulumi_policy import policy
    except ImportError as error:
        raise PolicySdkMissing(
            [f"--policy-pack needs pulumi-policy in this environment: {INSTALL}"]
        ) from error
    return policy, proto


class _Captured(BaseException):
    """Raised from inside ``PolicyPack(...)`` once its servicer exists, so the pack never
    serves; a BaseException, so a pack's ``except Exception`` does not swallow it."""


def load_pack(directory: Path, config_file: Path | None = None) -> PolicyPackRun:
    """Run the pack in ``directory`` as the language host would and capture it, then configure
    it as the engine would. Raises PolicyPackError (the pack or its config is unusable) or
    PolicySdkMissing."""
    policy_module, proto = _sdk()
    manifest = _manifest(directory)
    program = directory / str(manifest.get("main") or "")
    servicer = _capture(policy_module, program, directory)
    info = servicer.GetAnalyzerInfo(None, None)
    version = str(manifest.get("version") or info.version)
    config = reconcile_config(
        info, _initial_config(proto, info), read_config_file(config_file) if config_file else {}
    )
    problems = [
        f"validating policy config: {info.name} {version}  {error}"
        for error in validate_config(info, config)
    ]
    if problems:
        raise PolicyPackError(sorted(problems))
    servicer.Configure(_configure_request(proto, config), None)
    return PolicyPackRun(
        name=info.name,
        version=version,
        path=abbreviate_path(str(directory)),
        servicer=servicer,
        severities={p.name: _severity_name(proto, p.severity) for p in info.policies},
        config=config,
    )


def _manifest(directory: Path) -> dict[str, Any]:
    path = directory / "PulumiPolicy.yaml"
    if not path.is_file():
        raise PolicyPackError([f"{directory}: no PulumiPolicy.yaml: not a policy pack"])
    try:
        manifest = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        raise PolicyPackError([f"{path}: {error}"]) from error
    runtime = manifest.get("runtime") if isinstance(manifest, dict) else None
    name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if name != "python":
        raise PolicyPackError(
            [f"{path}: runtime {name!r}: only Python policy packs run in the offline preview"]
        )
    return manifest


def _capture(policy_module: Any, program: Path, directory: Path) -> Any:
    """The servicer ``PolicyPack(...)`` builds when ``program`` runs as ``__main__``."""
    captured: list[Any] = []
    real = policy_module._PolicyAnalyzerServicer

    class Capturing(real):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            captured.append(self)
            raise _Captured

    with _LOAD_LOCK:
        before = set(sys.modules)
        policy_module._PolicyAnalyzerServicer = Capturing
        try:
            # As pulumi/policy/__main__.py: run_path puts a folder first on sys.path.
            runpy.run_path(str(program), run_name="__main__")
        except _Captured:
            pass
        except Exception as error:
            raise PolicyPackError(
                [f"loading policy pack at {directory}: {type(error).__name__}: {error}"]
            ) from error
        except SystemExit as error:
            raise PolicyPackError(
                [f"loading policy pack at {directory}: it exited ({error.code})"]
            ) from error
        finally:
            policy_module._PolicyAnalyzerServicer = real
            # The pack's own modules are forgotten, so another pack's of the same name load.
            for module in set(sys.modules) - before:
                origin = getattr(sys.modules[module], "__file__", None) or ""
                if origin and Path(origin).resolve().is_relative_to(directory.resolve()):
                    del sys.modules[module]
    if not captured:
        raise PolicyPackError(
            [f"loading policy pack at {directory}: its entry point built no PolicyPack"]
        )
    return captured[0]


# -- config (pkg/resource/analyzer/config.go) ----------------------------------------------------


def read_config_file(path: Path) -> dict[str, dict[str, Any]]:
    """A ``--policy-pack-config`` file (parsePolicyPackConfig): policy name (or ``all``) to an
    enforcement level, or to an object of properties with an optional ``enforcementLevel``."""
    try:
        text = path.read_text()
    except OSError as error:
        raise PolicyPackError([f"reading policy pack config {path}: {error.strerror}"]) from error
    if not text.strip():
        return {}
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise PolicyPackError([f"parsing policy pack config {path}: {error}"]) from error
    if not isinstance(document, dict):
        raise PolicyPackError([f"parsing policy pack config {path}: not a JSON object"])
    if "environments" in document:
        raise PolicyPackError(
            [
                f"{path}: ESC environments cannot be opened offline; put their values in the "
                "file instead"
            ]
        )
    config: dict[str, dict[str, Any]] = {}
    for name, entry in document.items():
        if isinstance(entry, str):
            if entry not in LEVELS:
                raise PolicyPackError(
                    [
                        f'parsing enforcement level for "{name}": "{entry}" is not a valid '
                        "enforcement level"
                    ]
                )
            config[name] = {"enforcementLevel": entry}
        elif isinstance(entry, dict):
            level = entry.get("enforcementLevel")
            if level is not None and level not in LEVELS:
                shown = f'"{level}"' if isinstance(level, str) else json.dumps(level)
                raise PolicyPackError(
                    [
                        f'parsing enforcement level for "{name}": {shown} is not a valid '
                        "enforcement level"
                    ]
                )
            if entry:
                config[name] = dict(entry)
        else:
            raise PolicyPackError(
                [
                    f'parsing "{name}": {json.dumps(entry)} is not a valid value; must be a '
                    "string or object"
                ]
            )
    return config


def _initial_config(proto: Any, info: Any) -> dict[str, dict[str, Any]]:
    initial: dict[str, dict[str, Any]] = {}
    for name, entry in info.initialConfig.items():
        values = json_format.MessageToDict(entry.properties) if entry.HasField("properties") else {}
        # An unset level arrives as ADVISORY (0), and the engine applies it as such
        # (analyzer_plugin.go convertPolicyConfig): so does this.
        values["enforcementLevel"] = proto.EnforcementLevel.Name(entry.enforcementLevel).lower()
        initial[name] = values
    return initial


def reconcile_config(
    info: Any, initial: Mapping[str, Mapping[str, Any]], given: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """ReconcilePolicyPackConfig: each policy's level and its schema's defaults, then the
    pack's initial config, then the file's (``all`` first, then each policy)."""
    proto = _sdk()[1]
    result: dict[str, dict[str, Any]] = {}
    for policy in info.policies:
        defaults = {
            name: schema["default"]
            for name, schema in _schema(policy).get("properties", {}).items()
            if isinstance(schema, dict) and "default" in schema
        }
        level = proto.EnforcementLevel.Name(policy.enforcementLevel).lower()
        result[policy.name] = {"enforcementLevel": level, **defaults}
    for layer in (initial, given):
        everything = layer.get("all", {}).get("enforcementLevel")
        if everything:
            for entry in result.values():
                entry["enforcementLevel"] = everything
        for name, entry in layer.items():
            merged = result.setdefault(name, {})
            merged.update(entry)
    return result


def _schema(policy: Any) -> dict[str, Any]:
    schema = json_format.MessageToDict(policy.configSchema)
    return {"properties": schema.get("properties", {}), "required": schema.get("required", [])}


def validate_config(info: Any, config: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """``<policy>: <error>`` for each property that breaks its policy's schema, worded as
    gojsonschema words them (validatePolicyConfig). The keywords checked: type, enum,
    minimum, maximum, required."""
    errors = []
    for policy in info.policies:
        schema = _schema(policy)
        if not schema["properties"] and not schema["required"]:
            continue
        values = {k: v for k, v in config.get(policy.name, {}).items() if k != "enforcementLevel"}
        errors += [
            f"{policy.name}: {name} is required"
            for name in schema["required"]
            if name not in values
        ]
        for name, rules in schema["properties"].items():
            if name in values:
                errors += [f"{policy.name}: {name}: {e}" for e in _check(name, values[name], rules)]
    return errors


_JSON_TYPES = {
    "integer": lambda v: (
        isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer()
    ),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


def _json_type(value: Any) -> str:
    for name in ("null", "boolean", "integer", "number", "string", "array", "object"):
        if _JSON_TYPES[name](value):
            return name
    return type(value).__name__


def _check(name: str, value: Any, rules: Mapping[str, Any]) -> list[str]:
    expected = rules.get("type")
    if isinstance(expected, str) and expected in _JSON_TYPES and not _JSON_TYPES[expected](value):
        return [f"Invalid type. Expected: {expected}, given: {_json_type(value)}"]
    problems = []
    if "enum" in rules and value not in rules["enum"]:
        allowed = ", ".join(
            _num(v) if _JSON_TYPES["number"](v) else json.dumps(v) for v in rules["enum"]
        )
        problems.append(f"{name} must be one of the following: {allowed}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in rules and value < rules["minimum"]:
            problems.append(f"Must be greater than or equal to {_num(rules['minimum'])}")
        if "maximum" in rules and value > rules["maximum"]:
            problems.append(f"Must be less than or equal to {_num(rules['maximum'])}")
    return problems


def _num(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _configure_request(proto: Any, config: Mapping[str, Mapping[str, Any]]) -> Any:
    request = proto.ConfigureAnalyzerRequest()
    for name, entry in config.items():
        level = str(entry.get("enforcementLevel") or "advisory").upper()
        properties = struct_pb2.Struct()
        properties.update({k: v for k, v in entry.items() if k != "enforcementLevel"})
        request.policyConfig[name].CopyFrom(
            proto.PolicyConfig(
                enforcementLevel=proto.EnforcementLevel.Value(level), properties=properties
            )
        )
    return request


# -- requests --------------------------------------------------------------------------------------


def _struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    """Wire values as the engine marshals them: unknowns as the sentinel, secrets wrapped
    (the servicer unwraps them for the policies)."""
    return json_format.ParseDict(dict(values), struct_pb2.Struct())


def _options(resource: engine.Registration) -> Any:
    proto = _sdk()[1]
    return proto.AnalyzerResourceOptions(
        protect=resource.protect,
        ignoreChanges=resource.ignore_changes,
        parent=resource.parent,
    )


def _stack_resource(proto: Any, resource: engine.Registration) -> Any:
    return proto.AnalyzerResource(
        type=resource.type,
        properties=_struct(resource.wire_outputs),
        urn=resource.urn,
        name=resource.name,
        options=_options(resource),
        parent=resource.parent,
        dependencies=resource.dependencies,
        propertyDependencies={
            k: proto.AnalyzerPropertyDependencies(urns=v)
            for k, v in resource.property_dependencies.items()
        },
    )


def _severity_name(proto: Any, severity: int) -> str:
    name = proto.PolicySeverity.Name(severity).removeprefix("POLICY_SEVERITY_").lower()
    return "" if name == "unspecified" else name


def _stack_urn(plan: engine.Plan) -> str:
    return (
        f"urn:pulumi:{plan.stack}::{plan.project}::pulumi:pulumi:Stack::{plan.project}-{plan.stack}"
    )


# -- display -------------------------------------------------------------------------------------


def abbreviate_path(path: str) -> str:
    """``pkg/engine/update.go`` abbreviateFilePath: cleaned; past 75 characters, the first two
    and last two parts around ``...``."""
    path = os.path.normpath(path)
    if len(path) > 75:
        separator = "/" if "/" in path else "\\"
        parts = path.split(separator)
        if len(parts) > 4:
            parts = [*parts[:2], "...", *parts[-2:]]
        path = separator.join(parts)
    return path


def display_type(resource_type: str) -> str:
    """``tokens.Type.DisplayName``: ``pkg:mod/file:Name`` as ``pkg:mod:Name`` when ``file``
    is ``Name`` with a lowercase first letter."""
    parts = resource_type.split(":")
    if len(parts) == 3 and "/" in parts[1]:
        module, file = parts[1].rsplit("/", 1)
        name = parts[2]
        if name and file == name[0].lower() + name[1:]:
            return f"{parts[0]}:{module}:{name}"
    return resource_type


def _resource_clause(urn: str) -> str:
    """``policyResourceClause``: ``  (<type>: <name>)``; nothing for an invalid URN."""
    if not urn.startswith("urn:pulumi:") or urn.count("::") < 3:
        return ""
    qualified_type, name = urn.split("::")[2], urn.split("::", 3)[3]
    return f"  ({display_type(qualified_type.rsplit('$', 1)[-1])}: {name})"


def render(runs: Iterable[PolicyPackRun], out: TextIO) -> None:
    """The ``Policies:`` block of ``pulumi preview``'s progress display (uncoloured)."""
    out.write("\nPolicies:\n")
    for run in sorted(runs, key=lambda r: r.key):
        if any(v.level == "mandatory" for v in run.violations):
            mark = "❌"
        elif run.violations:
            mark = "⚠️"
        else:
            mark = "✅"
        out.write(f"    {mark} {run.key} (local: {run.path})\n")
        ordered = sorted(
            run.violations,
            key=lambda v: (
                _LEVEL_RANK.get(v.level, 99),
                _SEVERITY_RANK.get(v.severity, 99),
                v.policy,
                v.urn,
            ),
        )
        for violation in ordered:
            severity = f" [severity: {violation.severity}]" if violation.severity else ""
            out.write(
                f"        - [{violation.level}]{severity}  {violation.policy}"
                f"{_resource_clause(violation.urn)}\n"
            )
            message = violation.message.removesuffix("\n").replace("\n", "\n          ")
            out.write(f"          {message}\n")
    out.write("\n")


# -- the command line ------------------------------------------------------------------------------


def load_packs(paths: Sequence[Path], configs: Sequence[Path]) -> list[PolicyPackRun]:
    """Every ``--policy-pack``, each with the ``--policy-pack-config`` at its position
    (``pkg/cmd/pulumi/operations/up.go`` validatePolicyPackConfig)."""
    if configs and not paths:
        raise PolicyPackError(['"--policy-pack-config" must be specified with "--policy-pack"'])
    if configs and len(configs) != len(paths):
        raise PolicyPackError(
            [
                'the number of "--policy-pack-config" flags must match the number of '
                '"--policy-pack" flags'
            ]
        )
    return [
        load_pack(path, configs[index] if configs else None) for index, path in enumerate(paths)
    ]


def enforce(runs: Sequence[PolicyPackRun], plan: engine.Plan, out: TextIO) -> bool:
    """Analyze the plan with every pack and print the ``Policies:`` block (nothing without
    packs); True if any violation is mandatory. Raises PolicyFailed when a policy raises."""
    if not runs:
        return False
    for run in runs:
        run.analyze(plan)
    render(runs, out)
    return any(run.mandatory for run in runs)
