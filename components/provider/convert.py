"""From the package's inputs (:mod:`cmkpg.provider.inputs`) to the library's ``*Args``.

There is one validation path: each function here only reshapes what the provider's
``construct`` hands over (a dict keyed by Python names), then calls the ``*Args``
constructor, which checks everything and raises :class:`~cmkpg.ValidationError` with every
problem. A consumer in TypeScript thus gets the message a Python caller gets.

Two things need more than reshaping:

* **Numbers.** The engine sends every number as a float, and the SDK passes nested ones on
  unconverted, while the library checks that integers are ``int``. Whole floats become
  ints; any other float is left for the library to report.
* **Times** arrive as ISO 8601 strings. One that does not parse is a problem in the
  library's own words (``parse_utc``), reported together with the args' other problems.
"""

import functools
import inspect
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NotRequired, TypeVar

import pulumi

from ..cluster import (
    ClusterSizing,
    CustomerManagedKey,
    EncryptedCosmosPgClusterArgs,
    PointInTimeRestore,
    ReadReplica,
)
from ..cmk import CmkOptions
from ..elastic import ElasticClusterArgs
from ..identity import CmkIdentityArgs, IdentityOptions
from ..key import CmkKeyArgs, KeyOptions, KeyRotationPolicy, VaultReference
from ..monitoring import CmkMonitoringArgs, MonitoredKey
from ..restore import EncryptedClusterRestoreArgs
from ..validation import Problem, ValidationError, parse_utc, unchecked
from ..vault import CmkVaultArgs, VaultOptions
from . import inputs

T = TypeVar("T")

_EXAMPLE_TIME = "2026-01-31T00:00:00Z"


@functools.cache
def _integer_fields(typed: type) -> frozenset[str]:
    """The properties of a TypedDict declared ``int`` or ``NotRequired[int]``."""
    return frozenset(
        name
        for name, hint in inspect.get_annotations(typed).items()
        if hint is int
        or (typing.get_origin(hint) is NotRequired and typing.get_args(hint) == (int,))
    )


