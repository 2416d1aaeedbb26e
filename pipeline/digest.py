"""The daily digest: who changed their position on what, who contradicts whom, who spoke up first.

A position is an actor's stance on a topic on one day, summarised from that day's claims, each weighted by
confidence × independent sources. A change is a move between sides (``SIDE`` in models: for, neutral,
conditional, against), never between synonyms on one side ("deny" after "reject" is steady).

``build_digest`` runs the SQL (through ``pipeline.store.digest_sql``) and the pure functions here;
``digest_to_json``, ``render_markdown`` and ``render_html`` turn the result into what users read.
"""

from __future__ import annotations

import html
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import duckdb

from pipeline.models import SIDE
from pipeline.store import digest_sql
from pipeline.store.digest_sql import ReportedClaim
from pipeline.store.read import actor_aliases

log = logging.getLogger(__name__)

# Stances that dispute what another actor said or did ("that is not true", "we never agreed").
DISPUTING_STANCES: frozenset[str] = frozenset({"deny", "reject"})
# Vertical order of sides in the timeline chart, top to bottom.
SIDE_ORDER: tuple[str, ...] = ("for", "neutral", "conditional", "against")
SIDE_COLOUR: dict[str, str] = {
    "for": "#2e7d32",
    "neutral": "#757575",
    "conditional": "#ef6c00",
    "against": "#c62828",
}


@dataclass(frozen=True, slots=True)
class Position:
    """An actor's summarised stance on a topic on one day."""

    actor: str
    topic: str
    day: date
    side: str
    stance: str
    weight: float
    evidence: str
    quote: str | None
    speaker: str | None
    sources: tuple[str, ...]
    docs: tuple[str, ...]
    claims: int


