"""Conventions every component shares: type tokens, child options and region checks."""

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
from pulumi_azure_native import authorization

from .regions import normalize_region
from .validation import Problem, raise_if

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
    delete_before_replace: bool | None = None,
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
        delete_before_replace=delete_before_replace,
    )


def after(value: pulumi.Input[Any], *checks: pulumi.Input[Any]) -> pulumi.Output[Any]:
    """``value``, once every check has resolved: whoever uses it waits for the checks, and
    fails with them."""
    return pulumi.Output.all(value, *checks).apply(lambda values: values[0])


def resolve_protect(protect: bool | None, opts: pulumi.ResourceOptions | None, owner: str) -> bool:
    """Whether a component protects (and retains) what it creates: its args' ``protect``, or
    else ``opts.protect``, or else True. Both given and different is refused rather than one
    silently winning."""
    from_opts = opts.protect if opts is not None else None
    if protect is not None and from_opts is not None and protect != from_opts:
        raise_if(
            [
                Problem(
                    "protect",
                    f"differs from opts.protect {str(from_opts).lower()}; give one of them",
                    protect,
                )
            ],
            owner,
        )
    if protect is not None:
        return protect
    return True if from_opts is None else from_opts


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
        notes=f"Guards this {what} against deletion (managed by cmkpg).",
        # Never protected itself, however the parent was protected: removing the lock is how
        # its owner lets a deliberate delete through.
        opts=child_options(parent),
    )
