"""Who said what: speaker attributions (cue → source → content) in an article, by rules over tokens.

For each sentence that contains a cue word (a set lookup of its words against the lexicon in
``data/speech_cues.tsv``: most sentences stop there), the cue is checked for a verbal use (not after
a determiner or possessive, not a capitalised name, not inside a quote) and its speaker is read from
the usual shapes of news prose:

- subject before the cue: "Basem Naim, a member of Hamas's political bureau, said …", "“…,” he said",
  "Hamas on Sunday said …", "Sen. Warren (D-MA) said", "Ted Cruz, who said …", headlines
  "Hamas says it is ready …";
- inversion after a quote or comma: "“…,” said one official in Jerusalem"; parentheticals
  "Hamas, the source said, is insisting …";
- "according to X", passives ("it was announced by X", "X was quoted as saying");
- participles: "…, saying …", "…, stating: “…”" (the speaker is the subject of the main clause);
- "Name: words" lines, possessed nouns of saying ("Trump’s claim that …");
- otherwise, the subject of the cue's clause, with low confidence (0.4): one guess per unexplained cue,
  so coordinated clauses ("…, and party officials found …") give a speaker each;
- no source in the text ("The bank is expected to act", "Trump reportedly asked"): an empty speaker
  span, ``speaker_resolved`` "(unnamed)", confidence 0.3.

A stance or thought inside what an earlier speaker of the sentence said is part of that content, not a
new source. Quotes that run over several sentences attach those sentences to the same attribution
(``extra_sentence_indexes``), across paragraphs too when a paragraph is only a quote (news style:
"“A,” Trump said.¶“B.”"). Pronouns and anaphors ("he", "the group", "the source") stay as written
in ``speaker_text`` and are resolved in ``speaker_resolved`` to the most recent fitting speaker or
name. ``via`` keeps the channel ("told Reuters"). Word classes are data (``data/attribution_words.txt``),
not code. Measured on PolNeAR dev with ``bench/eval_attribution.py``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.models import Article, Attribution, Sentence, SpeechKind

__all__ = ["CueLexicon", "find_attributions", "load_cue_lexicon"]

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"

# Words (with inner dots/hyphens: "U.S", "al-Qassam"), clitics split off ("he" "’ll", "do" "n’t",
# "Hamas" "’s"), doubled apostrophes as a quote mark (NYT style ''…''), and any other single character.
_TOKEN = re.compile(r"\w+(?:[.&\-’']\w+)*|''|``|\S", re.UNICODE)
_CLITIC = re.compile(r"(\w+?)(n[’']t|[’'](?:s|ll|re|ve|d|m))", re.IGNORECASE)
_OPEN_QUOTES = frozenset("“‘«")
_CLOSE_QUOTES = frozenset("”’»")
_QUOTES = _OPEN_QUOTES | _CLOSE_QUOTES | {'"', "'", "''", "``"}
_TOGGLE_QUOTES = frozenset({'"', "''"})
# Marks that open or close quoted words (a lone ’ is mostly an apostrophe: "Hamas’ response").
_QUOTE_MARKS = frozenset({"“", "”", '"', "''", "``", "‘", "«", "»"})
_CLAUSE_PUNCT = frozenset(",;:()—–[]")
_LOWER_WORD = re.compile(r"[a-z]+")
_NAME_RUN = re.compile(r"\b(?:[A-Z][\w’'.\-]*\s+){1,3}[A-Z][\w’'\-]*")


@dataclass(frozen=True, slots=True)
class CueLexicon:
    """Cue word forms → (lemma, kind), the prefilter built from them, and the word classes."""

    forms: dict[str, tuple[str, str]]
    words: dict[str, frozenset[str]]
    cue_words: frozenset[str]  # every single word that can open a cue, for the cheap prefilter

    def mentions_cue(self, text: str) -> bool:
        """Whether ``text`` has any cue word at all (a set lookup: millions of words a second)."""
        return not self.cue_words.isdisjoint(_LOWER_WORD.findall(text.lower()))


def _read_word_classes(path: Path) -> dict[str, frozenset[str]]:
    classes: dict[str, set[str]] = {}
    current: set[str] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = classes.setdefault(line[1:-1], set())
        elif current is not None:
            current.update(word.replace("_", " ") for word in line.split())
    return {name: frozenset(words) for name, words in classes.items()}


@cache
def load_cue_lexicon(
    cues_path: Path = DATA / "speech_cues.tsv", words_path: Path = DATA / "attribution_words.txt"
) -> CueLexicon:
    """The cue lexicon and word classes (read once per process)."""
    forms: dict[str, tuple[str, str]] = {}
    for number, raw in enumerate(cues_path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#") or raw.startswith("lemma\t"):
            continue
        parts = raw.split("\t")
        if len(parts) != 3:
            log.warning("%s:%d: expected lemma<TAB>kind<TAB>forms, skipped: %r", cues_path, number, raw)
            continue
        lemma, kind, listed = parts
        for form in listed.split(","):
            forms.setdefault(form.strip().lower(), (lemma, kind))
    words = _read_word_classes(words_path)
    cue_words = frozenset(word for form in forms for word in _LOWER_WORD.findall(form))
    cue_words |= {"according"} | words.get("unnamed_source_adverbs", frozenset())
    return CueLexicon(forms=forms, words=words, cue_words=cue_words)


@dataclass(slots=True)
class _Tokens:
    text: list[str]
    lower: list[str]
    start: list[int]
    end: list[int]


def _tokenize(sentence: Sentence) -> _Tokens:
    text = sentence.text
    base = sentence.start
    if "’" not in text and "'" not in text:
        words = _TOKEN.findall(text)
        starts: list[int] = []
        position = 0
        for word in words:
            position = text.index(word, position)
            starts.append(base + position)
            position += len(word)
        return _Tokens(
            words,
            [word.lower() for word in words],
            starts,
            [s + len(w) for s, w in zip(starts, words, strict=True)],
        )
    tokens = _Tokens([], [], [], [])
    for match in _TOKEN.finditer(text):
        word = match.group(0)
        start = base + match.start()
        if "’" in word or "'" in word:
            clitic = _CLITIC.fullmatch(word)
            if clitic is not None:
                # "he’ll" → "he" "’ll", "don’t" → "do" "n’t", "Hamas’s" → "Hamas" "’s"
                split = len(clitic.group(1))
                for part, offset in ((word[:split], 0), (word[split:], split)):
                    tokens.text.append(part)
                    tokens.lower.append(part.lower())
                    tokens.start.append(start + offset)
                    tokens.end.append(start + offset + len(part))
                continue
        tokens.text.append(word)
        tokens.lower.append(word.lower())
        tokens.start.append(start)
        tokens.end.append(start + len(word))
    return tokens


@dataclass(slots=True)
class _Found:
    speaker: tuple[int, int]  # token range [first, last)
    cue: tuple[int, int]
    content: tuple[int, int]
    kind: SpeechKind
    confidence: float
    via: str | None = None
    nominal: bool = False  # a possessed noun of saying ("Trump’s claim"), not a verb
    relative: bool = False  # read from a relative clause ("Ted Cruz, who said …")
    content_follows: bool = False  # "One activist tweeted:" / "he declared:": what was said comes next
    paragraph_follows: bool = False  # the sentence ends in a colon: the next paragraph continues it
    rest_of_paragraph: bool = False  # "FALLIN: I think … . I think …": a speaker label holds its paragraph
    content_precedes: bool = False  # "“…” ¶ Trump said.": the quote just before is what was said


class _SentenceReader:
    """Finds the attributions of one tokenised sentence."""

    def __init__(
        self,
        lexicon: CueLexicon,
        tokens: _Tokens,
        headline: bool,
        starts_in_quote: bool = False,
        after_quote: bool = False,
    ) -> None:
        self.after_quote = after_quote  # the sentence before, in the same paragraph, ends with a quote
        self.lex = lexicon
        self.words = lexicon.words
        self.tok = tokens
        self.n = len(tokens.text)
        self.headline = headline
        self.in_quote = self._quote_state(starts_in_quote)
        self.loose_subject = False
        self.speech_cue = False
        self.found_so_far: list[_Found] = []
        self.body_start = self._dateline_end()
        words = [t for t in tokens.text if t[0].isalpha()]
        # Title case ("Clinton Campaign Manager Laughs, Evades Reporter’s Question"): capitals say nothing.
        self.title_case = len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.75 * len(words)

    def _dateline_end(self) -> int:
        """The first token after a dateline ("WASHINGTON —", "MANCHESTER, N.H. -", "Aug 27 (Reuters) -")."""
        for i in range(1, min(self.n, 10)):
            if self.tok.text[i] in ("—", "–", "-", "--", "―"):
                head = self.tok.text[:i]
                names = [word for word in head if word[0].isalnum()]
                if (
                    names
                    and all(word[0].isupper() or word[0].isdigit() for word in names)
                    and (head[0].isupper() or "(" in head)
                ):
                    return i + 1
                return 0
        return 0

    def _quote_state(self, inside: bool) -> list[bool]:
        """For each token: whether it stands inside quotation marks."""
        state: list[bool] = []
        for i, word in enumerate(self.tok.text):
            if (
                word == "“"
                and i > 0
                and self.tok.text[i - 1] in (",", ".", "?", "!")
                and (self.tok.end[i - 1] == self.tok.start[i] and inside)
            ):
                state.append(True)  # "“It’s unusual,“ said …": a closing mark typed the wrong way round
                inside = False
            elif (word in _OPEN_QUOTES and word != "‘") or word == "``":
                inside = True
                state.append(True)
            elif word in ("”", "»"):
                state.append(True)
                inside = False
            elif word in _TOGGLE_QUOTES:
                state.append(True)
                inside = not inside
            else:
                state.append(inside)
        return state

    # --- token classes -------------------------------------------------------------------------------
    def _is(self, i: int, cls: str) -> bool:
        return 0 <= i < self.n and self.tok.lower[i] in self.words[cls]

    def _name_part(self, i: int) -> bool:
        """A capitalised word right after a capitalised name word is part of the name, whatever it also
        means: "Mrs May said", "Theresa May will", "Condoleezza Rice said" ("May" is no modal there)."""
        if i < 1 or not self.tok.text[i][:1].isupper() or not self.tok.text[i - 1][:1].isupper():
            return False
        before = self.tok.lower[i - 1]
        classes = ("determiners", "prepositions", "subordinators", "auxiliaries")
        return before.isalpha() and not any(before in self.words[cls] for cls in classes)

    def _is_punct(self, i: int) -> bool:
        return not self.tok.text[i][0].isalnum()

    def _is_quote(self, i: int) -> bool:
        return self.tok.text[i] in _QUOTES

    def _is_adverb(self, i: int) -> bool:
        """Listed adverbs and time words, and any lower-case "-ly" word ("categorically", "later")."""
        low = self.tok.lower[i]
        if low in self.words["adverbs"]:
            return True
        return (
            low.endswith("ly")
            and len(low) > 4
            and low not in self.words["not_adverbs"]
            and low == self.tok.text[i]
        )

    def _is_capital(self, i: int) -> bool:
        return self.tok.text[i][0].isupper()

    # --- the main loop --------------------------------------------------------------------------------
    def read(self) -> list[_Found]:
        found: list[_Found] = []
        self.found_so_far = found
        taken_speakers: dict[tuple[int, int], int] = {}  # speaker span → its attribution in ``found``
        opening = self._colon_speaker() or self._in_source_phrase()  # "Trump: …", "In a new poll, …"
        if opening is not None:
            found.append(opening)
            taken_speakers[opening.speaker] = 0
        for signed in self._dash_signatures():
            taken_speakers[signed.speaker] = len(found)
            found.append(signed)
        i = 0
        while i < self.n:
            low = self.tok.lower[i]
            result: _Found | None = None
            if low == "according" and i + 1 < self.n and self.tok.lower[i + 1] == "to":
                result = self._according(i)
            elif low in self.words["noun_cues"] and i > 0:
                result = self._possessed_noun(i)
                if result is None and low in self.lex.forms:
                    result = self._cue(i)
            elif low in self.lex.forms:
                result = self._cue(i)
            if result is not None and self._topicless(result):
                result = None  # "Biden will also speak to WDBJ": speaking, but nothing said
            if result is not None and self._outside_quotes(result) and not self._nested(result, found):
                earlier = taken_speakers.get(result.speaker)
                if earlier is None:
                    taken_speakers[result.speaker] = len(found)
                    found.append(result)
                elif found[earlier].relative and not result.relative:
                    # "Humphrey, who calls Trump a “sociopath,” said …": the main verb wins
                    found[earlier] = result
            i += 1
        # every cue no shape explained gets its clause subject as a guess: two clauses, two speakers
        # ("three-quarters of the voters said …, and more than 4 in 10 said …")
        start = 1
        while (fallback := self._fallback(found, start)) is not None:
            if fallback.speaker not in taken_speakers and not self._topicless(fallback):
                taken_speakers[fallback.speaker] = len(found)
                found.append(fallback)
            start = fallback.cue[1]
        for attribution in found:
            if self.after_quote and attribution.content == (self.n - 1, self.n) and self.tok.text[-1] != ":":
                attribution.content_precedes = True
        self._end_contents_at_coordinated_clauses(found)
        self._mark_content_follows(found)
        for i in range(self.n):
            if self.tok.lower[i] in self.words["unnamed_source_adverbs"] and not self.in_quote[i]:
                # "Trump reportedly asked …": someone unnamed says so (after the others: it nests nothing)
                found.append(_Found((i, i), (i, i + 1), (0, self.n), "reported", 0.3))
        return found

    def _end_contents_at_coordinated_clauses(self, found: list[_Found]) -> None:
        """ "Wikileaks released emails, and party officials found …": the first content stops at ", and"""
        for earlier in found:
            for later in found:
                first = later.speaker[0]
                if (
                    later is not earlier
                    and first >= 2
                    and earlier.content[0] < first - 1 < earlier.content[1]
                    and earlier.cue[1] <= first
                    and self.tok.lower[first - 1] in _COORDINATORS
                    and self.tok.text[first - 2] == ","
                ):
                    earlier.content = (earlier.content[0], first - 2)

    def _mark_content_follows(self, found: list[_Found]) -> None:
        """A sentence ending in a colon after its last cue ("One BLM activist tweeted:", "Trump issued the
        following statement:"): what was said is the next paragraph, not words of this sentence."""
        if self.n < 2 or self.tok.text[-1] != ":" or not found:
            return
        last = max(found, key=lambda f: f.cue[0])
        if last.speaker[1] > last.cue[0] and last.speaker[0] > last.cue[1]:
            return  # an inverted speaker after the cue: keep the content before it
        last.paragraph_follows = True
        between = range(last.cue[1], self.n - 1)
        if len(between) > 6 or any(
            self.tok.lower[i] == "that" or self._is_quote(i) or self.tok.text[i] in (",", ";")
            for i in between
        ):
            return  # "X said that given the candidates on both sides:": it starts here, goes on there
        last.content = (self.n - 1, self.n)
        last.content_follows = True

    def _topicless(self, result: _Found) -> bool:
        """A verb of talking ("speak", "talk") with no topic, quote or clause after it."""
        cue_word = self.tok.lower[result.cue[0]]
        if cue_word not in self.lex.forms or self.lex.forms[cue_word][0] not in self.words["needs_topic"]:
            return False
        if result.content[1] <= result.cue[0]:
            return False  # "“…,” he spoke": the quote before is what was said
        following = range(result.cue[1], min(self.n, result.cue[1] + 4))
        return not any(
            self.tok.lower[k] in ("about", "of", "on", "that", ":") or self._is_quote(k) for k in following
        )

    def _fallback(self, found: list[_Found], start: int = 1) -> _Found | None:
        """The first cue from ``start`` no shape explained: the subject of its clause, low confidence."""
        for c in range(max(1, start), self.n):
            low = self.tok.lower[c]
            if low not in self.lex.forms or self.in_quote[c] or not self.tok.text[c].islower():
                continue
            clause = self._clause_start(c)
            coordinated = clause > 1 and self.tok.lower[clause - 1] in _COORDINATORS
            if any(
                f.cue[0] <= c < f.cue[1] or (f.content[0] <= c < f.content[1] and not coordinated)
                for f in found
            ):
                continue
            if self.tok.lower[c - 1] in self.words["determiners"] or self.tok.lower[c - 1] in _NOT_ACTIVE:
                continue  # a noun ("the report", "Biden’s remark") or a passive ("could be considered")
            lemma, kind = self.lex.forms[low]
            if lemma in self.words["quote_only"] and not self._beside_quote(c):
                continue
            if kind == "intent" or lemma in self.words["no_fallback"] or (low != lemma and low.endswith("s")):
                continue  # noun-like forms ("reports", "points") and weak cues: too often not a source
            subject = self._clause_subject(clause, c)
            if subject is None or subject[1] > c or not self._plausible_speaker(*subject):
                continue
            if any(self.in_quote[i] for i in range(*subject)):
                continue
            content = (c + 1, self.n) if self.n - c > 3 else (0, c)
            return _Found(subject, (c, c + 1), content, "reported", 0.4)
        return None

    def _nested(self, result: _Found, found: list[_Found]) -> bool:
        # "Rubio seemed hopeful that the United States could accept …": a stance or thought inside the
        # content of an earlier attribution is part of what that speaker said, not a second source.
        # (A speech verb there is usually annotated as an attribution of its own: "X said Y told him …".)
        if self._cue_class(result) == "speech" and not result.nominal:
            return False
        first = result.speaker[0]
        if result.content[1] <= first and first > 0 and self.tok.text[first - 1] == ",":
            return False  # "He agreed to sell it in 2010, records show.": a source for all that came before
        if first > 0 and self.tok.lower[first - 1] in _COORDINATORS:
            return False  # "…, while Clinton has slammed his proposal": a clause of its own
        return any(
            earlier.cue != result.cue
            and earlier.speaker[0] < earlier.speaker[1]  # an unnamed "is seen as" holds nothing
            and earlier.content[0] <= result.cue[0] < earlier.content[1]
            for earlier in found
        )

    def _dash_signatures(self) -> list[_Found]:
        """“Trump must stop portraying Latinos as gangsters.” ― Carla Sanchez: a quote signed after a dash."""
        signed: list[_Found] = []
        quote_start = 0
        for d in range(1, self.n - 1):
            if self.tok.text[d] not in _SIGNATURE_DASHES or self.tok.text[d - 1] not in ("”", '"', "''"):
                continue
            last = d + 1
            while (
                last < self.n
                and last - d <= 5
                and (self._is_capital(last) or (self.tok.text[last] == "." and last > d + 1))
            ):
                last += 1
            if last == d + 1 or not (
                last >= self.n or self.tok.text[last] in (",", ".", "“", '"', "''", "(")
            ):
                continue
            while last > d + 1 and self.tok.text[last - 1] == ".":
                last -= 1
            opening = max(
                (k for k in range(quote_start, d - 1) if self.tok.text[k] in _QUOTE_OPENERS),
                default=-1,
            )
            content = (opening + 1 if opening >= 0 else quote_start, d - 1)
            if content[1] - content[0] >= 1:
                signed.append(_Found((d + 1, last), (d, d + 1), content, "direct", 0.75))
            quote_start = last
        return signed

    def _in_source_phrase(self) -> _Found | None:
        """ "In the new Morning Consult poll, conducted March 11-13, 40 percent back Sanders": a poll, survey
        or study opening the sentence is the source of what follows."""
        start = self.body_start
        if start + 3 >= self.n or self.tok.lower[start] != "in" or not self._is(start + 1, "determiners"):
            return None
        comma = next((k for k in range(start + 2, min(self.n, start + 16)) if self.tok.text[k] == ","), None)
        if comma is None or self.n - comma < 4:
            return None
        head = next(
            (k for k in range(start + 2, comma) if self._is(k, "evidence_sources")),
            None,
        )
        if head is None:
            return None
        return _Found((start + 1, comma), (start, start + 1), (comma + 1, self.n), "according", 0.7)

    def _colon_speaker(self) -> _Found | None:
        """A name, a colon, words: "Trump: My immigration plans aren't set in stone.", "FALLIN: I think …"."""
        limit = min(self.n, 6)
        colon = next((i for i in range(1, limit) if self.tok.text[i] == ":"), None)
        if colon is None:
            # a longer name before a quote: "Former secretary of state Hillary Rodham Clinton: “We learned …”"
            colon = next((i for i in range(6, min(self.n - 1, 10)) if self.tok.text[i] == ":"), None)
            if colon is None or not self._is_quote(colon + 1) or not self._is_capital(colon - 1):
                return None
            first = self._np_backward(colon)
            if first >= colon or not self._plausible_speaker(first, colon):
                return None
            return _Found((first, colon), (colon, colon + 1), (colon + 1, self.n), "direct", 0.6)
        if colon == self.n - 1 and colon >= 2 and self.tok.lower[0] in self.lex.forms:
            # "Stated Stone:" with the quote in the next paragraph
            if all(self._is_capital(i) for i in range(1, colon)) and not self._is(1, "colon_labels"):
                return _Found(
                    (1, colon),
                    (0, 1),
                    (colon, colon + 1),
                    "reported",
                    0.6,
                    content_follows=True,
                    paragraph_follows=True,
                )
            return None
        if self.n - colon < 3:
            return None
        if sum(self.tok.text[i][0].isalpha() for i in range(colon + 1, self.n)) < 2:
            return None  # a tally ("Clinton: 1,769."), not words
        after = range(colon + 1, self.n)
        words = [i for i in after if self.tok.text[i][0].isalpha()]
        commas = sum(self.tok.text[i] == "," for i in after)
        if commas >= 3 and sum(self._is_capital(i) for i in words) >= 0.7 * len(words):
            return None  # a list of names ("Iowa: Tim Albrecht, Brad Anderson, Rob Barron, …")
        named = all(self.tok.text[i][0].isupper() or self.tok.text[i] in (".", "-") for i in range(colon))
        # "Clinton camp: …": a capitalised head word and a few plain nouns, no verb or preposition
        described = (
            colon <= 3
            and self._is_capital(0)
            and all(
                self.tok.text[i].isalpha()
                and not self._is(i, "prepositions")
                and not self._is(i, "verbs")
                and self.tok.lower[i] not in self.lex.forms
                for i in range(colon)
            )
        )
        if not (named or described):
            return None
        label = " ".join(self.tok.lower[:colon])
        if label in self.words["colon_labels"] or any(self._is(i, "colon_labels") for i in range(colon)):
            return None  # "Read more:", "UPDATE:", "Editor's note:"
        return _Found(
            (0, colon),
            (colon, colon + 1),
            (colon + 1, self.n),
            "headline" if self.headline else "direct" if self._is_quote(colon + 1) else "reported",
            0.6,
            rest_of_paragraph=not self.headline,
        )

    def _cue_class(self, found: _Found) -> str:
        for i in range(found.cue[0], found.cue[1]):
            if self.tok.lower[i] in self.lex.forms:
                return self.lex.forms[self.tok.lower[i]][1]
        return "speech"

    def _outside_quotes(self, found: _Found) -> bool:
        # Words inside a quote belong to the quoted speaker: "“They told me we had no chance,” she said".
        return not any(self.in_quote[i] for i in range(found.cue[0], found.cue[1])) and not any(
            self.in_quote[i] for i in range(found.speaker[0], found.speaker[1])
        )

    # --- shapes ---------------------------------------------------------------------------------------
    def _according(self, i: int) -> _Found | None:
        first = i + 2
        last = self._np_forward(first)
        if last <= first:
            return None
        while last < self.n and self.tok.lower[last] in self.lex.forms and self.tok.text[last].islower():
            last = max(last + 1, self._np_forward(last + 1))  # "according to a recent report": a noun here
        while last + 1 < self.n and self.tok.lower[last] in ("from", "by", "of", "at", "for"):
            further = self._np_forward(last + 1)  # "a recent report from Bloomberg New Energy Finance"
            if further <= last + 1:
                break
            last = further
        after = last
        if after < self.n and self.tok.lower[after] in ("who", "which", "that"):
            # "According to an Israeli source who spoke to Haaretz, negotiations …"
            while after < self.n and self.tok.text[after] != ",":
                after += 1
        sentence_end = after >= self.n or all(self._is_punct(k) for k in range(after, self.n))
        if (i > 0 and not self._is_punct(i - 1)) or (i > 1 and sentence_end):
            content = (0, i)  # "…, according to the report." speaks of what came before
        else:
            content = (
                (after + 1, self.n) if after < self.n and self.tok.text[after] == "," else (after, self.n)
            )
        if content[1] - content[0] < 2:
            content = (0, i)
        return _Found((first, last), (i, i + 2), content, "according", 0.8)

    def _possessed_noun(self, c: int) -> _Found | None:
        """ "Trump’s criticism of the deal", "his endorsement of Clinton": the possessor holds the view."""
        j = c - 1
        if j > 0 and self.tok.text[j][0].islower() and self.tok.lower[j] not in self.words["possessives"]:
            j -= 1  # one modifier: "Trump’s repeated criticism"
        low = self.tok.lower[j]
        if low in self.words["possessives"]:
            speaker = (j, j + 1)
        elif low in ("’s", "'s") or (low in ("’", "'") and self.tok.lower[j - 1].endswith("s")):
            start = self._np_backward(j)
            if start >= j or not self._is_capital(j - 1):
                return None
            speaker = (start, j)
        else:
            return None
        content = (c + 1, self.n)
        while content[1] > content[0] and self._is_punct(content[1] - 1):
            content = (content[0], content[1] - 1)
        if content[1] - content[0] < 2:
            content = (0, self.n)
        return _Found(speaker, (c, c + 1), content, "reported", 0.55, nominal=True)

    def _cue(self, c: int) -> _Found | None:
        low = self.tok.lower[c]
        lemma, kind = self.lex.forms[low]
        if lemma in self.words["quote_only"] and not self._beside_quote(c):
            return None
        prev = self.tok.lower[c - 1] if c > 0 else ""
        pronoun_quantifier = (
            prev in _QUANTIFIERS
            and kind in ("speech", "cognition")
            and not low.endswith("s")
            and not (c >= 2 and (self._is(c - 2, "prepositions") or self._is(c - 2, "determiners")))
        )  # "some say", but not "with some requested amendments"
        if prev in self.words["determiners"] and prev != "that" and not pronoun_quantifier:
            return None  # "the report", "his claims": a noun (but "some say", "many believe")
        if prev in ("’s", "'s") and not (c >= 2 and self.tok.lower[c - 2] in self.words["pronouns"]):
            return None  # "Biden’s remark"
        if (
            prev in ("’", "'")
            and c >= 2
            and self.tok.end[c - 2] == self.tok.start[c - 1]
            and (self.tok.lower[c - 2].endswith("s"))
        ):
            return None  # "Hamas’ claims"
        if c + 1 < self.n and self.tok.lower[c + 1] in ("'s", "’s"):
            return None
        if c > 0 and self.tok.text[c][0].isupper() and not self.title_case:
            return None  # "the United States", "Call Day": a name, not a verb
        is_ing = low.endswith("ing") and low != lemma
        base_form = low == lemma
        if is_ing:
            if prev in (",", ":", "—", "–") or (c == 0 and self.headline):
                return self._participle(c)
            if c == self.body_start:
                return self._opening_participle(c)
            if prev in ("is", "are", "was", "were", "been", "be", "’s", "'s", "am"):
                return self._subject_cue(c, lemma, kind)
            if prev == "as" and c >= 2 and self.tok.lower[c - 2] == "quoted":
                return self._subject_cue(c - 2, lemma, kind, cue_first=c - 2, cue_last=c + 1)
            if kind in ("evidence", "stance") and c >= 1:
                return self._modifying_participle(c, kind)
            return None
        if prev in ("was", "were", "is", "are", "been", "being", "be") and not base_form:
            return self._passive(c, lemma, kind)
        if (
            low.endswith("ed")
            and c + 1 < self.n
            and self.tok.lower[c + 1] == "by"
            and self.tok.text[c - 1][0].islower()
            and not self._is(c - 1, "auxiliaries")
            and not self._is_adverb(c - 1)
        ):
            return None  # "a statement released by the campaign": a participle after its noun, not a verb
        if (
            low.endswith("ed")
            and c + 1 < self.n
            and self.tok.lower[c + 1] in ("in", "on", "at", "during")
            and c >= 2
            and self.tok.text[c - 1].isalpha()
            and self.tok.text[c - 1].islower()
            and self.tok.lower[c - 2] in self.words["determiners"]
            and not self._is(c - 1, "speaker_nouns")
            and not self._is(c - 1, "group_heads")
        ):
            return None  # "the exact conversation outlined in Conason’s book": a participle after its noun
        if prev in self.words["prepositions"] and prev not in ("to", "as") and not low.endswith("ing"):
            return None  # "in order to", "in response to", "without comment": a noun after a preposition
        if prev == "to" and base_form:
            return None  # "wants to say", "plans to announce": the outer verb carries it
        if base_form and not self.headline and not self._base_form_subject(c):
            return None  # "a seemingly innocuous question": a noun
        inverted = self._inverted(c, lemma, kind)
        if inverted is not None:
            return inverted
        return self._subject_cue(c, lemma, kind)

    def _beside_quote(self, c: int) -> bool:
        """Whether a quote (or "back" and a quote before) stands right next to the cue at ``c``."""
        after = [self.tok.text[k] for k in range(c + 1, min(self.n, c + 3))]
        if after and (after[0].lower() in ("back", ":") or after[0] in _QUOTES):
            return after[0].lower() != "back" or any(self.in_quote[k] for k in range(0, c))
        if len(after) == 2 and after[0] == "," and after[1] in _QUOTES:
            return True
        return any(self._is_quote(k) for k in range(max(0, c - 4), c)) and c + 1 >= self.n - 1

    def _base_form_subject(self, c: int) -> bool:
        """A bare verb form ("say", "want") needs a plural or pronoun subject or an auxiliary before it."""
        j = c - 1
        while j >= 0 and self._is(j, "adverbs") and not self._is(j, "auxiliaries"):
            j -= 1
        if j < 0:
            return False
        low = self.tok.lower[j]
        if low in self.words["auxiliaries"] or low in ("i", "we", "you", "they", "n’t", "n't", "who"):
            return True
        if low in _QUANTIFIERS:
            return True  # "some say"
        if low in self.words["speaker_nouns"]:
            # "Cologne police say", "52 percent support"; but "voter support" is a noun after a noun
            return low.endswith("s") or low in self.words["plural_sense"]
        if self.tok.text[j][0].isupper() and j > 0:
            return True  # "Clinton and Trump support", "Democrats want"
        return low.endswith("s") and not low.endswith(("ss", "us", "is")) and len(low) > 3

    def _subject_cue(
        self, c: int, lemma: str, kind: str, cue_first: int | None = None, cue_last: int | None = None
    ) -> _Found | None:
        cue = (cue_first if cue_first is not None else c, cue_last if cue_last is not None else c + 1)
        low = self.tok.lower[c]
        # past-tense speech verbs ("said", "told") make any short determiner phrase a speaker
        self.loose_subject = kind == "speech" and low != lemma and not low.endswith("s")
        self.speech_cue = kind == "speech"
        j = c - 1
        while j >= 0 and (
            ((self._is(j, "auxiliaries") or self._is_adverb(j)) and not self._name_part(j))
            or (self.tok.text[j].isdigit() and not (j >= 2 and self.tok.lower[j - 1] == "in"))
            # a floating quantifier: "Richards and Menendez both stressed"
            or (self.tok.lower[j] in ("both", "all", "each") and j > 0 and self.tok.text[j - 1][0].isalpha())
        ):
            j -= 1  # "Hamas on Oct. 5 said", but not the 10 of "six in 10 said"
        if j >= 1 and self.tok.text[j] in ("—", "–", "--") and self.tok.lower[j - 1] not in ("said", "says"):
            # "Democrats — and some Republicans — say": skip the aside between dashes
            opening = j - 1
            while opening > 0 and self.tok.text[opening] not in ("—", "–", "--"):
                opening -= 1
            if opening > 0:
                j = opening - 1
        if j >= 0 and self.tok.text[j] == ")":
            # "Sen. Elizabeth Warren (D-MA) said", "Kasich (who has 25 delegates to date) said"
            opening = j
            while opening > 0 and self.tok.text[opening] != "(":
                opening -= 1
            j = opening - 1
        if j < 0:
            return None
        word = self.tok.text[j]
        shared = self._shared_subject(j) if word == "," else None
        speaker: tuple[int, int] | None
        if shared is not None:
            speaker = shared  # "Hamas rejects US accusations, reaffirms commitment …": one subject, two verbs
        elif word == "," and not self._closing_quote_before(j):
            speaker = self._appositive_subject(j)
        elif word in ("”", "''", '"') and j > 0 and self.tok.text[j - 1] == "," and self._opened_in_clause(j):
            speaker = self._appositive_subject(j - 1)  # "Humphrey, who calls Trump a “sociopath,” said"
        elif self.tok.lower[j] in ("who", "whom") and j > 0:
            # "Ted Cruz, who said he would …": the relative pronoun's antecedent
            end = j - 1 if self.tok.text[j - 1] == "," else j
            start = self._np_backward(end)
            speaker = (start, end) if start < end else None
        elif self.tok.lower[j] in ("and", "but") and j > 0 and not self.tok.text[j - 1][0].isupper():
            # "Rick Scott blasted Congress and said …": the subject of the first verb
            speaker = self._clause_subject(self._clause_start(j), j)
        else:
            end = j + 1
            start = self._np_backward(end)
            if start >= end and self.tok.lower[j] in self.lex.forms:
                # a noun of saying heads the subject: "…, the congressional report said."
                start = self._np_backward(j)
                post_posed = start < j and start > 0 and self.tok.text[start - 1] == ","
                if not (start < j and (self._is(start, "determiners") or post_posed)):
                    start = end  # but "…, new fundraising reports show.": a source after its content
            # "Gowdy earlier in the day touted …", "Trump at a rally in Ohio said": the phrase read back is
            # the object of a place or time phrase; the subject stands before it
            while start < end and start >= 2 and self.tok.lower[start - 1] in _ADVERBIAL_PREPOSITIONS:
                before = start - 2
                while before >= 0 and self._is_adverb(before):
                    before -= 1
                if before < self.body_start or not self.tok.text[before][0].isalnum():
                    break  # "At the moment Christie learned": the phrase opens the clause
                earlier = self._np_backward(before + 1)
                if earlier > before or not self._plausible_speaker(earlier, before + 1):
                    break
                start, end = earlier, before + 1
            speaker = (start, end) if start < end else None
        if speaker is None:
            return None
        relative = self.tok.lower[j] in ("who", "whom")
        direct = speaker[0] > 0 and self.tok.text[speaker[0] - 1] in _CLOSE_QUOTES | _TOGGLE_QUOTES
        # "…, the lawsuit says.": a short phrase after its content is a source, whatever its head
        direct = direct or (
            kind == "speech"
            and speaker[0] > 1
            and self.tok.text[speaker[0] - 1] == ","
            and (cue[1] >= self.n - 1 or self.tok.text[cue[1]] in (".", ",", "!", "?"))
            and self._is(speaker[0], "determiners")
        )
        if not (direct and speaker[1] - speaker[0] <= 6) and not self._plausible_speaker(*speaker):
            return None
        after_cue = self._past_addressee(cue[1]) if lemma == "tell" else cue[1]
        content = self._content(after_cue, speaker[0])
        if content is None:
            return None
        if self._parenthetical(speaker, cue):
            content = (0, self.n)  # "Hamas, the source said, is insisting on guarantees …"
        confidence = self._confidence(kind, speaker) - (0.2 if relative else 0.0)
        return _Found(
            speaker, cue, content, self._kind(content, kind), round(confidence, 2), relative=relative
        )

    def _past_addressee(self, after_cue: int) -> int:
        """The token after the addressee of "told": "told reporters that …", "told the Times of Israel …"."""
        if after_cue >= self.n or self._is_quote(after_cue):
            return after_cue
        addressee = after_cue + 1 if self.tok.lower[after_cue] in ("the", "a", "an") else after_cue
        if addressee < self.n and self._is_capital(addressee):
            while addressee < self.n and (self._is_capital(addressee) or self.tok.lower[addressee] == "of"):
                addressee += 1
        else:
            addressee += 1
        return addressee if addressee <= after_cue + 6 else after_cue

    def _parenthetical(self, speaker: tuple[int, int], cue: tuple[int, int]) -> bool:
        before = speaker[0] >= 2 and self.tok.text[speaker[0] - 1] == ","
        after = cue[1] < self.n - 2 and self.tok.text[cue[1]] == ","
        return before and after and not self._is_quote(cue[1] + 1)  # not "X cracked, ''…''"

    def _shared_subject(self, comma: int) -> tuple[int, int] | None:
        """The subject of a verb found just before ``comma`` (subject before its cue, same clause)."""
        for earlier in reversed(self.found_so_far):
            if earlier.speaker[1] <= earlier.cue[0] < comma and comma - earlier.cue[1] <= 12:
                between = range(earlier.cue[1], comma)
                if not any(self.tok.text[i] in (",", ";", ":") or self._is_quote(i) for i in between):
                    return earlier.speaker
            break
        return None

    def _opened_in_clause(self, j: int) -> bool:
        """Whether the quote closed at ``j`` opened after the clause began (a quoted word, not a quote)."""
        i = j - 1
        while i >= 0 and not (self.tok.text[i] in _OPEN_QUOTES or self.tok.text[i] in _TOGGLE_QUOTES):
            i -= 1
        return i > 0 and self.tok.text[i - 1][0].isalnum()

    def _closing_quote_before(self, j: int) -> bool:
        return j > 0 and self.tok.text[j - 1] in ("”", '"', "’")

    def _inverted(self, c: int, lemma: str, kind: str) -> _Found | None:
        if kind != "speech" or lemma in self.words["uninvertible"]:
            return None  # "…, Butz told The Huffington Post": the phrase after "told" is its addressee
        closed_reversed = c > 0 and self.tok.text[c - 1] == "“" and not self.in_quote[c]
        # "… 'We'll bomb them,'" + "'' said": a single quote closed inside the double one
        closed_reversed = closed_reversed or (
            c > 1 and self.tok.text[c - 1] == "'" and self.tok.text[c - 2] == "''"
        )
        if c > 0 and self.tok.text[c - 1] not in (",", "”", '"', "’", "''", "—", "–") and not closed_reversed:
            return None
        first = c + 1
        if first >= self.n or (
            self._is(first, "pronouns") and self.tok.lower[first] not in ("he", "she", "they")
        ):
            return None
        opener = self.tok.text[first]
        countable = self._is(first, "determiners") or opener.lower() in _QUANTIFIERS | _NUMBER_WORDS
        last = self._np_forward(first)
        if last <= first:
            return None
        # "…, says political scientist Dossym Satpayev": a bare title before a name
        titled = any(self._is_capital(i) for i in range(first + 1, last)) or self._is(
            last - 1, "speaker_nouns"
        )
        if not (opener[0].isupper() or opener[0].isdigit() or countable or titled):
            return None  # "…, reaffirms commitment to talks": an object, not an inverted speaker
        # The phrase must end the clause: "said one official." / "said X, a member of …"
        after = last
        if (
            after + 2 < self.n
            and self.tok.text[after].islower()
            and self.tok.lower[after].endswith(("ed", "ing"))
            and self.tok.lower[after + 1] in self.words["prepositions"] | {"with", "to"}
        ):
            after += 1  # "says a source involved in the talks", "said an official familiar with …"
        while after < self.n and self.tok.lower[after] in self.words["prepositions"] and after + 1 < self.n:
            # "said one official in Jerusalem": a trailing place or time phrase, not a new clause
            nxt = self._np_forward(after + 1)
            if nxt <= after + 1:
                break
            after = nxt
        if (
            after < self.n
            and self.tok.lower[after] not in (".", ",", ";", "!", "?", ":", "—", "(", "who")
            and not (self._is_quote(after))
        ):
            return None
        content = (0, c - 1) if c - 1 > 0 else (after, self.n)
        while content[1] > content[0] and self._is_punct(content[1] - 1):
            content = (content[0], content[1] - 1)
        if content[1] - content[0] < 2:
            return None
        return _Found((first, last), (c, c + 1), content, self._kind(content, kind), 0.85)

    def _participle(self, c: int) -> _Found | None:
        aside_end = c + 1
        while aside_end < self.n and self.tok.text[aside_end] != ",":
            aside_end += 1
        after = aside_end + 1
        while after < self.n and self._is_adverb(after):
            after += 1
        if after < self.n and self.tok.lower[after] in self.lex.forms and self.tok.text[after].islower():
            return None  # "The official, speaking to the Times of Israel, claimed …": the main verb speaks
        # ", saying …": the speaker is the subject of the main clause: the last comma segment before the
        # participle that reads "noun phrase + verb" ("Speaking in Salem, New Hampshire, Trump went after
        # Bush, calling him …"), else the first noun phrase of the sentence.
        speaker = self._segment_subject(c) or self._clause_subject(self.body_start, c)
        if speaker is None:
            return None
        lemma, kind = self.lex.forms[self.tok.lower[c]]
        content = self._content(self._past_addressee(c + 1) if lemma == "tell" else c + 1, speaker[0])
        if content is None:
            return None
        return _Found(
            speaker, (c, c + 1), content, self._kind(content, kind), self._confidence(kind, speaker) - 0.1
        )

    def _modifying_participle(self, c: int, kind: str) -> _Found | None:
        """ "a poll showing Clinton ahead", "delegates backing Trump", "placards supporting Sanders": the
        noun phrase the participle modifies holds the view."""
        head = c - 1
        word = self.tok.text[head]
        if not word.isalpha() or self._is(head, "determiners") or self._is(head, "prepositions"):
            return None
        if self._is(head, "auxiliaries") or self._is(head, "verbs") or self._is_adverb(head):
            return None
        if word.islower() and word.endswith(("ed", "ing")):
            return None  # "has been backing", "kept supporting"
        start = self._np_backward(c)
        if start >= c or c - start > 6 or any(self.in_quote[k] for k in range(start, c)):
            return None
        end = c + 1
        while (
            end < self.n
            and self.tok.text[end] not in (",", ";", ".", ":", "—", "–")
            and not self.in_quote[end]
        ):
            end += 1
        if end - (c + 1) < 1:
            return None
        return _Found((start, c), (c, c + 1), (c + 1, end), "reported", 0.5)

    def _opening_participle(self, c: int) -> _Found | None:
        """ "Noting that …, Schlafly put her finger on …", "Speaking in Salem, Trump went after Bush": the
        speaker is the subject of the main clause after the participle's phrase."""
        for comma in range(c + 2, self.n - 2):
            if self.tok.text[comma] != "," or self.in_quote[comma]:
                continue
            first = comma + 1
            last = self._subject_before_verb(first, self.n)
            if last is None:
                continue
            if not self._plausible_speaker(first, last):
                return None
            _, kind = self.lex.forms[self.tok.lower[c]]
            content = (c + 1, comma)
            if content[1] - content[0] < 2:
                return None
            return _Found(
                (first, last),
                (c, c + 1),
                content,
                "reported",
                round(self._confidence(kind, (first, last)) - 0.1, 2),
            )
        return None

    def _segment_subject(self, c: int) -> tuple[int, int] | None:
        starts = [0] + [i + 1 for i in range(c) if self.tok.text[i] == "," and not self.in_quote[i]]
        for start in reversed(starts):
            if start >= c - 1:
                continue
            while start < c and self._is(start, "discourse"):
                start += 1
            last = self._subject_before_verb(start, c)
            if last is not None:
                return (start, last) if self._plausible_speaker(start, last) else None
        return None

    def _subject_before_verb(self, first: int, limit: int) -> int | None:
        """The end of a noun phrase opening at ``first`` (a name or a determiner) that a lower-case word
        other than a preposition follows before ``limit``: a clause's subject and its verb."""
        if first >= limit or not (self._is_capital(first) or self._is(first, "determiners")):
            return None
        last = self._np_forward(first)
        if last <= first or last >= limit:
            return None
        follower = self.tok.text[last]
        if follower[0].isalpha() and follower.islower() and not self._is(last, "prepositions"):
            return last
        return None

    def _passive(self, c: int, lemma: str, kind: str) -> _Found | None:
        if c + 1 < self.n and self.tok.lower[c + 1] == "by":
            last = self._np_forward(c + 2)
            if last > c + 2:
                content = (0, c - 1)
                if self.n - last >= 3:
                    # "it was announced by the White House that …"
                    content = (last + 1 if self.tok.lower[last] == "that" else last, self.n)
                if content[1] - content[0] >= 2:
                    return _Found((c + 2, last), (c - 1, c + 1), content, "passive", 0.7)
        if lemma == "quote" and c + 2 < self.n and self.tok.lower[c + 1] == "as":
            return self._subject_cue(c - 1, lemma, kind, cue_first=c - 1, cue_last=c + 3)
        if lemma in self.words["agentless_passives"] and self.n - c > 2 and self.tok.lower[c - 1] != "be":
            # "The central bank is expected to act in December": an attitude held by someone unnamed
            return _Found((c - 1, c - 1), (c - 1, c + 1), (0, self.n), "passive", 0.3)
        return None

    # --- noun phrases ---------------------------------------------------------------------------------
    def _np_inner(self, i: int) -> bool:
        """Whether token ``i`` can be part of a speaker phrase."""
        word = self.tok.text[i]
        low = self.tok.lower[i]
        if word == "-" and i > 0 and self.tok.start[i] > self.tok.end[i - 1]:
            return False  # a spaced dash sets off an aside: "the mosque - which looks like … - Adel Nefzi"
        if not word[0].isalnum():
            # "Florida’s Rick Wilson": a possessive after a name stays inside the phrase
            possessive = low in ("’s", "'s") and i > 0 and self.tok.text[i - 1][0].isalnum()
            return word in ("-", "’", "'", "&", ".", "%") or possessive
        if low in self.lex.forms and not word[0].isupper():
            # after a determiner it is a noun: "one Republican involved in the planning"
            return i > 0 and self.tok.lower[i - 1] in ("the", "a", "an", "his", "her", "their", "its")
        # a capitalised word inside a sentence is a name even when it spells a function word ("Will Doyle")
        name = (
            word[0].isupper()
            and i > 0
            and not self.title_case
            and self.tok.text[i - 1] not in _SENTENCE_MARKS
        )
        if (
            low == "and"
            and 0 < i < self.n - 1
            and self._is_capital(i - 1)
            and self._is_capital(i + 1)
            and not self.title_case
        ):
            return True  # "Richards and Menendez both stressed": two named speakers
        if (low in self.words["subordinators"] or low in self.words["auxiliaries"]) and not name:
            return False
        if (low in self.words["prepositions"] or low in self.words["verbs"]) and not name:
            return False
        return not self._is_adverb(i) or word[0].isupper()

    def _np_backward(self, end: int) -> int:
        start = end
        limit = max(0, end - 14)
        while start > limit:
            if start - 1 < end - 1 and start >= 2 and self._verb_after_head(start - 1):
                break  # "Mr. Obama revised his withdrawal plans", "the senator sees issues": a verb
            if not self._np_inner(start - 1):
                # "sources close to the talks", "officials familiar with the matter"
                joined = (
                    start >= 3
                    and self.tok.lower[start - 1] in ("to", "with")
                    and self._is(start - 2, "joiners")
                ) or (
                    # a poll share: "six in 10", "nearly three in five"
                    start >= 2
                    and start < end
                    and self.tok.lower[start - 1] == "in"
                    and _is_number(self.tok.lower[start])
                    and _is_number(self.tok.lower[start - 2])
                )
                if not joined:
                    break
                start -= 2
                continue
            start -= 1
            if self.tok.lower[start] in self.words["pronouns"]:
                break  # "every time he speaks": a pronoun opens its phrase
            if (
                self.tok.lower[start] in _QUANTIFIERS
                and start > 0
                and self.tok.text[start - 1].isalpha()
                and self.tok.text[start - 1].islower()
                and not self._is(start - 1, "determiners")
                and not self._is(start - 1, "prepositions")
            ):
                break  # "a strategy some believe he could replicate": "some" opens the speaker
        # a determiner/adjective run must not start mid-clause with a verb: trim leading discourse words
        while start < end and (self._is(start, "discourse") or self._is_punct(start)):
            start += 1
        return start

    def _np_forward(self, first: int) -> int:
        last = first
        limit = min(self.n, first + 14)
        while last < limit and self._np_inner(last):
            if last > first and self._verb_after_head(last):
                break
            last += 1
        while last > first and self._is_punct(last - 1):
            last -= 1
        return last

    def _verb_after_head(self, i: int) -> bool:
        """ "a senior Israeli official tempered …": a lower-case -ed/-s word right after a head noun."""
        low = self.tok.lower[i]
        if low != self.tok.text[i] or not low.endswith(("ed", "s")) or low.endswith(("ss", "us")):
            return False
        if not low[0].isalpha():
            return False  # the possessive of "Florida’s Rick Wilson"
        if low in self.words["speaker_nouns"] or low in self.words["group_heads"]:
            return False  # "Israeli officials", "Palestinian sources"
        previous = self.tok.lower[i - 1]
        after_word = self.tok.text[i - 1][0].isalpha()
        if low.endswith("ed") and previous not in self.words["determiners"] and after_word:
            return True  # "The firm lobbied", "the timing of the debate led": a verb, not "a retired general"
        return self.tok.text[i - 1][0].isupper() or previous in self.words["speaker_nouns"]

    def _appositive_subject(self, comma: int) -> tuple[int, int] | None:
        # "Basem Naim, a member of Hamas's political bureau, said" / "Trump, who spoke in Ohio, said":
        # the subject is the comma segment before the appositive or relative clause.
        clause_start = self._clause_start(comma)
        bounds: list[tuple[int, int]] = []
        first = clause_start
        for i in range(clause_start, comma + 1):
            if self.tok.text[i] in (",", "(", ")", "—", "–") and not self.in_quote[i]:
                if i > first:
                    bounds.append((first, i))
                first = i + 1
        if not bounds:
            return None
        chosen = len(bounds) - 2 if len(bounds) >= 2 else 0
        for k in range(len(bounds) - 1, 0, -1):
            if self.tok.lower[bounds[k][0]] in ("who", "which", "whose", "whom"):
                chosen = k - 1
                break
        last_first, last_end = bounds[-1]
        if (
            len(bounds) >= 2
            and all(self._is_capital(i) or self._is_punct(i) for i in range(last_first, last_end))
            and self.tok.lower[bounds[-2][0]] in self.words["determiners"]
            # but "Giovanni Maria Vian, the editor of the Vatican's newspaper, L'Osservatore Romano, said"
            and not (
                len(bounds) >= 3 and all(self._is_capital(i) or self._is_punct(i) for i in range(*bounds[0]))
            )
        ):
            return (last_first, last_end)  # "The US envoy to the Middle East, Steve Witkoff, dismissed"
        # "Marley Anderson, 21, a junior from Las Vegas, said": skip ages and appositives back to the name
        while chosen > 0 and (
            self.tok.text[bounds[chosen][0]][0].isdigit() or self.tok.text[bounds[chosen][0]][0].islower()
        ):
            chosen -= 1
        seg_end = bounds[chosen][1]
        start = self._np_backward(seg_end)
        if start >= seg_end:
            return None
        return (start, seg_end)

    def _clause_start(self, before: int) -> int:
        i = before - 1
        while i >= 0:
            word = self.tok.text[i]
            if word in (";", ":") or (
                word in ("”", '"')
                and i > 0
                and self.tok.text[i - 1] in (",", ".", "?", "!")
                and not self._opened_in_clause(i)  # not a title: "the co-author of “Going Viral,” said"
            ):
                return i + 1
            if self.tok.lower[i] in ("that", "because", "while", "although", "when", "but", "and") and (
                i > 0 and self.tok.text[i - 1] == ","
            ):
                return i + 1
            i -= 1
        return self.body_start if before > self.body_start else 0

    def _clause_subject(self, start: int, end: int) -> tuple[int, int] | None:
        """The first noun phrase of a clause, after opening adverbials ("However,", "On Monday,")."""
        i = start
        while i < end:
            while i < end and (self._is_punct(i) or self._is(i, "discourse")):
                i += 1
            if i >= end:
                return None
            word = self.tok.lower[i]
            opens_phrase = word.endswith(("ed", "ing")) and i + 1 < end and not self._is_capital(i + 1)
            # "Publicly, the GOP nominee …": a lone adverb before a comma
            opens_phrase = opens_phrase or (
                word.endswith("ly") and i + 1 < end and self.tok.text[i + 1] == ","
            )
            if self._is(i, "existential"):
                return None  # "There's lots of talk about …": no one in particular
            # "For two years, …", "Ahead of the primary, …", "Even before Sanders took the stage, …",
            # "Tuesday, the senator …": an opening adverbial up to its comma
            opens_phrase = opens_phrase or self._is(i, "clause_openers") or self._is(i, "calendar")
            if self._is(i, "prepositions") or self._is(i, "subordinators") or opens_phrase:
                # an opening adverbial phrase: skip to the next comma
                while i < end and self.tok.text[i] != ",":
                    i += 1
                continue
            last = self._np_forward(i)
            if last + 1 < end and self.tok.lower[last] in _TIME_AFTER and self.tok.text[last + 1] == ",":
                i = last + 2  # "Moments later, Marco Rubio …", "Two days ago, the senator …"
                continue
            if last > i:
                return (i, last)
            return None
        return None

    def _plausible_speaker(self, first: int, last: int) -> bool:
        if last - first > 12:
            return False
        if all(self._is(i, "determiners") or self._is_punct(i) for i in range(first, last)):
            return self.tok.lower[last - 1] in _QUANTIFIERS  # "The", "Such -" are not speakers; "Some" is
        head = self.tok.lower[last - 1]
        if head in self.words["pronouns"] or head in self.words["speaker_nouns"]:
            return True
        if last - first >= 3 and self.tok.lower[last - 2] == "in" and _is_number(head):
            return True  # "About three in 10 said"
        if any(self._is_capital(i) for i in range(first, last)):
            return True
        if self.loose_subject and self.tok.lower[first] in self.words["determiners"] and last - first <= 5:
            return True  # "the release said", "those surveyed said"
        plural = head.endswith("s") and not head.endswith(("ss", "us", "is")) and len(head) > 3
        if plural and last - first == 1 and self.speech_cue:
            return True  # "forecasters say", "…, critics say"
        return plural and 2 <= last - first <= 4

    # --- content --------------------------------------------------------------------------------------
    def _content(self, after_cue: int, speaker_first: int) -> tuple[int, int] | None:
        i = after_cue
        quote_before = (
            speaker_first >= 2 and self.tok.text[speaker_first - 1] in _CLOSE_QUOTES | _TOGGLE_QUOTES
        )
        if quote_before and (i >= self.n or self._is(i, "prepositions") or self.tok.lower[i] in ("of", ".")):
            return (0, speaker_first - 1)
        if (
            self._is(i, "prepositions")
            and i < self.n
            and speaker_first >= 3
            and self.tok.text[speaker_first - 1] == ","
        ):
            return (0, speaker_first - 1)  # "…, Caliber.Az reports via Israeli media."
        for k in range(i, min(self.n, i + 8)):
            if self.tok.lower[k] == "that" and not self.in_quote[k]:
                i = k + 1  # "said on May 27 morning that …"
                break
            if self.tok.text[k] in _QUOTES or self.tok.lower[k] in self.lex.forms:
                break
        while i < self.n and (self.tok.lower[i] in ("that", ":", ",", "back") or self._is(i, "adverbs")):
            i += 1
        if i >= self.n and self.tok.text[-1] == ":" and after_cue < self.n:
            return (self.n - 1, self.n)  # "One BLM activist tweeted:": the words come next
        if self.n - i >= 2:
            end = self.n
            while end > i and self.tok.text[end - 1] in (".", "!", "?"):
                end -= 1
            return (i, end)
        if speaker_first >= 2:
            end = speaker_first
            while end > 0 and self.tok.text[end - 1] in (",", "—", "–"):
                end -= 1
            return (0, end)
        if self.after_quote and speaker_first == 0 and self.n - after_cue <= 1:
            return (self.n - 1, self.n)  # "“…” Trump said.": the quote before (marked in read())
        return None

    def _kind(self, content: tuple[int, int], cue_kind: str) -> SpeechKind:
        if self.headline:
            return "headline"
        quoted = any(self.tok.text[i] in _QUOTE_MARKS for i in range(content[0], content[1]))
        if not quoted and content[0] > 0 and self.tok.text[content[0] - 1] in _QUOTE_MARKS:
            quoted = True
        if quoted:
            first_quote = content[0] < self.n and self._is_quote(content[0])
            return "direct" if first_quote or (content[0] > 0 and self._is_quote(content[0] - 1)) else "mixed"
        return "reported"

    def _confidence(self, kind: str, speaker: tuple[int, int]) -> float:
        base = {"speech": 0.85, "stance": 0.75, "cognition": 0.65, "intent": 0.6, "evidence": 0.6}.get(
            kind, 0.6
        )
        return round(base, 2)


