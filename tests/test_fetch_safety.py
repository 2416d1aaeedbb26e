"""Fetching safety (issue 15): DNS rebinding, time limits that hold, entries retried across runs, one bad
URL failing alone. Real loopback servers (tests/httpserver.py), real DuckDB files, a resolver the test
controls in-process where a DNS answer must change between two lookups."""

from __future__ import annotations

import datetime as dt
import ssl
import time
from collections.abc import Iterator
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from pipeline.fetch import FetchBatch, address_refusal, fetch_sources
from pipeline.netguard import is_public
from pipeline.settings import Settings
from pipeline.sources import Source, SourcesError, load_sources
from pipeline.store import migrate, open_db
from pipeline.store.fetchlog import (
    entry_counts,
    load_entry_states,
    load_http_cache,
    save_after_documents,
    save_fetch_batch,
)
from tests.httpserver import FaultServer, Reply, http_server_fixture  # noqa: F401  (provides http_server)

PUBLIC = "93.184.215.14"  # a global address; nothing here can reach it (no internet), which is the point


def _settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "http_allow_private": True,
        "http_backoff": 0.001,
        "http_per_host_delay": 0.0,
        "http_timeout": 2.0,
        "http_retries": 1,
        "respect_robots": False,
    }
    values.update(overrides)
    return Settings(**values)


def _rss(*items: tuple[str, str, dt.date | None]) -> bytes:
    """An RSS feed of (title, link, published) items, with descriptions too short to stand in for a page."""
    parts = []
    for title, link, published in items:
        date = ""
        if published:
            moment = dt.datetime(published.year, published.month, published.day, tzinfo=dt.UTC)
            date = f"<pubDate>{format_datetime(moment)}</pubDate>"
        parts.append(
            f"<item><title>{title}</title><link>{link}</link><description>short</description>{date}</item>"
        )
    channel = f"<channel><title>T</title>{''.join(parts)}</channel>"
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0">{channel}</rss>'.encode()


def _feed_route(server: FaultServer, path: str, body: bytes) -> str:
    return server.route(path, Reply(200, body, {"Content-Type": "application/rss+xml", "ETag": '"v1"'}))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_db(tmp_path / "store.duckdb")
    migrate(con)
    yield con
    con.close()


def _run(
    store: duckdb.DuckDBPyConnection, sources: list[Source], settings: Settings, run_id: str, **kw: Any
) -> FetchBatch:
    """One run's fetch as the daily flow does it: states in from the store, everything saved after."""
    batch = fetch_sources(
        sources, settings, load_http_cache(store), run_id, entry_states=load_entry_states(store), **kw
    )
    save_fetch_batch(store, batch, include_cache=False)
    save_after_documents(store, batch)
    return batch


# ---- item 2: DNS rebinding and the addresses that stand for loopback ---------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://[::127.0.0.1]/",  # IPv4-compatible
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped
        "http://[::ffff:0:127.0.0.1]/",  # SIIT
        "http://[64:ff9b::127.0.0.1]/",  # NAT64
        "http://[64:ff9b::10.0.0.1]/",
        "http://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
        "http://[2002:c0a8:101::1]/",  # 6to4 of 192.168.1.1
        "http://[::]/",
        "http://127.0.0.1./",
        "http://localhost./",
        "http://0.0.0.0/",
    ],
)
def test_ipv6_forms_of_ipv4_and_trailing_dots_are_refused(url: str) -> None:
    assert "private, loopback or link-local" in (address_refusal(url, allow_private=False) or "")


def test_ipv6_forms_of_public_ipv4_stay_public() -> None:
    import ipaddress

    assert is_public(ipaddress.ip_address("64:ff9b::8.8.8.8"))
    assert is_public(ipaddress.ip_address("2002:808:808::1"))
    assert is_public(ipaddress.ip_address("2001:4860:4860::8888"))


