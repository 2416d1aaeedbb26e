"""What the digest says and why: positions, changes of position, disputes of fact. Pure functions.

The definition of a change lives here and nowhere else:

- **A position** is an actor's stance on a topic on the day it was stated (``stated_on``: the day the text
  dates the statement, else the day it was published), summarised from that day's claims. Only stances
  that take a side on the topic make positions (``POSITION_SIDE``): a plain statement of fact (``claim``)
  does not, and neither do ``accuse`` (a charge against someone else) or ``deny`` (a dispute of fact):
  those two feed contradictions instead.
- **The standing position** of (actor, topic) is read day by day through the ``window_days`` before the
  digest's day: each day's position replaces it only when it would count as a change (below), so one
  unconfirmed outlier never becomes the position the next day is compared with.
- **A change** is today's position on another side than the standing one, evidenced by a claim stated
  today by a named speaker of that actor (a pronoun the extractor resolved counts only when its gender
  agrees, rule ``actor-coreference-agrees``), strong enough (``WEIGHTS``); or a claim that itself reports
  the move ("backed down", "no longer insists"). A lone, weak claim against an established position is
  *disputed*, not a change. Without a standing position inside the window a position is *new*.
- **A contradiction** is a dispute of fact: B denies or contests what A asserted ("denied reports
  that…", "A's claims that it accepted are not true"), or B denies what A accused B of. Two actors on
  opposite sides of a policy ("A supports the plan, B opposes it") are not a contradiction.
- Reviews: a claim a user rejected makes and breaks nothing; one a user confirmed counts at full weight.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pipeline.store.digest_sql import ReportedClaim

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent.parent / "data"

# Stances that are positions on a topic, and their side. A change is a move between sides, never between
# synonyms on one side ("reject" after "threaten" is steady). ``claim``, ``accuse`` and ``deny`` are left out
# on purpose (see the module docstring).
POSITION_SIDE: dict[str, str] = {
    "accept": "for",
    "support": "for",
    "commit": "for",
    "propose": "for",
    "consider": "neutral",
    "demand": "conditional",
    "reject": "against",
    "threaten": "against",
}


def side_of(claim: ReportedClaim) -> str:
    """The side a claim's stance takes on its topic. A demand held on a condition ("will release the body
    only with DNA") is conditional; a plain call for something ("called for a referendum", "must hold a
    vote") is for it: calling for a referendum and proposing one are the same side, and a move between them
    is a restatement, not a change. A refusal held until a condition is met ("refused to release the body
    until it receives DNA") is against: the same position as the plain refusal, told with its condition."""
    if claim.stance == "demand" and "conditional-refusal" in claim.rules:
        return "against"
    if claim.stance == "demand" and not claim.condition and "conditional" not in claim.rules:
        return "for"
    return POSITION_SIDE[claim.stance]


# Stances with which B disputes a fact A asserted.
DISPUTING_STANCES: frozenset[str] = frozenset({"deny"})
# Stances with which A asserts something happened or was said (what a denial can contradict).
ASSERTING_STANCES: frozenset[str] = frozenset(
    {"claim", "accuse", "accept", "support", "commit", "propose", "demand", "reject", "threaten", "consider"}
)
# Bare pronouns: a speaker written only so was resolved by the extractor, not named.
PRONOUNS: frozenset[str] = frozenset(
    {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "us", "this", "that"}
)


@dataclass(frozen=True, slots=True)
class Weight:
    value: float
    reason: str


# Every number the change rule uses, with the reason for it.
WEIGHTS: dict[str, Weight] = {
    "change_min": Weight(
        0.6,
        "the new side must rest on at least one sure claim (confidence 0.6 from one outlet) or several "
        "weaker ones: a change is the digest's headline and must not hang on one doubtful sentence",
    ),
    "resolved_pronoun": Weight(
        0.5,
        "a claim whose speaker is a pronoun whose agreement was not checked counts half towards a position "
        "and cannot by itself evidence a change (93 of 207 false changes rested on one)",
    ),
    "corroboration": Weight(
        2,
        "a move to a new side is news once two reports say it (two sentences, or one sentence in two "
        "outlets), or one sure report does (sure_report): a single doubtful sentence must not make a "
        "headline; it is shown as disputed",
    ),
    "sure_report": Weight(
        0.85,
        "a single report this sure (a stance verb whose holder is named as its subject or speaker) is "
        "enough; a lone claim below it is shown as disputed, not as a change",
    ),
    "renewal": Weight(
        0.5,
        "a later day on the standing side renews the standing position (its wording and weight) when it "
        "weighs at least this share of it: a faint restatement does not replace a well-reported one",
    ),
    "side_margin": Weight(
        1.25,
        "today's winning side must outweigh the standing side's weight today by this factor: a day whose "
        "claims are split is no evidence of a move",
    ),
}


def weight(name: str) -> float:
    return WEIGHTS[name].value


# ---- the unit the rules work on --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Position:
    """An actor's summarised stance on a topic on one day, with the claims on its side."""

    actor: str
    topic: str
    day: date
    side: str
    stance: str
    weight: float
    claims: tuple[ReportedClaim, ...]  # the claims on the winning side, heaviest first
    side_weights: tuple[tuple[str, float], ...] = ()  # every side's weight that day, for the margin rule

    @property
    def best(self) -> ReportedClaim:
        return self.claims[0]

    @property
    def evidence(self) -> str:
        return self.best.evidence

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({s for c in self.claims for s in c.sources}))

    @property
    def docs(self) -> tuple[str, ...]:
        return tuple(sorted({d for c in self.claims for d in c.docs}))

    @property
    def outlets(self) -> int:
        return len({s for c in self.claims for s in (c.sources or c.docs)})

    def weight_of(self, side: str) -> float:
        return dict(self.side_weights).get(side, 0.0)