_SIGNED_QUOTE = re.compile(r"[”\"']\s*[―—–-]+\s*[A-Z]")
# "“…” ― Carla Sanchez": dashes that sign a quote with its speaker's name.
_SIGNATURE_DASHES = frozenset({"―", "—", "–", "-", "--"})
_SENTENCE_MARKS = frozenset({".", "!", "?", ":", '"', "“", "”", "''", "``", "—", "–", "-", "("})
_HEADLINE_END = re.compile(r"[.!?:][”\"’]*$")


def _is_headline(article: Article, sentence: Sentence) -> bool:
    """A line of its own without final punctuation: a headline or subhead."""
    text = article.text
    line_start = text.rfind("\n", 0, sentence.start) + 1
    line_end = text.find("\n", sentence.end)
    line_end = len(text) if line_end < 0 else line_end
    whole_line = text[line_start:line_end].strip() == sentence.text
    return whole_line and not _HEADLINE_END.search(sentence.text) and len(sentence.text.split()) <= 25


_QUOTE_OPENERS = ("“", '"', "''", "``", "«")
# A quoted stretch (closed or running to the end of the sentence), for looking at what lies outside quotes.
_QUOTED_SPAN = re.compile(r"“[^”]*(?:”|$)|\"[^\"]*(?:\"|$)|''.*?(?:''|$)|«[^»]*(?:»|$)")
_QUOTE_MARK = re.compile(r"[“”«»\"]|''|``")


