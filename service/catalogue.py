"""The subject catalogue as the worker sees it: canonical subjects, their aliases, routes and topics.

The catalogue is data (``qgen_subjects``, ``qgen_subject_aliases``, ``qgen_topics``; migration
20261204000300_subjects.sql): the request trigger stores every request under its canonical subject, and
the worker reads the same tables once at start for routing (``service.routing``) and the on-topic check
(``service.topic``). ``load`` is the only I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg

from .sqlfiles import q


def subject_key(name: str) -> str:
    """How subject names are compared (``qgen_subject_key`` in SQL): lower case, single spaces."""
    return " ".join(name.split()).lower()


@dataclass(frozen=True)
class Topic:
    """A chapter of a subject, with the description the on-topic check compares questions to."""

    subject: str
    name: str
    description: str


@dataclass(frozen=True)
class Subject:
    name: str
    route: str | None
    description: str
    aliases: tuple[str, ...] = ()
    topics: tuple[Topic, ...] = ()


@dataclass(frozen=True)
class Catalogue:
    """Subjects by key; ``open``: whether subjects outside it are accepted (qgen_settings open_subjects)."""

    subjects: dict[str, Subject] = field(default_factory=dict)
    open: bool = False

    @classmethod
    def of(cls, subjects: list[Subject], *, open: bool = False) -> Catalogue:
        return cls({subject_key(s.name): s for s in subjects}, open)

    def canonical(self, name: str | None) -> str | None:
        """The catalogue's name for ``name`` (its own name or an alias, any case and spacing), or None."""
        if name is None:
            return None
        key = subject_key(name)
        if key in self.subjects:
            return self.subjects[key].name
        for s in self.subjects.values():
            if key in s.aliases:
                return s.name
        return None

    def subject(self, name: str | None) -> Subject | None:
        canonical = self.canonical(name)
        return self.subjects[subject_key(canonical)] if canonical is not None else None

    def topic(self, subject: str | None, topic: str | None) -> Topic | None:
        """The chapter ``topic`` names in ``subject`` (case-insensitive), or None."""
        s = self.subject(subject)
        if s is None or topic is None:
            return None
        want = " ".join(topic.split()).lower()
        return next((t for t in s.topics if t.name.lower() == want), None)

    def routes(self) -> dict[str, str]:
        """Subject key → provider, for the subjects that name a route."""
        return {k: s.route for k, s in self.subjects.items() if s.route}

    def aliases(self) -> dict[str, str]:
        """Every name the catalogue knows (subject keys and aliases) → the subject's key."""
        out = {k: k for k in self.subjects}
        for k, s in self.subjects.items():
            out.update({a: k for a in s.aliases})
        return out


async def load(conn: asyncpg.Connection) -> Catalogue:
    """The catalogue as stored now."""
    topics: dict[str, list[Topic]] = {}
    for r in await conn.fetch(q("catalogue_topics")):
        topics.setdefault(r["subject"], []).append(Topic(r["subject"], r["topic"], r["description"]))
    subjects = [
        Subject(r["subject"], r["route"], r["description"], tuple(r["aliases"]),
                tuple(topics.get(r["subject"], [])))
        for r in await conn.fetch(q("catalogue_subjects"))
    ]
    return Catalogue.of(subjects, open=bool(await conn.fetchval(q("catalogue_open"))))


async def canonical(conn: asyncpg.Connection, name: str) -> str | None:
    """The catalogue's name for ``name`` as the database resolves it (``qgen_canonical_subject``), or None."""
    value = await conn.fetchval(q("canonical_subject"), name)
    return str(value) if value is not None else None
