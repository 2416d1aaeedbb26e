"""The digest's queries: claims by (actor, topic) and day, narrowed in SQL to what one day's digest needs.

The digest logic (positions, changes, contradictions) lives in ``pipeline.digest`` and works on the
``ReportedClaim`` rows these functions return.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from pipeline.sqlfiles import query


@dataclass(frozen=True, slots=True)
class ReportedClaim:
    """A claim as reported on one day: its occurrences that day summed up.

    ``n_sources`` counts independent outlets (a copy counts only when it comes from a different outlet);
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
            n_sources=int(n_sources),
            sources=tuple(sources or ()),
            docs=tuple(docs or ()),
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
            n_sources,
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


def previous_claims(
    con: duckdb.DuckDBPyConnection, day: date, *, min_confidence: float
) -> list[ReportedClaim]:
    """For each (actor, topic) with a position on ``day``: the claims of its last earlier day with one."""
    params = {"day": day, "min_confidence": min_confidence}
    return _claims(con.execute(query("digest_previous_claims"), params))


def timeline_claims(
    con: duckdb.DuckDBPyConnection,
    day: date,
    pairs: Iterable[tuple[str, str]],
    *,
    min_confidence: float,
    points: int = 12,
) -> list[ReportedClaim]:
    """The claims of the last ``points`` days with a position, up to ``day``, of each (actor, topic)."""
    pair_list = sorted(set(pairs))
    if not pair_list:
        return []
    table = pa.table(
        {"actor": [a for a, _ in pair_list], "topic": [t for _, t in pair_list]},
        schema=pa.schema([("actor", pa.string()), ("topic", pa.string())]),
    )
    con.register("digest_pairs", table)
    try:
        params = {"day": day, "min_confidence": min_confidence, "points": points}
        return _claims(con.execute(query("digest_timeline_claims"), params))
    finally:
        con.unregister("digest_pairs")


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
