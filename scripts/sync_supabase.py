"""Keep ``supabase/migrations/`` a byte-identical copy of ``sql/migrations/*.sql``.

The Supabase CLI (``supabase db reset`` / ``supabase db push``) reads
``supabase/migrations/<timestamp>_name.sql``; ``qgen migrate`` reads ``sql/migrations/``.
One source, two readers.

    python scripts/sync_supabase.py           # copy new/changed files, delete stale ones
    python scripts/sync_supabase.py --check   # report drift, exit 1 if there is any
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "sql" / "migrations"
TARGET = ROOT / "supabase" / "migrations"

# The Supabase CLI applies files named <digits>_<name>.sql in timestamp order and skips others.
CLI_NAME = re.compile(r"^\d{14}_[A-Za-z0-9_]+\.sql$")


def drift(source: Path = SOURCE, target: Path = TARGET) -> list[str]:
    """One line per difference between the two directories; empty when they agree."""
    problems: list[str] = []
    src = {p.name: p for p in source.glob("*.sql")}
    dst = {p.name: p for p in target.glob("*.sql")} if target.is_dir() else {}
    for name in sorted(src):
        if not CLI_NAME.match(name):
            problems.append(f"bad name: {name} (the Supabase CLI needs <14-digit timestamp>_<name>.sql)")
        if name not in dst:
            problems.append(f"missing: {target.name}/{name}")
        elif dst[name].read_bytes() != src[name].read_bytes():
            problems.append(f"different: {target.name}/{name}")
    problems += [f"extra: {target.name}/{name}" for name in sorted(set(dst) - set(src))]
    return problems


def sync(source: Path = SOURCE, target: Path = TARGET) -> list[str]:
    """Make ``target`` match ``source``; return what was done."""
    done: list[str] = []
    target.mkdir(parents=True, exist_ok=True)
    src = {p.name: p for p in source.glob("*.sql")}
    for name, path in sorted(src.items()):
        out = target / name
        data = path.read_bytes()
        if not out.exists() or out.read_bytes() != data:
            out.write_bytes(data)
            done.append(f"wrote {target.name}/{name}")
    for stale in sorted(target.glob("*.sql")):
        if stale.name not in src:
            stale.unlink()
            done.append(f"removed {target.name}/{stale.name}")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="only report drift; exit 1 if any")
    parser.add_argument("--source", type=Path, default=SOURCE, help=argparse.SUPPRESS)
    parser.add_argument("--target", type=Path, default=TARGET, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.check:
        problems = drift(args.source, args.target)
        for line in problems:
            print(line, file=sys.stderr)
        if problems:
            print("supabase/migrations is out of date: run `make sync-supabase`", file=sys.stderr)
            return 1
        print("supabase/migrations matches sql/migrations")
        return 0
    for line in sync(args.source, args.target) or ["supabase/migrations already up to date"]:
        print(line)
    bad = [p for p in drift(args.source, args.target) if p.startswith("bad name")]
    for line in bad:
        print(line, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
