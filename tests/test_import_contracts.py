"""The import contracts of pyproject.toml ([tool.importlinter], run by ``make lint``) hold on this tree, and a
violating import in a copy of it fails ``lint-imports`` with the broken contract named."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONTRACTS = [c["name"] for c in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]]
NO_SIMULATORS, RUNNERS_ONLY = CONTRACTS
TIMEOUT_S = 120


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on ``tree`` (its pyproject.toml, its service/ and simulators/ first on the path)."""
    path = os.pathsep.join([str(tree), str(tree / "sim")])
    # wide lines: rich wraps a long contract name at the terminal's width
    env = {**os.environ, "PYTHONPATH": path, "COLUMNS": "400", "NO_COLOR": "1"}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT_S)


def test_the_tree_keeps_every_contract() -> None:
    p = lint_imports(ROOT)
    assert p.returncode == 0, p.stdout + p.stderr
    for name in CONTRACTS:
        assert f"{name} KEPT" in p.stdout, p.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("service/routing.py", "import simulators.knobs", NO_SIMULATORS),
        ("service/dedupe.py", "from service import worker", RUNNERS_ONLY),
        ("service/verify.py", "from . import cli", RUNNERS_ONLY),
        # a runner other than the worker or the CLI is a door to them: importing it is a violation too
        ("service/bank.py", "from .doctor import run_doctor", RUNNERS_ONLY),
    ],
)
def test_a_violating_import_fails_and_names_the_contract(tmp_path: Path, module: str, line: str, broken: str) -> None:
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    skip = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "service", tmp_path / "service", ignore=skip)
    shutil.copytree(ROOT / "sim" / "simulators", tmp_path / "sim" / "simulators", ignore=skip)
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{line}  # a violation\n")

    p = lint_imports(tmp_path)
    assert p.returncode == 1, p.stdout + p.stderr
    assert f"{broken} BROKEN" in p.stdout, p.stdout
    assert module.removesuffix(".py").replace("/", ".") in p.stdout, p.stdout  # the importer is named
    for name in set(CONTRACTS) - {broken}:
        assert f"{name} KEPT" in p.stdout, p.stdout
