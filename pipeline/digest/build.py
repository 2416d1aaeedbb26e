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
    OngoingDispute,
    Position,
    find_contradictions,
    judge,
    positions,
    split_ongoing,
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
    contradictions: tuple[Contradiction, ...]  # disputes of fact the digest reports for the first time
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
    # disputes found again today that a digest of the quiet window before already reported
    still_disputed: tuple[OngoingDispute, ...] = ()


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
        "dispute_quiet_days": settings.dispute_quiet_days,
    }


@dataclass
class _Verdicts:
    """Today's (actor, topic) pairs sorted by what ``judge`` made of them."""

    changed: list[Judgement] = field(default_factory=list)
    disputed: list[Judgement] = field(default_factory=list)
    unchanged: list[Judgement] = field(default_factory=list)
    new: list[Position] = field(default_factory=list)
    unclear: int = 0
    timelines: dict[tuple[str, str], tuple[Position, ...]] = field(default_factory=dict)


def _judge_day(
    con: duckdb.DuckDBPyConnection, day: date, *, min_confidence: float, window_days: int
) -> _Verdicts:
    """Each pair with a position today, judged against its standing position over ``window_days``."""
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
    out = _Verdicts()
    for pair in sorted(by_pair):
        points = by_pair[pair]
        if points[-1].day != day:
            continue
        judgement = judge(points[-1], standing_position(points[:-1]))
        if judgement.verdict == "changed":
            out.changed.append(judgement)
            out.timelines[pair] = tuple(points)
        elif judgement.verdict == "disputed":
            out.disputed.append(judgement)
        elif judgement.verdict == "unclear":
            out.unclear += 1
        elif judgement.verdict == "steady":
            out.unchanged.append(judgement)
        else:
            out.new.append(judgement.after)
    return out


def _day_contradictions(
    con: duckdb.DuckDBPyConnection,
    day: date,
    *,
    min_confidence: float,
    aliases: Mapping[str, Iterable[str]],
    topic_phrases: Mapping[str, Iterable[str]],
    window_days: int,
    quiet_days: int,
) -> tuple[list[Contradiction], list[OngoingDispute]]:
    """Today's disputes of fact, split into those first reported today and those a digest of the
    ``quiet_days`` before already reported. One read covers the earlier days too: a day's contradictions
    only pair claims up to that day, so later claims in the read change nothing about them."""
    claims = digest_sql.claims_stated(
        con, day, since=day - timedelta(days=window_days + quiet_days), min_confidence=min_confidence
    )

    def on(d: date) -> list[Contradiction]:
        return find_contradictions(
            claims, d, aliases=aliases, topic_phrases=topic_phrases, window_days=window_days
        )

    today = on(day)
    if not today or quiet_days <= 0:
        return today, []
    earlier = {day - timedelta(days=n): on(day - timedelta(days=n)) for n in range(1, quiet_days + 1)}
    return split_ongoing(today, earlier)


def _first_seen(
    con: duckdb.DuckDBPyConnection, day: date, verdicts: _Verdicts, *, min_confidence: float
) -> tuple[list[str], list[str]]:
    """The actors and topics of today's first positions that never had a position before ``day``."""
    first = [j for j in verdicts.changed if j.before is None]
    return digest_sql.first_seen(
        con,
        day,
        {p.actor for p in verdicts.new} | {j.actor for j in first},
        {p.topic for p in verdicts.new} | {j.topic for j in first},
        min_confidence=min_confidence,
        stances=tuple(POSITION_SIDE),
    )


def build_digest(
    con: duckdb.DuckDBPyConnection,
    day: date,
    *,
    min_confidence: float,
    aliases: Mapping[str, Iterable[str]] | None = None,
    topic_phrases: Mapping[str, Iterable[str]] | None = None,
    contradiction_window_days: int = 0,
    window_days: int = 90,
    dispute_quiet_days: int = 0,
) -> Digest:
    """The digest of ``day`` from the store.

    Positions are compared with the standing position read through the ``window_days`` before ``day``
    (older positions are "no recent position"). ``aliases`` (actor → names text uses for it) and
    ``topic_phrases`` default to the stored watchlist. Contradictions pair claims up to
    ``contradiction_window_days`` apart; one already reported in the ``dispute_quiet_days`` before is
    listed as still disputed, not as a new contradiction.
    """
    aliases = actor_aliases(con) if aliases is None else aliases
    topic_phrases = digest_sql.topic_phrases(con) if topic_phrases is None else topic_phrases
    stances = tuple(POSITION_SIDE)
    verdicts = _judge_day(con, day, min_confidence=min_confidence, window_days=window_days)
    contradictions, ongoing = _day_contradictions(
        con,
        day,
        min_confidence=min_confidence,
        aliases=aliases,
        topic_phrases=topic_phrases,
        window_days=contradiction_window_days,
        quiet_days=dispute_quiet_days,
    )
    new_actors, new_topics = _first_seen(con, day, verdicts, min_confidence=min_confidence)
    left = digest_sql.left_out_counts(con, day, min_confidence=min_confidence, stances=stances)
    return Digest(
        day=day,
        changed=tuple(verdicts.changed),
        disputed=tuple(verdicts.disputed),
        unclear=verdicts.unclear,
        undated=digest_sql.undated_articles(con),
        contradictions=tuple(contradictions),
        still_disputed=tuple(ongoing),
        new=tuple(verdicts.new),
        unchanged=tuple(verdicts.unchanged),
        new_actors=tuple(new_actors),
        new_topics=tuple(new_topics),
        left_out=left["below_confidence"],
        no_topic=left["no_topic"],
        min_confidence=min_confidence,
        window_days=window_days,
        not_positions=left["not_positions"],
        said_earlier=left["said_earlier"],
        rejected=left["rejected"],
        timelines=verdicts.timelines,
    )
