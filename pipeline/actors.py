"""Actor resolution: from a speaker or subject as written to (party, speaker).

"Basem Naim" → (Hamas, Basem Naim); "the US special envoy" → (United States, Steve Witkoff) from
2025-01-20; "a senior Hamas official" → (Hamas, senior Hamas official); "one official in Jerusalem" →
(Israel, official in Jerusalem); "Whitcoff" → (United States, Steve Witkoff) as an unconfirmed alias
candidate for review. Without a watchlist speakers are still kept, as discovered actors: names as
written, nationality adjectives mapped to countries ("Israeli officials" → Israel).

Anaphors ("the group", "he", "the official") are recognised here and resolved by ``Coreference``, which
remembers the actors an article has named so far.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process

from pipeline.gender import Gender, is_given_name, name_gender, pronoun_gender
from pipeline.stance import Token, tokenize
from pipeline.watchlist import Role, WatchActor, Watchlist
from pipeline.wordlists import data_lines, word_set

__all__ = [
    "ActorResolver",
    "Coreference",
    "Mention",
    "Resolution",
    "normalise_description",
]

DATA = Path(__file__).resolve().parent / "data"

MentionVia = Literal["name", "alias", "adjective", "place", "role", "anaphor"]


@dataclass(frozen=True, slots=True)
class Mention:
    """A watchlist actor named in a token list: tokens [first, last], char offsets, how it was named."""

    first: int
    last: int
    start: int
    end: int
    actor: WatchActor
    via: MentionVia
    possessive: bool = False
    role: Role | None = None


@dataclass(frozen=True, slots=True)
class Resolution:
    """Who a speaker/subject is: ``actor`` is the party (canonical or discovered), ``speaker`` the person
    or description. ``anaphor`` is set ("organisation", "person", "speaker", "any") when the text only
    refers back to someone and ``actor`` is then empty until ``Coreference`` fills it in."""

    actor: str
    speaker: str | None
    status: Literal["canonical", "discovered"]
    kind: str
    rule: str
    score: float = 1.0
    anaphor: str | None = None
    # Watchlist actors that declare this anaphor ("the movement" → Hamas): only they can be its antecedent.
    anaphor_of: tuple[str, ...] = ()
    # (alias as written, canonical name, score) when a fuzzy match found the actor.
    candidate: tuple[str, str, float] | None = None
    gender: Gender | None = None  # a person's declared gender (the watchlist's), else read from the name

    @property
    def person_gender(self) -> Gender | None:
        """The gender a pronoun referring to this person must have, if known."""
        if self.kind != "person":
            return None
        return self.gender or name_gender(self.speaker or self.actor)

    @property
    def resolved(self) -> bool:
        return bool(self.actor)


_DETERMINERS = frozenset(
    {"a", "an", "the", "one", "some", "two", "three", "several", "another", "other", "its"}
)
_PRONOUNS = {
    "he": "person",
    "she": "person",
    "him": "person",
    "her": "person",
    "they": "any",
    "them": "any",
    "it": "any",
    "we": "speaker",
    "i": "speaker",
    "us": "speaker",
}
_LOWER_NAME_PARTS = frozenset(
    {
        "al",
        "al-",
        "bin",
        "ben",
        "van",
        "von",
        "de",
        "der",
        "da",
        "di",
        "du",
        "la",
        "le",
        "abu",
        "ibn",
        "el",
        "of",
        "and",
        "&",
    }
)


@lru_cache(maxsize=1)
def _not_names() -> frozenset[str]:
    """Capitalised at a sentence start or as an honorific, but never a name: "However", "Mr", "Tuesday"."""
    return frozenset(data_lines("actor_not_names.txt")) | _DETERMINERS | frozenset(_PRONOUNS)


# A word that can be part of a name: letters (and inner dots, hyphens, apostrophes), no digits.
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.\-]*(?:[.'’\-][^\W\d_]+)*\.?$")
_CUT_AT = re.compile(
    r",|\(|\bwho\b|\bwhich\b|\bthat\b|\bspeaking\b|\btalking\b|\bquoted\b|\bcited\b", re.IGNORECASE
)


def _phonetic(word: str) -> str:
    """A rough sound skeleton so "Whitcoff" and "Witkoff" meet: c/k/q → k, ph → f, silent h dropped."""
    word = word.lower().replace("ph", "f").replace("ck", "k")
    word = re.sub(r"[cq]", "k", word)
    word = word[:1] + re.sub(r"h", "", word[1:])
    word = re.sub(r"(.)\1+", r"\1", word)
    return word.replace("y", "i")


_DESCRIPTION_ENDS = frozenset(
    {
        "later",
        "also",
        "then",
        "now",
        "reportedly",
        "earlier",
        "recently",
        "previously",
        "categorically",
        "firmly",
        "again",
        "still",
        "today",
        "yesterday",
        "on",
        "has",
        "have",
        "had",
        "is",
        "was",
        "will",
    }
)
_KEEP_ED = frozenset(
    {"unnamed", "elected", "armed", "alleged", "retired", "unidentified", "embattled", "united"}
)


def normalise_description(text: str) -> str:
    """A speaker description without determiners and trailing clauses: "one of the senior Hamas officials,
    who spoke on condition of anonymity" → "senior Hamas officials"."""
    text = " ".join(text.replace("’", "'").split())
    cut = _CUT_AT.search(text)
    if cut is not None and cut.start() > 0:
        text = text[: cut.start()]
    words = text.strip(" .;:\"'“”‘").split()
    while words and words[0].lower() in _DETERMINERS | {"of", "however", "but", "and", "meanwhile"}:
        words = words[1:]
    # "a senior Israeli official later tempered expectations": the description ends before the verb
    for i, word in enumerate(words[1:], start=1):
        if word in _DESCRIPTION_ENDS or (word.islower() and word.endswith("ed") and word not in _KEEP_ED):
            words = words[:i]
            break
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class _Entry:
    words: tuple[str, ...]
    actor: WatchActor
    via: MentionVia
    case_sensitive: bool
    role: Role | None = None
    # A capitalised one-word alias that is also a common word ("May", "Rice"): see _reads_as_name.
    word_like: bool = False


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """``data/alias_common_words.txt``: one-word names that are also ordinary words."""
    return word_set("alias_common_words.txt")


