"""The watchlist TOML: the sample loads with its parties, roles and topics; bad files say what is wrong."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.watchlist import Role, WatchActor, Watchlist, WatchlistError, load_watchlist, parse_watchlist
from tests.conftest import SAMPLE

SAMPLE_WATCHLIST = SAMPLE / "watchlist.toml"


def _actor(watchlist: Watchlist, name: str) -> WatchActor:
    actor = watchlist.actor(name)
    assert actor is not None, name
    return actor


def test_sample_watchlist_parties_roles_and_topics() -> None:
    watchlist = load_watchlist(SAMPLE_WATCHLIST)
    assert _actor(watchlist, "Steve Witkoff").party == "United States"
    assert _actor(watchlist, "Basem Naim").party == "Hamas"
    assert _actor(watchlist, "Benjamin Netanyahu").party == "Israel"
    assert _actor(watchlist, "Hamas").party == "Hamas"  # a party speaks for itself
    envoy = next(r for r in _actor(watchlist, "Steve Witkoff").roles if r.title == "envoy")
    assert envoy.start == date(2025, 1, 20)
    assert "Israeli" in _actor(watchlist, "Israel").adjectives
    assert "Jerusalem" in _actor(watchlist, "Israel").places
    assert "the movement" in _actor(watchlist, "Hamas").anaphors
    keys = {t.key for t in watchlist.topics}
    assert {
        "ceasefire-proposal",
        "hamas-response",
        "negotiations",
        "hostages",
        "permanent-ceasefire",
        "withdrawal",
        "disarmament",
        "humanitarian-aid",
        "accusations",
        "military-escalation",
        "casualties",
    } <= keys


def test_rows_for_the_store() -> None:
    watchlist = load_watchlist(SAMPLE_WATCHLIST)
    actors = {a.name: a for a in watchlist.canonical_actors()}
    assert actors["Steve Witkoff"].party == "United States"
    assert actors["Steve Witkoff"].status == "canonical"
    assert ("Witkoff", "Steve Witkoff") in watchlist.alias_rows()
    topics = {key: phrases for key, _, phrases in watchlist.topic_rows()}
    assert "truce proposal" in topics["ceasefire-proposal"]


def test_role_dates() -> None:
    role = Role("envoy", start=date(2025, 1, 20), end=date(2026, 1, 1))
    assert role.holds_on(date(2025, 5, 27))
    assert not role.holds_on(date(2024, 12, 31))
    assert not role.holds_on(date(2026, 6, 1))
    assert role.holds_on(None)  # an undated article gets every role


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "watch.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[actors]]\nname = "Hamas"\nalias = ["x"]\n', "unknown key 'alias'"),
        ('[[actors]]\nname = "Hamas"\nkind = "party"\n', "'kind' must be one of"),
        ('[[actors]]\nname = "Witkoff"\nparty = "United States"\n', "party 'United States' is not an actor"),
        ('[[actors]]\nname = "X"\nroles = [{ title = "envoy", from = "soon" }]\n', "'from' must be a date"),
        ('[[actors]]\nname = "X"\n[[actors]]\nname = "X"\n', "repeated: X"),
        ('[[topics]]\nkey = "t"\n', "'phrases' must list at least one phrase"),
        ('[[topics]]\nkey = "t"\nphrases = "deal"\nlabels = "x"\n', "unknown key 'labels'"),
        ("actors = [1\n", "not valid TOML"),
    ],
)
def test_bad_watchlists_name_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(WatchlistError) as error:
        load_watchlist(path)
    assert message in str(error.value)
    assert str(path) in str(error.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WatchlistError, match="no such watchlist file"):
        load_watchlist(tmp_path / "absent.toml")


def test_iso_date_strings_and_defaults() -> None:
    watchlist = parse_watchlist(
        {
            "actors": [{"name": "A", "roles": [{"title": "chief", "from": "2025-02-01"}]}],
            "topics": [{"key": "k", "phrases": ["deal"]}],
        },
        source="inline",
    )
    actor = watchlist.actor("A")
    assert actor is not None and actor.kind == "organisation" and actor.party == "A"
    assert actor.roles[0].start == date(2025, 2, 1)
    assert watchlist.topics[0].label == "k"
