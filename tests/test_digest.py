"""The daily digest over a real DuckDB holding the hand-built Gaza scenario (tests/fixtures/store).

The scenario's ``expected`` block says, day by day, what the digest must report; it encodes the
acceptance in ../shared/corpus/gaza-seeds/gold_digest.json (07-02 accept → consider, 07-25 consider →
reject, the 05-27 contradiction, the US rejection on 06-01 steady). The rules themselves (restatements,
said-earlier, reported moves, disputed, contradictions of fact) are tested one by one in test_digest_rules.py.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import duckdb
import pytest

from pipeline.digest import (
    Digest,
    build_digest,
    digest_to_json,
    find_contradictions,
    mentions,
    render_html,
    render_markdown,
    summarise_position,
)
from pipeline.store import migrate, open_db
from pipeline.store.digest_sql import ReportedClaim
from pipeline.store.write import save_digest, save_watchlist
from tests.conftest import shared_path
from tests.test_store import load_scenario, store_scenario

SCENARIO = load_scenario()
DAYS = sorted(SCENARIO["expected"])


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = open_db(":memory:")
    migrate(connection)
    store_scenario(connection)
    yield connection
    connection.close()


def _digest(con: duckdb.DuckDBPyConnection, day: str, **options: Any) -> Digest:
    options.setdefault("min_confidence", 0.5)
    options.setdefault("aliases", SCENARIO["aliases"])
    options.setdefault("topic_phrases", SCENARIO["topic_phrases"])
    return build_digest(con, date.fromisoformat(day), **options)


@pytest.mark.parametrize("day", DAYS)
def test_digest_reports_what_the_scenario_expects(con: duckdb.DuckDBPyConnection, day: str) -> None:
    expected = SCENARIO["expected"][day]
    body = digest_to_json(_digest(con, day))
    assert body["day"] == day
    assert [[c["actor"], c["topic"], c["from"], c["to"], c["from_day"]] for c in body["changed"]] == expected[
        "changed"
    ]
    assert [[n["actor"], n["topic"], n["stance"]] for n in body["new"]] == expected["new"]
    if "unchanged" in expected:
        assert [[u["actor"], u["topic"], u["stance"]] for u in body["unchanged"]] == expected["unchanged"]
    assert [
        [x["topic"], x["a"]["actor"], x["a"]["stance"], x["b"]["actor"], x["b"]["stance"]]
        for x in body["contradictions"]
    ] == expected["contradictions"]
    assert body["left_out"] == expected["left_out"]
    assert body["no_topic"] == expected["no_topic"]


def test_digest_json_has_the_agreed_shape(con: duckdb.DuckDBPyConnection) -> None:
    body = digest_to_json(_digest(con, "2025-07-02"))
    assert {"day", "changed", "contradictions", "new", "left_out"} <= set(body)
    json.dumps(body)
    (change,) = body["changed"]
    assert set(change) >= {
        "actor",
        "topic",
        "from",
        "to",
        "from_day",
        "evidence_from",
        "evidence_to",
        "sources",
    }
    assert change["evidence_from"].startswith("Hamas said it had responded “positively”")
    assert change["evidence_to"].startswith("Hamas confirmed it's considering fresh ceasefire proposals")
    # On 06-01 the AFP story and its copy from another outlet; the same-outlet mirror adds nothing.
    assert change["sources"] == {
        "from": ["Arab News (AFP)", "World News (syndicated AFP copy)"],
        "to": ["The Daily Guardian"],
    }


def test_contradiction_of_05_27_carries_both_claims(con: duckdb.DuckDBPyConnection) -> None:
    (x,) = digest_to_json(_digest(con, "2025-05-27"))["contradictions"]
    assert x["a"]["evidence"].startswith("A senior Hamas official has confirmed")
    assert x["a"]["source"] == "Caliber.Az"
    assert "claims that it had accepted the ceasefire proposal were not true" in x["b"]["evidence"]
    assert x["b"]["source"] == "unknown outlet (cites Times of Israel, Haaretz, Axios)"


def test_contradiction_needs_the_denial_to_name_the_other_actor(con: duckdb.DuckDBPyConnection) -> None:
    assert mentions("Hamas’ claims that it had accepted", ["Hamas"])
    assert not mentions("Hamasi claims", ["Hamas"])
    # The denial names Hamas by its name; renamed, the same denial names nobody who accepted.
    con.execute(
        "UPDATE claims SET evidence = replace(evidence, 'Hamas’ claims', 'their claims') "
        "WHERE stance = 'deny'"
    )
    # Issue 14: a denial of a charge is a dispute of fact too. The Palestinian official's allegation names
    # Whitcoff, so his denial still answers Hamas's charge (not its acceptance, which it no longer names).
    (x,) = _digest(con, "2025-05-27").contradictions
    assert (x.a.actor, x.a.stance, x.b.actor, x.b.stance) == ("Hamas", "accuse", "United States", "deny")
    assert x.reason == "Hamas said United States did it; United States denies it"
    # With the charge naming nobody either, nothing is disputed.
    con.execute(
        "UPDATE claims SET evidence = replace(evidence, 'the US special envoy, Steve Whitcoff,', "
        "'the envoy') WHERE stance = 'accuse'"
    )
    assert _digest(con, "2025-05-27").contradictions == ()


def test_contradiction_topic_comes_from_the_denials_words(con: duckdb.DuckDBPyConnection) -> None:
    # The denial is tagged hamas-response; it is about the proposal because it says "ceasefire proposal".
    assert _digest(con, "2025-05-27", topic_phrases={}).contradictions == ()


def _dispute_repeated_on(day: str) -> dict[str, Any]:
    """The scenario with the two 05-27 articles of the Hamas/United States dispute reported again on ``day``
    by other outlets, in reworded sentences (so the claims are new claims, not new occurrences)."""
    scenario = copy.deepcopy(SCENARIO)
    repeated = []
    for spec in scenario["articles"]:
        if spec["published"] != "2025-05-27":
            continue
        again = copy.deepcopy(spec)
        again.update(doc=f"again-{day}-{spec['doc']}", source=f"{spec['source']} (follow-up)", published=day)
        again.pop("copies", None)
        for claim in again["claims"]:
            claim["evidence"] = "Reporting again: " + claim["evidence"]
        repeated.append(again)
    scenario["articles"] += repeated
    return scenario


def test_a_dispute_reported_again_within_the_quiet_days_is_still_disputed_not_new() -> None:
    connection = open_db(":memory:")
    migrate(connection)
    store_scenario(connection, _dispute_repeated_on("2025-05-28"))
    first = _digest(connection, "2025-05-27", dispute_quiet_days=3)
    assert [(x.a.actor, x.b.actor) for x in first.contradictions] == [("Hamas", "United States")]
    assert first.still_disputed == ()
    again = _digest(connection, "2025-05-28", dispute_quiet_days=3)
    assert again.contradictions == ()
    (ongoing,) = again.still_disputed
    assert ongoing.since == date(2025, 5, 27)
    assert ongoing.contradiction.b.evidence.startswith("Reporting again: ")
    body = digest_to_json(again)
    assert body["contradictions"] == [] and body["still_disputed"][0]["since"] == "2025-05-27"
    markdown = render_markdown(again)
    assert "## Still disputed" in markdown and "in the digest since 2025-05-27" in markdown
    # Without a quiet window every day's dispute is news again.
    assert len(_digest(connection, "2025-05-28", dispute_quiet_days=0).contradictions) == 1
    connection.close()


def test_a_dispute_back_after_the_quiet_days_is_new_again() -> None:
    connection = open_db(":memory:")
    migrate(connection)
    store_scenario(connection, _dispute_repeated_on("2025-06-02"))
    later = _digest(connection, "2025-06-02", dispute_quiet_days=3)
    assert [(x.a.actor, x.b.actor) for x in later.contradictions] == [("Hamas", "United States")]
    assert later.still_disputed == ()
    connection.close()


def test_below_threshold_claims_are_left_out_and_counted(con: duckdb.DuckDBPyConnection) -> None:
    strict = _digest(con, "2025-07-02")
    assert strict.left_out == 1
    assert ("Hamas", "permanent-ceasefire") not in {(p.actor, p.topic) for p in strict.new}
    lenient = _digest(con, "2025-07-02", min_confidence=0.3)
    assert lenient.left_out == 0
    assert [(p.actor, p.topic, p.stance) for p in lenient.new] == [("Hamas", "permanent-ceasefire", "demand")]
    # 05-27: Israel's low-confidence claim on negotiations is a statement of fact ("acknowledged that talks
    # have been ongoing"): since issue 14 a `claim` makes no position even when the bar lets it in.
    lenient_0527 = _digest(con, "2025-05-27", min_confidence=0.4)
    assert ("Israel", "negotiations") not in {(p.actor, p.topic) for p in lenient_0527.new}
    # Counted with the day's other non-positions: the Palestinian official's charge and Witkoff's denial.
    assert lenient_0527.left_out == 0 and lenient_0527.not_positions == 3


def test_a_low_confidence_claim_cannot_make_a_change(con: duckdb.DuckDBPyConnection) -> None:
    # A weak "reject" on 07-02 would flip the position if counted: with the bar it is left out.
    from pipeline.models import ExtractionResult
    from pipeline.store.write import save_batch
    from tests.test_store import make_article, make_claim

    evidence = "Hamas Seeks War’s End As Ceasefire Talks Resurface Amid US Pressure On Israel"
    article = make_article("headline-only.txt", "Headline Wire", date(2025, 7, 2), [evidence])
    spec = {
        "actor": "Hamas",
        "stance": "reject",
        "topic": "ceasefire-proposal",
        "confidence": 0.2,
        "evidence": evidence,
    }
    claims = [
        make_claim(article, spec),
        make_claim(article, {**spec, "stance": "threaten", "confidence": 0.25}),
    ]
    extraction = ExtractionResult(claims=tuple(c for c, _ in claims), occurrences=tuple(o for _, o in claims))
    save_batch(con, articles=[article], duplicates=[], extraction=extraction, run_id="weak")
    digest = _digest(con, "2025-07-02")
    assert [(c.before.stance, c.after.stance) for c in digest.changed] == [("accept", "consider")]
    assert digest.left_out == 3


def test_position_is_the_heaviest_side_not_the_latest_claim() -> None:
    day = date(2025, 5, 27)

    def claim(stance: str, confidence: float, n_sources: int, claim_id: str) -> ReportedClaim:
        return ReportedClaim(
            actor="Hamas",
            topic="ceasefire-proposal",
            day=day,
            claim_id=claim_id,
            stance=stance,
            confidence=confidence,
            evidence=f"evidence {claim_id}",
            quote=None,
            speaker=None,
            speaker_text=None,
            n_sources=n_sources,
            sources=tuple(f"outlet {i}" for i in range(n_sources)),
            docs=(f"{claim_id}.txt",),
        )

    # One accept reported by three outlets outweighs two claims against from one outlet each.
    position = summarise_position(
        [claim("reject", 0.9, 1, "r1"), claim("accept", 0.7, 3, "a1"), claim("threaten", 0.8, 1, "t1")]
    )
    assert position is not None
    assert (position.side, position.stance, position.evidence) == ("for", "accept", "evidence a1")
    # The sides add up: reject+threaten (against, 0.9) outweigh the single heaviest claim (accept 0.8), and
    # within the side the heaviest stance names the position. (Issue 14: `deny` no longer takes a side, so
    # the old reject+deny pair is reject+threaten here; a deny is ignored, as the last case shows.)
    position = summarise_position(
        [claim("reject", 0.5, 1, "r1"), claim("threaten", 0.4, 1, "t1"), claim("accept", 0.8, 1, "a")]
    )
    assert position is not None
    assert (position.side, position.stance) == ("against", "reject")
    assert [c.claim_id for c in position.claims] == ["r1", "t1"]
    assert summarise_position([claim("deny", 0.9, 1, "d"), claim("accuse", 0.9, 1, "x")]) is None
    # Row order never decides.
    shuffled = [claim("accept", 0.5, 1, "x"), claim("reject", 0.5, 1, "y")]
    first, second = summarise_position(shuffled), summarise_position(shuffled[::-1])
    assert first is not None and second is not None
    assert (first.side, first.stance) == (second.side, second.stance)
    assert summarise_position([claim("waffle", 0.9, 1, "w")]) is None


def test_contradiction_window_reports_a_pair_once_on_the_later_day() -> None:
    def claim(actor: str, stance: str, day: date, evidence: str, topic: str = "accusations") -> ReportedClaim:
        return ReportedClaim(
            actor=actor,
            topic=topic,
            day=day,
            claim_id=f"{actor}-{stance}-{day}",
            stance=stance,
            confidence=0.8,
            evidence=evidence,
            quote=None,
            speaker=None,
            speaker_text=None,
            n_sources=1,
            sources=("Al Mayadeen English",),
            docs=("001_27f56d085653d399.txt",),
        )

    accusation = claim(
        "United States",
        "accuse",
        date(2025, 7, 24),
        "Witkoff accused the group of lacking seriousness in the negotiations.",
    )
    denial = claim(
        "Hamas",
        "deny",
        date(2025, 7, 25),
        "Hamas has rejected accusations by US Middle East envoy Steve Witkoff that it is unwilling "
        "to pursue a ceasefire.",
    )
    aliases = {"United States": ["Steve Witkoff", "Witkoff"]}
    claims = [accusation, denial]
    found = find_contradictions(claims, date(2025, 7, 25), aliases=aliases, window_days=1)
    assert [(x.a.actor, x.b.actor) for x in found] == [("United States", "Hamas")]
    assert find_contradictions(claims, date(2025, 7, 24), aliases=aliases, window_days=1) == []
    assert find_contradictions(claims, date(2025, 7, 25), aliases=aliases, window_days=0) == []
    # Without Witkoff as a name of the United States, the denial does not name the accuser.
    assert find_contradictions(claims, date(2025, 7, 25), aliases={}, window_days=1) == []
    # Two rejections of policy agree rather than contradict, even when one names the other.
    counter = claim("United States", "reject", date(2025, 7, 25), "Witkoff rejected it.")
    refusal = claim("Hamas", "reject", date(2025, 7, 25), "Hamas rejected Witkoff's amendments.")
    assert find_contradictions([counter, refusal], date(2025, 7, 25), aliases=aliases) == []
    # Issue 14: a rejection contradicts only when it disputes an account (reports, claims…), never when it
    # rejects what the other side is for (the old rule paired "dismissed" with an acceptance: policy).
    claimed = claim("Hamas", "claim", date(2025, 7, 25), "Hamas said talks went on.")
    dismissal = claim("United States", "reject", date(2025, 7, 25), "Witkoff dismissed what Hamas said.")
    accepted = claim("Hamas", "accept", date(2025, 7, 25), "Hamas accepted the proposal.")
    assert find_contradictions([claimed, dismissal], date(2025, 7, 25), aliases=aliases) == []
    assert find_contradictions([accepted, dismissal], date(2025, 7, 25), aliases=aliases) == []
    # Extraction reads "dismissed Hamas's claims" as a denial (rule rejects-an-account): that pairs.
    disputed = claim("United States", "deny", date(2025, 7, 25), "Witkoff dismissed Hamas's claims.")
    assert len(find_contradictions([claimed, disputed], date(2025, 7, 25), aliases=aliases)) == 1
    # A rejection is never a dispute by itself, whatever words it uses: only a denial is.
    worded = claim("United States", "reject", date(2025, 7, 25), "Witkoff dismissed Hamas's claims.")
    assert find_contradictions([claimed, worded], date(2025, 7, 25), aliases=aliases) == []


def test_markdown_says_the_change_with_evidence_sources_and_left_out(con: duckdb.DuckDBPyConnection) -> None:
    markdown = render_markdown(_digest(con, "2025-07-02"))
    assert "Hamas on ceasefire-proposal: accept (2025-06-01) → consider (2025-07-02)" in markdown
    assert "“Hamas confirmed it's considering fresh ceasefire proposals" in markdown
    assert "The Daily Guardian" in markdown and "Arab News (AFP)" in markdown
    assert "_1 claim below confidence 0.5 left out._" in markdown
    contradiction = render_markdown(_digest(con, "2025-05-27"))
    # One section list renders both formats now: an item's whole title is bold, its names escaped.
    assert "- **On ceasefire-proposal: Hamas (accept) vs United States (deny)**" in contradiction
    assert (
        "## New positions" in contradiction
        and "- **United States on hamas-response: reject**" in contradiction
    )


def test_change_from_the_first_report_reads_as_in_the_brief(con: duckdb.DuckDBPyConnection) -> None:
    # Without the 06-01 story the last known position before 07-02 is the 05-27 acceptance.
    con.execute("DELETE FROM claim_occurrences WHERE published = DATE '2025-06-01'")
    markdown = render_markdown(_digest(con, "2025-07-02"))
    assert "Hamas on ceasefire-proposal: accept (2025-05-27) → consider (2025-07-02)" in markdown


def test_html_is_self_contained_escaped_and_charts_each_change(con: duckdb.DuckDBPyConnection) -> None:
    digest = _digest(con, "2025-07-25")
    page = render_html(digest)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r"<(script|link|img)\b", page) and "http" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert page.count("<svg") == len(digest.changed) == 1
    # The timeline holds the pair's history: accept (05-27, 06-01), consider (07-02), reject (07-25).
    points = digest.timelines[("Hamas", "ceasefire-proposal")]
    assert [(p.day.isoformat(), p.stance) for p in points] == [
        ("2025-05-27", "accept"),
        ("2025-06-01", "accept"),
        ("2025-07-02", "consider"),
        ("2025-07-25", "reject"),
    ]
    assert page.count("<circle") == 4
    assert "Hamas reportedly refused alterations made to the US-backed proposal." in page
    assert "&lt;" not in page


def test_html_escapes_evidence(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "UPDATE claims SET evidence = '<b>Hamas</b> & co ' || evidence "
        "WHERE stance = 'reject' AND actor = 'Hamas'"
    )
    page = render_html(_digest(con, "2025-07-25"))
    assert "&lt;b&gt;Hamas&lt;/b&gt; &amp; co" in page
    assert "<b>Hamas</b>" not in page


def test_aliases_and_topic_phrases_default_to_the_stored_watchlist(con: duckdb.DuckDBPyConnection) -> None:
    phrases = SCENARIO["topic_phrases"]
    save_watchlist(con, ["Hamas", "United States"], [], [(k, k, v) for k, v in phrases.items()])
    digest = build_digest(con, date(2025, 5, 27), min_confidence=0.5)
    assert [(x.a.actor, x.b.actor) for x in digest.contradictions] == [("Hamas", "United States")]


def test_digest_is_rebuilt_identically_and_stored_once(con: duckdb.DuckDBPyConnection) -> None:
    first = _digest(con, "2025-07-02")
    store_scenario(con)  # a re-run over the same input
    second = _digest(con, "2025-07-02")
    assert digest_to_json(first) == digest_to_json(second)
    assert render_markdown(first) == render_markdown(second)
    for digest in (first, second):
        save_digest(
            con, digest.day, render_markdown(digest), render_html(digest), digest_to_json(digest), "r"
        )
    assert con.execute("SELECT count(*) FROM digests").fetchone() == (1,)


def test_empty_day_is_a_quiet_digest(con: duckdb.DuckDBPyConnection) -> None:
    digest = _digest(con, "2025-06-15")
    assert digest_to_json(digest) | {"min_confidence": None} == {
        "day": "2025-06-15",
        "changed": [],
        "disputed": [],
        "contradictions": [],
        "still_disputed": [],
        "new": [],
        "unchanged": [],
        "new_actors": [],
        "new_topics": [],
        "left_out": 0,
        "no_topic": 0,
        "not_positions": 0,
        "said_earlier": 0,
        "rejected": 0,
        "unclear": 0,
        "min_confidence": None,
        "window_days": 90,
        "undated": 0,
    }
    assert "No position changed sides." in render_markdown(digest)


def test_scenario_mirrors_the_gold_digest() -> None:
    gold = json.loads(shared_path("corpus", "gaza-seeds", "gold_digest.json").read_text(encoding="utf-8"))
    expected = SCENARIO["expected"]
    for change in gold["changed"]:
        assert [change["actor"], change["topic"], change["from"], change["to"]] in [
            c[:4] for c in expected[change["day"]]["changed"]
        ]
    for x in gold["contradictions"]:
        assert [x["topic"], x["a"]["actor"], x["b"]["actor"]] in [
            [c[0], c[1], c[3]] for c in expected[x["day"]]["contradictions"]
        ]
    for steady in gold["unchanged"]:
        day = expected[steady["day"]]
        assert [steady["actor"], steady["topic"], steady["stance"]] in day["unchanged"]
        assert steady["actor"] not in {c[0] for c in day["changed"] if c[1] == steady["topic"]}


def test_new_actors_and_topics_are_named_once(con: duckdb.DuckDBPyConnection) -> None:
    first = digest_to_json(_digest(con, "2025-05-27"))
    assert (first["new_actors"], first["new_topics"]) == (
        ["Hamas", "Israel", "United States"],
        ["ceasefire-proposal", "hamas-response"],
    )
    # 06-01: Hamas speaks on negotiations for the first time; Hamas is known, the topic is new.
    later = digest_to_json(_digest(con, "2025-06-01"))
    assert (later["new_actors"], later["new_topics"]) == ([], ["negotiations"])
    assert "New topics: negotiations." in render_markdown(_digest(con, "2025-06-01"))
    # Israel's 05-27 claim on negotiations is a statement of fact: even let in by a lower bar it is no
    # position (issue 14), so the topic is still new on 06-01.
    lenient = digest_to_json(_digest(con, "2025-06-01", min_confidence=0.4))
    assert lenient["new_topics"] == ["negotiations"]


def test_the_standing_position_is_read_through_the_window(con: duckdb.DuckDBPyConnection) -> None:
    # Issue 14 replaced "each pair's last day, however old" with a window (STANCEWATCH_POSITION_WINDOW_DAYS):
    # 06-01 is 31 days before 07-02, so a 31-day window still holds the standing acceptance…
    within = _digest(con, "2025-07-02", window_days=31)
    assert [(j.actor, j.topic, j.before.day if j.before else None) for j in within.changed] == [
        ("Hamas", "ceasefire-proposal", date(2025, 6, 1))
    ]
    # …and a 30-day one holds no recent position: the same consideration is a new position, not a change.
    beyond = _digest(con, "2025-07-02", window_days=30)
    assert beyond.changed == ()
    assert [(p.actor, p.topic, p.stance) for p in beyond.new] == [
        ("Hamas", "ceasefire-proposal", "consider"),
        ("Hamas", "negotiations", "commit"),
    ]


def test_only_a_runs_last_days_are_published_as_artifacts() -> None:
    from pipeline.digest import days_to_publish

    days = [date(2010, 10, 22), date(2025, 5, 27), date(2025, 7, 2), date(2025, 7, 25), date(2025, 7, 19)]
    assert days_to_publish(days, 7) == [date(2025, 7, 19), date(2025, 7, 25)]
    assert days_to_publish(days, 31) == [date(2025, 7, 2), date(2025, 7, 19), date(2025, 7, 25)]
    assert days_to_publish(days, 1) == [date(2025, 7, 25)]
    assert days_to_publish(days, 0) == []
    assert days_to_publish([], 7) == []


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script> and <img src=x onerror=alert(2)>",
        "[click](javascript:alert(3)) ![](http://tracker.invalid/pixel.gif) <http://x.invalid>",
        "# not a heading",
        "1. not a list",
        "- not a list either",
        "**not bold** _nor this_ `nor code` ~~nor struck~~ | no cell",
        "AT&T said &amp; is an entity, &#106; too",
        "a back\\slash\\ and a trailing one\\",
        "a line\n<script>x</script>\n# and a heading",
    ],
)
def test_markdown_text_renders_as_exactly_its_text(text: str) -> None:
    import html as html_module

    from markdown_it import MarkdownIt

    from pipeline.escape import markdown_text

    rendered = MarkdownIt("commonmark").render(markdown_text(text)).strip()
    assert rendered.startswith("<p>") and rendered.endswith("</p>"), rendered
    inner = rendered[len("<p>") : -len("</p>")]
    assert "<" not in inner, rendered
    assert html_module.unescape(inner) == " ".join(text.split("\n"))
