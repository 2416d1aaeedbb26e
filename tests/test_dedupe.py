"""Deduplicator on real copies: exact, same URL, near (MinHash); within a batch, across batches and runs."""

from __future__ import annotations

import dataclasses
import logging
import subprocess
import sys
from datetime import date

import numpy as np
import pytest

from pipeline.clean import clean_document
from pipeline.dedupe import Deduplicator, shingle_hashes, signature, signature_bytes, signatures, similarity
from pipeline.models import Article, RawDocument
from pipeline.read import read_folder
from tests.conftest import FIXTURES, REPO, SAMPLE, fresh_interpreter

NEAR = FIXTURES / "ingest" / "near-duplicates"


@pytest.fixture(scope="module")
def sample() -> list[Article]:
    documents, _ = read_folder(SAMPLE)
    return [clean_document(d) for d in documents]


@pytest.fixture(scope="module")
def reuters() -> dict[str, Article]:
    documents, problems = read_folder(NEAR)
    assert problems == []
    return {d.doc.removesuffix(".txt"): clean_document(d) for d in documents}


def copy_of(article: Article, doc: str, **changes: object) -> Article:
    raw = RawDocument(doc=doc, text=article.text, url=article.url, source="Another outlet")
    return clean_document(dataclasses.replace(raw, **changes))  # type: ignore[arg-type]


def test_different_articles_are_all_canonical(sample: list[Article]) -> None:
    result = Deduplicator().process(sample)
    assert [a.doc for a in result.canonical] == [a.doc for a in sample]
    assert result.duplicates == ()


def test_exact_copy_with_another_name(sample: list[Article]) -> None:
    copy = copy_of(sample[2], "syndicated/002-copy.txt")
    result = Deduplicator().process([*sample, copy])
    assert len(result.canonical) == 5
    ((article, link),) = result.duplicates
    assert article is copy
    assert (link.article_id, link.canonical_id, link.kind, link.similarity) == (
        copy.article_id,
        sample[2].article_id,
        "exact",
        1.0,
    )


def test_same_url_with_tracking_params(sample: list[Article]) -> None:
    first = clean_document(
        RawDocument(doc="a", text=sample[0].text, url="https://www.caliber.az/en/post/hamas-accepts")
    )
    # The page changed a little between fetches (a new paragraph), and the link carries utm parameters.
    second = clean_document(
        RawDocument(
            doc="b",
            text=sample[0].text + "\nIsraeli officials later said the talks would continue in Cairo.",
            url="https://caliber.az/en/post/hamas-accepts/?utm_source=rss&utm_medium=feed",
        )
    )
    result = Deduplicator().process([first, second])
    assert [a.doc for a in result.canonical] == ["a"]
    ((article, link),) = result.duplicates
    assert (article.doc, link.kind, link.canonical_id) == ("b", "url", first.article_id)
    assert 0.8 < link.similarity <= 1.0


@pytest.mark.parametrize(
    ("copy", "original"),
    [("reuters-10779", "reuters-10642"), ("reuters-2158", "reuters-2143"), ("reuters-6080", "reuters-6045")],
)
def test_real_near_duplicates(reuters: dict[str, Article], copy: str, original: str) -> None:
    assert reuters[copy].content_hash != reuters[original].content_hash  # not exact copies
    result = Deduplicator().process([reuters[original], reuters[copy]])
    ((article, link),) = result.duplicates
    assert article.doc == f"{copy}.txt"
    assert (link.kind, link.canonical_id) == ("near", reuters[original].article_id)
    assert link.similarity >= 0.8


def test_template_wires_twelve_days_apart_are_different_events(reuters: dict[str, Article]) -> None:
    first, later = reuters["reuters-7207"], reuters["reuters-11425"]
    assert (later.published - first.published).days == 12  # type: ignore[operator]
    assert similarity(signature(first.text), signature(later.text)) >= 0.8
    assert Deduplicator().process([first, later]).duplicates == ()
    ((_, link),) = Deduplicator(near_window_days=None).process([first, later]).duplicates
    assert link.kind == "near"


