"""``make scan``: every shipped stack, planned offline, turned into ARM templates and scanned
with checkov; any failed check outside :data:`FINDINGS` fails the run.

    python -m tools.scan --checkov .venv-scan/bin/checkov     # scan (exit 1 on a new finding)
    python -m tools.scan --readme                             # print the README table

checkov lives in its own virtualenv (``requirements-scan.txt``), so ``make test`` stays light;
it runs with ``--skip-download`` (no network). Azure Policy built-ins cannot run offline;
the ones that still fail on these stacks, by reading their definitions against the planned
bodies, are listed here too, so the README's table has one source.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cmkpg.preview.cli import plan_stack, stack_name
from tools.arm_template import to_template

ROOT = Path(__file__).resolve().parent.parent
HOW_TO = "https://learn.microsoft.com/azure/cosmos-db/postgresql/how-to-customer-managed-keys"
PUBLIC_ACCESS = '"Your Azure Key Vault instance must allow public access from all networks."'


@dataclass(frozen=True)
class Finding:
    """A check that fails on the shipped stacks, and why it is accepted."""

    scanner: str
    """``checkov`` (run by ``make scan``) or ``Azure Policy`` (read, not run)."""
    id: str
    title: str
    required: bool
    """True when the service requires what the check flags."""
    reason: str
    source: str


FINDINGS: tuple[Finding, ...] = (
    Finding(
        "checkov",
        "CKV_AZURE_109",
        "Ensure that key vault allows firewall rules settings",
        True,
        f"The vault cannot deny by default: {PUBLIC_ACCESS}",
        HOW_TO,
    ),
    Finding(
        "checkov",
        "CKV_AZURE_189",
        "Ensure that Azure Key Vault disables public network access",
        True,
        f"Public network access must stay enabled: {PUBLIC_ACCESS}",
        HOW_TO,
    ),
    Finding(
        "Azure Policy",
        "405c5871-3e91-4644-8a63-58e19d68ff5b",
        "Azure Key Vault should disable public network access",
        True,
        f"As CKV_AZURE_189: {PUBLIC_ACCESS}",
        HOW_TO,
    ),
    Finding(
        "Azure Policy",
        "55615ac9-af46-4a59-874e-391cc3dfb490",
        "Azure Key Vault should have firewall enabled or public network access disabled",
        True,
        f"As CKV_AZURE_109: {PUBLIC_ACCESS}",
        HOW_TO,
    ),
    Finding(
        "Azure Policy",
        "12d4fa5e-1f9f-4c21-97a9-b99b3c6611b5",
        "Azure Key Vault should use RBAC permission model",
        True,
        'The how-to grants "Get, Unwrap Key, and Wrap Key" through an access policy, with '
        '"Vault access policy" selected under Permission model; it documents no RBAC model '
        "for Cosmos DB for PostgreSQL",
        HOW_TO,
    ),
    Finding(
        "Azure Policy",
        "a6abeaec-4d90-4a02-805f-6b26c4d3fbe9",
        "Azure Key Vaults should use private link",
        False,
        "Not required by the service, and of no use to it: the cluster reaches the vault "
        f"over its public endpoint ({PUBLIC_ACCESS}). A private endpoint for other clients "
        "needs a virtual network this stack does not own",
        HOW_TO,
    ),
    Finding(
        "Azure Policy",
        "6c53d030-cc64-46f0-906d-2bc061cd1334",
        "Log Analytics workspaces should block log ingestion and querying from public networks",
        False,
        "Not required by the service: a workspace closed to public networks can only be "
        "queried through an Azure Monitor Private Link Scope, which this stack does not "
        "create. Give a hardened workspace with monitoring.logAnalyticsWorkspaceId instead",
        "https://learn.microsoft.com/azure/azure-monitor/logs/private-link-security",
    ),
)
ACCEPTED = {f.id for f in FINDINGS if f.scanner == "checkov"}


def shipped_stacks() -> Iterator[tuple[Path, str]]:
    """(project directory, stack) of every stack file in the repository."""
    for project in (ROOT, *sorted(p.parent for p in ROOT.glob("examples/*/Pulumi.yaml"))):
        for stack_file in sorted(project.glob("Pulumi.*.yaml")):
            yield project, stack_name(stack_file)


def write_templates(directory: Path) -> list[Path]:
    written = []
    for project, stack in shipped_stacks():
        plan = plan_stack(stack, project_dir=project)
        label = stack if project == ROOT else f"{project.name}.{stack}"
        path = directory / f"{label}.json"
        path.write_text(json.dumps(to_template(plan), indent=2))
        written.append(path)
    return written


def run_checkov(checkov: str, directory: Path) -> list[dict[str, str]]:
    """Failed checks as (check, resource, file); checkov's exit code says only that some
    check failed, so the JSON decides."""
    result = subprocess.run(
        [checkov, "-d", str(directory), "--framework", "arm", "-o", "json", "--skip-download"],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit("checkov did not produce a JSON report") from None
    if report.get("summary", {}).get("parsing_errors"):
        raise SystemExit(f"checkov could not parse a template: {report['summary']}")
    failed = report.get("results", {}).get("failed_checks", [])
    passed = report.get("results", {}).get("passed_checks", [])
    print(
        f"checkov {report['summary'].get('checkov_version')}: {len(passed)} passed, "
        f"{len(failed)} failed"
    )
    return [
        {"check": c["check_id"], "resource": c["resource"], "file": c["file_path"].lstrip("/")}
        for c in failed
    ]


def readme_table() -> str:
    lines = [
        "| Scanner | Check | Title | Required by the service | Why it fails |",
        "| --- | --- | --- | --- | --- |",
    ]
    for f in FINDINGS:
        required = "yes" if f.required else "no"
        why = f"{f.reason} ([source]({f.source}))"
        lines.append(f"| {f.scanner} | `{f.id}` | {f.title} | {required} | {why} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkov", help="the checkov executable")
    parser.add_argument("--readme", action="store_true", help="print the README table")
    args = parser.parse_args(argv)
    if args.readme:
        print(readme_table())
        return 0
    if not args.checkov:
        parser.error("--checkov is required to scan")
    with tempfile.TemporaryDirectory(prefix="cmkpg-scan-") as tmp:
        templates = write_templates(Path(tmp))
        print(f"scanned {len(templates)} stacks: {', '.join(p.stem for p in templates)}")
        failed = run_checkov(args.checkov, Path(tmp))
    unexpected = [f for f in failed if f["check"] not in ACCEPTED]
    for finding in failed:
        mark = "accepted" if finding["check"] in ACCEPTED else "NEW"
        print(f"  {mark:8}  {finding['check']:14}  {finding['file']}: {finding['resource']}")
    if unexpected:
        print(f"{len(unexpected)} finding(s) outside the README's table", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
