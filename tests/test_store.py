"""The store's writes and reads against a real DuckDB (in memory, or a temp file where a second
connection matters), with records built from the real models.

The scenario in tests/fixtures/store/gaza_scenario.json mirrors the sample corpus: evidence sentences
verbatim from the seed articles, outlets and dates from their manifest, two syndicated copies of the AFP
story (one from another outlet, one from the same outlet).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipeline.models import (
    POLARITY,
    Actor,
    Article,
    Claim,
    ClaimOccurrence,
    DuplicateLink,
    ExtractionResult,
    Sentence,
)
from pipeline.store import QueryRefused, migrate, open_db, sealed_reader, writer
from pipeline.store.digest_sql import ReportedClaim, claims_stated
from pipeline.store.read import (
    EXPORT_FIELDS,
    actor_aliases,
    actors_for_review,
    days_with_articles,
    discovered_actors,
    export_claims,
    run_sql,
    status_counts,
    stored_digest,
)
from pipeline.store.write import (
    finish_run,
    known_dedupe_state,
    known_raw_hashes,
    save_batch,
    save_digest,
    save_watchlist,
    start_run,
)
from tests.conftest import FIXTURES

SCENARIO_PATH = FIXTURES / "store" / "gaza_scenario.json"


def _hash(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:16]


def load_scenario() -> dict[str, Any]:
    return json.loads(SCENARIO_PATH.read_text(encoding="utf-8"))


def make_article(doc: str, source: str | None, published: date | None, sentences: list[str]) -> Article:
    """An article whose text is the given sentences, one per line, with their real offsets."""
    text = "\n".join(sentences)
    spans, start = [], 0
    for index, sentence in enumerate(sentences):
        spans.append(Sentence(index=index, start=start, end=start + len(sentence), text=sentence))
        start += len(sentence) + 1
    origin = "web" if doc.startswith("http") else "file"
    return Article(
        article_id=_hash(doc, text),
        doc=doc,
        text=text,
        sentences=tuple(spans),
        origin=origin,
        url=doc if origin == "web" else None,
        canonical_url=doc if origin == "web" else None,
        source=source,
        published=published,
        published_basis="manifest",
        content_hash=_hash(text),
        raw_hash=_hash("raw", doc, text),
    )


def make_claim(article: Article, spec: dict[str, Any]) -> tuple[Claim, ClaimOccurrence]:
    evidence = spec["evidence"]
    claim = Claim(
        claim_id=_hash(spec["actor"], spec.get("speaker"), spec["stance"], spec.get("topic"), evidence),
        actor=spec["actor"],
        stance=spec["stance"],
        polarity=POLARITY[spec["stance"]],
        evidence=evidence,
        confidence=spec["confidence"],
        speaker=spec.get("speaker"),
        speaker_text=spec.get("speaker"),
        topic=spec.get("topic"),
        rules=("fixture",),
    )
    start = article.text.index(evidence)
    occurrence = ClaimOccurrence(
        claim_id=claim.claim_id,
        article_id=article.article_id,
        doc=article.doc,
        start=start,
        end=start + len(evidence),
        source=article.source,
        published=article.published,
    )
    return claim, occurrence


def scenario_batches(
    scenario: dict[str, Any],
) -> list[tuple[list[Article], list[tuple[Article, DuplicateLink]], ExtractionResult]]:
    """One batch per article of the scenario: the article, its copies, and its claims."""
    batches = []
    for spec in scenario["articles"]:
        sentences = [c["evidence"] for c in spec["claims"]]
        article = make_article(spec["doc"], spec["source"], date.fromisoformat(spec["published"]), sentences)
        pairs = [make_claim(article, c) for c in spec["claims"]]
        copies = []
        for copy_spec in spec.get("copies", []):
            published = date.fromisoformat(copy_spec["published"])
            copy = make_article(copy_spec["doc"], copy_spec["source"], published, sentences)
            link = DuplicateLink(
                copy.article_id, article.article_id, copy_spec["kind"], copy_spec["similarity"]
            )
            copies.append((copy, link))
        extraction = ExtractionResult(
            claims=tuple(c for c, _ in pairs), occurrences=tuple(o for _, o in pairs)
        )
        batches.append(([article], copies, extraction))
    return batches


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = open_db(":memory:")
    migrate(connection)
    yield connection
    connection.close()


def store_scenario(con: duckdb.DuckDBPyConnection, scenario: dict[str, Any] | None = None) -> str:
    """Save the whole scenario, one batch per article as a run would; return the run id."""
    run_id = start_run(con, "test")
    for articles, copies, extraction in scenario_batches(scenario or load_scenario()):
        save_batch(con, articles=articles, duplicates=copies, extraction=extraction, run_id=run_id)
    return run_id


def stated_on(con: duckdb.DuckDBPyConnection, day: date, *, min_confidence: float) -> list[ReportedClaim]:
    """The claims stated on ``day`` alone (what the removed ``window_claims(day)`` returned)."""
    return claims_stated(con, day, since=day, min_confidence=min_confidence)


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


TABLES = (
    "articles",
    "duplicates",
    "sentences",
    "sources",
    "claims",
    "claim_occurrences",
    "actors",
    "aliases",
)


# ---- save_batch ------------------------------------------------------------------------------------


def test_save_batch_counts_new_rows_and_a_resave_inserts_nothing(con: duckdb.DuckDBPyConnection) -> None:
    batches = scenario_batches(load_scenario())
    articles, copies, extraction = batches[2]  # the AFP story with its two copies
    counts = save_batch(con, articles=articles, duplicates=copies, extraction=extraction, run_id="r1")
    assert counts["articles"] == 1
    assert counts["duplicates"] == 2
    assert counts["claims"] == 4
    # 4 occurrences in the article itself, 4 more for each copy.
    assert counts["claim_occurrences"] == 12
    assert counts["sentences"] == 4
    assert counts["sources"] == 2
    before = {t: _count(con, t) for t in TABLES}

    again = save_batch(con, articles=articles, duplicates=copies, extraction=extraction, run_id="r2")
    assert all(n == 0 for n in again.values()), again
    assert {t: _count(con, t) for t in TABLES} == before


def test_whole_scenario_resaved_changes_no_table(con: duckdb.DuckDBPyConnection) -> None:
    store_scenario(con)
    before = {t: _count(con, t) for t in TABLES}
    store_scenario(con)
    assert {t: _count(con, t) for t in TABLES} == before
    assert before["claims"] == 22
    assert before["articles"] == 5


def test_copy_gets_canonical_occurrences_with_its_own_outlet_and_duplicate_of(
    con: duckdb.DuckDBPyConnection,
) -> None:
    articles, copies, extraction = scenario_batches(load_scenario())[2]
    save_batch(con, articles=articles, duplicates=copies, extraction=extraction, run_id="r1")
    near_copy, link = copies[0]
    rows = con.execute(
        "SELECT claim_id, doc, source, published, duplicate_of, start_char FROM claim_occurrences "
        "WHERE article_id = ? ORDER BY claim_id",
        [near_copy.article_id],
    ).fetchall()
    originals = sorted(extraction.occurrences, key=lambda o: o.claim_id)
    assert [r[0] for r in rows] == [o.claim_id for o in originals]
    assert {r[1] for r in rows} == {near_copy.doc}
    assert {r[2] for r in rows} == {"Arab News (AFP)"}
    assert {r[3] for r in rows} == {date(2025, 6, 1)}
    assert {r[4] for r in rows} == {link.canonical_id}
    assert [r[5] for r in rows] == [o.start for o in originals]


def test_copy_arriving_in_a_later_run_reuses_claims_stored_earlier(con: duckdb.DuckDBPyConnection) -> None:
    articles, copies, extraction = scenario_batches(load_scenario())[2]
    save_batch(con, articles=articles, duplicates=[], extraction=extraction, run_id="r1")
    empty = ExtractionResult(claims=(), occurrences=())
    counts = save_batch(con, articles=[], duplicates=copies[:1], extraction=empty, run_id="r2")
    assert counts["duplicates"] == 1
    assert counts["claim_occurrences"] == len(extraction.occurrences)
    assert counts["claims"] == 0


def test_copy_of_a_copy_points_at_the_first_canonical(con: duckdb.DuckDBPyConnection) -> None:
    articles, copies, extraction = scenario_batches(load_scenario())[2]
    save_batch(con, articles=articles, duplicates=copies[:1], extraction=extraction, run_id="r1")
    first_copy = copies[0][0]
    second, _ = copies[1]
    link = DuplicateLink(second.article_id, first_copy.article_id, "exact", 1.0)
    empty = ExtractionResult(claims=(), occurrences=())
    save_batch(con, articles=[], duplicates=[(second, link)], extraction=empty, run_id="r2")
    rows = con.execute(
        "SELECT DISTINCT duplicate_of FROM claim_occurrences WHERE article_id = ?", [second.article_id]
    ).fetchall()
    assert rows == [(articles[0].article_id,)]


def test_duplicate_counts_as_a_source_only_from_another_outlet(con: duckdb.DuckDBPyConnection) -> None:
    store_scenario(con)
    claims = {c.evidence[:30]: c for c in stated_on(con, date(2025, 6, 1), min_confidence=0.0)}
    accept = claims["Hamas said it had responded “p"]
    # Three articles carry it (the AFP story, the Arab News copy, a same-outlet mirror): two outlets.
    assert len(accept.docs) == 3
    assert accept.n_sources == 2
    assert accept.sources == ("Arab News (AFP)", "World News (syndicated AFP copy)")


def test_failed_batch_writes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    articles, copies, extraction = scenario_batches(load_scenario())[0]
    broken = replace(articles[0], doc=None)  # type: ignore[arg-type]  # doc is NOT NULL in the store
    with pytest.raises(duckdb.ConstraintException):
        save_batch(con, articles=[broken], duplicates=copies, extraction=extraction, run_id="r1")
    assert {t: _count(con, t) for t in TABLES} == dict.fromkeys(TABLES, 0)
    # The connection is usable afterwards and the same batch, fixed, goes in.
    counts = save_batch(con, articles=articles, duplicates=copies, extraction=extraction, run_id="r1")
    assert counts["articles"] == 1


def test_minhash_signature_round_trips_through_dedupe_state(con: duckdb.DuckDBPyConnection) -> None:
    batches = scenario_batches(load_scenario())
    articles, copies, extraction = batches[2]
    signature = bytes(range(16)) * 8
    save_batch(
        con,
        articles=articles,
        duplicates=copies,
        extraction=extraction,
        run_id="r1",
        signatures={articles[0].article_id: signature},
    )
    save_batch(con, articles=batches[0][0], duplicates=[], extraction=batches[0][2], run_id="r1")
    state = {row[0]: row for row in known_dedupe_state(con, chunk=1)}
    assert set(state) == {articles[0].article_id, batches[0][0][0].article_id}
    _, content_hash, canonical_url, minhash, published = state[articles[0].article_id]
    assert (content_hash, canonical_url, minhash) == (articles[0].content_hash, None, signature)
    assert published == articles[0].published
    assert state[batches[0][0][0].article_id][3] is None


def test_known_raw_hashes_cover_articles_and_copies(con: duckdb.DuckDBPyConnection) -> None:
    articles, copies, extraction = scenario_batches(load_scenario())[2]
    save_batch(con, articles=articles, duplicates=copies, extraction=extraction, run_id="r1")
    assert known_raw_hashes(con) == {articles[0].raw_hash, *(c.raw_hash for c, _ in copies)}


def test_discovered_actors_and_alias_candidates_wait_for_review(con: duckdb.DuckDBPyConnection) -> None:
    articles, _, extraction = scenario_batches(load_scenario())[1]
    save_watchlist(con, [Actor("Steve Witkoff", kind="person", party="United States")], [], [])
    extraction = replace(
        extraction,
        discovered_actors=(Actor("Times of Israel", kind="organisation", status="discovered"),),
        alias_candidates=(
            (
                "Whitcoff",
                "Steve Witkoff",
                0.93,
                "Steve Whitcoff categorically denied the Palestinian official’s claims",
            ),
        ),
    )
    save_batch(con, articles=articles, duplicates=[], extraction=extraction, run_id="r1")
    review = actors_for_review(con)
    assert [(r["alias"], r["actor"], r["score"]) for r in review] == [("Whitcoff", "Steve Witkoff", 0.93)]
    assert review[0]["evidence"].startswith("Steve Whitcoff categorically denied")
    assert [d["name"] for d in discovered_actors(con)] == ["Times of Israel"]

    # The watchlist confirming the alias takes it off the review list; a canonical actor is never downgraded.
    save_watchlist(con, [], [("Whitcoff", "Steve Witkoff")], [])
    assert actors_for_review(con) == []
    again = replace(extraction, discovered_actors=(Actor("Steve Witkoff", status="discovered"),))
    save_batch(con, articles=articles, duplicates=[], extraction=again, run_id="r2")
    assert con.execute("SELECT status, party FROM actors WHERE name = 'Steve Witkoff'").fetchone() == (
        "canonical",
        "United States",
    )


def test_save_watchlist_upserts_and_aliases_reach_the_party(con: duckdb.DuckDBPyConnection) -> None:
    actors = [
        Actor("United States", kind="country", aliases=("US", "Washington")),
        Actor("Steve Witkoff", kind="person", party="United States", aliases=("Witkoff",)),
        ("Hamas", "organisation", None),
    ]
    topics = [("ceasefire-proposal", "The ceasefire proposal", ["ceasefire proposal", "truce offer"])]
    counts = save_watchlist(con, actors, [("Whitcoff", "Steve Witkoff"), ("the group", "Hamas")], topics)
    assert counts == {"actors": 3, "aliases": 5, "topics": 1}
    assert actor_aliases(con) == {
        "Hamas": ["the group"],
        "Steve Witkoff": ["Whitcoff", "Witkoff"],
        "United States": ["Steve Witkoff", "US", "Washington", "Whitcoff", "Witkoff"],
    }
    # A second load with a changed label and kind updates in place.
    save_watchlist(con, [("Hamas", "group", None)], [], [("ceasefire-proposal", "Proposal", ["deal"])])
    assert con.execute("SELECT kind FROM actors WHERE name = 'Hamas'").fetchone() == ("group",)
    assert con.execute("SELECT label, phrases FROM topics").fetchone() == ("Proposal", '["deal"]')
    assert _count(con, "actors") == 3


# ---- runs, digests ---------------------------------------------------------------------------------


def test_runs_are_started_and_finished_with_stats(con: duckdb.DuckDBPyConnection) -> None:
    run_id = start_run(con, "ingest")
    assert run_id.startswith("ingest-")
    assert start_run(con, "ingest") != run_id
    finish_run(con, run_id, "completed", {"read": 5, "days": {date(2025, 5, 27)}})
    status, stats, finished = con.execute(
        "SELECT status, stats, finished_at FROM runs WHERE run_id = ?", [run_id]
    ).fetchone() or (None, None, None)
    assert status == "completed"
    assert json.loads(stats) == {"read": 5, "days": ["2025-05-27"]}
    assert finished is not None


def test_save_digest_replaces_the_days_digest(con: duckdb.DuckDBPyConnection) -> None:
    day = date(2025, 7, 2)
    save_digest(con, day, "# old", "<p>old</p>", {"day": "2025-07-02", "changed": []}, "r1")
    save_digest(con, day, "# new", "<p>new</p>", json.dumps({"day": "2025-07-02", "changed": [1]}), "r2")
    stored = stored_digest(con, day)
    assert stored is not None
    assert (stored["markdown"], stored["run_id"], stored["body"]["changed"]) == ("# new", "r2", [1])
    assert _count(con, "digests") == 1
    assert stored_digest(con, date(2025, 7, 3)) is None


# ---- reads -----------------------------------------------------------------------------------------


def test_export_claims_gives_one_line_per_occurrence(con: duckdb.DuckDBPyConnection) -> None:
    store_scenario(con)
    lines = list(export_claims(con))
    assert len(lines) == _count(con, "claim_occurrences") == 22 + 2 * 4
    assert all(tuple(line) == EXPORT_FIELDS for line in lines)
    json.dumps(lines)  # ready for JSON lines as they are
    copy_lines = [x for x in lines if x["doc"] == "https://example.org/afp/hamas-ready-to-resume-talks"]
    assert len(copy_lines) == 4
    assert {x["source"] for x in copy_lines} == {"Arab News (AFP)"}
    first = lines[0]
    assert first["published"] == "2025-05-27"
    assert [x["published"] for x in lines] == sorted(x["published"] for x in lines)


def test_days_with_articles_include_copies_and_are_sorted(con: duckdb.DuckDBPyConnection) -> None:
    scenario = load_scenario()
    scenario["articles"][2]["copies"][0]["published"] = "2025-06-02"
    store_scenario(con, scenario)
    assert days_with_articles(con) == [
        date(2025, 5, 27),
        date(2025, 6, 1),
        date(2025, 6, 2),
        date(2025, 7, 2),
        date(2025, 7, 25),
    ]


def test_status_counts(con: duckdb.DuckDBPyConnection) -> None:
    run_id = store_scenario(con)
    finish_run(con, run_id, "completed", {"read": 7})
    status = status_counts(con)
    assert (status["articles"], status["duplicates"], status["claims"]) == (5, 2, 22)
    assert status["last_run"]["run_id"] == run_id
    assert status["last_run"]["stats"] == {"read": 7}


def test_run_sql_runs_one_query_and_refuses_writes(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    with writer(db) as con:
        store_scenario(con)
    with sealed_reader(db) as con:
        columns, rows = run_sql(con, "SELECT actor, count(*) AS n FROM claims GROUP BY actor ORDER BY actor")
        assert columns == ["actor", "n"]
        assert rows == [("Hamas", 12), ("Israel", 3), ("United States", 7)]
        assert run_sql(con, "SELECT * FROM claims", max_rows=2)[1].__len__() == 2
        with pytest.raises(QueryRefused, match="as DELETE"):
            run_sql(con, "DELETE FROM claims")


def test_migration_003_fills_digest_columns_of_occurrences_stored_before_it() -> None:
    from pipeline.sqlfiles import migrations

    con = open_db(":memory:")
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
        "applied_at TIMESTAMP DEFAULT current_timestamp)"
    )
    for version, name, sql in migrations():
        if version < 3:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
    con.execute(
        "INSERT INTO claims (claim_id, actor, actor_status, stance, polarity, topic, evidence, speech, "
        "confidence) VALUES ('c1', 'Hamas', 'canonical', 'accept', 1, 'ceasefire-proposal', "
        "'Hamas accepts.', 'reported', 0.8)"
    )
    con.execute(
        "INSERT INTO claim_occurrences (claim_id, article_id, doc, start_char, end_char, source, published) "
        "VALUES ('c1', 'a1', 'a.txt', 0, 14, 'Caliber.Az', DATE '2025-05-27')"
    )
    applied = migrate(con)
    assert applied[:2] == ["003_occurrence_positions.sql", "004_skipped_inputs.sql"]  # later ones follow
    row = con.execute("SELECT actor, topic, stance, confidence FROM claim_occurrences").fetchone()
    assert row == ("Hamas", "ceasefire-proposal", "accept", 0.8)
    assert [c.claim_id for c in stated_on(con, date(2025, 5, 27), min_confidence=0.5)] == ["c1"]
    con.close()


def test_migration_007_dates_stored_occurrences_when_said_on_a_store_with_data() -> None:
    """A store written before 007 upgrades in place: stated_on is the claim's said_on, else the published
    day, and old claims are statements (this failed on any non-empty store while the index came after the
    UPDATE)."""
    from pipeline.sqlfiles import migrations

    con = open_db(":memory:")
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
        "applied_at TIMESTAMP DEFAULT current_timestamp)"
    )
    for version, name, sql in migrations():
        if version < 7:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
    con.execute(
        "INSERT INTO claims (claim_id, actor, actor_status, stance, polarity, topic, evidence, speech, "
        "said_on, confidence) VALUES "
        "('c1', 'Hamas', 'canonical', 'accept', 1, 'ceasefire-proposal', 'Hamas accepts.', 'reported', "
        "NULL, 0.8), "
        "('c2', 'Hamas', 'canonical', 'accept', 1, 'ceasefire-proposal', 'On May 20 Hamas accepted.', "
        "'reported', DATE '2025-05-20', 0.8)"
    )
    con.execute(
        "INSERT INTO claim_occurrences (claim_id, article_id, doc, start_char, end_char, source, published, "
        "actor, topic, stance, confidence) VALUES "
        "('c1', 'a1', 'a.txt', 0, 14, 'Caliber.Az', DATE '2025-05-27', 'Hamas', 'ceasefire-proposal', "
        "'accept', 0.8), "
        "('c2', 'a1', 'a.txt', 15, 40, 'Caliber.Az', DATE '2025-05-27', 'Hamas', 'ceasefire-proposal', "
        "'accept', 0.8)"
    )
    assert migrate(con) == ["007_positions.sql"]
    rows = con.execute(
        "SELECT o.claim_id, o.stated_on, c.kind FROM claim_occurrences AS o "
        "JOIN claims AS c USING (claim_id) ORDER BY o.claim_id"
    ).fetchall()
    assert rows == [("c1", date(2025, 5, 27), "statement"), ("c2", date(2025, 5, 20), "statement")]
    con.close()


def test_copy_without_an_outlet_adds_no_independent_source(con: duckdb.DuckDBPyConnection) -> None:
    articles, copies, extraction = scenario_batches(load_scenario())[2]
    anonymous = [(replace(copy, source=None), link) for copy, link in copies[:1]]
    save_batch(con, articles=articles, duplicates=anonymous, extraction=extraction, run_id="r1")
    claims = stated_on(con, date(2025, 6, 1), min_confidence=0.0)
    assert {c.n_sources for c in claims} == {1}
    assert {len(c.docs) for c in claims} == {2}


# ---- stale days and crashed runs ---------------------------------------------------------------------


def test_a_stored_batch_marks_its_days_and_later_ones_stale_until_their_digests_are_saved(
    con: duckdb.DuckDBPyConnection,
) -> None:
    from pipeline.store.read import stale_days

    batches = scenario_batches(load_scenario())
    for articles, copies, extraction in batches:
        save_batch(con, articles=articles, duplicates=copies, extraction=extraction, run_id="r1")
    every_day = days_with_articles(con)
    assert stale_days(con) == every_day
    for day in every_day:
        save_digest(con, day, "# digest", None, {"day": str(day)}, "r1")
    assert stale_days(con) == []

    # A re-save stores nothing new and so changes no digest; a batch of an early day changes every later
    # day's digest too (positions are compared with the previous day's).
    articles, copies, extraction = batches[0]
    save_batch(con, articles=articles, duplicates=copies, extraction=extraction, run_id="r2")
    assert stale_days(con) == []
    early = make_article("early.txt", "AFP", every_day[0], ["Hamas said it accepts the proposal."])
    save_batch(con, articles=[early], duplicates=[], extraction=ExtractionResult((), ()), run_id="r3")
    assert stale_days(con) == every_day


def test_migration_006_marks_the_days_an_older_store_has_no_digest_of(con: duckdb.DuckDBPyConnection) -> None:
    from pipeline.sqlfiles import migrations
    from pipeline.store.read import stale_days

    store_scenario(con)
    days = days_with_articles(con)
    save_digest(con, days[0], "# digest", None, {}, None)
    con.execute("DROP TABLE stale_days")
    con.execute("DELETE FROM schema_migrations WHERE version = 6")
    assert "006_stale_days.sql" in [name for _, name, _ in migrations()]
    assert migrate(con) == ["006_stale_days.sql"]
    assert stale_days(con) == days[1:]


def test_a_run_whose_process_is_gone_is_closed_as_crashed(con: duckdb.DuckDBPyConnection) -> None:
    import subprocess
    import sys

    from pipeline.store.write import close_crashed_runs

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead_run, live_run, own_run = (
            start_run(con, "ingest"),
            start_run(con, "ingest"),
            start_run(con, "ingest"),
        )
        con.execute("UPDATE runs SET pid = ? WHERE run_id = ?", [int(gone.stdout), dead_run])
        con.execute("UPDATE runs SET pid = ? WHERE run_id = ?", [alive.pid, live_run])

        assert close_crashed_runs(con) == [dead_run]
        next_run = start_run(con, "daily")  # closes none: the others' processes live
    finally:
        alive.kill()
        alive.wait()
    statuses = dict(con.execute("SELECT run_id, status FROM runs").fetchall())
    assert statuses == {dead_run: "crashed", live_run: "running", own_run: "running", next_run: "running"}
    assert con.execute(
        "SELECT finished_at IS NOT NULL FROM runs WHERE run_id = ?", [dead_run]
    ).fetchone() == (True,)
