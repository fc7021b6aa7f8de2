"""CmkIdentity: the user-assigned managed identity the cluster uses to reach its key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import managedidentity

from .base import after, child_options, require_region, type_token
from .resource_ids import USER_ASSIGNED_IDENTITY, arm_id_rule
from .validation import check, matches, raise_if

IDENTITY_NAME = matches(
    r"[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}",
    "use 3-128 letters, digits, hyphens or underscores, starting with a letter or digit",
)


existing_identity_id = arm_id_rule(USER_ASSIGNED_IDENTITY)


@dataclass(frozen=True)
class CmkIdentityArgs:
    """Arguments of :class:`CmkIdentity`."""

    location: str
    """Region of the identity; must be the cluster's region. Changing it replaces the identity."""

    resource_group_name: pulumi.Input[str] | None = None
    """Resource group of a new identity. Required unless ``existing_id`` is given."""

    name: str | None = None
    """Physical name. Default: autonamed (``<component name>-identity`` plus 8 random
    characters). Changing it replaces the identity."""

    existing_id: str | None = None
    """Use this existing user-assigned identity (its ARM id) instead of creating one.
    Default: None (create). It is read, never modified; its region must be ``location``."""

    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of a new identity. Default: none."""

    def __post_init__(self) -> None:
        problems: list[str] = []
        if self.name is not None:
            problems += check("CmkIdentityArgs.name", self.name, IDENTITY_NAME)
        if self.existing_id is not None:
            problems += check("CmkIdentityArgs.existing_id", self.existing_id, existing_identity_id)
            if self.name is not None:
                problems.append("CmkIdentityArgs.name: set together with existing_id; use one")
        elif self.resource_group_name is None:
            problems.append("CmkIdentityArgs.resource_group_name: required to create an identity")
        raise_if(problems)


class CmkIdentity(pulumi.ComponentResource):
    """A user-assigned managed identity (the only kind Cosmos DB for PostgreSQL accepts for
    customer-managed keys), created or read from an existing id."""

    id: pulumi.Output[str]
    """ARM id of the identity."""
    name: pulumi.Output[str]
    principal_id: pulumi.Output[str]
    """Object id of its service principal: the grantee of the vault access policy."""
    client_id: pulumi.Output[str]
    tenant_id: pulumi.Output[str]
    location: str
    """The region the identity was asked to be in (checked for an existing one)."""

    def __init__(
        self, name: str, args: CmkIdentityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
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
                opts=child_options(self),
            )
            principal_id = identity.principal_id

        self.location = args.location
        self.id = identity.id
        self.name = identity.name
        self.principal_id = principal_id
        self.client_id = identity.client_id
        self.tenant_id = identity.tenant_id
        self.register_outputs(
            {
                "id": self.id,
                "name": self.name,
                "principal_id": self.principal_id,
                "client_id": self.client_id,
                "tenant_id": self.tenant_id,
            }
        )
