"""Reading a folder of articles: manifest metadata, dates, file kinds, bad input that must not stop a run."""

from __future__ import annotations

import gzip
import json
import logging
import shutil
from datetime import date
from pathlib import Path

import pytest

from pipeline.models import RawDocument, ReadProblem
from pipeline.read import decode_text, finish_html, iter_folder, read_file, read_folder
from tests.conftest import FIXTURES, SAMPLE

SAMPLE_DOCS = sorted(p.name for p in SAMPLE.glob("*.txt"))


def test_sample_folder_reads_every_article_with_manifest_metadata() -> None:
    documents, problems = read_folder(SAMPLE)
    assert problems == []
    assert [d.doc for d in documents] == SAMPLE_DOCS
    by_doc = {d.doc: d for d in documents}
    first = by_doc["000_5e092ed3b157c683.txt"]
    assert first.source == "Caliber.Az"
    assert first.title == "Hamas accepts US ceasefire proposal, but Israel says no breakthrough achieved"
    assert first.author == "Aghakazim Guliyev"
    assert (first.published, first.published_basis) == (date(2025, 5, 27), "manifest")
    assert first.origin == "file" and first.url is None
    assert first.text.startswith("Hamas accepts US ceasefire proposal")
    unknown = by_doc["003_8bb7bbf878887090.txt"]
    assert unknown.title is None and unknown.author is None  # JSON null stays None
    assert all(d.published_basis == "manifest" for d in documents)


def _write_folder(root: Path) -> None:
    """A folder with one of each kind of good and bad input, built from real articles."""
    sample_text = (SAMPLE / "000_5e092ed3b157c683.txt").read_text(encoding="utf-8")
    (root / "good.txt").write_text(sample_text, encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20)
    second = (SAMPLE / "002_d60c0d61afcbb3f2.txt").read_text(encoding="utf-8")
    (root / "latin1.txt").write_bytes(("Café owners in Gaza City said…\n" + second).encode("cp1252"))
    (root / "extra.txt").write_text(sample_text.replace("Hamas", "The group"), encoding="utf-8")
    (root / "page.html").write_bytes(
        gzip.decompress((FIXTURES / "ingest" / "pages" / "42aad1.html.gz").read_bytes())
    )
    (root / "sub").mkdir()
    (root / "sub" / "nested.txt").write_text("Qatar said talks would resume.\n", encoding="utf-8")
    (root / ".hidden.txt").write_text("editor swap file\n", encoding="utf-8")
    (root / "notes.pdf").write_bytes(b"%PDF-1.4 not an article")
    manifest = [
        json.dumps({"file": "good.txt", "source": "Caliber.Az", "published": "2025-05-27", "title": "Good"}),
        '{"file": "latin1.txt", "source": "World News",',  # truncated: bad JSON
        json.dumps({"file": "missing.txt", "source": "Nowhere"}),
        json.dumps({"file": "../outside.txt", "source": "Elsewhere"}),
        json.dumps({"file": "/etc/hostname", "source": "Elsewhere"}),
        json.dumps(["page.html"]),
        json.dumps({"file": "page.html", "source": "Al Jazeera English", "published": "19 Nov 2019"}),
        json.dumps({"file": "sub/nested.txt", "source": "Nested", "published": "2025-06-02T08:30:00Z"}),
        json.dumps({"file": "notes.pdf", "source": "A PDF"}),
        "",
    ]
    (root / "articles.jsonl").write_text("\n".join(manifest), encoding="utf-8")


