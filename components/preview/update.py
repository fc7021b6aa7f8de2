"""Planning an update of a deployed stack, step by step as the engine and the provider do.

``cmkpg-preview --from FILE`` reads what is deployed (a ``pulumi stack export`` or a plan
JSON of an earlier run), runs the program, and for every resource it registers decides the
step ``pulumi preview`` would take, with the outputs the provider would return in preview,
so dependents see unknowns exactly where a real preview has them. Ported in behaviour from:

* pulumi/pulumi ``pkg/resource/deploy/step_generator.go``: ``processIgnoreChanges`` (before
  the diff), ``shouldTriggerReplace`` (``replacementTrigger``; unknowns always change, null
  never triggers), ``applyReplaceOnChanges`` (``PropertyPath.Contains`` on the detailed diff
  keys), ``continueStepsFromDiff`` (replace vs update vs same, the protect refusal, the
  ``deleteBeforeReplace`` option winning over the provider) and ``GenerateDeletes``;
* pulumi/pulumi ``pkg/resource/deploy/step.go``: ``SameStep.Apply`` (old outputs),
  ``UpdateStep.Apply`` (the old id, even in preview), ``CreateStep.Apply`` (no id in
  preview), ``DeleteStep.Apply`` (``deleteProtectedError``, checked before the dry-run
  short cut, so preview fails too);
* pulumi-azure-native ``provider/pkg/provider/provider.go`` (``Diff``, ``Update`` and
  ``Create`` with ``preview=true``: ``PreviewOutputs`` of the new inputs, ``name`` and
  ``location`` kept from the old state) and ``provider/pkg/provider/diff.go``
  (``calculateDetailedDiff``: path parameters and create-only body properties replace;
  ``applyAzureSpecificDiff``: location and resource group compared loosely; an unknown new
  value is always a change; ``DeleteBeforeReplace`` unless the name was generated);
* pulumi/pulumi ``sdk/go/common/apitype/core.go`` and ``pkg/resource/stack/deployment.go``:
  the checkpoint format (:func:`load_deployment`).

What is not emulated is listed in the README (section "Check a change against what is
deployed"): provider schema defaults on added properties, ``x-ms-identifiers`` keyed arrays,
the delete-before-replace cascade to dependents, and ``--refresh``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from . import gofmt, property_path, wire
from .api_facts import azure_api

StepOp = Literal["same", "update", "replace", "create", "delete", "read", "discard"]

ENCRYPTED = "[ciphertext]"
"""A secret the deployment file holds encrypted: nothing offline can read or compare it."""

AZURE_NATIVE = "azure-native:"
_PROVIDER_TYPES = "pulumi:providers:"
_STACK_TYPE = "pulumi:pulumi:Stack"
# pulumi-azure-native provider.go Update: "name" and "location" come from the old state.
_KEPT_ON_UPDATE = ("name", "location")


class DeploymentFileError(Exception):
    """The ``--from`` file is neither a checkpoint nor a plan this tool wrote."""


@dataclass
class OldResource:
    """One resource of the last deployment, as the checkpoint stores it (``ResourceV3``)."""

    urn: str
    type: str
    custom: bool
    id: str | None = None
    parent: str = ""
    external: bool = False
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    protect: bool = False
    retain_on_delete: bool = False
    ignore_changes: list[str] = field(default_factory=list)
    replace_on_changes: list[str] = field(default_factory=list)
    replacement_trigger: Any = None
    dependencies: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


@dataclass
class Deployment:
    """What is deployed: resources by URN (wire values) and the stack's outputs."""

    project: str
    stack: str
    resources: dict[str, OldResource]
    outputs: dict[str, Any]
    source: str
    """``checkpoint`` (``pulumi stack export``) or ``plan`` (``cmkpg-preview --json``)."""
    secrets_readable: bool
    """False when secrets are ciphertext (an export without ``--show-secrets``) or masked
    (a plan): changes to secret inputs cannot be seen then."""

    def find(self, resource_type: str, **outputs: str) -> OldResource | None:
        """The custom resource of ``resource_type`` whose outputs match (case-insensitive)."""
        for resource in self.resources.values():
            if resource.type != resource_type or not resource.custom:
                continue
            state = wire.unwrap(resource.outputs)
            if all(str(state.get(k, "")).lower() == v.lower() for k, v in outputs.items()):
                return resource
        return None


