"""Offline preview: run the real program for a stack against the local mock engine.

    cmkpg-preview [--project-dir DIR] [--stack NAME] [--config FILE] [--from FILE] [--json]
                  [--policy-pack DIR [--policy-pack-config FILE]]

Prints the plan the way ``pulumi preview`` does (resource tree, counts, stack outputs with
secrets as ``[secret]``), or one JSON document with ``--json``. No Azure account, no
Pulumi CLI, no network. With ``--from`` (a ``pulumi stack export`` or an earlier ``--json``
plan) it plans the update of what is deployed: same, update, replace, create, delete.
Exit codes: 0 planned; 1 the program or a provider check failed; 2 invalid configuration
(every problem on stderr, nothing on stdout); 3 the engine or the stack's guard refuses the
change (a protected resource to replace or delete, or a change that would destroy the
cluster's data), with the plan on stdout and the refusal on stderr; 4 a mandatory violation
of a ``--policy-pack`` (:mod:`.policy`), printed after the plan as ``pulumi preview`` does.
"""

from __future__ import annotations

import argparse
import gc
import json
import runpy
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from cmkpg.config import ConfigError
from cmkpg.guard import ChangeRefused
from cmkpg.validation import ValidationError

from . import arm_body, engine, policy, update
from .azure_mocks import SUBSCRIPTION_ID, TENANT_ID, AzureMocks
from .backends import BACKENDS, Backend
from .cli_config import StackConfigError, load_project, load_stack_config
from .details import details

EXIT_OK, EXIT_FAILED, EXIT_INVALID_CONFIG, EXIT_REFUSED = 0, 1, 2, 3
EXIT_POLICY = 4  # a mandatory policy violation (--policy-pack)


def plan_destroy(deployment: update.Deployment) -> engine.Plan:
    """``pulumi destroy --preview``: the program does not run; every deployed resource is
    deleted, retained ones only leave the state, protected ones stop the destroy."""
    plan = engine.run(
        lambda: None,
        project=deployment.project,
        stack=deployment.stack,
        config={},
        mocks=AzureMocks(deployment=deployment),
        deployment=deployment,
    )
    plan.operation = "destroy"
    return plan


def plan_stack(
    stack: str,
    config_file: Path | None = None,
    *,
    project_dir: Path | None = None,
    mocks: AzureMocks | None = None,
    deployment: update.Deployment | None = None,
    organization: str = engine.ORGANIZATION,
    backend: Backend = "diy",
    subscription: str | None = None,
    tenant: str | None = None,
) -> engine.Plan:
    """Plan ``stack`` of the project in ``project_dir`` (default: the current directory) from
    ``config_file`` (default ``Pulumi.<stack>.yaml`` there). A ``pulumi.StackReference`` to a
    project next to it is answered by planning that project's stack offline first.

    With ``deployment`` (what is deployed), it plans the update of that deployment. The
    subscription and tenant the provider would use are ``subscription``/``tenant``, else the
    stack's ``azure-native:subscriptionId``/``azure-native:tenantId``, else placeholders.
    Raises StackConfigError or ConfigError for invalid configuration; anything else the
    program raises propagates.
    """
    project_dir = (project_dir or Path.cwd()).resolve()
    project = load_project(project_dir / "Pulumi.yaml")
    config = load_stack_config(config_file or project_dir / f"Pulumi.{stack}.yaml", project, stack)
    if mocks is None:
        mocks = AzureMocks(
            stack_references=local_stack_outputs(project_dir),
            deployment=deployment,
            backend=backend,
            subscription_id=subscription
            or config.values.get("azure-native:subscriptionId")
            or SUBSCRIPTION_ID,
            tenant_id=tenant or config.values.get("azure-native:tenantId") or TENANT_ID,
        )
    return engine.run(
        lambda: run_project(project_dir),
        project=project.name,
        stack=stack,
        config=config.values,
        secret_keys=config.secret_keys,
        mocks=mocks,
        deployment=deployment,
        organization=organization,
    )


