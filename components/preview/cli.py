"""Offline preview: run the real program for a stack against the local mock engine.

    cmkpg-preview [--project-dir DIR] [--stack NAME] [--config FILE] [--json]

Prints the plan the way ``pulumi preview`` does (resource tree, counts, stack outputs with
secrets as ``[secret]``), or one JSON document with ``--json``. No Azure account, no
Pulumi CLI, no network. Exit codes: 0 planned, 2 invalid configuration (every problem on
stderr, nothing on stdout), 1 the program or a provider check failed.
"""

from __future__ import annotations

import argparse
import json
import runpy
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from cmkpg.config import ConfigError
from cmkpg.validation import ValidationError

from . import engine
from .azure_mocks import AzureMocks
from .cli_config import StackConfigError, load_project, load_stack_config

EXIT_OK, EXIT_FAILED, EXIT_INVALID_CONFIG = 0, 1, 2


def plan_stack(
    stack: str,
    config_file: Path | None = None,
    *,
    project_dir: Path | None = None,
    mocks: AzureMocks | None = None,
) -> engine.Plan:
    """Plan ``stack`` of the project in ``project_dir`` (default: the current directory) from
    ``config_file`` (default ``Pulumi.<stack>.yaml`` there). A ``pulumi.StackReference`` to a
    project next to it is answered by planning that project's stack offline first.

    Raises StackConfigError or ConfigError for invalid configuration; anything else the
    program raises propagates.
    """
    project_dir = (project_dir or Path.cwd()).resolve()
    project = load_project(project_dir / "Pulumi.yaml")
    config = load_stack_config(config_file or project_dir / f"Pulumi.{stack}.yaml", project, stack)
    main = project_dir / "__main__.py"
    return engine.run(
        lambda: runpy.run_path(str(main), run_name="__main__"),
        project=project.name,
        stack=stack,
        config=config.values,
        secret_keys=config.secret_keys,
        mocks=mocks or AzureMocks(stack_references=local_stack_outputs(project_dir)),
    )


def stack_name(config_file: Path | None) -> str:
    """The stack a ``Pulumi.<stack>.yaml`` file belongs to (``dev`` without a file), as the
    CLI names stack files."""
    if config_file is None:
        return "dev"
    name = config_file.name
    if name.startswith("Pulumi.") and name.endswith((".yaml", ".yml")) and name.count(".") >= 2:
        return name.removeprefix("Pulumi.").rsplit(".", 1)[0]
    return "dev"


def local_projects(project_dir: Path) -> dict[str, Path]:
    """Pulumi projects near ``project_dir``, by project name: itself, its ``examples/*`` and
    its siblings (``../*``)."""
    candidates = [
        project_dir / "Pulumi.yaml",
        *sorted(project_dir.glob("examples/*/Pulumi.yaml")),
        *sorted(project_dir.parent.glob("*/Pulumi.yaml")),
    ]
    found: dict[str, Path] = {}
    for path in candidates:
        found.setdefault(load_project(path).name, path.parent)
    return found


def local_stack_outputs(
    project_dir: Path,
) -> Callable[[str], tuple[dict[str, Any], list[str]]]:
    """Answers stack references of the project in ``project_dir`` by planning the referenced
    ``[<org>/]<project>/<stack>`` offline; gives its outputs and the names of the secret ones."""
    return lambda reference: _plan_referenced(project_dir, reference)


def _plan_referenced(project_dir: Path, reference: str) -> tuple[dict[str, Any], list[str]]:
    *_, project, stack = ["", "", *reference.split("/")]
    projects = local_projects(project_dir)
    if project not in projects:
        raise LookupError(
            f"stack reference {reference!r}: no project {project!r} next to {project_dir} "
            f"(known: {', '.join(sorted(projects))})"
        )
    # Planned on a thread of its own: the engine owns the event loop of the thread it runs
    # on, and this is called from inside the referencing stack's run.
    result: dict[str, Any] = {}

    def plan_referenced() -> None:
        try:
            result["plan"] = plan_stack(stack, project_dir=projects[project])
        except Exception as error:  # re-raised below, on the caller's thread
            result["error"] = error

    worker = threading.Thread(target=plan_referenced, name=f"plan {reference}")
    worker.start()
    worker.join()
    if "error" in result:
        raise RuntimeError(f"stack reference {reference!r}: {result['error']}") from result["error"]
    plan: engine.Plan = result["plan"]
    return plan.raw_outputs, plan.secret_outputs


