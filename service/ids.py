"""Request ids as people type them: a full UUID or any unique prefix of one (as git takes commit ids)."""

from __future__ import annotations

import re
import uuid

import asyncpg

from .errors import InputError
from .sqlfiles import q

SHORT = 8  # what `qgen status` shows
MIN_PREFIX = 4  # shorter prefixes are refused: `qgen cancel a` should not pick a request by luck
_HEX = re.compile(r"^[0-9a-f]+$")
_SHOWN = 5  # candidates named in an ambiguity error


def short(rid: uuid.UUID | str) -> str:
    """The 8-character form shown in tables."""
    return str(rid)[:SHORT]


def prefix_range(text: str) -> tuple[uuid.UUID, uuid.UUID]:
    """The smallest and largest UUID starting with ``text`` (hyphens optional, any case).

    Raises ``InputError`` ("not a request id: …") for anything that is not hex or is shorter than
    ``MIN_PREFIX`` digits. A full UUID gives the same id twice.
    """
    digits = text.strip().lower().replace("-", "")
    if not _HEX.match(digits) or len(digits) > 32 or not _hyphens_in_place(text.strip().lower()):
        raise InputError(f"not a request id: {text!r}")
    if len(digits) < MIN_PREFIX:
        raise InputError(f"not a request id: {text!r} (give at least {MIN_PREFIX} hex digits)")
    return uuid.UUID(digits.ljust(32, "0")), uuid.UUID(digits.ljust(32, "f"))


def _hyphens_in_place(text: str) -> bool:
    """Hyphens, if any, sit where a UUID has them (8-4-4-4-12): '6f1c-6b1e' is a typo, not a prefix."""
    canonical = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
    return all(c != "-" or (i < len(canonical) and canonical[i] == "-") for i, c in enumerate(text))


def choose(text: str, candidates: list[uuid.UUID], total: int | None = None) -> uuid.UUID:
    """The one candidate, or ``InputError``: none ("no request …") or several (``total`` of them when
    only some are given), the first few named, in one line."""
    total = len(candidates) if total is None else total
    if total == 1 and candidates:
        return candidates[0]
    if not candidates:
        raise InputError(f"no request {text}")
    width = _distinguishing_width(candidates[:_SHOWN])
    shown = ", ".join(str(c)[:width] for c in candidates[:_SHOWN])
    more = f" and {total - _SHOWN} more" if total > _SHOWN else ""
    raise InputError(f"request id {text!r} is ambiguous: it matches {shown}{more}; give more characters")


def _distinguishing_width(ids: list[uuid.UUID]) -> int:
    """The shortest printed width (at least ``SHORT``) at which ``ids`` all differ."""
    texts = [str(i) for i in ids]
    for width in range(SHORT, 37):
        if len({t[:width] for t in texts}) == len(texts):
            return width
    return 36


async def resolve_request(conn: asyncpg.Connection, text: str) -> uuid.UUID:
    """The request whose id is ``text`` or starts with it; ``InputError`` when none or several do."""
    lo, hi = prefix_range(text)
    rows = await conn.fetch(q("request_ids_in_range"), lo, hi, _SHOWN + 1)
    found = [r["id"] for r in rows]
    total = len(found)
    if total > _SHOWN:  # name a few, count the rest
        total = int(await conn.fetchval(q("count_request_ids_in_range"), lo, hi))
    return choose(text, found[:_SHOWN], total)