def run_project(project_dir: Path) -> None:
    """Run the project's ``__main__.py`` as the Python language host does: the project
    folder first on ``sys.path``, so its helper modules import. The modules it loads from
    there are forgotten afterwards, so the next project's helpers of the same name load."""
    folder = str(project_dir)
    before = set(sys.modules)
    sys.path.insert(0, folder)
    try:
        runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__")
    finally:
        sys.path.remove(folder)
        for name in set(sys.modules) - before:
            top = name.partition(".")[0]
            if (project_dir / f"{top}.py").exists() or (project_dir / top).is_dir():
                del sys.modules[name]


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


# pkg/resource/deploy/step.go RawPrefix, and the preview status words of
# pkg/backend/display/progress.go (getPreviewDoneText).
_OPS = {
    "same": ("  ", ""),
    "create": ("+ ", "create"),
    "update": ("~ ", "update"),
    "delete": ("- ", "delete"),
    "replace": ("+-", "replace"),
    "read": ("> ", "read"),
    "discard": ("< ", "discard"),
}
# deploy.StepOps order, which the summary follows.
_SUMMARY_ORDER = ("create", "update", "delete", "replace")


def diff_info(step: update.Step | None) -> str:
    """``[diff: +added-deleted~updated]`` of top-level keys (``writeShortDiff``)."""
    if step is None or not step.changed:
        return ""
    groups = [
        sign + ",".join(keys)
        for sign, keys in (("+", step.added), ("-", step.deleted), ("~", step.updated))
        if keys
    ]
    return f"[diff: {''.join(groups)}]" if groups else ""


def _notes(resource: engine.Registration) -> str:
    step = resource.step
    notes = [diff_info(step)]
    if step is not None and step.op in ("delete", "replace") and resource.retain_on_delete:
        notes.append("[retain]")  # addRetainStatusFlag
    if step is not None and step.op == "replace" and step.delete_before_replace:
        notes.append("delete before replace")
    notes += [
        label
        for label, on in (
            ("protected", resource.protect),
            ("retained on delete", resource.retain_on_delete and not step),
        )
        if on
    ]
    return " ".join(n for n in notes if n)


def render_tree(plan: engine.Plan, out: TextIO, *, show_details: bool = False) -> None:
    """The plan as ``pulumi preview`` prints it; with ``show_details``, each resource's
    settings under its row (:mod:`.details`)."""
    everything = engine.Plan(
        plan.project, plan.stack, [*plan.resources, *plan.deletes], plan.outputs, []
    )
    rank = _display_order(everything)
    children: dict[str, list[engine.Registration]] = {}
    known = {r.urn for r in everything.resources}
    for resource in everything.resources:
        # A deleted resource whose parent is gone too hangs under the stack.
        parent = resource.parent if resource.parent in known else stack_urn(plan)
        children.setdefault(parent, []).append(resource)
    for siblings in children.values():
        siblings.sort(key=lambda r: (*rank[r.urn], r.type, r.name))

    op, verb = _OPS[_stack_op(plan)]
    rows = [(op, "pulumi:pulumi:Stack", f"{plan.project}-{plan.stack}", verb, "")]
    notes_below: dict[int, list[str]] = {}

    def walk(parent: str, prefix: str) -> None:
        kids = children.get(parent, [])
        for index, resource in enumerate(kids):
            last = index == len(kids) - 1
            branch = "└─ " if last else "├─ "
            op, verb = _OPS[resource.op]
            rows.append(
                (op, prefix + branch + resource.type, resource.name, verb, _notes(resource))
            )
            inner = prefix + ("   " if last else "│  ")
            if show_details:
                below = inner + ("│  " if children.get(resource.urn) else "   ")
                notes_below[len(rows) - 1] = [below + "· " + line for line in details(resource)]
            walk(resource.urn, inner)

    walk(stack_urn(plan), "")
    type_width = max(len(r[1]) for r in rows)
    name_width = max(len(r[2]) for r in rows)
    out.write(
        f"Previewing {plan.operation} ({plan.stack}) offline: local mock engine, no Azure calls\n"
    )
    if plan.deployment is not None:
        deployed = len(plan.deployment.resources)
        out.write(f"Deployed: {deployed} resources ({plan.deployment.source})\n")
    out.write("\n")
    out.write(f"     {'Type':<{type_width}}  {'Name':<{name_width}}  Plan     Info\n")
    for index, (op, type_, name, verb, notes) in enumerate(rows):
        out.write(
            f" {op}  {type_:<{type_width}}  {name:<{name_width}}  {verb:<7}  {notes}".rstrip()
        )
        out.write("\n")
        for line in notes_below.get(index, []):
            out.write(f"     {line}\n")

    out.write("\nOutputs:\n")
    width = max((len(k) for k in plan.outputs), default=0)
    for key in sorted(plan.outputs):
        value = plan.outputs[key]
        shown = (
            value if value in (engine.SECRET, engine.UNKNOWN) else json.dumps(value, sort_keys=True)
        )
        out.write(f"    {key + ':':<{width + 1}} {shown}\n")

    out.write("\nResources:\n")
    for line in summary(plan):
        out.write(f"    {line}\n")
    for severity, message in plan.messages:
        if severity in ("warning", "error"):
            out.write(f"\n{severity}: {message}\n")
    for resource in (*plan.resources, *plan.deletes):
        for info in resource.step.infos if resource.step else ():
            out.write(f"\ninfo: {resource.urn}: {info}\n")
    unreadable = plan.deployment is not None and not plan.deployment.secrets_readable
    if unreadable and plan.operation != "destroy":
        out.write(
            "\nwarning: the deployment file holds secrets encrypted (or masked), so changes to "
            "secret inputs cannot be seen; export with `pulumi stack export --show-secrets` to "
            "compare them\n"
        )