# -- rendering -------------------------------------------------------------------------------


def stack_urn(plan: engine.Plan) -> str:
    return (
        f"urn:pulumi:{plan.stack}::{plan.project}::pulumi:pulumi:Stack::{plan.project}-{plan.stack}"
    )


def _display_order(plan: engine.Plan) -> dict[str, tuple[int, int]]:
    """Rank resources so the tree reads in dependency order (the registration order the
    monitor sees varies between runs): a resource's depth is its longest dependency chain;
    a component ranks by the (deepest, shallowest) of its descendants."""
    by_urn = {r.urn: r for r in plan.resources}
    depth: dict[str, int] = {}

    def depth_of(urn: str, seen: frozenset[str] = frozenset()) -> int:
        if urn not in depth:
            deps = [d for d in by_urn[urn].dependencies if d in by_urn and d not in seen]
            depth[urn] = 1 + max((depth_of(d, seen | {urn}) for d in deps), default=-1)
        return depth[urn]

    children: dict[str, list[str]] = {}
    for resource in plan.resources:
        children.setdefault(resource.parent, []).append(resource.urn)
    rank: dict[str, tuple[int, int]] = {}

    def rank_of(urn: str) -> tuple[int, int]:
        if urn not in rank:
            if by_urn[urn].custom:
                rank[urn] = (depth_of(urn), depth_of(urn))
            else:
                kids = [rank_of(kid) for kid in children.get(urn, [])]
                rank[urn] = (max(k[0] for k in kids), min(k[1] for k in kids)) if kids else (0, 0)
        return rank[urn]

    for resource in plan.resources:
        rank_of(resource.urn)
    return rank


def render_tree(plan: engine.Plan, out: TextIO) -> None:
    rank = _display_order(plan)
    children: dict[str, list[engine.Registration]] = {}
    for resource in plan.resources:
        children.setdefault(resource.parent, []).append(resource)
    for siblings in children.values():
        siblings.sort(key=lambda r: (*rank[r.urn], r.type, r.name))

    rows: list[tuple[str, str, str, str, str]] = [
        ("+", "pulumi:pulumi:Stack", f"{plan.project}-{plan.stack}", "create", "")
    ]

    def walk(parent: str, prefix: str) -> None:
        kids = children.get(parent, [])
        for index, resource in enumerate(kids):
            last = index == len(kids) - 1
            branch = "└─ " if last else "├─ "
            op, verb = (">", "read") if resource.read else ("+", "create")
            notes = ", ".join(
                label
                for label, on in (
                    ("protected", resource.protect),
                    ("retained on delete", resource.retain_on_delete),
                )
                if on
            )
            rows.append((op, prefix + branch + resource.type, resource.name, verb, notes))
            walk(resource.urn, prefix + ("   " if last else "│  "))

    walk(stack_urn(plan), "")
    type_width = max(len(r[1]) for r in rows)
    name_width = max(len(r[2]) for r in rows)
    out.write(f"Previewing update ({plan.stack}) offline: local mock engine, no Azure calls\n\n")
    out.write(f"     {'Type':<{type_width}}  {'Name':<{name_width}}  Plan    Info\n")
    for op, type_, name, verb, notes in rows:
        out.write(
            f" {op}   {type_:<{type_width}}  {name:<{name_width}}  {verb:<6}  {notes}".rstrip()
        )
        out.write("\n")

    out.write("\nOutputs:\n")
    width = max((len(k) for k in plan.outputs), default=0)
    for key in sorted(plan.outputs):
        value = plan.outputs[key]
        shown = value if value == engine.SECRET else json.dumps(value)
        out.write(f"    {key + ':':<{width + 1}} {shown}\n")

    creates = sum(1 for r in plan.resources if not r.read) + 1  # + the stack itself
    reads = sum(1 for r in plan.resources if r.read)
    out.write("\nResources:\n")
    out.write(f"    + {creates} to create\n")
    if reads:
        out.write(f"    > {reads} to read\n")
    for severity, message in plan.messages:
        if severity in ("warning", "error"):
            out.write(f"\n{severity}: {message}\n")


