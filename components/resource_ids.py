"""Parsing of Azure Resource Manager ids and Key Vault key URIs.

Brownfield inputs (an existing identity, vault, key or source cluster) arrive as strings;
these parsers turn them into typed values or explain, in one sentence, what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_ARM_ID = re.compile(
    rf"^/subscriptions/(?P<sub>{_GUID})/resourceGroups/(?P<rg>[-\w.()]{{1,90}})"
    r"/providers/(?P<ns>[A-Za-z][A-Za-z0-9.]*)/(?P<rest>[^?#]+?)/?$",
    re.IGNORECASE,
)

# Resource types the library accepts by id.
USER_ASSIGNED_IDENTITY = "Microsoft.ManagedIdentity/userAssignedIdentities"
KEY_VAULT = "Microsoft.KeyVault/vaults"
KEY_VAULT_KEY = "Microsoft.KeyVault/vaults/keys"
COSMOS_PG_CLUSTER = "Microsoft.DBforPostgreSQL/serverGroupsv2"
LOG_ANALYTICS_WORKSPACE = "Microsoft.OperationalInsights/workspaces"

# Example ids used in error messages: placeholders, never a real subscription.
_EXAMPLE_SUB = "00000000-0000-0000-0000-000000000000"
EXAMPLES = {
    USER_ASSIGNED_IDENTITY: f"/subscriptions/{_EXAMPLE_SUB}/resourceGroups/rg/providers/"
    "Microsoft.ManagedIdentity/userAssignedIdentities/my-identity",
    KEY_VAULT: f"/subscriptions/{_EXAMPLE_SUB}/resourceGroups/rg/providers/"
    "Microsoft.KeyVault/vaults/my-vault",
    KEY_VAULT_KEY: f"/subscriptions/{_EXAMPLE_SUB}/resourceGroups/rg/providers/"
    "Microsoft.KeyVault/vaults/my-vault/keys/my-key",
    COSMOS_PG_CLUSTER: f"/subscriptions/{_EXAMPLE_SUB}/resourceGroups/rg/providers/"
    "Microsoft.DBforPostgreSQL/serverGroupsv2/my-cluster",
    LOG_ANALYTICS_WORKSPACE: f"/subscriptions/{_EXAMPLE_SUB}/resourceGroups/rg/providers/"
    "Microsoft.OperationalInsights/workspaces/my-workspace",
}


@dataclass(frozen=True)
class ArmId:
    """A parsed resource id such as ``/subscriptions/<s>/resourceGroups/<g>/providers/<ns>/...``."""

    subscription_id: str
    resource_group: str
    namespace: str
    types: tuple[str, ...]
    names: tuple[str, ...]

    @property
    def resource_type(self) -> str:
        """E.g. ``Microsoft.KeyVault/vaults/keys``."""
        return "/".join((self.namespace, *self.types))

    @property
    def name(self) -> str:
        return self.names[-1]

    def parent(self) -> ArmId:
        """The id one level up (a key's vault); raises ValueError for a top-level resource."""
        if len(self.types) < 2:
            raise ValueError(f"{self} has no parent resource")
        return ArmId(
            self.subscription_id,
            self.resource_group,
            self.namespace,
            self.types[:-1],
            self.names[:-1],
        )

    def __str__(self) -> str:
        pairs = "/".join(f"{t}/{n}" for t, n in zip(self.types, self.names, strict=True))
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/{self.namespace}/{pairs}"
        )


def parse_arm_id(value: object, expected_type: str) -> ArmId:
    """Parse ``value`` as an id of ``expected_type`` (compared case-insensitively, as ARM does).

    Raises ValueError whose message completes "<field>: <value> ...".
    """
    example = EXAMPLES.get(expected_type, "")
    if not isinstance(value, str) or not (match := _ARM_ID.match(value)):
        _fail(f"is not a resource id; use the form {example}")
    segments = match["rest"].split("/")
    if len(segments) % 2:
        _fail(f"is not a resource id; use the form {example}")
    parsed = ArmId(
        subscription_id=match["sub"].lower(),
        resource_group=match["rg"],
        namespace=match["ns"],
        types=tuple(segments[0::2]),
        names=tuple(segments[1::2]),
    )
    if parsed.resource_type.lower() != expected_type.lower():
        _fail(f"is a {parsed.resource_type} id; use a {expected_type} id like {example}")
    return parsed


@dataclass(frozen=True)
class KeyUri:
    """``https://<vault>.<vault dns suffix>/keys/<name>[/<version>]``."""

    vault_name: str
    dns_suffix: str
    key_name: str
    version: str | None

    @property
    def versionless(self) -> str:
        return f"https://{self.vault_name}.{self.dns_suffix}/keys/{self.key_name}"

    def __str__(self) -> str:
        return self.versionless + (f"/{self.version}" if self.version else "")


_KEY_URI = re.compile(
    r"^https://(?P<vault>[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9])\.(?P<suffix>vault\.[a-z0-9.-]+)"
    r"/keys/(?P<key>[a-zA-Z0-9-]{1,127})(?:/(?P<version>[0-9a-fA-F]{32}))?/?$"
)


def parse_key_uri(value: object, *, require_version: bool = False) -> KeyUri:
    """Parse a Key Vault key URI; raises ValueError with a complaint like :func:`parse_arm_id`."""
    example = "https://my-vault.vault.azure.net/keys/my-key/0123456789abcdef0123456789abcdef"
    if not isinstance(value, str) or not (match := _KEY_URI.match(value)):
        _fail(f"is not a Key Vault key URI; use the form {example}")
    if require_version and not match["version"]:
        _fail(f"has no key version; use a versioned key URI like {example}")
    return KeyUri(match["vault"].lower(), match["suffix"], match["key"], match["version"])


def arm_id_rule(resource_type: str) -> Callable[[object], str | None]:
    """A validation rule (see ``components.validation``): None for a well-formed id of
    ``resource_type``, else what is wrong with it."""

    def rule(value: object) -> str | None:
        try:
            parse_arm_id(value, resource_type)
        except ValueError as err:
            return str(err)
        return None

    return rule


def _fail(complaint: str) -> NoReturn:
    raise ValueError(complaint)
