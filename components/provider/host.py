"""The provider that hosts the components: Pulumi's analyzer-based ``ComponentProvider``,
with the schema finished where the analyzer stops short, and validation errors reported
as they are.

What :class:`CmkpgProvider` adds to ``ComponentProvider``:

* **Secrets.** The analyzer has no way to mark a property secret. The schema marks the
  administrator password (input and output) and the connection strings, so generated SDKs
  wrap the password input in a secret and keep those outputs secret (the components also
  return them as secret outputs, which covers YAML).
* **Descriptions.** The analyzer reads an attribute's docstring from the class that is
  analyzed only, not from its bases or from the library class it stands for. A property it
  leaves undescribed gets the docstring of the same attribute on the classes in
  :data:`DOCUMENTED_BY` (the library's ``*Args``, options and components), and every
  description is dedented (``inspect.cleandoc``), as Python shows docstrings.
* **Errors.** A :class:`~cmkpg.ValidationError` raised while a component is constructed
  reaches the consumer as its message alone (an ``InputPropertiesError``), not wrapped with a
  Python traceback as other exceptions are.

The schema version is the package version (``cmkpg._version``), which is also the release
tag without its ``v``: generated SDKs ask for the plugin at the schema version, and for a git
source that version selects the tag.
"""

import ast
import functools
import inspect
import itertools
import json
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import pulumi
from pulumi.errors import InputPropertiesError
from pulumi.provider import ConstructResult
from pulumi.provider import main as serve_provider
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.experimental.util import camel_case
from pulumi.provider.server import ComponentInitError

from .. import cluster, cmk, elastic, identity, key, monitoring, restore, vault
from .._version import __version__
from ..base import PACKAGE
from ..validation import ValidationError
from . import inputs
from .components import COMPONENTS

DOCUMENTED_BY: dict[type, tuple[type, ...]] = {
    inputs.IdentityOptions: (identity.IdentityOptions,),
    inputs.VaultOptions: (vault.VaultOptions,),
    inputs.KeyRotationPolicy: (key.KeyRotationPolicy,),
    inputs.KeyOptions: (key.KeyOptions,),
    inputs.VaultReference: (key.VaultReference,),
    inputs.ClusterSizing: (cluster.ClusterSizing,),
    inputs.CustomerManagedKey: (cluster.CustomerManagedKey,),
    inputs.ClusterSource: (cluster.PointInTimeRestore,),
    inputs.CmkOptions: (cmk.CmkOptions,),
    inputs.MonitoredKey: (monitoring.MonitoredKey,),
    # A TypedDict forgets its TypedDict bases at run time: they are listed first.
    inputs.CmkIdentityInputs: (inputs.IdentityOptions, identity.CmkIdentityArgs),
    inputs.CmkVaultInputs: (inputs.VaultOptions, vault.CmkVaultArgs),
    inputs.CmkKeyInputs: (inputs.KeyOptions, key.CmkKeyArgs),
    inputs.EncryptedCosmosPgClusterInputs: (cluster.EncryptedCosmosPgClusterArgs,),
    inputs.EncryptedElasticClusterInputs: (elastic.ElasticClusterArgs,),
    inputs.EncryptedClusterRestoreInputs: (restore.EncryptedClusterRestoreArgs,),
    inputs.CmkMonitoringInputs: (monitoring.CmkMonitoringArgs,),
}
"""Where the description of a property comes from when the class that declares it has no
docstring for it: these classes, in order, each with its bases (the components' library
classes are their bases)."""

SECRET_INPUTS: dict[str, tuple[str, ...]] = {
    "EncryptedCosmosPgCluster": ("administrator_login_password",),
    "EncryptedElasticCluster": ("administrator_login_password",),
}
SECRET_OUTPUTS: dict[str, tuple[str, ...]] = {
    "EncryptedCosmosPgCluster": ("administrator_login_password", "connection_string"),
    "EncryptedElasticCluster": ("administrator_login_password", "connection_string"),
    "EncryptedClusterRestore": ("connection_string",),
}