# In a text without paragraph breaks (where a paragraph's end cannot close a quote), an open quote with this
# many sentences after it and no quote mark in them was closed where the text lost the mark: such a text
# would otherwise stay "inside a quote" to its end.
QUOTE_QUIET_SENTENCES = 2


def _quote_depths(article: Article) -> list[tuple[bool, bool]]:
    """For each sentence: (starts inside a quote opened earlier in its paragraph, ends inside a quote).

    A straight quote between two letters is a mangled apostrophe ("shouldn"t"), not a quote mark."""
    states: list[tuple[bool, bool]] = []
    inside = False
    previous_end = 0
    quiet = 0
    unbroken = "\n" not in article.text.strip()
    for sentence in article.sentences:
        if "\n" in article.text[previous_end : sentence.start]:
            inside = False
        starts_inside = inside
        text = sentence.text
        marks = 0
        for found in _QUOTE_MARK.finditer(text):
            mark = found.group(0)
            at = found.start()
            if mark == '"' and 0 < at < len(text) - 1 and text[at - 1].isalpha() and text[at + 1].isalpha():
                continue
            marks += 1
            if (
                mark == "“"
                and inside
                and sentence.text[found.start() - 1 : found.start()] in (",", ".", "?", "!")
            ):
                inside = False  # "“It’s unusual,“ said …": a closing mark typed the wrong way round
            elif mark in ("“", "«", "``"):
                inside = True
            elif mark in ("”", "»"):
                inside = False
            else:
                inside = not inside
        quiet = quiet + 1 if inside and not marks else 0
        if unbroken and quiet >= QUOTE_QUIET_SENTENCES:
            inside, quiet = False, 0
        states.append((starts_inside, inside))
        previous_end = sentence.end
    return states


