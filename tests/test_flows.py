"""The daily flow for real: Prefect (ephemeral server), a loopback HTTP server, a DuckDB file."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from pipeline.settings import Settings
from pipeline.store import reader
from tests.conftest import FIXTURES, SAMPLE
from tests.httpserver import FaultServer, http_server_fixture  # noqa: F401  (provides http_server)


def _sources_file(tmp_path: Path, server: FaultServer) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(
        f"""
[[feed]]
name = "Al-Monitor"
url = "{server.url("/feeds/al-monitor.xml")}"

[[feed]]
name = "Broken"
url = "{server.url("/missing-feed.xml")}"

[[page]]
name = "Off"
url = "{server.url("/pages/titan-map.html")}"
enabled = false
""",
        encoding="utf-8",
    )
    return path


@pytest.mark.usefixtures("prefect_harness")
def test_daily_flow_fetches_stores_claims_and_skips_unchanged_work(
    http_server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.daily import daily_flow

    monkeypatch.setenv("STANCEWATCH_HTTP_ALLOW_PRIVATE", "true")  # the server is on loopback
    monkeypatch.setenv("STANCEWATCH_HTTP_PER_HOST_DELAY", "0")
    monkeypatch.setenv("STANCEWATCH_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("STANCEWATCH_DIGEST_DIR", str(tmp_path / "digests"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "note.txt").write_text(
        "Hamas says it is ready to resume talks\nHamas said on Sunday it was ready to resume negotiations.\n",
        encoding="utf-8",
    )
    db = tmp_path / "store.duckdb"
    args = {
        "db": str(db),
        "sources": str(_sources_file(tmp_path, http_server)),
        "watchlist": str(SAMPLE / "watchlist.toml"),
        "inbox": str(inbox),
    }

    first = daily_flow(**args)

    by_name = {row["name"]: row for row in first["sources"]}
    assert set(by_name) == {"Al-Monitor", "Broken"}  # the disabled source is not fetched
    assert by_name["Al-Monitor"]["status"] == "ok" and by_name["Al-Monitor"]["new"] == 4
    assert by_name["Broken"]["status"] == "failed" and by_name["Broken"]["error"]
    assert first["new_articles"] == 5  # four web documents and the inbox note
    with reader(db) as con:
        docs = {r[0] for r in con.execute("SELECT doc FROM articles").fetchall()}
        assert http_server.url("/pages/afghanistan-helicopter.html") in docs and "note.txt" in docs
        assert con.execute("SELECT count(*) FROM claims").fetchone()[0] > 0  # type: ignore[index]
        assert con.execute("SELECT count(*) FROM fetch_log").fetchone()[0] >= 6  # type: ignore[index]
        [(stats,)] = con.execute("SELECT stats FROM runs WHERE kind = 'daily'").fetchall()
        assert {s["name"] for s in json.loads(stats)["sources"]} == {"Al-Monitor", "Broken"}
        counts = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
            for t in ("articles", "claims", "claim_occurrences")
        }
    page_hits = len(http_server.hits("/pages/afghanistan-helicopter.html"))

    second = daily_flow(**args)

    by_name = {row["name"]: row for row in second["sources"]}
    assert by_name["Al-Monitor"]["status"] == "unchanged"  # a 304 on the feed: no entry is refetched
    assert len(http_server.hits("/pages/afghanistan-helicopter.html")) == page_hits
    assert second["new_articles"] == 0 and second["already_stored"] == 1
    with reader(db) as con:
        assert counts == {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
            for t in ("articles", "claims", "claim_occurrences")
        }


@pytest.mark.usefixtures("prefect_harness")
def test_ingest_flow_skips_bad_files_and_keeps_the_rest(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from flows.daily import ingest_flow

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text((SAMPLE / "002_d60c0d61afcbb3f2.txt").read_text(encoding="utf-8"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "page.html").write_bytes(
        gzip.decompress((FIXTURES / "ingest" / "pages" / "42aad1.html.gz").read_bytes())
    )
    (folder / "blank.html").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    (folder / "latin1.txt").write_bytes(
        "Le Premier ministre a déclaré que la négociation continuerait.\n".encode("latin-1")
    )
    (folder / "articles.jsonl").write_text(
        "\n".join(
            [
                json.dumps({"file": "good.txt", "source": "AFP", "published": "2025-06-01"}),
                json.dumps({"file": "missing.txt", "source": "AFP"}),
                json.dumps({"file": "../outside.txt", "source": "AFP"}),
                "{not json",
            ]
        ),
        encoding="utf-8",
    )
    settings = Settings(
        db=tmp_path / "s.duckdb", digest_dir=tmp_path / "digests", watchlist=SAMPLE / "watchlist.toml"
    )

    summary = ingest_flow(str(folder), settings=settings)

    assert summary["new_articles"] == 3  # good.txt, the Latin-1 file and the page (extracted in a worker)
    skipped = {s["path"]: s["reason"] for s in summary["skipped"]}
    assert {"empty.txt", "binary.txt", "blank.html"} <= {Path(p).name for p in skipped}
    assert len(skipped) == 6, skipped  # empty, binary, blank page, missing, outside, bad JSON line
    with reader(settings.db) as con:
        page_title = con.execute("SELECT title FROM articles WHERE doc = 'page.html'").fetchone()[0]  # type: ignore[index]
        text = con.execute("SELECT text FROM articles WHERE doc = 'latin1.txt'").fetchone()[0]  # type: ignore[index]
    assert "déclaré" in text
    assert page_title == "NASA’s commercial moon shot: Musk's and Bezos's firms to bid"

    again = ingest_flow(str(folder), settings=settings)

    # Known inputs are skipped by their fingerprint, the page without article text too; only what
    # cannot be read at all is reported again.
    assert again["new_articles"] == 0 and again["already_stored"] == 4
    assert "blank.html" not in {Path(s["path"]).name for s in again["skipped"]}
    assert len(again["skipped"]) == 5
