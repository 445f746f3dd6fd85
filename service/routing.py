"""Which provider serves a request, and who re-solves its items: subject names, route rules (pure).

Who routes a subject, first match wins (README, "Subjects and routes"):
1. a QGEN_ROUTES rule that names it (by its catalogue name or any alias): the operator's override;
2. its route in the subject catalogue (``qgen_subjects.route``);
3. QGEN_ROUTES's ``*`` rule (subjects the catalogue does not route, or does not hold when it is open).
Aliases come from the catalogue (``service.catalogue``); without one, names are only lower-cased.
Verify routes (QGEN_VERIFY_ROUTES, QGEN_VERIFY_MODEL) are parsed here too; the gate plans with them
(``verify.plan_check``).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from .catalogue import Catalogue, subject_key
from .errors import ConfigError

# Route targets: the provider keys ``providers.registry`` can build from settings.
KNOWN_PROVIDERS = frozenset({"runpod", "gemini"})
DEFAULT_KEY = "*"


@dataclass(frozen=True)
class Routes:
    """Who generates what, as data: ``rules`` map a normalised subject (or ``*``) to a provider key;
    ``fallback`` lists the providers that fill, in order, whatever the routed one could not."""

    rules: dict[str, str]
    fallback: tuple[str, ...] = ()
    # every name the catalogue knows → its subject key (empty: names are only lower-cased)
    aliases: dict[str, str] = field(default_factory=dict)

    def primary(self, subject: str | None, text: str) -> str:
        return route(subject, text, self.rules, self.aliases)

    def with_catalogue(self, catalogue: Catalogue) -> Routes:
        """These rules over ``catalogue``: a QGEN_ROUTES rule naming a subject (or an alias of it) wins,
        the catalogue's route comes next, ``*`` last. Raises ``ConfigError`` when QGEN_ROUTES routes one
        subject twice under two of its names."""
        aliases = catalogue.aliases()
        rules: dict[str, str] = {}
        named: dict[str, str] = {}
        for key, provider in self.rules.items():
            canonical = key if key == DEFAULT_KEY else aliases.get(key, key)
            if canonical in rules and rules[canonical] != provider:
                raise ConfigError(
                    f"QGEN_ROUTES: subject {canonical!r} is routed twice ({named[canonical]!r} and {key!r} are one subject)"
                )
            rules[canonical] = provider
            named[canonical] = key
        for key, provider in catalogue.routes().items():
            rules.setdefault(key, provider)
        return dataclasses.replace(self, rules=rules, aliases=aliases)

    def chain(self, primary: str) -> list[str]:
        """The routed provider, then each fallback once (the primary is not its own fallback)."""
        return [primary, *(p for p in dict.fromkeys(self.fallback) if p != primary)]


def parse_fallback(spec: str) -> tuple[str, ...]:
    """``"gemini"`` or ``"gemini,runpod"`` (empty: no fallback); raises ``ConfigError`` on unknown names."""
    names = tuple(dict.fromkeys(x.strip().lower() for x in spec.split(",") if x.strip()))
    for name in names:
        if name not in KNOWN_PROVIDERS:
            known = ", ".join(sorted(KNOWN_PROVIDERS))
            raise ConfigError(f"QGEN_FALLBACK: unknown provider {name!r} (known: {known})")
    return names


def routes_from(spec: str, fallback: str, *, fallback_enabled: bool = True) -> Routes:
    """``Routes`` from the QGEN_ROUTES and QGEN_FALLBACK settings."""
    return Routes(parse_routes(spec), parse_fallback(fallback) if fallback_enabled else ())

# Word boundaries on both sides: "aftermath" and "metaphysics" must not route to RunPod,
# which is exactly what the old substring rule got wrong.
_KEYWORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:math|maths|mathematics)\b", re.IGNORECASE), "mathematics"),
    (re.compile(r"\bphysics\b", re.IGNORECASE), "physics"),
    (re.compile(r"\bchemistry\b", re.IGNORECASE), "chemistry"),
    (re.compile(r"\bbiology\b", re.IGNORECASE), "biology"),
)


def normalise_subject(s: str, aliases: dict[str, str] | None = None) -> str:
    """A subject's routing key: lower case, single spaces, and through ``aliases`` (the catalogue's
    names, ``Catalogue.aliases``) to its subject: 'Maths' → 'mathematics' when the catalogue says so."""
    key = subject_key(s)
    return (aliases or {}).get(key, key)


def parse_routes(spec: str) -> dict[str, str]:
    """Parse ``"mathematics=runpod,physics=runpod,*=gemini"`` into ``{subject: provider}``.

    Subjects are lower-cased (aliases are resolved against the catalogue by ``Routes.with_catalogue``);
    a ``*`` default is required; raises ``ConfigError`` on malformed input.
    """
    rules: dict[str, str] = {}
    for raw in spec.split(","):
        part = raw.strip()
        if not part:
            continue
        if part.count("=") != 1:
            raise ConfigError(f"QGEN_ROUTES: expected subject=provider, got {part!r}")
        subject, provider = (x.strip() for x in part.split("="))
        if not subject or not provider:
            raise ConfigError(f"QGEN_ROUTES: empty subject or provider in {part!r}")
        provider = provider.lower()
        if provider not in KNOWN_PROVIDERS:
            known = ", ".join(sorted(KNOWN_PROVIDERS))
            raise ConfigError(f"QGEN_ROUTES: unknown provider {provider!r} in {part!r} (known: {known})")
        key = DEFAULT_KEY if subject == DEFAULT_KEY else normalise_subject(subject)
        if key in rules and rules[key] != provider:
            raise ConfigError(f"QGEN_ROUTES: subject {key!r} is routed twice")
        rules[key] = provider
    if DEFAULT_KEY not in rules:
        raise ConfigError("QGEN_ROUTES: a default rule '*=provider' is required")
    return rules


def subject_from_text(text: str) -> str | None:
    """The subject named in free text (whole words only), or None."""
    for pattern, subject in _KEYWORDS:
        if pattern.search(text):
            return subject
    return None


def route(subject: str | None, text: str, rules: dict[str, str], aliases: dict[str, str] | None = None) -> str:
    """Provider for a request: the structured subject wins; without one, whole-word keywords in ``text``."""
    if subject is not None and subject.strip():
        key = normalise_subject(subject, aliases)
    else:
        key = subject_from_text(text or "") or DEFAULT_KEY
    return rules.get(key, rules[DEFAULT_KEY])


# --- who re-solves whose items (QGEN_VERIFY_ROUTES, QGEN_VERIFY_MODEL) ---------------------------------


@dataclass(frozen=True)
class VerifyRoutes:
    """Who re-solves whose items, as data: ``rules`` map (generator key or ``*``, normalised subject or None)
    to the verifying provider key. The most specific rule wins: generator and subject, generator, ``*`` and
    subject, ``*``. No rule, or a verifier that is not configured: the generator checks itself."""

    rules: dict[tuple[str, str | None], str]

    def target(self, generator: str, subject: str | None, aliases: dict[str, str] | None = None) -> str | None:
        """The verifier of ``generator``'s items on ``subject``; names compared through ``aliases`` (the
        subject catalogue's, ``Routes.aliases``), so 'gemini/maths' and a Mathematics request meet."""
        subj = normalise_subject(subject, aliases) if subject else None
        rules = {(g, normalise_subject(s, aliases) if s else None): v for (g, s), v in self.rules.items()}
        for key in ((generator, subj), (generator, None), ("*", subj), ("*", None)):
            if key in rules:
                return rules[key]
        return None