def _same_paragraph(article: Article, a: Sentence, b: Sentence) -> bool:
    return "\n" not in article.text[a.end : b.start]


# "Kasich: ‘We Are Going …’": a speaker label before a colon sits within the first few words.
_COLON_REACH = 60


def find_attributions(article: Article) -> tuple[Attribution, ...]:
    """Every attribution found in ``article``, in text order; offsets index ``article.text``."""
    lexicon = load_cue_lexicon()
    sentences = article.sentences
    if not sentences:
        return ()
    quote_states = _quote_depths(article)
    results: list[Attribution] = []
    history: list[Attribution] = []
    for sentence in sentences:
        if (
            not lexicon.mentions_cue(sentence.text)
            and ":" not in sentence.text[:_COLON_REACH]
            and not _SIGNED_QUOTE.search(sentence.text)
        ):
            continue  # most sentences: no cue word, no "Name:" opening, no "“…” ― Name"
        tokens = _tokenize(sentence)
        previous = sentences[sentence.index - 1] if sentence.index > 0 else None
        after_quote = (
            previous is not None
            and _same_paragraph(article, previous, sentence)
            and previous.text.rstrip().endswith(("”", '"', "''"))
        )
        reader = _SentenceReader(
            lexicon,
            tokens,
            _is_headline(article, sentence),
            starts_in_quote=quote_states[sentence.index][0],
            after_quote=after_quote,
        )
        for found in reader.read():
            attribution = _build(article, sentence, tokens, found, quote_states, history, lexicon)
            results.append(attribution)
            history.append(attribution)
    return tuple(results)