# Words after which a capitalised common word is a date or a season, not a name ("in May", "last March").
_BEFORE_NOT_NAME = frozenset(
    {"in", "on", "since", "until", "till", "by", "of", "from", "early", "late", "mid", "last", "next", "this"}
)
# Words after which a sentence-opening common word is a speaker's name ("May said", "Rice told").
_REPORTING_AFTER = frozenset({"said", "says", "told", "tells", "added", "insisted", "warned", "'s"})


def _reads_as_name(tokens: Sequence[Token], i: int) -> bool:
    """Whether the common word at ``i`` reads as a name: capitalised (not shouting), not a date ("May 27",
    "in May"), not the sentence's first word unless a reporting verb follows it."""
    token = tokens[i]
    if not token.text[:1].isupper() or (token.text.isupper() and len(token.text) > 1):
        return False
    after = tokens[i + 1].norm if i + 1 < len(tokens) else ""
    if after[:1].isdigit():
        return False
    if i > 0 and tokens[i - 1].norm in _BEFORE_NOT_NAME:
        return False
    opens = i == 0 or tokens[i - 1].norm in {'"', "'", "(", ":", "-"}
    # A word that is the whole text is a speaker description the attribution already found ("…, May said").
    return not opens or after in _REPORTING_AFTER or i + 1 == len(tokens)


