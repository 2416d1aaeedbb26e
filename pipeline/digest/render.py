"""What users read: the digest as one list of sections, rendered as Markdown, HTML and JSON.

Markdown and HTML render the same ``Section`` list, so they cannot drift apart. Every text that comes from
an article, a feed, a manifest or a watchlist is escaped; links are emitted only for http(s) URLs, and
never as images.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from pipeline.digest.build import Digest
from pipeline.digest.rules import PRONOUNS, Contradiction, Judgement, OngoingDispute, Position
from pipeline.escape import markdown_text
from pipeline.store.digest_sql import ReportedClaim

# How many claims each side of an item shows (the JSON lists them all).
SHOWN_CLAIMS = 2
# Vertical order of sides in the timeline chart, top to bottom.
SIDE_ORDER: tuple[str, ...] = ("for", "neutral", "conditional", "against")
SIDE_COLOUR: dict[str, str] = {
    "for": "#2e7d32",
    "neutral": "#757575",
    "conditional": "#ef6c00",
    "against": "#c62828",
}


# ---- the one structure both renderers read -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    """One piece of evidence: a label ("before", "now", an actor) and the claim that shows it."""

    label: str
    claim: ReportedClaim


@dataclass(frozen=True, slots=True)
class Item:
    title: str
    lines: tuple[Line, ...] = ()
    chart: tuple[Position, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    items: tuple[Item, ...]
    empty: str  # said when there are no items
    intro: tuple[str, ...] = ()


def _claims_of(position: Position) -> tuple[ReportedClaim, ...]:
    return position.claims[:SHOWN_CLAIMS]


def _change_item(j: Judgement, timeline: Sequence[Position]) -> Item:
    if j.before is None:
        title = f"{j.actor} on {j.topic}: → {j.after.stance} ({j.after.day.isoformat()}), reported as a move"
        lines = tuple(Line("now", c) for c in _claims_of(j.after))
    else:
        title = (
            f"{j.actor} on {j.topic}: {j.before.stance} ({j.before.day.isoformat()}) → "
            f"{j.after.stance} ({j.after.day.isoformat()})"
        )
        lines = (
            *(Line("before", c) for c in _claims_of(j.before)),
            *(Line("now", c) for c in _claims_of(j.after)),
        )
    chart = tuple(timeline) or tuple(p for p in (j.before, j.after) if p is not None)
    return Item(title, lines, chart, note=j.reason)


def _disputed_item(j: Judgement) -> Item:
    assert j.before is not None
    title = (
        f"{j.actor} on {j.topic}: {j.before.stance} since {j.before.day.isoformat()}, "
        f"{j.after.stance} reported ({j.after.day.isoformat()}), unconfirmed"
    )
    lines = (
        *(Line("standing", c) for c in _claims_of(j.before)),
        *(Line("reported", c) for c in _claims_of(j.after)),
    )
    return Item(title, lines, note=j.reason)


def _contradiction_item(x: Contradiction) -> Item:
    title = f"On {x.topic}: {x.a.actor} ({x.a.stance}) vs {x.b.actor} ({x.b.stance})"
    return Item(title, (Line(x.a.actor, x.a), Line(x.b.actor, x.b)), note=x.reason)


def _ongoing_item(o: OngoingDispute) -> Item:
    x = o.contradiction
    since = o.since.isoformat()
    title = f"On {x.topic}: {x.a.actor} vs {x.b.actor}, reported again (in the digest since {since})"
    return Item(title, (Line(x.a.actor, x.a), Line(x.b.actor, x.b)), note=x.reason)


def sections(d: Digest) -> list[Section]:
    """The digest's sections, in reading order."""
    new_intro = []
    if d.new_actors:
        new_intro.append(f"First positions of: {', '.join(d.new_actors)}.")
    if d.new_topics:
        new_intro.append(f"New topics: {', '.join(d.new_topics)}.")
    return [
        Section(
            "Changed positions",
            tuple(_change_item(j, d.timelines.get((j.actor, j.topic), ())) for j in d.changed),
            "No position changed sides.",
        ),
        Section(
            "Disputed or unconfirmed",
            tuple(_disputed_item(j) for j in d.disputed),
            "None.",
        ),
        Section("Contradictions", tuple(_contradiction_item(x) for x in d.contradictions), "None found."),
        Section("Still disputed", tuple(_ongoing_item(o) for o in d.still_disputed), "None."),
        Section(
            "New positions",
            tuple(
                Item(f"{p.actor} on {p.topic}: {p.stance}", tuple(Line("now", c) for c in _claims_of(p)))
                for p in d.new
            ),
            "None.",
            tuple(new_intro),
        ),
        Section(
            "Steady",
            tuple(
                Item(
                    f"{j.actor} on {j.topic}: "
                    + (
                        j.after.stance
                        if j.before is None or j.after.stance == j.before.stance
                        else f"{j.before.stance} → {j.after.stance}"
                    )
                    + f" ({j.after.side}, as on {j.before.day.isoformat() if j.before else '?'})"
                )
                for j in d.unchanged
            ),
            "None.",
        ),
    ]


