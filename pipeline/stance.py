"""Stance cues: verbs and phrases that say an actor accepts, rejects, demands… something.

The lexicon is data (``pipeline/data/stance_cues.tsv``: phrase, stance, form, weight) so a subject can
extend it. Verb phrases are inflected here (accept → accepts, accepted, accepting; irregular forms come
from ``stance_verb_forms.tsv``), and a cue's polarity is checked against the negators just before it:
"did not reject" is not a rejection, "never accepted" is a denial.

Also the tokenizer the claim stages share: words with character offsets, apostrophes normalised and
contractions split ("We’ll" → we, will; "isn’t" → is, not; "Hamas’s" → hamas, 's).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from pipeline.models import STANCES
from pipeline.wordlists import data_lines

__all__ = [
    "Cue",
    "Lexicon",
    "Token",
    "default_lexicon",
    "find_cues",
    "inflect_verb",
    "load_lexicon",
    "reported_change_in",
    "reported_changes",
    "tokenize",
]

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"

_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"', "″": '"'})
_CONTRACTIONS = (
    ("n't", "not"),
    ("'ll", "will"),
    ("'re", "are"),
    ("'ve", "have"),
    ("'d", "would"),
    ("'m", "am"),
)
_IS_CONTRACTED = frozenset({"it", "he", "she", "that", "there", "what", "who", "where", "here", "this"})
_IRREGULAR_NOT = {"won": "will", "can": "can", "shan": "shall", "ain": "is"}


class Token(NamedTuple):
    """A word or punctuation mark; ``norm`` is lower-cased with plain apostrophes; offsets into the text.

    A named tuple, not a dataclass: tokens are made by the hundred thousand and this is the cheapest.
    """

    text: str
    norm: str
    start: int
    end: int

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


# ``Token(...)`` goes through the named tuple's Python-level ``__new__``; building the tuple directly is
# the same object at half the cost, and tokens are made by the hundred thousand.
_new_token = tuple.__new__


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Words and punctuation of ``text`` with offsets (plus ``offset``), contractions split."""
    lowered = text.lower().translate(_APOSTROPHES)
    if len(lowered) != len(text):  # a character whose lower case is longer ("İ"): go token by token
        return _tokenize_slowly(text, offset)
    tokens: list[Token] = []
    append = tokens.append
    if "'" not in lowered:  # most sentences: no contraction to split, so no check per token
        for match in _TOKEN.finditer(lowered):
            start, end = match.span()
            append(_new_token(Token, (text[start:end], match.group(), start + offset, end + offset)))
        return tokens
    for match in _TOKEN.finditer(lowered):
        start, end = match.span()
        norm = match.group()
        if "'" in norm and len(norm) > 1:
            tokens.extend(_split_contraction(text[start:end], norm, start + offset))
            continue
        append(_new_token(Token, (text[start:end], norm, start + offset, end + offset)))
    return tokens


def _tokenize_slowly(text: str, offset: int) -> list[Token]:
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        raw = match.group()
        start = match.start() + offset
        norm = raw.lower().translate(_APOSTROPHES)
        if "'" in norm and len(norm) > 1:
            tokens.extend(_split_contraction(raw, norm, start))
            continue
        tokens.append(Token(raw, norm, start, start + len(raw)))
    return tokens


def _split_contraction(raw: str, norm: str, start: int) -> list[Token]:
    if norm.endswith("'s"):
        cut = len(norm) - 2
        if norm[:cut] in _IS_CONTRACTED:  # "it's", "there's": is, not a possessive
            return [
                Token(raw[:cut], norm[:cut], start, start + cut),
                Token(raw[cut:], "is", start + cut, start + len(raw)),
            ]
        return [
            Token(raw[:cut], norm[:cut], start, start + cut),
            Token(raw[cut:], "'s", start + cut, start + len(raw)),
        ]
    for suffix, full in _CONTRACTIONS:
        if norm.endswith(suffix) and len(norm) > len(suffix):
            cut = len(norm) - len(suffix)
            base = norm[:cut]
            if suffix == "n't":
                base = _IRREGULAR_NOT.get(base, base)
            return [
                Token(raw[:cut], base, start, start + cut),
                Token(raw[cut:], full, start + cut, start + len(raw)),
            ]
    return [Token(raw, norm, start, start + len(raw))]


