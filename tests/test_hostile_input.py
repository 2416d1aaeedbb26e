"""Hostile article text, manifest metadata and watchlist names through a real ingest: the digests (files,
store rows, Prefect artifacts) show them as text, never as HTML, links or images, and a link to a file
outside the folder is not read."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.store import reader
from tests.conftest import SAMPLE

SCRIPT = "<script>alert(1)</script>"
IMAGE_TAG = "<img src=x onerror=alert(2)>"
SCRIPT_LINK = "[click](javascript:alert(3))"
TRACKER_IMAGE = "![](http://tracker.invalid/pixel.gif)"
PAYLOAD = f"{SCRIPT} {IMAGE_TAG} {SCRIPT_LINK} {TRACKER_IMAGE}"
HOSTILE_ACTOR = "Hamas <b onmouseover=alert(4)>[x](javascript:alert(5))"


def _hostile_corpus(folder: Path) -> None:
    """The sample corpus with the payload in its sentences, its sources, and its actors' names."""
    folder.mkdir()
    for article in SAMPLE.glob("*.txt"):
        text = article.read_text(encoding="utf-8")
        # at the end of each sentence that ends a line, where it stays part of the evidence sentence
        (folder / article.name).write_text(re.sub(r"\.\n", f" {PAYLOAD}.\n", text), encoding="utf-8")
    lines = []
    for line in (SAMPLE / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        record["source"] = f"{record['source']} {IMAGE_TAG} {SCRIPT_LINK}"
        lines.append(json.dumps(record))
    (folder / "articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    watchlist = (SAMPLE / "watchlist.toml").read_text(encoding="utf-8")
    watchlist = watchlist.replace('"Hamas"', f'"{HOSTILE_ACTOR}"').replace(
        'aliases = ["Hamas movement",', 'aliases = ["Hamas", "Hamas movement",', 1
    )
    (folder.parent / "watchlist.toml").write_text(watchlist, encoding="utf-8")
    (folder / "passwd.txt").symlink_to("/etc/passwd")


def _artifact_markdown(key: str) -> str:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
    assert found, f"no artifact {key}"
    newest = max(found, key=lambda a: a.created or 0)
    return str(newest.data)


def _assert_inert_markdown(markdown: str) -> None:
    assert "<" not in markdown, [line for line in markdown.splitlines() if "<" in line][:3]
    # "\\](javascript:" is the text of the payload, its brackets escaped; "](javascript:" would be a link
    assert re.search(r"(?<!\\)\]\(javascript:", markdown) is None
    assert "![" not in markdown
    assert re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", markdown) is None  # no link of any kind


@pytest.fixture(scope="module")
def hostile_run(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "inbox"
    _hostile_corpus(folder)
    db = root / "store.duckdb"
    result = CliRunner().invoke(
        app,
        ["ingest", str(folder), "--db", str(db), "--watchlist", str(root / "watchlist.toml")],
        env={"STANCEWATCH_DIGEST_DIR": str(root / "digests")},
    )
    assert result.exit_code == 0, result.output
    return {"root": root, "db": db, "stdout": result.stdout, "stderr": result.stderr}


def test_the_payload_reaches_the_digests(hostile_run: dict[str, Any]) -> None:
    # the test means something only if the hostile text made it into evidence, sources and actors
    markdown = (hostile_run["root"] / "digests" / "2025-07-02.md").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    assert "\\[click\\]\\(javascript:alert(3))" in markdown
    assert "!\\[\\]\\(http://tracker.invalid/pixel.gif)" in markdown
    assert "Hamas &lt;b onmouseover=alert(4)&gt;" in markdown
    assert f"{IMAGE_TAG}" not in markdown


def test_markdown_digests_have_no_html_links_or_images(hostile_run: dict[str, Any]) -> None:
    files = sorted((hostile_run["root"] / "digests").glob("*.md"))
    assert len(files) == 4
    for path in files:
        _assert_inert_markdown(path.read_text(encoding="utf-8"))
    with reader(hostile_run["db"]) as con:
        stored = [row[0] for row in con.execute("SELECT markdown FROM digests").fetchall()]
    assert len(stored) == 4
    for markdown in stored:
        _assert_inert_markdown(markdown)


def test_a_commonmark_renderer_makes_no_tag_link_or_image_from_them(hostile_run: dict[str, Any]) -> None:
    from markdown_it import MarkdownIt  # rich's Markdown renderer; raw HTML on, as CommonMark has it

    renderer = MarkdownIt("commonmark")
    pages = [
        renderer.render(path.read_text(encoding="utf-8"))
        for path in (hostile_run["root"] / "digests").glob("*.md")
    ]
    for page in pages:
        assert set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", page)) <= {
            "h1",
            "h2",
            "p",
            "ul",
            "li",
            "strong",
            "em",
        }
    assert all("&lt;script&gt;alert(1)&lt;/script&gt;" in page for page in pages)


def test_prefect_artifacts_have_no_html_links_or_images(hostile_run: dict[str, Any]) -> None:
    for key in ("daily-digest", "digest-2025-07-25"):
        markdown = _artifact_markdown(key)
        assert "&lt;script&gt;" in markdown
        _assert_inert_markdown(markdown)


def test_html_digests_have_no_markup_from_articles(hostile_run: dict[str, Any]) -> None:
    files = sorted((hostile_run["root"] / "digests").glob("*.html"))
    assert len(files) == 4
    for path in files:
        page = path.read_text(encoding="utf-8")
        tags = set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", page))
        assert tags <= {
            "html",
            "head",
            "meta",
            "title",
            "style",
            "body",
            "h1",
            "h2",
            "p",
            "div",
            "span",
            "strong",
            "blockquote",
            "ul",
            "li",
            "svg",
            "line",
            "text",
            "polyline",
            "circle",
        }, tags
        assert "href=" not in page and "src=x" not in re.sub(r"&lt;.*?&gt;", "", page)
    page = (hostile_run["root"] / "digests" / "2025-07-02.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Hamas &lt;b onmouseover=alert(4)&gt;" in page


def test_the_link_to_etc_passwd_is_skipped_once(hostile_run: dict[str, Any]) -> None:
    # named once, in the run's log (stderr); the summary (stdout) only counts it
    logged = [line.strip() for line in hostile_run["stderr"].splitlines() if "passwd.txt" in line]
    assert logged == ["WARNING  skipped passwd.txt: a link to a file outside the folder; skipped"]
    assert not [line for line in hostile_run["stdout"].splitlines() if "passwd.txt" in line]
    assert "skipped (named above)" in hostile_run["stdout"]
    with reader(hostile_run["db"]) as con:
        leaked = con.execute("SELECT count(*) FROM articles WHERE text LIKE '%root:%'").fetchone()
    assert leaked == (0,)
