"""The digest's change and contradiction rules (issue 14), table by table, on real sentences.

Sentences are verbatim from news-2017-positions (../shared/corpus/news-2017-positions/articles: file,
outlet and publication day from its manifest, given per row) and from the Gaza sample
(examples/gaza-ceasefire). Stances, confidences, speakers as written and the rules that fired are what the
extractor gives such sentences; each row says what it shows. They test classes of wording, not those
articles.

Then: a statement dated earlier than its article counts on its own day (through a real DuckDB store); the
Markdown and the HTML of every scenario day carry the same sections, titles and evidence; hostile text from an
article, a feed or a watchlist renders inert in both.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import duckdb
import pytest

from pipeline.digest import (
    Digest,
    build_digest,
    find_contradictions,
    judge,
    positions,
    render_html,
    render_markdown,
    standing_position,
)
from pipeline.digest.rules import Judgement
from pipeline.models import ExtractionResult
from pipeline.store import migrate, open_db
from pipeline.store.digest_sql import ReportedClaim
from pipeline.store.write import save_batch
from tests.test_store import load_scenario, make_article, make_claim, store_scenario

TOPIC = "scottish-referendum"


def reported(
    actor: str,
    stance: str,
    evidence: str,
    day: str,
    source: str,
    *,
    topic: str = TOPIC,
    confidence: float = 0.85,
    speaker: str | None = None,
    speaker_text: str | None = None,
    rules: Sequence[str] = ("subject-verb", "actor-alias", "topic"),
    kind: str = "statement",
    from_stance: str | None = None,
    confirmed: bool = False,
) -> ReportedClaim:
    """One claim as the digest reads it from the store: stated on ``day`` in one article of ``source``."""
    stated = date.fromisoformat(day)
    return ReportedClaim(
        actor=actor,
        topic=topic,
        day=stated,
        claim_id=hashlib.sha1(f"{actor}|{stance}|{evidence}".encode()).hexdigest()[:16],
        stance=stance,
        confidence=confidence,
        evidence=evidence,
        quote=None,
        speaker=speaker,
        speaker_text=speaker_text if speaker_text is not None else speaker,
        n_sources=1,
        sources=(source,),
        docs=(f"{source.lower().replace(' ', '-')}-{day}.txt",),
        published=(stated,),
        rules=(f"cue:{stance}", *rules),
        kind=kind,
        from_stance=from_stance,
        confirmed=confirmed,
    )


def verdict_of(history: Sequence[ReportedClaim], today: Sequence[ReportedClaim]) -> Judgement:
    """Today's claims judged against the standing position the earlier claims make (as build_digest does)."""
    earlier = [p for _, p in sorted(positions(history).items())]
    (after,) = positions(today).values()
    return judge(after, standing_position(earlier))


# ---- real sentences --------------------------------------------------------------------------------

