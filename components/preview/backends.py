"""How each state backend resolves a ``pulumi.StackReference`` name.

A stack reference is read during preview (the SDK registers it as a read; the builtin
provider's ``readStackReference`` asks the backend), so a name the backend rejects fails the
preview. Ported in behaviour from pulumi/pulumi:

* DIY, legacy layout (``.pulumi/meta.yaml`` missing with stacks already there, or version 0):
  ``pkg/backend/diy/store.go`` ``legacyReferenceStore.ParseReference``: the whole string is
  a stack name (``tokens.ParseStackName``), so ``organization/cmkpg/dev`` is refused;
* DIY, project layout (version 1, what a new state store gets):
  ``projectReferenceStore.ParseReference``: ``stack``, ``organization/stack`` or
  ``organization/project/stack``, the organization literally ``organization``, a missing
  project taken from the current one;
* Pulumi Cloud: ``pkg/backend/httpstate/backend.go`` ``parseStackName``: one to three parts;
  a missing owner is the user's default organization, a missing project the current one.

Names are checked by ``sdk/go/common/tokens/stack_name.go`` ``ParseStackName`` and
``tokens/project.go`` ``ValidateProjectName``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from . import gofmt

Backend = Literal["cloud", "diy", "diy-legacy"]
BACKENDS: tuple[Backend, ...] = ("cloud", "diy", "diy-legacy")
DIY_ORGANIZATION = "organization"

_ALLOWED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_NAME = re.compile(r"[A-Za-z0-9_.-]+")


class ReferenceError(ValueError):
    """The backend rejects the reference; the message is upstream's."""


@dataclass(frozen=True)
class StackReference:
    organization: str
    project: str
    stack: str


def parse_stack_name(text: str) -> str:
    """``tokens.ParseStackName``; lengths and positions count UTF-8 bytes, as Go's do."""
    data = text.encode()
    if not data:
        raise ReferenceError("a stack name may not be empty")
    if len(data) > 100:
        raise ReferenceError("a stack name cannot exceed 100 characters")
    bad = next((i for i, byte in enumerate(data) if byte not in _ALLOWED), None)
    if bad is not None:
        raise ReferenceError(
            "a stack name may only contain alphanumeric, hyphens, underscores, or periods: "
            f"invalid character {gofmt.quote_rune(data[bad])} at position {bad}"
        )
    return text


def validate_project_name(text: str) -> None:
    """``tokens.ValidateProjectName``."""
    if text == "":
        raise ReferenceError("project names may not be empty")
    if len(text.encode()) > 100:
        raise ReferenceError("project names are limited to 100 characters")
    if not _NAME.fullmatch(text):
        raise ReferenceError(
            "project names may only contain alphanumerics, hyphens, underscores, and periods"
        )


def parse_reference(
    backend: Backend, reference: str, *, project: str | None, organization: str
) -> StackReference:
    """The stack ``reference`` names on ``backend``, seen from ``project`` (None: no
    ``Pulumi.yaml``) by a user whose default organization is ``organization``."""
    if backend == "diy-legacy":
        # No project scoping: .pulumi/stacks/<name>.json, whichever project wrote it.
        return StackReference(DIY_ORGANIZATION, project or "", parse_stack_name(reference))
    if backend == "diy":
        if reference == "":
            raise ReferenceError("stack name must not be empty")
        parts = reference.split("/")
        org = proj = name = ""  # four parts or more leave the name empty
        if len(parts) == 1:
            name = parts[0]
        elif len(parts) == 2:
            org, name = parts
        elif len(parts) == 3:
            org, proj, name = parts
        org = org or DIY_ORGANIZATION
        if org != DIY_ORGANIZATION:
            raise ReferenceError("organization name must be 'organization'")
        if not proj:
            if project is None:
                raise ReferenceError(
                    "no Pulumi.yaml project file found; either run this command from a "
                    "directory containing a Pulumi project, or pass the fully qualified stack "
                    "name (organization/project/stack)"
                )
            proj = project
        validate_project_name(proj)
        return StackReference(org, proj, parse_stack_name(name))
    # cloudBackend.ParseStackReference over parseStackName.
    parts = reference.split("/")
    if len(parts) > 3:
        raise ReferenceError(f"could not parse stack name '{reference}'")
    name = parts[-1]
    owner = (parts[0] if len(parts) >= 2 else "") or organization
    proj = parts[1] if len(parts) == 3 else ""
    if not proj:
        if project is None:
            raise ReferenceError(
                "no Pulumi.yaml project file found; either run this command from a directory "
                "containing a Pulumi project, or pass the fully qualified stack name "
                "(org/project/stack)"
            )
        proj = project
    return StackReference(owner, proj, parse_stack_name(name))
