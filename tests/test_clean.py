"""clean_document on the sample articles and real pages: what is dropped, what is kept, ids, URLs."""

from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path

import pytest

from pipeline.clean import (
    BOILERPLATE_FILE,
    canonical_url,
    clean_document,
    compile_line_patterns,
    content_fingerprint,
    normalise_text,
    raw_fingerprint,
)
from pipeline.extract import extract_html
from pipeline.models import Article, RawDocument
from pipeline.read import read_folder
from tests.conftest import FIXTURES, SAMPLE, shared_path

PAGES = FIXTURES / "ingest" / "pages"


@pytest.fixture(scope="module")
def sample() -> dict[str, tuple[RawDocument, Article]]:
    documents, problems = read_folder(SAMPLE)
    assert problems == []
    return {d.doc[:3]: (d, clean_document(d)) for d in documents}


def dropped_lines(raw: RawDocument, article: Article) -> list[str]:
    kept = set(article.text.split("\n"))
    return [line for line in normalise_text(raw.text).split("\n") if line and line not in kept]


def test_000_byline_dropped(sample: dict[str, tuple[RawDocument, Article]]) -> None:
    raw, article = sample["000"]
    assert dropped_lines(raw, article) == ["By Aghakazim Guliyev"]
    assert article.removed_lines == 1
    assert article.text.startswith(
        "Hamas accepts US ceasefire proposal, but Israel says no breakthrough achieved\n"
    )
    assert article.text.endswith("said he hoped a resolution could be found quickly.")


def test_byline_becomes_the_author_when_none_is_known(sample: dict[str, tuple[RawDocument, Article]]) -> None:
    raw, _ = sample["000"]
    article = clean_document(dataclasses.replace(raw, author=None))
    assert article.author == "Aghakazim Guliyev"
    assert "By Aghakazim Guliyev" not in article.text


def test_001_read_more_caption_and_dash_dropped(sample: dict[str, tuple[RawDocument, Article]]) -> None:
    raw, article = sample["001"]
    dropped = dropped_lines(raw, article)
    assert dropped[0] == "-"
    assert dropped[1].startswith("Al-Quds Brigades and al-Qassam Brigades") and dropped[1].endswith("(AP)")
    assert dropped[2:] == [
        "Read more: Ceasefire talks still at framework stage, 'Israel' stalling: Hamas",
        "Read more: ‘All Gaza will be Jewish’: Israeli minister pushes expulsion plan",
        "Read more: MSF warns Gaza’s premature babies face death amid supply shortages",
    ]
    lines = article.text.split("\n")
    for subhead in (
        "US envoy's remarks dismissed as inaccurate",
        "Focus on aid, withdrawal maps, guarantees",
    ):
        assert subhead in lines


def test_002_comment_form_and_source_link_dropped(sample: dict[str, tuple[RawDocument, Article]]) -> None:
    raw, article = sample["002"]
    assert dropped_lines(raw, article) == [
        # The headline stays, without its " | World News" suffix.
        "Hamas says it is ready to resume Gaza truce talks ‘immediately’ | World News",
        "Smoke rises to the sky following an Israeli strike in Gaza City, Sunday, June 1, 2025. (AP)",
        "Source link",
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
    ]
    assert article.text.split("\n")[0] == "Hamas says it is ready to resume Gaza truce talks ‘immediately’"
    assert article.removed_lines == 4
    # "… compiled by AFP." ends a sentence of the article: an agency name is not a photo credit here.
    assert article.text.endswith("according to official figures compiled by AFP.")
    assert "\u00a0" not in article.text and "“positively” with some requested amendments" in article.text


def test_003_widgets_dropped_and_no_headline_invented(sample: dict[str, tuple[RawDocument, Article]]) -> None:
    raw, article = sample["003"]
    assert dropped_lines(raw, article) == ["Ask me anything", "Explore related questions"]
    assert article.title is None  # the first line is a sentence, not a headline
    assert "Stalemate in negotiations" in article.text.split("\n")


def test_004_site_name_breadcrumbs_adverts_dropped_title_kept_once(
    sample: dict[str, tuple[RawDocument, Article]],
) -> None:
    raw, article = sample["004"]
    title = "Hamas Seeks War’s End As Ceasefire Talks Resurface Amid US Pressure On Israel"
    assert dropped_lines(raw, article) == [
        "The Daily Guardian",
        "• Home/",
        "• Middle East/",
        f"• {title}",
        "Advertisement · Scroll to continue",
        "Advertisement · Scroll to continue",
    ]
    assert raw.text.count(title) == 3
    assert article.text.count(title) == 1
    assert article.text.startswith(title + "\nHamas confirmed it's considering fresh ceasefire proposals")
    assert article.removed_lines == 7


def test_sentence_offsets_index_the_text(sample: dict[str, tuple[RawDocument, Article]]) -> None:
    for _, article in sample.values():
        assert article.sentences
        assert [s.index for s in article.sentences] == list(range(len(article.sentences)))
        for sentence in article.sentences:
            assert article.text[sentence.start : sentence.end] == sentence.text


