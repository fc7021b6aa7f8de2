"""What the engine would do between two plans of the same stack: create, same, update,
replace or delete, and whether protection refuses it.

It applies the engine's rules to the recorded registrations: ``ignoreChanges`` first (the
old value is kept, or the property dropped when it had none), then a diff of the inputs, then
replacement when a changed path falls under ``replaceOnChanges``, when the
``replacementTrigger`` value changed, or when a property the provider cannot update in place
changed (region, resource group, the resource's own name). Replacing or deleting a
protected resource is refused, as ``pulumi up`` refuses it. Secrets are compared in their
masked form, so a changed secret is not seen; nothing here needs one.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal

from .engine import Plan, Registration

ChangeKind = Literal["create", "same", "update", "replace", "delete"]

# Inputs azure-native cannot change in place: they are part of the resource id.
_FORCE_NEW = {"location", "resourceGroupName"}
_NAME_INPUTS = {
    "azure-native:resources:ResourceGroup": "resourceGroupName",
    "azure-native:managedidentity:UserAssignedIdentity": "resourceName",
    "azure-native:keyvault:Vault": "vaultName",
    "azure-native:keyvault:Key": "keyName",
    "azure-native:dbforpostgresql:ServerGroupCluster": "clusterName",
}


@dataclass(frozen=True)
class Change:
    urn: str
    kind: ChangeKind
    paths: tuple[str, ...] = ()
    """Input paths that differ after ``ignoreChanges``."""
    refused: bool = False
    """True when protection makes the engine stop instead."""
    reason: str = ""


def diff_plans(before: Plan, after: Plan) -> dict[str, Change]:
    """One :class:`Change` per custom resource in either plan, keyed by URN."""
    old = {r.urn: r for r in before.resources if r.custom}
    new = {r.urn: r for r in after.resources if r.custom}
    changes: dict[str, Change] = {}
    for urn in old.keys() - new.keys():
        protected = old[urn].protect
        changes[urn] = Change(
            urn, "delete", refused=protected, reason="protected" if protected else ""
        )
    for urn in new.keys() - old.keys():
        changes[urn] = Change(urn, "create")
    for urn in old.keys() & new.keys():
        changes[urn] = diff_resource(old[urn], new[urn])
    return changes


def diff_resource(old: Registration, new: Registration) -> Change:
    if old.read or new.read:
        same = old.read == new.read and old.id == new.id
        return Change(new.urn, "same" if same else "replace")
    inputs = copy.deepcopy(new.inputs)
    for path in new.ignore_changes:
        _keep_old(inputs, old.inputs, path.split("."))
    paths = tuple(sorted(_changed_paths(old.inputs, inputs)))
    reason = ""
    if old.replacement_trigger != new.replacement_trigger:
        reason = "replacementTrigger changed"
    elif forced := [p for p in paths if _forces_replacement(new, p)]:
        reason = f"{forced[0]} cannot change in place"
    if reason:
        return Change(new.urn, "replace", paths, refused=old.protect, reason=reason)
    return Change(new.urn, "update" if paths else "same", paths)


def _forces_replacement(resource: Registration, path: str) -> bool:
    top = path.split(".", 1)[0]
    if top in _FORCE_NEW or top == _NAME_INPUTS.get(resource.type):
        return True
    return any(
        path == rule or path.startswith(rule + ".") or rule.startswith(path + ".")
        for rule in resource.replace_on_changes
    )


def _keep_old(new: dict[str, Any], old: dict[str, Any], path: list[str]) -> None:
    head, *rest = path
    if not rest:
        if head in old:
            new[head] = copy.deepcopy(old[head])
        else:
            new.pop(head, None)
        return
    if isinstance(new.get(head), dict) and isinstance(old.get(head), dict):
        _keep_old(new[head], old[head], rest)
    elif isinstance(new.get(head), dict):
        _keep_old(new[head], {}, rest)


def _changed_paths(old: Any, new: Any, prefix: str = "") -> list[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for key in old.keys() | new.keys():
            path = f"{prefix}.{key}" if prefix else key
            if key not in old or key not in new:
                out.append(path)
            else:
                out += _changed_paths(old[key], new[key], path)
        return out
    return [] if old == new else [prefix]