# "unclear": a new side on too little to show at all (no named speaker today, too weak, a split day); counted.
Verdict = Literal["changed", "disputed", "unclear", "steady", "new"]


@dataclass(frozen=True, slots=True)
class Judgement:
    """Today's position of one (actor, topic) against its standing position, and why."""

    verdict: Verdict
    after: Position
    before: Position | None
    reason: str

    @property
    def actor(self) -> str:
        return self.after.actor

    @property
    def topic(self) -> str:
        return self.after.topic


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Actor ``a`` asserted something; actor ``b`` disputed it as fact, on the same topic."""

    topic: str
    a: ReportedClaim
    b: ReportedClaim
    reason: str


@dataclass(frozen=True)
class OngoingDispute:
    """A contradiction found again today that the digest already reported on ``since`` (within the quiet
    window): still news for the record, not a new dispute."""

    contradiction: Contradiction
    since: date


def dispute_key(x: Contradiction) -> tuple[str, frozenset[str]]:
    """One dispute: its topic and its two actors, whichever of them spoke first."""
    return x.topic, frozenset({x.a.actor, x.b.actor})


def split_ongoing(
    today: Sequence[Contradiction], earlier: Mapping[date, Sequence[Contradiction]]
) -> tuple[list[Contradiction], list[OngoingDispute]]:
    """Today's contradictions that are new, and those the digest of an ``earlier`` day already reported
    (the same two actors disputing on the same topic): outlets repeat a dispute for days, and a daily
    digest that headlines it each day buries what is new. The earliest such day is kept as ``since``."""
    first_seen: dict[tuple[str, frozenset[str]], date] = {}
    for day in sorted(earlier):
        for x in earlier[day]:
            first_seen.setdefault(dispute_key(x), day)
    new: list[Contradiction] = []
    ongoing: list[OngoingDispute] = []
    for x in today:
        since = first_seen.get(dispute_key(x))
        if since is None:
            new.append(x)
        else:
            ongoing.append(OngoingDispute(x, since))
    return new, ongoing


# ---- positions ---------------------------------------------------------------------------------------


def is_named(claim: ReportedClaim) -> bool:
    """Whether the claim's speaker is named in the sentence (or a pronoun whose agreement was checked)."""
    if claim.confirmed:
        return True
    written = (claim.speaker_text or "").strip().casefold()
    if written in PRONOUNS:
        return "actor-coreference-agrees" in claim.rules or speaks_of_itself(claim)
    return True


def speaks_of_itself(claim: ReportedClaim) -> bool:
    """ "Hamas said it is considering…": the pronoun is the subject of what a speaker named in the sentence
    said, and the extractor matched it to that speaker (rule ``content-subject``; the speaker resolved by
    name, not itself by coreference). The extractor stores that pronoun as ``speaker_text``, but nothing was
    resolved across sentences: the claim's speaker is named."""
    return "content-subject" in claim.rules and not {"actor-coreference", "actor-anaphor"} & set(claim.rules)


def states_now(claim: ReportedClaim) -> bool:
    """Whether the claim is stated on its day, not reported as said at some earlier time the text does not
    date ("had initially denied", "last week": rule ``said-earlier``)."""
    return claim.confirmed or "said-earlier" not in claim.rules


def claim_weight(claim: ReportedClaim) -> float:
    """How much one claim counts towards a position: confidence × independent outlets, halved for an
    unchecked pronoun; a confirmed claim counts as sure."""
    if claim.confirmed:
        return max(claim.n_sources, 1) * 1.0
    value = claim.confidence * max(claim.n_sources, 1)
    return value if is_named(claim) else value * weight("resolved_pronoun")