def _whole(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _numbers(values: Mapping[str, Any], typed: type) -> dict[str, Any]:
    """``values`` with every integer property of ``typed`` as an ``int`` when it is whole."""
    ints = _integer_fields(typed)
    return {k: _whole(v) if k in ints else v for k, v in values.items()}


@dataclass(frozen=True)
class ClusterById:
    """A cluster known by its ARM id: what :class:`~cmkpg.CmkMonitoringArgs` needs of one."""

    cluster_id: pulumi.Output[str]


class Conversion:
    """One conversion of a component's inputs: collects the times that did not parse, so
    the args' own problems are reported with them, all at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def time(self, path: str, value: object) -> datetime | None:
        """``value`` as a UTC datetime, or None (and a problem) when it is not one."""
        if not isinstance(value, str):
            complaint = f"is not a string; give an ISO 8601 UTC time, e.g. {_EXAMPLE_TIME}"
            self.problems.append(Problem(path, complaint, value))
            return None
        try:
            return parse_utc(value)
        except ValueError as err:
            self.problems.append(Problem(path, str(err), value))
            return None

    def args(self, cls: type[T], values: Mapping[str, Any]) -> T:
        """``cls(**values)``: the args validate themselves. With conversion problems, they
        are raised together with the args' own."""
        if not self.problems:
            return cls(**values)
        rest = unchecked(cls, **values).problems()  # type: ignore[attr-defined]
        raise ValidationError([*self.problems, *rest], cls.__name__)

    # -- nested objects ---------------------------------------------------------------------

    def rotation(self, values: Mapping[str, Any]) -> KeyRotationPolicy:
        return KeyRotationPolicy(**_numbers(values, inputs.KeyRotationPolicy))

    def key_options(self, values: Mapping[str, Any], path: str = "") -> dict[str, Any]:
        """The :class:`~cmkpg.KeyOptions` fields of ``values`` (``path``: where they are)."""
        fields = _numbers(values, inputs.KeyOptions)
        for name in ("not_before", "expires_on"):
            if name in fields:
                fields[name] = self.time(path + name, fields[name])
        if "rotation" in fields:
            fields["rotation"] = self.rotation(fields["rotation"])
        return fields

    def cmk_options(self, values: Mapping[str, Any]) -> CmkOptions:
        fields = dict(values)
        if "identity" in fields:
            fields["identity"] = IdentityOptions(**fields["identity"])
        if "vault" in fields:
            fields["vault"] = VaultOptions(**_numbers(fields["vault"], inputs.VaultOptions))
        if "key" in fields:
            fields["key"] = KeyOptions(**self.key_options(fields["key"], "cmk.key."))
        return CmkOptions(**fields)

    def source(self, values: Mapping[str, Any]) -> PointInTimeRestore | ReadReplica:
        fields = dict(values)
        if "point_in_time" in fields:
            moment = self.time("source.point_in_time", fields.pop("point_in_time"))
            if moment is not None:
                return PointInTimeRestore(**fields, point_in_time=moment)
        # A read replica; or a restore whose time did not parse, checked as one without it.
        return ReadReplica(**fields)


# -- one function per component -------------------------------------------------------------


def identity_args(values: inputs.CmkIdentityInputs) -> CmkIdentityArgs:
    return Conversion().args(CmkIdentityArgs, values)


def vault_args(values: inputs.CmkVaultInputs) -> CmkVaultArgs:
    fields = _numbers(values, inputs.CmkVaultInputs)
    if isinstance(fields.get("key_permissions"), list):
        # The library's permissions are a tuple (its args are frozen).
        fields["key_permissions"] = tuple(fields["key_permissions"])
    return Conversion().args(CmkVaultArgs, fields)


def key_args(values: inputs.CmkKeyInputs) -> CmkKeyArgs:
    conversion = Conversion()
    fields = conversion.key_options(values)
    if "vault" in fields:
        fields["vault"] = VaultReference(**fields["vault"])
    return conversion.args(CmkKeyArgs, fields)


def cluster_args(values: inputs.EncryptedCosmosPgClusterInputs) -> EncryptedCosmosPgClusterArgs:
    conversion = Conversion()
    fields: dict[str, Any] = dict(values)
    if "sizing" in fields:
        fields["sizing"] = ClusterSizing(**_numbers(fields["sizing"], inputs.ClusterSizing))
    if "customer_managed_key" in fields:
        fields["customer_managed_key"] = CustomerManagedKey(**fields["customer_managed_key"])
    if "source" in fields:
        fields["source"] = conversion.source(fields["source"])
    return conversion.args(EncryptedCosmosPgClusterArgs, fields)


def elastic_cluster_args(values: inputs.EncryptedElasticClusterInputs) -> ElasticClusterArgs:
    fields = _numbers(values, inputs.EncryptedElasticClusterInputs)
    for name in ("customer_managed_key", "geo_backup_key"):
        if name in fields:
            fields[name] = CustomerManagedKey(**fields[name])
    return Conversion().args(ElasticClusterArgs, fields)


def restore_args(values: inputs.EncryptedClusterRestoreInputs) -> EncryptedClusterRestoreArgs:
    conversion = Conversion()
    fields: dict[str, Any] = dict(values)
    if "customer_managed_key" in fields:
        fields["customer_managed_key"] = CustomerManagedKey(**fields["customer_managed_key"])
    if "cmk" in fields:
        fields["cmk"] = conversion.cmk_options(fields["cmk"])
    # A time that does not parse is reported; the current time stands in for it so that
    # the other fields are still checked.
    moment = conversion.time("point_in_time", fields["point_in_time"])
    fields["point_in_time"] = moment or datetime.now(UTC)
    return conversion.args(EncryptedClusterRestoreArgs, fields)


def monitoring_args(values: inputs.CmkMonitoringInputs) -> CmkMonitoringArgs:
    fields: dict[str, Any] = _numbers(values, inputs.CmkMonitoringInputs)
    fields["cluster"] = ClusterById(pulumi.Output.from_input(fields.pop("cluster_id")))
    fields["key"] = MonitoredKey(**fields["key"])
    return Conversion().args(CmkMonitoringArgs, fields)
