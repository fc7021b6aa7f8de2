"""A local stand-in for the Pulumi engine: runs a program against mocks and records the plan.

It subclasses Pulumi's own mock monitor, so the program goes through the real SDK: the same
serialization, secrets, dependencies and resource options the CLI would receive. What it
records is what `pulumi preview` would plan, with secrets masked as ``"[secret]"``.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import logging
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

from . import update, wire
from .wire import SECRET, UNKNOWN, contains_secret, mask

__all__ = ["ORGANIZATION", "SECRET", "UNKNOWN", "Plan", "RecordingMonitor", "Registration", "run"]

# What DIY backends (local file, Azure Blob) call every stack's organization.
ORGANIZATION = "organization"


def _struct(message: Any) -> dict[str, Any]:
    return json_format.MessageToDict(message) if message is not None else {}


def _as_struct(value: dict[str, Any]) -> struct_pb2.Struct:
    return json_format.ParseDict(value, struct_pb2.Struct())


def _mark_secret(state: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    """What the engine does with ``additionalSecretOutputs`` and outputs of secret inputs."""
    return {k: wire.make_secret(v) if k in keys else v for k, v in state.items()}


@dataclass
class Registration:
    """One resource as the engine saw it, with the step it plans for it."""

    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    read: bool = False
    id: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    protect: bool = False
    retain_on_delete: bool = False
    replace_on_changes: list[str] = field(default_factory=list)
    ignore_changes: list[str] = field(default_factory=list)
    replacement_trigger: Any = None
    step: update.Step | None = None
    """What an update of the deployed stack does (``--from``); None on a first deployment,
    where every resource is created (or read)."""
    # Unmasked, for tests and checkpoints (never printed): secrets in clear, unknowns as the
    # wire sentinel.
    raw_outputs: dict[str, Any] = field(default_factory=dict, repr=False)
    wire_inputs: dict[str, Any] = field(default_factory=dict, repr=False)
    wire_outputs: dict[str, Any] = field(default_factory=dict, repr=False)
    wire_trigger: Any = field(default=None, repr=False)

    @property
    def op(self) -> str:
        """``same``, ``update``, ``replace``, ``create``, ``delete``, ``discard`` or ``read``."""
        if self.read:
            return "read"
        return self.step.op if self.step else "create"

    def to_json(self) -> dict[str, Any]:
        document = {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "custom": self.custom,
            "read": self.read,
            "id": self.id,
            "inputs": self.inputs,
            "outputs": self.outputs,
            "dependencies": self.dependencies,
            "protect": self.protect,
            "retainOnDelete": self.retain_on_delete,
            "replaceOnChanges": self.replace_on_changes,
            "ignoreChanges": self.ignore_changes,
            "replacementTrigger": self.replacement_trigger,
        }
        document["step"] = self.op
        if self.step is not None and self.custom:
            document["diff"] = self.step.diff
            if self.step.op == "replace":
                document["replaceReason"] = self.step.reason
                document["deleteBeforeReplace"] = self.step.delete_before_replace
        return document


@dataclass
class Plan:
    project: str
    stack: str
    resources: list[Registration]
    outputs: dict[str, Any]
    messages: list[tuple[str, str]]
    raw_outputs: dict[str, Any] = field(default_factory=dict, repr=False)
    """Stack outputs with secrets in clear: for stack references, never printed."""
    deployment: update.Deployment | None = None
    """What was deployed, for an update preview (``--from``)."""
    deletes: list[Registration] = field(default_factory=list)
    """Deployed resources the program no longer registers (update previews)."""
    operation: str = "update"
    """``update``, or ``destroy`` when every deployed resource goes."""

    @property
    def secret_outputs(self) -> list[str]:
        return sorted(k for k, v in self.outputs.items() if v == SECRET)

    @property
    def refusals(self) -> list[str]:
        """What the engine would stop at: a protected resource to replace or delete."""
        return [
            r.step.refusal
            for r in (*self.resources, *self.deletes)
            if r.step is not None and r.step.refusal
        ]

    def by_type(self, resource_type: str) -> list[Registration]:
        return [r for r in self.resources if r.type == resource_type]

    def one(self, resource_type: str) -> Registration:
        found = self.by_type(resource_type)
        if len(found) != 1:
            raise AssertionError(f"expected one {resource_type}, found {len(found)}")
        return found[0]

    def by_urn(self, urn: str) -> Registration:
        for resource in (*self.resources, *self.deletes):
            if resource.urn == urn:
                return resource
        raise KeyError(urn)

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "stack": self.stack,
            "resources": [r.to_json() for r in (*self.resources, *self.deletes)],
            "outputs": self.outputs,
        }


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """Pulumi's mock monitor, also keeping every registration with its options.

    With ``deployment`` (what is deployed), each custom resource gets the step an update
    takes (:func:`update.plan_step`) and the outputs the provider returns for it in preview:
    the old ones for ``same``, the new inputs echoed with the old id (and name and location)
    for ``update``, the new inputs echoed without an id for ``create`` and ``replace``;
    everything else is unknown, as in a real ``pulumi preview``. Without it, every resource
    is created and gets the outputs Azure returns after the create (a first deployment).
    """

    def __init__(
        self, mocks: pulumi.runtime.Mocks, deployment: update.Deployment | None = None
    ) -> None:
        super().__init__(mocks)
        self.deployment = deployment
        self._thread_loops: list[asyncio.AbstractEventLoop] = []
        self._thread_loops_lock = threading.Lock()
        self.registrations: dict[str, Registration] = {}
        self.stack_outputs: dict[str, Any] = {}
        self.raw_stack_outputs: dict[str, Any] = {}

    def _ensure_thread_loop(self) -> None:
        """An event loop for the RPC worker thread, which the mock monitor needs to
        (de)serialize; one per thread, kept for the run and closed by :meth:`close`.

        Pulumi's MockMonitor creates one in each thread that lacks one
        (``sync_await._ensure_event_loop``) and never closes it, so every run leaked loops
        that the garbage collector closed at random times later; creating and closing one per
        call instead costs a socket pair each time."""
        try:
            asyncio.get_event_loop()
        except RuntimeError:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            with self._thread_loops_lock:
                self._thread_loops.append(loop)

    def close(self) -> None:
        """Close the worker threads' loops (their executor is gone with the run's loop)."""
        with self._thread_loops_lock:
            loops, self._thread_loops = self._thread_loops, []
        for loop in loops:
            loop.close()

    def Invoke(self, request: Any) -> Any:
        self._ensure_thread_loop()
        return super().Invoke(request)

    def RegisterResource(self, request: Any) -> Any:
        self._ensure_thread_loop()
        return self._register(request)

    def _register(self, request: Any) -> Any:
        if request.type == "pulumi:pulumi:Stack":
            return super().RegisterResource(request)
        wire_inputs = _struct(request.object)
        inputs = mask(wire_inputs)
        urn = self.make_urn(request.parent, request.type, request.name)
        trigger = (
            json_format.MessageToDict(request.replacement_trigger)
            if request.HasField("replacement_trigger")
            else None
        )
        registration = Registration(
            urn=urn,
            type=request.type,
            name=request.name,
            parent=request.parent,
            custom=request.custom,
            inputs=inputs if request.custom else {},
            dependencies=sorted(set(request.dependencies)),
            property_dependencies={
                k: sorted(set(v.urns)) for k, v in request.propertyDependencies.items()
            },
            protect=request.protect,
            retain_on_delete=request.retainOnDelete,
            replace_on_changes=list(request.replaceOnChanges),
            ignore_changes=list(request.ignoreChanges),
            replacement_trigger=mask(trigger) if trigger is not None else None,
            wire_inputs=wire_inputs if request.custom else {},
            wire_trigger=trigger,
        )
        self.registrations[urn] = registration
        # The mocks answer as Azure does after a create (and run the provider's name check).
        response = super().RegisterResource(request)
        if not request.custom:
            if self.deployment is not None:
                deployed = urn in self.deployment.resources
                registration.step = update.Step("same" if deployed else "create")
            return response
        state, resource_id = _struct(response.object), response.id
        if self.deployment is not None:
            goal = update.Goal(
                urn=urn,
                type=request.type,
                inputs=wire_inputs,
                protect=request.protect,
                ignore_changes=list(request.ignoreChanges),
                replace_on_changes=list(request.replaceOnChanges),
                replacement_trigger=trigger,
                delete_before_replace=(
                    request.deleteBeforeReplace if request.deleteBeforeReplaceDefined else None
                ),
            )
            state, resource_id = self._preview_response(registration, goal, state)
        secret_keys = set(request.additionalSecretOutputs)
        secret_keys |= {k for k, v in inputs.items() if contains_secret(v)}
        state = _mark_secret(state, secret_keys)
        registration.outputs = mask(state)
        registration.raw_outputs = wire.unwrap(state)
        registration.wire_outputs = state
        registration.id = resource_id or None
        return resource_pb2.RegisterResourceResponse(
            urn=response.urn, id=resource_id, object=_as_struct(state)
        )

    def _preview_response(
        self, registration: Registration, goal: update.Goal, created: dict[str, Any]
    ) -> tuple[dict[str, Any], str]:
        """Outputs and id of the step an update takes (``pkg/resource/deploy/step.go``)."""
        assert self.deployment is not None
        old = self.deployment.resources.get(goal.urn)
        if old is not None and (not old.custom or old.external):
            old = None  # a component or a read before: this registration creates
        step = update.plan_step(old, goal)
        registration.step = step
        registration.inputs = mask(step.inputs)
        registration.wire_inputs = step.inputs
        if old is None:
            return update.preview_outputs(goal.inputs, created, goal.type), ""
        if step.op == "same":
            return old.outputs, old.id or ""
        if step.op == "update":
            return update.update_outputs(step.inputs, old.outputs, goal.type), old.id or ""
        return update.preview_outputs(goal.inputs, old.outputs, goal.type), ""

    def ReadResource(self, request: Any) -> Any:
        self._ensure_thread_loop()
        return self._read(request)

    def _read(self, request: Any) -> Any:
        response = super().ReadResource(request)
        state = _mark_secret(_struct(response.properties), set(request.additionalSecretOutputs))
        self.registrations[response.urn] = Registration(
            urn=response.urn,
            type=request.type,
            name=request.name,
            parent=request.parent,
            custom=True,
            read=True,
            id=request.id,
            outputs=mask(state),
            raw_outputs=wire.unwrap(state),
            wire_outputs=state,
            dependencies=sorted(set(request.dependencies)),
        )
        # The engine echoes the id it read (the mock monitor leaves it empty).
        return resource_pb2.ReadResourceResponse(
            urn=response.urn, id=request.id, properties=_as_struct(state)
        )

    def RegisterResourceOutputs(self, request: Any) -> Any:
        state = _struct(request.outputs)
        outputs = mask(state)
        if "::pulumi:pulumi:Stack::" in request.urn:
            # set_mocks registers a placeholder stack with no outputs; its RPC can arrive
            # after the program's, which must not be overwritten by it.
            if outputs or not self.stack_outputs:
                self.stack_outputs = outputs
                self.raw_stack_outputs = wire.unwrap(state)
        elif request.urn in self.registrations:
            self.registrations[request.urn].outputs = outputs
        return super().RegisterResourceOutputs(request)

    def deletes(self) -> list[Registration]:
        """``GenerateDeletes``: what the deployment has and this run did not register."""
        if self.deployment is None:
            return []
        return [
            Registration(
                urn=old.urn,
                type=old.type,
                name=old.name,
                parent=old.parent,
                custom=old.custom,
                read=False,
                id=old.id,
                inputs=mask(old.inputs),
                outputs=mask(old.outputs),
                dependencies=old.dependencies,
                protect=old.protect,
                retain_on_delete=old.retain_on_delete,
                step=step,
            )
            for old, step in update.leftover(self.deployment, self.registrations)
        ]


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append((record.levelname.lower(), record.getMessage()))


def run(
    program: Callable[[], None],
    *,
    project: str,
    stack: str,
    config: Mapping[str, str],
    secret_keys: Collection[str] = (),
    mocks: pulumi.runtime.Mocks,
    monitor: RecordingMonitor | None = None,
    deployment: update.Deployment | None = None,
    organization: str = ORGANIZATION,
) -> Plan:
    """Run ``program`` as a Pulumi preview of ``project``/``stack`` and return the plan.

    ``config`` uses full keys (``cmkpg:location``) and engine values (strings; objects and
    arrays as JSON). Each run gets a fresh context, so runs never see each other's state.
    Exceptions raised by the program propagate unchanged; pass your own ``monitor`` to see
    what was registered before a failure. With ``deployment``, it plans an update of what is
    deployed (see :class:`RecordingMonitor`). ``organization`` is what
    ``pulumi.get_organization()`` returns: ``organization`` on DIY backends, the owner of the
    stack on Pulumi Cloud.
    """
    monitor = monitor or RecordingMonitor(mocks, deployment)
    return contextvars.Context().run(
        _run, program, project, stack, dict(config), list(secret_keys), monitor, organization
    )


def _run(
    program: Callable[[], None],
    project: str,
    stack: str,
    config: dict[str, str],
    secret_keys: list[str],
    monitor: RecordingMonitor,
    organization: str,
) -> Plan:
    mocks = monitor.mocks
    # A loop per run, set before the SDK schedules anything: a failed run leaves RPCs
    # behind, which must not leak into the next run.
    loop = asyncio.new_event_loop()
    loop.set_exception_handler(lambda _loop, _context: None)  # failures surface via run()
    asyncio.set_event_loop(loop)
    # The SDK tracks pending output tasks in a set whose default is shared by every context
    # (and rewritten by each fresh one). Each run gets its own before the SDK creates any
    # task, so runs, even nested ones, never wait on each other's tasks.
    pulumi_settings.SETTINGS.outputs = set()
    pulumi.runtime.set_all_config(config, secret_keys)
    logger = logging.getLogger(f"cmkpg.engine.{id(mocks)}")
    logger.propagate = False
    collector = _Collector()
    logger.addHandler(collector)
    pulumi.runtime.set_mocks(
        mocks,
        project=project,
        stack=stack,
        preview=True,
        logger=logger,
        monitor=monitor,
        organization=organization,
    )
    # set_mocks installs a placeholder stack; the program gets a fresh one that records its
    # exports, exactly as the CLI's language host does.
    pulumi_settings.ROOT.set(None)
    # The SDK registers every resource before any resolves, so the run builds up millions of
    # tracked objects that each full collection rescans (half the time of a 200-cluster
    # plan). The collector rests during the run and catches up after it (`make bench`).
    collecting = gc.isenabled()
    gc.disable()
    try:
        _sync_await(run_in_stack(program))
    finally:
        if collecting:
            gc.enable()
        logger.removeHandler(collector)
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()
        asyncio.set_event_loop(None)
        monitor.close()
    return Plan(
        project=project,
        stack=stack,
        resources=list(monitor.registrations.values()),
        outputs=monitor.stack_outputs,
        messages=collector.messages,
        raw_outputs=monitor.raw_stack_outputs,
        deployment=monitor.deployment,
        deletes=monitor.deletes(),
    )