def test_a_host_that_does_not_resolve_is_refused() -> None:
    def no_answer(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    refusal = address_refusal("http://nowhere.invalid/feed.xml", allow_private=False, resolve=no_answer)
    assert refusal == "refused: nowhere.invalid does not resolve (Name or service not known)"


def test_a_host_is_looked_up_once_however_it_is_spelled() -> None:
    from pipeline.netguard import AddressBook

    dns = _Rebinder(PUBLIC, "127.0.0.1")
    book = AddressBook(allow_private=False, resolve=dns)
    for spelling in ("bücher.example", "xn--bcher-kva.example", "BÜCHER.example."):
        assert book.lookup(spelling, 443) == ((PUBLIC,), None)
    assert dns.asked == [("xn--bcher-kva.example", 443)]


class _Rebinder:
    """A DNS server that answers each lookup of a name with the next address of its list."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.asked: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append((host, port))
        return [self.answers[min(len(self.asked), len(self.answers)) - 1]]


def test_rebinding_to_loopback_never_reaches_loopback(http_server: FaultServer) -> None:
    """The check's answer is public, a second lookup would say 127.0.0.1: the connection goes to the
    checked public address, and the name is never looked up again, on retries neither. The name is
    "localhost", so a second lookup by anything but the fetcher's resolver (httpx's own, as before)
    gets 127.0.0.1 from the system and reaches the loopback server."""
    dns = _Rebinder(PUBLIC, "127.0.0.1")
    url = f"http://localhost:{http_server.port}/feeds/al-monitor.xml"
    settings = _settings(http_allow_private=False, http_timeout=0.3, http_deadline=0.6, http_retries=1)
    batch = fetch_sources([Source("Rebind", url, "feed")], settings, {}, "run-1", resolve=dns)

    assert http_server.requests == []  # nothing reached the loopback server
    assert dns.asked == [("localhost", http_server.port)]
    assert batch.log[-1].outcome == "failed" and batch.summaries[0].status == "failed"


def test_connections_go_to_the_checked_address_with_the_hosts_name(tmp_path: Path) -> None:
    """Two real servers on one port, 127.0.0.1 and 127.0.0.2; the name's first answer is 127.0.0.1."""
    first = FaultServer().start()
    try:
        second = FaultServer(host="127.0.0.2", port=first.port).start()
    except OSError:
        first.stop()
        pytest.skip("127.0.0.2 cannot be bound here")
    try:
        dns = _Rebinder("127.0.0.1", "127.0.0.2")
        url = f"http://rebind.invalid:{first.port}/pages/titan-map.html"
        sources = [Source("A", url, "page"), Source("B", url + "?again=1", "page")]
        batch = fetch_sources(sources, _settings(), {}, "run-1", resolve=dns, max_workers=1)

        assert len(batch.documents) == 2
        assert second.requests == []
        assert [r.headers["host"] for r in first.requests] == [f"rebind.invalid:{first.port}"] * 2
        assert len(dns.asked) == 1

        refused = fetch_sources(
            [Source("A", url, "page")],
            _settings(http_allow_private=False),
            {},
            "run-2",
            resolve=_Rebinder("127.0.0.1"),
        )
        assert [(r.outcome, r.attempt) for r in refused.log] == [("refused", 0)]
        assert "rebind.invalid is 127.0.0.1" in (refused.log[0].error or "")
        assert len(first.requests) == 2  # the refused run sent nothing
    finally:
        second.stop()
        first.stop()


def _self_signed(tmp_path: Path, name: str) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def test_tls_to_a_pinned_address_uses_the_host_name_for_sni_and_the_certificate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = _self_signed(tmp_path, "news.example")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    names: list[str | None] = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)  # type: ignore[assignment,misc,return-value]
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts this certificate alone
    server = FaultServer(tls=context).start()
    try:
        url = f"https://news.example:{server.port}/pages/titan-map.html"
        batch = fetch_sources(
            [Source("TLS", url, "page")], _settings(), {}, "run-1", resolve=_Rebinder("127.0.0.1")
        )
        assert [r.outcome for r in batch.log] == ["ok"]  # the certificate matched news.example
        assert names == ["news.example"]
        assert [r.headers["host"] for r in server.requests] == [f"news.example:{server.port}"]
        assert batch.documents[0].doc == url
    finally:
        server.stop()