class CmkpgProvider(ComponentProvider):
    """The ``cmkpg`` component package: every component of :data:`COMPONENTS`, with the
    finished schema in ``self.schema`` (a JSON string, as ``GetSchema`` returns it)."""

    def __init__(self, version: str = __version__) -> None:
        super().__init__(list(COMPONENTS), PACKAGE, version=version)
        self.schema = json.dumps(finish(json.loads(self.schema)))

    def construct(
        self,
        name: str,
        resource_type: str,
        inputs: pulumi.Inputs,
        options: pulumi.ResourceOptions | None = None,
    ) -> ConstructResult:
        try:
            return super().construct(name, resource_type, inputs, options)
        except ComponentInitError as err:
            if isinstance(err.inner, ValidationError):
                raise InputPropertiesError(str(err.inner)) from err.inner
            raise


def schema(version: str = __version__) -> dict[str, Any]:
    """The package's schema, as ``pulumi package get-schema`` would print it."""
    return json.loads(CmkpgProvider(version).schema)


def serve(args: Sequence[str] | None = None) -> None:
    """Run the provider as a plugin (what ``package/__main__.py`` does)."""
    serve_provider(CmkpgProvider(), list(sys.argv[1:] if args is None else args))


# -- finishing the schema ---------------------------------------------------------------------


def finish(document: dict[str, Any]) -> dict[str, Any]:
    """Secrets and descriptions the analyzer cannot give (see the module docstring)."""
    for component in COMPONENTS:
        resource = document["resources"][f"{PACKAGE}:index:{component.__name__}"]
        args = inspect.get_annotations(component.__init__)["args"]
        _describe(resource["inputProperties"], args)
        _describe(resource["properties"], component)
        for py_name in SECRET_INPUTS.get(component.__name__, ()):
            resource["inputProperties"][camel_case(py_name)]["secret"] = True
        for py_name in SECRET_OUTPUTS.get(component.__name__, ()):
            resource["properties"][camel_case(py_name)]["secret"] = True
    for typed in inputs.NESTED_TYPES:
        spec = document["types"][f"{PACKAGE}:index:{typed.__name__}"]
        if not spec.get("description"):
            spec["description"] = next((c.__doc__ for c in _sources(typed) if c.__doc__), None)
        _describe(spec["properties"], typed)
    for description_holder in _described(document):
        description_holder["description"] = inspect.cleandoc(description_holder["description"])
    return document


def _describe(properties: dict[str, Any], owner: type) -> None:
    """Give every property of ``owner`` the analyzer left undescribed its docstring from
    the classes that document ``owner``."""
    names = {camel_case(n): n for n in _annotations(owner)}
    for schema_name, spec in properties.items():
        if spec.get("description"):
            continue
        py_name = names[schema_name]
        for source in _sources(owner):
            if doc := _attribute_docs(source).get(py_name):
                spec["description"] = doc
                break


def _annotations(owner: type) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for cls in reversed(owner.__mro__):
        found.update(inspect.get_annotations(cls))
    return found


def _sources(owner: type) -> list[type]:
    """``owner``, its bases and the classes that document it, in the order they are read
    (the SDK's own classes are never read)."""
    classes = [c for c in owner.__mro__ if c.__module__.split(".")[0] == "cmkpg"]
    for documenting in DOCUMENTED_BY.get(owner, ()):
        classes += [c for c in _sources(documenting) if c not in classes]
    return classes


def _attribute_docs(cls: type) -> dict[str, str]:
    """The string literal under each annotated attribute of ``cls``'s own body: where the
    analyzer finds descriptions."""
    return _module_docs(cls.__module__).get(cls.__qualname__, {})


@functools.cache
def _module_docs(module: str) -> dict[str, dict[str, str]]:
    """:func:`_attribute_docs` of every top-level class of ``module``, from one parse of its
    source (``inspect.getsource`` would parse the module once per class)."""
    try:
        source = inspect.getsource(sys.modules[module])
    except (KeyError, OSError, TypeError):
        return {}
    docs: dict[str, dict[str, str]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            body = node.body
            docs[node.name] = {
                stmt.target.id: after.value.value
                for stmt, after in itertools.pairwise(body)
                if isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            }
    return docs


def _described(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every object in the schema with a description."""
    for spec in (*document["resources"].values(), *document["types"].values()):
        yield from _with_description(spec)


def _with_description(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if isinstance(node.get("description"), str):
            yield node
        for value in node.values():
            yield from _with_description(value)
    elif isinstance(node, list):
        for value in node:
            yield from _with_description(value)
