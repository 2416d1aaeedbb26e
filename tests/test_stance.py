"""Stance cues in real sentences: the lexicon, inflection, negation, and the shared tokenizer."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pipeline.stance import DATA, default_lexicon, find_cues, load_lexicon, tokenize


def test_tokenizer_offsets_and_contractions() -> None:
    text = "“We’ll destroy Gaza City,” Hamas’s critics said; it isn’t over."
    tokens = tokenize(text, offset=10)
    for token in tokens:
        assert text[token.start - 10 : token.end - 10] == token.text
    norms = [t.norm for t in tokens]
    assert norms[:4] == ['"', "we", "will", "destroy"]
    assert norms[norms.index("hamas") : norms.index("hamas") + 3] == ["hamas", "'s", "critics"]
    assert norms[norms.index("is") : norms.index("is") + 2] == ["is", "not"]


def _stances(sentence: str) -> list[str]:
    return [cue.stance for cue in find_cues(tokenize(sentence))]


@pytest.mark.parametrize(
    ("sentence", "stance"),
    [
        ("Hamas accepts US ceasefire proposal", "accept"),
        ("the group had agreed in principle to the Witkoff proposal for a ceasefire", "accept"),
        ("Hamas said it had responded “positively”  with some requested amendments", "accept"),
        ("an Israeli official dismissed Hamas’s latest offer", "reject"),
        ("“No responsible government could agree to the proposal Hamas has presented,”", "reject"),
        ("Ben-Gvir and Bezalel Smotrich withheld backing for the US-sponsored proposal", "reject"),
        ("Hamas’ terms were not acceptable", "reject"),
        ("he never accepted Hamas’ changes", "deny"),
        ("Hamas described these comments as “inaccurate”", "deny"),
        ("he accused the group of lacking seriousness", "accuse"),
        ("“We’ll destroy Gaza City and the central camps like we did with Rafah,”", "threaten"),
        ("Israel is demanding the complete disarmament of the organization", "demand"),
        ("Hamas should accept the framework proposal", "demand"),
        ("it is considering a new short-range truce offer from foreign mediators", "consider"),
        ("Netanyahu on Monday vowed to continue efforts", "commit"),
        (
            "The movement affirms its readiness to immediately begin a round of indirect negotiations",
            "commit",
        ),
        ("the mediators themselves had “welcomed and expressed satisfaction”", "support"),
        # other news (PolNeAR, feeds)
        ("Washington has accused China of hacking computers", "accuse"),
        ("Grassley has refused to hold hearings", "reject"),
        ("Iran has repeatedly threatened to block the waterway", "threaten"),
        ("Officials did not reject the plan outright", "claim"),
        # consider as a judgement, past an aside in brackets (TASS, 2017)
        (
            "Moscow considered the recent Astana meeting on Syria (held on January 23-24) to be an important"
            " step",
            "claim",
        ),
        # judging another party's argument is a charge or a dispute, not a position on the topic (TASS, 2017)
        (
            "The reasons for the Syrian armed opposition's non-participation in the Astana meeting are not"
            " convincing",
            "accuse",
        ),
        ("Lavrov says reasons for opposition's non-participation in Astana talks unconvincing", "accuse"),
        ("The excuses cited by its leaders are totally unconvincing and unacceptable", "accuse"),
        ("Pyongyang said the allegations were unfair and politically motivated", "deny"),
        ("Lavrov said the Astana talks were unfair", "reject"),
    ],
)
def test_first_cue_of_real_sentences(sentence: str, stance: str) -> None:
    assert _stances(sentence)[0] == stance


def test_every_cue_of_a_sentence_is_found_in_order() -> None:
    # "claims" here is a noun; the claim stage drops it (after a possessive), the lexicon only matches words.
    sentence = "Hamas’ claims that it had accepted the ceasefire proposal were not true"
    assert _stances(sentence) == ["claim", "accept", "deny"]


def test_negation_reaches_over_auxiliaries_but_not_across_clauses() -> None:
    assert _stances("Israel has not yet accepted the deal") == ["reject"]
    assert _stances("No agreement was reached, and Hamas accepted the plan") == ["accept"]


def test_verb_forms_are_inflected() -> None:
    lexicon = default_lexicon()
    firsts = lexicon.first_words
    for form in (
        "agreed",
        "agrees",
        "agreeing",
        "rejected",
        "denies",
        "denied",
        "withheld",
        "vowed",
        "shown",
    ):
        assert form in firsts


def test_extra_lexicon_extends_and_bad_lines_are_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    extra = tmp_path / "extra.tsv"
    extra.write_text("# subject-specific cues\nsign up to\taccept\tverb\t0.8\nbogus line\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        lexicon = load_lexicon([DATA / "stance_cues.tsv", extra])
    assert "skipped cue line" in caplog.text and "extra.tsv:3" in caplog.text
    assert [c.stance for c in find_cues(tokenize("Qatar signed up to the plan"), lexicon)] == ["accept"]


def test_a_verb_followed_by_no_is_negated() -> None:
    # feed summary, Feb 2026
    cues = find_cues(tokenize("Lawmakers and the White House offered no signs of compromise Sunday"))
    assert [(c.stance, c.negated) for c in cues] == [("claim", True)]


@pytest.mark.parametrize(
    ("sentence", "commits"),
    [
        # BBC 2017: a passive after a time adverb is nothing the subject does
        ("Mr Najib said that North Koreans will now be allowed to leave Malaysia.", False),
        ("Mr Najib said Malaysia will soon reopen its embassy.", True),
    ],
)
def test_own_future_reads_past_a_time_adverb(sentence: str, commits: bool) -> None:
    from pipeline.stance import OWN_FUTURE_PHRASE

    cues = find_cues(tokenize(sentence))
    assert any(c.phrase == OWN_FUTURE_PHRASE for c in cues) is commits, cues