# ---- item 9: time limits that hold ------------------------------------------------------------------


def test_headers_at_one_byte_per_fifth_of_a_second_end_at_the_deadline(http_server: FaultServer) -> None:
    body = http_server.file_body("pages/titan-map.html")
    slow = http_server.route(
        "/slow-headers.html", Reply(200, body, {"Content-Type": "text/html"}, trickle=0.2)
    )
    good = http_server.url("/pages/titan-map.html")
    settings = _settings(http_timeout=1.0, http_deadline=1.5, http_retries=2)
    started = time.monotonic()
    batch = fetch_sources([Source("Slow", slow, "page"), Source("Good", good, "page")], settings, {}, "r")
    elapsed = time.monotonic() - started

    assert elapsed < 3.0, elapsed  # headers alone would take ~20 s at this rate
    [row] = [r for r in batch.log if r.url == slow]  # one attempt: a passed deadline is not retried
    assert (row.outcome, row.attempt) == ("failed", 1)
    assert row.error == "no complete response within 1.5s (http_deadline)"
    assert 1400 <= row.duration_ms < 2500
    assert [d.doc for d in batch.documents] == [good]


def test_a_body_at_one_byte_per_fifth_of_a_second_ends_at_the_deadline(http_server: FaultServer) -> None:
    slow = http_server.route(
        "/slow-body.html",
        Reply(200, b"x" * 400, {"Content-Type": "text/html"}, trickle=0.2, trickle_body_only=True),
    )
    started = time.monotonic()
    batch = fetch_sources(
        [Source("Slow", slow, "page")], _settings(http_timeout=1.0, http_deadline=1.2), {}, "r"
    )
    assert time.monotonic() - started < 2.5
    [row] = batch.log
    assert (row.outcome, row.error) == ("failed", "no complete response within 1.2s (http_deadline)")


def test_waiting_for_a_turn_at_the_host_is_not_charged_to_the_deadline(http_server: FaultServer) -> None:
    page = http_server.file_reply("pages/titan-map.html", delay=0.4)
    sources = [Source(f"P{i}", http_server.route(f"/queued{i}.html", page), "page") for i in range(3)]
    settings = _settings(http_per_host_concurrency=1, http_deadline=0.8)
    batch = fetch_sources(sources, settings, {}, "r", max_workers=3)
    assert len(batch.documents) == 3  # the last waited 0.8 s for its turn, then took 0.4 s


def test_permanent_errors_are_not_retried_and_408_is(http_server: FaultServer) -> None:
    bad_location = http_server.route("/bad-location", Reply(302, headers={"Location": "http://[::1/feed"}))
    forbidden = http_server.route("/forbidden.xml", Reply(403, b"no"))
    timeout = http_server.route(
        "/408.html", Reply(408, b"slow"), http_server.file_reply("pages/titan-map.html")
    )
    sources = [
        Source("Bad", bad_location, "feed"),
        Source("Forbidden", forbidden, "feed"),
        Source("Timeout", timeout, "page"),
    ]
    batch = fetch_sources(sources, _settings(http_retries=3), {}, "r")
    outcomes = {s: [r.outcome for r in batch.log if r.source == s] for s in ("Bad", "Forbidden", "Timeout")}
    assert outcomes == {"Bad": ["failed"], "Forbidden": ["failed"], "Timeout": ["retry", "ok"]}
    assert len(http_server.hits("/bad-location")) == 1


