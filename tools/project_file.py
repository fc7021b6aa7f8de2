"""Keep ``Pulumi.yaml`` and the README's config table in step with the config keys declared
in ``components/settings.py``.

    python -m tools.project_file          # exit 1 if either is out of date
    python -m tools.project_file --write  # rewrite both

The Pulumi CLI enforces the declared types and fills in the defaults; the program applies
the same declarations when a key is missing (offline preview, tests). One source for both.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from cmkpg.settings import KEYS, NAMESPACE, describe_keys

ROOT = Path(__file__).resolve().parent.parent
PATH = ROOT / "Pulumi.yaml"
README = ROOT / "README.md"
TABLE_START = "<!-- config-table:start"
TABLE_END = "<!-- config-table:end -->"
HEADER = (
    "# Generated from components/settings.py by `python -m tools.project_file --write`;\n"
    "# edit the declarations there. Config keys are flat: `pulumi config set key.size 4096`.\n"
)


def render() -> str:
    config: dict[str, Any] = {}
    for key in KEYS:
        declaration: dict[str, Any] = {"type": key.type}
        if key.type == "array":
            declaration["items"] = {"type": "string"}
        declaration["description"] = key.description
        if not key.required:
            declaration["default"] = key.default
        config[key.name] = declaration
    document = {
        "name": NAMESPACE,
        "description": "Azure Cosmos DB for PostgreSQL encrypted with a customer-managed key "
        "held in Azure Key Vault",
        "runtime": {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}},
        "config": config,
    }
    return HEADER + yaml.safe_dump(document, sort_keys=False, width=100)


def render_readme(text: str) -> str:
    """``text`` with the block between the config-table markers replaced by the table."""
    start = text.index(TABLE_START)
    start = text.index("\n", start) + 1
    end = text.index(TABLE_END)
    return text[:start] + describe_keys() + "\n" + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite Pulumi.yaml")
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
