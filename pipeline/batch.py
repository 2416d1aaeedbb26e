"""The work of one batch, as plain functions the flows wrap in tasks (and the benchmark calls bare).

A batch is a few hundred documents: clean them, drop the ones a previous run already stored,
deduplicate against everything known, extract claims from the canonical ones.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TypeVar

import numpy as np

from pipeline.claims import extract_claims
from pipeline.clean import clean_document, raw_fingerprint
from pipeline.dedupe import DEFAULT_NUM_PERM, Counts, Signature, signatures
from pipeline.models import (
    Actor,
    Article,
    Claim,
    ClaimOccurrence,
    ExtractionResult,
    RawDocument,
    ReadProblem,
)
from pipeline.read import finish_html
from pipeline.watchlist import Watchlist

log = logging.getLogger(__name__)

T = TypeVar("T")


def batched(items: Iterable[T], size: int, max_chars: int | None = None) -> Iterator[list[T]]:
    """Lists of at most ``size`` items, streaming (never holds the whole input). With ``max_chars``, a list
    also ends once its documents' texts (a page's bytes before extraction) reach that many characters,
    so a batch of pages holds as much as a batch of short stories, not 50 times more."""
    current: list[T] = []
    chars = 0
    for item in items:
        current.append(item)
        if max_chars is not None and isinstance(item, RawDocument):
            chars += len(item.as_read)
        if len(current) >= size or (max_chars is not None and chars >= max_chars):
            yield current
            current, chars = [], 0
    if current:
        yield current


@dataclass(slots=True)
class Intake:
    """What reading produced for one batch: new documents, problems, and how many were already stored."""

    documents: list[RawDocument] = field(default_factory=list)
    fingerprints: dict[str, str] = field(default_factory=dict)  # doc → ``raw_fingerprint`` of the documents
    problems: list[ReadProblem] = field(default_factory=list)
    already_stored: int = 0


def split_new(items: Sequence[RawDocument | ReadProblem], known_raw: set[str]) -> Intake:
    """Separate problems from documents and drop documents a previous run stored (same doc and raw text)."""
    intake = Intake()
    for item in items:
        if isinstance(item, ReadProblem):
            intake.problems.append(item)
            continue
        fingerprint = raw_fingerprint(item)
        if fingerprint in known_raw:
            intake.already_stored += 1
        else:
            intake.documents.append(item)
            intake.fingerprints[item.doc] = fingerprint
    return intake


@dataclass(slots=True)
class PreparedBatch:
    """A batch cleaned and read for claims: the CPU-heavy part, which runs in a worker process.

    Claims are extracted from every article before deduplication (which needs every earlier batch and so
    runs in order, in the flow); the duplicates' extractions are then dropped. Copies are rare, so the
    work wasted on them is small next to running both stages on two cores.
    """

    articles: list[Article]
    problems: list[ReadProblem]
    extractions: dict[str, ExtractionResult]
    # MinHash signatures and shingle counts of the articles' texts (``dedupe.signatures``), computed here
    # so the flow's serial deduplication only compares them.
    signed: tuple[Signature, Counts] | None = None


def prepare_batch(
    documents: Sequence[RawDocument],
    watchlist: Watchlist | None,
    num_perm: int = DEFAULT_NUM_PERM,
    *,
    html_fallbacks: bool = False,
    undated_day: date | None = None,
) -> PreparedBatch:
    """Extract pending pages (``html_fallbacks``: with trafilatura's fallback extractors), clean, sign
    for deduplication and extract claims. With ``undated_day``, a document that has no date once its page
    is extracted gets that day (basis ``first_seen``) before its claims are dated from it."""
    ready: list[RawDocument] = []
    problems: list[ReadProblem] = []
    as_read: dict[str, str] = {}  # doc → fingerprint of the page as read, for pages extracted here
    for raw in documents:  # pages read with defer_html are extracted here, in the worker
        finished = finish_html(raw, fallback_extractors=html_fallbacks)
        if isinstance(finished, ReadProblem):
            problems.append(finished)
            continue
        if finished is not raw:
            as_read[raw.doc] = raw_fingerprint(raw)
        ready.append(date_undated(finished, undated_day))
    articles, clean_problems = clean_batch(ready)
    # A re-run recognises an input by what was read (the HTML), not by what was extracted from it.
    articles = [replace(a, raw_hash=as_read[a.doc]) if a.doc in as_read else a for a in articles]
    signed = signatures([a.text for a in articles], num_perm)
    return PreparedBatch(articles, problems + clean_problems, extract_each(articles, watchlist), signed)


# Pages small enough to cost nothing that still take the paths real pages take: page metadata, the
# extractor's rescues of a short text, cleaning, sentence splitting, attribution. The second has
# no date in its head, only a dateline in words that htmldate's own patterns cannot read: it hands that to
# dateparser, whose first call compiles its timezone and language patterns (~0.3 s of CPU, which a page
# like that cost every worker of every run).
_WARM_UP_PAGES = (
    """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Budget talks resume</title><meta name="author" content="A. Reporter">
<meta property="article:published_time" content="2025-01-15">
</head><body><article><h1>Budget talks resume</h1><p>The finance minister said on Monday that the talks
would resume next week. "We are ready to sign," the minister's spokesman told reporters.</p></article>
</body></html>""",
    """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Port strike ends</title></head>
<body><article><h1>Port strike ends</h1><div class="timestamp">Mar. 4, 2025 10:15 a.m. ET</div>
<p>The dockworkers' union said on Tuesday that its members had voted to accept the offer and would return
to work on Wednesday, ending a strike that had closed the port for nine days.</p></article></body></html>""",
)


def warm_up() -> PreparedBatch:
    """Prepare two tiny pages, so the state the stages build on first use (the extractor's stoplists and
    date parsers, compiled cleaning and claim patterns: ~1.3 s of CPU) exists before worker processes are
    forked from this one, and no worker builds it again. Returns the pages prepared."""
    pages = [
        RawDocument(
            doc=f"warm-up-{i}.html",
            text="",
            url=f"https://example.org/news/warm-up-{i}",
            content_kind="html",
            html=page.encode("utf-8"),
        )
        for i, page in enumerate(_WARM_UP_PAGES)
    ]
    return prepare_batch(pages, None)


def merge_prepared(parts: Sequence[PreparedBatch]) -> PreparedBatch:
    """One batch from consecutive parts prepared apart (a batch split across worker processes), in order."""
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return PreparedBatch([], [], {})
    articles = [a for part in parts for a in part.articles]
    problems = [p for part in parts for p in part.problems]
    extractions = {k: v for part in parts for k, v in part.extractions.items()}
    signed: tuple[Signature, Counts] | None = None
    if all(part.signed is not None for part in parts):
        signed = (
            np.concatenate([part.signed[0] for part in parts if part.signed is not None]),
            np.concatenate([part.signed[1] for part in parts if part.signed is not None]),
        )
    return PreparedBatch(articles, problems, extractions, signed)


def split_guided(items: Sequence[T], workers: int) -> list[list[T]]:
    """``items`` in consecutive runs of decreasing length, for ``workers`` processes that each take the next
    run when they free up. Each run is a ``1 / (2 * workers)`` share of what remains, down to 1/16 of a
    worker's share: the first runs are long (few hand-offs) and the last short, so the workers finish
    together. With runs of equal length, the worker that drew the last costly run worked on alone for up
    to a run's time: a tenth of a two-worker run over 100 pages."""
    if not items:
        return []
    workers = max(1, workers)
    shortest = max(1, len(items) // (16 * workers))
    runs, start = [], 0
    while start < len(items):
        length = max(shortest, -(-(len(items) - start) // (2 * workers)))  # ceiling division
        runs.append(list(items[start : start + length]))
        start += length
    return runs


def date_undated(raw: RawDocument, day: date | None) -> RawDocument:
    """``raw`` dated ``day`` with basis ``first_seen`` when it has no date of its own (and a day is given)."""
    if raw.published is not None or day is None:
        return raw
    return replace(raw, published=day, published_basis="first_seen")


def clean_batch(documents: Sequence[RawDocument]) -> tuple[list[Article], list[ReadProblem]]:
    """Clean every document; one that fails to clean is reported, the rest go on."""
    articles: list[Article] = []
    problems: list[ReadProblem] = []
    for raw in documents:
        try:
            article = clean_document(raw)
        except Exception as exc:  # a bad document must not sink its batch
            log.debug("could not clean %s: %s", raw.doc, exc)  # reported once, with the skipped files
            problems.append(ReadProblem(raw.doc, f"could not clean: {exc}"))
            continue
        if not article.sentences:
            log.debug("%s: no text left after cleaning; skipped", raw.doc)  # reported with the skipped
            problems.append(ReadProblem(raw.doc, "no text left after cleaning"))
            continue
        articles.append(article)
    return articles, problems


def extract_each(articles: Sequence[Article], watchlist: Watchlist | None) -> dict[str, ExtractionResult]:
    """Claims of each article, by article id; an article whose extraction fails is logged and left out."""
    results: dict[str, ExtractionResult] = {}
    for article in articles:
        try:
            results[article.article_id] = extract_claims(article, watchlist)
        except Exception as exc:  # one article's odd text must not lose the batch's claims
            log.warning("claim extraction failed on %s: %s", article.doc, exc)
    return results


def merge_extractions(results: Iterable[ExtractionResult]) -> ExtractionResult:
    """One result for a batch: one claim per claim id, every occurrence kept."""
    claims: dict[str, Claim] = {}
    occurrences: list[ClaimOccurrence] = []
    discovered: dict[str, Actor] = {}
    candidates: dict[tuple[str, str], tuple[str, str, float, str]] = {}
    for result in results:
        for claim in result.claims:
            claims.setdefault(claim.claim_id, claim)
        occurrences.extend(result.occurrences)
        for actor in result.discovered_actors:
            discovered.setdefault(actor.name, actor)
        for cand in result.alias_candidates:
            candidates.setdefault((cand[0], cand[1]), cand)
    return ExtractionResult(
        claims=tuple(claims.values()),
        occurrences=tuple(occurrences),
        discovered_actors=tuple(discovered.values()),
        alias_candidates=tuple(candidates.values()),
    )