@dataclass(frozen=True, slots=True)
class Cue:
    """A stance cue found in a token list: tokens [first, last] inclusive, stance after negation."""

    first: int
    last: int
    stance: str
    weight: float
    form: str  # verb, modal, noun, adjective, phrase
    phrase: str  # the lexicon entry that matched
    negated: bool = False
    lexical_stance: str = ""  # the stance before negation changed it


@dataclass(frozen=True, slots=True)
class _Entry:
    words: tuple[str, ...]
    stance: str
    form: str
    weight: float
    phrase: str


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Inflected cue phrases indexed by their first word, longest first."""

    by_first: dict[str, tuple[_Entry, ...]]
    negated: dict[str, str]  # stance → stance when a negator precedes the cue
    # One telling word per cue ("table" for "on the table"): a sentence holding none of them has no cue.
    keys: frozenset[str] = frozenset()

    @property
    def first_words(self) -> frozenset[str]:
        return frozenset(self.by_first)


# What a negated cue becomes: "did not accept" rejects, "never accepted" denies (handled apart),
# "did not reject" leaves only a plain statement.
_NEGATED: dict[str, str] = {
    "accept": "reject",
    "support": "reject",
    "commit": "reject",
    "propose": "claim",
    "reject": "claim",
    "deny": "claim",
    "accuse": "claim",
    "threaten": "claim",
    "demand": "claim",
    "consider": "reject",
    "claim": "claim",
}
_NEGATORS = frozenset(
    {"not", "never", "no", "neither", "nor", "without", "refused", "refuses", "refuse", "declined"}
)
# Words allowed between a negator and its cue: "did not yet accept", "has never publicly endorsed".
_NEGATION_GAP = frozenset(
    {
        "yet",
        "ever",
        "publicly",
        "formally",
        "officially",
        "fully",
        "explicitly",
        "be",
        "been",
        "have",
        "has",
        "to",
        "really",
        "even",
        "once",
        "previously",
        "immediately",
        "at",
        "all",
    }
)


@dataclass(frozen=True, slots=True)
class ReportedChange:
    """A phrase with which a text reports that its holder moved ("backed down", "no longer insists")."""

    phrase: str
    to_stance: str | None  # None: the phrase does not say where to ("reversed its position")
    from_stance: str | None
    form: str
    words: tuple[tuple[str, ...], ...]  # its inflected variants, as token norms


# The weight of a reported-change phrase as a stance cue: the text states the move outright.
REPORTED_CHANGE_WEIGHT = 0.85


@lru_cache(maxsize=1)
def reported_changes() -> dict[str, ReportedChange]:
    """``data/reported_change_cues.tsv`` by phrase (phrase, to-stance, from-stance, form; '-' for none)."""
    forms = _irregular_forms()
    found: dict[str, ReportedChange] = {}
    path = DATA / "reported_change_cues.tsv"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) != 4 or any(f not in (*STANCES, "-") for f in fields[1:3]):
            log.warning("%s:%d: skipped (want phrase<TAB>to<TAB>from<TAB>form): %r", path, number, line)
            continue
        phrase, to, source, form = fields
        variants = tuple(tuple(t.norm for t in tokenize(v)) for v in _inflect(phrase.lower(), form, forms))
        found[phrase.lower()] = ReportedChange(
            phrase.lower(), None if to == "-" else to, None if source == "-" else source, form, variants
        )
    return found


def reported_change_in(tokens: Sequence[Token]) -> ReportedChange | None:
    """The first reported-change phrase among ``tokens``, if any."""
    norms = [t.norm for t in tokens]
    for change in reported_changes().values():
        for words in change.words:
            n = len(words)
            if any(tuple(norms[i : i + n]) == words for i in range(len(norms) - n + 1)):
                return change
    return None


def load_lexicon(paths: Iterable[Path] | None = None) -> Lexicon:
    """Read cue TSV files (phrase, stance, form, weight); later files extend earlier ones. The default
    lexicon also holds the reported-change phrases that say where their holder moved to."""
    forms = _load_verb_forms(DATA / "stance_verb_forms.tsv")
    entries: dict[tuple[str, ...], _Entry] = {}
    if paths is None:
        for change in reported_changes().values():
            if change.to_stance is not None:
                for words in change.words:
                    if words:
                        entries[words] = _Entry(
                            words, change.to_stance, change.form, REPORTED_CHANGE_WEIGHT, change.phrase
                        )
    for path in paths if paths is not None else [DATA / "stance_cues.tsv"]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) < 2 or fields[1].strip() not in STANCES:
                log.warning(
                    "%s:%d: skipped cue line (want phrase<TAB>stance[<TAB>form<TAB>weight]): %r",
                    path,
                    number,
                    line,
                )
                continue
            phrase, stance = fields[0].strip().lower(), fields[1].strip()
            form = fields[2].strip() if len(fields) > 2 and fields[2].strip() else "phrase"
            try:
                weight = float(fields[3]) if len(fields) > 3 and fields[3].strip() else 0.8
            except ValueError:
                log.warning("%s:%d: weight is not a number, using 0.8: %r", path, number, fields[3])
                weight = 0.8
            for variant in _inflect(phrase, form, forms):
                words = tuple(t.norm for t in tokenize(variant))
                if words:
                    entries[words] = _Entry(words, stance, form, weight, phrase)
    by_first: dict[str, list[_Entry]] = {}
    for entry in entries.values():
        by_first.setdefault(entry.words[0], []).append(entry)
    return Lexicon(
        by_first={k: tuple(sorted(v, key=lambda e: -len(e.words))) for k, v in by_first.items()},
        negated=dict(_NEGATED),
        keys=frozenset(_key_word(entry.words) for entry in entries.values()),
    )


_COMMON = frozenset(
    {
        "a",
        "an",
        "the",
        "to",
        "of",
        "in",
        "on",
        "at",
        "as",
        "for",
        "by",
        "with",
        "and",
        "or",
        "no",
        "not",
        "will",
        "would",
        "be",
        "is",
        "are",
        "has",
        "have",
        "its",
        "their",
        "there",
        "that",
        "this",
        "only",
        "must",
        "should",
        "can",
        "could",
    }
)


def _key_word(words: tuple[str, ...]) -> str:
    """The word a sentence must contain for the cue to match: its longest plain word."""
    plain = [w for w in words if w.isalpha() and w not in _COMMON]
    return max(plain, key=len) if plain else words[0]


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return load_lexicon()


def inflect_verb(verb: str) -> tuple[str, ...]:
    """Every surface form of a verb: "accept" → accept, accepts, accepted, accepting ("say" → said…)."""
    return _verb_forms(verb, _irregular_forms())


@lru_cache(maxsize=1)
def _irregular_forms() -> dict[str, tuple[str, ...]]:
    return _load_verb_forms(DATA / "stance_verb_forms.tsv")


def _load_verb_forms(path: Path) -> dict[str, tuple[str, ...]]:
    forms: dict[str, tuple[str, ...]] = {}
    if not path.exists():
        return forms
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words = line.split()
            forms[words[0]] = tuple(words)
    return forms


def _verb_forms(verb: str, irregular: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    if verb in irregular:
        return irregular[verb]
    if verb.endswith(("ee", "ye")):
        return verb, verb + "s", verb + "d", verb + "ing"
    if verb.endswith("e"):
        return verb, verb + "s", verb + "d", verb[:-1] + "ing"
    if verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
        return verb, verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"
    if verb.endswith(("s", "sh", "ch", "x", "z")):
        return verb, verb + "es", verb + "ed", verb + "ing"
    if _doubles_final_consonant(verb):
        return verb, verb + "s", verb + verb[-1] + "ed", verb + verb[-1] + "ing"  # slam → slammed
    return verb, verb + "s", verb + "ed", verb + "ing"


def _doubles_final_consonant(verb: str) -> bool:
    """A one-syllable verb ending consonant-vowel-consonant doubles it: ban, slam, scrap, stop, plan."""
    vowels = "aeiou"
    groups = sum(1 for i, c in enumerate(verb) if c in vowels and (i == 0 or verb[i - 1] not in vowels))
    return (
        groups == 1
        and len(verb) >= 3
        and verb[-1] not in vowels + "wxy"
        and verb[-2] in vowels
        and verb[-3] not in vowels
    )


def _inflect(phrase: str, form: str, irregular: dict[str, tuple[str, ...]]) -> list[str]:
    """All surface forms of a cue: the verb (first word) of a verb phrase in every tense."""
    if form != "verb":
        return [phrase]
    head, _, rest = phrase.partition(" ")
    return [f"{variant} {rest}".strip() for variant in _verb_forms(head, irregular)]


def find_cues(
    tokens: Sequence[Token], lexicon: Lexicon | None = None, start: int = 0, end: int | None = None
) -> list[Cue]:
    """Stance cues among ``tokens[start:end]``, longest match first, negation applied."""
    lexicon = lexicon or default_lexicon()
    stop = len(tokens) if end is None else min(end, len(tokens))
    cues: list[Cue] = []
    i = start
    while i < stop:
        candidates = lexicon.by_first.get(tokens[i].norm)
        matched = None
        if candidates:
            for entry in candidates:
                j = _match(tokens, i, stop, entry.words, adverbs=entry.form == "verb")
                if j is not None:
                    matched = (entry, j)
                    break
        if matched is None:
            i += 1
            continue
        entry, last = matched
        negator = _negator_before(tokens, i, start)
        if (
            negator is None
            and entry.form == "verb"
            and last + 1 < stop
            and tokens[last + 1].norm in {"no", "nothing"}
        ):
            negator = "no"  # "offered no concessions", "showed no sign of backing down"
        stance = entry.stance
        if negator is not None and not _has_own_negation(entry.words):
            stance = (
                "deny" if negator == "never" and entry.stance == "accept" else lexicon.negated[entry.stance]
            )
        elif stance in _FOR_STANCES and entry.form == "verb" and _open_modality(tokens, i, start):
            stance = "consider"  # "could accept", "has yet to endorse": weighing it, not holding it
        elif entry.stance == "threaten" and entry.form == "verb" and _warns_of_a_risk(tokens, last, stop):
            stance = "claim"  # "warned it could take two years": a forecast, not the holder's threat
        elif entry.stance == "consider" and entry.form == "verb" and _judges_as(tokens, last, stop):
            stance = "claim"  # "Moscow considered the meeting to be an important step": a judgement
        if entry.form in {"adjective", "phrase"} and stance in _AGAINST_JUDGEMENTS:
            stance = _judged_argument(tokens, i, last, start, stop) or stance
        cues.append(
            Cue(i, last, stance, entry.weight, entry.form, entry.phrase, negator is not None, entry.stance)
        )
        i = last + 1
    return _with_own_future(tokens, cues, start, stop)


# "will"/"would"/"shall" + a verb of one's own action: a commitment, weaker than a stance verb.
OWN_FUTURE_PHRASE = "will (own action)"
OWN_FUTURE_WEIGHT = 0.6
_FUTURE_MODALS = frozenset({"will", "would", "shall", "wo"})  # "wo": "won't" as the tokeniser splits it
# "will not <verb>" of one's own action: a refusal, as sure as a commitment is.
OWN_REFUSAL_PHRASE = "will not (own action)"
_FUTURE_PRONOUNS = frozenset({"i", "we", "he", "she", "they"})
# Words after the modal that make no action of the subject's: a state ("will be"), a negation, a passive.
_NOT_AN_ACTION = frozenset(
    {"be", "have", "not", "never", "no", "also", "likely", "probably", "get", "need", "continue", "remain"}
)


# Adverbs of time between the modal and its verb: "will now be allowed", "would soon announce".
_TIME_ADVERBS = frozenset({"now", "soon", "then", "still", "later", "finally", "eventually", "again"})


# Verbs after "it will" that no agent performs ("it will take two years", "it will cost", "it will help").
_NOT_AGENTIVE = frozenset(
    {
        "take",
        "cost",
        "mean",
        "cause",
        "help",
        "depend",
        "happen",
        "come",
        "last",
        "become",
        "make",
        "lead",
        "affect",
        "allow",
        "require",
        "see",
        "face",
        "hurt",
        "harm",
        "benefit",
        "end",
    }
)


@lru_cache(maxsize=1)
def _not_refusals() -> dict[str, str]:
    """``data/stance_not_refusals.tsv``: verb → "none" (no stance) or "commit" (refusing to leave)."""
    return dict(line.split("\t", 1) for line in data_lines("stance_not_refusals.tsv"))


@lru_cache(maxsize=1)
def _future_subjects() -> frozenset[str]:
    return frozenset(data_lines("stance_future_subjects.txt"))


def _with_own_future(tokens: Sequence[Token], cues: list[Cue], start: int, stop: int) -> list[Cue]:
    """``cues`` plus a commit cue for each "X will/would <verb>" where X names who acts (a pronoun, a
    name, a holder noun such as "the government") and no stance cue covers the verb: announcing one's own
    next step is a commitment ("May will trigger Article 50", "she would ask the Scottish Parliament")."""
    covered = {k for c in cues for k in range(c.first, c.last + 1)}
    added: list[Cue] = []
    for i in range(max(start, 1), stop - 1):
        if tokens[i].norm not in _FUTURE_MODALS or i in covered:
            continue
        verb = i + 1
        if (tokens[verb].norm.endswith("ly") or tokens[verb].norm in _TIME_ADVERBS) and verb + 1 < stop:
            verb += 1  # "will soon announce", "will now be allowed" (a passive: no action of the subject's)
        refusal = tokens[verb].norm == "not" and verb + 1 < stop
        stance = "commit"
        if refusal:
            verb += 1  # "will not release the body", "won't attend": refusing one's own next step
            stance = _not_refusals().get(tokens[verb].norm, "reject")
            if stance == "none":
                continue
        word = tokens[verb]
        if word.norm in _NOT_AN_ACTION or not word.norm.isalpha() or word.capitalised:
            continue
        if any(k in covered for k in range(verb, min(stop, verb + 3))):
            continue  # "will reject", "would not accept": the stance verb speaks for itself
        subject = tokens[i - 1]
        if not (
            subject.norm in _FUTURE_PRONOUNS
            or subject.norm in _future_subjects()
            or (subject.capitalised and subject.norm.isalpha() and i - 1 > start)
            or (subject.norm == "it" and word.norm not in _NOT_AGENTIVE)
        ):
            continue
        phrase = OWN_REFUSAL_PHRASE if refusal else OWN_FUTURE_PHRASE
        added.append(Cue(i, verb, stance, OWN_FUTURE_WEIGHT, "verb", phrase, refusal, "commit"))
    return sorted([*cues, *added], key=lambda c: c.first) if added else cues


def _match(
    tokens: Sequence[Token], i: int, stop: int, words: tuple[str, ...], adverbs: bool = False
) -> int | None:
    """Index of the last token when ``words`` match at ``i``; quote marks between words skipped, and with
    ``adverbs`` (verb phrases) an adverb too: "voted overwhelmingly against", "called repeatedly for"."""
    j = i
    for n, word in enumerate(words):
        while j < stop and (
            tokens[j].norm in {'"', "'"}
            or (adverbs and n > 0 and _is_adverb(tokens[j].norm) and tokens[j].norm != word)
        ):
            j += 1
        if j >= stop or tokens[j].norm != word:
            return None
        j += 1
    return j - 1


def _is_adverb(word: str) -> bool:
    return (
        len(word) > 4 and word.endswith("ly") and word not in {"only", "early", "likely", "daily", "family"}
    )


def _negated_subject(tokens: Sequence[Token], i: int, start: int) -> str | None:
    """ "No government could agree": a negated subject right before a modal negates the cue."""
    if i - 1 < start or tokens[i - 1].norm not in _MODALS:
        return None
    for j in range(i - 2, max(start, i - 5) - 1, -1):
        word = tokens[j].norm
        if word in {"no", "nobody", "none"}:
            return "no"
        if not word.isalpha():
            return None
    return None


# Stances that take the object's side; a hedge before their verb leaves the holder weighing it.
_FOR_STANCES = frozenset({"accept", "support", "commit"})
# Words right before a verb that leave its action open: "could accept", "might back", "has yet to endorse".
_OPEN_MODALS = frozenset({"could", "may", "might"})


# Modals of possibility that make a warning a forecast ("warned it could take two years").
_POSSIBILITY = frozenset({"could", "would", "may", "might", "can"})
# Subjects of one's own action: a warning that "we will respond" is a threat, not a forecast.
_OWN_SUBJECTS = frozenset({"i", "we", "us"})


def _warns_of_a_risk(tokens: Sequence[Token], last: int, stop: int) -> bool:
    """Whether a warning's clause forecasts what could happen rather than announcing the holder's own act:
    "warn (that) it/the deal/this could …", "warned of consequences" stays a threat only with "we"/"I"."""
    window = [t.norm for t in tokens[last + 1 : min(stop, last + 7)]]
    if window[:1] == ["that"]:
        window = window[1:]
    for k, word in enumerate(window[:5]):
        if word in _POSSIBILITY:
            return not any(w in _OWN_SUBJECTS for w in window[:k])
        if word in {",", ";", "."}:
            break
    return False


def _judges_as(tokens: Sequence[Token], last: int, stop: int) -> bool:
    """Whether "consider" judges something as something ("considered the meeting to be an important step",
    "considers it a success", "considered as …") rather than weighing whether to do it."""
    window = _outside_brackets([t.norm for t in tokens[last + 1 : stop]])[:9]
    for k, word in enumerate(window):
        if word in {",", ";", ".", "that", "whether", "how", "if"}:
            return False
        if word == "as" or (word == "to" and k + 1 < len(window) and window[k + 1] == "be"):
            return True
    return False


# Judging cues that go against what they judge: the ones that, said of an argument, judge the argument.
_AGAINST_JUDGEMENTS = frozenset({"reject", "deny"})
# Words that end the clause a judging cue's subject is looked for in.
_CLAUSE_ENDS = frozenset({".", ";", ":", "!", "?", "but", "while", "whereas"})
# Words back to a judging cue's subject, past a relative clause ("the reasons, that were …, are …").
_ARGUMENT_REACH = 25


@lru_cache(maxsize=1)
def _judged_arguments() -> dict[str, str]:
    return dict(line.split("\t") for line in data_lines("stance_judged_arguments.tsv"))


def _judged_argument(tokens: Sequence[Token], first: int, last: int, start: int, stop: int) -> str | None:
    """The stance a judging cue takes when what it judges is another party's argument: its subject ("the
    reasons … are not convincing") or, after a verb of calling, its object ("called the accusations
    absurd"). None when it judges something else."""
    arguments = _judged_arguments()
    for j in range(first - 1, max(start, first - _ARGUMENT_REACH) - 1, -1):
        word = tokens[j].norm
        if word in _CLAUSE_ENDS:
            break
        if word in arguments:
            return arguments[word]
    return None


