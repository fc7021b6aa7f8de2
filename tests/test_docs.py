"""The README tells the truth: its example runs, its config table matches the code."""

from __future__ import annotations

import re

from conftest import (
    ACCESS_POLICY,
    CLUSTER,
    CMK_OUTPUTS,
    COMMON_OUTPUTS,
    ELASTIC_OUTPUTS,
    GEO_BACKUP_OUTPUTS,
    IDENTITY,
    KEY,
    MONITORING_OUTPUTS,
    ROOT,
    SOURCE_OUTPUTS,
    VAULT,
    run_components,
)

from tools import project_file

README = (ROOT / "README.md").read_text()


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


def test_readme_and_pulumi_yaml_match_the_declared_config():
    assert project_file.main([]) == 0, "run: python -m tools.project_file --write"


def test_component_example_in_the_readme_runs():
    (example,) = python_blocks()

    def program():
        exec(compile(example, "README.md", "exec"), {"__name__": "readme_example"})

    plan = run_components(program)
    assert {r.type for r in plan.resources if r.custom} >= {
        IDENTITY,
        VAULT,
        ACCESS_POLICY,
        KEY,
        CLUSTER,
    }
    assert plan.outputs["connectionString"] == "[secret]"
    assert plan.one(KEY).inputs["properties"]["keySize"] == 4096
    assert "dataEncryption" in plan.one(CLUSTER).inputs


def test_readme_names_the_two_commands_and_every_stack_output():
    assert "make preview" in README and "make test" in README
    every = COMMON_OUTPUTS | CMK_OUTPUTS | MONITORING_OUTPUTS | SOURCE_OUTPUTS
    for output in every | ELASTIC_OUTPUTS | GEO_BACKUP_OUTPUTS:
        assert f"`{output}`" in README, output


def test_the_changelog_and_the_install_line_name_the_current_version():
    from cmkpg import __version__

    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert f"\n## {__version__}\n" in changelog
    assert f"cmkpg.git@v{__version__}" in README
