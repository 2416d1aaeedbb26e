"""Loading sources.toml: the shipped example, and every mistake reported with file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.sources import Source, SourcesError, check_url, load_sources
from tests.conftest import REPO


def test_example_sources_load_with_feeds_and_a_disabled_one() -> None:
    sources = load_sources(REPO / "examples" / "sources.toml")
    assert len(sources) >= 4
    assert all(s.kind == "feed" and s.url.startswith("https://") for s in sources)
    assert any(not s.enabled for s in sources)
    assert len({s.name for s in sources}) == len(sources)


def test_feed_and_page_tables_with_watchlist_relative_to_the_file(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "sources.toml"
    path.parent.mkdir()
    path.write_text(
        "[[page]]\n"
        'name = "UN"\n'
        'url = "https://press.un.org/en/2025/page.htm"\n'
        "\n"
        "[[feed]]\n"
        'name = "BBC"\n'
        'url = "https://feeds.bbci.co.uk/news/world/rss.xml"\n'
        'watchlist = "gaza.toml"\n'
        "enabled = false\n",
        encoding="utf-8",
    )
    sources = load_sources(path)
    assert sources == [
        Source(
            "BBC", "https://feeds.bbci.co.uk/news/world/rss.xml", "feed", False, path.parent / "gaza.toml"
        ),
        Source("UN", "https://press.un.org/en/2025/page.htm", "page"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[[feed]]\nname = "A"\n', r"sources\.toml:1: key 'url' is required"),
        (
            '[[feed]]\nname = "A"\nurl = "https://a.example/rss"\n\n[[feed]]\nurl = "https://b.example"\n',
            r"sources\.toml:5: key 'name' is required",
        ),
        ('[[feed]]\nname = "A"\nurl = "ftp://a.example/rss"\n', r":1: key 'url': only http and https"),
        (
            '[[feed]]\nname = "A"\nurl = "https://a.example/rss"\nenabled = "yes"\n',
            r"key 'enabled' must be true",
        ),
        (
            '[[page]]\nname = "A"\nurl = "https://a.example/"\nwatchlist = "w.toml"\n',
            r"key 'watchlist' is not known for a page",
        ),
        (
            '[[feed]]\nname = "A"\nurl = "https://a.example/rss"\n[[page]]\nname = "A"\nurl = "https://b.example/"\n',
            r"sources\.toml:4: key 'name': 'A' is already used by .*sources\.toml:1",
        ),
        ('[[feeds]]\nname = "A"\n', r"unknown key or table 'feeds'"),
        ('[[feed]]\nname = "A\n', r"not valid TOML: .*line 2"),
    ],
)
def test_mistakes_name_the_file_line_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourcesError, match=expected):
        load_sources(path)


def test_missing_file_points_at_the_example(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match=r"no sources file .*examples/sources\.toml"):
        load_sources(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/feed", True),
        ("http://127.0.0.1:8080/x", True),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)", False),
        ("https:///no-host", False),
        ("example.org/feed", False),
    ],
)
def test_check_url_accepts_only_http_and_https_with_a_host(url: str, ok: bool) -> None:
    assert (check_url(url) is None) is ok