def left_out_line(d: Digest) -> str:
    plural = "s" if d.left_out != 1 else ""
    text = f"{d.left_out} claim{plural} below confidence {d.min_confidence:g} left out"
    if d.no_topic:
        text += f"; {d.no_topic} without a topic made no position"
    if d.not_positions:
        text += f"; {d.not_positions} statements of fact, charges or denials are no position"
    if d.said_earlier:
        text += f"; {d.said_earlier} dated by their text to an earlier day count there"
    if d.unclear:
        text += f"; {d.unclear} weak report{'s' if d.unclear != 1 else ''} of a new side not shown"
    if d.rejected:
        text += f"; {d.rejected} rejected in review"
    return text + "."


def undated_line(d: Digest) -> str:
    many = d.undated != 1
    return (
        f"{d.undated} article{'s' if many else ''} without a date {'are' if many else 'is'} not in any "
        "day's digest (STANCEWATCH_DATE_UNDATED_BY_FIRST_SEEN dates them by the day first seen)."
    )


# ---- escaping --------------------------------------------------------------------------------------


# Parentheses are not among them: with both brackets escaped no link or image can open, and dates in titles
# ("accept (2025-06-01) → consider (2025-07-02)") stay readable where the Markdown is read raw (the CLI).
def safe_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) link, percent-encoded so it cannot break out of a link; else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url.strip(), safe=":/?#=&%+,;@.-_~")


# ---- Markdown --------------------------------------------------------------------------------------


def _where(claim: ReportedClaim) -> list[str]:
    """Who, where and when of one claim, as plain phrases (escaped by the caller's renderer)."""
    parts = []
    written = claim.speaker_text or ""
    # who the text means: the canonical speaker, else the actor a pronoun or "the group" stands for
    meant = claim.speaker or (
        claim.actor if written.casefold() in PRONOUNS or written.startswith("the ") else ""
    )
    if meant and written and written.casefold() != meant.casefold():
        parts.append(f"{written} = {meant}")
    elif meant or written:
        parts.append(meant or written)
    else:
        parts.append("speaker not named")
    parts.append(", ".join(claim.sources) if claim.sources else "source unknown")
    if claim.published:
        parts.append("published " + ", ".join(d.isoformat() for d in claim.published))
    if claim.said_on:
        parts.append(f"said on {claim.said_on.isoformat()}")
    parts.append(f"confidence {claim.confidence:.2f}")
    outlets = max(claim.n_sources, 1)
    parts.append(f"{outlets} outlet{'s' if outlets != 1 else ''}")
    parts.append(f"claim {claim.claim_id}")
    return parts


def _md_links(claim: ReportedClaim) -> str:
    links = [f"[link]({u})" for u in (safe_url(u) for u in claim.urls) if u]
    if links:
        return " " + " ".join(links)
    return " (" + ", ".join(markdown_text(doc) for doc in claim.docs) + ")" if claim.docs else ""