def test_entries_per_feed_are_capped_newest_first_and_the_rest_come_on_later_runs(
    http_server: FaultServer, store: duckdb.DuckDBPyConnection
) -> None:
    pages = ["titan-map", "afghanistan-helicopter", "syria-fact-check", "japanese-utf8"]
    items = [
        (name, http_server.url(f"/pages/{name}.html"), dt.date(2026, 2, 10 + i))
        for i, name in enumerate(pages)
    ]
    feed = _feed_route(http_server, "/capped.xml", _rss(*items))
    sources = [Source("Capped", feed, "feed")]
    settings = _settings(http_max_entries_per_feed=2)

    first = _run(store, sources, settings, "run-1")
    assert sorted(d.doc for d in first.documents) == sorted(
        http_server.url(f"/pages/{n}.html")
        for n in ("syria-fact-check", "japanese-utf8")  # the newest two
    )
    assert (first.summaries[0].new, first.summaries[0].deferred) == (2, 2)
    assert entry_counts(store)["Capped"].pending == 2

    second = _run(store, sources, settings, "run-2")  # the feed is unchanged: its waiting entries come now
    assert sorted(d.doc for d in second.documents) == sorted(
        http_server.url(f"/pages/{n}.html") for n in ("titan-map", "afghanistan-helicopter")
    )
    assert len(http_server.hits("/pages/syria-fact-check.html")) == 1  # done entries are not fetched again
    assert entry_counts(store)["Capped"].pending == 0

    third = _run(store, sources, settings, "run-3")
    assert third.documents == () and third.summaries[0].status == "unchanged"


def test_a_source_stops_at_its_time_budget_and_its_other_entries_wait(
    http_server: FaultServer, store: duckdb.DuckDBPyConnection
) -> None:
    slow_page = http_server.file_reply("pages/titan-map.html", delay=0.4)
    items = [
        (f"e{i}", http_server.route(f"/slow{i}.html", slow_page), dt.date(2026, 2, 20 - i)) for i in range(8)
    ]
    feed = _feed_route(http_server, "/slow-feed.xml", _rss(*items))
    settings = _settings(http_source_budget=1.0, http_per_host_concurrency=1, http_deadline=5.0)
    started = time.monotonic()
    batch = _run(store, [Source("Slow", feed, "feed")], settings, "run-1")
    elapsed = time.monotonic() - started

    summary = batch.summaries[0]
    assert elapsed < 2.0, elapsed  # eight entries would take 3.2 s
    assert 1 <= summary.new <= 3 and summary.new + summary.deferred == 8 and summary.failed == 0
    assert entry_counts(store)["Slow"].pending == summary.deferred


# ---- item 8: failed entries are tried again, even under an unchanged feed -----------------------------


def test_an_entry_that_failed_is_fetched_again_when_the_feed_is_unchanged(
    http_server: FaultServer, store: duckdb.DuckDBPyConnection
) -> None:
    flaky = http_server.route(
        "/flaky-entry.html",
        Reply(500),
        Reply(500),
        http_server.file_reply("pages/afghanistan-helicopter.html"),
    )
    steady = http_server.url("/pages/titan-map.html")
    feed = _feed_route(
        http_server, "/entries.xml", _rss(("flaky", flaky, dt.date(2026, 2, 2)), ("steady", steady, None))
    )
    sources = [Source("Entries", feed, "feed")]
    settings = _settings(http_retries=1, entry_retry_backoff=0)

    first = _run(store, sources, settings, "run-1")
    assert [d.doc for d in first.documents] == [steady]
    assert (first.summaries[0].status, first.summaries[0].failed) == ("partial", 1)
    [state] = [s for s in load_entry_states(store).values() if s.doc == flaky]
    assert (state.status, state.attempts, state.error) == ("pending", 1, "HTTP 500")

    second = _run(store, sources, settings, "run-2")
    assert [d.doc for d in second.documents] == [flaky]
    assert [r.outcome for r in second.log if r.url == feed] == ["unchanged"]  # same body, fetched in full
    assert len(http_server.hits("/pages/titan-map.html")) == 1
    assert load_entry_states(store)[flaky].status == "done"