def _load_tsv(name: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("\t")
            table[key.strip()] = value.strip()
    return table


@lru_cache(maxsize=1)
def _nationalities() -> dict[tuple[str, ...], str]:
    return {tuple(t.norm for t in tokenize(k)): v for k, v in _load_tsv("actor_nationalities.tsv").items()}


@lru_cache(maxsize=1)
def _anaphors() -> dict[tuple[str, ...], str]:
    return {tuple(t.norm for t in tokenize(k)): v for k, v in _load_tsv("actor_anaphors.tsv").items()}


@lru_cache(maxsize=1)
def _media() -> tuple[frozenset[str], frozenset[tuple[str, ...]]]:
    """(head nouns such as "media", outlet names as token tuples)."""
    heads: set[str] = set()
    outlets: set[tuple[str, ...]] = set()
    for line in (DATA / "actor_media.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.strip().islower() and " " not in line.strip():
            heads.add(line.strip())
        else:
            outlets.add(tuple(t.norm for t in tokenize(line.strip())))
    return frozenset(heads), frozenset(outlets)


def is_media(text: str) -> bool:
    """Whether a speaker is the press: an outlet ("Axios", "the Times of Israel") or "Israeli media"."""
    norms = tuple(t.norm for t in tokenize(normalise_description(text)) if t.norm not in {"'s", "'"})
    if not norms:
        return False
    heads, outlets = _media()
    if norms[-1] in heads or norms in outlets:
        return True
    # An outlet inside a short description ("the Times of Israel's reporter"): every slice of five words
    # or fewer looked up in the set, not every outlet compared at every position.
    return len(norms) <= 5 and any(
        norms[i:j] in outlets for i in range(len(norms)) for j in range(i + 1, len(norms) + 1)
    )


@lru_cache(maxsize=1)
def title_words() -> frozenset[str]:
    """Head nouns of speaker descriptions ("official", "sources", "spokesman")."""
    return frozenset(w for line in data_lines("actor_titles.txt") for w in line.split())


class ActorResolver:
    """Resolves speakers and subjects against a watchlist (or none: everything is discovered)."""

    def __init__(self, watchlist: Watchlist | None, fuzzy_cutoff: float = 88.0) -> None:
        self.watchlist = watchlist
        self.fuzzy_cutoff = fuzzy_cutoff
        self._index: dict[str, list[_Entry]] = {}
        self._by_name: dict[str, WatchActor] = {}
        self._fuzzy_names: list[str] = []
        self._fuzzy_keys: list[str] = []
        self._fuzzy_owner: list[WatchActor] = []
        self._holders: dict[str, list[tuple[WatchActor, Role]]] = {}  # role title → who holds it
        # Aliases of a party that are people ("David Jones" of the United Kingdom): alias words → alias; and
        # their surnames → the (party, alias) pairs that share them, so "Mr Jones" finds him.
        self._person_aliases: dict[tuple[str, ...], tuple[str, str]] = {}  # words → (party, alias)
        # (a list in watchlist order, not a set: two spellings of one surname's owner, "Alexei" and "Alexey",
        # must resolve the same way on every run)
        self._surnames: dict[str, list[tuple[str, str]]] = {}
        if watchlist is not None:
            for actor in watchlist.actors:
                for alias in (actor.name, *actor.aliases) if actor.kind == "person" else actor.aliases:
                    if actor.kind == "person" or reads_as_personal_name(alias):
                        if actor.kind != "person":
                            words = tuple(t.norm for t in tokenize(alias))
                            self._person_aliases[words] = (actor.party, alias)
                        surname = alias.split()[-1]
                        if len(alias.split()) > 1 and surname[:1].isupper():
                            owners = self._surnames.setdefault(surname.lower(), [])
                            if (actor.party, alias) not in owners:
                                owners.append((actor.party, alias))
            for actor in watchlist.actors:
                self._by_name[actor.name] = actor
                self._add(actor.name, actor, "name")
                for alias in actor.aliases:
                    self._add(alias, actor, "alias")
                for adjective in actor.adjectives:
                    self._add(adjective, actor, "adjective")
                for place in actor.places:
                    self._add(place, actor, "place")
                for anaphor in actor.anaphors:
                    self._add(anaphor, actor, "anaphor")
                for role in actor.roles:
                    self._add(role.title, actor, "role", role)
                    self._holders.setdefault(role.title.lower(), []).append((actor, role))
                for name in (actor.name, *actor.aliases):
                    if len(name) >= 5 and name[:1].isupper():
                        self._fuzzy_names.append(name)
                        self._fuzzy_keys.append(_phonetic(name))
                        self._fuzzy_owner.append(actor)
        for entries in self._index.values():
            entries.sort(key=lambda e: -len(e.words))
        names = sorted(
            {n for a in (watchlist.actors if watchlist else ()) for n in (a.name, *a.aliases)},
            key=len,
            reverse=True,
        )
        # Finds whether a sentence names any watched actor at all, before tokenizing it.
        self.name_pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b") if names else None
        self._cache: dict[tuple[str, date | None], Resolution | None] = {}

    def _add(self, phrase: str, actor: WatchActor, via: MentionVia, role: Role | None = None) -> None:
        words = tuple(t.norm for t in tokenize(phrase))
        if not words:
            return
        letters = [c for c in phrase if c.isalpha()]
        # Short all-caps aliases (US, PA, UN, PM) must not match "us", "pa", "un".
        case_sensitive = bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 4
        word_like = len(words) == 1 and phrase[:1].isupper() and words[0] in _common_words()
        entry = _Entry(words, actor, via, case_sensitive, role, word_like)
        self._index.setdefault(words[0], []).append(entry)
        if words[0] == "the" and len(words) > 1 and via != "anaphor":
            # "the Lords", "the opposition": descriptions lose their article before matching
            bare = _Entry(words[1:], actor, via, case_sensitive, role, word_like)
            self._index.setdefault(words[1], []).append(bare)

    def actor(self, name: str) -> WatchActor | None:
        return self._by_name.get(name)

    def party_of(self, name: str) -> str:
        actor = self._by_name.get(name)
        return actor.party if actor is not None else name

    # --- mentions -------------------------------------------------------------------------------------

    def mentions(self, tokens: Sequence[Token], start: int = 0, end: int | None = None) -> list[Mention]:
        """Watchlist actors named in ``tokens[start:end]``, longest match first, left to right."""
        found: list[Mention] = []
        if not self._index:
            return found
        stop = len(tokens) if end is None else min(end, len(tokens))
        norms = [t.norm for t in tokens[:stop]]
        index = self._index
        if index.keys().isdisjoint(norms[start:]):
            return found
        i = start
        while i < stop:
            entries = index.get(norms[i])
            hit = None
            if entries:
                for entry in entries:
                    n = len(entry.words)
                    if i + n > stop:
                        continue
                    if (
                        (n == 1 or tuple(norms[i : i + n]) == entry.words)
                        and (not entry.case_sensitive or all(tokens[i + k].text.isupper() for k in range(n)))
                        and (not entry.word_like or _reads_as_name(tokens, i))
                    ):
                        hit = entry
                        break
            if hit is None:
                i += 1
                continue
            last = i + len(hit.words) - 1
            possessive = last + 1 < stop and (
                tokens[last + 1].norm == "'s"
                or (tokens[last + 1].norm == "'" and tokens[last].norm.endswith("s"))
            )
            found.append(
                Mention(i, last, tokens[i].start, tokens[last].end, hit.actor, hit.via, possessive, hit.role)
            )
            i = last + 1
        return found

    # --- resolution -------------------------------------------------------------------------------------

    def resolve(self, text: str, day: date | None = None) -> Resolution | None:
        """Resolve a speaker/subject description; None for empty text."""
        key = (text, day)
        if key in self._cache:
            return self._cache[key]
        found = self._resolve(text, day)
        if len(self._cache) > 20_000:
            self._cache.clear()
        self._cache[key] = found
        return found

    def _resolve(self, text: str, day: date | None) -> Resolution | None:
        description = normalise_description(text)
        if not description:
            return None
        tokens = tokenize(description)
        mentions = self.mentions(tokens)
        whole = self.mentions(tokenize(text)) if description != text else mentions
        # A person named anywhere in the speaker ("the US envoy to the Middle East, Steve Witkoff") wins.
        for m in whole:
            if m.actor.kind == "person" and m.via in ("name", "alias"):
                return Resolution(
                    m.actor.party, m.actor.name, "canonical", "person", "alias", gender=m.actor.gender
                )
        person = self._person_alias(text)
        if person is not None:
            return person
        named = any(m.via in ("name", "alias") for m in mentions)
        if is_media(text):
            return Resolution(description, None, "discovered", "source", "media", 0.5)
        declared = tuple(m.actor.name for m in whole if m.via == "anaphor")
        anaphor = None if named else ("organisation" if declared else anaphor_kind(text))
        if anaphor is not None:
            return Resolution(
                "", description, "discovered", anaphor, "anaphor", 0.0, anaphor=anaphor, anaphor_of=declared
            )
        found = self._from_mentions(mentions, description, day)
        if found is not None:
            return found
        fuzzy = self._fuzzy(tokens, description)
        if fuzzy is not None:
            return fuzzy
        return self._discovered(tokens, description, full_text=text)

    def _person_alias(self, text: str) -> Resolution | None:
        """A party's alias that is a person ("David Jones", listed under the United Kingdom) named in the
        speaker, or such a person's surname alone or after a courtesy title ("Jones", "Mr Jones") when only
        one party's people have it: a person of that party, so a later "he" can refer to them."""
        if not self._person_aliases and not self._surnames:
            return None
        tokens = tokenize(text)
        norms = [t.norm for t in tokens]
        for n in range(min(5, len(norms)), 1, -1):  # the longest alias first
            for i in range(len(norms) - n + 1):
                owner = self._person_aliases.get(tuple(norms[i : i + n]))
                if owner is not None:
                    party, alias = owner
                    return Resolution(party, alias, "canonical", "person", "alias", gender=name_gender(alias))
        names = [t for t in tokens if t.norm.isalpha() and t.norm not in _COURTESY_TITLES]
        if len(names) == 1 and names[0].capitalised and len(tokens) <= 2:
            owners = self._surnames.get(names[0].norm, [])
            if len({party for party, _ in owners}) == 1:
                party, alias = max(owners, key=lambda owner: len(owner[1]))
                gender = name_gender(text) or name_gender(alias)
                return Resolution(party, alias, "canonical", "person", "surname", 0.85, gender=gender)
        return None

    def _from_mentions(
        self, mentions: list[Mention], description: str, day: date | None
    ) -> Resolution | None:
        if not mentions:
            return None
        parties = {m.actor.party for m in mentions if m.via in ("name", "alias", "adjective", "place")}
        # 1. a named person
        for m in mentions:
            if m.actor.kind == "person" and m.via in ("name", "alias"):
                return Resolution(
                    m.actor.party, m.actor.name, "canonical", "person", "alias", gender=m.actor.gender
                )
        # 2. a role whose holder's party the description names ("US envoy", "Israel's prime minister")
        for m in mentions:
            if m.via != "role" or m.role is None:
                continue
            # several actors may hold a title ("president"): the one whose party the description names
            for actor, role in self._holders.get(m.role.title.lower(), ()):
                if role.holds_on(day) and actor.party in parties:
                    return Resolution(
                        actor.party, actor.name, "canonical", "person", "role", gender=actor.gender
                    )
        # 3. an organisation or country named inside the description ("senior Hamas official")
        anaphor_only = all(m.via == "anaphor" for m in mentions)
        tokens = tokenize(description)
        for via in (("name", "alias"), ("adjective", "place")):
            for m in mentions:
                if via[0] == "adjective" and (_own_proper_name(tokens, m) or _population(tokens, m)):
                    continue  # "American Health Care Act", "Scottish Greens"; "Scottish voters": no party
                if m.via in via and m.actor.kind != "person":
                    exact = m.first == 0 and m.last == len(tokens) - 1 and via[0] == "name"
                    speaker = None if exact else description
                    rule = "alias" if via[0] == "name" else "affiliation"
                    if m.via in ("name", "alias") and exact:
                        speaker = None
                    return Resolution(m.actor.party, speaker, "canonical", m.actor.kind, rule, 0.95)
        if anaphor_only:
            declared = tuple(m.actor.name for m in mentions)
            return Resolution(
                "",
                description,
                "discovered",
                "organisation",
                "anaphor",
                0.0,
                anaphor="organisation",
                anaphor_of=declared,
            )
        return None

    def _fuzzy(self, tokens: Sequence[Token], description: str) -> Resolution | None:
        """A capitalised name close to a watchlist name ("Whitcoff" ~ "Witkoff"), kept as a candidate."""
        if not self._fuzzy_names:
            return None
        name = _proper_name(tokens)
        if name is None or len(name) < 5:
            return None
        key = _phonetic(name)
        best = process.extractOne(key, self._fuzzy_keys, scorer=fuzz.ratio)
        raw = process.extractOne(name, self._fuzzy_names, scorer=fuzz.ratio)
        choice: tuple[WatchActor, float] | None = None
        if best is not None and best[1] >= self.fuzzy_cutoff:
            choice = (self._fuzzy_owner[best[2]], float(best[1]))
        if raw is not None and raw[1] >= self.fuzzy_cutoff and (choice is None or raw[1] > choice[1]):
            choice = (self._fuzzy_owner[raw[2]], float(raw[1]))
        if choice is None:
            return None
        actor, score = choice
        speaker = actor.name if actor.kind == "person" else None
        return Resolution(
            actor.party,
            speaker,
            "canonical",
            actor.kind,
            "fuzzy",
            score / 100.0,
            candidate=(name, actor.name, round(score / 100.0, 3)),
        )

    def _discovered(self, tokens: Sequence[Token], description: str, full_text: str) -> Resolution | None:
        """No watchlist match: a proper name as written, or a description with its nationality/affiliation."""
        whole = tokenize(full_text)
        nationality = _nationality(whole)
        person = _person_after_title(whole)
        if person is not None:
            # Without a watchlist a person speaks for their country when the text gives one, else themself.
            return Resolution(nationality or person, person, "discovered", "person", "title-name", 0.7)
        name = _proper_name(tokens)
        has_title = any(t.norm in title_words() for t in tokens)
        if name is not None and nationality is not None and (name.lower(),) in _nationalities():
            # "Ukrainian anti-corruption bodies", "European governments": the adjective names the country
            return Resolution(nationality, description, "discovered", "country", "nationality", 0.6)
        if name is not None and not has_title:
            # A person's affiliation may follow in an apposition: "Basem Naim, a member of Hamas's bureau".
            affiliation = self._affiliation(full_text, name)
            if affiliation is not None:
                return Resolution(affiliation, name, "canonical", "person", "apposition", 0.8)
            return Resolution(name, None, "discovered", "unknown", "proper-name", 0.7)
        if has_title:
            org = _proper_name(tokens, skip_nationalities=True)
            if org is not None:
                return Resolution(org, description, "discovered", "organisation", "affiliation", 0.7)
            if nationality is not None:
                return Resolution(nationality, description, "discovered", "country", "nationality", 0.7)
            return described(description)
        if nationality is not None:
            return Resolution(nationality, description, "discovered", "country", "nationality", 0.6)
        return None

    def _affiliation(self, full_text: str, name: str) -> str | None:
        head, _, rest = full_text.partition(",")
        if not rest or name not in head:
            return None
        mentions = [m for m in self.mentions(tokenize(rest)) if m.via in ("name", "alias", "adjective")]
        return mentions[0].actor.party if mentions else None


# Small words inside a proper name ("Observatory for Human Rights", "Bank of England").
_NAME_LINKS = frozenset({"of", "for", "and", "the", "on", "in", "de", "al"})


def _own_proper_name(tokens: Sequence[Token], mention: Mention) -> bool:
    """Whether an adjective or place names part of a proper name of its own rather than an affiliation:
    the words after it are a chain of capitalised words, none a title ("American Health Care Act",
    "Scottish Greens", "Washington Post"), while "Malaysian police", "Russian Foreign Minister Sergey
    Lavrov" and "the Scottish first minister" are affiliations (``tokens``: the description's)."""
    after = [t for t in tokens[mention.last + 1 :] if t.norm.isalpha() and t.norm not in _NAME_LINKS]
    # a chain of capitalised words, none a title: "Health Care Act", "Observatory for Human Rights"
    return bool(after) and all(t.capitalised and t.norm not in title_words() for t in after)


# Courtesy titles before a surname ("Mr Jones", "Ms Sturgeon"): not part of the name to look up.
_COURTESY_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "lord", "lady", "baroness", "madam"})
# Small words inside a personal name ("Abu Bakar", "bin Salman", "de Mistura").
_NAME_PARTICLES = frozenset({"al", "el", "bin", "ibn", "de", "di", "da", "van", "von", "abu", "abd", "le"})