# -- reading the --from file ----------------------------------------------------------------


def load_deployment(path: Path) -> Deployment:
    """Read a ``pulumi stack export`` (version 3 or 4; secrets as ``ciphertext``, or as
    ``plaintext`` with ``--show-secrets``) or a plan JSON written by ``cmkpg-preview --json``."""
    try:
        document = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise DeploymentFileError(f"{path}: {error}") from error
    if isinstance(document, dict) and "deployment" in document:
        return from_checkpoint(document, str(path))
    if isinstance(document, dict) and isinstance(document.get("resources"), list):
        return from_plan(document)
    raise DeploymentFileError(
        f"{path}: neither a `pulumi stack export` (no 'deployment') nor a plan from "
        "`cmkpg-preview --json` (no 'resources')"
    )


def from_checkpoint(document: Mapping[str, Any], where: str = "checkpoint") -> Deployment:
    """``{"version": 3|4, "deployment": {"manifest", "resources": [...], ...}}``."""
    version = document.get("version")
    if version not in (3, 4):
        raise DeploymentFileError(
            f"{where}: checkpoint version {version!r}; `pulumi stack export` writes 3 (or 4)"
        )
    deployment = document["deployment"] or {}
    readable = [True]
    resources: dict[str, OldResource] = {}
    outputs: dict[str, Any] = {}
    project = stack = ""
    for raw in deployment.get("resources") or []:
        urn = raw["urn"]
        if raw.get("delete"):  # pending deletion of an earlier create-before-replace
            continue
        if raw["type"] == _STACK_TYPE and not raw.get("parent"):
            outputs = _decode(raw.get("outputs") or {}, readable)
            stack, project = urn.split("::")[0].removeprefix("urn:pulumi:"), urn.split("::")[1]
            continue
        if raw["type"].startswith(_PROVIDER_TYPES):
            continue
        resources[urn] = _old_resource(
            raw, lambda value: _decode(value, readable), external=bool(raw.get("external"))
        )
    return Deployment(project, stack, resources, outputs, "checkpoint", readable[0])


def _old_resource(
    raw: Mapping[str, Any], decode: Callable[[Any], Any], *, external: bool
) -> OldResource:
    """One resource entry (a checkpoint's ``ResourceV3``, or a plan's resource, which uses
    the same field names) with its values decoded to wire values."""
    return OldResource(
        urn=raw["urn"],
        type=raw["type"],
        custom=bool(raw.get("custom")),
        id=raw.get("id") or None,
        parent=raw.get("parent", ""),
        external=external,
        inputs=decode(raw.get("inputs") or {}),
        outputs=decode(raw.get("outputs") or {}),
        protect=bool(raw.get("protect")),
        retain_on_delete=bool(raw.get("retainOnDelete")),
        ignore_changes=list(raw.get("ignoreChanges") or []),
        replace_on_changes=list(raw.get("replaceOnChanges") or []),
        replacement_trigger=decode(raw.get("replacementTrigger")),
        dependencies=list(raw.get("dependencies") or []),
    )


def _decode(value: Any, readable: list[bool]) -> Any:
    """Checkpoint value -> wire value. A secret is ``{sig, ciphertext}`` or, exported with
    ``--show-secrets``, ``{sig, plaintext}`` holding the JSON text of the value
    (``pkg/resource/stack/deployment.go``, ``DeserializePropertyValue``)."""
    if isinstance(value, dict):
        if value.get(wire.SIG) == wire.SECRET_SIG:
            if ("plaintext" in value) == ("ciphertext" in value):
                raise DeploymentFileError(
                    "malformed secret value: exactly one of `ciphertext` or `plaintext` must be "
                    "supplied"
                )
            if "plaintext" in value:
                return wire.make_secret(_decode(json.loads(value["plaintext"]), readable))
            readable[0] = False
            return wire.make_secret(ENCRYPTED)
        return {k: _decode(v, readable) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v, readable) for v in value]
    return value


