"""The example consumer stacks: a security stack owns the key, a database stack consumes it."""

from __future__ import annotations

import ast
import tomllib

from conftest import ACCESS_POLICY, CLUSTER, IDENTITY, KEY, ROOT, VAULT, created_types
from packaging.requirements import Requirement

from cmkpg.preview.cli import plan_stack

EXAMPLES = ROOT / "examples"


def test_security_stack_owns_identity_vault_grant_and_key():
    plan = plan_stack("dev", project_dir=EXAMPLES / "security-stack")
    assert {IDENTITY, VAULT, ACCESS_POLICY, KEY} <= created_types(plan)
    assert CLUSTER not in created_types(plan)
    key = plan.one(KEY).inputs["properties"]
    assert key["kty"] == "RSA-HSM" and "rotationPolicy" in key
    assert plan.one(VAULT).inputs["properties"]["sku"]["name"] == "premium"
    assert {"identityId", "keyUri", "keyVersionedUri", "location"} <= set(plan.outputs)


def test_database_stack_consumes_the_key_through_a_stack_reference():
    security = plan_stack("dev", project_dir=EXAMPLES / "security-stack")
    plan = plan_stack("dev", project_dir=EXAMPLES / "database-stack")
    # Separation of duties: nothing key-related is created or granted here.
    assert created_types(plan).isdisjoint({IDENTITY, VAULT, ACCESS_POLICY, KEY})
    (reference,) = [r for r in plan.resources if r.type == "pulumi:pulumi:StackReference"]
    assert reference.read and reference.id == "organization/cmkpg-security/dev"
    encryption = plan.one(CLUSTER).inputs["dataEncryption"]
    assert encryption["primaryKeyUri"] == security.outputs["keyVersionedUri"]
    assert encryption["primaryUserAssignedIdentityId"] == security.outputs["identityId"]
    assert plan.one(CLUSTER).protect


def test_the_components_install_as_a_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    # The folder components/ installs as the package cmkpg.
    assert project["tool"]["setuptools"]["package-dir"] == {"cmkpg": "components"}
    assert all(p.split(".")[0] == "cmkpg" for p in project["tool"]["setuptools"]["packages"])
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line and not line.startswith(("#", "-e")):
            requirement = Requirement(line)
            pins[requirement.name.lower().replace("_", "-")] = next(
                iter(requirement.specifier)
            ).version
    for dependency in project["project"]["dependencies"]:
        requirement = Requirement(dependency)
        # The versions this repository tests are inside the ranges consumers get.
        assert requirement.specifier.contains(pins[requirement.name.lower()]), dependency


def test_the_library_does_not_depend_on_the_tools_or_tests():
    # The library and the preview it ships import neither this repository's dev tools nor
    # test-only packages; only the preview reads YAML.
    for module in (ROOT / "components").rglob("*.py"):
        tree = ast.parse(module.read_text())
        imported = {
            (node.module or "").split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.level == 0
        } | {
            a.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for a in node.names
        }
        forbidden = {"tools", "tests", "jsonschema", "hypothesis", "components"}
        if "preview" not in module.relative_to(ROOT).parts:
            forbidden.add("yaml")
        assert not imported & forbidden, module.name
