"""Conventions every component shares: type tokens, child options and region checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
from pulumi_azure_native import authorization

PACKAGE = "cmkpg"


def type_token(component: str) -> str:
    """``cmkpg:index:<Component>`` (a rename must ship with an alias)."""
    return f"{PACKAGE}:index:{component}"


def child_options(
    parent: pulumi.Resource,
    *,
    protect: bool = False,
    retain_on_delete: bool = False,
    depends_on: Sequence[pulumi.Resource] = (),
    ignore_changes: Sequence[str] = (),
    replace_on_changes: Sequence[str] = (),
    replacement_trigger: pulumi.Input[object] | None = None,
) -> pulumi.ResourceOptions:
    """Options for a child resource; protect/retain are explicit so a parent's never leak in."""
    return pulumi.ResourceOptions(
        parent=parent,
        protect=protect,
        retain_on_delete=retain_on_delete,
        depends_on=list(depends_on) or None,
        ignore_changes=list(ignore_changes) or None,
        replace_on_changes=list(replace_on_changes) or None,
        replacement_trigger=replacement_trigger,
    )


def after(value: pulumi.Input[Any], *checks: pulumi.Input[Any]) -> pulumi.Output[Any]:
    """``value``, once every check has resolved: whoever uses it waits for the checks, and
    fails with them."""
    return pulumi.Output.all(value, *checks).apply(lambda values: values[0])


def normalize_region(region: str) -> str:
    """``West Europe`` and ``westeurope`` name the same region."""
    return region.replace(" ", "").lower()


def require_region(actual: pulumi.Output[str], expected: str, what: str) -> pulumi.Output[str]:
    """Pass ``actual`` through, failing the deployment if it is not ``expected``.

    Used for existing resources, whose region is only known once they are read. Customer-
    managed keys need the identity, vault, key and cluster in one region.
    """

    def compare(region: str) -> str:
        if normalize_region(region) != normalize_region(expected):
            raise ValueError(
                f"{what} is in region {region!r} but the cluster is in {expected!r}; "
                "customer-managed keys need the identity, vault, key and cluster in one region"
            )
        return region

    return actual.apply(compare)


def field_of(obj: object, name: str) -> object:
    """``obj.name`` for SDK output types, ``obj[camelCase(name)]`` for the plain dicts a
    resource read by id can carry."""
    if obj is None:
        return None
    if hasattr(obj, name):
        return getattr(obj, name)
    if isinstance(obj, Mapping):
        head, *rest = name.split("_")
        camel = head + "".join(part.title() for part in rest)
        return obj.get(camel, obj.get(name))
    return None


def delete_lock(
    name: str, parent: pulumi.Resource, scope: pulumi.Input[str], what: str
) -> pulumi.CustomResource:
    """A ``CanNotDelete`` management lock on ``scope``: Azure itself then refuses deletes,
    whoever asks (portal, CLI, another tool), until the lock is removed."""
    return authorization.ManagementLockByScope(
        name,
        scope=scope,
        level="CanNotDelete",
        notes=f"Protects the {what} of a cluster encrypted with a customer-managed key "
        "(managed by cmkpg).",
        opts=pulumi.ResourceOptions(parent=parent),
    )
