"""Facts about Azure resource types that the offline preview needs at run time.

They are read from the vendored REST API specs by ``python -m tools.azure_api`` into
``azure_api.json`` (the specs do not ship with the package; this JSON does): per Pulumi type,
the name parameter's rules, the create-only inputs, the path parameters, and how its body is
shaped.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

AZURE_API = Path(__file__).resolve().parent / "azure_api.json"


@cache
def azure_api() -> dict[str, Any]:
    """Per Pulumi type: the facts ``tools/azure_api.py`` extracts (see its docstring)."""
    return json.loads(AZURE_API.read_text())


def name_rule(resource_type: str) -> tuple[str, dict[str, Any]] | None:
    """The name parameter (property, its spec rules) the provider checks for a type."""
    rule = azure_api().get(resource_type, {}).get("name")
    if rule is None:
        return None
    return rule["property"], rule