def parse_verify_routes(spec: str) -> VerifyRoutes:
    """``"runpod=gemini,gemini/mathematics=runpod"``: generator[/subject]=verifier, comma-separated;
    ``ConfigError`` on unknown providers or malformed parts."""
    rules: dict[tuple[str, str | None], str] = {}
    known = ", ".join(sorted(KNOWN_PROVIDERS))
    for raw in spec.split(","):
        part = raw.strip()
        if not part:
            continue
        src, eq, dst = (x.strip().lower() for x in part.partition("="))
        gen, _, subject = (x.strip() for x in src.partition("/"))
        if not eq or not gen or not dst or gen not in KNOWN_PROVIDERS | {"*"} or dst not in KNOWN_PROVIDERS:
            raise ConfigError(
                f"QGEN_VERIFY_ROUTES: expected generator[/subject]=verifier with providers {known}, got {part!r}"
            )
        rules[(gen, normalise_subject(subject) if subject else None)] = dst
    return VerifyRoutes(rules)


def parse_verify_model(spec: str | None) -> tuple[str, str] | None:
    """QGEN_VERIFY_MODEL as (provider key, model): ``"gemini-3.5-pro"`` (a Gemini model: a RunPod endpoint
    serves one model) or ``"runpod:org/model"``; None when unset."""
    if not spec or not spec.strip():
        return None
    head, sep, tail = spec.strip().partition(":")
    if sep and head.lower() in KNOWN_PROVIDERS and tail.strip():
        return head.lower(), tail.strip()
    return "gemini", spec.strip()
