"""Score speaker attribution on PolNeAR: who said what, against hand-annotated source/cue/content spans.

Usage: python -m bench.eval_attribution [--split dev] [--corpus DIR] [--out preds.jsonl] [--limit N]

Builds each Article straight from the text file with ``split_sentences`` (the cleaning stage removes
web boilerplate, which these texts do not have), runs ``find_attributions``, writes one JSONL line per
attribution ({"doc", "speaker", "evidence"}: evidence is the attribution's sentence(s)), and scores it
with ../shared/eval/score_attribution.py. Prints the scorer's figures and the throughput.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from pipeline.attribution import find_attributions, load_cue_lexicon
from pipeline.models import Article, Attribution
from pipeline.sentences import split_sentences

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
DEFAULT_CORPUS = SHARED / "corpus" / "polnear" / "data"
SCORER = SHARED / "eval" / "score_attribution.py"


def article_from_text(name: str, text: str) -> Article:
    digest = hashlib.sha1(f"{name}\n{text}".encode()).hexdigest()[:16]
    return Article(article_id=digest, doc=name, text=text, sentences=split_sentences(text))


def evidence_of(article: Article, attribution: Attribution) -> str:
    """The attribution's sentence and any further sentences its quote runs over, as one span of text."""
    indexes = (attribution.sentence_index, *attribution.extra_sentence_indexes)
    first = article.sentences[min(indexes)]
    last = article.sentences[max(indexes)]
    return article.text[first.start : last.end]


def speaker_named(attribution: Attribution) -> str:
    """The speaker as the text names it; a pronoun (or no words at all) is replaced by what it stands
    for. A description ("the group", "the senior official") is already a name for the speaker."""
    written = attribution.speaker_text
    if written and (
        written.lower() not in load_cue_lexicon().words["pronouns"] or not attribution.speaker_resolved
    ):
        return written
    return attribution.speaker_resolved or written


def predictions_for(article: Article) -> list[dict[str, str]]:
    lines: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for attribution in find_attributions(article):
        evidence = evidence_of(article, attribution)
        speaker = speaker_named(attribution)
        key = (speaker, evidence)
        if key in seen:
            continue  # one line per speaker and evidence: a second cue of the same speaker adds nothing
        seen.add(key)
        lines.append({"doc": article.doc, "speaker": speaker, "evidence": evidence})
    return lines


def load_scorer(path: Path = SCORER) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_attribution", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"no scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def evaluate(split_dir: Path, out: Path | None = None, limit: int | None = None) -> dict[str, Any]:
    """Run the extractor over ``split_dir/text`` and score it; returns the scorer's figures plus speed."""
    files = sorted((split_dir / "text").glob("*.txt"))[:limit]
    predictions: list[dict[str, str]] = []
    words = 0
    elapsed = 0.0
    for path in files:
        text = path.read_text(encoding="utf-8")
        words += len(text.split())
        started = time.process_time()
        article = article_from_text(path.name, text)
        predictions.extend(predictions_for(article))
        elapsed += time.process_time() - started
    if out is not None:
        with out.open("w", encoding="utf-8") as handle:
            for line in predictions:
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    scorer = load_scorer()
    figures: dict[str, Any] = scorer.score(scorer.load_corpus(str(split_dir)), predictions, limit is not None)
    figures["words"] = words
    figures["words_per_second"] = round(words / elapsed) if elapsed else 0
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", help="train or dev")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="PolNeAR data folder")
    parser.add_argument("--out", type=Path, default=None, help="write the predictions JSONL here")
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    split_dir = args.corpus / args.split
    if not (split_dir / "text").is_dir() or not SCORER.exists():
        print(f"PolNeAR split {split_dir} or scorer {SCORER} is absent", file=sys.stderr)
        return 2
    figures = evaluate(split_dir, args.out, args.limit)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(
            f"{args.split}: {figures['documents']} documents, {figures['gold']} gold, "
            f"{figures['predictions']} predictions, content found {figures['content_recall']}\n"
            f"precision {figures['precision']} recall {figures['recall']} f1 {figures['f1']}  "
            f"({figures['words_per_second']:,} words/s incl. sentence splitting)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