@dataclass(frozen=True, slots=True)
class Change:
    """The position of (actor, topic) on the digest's day against its last known one before."""

    before: Position
    after: Position

    @property
    def actor(self) -> str:
        return self.after.actor

    @property
    def topic(self) -> str:
        return self.after.topic


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Actor ``a`` asserted something; actor ``b`` disputed it, naming ``a``, on the same topic."""

    topic: str
    a: ReportedClaim
    b: ReportedClaim


@dataclass(frozen=True)
class Digest:
    day: date
    changed: tuple[Change, ...]
    contradictions: tuple[Contradiction, ...]
    new: tuple[Position, ...]
    unchanged: tuple[Change, ...]
    new_actors: tuple[str, ...]  # actors with a position for the first time
    new_topics: tuple[str, ...]  # topics anyone took a position on for the first time
    left_out: int  # claims on the day below min_confidence
    no_topic: int  # claims on the day without a topic (they make no position)
    min_confidence: float
    # (actor, topic) → its positions over recent days, oldest first, for each changed pair.
    timelines: Mapping[tuple[str, str], tuple[Position, ...]] = field(default_factory=dict)
    undated: int = 0  # stored articles without a date, which no day's digest holds


# ---- pure logic ------------------------------------------------------------------------------------


def days_to_publish(days: Iterable[date], window: int) -> list[date]:
    """The days among ``days`` within ``window`` days of the latest one (an archive backfill writes a digest
    for every day it touched; a dashboard wants the recent ones, not thousands)."""
    ordered = sorted(set(days))
    if not ordered or window <= 0:
        return []
    first = ordered[-1] - timedelta(days=window - 1)
    return [day for day in ordered if day >= first]


def summarise_position(claims: Sequence[ReportedClaim]) -> Position | None:
    """One (actor, topic, day)'s claims → its position: the heaviest side, then its heaviest stance.

    Ties go to the side (then stance) with the single heaviest claim, then to the name, so the result
    never depends on row order. Claims with a stance outside ``SIDE`` are logged and ignored.
    """
    # Sorted, so float sums (and so ties) come out the same whatever order the rows arrived in.
    known = sorted((c for c in claims if c.stance in SIDE), key=lambda c: c.claim_id)
    for claim in claims:
        if claim.stance not in SIDE:
            log.warning("claim %s has unknown stance %r; left out of positions", claim.claim_id, claim.stance)
    if not known:
        return None
    side_weight: dict[str, float] = defaultdict(float)
    side_best: dict[str, float] = defaultdict(float)
    for claim in known:
        side = SIDE[claim.stance]
        side_weight[side] += claim.weight
        side_best[side] = max(side_best[side], claim.weight)
    side = max(side_weight, key=lambda s: (side_weight[s], side_best[s], s))
    on_side = [c for c in known if SIDE[c.stance] == side]
    stance_weight: dict[str, float] = defaultdict(float)
    stance_best: dict[str, float] = defaultdict(float)
    for claim in on_side:
        stance_weight[claim.stance] += claim.weight
        stance_best[claim.stance] = max(stance_best[claim.stance], claim.weight)
    stance = max(stance_weight, key=lambda s: (stance_weight[s], stance_best[s], s))
    best = max(
        (c for c in on_side if c.stance == stance),
        key=lambda c: (c.weight, c.confidence, len(c.evidence), c.claim_id),
    )
    first = claims[0]
    return Position(
        actor=first.actor,
        topic=first.topic,
        day=first.day,
        side=side,
        stance=stance,
        weight=round(side_weight[side], 6),
        evidence=best.evidence,
        quote=best.quote,
        speaker=best.speaker,
        sources=tuple(sorted({s for c in on_side for s in c.sources})),
        docs=tuple(sorted({d for c in on_side for d in c.docs})),
        claims=len(on_side),
    )


def positions(claims: Iterable[ReportedClaim]) -> dict[tuple[str, str, date], Position]:
    """Group claims by (actor, topic, day) and summarise each group."""
    groups: dict[tuple[str, str, date], list[ReportedClaim]] = defaultdict(list)
    for claim in claims:
        groups[(claim.actor, claim.topic, claim.day)].append(claim)
    summarised = {key: summarise_position(group) for key, group in groups.items()}
    return {key: pos for key, pos in summarised.items() if pos is not None}


def compare_positions(
    today: Mapping[tuple[str, str], Position], before: Mapping[tuple[str, str], Position]
) -> tuple[list[Change], list[Position], list[Change]]:
    """(changed, new, unchanged): today's positions against each pair's last known one."""
    changed, new, unchanged = [], [], []
    for key in sorted(today):
        after = today[key]
        previous = before.get(key)
        if previous is None:
            new.append(after)
        elif previous.side != after.side:
            changed.append(Change(previous, after))
        else:
            unchanged.append(Change(previous, after))
    return changed, new, unchanged


@lru_cache(maxsize=256)
def _mention_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _clean_names(names: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(sorted({n.strip() for n in names if n and n.strip()}))


def mentions(text: str, names: Iterable[str]) -> bool:
    """Whether ``text`` names any of ``names`` as whole words, ignoring case (possessives included)."""
    cleaned = _clean_names(names)
    return bool(cleaned) and _mention_pattern(cleaned).search(text) is not None


def _mentioned(text: str, owners: Mapping[str, set[str]]) -> set[str]:
    """Owners (actors or topics) of the names in ``owners`` (casefolded name → owners) that ``text`` uses."""
    if not owners:
        return set()
    found: set[str] = set()
    for match in _mention_pattern(tuple(sorted(owners))).finditer(text):
        found |= owners.get(match.group(0).casefold(), set())
    return found


def _disputes(a: ReportedClaim, b: ReportedClaim) -> bool:
    """Whether b's stance can contradict a's: b denies anything a asserted, or rejects what a was for.

    a must assert something itself (not deny or reject: two rejections are agreement, not contradiction);
    a rejection contradicts only an acceptance, support, commitment or proposal.
    """
    if b.stance not in DISPUTING_STANCES or a.stance in DISPUTING_STANCES or a.stance not in SIDE:
        return False
    return b.stance == "deny" or SIDE[a.stance] == "for"


def find_contradictions(
    claims: Sequence[ReportedClaim],
    day: date,
    *,
    aliases: Mapping[str, Iterable[str]],
    topic_phrases: Mapping[str, Iterable[str]] | None = None,
    window_days: int = 0,
) -> list[Contradiction]:
    """Pairs where actor a asserts a position and actor b denies or rejects it, naming a.

    Both claims lie within ``window_days`` of each other and the later one is on ``day`` (so each
    contradiction is reported once). b "names a" when its evidence mentions a's actor, one of its
    ``aliases``, or a speaker of a's claims. They are about the same topic when b has a's topic, or b is a
    denial whose evidence mentions one of a's topic phrases ("…claims that it had accepted the ceasefire
    proposal were not true"). One contradiction is kept per (topic, a's actor, b's actor): the heaviest pair.
    """
    disputing = [c for c in claims if c.stance in DISPUTING_STANCES]
    asserting = [c for c in claims if c.stance in SIDE and c.stance not in DISPUTING_STANCES]
    if not disputing or not asserting:
        return []
    # Each disputing claim is read once for the names and topic phrases it uses, instead of per pair.
    by_topic_actor: dict[tuple[str, str], list[ReportedClaim]] = defaultdict(list)
    actor_names: dict[str, set[str]] = defaultdict(set)
    for a in asserting:
        by_topic_actor[(a.topic, a.actor)].append(a)
        for name in _clean_names([a.actor, *aliases.get(a.actor, ()), a.speaker]):
            actor_names[name.casefold()].add(a.actor)
    topic_names: dict[str, set[str]] = defaultdict(set)
    for topic in {a.topic for a in asserting}:
        for phrase in _clean_names((topic_phrases or {}).get(topic, ())):
            topic_names[phrase.casefold()].add(topic)
    best: dict[tuple[str, str, str], tuple[tuple[float, str, str], Contradiction]] = {}
    for b in disputing:
        named = _mentioned(b.evidence, actor_names) - {b.actor}
        if not named:
            continue
        topics = {b.topic} | (_mentioned(b.evidence, topic_names) if b.stance == "deny" else set())
        for topic in topics:
            for actor in named:
                for a in by_topic_actor.get((topic, actor), ()):
                    if not _disputes(a, b):
                        continue
                    if abs((a.day - b.day).days) > window_days or max(a.day, b.day) != day:
                        continue
                    key = (a.topic, a.actor, b.actor)
                    rank = (a.weight + b.weight, a.claim_id, b.claim_id)  # ids only break ties
                    if key not in best or rank > best[key][0]:
                        best[key] = (rank, Contradiction(a.topic, a, b))
    return [best[key][1] for key in sorted(best)]


# ---- building from the store -----------------------------------------------------------------------


def build_digest(
    con: duckdb.DuckDBPyConnection,
    day: date,
    *,
    min_confidence: float,
    aliases: Mapping[str, Iterable[str]] | None = None,
    topic_phrases: Mapping[str, Iterable[str]] | None = None,
    contradiction_window_days: int = 0,
    timeline_points: int = 12,
    timeline_days: int = 180,
    timeline_pairs: int = 24,
) -> Digest:
    """The digest of ``day`` from the store.

    ``aliases`` (actor → names text uses for it) and ``topic_phrases`` default to the stored watchlist.
    Contradictions pair claims up to ``contradiction_window_days`` apart. The stance timelines cover the
    ``timeline_pairs`` weightiest changes, their last ``timeline_points`` days with a position within
    ``timeline_days``.
    """
    if aliases is None:
        aliases = actor_aliases(con)
    if topic_phrases is None:
        topic_phrases = digest_sql.topic_phrases(con)
    on_day, previous = digest_sql.day_and_previous_claims(con, day, min_confidence=min_confidence)
    # Contradictions may pair today's claims with claims of the days just before.
    window = on_day
    if contradiction_window_days > 0:
        window = digest_sql.window_claims(
            con, day, min_confidence=min_confidence, window_days=contradiction_window_days
        )
    today = {(p.actor, p.topic): p for p in positions(on_day).values()}
    before = {(p.actor, p.topic): p for p in positions(previous).values()}
    changed, new, unchanged = compare_positions(today, before)
    contradictions = find_contradictions(
        window, day, aliases=aliases, topic_phrases=topic_phrases, window_days=contradiction_window_days
    )
    timelines: dict[tuple[str, str], tuple[Position, ...]] = {}
    if changed and timeline_pairs > 0:
        # Charts for the weightiest changes only: a page of hundreds of charts helps nobody, and the
        # history query grows with the pairs it reads. The others are drawn from before and after alone.
        charted = sorted(changed, key=lambda c: (-c.after.weight, c.actor, c.topic))[:timeline_pairs]
        history = positions(
            digest_sql.timeline_claims(
                con,
                day,
                [(c.actor, c.topic) for c in charted],
                min_confidence=min_confidence,
                points=timeline_points,
                history_days=timeline_days,
            )
        )
        by_pair: dict[tuple[str, str], list[Position]] = defaultdict(list)
        for (actor, topic, _), position in sorted(history.items()):
            by_pair[(actor, topic)].append(position)
        timelines = {pair: tuple(points) for pair, points in by_pair.items()}
    new_actors, new_topics = digest_sql.first_seen(
        con, day, {p.actor for p in new}, {p.topic for p in new}, min_confidence=min_confidence
    )
    left = digest_sql.left_out_counts(con, day, min_confidence=min_confidence)
    return Digest(
        day=day,
        changed=tuple(changed),
        contradictions=tuple(contradictions),
        new=tuple(new),
        unchanged=tuple(unchanged),
        new_actors=tuple(new_actors),
        new_topics=tuple(new_topics),
        left_out=left["below_confidence"],
        no_topic=left["no_topic"],
        min_confidence=min_confidence,
        timelines=timelines,
        undated=digest_sql.undated_articles(con),
    )


# ---- output ----------------------------------------------------------------------------------------


def _claim_json(claim: ReportedClaim) -> dict[str, Any]:
    return {
        "actor": claim.actor,
        "stance": claim.stance,
        "evidence": claim.evidence,
        "source": claim.sources[0] if claim.sources else None,
        "sources": list(claim.sources),
        "speaker": claim.speaker,
        "day": claim.day.isoformat(),
        "docs": list(claim.docs),
    }


def digest_to_json(d: Digest) -> dict[str, Any]:
    """The digest as JSON-ready data: {"day", "changed", "contradictions", "new", "left_out", …}."""
    return {
        "day": d.day.isoformat(),
        "changed": [
            {
                "actor": c.actor,
                "topic": c.topic,
                "from": c.before.stance,
                "to": c.after.stance,
                "from_day": c.before.day.isoformat(),
                "from_side": c.before.side,
                "to_side": c.after.side,
                "evidence_from": c.before.evidence,
                "evidence_to": c.after.evidence,
                "sources": {"from": list(c.before.sources), "to": list(c.after.sources)},
            }
            for c in d.changed
        ],
        "contradictions": [
            {"topic": x.topic, "a": _claim_json(x.a), "b": _claim_json(x.b)} for x in d.contradictions
        ],
        "new": [
            {
                "actor": p.actor,
                "topic": p.topic,
                "stance": p.stance,
                "side": p.side,
                "evidence": p.evidence,
                "sources": list(p.sources),
            }
            for p in d.new
        ],
        "unchanged": [
            {
                "actor": c.actor,
                "topic": c.topic,
                "stance": c.after.stance,
                "side": c.after.side,
                "from": c.before.stance,
                "from_day": c.before.day.isoformat(),
            }
            for c in d.unchanged
        ],
        "new_actors": list(d.new_actors),
        "new_topics": list(d.new_topics),
        "left_out": d.left_out,
        "no_topic": d.no_topic,
        "min_confidence": d.min_confidence,
        "undated": d.undated,
    }


def _sources_text(sources: Sequence[str]) -> str:
    return ", ".join(sources) if sources else "source unknown"


def render_markdown(d: Digest) -> str:
    """The digest as Markdown (also the Prefect artifact)."""
    lines = [f"# stancewatch digest: {d.day.isoformat()}", ""]
    lines.append("## Changed positions")
    lines.append("")
    if not d.changed:
        lines.append("No position changed sides.")
    for c in d.changed:
        lines.append(
            f"- **{c.actor} on {c.topic}: {c.before.stance} ({c.before.day.isoformat()}) → "
            f"{c.after.stance} ({c.after.day.isoformat()})**"
        )
        lines.append(f"  - before: “{c.before.evidence}” ({_sources_text(c.before.sources)})")
        lines.append(f"  - now: “{c.after.evidence}” ({_sources_text(c.after.sources)})")
    lines += ["", "## Contradictions", ""]
    if not d.contradictions:
        lines.append("None found.")
    for x in d.contradictions:
        lines.append(f"- On **{x.topic}**: {x.a.actor} ({x.a.stance}) vs {x.b.actor} ({x.b.stance})")
        lines.append(
            f"  - {x.a.actor}: “{x.a.evidence}” ({_sources_text(x.a.sources)}, {x.a.day.isoformat()})"
        )
        lines.append(
            f"  - {x.b.actor}: “{x.b.evidence}” ({_sources_text(x.b.sources)}, {x.b.day.isoformat()})"
        )
    lines += ["", "## New positions", ""]
    if not d.new:
        lines.append("None.")
    if d.new_actors:
        lines.append(f"First positions of: {', '.join(d.new_actors)}.")
    if d.new_topics:
        lines.append(f"New topics: {', '.join(d.new_topics)}.")
    if d.new_actors or d.new_topics:
        lines.append("")
    for p in d.new:
        lines.append(
            f"- **{p.actor}** on **{p.topic}**: {p.stance}: “{p.evidence}” ({_sources_text(p.sources)})"
        )
    if d.unchanged:
        lines += ["", "## Steady", ""]
        for c in d.unchanged:
            same = (
                c.after.stance
                if c.after.stance == c.before.stance
                else f"{c.before.stance} → {c.after.stance}"
            )
            lines.append(
                f"- {c.actor} on {c.topic}: {same} ({c.after.side}, as on {c.before.day.isoformat()})"
            )
    lines += ["", _left_out_line(d), ""]
    if d.undated:
        lines += [_undated_line(d), ""]
    return "\n".join(lines)


def _left_out_line(d: Digest) -> str:
    text = (
        f"{d.left_out} claim{'s' if d.left_out != 1 else ''} below confidence {d.min_confidence:g} left out"
    )
    if d.no_topic:
        text += f"; {d.no_topic} without a topic made no position"
    return f"_{text}._"


def _undated_line(d: Digest) -> str:
    many = d.undated != 1
    return (
        f"_{d.undated} article{'s' if many else ''} without a date {'are' if many else 'is'} not in any "
        "day's digest (STANCEWATCH_DATE_UNDATED_BY_FIRST_SEEN dates them by the day first seen)._"
    )


def timeline_svg(points: Sequence[Position], *, width: int = 360, height: int = 96) -> str:
    """A small inline SVG: one dot per day with a position, at the height of its side, joined by a line."""
    if not points:
        return ""
    left, right, top, bottom = 66, 24, 12, 22  # side names sit in the left margin
    row = (height - top - bottom) / (len(SIDE_ORDER) - 1)
    first, last = points[0].day.toordinal(), points[-1].day.toordinal()
    span = max(last - first, 1)

    def x(p: Position) -> float:
        if last == first:
            return width / 2
        return left + (p.day.toordinal() - first) / span * (width - left - right)

    def y(p: Position) -> float:
        return top + SIDE_ORDER.index(p.side) * row

    title = f"{points[-1].actor} on {points[-1].topic}: stance timeline"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{html.escape(title)}">',
        f"<title>{html.escape(title)}</title>",
    ]
    for i, side in enumerate(SIDE_ORDER):
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{top + i * row:.1f}" y2="{top + i * row:.1f}" '
            f'stroke="#e0e0e0" stroke-width="1"/>'
        )
        parts.append(f'<text x="4" y="{top + i * row + 3:.1f}" font-size="9" fill="#757575">{side}</text>')
    coords = " ".join(f"{x(p):.1f},{y(p):.1f}" for p in points)
    parts.append(f'<polyline points="{coords}" fill="none" stroke="#90a4ae" stroke-width="1.5"/>')
    for i, p in enumerate(points):
        label = html.escape(f"{p.day.isoformat()}: {p.stance}")
        parts.append(
            f'<circle cx="{x(p):.1f}" cy="{y(p):.1f}" r="4" fill="{SIDE_COLOUR[p.side]}">'
            f"<title>{label}</title></circle>"
        )
        # Stance names where the stance changes, while there is room for them; tooltips hold the rest.
        if len(points) <= 6 and (i == 0 or points[i - 1].stance != p.stance):
            parts.append(
                f'<text x="{x(p):.1f}" y="{y(p) - 6:.1f}" font-size="8" text-anchor="middle" '
                f'fill="{SIDE_COLOUR[p.side]}">{html.escape(p.stance)}</text>'
            )
    parts.append(
        f'<text x="{left}" y="{height - 6}" font-size="9" fill="#616161">{points[0].day.isoformat()}</text>'
    )
    if len(points) > 1:
        parts.append(
            f'<text x="{width - right}" y="{height - 6}" font-size="9" text-anchor="end" '
            f'fill="#616161">{points[-1].day.isoformat()}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;
color:#212121;line-height:1.45}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #e0e0e0}
.item{margin:1rem 0}.stance{font-weight:600}blockquote{margin:.3rem 0 .3rem 1rem;color:#424242}
.src{color:#757575;font-size:.9em}.note{color:#616161;font-style:italic}
"""


