"""Values as the engine passes them: Pulumi's wire format, and the masked form plans print.

The signatures are those of pulumi/pulumi ``sdk/go/common/resource/sig`` (``Key``,
``Secret``, ``ResourceReference``) and the unknown sentinel of
``sdk/go/common/resource/plugin/rpc.go`` (``UnknownStringValue``); a checkpoint
(``pulumi stack export``) uses the same ones (``pkg/resource/stack/deployment.go``).
"""

from __future__ import annotations

from typing import Any

SECRET = "[secret]"
"""How a plan shows a secret value."""
UNKNOWN = "[unknown]"
"""How a plan shows a value known only after the update."""

SIG = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SIG) == SECRET_SIG


def make_secret(value: Any) -> dict[str, Any]:
    return value if is_secret(value) else {SIG: SECRET_SIG, "value": value}


def unwrap_secret(value: Any) -> tuple[Any, bool]:
    """The value inside any secret wrappers, and whether there was one."""
    secret = False
    while is_secret(value):
        value, secret = value.get("value"), True
    return value, secret


def is_unknown(value: Any) -> bool:
    return value == UNKNOWN_VALUE


def has_unknown(value: Any) -> bool:
    """An unknown anywhere inside ``value`` (secrets looked through)."""
    value, _ = unwrap_secret(value)
    if isinstance(value, dict):
        return any(has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(has_unknown(v) for v in value)
    return is_unknown(value)


def integral(value: Any) -> Any:
    # The wire has only doubles; ARM bodies carry integers.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def mask(value: Any) -> Any:
    """Wire value -> plain JSON with secrets as ``"[secret]"`` and unknowns as
    ``"[unknown]"``."""
    if isinstance(value, dict):
        sig = value.get(SIG)
        if sig == SECRET_SIG:
            return SECRET
        if sig == RESOURCE_SIG:
            return value.get("urn")
        return {k: mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) for v in value]
    if is_unknown(value):
        return UNKNOWN
    return integral(value)


def unwrap(value: Any) -> Any:
    """Wire value -> plain JSON with secrets in clear (unknowns stay the sentinel)."""
    if isinstance(value, dict):
        if value.get(SIG) == SECRET_SIG:
            return unwrap(value.get("value"))
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return integral(value)


def contains_secret(value: Any) -> bool:
    """A secret anywhere inside a wire or masked value."""
    if value == SECRET or is_secret(value):
        return True
    if isinstance(value, dict):
        return any(contains_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_secret(v) for v in value)
    return False
