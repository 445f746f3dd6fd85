"""No module of the product is over MAX_LINES lines: a module per concern, each one readable in a sitting
(pydantic-ai's adapters are a few hundred lines each). A module that grows past it is split by concern."""

from __future__ import annotations

from pathlib import Path

SERVICE = Path(__file__).resolve().parent.parent / "service"
MAX_LINES = 400


def too_long(root: Path, limit: int = MAX_LINES) -> dict[str, int]:
    """Modules under ``root`` with more than ``limit`` lines, by path relative to ``root``."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > limit:
            out[path.relative_to(root).as_posix()] = n
    return out


def test_no_service_module_is_over_the_limit() -> None:
    assert len(list(SERVICE.rglob("*.py"))) > 40  # the product's modules, not an empty folder
    assert too_long(SERVICE) == {}, f"split these by concern (at most {MAX_LINES} lines each)"


def test_the_count_finds_a_long_module(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "long.py").write_text("x = 1\n" * (MAX_LINES + 1), encoding="utf-8")
    (tmp_path / "short.py").write_text("x = 1\n" * MAX_LINES, encoding="utf-8")
    assert too_long(tmp_path) == {"pkg/long.py": MAX_LINES + 1}