def summarise_position(claims: Sequence[ReportedClaim]) -> Position | None:
    """One (actor, topic, day)'s claims → its position: the heaviest side, then its heaviest stance.

    Claims that are no position (``claim``, ``accuse``, ``deny``) or that a user rejected are ignored.
    Ties go to the side (then stance) with the single heaviest claim, then to the name, so the result
    never depends on row order.
    """
    known = sorted(
        (c for c in claims if c.stance in POSITION_SIDE and not c.rejected), key=lambda c: c.claim_id
    )
    if not known:
        return None
    if len(known) == 1:
        # Most (actor, topic, day) groups hold one claim: the same result without the tallies and sorts, which
        # were a fifth of a day's digest over 1M claims.
        (only,) = known
        side, only_weight = side_of(only), round(claim_weight(only), 6)
        return Position(
            actor=only.actor,
            topic=only.topic,
            day=only.day,
            side=side,
            stance=only.stance,
            weight=only_weight,
            claims=(only,),
            side_weights=((side, only_weight),),
        )
    side_weight: dict[str, float] = defaultdict(float)
    side_best: dict[str, float] = defaultdict(float)
    for claim in known:
        side = side_of(claim)
        side_weight[side] += claim_weight(claim)
        side_best[side] = max(side_best[side], claim_weight(claim))
    side = max(side_weight, key=lambda s: (side_weight[s], side_best[s], s))
    on_side = [c for c in known if side_of(c) == side]
    stance_weight: dict[str, float] = defaultdict(float)
    for claim in on_side:
        stance_weight[claim.stance] += claim_weight(claim)
    stance = max(stance_weight, key=lambda s: (stance_weight[s], s))
    ranked = sorted(
        on_side,
        key=lambda c: (c.stance != stance, -claim_weight(c), -c.confidence, -len(c.evidence), c.claim_id),
    )
    first = known[0]
    return Position(
        actor=first.actor,
        topic=first.topic,
        day=first.day,
        side=side,
        stance=stance,
        weight=round(side_weight[side], 6),
        claims=tuple(ranked),
        side_weights=tuple(sorted((s, round(w, 6)) for s, w in side_weight.items())),
    )


def positions(claims: Iterable[ReportedClaim]) -> dict[tuple[str, str, date], Position]:
    """Group claims by (actor, topic, day) and summarise each group."""
    groups: dict[tuple[str, str, date], list[ReportedClaim]] = defaultdict(list)
    for claim in claims:
        groups[(claim.actor, claim.topic, claim.day)].append(claim)
    summarised = {key: summarise_position(group) for key, group in groups.items()}
    return {key: pos for key, pos in summarised.items() if pos is not None}


# ---- changes ----------------------------------------------------------------------------------------


def reported_move(position: Position) -> ReportedClaim | None:
    """A claim on the position's side that itself reports the move ("backed down", "no longer insists")."""
    moves = [c for c in position.claims if c.kind == "reported-change" and is_named(c)]
    return max(moves, key=lambda c: (claim_weight(c), c.claim_id), default=None)


def _restates(standing: Position, move: ReportedClaim) -> bool:
    """Whether the standing position already is the move reported (the same reported change again)."""
    return any(c.kind == "reported-change" for c in standing.claims) and standing.side == side_of(move)


def judge(after: Position, standing: Position | None) -> Judgement:
    """Today's position against the standing one: changed, disputed, steady or new (rules named inline)."""
    move = reported_move(after)
    if move is not None and (standing is None or not _restates(standing, move)):
        # The text says the actor moved: a change even when the standing position read from other
        # wordings sits on the same side ("backed the amendment" then "backed down": two objects, one move).
        return Judgement("changed", after, standing, "reported-change: the text reports the move")
    if standing is None:
        return Judgement("new", after, None, "no standing position within the window")
    if standing.side == after.side:
        return Judgement("steady", after, standing, "same side as the standing position")
    named = [c for c in after.claims if is_named(c) and states_now(c)]
    if not named:
        return Judgement("unclear", after, standing, "no named speaker states the new side today")
    named_weight = sum(claim_weight(c) for c in named)
    if named_weight < weight("change_min"):
        return Judgement("unclear", after, standing, "the new side rests on too little (change_min)")
    if after.weight < weight("side_margin") * after.weight_of(standing.side):
        return Judgement("unclear", after, standing, "today's claims are split (side_margin)")
    reports = len({c.evidence for c in named}) + sum(max(c.n_sources, 1) - 1 for c in named)
    sure = max(c.confidence for c in named) >= weight("sure_report")
    single = reports < weight("corroboration") and not any(c.confirmed for c in named)
    if single and not sure:
        return Judgement("disputed", after, standing, "a single report of the new side, not sure enough")
    return Judgement("changed", after, standing, "a named speaker states a new side")