_NUMBER_WORDS = frozenset(
    ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "dozens", "hundreds"]
)
_QUANTIFIERS = frozenset({"some", "many", "most", "few", "others", "all", "both", "several", "another"})
# A clause after these ("…, and more than 4 in 10 said …") is a second statement, not the first one's content.
_COORDINATORS = frozenset({"and", "but", "while", "whereas", "although", ";"})


def _is_number(word: str) -> bool:
    return word.isdigit() or word in _NUMBER_WORDS


# "Moments later, …", "Two years ago, …": words that make the phrase before them a time, not a subject.
_TIME_AFTER = frozenset({"later", "earlier", "ago", "before", "after", "afterward", "afterwards"})
# "Trump at a rally in Ohio said": prepositions whose phrase stands between a subject and its verb.
_ADVERBIAL_PREPOSITIONS = frozenset({"in", "at", "on", "during"})
_NOT_ACTIVE = frozenset({"’s", "'s", "be", "been", "being", "is", "are", "was", "were"})
_CONTENT_EDGE = frozenset(_QUOTES | {",", ";", ":", ".", "—", "–"})


def _trim_content(tokens: _Tokens, first: int, last: int) -> tuple[int, int]:
    """Character span of the content without outer quote marks and clause punctuation."""
    while first < last - 1 and tokens.text[first] in _CONTENT_EDGE:
        first += 1
    while last > first + 1 and tokens.text[last - 1] in _CONTENT_EDGE:
        last -= 1
    return tokens.start[first], tokens.end[last - 1]


