"""The digest's queries: claims by (actor, topic) and the day they were stated, narrowed in SQL to what one
day's digest needs.

The digest logic (positions, changes, contradictions) lives in ``pipeline.digest`` and works on the
``ReportedClaim`` rows these functions return.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from pipeline.sqlfiles import query


@dataclass(frozen=True, slots=True)
class ReportedClaim:
    """A claim as stated on one day (``day``: its ``said_on``, else the day it was published), its
    occurrences that day summed up.

    ``n_sources`` counts independent outlets (a copy counts only when it names a different outlet; 0 when
    the day's only occurrences are copies without one); ``sources`` are the outlet names; ``docs`` the
    articles (file names or URLs), ``urls`` their links where known, ``published`` the days they came out.
    ``rules`` are the extraction rules that fired; ``kind`` is "statement" or "reported-change";
    ``confirmed``/``rejected`` a user's review verdict.
    """

    actor: str
    topic: str
    day: date
    claim_id: str
    stance: str
    confidence: float
    evidence: str
    quote: str | None
    speaker: str | None
    speaker_text: str | None
    n_sources: int
    sources: tuple[str, ...]
    docs: tuple[str, ...]
    urls: tuple[str, ...] = ()
    published: tuple[date, ...] = ()
    said_on: date | None = None
    rules: tuple[str, ...] = ()
    kind: str = "statement"
    from_stance: str | None = None
    confirmed: bool = False
    rejected: bool = False
    condition: str | None = None  # "until they receive DNA": the stance is held on it


def _rules(raw: Any) -> tuple[str, ...]:
    if not raw:
        return ()
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return ()
    return tuple(str(r) for r in value) if isinstance(value, list) else ()


def _claims(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> list[ReportedClaim]:
    """Rows of ``digest_claims`` with their claims' columns from ``digest_claim_details`` → ReportedClaims."""
    rows = con.execute(query("digest_claims"), params).fetchall()
    if not rows:
        return []
    ids = sorted({row[3] for row in rows})
    details = {row[0]: row[1:] for row in con.execute(query("digest_claim_details"), {"ids": ids}).fetchall()}
    claims = []
    for actor, topic, day, claim_id, n_sources, sources, docs, urls, published, verdict in rows:
        (
            stance,
            confidence,
            evidence,
            quote,
            speaker,
            speaker_text,
            said_on,
            rules,
            kind,
            from_stance,
            condition,
        ) = details[claim_id]
        claims.append(
            ReportedClaim(
                actor=actor,
                topic=topic,
                day=day,
                claim_id=claim_id,
                stance=stance,
                confidence=float(confidence),
                evidence=evidence,
                quote=quote,
                speaker=speaker,
                speaker_text=speaker_text,
                n_sources=n_sources,
                sources=tuple(sources),
                docs=tuple(docs),
                urls=tuple(urls),
                published=tuple(published),
                said_on=said_on,
                rules=_rules(rules),
                kind=kind or "statement",
                from_stance=from_stance,
                confirmed=verdict == "confirmed",
                rejected=verdict == "rejected",
                condition=condition,
            )
        )
    return claims


def _params(
    day: date,
    *,
    since: date,
    min_confidence: float,
    stances: Collection[str],
    pairs: Iterable[tuple[str, str]] | None,
) -> dict[str, Any]:
    pair_list = sorted(set(pairs or ()))
    return {
        "day": day,
        "since": since,
        "min_confidence": min_confidence,
        "stances": sorted(stances),
        "all_pairs": pairs is None,
        "actors": [a for a, _ in pair_list],
        "topics": [t for _, t in pair_list],
    }


def claims_stated(
    con: duckdb.DuckDBPyConnection,
    day: date,
    *,
    since: date,
    min_confidence: float,
    stances: Collection[str] = (),
    pairs: Iterable[tuple[str, str]] | None = None,
) -> list[ReportedClaim]:
    """Claims with a topic stated from ``since`` to ``day``, at or above ``min_confidence`` (or confirmed),
    none that a user rejected; only ``stances`` when given, only ``pairs`` (actor, topic) when given."""
    params = _params(day, since=since, min_confidence=min_confidence, stances=stances, pairs=pairs)
    if pairs is not None and not params["actors"]:
        return []
    return _claims(con, params)


def day_pairs(
    con: duckdb.DuckDBPyConnection, day: date, *, min_confidence: float, stances: Collection[str]
) -> list[tuple[str, str]]:
    """The (actor, topic) pairs with a position (a stance in ``stances``) stated on ``day``."""
    params = {"day": day, "min_confidence": min_confidence, "stances": sorted(stances)}
    return [(actor, topic) for actor, topic in con.execute(query("digest_day_pairs"), params).fetchall()]


def left_out_counts(
    con: duckdb.DuckDBPyConnection, day: date, *, min_confidence: float, stances: Collection[str]
) -> dict[str, int]:
    """Claims published on ``day`` that make no position that day, by reason."""
    params = {"day": day, "min_confidence": min_confidence, "stances": sorted(stances)}
    row = con.execute(query("digest_left_out"), params).fetchone()
    names = ("below_confidence", "no_topic", "not_positions", "said_earlier", "rejected", "claims")
    return {name: int(value or 0) for name, value in zip(names, row or (0,) * len(names), strict=True)}


def topic_phrases(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Topic key → its phrases, from the watchlist stored in ``topics``."""
    phrases: dict[str, list[str]] = {}
    for key, raw in con.execute(query("digest_topic_phrases")).fetchall():
        try:
            value: Any = json.loads(raw) if raw else []
        except ValueError:
            value = []
        phrases[key] = [p for p in value if isinstance(p, str)] if isinstance(value, list) else []
    return phrases


def first_seen(
    con: duckdb.DuckDBPyConnection,
    day: date,
    actors: Collection[str],
    topics: Collection[str],
    *,
    min_confidence: float,
    stances: Collection[str],
) -> tuple[list[str], list[str]]:
    """Of ``actors`` and ``topics`` (those with positions on ``day``), the ones with no position before."""
    if not actors and not topics:
        return [], []
    params = {
        "actors": sorted(set(actors)),
        "topics": sorted(set(topics)),
        "day": day,
        "min_confidence": min_confidence,
        "stances": sorted(stances),
    }
    new_actors: list[str] = []
    new_topics: list[str] = []
    for kind, name in con.execute(query("digest_first_seen"), params).fetchall():
        (new_actors if kind == "actor" else new_topics).append(name)
    return new_actors, new_topics


def undated_articles(con: duckdb.DuckDBPyConnection) -> int:
    """Stored articles and copies without a date, which are in no day's digest."""
    row = con.execute(query("digest_undated_articles")).fetchone()
    return int(row[0]) if row else 0