def test_every_gold_evidence_survives_cleaning(sample: dict[str, tuple[RawDocument, Article]]) -> None:
    gold = shared_path("corpus", "gaza-seeds", "gold_claims.jsonl")
    rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) > 50
    missing = [(r["doc"], r["evidence"]) for r in rows if r["evidence"] not in sample[r["doc"][:3]][1].text]
    assert missing == []


def test_metadata_carried_and_title_from_manifest(sample: dict[str, tuple[RawDocument, Article]]) -> None:
    raw, article = sample["002"]
    assert article.title == raw.title == "Hamas says it is ready to resume Gaza truce talks 'immediately'"
    assert (article.source, article.published, article.published_basis) == (
        raw.source,
        raw.published,
        "manifest",
    )
    assert article.doc == raw.doc and article.origin == "file"


def test_headline_detected_when_no_title_is_known(sample: dict[str, tuple[RawDocument, Article]]) -> None:
    raw, _ = sample["001"]
    article = clean_document(dataclasses.replace(raw, title=None))
    assert article.title == "Hamas rejects US accusations, reaffirms commitment to negotiations"


def test_ids_and_hashes(sample: dict[str, tuple[RawDocument, Article]]) -> None:
    raw, article = sample["000"]
    copy = clean_document(dataclasses.replace(raw, doc="copy-of-000.txt"))
    assert copy.content_hash == article.content_hash  # same text: an exact copy
    assert copy.article_id != article.article_id  # another document
    assert copy.raw_hash != article.raw_hash
    assert article.raw_hash == raw_fingerprint(raw)
    assert len(article.article_id) == len(article.content_hash) == 32
    again = clean_document(raw)
    assert (again.article_id, again.content_hash, again.raw_hash) == (
        article.article_id,
        article.content_hash,
        article.raw_hash,
    )
    # Case and spacing do not make a different text.
    assert content_fingerprint("Hamas  said\nyes") == content_fingerprint("hamas said yes")
    assert content_fingerprint("Hamas said yes") != content_fingerprint("Hamas said no")


def test_normalisation_keeps_quotes_and_fixes_spaces() -> None:
    raw = RawDocument(
        doc="n.txt",
        text="Netanyahu\u00a0said:\t“We\u200b will  not”\r\n\r\n  Cafe\u0301 owners’ view\u2028Next line \n",
    )
    article = clean_document(raw)
    assert article.text == "Netanyahu said: “We will not”\nCafé owners’ view\nNext line"


def test_lines_of_articles_that_look_like_furniture_are_kept() -> None:
    body = [
        "Hamas said the proposal was acceptable, according to figures compiled by AFP.",
        "By Tuesday, mediators in Doha said the gap had narrowed.",
        "The statement was issued by the Israel Defense Forces (IDF).",
        "Read the statement: Hamas rejects the US proposal, the group said on Telegram.",
        "Related talks in Cairo resumed on Monday, officials said.",
        "Home to 2.1 million people, Gaza has been under siege since October.",
        "Share prices in Tel Aviv rose after the announcement.",
        "Comments by the envoy drew criticism from both sides.",
        "Source: a Palestinian official close to the negotiations told reporters the talks had stalled.",
        "Copyright infringement suits rose in 2019, the report said.",
        "Tags are used by the army to identify soldiers.",
        "What do you think happens next, he asked.",
        "Die elektronische Patientenakte (ePA)",
    ]
    article = clean_document(RawDocument(doc="keep.txt", text="\n".join(body)))
    assert article.text.split("\n") == body
    assert article.removed_lines == 0


@pytest.mark.parametrize(
    ("name", "dropped"),
    [
        ("42aad1", ["More:", "SOURCE: Al Jazeera News"]),
        ("7916ec", ["More:", "SOURCE: News agencies"]),
        ("0dd135", ["Click here to subscribe to The Paradigm Newsletter", "Comments", "comments"]),
    ],
)
def test_real_pages_lose_only_furniture(name: str, dropped: list[str]) -> None:
    raw = extract_html(gzip.decompress((PAGES / f"{name}.html.gz").read_bytes()), doc=name)
    assert raw is not None
    article = clean_document(raw)
    assert dropped_lines(raw, article) == dropped
    truth = json.loads((PAGES / "ground-truth.json").read_text(encoding="utf-8"))[name]["articleBody"]
    paragraphs = [p.strip() for p in normalise_text(truth).split("\n") if len(p.strip()) > 40]
    kept = sum(p in article.text for p in paragraphs)
    assert kept >= 0.8 * len(paragraphs)


def test_titles_lose_a_site_name_suffix() -> None:
    raw = extract_html(gzip.decompress((PAGES / "0dd135.html.gz").read_bytes()), doc="0dd135")
    assert raw is not None and raw.title is not None and raw.title.endswith(" - The Paradigm")
    article = clean_document(raw)
    assert article.title == raw.title.removesuffix(" - The Paradigm")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.Example.com/news/a/?utm_source=x&utm_medium=rss", "https://example.com/news/a"),
        ("http://example.com/news/a#comments", "https://example.com/news/a"),
        ("https://example.com:443/news/a?fbclid=1&id=7&gclid=2", "https://example.com/news/a?id=7"),
        ("https://example.com/news/a?b=2&a=1", "https://example.com/news/a?a=1&b=2"),
        ("https://example.com:8080/x/", "https://example.com:8080/x"),
        ("https://example.com/", "https://example.com"),
        ("mailto:desk@example.com", "mailto:desk@example.com"),
        ("", None),
        (None, None),
    ],
)
def test_canonical_url(url: str | None, expected: str | None) -> None:
    assert canonical_url(url) == expected


