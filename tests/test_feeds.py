"""Feed parsing on real feed bytes, and the entry document's fallbacks (page, content, summary)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from pipeline.feeds import FeedEntry, entry_document, html_to_text, parse_feed
from pipeline.models import RawDocument
from tests.conftest import FIXTURES, shared_path

WEB = FIXTURES / "web" / "feeds"
BASE = b"http://127.0.0.1:9"


def _fixture(name: str) -> bytes:
    return (WEB / name).read_bytes().replace(b"__BASE__", BASE)


def test_real_rss_entries_with_links_dates_and_plain_text_summaries() -> None:
    feed = parse_feed(
        _fixture("al-monitor.xml"), url="http://127.0.0.1:9/feed", content_type="application/rss+xml"
    )
    assert feed.problem is None
    assert feed.title == "Al-Monitor: The Pulse of The Middle East"
    assert len(feed.entries) == 6
    first = feed.entries[0]
    assert first.link == "http://127.0.0.1:9/gone/berlin-open-letter"
    # 2026-02-17T17:36:36-0500 is 22:36 UTC the same day.
    assert first.published == date(2026, 2, 17)
    assert first.summary.startswith("BERLIN, Feb 17 (Reuters) - More than 80 actors")
    assert "<p>" not in first.summary and "&quot;" not in first.summary
    assert "\n\n" in first.summary  # paragraphs kept


def test_malformed_feed_still_yields_its_entries_with_the_problem() -> None:
    feed = parse_feed(_fixture("malformed.xml"), url="http://127.0.0.1:9/feed")
    assert feed.problem is not None and "SAXParseException" in feed.problem
    assert len(feed.entries) == 5
    assert all(len(e.content) > 1000 for e in feed.entries)
    assert feed.entries[0].title == "Making a Ruby C library even faster"


def test_feed_declaring_utf16_but_sent_as_utf8_is_read_as_utf8() -> None:
    feed = parse_feed(
        _fixture("wrong-charset.xml"), url="http://127.0.0.1:9/feed", content_type="application/rss+xml"
    )
    assert feed.problem is not None and "declared utf-16 but sent as UTF-8" in feed.problem
    assert [e.title for e in feed.entries] == [
        "So you want to parse a PDF?",
        "Laureles, Medellin swimming pools",
    ]
    assert "tilting at windmills" in feed.entries[0].summary


def test_json_feed_is_read() -> None:
    path = shared_path("corpus", "feeds", "news-2026", "d4b7ab74da763119.json")
    feed = parse_feed(path.read_bytes(), url="https://humanwhocodes.com/feeds/all.json")
    assert feed.title == "Human Who Codes"
    assert len(feed.entries) == 10
    assert (
        feed.entries[0].link
        == "https://humanwhocodes.com/snippets/2026/02/using-your-own-supabase-signing-keys/"
    )
    assert feed.entries[0].published == date(2026, 2, 16)


def test_bytes_that_are_no_feed_raise_with_the_reason() -> None:
    page = (FIXTURES / "web" / "pages" / "titan-map.html").read_bytes()
    with pytest.raises(ValueError, match="not a feed"):
        parse_feed(page, url="http://127.0.0.1:9/page", content_type="text/html")


def test_a_path_as_body_is_parsed_as_bytes_not_opened_as_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_text('<rss version="2.0"><channel><item><title>local file</title></item></channel></rss>')
    with pytest.raises(ValueError, match="not a feed"):
        parse_feed(str(secret).encode(), url="http://127.0.0.1:9/feed")


def test_every_news_feed_parses_with_the_entry_count_feedparser_reported() -> None:
    folder = shared_path("corpus", "feeds", "news-2026")
    with (folder / "index.tsv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["kind"] == "news"]
    assert len(rows) == 26
    for row in rows:
        feed = parse_feed((folder / f"{row['file']}.xml").read_bytes(), url="https://example.org/feed")
        assert len(feed.entries) == int(row["n_entries"]), row["file"]


def test_html_to_text_drops_scripts_and_keeps_paragraphs() -> None:
    html = "<p>One &amp; two</p><script>var x = 1;</script><p>Three<br>four</p>"
    assert html_to_text(html) == "One & two\n\nThree\n\nfour"


_ENTRY = FeedEntry(
    link="https://example.org/a",
    entry_id="https://example.org/a",
    title="Entry title",
    published=date(2026, 2, 17),
    summary="A short summary.",
    content="Full entry content. " * 30,
)


def test_entry_document_prefers_the_page_and_fills_title_and_date_from_the_entry() -> None:
    page = RawDocument(
        doc="x", text="Page text.", origin="web", url="https://example.org/a?amp", source="site"
    )
    document = entry_document(_ENTRY, page, doc="https://example.org/a", source="Outlet", min_text_chars=400)
    assert document is not None
    assert (document.doc, document.text, document.url) == ("https://example.org/a", "Page text.", page.url)
    assert (document.origin, document.source, document.content_kind) == ("feed", "Outlet", "page")
    assert (document.title, document.published, document.published_basis) == (
        "Entry title",
        date(2026, 2, 17),
        "feed",
    )


def test_entry_document_falls_back_to_content_then_summary_when_long_enough() -> None:
    document = entry_document(_ENTRY, None, doc="https://example.org/a", source="Outlet", min_text_chars=400)
    assert document is not None and document.content_kind == "feed-content"
    assert document.published_basis == "feed" and document.text == _ENTRY.content

    summary_only = FeedEntry("https://example.org/b", None, "T", None, "Summary sentence. " * 30, "")
    document = entry_document(
        summary_only, None, doc="https://example.org/b", source="Outlet", min_text_chars=400
    )
    assert document is not None and document.content_kind == "feed-summary"
    assert document.published is None and document.published_basis == "none"

    short = FeedEntry("https://example.org/c", None, "T", None, "Too short.", "")
    assert (
        entry_document(short, None, doc="https://example.org/c", source="Outlet", min_text_chars=400) is None
    )
