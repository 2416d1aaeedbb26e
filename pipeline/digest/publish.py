"""Writing digests (Markdown and HTML files, the ``digests`` table) and reviewing the claims behind them.

No Prefect here: the daily flow's ``write-digests`` task and ``stancewatch claims review`` (which rebuilds
the digests a verdict changes) both call ``write_digests``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from pipeline.digest.build import Digest, build_digest, digest_options
from pipeline.digest.render import digest_to_json, render_html, render_markdown
from pipeline.digest.rules import Judgement
from pipeline.errors import DigestWriteError
from pipeline.settings import Settings
from pipeline.store.read import actor_aliases, claim_digest_days
from pipeline.store.write import save_digest, save_review


def write_digests(
    con: duckdb.DuckDBPyConnection, days: Sequence[date], *, settings: Settings, run_id: str | None
) -> list[tuple[date, str, Path]]:
    """Build each day's digest, write it as Markdown and HTML in the store's digest folder, store it (which
    clears the day from the stale days, once its files are written); return (day, Markdown, path of the
    .md) for each. A folder that cannot be written raises ``DigestWriteError`` naming the days left."""
    folder = settings.digest_folder
    aliases = actor_aliases(con)
    written: list[tuple[date, str, Path]] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for day in days:
            digest = build_digest(con, day, aliases=aliases, **digest_options(settings))
            markdown, html = render_markdown(digest), render_html(digest)
            md_path = folder / f"{day.isoformat()}.md"
            md_path.write_text(markdown, encoding="utf-8")
            md_path.with_suffix(".html").write_text(html, encoding="utf-8")
            save_digest(con, day, markdown, html, json.dumps(digest_to_json(digest)), run_id)
            written.append((day, markdown, md_path))
    except OSError as exc:
        if isinstance(exc, DigestWriteError) or exc.filename is None:
            raise
        raise DigestWriteError(folder, exc.strerror or str(exc), len(days) - len(written)) from exc
    return written


def review_claim(
    con: duckdb.DuckDBPyConnection, claim_id: str, verdict: str, *, settings: Settings
) -> list[date]:
    """Store the verdict and rebuild the stored digests it changes; return their days.

    Raises ``pipeline.store.write.UnknownClaimError`` for an id no stored claim has.
    """
    save_review(con, claim_id, verdict)
    # Contradictions reach back contradiction_window_days, standing positions position_window_days.
    reach = max(settings.position_window_days, settings.contradiction_window_days)
    days = claim_digest_days(con, claim_id, window_days=reach)
    write_digests(con, days, settings=settings, run_id=f"review-{verdict}-{claim_id}")
    return days


REVIEW_FIELDS: tuple[str, ...] = (
    "day",
    "item",
    "title",
    "side",
    "stated_on",
    "claim_id",
    "actor",
    "stance",
    "topic",
    "speaker",
    "outlet",
    "evidence",
    "confidence",
    "review",
)


def _rows(day: date, kind: str, judgement: Judgement) -> list[dict[str, Any]]:
    before = judgement.before
    moved = f"{before.stance} → {judgement.after.stance}" if before else f"→ {judgement.after.stance}"
    title = f"{judgement.actor} on {judgement.topic}: {moved}"
    sides = [("before", before), ("now", judgement.after)] if before else [("now", judgement.after)]
    rows = []
    for side, position in sides:
        assert position is not None
        for claim in position.claims:
            written = claim.speaker_text or ""
            speaker = claim.speaker or written
            if claim.speaker and written and written.casefold() != claim.speaker.casefold():
                speaker = f"{written} = {claim.speaker}"
            rows.append(
                {
                    "day": day.isoformat(),
                    "item": kind,
                    "title": title,
                    "side": side,
                    "stated_on": position.day.isoformat(),
                    "claim_id": claim.claim_id,
                    "actor": claim.actor,
                    "stance": claim.stance,
                    "topic": claim.topic,
                    "speaker": speaker or None,
                    "outlet": ", ".join(claim.sources) or ", ".join(claim.docs) or None,
                    "evidence": claim.evidence,
                    "confidence": claim.confidence,
                    "review": "confirmed" if claim.confirmed else None,
                }
            )
    return rows


def claims_to_review(digests: Sequence[Digest]) -> list[dict[str, Any]]:
    """The claims behind each digest's changed and disputed items, both sides (the standing position's and
    today's), as rows of ``REVIEW_FIELDS`` (``day``: the digest's; ``stated_on``: the claim's position's):
    what a reviewer confirms or rejects."""
    rows: list[dict[str, Any]] = []
    for digest in digests:
        for judgement in digest.changed:
            rows += _rows(digest.day, "changed", judgement)
        for judgement in digest.disputed:
            rows += _rows(digest.day, "disputed", judgement)
    return rows
