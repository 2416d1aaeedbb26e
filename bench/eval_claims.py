"""Score claim extraction on the sample corpus against the gold claims.

Reads the sample articles straight from their .txt files (source and published from articles.jsonl),
cleans them, extracts claims with the sample watchlist, writes the export the scorer reads and runs
``../shared/eval/score_claims.py`` on it.

    .venv/bin/python bench/eval_claims.py [--min-confidence 0.5] [--show] [--out export.jsonl]
    .venv/bin/python bench/eval_claims.py --speed 1000   # words/s of attribution + claims on news-2017
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.claims import ClaimExtractor  # noqa: E402
from pipeline.models import Article, Claim, RawDocument  # noqa: E402
from pipeline.watchlist import load_watchlist  # noqa: E402

SAMPLE = REPO / "examples" / "gaza-ceasefire"
SHARED = REPO.parent / "shared"
GOLD = SHARED / "corpus" / "gaza-seeds" / "gold_claims.jsonl"
SCORER = SHARED / "eval" / "score_claims.py"


def sample_articles(folder: Path = SAMPLE) -> Iterator[Article]:
    """The sample articles, cleaned, with source and date from the manifest."""
    from pipeline.clean import clean_document

    manifest = {}
    for line in (folder / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            manifest[entry["file"]] = entry
    for path in sorted(folder.glob("*.txt")):
        meta = manifest.get(path.name, {})
        published = meta.get("published")
        raw = RawDocument(
            doc=path.name,
            text=path.read_text(encoding="utf-8"),
            source=meta.get("source"),
            title=meta.get("title"),
            published=date.fromisoformat(published) if published else None,
            published_basis="manifest" if published else "none",
        )
        yield clean_document(raw)


def export_rows(min_confidence: float = 0.5, folder: Path = SAMPLE) -> list[dict[str, object]]:
    extractor = ClaimExtractor(load_watchlist(folder / "watchlist.toml"))
    rows: list[dict[str, object]] = []
    for article in sample_articles(folder):
        result = extractor.extract(article)
        for claim in result.claims:
            if claim.confidence >= min_confidence:
                rows.append(_row(article, claim))
    return rows


def _row(article: Article, claim: Claim) -> dict[str, object]:
    return {
        "doc": article.doc,
        "evidence": claim.evidence,
        "actor": claim.actor,
        "speaker": claim.speaker,
        "stance": claim.stance,
        "topic": claim.topic,
        "confidence": claim.confidence,
        "rules": list(claim.rules),
        "published": article.published.isoformat() if article.published else None,
    }


def score(rows: list[dict[str, object]]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        path = handle.name
    done = subprocess.run(
        [sys.executable, str(SCORER), str(GOLD), path, "--json"], capture_output=True, text=True, check=False
    )
    Path(path).unlink(missing_ok=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def speed(limit: int) -> str:
    """CPU words per second of attribution and claims (with the sample watchlist) over news-2017 articles."""
    import time

    from bench.loaders import news2017
    from pipeline.attribution import find_attributions
    from pipeline.sentences import split_sentences

    extractor = ClaimExtractor(load_watchlist(SAMPLE / "watchlist.toml"))
    articles = [
        Article(article_id=raw.doc, doc=raw.doc, text=raw.text, sentences=split_sentences(raw.text))
        for raw in news2017(limit=limit)
    ]
    words = sum(len(a.text.split()) for a in articles)
    start = time.process_time()
    attributions = [find_attributions(a) for a in articles]
    middle = time.process_time()
    claims = sum(
        len(extractor.extract(a, found).claims) for a, found in zip(articles, attributions, strict=True)
    )
    end = time.process_time()
    rate = {
        name: words / seconds
        for name, seconds in (
            ("attribution", middle - start),
            ("claims", end - middle),
            ("both", end - start),
        )
    }
    return f"{len(articles)} articles, {words} words, {claims} claims: " + ", ".join(
        f"{name} {value:,.0f} words/s" for name, value in rate.items()
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--min-confidence", type=float, default=0.5)
    parser.add_argument("--show", action="store_true", help="print every exported claim and the missed gold")
    parser.add_argument("--out", type=Path, help="also write the export here")
    parser.add_argument(
        "--speed", type=int, metavar="N", help="measure words/s on N news-2017 articles instead"
    )
    args = parser.parse_args()
    if args.speed:
        print(speed(args.speed))
        return 0
    if not GOLD.exists() or not SCORER.exists():
        print(f"needs {GOLD} and {SCORER} (../shared beside the project)", file=sys.stderr)
        return 2
    rows = export_rows(args.min_confidence)
    if args.out:
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    result = score(rows)
    if args.show:
        for row in rows:
            print(
                f"{str(row['doc'])[:3]} {row['actor']:>22} {row['stance']:>8} {row['topic']!s:>20} "
                f"{row['confidence']:.2f} | {str(row['evidence'])[:90]}"
            )
        for gold in result["missed"]:
            print(
                f"MISSED {gold['doc'][:3]} {'/'.join(gold['actor'])} {'/'.join(gold['stance'])}: "
                f"{gold['evidence'][:90]}"
            )
    print(
        f"precision {result['precision']} recall {result['recall']} f1 {result['f1']} "
        f"topic accuracy {result['topic_accuracy']} "
        f"({result['true_positives']} of {result['required_gold']}, "
        f"{result['false_positives']} false, errors {result['errors']})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