def test_same_article_with_tracking_params_has_one_canonical_url() -> None:
    first = clean_document(RawDocument(doc="a", text="x", url="https://www.aljazeera.com/news/2025/6/1/gaza"))
    second = clean_document(
        RawDocument(doc="b", text="x", url="https://aljazeera.com/news/2025/6/1/gaza/?utm_campaign=rss")
    )
    assert first.canonical_url == second.canonical_url == "https://aljazeera.com/news/2025/6/1/gaza"
    assert first.url == "https://www.aljazeera.com/news/2025/6/1/gaza"  # the URL itself is kept as given


def test_boilerplate_file_compiles_and_bad_patterns_are_reported(tmp_path: Path) -> None:
    assert compile_line_patterns(BOILERPLATE_FILE).fullmatch("Advertisement · Scroll to continue")
    bad = tmp_path / "bad.txt"
    bad.write_text("# comment\nok line\n(unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.txt:3"):
        compile_line_patterns(bad)


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("By Aghakazim Guliyev", "Aghakazim Guliyev"),
        ("By JANE DOE, Reuters", "JANE DOE"),
        ("Written by Jane Doe and John Roe | Associated Press", "Jane Doe and John Roe"),
        ("By Monday", None),
        ("By Tuesday, mediators in Doha said the gap had narrowed.", None),
    ],
)
def test_bylines(line: str, author: str | None) -> None:
    text = "Hamas said it was studying the proposal.\n" + line
    article = clean_document(RawDocument(doc="b.txt", text=text))
    assert article.author == author
    assert (line in article.text.split("\n")) is (author is None)


@pytest.mark.parametrize(
    "line",
    [
        "Thanks for signing up!",
        "Keep an eye on your inbox for the latest sports news.",
        "Popular on IndieWire",
        "You may also like...",
        "Like this story? Share it with a friend!",
        "GET FOX BUSINESS ON THE GO BY CLICKING HERE",
        "Copyright 2019 The Associated Press. All rights reserved.",
        "Filed under: Khawarij |",
        "5 min read",
        "(Reporting by Will Dunham; Editing by Tom Brown)",
        "Share on Facebook",
        "Facebook Twitter WhatsApp Email",
        "Home › News › Middle East",
        "Gaza City residents inspect the rubble on Sunday. (AP Photo/Abdel Kareem Hana)",
        "Palestinians gather at the site. Photo: Reuters",
    ],
)
def test_furniture_seen_on_real_pages_is_dropped(line: str) -> None:
    article = clean_document(RawDocument(doc="f.txt", text=f"Hamas said it would reply on Monday.\n{line}"))
    assert article.text == "Hamas said it would reply on Monday."
    assert article.removed_lines == 1


def test_a_page_headline_leads_its_text() -> None:
    raw = extract_html(gzip.decompress((PAGES / "42aad1.html.gz").read_bytes()), doc="moon.html")
    assert raw is not None and not raw.text.startswith("NASA’s commercial moon shot")
    article = clean_document(raw)
    lines = article.text.split("\n")
    assert lines[0] == "NASA’s commercial moon shot: Musk's and Bezos's firms to bid"
    assert lines[1].startswith("Washington, DC, United States: Getting to the Moon")
    assert article.sentences[0].text == lines[0]
    # Cleaning what is already clean changes nothing: the headline is not added twice.
    again = clean_document(dataclasses.replace(raw, text=article.text))
    assert again.text == article.text


def test_text_files_are_not_given_a_headline_they_lack(
    sample: dict[str, tuple[RawDocument, Article]],
) -> None:
    raw, _ = sample["003"]
    article = clean_document(dataclasses.replace(raw, title="A title from the manifest"))
    assert not article.text.startswith("A title from the manifest")
    assert article.title == "A title from the manifest"


def test_a_page_read_as_bytes_keeps_the_fingerprint_of_its_text() -> None:
    # Stores written when pending pages were held as text still recognise the same UTF-8 page.
    page = "<html><body><p>Talks resume in Cairo — «enfin».</p></body></html>"
    as_text = RawDocument(doc="page.html", text=page, content_kind="html")
    as_bytes = RawDocument(doc="page.html", text="", content_kind="html", html=page.encode("utf-8"))
    assert raw_fingerprint(as_bytes) == raw_fingerprint(as_text)
    assert raw_fingerprint(dataclasses.replace(as_bytes, doc="other.html")) != raw_fingerprint(as_bytes)
    changed = dataclasses.replace(as_bytes, html=page.replace("Cairo", "Doha").encode("utf-8"))
    assert raw_fingerprint(changed) != raw_fingerprint(as_bytes)