def from_plan(document: Mapping[str, Any]) -> Deployment:
    """A plan of ``cmkpg-preview --json``: secrets are masked, so they compare as unreadable."""
    readable = [True]

    def decode(value: Any) -> Any:
        if value == wire.SECRET:
            readable[0] = False
            return wire.make_secret(ENCRYPTED)
        if value == wire.UNKNOWN:
            return wire.UNKNOWN_VALUE
        if isinstance(value, dict):
            return {k: decode(v) for k, v in value.items()}
        if isinstance(value, list):
            return [decode(v) for v in value]
        return value

    resources = {
        raw["urn"]: _old_resource(raw, decode, external=bool(raw.get("read")))
        for raw in document["resources"]
        if raw.get("step") not in ("delete", "discard")
    }
    return Deployment(
        project=str(document.get("project", "")),
        stack=str(document.get("stack", "")),
        resources=resources,
        outputs=decode(document.get("outputs") or {}),
        source="plan",
        secrets_readable=readable[0],
    )


# -- the step for one resource -----------------------------------------------------------------


@dataclass
class Goal:
    """What the program registered for one custom resource (wire values)."""

    urn: str
    type: str
    inputs: dict[str, Any]
    protect: bool = False
    ignore_changes: list[str] = field(default_factory=list)
    replace_on_changes: list[str] = field(default_factory=list)
    replacement_trigger: Any = None
    delete_before_replace: bool | None = None
    """The ``deleteBeforeReplace`` option when the program set it."""


@dataclass
class Step:
    op: StepOp
    inputs: dict[str, Any] = field(default_factory=dict)
    """The inputs the step saves: after ``ignoreChanges`` and the provider's check."""
    diff: list[str] = field(default_factory=list)
    """Detailed diff keys (property paths), as the provider reports them."""
    replace_keys: list[str] = field(default_factory=list)
    """The diff keys that force the replacement."""
    added: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    """Top-level keys, as ``[diff: +a-b~c]`` shows them."""
    reason: str = ""
    delete_before_replace: bool = False
    refusal: str | None = None
    infos: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)
    """Paths whose secret values could not be compared (unreadable in the deployment)."""

    @property
    def changed(self) -> bool:
        return self.op in ("update", "replace")


def replace_refusal(urn: str) -> str:
    """``continueStepsFromDiff``'s message for a protected resource the diff replaces."""
    return (
        f'unable to replace resource "{urn}"\n'
        "as it is currently marked for protection. To unprotect the resource, remove the "
        "`protect` flag from the resource in your Pulumi program and run `pulumi up`"
    )


def delete_refusal(urn: str) -> str:
    """``deleteProtectedError``'s message (``pkg/resource/deploy/step.go``)."""
    return (
        f'resource "{urn}" cannot be deleted\n'
        "because it is protected. To unprotect the resource, either remove the `protect` flag "
        "from the resource in your Pulumi program and run `pulumi up`, or use the command:\n"
        f"`pulumi state unprotect '{urn}'`"
    )


def plan_step(old: OldResource | None, goal: Goal) -> Step:
    """The step the engine takes for ``goal`` given the deployed ``old`` state."""
    if old is None:
        return Step("create", inputs=copy.deepcopy(goal.inputs))
    step = Step("same")
    inputs = copy.deepcopy(goal.inputs)
    invalid = []
    for text in goal.ignore_changes:
        try:
            path = property_path.parse(text, strict=False)
        except property_path.PathError:
            continue  # processIgnoreChanges skips what does not parse
        if not property_path.reset(path, old.inputs, inputs):
            invalid.append(text)
    if invalid:
        step.infos.append(
            "cannot ignore changes in added or removed elements of the path: "
            + gofmt.quote(", ".join(invalid))
        )
    inputs = _provider_check(goal.type, old.inputs, inputs)
    step.inputs = inputs

    if should_trigger_replace(goal.replacement_trigger, old.replacement_trigger):
        # generateStepsFromDiff: the provider's Diff is skipped, the diff has no details.
        step.op, step.reason = "replace", "replacementTrigger changed"
        step.delete_before_replace = bool(goal.delete_before_replace)
    else:
        detailed = provider_diff(goal.type, old, inputs, step.unverified)
        _apply_replace_on_changes(detailed, goal.replace_on_changes)
        step.diff = sorted(detailed)
        step.replace_keys = sorted(k for k, kind in detailed.items() if kind.endswith("-replace"))
        if step.replace_keys:
            step.op, step.reason = "replace", f"{step.replace_keys[0]} cannot change in place"
            provider_dbr = goal.type.startswith(AZURE_NATIVE) and not _generated_name(old)
            step.delete_before_replace = (
                goal.delete_before_replace
                if goal.delete_before_replace is not None
                else provider_dbr
            )
        elif detailed:
            step.op = "update"
    if step.op == "same":
        return step
    step.added, step.deleted, step.updated = _top_level_changes(old.inputs, inputs)
    if step.op == "replace" and goal.protect and old.protect:
        step.refusal = replace_refusal(goal.urn)
    return step