def _outside_brackets(words: Sequence[str]) -> list[str]:
    """The words outside parentheses: an aside ("the meeting (held on January 23-24) to be …") does not
    lengthen the distance between a verb and its complement."""
    kept: list[str] = []
    depth = 0
    for word in words:
        if word == "(":
            depth += 1
        elif word == ")" and depth:
            depth -= 1
        elif not depth:
            kept.append(word)
    return kept


def _open_modality(tokens: Sequence[Token], i: int, start: int) -> bool:
    """Whether the verb at ``i`` is hedged: a possibility modal ("may", "could", "might") within two words
    before it, or "yet to" ("has yet to accept") just before it."""
    before = [t.norm for t in tokens[max(start, i - 3) : i]]
    if before[-2:] == ["yet", "to"]:
        return True
    return any(word in _OPEN_MODALS for word in before[-2:])


def _has_own_negation(words: tuple[str, ...]) -> bool:
    return any(w in _NEGATORS or (w.startswith("un") and len(w) > 8) for w in words)


_MODALS = frozenset({"could", "would", "can", "will", "should", "may", "might", "shall"})


def _negator_before(tokens: Sequence[Token], i: int, start: int) -> str | None:
    subject_negator = _negated_subject(tokens, i, start)
    if subject_negator is not None:
        return subject_negator
    j = i - 1
    gap = 0
    while j >= start and gap <= 3:
        word = tokens[j].norm
        if word in _NEGATORS:
            return word
        if (
            word not in _NEGATION_GAP
            and not word.endswith("ly")
            and word
            not in {
                "did",
                "does",
                "do",
                "will",
                "would",
                "could",
                "can",
                "should",
                "is",
                "are",
                "was",
                "were",
                "had",
            }
        ):
            return None
        j -= 1
        gap += 1
    return None
