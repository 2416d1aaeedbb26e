"""Sentence splitting on real sentences from the sample articles and PolNeAR."""

from __future__ import annotations

import pytest

from pipeline.sentences import split_sentences
from tests.conftest import SAMPLE


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_offsets_index_the_text_and_are_stripped() -> None:
    text = "  Headline here \n\nFirst sentence.  Second one!\n"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["Headline here", "First sentence.", "Second one!"]
    for number, sentence in enumerate(sentences):
        assert sentence.index == number
        assert text[sentence.start : sentence.end] == sentence.text


def test_line_breaks_are_hard_boundaries() -> None:
    text = (
        "Hamas rejects US accusations, reaffirms commitment to negotiations\n"
        "US envoy's remarks dismissed as inaccurate\n"
        "Hamas expressed surprise at Witkoff’s recent remarks."
    )
    assert texts(text) == text.split("\n")


def test_closing_quote_after_period_belongs_to_the_sentence() -> None:
    text = (
        "If we don’t achieve it in the coming days, we will pursue it further down the line.” "
        "The statement sparked frustration among families of the hostages."
    )
    assert texts(text) == [
        "If we don’t achieve it in the coming days, we will pursue it further down the line.”",
        "The statement sparked frustration among families of the hostages.",
    ]


def test_comma_inside_quote_does_not_end_the_sentence() -> None:
    text = "“The negotiations are continuing, but there is no breakthrough,” said one official in Jerusalem."
    assert texts(text) == [text]


def test_quote_opening_after_colon_stays_in_sentence_then_splits_inside_quote() -> None:
    text = (
        "However, a senior Israeli official later tempered expectations, stating: “There is no "
        "progress in the negotiations. A breakthrough can only come if Hamas aligns with the Israeli "
        "position.”"
    )
    assert texts(text) == [
        "However, a senior Israeli official later tempered expectations, stating: “There is no "
        "progress in the negotiations.",
        "A breakthrough can only come if Hamas aligns with the Israeli position.”",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Mr. Trump met Sen. Elizabeth Warren and Gov. Chris Christie in St. Louis.",
        "Former President George W. Bush spoke to Dr. J. Smith on Jan. 5 about the U.S. economy.",
        "The U.N. Security Council met at 5 p.m. on Monday.",
        "Unemployment fell to 4.9 percent, the lowest since Feb. 2008.",
        "Ross described the demonstrations as largely “very peaceful,” officials said.",
        "He lives on No. 10 Downing Street, according to reports.",
    ],
)
def test_abbreviations_initials_and_decimals_do_not_split(sentence: str) -> None:
    assert texts(sentence) == [sentence]


def test_acronym_at_sentence_end_splits_before_a_sentence_opener() -> None:
    text = "Trump criticised the convention for ignoring police officers in the U.S. The crowd cheered."
    assert texts(text) == [
        "Trump criticised the convention for ignoring police officers in the U.S.",
        "The crowd cheered.",
    ]


def test_ellipsis_and_question_marks() -> None:
    expected = ["Wait… really?", "Yes!", "He paused...", "Then spoke."]
    assert texts("Wait… really? Yes! He paused... Then spoke.") == expected
    assert texts("He said the deal was… not ready.") == ["He said the deal was… not ready."]


def test_lowercase_after_closing_quote_continues_the_sentence() -> None:
    text = "“We will never accept it!” the spokesman said."
    assert texts(text) == [text]


def test_sample_article_sentences() -> None:
    text = (SAMPLE / "000_5e092ed3b157c683.txt").read_text(encoding="utf-8")
    sentences = texts(text)
    assert sentences[0] == "Hamas accepts US ceasefire proposal, but Israel says no breakthrough achieved"
    assert (
        "Basem Naim, a member of Hamas's political bureau, said on May 27 morning that the group had agreed "
        "to the Witkoff framework in a bid to reach a ceasefire and facilitate an Israeli military "
        "withdrawal from Gaza."
    ) in sentences
    assert "He added that Hamas is now awaiting Israel’s response." in sentences
    assert "The Prime Minister meant that we will not give up on freeing our hostages." in sentences


def test_every_sample_article_round_trips() -> None:
    for path in sorted(SAMPLE.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        sentences = split_sentences(text)
        assert sentences, path.name
        previous_end = 0
        for sentence in sentences:
            assert text[sentence.start : sentence.end] == sentence.text
            assert sentence.text == sentence.text.strip()
            assert sentence.start >= previous_end
            previous_end = sentence.end


def test_empty_text_has_no_sentences() -> None:
    assert split_sentences("") == ()
    assert split_sentences(" \n\n \t") == ()
