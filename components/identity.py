"""CmkIdentity: the user-assigned managed identity the cluster uses to reach its key."""

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import managedidentity

from .base import after, child_options, require_region, resolve_protect, type_token
from .regions import location_problems
from .resource_ids import USER_ASSIGNED_IDENTITY, arm_id_rule
from .validation import Problem, check, matches, raise_if

IDENTITY_NAME = matches(
    r"[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}",
    "use 3-128 letters, digits, hyphens or underscores, starting with a letter or digit",
)


existing_identity_id = arm_id_rule(USER_ASSIGNED_IDENTITY)


@dataclass(frozen=True, kw_only=True)
class IdentityOptions:
    """What a stack chooses about the identity (the stack config's ``identity.*``)."""

    name: str | None = None
    """Physical name. Default: None, autonamed (``<component name>-identity`` plus 8 random
    characters). Changing it replaces the identity."""

    existing_id: str | None = None
    """Use this existing user-assigned identity (its ARM id) instead of creating one.
    Default: None (create). It is read, never modified; its region must be ``location``."""

    def problems(self) -> list[Problem]:
        problems: list[Problem] = []
        if self.name is not None:
            problems += check("name", self.name, IDENTITY_NAME)
        if self.existing_id is not None:
            problems += check("existing_id", self.existing_id, existing_identity_id)
            if self.name is not None:
                problems.append(
                    Problem(
                        "name",
                        "is set together with {other}; use one",
                        self.name,
                        refs={"other": "existing_id"},
                    )
                )
        return problems


@dataclass(frozen=True, kw_only=True)
class CmkIdentityArgs(IdentityOptions):
    """Arguments of :class:`CmkIdentity`: the :class:`IdentityOptions` plus where it lives."""

    location: str
    """Region of the identity; must be the cluster's region. Changing it replaces the
    identity."""

    resource_group_name: pulumi.Input[str] | None = None
    """Resource group of a new identity. Required unless ``existing_id`` is given."""

    protect: bool | None = None
    """Protect the identity and retain it in Azure if it leaves the stack. Default: None,
    which means ``opts.protect`` when given, else True. Deleting it removes the cluster's
    access to its key. Ignored for an existing identity, which is only read."""

    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of a new identity. Default: none."""

    def problems(self) -> list[Problem]:
        problems = location_problems("location", self.location) + super().problems()
        if self.existing_id is not None and self.resource_group_name is not None:
            problems.append(
                Problem(
                    "resource_group_name",
                    "is given, but {existing} names the identity and its group; remove it",
                    refs={"existing": "existing_id"},
                )
            )
        if self.existing_id is None and self.resource_group_name is None:
            problems.append(Problem("resource_group_name", "is required to create an identity"))
        return problems

    def __post_init__(self) -> None:
        raise_if(self.problems(), type(self).__name__)


class CmkIdentity(pulumi.ComponentResource):
    """A user-assigned managed identity (the only kind Cosmos DB for PostgreSQL accepts for
    customer-managed keys), created or read from an existing id.

    A created identity is protected and retained on delete (unless ``protect`` is false):
    deleting it makes every cluster that uses it lose its key.
    """

    identity_id: pulumi.Output[str]
    """ARM id of the identity."""
    name: pulumi.Output[str]
    """Name of the identity."""
    principal_id: pulumi.Output[str]
    """Object id of its service principal: the grantee of the vault's key permissions."""
    client_id: pulumi.Output[str]
    """Client (application) id of the identity."""
    tenant_id: pulumi.Output[str]
    """Entra tenant of the identity."""
    location: pulumi.Output[str]
    """The region the identity was asked to be in (checked for an existing one)."""

    def __init__(
        self, name: str, args: CmkIdentityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        protect = resolve_protect(args.protect, opts, type(args).__name__)
        super().__init__(type_token("CmkIdentity"), name, None, opts)
        if args.existing_id:
            identity = managedidentity.UserAssignedIdentity.get(
                f"{name}-identity", args.existing_id, opts=pulumi.ResourceOptions(parent=self)
            )
            location = require_region(identity.location, args.location, "the identity")
            # Gate the principal id on the region check so nothing is granted to an
            # identity in the wrong region.
            principal_id = after(identity.principal_id, location)
        else:
            identity = managedidentity.UserAssignedIdentity(
                f"{name}-identity",
                resource_name_=args.name,
                resource_group_name=args.resource_group_name,
                location=args.location,
                tags=dict(args.tags) or None,
                opts=child_options(self, protect=protect, retain_on_delete=protect),
            )
            principal_id = identity.principal_id

        self.identity_id = identity.id
        self.name = identity.name
        self.principal_id = principal_id
        self.client_id = identity.client_id
        self.tenant_id = identity.tenant_id
        self.location = pulumi.Output.from_input(args.location)
        self.register_outputs(
            {
                "identity_id": self.identity_id,
                "name": self.name,
                "principal_id": self.principal_id,
                "client_id": self.client_id,
                "tenant_id": self.tenant_id,
                "location": self.location,
            }
        )
