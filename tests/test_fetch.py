"""Fetching over a real HTTP server on 127.0.0.1 (tests/httpserver.py) with real feeds and pages.

Each fault asserts its outcome, its fetch-log rows, and that the other sources of the batch are not
lost. Backoff and per-host delays are tiny through settings; waits the server imposes (Retry-After)
go through the ``sleep`` the fetcher is given, recorded instead of slept.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipeline.fetch import FetchBatch, FetchLogEntry, address_refusal, fetch_sources
from pipeline.settings import Settings
from pipeline.sources import Source
from pipeline.store import migrate, open_db
from pipeline.store.fetchlog import load_http_cache, save_cache_updates, save_fetch_batch, source_statuses
from tests.httpserver import FaultServer, Reply, http_server_fixture  # noqa: F401  (provides http_server)


def _settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "http_allow_private": True,  # the test server is on loopback
        "http_backoff": 0.001,
        "http_per_host_delay": 0.0,
        "http_timeout": 2.0,
        "http_retries": 2,
    }
    values.update(overrides)
    return Settings(**values)


def _rows(batch: FetchBatch, url: str) -> list[FetchLogEntry]:
    return [row for row in batch.log if row.url == url]


def _summary(batch: FetchBatch, name: str) -> Any:
    [summary] = [s for s in batch.summaries if s.name == name]
    return summary


@pytest.fixture
def store(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_db(tmp_path / "store.duckdb")
    migrate(con)
    yield con
    con.close()


def test_feed_entries_become_documents_through_the_page_path(http_server: FaultServer) -> None:
    feed = http_server.url("/feeds/al-monitor.xml")
    batch = fetch_sources([Source("Al-Monitor", feed, "feed")], _settings(), {}, "run-1")

    by_doc = {d.doc: d for d in batch.documents}
    # Six entries: one page gone (its 556-character summary stands in), one page linked three times.
    assert sorted(by_doc) == sorted(
        http_server.url(p)
        for p in (
            "/gone/berlin-open-letter",
            "/pages/syria-fact-check.html",
            "/pages/afghanistan-helicopter.html",
            "/pages/titan-map.html",
        )
    )
    assert len(http_server.hits("/pages/afghanistan-helicopter.html")) == 1
    assert all(d.origin == "feed" and d.source == "Al-Monitor" for d in batch.documents)

    summary = by_doc[http_server.url("/gone/berlin-open-letter")]
    assert summary.content_kind == "feed-summary"
    assert (
        summary.title
        == "Over 80 Berlin Film Festival alumni sign open letter urging organisers to take stance on Gaza"
    )
    assert (summary.published.isoformat() if summary.published else None, summary.published_basis) == (
        "2026-02-17",
        "feed",
    )

    page = by_doc[http_server.url("/pages/afghanistan-helicopter.html")]
    assert page.content_kind == "page"
    assert page.title and page.title.startswith("US service members killed in Afghanistan")
    assert page.published_basis == "metadata"  # the page's own date wins over the entry's
    assert "helicopter" in page.text

    assert _summary(batch, "Al-Monitor").status == "ok"
    assert (_summary(batch, "Al-Monitor").new, _summary(batch, "Al-Monitor").failed) == (4, 0)
    [gone] = _rows(batch, http_server.url("/gone/berlin-open-letter"))
    assert (gone.outcome, gone.status, gone.attempt) == ("failed", 404, 1)  # a 404 is not retried
    assert [r.outcome for r in _rows(batch, feed)] == ["ok"]
    assert len(_rows(batch, http_server.url("/robots.txt"))) == 1  # robots.txt once per host
    assert all(r.headers["user-agent"] == Settings().http_user_agent for r in http_server.requests)
    assert {u.url for u in batch.cache_updates} >= {feed, http_server.url("/pages/titan-map.html")}


def test_500_then_200_is_retried_and_succeeds(http_server: FaultServer) -> None:
    url = http_server.route(
        "/flaky.html", Reply(500, b"oops"), http_server.file_reply("pages/titan-map.html")
    )
    batch = fetch_sources([Source("Flaky", url, "page")], _settings(), {}, "run-1")
    assert [(r.outcome, r.status, r.attempt) for r in _rows(batch, url)] == [
        ("retry", 500, 1),
        ("ok", 200, 2),
    ]
    assert _summary(batch, "Flaky").status == "ok"
    [document] = batch.documents
    assert document.doc == url and document.origin == "web" and "Titan" in (document.title or "")


def test_5xx_until_retries_run_out_fails_only_that_source(http_server: FaultServer) -> None:
    broken = http_server.route("/down.xml", Reply(503, b"down"))
    good = http_server.url("/pages/titan-map.html")
    batch = fetch_sources(
        [Source("Down", broken, "feed"), Source("Titan", good, "page")],
        _settings(http_retries=2),
        {},
        "run-1",
    )
    assert [(r.outcome, r.status) for r in _rows(batch, broken)] == [
        ("retry", 503),
        ("retry", 503),
        ("failed", 503),
    ]
    down = _summary(batch, "Down")
    assert (down.status, down.failed, down.error) == ("failed", 1, "HTTP 503")
    assert [d.doc for d in batch.documents] == [good]


def test_429_waits_for_retry_after_capped(http_server: FaultServer) -> None:
    polite = http_server.route(
        "/polite.xml",
        Reply(429, headers={"Retry-After": "3"}),
        http_server.file_reply("feeds/al-monitor.xml"),
    )
    greedy = http_server.route(
        "/greedy.html",
        Reply(429, headers={"Retry-After": "7200"}),
        http_server.file_reply("pages/titan-map.html"),
    )
    waits: list[float] = []
    batch = fetch_sources(
        [Source("Polite", polite, "feed"), Source("Greedy", greedy, "page")],
        _settings(),
        {},
        "run-1",
        sleep=waits.append,
        max_retry_after=30.0,
        max_workers=1,
    )
    assert sorted(waits) == [3.0, 30.0]
    first, second = _rows(batch, polite)
    assert (first.outcome, first.status, second.outcome) == ("retry", 429, "ok")
    assert first.error == "HTTP 429; Retry-After 3s, retrying in 3.00s"
    assert "Retry-After 7200s, retrying in 30.00s" in (_rows(batch, greedy)[0].error or "")
    assert _summary(batch, "Greedy").new == 1


def test_a_response_slower_than_the_timeout_fails_after_retries(http_server: FaultServer) -> None:
    slow = http_server.route("/slow.xml", Reply(200, b"<rss/>", delay=1.0))
    good = http_server.url("/pages/titan-map.html")
    batch = fetch_sources(
        [Source("Slow", slow, "feed"), Source("Titan", good, "page")],
        _settings(http_timeout=0.2, http_retries=1),
        {},
        "run-1",
    )
    rows = _rows(batch, slow)
    assert [(r.outcome, r.status, r.attempt) for r in rows] == [("retry", None, 1), ("failed", None, 2)]
    assert all("Timeout" in (r.error or "") for r in rows)
    assert _summary(batch, "Slow").status == "failed"
    assert [d.doc for d in batch.documents] == [good]


def test_bodies_over_the_size_limit_are_not_read(http_server: FaultServer) -> None:
    page = http_server.file_body("pages/syria-fact-check.html")  # 45 KB
    declared = http_server.route("/declared.html", Reply(200, page, {"Content-Type": "text/html"}))
    streamed = http_server.route(
        "/streamed.html", Reply(200, page * 4, {"Content-Type": "text/html"}, stream=True)
    )
    batch = fetch_sources(
        [Source("Declared", declared, "page"), Source("Streamed", streamed, "page")],
        _settings(http_max_bytes=20_000, respect_robots=False),
        {},
        "run-1",
    )
    [declared_row] = _rows(batch, declared)
    assert declared_row.outcome == "failed" and "bytes is over the limit of 20000" in (
        declared_row.error or ""
    )
    [streamed_row] = _rows(batch, streamed)
    assert streamed_row.outcome == "failed" and "stopped reading" in (streamed_row.error or "")
    assert batch.documents == ()
    assert {s.status for s in batch.summaries} == {"failed"}


def test_page_with_a_wrong_declared_charset_is_read_as_utf8(http_server: FaultServer) -> None:
    url = http_server.route(
        "/shift.html",
        http_server.file_reply(
            "pages/japanese-utf8.html", headers={"Content-Type": "text/html; charset=iso-8859-1"}
        ),
    )
    batch = fetch_sources([Source("Lighthouse", url, "page")], _settings(), {}, "run-1")
    [document] = batch.documents
    assert document.title and "商標法違反" in document.title
    assert "商品" in document.text and "Ã" not in document.text and "å" not in document.text


def test_feed_with_a_wrong_declared_charset_yields_entries_and_logs_the_problem(
    http_server: FaultServer,
) -> None:
    feed = http_server.url("/feeds/wrong-charset.xml")
    batch = fetch_sources([Source("Eliot Jones", feed, "feed")], _settings(), {}, "run-1")
    [row] = _rows(batch, feed)
    assert row.outcome == "ok" and "declared utf-16 but sent as UTF-8" in (row.error or "")
    # Both entry pages are gone; their long summaries stand in.
    assert [d.content_kind for d in batch.documents] == ["feed-summary", "feed-summary"]
    assert batch.documents[0].title == "So you want to parse a PDF?"


def test_malformed_feed_is_used_with_the_error_on_its_log_row(http_server: FaultServer) -> None:
    feed = http_server.url("/feeds/malformed.xml")
    batch = fetch_sources([Source("Paul Dix", feed, "feed")], _settings(), {}, "run-1")
    [row] = _rows(batch, feed)
    assert (
        row.outcome == "ok" and row.error and row.error.startswith("malformed feed, 5 entries read: SAXParse")
    )
    assert len(batch.documents) == 5
    assert {d.content_kind for d in batch.documents} == {"feed-content"}  # pages gone: content stands in
    assert _summary(batch, "Paul Dix").status == "ok" and "malformed feed" in (
        _summary(batch, "Paul Dix").error or ""
    )


def test_redirects_are_followed_and_loops_stopped(http_server: FaultServer) -> None:
    moved = http_server.route("/old-titan", Reply(301, headers={"Location": "/pages/titan-map.html"}))
    loop_a = http_server.route("/loop-a", Reply(302, headers={"Location": "/loop-b"}))
    http_server.route("/loop-b", Reply(302, headers={"Location": http_server.url("/loop-a")}))
    batch = fetch_sources(
        [Source("Moved", moved, "page"), Source("Loop", loop_a, "page")], _settings(), {}, "run-1"
    )
    [document] = batch.documents
    assert document.doc == moved and document.url == http_server.url("/pages/titan-map.html")
    loop_rows = [r for r in batch.log if r.source == "Loop" and r.kind == "page"]
    assert [r.outcome for r in loop_rows] == ["redirect", "redirect", "failed"]
    assert "redirect loop" in (loop_rows[-1].error or "")
    assert _summary(batch, "Loop").status == "failed"


def test_too_many_redirects(http_server: FaultServer) -> None:
    for hop in range(4):
        http_server.route(f"/hop{hop}", Reply(302, headers={"Location": f"/hop{hop + 1}"}))
    batch = fetch_sources(
        [Source("Hops", http_server.url("/hop0"), "feed")], _settings(http_max_redirects=2), {}, "r"
    )
    assert "more than 2 redirects" in (_summary(batch, "Hops").error or "")


def test_private_addresses_are_refused_before_any_connection() -> None:
    sources = [
        Source("Metadata", "http://169.254.169.254/latest/meta-data/", "page"),
        Source("Intranet", "http://10.20.30.40/feed.xml", "feed"),
        Source("Loopback", "http://localhost:9/feed.xml", "feed"),
    ]
    batch = fetch_sources(sources, _settings(http_allow_private=False, http_retries=3), {}, "run-1")
    assert batch.documents == ()
    assert len(batch.log) == 3  # one refusal each: no robots.txt, no retries
    for row in batch.log:
        assert (row.outcome, row.status, row.attempt) == ("refused", None, 0)
        assert "private, loopback or link-local" in (row.error or "")
    assert {s.status for s in batch.summaries} == {"failed"}


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("http://10.0.0.1/", True),
        ("http://192.168.1.1/", True),
        ("http://100.64.0.1/", True),  # carrier-grade NAT
        ("http://[::1]/", True),
        ("http://[::ffff:10.0.0.1]/", True),
        ("http://[fe80::1]/", True),
        ("http://224.0.0.1/", True),
        ("http://8.8.8.8/", False),
        ("http://[2001:4860:4860::8888]/", False),
    ],
)
def test_address_refusal_on_literal_addresses(url: str, refused: bool) -> None:
    assert (address_refusal(url, allow_private=False) is not None) is refused
    assert address_refusal(url, allow_private=True) is None


def test_robots_txt_is_honoured_for_pages(http_server: FaultServer) -> None:
    private = http_server.route("/private/report.html", http_server.file_reply("pages/titan-map.html"))
    public = http_server.url("/pages/titan-map.html")
    batch = fetch_sources(
        [Source("Private", private, "page"), Source("Public", public, "page")], _settings(), {}, "run-1"
    )
    assert [d.doc for d in batch.documents] == [public]
    [row] = _rows(batch, private)
    assert (row.outcome, row.error) == ("disallowed", "disallowed by robots.txt")
    assert http_server.hits("/private/report.html") == []
    assert len(http_server.hits("/robots.txt")) == 1

    allowed = fetch_sources(
        [Source("Private", private, "page")], _settings(respect_robots=False), {}, "run-2"
    )
    assert len(allowed.documents) == 1


def test_second_run_is_conditional_and_skips_unchanged_work(
    http_server: FaultServer, store: duckdb.DuckDBPyConnection
) -> None:
    feed = http_server.url("/feeds/al-monitor.xml")
    sources = [Source("Al-Monitor", feed, "feed")]
    first = fetch_sources(sources, _settings(), {}, "run-1")
    save_fetch_batch(store, first)
    cache = load_http_cache(store)
    assert cache[feed].etag and cache[feed].last_modified and cache[feed].body_hash

    second = fetch_sources(sources, _settings(), cache, "run-2")
    assert second.documents == ()
    assert [(r.outcome, r.status) for r in second.log] == [("not-modified", 304)]
    assert http_server.hits("/feeds/al-monitor.xml")[-1].headers["if-none-match"] == cache[feed].etag
    summary = _summary(second, "Al-Monitor")
    assert (summary.status, summary.new, summary.unchanged, summary.failed) == ("unchanged", 0, 1, 0)


def test_changed_feed_refetches_only_changed_pages(
    http_server: FaultServer, store: duckdb.DuckDBPyConnection
) -> None:
    body = http_server.file_body("feeds/al-monitor.xml")
    # No validators on this route: "unchanged" must come from the body hash, then from the pages' 304s.
    feed = http_server.route("/no-etag.xml", Reply(200, body, {"Content-Type": "application/rss+xml"}))
    sources = [Source("Al-Monitor", feed, "feed")]
    save_fetch_batch(store, fetch_sources(sources, _settings(), {}, "run-1"))

    same = fetch_sources(sources, _settings(), load_http_cache(store), "run-2")
    assert [(r.outcome, r.status) for r in same.log] == [("unchanged", 200)]
    assert same.documents == ()

    http_server.route("/no-etag.xml", Reply(200, body + b"\n", {"Content-Type": "application/rss+xml"}))
    changed = fetch_sources(sources, _settings(), load_http_cache(store), "run-3")
    pages = [r for r in changed.log if r.kind == "page"]
    assert sorted(r.outcome for r in pages) == ["failed", "not-modified", "not-modified", "not-modified"]
    # Only the gone page's summary comes again (downstream skips it by its raw hash).
    assert [d.content_kind for d in changed.documents] == ["feed-summary"]
    assert _summary(changed, "Al-Monitor").unchanged == 3


def test_fetch_batch_is_stored_with_statuses_that_remember_failures(
    http_server: FaultServer, store: duckdb.DuckDBPyConnection
) -> None:
    good = http_server.url("/pages/titan-map.html")
    bad = http_server.route("/broken.xml", Reply(500))
    sources = [Source("Titan", good, "page"), Source("Broken", bad, "feed")]
    for run in ("run-1", "run-2"):
        batch = fetch_sources(sources, _settings(http_retries=1), load_http_cache(store), run)
        save_fetch_batch(store, batch, include_cache=False)
        save_cache_updates(store, batch.cache_updates)

    statuses = source_statuses(store)
    assert [s.name for s in statuses] == ["Broken", "Titan"]  # failing first
    broken, titan = statuses
    assert (broken.last_status, broken.consecutive_failures, broken.last_success) == ("failed", 2, None)
    assert broken.last_run == "run-2" and broken.error == "HTTP 500"
    assert (titan.last_status, titan.consecutive_failures, titan.unchanged) == ("unchanged", 0, 1)
    assert titan.last_success is not None

    logged = store.execute(
        "SELECT run_id, outcome, count(*) FROM fetch_log WHERE url = ? GROUP BY ALL ORDER BY ALL", [bad]
    ).fetchall()
    assert logged == [
        ("run-1", "failed", 1),
        ("run-1", "retry", 1),
        ("run-2", "failed", 1),
        ("run-2", "retry", 1),
    ]
    assert store.execute("SELECT count(*) FROM http_cache").fetchone() == (1,)


def test_per_host_concurrency_limit(http_server: FaultServer) -> None:
    page = http_server.file_reply("pages/titan-map.html", delay=0.1)
    sources = [Source(f"Page {i}", http_server.route(f"/busy{i}.html", page), "page") for i in range(6)]
    settings = _settings(http_per_host_concurrency=2, respect_robots=False)
    batch = fetch_sources(sources, settings, {}, "run-1", max_workers=6)
    assert len(batch.documents) == 6
    assert http_server.max_in_flight <= 2


def test_per_host_delay_spaces_request_starts(http_server: FaultServer) -> None:
    sources = [
        Source(
            f"Page {i}",
            http_server.route(f"/spaced{i}.html", http_server.file_reply("pages/titan-map.html")),
            "page",
        )
        for i in range(4)
    ]
    settings = _settings(http_per_host_delay=0.1, http_per_host_concurrency=4, respect_robots=False)
    fetch_sources(sources, settings, {}, "run-1", max_workers=4)
    starts = sorted(r.at for r in http_server.requests)
    assert len(starts) == 4
    # The client spaces starts by 0.1 s; the margin absorbs how late each request reaches the server.
    assert all(b - a >= 0.08 for a, b in pairwise(starts))


def test_redirects_to_other_schemes_or_broken_locations_fail_only_their_source(
    http_server: FaultServer,
) -> None:
    to_ftp = http_server.route(
        "/to-ftp", Reply(302, headers={"Location": "ftp://files.example.org/feed.xml"})
    )
    broken = http_server.route("/broken-location", Reply(302, headers={"Location": "http://[::1/feed"}))
    good = http_server.url("/pages/titan-map.html")
    sources = [Source("FTP", to_ftp, "feed"), Source("Broken", broken, "feed"), Source("Titan", good, "page")]
    batch = fetch_sources(sources, _settings(), {}, "run-1")
    assert _rows(batch, to_ftp)[-1].outcome == "refused"
    assert "redirect to ftp://files.example.org/feed.xml: only http and https" in (
        _summary(batch, "FTP").error or ""
    )
    assert _rows(batch, broken)[-1].outcome == "failed"
    assert "Invalid URL in location header" in (_summary(batch, "Broken").error or "")
    assert [d.doc for d in batch.documents] == [good]


def test_robots_txt_that_fails_disallows_the_host_and_a_missing_one_allows_it(
    http_server: FaultServer,
) -> None:
    page = http_server.url("/pages/titan-map.html")
    http_server.route("/robots.txt", Reply(503, b"busy"))
    failing = fetch_sources([Source("Titan", page, "page")], _settings(http_retries=1), {}, "run-1")
    assert failing.documents == ()
    assert [(r.kind, r.outcome) for r in failing.log] == [
        ("robots", "retry"),
        ("robots", "failed"),
        ("page", "disallowed"),
    ]
    assert failing.log[-1].error == "robots.txt could not be fetched (HTTP 503): the host is skipped this run"
    assert http_server.hits("/pages/titan-map.html") == []

    http_server.route("/robots.txt", Reply(404, b"no robots here"))
    missing = fetch_sources([Source("Titan", page, "page")], _settings(), {}, "run-2")
    assert [d.doc for d in missing.documents] == [page]