def _span(tokens: _Tokens, first: int, last: int) -> tuple[int, int]:
    return tokens.start[first], tokens.end[last - 1]


def _extra_sentences(
    article: Article,
    sentence: Sentence,
    found: _Found,
    tokens: _Tokens,
    quote_states: Sequence[tuple[bool, bool]],
) -> tuple[int, ...]:
    sentences = article.sentences
    index = sentence.index
    extra: list[int] = []
    starts_inside, ends_inside = quote_states[index]
    if starts_inside:
        # the quote opened in an earlier sentence of the paragraph: "“A. B,” he said."
        back = index - 1
        while back >= 0 and _same_paragraph(article, sentences[back], sentences[back + 1]):
            extra.insert(0, back)
            if not quote_states[back][0]:
                break
            back -= 1
    elif found.kind == "direct" and sentence.text[:1] in _QUOTE_OPENERS and index > 0:
        # "“A …”¶“B,” Espinoza said.": a paragraph that is only an unattributed quote, just before the
        # speaker's own quoted paragraph, is theirs too
        back = index - 1
        lexicon = load_cue_lexicon()
        paragraph: list[int] = []
        if back >= 0 and not _same_paragraph(article, sentences[back], sentence):
            while back >= 0:
                paragraph.insert(0, back)
                if back == 0 or not _same_paragraph(article, sentences[back - 1], sentences[back]):
                    break
                back -= 1
            lead = sentences[paragraph[0]].text
            lead_start = sentences[paragraph[0]].start
            whole = article.text[lead_start : sentences[paragraph[-1]].end]
            if lead[:1] in _QUOTE_OPENERS and not lexicon.mentions_cue(_QUOTED_SPAN.sub(" ", whole)):
                extra.extend(paragraph)
    forward = index + 1
    if ends_inside:
        while forward < len(sentences) and _same_paragraph(
            article, sentences[forward - 1], sentences[forward]
        ):
            extra.append(forward)
            if not quote_states[forward][1]:
                break
            forward += 1
        forward += 1
    # "“A,” he said. “B.”": following sentences that are quotes of their own continue the same speaker,
    # until one with a cue outside its quotes (it has its own speaker).
    lexicon = load_cue_lexicon()
    while (
        forward < len(sentences)
        and (
            _same_paragraph(article, sentences[forward - 1], sentences[forward])
            # news style: a paragraph that is only a quote, after the speaker's quoted paragraph,
            # goes on with the same speaker ("“A,” Trump said.¶“B …”")
            or (
                (extra or found.kind in ("direct", "mixed")) and sentences[forward].text[:1] in _QUOTE_OPENERS
            )
        )
        and (quote_states[forward][0] or sentences[forward].text[:1] in _QUOTE_OPENERS)
        and not lexicon.mentions_cue(_QUOTED_SPAN.sub(" ", sentences[forward].text))
    ):
        extra.append(forward)
        if quote_states[forward][1]:
            # the quote runs on: take the sentences up to its close
            while forward + 1 < len(sentences) and _same_paragraph(
                article, sentences[forward], sentences[forward + 1]
            ):
                forward += 1
                extra.append(forward)
                if not quote_states[forward][1]:
                    break
        forward += 1
    return tuple(dict.fromkeys(extra))