def standing_position(history: Sequence[Position]) -> Position | None:
    """The standing position after reading ``history`` (one pair's positions, oldest first): each day
    replaces it only when it would be a change or the first position, so outliers never stand."""
    standing: Position | None = None
    for position in history:
        verdict = judge(position, standing).verdict
        if verdict in ("new", "changed"):
            standing = position
        elif verdict == "steady" and standing is not None:
            # The same side again: the position stands, renewed (its latest wording and weight).
            standing = position if position.weight >= standing.weight * weight("renewal") else standing
    return standing


# ---- contradictions ---------------------------------------------------------------------------------


def disputes_a_fact(claim: ReportedClaim) -> bool:
    """B contests an account of what happened: a denial ("denied involvement", "not true"; extraction
    also reads a rejection of reports, claims or allegations as one, rule ``rejects-an-account``)."""
    return claim.stance in DISPUTING_STANCES


@lru_cache(maxsize=256)
def _mention_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _clean_names(names: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(sorted({n.strip() for n in names if n and n.strip()}))


def mentions(text: str, names: Iterable[str]) -> bool:
    """Whether ``text`` names any of ``names`` as whole words, ignoring case (possessives included)."""
    cleaned = _clean_names(names)
    return bool(cleaned) and _mention_pattern(cleaned).search(text) is not None


def find_contradictions(
    claims: Sequence[ReportedClaim],
    day: date,
    *,
    aliases: Mapping[str, Iterable[str]],
    topic_phrases: Mapping[str, Iterable[str]] | None = None,
    window_days: int = 0,
) -> list[Contradiction]:
    """Disputes of fact between two actors on one topic, the later claim on ``day``.

    b disputes a when b denies an account (``disputes_a_fact``) and either b's evidence names a (its actor,
    an alias, or a's speaker: "Witkoff: Hamas's claims that it accepted are not true") or a charged b (a's
    evidence names b) and b denies it; a rejection of what a is for is policy and never pairs. They are on
    one topic when b has a's topic, or b's evidence uses one of a's topic phrases. Each denial answers one
    assertion (the one it names, else the heaviest charge against its holder), and one contradiction is
    kept per (topic, a's actor, b's actor): the heaviest pair.
    """
    usable = [c for c in claims if not c.rejected]
    disputing = [c for c in usable if disputes_a_fact(c)]
    if not disputing:
        return []
    asserting: dict[str, list[ReportedClaim]] = defaultdict(list)
    for c in usable:
        if c.stance in ASSERTING_STANCES:
            asserting[c.topic].append(c)
    names_of = {c.actor: _clean_names([c.actor, *aliases.get(c.actor, ())]) for c in usable}
    phrases = {k: _clean_names(v) for k, v in (topic_phrases or {}).items()}
    # Each denial answers one assertion: the one it names, else the heaviest charge against its holder.
    answered: dict[str, tuple[tuple[int, float, str], Contradiction]] = {}
    for b in disputing:
        topics = {b.topic} | {
            t for t in asserting if t != b.topic and mentions(b.evidence, phrases.get(t, ()))
        }
        for topic in sorted(topics):
            for a in asserting[topic]:
                if a.actor == b.actor or a.evidence == b.evidence:
                    continue
                if abs((a.day - b.day).days) > window_days or max(a.day, b.day) != day:
                    continue
                if mentions(b.evidence, (*names_of[a.actor], *([a.speaker] if a.speaker else []))):
                    reason, named = f"{b.actor} contests what {a.actor} asserted, naming {a.actor}", 1
                elif (
                    a.stance in ("accuse", "claim")
                    and b.stance == "deny"
                    and mentions(a.evidence, names_of[b.actor])
                ):
                    reason, named = f"{a.actor} said {b.actor} did it; {b.actor} denies it", 0
                else:
                    continue
                answer_rank = (named, claim_weight(a), a.claim_id)
                if b.claim_id not in answered or answer_rank > answered[b.claim_id][0]:
                    answered[b.claim_id] = (answer_rank, Contradiction(a.topic, a, b, reason))
    # One contradiction per (topic, a's actor, b's actor): the heaviest pair.
    best: dict[tuple[str, str, str], tuple[tuple[float, str, str], Contradiction]] = {}
    for _, x in answered.values():
        key = (x.topic, x.a.actor, x.b.actor)
        pair_rank = (claim_weight(x.a) + claim_weight(x.b), x.a.claim_id, x.b.claim_id)
        if key not in best or pair_rank > best[key][0]:
            best[key] = (pair_rank, x)
    return [best[key][1] for key in sorted(best)]