# Theresa May against a second referendum: 02654 (BBC, 2017-03-16), 02630 (ABC News, 2017-03-16), 02895 (BBC,
# 2017-03-18), 03753 (BBC, 2017-03-30), 03444 (BBC, 2017-03-27).
MAY_NOT_THE_TIME = reported(
    "Theresa May",
    "reject",
    'Theresa May has said that "now is not the time" for a second referendum on Scottish independence.',
    "2017-03-16",
    "BBC",
    speaker="Theresa May",
)
MAY_THURSDAY = reported(
    "Theresa May",
    "reject",
    'May said Thursday that "now is not the time" to reopen Scotland\'s independence debate, though she did '
    "not rule out a referendum in the future.",
    "2017-03-16",
    "ABC News",
    speaker="May",
)
MAY_TIMETABLE = reported(
    "Theresa May",
    "reject",
    'Theresa May said "now is not the time" for a second referendum and has indicated that the UK government '
    "would reject the SNP's preferred timetable.",
    "2017-03-18",
    "BBC",
    speaker="Theresa May",
)
MAY_INSISTED = reported(
    "Theresa May",
    "reject",
    "Prime Minister Theresa May, who met Ms Sturgeon for talks in Glasgow on Monday, has repeatedly insisted "
    'that "now is not the time".',
    "2017-03-30",
    "BBC",
    speaker="Theresa May",
)
MAY_NOT_RULED_OUT = reported(
    "Theresa May",
    "consider",
    'Mrs May has repeatedly said that "now is not the time" for an independence referendum, but has not '
    "ruled out one being held after the Brexit process is complete.",
    "2017-03-27",
    "BBC",
    speaker="Mrs May",
    confidence=0.6,
)
# Nicola Sturgeon for one: 02188 (Al Jazeera, 2017-03-13). The pronoun "She" of 02654 (BBC, 2017-03-16) is
# May, but an extractor resolving it across sentences can land on the first minister the sentence names.
STURGEON_DEMANDED = reported(
    "Nicola Sturgeon",
    "demand",
    "Scottish First Minister Nicola Sturgeon demanded an independence referendum to be held in late 2018 or "
    "early 2019, once the terms of Britain's exit from the European Union have become clearer.",
    "2017-03-13",
    "Al Jazeera",
    speaker="Nicola Sturgeon",
)
SHE_REJECTED = (
    "She's rejected the first minister's call for a referendum before Brexit, saying all our energies now "
    "need to be focused on getting the best deal."
)
# The Lords back down: 02259 (BBC, 2017-03-14); "backed down" is a reported-change cue (accept, from reject).
PEERS_BACKED_DOWN = reported(
    "House of Lords",
    "accept",
    "Peers backed down over the issues of EU residency rights and a meaningful vote on the final Brexit deal "
    "after their objections were overturned by MPs.",
    "2017-03-14",
    "BBC",
    topic="brexit-bill-amendments",
    speaker_text="Peers",
    rules=("subject-verb", "actor-alias", "topic", "reported-change"),
    kind="reported-change",
    from_stance="reject",
)


@dataclass(frozen=True)
class ChangeCase:
    name: str
    history: tuple[ReportedClaim, ...]
    today: tuple[ReportedClaim, ...]
    verdict: str
    reason: str  # a word the judgement's reason must contain


