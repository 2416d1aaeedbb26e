"""A batch split across worker processes and merged is the batch prepared whole."""

from __future__ import annotations

import pickle

import numpy as np

from pipeline.batch import batched, merge_prepared, prepare_batch, split_guided, warm_up
from pipeline.models import RawDocument, ReadProblem
from pipeline.read import read_folder
from pipeline.watchlist import load_watchlist
from tests.conftest import SAMPLE, fresh_interpreter


def test_split_guided_keeps_order_and_ends_with_short_parts() -> None:
    parts = split_guided(list(range(100)), 2)
    assert [x for part in parts for x in part] == list(range(100))
    lengths = [len(part) for part in parts]
    assert lengths == sorted(lengths, reverse=True)
    assert lengths[0] == 25  # a quarter of the batch: half of one worker's share
    assert lengths[-1] == 3  # never below 1/16 of a worker's share
    assert split_guided([1, 2], 5) == [[1], [2]]
    assert split_guided([1, 2, 3], 1) == [[1, 2], [3]]
    assert split_guided([], 2) == []


def test_batches_end_at_a_count_or_at_a_volume_of_text() -> None:
    short = [RawDocument(doc=f"s{i}", text="x" * 10) for i in range(5)]
    page = RawDocument(doc="page.html", text="<p>" * 100, content_kind="html")
    problem = ReadProblem("bad.txt", "empty file")

    assert [len(b) for b in batched(short, 2)] == [2, 2, 1]
    # Short texts fill a batch by count; a page's HTML closes one by volume; problems weigh nothing.
    items = [*short[:3], page, problem, *short[3:]]
    assert [[getattr(i, "doc", None) or i.path for i in b] for b in batched(items, 4, max_chars=100)] == [
        ["s0", "s1", "s2", "page.html"],
        ["bad.txt", "s3", "s4"],
    ]
    assert [len(b) for b in batched(short, 10, max_chars=25)] == [3, 2]
    assert list(batched([], 3, max_chars=10)) == []


def test_split_then_merged_equals_whole() -> None:
    documents, _ = read_folder(SAMPLE)
    documents.append(RawDocument(doc="blank.txt", text="   \n"))  # cleans to nothing: a problem
    watchlist = load_watchlist(SAMPLE / "watchlist.toml")
    whole = prepare_batch(documents, watchlist)
    merged = merge_prepared([prepare_batch(part, watchlist) for part in split_guided(documents, 2)])
    assert [a.article_id for a in merged.articles] == [a.article_id for a in whole.articles]
    assert merged.problems == whole.problems and len(whole.problems) == 1
    assert merged.extractions == whole.extractions
    assert merged.signed is not None and whole.signed is not None
    assert np.array_equal(merged.signed[0], whole.signed[0])
    assert np.array_equal(merged.signed[1], whole.signed[1])


def test_prepared_batch_crosses_processes_unchanged() -> None:
    """Records pickle as tuples of their fields (``models._tuple_pickled``): what a worker returns must
    arrive equal, nested records (an article's sentences, a result's claims) included."""
    documents, _ = read_folder(SAMPLE)
    prepared = prepare_batch(documents, load_watchlist(SAMPLE / "watchlist.toml"))
    arrived = pickle.loads(pickle.dumps(prepared, protocol=pickle.HIGHEST_PROTOCOL))
    assert arrived.articles == prepared.articles and arrived.articles[0].sentences
    assert arrived.extractions == prepared.extractions
    assert any(result.claims and result.occurrences for result in arrived.extractions.values())
    assert pickle.loads(pickle.dumps(documents)) == documents


def test_merging_nothing_is_an_empty_batch() -> None:
    empty = merge_prepared([])
    assert (empty.articles, empty.problems, empty.extractions, empty.signed) == ([], [], {}, None)


def test_warm_up_takes_its_pages_through_extraction_cleaning_and_claims() -> None:
    # The pages must reach every stage, or the state those stages build on first use stays unbuilt.
    prepared = warm_up()
    assert prepared.problems == []
    assert len(prepared.articles) == 2
    for article in prepared.articles:
        assert article.published is not None and article.sentences
    assert "finance minister" in prepared.articles[0].text
    assert set(prepared.extractions) == {a.article_id for a in prepared.articles}
    assert str(prepared.articles[1].published) == "2025-03-04"
    # The undated page's dateline is read by dateparser, which htmldate builds once and keeps.
    built = fresh_interpreter(
        "from pipeline.batch import warm_up; warm_up(); from htmldate.extractors import get_external_parser; "
        "print(get_external_parser.cache_info().currsize)"
    )
    assert built == "1"


def test_html_fallbacks_setting_reaches_the_extractor() -> None:
    # A Zyte page where trafilatura's readability comparison changes the body (for the worse: token F1
    # 0.92 against 0.99 without it), read as a folder read with defer_html leaves it for the worker.
    import gzip

    from pipeline.extract import decode_html
    from tests.conftest import shared_path

    path = shared_path("corpus", "pages", "zyte", "html") / (
        "6a72de37e8f98f4eee6c0821e593b35ce536cef6c8b424c5e1dd747ebe6621ba.html.gz"
    )
    page = RawDocument(
        doc="page.html", text=decode_html(gzip.decompress(path.read_bytes())), content_kind="html"
    )
    plain = prepare_batch([page], None)
    with_fallbacks = prepare_batch([page], None, html_fallbacks=True)
    assert len(plain.articles) == len(with_fallbacks.articles) == 1
    assert plain.articles[0].text != with_fallbacks.articles[0].text
