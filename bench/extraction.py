"""Body-text extraction quality on the Zyte article-extraction benchmark, through the pipeline's page path.

For every page in ../shared/corpus/pages/zyte/ground-truth.json: decompress the HTML, run
``pipeline.extract.extract_html`` (what fetched pages go through), and score the text against the
true ``articleBody`` by token F1 (bag of lower-cased word tokens: precision and recall of the
overlap). Reports mean and median F1, pages with a date of their own, and pages/s for the pipeline's mode
(trafilatura's fast mode: no readability/justext comparison; extensive date search) and with
``STANCEWATCH_HTML_FALLBACKS`` (trafilatura's default cascade); the last line is ``mean F1 0.NN`` for the
pipeline's mode. Target: mean F1 ≥ 0.90.

    python bench/extraction.py [--limit N] [--worst K]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from pipeline.extract import extract_html  # noqa: E402  (after the path fix, so it runs without installing)

ZYTE = REPO.parent / "shared" / "corpus" / "pages" / "zyte"
_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.casefold()))


def token_f1(predicted: str, gold: str) -> float:
    """F1 of the bag-of-tokens overlap; 1.0 when both are empty, 0.0 when only one is."""
    pred, true = tokens(predicted), tokens(gold)
    if not pred and not true:
        return 1.0
    overlap = sum((pred & true).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(pred.values())
    recall = overlap / sum(true.values())
    return 2 * precision * recall / (precision + recall)


def load_pages(limit: int | None) -> list[tuple[str, str, bytes, str]]:
    """(page id, url, HTML bytes, true body) of every page that has both HTML and ground truth."""
    truth = json.loads((ZYTE / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        path = ZYTE / "html" / f"{page_id}.html.gz"
        if not path.exists():
            continue
        pages.append(
            (
                page_id,
                truth[page_id]["url"],
                gzip.decompress(path.read_bytes()),
                truth[page_id]["articleBody"],
            )
        )
        if limit is not None and len(pages) >= limit:
            break
    return pages


def score(
    pages: list[tuple[str, str, bytes, str]], *, fallback_extractors: bool
) -> tuple[list[tuple[str, float]], int, float]:
    """Per-page F1, how many pages have a date of their own, and the pages/s of extraction."""
    results = []
    dated = 0
    started = time.perf_counter()
    for page_id, url, html, gold in pages:
        document = extract_html(html, doc=url, url=url, origin="web", fallback_extractors=fallback_extractors)
        results.append((page_id, token_f1(document.text if document else "", gold)))
        dated += document is not None and document.published_basis == "metadata"
    elapsed = time.perf_counter() - started
    return results, dated, len(pages) / elapsed if elapsed else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    parser.add_argument("--worst", type=int, default=0, help="list the K lowest-scoring pages per mode")
    args = parser.parse_args(argv)
    if not (ZYTE / "ground-truth.json").exists():
        print(f"{ZYTE} is absent: this benchmark needs ../shared beside the project", file=sys.stderr)
        return 2
    pages = load_pages(args.limit)
    print(f"{len(pages)} pages from {ZYTE}")
    pipeline_mean = 0.0
    for mode, fallback_extractors in (("pipeline", False), ("fallbacks", True)):
        results, dated, rate = score(pages, fallback_extractors=fallback_extractors)
        values = [f1 for _, f1 in results]
        mean, median = statistics.fmean(values), statistics.median(values)
        below = sum(1 for v in values if v < 0.5)
        print(
            f"{mode:9s} mean F1 {mean:.3f}  median {median:.3f}  "
            f"pages with F1 < 0.5: {below}  dated {dated}/{len(pages)}  {rate:.1f} pages/s"
        )
        for page_id, f1 in sorted(results, key=lambda r: r[1])[: args.worst]:
            print(f"    {f1:.3f}  {page_id}")
        if not fallback_extractors:
            pipeline_mean = mean
    print(f"mean F1 {pipeline_mean:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