CHANGE_CASES = [
    ChangeCase(
        "a restatement in new words is steady",
        (MAY_NOT_THE_TIME,),
        (MAY_TIMETABLE,),
        "steady",
        "same side",
    ),
    ChangeCase(
        "a restatement two weeks on, against an established position, is steady",
        (MAY_NOT_THE_TIME, MAY_THURSDAY, MAY_TIMETABLE),
        (MAY_INSISTED,),
        "steady",
        "same side",
    ),
    ChangeCase(
        "a reported reversal is a change with no standing position at all",
        (),
        (PEERS_BACKED_DOWN,),
        "changed",
        "reported-change",
    ),
    ChangeCase(
        "a lone low-confidence dissent against an established position is disputed",
        (MAY_NOT_THE_TIME, MAY_THURSDAY),
        (MAY_NOT_RULED_OUT,),
        "disputed",
        "",
    ),
    ChangeCase(
        "the same dissent confirmed by a user is a change",
        (MAY_NOT_THE_TIME, MAY_THURSDAY),
        (replace(MAY_NOT_RULED_OUT, confirmed=True),),
        "changed",
        "",
    ),
    ChangeCase(
        "a pronoun resolved across sentences cannot make a change",
        (STURGEON_DEMANDED,),
        (
            reported(
                "Nicola Sturgeon",
                "reject",
                SHE_REJECTED,
                "2017-03-16",
                "BBC",
                speaker="Nicola Sturgeon",
                speaker_text="She",
                confidence=0.9,
                rules=("subject-verb", "actor-coreference", "topic"),
            ),
        ),
        "unclear",  # too little to show: not even listed as disputed
        "named speaker",
    ),
    ChangeCase(
        "the same pronoun counts once the extractor checked that it agrees",
        (STURGEON_DEMANDED,),
        (
            reported(
                "Nicola Sturgeon",
                "reject",
                SHE_REJECTED,
                "2017-03-16",
                "BBC",
                speaker="Nicola Sturgeon",
                speaker_text="She",
                confidence=0.9,
                rules=("subject-verb", "actor-coreference", "actor-coreference-agrees", "topic"),
            ),
        ),
        "changed",
        "",
    ),
    ChangeCase(
        "a refusal told with its condition is the refusal restated, not a change",
        (
            reported(
                "Malaysia",
                "reject",
                "Malaysia has refused to release the body of Kim Jong-nam.",
                "2017-02-28",
                "Al Jazeera",
                topic="kim-jong-nam-body",
            ),
        ),
        (
            reported(
                "Malaysia",
                "demand",
                "Malaysian authorities have consistently refused to release Kim's body until they receive DNA"
                " from his next of kin.",
                "2017-03-02",
                "Al Jazeera",
                topic="kim-jong-nam-body",
                rules=("subject-verb", "conditional", "conditional-refusal", "actor-alias", "topic"),
            ),
        ),
        "steady",
        "",
    ),
    ChangeCase(
        "an acceptance that gains a condition is a change",
        (
            reported(
                "Hamas",
                "accept",
                "Hamas accepted the US proposal.",
                "2017-05-27",
                "Reuters",
                topic="ceasefire",
            ),
            reported(
                "Hamas",
                "accept",
                "Hamas said it had agreed to the proposal.",
                "2017-05-27",
                "AP",
                topic="ceasefire",
            ),
        ),
        (
            reported(
                "Hamas",
                "demand",
                "Hamas said it would accept the proposal only if Israel withdraws.",
                "2017-07-02",
                "Reuters",
                topic="ceasefire",
                confidence=0.9,
                rules=("subject-verb", "conditional", "actor-alias", "topic"),
            ),
        ),
        "changed",
        "",
    ),
]


@pytest.mark.parametrize("case", CHANGE_CASES, ids=[c.name for c in CHANGE_CASES])
def test_change_rules(case: ChangeCase) -> None:
    judgement = verdict_of(case.history, case.today)
    assert judgement.verdict == case.verdict, judgement.reason
    assert case.reason in judgement.reason


def test_a_reported_reversal_says_what_it_left() -> None:
    judgement = verdict_of((), (PEERS_BACKED_DOWN,))
    assert judgement.before is None
    assert (judgement.after.side, judgement.after.best.from_stance) == ("for", "reject")


# ---- a statement dated earlier than its article ---------------------------------------------------


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = open_db(":memory:")
    migrate(connection)
    yield connection
    connection.close()


def _save(
    con: duckdb.DuckDBPyConnection, doc: str, source: str, published: date, specs: list[dict[str, Any]]
) -> None:
    article = make_article(doc, source, published, [s["evidence"] for s in specs])
    pairs = []
    for spec in specs:
        claim, occurrence = make_claim(article, spec)
        pairs.append((replace(claim, said_on=spec.get("said_on")), occurrence))
    extraction = ExtractionResult(claims=tuple(c for c, _ in pairs), occurrences=tuple(o for _, o in pairs))
    save_batch(con, articles=[article], duplicates=[], extraction=extraction, run_id=doc)


