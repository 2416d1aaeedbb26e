"""The topic of a claim is what its stance is about, on real sentences (news-2017: TASS, RTE, Reuters, 2017;
Reuters-21578 wire copy, 1987). Each row is a class of wording, not a fix for its article."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.claims import extract_claims
from pipeline.models import Article, Claim
from pipeline.sentences import split_sentences
from pipeline.watchlist import Watchlist, parse_watchlist

WATCHLIST = parse_watchlist(
    {
        "actors": [
            {"name": "Syrian opposition", "kind": "group", "aliases": ["the opposition", "rebels"]},
            {"name": "Malaysia", "kind": "country", "aliases": ["Malaysian police"]},
            {"name": "Brazil", "kind": "country", "aliases": ["Brazilian officials"]},
        ],
        "topics": [
            {"key": "astana-talks", "label": "Astana talks", "phrases": ["Astana", "the Astana meeting"]},
            {"key": "ceasefire", "label": "The ceasefire", "phrases": ["ceasefire", "violations"]},
            {"key": "debt-talks", "label": "Debt talks", "phrases": ["debt talks", "the banks' offer"]},
            {"key": "interest-payments", "label": "Interest payments", "phrases": ["interest payments"]},
        ],
    }
)


def _claims(text: str, watchlist: Watchlist = WATCHLIST) -> list[Claim]:
    article = Article(
        article_id="a", doc="a.txt", text=text, sentences=split_sentences(text), published=date(2017, 3, 15)
    )
    return [c for c in extract_claims(article, watchlist).claims if c.stance != "claim"]


@pytest.mark.parametrize(
    ("sentence", "actor", "not_topic"),
    [
        # TASS 2017: the stance is about the meeting; the ceasefire is why
        (
            "The opposition said they refuse to attend the meeting due to alleged violations of the"
            " ceasefire.",
            "Syrian opposition",
            "ceasefire",
        ),
        # the same shape in 1987 wire copy: the offer is rejected, the interest payments are the reason
        (
            "Brazilian officials rejected the proposal, citing interest payments due this year.",
            "Brazil",
            "interest-payments",
        ),
        (
            "The opposition said it would boycott the meeting in protest at ceasefire violations.",
            "Syrian opposition",
            "ceasefire",
        ),
    ],
)
def test_a_topic_named_in_a_reason_is_not_what_the_stance_is_about(
    sentence: str, actor: str, not_topic: str
) -> None:
    # (an "alleged violations" charge is a claim of its own, about the ceasefire: not this stance)
    claims = [c for c in _claims(sentence) if c.actor == actor and c.stance != "accuse"]
    assert all(c.topic != not_topic for c in claims), [(c.stance, c.topic) for c in claims]


def test_a_topic_right_after_the_cue_is_still_its_object() -> None:
    claims = _claims("Malaysian police said they reject the ceasefire because of the violations.")
    assert [(c.actor, c.stance, c.topic) for c in claims] == [("Malaysia", "reject", "ceasefire")]