def reads_as_personal_name(alias: str) -> bool:
    """Whether a party's alias is a person's name: two to five capitalised words (name particles allowed),
    none a title or body word, opening with a courtesy title or a given name the name dictionary knows
    ("David Jones", "Lord Bridges", "Abdul Samah Mat"; not "Downing Street", "Foreign Office")."""
    words = alias.replace("-", " ").split()
    if not 2 <= len(words) <= 5:
        return False
    if any(not (w[:1].isupper() or w.lower() in _NAME_PARTICLES) for w in words):
        return False
    if any(w.lower() in title_words() for w in words):
        return False
    first = words[0].lower().rstrip(".")
    return first in _COURTESY_TITLES or name_gender(words[0]) is not None or is_given_name(words[0])


def _population(tokens: Sequence[Token], mention: Mention) -> bool:
    """Whether an adjective or place qualifies people rather than the party's own bodies: the head after it
    is a lower-case noun that no holder title is ("Scottish voters", "Russian people", "British
    businesses"), while "Malaysian police" and "Russian diplomats" speak for their party."""
    after = [t for t in tokens[mention.last + 1 :] if t.norm.isalpha()]
    if not after:
        return False
    head = after[-1]
    return not head.capitalised and head.norm not in title_words()


def described(description: str) -> Resolution:
    """A speaker known only by a description ("leaders", "the FBI"): a discovered actor named by it."""
    return Resolution(description, description, "discovered", "unknown", "description", 0.5)


