"""The attribution extractor against PolNeAR dev: hand-annotated who-said-what in US political news.

Runs bench/eval_attribution over the dev split (84 articles, ~2,200 attributions) with the shared scorer.
The floors are issue 5's targets (precision and F1 at least 0.85); reached: precision 0.882,
recall 0.823, F1 0.852.
"""

from __future__ import annotations

from bench.eval_attribution import evaluate
from tests.conftest import shared_path

DEV_PRECISION_FLOOR = 0.85
DEV_F1_FLOOR = 0.85


def test_polnear_dev_precision_and_f1() -> None:
    split = shared_path("corpus", "polnear", "data", "dev")
    shared_path("eval", "score_attribution.py")
    figures = evaluate(split)
    assert figures["documents"] == 84
    assert figures["predictions"] > 1000
    assert figures["precision"] >= DEV_PRECISION_FLOOR, figures
    assert figures["f1"] >= DEV_F1_FLOOR, figures
