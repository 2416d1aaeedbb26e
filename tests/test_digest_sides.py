"""Which side a claim takes on its topic: a plain call for something is for it; a demand on a condition is
conditional (sentences from news-2017: BBC, RTE, 2017)."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.digest.rules import side_of
from pipeline.store.digest_sql import ReportedClaim


def _claim(
    stance: str, evidence: str, condition: str | None = None, rules: tuple[str, ...] = ()
) -> ReportedClaim:
    return ReportedClaim(
        actor="Scottish government",
        topic="scottish-referendum",
        day=date(2017, 3, 13),
        claim_id=evidence[:12],
        stance=stance,
        confidence=0.85,
        evidence=evidence,
        quote=None,
        speaker="Nicola Sturgeon",
        speaker_text="Nicola Sturgeon",
        n_sources=1,
        sources=("BBC",),
        docs=("a.txt",),
        rules=rules,
        condition=condition,
    )


@pytest.mark.parametrize(
    ("claim", "side"),
    [
        (_claim("demand", "First Minister Nicola Sturgeon has called for a referendum."), "for"),
        (_claim("propose", "Ms Sturgeon proposed a referendum in late 2018."), "for"),
        (
            _claim(
                "demand",
                "Malaysian authorities refused to release Kim's body until they receive DNA.",
                condition="until they receive DNA",
                rules=("cue:refuse", "conditional"),
            ),
            "conditional",
        ),
        (_claim("reject", "Mrs May rejected the call for a referendum."), "against"),
        (_claim("consider", "Ms Sturgeon said she was prepared to negotiate the date."), "neutral"),
    ],
)
def test_a_plain_call_is_for_and_a_conditioned_demand_is_conditional(claim: ReportedClaim, side: str) -> None:
    assert side_of(claim) == side


def _fact(actor: str, stance: str, evidence: str) -> ReportedClaim:
    return ReportedClaim(
        actor=actor,
        topic="kim-jong-nam-killing",
        day=date(2017, 2, 28),
        claim_id=f"{actor}-{stance}",
        stance=stance,
        confidence=0.85,
        evidence=evidence,
        quote=None,
        speaker=None,
        speaker_text=actor,
        n_sources=1,
        sources=("BBC",),
        docs=("a.txt",),
    )


def test_a_denial_answers_the_assertion_it_names_not_every_charge_of_the_day() -> None:
    from pipeline.digest.rules import find_contradictions

    # BBC and CNN, 28 Feb 2017: one North Korean denial names South Korea; Malaysia's charge is another story
    south = _fact(
        "South Korea", "accuse", "South Korea has accused North Korea of planning Kim's assassination."
    )
    malaysia = _fact("Malaysia", "claim", "Malaysia said North Korean agents were behind the attack.")
    denial = _fact(
        "North Korea",
        "deny",
        "North Korea has denied involvement and blamed South Korea for attempting to tie Pyongyang to it.",
    )
    aliases = {"North Korea": ["Pyongyang", "North Korean"], "South Korea": ["Seoul"]}
    found = find_contradictions([south, malaysia, denial], date(2017, 2, 28), aliases=aliases)
    assert [(x.a.actor, x.b.actor) for x in found] == [("South Korea", "North Korea")]
    # Without the named one, the denial answers the charge against its holder
    alone = find_contradictions([malaysia, denial], date(2017, 2, 28), aliases=aliases)
    assert [(x.a.actor, x.b.actor) for x in alone] == [("Malaysia", "North Korea")]


def test_an_item_says_whom_a_pronoun_speaker_stands_for() -> None:
    from dataclasses import replace

    from pipeline.digest.render import _where

    # "Hamas said it is considering …": the claim's speaker as written is "it", its actor Hamas
    claim = replace(
        _claim("consider", "Hamas said it is considering the offer."), actor="Hamas", speaker=None
    )
    assert _where(replace(claim, speaker_text="it"))[0] == "it = Hamas"
    assert (
        _where(replace(claim, speaker_text="Nicola Sturgeon", speaker="Nicola Sturgeon"))[0]
        == "Nicola Sturgeon"
    )
    assert _where(replace(claim, speaker_text=None))[0] == "speaker not named"
