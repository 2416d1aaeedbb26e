"""A generated store of N claims (default 1M) over a year, and the time of one day's digest over it.

    .venv/bin/python bench/digest_store.py [--claims 1000000] [--store /tmp/digest-1m.duckdb] [--repeat 7]

The store is generated in SQL (seconds, not the hours real ingestion would take): 200 actors, 50
topics (one claim in ten without), the eleven stances, confidences spread over [0, 1), one claim per
occurrence in articles of 20 claims each, spread evenly over 2025, 80 outlets, and a syndicated copy
for one article in four (occurrences with ``duplicate_of`` set). Occurrences carry their claim's actor,
topic, stance and confidence, as migration 003 and the store's insert put them there, and ``stated_on``
(migration 007): the published day, as no generated claim is dated by its text. Rows go in in date order,
as a daily pipeline appends them. An existing store with the right count is reused.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from pipeline.digest import build_digest, digest_to_json, render_html, render_markdown  # noqa: E402
from pipeline.models import STANCES  # noqa: E402
from pipeline.store import migrate, open_db  # noqa: E402

ACTORS = 200
TOPICS = 50
OUTLETS = 80
CLAIMS_PER_ARTICLE = 20
FIRST_DAY = date(2025, 1, 1)
DIGEST_DAY = date(2025, 9, 15)


def _stance_list() -> str:
    return "[" + ", ".join(f"'{s}'" for s in STANCES) + "]"


def build_store(path: Path, claims: int = 1_000_000) -> float:
    """Generate the store at ``path`` unless it already holds ``claims`` claims; return seconds spent."""
    con = open_db(path)
    try:
        migrate(con)
        row = con.execute("SELECT count(*) FROM claims").fetchone()
        if row is not None and row[0] == claims:
            return 0.0
        if row is not None and row[0]:
            raise SystemExit(f"{path} holds {row[0]} claims, not {claims}: remove it or pick another path")
        started = time.perf_counter()
        con.execute("BEGIN TRANSACTION")
        con.execute(
            f"""
            INSERT INTO claims (claim_id, actor, actor_status, speaker, stance, polarity, topic, evidence,
                                speech, confidence)
            SELECT 'c' || i, 'actor ' || (hash(i) % {ACTORS}), 'canonical', NULL,
                   ({_stance_list()})[1 + (hash(i * 7) % {len(STANCES)})::INT], 0,
                   CASE WHEN hash(i * 3) % 10 = 0 THEN NULL ELSE 'topic ' || (hash(i * 5) % {TOPICS}) END,
                   'actor ' || (hash(i) % {ACTORS}) || ' said something about actor '
                       || (hash(i * 11) % {ACTORS}) || ', statement ' || i,
                   'reported', (hash(i * 13) % 100) / 100.0
            FROM range({claims}) AS t(i)
            """
        )
        # Occurrences in date order with their claim's actor, topic, stance and confidence (migration 003) and
        # the day the claim was stated (migration 007): its said_on, NULL here, so the published day.
        con.execute(
            f"""
            INSERT INTO claim_occurrences (claim_id, article_id, doc, start_char, end_char, source, published,
                                           duplicate_of, actor, topic, stance, confidence, stated_on)
            WITH occurrences AS (
                SELECT i, 'a' || (i // {CLAIMS_PER_ARTICLE}) AS article_id,
                       'doc' || (i // {CLAIMS_PER_ARTICLE}) AS doc,
                       'outlet ' || (hash(i // {CLAIMS_PER_ARTICLE}) % {OUTLETS}) AS source,
                       NULL AS duplicate_of
                FROM range({claims}) AS t(i)
                UNION ALL
                SELECT i, 'copy' || (i // {CLAIMS_PER_ARTICLE}), 'copydoc' || (i // {CLAIMS_PER_ARTICLE}),
                       'outlet ' || (hash(i // {CLAIMS_PER_ARTICLE} + 7) % {OUTLETS}),
                       'a' || (i // {CLAIMS_PER_ARTICLE})
                FROM range({claims}) AS t(i)
                WHERE (i // {CLAIMS_PER_ARTICLE}) % 4 = 0
            )
            SELECT c.claim_id, o.article_id, o.doc, 0, 80, o.source,
                   DATE '{FIRST_DAY.isoformat()}' + ((o.i * 365) // {claims})::INT AS published,
                   o.duplicate_of,
                   c.actor, c.topic, c.stance, c.confidence, coalesce(c.said_on, published)
            FROM occurrences AS o JOIN claims AS c ON c.claim_id = 'c' || o.i
            ORDER BY 7, o.i
            """
        )
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
        return time.perf_counter() - started
    finally:
        con.close()


def time_digest(path: Path, *, day: date = DIGEST_DAY, repeat: int = 7) -> dict[str, Any]:
    """Build (and render) one day's digest ``repeat`` times over the store, read-only; seconds and counts."""
    con = open_db(path, read_only=True)
    try:
        aliases = {f"actor {i}": [f"alias {i}"] for i in range(ACTORS)}
        times = []
        digest = None
        for _ in range(repeat):
            started = time.perf_counter()
            digest = build_digest(con, day, min_confidence=0.5, aliases=aliases, topic_phrases={})
            times.append(time.perf_counter() - started)
        assert digest is not None
        started = time.perf_counter()
        render_markdown(digest)
        render_html(digest)
        digest_to_json(digest)
        render_s = time.perf_counter() - started
        occurrences = con.execute("SELECT count(*) FROM claim_occurrences").fetchone()
    finally:
        con.close()
    return {
        "day": day.isoformat(),
        "median_s": round(statistics.median(times), 4),
        "best_s": round(min(times), 4),
        "render_s": round(render_s, 4),
        "occurrences": occurrences[0] if occurrences else 0,
        "changed": len(digest.changed),
        "disputed": len(digest.disputed),
        "new": len(digest.new),
        "contradictions": len(digest.contradictions),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time one day's digest over a generated store of N claims.")
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument(
        "--store", default=None, help="where the store goes (default /tmp/…-N.duckdb; reused)"
    )
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    path = Path(args.store) if args.store else Path(f"/tmp/stancewatch-digest-{args.claims}.duckdb")
    generated = build_store(path, args.claims)
    if generated:
        print(f"generated {args.claims:,} claims in {generated:.1f}s at {path}")
    timing = time_digest(path, repeat=args.repeat)
    print(
        f"digest of {timing['day']} over {args.claims:,} claims ({timing['occurrences']:,} occurrences): "
        f"median {timing['median_s']:.3f}s, best {timing['best_s']:.3f}s, render {timing['render_s']:.3f}s; "
        f"{timing['changed']} changed, {timing['disputed']} disputed, {timing['new']} new, "
        f"{timing['contradictions']} contradictions"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