def render_markdown(d: Digest) -> str:
    """The digest as Markdown (also the Prefect artifact)."""
    out = [f"# stancewatch digest: {d.day.isoformat()}", ""]
    for section in sections(d):
        out += [f"## {section.heading}", ""]
        out += [markdown_text(line) for line in section.intro]
        if not section.items:
            out.append(section.empty)
        for item in section.items:
            out.append(f"- **{markdown_text(item.title)}**")
            for line in item.lines:
                where = "; ".join(markdown_text(p) for p in _where(line.claim))
                quoted = markdown_text(line.claim.evidence)
                out.append(f"  - {markdown_text(line.label)}: “{quoted}” — {where}{_md_links(line.claim)}")
            if item.note:
                out.append(f"  - _why: {markdown_text(item.note)}_")
        out.append("")
    out += [f"_{markdown_text(left_out_line(d))}_", ""]
    if d.undated:
        out += [f"_{markdown_text(undated_line(d))}_", ""]
    return "\n".join(out)


# ---- HTML ------------------------------------------------------------------------------------------


def timeline_svg(points: Sequence[Position], *, width: int = 360, height: int = 96) -> str:
    """A small inline SVG: one dot per day with a position, at the height of its side, joined by a line."""
    if not points:
        return ""
    e = html.escape
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
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{e(title)}">',
        f"<title>{e(title)}</title>",
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
        parts.append(
            f'<circle cx="{x(p):.1f}" cy="{y(p):.1f}" r="4" fill="{SIDE_COLOUR[p.side]}">'
            f"<title>{e(f'{p.day.isoformat()}: {p.stance}')}</title></circle>"
        )
        if len(points) <= 6 and (i == 0 or points[i - 1].stance != p.stance):
            parts.append(
                f'<text x="{x(p):.1f}" y="{y(p) - 6:.1f}" font-size="8" text-anchor="middle" '
                f'fill="{SIDE_COLOUR[p.side]}">{e(p.stance)}</text>'
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
.item{margin:1rem 0}blockquote{margin:.3rem 0 .3rem 1rem;color:#424242}
.src{color:#757575;font-size:.9em}.note{color:#616161;font-style:italic}
"""


def _html_links(claim: ReportedClaim) -> str:
    e = html.escape
    links = [
        f'<a href="{e(u)}" rel="noopener noreferrer nofollow">link</a>'
        for u in (safe_url(u) for u in claim.urls)
        if u
    ]
    if links:
        return " " + " ".join(links)
    return " (" + e(", ".join(claim.docs)) + ")" if claim.docs else ""


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
    ]
    for section in sections(d):
        out.append(f"<h2>{e(section.heading)}</h2>")
        out += [f"<p>{e(line)}</p>" for line in section.intro]
        if not section.items:
            out.append(f'<p class="note">{e(section.empty)}</p>')
        for item in section.items:
            out.append('<div class="item">')
            out.append(f"<p><strong>{e(item.title)}</strong></p>")
            if item.chart:
                out.append(timeline_svg(item.chart))
            for line in item.lines:
                where = "; ".join(e(p) for p in _where(line.claim))
                out.append(
                    f"<blockquote>{e(line.label)}: “{e(line.claim.evidence)}” "
                    f'<span class="src">— {where}{_html_links(line.claim)}</span></blockquote>'
                )
            if item.note:
                out.append(f'<p class="note">why: {e(item.note)}</p>')
            out.append("</div>")
    out.append(f'<p class="note">{e(left_out_line(d))}</p>')
    if d.undated:
        out.append(f'<p class="note">{e(undated_line(d))}</p>')
    out.append("</body></html>")
    return "\n".join(out)


# ---- JSON ------------------------------------------------------------------------------------------


def claim_json(claim: ReportedClaim) -> dict[str, Any]:
    return {
        "claim_id": claim.claim_id,
        "actor": claim.actor,
        "stance": claim.stance,
        "kind": claim.kind,
        "evidence": claim.evidence,
        "quote": claim.quote,
        "speaker": claim.speaker,
        "speaker_as_written": claim.speaker_text,
        "source": claim.sources[0] if claim.sources else None,
        "sources": list(claim.sources),
        "n_sources": max(claim.n_sources, 1),
        "docs": list(claim.docs),
        "urls": list(claim.urls),
        "published": [p.isoformat() for p in claim.published],
        "said_on": claim.said_on.isoformat() if claim.said_on else None,
        "day": claim.day.isoformat(),
        "confidence": claim.confidence,
        "review": "confirmed" if claim.confirmed else None,
    }


def _side_json(p: Position) -> dict[str, Any]:
    return {
        "stance": p.stance,
        "side": p.side,
        "day": p.day.isoformat(),
        "weight": p.weight,
        "outlets": p.outlets,
        "claims": [claim_json(c) for c in p.claims],
    }


def _judgement_json(j: Judgement) -> dict[str, Any]:
    after, before = j.after, j.before
    claims = [*(before.claims if before else ()), *after.claims]
    return {
        "actor": j.actor,
        "topic": j.topic,
        "from": before.stance if before else None,
        "to": after.stance,
        "from_day": before.day.isoformat() if before else None,
        "from_side": before.side if before else None,
        "to_side": after.side,
        "reason": j.reason,
        "evidence_from": before.evidence if before else None,
        "evidence_to": after.evidence,
        "sources": {"from": list(before.sources) if before else [], "to": list(after.sources)},
        "docs": sorted({d for c in claims for d in c.docs}),
        "speakers": sorted({c.speaker or c.speaker_text for c in claims if c.speaker or c.speaker_text}),
        "said_on": sorted({c.said_on.isoformat() for c in claims if c.said_on}),
        "before": _side_json(before) if before else None,
        "after": _side_json(after),
    }


def _contradiction_json(x: Contradiction) -> dict[str, Any]:
    return {
        "topic": x.topic,
        "reason": x.reason,
        "a": claim_json(x.a),
        "b": claim_json(x.b),
        "docs": sorted({*x.a.docs, *x.b.docs}),
        "speakers": sorted({s for c in (x.a, x.b) for s in [c.speaker or c.speaker_text] if s}),
        "said_on": sorted({c.said_on.isoformat() for c in (x.a, x.b) if c.said_on}),
    }


def digest_to_json(d: Digest) -> dict[str, Any]:
    """The digest as JSON-ready data: {"day", "changed", "disputed", "contradictions", "new", …}."""
    return {
        "day": d.day.isoformat(),
        "changed": [_judgement_json(j) for j in d.changed],
        "disputed": [_judgement_json(j) for j in d.disputed],
        "contradictions": [_contradiction_json(x) for x in d.contradictions],
        "still_disputed": [
            {**_contradiction_json(o.contradiction), "since": o.since.isoformat()} for o in d.still_disputed
        ],
        "new": [
            {
                "actor": p.actor,
                "topic": p.topic,
                "stance": p.stance,
                "side": p.side,
                "evidence": p.evidence,
                "sources": list(p.sources),
                "docs": list(p.docs),
                "claims": [claim_json(c) for c in p.claims],
            }
            for p in d.new
        ],
        "unchanged": [
            {
                "actor": j.actor,
                "topic": j.topic,
                "stance": j.after.stance,
                "side": j.after.side,
                "from": j.before.stance if j.before else None,
                "from_day": j.before.day.isoformat() if j.before else None,
            }
            for j in d.unchanged
        ],
        "new_actors": list(d.new_actors),
        "new_topics": list(d.new_topics),
        "left_out": d.left_out,
        "no_topic": d.no_topic,
        "not_positions": d.not_positions,
        "said_earlier": d.said_earlier,
        "rejected": d.rejected,
        "unclear": d.unclear,
        "undated": d.undated,
        "min_confidence": d.min_confidence,
        "window_days": d.window_days,
    }
