"""One day's digest from the store: the SQL narrows the claims, ``rules`` judges them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import duckdb

from pipeline.digest.rules import (
    POSITION_SIDE,
    Contradiction,
    Judgement,
    Position,
    find_contradictions,
    judge,
    positions,
    standing_position,
)
from pipeline.settings import Settings
from pipeline.store import digest_sql
from pipeline.store.read import actor_aliases


@dataclass(frozen=True)
class Digest:
    day: date
    changed: tuple[Judgement, ...]
    disputed: tuple[Judgement, ...]  # a new side too weakly evidenced to be called a change
    contradictions: tuple[Contradiction, ...]
    new: tuple[Position, ...]
    unchanged: tuple[Judgement, ...]
    new_actors: tuple[str, ...]  # actors with a position for the first time
    new_topics: tuple[str, ...]  # topics anyone took a position on for the first time
    left_out: int  # claims published on the day below min_confidence
    no_topic: int  # claims published on the day without a topic (they make no position)
    min_confidence: float
    window_days: int = 90
    # claims published on the day that are no position: statements of fact, charges, denials
    not_positions: int = 0
    said_earlier: int = 0  # claims published on the day that the text dates to an earlier day
    rejected: int = 0  # claims published on the day a user rejected
    unclear: int = 0  # pairs whose claims today point to a new side on too little to show
    undated: int = 0  # stored articles without a date, which no day's digest holds
    # (actor, topic) → its positions over the window, oldest first, for each changed pair.
    timelines: Mapping[tuple[str, str], tuple[Position, ...]] = field(default_factory=dict)


def days_to_publish(days: Iterable[date], window: int) -> list[date]:
    """The days among ``days`` within ``window`` days of the latest one (an archive backfill writes a digest
    for every day it touched; a dashboard wants the recent ones, not thousands)."""
    ordered = sorted(set(days))
    if not ordered or window <= 0:
        return []
    first = ordered[-1] - timedelta(days=window - 1)
    return [day for day in ordered if day >= first]


def digest_options(settings: Settings) -> dict[str, Any]:
    """The settings ``build_digest`` takes, as its keyword arguments (one place for the CLI and the flows)."""
    return {
        "min_confidence": settings.min_confidence,
        "contradiction_window_days": settings.contradiction_window_days,
        "window_days": settings.position_window_days,
    }


def build_digest(
    con: duckdb.DuckDBPyConnection,
    day: date,
    *,
    min_confidence: float,
    aliases: Mapping[str, Iterable[str]] | None = None,
    topic_phrases: Mapping[str, Iterable[str]] | None = None,
    contradiction_window_days: int = 0,
    window_days: int = 90,
) -> Digest:
    """The digest of ``day`` from the store.

    Positions are compared with the standing position read through the ``window_days`` before ``day``
    (older positions are "no recent position"). ``aliases`` (actor → names text uses for it) and
    ``topic_phrases`` default to the stored watchlist. Contradictions pair claims up to
    ``contradiction_window_days`` apart.
    """
    if aliases is None:
        aliases = actor_aliases(con)
    if topic_phrases is None:
        topic_phrases = digest_sql.topic_phrases(con)
    stances = tuple(POSITION_SIDE)
    pairs = digest_sql.day_pairs(con, day, min_confidence=min_confidence, stances=stances)
    history = digest_sql.claims_stated(
        con,
        day,
        since=day - timedelta(days=window_days),
        min_confidence=min_confidence,
        stances=stances,
        pairs=pairs,
    )
    by_pair: dict[tuple[str, str], list[Position]] = defaultdict(list)
    for (actor, topic, _), position in sorted(positions(history).items()):
        by_pair[(actor, topic)].append(position)
    changed: list[Judgement] = []
    disputed: list[Judgement] = []
    unclear = 0
    unchanged: list[Judgement] = []
    new: list[Position] = []
    timelines: dict[tuple[str, str], tuple[Position, ...]] = {}
    for pair in sorted(by_pair):
        points = by_pair[pair]
        if points[-1].day != day:
            continue
        judgement = judge(points[-1], standing_position(points[:-1]))
        if judgement.verdict == "changed":
            changed.append(judgement)
            timelines[pair] = tuple(points)
        elif judgement.verdict == "disputed":
            disputed.append(judgement)
        elif judgement.verdict == "unclear":
            unclear += 1
        elif judgement.verdict == "steady":
            unchanged.append(judgement)
        else:
            new.append(judgement.after)
    window = digest_sql.claims_stated(
        con, day, since=day - timedelta(days=contradiction_window_days), min_confidence=min_confidence
    )
    contradictions = find_contradictions(
        window, day, aliases=aliases, topic_phrases=topic_phrases, window_days=contradiction_window_days
    )
    new_actors, new_topics = digest_sql.first_seen(
        con,
        day,
        {p.actor for p in new} | {j.actor for j in changed if j.before is None},
        {p.topic for p in new} | {j.topic for j in changed if j.before is None},
        min_confidence=min_confidence,
        stances=stances,
    )
    left = digest_sql.left_out_counts(con, day, min_confidence=min_confidence, stances=stances)
    return Digest(
        day=day,
        changed=tuple(changed),
        disputed=tuple(disputed),
        unclear=unclear,
        undated=digest_sql.undated_articles(con),
        contradictions=tuple(contradictions),
        new=tuple(new),
        unchanged=tuple(unchanged),
        new_actors=tuple(new_actors),
        new_topics=tuple(new_topics),
        left_out=left["below_confidence"],
        no_topic=left["no_topic"],
        min_confidence=min_confidence,
        window_days=window_days,
        not_positions=left["not_positions"],
        said_earlier=left["said_earlier"],
        rejected=left["rejected"],
        timelines=timelines,
    )
