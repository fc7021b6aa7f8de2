"""Keep ``Pulumi.yaml`` and the README's config table in step with the settings declared in
``components/config/declarations.py``.

    python -m tools.project_file          # exit 1 if either is out of date
    python -m tools.project_file --write  # rewrite both

Each setting is declared once, with its default read from the option class that owns it.
``Pulumi.yaml`` gives the Pulumi CLI the type and default of each key (a dotted key is a
path into an object); the README table shows the same to people.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from cmkpg.config.declarations import SETTINGS
from cmkpg.config.settings import NAMESPACE

ROOT = Path(__file__).resolve().parent.parent
PATH = ROOT / "Pulumi.yaml"
README = ROOT / "README.md"
TABLE_START = "<!-- config-table:start"
TABLE_END = "<!-- config-table:end -->"
HEADER = (
    "# Generated from components/config/declarations.py by `python -m tools.project_file\n"
    "# --write`; edit the declarations there. A dotted key is a path into an object:\n"
    "# `pulumi config set --path key.size 4096` writes `cmkpg:key: {size: 4096}`.\n"
    "# Keys set with --secret (clusterAdminPassword, alertWebhooks) are not declared\n"
    "# `secret: true`: the CLI would then refuse their empty default, which it writes in\n"
    "# plain text; the program refuses them in plain text instead.\n"
)
# The CLI needs `type: object` (3.187.0) and fixed validation of dotted keys (3.213.0).
MINIMUM_CLI = "3.213.0"


def declarations() -> dict[str, Any]:
    config: dict[str, Any] = {}
    for setting in SETTINGS:
        declaration: dict[str, Any] = {"type": setting.type}
        if setting.type == "array":
            declaration["items"] = {"type": "string"}
        declaration["description"] = setting.description
        if not setting.required:
            declaration["default"] = setting.default
        config[setting.path] = declaration
    return config


def render() -> str:
    document = {
        "name": NAMESPACE,
        "description": "Azure Cosmos DB for PostgreSQL encrypted with a customer-managed key "
        "held in Azure Key Vault",
        "runtime": {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}},
        "config": declarations(),
    }
    return HEADER + yaml.safe_dump(document, sort_keys=False, width=100)


def describe_keys() -> str:
    """The README's config table: key, type, default, meaning."""
    rows = ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    for setting in SETTINGS:
        if setting.required:
            default = "required"
        elif setting.default in ("", [], {}):
            default = "—"
        else:
            default = f"`{json.dumps(setting.default)}`"
        kind = "array of strings" if setting.type == "array" else setting.type
        if setting.secret:
            kind += ", secret"
        rows.append(f"| `{setting.path}` | {kind} | {default} | {setting.description} |")
    return "\n".join(rows)


def render_readme(text: str) -> str:
    """``text`` with the block between the config-table markers replaced by the table."""
    start = text.index(TABLE_START)
    start = text.index("\n", start) + 1
    end = text.index(TABLE_END)
    return text[:start] + describe_keys() + "\n" + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite Pulumi.yaml and README")
    args = parser.parse_args(argv)
    files = {PATH: render(), README: render_readme(README.read_text())}
    stale = [path.name for path, text in files.items() if path.read_text() != text]
    if args.write:
        for path, text in files.items():
            path.write_text(text)
        return 0
    if stale:
        print(
            f"out of date: {', '.join(stale)}; run python -m tools.project_file --write",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