def anaphor_kind(text: str) -> str | None:
    """What an anaphoric speaker refers back to ("the group" → organisation, "he" → person, "the official"
    → the speaker named before), or None for a description that names someone."""
    norms = tuple(t.norm for t in tokenize(text.strip()))
    if not norms:
        return None
    if norms in _anaphors():
        return _anaphors()[norms]
    if len(norms) == 1 and norms[0] in _PRONOUNS:
        return _PRONOUNS[norms[0]]
    # "the official", "the senior official", "the two sources": definite, no name, ends in a title.
    if (
        norms[0] == "the"
        and norms[-1] in title_words()
        and len(norms) <= 4
        and not any(t[:1].isupper() for t in text.split()[1:])
    ):
        return "speaker"
    return None


def _nationality(tokens: Sequence[Token]) -> str | None:
    table = _nationalities()
    for i, token in enumerate(tokens):
        if not token.capitalised:
            continue
        pair = (token.norm, tokens[i + 1].norm) if i + 1 < len(tokens) else None
        if pair is not None and pair in table:
            return table[pair]
        if (token.norm,) in table:
            return table[(token.norm,)]
    return None


def _person_after_title(tokens: Sequence[Token]) -> str | None:
    """ "Israeli Prime Minister Benjamin Netanyahu" → "Benjamin Netanyahu": capitalised words after a
    capitalised title, or after a description and a comma ("the US envoy, Steve Witkoff")."""
    titles = title_words()
    for i in range(len(tokens) - 1, -1, -1):
        token = tokens[i]
        if (token.capitalised and token.norm in titles) or (token.norm == "," and i > 0):
            name = _proper_name(tokens[i + 1 :])
            if name is not None and len(name.split()) >= 2 and tokens[i + 1].capitalised:
                return name
    return None