def _build(
    article: Article,
    sentence: Sentence,
    tokens: _Tokens,
    found: _Found,
    quote_states: Sequence[tuple[bool, bool]],
    history: Sequence[Attribution],
    lexicon: CueLexicon,
) -> Attribution:
    text = article.text
    speaker_first, speaker_last = found.speaker
    if speaker_first == speaker_last:
        return _build_unnamed(article, sentence, tokens, found, lexicon)
    while speaker_last - speaker_first > 1 and not tokens.text[speaker_last - 1][0].isalnum():
        speaker_last -= 1  # "Such rhetoric -"
    while speaker_last - speaker_first > 1 and not tokens.text[speaker_first][0].isalnum():
        speaker_first += 1
    speaker_start, speaker_end = _span(tokens, speaker_first, speaker_last)
    cue_start, cue_end = _span(tokens, *found.cue)
    content_start, content_end = _trim_content(tokens, *found.content)
    extra = _extra_sentences(article, sentence, found, tokens, quote_states)
    if found.paragraph_follows:
        following = _following_paragraph(article, sentence, quote_states)
        if following and found.content_follows:
            extra = following
            first_sentence, last_sentence = article.sentences[following[0]], article.sentences[following[-1]]
            content_start, content_end = first_sentence.start, last_sentence.end
        else:
            extra = tuple(dict.fromkeys(extra + following))
    elif found.content_precedes and sentence.index > 0:
        quoted = _preceding_quote(article, sentence, quote_states)
        first_sentence, last_sentence = article.sentences[quoted[0]], article.sentences[quoted[-1]]
        content_start, content_end = first_sentence.start, last_sentence.end
        extra = quoted
    elif found.rest_of_paragraph:
        extra = tuple(dict.fromkeys(extra + _rest_of_paragraph(article, sentence)))
    cue_text = text[cue_start:cue_end]
    cue_word = tokens.lower[found.cue[0]]
    if cue_word == "according":
        cue_lemma = "according to"
    else:
        if cue_word not in lexicon.forms and found.cue[1] - found.cue[0] > 1:
            cue_word = tokens.lower[found.cue[1] - 1]
        cue_lemma = lexicon.forms.get(cue_word, (cue_word, ""))[0]
    content = text[content_start:content_end]
    raw_start, raw_end = _span(tokens, *found.content)
    quote = _quoted(content if found.content_follows else text[raw_start:raw_end])
    speaker_text = text[speaker_start:speaker_end]
    resolved = _resolve(article, sentence, speaker_text, speaker_start, history, lexicon)
    return Attribution(
        sentence_index=sentence.index,
        speaker_text=speaker_text,
        speaker_start=speaker_start,
        speaker_end=speaker_end,
        cue=cue_text,
        cue_lemma=cue_lemma,
        content=content,
        content_start=content_start,
        content_end=content_end,
        kind=found.kind,
        confidence=found.confidence
        if resolved is not None or not _needs_resolution(speaker_text, lexicon)
        else round(found.confidence - 0.1, 2),
        speaker_resolved=resolved,
        quote=quote,
        via=found.via or _via(text, cue_end, min(speaker_start, cue_start), sentence.end, cue_lemma),
        extra_sentence_indexes=extra,
    )