def test_all_fixture_stories_in_one_batch(reuters: dict[str, Article]) -> None:
    stories = [reuters[k] for k in sorted(reuters)]
    result = Deduplicator().process(stories)
    pairs = {(a.doc, link.canonical_id) for a, link in result.duplicates}
    by_id = {a.article_id: a.doc for a in stories}
    assert {(doc, by_id[canonical]) for doc, canonical in pairs} == {
        ("reuters-10779.txt", "reuters-10642.txt"),
        ("reuters-2158.txt", "reuters-2143.txt"),
        ("reuters-6080.txt", "reuters-6045.txt"),
    }


def test_across_batches(reuters: dict[str, Article], sample: list[Article]) -> None:
    deduplicator = Deduplicator()
    first = deduplicator.process([*sample, reuters["reuters-10642"]])
    assert len(first.canonical) == 6
    second = deduplicator.process([reuters["reuters-10779"], copy_of(sample[4], "again.txt")])
    assert second.canonical == ()
    assert [link.kind for _, link in second.duplicates] == ["near", "exact"]


def test_across_runs_from_stored_state(reuters: dict[str, Article], sample: list[Article]) -> None:
    """A later run knows earlier articles only by (id, content hash, canonical URL, signature bytes)."""
    earlier = Deduplicator()
    stored = [*sample, reuters["reuters-2143"]]
    earlier.process(stored)
    rows = [
        (a.article_id, a.content_hash, a.canonical_url, earlier.signature_bytes(a.article_id)) for a in stored
    ]
    assert all(isinstance(row[3], bytes) and len(row[3]) == 4 * 128 for row in rows)

    later = Deduplicator()
    for row in rows:
        later.add_known(*row)
    result = later.process([reuters["reuters-2158"], copy_of(sample[1], "repost.txt"), sample[3]])
    assert result.canonical == ()  # sample[3] was stored already: the same article, left out
    assert [(a.doc, link.kind) for a, link in result.duplicates] == [
        ("reuters-2158.txt", "near"),
        ("repost.txt", "exact"),
    ]
    assert result.duplicates[0][1].canonical_id == reuters["reuters-2143"].article_id


def test_short_texts_are_never_near_duplicates() -> None:
    texts = ["Hamas accepts the proposal, officials said.", "Israel accepts the proposal, officials said."]
    articles = [clean_document(RawDocument(doc=f"s{i}", text=t)) for i, t in enumerate(texts)]
    short_copy = clean_document(RawDocument(doc="s2", text=texts[0]))
    deduplicator = Deduplicator(threshold=0.3)  # even a loose threshold: too few shingles to judge
    result = deduplicator.process([*articles, short_copy])
    assert [a.doc for a in result.canonical] == ["s0", "s1"]
    assert [(a.doc, link.kind) for a, link in result.duplicates] == [("s2", "exact")]
    assert deduplicator.signature_bytes(articles[0].article_id) is None  # nothing stored for near search


def test_the_same_article_twice_in_a_batch_is_kept_once(sample: list[Article]) -> None:
    result = Deduplicator().process([sample[0], sample[0]])
    assert result.canonical == (sample[0],) and result.duplicates == ()


def test_signatures_are_deterministic_across_processes(sample: list[Article]) -> None:
    text = sample[0].text
    here = signature_bytes(signature(text)).hex()
    code = (
        "import sys; from pipeline.dedupe import signature, signature_bytes; "
        "print(signature_bytes(signature(sys.stdin.read())).hex())"
    )
    there = subprocess.run(
        [sys.executable, "-c", code], input=text, capture_output=True, text=True, cwd=REPO, check=True
    ).stdout.strip()
    assert there == here