def _proper_name(
    tokens: Sequence[Token], skip_nationalities: bool = False, stop_at_title: bool = False
) -> str | None:
    """The last run of capitalised words, the head of a description ("Presidential candidate Hillary
    Clinton" → "Hillary Clinton", "a senior Hamas official" → "Hamas"); honorifics and titles dropped.
    None for all-caps text, where capitals say nothing."""
    letters = [t for t in tokens if t.text[:1].isalpha()]
    if letters and sum(t.text.isupper() and len(t.text) > 1 for t in letters) > 0.6 * len(letters):
        return None
    nationalities = _nationalities()
    titles = title_words()
    runs: list[list[Token]] = []
    run: list[Token] = []
    for token in tokens:
        capital = (
            token.capitalised and token.norm not in _not_names() and _NAME_WORD.match(token.text) is not None
        )
        if capital and skip_nationalities and (token.norm,) in nationalities:
            capital = False
        if capital and token.norm in titles:
            capital = False  # "Prime Minister", "Leader": a title, not the name
        if capital or (run and (token.norm in _LOWER_NAME_PARTS or token.norm == ".")):
            run.append(token)
        else:
            if run:
                runs.append(run)
                if stop_at_title:
                    break
            run = []
    if run:
        runs.append(run)
    for found in reversed(runs):
        while found and (found[-1].norm in _LOWER_NAME_PARTS or found[-1].norm == "."):
            found.pop()
        if found:
            return " ".join(t.text for t in found).replace(" .", ".")
    return None