def test_a_past_statement_reported_today_counts_on_the_day_it_was_said(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # May's Thursday statement, as a Saturday article reports it ("May said Thursday…": said_on 03-16).
    may = {
        "actor": "Theresa May",
        "speaker": "Theresa May",
        "stance": "reject",
        "topic": TOPIC,
        "confidence": 0.85,
    }
    _save(con, "02654.txt", "BBC", date(2017, 3, 16), [{**may, "evidence": MAY_NOT_THE_TIME.evidence}])
    _save(
        con,
        "saturday-report.txt",
        "ABC News",
        date(2017, 3, 18),
        [{**may, "evidence": MAY_THURSDAY.evidence, "said_on": date(2017, 3, 16)}],
    )
    saturday = build_digest(con, date(2017, 3, 18), min_confidence=0.5, aliases={}, topic_phrases={})
    # Nothing is stated on Saturday: no position, steady or new, and the report is counted as dated earlier.
    assert (saturday.changed, saturday.disputed, saturday.new, saturday.unchanged) == ((), (), (), ())
    assert saturday.said_earlier == 1
    thursday = build_digest(con, date(2017, 3, 16), min_confidence=0.5, aliases={}, topic_phrases={})
    (position,) = thursday.new
    assert position.day == date(2017, 3, 16)
    assert {c.evidence for c in position.claims} == {MAY_NOT_THE_TIME.evidence, MAY_THURSDAY.evidence}
    assert position.sources == ("ABC News", "BBC")


# ---- contradictions are disputes of fact --------------------------------------------------------------

ALIASES = {
    "Nicola Sturgeon": ["Sturgeon", "Ms Sturgeon", "first minister"],
    "Theresa May": ["Mrs May", "May"],
    "Scottish government": ["SNP", "the SNP"],
    "Malaysia": ["Malaysian police", "Khalid Abu Bakar", "Bakar"],
    "North Korea": ["Pyongyang", "DPRK"],
    "Hamas": ["the group", "Hamas movement"],
    "United States": ["US", "Steve Witkoff", "Witkoff", "Whitcoff"],
}


@dataclass(frozen=True)
class ContradictionCase:
    name: str
    a: ReportedClaim
    b: ReportedClaim
    contradicts: bool


CONTRADICTION_CASES = [
    ContradictionCase(
        "a policy rejection naming the other side is no contradiction",
        STURGEON_DEMANDED,
        reported("Theresa May", "reject", SHE_REJECTED, "2017-03-13", "BBC", speaker="Theresa May"),
        False,
    ),
    ContradictionCase(
        "insisting on the opposite of what the other side demands is policy, not a dispute of fact",
        STURGEON_DEMANDED,
        MAY_INSISTED,
        False,
    ),
    ContradictionCase(
        "a denial of reports naming A contradicts what A asserted",  # examples/gaza-ceasefire 000 and 003
        reported(
            "Hamas",
            "accept",
            "A senior Hamas official has confirmed that the group has accepted a ceasefire proposal put "
            "forward by US envoy Steve Witkoff.",
            "2025-05-27",
            "Caliber.Az",
            topic="ceasefire-proposal",
            speaker="senior Hamas official",
        ),
        reported(
            "United States",
            "deny",
            "He even referred to his earlier statement to the Axios news network, in which he stressed that "
            "Hamas’ claims that it had accepted the ceasefire proposal were not true.",
            "2025-05-27",
            "unknown outlet (cites Times of Israel, Haaretz, Axios)",
            topic="ceasefire-proposal",
            speaker="Steve Witkoff",
            speaker_text="He",
        ),
        True,
    ),
    ContradictionCase(
        "a denial of an official's claims names that official as speaker",  # examples/gaza-ceasefire 003
        reported(
            "Hamas",
            "accuse",
            "This comes following allegations by a Palestinian official that the US special envoy, Steve "
            "Whitcoff, had backtracked on his earlier consent to amendments to his proposal for a temporary "
            "ceasefire.",
            "2025-05-27",
            "unknown outlet (cites Times of Israel, Haaretz, Axios)",
            topic="ceasefire-proposal",
            speaker="Palestinian official",
        ),
        reported(
            "United States",
            "deny",
            "Steve Whitcoff categorically denied the Palestinian official’s claims, telling the same "
            "newspaper that he never accepted Hamas’ changes.",
            "2025-05-27",
            "unknown outlet (cites Times of Israel, Haaretz, Axios)",
            topic="ceasefire-proposal",
            speaker="Steve Witkoff",
        ),
        True,
    ),
    ContradictionCase(
        "A accused B, B denies involvement: a contradiction though the denial names nobody",  # 01435, CNN
        reported(
            "Malaysia",
            "accuse",
            "Bakar, the Malaysian police inspector-general, accused North Korea of impeding the "
            "investigation.",
            "2017-02-24",
            "CNN",
            topic="kim-jong-nam-killing",
            speaker="Khalid Abu Bakar",
            speaker_text="Bakar",
        ),
        reported(
            "North Korea",
            "deny",
            "It vehemently denies any involvement in Kim's death.",
            "2017-02-24",
            "CNN",
            topic="kim-jong-nam-killing",
            speaker_text="It",
            rules=("subject-verb", "actor-coreference", "topic"),
        ),
        True,
    ),
]


@pytest.mark.parametrize("case", CONTRADICTION_CASES, ids=[c.name for c in CONTRADICTION_CASES])
def test_contradiction_rules(case: ContradictionCase) -> None:
    # A window as wide as the two claims are apart, so only the rule decides.
    window = abs((case.b.day - case.a.day).days)
    found = find_contradictions([case.a, case.b], case.b.day, aliases=ALIASES, window_days=window)
    if case.contradicts:
        assert [(x.a.claim_id, x.b.claim_id) for x in found] == [(case.a.claim_id, case.b.claim_id)]
    else:
        assert found == []


def test_a_denial_contradicts_only_within_the_window() -> None:
    # 01540 (CNN, 2017-02-28) denies, four days after 01435's charge: paired only within a 4-day window.
    charge = CONTRADICTION_CASES[-1].a
    denial = reported(
        "North Korea",
        "deny",
        "North Korea has denied involvement in Kim's murder and blamed South Korea for attempting to tie "
        "Pyongyang to the killing.",
        "2017-02-28",
        "CNN",
        topic="kim-jong-nam-killing",
    )
    assert find_contradictions([charge, denial], denial.day, aliases=ALIASES, window_days=3) == []
    assert len(find_contradictions([charge, denial], denial.day, aliases=ALIASES, window_days=4)) == 1


# ---- Markdown and HTML say the same ---------------------------------------------------------------


def _md_plain(text: str) -> str:
    """Markdown text as a reader sees it: backslash escapes and entities undone."""
    return html.unescape(re.sub(r"\\(.)", r"\1", text))


def _markdown_items(markdown: str) -> dict[str, list[tuple[str, list[str]]]]:
    """Section heading → [(item title, [evidence of each line])] as the Markdown shows them."""
    found: dict[str, list[tuple[str, list[str]]]] = {}
    section: list[tuple[str, list[str]]] = []
    for line in markdown.splitlines():
        if line.startswith("## "):
            section = found.setdefault(_md_plain(line[3:]), [])
        elif m := re.fullmatch(r"- \*\*(.*)\*\*", line):
            section.append((_md_plain(m.group(1)), []))
        elif m := re.match(r"  - [^“]*: “(.*)” — ", line):
            section[-1][1].append(_md_plain(m.group(1)))
    return found


def _html_items(page: str) -> dict[str, list[tuple[str, list[str]]]]:
    found: dict[str, list[tuple[str, list[str]]]] = {}
    section: list[tuple[str, list[str]]] = []
    for line in page.splitlines():
        if m := re.fullmatch(r"<h2>(.*)</h2>", line):
            section = found.setdefault(html.unescape(m.group(1)), [])
        elif m := re.fullmatch(r"<p><strong>(.*)</strong></p>", line):
            section.append((html.unescape(m.group(1)), []))
        elif m := re.match(r"<blockquote>[^“]*: “(.*)” <span", line):
            section[-1][1].append(html.unescape(m.group(1)))
    return found


SCENARIO = load_scenario()


@pytest.mark.parametrize("day", sorted(SCENARIO["expected"]))
def test_every_markdown_item_is_in_the_html(con: duckdb.DuckDBPyConnection, day: str) -> None:
    store_scenario(con)
    digest = build_digest(
        con,
        date.fromisoformat(day),
        min_confidence=0.5,
        aliases=SCENARIO["aliases"],
        topic_phrases=SCENARIO["topic_phrases"],
    )
    in_markdown, in_html = _markdown_items(render_markdown(digest)), _html_items(render_html(digest))
    assert (
        list(in_markdown)
        == list(in_html)
        == [
            "Changed positions",
            "Disputed or unconfirmed",
            "Contradictions",
            "Still disputed",
            "New positions",
            "Steady",
        ]
    )
    assert in_markdown == in_html
    assert sum(len(items) for items in in_markdown.values()) > 0


# ---- hostile text renders inert -----------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
LINK = "[x](javascript:alert(1))"
IMAGE = "![](http://t/p.gif)"
HOSTILE = f"{SCRIPT} {LINK} {IMAGE}"


def _hostile(claim: ReportedClaim) -> ReportedClaim:
    return replace(
        claim,
        actor=f"{claim.actor} {HOSTILE}",
        evidence=f"{claim.evidence} {HOSTILE}",
        speaker=f"{HOSTILE} speaker",
        speaker_text=f"{IMAGE} speaker as written",
        sources=(f"{HOSTILE} outlet",),
        docs=(f"{LINK}.txt",),
        urls=("javascript:alert(1)", "http://t/p.gif"),
    )


def hostile_digest() -> Digest:
    standing = [p for _, p in sorted(positions([_hostile(MAY_NOT_THE_TIME)]).items())]
    (after,) = positions([_hostile(MAY_NOT_RULED_OUT)]).values()
    disputed = judge(after, standing_position(standing))
    (moved,) = positions([_hostile(PEERS_BACKED_DOWN)]).values()
    changed = judge(moved, None)
    hostile_aliases = {f"{k} {HOSTILE}": [k, *v] for k, v in ALIASES.items()}
    case = CONTRADICTION_CASES[-1]
    (contradiction,) = find_contradictions(
        [_hostile(case.a), _hostile(case.b)], case.b.day, aliases=hostile_aliases
    )
    (new,) = positions([_hostile(STURGEON_DEMANDED)]).values()
    assert (disputed.verdict, changed.verdict) == ("disputed", "changed")
    return Digest(
        day=date(2017, 3, 27),
        changed=(changed,),
        disputed=(disputed,),
        contradictions=(contradiction,),
        new=(new,),
        unchanged=(Judgement("steady", new, new, "same side as the standing position"),),
        new_actors=(new.actor,),
        new_topics=(f"topic {HOSTILE}",),
        left_out=0,
        no_topic=0,
        min_confidence=0.5,
        timelines={(changed.actor, changed.topic): (changed.after,)},
    )


def test_hostile_text_is_inert_in_markdown() -> None:
    markdown = render_markdown(hostile_digest())
    assert "<" not in markdown
    assert "](javascript:" not in markdown
    assert "![" not in markdown
    # The only links are the digest's own, to http(s) pages, and none is an image.
    assert set(re.findall(r"(?<!\\)\[([^\]]*)\]\(([^)]*)\)", markdown)) == {("link", "http://t/p.gif")}
    # Rendered by a CommonMark parser, nothing of it is markup.
    markdown_it = pytest.importorskip("markdown_it")
    rendered = markdown_it.MarkdownIt("commonmark").render(markdown)
    assert "<script" not in rendered and "<img" not in rendered and 'href="javascript' not in rendered
    assert SCRIPT.replace("<", "&lt;").replace(">", "&gt;") in rendered


def test_hostile_text_is_inert_in_html() -> None:
    page = render_html(hostile_digest())
    assert "<script" not in page and "<img" not in page
    assert 'href="javascript' not in page
    assert set(re.findall(r'href="([^"]*)"', page)) == {"http://t/p.gif"}
    assert html.escape(SCRIPT) in page
    # The same items as the Markdown, hostile names and all.
    assert _html_items(page) == _markdown_items(render_markdown(hostile_digest()))
