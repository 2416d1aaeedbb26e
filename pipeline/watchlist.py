"""The watchlist: which actors and topics a subject follows, read from a TOML file.

A watchlist declares actors (name, kind, the party they speak for, aliases and misspellings, nationality
adjectives, seats of government, anaphors such as "the group", date-bounded roles such as "envoy") and
topics (a key, a label and the phrases that name it). Everything downstream (actor resolution, topic
assignment, the store's actors/aliases/topics tables) reads it from here.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pipeline.models import Actor

__all__ = [
    "ACTOR_KINDS",
    "Role",
    "Topic",
    "WatchActor",
    "Watchlist",
    "WatchlistError",
    "load_watchlist",
    "parse_watchlist",
]

ACTOR_KINDS: tuple[str, ...] = ("person", "organisation", "country", "group")
_ACTOR_KEYS = frozenset(
    {"name", "kind", "party", "aliases", "adjectives", "places", "anaphors", "roles", "gender"}
)
_ROLE_KEYS = frozenset({"title", "from", "to"})
_TOPIC_KEYS = frozenset({"key", "label", "phrases"})
_TOP_KEYS = frozenset({"name", "actors", "topics"})


class WatchlistError(ValueError):
    """A watchlist file that cannot be used; the message names the file and the bad key."""


@dataclass(frozen=True, slots=True)
class Role:
    """A title an actor holds, optionally between two dates ("envoy" from 2025-01-20)."""

    title: str
    start: date | None = None
    end: date | None = None

    def holds_on(self, day: date | None) -> bool:
        """Whether the role is held on ``day``; an undated article gets every role."""
        if day is None:
            return True
        if self.start is not None and day < self.start:
            return False
        return not (self.end is not None and day > self.end)


@dataclass(frozen=True, slots=True)
class WatchActor:
    name: str
    kind: str
    party: str  # the canonical party the actor speaks for; itself for parties
    aliases: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    anaphors: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    gender: Literal["female", "male"] | None = None  # a person's, for "he"/"she" agreement


@dataclass(frozen=True, slots=True)
class Topic:
    key: str
    label: str
    phrases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Watchlist:
    name: str
    actors: tuple[WatchActor, ...]
    topics: tuple[Topic, ...]
    path: str | None = None

    def actor(self, name: str) -> WatchActor | None:
        for actor in self.actors:
            if actor.name == name:
                return actor
        return None

    def canonical_actors(self) -> tuple[Actor, ...]:
        """The actors as the store keeps them (status "canonical")."""
        return tuple(
            Actor(name=a.name, kind=a.kind, party=a.party, status="canonical", aliases=a.aliases)
            for a in self.actors
        )

    def alias_rows(self) -> tuple[tuple[str, str], ...]:
        """(alias, actor) pairs, the confirmed aliases for the store's aliases table."""
        return tuple((alias, a.name) for a in self.actors for alias in a.aliases)

    def topic_rows(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """(key, label, phrases) for the store's topics table."""
        return tuple((t.key, t.label, t.phrases) for t in self.topics)


def load_watchlist(path: str | Path) -> Watchlist:
    """Read and check a watchlist TOML file.

    >>> load_watchlist("examples/gaza-ceasefire/watchlist.toml").actor("Steve Witkoff").party
    'United States'
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise WatchlistError(f"{path}: no such watchlist file") from None
    except tomllib.TOMLDecodeError as error:
        raise WatchlistError(f"{path}: not valid TOML: {error}") from None
    except UnicodeDecodeError:
        raise WatchlistError(f"{path}: not a text file (TOML must be UTF-8)") from None
    except OSError as error:  # a folder, no permission
        raise WatchlistError(f"{path}: cannot read the watchlist ({error.strerror or error})") from None
    return parse_watchlist(data, source=str(path))


def parse_watchlist(data: dict[str, Any], source: str = "<watchlist>") -> Watchlist:
    """Build a Watchlist from already-parsed TOML data, checking every key."""
    _no_unknown_keys(data, _TOP_KEYS, source, "top level")
    actors_data = data.get("actors", [])
    topics_data = data.get("topics", [])
    if not isinstance(actors_data, list) or not isinstance(topics_data, list):
        raise WatchlistError(
            f"{source}: 'actors' and 'topics' must be arrays of tables ([[actors]], [[topics]])"
        )
    actors = tuple(_parse_actor(item, source, i) for i, item in enumerate(actors_data))
    names = [a.name for a in actors]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise WatchlistError(f"{source}: actor names must be unique, repeated: {', '.join(duplicates)}")
    known = set(names)
    for actor in actors:
        if actor.party not in known:
            raise WatchlistError(f"{source}: actor {actor.name!r}: party {actor.party!r} is not an actor")
    topics = tuple(_parse_topic(item, source, i) for i, item in enumerate(topics_data))
    keys = [t.key for t in topics]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise WatchlistError(f"{source}: topic keys must be unique, repeated: {', '.join(repeated)}")
    name = data.get("name", Path(source).stem)
    if not isinstance(name, str):
        raise WatchlistError(f"{source}: 'name' must be a string")
    return Watchlist(name=name, actors=actors, topics=topics, path=source)


def _no_unknown_keys(table: dict[str, Any], allowed: frozenset[str], source: str, where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise WatchlistError(
            f"{source}: {where}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})"
        )


def _strings(table: dict[str, Any], key: str, source: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise WatchlistError(f"{source}: {where}: {key!r} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _parse_actor(item: Any, source: str, index: int) -> WatchActor:
    where = f"actors[{index}]"
    if not isinstance(item, dict):
        raise WatchlistError(f"{source}: {where} must be a table")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise WatchlistError(f"{source}: {where}: 'name' is required and must be a string")
    where = f"actor {name!r}"
    _no_unknown_keys(item, _ACTOR_KEYS, source, where)
    kind = item.get("kind", "organisation")
    if kind not in ACTOR_KINDS:
        raise WatchlistError(
            f"{source}: {where}: 'kind' must be one of {', '.join(ACTOR_KINDS)}, not {kind!r}"
        )
    party = item.get("party", name)
    if not isinstance(party, str) or not party.strip():
        raise WatchlistError(f"{source}: {where}: 'party' must be a string")
    roles_data = item.get("roles", [])
    if not isinstance(roles_data, list):
        raise WatchlistError(f"{source}: {where}: 'roles' must be a list of tables")
    roles = tuple(_parse_role(role, source, f"{where}: roles[{i}]") for i, role in enumerate(roles_data))
    gender = item.get("gender")
    if gender not in (None, "female", "male"):
        raise WatchlistError(f'{source}: {where}: \'gender\' must be "female" or "male", not {gender!r}')
    return WatchActor(
        name=name.strip(),
        kind=kind,
        party=party.strip(),
        aliases=_strings(item, "aliases", source, where),
        adjectives=_strings(item, "adjectives", source, where),
        places=_strings(item, "places", source, where),
        anaphors=_strings(item, "anaphors", source, where),
        roles=roles,
        gender=gender,
    )


def _parse_role(item: Any, source: str, where: str) -> Role:
    if isinstance(item, str):
        return Role(title=item)
    if not isinstance(item, dict):
        raise WatchlistError(f"{source}: {where} must be a string or a table with 'title', 'from', 'to'")
    _no_unknown_keys(item, _ROLE_KEYS, source, where)
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        raise WatchlistError(f"{source}: {where}: 'title' is required")
    start = _date(item.get("from"), source, where, "from")
    end = _date(item.get("to"), source, where, "to")
    if start is not None and end is not None and end < start:
        raise WatchlistError(f"{source}: {where}: 'to' {end} is before 'from' {start}")
    return Role(title=title.strip(), start=start, end=end)


def _date(value: Any, source: str, where: str, key: str) -> date | None:
    """A TOML date (2025-01-20) or an ISO date string ("2025-01-20")."""
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise WatchlistError(f"{source}: {where}: {key!r} must be a date such as 2025-01-20, not {value!r}")


def _parse_topic(item: Any, source: str, index: int) -> Topic:
    where = f"topics[{index}]"
    if not isinstance(item, dict):
        raise WatchlistError(f"{source}: {where} must be a table")
    key = item.get("key")
    if not isinstance(key, str) or not key.strip():
        raise WatchlistError(f"{source}: {where}: 'key' is required and must be a string")
    where = f"topic {key!r}"
    _no_unknown_keys(item, _TOPIC_KEYS, source, where)
    label = item.get("label", key)
    if not isinstance(label, str):
        raise WatchlistError(f"{source}: {where}: 'label' must be a string")
    phrases = _strings(item, "phrases", source, where)
    if not phrases:
        raise WatchlistError(f"{source}: {where}: 'phrases' must list at least one phrase")
    return Topic(key=key.strip(), label=label, phrases=phrases)