class Coreference:
    """Remembers who an article has named, to resolve "the group", "he", "the official", "the source"."""

    def __init__(self) -> None:
        self.last_organisation: Resolution | None = None
        self.last_person: Resolution | None = None
        self.last_speaker: Resolution | None = None
        self.speakers: list[tuple[str, Resolution]] = []  # (description as written, resolution)
        self.recent: dict[str, tuple[int, Resolution]] = {}  # watchlist actor name → (order, resolution)
        self.persons: list[Resolution] = []  # every person named, in order: antecedents for "he"/"she"
        self._order = 0

    def note(self, resolution: Resolution, written: str = "") -> None:
        """Record a resolved actor the text has named."""
        if not resolution.resolved:
            return
        if resolution.kind == "person":
            self.last_person = resolution
            self.persons.append(resolution)
        elif resolution.kind in ("organisation", "group", "country") and resolution.speaker is None:
            self.last_organisation = resolution
        if written:
            self.last_speaker = resolution
            self.speakers.append((written.lower(), resolution))

    def note_mention(self, mention: Mention) -> None:
        """An actor named in passing (not as a speaker): a candidate antecedent for anaphors."""
        if mention.via in ("name", "alias"):
            self._order += 1
            self.recent[mention.actor.name] = (
                self._order,
                Resolution(
                    mention.actor.party,
                    mention.actor.name if mention.actor.kind == "person" else None,
                    "canonical",
                    mention.actor.kind,
                    "mention",
                ),
            )
            res = Resolution(
                mention.actor.party,
                mention.actor.name if mention.actor.kind == "person" else None,
                "canonical",
                mention.actor.kind,
                "mention",
                gender=mention.actor.gender,
            )
            if mention.actor.kind == "person":
                self.last_person = res
                self.persons.append(res)
            elif mention.actor.kind in ("organisation", "group"):
                self.last_organisation = res

    def _agreeing_person(self, wanted: Gender) -> Resolution | None:
        """ "he"/"she": the latest person named whose gender agrees ("coreference-agrees"); else the latest
        whose gender is unknown ("coreference": agreement unchecked); never one of the other gender."""
        unknown: Resolution | None = None
        for res in reversed(self.persons):
            gender = res.person_gender
            if gender == wanted:
                return Resolution(
                    res.actor, res.speaker, res.status, res.kind, "coreference-agrees", 0.85, gender=gender
                )
            if gender is None and unknown is None:
                unknown = res
        if unknown is None:
            return None
        return Resolution(unknown.actor, unknown.speaker, unknown.status, unknown.kind, "coreference", 0.8)

    def _latest(self, kind: str | None, head: str) -> Resolution | None:
        """The latest actor of the kind an anaphor needs ("the official": the last speaker called so)."""
        if kind == "organisation":
            return self.last_organisation
        if kind == "person":
            return self.last_person
        if kind == "speaker":
            for description, res in reversed(self.speakers):
                if head and head in description:
                    return res
            return self.last_speaker
        if kind == "country":
            return None
        return self.last_speaker or self.last_organisation

    def resolve(self, anaphoric: Resolution, written: str = "") -> Resolution | None:
        """The antecedent of an anaphor, or None when the article has named nobody fitting."""
        kind = anaphoric.anaphor
        head = written.lower().split()[-1] if written.split() else ""
        wanted = pronoun_gender(written)
        if wanted is not None and kind == "person":
            return self._agreeing_person(wanted)
        found: Resolution | None = None
        if anaphoric.anaphor_of:
            seen = [self.recent[name] for name in anaphoric.anaphor_of if name in self.recent]
            if seen:
                found = max(seen, key=lambda item: item[0])[1]
            elif len(anaphoric.anaphor_of) == 1:
                return None  # "the movement" means Hamas, and the article has not named Hamas yet
        if found is None:
            found = self._latest(kind, head)
        if found is None:
            return None
        return Resolution(found.actor, found.speaker, found.status, found.kind, "coreference", 0.8)