def test_failed_entries_back_off_and_are_given_up_after_the_attempt_cap(
    http_server: FaultServer, store: duckdb.DuckDBPyConnection
) -> None:
    broken = http_server.route("/always-500.html", Reply(500))
    feed = _feed_route(http_server, "/broken-entries.xml", _rss(("broken", broken, None)))
    sources = [Source("Broken", feed, "feed")]

    _run(store, sources, _settings(http_retries=0, entry_retry_backoff=3600), "run-1")
    waiting = _run(store, sources, _settings(http_retries=0, entry_retry_backoff=3600), "run-2")
    assert len(http_server.hits("/always-500.html")) == 1  # not due for an hour: the feed's 304 holds
    assert [r.outcome for r in waiting.log] == ["unchanged"]  # the feed alone, conditional as before

    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=2)  # past the hour's wait
    settings = _settings(http_retries=0, entry_retry_backoff=0, entry_max_attempts=3)
    for run in ("run-3", "run-4", "run-5"):
        _run(store, sources, settings, run, now=later)
    assert len(http_server.hits("/always-500.html")) == 3
    assert (load_entry_states(store)[broken].status, entry_counts(store)["Broken"].failed) == ("failed", 1)


# ---- item 6: one bad URL fails alone ------------------------------------------------------------------


def test_an_entry_link_with_a_bad_port_fails_alone(http_server: FaultServer) -> None:
    good = http_server.url("/pages/titan-map.html")
    feed = _feed_route(
        http_server,
        "/bad-port.xml",
        _rss(("bad", "http://127.0.0.1:99999/x", None), ("good", good, None)),
    )
    batch = fetch_sources([Source("Feed", feed, "feed")], _settings(), {}, "run-1")
    assert [d.doc for d in batch.documents] == [good]
    summary = batch.summaries[0]
    assert (summary.status, summary.new, summary.failed) == ("partial", 1, 1)
    assert "link 'http://127.0.0.1:99999/x' not fetched: bad port (Port out of range 0-65535)" in (
        summary.error or ""
    )
    assert [r.outcome for r in batch.log] == ["ok", "ok"]


def test_a_sources_file_with_a_bad_port_is_refused_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[feed]]\nname = "Good"\nurl = "http://127.0.0.1:8080/feed.xml"\n\n'
        '[[feed]]\nname = "Bad"\nurl = "http://127.0.0.1:99999/x"\n',
        encoding="utf-8",
    )
    with pytest.raises(SourcesError) as raised:
        load_sources(path)
    assert str(raised.value) == (
        f"{path}:5: key 'url': bad port (Port out of range 0-65535): 'http://127.0.0.1:99999/x'"
    )


def test_source_headers_come_from_the_environment_and_go_to_the_sources_origin_only(
    http_server: FaultServer, tmp_path: Path
) -> None:
    elsewhere = FaultServer().start()  # another origin: same host, another port
    try:
        items = [
            ("here", http_server.url("/pages/titan-map.html"), None),
            ("there", elsewhere.url("/pages/titan-map.html"), None),
        ]
        feed = _feed_route(http_server, "/private.xml", _rss(*items))
        path = tmp_path / "sources.toml"
        path.write_text(
            f'[[feed]]\nname = "Private"\nurl = "{feed}"\n'
            'headers = { Authorization = "env:PRIVATE_FEED_TOKEN" }\n',
            encoding="utf-8",
        )
        with pytest.raises(SourcesError, match="environment variable 'PRIVATE_FEED_TOKEN' is not set"):
            load_sources(path, environ={})
        [source] = load_sources(path, environ={"PRIVATE_FEED_TOKEN": "Bearer s3cr3t"})
        assert "s3cr3t" not in repr(source)
        batch = fetch_sources([source], _settings(), {}, "run-1")
        assert len(batch.documents) == 2
        assert {r.path: r.headers.get("authorization") for r in http_server.requests} == {
            "/private.xml": "Bearer s3cr3t",
            "/pages/titan-map.html": "Bearer s3cr3t",
        }
        assert [r.headers.get("authorization") for r in elsewhere.requests] == [None]
    finally:
        elsewhere.stop()