def should_trigger_replace(new: Any, old: Any) -> bool:
    """``shouldTriggerReplace``: unknowns always change; a null on either side never
    triggers; otherwise a change of value replaces."""
    if wire.has_unknown(new) or wire.has_unknown(old):
        return True
    if new is None or old is None:
        return False
    return not same_value(new, old)


def same_value(a: Any, b: Any) -> bool:
    """``PropertyValue.DeepEquals`` after unwrapping secrets: a bool is never a number (as it
    is to Python's ``==``), and 1 and 1.0 are the same number."""
    a, _ = wire.unwrap_secret(a)
    b, _ = wire.unwrap_secret(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def _generated_name(old: OldResource) -> bool:
    # provider.go Diff: DeleteBeforeReplace unless Check recorded a random auto-name.
    return wire.unwrap(old.inputs.get("__createBeforeDelete")) is True


def _provider_check(resource_type: str, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """azure-native's Check (``applyDefaults``): a missing name parameter takes the old
    auto-name, a missing ``location`` the old location."""
    if not resource_type.startswith(AZURE_NATIVE):
        return new
    checked = dict(new)
    facts = azure_api().get(resource_type, {})
    name = facts.get("name", {}).get("property")
    if name and name not in checked and name in old:
        checked[name] = old[name]
        # Only a name the provider generated carries the flag (getDefaultName).
        if "__createBeforeDelete" in old:
            checked["__createBeforeDelete"] = old["__createBeforeDelete"]
    if "location" not in checked and "location" in old:
        checked["location"] = old["location"]
    return checked


# -- the provider's diff ----------------------------------------------------------------------

Kind = str  # "add", "delete", "update", each optionally "-replace"


def provider_diff(
    resource_type: str, old: OldResource, new: dict[str, Any], unverified: list[str]
) -> dict[str, Kind]:
    """Detailed diff of old inputs against new inputs, keyed by property path."""
    detailed: dict[str, Kind] = {}
    _object_diff(old.inputs, new, (), detailed, unverified)
    if resource_type.startswith(AZURE_NATIVE):
        _azure_specific(detailed, old.inputs, new)
        _azure_replaces(resource_type, detailed, old, new)
    elif resource_type.startswith("random:"):
        # terraform-provider-random: every argument of its resources is RequiresReplace.
        detailed = {k: f"{kind}-replace" for k, kind in detailed.items()}
    return detailed


def diff_key(path: tuple[property_path.PathElement, ...]) -> str:
    """A detailed-diff key as azure-native writes it: names joined by ``.``, a name holding
    a ``.`` as ``["name"]``, indices as ``[n]`` (``p4.["p45.period"]``, ``p6[0].p61``)."""
    text = ""
    for element in path:
        if isinstance(element, int):
            text += f"[{element}]"
            continue
        name = f'["{element}"]' if "." in element else element
        text += f".{name}" if text else name
    return text


def _object_diff(
    old: Any,
    new: Any,
    path: tuple[property_path.PathElement, ...],
    out: dict[str, Kind],
    unverified: list[str],
) -> None:
    old, _ = wire.unwrap_secret(old)
    new, _ = wire.unwrap_secret(new)
    if ENCRYPTED in (old, new) and old is not None and new is not None:
        unverified.append(diff_key(path))
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(old.keys() | new.keys()):
            if key.startswith("__"):
                continue  # azure-native's internal keys never diff (ignoreKey)
            _member_diff(old.get(key), new.get(key), (*path, key), out, unverified)
        return
    if isinstance(old, list) and isinstance(new, list):
        for index in range(max(len(old), len(new))):
            _member_diff(
                old[index] if index < len(old) else None,
                new[index] if index < len(new) else None,
                (*path, index),
                out,
                unverified,
            )
        return
    if wire.is_unknown(new) or not same_value(old, new):
        out[diff_key(path)] = "update"


def _member_diff(
    old: Any,
    new: Any,
    path: tuple[property_path.PathElement, ...],
    out: dict[str, Kind],
    unverified: list[str],
) -> None:
    if old is None and new is None:
        return
    if old is None:
        out[diff_key(path)] = "add"
    elif new is None:
        out[diff_key(path)] = "delete"
    else:
        _object_diff(old, new, path, out, unverified)


def _azure_specific(detailed: dict[str, Kind], old: dict[str, Any], new: dict[str, Any]) -> None:
    """``applyAzureSpecificDiff``: regions ignoring case and spaces, groups ignoring case."""

    def region(value: Any) -> str:
        return str(wire.unwrap(value)).replace(" ", "").lower()

    if detailed.get("location") == "update" and region(old["location"]) == region(new["location"]):
        del detailed["location"]
    rg = "resourceGroupName"
    if (
        detailed.get(rg) == "update"
        and not wire.is_unknown(new[rg])
        and str(wire.unwrap(old[rg])).lower() == str(wire.unwrap(new[rg])).lower()
    ):
        del detailed[rg]


def _azure_replaces(
    resource_type: str, detailed: dict[str, Kind], old: OldResource, new: dict[str, Any]
) -> None:
    """``calculateDetailedDiff``: a change of a path parameter (the resource's id changes),
    or of a create-only body property (``x-ms-mutability`` without ``update``), replaces.
    Create-only properties count at the top level, one level into an object, and one level
    into the items of an array (``findForceNew``); below a create-only object only an update
    is a replacement, and added or deleted members make the object itself one. An added
    replace-causing top-level property whose old output already has the very same value is a
    plain add (``calculateChangesAndReplacements``)."""
    facts = azure_api().get(resource_type, {})
    parameters = [property_path.parse(p) for p in facts.get("pathParameters", ())]
    rules = [property_path.parse(p) for p in facts.get("createOnly", ())]
    rules = [r for r in rules if len(r) <= 2 or (len(r) == 3 and r[1] == "*")]
    for key, kind in list(detailed.items()):
        path = property_path.parse(key, strict=False)
        shape = tuple("*" if isinstance(e, int) else e for e in path)
        forced = any(property_path.contains(p, path) for p in parameters)
        for rule in rules:
            if shape[: len(rule)] == rule:
                below = len(shape) > len(rule)
                forced = forced or not below or kind == "update"
                if below and kind in ("add", "delete") and len(rule) == 1:
                    detailed.setdefault(diff_key(rule), "update-replace")
        if not forced:
            continue
        if kind == "add" and len(path) == 1:
            before = old.outputs.get(str(path[0]))
            if before is not None and before == new.get(str(path[0])):
                continue
        detailed[key] = f"{kind}-replace"


def _apply_replace_on_changes(detailed: dict[str, Kind], patterns: Iterable[str]) -> None:
    """``applyReplaceOnChanges``: a detailed diff key under a ``replaceOnChanges`` path is
    a replacement."""
    parsed = []
    for text in patterns:
        try:
            parsed.append(property_path.parse(text, strict=False))
        except property_path.PathError:
            continue
    for key, kind in list(detailed.items()):
        path = property_path.parse(key, strict=False)
        if not kind.endswith("-replace") and any(property_path.contains(p, path) for p in parsed):
            detailed[key] = f"{kind}-replace"


def _top_level_changes(
    old: dict[str, Any], new: dict[str, Any]
) -> tuple[list[str], list[str], list[str]]:
    """Top-level keys added, deleted and updated (``getDiffInfo``/``writeShortDiff``)."""
    keys = [k for k in sorted(old.keys() | new.keys()) if not k.startswith("__")]
    added = [k for k in keys if k not in old and k in new]
    deleted = [k for k in keys if k in old and k not in new]
    updated = [
        k
        for k in keys
        if k in old and k in new and (wire.has_unknown(new[k]) or not same_value(old[k], new[k]))
    ]
    return added, deleted, updated


# -- what the provider returns in preview -------------------------------------------------------


def _kind(value: Any) -> str:
    value, _ = wire.unwrap_secret(value)
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string" if isinstance(value, str) else "null"


def preview_outputs(
    inputs: Mapping[str, Any], shape: Mapping[str, Any], resource_type: str = ""
) -> dict[str, Any]:
    """azure-native's ``PreviewOutputs``: each response property takes the input of the same
    name when its kind fits the response's type, recursively into objects and array items; a
    response property without one (or whose input has another shape, like the list of
    identity ids the SDK takes where ARM answers a map) is unknown, and inputs that are not
    response properties (path parameters) are not outputs. ``shape`` is a response of this
    resource (the old outputs, or what Azure returns on create); an input it lacks is echoed
    unless it is one of ``resource_type``'s path parameters (the response schema would list
    it; a response need not carry every property)."""
    outputs = {
        key: _preview_value(inputs[key], known, whole=key in _MAPS)
        if key in inputs
        else wire.UNKNOWN_VALUE
        for key, known in shape.items()
        if not key.startswith("__")
    }
    parameters = set(azure_api().get(resource_type, {}).get("pathParameters", ()))
    for key, given in inputs.items():
        if key not in outputs and key not in parameters and not key.startswith("__"):
            outputs[key] = _preview_value(given, None)
    return outputs


# Response properties that are maps (additionalProperties): echoed whole, not recursed.
_MAPS = frozenset({"tags"})


def _preview_value(given: Any, known: Any, *, whole: bool = False) -> Any:
    inner, secret = wire.unwrap_secret(given)
    shaped, _ = wire.unwrap_secret(known)
    if wire.is_unknown(inner) or (shaped is not None and _kind(shaped) != _kind(inner)):
        return wire.UNKNOWN_VALUE
    value: Any = inner
    if whole:
        pass
    elif isinstance(inner, dict) and isinstance(shaped, dict) and shaped:
        value = preview_outputs(inner, shaped)
    elif isinstance(inner, list) and isinstance(shaped, list) and shaped:
        last = len(shaped) - 1
        value = [_preview_value(item, shaped[min(i, last)]) for i, item in enumerate(inner)]
    return wire.make_secret(value) if secret else value


def update_outputs(
    inputs: Mapping[str, Any], old_outputs: Mapping[str, Any], resource_type: str
) -> dict[str, Any]:
    """The outputs of an update in preview: :func:`preview_outputs`, with ``name`` and
    ``location`` from the old state for azure-native (``provider.go`` ``Update``)."""
    outputs = preview_outputs(inputs, old_outputs, resource_type)
    if resource_type.startswith(AZURE_NATIVE):
        for key in _KEPT_ON_UPDATE:
            if key in old_outputs:
                outputs[key] = old_outputs[key]
    return outputs


# -- what is left over --------------------------------------------------------------------------


def leftover(deployment: Deployment, registered: Iterable[str]) -> list[tuple[OldResource, Step]]:
    """``GenerateDeletes``: every deployed resource the program no longer registers is
    deleted (a read one discarded); a protected one is refused."""
    seen = set(registered)
    steps = []
    for resource in deployment.resources.values():
        if resource.urn in seen:
            continue
        if resource.external:
            steps.append((resource, Step("discard")))
            continue
        refusal = delete_refusal(resource.urn) if resource.protect else None
        steps.append((resource, Step("delete", refusal=refusal)))
    return steps


# -- a deployment from a plan (what `pulumi up` of the plan would have saved) -------------------

CHECKPOINT_VERSION = 3
_PROVIDER_VERSIONS = {"azure-native": "3.0.0", "random": "4.0.0"}


def checkpoint_of(plan: Any, *, show_secrets: bool = True) -> dict[str, Any]:
    """The ``pulumi stack export`` of the stack after ``pulumi up`` of a first-deployment
    ``plan`` (an :class:`~cmkpg.preview.engine.Plan`): what the next run reads with
    ``--from``. Inputs carry what azure-native's Check adds (the generated name, and
    ``__createBeforeDelete`` for a random one); secrets are ``plaintext`` (as with
    ``--show-secrets``) or an opaque ``ciphertext``."""

    def encode(value: Any) -> Any:
        if wire.is_secret(value):
            inner = wire.unwrap(value)
            if show_secrets:
                return {wire.SIG: wire.SECRET_SIG, "plaintext": json.dumps(inner)}
            return {wire.SIG: wire.SECRET_SIG, "ciphertext": "v1:offline:" + "0" * 24}
        if isinstance(value, dict):
            return {k: encode(v) for k, v in value.items()}
        if isinstance(value, list):
            return [encode(v) for v in value]
        return value

    stack_urn = f"urn:pulumi:{plan.stack}::{plan.project}::pulumi:pulumi:Stack::"
    stack_urn += f"{plan.project}-{plan.stack}"
    resources: list[dict[str, Any]] = [
        {
            "urn": stack_urn,
            "custom": False,
            "type": _STACK_TYPE,
            "outputs": encode(_wire_outputs(plan)),
        }
    ]
    providers: dict[str, str] = {}
    for package, version in _PROVIDER_VERSIONS.items():
        urn = f"urn:pulumi:{plan.stack}::{plan.project}::pulumi:providers:{package}::default"
        provider_id = f"00000000-0000-0000-0000-{len(providers) + 1:012d}"
        providers[package] = f"{urn}::{provider_id}"
        resources.append(
            {
                "urn": urn,
                "custom": True,
                "id": provider_id,
                "type": f"pulumi:providers:{package}",
                "inputs": {"version": version},
                "outputs": {"version": version},
            }
        )
    for registration in plan.resources:
        entry: dict[str, Any] = {
            "urn": registration.urn,
            "custom": registration.custom,
            "type": registration.type,
            "parent": registration.parent,
        }
        if registration.custom:
            entry["id"] = registration.id or ""
            entry["outputs"] = encode(registration.wire_outputs)
            package = registration.type.split(":", 1)[0]
            if package in providers:
                entry["provider"] = providers[package]
        if registration.read:
            entry["external"] = True
            entry["inputs"] = {}
        elif registration.custom:
            entry["inputs"] = encode(_checked_inputs(registration))
        for key, value in (
            ("protect", registration.protect),
            ("retainOnDelete", registration.retain_on_delete),
            ("dependencies", registration.dependencies),
            ("propertyDependencies", registration.property_dependencies),
            ("ignoreChanges", registration.ignore_changes),
            ("replaceOnChanges", registration.replace_on_changes),
        ):
            if value:
                entry[key] = value
        if registration.custom and not registration.read:
            trigger = registration.wire_trigger
            if trigger is not None:
                entry["replacementTrigger"] = encode(trigger)
        resources.append(entry)
    return {
        "version": CHECKPOINT_VERSION,
        "deployment": {
            "manifest": {
                "time": "2026-11-28T12:00:00Z",
                "magic": "0" * 64,
                "version": "v3.213.0",
            },
            "secrets_providers": {"type": "passphrase", "state": {"salt": "v1:offline"}},
            "resources": resources,
        },
    }


def _wire_outputs(plan: Any) -> dict[str, Any]:
    secret = set(plan.secret_outputs)
    return {k: wire.make_secret(v) if k in secret else v for k, v in plan.raw_outputs.items()}


def _checked_inputs(registration: Any) -> dict[str, Any]:
    """The inputs as saved after azure-native's Check: a generated name is added."""
    inputs = dict(registration.wire_inputs)
    if not registration.type.startswith(AZURE_NATIVE):
        return inputs
    name = azure_api().get(registration.type, {}).get("name", {}).get("property")
    generated = wire.unwrap(registration.wire_outputs).get("name")
    if name and name not in inputs and generated:
        inputs[name] = generated
        inputs["__createBeforeDelete"] = True
    return inputs


def deployment_of(plan: Any, *, show_secrets: bool = True) -> Deployment:
    """What is deployed after ``pulumi up`` of ``plan``, read back as ``--from`` reads it."""
    return from_checkpoint(checkpoint_of(plan, show_secrets=show_secrets))