def _stack_op(plan: engine.Plan) -> str:
    if plan.operation == "destroy":
        return "delete"
    return "same" if plan.deployment is not None else "create"


def summary(plan: engine.Plan) -> list[str]:
    """``renderSummaryEvent``: a line per kind of change, then the totals."""
    counts: dict[str, int] = {}
    for resource in (*plan.resources, *plan.deletes):
        counts[resource.op] = counts.get(resource.op, 0) + 1
    stack_op = _stack_op(plan)
    counts[stack_op] = counts.get(stack_op, 0) + 1
    lines = [f"{_OPS[op][0]}{counts[op]} to {op}" for op in _SUMMARY_ORDER if counts.get(op)]
    kinds = sum(1 for op in _SUMMARY_ORDER if counts.get(op))
    pieces = []
    if kinds >= 2:
        total = sum(counts.get(op, 0) for op in _SUMMARY_ORDER)
        pieces.append(f"{total} change{'s' * (total != 1)}")
    if counts.get("same"):
        pieces.append(f"{counts['same']} unchanged")
    if pieces:
        lines.append(". ".join(pieces))
    if counts.get("read"):
        lines.append(f"> {counts['read']} to read (not counted by `pulumi preview`)")
    return lines


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
    """The exception that started it: a ConfigError or a refusal of the guard if one is in
    the chain, else the last one the chain leads to."""
    chain = exception_chain(error)
    return next((e for e in chain if isinstance(e, ConfigError | ChangeRefused)), chain[-1])