def test_bad_input_gives_one_problem_each_and_no_warning_of_its_own(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _write_folder(tmp_path)
    with caplog.at_level(logging.WARNING, logger="pipeline.read"):
        documents, problems = read_folder(tmp_path)

    assert [d.doc for d in documents] == [
        "extra.txt",
        "good.txt",
        "latin1.txt",
        "page.html",
        "sub/nested.txt",
    ]
    reasons = {p.path.rsplit("/", 1)[-1]: p.reason for p in problems}
    assert len(problems) == 9
    manifest = str(tmp_path / "articles.jsonl")
    assert [p.path for p in problems[:7]] == [f"{manifest}:{n}" for n in (2, 3, 4, 5, 6, 7, 9)]
    assert "not valid JSON" in reasons["articles.jsonl:2"]
    assert "missing.txt" in reasons["articles.jsonl:3"] and "does not exist" in reasons["articles.jsonl:3"]
    assert "outside the folder" in reasons["articles.jsonl:4"]
    assert "outside the folder" in reasons["articles.jsonl:5"]
    assert "not a JSON object" in reasons["articles.jsonl:6"]
    assert "19 Nov 2019" in reasons["articles.jsonl:7"]
    assert "not a .txt, .md or .html article" in reasons["articles.jsonl:9"]
    assert reasons["binary.txt"].startswith("binary file")
    assert reasons["empty.txt"] == "empty file"
    # Reading reports nothing itself: whoever reads reports each problem once (the flow logs every
    # skipped file as its run ends), or a skipped file was named three times.
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []

    by_doc = {d.doc: d for d in documents}
    assert by_doc["latin1.txt"].text.startswith("Café owners in Gaza City said…\nHamas says it is ready")
    assert "Hamas’s response" in by_doc["latin1.txt"].text  # cp1252 curly quotes decoded, not mojibake
    assert by_doc["latin1.txt"].source is None  # its manifest line was bad: read without metadata
    extra = by_doc["extra.txt"]
    assert (extra.source, extra.title, extra.published, extra.published_basis) == (None, None, None, "none")
    good = by_doc["good.txt"]
    assert (good.title, good.published, good.published_basis) == ("Good", date(2025, 5, 27), "manifest")
    page = by_doc["page.html"]
    assert page.source == "Al Jazeera English"  # the manifest wins over the page
    assert (page.published, page.published_basis) == (date(2019, 11, 19), "metadata")  # bad manifest date
    assert page.title == "NASA’s commercial moon shot: Musk's and Bezos's firms to bid"
    nested = by_doc["sub/nested.txt"]
    assert (nested.source, nested.published, nested.published_basis) == (
        "Nested",
        date(2025, 6, 2),
        "manifest",
    )


def test_links_to_files_outside_the_folder_are_skipped_once_each(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder, outside = tmp_path / "drop", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    sample_text = (SAMPLE / "000_5e092ed3b157c683.txt").read_text(encoding="utf-8")
    (folder / "good.txt").write_text(sample_text, encoding="utf-8")
    (folder / "alias.txt").symlink_to("good.txt")  # a link that stays inside is read
    (outside / "secret.txt").write_text("Hamas said the secret plan was accepted.\n", encoding="utf-8")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "secret.txt").symlink_to(outside / "secret.txt")
    (folder / "named.txt").symlink_to(outside / "secret.txt")  # also named by the manifest
    (folder / "sub").mkdir()
    (folder / "sub" / "deep.md").symlink_to(Path("..") / ".." / "outside" / "secret.txt")
    manifest = [json.dumps({"file": "named.txt", "source": "Leaked"})]
    (folder / "articles.jsonl").write_text("\n".join(manifest) + "\n", encoding="utf-8")

    with caplog.at_level(logging.WARNING, logger="pipeline.read"):
        documents, problems = read_folder(folder)

    assert sorted(d.doc for d in documents) == ["alias.txt", "good.txt"]
    assert not any("secret plan" in d.text or "root:" in d.text for d in documents)
    assert [p.path for p in problems] == [
        f"{folder / 'articles.jsonl'}:1",
        "passwd.txt",
        "secret.txt",
        "sub/deep.md",
    ]
    assert all("outside the folder" in p.reason for p in problems)
    # the reader returns the problems and logs none: the run names each skipped input once, in its log
    assert not [r for r in caplog.records if r.levelno == logging.WARNING]


def test_a_manifest_that_links_outside_the_folder_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "good.txt").write_text("Qatar said talks would resume.\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere.jsonl"
    elsewhere.write_text(json.dumps({"file": "good.txt", "source": "Forged"}) + "\n", encoding="utf-8")
    (folder / "articles.jsonl").symlink_to(elsewhere)
    documents, problems = read_folder(folder)
    assert [(d.doc, d.source) for d in documents] == [("good.txt", None)]
    assert len(problems) == 1 and "manifest is a link to a file outside the folder" in problems[0].reason


def test_stream_yields_manifest_problems_first_then_files_in_order(tmp_path: Path) -> None:
    _write_folder(tmp_path)
    items = list(iter_folder(tmp_path))
    kinds = ["problem" if isinstance(item, ReadProblem) else "doc" for item in items]
    assert kinds[:7] == ["problem"] * 7
    names = [item.doc if isinstance(item, RawDocument) else item.path for item in items[7:]]
    assert names == [
        "binary.txt",
        "empty.txt",
        "extra.txt",
        "good.txt",
        "latin1.txt",
        "page.html",
        "sub/nested.txt",
    ]


def test_single_file_takes_its_manifest_entry() -> None:
    items = list(iter_folder(SAMPLE / "004_185e050c5a66e2f5.txt"))
    assert len(items) == 1
    doc = items[0]
    assert isinstance(doc, RawDocument)
    assert doc.doc == "004_185e050c5a66e2f5.txt"
    assert doc.source == "The Daily Guardian" and doc.published == date(2025, 7, 2)


def test_single_file_without_manifest(tmp_path: Path) -> None:
    shutil.copy(SAMPLE / "003_8bb7bbf878887090.txt", tmp_path / "article.txt")
    result = read_file(tmp_path / "article.txt")
    assert isinstance(result, RawDocument)
    assert (result.doc, result.source, result.published, result.published_basis) == (
        "article.txt",
        None,
        None,
        "none",
    )


def test_missing_path_is_a_problem(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="pipeline.read"):
        items = list(iter_folder(tmp_path / "nope"))
    assert len(items) == 1 and isinstance(items[0], ReadProblem)
    assert "no such file" in items[0].reason
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []  # the caller reports it


def test_html_without_article_text_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "blank.html").write_text(
        "<html><head><title>x</title></head><body></body></html>", encoding="utf-8"
    )
    documents, problems = read_folder(tmp_path)
    assert documents == []
    assert [(p.path, p.reason) for p in problems] == [("blank.html", "no article text found in the HTML")]


