"""A local stand-in for the Pulumi engine: runs a program against mocks and records the plan.

It subclasses Pulumi's own mock monitor, so the program goes through the real SDK: the same
serialization, secrets, dependencies and resource options the CLI would receive. What it
records is what `pulumi preview` would plan, with secrets masked as ``"[secret]"``.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

SECRET = "[secret]"
UNKNOWN = "[unknown]"
# What DIY backends (local file, Azure Blob) call every stack's organization.
ORGANIZATION = "organization"

# Markers of Pulumi's wire format (sdk/go/common/resource/sig).
_SIG = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
_UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def mask(value: Any) -> Any:
    """Engine wire value -> plain JSON with secrets replaced by ``"[secret]"``."""
    if isinstance(value, dict):
        sig = value.get(_SIG)
        if sig == _SECRET_SIG:
            return SECRET
        if sig == _RESOURCE_SIG:
            return value.get("urn")
        return {k: mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) for v in value]
    if value == _UNKNOWN_VALUE:
        return UNKNOWN
    return _integral(value)


def _integral(value: Any) -> Any:
    # The wire has only doubles; ARM bodies carry integers.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def contains_secret(value: Any) -> bool:
    if value == SECRET:
        return True
    if isinstance(value, dict):
        return any(contains_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_secret(v) for v in value)
    return False


def _struct(message: Any) -> dict[str, Any]:
    return json_format.MessageToDict(message) if message is not None else {}


def _as_struct(value: dict[str, Any]) -> struct_pb2.Struct:
    return json_format.ParseDict(value, struct_pb2.Struct())


def _mark_secret(state: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    """What the engine does with ``additionalSecretOutputs`` and outputs of secret inputs."""
    return {
        k: {_SIG: _SECRET_SIG, "value": v}
        if k in keys and not (isinstance(v, dict) and v.get(_SIG) == _SECRET_SIG)
        else v
        for k, v in state.items()
    }


def _unwrap(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get(_SIG) == _SECRET_SIG:
            return _unwrap(value.get("value"))
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return _integral(value)


@dataclass
class Registration:
    """One resource as the engine saw it."""

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
    # Unmasked, for tests that need the real values the mocks computed (never printed).
    raw_outputs: dict[str, Any] = field(default_factory=dict, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
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


@dataclass
class Plan:
    project: str
    stack: str
    resources: list[Registration]
    outputs: dict[str, Any]
    messages: list[tuple[str, str]]
    raw_outputs: dict[str, Any] = field(default_factory=dict, repr=False)
    """Stack outputs with secrets in clear: for stack references, never printed."""

    @property
    def secret_outputs(self) -> list[str]:
        return sorted(k for k, v in self.outputs.items() if v == SECRET)

    def by_type(self, resource_type: str) -> list[Registration]:
        return [r for r in self.resources if r.type == resource_type]

    def one(self, resource_type: str) -> Registration:
        found = self.by_type(resource_type)
        if len(found) != 1:
            raise AssertionError(f"expected one {resource_type}, found {len(found)}")
        return found[0]

    def by_urn(self, urn: str) -> Registration:
        for resource in self.resources:
            if resource.urn == urn:
                return resource
        raise KeyError(urn)

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "stack": self.stack,
            "resources": [r.to_json() for r in self.resources],
            "outputs": self.outputs,
        }


@contextlib.contextmanager
def _thread_loop() -> Iterator[None]:
    """An event loop for the RPC worker thread while the mock monitor needs one, closed after.

    Pulumi's MockMonitor creates a loop in each worker thread that lacks one
    (``sync_await._ensure_event_loop``) and never closes it; worker threads come and go, so
    every run leaked loops that the garbage collector closed at random times later."""
    try:
        asyncio.get_event_loop()
        created = None
    except RuntimeError:
        created = asyncio.new_event_loop()
        asyncio.set_event_loop(created)
    try:
        yield
    finally:
        if created is not None:
            asyncio.set_event_loop(None)
            created.close()


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """Pulumi's mock monitor, also keeping every registration with its options."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.registrations: dict[str, Registration] = {}
        self.stack_outputs: dict[str, Any] = {}
        self.raw_stack_outputs: dict[str, Any] = {}

    def Invoke(self, request: Any) -> Any:
        with _thread_loop():
            return super().Invoke(request)

    def RegisterResource(self, request: Any) -> Any:
        with _thread_loop():
            return self._register(request)

    def _register(self, request: Any) -> Any:
        if request.type == "pulumi:pulumi:Stack":
            return super().RegisterResource(request)
        inputs = mask(_struct(request.object))
        urn = self.make_urn(request.parent, request.type, request.name)
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
            replacement_trigger=(
                mask(json_format.MessageToDict(request.replacement_trigger))
                if request.HasField("replacement_trigger")
                else None
            ),
        )
        self.registrations[urn] = registration
        response = super().RegisterResource(request)
        if not request.custom:
            return response
        secret_keys = set(request.additionalSecretOutputs)
        secret_keys |= {k for k, v in inputs.items() if contains_secret(v)}
        state = _mark_secret(_struct(response.object), secret_keys)
        registration.outputs = mask(state)
        registration.raw_outputs = _unwrap(state)
        registration.id = response.id or None
        return resource_pb2.RegisterResourceResponse(
            urn=response.urn, id=response.id, object=_as_struct(state)
        )

    def ReadResource(self, request: Any) -> Any:
        with _thread_loop():
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
            raw_outputs=_unwrap(state),
            dependencies=sorted(set(request.dependencies)),
        )
        # The engine echoes the id it read (the mock monitor leaves it empty).
        return resource_pb2.ReadResourceResponse(
            urn=response.urn, id=request.id, properties=_as_struct(state)
        )

    def RegisterResourceOutputs(self, request: Any) -> Any:
        wire = _struct(request.outputs)
        outputs = mask(wire)
        if "::pulumi:pulumi:Stack::" in request.urn:
            # set_mocks registers a placeholder stack with no outputs; its RPC can arrive
            # after the program's, which must not be overwritten by it.
            if outputs or not self.stack_outputs:
                self.stack_outputs = outputs
                self.raw_stack_outputs = _unwrap(wire)
        elif request.urn in self.registrations:
            self.registrations[request.urn].outputs = outputs
        return super().RegisterResourceOutputs(request)


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
) -> Plan:
    """Run ``program`` as a Pulumi preview of ``project``/``stack`` and return the plan.

    ``config`` uses full keys (``cmkpg:location``) and engine values (strings; objects and
    arrays as JSON). Each run gets a fresh context, so runs never see each other's state.
    Exceptions raised by the program propagate unchanged; pass your own ``monitor`` to see
    what was registered before a failure.
    """
    monitor = monitor or RecordingMonitor(mocks)
    return contextvars.Context().run(
        _run, program, project, stack, dict(config), list(secret_keys), monitor
    )


def _run(
    program: Callable[[], None],
    project: str,
    stack: str,
    config: dict[str, str],
    secret_keys: list[str],
    monitor: RecordingMonitor,
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
        organization=ORGANIZATION,
    )
    # set_mocks installs a placeholder stack; the program gets a fresh one that records its
    # exports, exactly as the CLI's language host does.
    pulumi_settings.ROOT.set(None)
    try:
        _sync_await(run_in_stack(program))
    finally:
        logger.removeHandler(collector)
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()
        asyncio.set_event_loop(None)
    return Plan(
        project=project,
        stack=stack,
        resources=list(monitor.registrations.values()),
        outputs=monitor.stack_outputs,
        messages=collector.messages,
        raw_outputs=monitor.raw_stack_outputs,
    )