def test_batch_signatures_equal_single_ones_across_chunks(
    sample: list[Article], reuters: dict[str, Article]
) -> None:
    # Enough text to cross the internal chunk size several times, with an empty text in between.
    texts = [a.text for a in sample] * 24 + [""] + [a.text for a in reuters.values()]
    batch, counts = signatures(texts)
    assert sum(int(c) for c in counts) > 3 * 16384
    assert counts[120] == 0 and (batch[120] == np.uint32(0xFFFFFFFF)).all()
    for i in (0, 7, 59, 119, 121, len(texts) - 1):
        assert np.array_equal(batch[i], signature(texts[i]))


def test_estimate_tracks_true_jaccard(reuters: dict[str, Article]) -> None:
    a, b = reuters["reuters-10642"].text, reuters["reuters-10779"].text
    shingles_a, shingles_b = set(shingle_hashes(a).tolist()), set(shingle_hashes(b).tolist())
    true = len(shingles_a & shingles_b) / len(shingles_a | shingles_b)
    assert abs(similarity(signature(a), signature(b)) - true) < 0.1


def test_bad_stored_signature_is_skipped_with_a_warning(
    caplog: pytest.LogCaptureFixture, sample: list[Article]
) -> None:
    deduplicator = Deduplicator()
    with caplog.at_level(logging.WARNING, logger="pipeline.dedupe"):
        deduplicator.add_known("old", "hash", None, b"\x00" * 10)
    assert len(caplog.records) == 1 and "old" in caplog.records[0].getMessage()
    assert deduplicator.process(sample[:1]).canonical == (sample[0],)


def test_undated_articles_are_compared_whatever_the_window(reuters: dict[str, Article]) -> None:
    first = dataclasses.replace(reuters["reuters-7207"], published=None)
    later = dataclasses.replace(reuters["reuters-11425"], published=date(2030, 1, 1))
    ((_, link),) = Deduplicator().process([first, later]).duplicates
    assert link.kind == "near"


def test_a_rewritten_page_at_a_known_url_is_a_new_article(sample: list[Article]) -> None:
    url = "https://example.org/live/gaza-talks"
    monday = clean_document(RawDocument(doc="monday", text=sample[0].text, url=url))
    tuesday = clean_document(RawDocument(doc="tuesday", text=sample[1].text, url=url + "?utm_source=x"))
    result = Deduplicator().process([monday, tuesday])
    assert [a.doc for a in result.canonical] == ["monday", "tuesday"]


def test_front_page_urls_never_make_copies() -> None:
    short = [
        clean_document(
            RawDocument(doc=f"d{i}", text=f"Update {i}: talks resume.", url="https://www.example.org/")
        )
        for i in range(2)
    ]
    assert len(Deduplicator().process(short).canonical) == 2
    # The same short text at one article URL is a copy even without signatures to compare.
    same = [
        clean_document(
            RawDocument(doc=f"e{i}", text=f"Update {i}: talks resume.", url="https://example.org/a/b")
        )
        for i in range(2)
    ]
    ((_, link),) = Deduplicator().process(same).duplicates
    assert (link.kind, link.similarity) == ("url", 1.0)


def test_the_cpu_workers_sign_without_importing_datasketch_or_scipy() -> None:
    # datasketch imports scipy (~0.6 s a process); the workers' fork server imports flows.cpu_worker,
    # which signs texts but never searches for near copies. A fresh interpreter shows what it loads.
    loaded = fresh_interpreter(
        "import sys, flows.cpu_worker; from pipeline.dedupe import signatures; signatures(['a b c d e f']); "
        "print(sorted(m for m in ('datasketch', 'scipy') if m in sys.modules))"
    )
    assert loaded == "[]"
    # The deduplicator still gets it when built.
    built = fresh_interpreter(
        "import sys; from pipeline.dedupe import Deduplicator; Deduplicator(); "
        "print('datasketch' in sys.modules)"
    )
    assert built == "True"
