"""The package as a consumer gets it: a wheel, installed into a fresh virtualenv, previewing
a project outside this repository that has a helper module of its own.

The fresh venv sees the pinned dependencies through a ``.pth`` file pointing at this
repository's ``.venv`` (installing pulumi-azure-native again would take minutes); ``cmkpg``
itself comes only from the wheel: the repository is not on its path.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT

from cmkpg import __version__

PROJECT = {
    "Pulumi.yaml": """\
        name: orders-db
        runtime:
          name: python
          options:
            toolchain: pip
            virtualenv: venv
        config:
          location:
            type: string
        """,
    "Pulumi.prod.yaml": """\
        config:
          orders-db:location: westeurope
        """,
    "naming.py": '''\
        """The team's naming convention: a helper module next to __main__.py."""


        def cluster_name(stack: str) -> str:
            return f"orders-{stack}"
        ''',
    "__main__.py": """\
        import pulumi
        from cmkpg import CmkOptions, EncryptedCosmosPgCluster, EncryptedCosmosPgClusterArgs
        from cmkpg import create_customer_managed_key

        from naming import cluster_name

        location = pulumi.Config().require("location")
        cmk = create_customer_managed_key("orders", location, "rg-orders", CmkOptions())
        cluster = EncryptedCosmosPgCluster(
            "orders",
            EncryptedCosmosPgClusterArgs(
                resource_group_name="rg-orders",
                location=location,
                cluster_name=cluster_name(pulumi.get_stack()),
                customer_managed_key=cmk.customer_managed_key,
                firewall_rules={"app": "203.0.113.0/26"},
            ),
        )
        pulumi.export("clusterName", cluster.name)
        """,
}


def run(*command: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def consumer_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("consumer")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "components", source / "components", ignore=shutil.ignore_patterns("__pycache__")
    )
    built = run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        base / "dist",
        source,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (base / "dist").glob("cmkpg-*.whl")
    assert wheel.name == f"cmkpg-{__version__}-py3-none-any.whl"

    venv = base / "venv"
    created = run(sys.executable, "-m", "venv", "--without-pip", venv)
    assert created.returncode == 0, created.stderr
    (site_packages,) = venv.glob("lib/python*/site-packages")
    (site_packages / "pinned-dependencies.pth").write_text(site.getsitepackages()[0] + "\n")
    installed = run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        venv / "bin" / "python",
        "install",
        "--no-deps",
        "-q",
        wheel,
    )
    assert installed.returncode == 0, installed.stderr
    return venv


@pytest.fixture(scope="module")
def consumer_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("orders-db")
    for name, text in PROJECT.items():
        (project / name).write_text(textwrap.dedent(text))
    return project


def test_the_wheel_installs_cmkpg_and_nothing_named_components(consumer_venv: Path):
    python = consumer_venv / "bin" / "python"
    # Run outside the repository, whose components/ folder would import from the cwd.
    probe = "import cmkpg, cmkpg.config, cmkpg.preview, pathlib; p = pathlib.Path(cmkpg.__file__)"
    where = run(
        python,
        "-c",
        f"{probe}; print(p); print((p.parent / 'py.typed').exists())",
        cwd=consumer_venv,
    )
    assert where.returncode == 0, where.stderr
    location, typed = where.stdout.split()
    assert location.startswith(str(consumer_venv)) and typed == "True"
    leak = run(python, "-c", "import components", cwd=consumer_venv)
    assert leak.returncode != 0 and "No module named 'components'" in leak.stderr


def test_the_installed_preview_plans_a_project_with_a_helper_module(
    consumer_venv: Path, consumer_project: Path
):
    previewed = run(
        consumer_venv / "bin" / "cmkpg-preview",
        "--config",
        "Pulumi.prod.yaml",
        cwd=consumer_project,
    )
    assert previewed.returncode == 0, previewed.stderr
    out = previewed.stdout
    assert out.startswith("Previewing update (prod) offline")  # the stack is the file's
    assert "cmkpg:index:EncryptedCosmosPgCluster" in out and "orders-prod" in out
    assert "azure-native:keyvault:Key" in out


def test_python_dash_m_cmkpg_preview_is_the_same_entry_point(
    consumer_venv: Path, consumer_project: Path
):
    previewed = run(
        consumer_venv / "bin" / "python",
        "-m",
        "cmkpg.preview",
        "--project-dir",
        consumer_project,
        "--stack",
        "prod",
        "--json",
    )
    assert previewed.returncode == 0, previewed.stderr
    assert '"project": "orders-db"' in previewed.stdout