# ---- item 5: credentials in source URLs -------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://feeds.example/rss.xml", "https://feeds.example/rss.xml"),
        ("https://feeds.example/rss.xml?lang=en&page=2", "https://feeds.example/rss.xml?lang=en&page=2"),
        ("https://me:pw@feeds.example/rss", "https://REDACTED@feeds.example/rss"),
        ("https://feeds.example/rss?token=abc&lang=en", "https://feeds.example/rss?token=REDACTED&lang=en"),
        (
            "https://x.example/a?API-Key=1&Signature=2#top",
            "https://x.example/a?API-Key=REDACTED&Signature=REDACTED#top",
        ),
        (
            "https://x.example/a?access_token=1&secret=2&password=3",
            "https://x.example/a?access_token=REDACTED&secret=REDACTED&password=REDACTED",
        ),
        (
            "http://u:p@[::1/feed?key=1",
            "http://REDACTED@[::1/feed?key=REDACTED",
        ),  # unparsable, still redacted
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    from pipeline.redact import redact_text, redact_url

    assert redact_url(url) == shown
    assert redact_url(shown) == shown  # stable: a redacted URL is an id
    assert redact_text(f"redirect to {url}: refused") == f"redirect to {shown}: refused"


def _all_text(db: Path) -> str:
    """Every value of every table of the DuckDB file, as text."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        return "\n".join(str(con.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables)


@pytest.mark.usefixtures("prefect_harness")
def test_no_secret_of_a_source_url_is_stored_or_logged(
    http_server: FaultServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import logging

    from flows.daily import daily_flow
    from pipeline.cli import app

    # A feed with user info and a token, whose entries carry signatures; a page with an API key; a feed
    # that fails (so its URL is in warnings and error columns) with an access token.
    items = [
        ("Titan", http_server.url("/pages/titan-map.html?sig=SECRET-SIG"), dt.date(2026, 2, 1)),
        ("Gone", http_server.url("/gone/story?signature=SECRET-SIG2"), dt.date(2026, 2, 2)),
    ]
    http_server.route("/signed.xml?token=SECRET-TOKEN&lang=en", Reply(200, _rss(*items)))
    feed = (
        http_server.base.replace("://", "://reader:SECRET-PASS@") + "/signed.xml?token=SECRET-TOKEN&lang=en"
    )
    page = http_server.url("/pages/afghanistan-helicopter.html?api_key=SECRET-KEY")
    failing = http_server.url("/missing.xml?access_token=SECRET-ACCESS")
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[feed]]\nname = "Signed"\nurl = "{feed}"\n\n[[page]]\nname = "Keyed"\nurl = "{page}"\n\n'
        f'[[feed]]\nname = "Failing"\nurl = "{failing}"\n',
        encoding="utf-8",
    )
    for key, value in {
        "STANCEWATCH_HTTP_ALLOW_PRIVATE": "true",
        "STANCEWATCH_HTTP_PER_HOST_DELAY": "0",
        "STANCEWATCH_HTTP_BACKOFF": "0.01",
        "STANCEWATCH_HTTP_RETRIES": "0",
        "STANCEWATCH_RESPECT_ROBOTS": "false",
        "STANCEWATCH_TASK_RUNNER": "threads",  # the runner is not what this test is about
        "STANCEWATCH_DIGEST_DIR": str(tmp_path / "digests"),
    }.items():
        monkeypatch.setenv(key, value)
    db = tmp_path / "store.duckdb"
    caplog.set_level(logging.DEBUG)

    summary = daily_flow(db=str(db), sources=str(sources))

    assert (
        http_server.hits("/signed.xml?token=SECRET-TOKEN&lang=en")[0]
        .headers["authorization"]
        .startswith("Basic ")
    )  # the real URL was used for the request: its user info became Basic auth
    assert {row["name"]: row["status"] for row in summary["sources"]} == {
        "Signed": "partial",
        "Keyed": "ok",
        "Failing": "failed",
    }
    stored = _all_text(db)
    assert "REDACTED" in stored and "/pages/titan-map.html?sig=REDACTED" in stored
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (2,)
    result = CliRunner().invoke(app, ["sources", "--sources", str(sources), "--db", str(db)])
    exported = CliRunner().invoke(app, ["claims", "export", "--db", str(db), "--format", "jsonl"])
    logged = caplog.text + "".join(capsys.readouterr()) + result.output + exported.output
    assert "REDACTED" in logged  # the warnings and the sources table name the sources, redacted
    for text in (stored, logged):
        assert "SECRET" not in text


@pytest.mark.usefixtures("prefect_harness")
def test_a_bad_entry_link_or_a_missing_watchlist_fails_alone_in_the_daily_run(
    http_server: FaultServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from flows.daily import daily_flow

    good = http_server.url("/pages/titan-map.html")
    feed = _feed_route(
        http_server, "/mixed.xml", _rss(("bad", "http://127.0.0.1:99999/x", None), ("good", good, None))
    )
    other = http_server.url("/pages/afghanistan-helicopter.html")
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[feed]]\nname = "Mixed"\nurl = "{feed}"\n\n'
        f'[[page]]\nname = "Other"\nurl = "{other}"\n\n'
        f'[[feed]]\nname = "Watched"\nurl = "{http_server.url("/feeds/al-monitor.xml")}"\n'
        'watchlist = "missing-watchlist.toml"\n',
        encoding="utf-8",
    )
    for key, value in {
        "STANCEWATCH_HTTP_ALLOW_PRIVATE": "true",
        "STANCEWATCH_HTTP_PER_HOST_DELAY": "0",
        "STANCEWATCH_RESPECT_ROBOTS": "false",
        "STANCEWATCH_TASK_RUNNER": "threads",
        "STANCEWATCH_DIGEST_DIR": str(tmp_path / "digests"),
    }.items():
        monkeypatch.setenv(key, value)
    db = tmp_path / "store.duckdb"

    summary = daily_flow(db=str(db), sources=str(sources))

    by_name = {row["name"]: row for row in summary["sources"]}
    assert (by_name["Mixed"]["status"], by_name["Mixed"]["new"], by_name["Mixed"]["failed"]) == (
        "partial",
        1,
        1,
    )
    assert by_name["Other"]["status"] == "ok"
    assert by_name["Watched"]["status"] == "failed"
    assert "missing-watchlist.toml cannot be used" in by_name["Watched"]["error"]
    assert http_server.hits("/feeds/al-monitor.xml") == []  # not fetched: its documents could not be used
    with duckdb.connect(str(db), read_only=True) as con:
        assert {r[0] for r in con.execute("SELECT doc FROM articles").fetchall()} == {good, other}
        assert con.execute("SELECT count(*) FROM fetch_log").fetchone() == (3,)
        assert con.execute("SELECT status FROM runs").fetchall() == [("completed",)]

    # A sources file that cannot be used is refused before any request, naming its line.
    sources.write_text(
        f'[[feed]]\nname = "Mixed"\nurl = "{feed}"\n\n[[feed]]\nname = "Bad"\nurl = "http://127.0.0.1:99999/x"\n'
    )
    requests_before = len(http_server.requests)
    daily_flow(db=str(db), sources=str(sources))
    assert len(http_server.requests) == requests_before
    assert f"{sources}:5: key 'url': bad port" in caplog.text
