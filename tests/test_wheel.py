"""A wheel built from this checkout (``pip install .``, not editable) carries its SQL and no simulator:
installed into a fresh venv and run from outside the repository, ``qgen migrate`` builds the whole schema,
and ``qgen simulate`` says what to install."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import asyncpg

from service import simulation
from service.sqlfiles import migration_files

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 120


def run(*cmd: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command to success; its output is in the assertion message when it fails."""
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=TIMEOUT_S, cwd=cwd, env=env)
    assert p.returncode == 0, (cmd, p.stdout[-2000:], p.stderr[-2000:])
    return p


def attempt(*cmd: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a command that may fail; the caller reads its status and output."""
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=TIMEOUT_S, cwd=cwd, env=env)


def python_packages() -> list[Path]:
    """The checkout's top-level Python packages (what pyproject.toml must list), tests aside."""
    return [d for d in sorted(ROOT.iterdir()) if (d / "__init__.py").is_file() and d.name != "tests"]


def build_and_install(tmp: Path) -> tuple[Path, Path]:
    """Build the wheel from a copy of the working tree (the build writes build/ and *.egg-info next to
    pyproject.toml) and install it, without dependencies, into a venv that borrows the project's."""
    src = tmp / "src"
    src.mkdir()
    for f in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / f, src / f)
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist")
    for d in [*python_packages(), ROOT / "sql"]:
        shutil.copytree(d, src / d.name, ignore=skip)
    # The project venv already has setuptools: no build isolation, so nothing is downloaded.
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", tmp / "dist", src)
    (wheel,) = (tmp / "dist").glob("qgen-*.whl")

    venv = tmp / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    vpy = venv / "bin" / "python"
    site = Path(run(vpy, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").stdout.strip())
    # A .pth line only appends the directory to sys.path (its own .pth files, such as the editable
    # finder of the checkout, are not run), so `service` can only come from the installed wheel.
    (site / "borrowed_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run(sys.executable, "-m", "pip", "--python", vpy, "install", "--no-deps", "-q", wheel)
    return wheel, venv


async def test_wheel_carries_sql_and_qgen_migrate_builds_the_schema(empty_dsn: str, tmp_path: Path) -> None:
    wheel, venv = await asyncio.to_thread(build_and_install, tmp_path)

    names = set(zipfile.ZipFile(wheel).namelist())
    sql = {f"service/sql/{p.relative_to(ROOT / 'sql').as_posix()}" for p in (ROOT / "sql").rglob("*.sql")}
    assert sql and sql <= names, sorted(sql - names)
    modules = {p.relative_to(ROOT).as_posix() for d in python_packages() for p in d.rglob("*.py")}
    assert modules <= names, f"not in the wheel (list the package in pyproject.toml): {sorted(modules - names)}"
    # the simulators are a distribution of their own (sim/): the product's wheel does not carry them
    assert not [n for n in names if n.split("/")[0] in ("simulators", "sim")], sorted(names)

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {"DATABASE_URL": empty_dsn, "HF_HUB_OFFLINE": "1", "PYTHONWARNINGS": "ignore", "PATH": "/usr/bin:/bin"}
    where = await asyncio.to_thread(
        run, venv / "bin" / "python", "-c", "import service.sqlfiles as s; print(s.migration_files()[0])", cwd=outside, env=env
    )
    assert where.stdout.startswith(str(venv)), where.stdout  # the packaged copy, not the checkout's sql/

    first = await asyncio.to_thread(run, venv / "bin" / "qgen", "migrate", cwd=outside, env=env)
    expected = [p.name for p in migration_files()]
    assert f"applied {len(expected)} migration(s)" in first.stdout, first.stdout
    again = await asyncio.to_thread(run, venv / "bin" / "qgen", "migrate", cwd=outside, env=env)
    assert "applied 0 migration(s); schema up to date" in again.stdout, again.stdout

    # without the simulators installed, the commands that need them say what to install, in one line
    for cmd in (["simulate"], ["worker", "--simulate"]):
        p = await asyncio.to_thread(attempt, venv / "bin" / "qgen", *cmd, cwd=outside, env=env)
        assert p.returncode == 1, (cmd, p.stdout, p.stderr)
        (line,) = p.stderr.splitlines()
        assert line.startswith(f"qgen: {simulation.MISSING}"), line

    conn = await asyncpg.connect(empty_dsn)
    try:
        assert [r["name"] for r in await conn.fetch("select name from qgen_migrations order by name")] == expected
        assert await conn.fetchval("select to_regclass('question_requests')::text") == "question_requests"
        assert await conn.fetchval("select count(*) from qgen_settings where key = 'job_size'") == 1
    finally:
        await conn.close()


def test_the_simulators_wheel_carries_every_module_its_data_and_the_entry_point(tmp_path: Path) -> None:
    src = tmp_path / "sim"
    shutil.copytree(ROOT / "sim", src, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist"))
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", tmp_path / "dist", src)
    (wheel,) = (tmp_path / "dist").glob("qgen_simulators-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        assert f"[{simulation.GROUP}]" in z.read(entry_points).decode()
    package = ROOT / "sim" / "simulators"
    files = {f"simulators/{p.relative_to(package).as_posix()}" for p in package.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts}
    assert any(f.endswith(".json") for f in files) and files <= names, sorted(files - names)
    assert not [n for n in names if n.startswith("service/")]