def render_html(d: Digest) -> str:
    """The digest as one self-contained HTML page (inline CSS and SVG, every text escaped)."""
    e = html.escape
    day = e(d.day.isoformat())
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>stancewatch digest: {day}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>stancewatch digest: {day}</h1>",
        "<h2>Changed positions</h2>",
    ]
    if not d.changed:
        out.append('<p class="note">No position changed sides.</p>')
    for c in d.changed:
        out.append('<div class="item">')
        out.append(
            f"<p><strong>{e(c.actor)}</strong> on <strong>{e(c.topic)}</strong>: "
            f'<span class="stance">{e(c.before.stance)}</span> ({e(c.before.day.isoformat())}) → '
            f'<span class="stance">{e(c.after.stance)}</span> ({e(c.after.day.isoformat())})</p>'
        )
        out.append(timeline_svg(d.timelines.get((c.actor, c.topic), (c.before, c.after))))
        out.append(
            f"<blockquote>before: “{e(c.before.evidence)}” "
            f'<span class="src">({e(_sources_text(c.before.sources))})</span></blockquote>'
        )
        out.append(
            f"<blockquote>now: “{e(c.after.evidence)}” "
            f'<span class="src">({e(_sources_text(c.after.sources))})</span></blockquote>'
        )
        out.append("</div>")
    out.append("<h2>Contradictions</h2>")
    if not d.contradictions:
        out.append('<p class="note">None found.</p>')
    for x in d.contradictions:
        out.append('<div class="item">')
        out.append(
            f"<p>On <strong>{e(x.topic)}</strong>: {e(x.a.actor)} ({e(x.a.stance)}) vs "
            f"{e(x.b.actor)} ({e(x.b.stance)})</p>"
        )
        for claim in (x.a, x.b):
            out.append(
                f"<blockquote>{e(claim.actor)}: “{e(claim.evidence)}” "
                f'<span class="src">({e(_sources_text(claim.sources))}, {e(claim.day.isoformat())})</span>'
                "</blockquote>"
            )
        out.append("</div>")
    out.append("<h2>New positions</h2>")
    if not d.new:
        out.append('<p class="note">None.</p>')
    if d.new_actors:
        out.append(f"<p>First positions of: {e(', '.join(d.new_actors))}.</p>")
    if d.new_topics:
        out.append(f"<p>New topics: {e(', '.join(d.new_topics))}.</p>")
    else:
        out.append("<ul>")
        for p in d.new:
            out.append(
                f"<li><strong>{e(p.actor)}</strong> on <strong>{e(p.topic)}</strong>: "
                f'<span class="stance">{e(p.stance)}</span>: “{e(p.evidence)}” '
                f'<span class="src">({e(_sources_text(p.sources))})</span></li>'
            )
        out.append("</ul>")
    if d.unchanged:
        out.append("<h2>Steady</h2><ul>")
        for c in d.unchanged:
            out.append(
                f"<li>{e(c.actor)} on {e(c.topic)}: {e(c.after.stance)} ({e(c.after.side)}, "
                f"as on {e(c.before.day.isoformat())})</li>"
            )
        out.append("</ul>")
    out.append(f'<p class="note">{e(_left_out_line(d).strip("_"))}</p>')
    if d.undated:
        out.append(f'<p class="note">{e(_undated_line(d).strip("_"))}</p>')
    out.append("</body></html>")
    return "\n".join(out)