def _preceding_quote(
    article: Article, sentence: Sentence, quote_states: Sequence[tuple[bool, bool]]
) -> tuple[int, ...]:
    """The sentence before ``sentence`` and, back to where its quote opened, the ones before it."""
    index = sentence.index - 1
    indexes = [index]
    while quote_states[index][0] and index > 0 and len(indexes) < 8:
        index -= 1
        indexes.insert(0, index)
    return tuple(indexes)


def _rest_of_paragraph(article: Article, sentence: Sentence) -> tuple[int, ...]:
    """The sentences after ``sentence`` in its paragraph."""
    sentences = article.sentences
    indexes: list[int] = []
    previous = sentence
    for following in sentences[sentence.index + 1 : sentence.index + 9]:
        if not _same_paragraph(article, previous, following):
            break
        indexes.append(following.index)
        previous = following
    return tuple(indexes)


def _following_paragraph(
    article: Article, sentence: Sentence, quote_states: Sequence[tuple[bool, bool]]
) -> tuple[int, ...]:
    """The sentences of the paragraph after ``sentence`` (up to a quote's close if it runs on)."""
    sentences = article.sentences
    first = sentence.index + 1
    if first >= len(sentences):
        return ()
    indexes = [first]
    while indexes[-1] + 1 < len(sentences) and (
        _same_paragraph(article, sentences[indexes[-1]], sentences[indexes[-1] + 1])
        or quote_states[indexes[-1]][1]
    ):
        indexes.append(indexes[-1] + 1)
        if len(indexes) >= 8:
            break  # a long paragraph: its opening is what the colon introduced
    return tuple(indexes)


UNNAMED_SPEAKER = "(unnamed)"


def _build_unnamed(
    article: Article, sentence: Sentence, tokens: _Tokens, found: _Found, lexicon: CueLexicon
) -> Attribution:
    """An attribution with no source in the text ("is expected to", "reportedly"): an empty speaker
    span at the cue, ``speaker_resolved`` marks the source as unnamed."""
    cue_start, cue_end = _span(tokens, *found.cue)
    content_start, content_end = _trim_content(tokens, *found.content)
    cue_word = tokens.lower[found.cue[1] - 1]
    return Attribution(
        sentence_index=sentence.index,
        speaker_text="",
        speaker_start=cue_start,
        speaker_end=cue_start,
        cue=article.text[cue_start:cue_end],
        cue_lemma=lexicon.forms.get(cue_word, (cue_word, ""))[0],
        content=article.text[content_start:content_end],
        content_start=content_start,
        content_end=content_end,
        kind=found.kind,
        confidence=found.confidence,
        speaker_resolved=UNNAMED_SPEAKER,
    )


# The channel of a statement: "told Reuters", "told the Times of Israel", "via Israeli media",
# "speaking to Haaretz", "in an interview with CNN".
_OUTLET = (
    r"(?:the\s+)?[A-Z][\w.&’'\-]*(?:\s+(?:of|[A-Z][\w.&’'\-]*))*"
    r"(?:\s+(?:media|television|radio|newspaper|daily|network|news agency|outlets?))?"
)
_VIA_AFTER_TELL = re.compile(rf"\s+({_OUTLET})")
_VIA_PHRASE = re.compile(
    r"\b(?:via|speaking to|talking to|in an interview with|in remarks to|told)\s+"
    rf"({_OUTLET}|reporters|journalists)"
)


def _via(text: str, cue_end: int, start: int, end: int, cue_lemma: str) -> str | None:
    """Who carried the statement, when the sentence says: "told Reuters", "speaking to the Times"."""
    if cue_lemma == "tell":
        match = _VIA_AFTER_TELL.match(text, cue_end, end)
        if match:
            return f"told {match.group(1)}"
    match = _VIA_PHRASE.search(text, start, end)
    if match:
        return match.group(0)
    return None


_QUOTED = re.compile(r"[“\"]([^”\"]{3,})[”\"]?")


def _quoted(content: str) -> str | None:
    match = _QUOTED.search(content)
    return match.group(1).strip() if match else None


def _needs_resolution(speaker_text: str, lexicon: CueLexicon) -> bool:
    words = speaker_text.lower().split()
    if not words:
        return False
    if len(words) == 1 and words[0] in lexicon.words["pronouns"]:
        return True
    # "the group", "the senior official"; but "the Trump campaign" names its campaign already
    described = speaker_text.split()[1:]
    return (
        len(words) <= 3
        and words[0] == "the"
        and words[-1] in lexicon.words["anaphor_heads"]
        and not any(word[:1].isupper() for word in described)
    )


def _resolve(
    article: Article,
    sentence: Sentence,
    speaker_text: str,
    speaker_start: int,
    history: Sequence[Attribution],
    lexicon: CueLexicon,
) -> str | None:
    """The antecedent of a pronoun or anaphoric speaker, or None when it is a name or none fits."""
    if not _needs_resolution(speaker_text, lexicon):
        return None
    words = speaker_text.lower().split()
    head = words[-1]
    if head in ("i", "we", "you"):
        return None
    if head in lexicon.words["person_pronouns"]:
        return _last_name(article, sentence, speaker_start, history, lexicon, want_group=False)
    if head in lexicon.words["group_pronouns"] or head in lexicon.words["group_heads"]:
        return _last_name(article, sentence, speaker_start, history, lexicon, want_group=True)
    # "the source", "the official": the last speaker with the same head noun
    for earlier in reversed(history):
        earlier_words = earlier.speaker_text.lower().split()
        if (
            earlier_words
            and earlier_words[-1].rstrip("s") == head.rstrip("s")
            and earlier.speaker_start < speaker_start
        ):
            if earlier_words[0] != "the" or len(earlier_words) > len(words):
                return earlier.speaker_text
            if earlier.speaker_resolved:
                return earlier.speaker_resolved
    return None


def _is_group(name: str, lexicon: CueLexicon, surnames: frozenset[str]) -> bool:
    words = name.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    if not words:
        return False
    lower = [word.lower() for word in words]
    if any(word in lexicon.words["group_heads"] for word in lower):
        return True
    if lower[-1].endswith("s") and not words[-1][:1].isupper():
        return True  # "Israeli officials", "the mediators"
    if len(words) == 1:
        # "Hamas", "Israel", "AFP" are groups; "Witkoff" is a person when the article names "Steve Witkoff"
        return words[0] not in surnames or words[0].isupper()
    return all(word.isupper() for word in words)


# The last article's surnames: pronouns of one article are resolved one after another (one tuple, so
# a thread reading it sees a key and its value together).
_surname_cache: tuple[tuple[str, int, int], frozenset[str]] | None = None


def _surnames(article: Article) -> frozenset[str]:
    """Last words of the article's multi-word names: "Witkoff" from "Steve Witkoff" marks a person."""
    global _surname_cache
    key = (article.article_id, len(article.text), id(article))
    cached = _surname_cache
    if cached is not None and cached[0] == key:
        return cached[1]
    names = _collect_surnames(article)
    _surname_cache = (key, names)
    return names


_CAPITALISED = re.compile(r"(?:^|(?<=\s))[A-Z]")
_WORD_START = re.compile(r"(?:^|(?<=\s))\S")


def _collect_surnames(article: Article) -> frozenset[str]:
    names: set[str] = set()
    for sentence in article.sentences:
        if len(_CAPITALISED.findall(sentence.text)) > 0.5 * len(_WORD_START.findall(sentence.text)):
            continue  # a title-case headline: its capitals are not names
        names.update(match.group(0).split()[-1] for match in _NAME_RUN.finditer(sentence.text))
    return frozenset(names)


def _last_name(
    article: Article,
    sentence: Sentence,
    before: int,
    history: Sequence[Attribution],
    lexicon: CueLexicon,
    want_group: bool,
) -> str | None:
    candidates: list[tuple[int, str]] = []
    for earlier in history:
        name = earlier.speaker_resolved or earlier.speaker_text
        if earlier.speaker_start < before and not _needs_resolution(earlier.speaker_text, lexicon):
            candidates.append((earlier.speaker_start, name))
    # names mentioned in this and the few sentences before (the subject of "released a video", then "he said")
    first = max(0, sentence.index - 3)
    for earlier_sentence in article.sentences[first : sentence.index + 1]:
        # names outside quotes ("“If Hillary wants to be queen …,” he said": not Hillary), without a
        # capitalised opening word that is no name ("If", "When", "Tuesday")
        unquoted = _QUOTED_SPAN.sub(lambda quoted: " " * len(quoted.group(0)), earlier_sentence.text)
        for match in _NAME_RUN.finditer(unquoted):
            name_words = match.group(0).split()
            while name_words and (
                name_words[0].lower() in lexicon.words["subordinators"]
                or name_words[0].lower() in lexicon.words["discourse"]
                or name_words[0].lower() in lexicon.words["determiners"]
                or name_words[0].lower() in lexicon.words["calendar"]
                or name_words[0].lower() in lexicon.words["prepositions"]
            ):
                name_words.pop(0)
            start = earlier_sentence.start + match.end() - len(" ".join(name_words))
            if len(name_words) >= 2 and start < before:
                candidates.append((start, " ".join(name_words)))
    surnames = _surnames(article)
    for _, name in sorted(candidates, reverse=True):
        words = name.split()
        named = any(word[:1].isupper() for word in words[1:]) or (len(words) == 1 and name[:1].isupper())
        if not want_group and not named:
            continue  # "she" is a named person, not "a new poll"
        if _is_group(name, lexicon, surnames) == want_group:
            return name
    if want_group:
        # a one-word name ("Hamas"): a capitalised word outside quotes, not opening its sentence
        # (where any word is capitalised: "According", "Tuesday") and not a day or month
        for earlier_sentence in reversed(article.sentences[first : sentence.index + 1]):
            unquoted = _QUOTED_SPAN.sub(lambda quoted: " " * len(quoted.group(0)), earlier_sentence.text)
            matches = list(_TOKEN.finditer(unquoted))
            for match in reversed(matches[1:]):
                word = match.group(0)
                if (
                    word[:1].isupper()
                    and len(word) > 2
                    and word.lower() not in lexicon.words["discourse"]
                    and word.lower() not in lexicon.words["calendar"]
                    and earlier_sentence.start + match.start() < before
                ):
                    return word
    return None
