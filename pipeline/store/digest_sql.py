"""The digest's queries: claims by (actor, topic) and day, narrowed in SQL to what one day's digest needs.

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
    """A claim as reported on one day: its occurrences that day summed up.

    ``n_sources`` counts independent outlets (a copy counts only when it names a different outlet; 0 when
    the day's only occurrences are copies without one, which ``weight`` counts as one);
    ``sources`` are the outlet names; ``docs`` the articles (file names or URLs).
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

    @property
    def weight(self) -> float:
        """Confidence × independent sources: how much this claim counts towards a position."""
        return self.confidence * max(self.n_sources, 1)


def _claims(cursor: duckdb.DuckDBPyConnection) -> list[ReportedClaim]:
    """Rows of the digest queries → ReportedClaims, de-duplicating their outlet, source and doc lists."""
    return [
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
            n_sources=len({o for o in outlets or () if o is not None}),
            sources=tuple(sorted(set(sources or ()))),
            docs=tuple(sorted(set(docs or ()))),
        )
        for (
            actor,
            topic,
            day,
            claim_id,
            stance,
            confidence,
            evidence,
            quote,
            speaker,
            speaker_text,
            outlets,
            sources,
            docs,
        ) in cursor.fetchall()
    ]


def window_claims(
    con: duckdb.DuckDBPyConnection, day: date, *, min_confidence: float, window_days: int = 0
) -> list[ReportedClaim]:
    """Claims with a topic and enough confidence reported from ``day - window_days`` to ``day``."""
    params = {"day": day, "min_confidence": min_confidence, "window_days": window_days}
    return _claims(con.execute(query("digest_window_claims"), params))


def day_pairs(con: duckdb.DuckDBPyConnection, day: date, *, min_confidence: float) -> list[tuple[str, str]]:
    """The (actor, topic) pairs with a position on ``day``."""
    params = {"day": day, "min_confidence": min_confidence}
    return [(actor, topic) for actor, topic in con.execute(query("digest_day_pairs"), params).fetchall()]


def _pair_lists(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """(actor, topic) pairs as the parallel lists $actors, $topics the queries unnest."""
    pair_list = sorted(set(pairs))
    return {"actors": [a for a, _ in pair_list], "topics": [t for _, t in pair_list]}


def last_days(
    con: duckdb.DuckDBPyConnection,
    day: date,
    pairs: Iterable[tuple[str, str]],
    *,
    min_confidence: float,
    since: date = date.min,
) -> dict[tuple[str, str], date]:
    """Each pair's last day with a position in [``since``, ``day``); pairs without one are absent."""
    lists = _pair_lists(pairs)
    if not lists["actors"]:
        return {}
    params = {**lists, "day": day, "since": since, "min_confidence": min_confidence}
    rows = con.execute(query("digest_last_days"), params).fetchall()
    return {(actor, topic): last for actor, topic, last in rows}


def claims_on_days(
    con: duckdb.DuckDBPyConnection, wanted: Iterable[tuple[str, str, date]], *, min_confidence: float
) -> list[ReportedClaim]:
    """The claims of each given (actor, topic, day)."""
    triples = sorted(set(wanted))
    if not triples:
        return []
    params = {
        "actors": [a for a, _, _ in triples],
        "topics": [t for _, t, _ in triples],
        "days": [d for _, _, d in triples],
        "day_set": sorted({d for _, _, d in triples}),
        "min_confidence": min_confidence,
    }
    return _claims(con.execute(query("digest_claims_on_days"), params))


def previous_days(
    con: duckdb.DuckDBPyConnection,
    day: date,
    pairs: Iterable[tuple[str, str]],
    *,
    min_confidence: float,
    lookback_days: int = 31,
) -> dict[tuple[str, str], date]:
    """Each pair's last day with a position before ``day``.

    Most pairs spoke recently: the last ``lookback_days`` are searched first (a date range DuckDB's zone
    maps narrow the scan to), all earlier history only for the pairs not found there.
    """
    pair_set = set(pairs)
    recent_start = date.fromordinal(max(day.toordinal() - lookback_days, 1))
    found = last_days(con, day, pair_set, min_confidence=min_confidence, since=recent_start)
    missing = pair_set - set(found)
    if missing:
        found.update(last_days(con, recent_start, missing, min_confidence=min_confidence))
    return found


def day_and_previous_claims(
    con: duckdb.DuckDBPyConnection, day: date, *, min_confidence: float, lookback_days: int = 31
) -> tuple[list[ReportedClaim], list[ReportedClaim]]:
    """(claims on ``day``, claims of each of its pairs' last earlier day with a position), read together.

    Narrow columns find the pairs and days; the occurrences of just those (pair, day)s are then read in
    full and joined to claims once.
    """
    pairs = day_pairs(con, day, min_confidence=min_confidence)
    previous = previous_days(con, day, pairs, min_confidence=min_confidence, lookback_days=lookback_days)
    wanted = [(actor, topic, day) for actor, topic in pairs]
    wanted += [(actor, topic, last) for (actor, topic), last in previous.items()]
    claims = claims_on_days(con, wanted, min_confidence=min_confidence)
    return [c for c in claims if c.day == day], [c for c in claims if c.day != day]


def previous_claims(
    con: duckdb.DuckDBPyConnection, day: date, *, min_confidence: float, lookback_days: int = 31
) -> list[ReportedClaim]:
    """For each (actor, topic) with a position on ``day``: the claims of its last earlier day with one."""
    pairs = day_pairs(con, day, min_confidence=min_confidence)
    previous = previous_days(con, day, pairs, min_confidence=min_confidence, lookback_days=lookback_days)
    wanted = [(actor, topic, last) for (actor, topic), last in previous.items()]
    return claims_on_days(con, wanted, min_confidence=min_confidence)


def timeline_claims(
    con: duckdb.DuckDBPyConnection,
    day: date,
    pairs: Iterable[tuple[str, str]],
    *,
    min_confidence: float,
    points: int = 12,
    history_days: int = 365,
) -> list[ReportedClaim]:
    """The claims of each (actor, topic)'s last ``points`` days with a position, within ``history_days``
    before ``day``. Evidence and speakers come back empty: the chart needs stances and weights."""
    lists = _pair_lists(pairs)
    if not lists["actors"]:
        return []
    params = {
        **lists,
        "day": day,
        "min_confidence": min_confidence,
        "points": points,
        "history_days": history_days,
    }
    return _claims(con.execute(query("digest_timeline_claims"), params))


def left_out_counts(con: duckdb.DuckDBPyConnection, day: date, *, min_confidence: float) -> dict[str, int]:
    """Claims reported on ``day`` that make no position: {"below_confidence", "no_topic", "claims"}."""
    row = con.execute(query("digest_left_out"), {"day": day, "min_confidence": min_confidence}).fetchone()
    below, no_topic, total = row if row else (0, 0, 0)
    return {"below_confidence": int(below), "no_topic": int(no_topic), "claims": int(total)}


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
) -> tuple[list[str], list[str]]:
    """Of ``actors`` and ``topics`` (those with positions on ``day``), the ones with no position before."""
    if not actors and not topics:
        return [], []
    params = {
        "actors": sorted(set(actors)),
        "topics": sorted(set(topics)),
        "day": day,
        "min_confidence": min_confidence,
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