def test_markdown_front_matter_and_markup(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text(
        "---\ntitle: Hamas reviews proposal\nauthor: Jane Roe\ndate: 2025-07-02\nsource: Example Wire\n---\n"
        "# Hamas reviews proposal\n\n"
        "Hamas said on **Wednesday** that it is [considering](https://example.org/x) a new offer.\n"
        "![a photo](img.png)\n"
        "> “We will respond soon,” an official said.\n",
        encoding="utf-8",
    )
    (doc,), problems = read_folder(tmp_path)
    assert problems == []
    assert (doc.title, doc.author, doc.source) == ("Hamas reviews proposal", "Jane Roe", "Example Wire")
    assert (doc.published, doc.published_basis) == (date(2025, 7, 2), "metadata")
    assert doc.text.split("\n") == [
        "Hamas reviews proposal",
        "",
        "Hamas said on Wednesday that it is considering a new offer.",
        "",
        "“We will respond soon,” an official said.",
        "",
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Witkoff’s “framework”".encode(), "Witkoff’s “framework”"),
        ("Witkoff’s “framework”".encode("cp1252"), "Witkoff’s “framework”"),
        ("Ministère, à Gaza".encode("latin-1"), "Ministère, à Gaza"),
        ("\ufeffBOM first".encode(), "BOM first"),
        ("UTF-16 text".encode("utf-16"), "UTF-16 text"),
    ],
)
def test_decode_text(data: bytes, expected: str) -> None:
    assert decode_text(data) == expected


def test_deferred_html_is_extracted_later_into_the_same_document(tmp_path: Path) -> None:
    # The flows read pages without extracting them, and the worker extracts: the result must not differ.
    _write_folder(tmp_path)
    (tmp_path / "blank.html").write_text("<html><body></body></html>", encoding="utf-8")
    direct = list(iter_folder(tmp_path))
    deferred = list(iter_folder(tmp_path, defer_html=True))
    pending = [d for d in deferred if isinstance(d, RawDocument) and d.content_kind == "html"]
    assert {d.doc for d in pending} == {"page.html", "blank.html"}
    # Left as read: the process reading the folder neither decodes a page nor encodes it again.
    assert pending[0].text == "" and pending[0].html == (tmp_path / pending[0].doc).read_bytes()
    finished = [finish_html(d) if isinstance(d, RawDocument) else d for d in deferred]
    assert [_key(item) for item in finished] == [_key(item) for item in direct]


def _key(item: RawDocument | ReadProblem) -> object:
    return (item.path, item.reason) if isinstance(item, ReadProblem) else item
