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


REFERENDUM = parse_watchlist(
    {
        "actors": [
            {"name": "United Kingdom", "kind": "country", "aliases": ["David Davis", "the government"]},
            {
                "name": "Scottish government",
                "kind": "organisation",
                "aliases": ["Nicola Sturgeon", "Sturgeon"],
            },
            {"name": "North Korea", "kind": "country", "aliases": ["Pyongyang"]},
        ],
        "topics": [
            {
                "key": "referendum",
                "label": "A second referendum",
                "phrases": ["second referendum", "referendum"],
            },
            {"key": "killing", "label": "The killing", "phrases": ["killing", "nerve agent"]},
        ],
    }
)


@pytest.mark.parametrize(
    "text",
    [
        # BBC 2017: the stance in a relative clause about unnamed people is theirs, not the speaker's
        '"The reality is there are some who would seek to use this to overturn the result of the referendum,"'
        " David Davis said.",
        '"Those who reject a second referendum are wrong," David Davis said.',
        "David Davis said anyone who opposes the referendum should say so.",
    ],
)
def test_a_stance_of_unnamed_people_in_a_relative_clause_is_not_the_speakers(text: str) -> None:
    positions = [(c.actor, c.stance) for c in _claims(text, REFERENDUM) if c.actor == "United Kingdom"]
    assert all(stance not in ("reject", "demand", "oppose") for _, stance in positions), positions


def test_a_named_holder_of_a_relative_clause_keeps_the_stance() -> None:
    claims = _claims("David Davis, who has long opposed a second referendum, spoke on Monday.", REFERENDUM)
    assert [(c.actor, c.stance, c.topic) for c in claims] == [("United Kingdom", "reject", "referendum")]


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # Al Jazeera 2017: "demanded that …" opens a clause; the article's last topic is not its object
        (
            "Sturgeon wants a second referendum. Sturgeon has repeatedly demanded that the interests of"
            " Scottish people be taken into account during upcoming negotiations.",
            None,
        ),
        # CNN 2017: "that version of events" refers back to what the article named
        (
            "Police said a nerve agent was used in the killing. North Korea rejects that version of events.",
            "killing",
        ),
        ("Sturgeon wants a second referendum. She says she will do that by March 31.", "referendum"),
    ],
)
def test_a_demonstrative_is_an_object_only_when_it_stands_for_one(text: str, topic: str | None) -> None:
    last = _claims(text, REFERENDUM)[-1]
    assert last.topic == topic, (last.stance, last.topic, last.evidence)


BODY = parse_watchlist(
    {
        "actors": [
            {"name": "Malaysia", "kind": "country", "aliases": ["Malaysian authorities", "Malaysia police"]},
            {"name": "Syrian opposition", "kind": "group", "aliases": ["the rebels"]},
        ],
        "topics": [
            {"key": "body", "label": "Kim Jong-nam's body", "phrases": ["body", "the body"]},
            {"key": "killing", "label": "The killing", "phrases": ["killing", "investigations"]},
            {"key": "talks", "label": "The talks", "phrases": ["the talks"]},
        ],
    }
)


@pytest.mark.parametrize(
    ("text", "stance", "topic", "side_rule"),
    [
        # Reuters 2017: "will not <verb>" of one's own next step is a refusal, its condition kept
        (
            "Malaysia police will not release the body until his family has provided a DNA sample.",
            "demand",
            "body",
            "conditional-refusal",
        ),
        # CNN 2017: "it" is what the sentence named before the cue (not the article's last topic), and a
        # hyphenated name in the label ("Jong-nam") qualifies nothing written as "Kim Jong Nam's"
        (
            "Police are investigating the killing. North Korea has requested Kim Jong Nam's body but"
            " Malaysian authorities said they wouldn't release it.",
            "reject",
            "body",
            None,
        ),
        # refusing to leave is staying with it
        ("Still, the opposition official said the rebels would not quit the talks.", "commit", "talks", None),
    ],
)
def test_a_refusal_of_ones_own_next_step(text: str, stance: str, topic: str, side_rule: str | None) -> None:
    last = _claims(text, BODY)[-1]
    assert (last.stance, last.topic) == (stance, topic), last.evidence
    assert side_rule is None or side_rule in last.rules


@pytest.mark.parametrize(
    "sentence",
    [
        "The minister would not say whether the body would be released.",
        "As for me, I will not pretend that I am happy today, Tusk said.",
    ],
)
def test_declining_to_speak_is_no_refusal(sentence: str) -> None:
    assert all(c.stance != "reject" for c in _claims(sentence, BODY))


def test_a_noun_cues_holder_does_not_hide_its_anaphoric_object() -> None:
    # Reuters 2017: "a request from Syrian rebels to delay the meeting": the meeting is the talks just
    # named, not the ceasefire the reason names
    text = (
        "Moscow, Ankara and Tehran are pressing ahead with a fresh round of talks in Astana, despite a"
        " request from the rebels to delay the meeting over ceasefire violations."
    )
    demands = [(c.actor, c.topic) for c in _claims(text) if c.stance == "demand"]
    assert demands == [("Syrian opposition", "astana-talks")]