def exception_chain(error: BaseException) -> list[BaseException]:
    """``error`` and every exception it was raised from or during, each once: the SDK wraps
    a failure in an input once per resource it passes through ("While processing resource
    ..."), and its re-raising can link the same exceptions into a cycle."""
    chain: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop(0)
        if current is None or any(current is seen for seen in chain):
            continue
        chain.append(current)
        pending += [current.__cause__, current.__context__]
    return chain


def innermost(error: BaseException) -> BaseException:
    """The exception that started it: a ConfigError if one is in the chain, else the last
    one the chain leads to."""
    chain = exception_chain(error)
    return next((e for e in chain if isinstance(e, ConfigError)), chain[-1])


def plan_json(plan: engine.Plan) -> dict[str, Any]:
    document = plan.to_json()
    document["resources"].sort(key=lambda r: r["urn"])
    return document


# -- command line ----------------------------------------------------------------------------


def main(
    argv: Sequence[str] | None = None, *, out: TextIO = sys.stdout, err: TextIO = sys.stderr
) -> int:
    parser = argparse.ArgumentParser(prog="cmkpg-preview", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--stack",
        help="stack name (default: from the --config file name Pulumi.<stack>.yaml, else dev)",
    )
    parser.add_argument(
        "--config", type=Path, help="stack config file (default: Pulumi.<stack>.yaml)"
    )
    parser.add_argument("--json", action="store_true", help="print the plan as one JSON document")
    parser.add_argument(
        "--deployed",
        type=Path,
        help="outputs of the stack's last deployment (`pulumi stack output --json`), to check "
        "a change against what exists; default: a stack never deployed",
    )
    parser.add_argument(
        "--project-dir",
        type=Path,
        help="directory of the Pulumi project (default: the current directory)",
    )
    args = parser.parse_args(argv)

    try:
        deployed = json.loads(args.deployed.read_text()) if args.deployed else None
        project_dir = (args.project_dir or Path.cwd()).resolve()
        mocks = AzureMocks(
            stack_references=local_stack_outputs(project_dir), previous_outputs=deployed
        )
        plan = plan_stack(
            args.stack or stack_name(args.config), args.config, project_dir=project_dir, mocks=mocks
        )
    except (StackConfigError, ConfigError) as error:
        _write_config_errors(error, err)
        return EXIT_INVALID_CONFIG
    except ValidationError as error:
        for line in error.problems:
            err.write(f"error: {line}\n")
        return EXIT_INVALID_CONFIG
    except Exception as error:
        cause = innermost(error)
        if isinstance(cause, ConfigError):  # a config rule checked against the deployment
            _write_config_errors(cause, err)
            return EXIT_INVALID_CONFIG
        err.write(f"error: the preview failed: {cause}\n")
        return EXIT_FAILED

    try:
        if args.json:
            json.dump(plan_json(plan), out, indent=2, sort_keys=True)
            out.write("\n")
        else:
            render_tree(plan, out)
        out.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
    return EXIT_OK


def _write_config_errors(error: StackConfigError | ConfigError, err: TextIO) -> None:
    for line in error.errors:
        err.write(f"error: {line}\n")
    fixes = getattr(error, "fixes", [])
    if fixes:
        err.write("To convert the flat keys, run:\n")
        for command in fixes:
            err.write(f"    {command}\n")


if __name__ == "__main__":
    sys.exit(main())