def plan_json(plan: engine.Plan) -> dict[str, Any]:
    """The plan as one JSON document: every resource with its ``step``; for an update, the
    changed property paths (``diff``) and the body the provider would send (``requestBody``,
    a full PUT of all inputs; secrets masked)."""
    document = plan.to_json()
    if plan.deployment is not None:
        bodies = {
            r.urn: arm_body.request_body(r.type, r.inputs)
            for r in plan.resources
            if r.step is not None and r.step.op in ("update", "replace", "create")
        }
        for resource in document["resources"]:
            if resource["urn"] in bodies:
                resource["requestBody"] = bodies[resource["urn"]]
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
        "--details",
        action="store_true",
        help="under each resource, its settings: sizing, HA, versions and firewall of the "
        "cluster, type, size, rotation and expiry of the key, the vault's sku and protection, "
        "alert receivers, tags",
    )
    parser.add_argument(
        "--from",
        dest="deployed",
        type=Path,
        metavar="FILE",
        help="what is deployed: `pulumi stack export` (add --show-secrets to compare secret "
        "inputs) or an earlier `cmkpg-preview --json`; plans the update of it (default: a "
        "stack never deployed)",
    )
    parser.add_argument(
        "--destroy",
        action="store_true",
        help="with --from: what `pulumi destroy` would do to the deployment",
    )
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default="diy",
        help="the state backend whose stack-reference rules apply (default: diy, the project "
        "layout of a local or blob state store)",
    )
    parser.add_argument(
        "--organization",
        help="what pulumi.get_organization() returns (default: 'organization', as on DIY "
        "backends; on Pulumi Cloud, the stack's owner)",
    )
    parser.add_argument(
        "--subscription",
        help="the subscription the provider deploys to (default: azure-native:subscriptionId, "
        "else a placeholder); set it to plan existing resources by their real ids",
    )
    parser.add_argument(
        "--tenant",
        help="the Entra tenant of the credentials (default: azure-native:tenantId, else a "
        "placeholder)",
    )
    parser.add_argument(
        "--project-dir",
        type=Path,
        help="directory of the Pulumi project (default: the current directory)",
    )
    parser.add_argument(
        "--policy-pack",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="run the CrossGuard policy pack in DIR against the plan, as `pulumi preview "
        "--policy-pack` does (repeatable); exit 4 on a mandatory violation",
    )
    parser.add_argument(
        "--policy-pack-config",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="JSON config of the --policy-pack at the same position",
    )
    args = parser.parse_args(argv)
    organization = args.organization or (
        "my-org" if args.backend == "cloud" else engine.ORGANIZATION
    )

    if args.destroy and not args.deployed:
        parser.error("--destroy needs --from: what is there to destroy")
    if args.destroy and args.policy_pack:
        parser.error("--policy-pack analyzes the program's resources, not --destroy")
    try:
        packs = policy.load_packs(args.policy_pack, args.policy_pack_config)
    except policy.PolicyPackError as error:
        err.writelines(f"error: {line}\n" for line in error.errors)
        return error.exit_code
    try:
        deployment = update.load_deployment(args.deployed) if args.deployed else None
        if args.destroy and deployment is not None:
            return _report(plan_destroy(deployment), args.json, out, err, show_details=args.details)
        plan = plan_stack(
            args.stack or stack_name(args.config),
            args.config,
            project_dir=args.project_dir,
            deployment=deployment,
            organization=organization,
            backend=args.backend,
            subscription=args.subscription,
            tenant=args.tenant,
        )
    except update.DeploymentFileError as error:
        err.write(f"error: --from {error}\n")
        return EXIT_FAILED
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
        if isinstance(cause, ChangeRefused):
            err.write(f"error: {cause}\n")
            return EXIT_REFUSED
        err.write(f"error: the preview failed: {cause}\n")
        return EXIT_FAILED

    code = _report(plan, args.json, out, err, show_details=args.details)
    try:
        mandatory = policy.enforce(packs, plan, err if args.json else out)
    except policy.PolicyFailed as error:
        err.writelines(f"error: {line}\n" for line in error.errors)
        return error.exit_code
    return code or (EXIT_POLICY if mandatory else EXIT_OK)


def _report(
    plan: engine.Plan, as_json: bool, out: TextIO, err: TextIO, *, show_details: bool = False
) -> int:
    try:
        if as_json:
            json.dump(plan_json(plan), out, indent=2, sort_keys=True)
            out.write("\n")
        else:
            render_tree(plan, out, show_details=show_details)
        out.flush()
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
    # The engine keeps planning after a protect refusal so the preview shows the diff that
    # causes it, then fails the preview (step_generator.go, continueStepsFromDiff).
    for refusal in plan.refusals:
        err.write(f"error: {refusal}\n")
    return EXIT_REFUSED if plan.refusals else EXIT_OK


def _write_config_errors(error: StackConfigError | ConfigError, err: TextIO) -> None:
    for line in error.errors:
        err.write(f"error: {line}\n")
    fixes = getattr(error, "fixes", [])
    if fixes:
        err.write("To convert the flat keys, run:\n")
        for command in fixes:
            err.write(f"    {command}\n")


def console() -> int:
    """The ``cmkpg-preview`` command. A one-shot process: the engine suspends the garbage
    collector while it plans (see :func:`engine.run`); leaving it off for the process also
    skips the full collection of the run's objects that the interpreter does at exit."""
    gc.disable()
    return main()


if __name__ == "__main__":
    sys.exit(console())
