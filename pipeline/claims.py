"""Claims: who takes which stance on what, read sentence by sentence from an article.

Two sources of claims, merged per sentence:

- attributions (``pipeline.attribution``): a speaker, a speech cue and the content. The stance comes from
  the cue and the content's own cue phrases ("said the group had agreed to …" → accept). When the
  content's subject is another actor ("Trump asserted that Israel has accepted …") that actor gets the
  claim, with the speaker as ``via``.
- clauses whose subject is an actor and whose verb is a stance cue, without a speech cue ("Hamas has
  rejected accusations …", "Israel is demanding …", headlines "Hamas accepts US ceasefire proposal").

When the attribution stage names no speaker, the commonest quote shapes ("“…,” said X") and the subject
of a speech verb ("Hamas reiterated that …") stand in for it.

The topic is the watchlist topic named nearest after the cue (before it for predicates such as "… were
not true"). One claim per (actor, topic) and sentence: the first cue of the sentence wins, and a plain
statement gives way to a stance. Everything a rule decides is listed in ``Claim.rules``; confidence
comes from them.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

from pipeline.actors import (
    ActorResolver,
    Coreference,
    Mention,
    Resolution,
    anaphor_kind,
    described,
    normalise_description,
    title_words,
)
from pipeline.gender import name_gender, pronoun_gender
from pipeline.models import (
    POLARITY,
    Actor,
    Article,
    Attribution,
    Claim,
    ClaimKind,
    ClaimOccurrence,
    ExtractionResult,
    Sentence,
    SpeechKind,
)
from pipeline.stance import (
    Cue,
    Lexicon,
    Token,
    default_lexicon,
    find_cues,
    inflect_verb,
    reported_change_in,
    reported_changes,
    tokenize,
)
from pipeline.watchlist import Topic, Watchlist
from pipeline.when import MONTH_NAMES, said_earlier, said_on
from pipeline.wordlists import data_lines, word_set

__all__ = ["ClaimExtractor", "claim_id", "extract_claims"]

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"


def _word_file(name: str) -> frozenset[str]:
    return word_set(name)


@lru_cache(maxsize=1)
def _speech_verbs() -> frozenset[str]:
    return _word_file("stance_speech_verbs.txt")


@lru_cache(maxsize=1)
def _speech_verb_forms() -> frozenset[str]:
    """Every form of the speech verbs ("stressed", "reiterating", "told"): speakers attribution missed."""
    return frozenset(form for verb in _speech_verbs() for form in inflect_verb(verb)) - {"according", "point"}


@lru_cache(maxsize=1)
def _verb_words() -> frozenset[str]:
    """Cue and speech verb forms: a lower-case one ends a noun phrase read backwards."""
    lexicon = default_lexicon()
    verbs = {e.words[0] for entries in lexicon.by_first.values() for e in entries if e.form == "verb"}
    return frozenset(verbs) | _speech_verb_forms()


@lru_cache(maxsize=1)
def _gap_words() -> frozenset[str]:
    return _word_file("stance_gap_words.txt")


@lru_cache(maxsize=1)
def _condition_words() -> frozenset[str]:
    return _word_file("stance_condition_words.txt")


@lru_cache(maxsize=1)
def _transparent_nouns() -> frozenset[str]:
    return _word_file("stance_transparent_nouns.txt")


# Words that end a subject noun phrase when reading backwards from a verb.
# Auxiliaries and modals: neither part of a noun phrase nor a verb of their own.
_AUXILIARIES = frozenset(
    {"will", "would", "could", "can", "may", "might", "shall", "should", "must", "did", "does", "do"}
)
_NP_STOP = _AUXILIARIES | frozenset(
    [
        "that",
        "which",
        "who",
        "whom",
        "whose",
        "where",
        "when",
        "while",
        "as",
        "after",
        "before",
        "because",
        "since",
        "although",
        "though",
        "if",
        "unless",
        "and",
        "or",
        "but",
        "nor",
        "so",
        "yet",
        "to",
        "of",
        "for",
        "with",
        "by",
        "from",
        "into",
        "onto",
        "at",
        "about",
        "against",
        "between",
        "among",
        "through",
        "during",
        "without",
        "within",
        "upon",
        "under",
        "over",
        "than",
        "like",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "not",
        "said",
        "says",
        "told",
        "say",
        "according",
        "also",
    ]
)
_DETERMINERS = frozenset(
    {"a", "an", "the", "one", "two", "three", "several", "some", "its", "their", "his", "her"}
)
_NOUN_MARKERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "our", "this", "these", "'s", "'"})
_ADJECTIVE_FILLERS = frozenset(
    {"latest", "new", "recent", "earlier", "previous", "fresh", "final", "initial", "own"}
)
_PRONOUN_SUBJECTS = frozenset({"he", "she", "it", "they", "we", "i"})
_SPEECH_IN_PARENTHESIS = frozenset(
    {"said", "says", "say", "reports", "reported", "report", "told", "added", "adds", "noted", "according"}
)
_WORDS = re.compile(r"[a-z]+(?:'[a-z]+)?")
_NEGATION_WORDS = frozenset({"not", "never", "no"})
_VERB_CONTEXT = _AUXILIARIES | frozenset(
    {
        "to",
        "not",
        "never",
        "and",
        "or",
        "but",
        "also",
        "then",
        "who",
        "which",
        "that",
    }
)
_SPEECH_NOUNS = frozenset(
    {
        "reports",
        "report",
        "claims",
        "claim",
        "allegations",
        "allegation",
        "rumours",
        "rumors",
        "statement",
        "announcement",
        "assertion",
        "assertions",
        "suggestions",
        "speculation",
    }
)
_PARTICIPLE_MODIFIERS = frozenset(
    {
        "unnamed",
        "elected",
        "armed",
        "alleged",
        "leading",
        "ruling",
        "governing",
        "retired",
        "unidentified",
        "embattled",
        "detained",
        "exiled",
        "outgoing",
        "incoming",
        "acting",
        "ousted",
        "jailed",
        "united",
    }
)
_COPULAS = frozenset({"is", "are", "was", "were", "remains", "remain", "has", "have", "had", "seems"})
_BE_FORMS = frozenset({"be", "been", "being", "is", "are", "was", "were", "get", "got", "gets"})
_POSSESSIVE_PRONOUNS = frozenset({"its", "their", "his", "her", "our", "my"})
_NOUN_MODIFIERS = frozenset(
    {"continued", "renewed", "full", "firm", "strong", "clear", "unwavering", "ongoing"}
)
_PREPOSITIONS = frozenset(
    {"in", "with", "on", "at", "after", "for", "amid", "despite", "during", "under", "from"}
)
_OBJECT_TAKERS = frozenset(
    {",", "that", "and", "but", "because", "if", "when", "as", "while", "said", "says", '"'}
)
# A clause without "that" after a verb of saying: a subject pronoun then a finite verb ("he was", "it will").
_SUBJECT_PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "you", "there"})
_FINITE = frozenset(
    {"was", "were", "is", "are", "will", "would", "had", "has", "have", "could", "should", "must", "can"}
    | {"did"}
)
_PLAIN_SAY = frozenset({"say", "tell", "add", "state", "according", "write", "post", "tweet", "announce"})
_SPEECH_PARTICIPLES = frozenset(
    {
        "saying",
        "stating",
        "reiterating",
        "stressing",
        "adding",
        "insisting",
        "arguing",
        "noting",
        "warning",
        "telling",
        "declaring",
        "asserting",
        "affirming",
        "repeating",
        "emphasizing",
        "emphasising",
    }
)
_SPEECH_FORMS = frozenset(
    {"say", "says", "said", "saying", "tell", "tells", "told", "state", "states", "stated"}
)
_CAPITALISED_REST = re.compile(r"(?:\s+[A-Z][\w'’\-]*)+")
# What may follow a speaker and still belong to it: "one official in Jerusalem", "a source close to Hamas".
_SPEAKER_TAIL = re.compile(
    r"(?:,)?\s+(?:in|from|close\s+to|within|inside|at)\s+(?:the\s+)?[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*"
)


def claim_id(actor: str, speaker: str | None, stance: str, topic: str | None, evidence: str) -> str:
    """A content hash: the same statement in several articles is one claim."""
    normalised = " ".join(_WORDS.findall(evidence.lower().replace("’", "'")))
    key = "\x1f".join((actor, speaker or "", stance, topic or "", normalised))
    return hashlib.blake2b(key.encode("utf-8"), digest_size=10).hexdigest()


@dataclass(frozen=True, slots=True)
class _TopicIndex:
    by_first: dict[str, tuple[tuple[tuple[str, ...], str], ...]]
    # Each topic's own vocabulary (the words of its phrases and label): a name qualifying a phrase that is
    # not in it makes the phrase another subject's ("Crimea's referendum", "ceasefire in Ukraine").
    words: dict[str, frozenset[str]] = field(default_factory=dict)


def _topic_index(topics: Sequence[Topic]) -> _TopicIndex:
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    vocabulary: dict[str, set[str]] = {}
    for topic in topics:
        for phrase in topic.phrases:
            words = tuple(t.norm for t in tokenize(phrase))
            if words:
                by_first.setdefault(words[0], []).append((words, topic.key))
        words_of = {t.norm for text in (*topic.phrases, topic.label) for t in tokenize(text)}
        # a hyphenated name's parts too: "Kim Jong Nam's body" is the "Kim Jong-nam's body" of the label
        parts = {part for word in words_of if "-" in word for part in word.split("-")}
        vocabulary[topic.key] = words_of | parts
    return _TopicIndex(
        {k: tuple(sorted(v, key=lambda e: -len(e[0]))) for k, v in by_first.items()},
        {k: frozenset(v) for k, v in vocabulary.items()},
    )


# How many tokens after a stance cue its object's topic phrase may start ("rejected a call from Scotland's
# leader for a referendum": 8); further on, a phrase belongs to another clause or a modifier.
_OBJECT_REACH = 12
# Prepositions after which a capitalised name places a topic phrase ("the ceasefire in Ukraine").
_PLACING = frozenset({"in", "on", "over", "for", "of", "with", "between"})


def _qualified_elsewhere(tokens: Sequence[Token], first: int, last: int, *own: frozenset[str]) -> bool:
    """Whether a topic phrase at tokens [first, last] is qualified by a name in none of the ``own`` word
    sets (its topic's words, the watched actors'):
    a capitalised modifier or possessor before it ("Crimea's referendum", "Brexit negotiations", "the EU
    referendum") or a placing phrase after it ("the ceasefire in Ukraine", "relations with Russia")."""
    k = first - 1
    if k >= 0 and tokens[k].norm in {"'s", "'"}:
        k -= 1
    modifier = tokens[k] if k >= 1 else None
    if (
        modifier is not None
        and modifier.capitalised
        and modifier.norm.isalpha()
        and tokens[k - 1].norm not in {".", '"'}
        and not any(modifier.norm in words for words in own)
    ):
        return True
    if last + 2 < len(tokens) and tokens[last + 1].norm in _PLACING:
        name = tokens[last + 2] if tokens[last + 2].norm != "the" else tokens[min(last + 3, len(tokens) - 1)]
        if name.capitalised and name.norm.isalpha() and not any(name.norm in words for words in own):
            return True
    return False


@dataclass(slots=True)
class _Candidate:
    resolution: Resolution
    speaker_text: str | None
    stance: str
    cue_first: int  # token index of the cue in the sentence (order of clauses)
    cue_last: int
    weight: float
    rules: list[str] = field(default_factory=list)
    topic: str | None = None
    speech: SpeechKind = "reported"
    quote: str | None = None
    via: str | None = None
    condition: str | None = None
    # A quote that runs on over later sentences: the index of its last sentence (the evidence spans them).
    through_sentence: int | None = None


@dataclass(slots=True)
class _SentenceView:
    sentence: Sentence
    tokens: list[Token]
    mentions: list[Mention]
    cues: list[Cue]
    topics: list[tuple[int, int, str]]  # (first token, last token, topic key)
    headline: bool
    _title_case: bool | None = None

    @property
    def title_case(self) -> bool:
        """ "Trump Threatens to Block Bridge": capitals say nothing about names. Worked out when first
        asked: most sentences never need it."""
        if self._title_case is None:
            self._title_case = _title_case(self.tokens)
        return self._title_case


class ClaimExtractor:
    """Reusable extractor: the watchlist index and lexicons are built once for many articles.

    Not thread-safe (it holds the coreference state of the article it reads): one per thread.
    """

    def __init__(self, watchlist: Watchlist | None, lexicon: Lexicon | None = None) -> None:
        self.watchlist = watchlist
        self.resolver = ActorResolver(watchlist)
        self.lexicon = lexicon or default_lexicon()
        self.topics = _topic_index(watchlist.topics if watchlist is not None else ())
        # Words of the watched actors' names, aliases, adjectives and places: as a topic phrase's modifier
        # they keep it in the storyline ("US accusations", "Gaza truce talks").
        self._actor_words = frozenset(
            t.norm
            for a in (watchlist.actors if watchlist is not None else ())
            for text in (a.name, *a.aliases, *a.adjectives, *a.places)
            for t in tokenize(text)
        )
        self._cue_words = self.lexicon.keys
        self._speech = _speech_verbs()
        self._coref = Coreference()  # the article being read's; reset by extract()
        self._surnames: dict[str, Resolution] = {}  # the article's discovered full names by surname
        self._last_topic: str | None = None  # the topic the article named last, for "accept it"

    # --- public --------------------------------------------------------------------------------------

    def extract(
        self, article: Article, attributions: Sequence[Attribution] | None = None
    ) -> ExtractionResult:
        if attributions is None:
            from pipeline.attribution import find_attributions

            attributions = find_attributions(article)
        by_sentence: dict[int, list[Attribution]] = {}
        continuing: dict[int, Attribution] = {}
        for attribution in attributions:
            if attribution.confidence < _MIN_ATTRIBUTION_CONFIDENCE:
                continue  # a guessed speaker; this stage's own subject and quote rules read such sentences
            by_sentence.setdefault(attribution.sentence_index, []).append(attribution)
            for index in attribution.extra_sentence_indexes:
                continuing.setdefault(index, attribution)
        coreference = Coreference()
        self._coref = coreference
        self._surnames = {}
        self._last_topic = None
        claims: dict[str, Claim] = {}
        occurrences: dict[str, ClaimOccurrence] = {}
        discovered: dict[str, Actor] = {}
        candidates_seen: dict[tuple[str, str], tuple[str, str, float, str]] = {}
        pending: Attribution | None = None  # the speaker of a quote still open (when attribution gave none)
        for sentence in article.sentences:
            sentence_attributions = _outermost(by_sentence.get(sentence.index, []))
            quote_owner = continuing.get(sentence.index) or pending
            if pending is not None and _closes_quote(sentence.text):
                pending = None
            if not sentence_attributions:
                fallback = _fallback_attribution(sentence)
                if fallback is not None:
                    sentence_attributions = [fallback]
                    if _opens_quote(sentence.text) and not continuing.get(sentence.index + 1):
                        pending = fallback
            if not sentence_attributions and quote_owner is None and not self._may_hold_cue(sentence.text):
                self._note_names(sentence.text, coreference)
                continue
            if quote_owner is not None and not _inside_quote(sentence.text, bool(sentence_attributions)):
                quote_owner = None  # "In the 2014 referendum, 55% voted …" after a quote: narrative again
            view = self._view(article, sentence)
            found = self._sentence_claims(view, sentence_attributions, quote_owner, coreference, article)
            self._last_topic = view.topics[-1][2] if view.topics else self._last_topic
            for mention in view.mentions:
                coreference.note_mention(mention)
            for candidate in found:
                claim = self._claim(candidate, view, article)
                if claim.claim_id in claims:
                    continue
                claims[claim.claim_id] = claim
                occurrences[claim.claim_id] = ClaimOccurrence(
                    claim_id=claim.claim_id,
                    article_id=article.article_id,
                    doc=article.doc,
                    start=sentence.start,
                    end=_evidence_end(article, sentence, candidate.through_sentence),
                    source=article.source,
                    published=article.published,
                )
                res = candidate.resolution
                if res.status == "discovered" and res.actor not in discovered:
                    discovered[res.actor] = Actor(
                        name=res.actor, kind=res.kind, party=None, status="discovered"
                    )
                if res.candidate is not None:
                    alias, canonical, score = res.candidate
                    candidates_seen.setdefault((alias, canonical), (alias, canonical, score, sentence.text))
        return ExtractionResult(
            claims=tuple(claims.values()),
            occurrences=tuple(occurrences.values()),
            discovered_actors=tuple(discovered.values()),
            alias_candidates=tuple(candidates_seen.values()),
        )

    # --- per sentence --------------------------------------------------------------------------------

    def _note_names(self, text: str, coreference: Coreference) -> None:
        """A sentence without cues still names actors that a later "the group" or "he" may mean."""
        pattern = self.resolver.name_pattern
        if not text or pattern is None or pattern.search(text) is None:
            return
        tokens = tokenize(text)
        for mention in self.resolver.mentions(tokens):
            coreference.note_mention(mention)

    def _may_hold_cue(self, text: str) -> bool:
        """Cheap prefilter: some lower-cased word of the sentence starts a stance cue."""
        words = set(_WORDS.findall(text.lower().replace("’", "'")))
        return not words.isdisjoint(self._cue_words)

    def _view(self, article: Article, sentence: Sentence) -> _SentenceView:
        tokens = tokenize(sentence.text, sentence.start)
        mentions = self.resolver.mentions(tokens)
        cues = find_cues(tokens, self.lexicon)
        topics = self._topic_spans(tokens)
        headline = sentence.index == 0 or (
            article.title is not None and sentence.text.strip() == article.title
        )
        return _SentenceView(
            sentence,
            tokens,
            mentions,
            cues,
            topics,
            headline and "\n" not in sentence.text,
        )

    def _topic_spans(self, tokens: Sequence[Token]) -> list[tuple[int, int, str]]:
        spans: list[tuple[int, int, str]] = []
        by_first = self.topics.by_first
        if not by_first:
            return spans
        norms = [t.norm for t in tokens]
        if by_first.keys().isdisjoint(norms):
            return spans
        i = 0
        while i < len(norms):
            entries = by_first.get(norms[i])
            hit = None
            if entries:
                for words, key in entries:
                    n = len(words)
                    if n == 1 or tuple(norms[i : i + n]) == words:
                        hit = (i, i + n - 1, key)
                        break
            if hit is None:
                i += 1
                continue
            own = self.topics.words.get(hit[2], frozenset())
            if not _qualified_elsewhere(tokens, hit[0], hit[1], own, self._actor_words):
                spans.append(hit)
            i = hit[1] + 1
        return spans

    def _sentence_claims(
        self,
        view: _SentenceView,
        attributions: list[Attribution],
        quote_owner: Attribution | None,
        coreference: Coreference,
        article: Article,
    ) -> list[_Candidate]:
        day = article.published
        tokens = view.tokens
        candidates: list[_Candidate] = []
        said: list[_Said] = []
        starts = [t.start for t in tokens]
        ends = [t.end for t in tokens]
        for attribution in _repair(view, attributions):
            written = self._extend_speaker(view, attribution)
            if _possessive(written):
                continue  # "Witkoff's claims", "Hamas' terms": a noun phrase, not a speaker
            who = self._speaker(attribution, written, view, coreference, day)
            if who is None:
                continue
            first, last = _token_span(ends, starts, attribution.content_start, attribution.content_end)
            cue_index = _cue_token(tokens, attribution, ends)
            speech = attribution.cue_lemma in self._speech or attribution.kind == "according"
            said.append(_Said(attribution, written, who, first, last, cue_index, speech))
            coreference.note(who, written)
        owner: _Said | None = None
        if quote_owner is not None:
            written = quote_owner.speaker_text
            who = self._speaker(quote_owner, written, view, coreference, day)
            if who is not None and who.resolved:
                owner = _Said(quote_owner, written, who, 0, len(tokens) - 1, -1, True)
        main: _Candidate | None = None
        for cue in view.cues:
            if self._skip_cue(view, cue):
                continue
            holder = None
            if candidates and _coordinated(tokens, candidates[-1], cue):
                # "had “welcomed and expressed satisfaction”": the second verb shares the first one's subject
                previous = candidates[-1]
                holder = replace(
                    previous,
                    stance=cue.stance,
                    cue_first=cue.first,
                    cue_last=cue.last,
                    weight=cue.weight * 0.9,
                    rules=[f"cue:{cue.phrase}", "coordinated"],
                    condition=None,
                )
            if holder is None:
                holder = self._holder(view, cue, said, owner, main, day)
            if holder is None:
                continue
            holder.topic = self._topic(view, cue)
            holder.condition = _condition(tokens, cue)
            opened = _condition_clause(tokens, cue) or _leading_condition(tokens, cue)
            if opened is not None:
                # "will accept if…", "refused to release it until…", "If no one claims it, we will hand it
                # over": conditional, the condition kept
                # (a refusal so conditioned stays on its side: "refused to release it until DNA" and
                # "refused to release it" are one position, told with and without its condition)
                refused = ["conditional-refusal"] if holder.stance == "reject" else []
                holder.stance, holder.condition = "demand", opened
                holder.rules = [*holder.rules, "conditional", *refused]
            elif holder.stance == "reject" and _rejects_an_account(tokens, cue):
                # "rejects that version of events", "dismissed the reports": a dispute of fact, no position
                holder.stance = "deny"
                holder.rules = [*holder.rules, "rejects-an-account"]
            candidates.append(holder)
            if main is None and cue.form != "noun":
                main = holder
        # An attribution without a stance cue of its own: a plain statement of the speaker. Every one the
        # attribution stage found is kept (its cue need not be a verb of saying: "believes", "argues"); the
        # content filters apply to speech verbs, whose objects are not always statements.
        for entry in said:
            if not entry.who.resolved or entry.first > entry.last:
                continue
            # A stance claim read from the content stands for it; a cue that gave no claim (its holder
            # not found) leaves the plain statement.
            if any(entry.first <= c.cue_first <= entry.last for c in candidates if c.stance != "claim"):
                continue
            if entry.speech and (
                self._content_is_about_other(view, entry) or not _states_something(view, entry)
            ):
                continue
            charged = self._charges_another(view, entry)
            candidates.append(
                _Candidate(
                    resolution=entry.who,
                    speaker_text=entry.written,
                    stance="accuse" if charged else "claim",
                    cue_first=entry.cue_index if entry.cue_index >= 0 else entry.first,
                    cue_last=entry.cue_index if entry.cue_index >= 0 else entry.first,
                    weight=0.6 if charged else 0.55,
                    rules=[
                        "speech-claim" if not charged else "charges-another",
                        f"cue:{entry.attribution.cue_lemma}",
                    ],
                    topic=self._topic_in_span(view, entry.first, entry.last),
                    speech=entry.attribution.kind,
                    quote=entry.attribution.quote,
                    via=entry.attribution.via,
                    through_sentence=max(entry.attribution.extra_sentence_indexes, default=None),
                )
            )
        self._note_descriptions(view, coreference, day)
        return _merge(candidates, by_stance=self.watchlist is None)

    def _extend_speaker(self, view: _SentenceView, attribution: Attribution) -> str:
        """ "one official" + " in Jerusalem", "a source" + " close to Hamas": the place or affiliation the
        attribution left out of the speaker."""
        written = attribution.speaker_text
        offset = attribution.speaker_end - view.sentence.start
        if 0 <= offset <= len(view.sentence.text):
            text = view.sentence.text
            rest = _CAPITALISED_REST.match(text, offset)
            if rest is not None and written[-1:].isalpha() and written.split()[-1][:1].isupper():
                written = written + rest.group(0)  # "the United" + " States": a name cut short
                offset = rest.end()
            match = _SPEAKER_TAIL.match(text, offset)
            if match is not None:
                written = written + match.group(0)
        return written

    def _speaker(
        self,
        attribution: Attribution,
        written: str,
        view: _SentenceView,
        coreference: Coreference,
        day: date | None,
    ) -> Resolution | None:
        who = self._same_person(self.resolver.resolve(written, day))
        if who is not None and who.status == "discovered" and view.title_case:
            return None  # "Amended Lawsuit Claims …": a headline's capitals name nobody
        if who is None:
            return self._described(attribution, written)
        if who.anaphor is None:
            return who
        resolved = self._antecedent(
            view, who.anaphor, attribution.speaker_start, coreference, head=written, declared=who.anaphor_of
        )
        if resolved is None and attribution.speaker_resolved:
            # The attribution stage's own antecedent ("…,' he said" after "Cruz told …"), when it names
            # someone and does not contradict the pronoun's gender.
            fallback = self.resolver.resolve(attribution.speaker_resolved, day)
            wanted = pronoun_gender(written)
            if (
                fallback is not None
                and fallback.resolved
                and fallback.anaphor is None
                and not (wanted and fallback.person_gender and fallback.person_gender != wanted)
            ):
                resolved = fallback
        if resolved is None:
            return None
        agrees = resolved.rule == "coreference-agrees"  # "she" → the last woman named: checked
        return Resolution(
            resolved.actor,
            resolved.speaker,
            resolved.status,
            resolved.kind,
            "coreference-agrees" if agrees else "coreference",
            0.85 if agrees else 0.8,
            candidate=resolved.candidate,
            gender=resolved.gender,
        )

    def _charges_another(self, view: _SentenceView, entry: _Said) -> bool:
        """Whether a statement's content charges another watched actor with wrongdoing: it names that actor
        (by name or alias) and a word of ``data/accusation_words.txt`` ("the murder was a plot by the US")."""
        named_others = [
            m
            for m in view.mentions
            if entry.first <= m.first <= entry.last
            and m.via in ("name", "alias", "adjective", "place")
            and m.actor.party != entry.who.actor
        ]
        if not named_others:
            return False
        stems = _accusation_stems()
        return any(tokens.norm.startswith(stems) for tokens in view.tokens[entry.first : entry.last + 1])

    def _described(self, attribution: Attribution, written: str) -> Resolution | None:
        """A speaker the resolver cannot place ("the FBI", "the bank", "a federal appeals court"): kept as
        written, a discovered description, when the attribution is sure enough."""
        description = normalise_description(written)
        if attribution.confidence < _MIN_ATTRIBUTION_CONFIDENCE or not description:
            return None
        if len(description.split()) > _LONGEST_DESCRIPTION:
            return None
        return described(description)

    def _same_person(self, res: Resolution | None) -> Resolution | None:
        """ "Witkoff" after "Steve Witkoff", "Netanyahu" after "Israeli Prime Minister Benjamin Netanyahu":
        a discovered surname is the full name the article used before."""
        if res is None or res.status != "discovered" or res.anaphor is not None:
            return res
        name = res.speaker if res.rule == "title-name" else res.actor
        if not name:
            return res
        parts = name.split()
        if len(parts) >= 2 and parts[-1][:1].isupper():
            self._surnames.setdefault(parts[-1], res)
            return res
        if len(parts) == 1 and res.rule == "proper-name":
            return self._surnames.get(parts[0], res)
        return res

    def _antecedent(
        self,
        view: _SentenceView,
        kind: str,
        before: int,
        coreference: Coreference,
        head: str = "",
        declared: tuple[str, ...] = (),
    ) -> Resolution | None:
        """The nearest fitting actor named before char ``before`` in this sentence, else in the article.
        ``declared``: the watchlist actors that use this anaphor ("the movement" → Hamas), if any."""
        wanted = pronoun_gender(head)
        if kind in ("organisation", "person", "any"):
            for mention in reversed(view.mentions):
                if mention.end > before or mention.via not in ("name", "alias"):
                    continue
                actor = mention.actor
                if declared and actor.name not in declared:
                    continue
                if kind == "person" and actor.kind != "person":
                    continue
                gender = actor.gender or name_gender(actor.name) if actor.kind == "person" else None
                if wanted is not None and gender is not None and gender != wanted:
                    continue  # "she" is not the man named just before
                if kind == "organisation" and not declared and actor.kind not in ("organisation", "group"):
                    continue
                return Resolution(
                    actor.party,
                    actor.name if actor.kind == "person" else None,
                    "canonical",
                    actor.kind,
                    "coreference-agrees" if wanted is not None and gender == wanted else "coreference",
                    0.8,
                    gender=gender,
                )
        anaphor = Resolution("", None, "discovered", kind, "anaphor", 0.0, anaphor=kind, anaphor_of=declared)
        return coreference.resolve(anaphor, head)

    def _note_descriptions(self, view: _SentenceView, coreference: Coreference, day: date | None) -> None:
        """Remember "a Palestinian official" named in passing, for a later "the official"."""
        titles = title_words()
        tokens = view.tokens
        for mention in view.mentions:
            if mention.via not in ("adjective", "place", "alias", "name") or mention.actor.kind == "person":
                continue
            for k in range(mention.last + 1, min(mention.last + 3, len(tokens))):
                if tokens[k].norm in titles:
                    start = _noun_phrase_start(tokens, k, view.mentions)
                    if start is None:
                        break
                    written = _text(view, start, k)
                    res = self.resolver.resolve(written, day)
                    if res is not None and res.resolved:
                        coreference.speakers.append((written.lower(), res))
                    break

    def _skip_cue(self, view: _SentenceView, cue: Cue) -> bool:
        """Cues that are nobody's position here: passives ("put forward by"), verbs used as nouns ("Hamas's
        latest offer", "a truce offer", "a proposed truce"), nouns that are the object of another cue
        ("rejected accusations by")."""
        tokens = view.tokens
        after = cue.last + 1
        if _hypothetical(tokens, cue):
            return True  # "if 22 Republicans join in opposing it", "should the delegation refuse"
        if _reduced_relative(tokens, cue):
            return True  # "a letter from his family requesting …", "migrants seeking asylum": a modifier
        if _generic_relative(tokens, cue):
            return True  # "there are some who would seek to overturn it": theirs, not the speaker's
        if (
            cue.form == "verb"
            and cue.first == cue.last
            and tokens[cue.first].norm.endswith("s")
            and after < len(tokens)
            and tokens[after].norm in {"over", "between", "among"}
        ):
            return True  # "disputes over the agenda", "threats between the two": a plural noun
        if cue.form == "verb" and after < len(tokens) and tokens[after].norm == "by":
            return True
        if tokens[cue.first].capitalised and not view.title_case:
            return True  # "Consider supporting …", "Rapid Support Forces": an imperative or a name
        if cue.form == "verb" and after < len(tokens) and tokens[after].norm in _COPULAS:
            return True  # "Domestic demand is surging": a noun, the subject of the next verb
        if cue.form == "verb" and (
            tokens[cue.first].norm.endswith(("ed", "en"))
            or tokens[cue.first].norm in {"held", "made", "put", "sought", "given", "set", "taken"}
        ):
            k = cue.first - 1
            while k >= 0 and (
                tokens[k].norm.endswith("ly") or tokens[k].norm in {"not", "never", "also", "then"}
            ):
                k -= 1
            if k >= 0 and tokens[k].norm in _BE_FORMS:
                return True  # "would be considered", "was rejected": the subject is what the verb acts on
        if cue.form == "verb":
            j = cue.first - 1
            while j >= 0 and tokens[j].norm in _ADJECTIVE_FILLERS:
                j -= 1
            if j >= 0 and tokens[j].norm in _NOUN_MARKERS:
                return True
            word = tokens[cue.first].norm
            base = cue.phrase.split()[0]
            if word == base and j >= 0 and j == cue.first - 1:
                before = tokens[j]
                if (
                    before.norm.isalpha()
                    and before.norm not in _VERB_CONTEXT
                    and before.norm not in _gap_words()
                    and before.norm not in _PRONOUN_SUBJECTS
                    and not before.norm.endswith("ly")
                    and before.norm not in title_words()
                    and (not before.capitalised or (view.title_case and j > 0))
                ):
                    return True  # "a truce offer", "bring back": a noun or a particle, not the verb
        k = cue.first - 1
        while k >= 0 and tokens[k].norm in {
            "had",
            "has",
            "have",
            "would",
            "will",
            "could",
            "did",
            "is",
            "was",
        }:
            k -= 1
        if cue.form == "verb" and k >= 1:
            subject, before = tokens[k], tokens[k - 1]
            if (
                subject.norm in _PRONOUN_SUBJECTS
                and before.norm.isalpha()
                and not before.capitalised
                and before.norm not in _NP_STOP
                and before.norm not in _OBJECT_TAKERS
                and before.norm not in _gap_words()
                and not before.norm.endswith(("ed", "ing", "ly"))
            ):
                return True  # "the framework proposal we put forward": a relative clause, background
        if cue.form == "noun":
            for other in view.cues:
                if other.last < cue.first and cue.first - other.last <= 3:
                    return True
        return False

    def _holder(
        self,
        view: _SentenceView,
        cue: Cue,
        said: list[_Said],
        owner: _Said | None,
        main: _Candidate | None,
        day: date | None,
    ) -> _Candidate | None:
        tokens = view.tokens
        inside = None
        for entry in said:
            if (
                entry.speech
                and entry.first <= cue.first <= entry.last
                and (inside is None or entry.first >= inside.first)
            ):
                inside = entry
        own = next((e for e in said if e.cue_index == cue.first and e.who.resolved), None)
        rules: list[str] = [f"cue:{cue.phrase}"]
        if cue.negated:
            rules.append("negated")
        if cue.form == "noun" and cue.last + 1 < len(tokens) and tokens[cue.last + 1].norm in {"by", "from"}:
            # "a request from Syrian rebels to delay": the asker named after the noun holds it
            by_agent = self._noun_agent(view, cue, day, rules, skip=1)
            if by_agent is not None:
                return by_agent
        found = self._subject(view, cue, day, inside)
        if found is not None and cue.form == "modal":
            found = None  # "Hamas must accept it": the demand is the speaker's, not its subject's
        if found is not None and cue.form == "adjective" and cue.stance in _JUDGING_STANCES and inside:
            found = None  # "Pyongyang said Malaysia was responsible": the speaker judges its subject
        if found is not None:
            res, written, subject_index = found
            if not res.resolved:
                return None
            if _nested(tokens, subject_index, inside):
                return None  # "reports that Hamas had accepted", "claimed that X informed … that he accepted"
            if inside is not None and subject_index >= inside.first:
                same = inside.who.actor == res.actor
                rules.append("content-subject" if same else "reported-third-party")
                return _Candidate(
                    resolution=res,
                    speaker_text=written,
                    stance=cue.stance,
                    cue_first=cue.first,
                    cue_last=cue.last,
                    weight=cue.weight * (1.0 if same else 0.9),
                    rules=rules,
                    speech=inside.attribution.kind,
                    quote=inside.attribution.quote,
                    via=None if same and res.speaker == inside.who.speaker else _via(inside),
                )
            rules.append("subject-verb")
            return _Candidate(
                resolution=res,
                speaker_text=written,
                stance=cue.stance,
                cue_first=cue.first,
                cue_last=cue.last,
                weight=cue.weight,
                rules=rules,
                speech="headline" if view.headline else "reported",
            )
        if own is not None and not _nested(tokens, own.cue_index, None):
            rules.append("speaker-cue")
            return self._from_said(own, cue, rules, 1.0)
        if inside is not None:
            nested = self._nested_speaker(view, cue, inside, day)
            if nested is not None:
                rules.append("nested-speech")
                return self._from_said(nested, cue, rules, 0.9)
            if not inside.who.resolved:
                return None
            rules.append("content-cue")
            return self._from_said(inside, cue, rules, 1.0)
        if owner is not None:
            rules.append("continued-quote")
            return self._from_said(owner, cue, rules, 0.9)
        if main is not None and _participle_clause(tokens, cue):
            rules.append("participle-of-main")
            return _Candidate(
                resolution=main.resolution,
                speaker_text=main.speaker_text,
                stance=cue.stance,
                cue_first=cue.first,
                cue_last=cue.last,
                weight=cue.weight * 0.9,
                rules=rules,
                speech=main.speech,
                via=main.via,
            )
        if main is None and _participle_clause(tokens, cue):
            # "Netanyahu released a video message …, expressing hope for progress": the main clause's subject
            main_subject = self._sentence_subject(view, day, cue.first)
            if main_subject is not None:
                rules.append("participle-of-subject")
                return _held(cue, main_subject[0], main_subject[1], cue.weight * 0.9, rules)
        speech = _speech_before(tokens, cue.first)
        if speech is not None and speech > 0 and tokens[speech - 1].norm in {"by", ","}:
            # "Netanyahu reacted … by reiterating that “there will be no Hamas”": the main clause's subject
            main_subject = self._sentence_subject(view, day, speech - 1)
            if main_subject is not None:
                rules.append("speech-of-main-subject")
                return _held(cue, main_subject[0], main_subject[1], cue.weight * 0.85, rules)
        if inside is None and own is None:
            # "Hamas reiterated that it remains committed …", no attribution found: the speech verb's subject
            for k in range(cue.first - 1, -1, -1):
                token = tokens[k]
                if token.norm in _speech_verb_forms() and not token.capitalised:
                    found = self._subject_before(view, k, day, None)
                    if found is not None and found[0].resolved and not _nested(tokens, found[2], None):
                        rules.append("speech-subject")
                        return _held(cue, found[0], found[1], cue.weight * 0.9, rules)
                    break
        if cue.form == "noun" and cue.phrase.endswith(" by"):
            # "allegations by a Palestinian official": the lexicon's phrase ends in the agent's "by"
            return self._noun_agent(view, cue, day, rules, skip=0)
        return None

    def _noun_agent(
        self, view: _SentenceView, cue: Cue, day: date | None, rules: list[str], *, skip: int
    ) -> _Candidate | None:
        """The agent named after a noun cue holds it ("allegations by X", "a request from X")."""
        agent = self._agent_after(view, cue, day, skip=skip)
        if agent is None:
            return None
        return _held(cue, agent[0], agent[1], cue.weight, [*rules, "noun-by-agent"])

    def _sentence_subject(
        self, view: _SentenceView, day: date | None, before: int
    ) -> tuple[Resolution, str] | None:
        """The subject of the sentence's first verb ("Netanyahu reacted …"), if it is an actor."""
        tokens = view.tokens
        for i in range(1, min(before, 12)):
            token = tokens[i]
            if token.norm == ",":
                continue
            in_mention = any(m.first <= i <= m.last for m in view.mentions)
            if (
                token.norm.isalpha()
                and not token.capitalised
                and not in_mention
                and token.norm not in _DETERMINERS
            ):
                if tokens[i - 1].norm in _DETERMINERS:
                    return None
                found = self._subject_before(view, i, day, None)
                return (found[0], found[1]) if found is not None and found[0].resolved else None
        return None

    def _from_said(self, entry: _Said, cue: Cue, rules: list[str], factor: float) -> _Candidate:
        return _Candidate(
            resolution=entry.who,
            speaker_text=entry.written,
            stance=cue.stance,
            cue_first=cue.first,
            cue_last=cue.last,
            weight=cue.weight * factor,
            rules=rules,
            speech=entry.attribution.kind,
            quote=entry.attribution.quote,
            via=entry.attribution.via,
        )

    def _nested_speaker(self, view: _SentenceView, cue: Cue, inside: _Said, day: date | None) -> _Said | None:
        """A speech verb between the attribution and the cue ("… although Israeli officials have continued to
        say they will stop only when …"): its own subject holds the stance."""
        tokens = view.tokens
        for k in range(cue.first - 1, inside.first - 1, -1):
            if tokens[k].norm in _SPEECH_FORMS and not tokens[k].capitalised:
                found = self._subject_before(view, k, day, None)
                if found is not None and found[0].resolved:
                    res, written, _ = found
                    return _Said(inside.attribution, written, res, k + 1, cue.last, k, True)
                return None
        return None

    def _agent_after(
        self, view: _SentenceView, cue: Cue, day: date | None, skip: int = 0
    ) -> tuple[Resolution, str] | None:
        """ "allegations by a Palestinian official that …" → a Palestinian official; with ``skip`` words
        after the cue passed over ("a request from Syrian rebels to delay" → Syrian rebels)."""
        tokens = view.tokens
        k = cue.last + 1 + skip
        end = k
        while (
            end < len(tokens)
            and end - k < 8
            and tokens[end].norm not in {"that", ",", ";", ":", ".", "to", "over", "for", "on"}
        ):
            end += 1
        if end == k:
            return None
        written = _text(view, k, end - 1)
        res = self.resolver.resolve(written, day)
        if res is None or not res.resolved:
            return None
        return res, written

    def _content_is_about_other(self, view: _SentenceView, entry: _Said) -> bool:
        """ "Sources told Al Mayadeen that Hamas' response focused on …": the content reports another
        actor's position, not the speaker's."""
        tokens = view.tokens
        k = entry.first
        for t in range(entry.first, min(entry.first + 7, entry.last)):
            if tokens[t].norm == "that":
                k = t + 1
                break
        while k <= entry.last and tokens[k].norm in {"that", '"', "'", ","}:
            k += 1
        mention = next((m for m in view.mentions if m.first == k), None)
        if mention is None or mention.via not in ("name", "alias"):
            return False
        return mention.actor.party != entry.who.actor

    def _subject(
        self, view: _SentenceView, cue: Cue, day: date | None, inside: _Said | None
    ) -> tuple[Resolution, str, int] | None:
        """The actor right before the cue (auxiliaries, adverbs and parentheticals skipped), resolved. For a
        noun cue, the possessor ("Israel's commitment to") or the subject of the governing verb ("Qatar
        and Egypt … affirm their intention to")."""
        tokens = view.tokens
        if cue.form != "noun" and tokens[cue.first].norm not in _POSSESSIVE_PRONOUNS:
            return self._subject_before(view, cue.first, day, inside)
        j = cue.first - 1
        while j >= 0 and (tokens[j].norm in _ADJECTIVE_FILLERS or tokens[j].norm in _NOUN_MODIFIERS):
            j -= 1
        if j >= 0 and tokens[j].norm in {"'s", "'"}:
            if cue.stance == "accuse":
                return None  # "Hamas's failure to": the possessor is the target, not the accuser
            return self._subject_before(view, j + 1, day, inside, possessor=True)
        while j >= 0 and (tokens[j].norm in _DETERMINERS or tokens[j].norm in _POSSESSIVE_PRONOUNS):
            j -= 1
        if (
            j >= 0
            and tokens[j].norm.isalpha()
            and not tokens[j].capitalised
            and tokens[j].norm not in _NP_STOP
            and tokens[j].norm not in _PREPOSITIONS
        ):
            return self._subject_before(view, j, day, inside)  # the governing verb's subject
        return None

    def _subject_before(
        self, view: _SentenceView, index: int, day: date | None, inside: _Said | None, possessor: bool = False
    ) -> tuple[Resolution, str, int] | None:
        tokens = view.tokens
        gap = _gap_words()
        j = index - 1
        steps = 0
        while j >= 0 and steps < 12 and not possessor:
            norm = tokens[j].norm
            if _name_part(tokens, j):
                break  # "Mrs May rejected": the name ends here, "May" is no auxiliary
            if (
                norm in gap
                or norm in _NEGATION_WORDS
                or norm in {'"', "'"}
                or (norm.endswith("ly") and len(norm) > 4)
            ):
                j -= 1
                steps += 1
                continue
            if norm == "to" and j > 0 and tokens[j - 1].norm in {"continued", "continue", "continues", "on"}:
                # "have continued to say", "went on to say"
                j -= 2 if tokens[j - 1].norm != "on" else 3
                steps += 2
                continue
            if _is_date_word(tokens[j]):
                j -= 1
                steps += 1
                continue
            if norm == ",":
                k = _parenthetical_start(tokens, j)
                if k is not None:
                    j = k - 1
                    steps += 1
                    continue
                apposition = self._apposition(view, j, day)
                if apposition is not None:
                    return apposition
            break
        if j < 0:
            return None
        end = j
        norm = tokens[end].norm
        if norm in {"'s", "'"} and end > 0:
            end -= 1  # "Israel's commitment to", "Hamas's demand for": the possessor holds the stance
            norm = tokens[end].norm
        if norm in _PRONOUN_SUBJECTS:
            if (
                end == index - 1
                and end > 0
                and tokens[index].norm not in _gap_words()
                and tokens[end - 1].norm not in _OBJECT_TAKERS
                and tokens[end - 1].text[:1].isalpha()
                and not tokens[index].norm.endswith(("ed", "s", "ing"))
            ):
                return None  # "calling it unacceptable": an object, not a subject

            kind = anaphor_kind(tokens[end].text) or "any"
            if (
                inside is not None
                and end >= inside.first
                and inside.who.resolved
                and (kind != "person" or inside.who.kind == "person")
            ):
                return inside.who, tokens[end].text, end
            res = self._antecedent(view, kind, tokens[end].start, self._coref)
            if res is None:
                # a subject we cannot resolve is still not the speaker's: the cue is nobody's we know
                res = Resolution("", None, "discovered", kind, "anaphor", 0.0, anaphor=kind)
            return res, tokens[end].text, end
        start = _noun_phrase_start(tokens, end, view.mentions)
        if start is None:
            return None
        if start < 0:  # the subject is further back than we read: nobody we can name
            return Resolution("", None, "discovered", "any", "relative-clause", 0.0), "", end
        written = _text(view, start, end)
        res = self._same_person(self.resolver.resolve(written, day))
        if res is None:
            return None
        if res.anaphor is not None:
            kind = res.anaphor
            if (
                inside is not None
                and start >= inside.first
                and inside.who.resolved
                and kind != "person"
                and (
                    not res.anaphor_of
                    or inside.who.actor in {self.resolver.party_of(n) for n in res.anaphor_of}
                )
            ):
                return inside.who, written, start
            found = self._antecedent(
                view, kind, tokens[start].start, self._coref, head=written, declared=res.anaphor_of
            )
            return (found, written, start) if found is not None else None
        if res.status == "discovered" and (res.rule == "description" or view.title_case):
            return None
        return res, written, start

    def _apposition(
        self, view: _SentenceView, comma: int, day: date | None
    ) -> tuple[Resolution, str, int] | None:
        """ "The US envoy to the Middle East, Steve Witkoff, dismissed …": the name between commas."""
        tokens = view.tokens
        k = comma - 1
        while k >= 0 and tokens[k].norm != "," and comma - k <= 5:
            k -= 1
        if k < 0 or tokens[k].norm != "," or k == comma - 1:
            return None
        if not all(t.capitalised or t.norm in {"-", "."} for t in tokens[k + 1 : comma]):
            return None
        begin = k
        while begin > 0 and tokens[begin - 1].norm not in {",", ";", ":", '"'} | _NP_STOP and k - begin < 9:
            begin -= 1
        written = _text(view, begin, comma - 1)
        res = self._same_person(self.resolver.resolve(written, day))
        if res is None or not res.resolved or (res.status == "discovered" and res.rule == "description"):
            return None
        return res, written, begin

    def _topic(self, view: _SentenceView, cue: Cue) -> str | None:
        """The topic named nearest after the cue (its object); for predicates that judge something already
        named ("Hamas' terms were not acceptable", "described these comments as inaccurate"), before it;
        for a pronoun object ("Hamas must accept it"), the topic the article named last."""
        spans = view.topics
        tokens = view.tokens
        after = [s for s in spans if s[0] > cue.first and s[1] >= cue.last]
        before = [s for s in spans if s[1] < cue.first and not _clause_break(tokens, s[1], cue.first)]
        if cue.form == "adjective" and cue.stance in ("reject", "deny") and before:
            return before[-1][2]
        # The object starts soon after the cue: a phrase further on belongs to another clause or modifier.
        after = [s for s in after if s[0] - cue.last <= _OBJECT_REACH]
        after = [s for s in after if not _after_a_reason(tokens, cue, s[0])]
        anaphoric = _anaphoric_object(tokens, cue, after[0][0] if after else len(tokens))
        if anaphoric:
            # "to delay the meeting", "accept the deal": the object refers back to the topic named before
            if before:
                return before[-1][2]
            if self._last_topic is not None:
                return self._last_topic
        for first, _last, key in after:
            if tokens[first].norm in _transparent_nouns():
                continue  # "alterations made to the proposal": the topic is the proposal's
            if _clause_break(tokens, cue.last, first):
                break
            return key
        if cue.form in ("adjective", "phrase") and before:
            return before[-1][2]
        for first, _last, key in after:
            if not _clause_break(tokens, cue.last, first):
                return key
        if _pronoun_object(tokens, cue.last + 1):
            # "requested Kim's body but Malaysia said they wouldn't release it": what this sentence named
            # before the cue, else what the article named last
            return before[-1][2] if before else self._last_topic
        return None

    def _topic_in_span(self, view: _SentenceView, first: int, last: int) -> str | None:
        for start, _, key in view.topics:
            if first <= start <= last:
                return key
        return None

    # --- building ------------------------------------------------------------------------------------

    def _claim(self, candidate: _Candidate, view: _SentenceView, article: Article) -> Claim:
        res = candidate.resolution
        evidence = view.sentence.text
        end = _evidence_end(article, view.sentence, candidate.through_sentence)
        if end > view.sentence.end:
            # a quote over several sentences is one statement: its evidence is all of it, verbatim
            evidence = article.text[view.sentence.start : end]
        speaker = res.speaker
        confidence = _confidence(candidate, self.watchlist is not None)
        rules = (*candidate.rules, f"actor-{res.rule}")
        if candidate.topic:
            rules = (*rules, "topic")
        if candidate.condition:
            rules = (*rules, "condition")
        kind, from_stance = _reported_move(candidate, view)
        if kind == "reported-change":
            rules = (*rules, "reported-change")
        if said_earlier(evidence):
            rules = (*rules, "said-earlier")
        return Claim(
            claim_id=claim_id(res.actor, speaker, candidate.stance, candidate.topic, evidence),
            actor=res.actor,
            stance=candidate.stance,
            polarity=POLARITY[candidate.stance],
            evidence=evidence,
            confidence=confidence,
            speaker=speaker,
            speaker_text=candidate.speaker_text,
            actor_status=res.status,
            topic=candidate.topic,
            quote=candidate.quote,
            speech=candidate.speech,
            via=candidate.via,
            condition=candidate.condition,
            said_on=said_on(view.sentence.text, article.published),
            rules=rules,
            kind=kind,
            from_stance=from_stance,
        )


_QUOTE_OPENERS = ('"', "“", "”", "'", "‘")


def _inside_quote(text: str, attributed: bool) -> bool:
    """Whether a sentence after an open quote still belongs to it: it opens with a quote mark, or it has
    no attribution of its own and closes the quote (an odd number of double quote marks)."""
    stripped = text.lstrip()
    if stripped.startswith(_QUOTE_OPENERS):
        return True
    marks = sum(stripped.count(mark) for mark in ('"', "“", "”"))
    return not attributed and marks % 2 == 1


def _held(
    cue: Cue, resolution: Resolution, written: str | None, weight: float, rules: list[str]
) -> _Candidate:
    """A candidate claim of the stance cue ``cue``, held by ``resolution`` (written so in the text)."""
    return _Candidate(
        resolution=resolution,
        speaker_text=written,
        stance=cue.stance,
        cue_first=cue.first,
        cue_last=cue.last,
        weight=weight,
        rules=rules,
    )


def _evidence_end(article: Article, sentence: Sentence, through: int | None) -> int:
    """Where a claim's evidence ends: its sentence's end, or the end of the last sentence its quote runs
    on to (same paragraph only: never past a paragraph break)."""
    if through is None or through <= sentence.index or through >= len(article.sentences):
        return sentence.end
    last = article.sentences[through]
    if "\n\n" in article.text[sentence.end : last.start]:
        return sentence.end
    return last.end


def _reported_move(candidate: _Candidate, view: _SentenceView) -> tuple[ClaimKind, str | None]:
    """Whether the claim reports its holder's move: its own cue is a reported-change phrase ("backed
    down"), or the sentence holds one that does not say where to ("reversed its position") beside the
    claim's stance cue. Returns (kind, the stance left when the phrase says it)."""
    cue_phrases = {r[4:] for r in candidate.rules if r.startswith("cue:")}
    changes = reported_changes()
    for phrase in cue_phrases:
        if phrase in changes:
            return "reported-change", changes[phrase].from_stance
    if candidate.stance != "claim" and "speech-claim" not in candidate.rules:
        move = reported_change_in(view.tokens)
        if move is not None and move.to_stance is None:
            return "reported-change", None
    return "statement", None


@dataclass(slots=True)
class _Said:
    """An attribution with its speaker resolved and its content as token indexes of the sentence."""

    attribution: Attribution
    written: str
    who: Resolution
    first: int
    last: int
    cue_index: int
    speech: bool  # a speech cue (say, tell, according to), not a stance verb read as one


def _via(entry: _Said) -> str:
    text = f"{entry.written} {entry.attribution.cue}".strip()
    return f"{text} ({entry.attribution.via})" if entry.attribution.via else text


def _text(view: _SentenceView, first: int, last: int) -> str:
    base = view.sentence.start
    return view.sentence.text[view.tokens[first].start - base : view.tokens[last].end - base]


def _possessive(written: str) -> bool:
    stripped = written.rstrip()
    return stripped.endswith(("'s", "’s", "s'", "s’")) or stripped.endswith(("’", "'"))


def _cue_token(tokens: Sequence[Token], attribution: Attribution, ends: Sequence[int]) -> int:
    """Index of the attribution's cue word, the occurrence nearest its speaker; -1 when absent."""
    words = attribution.cue.lower().replace("’", "'").split()
    if not words:
        return -1
    around = bisect_left(ends, attribution.speaker_end)
    best, distance = -1, 10**9
    for i in range(max(0, around - 12), min(len(tokens), around + 12)):
        token = tokens[i]
        if token.norm == words[0]:
            gap = min(abs(token.start - attribution.speaker_end), abs(token.end - attribution.speaker_start))
            if gap < distance:
                best, distance = i, gap
    return best


def _repair(view: _SentenceView, attributions: list[Attribution]) -> list[Attribution]:
    """A sentence that opens with a quote and names its speaker after it ("“…,” Witkoff posted on X"): the
    quote is the content, and speakers found inside the quote are not speakers."""
    text = view.sentence.text
    stripped = text.lstrip()
    if not attributions or not stripped or stripped[0] not in '“"':
        return attributions
    opening = len(text) - len(stripped)
    closing = max(text.rfind("”"), text.rfind('"', opening + 1))
    if closing <= opening:
        return attributions
    base = view.sentence.start
    quote_end = base + closing
    after = [a for a in attributions if a.speaker_start > quote_end]
    if not after:
        return attributions
    repaired = []
    for attribution in attributions:
        if attribution.speaker_start < quote_end:
            continue
        if attribution.content_start > quote_end or attribution.content_end - attribution.content_start < 3:
            attribution = replace(
                attribution,
                content=text[opening + 1 : closing],
                content_start=base + opening + 1,
                content_end=quote_end,
            )
        repaired.append(attribution)
    return repaired


_SPEECH_VERB_GROUP = (
    r"(?:said|says|added|adds|stated|states|wrote|writes|posted|explained|insisted|stressed|noted|warned)"
)
_SPEAKER_NP = (
    r"(?P<speaker>(?:[A-Z][\w'’.\-]*|an?|the|one|two|some|several|top|senior|[a-z]+)(?:\s+[\w'’.\-]+){0,7}?)"
)
# "…,” said one official in Jerusalem." / "…, said Whitcoff."
_INVERTED = re.compile(
    r"[,”\"’]\s*[”\"]?\s*(?P<cue>" + _SPEECH_VERB_GROUP + r")\s+" + _SPEAKER_NP + r"\s*(?:[.,;]|$)"
)
# "…,” the official said." / "…,” Witkoff posted on X."
_TRAILING = re.compile(
    r"[,”\"]\s*[”\"]?\s*(?P<speaker>(?:[Tt]he\s+|[Aa]n?\s+|[Oo]ne\s+)?(?:[A-Z][\w'’.\-]*|he|she|they|we|it)"
    r"(?:\s+[A-Z][\w'’.\-]*|\s+(?:official|source|spokesman|spokeswoman|spokesperson|minister|statement))*)"
    r"\s+(?P<cue>" + _SPEECH_VERB_GROUP + r")\b"
)


def _fallback_attribution(sentence: Sentence) -> Attribution | None:
    """The commonest quote shapes, for sentences the attribution stage left without a speaker."""
    text = sentence.text
    if "said" not in text and "says" not in text and "add" not in text and not any(c in text for c in '”"'):
        return None
    for pattern in (_INVERTED, _TRAILING):
        match = pattern.search(text)
        if match is None or match.start() == 0:
            continue
        speaker = match.group("speaker").strip()
        content_end = match.start()
        start = sentence.start
        opening = len(text) - len(text.lstrip(" “\"‘'"))
        return Attribution(
            sentence_index=sentence.index,
            speaker_text=speaker,
            speaker_start=start + match.start("speaker"),
            speaker_end=start + match.start("speaker") + len(speaker),
            cue=match.group("cue"),
            cue_lemma=_SPEECH_LEMMAS.get(match.group("cue"), match.group("cue")),
            content=text[opening:content_end],
            content_start=start + opening,
            content_end=start + content_end,
            kind="direct" if text.lstrip()[:1] in '“"' else "reported",
            confidence=0.6,
            quote=text[opening:content_end].strip(' ,”"') if text.lstrip()[:1] in '“"' else None,
        )
    return None


_SPEECH_LEMMAS = {
    "said": "say",
    "says": "say",
    "added": "add",
    "adds": "add",
    "stated": "state",
    "states": "state",
    "wrote": "write",
    "writes": "write",
    "posted": "post",
    "explained": "explain",
    "insisted": "insist",
    "stressed": "stress",
    "noted": "note",
    "warned": "warn",
}


def _opens_quote(text: str) -> bool:
    return text.count("“") > text.count("”")


def _closes_quote(text: str) -> bool:
    """Whether a sentence ends a quote opened before it (a closing mark it did not open itself)."""
    return text.count("”") > text.count("“") or ("”" in text and not text.lstrip().startswith("“"))


# Attributions below this are the attribution stage's guesses (the clause subject of a cue no shape
# explains): "Trump is expected to announce …", "US envoy's remarks dismissed as …" are no statements.
_MIN_ATTRIBUTION_CONFIDENCE = 0.5
# A description longer than this many words is a clause the attribution stage took for a speaker.
_LONGEST_DESCRIPTION = 8


def _outermost(attributions: list[Attribution]) -> list[Attribution]:
    """Attributions not reported inside another's content: in "he stressed that Hamas' claims that it
    had accepted … were not true" the stance is his, and Hamas's claim is only what he talks about."""
    if len(attributions) < 2:
        return attributions
    return [
        inner
        for inner in attributions
        if not any(
            outer is not inner
            and outer.content_start <= inner.speaker_start
            and inner.speaker_end <= outer.content_end
            for outer in attributions
        )
    ]


def _nested(tokens: Sequence[Token], subject_index: int, inside: _Said | None) -> bool:
    """Whether a subject sits in a report inside the report ("claimed that X had informed … that he
    accepted", "reports that Hamas had accepted"): nobody here states that position."""
    thats = 0
    for k in range(max(0, subject_index - 40), subject_index):  # a report nests within a clause or two
        if tokens[k].norm == "that":
            thats += 1
            for b in range(k - 1, max(-1, k - 7), -1):
                norm = tokens[b].norm
                if norm in _SPEECH_NOUNS:
                    return True  # "reports earlier in the day that …"
                if not norm.isalpha() or norm.endswith(("ing", "ed")):
                    break
    return thats >= 2


def _confidence(candidate: _Candidate, watched: bool) -> float:
    score = candidate.weight
    res = candidate.resolution
    if "speech-claim" in candidate.rules:
        # a statement without a stance cue: worth the digest only when it is about a watched topic
        score = 0.4 + (0.15 if candidate.topic else 0.0) + (0.05 if candidate.speech == "direct" else 0.0)
        if candidate.speech == "according":
            score -= 0.1
    elif candidate.stance == "claim" and candidate.topic:
        score += 0.05
    if res.rule in ("fuzzy", "coreference"):
        score -= 0.05
    if candidate.topic is None and candidate.stance != "claim" and watched:
        score -= 0.15
    if "negated" in candidate.rules and candidate.stance == "claim":
        score -= 0.3  # "did not reject", "offered no …": no position either way
    if res.kind == "source":
        score *= 0.5  # the press reports positions; it holds none worth a digest
    if res.status == "discovered" and watched:
        score *= 0.5  # a speaker the watchlist does not follow: kept, but out of the digest by default
    elif res.status == "discovered" and res.rule == "description":
        score *= 0.7  # "leaders", "fact-checkers": nobody in particular
    return round(max(0.05, min(0.99, score)), 3)


def _merge(candidates: list[_Candidate], by_stance: bool = False) -> list[_Candidate]:
    """One claim per (actor, topic) in a sentence: a stance beats a plain statement, the first cue wins
    unless a later one is much surer."""
    stanced_actors = {c.resolution.actor for c in candidates if c.stance != "claim"}
    best: dict[tuple[str, str | None], _Candidate] = {}
    for candidate in candidates:
        actor = candidate.resolution.actor
        if candidate.stance == "claim" and actor in stanced_actors:
            continue
        # Without topics (no watchlist) distinct stances of one actor are distinct claims.
        key = (actor, candidate.stance if by_stance and candidate.topic is None else candidate.topic)
        current = best.get(key)
        if current is None or candidate.weight >= current.weight + 0.15:
            best[key] = candidate
    # A claim without a topic adds nothing when the same actor has a topical claim in the sentence.
    topical = {c.resolution.actor for c in best.values() if c.topic is not None}
    return [c for c in best.values() if c.topic is not None or c.resolution.actor not in topical]


def _token_span(ends: Sequence[int], starts: Sequence[int], start: int, end: int) -> tuple[int, int]:
    """Indexes of the first and last tokens overlapping [start, end); (n, -1) when none does."""
    first = bisect_right(ends, start)
    last = bisect_left(starts, end) - 1
    if first > last:
        return len(ends), -1
    return first, last


def _states_something(view: _SentenceView, entry: _Said) -> bool:
    """Whether speech content is a statement: a quote, a that-clause, or the object of say/tell/add
    ("clarifying the maps of …" is not)."""
    attribution = entry.attribution
    if attribution.kind in ("direct", "according", "mixed", "headline") or attribution.quote:
        return True
    if attribution.cue_lemma in _PLAIN_SAY:
        return True
    tokens = view.tokens
    first = entry.first
    if first > 0 and tokens[first - 1].norm == "that":
        return True  # the content starts after its "that": "noted that the bill …"
    while first <= entry.last and tokens[first].norm in {",", ":"}:
        first += 1
    if first > entry.last:
        return False
    # "told Al Mayadeen that …", "informing the mediators that …": a that-clause soon after the cue;
    # "claim he was poisoned": a clause without "that", told by its finite verb
    window = [t.norm for t in tokens[first : min(entry.last + 1, first + 6)]]
    return (
        tokens[first].norm in {"that", '"', "'"}
        or "that" in window
        or (tokens[first].norm in _SUBJECT_PRONOUNS and bool(_FINITE & set(window[1:3])))
    )


def _title_case(tokens: Sequence[Token]) -> bool:
    """A headline in Title Case: most longer words capitalised."""
    longer = [t.text for t in tokens if len(t.text) > 3 and t.text[0].isalpha()]
    return len(longer) >= 3 and sum(1 for w in longer if w[0].isupper()) >= 0.7 * len(longer)


def _speech_before(tokens: Sequence[Token], index: int) -> int | None:
    """The nearest speech verb before ``index`` within the sentence ("reiterating that", "saying")."""
    for k in range(index - 1, -1, -1):
        if (tokens[k].norm in _SPEECH_FORMS or tokens[k].norm in _SPEECH_PARTICIPLES) and not tokens[
            k
        ].capitalised:
            return k
    return None


def _coordinated(tokens: Sequence[Token], previous: _Candidate, cue: Cue) -> bool:
    """Whether ``cue`` is a verb joined by "and"/"or" to the cue just before it ("welcomed and expressed")."""
    gap = [t.norm for t in tokens[previous.cue_last + 1 : cue.first] if t.norm not in {'"', "'"}]
    return gap in (["and"], ["or"], ["and", "also"]) and cue.form in ("verb", "phrase")


def _participle_clause(tokens: Sequence[Token], cue: Cue) -> bool:
    """ "…, affirming its commitment", "… but reaffirmed its call for": a verb right after a comma or a
    conjunction shares the main clause's subject (for a noun cue, the verb that governs it)."""
    i = cue.first
    if cue.form == "noun" or tokens[i].norm in {"its", "their", "his", "her"}:
        j = i - 1
        while j >= 0 and (
            tokens[j].norm in _DETERMINERS
            or tokens[j].norm in _ADJECTIVE_FILLERS
            or tokens[j].norm in {"continued", "renewed", "full", "firm", "strong"}
        ):
            j -= 1
        if j < 0:
            return False
        i = j
    word = tokens[i].norm
    j = i - 1
    while j >= 0 and tokens[j].norm in {"also", "while", "thereby", "even"}:
        j -= 1
    if j < 0:
        return False
    before = tokens[j].norm
    if word.endswith("ing"):
        return before in {",", "and", "but", ";"}
    return before in {"and", "but"} and (word.endswith("ed") or word.endswith("s"))


def _parenthetical_start(tokens: Sequence[Token], comma: int) -> int | None:
    """Index of the comma opening ", the source said," / ", Axios reports," that ends at ``comma``."""
    for k in range(comma - 1, max(-1, comma - 11), -1):
        if tokens[k].norm == ",":
            inner = {t.norm for t in tokens[k + 1 : comma]}
            opener = tokens[k + 1].norm if k + 1 < comma else ""
            if (
                inner & _SPEECH_IN_PARENTHESIS
                or inner <= _gap_words() | {"however", "though", "meanwhile"}
                or (opener.endswith("ing") and not tokens[k + 1].capitalised)  # ", speaking to the Times,"
                or opener in _PREPOSITIONS  # ", in coordination with the United States,"
            ):
                return k
            return None
    return None


def _noun_phrase_start(tokens: Sequence[Token], end: int, mentions: Sequence[Mention]) -> int | None:
    """Where the subject noun phrase ending at ``end`` starts, or None when ``end`` is no plausible head."""
    head = tokens[end]
    in_mention = next((m for m in mentions if m.first <= end <= m.last), None)
    titles = title_words()
    if (
        in_mention is None
        and not head.capitalised
        and head.norm not in titles
        and head.norm
        not in {
            "group",
            "movement",
            "organization",
            "organisation",
            "countries",
            "mediators",
            "statement",
            "families",
        }
    ):
        return None
    start = end
    j = end - 1
    while j >= 0 and end - j <= 9:
        token = tokens[j]
        norm = token.norm
        if norm in _DETERMINERS:
            start = j
            while start > 0 and tokens[start - 1].norm in _DETERMINERS:
                start -= 1
            break
        if (norm in _NP_STOP and not _name_part(tokens, j)) or not (
            token.text[:1].isalnum() or norm in {"'s", "'", "-"}
        ):
            if norm == "and" and j > 0 and tokens[j - 1].capitalised and tokens[j + 1].capitalised:
                j -= 1
                continue
            break
        if not token.capitalised and norm.endswith(("ed", "ing")) and norm not in _PARTICIPLE_MODIFIERS:
            break  # "the official reaffirmed Israel's …": a verb ends the noun phrase
        if not token.capitalised and norm in _verb_words():
            if j > 0 and tokens[j - 1].norm in {"who", "which", "that"}:
                return -1  # "a congresswoman who supports Trump denounces …": Trump is no subject
            break
        start = j
        j -= 1
    # A sentence-initial capital is not a name by itself ("However", "Meanwhile").
    while start < end and tokens[start].norm in {
        "however",
        "meanwhile",
        "but",
        "and",
        "nevertheless",
        "still",
    }:
        start += 1
    return start


# Words after which an -ing verb is a verb of its clause, not a modifier of the noun before it.
_BEFORE_PROGRESSIVE = frozenset(
    {
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "'s",
        "not",
        "also",
        "still",
        "now",
        "of",
        "by",
        "without",
        "after",
        "before",
        "while",
        "for",
        "in",
        "on",
        "from",
        "about",
        "as",
        "and",
        "or",
        "but",
    }
)


_RELATIVE_PRONOUNS = frozenset({"who", "that"})
_CLAUSE_PUNCTUATION = frozenset({",", ";", ":", ".", '"', "“", "”", "(", ")"})
# How far back a relative clause's pronoun is looked for: "some who would seek to use this to overturn".
_GENERIC_CLAUSE_REACH = 10


@lru_cache(maxsize=1)
def _generic_holders() -> frozenset[str]:
    return word_set("generic_holders.txt")


def _generic_relative(tokens: Sequence[Token], cue: Cue) -> bool:
    """Whether the cue is the verb of a relative clause about unnamed people ("there are some who would
    seek to use this", "those who reject the plan", "anyone who opposes it", "whoever opposes it"): the
    stance is theirs, not the speaker's or the sentence subject's."""
    for k in range(cue.first - 1, max(0, cue.first - _GENERIC_CLAUSE_REACH) - 1, -1):
        word = tokens[k].norm
        if word in _CLAUSE_PUNCTUATION:
            return False
        if word == "whoever" or (
            word in _RELATIVE_PRONOUNS and k >= 1 and tokens[k - 1].norm in _generic_holders()
        ):
            return True  # the cue or a verb it depends on ("some who would seek to use this to overturn")
    return False


def _reduced_relative(tokens: Sequence[Token], cue: Cue) -> bool:
    """Whether an -ing verb cue modifies the noun right before it ("a letter requesting the remains be
    returned", "migrants seeking asylum"): no auxiliary, comma or preposition between them."""
    word = tokens[cue.first].norm
    if cue.form != "verb" or not word.endswith("ing") or cue.first == 0:
        return False
    before = tokens[cue.first - 1]
    return (
        before.norm.isalpha()
        and not before.capitalised
        and before.norm not in _BEFORE_PROGRESSIVE
        and not (before.norm.endswith("ly") and before.norm not in _LY_NOUNS)
        and before.norm not in _AUXILIARIES
    )


# Words ending in "-ly" that are nouns, not adverbs ("a letter from his family requesting …").
_LY_NOUNS = frozenset({"family", "ally", "rally", "assembly", "monopoly", "supply", "reply", "anomaly"})


def _anaphoric_object(tokens: Sequence[Token], cue: Cue, stop: int) -> bool:
    """Whether the cue's object, before ``stop`` (the next topic phrase), is a definite noun that refers
    back ("the meeting", "the deal", "this plan"; after an infinitive: "to delay the meeting")."""
    k = cue.last + 1
    if k < stop and tokens[k].norm in {"from", "by"}:
        # a noun cue's holder before its object: "a request from Syrian rebels to delay the meeting"
        k = next((j for j in range(k + 1, min(stop, k + 7)) if tokens[j].norm in {"to", "for"}), k)
    if k < stop and tokens[k].norm == "for":
        k += 1  # "a call from the party for the vote"
    if k < stop and tokens[k].norm == "to":
        k += 2  # "to delay the meeting"
    for j in range(k, min(stop, k + 3) - 1):
        if (
            tokens[j].norm in {"the", "this", "that", "these", "those"}
            and tokens[j + 1].norm in _object_anaphors()
        ):
            return True
    return False


# After a demonstrative, what shows it is the object itself ("rejected that.", "accepts this, but …", "will
# do that by March 31"), not a clause ("demanded that the interests … be taken into account").
_AFTER_A_PRONOUN_OBJECT = frozenset(
    {".", ",", ";", ":", "?", "!", '"', "”", ")", "and", "but", "or", "by", "before", "until", "now", "again"}
)


def _pronoun_object(tokens: Sequence[Token], k: int) -> bool:
    """Whether the word at ``k``, right after a cue, is a pronoun object ("must accept it", "rejected
    that.", "rejects that version of events"); "that" opening a clause is not."""
    if k >= len(tokens):
        return False
    word = tokens[k].norm
    if word in {"it", "them"}:
        return True
    if word in {"this", "that"}:
        if k + 1 >= len(tokens) or tokens[k + 1].norm in _AFTER_A_PRONOUN_OBJECT:
            return True
        # a demonstrative before a noun of ("rejects that version of events"): the thing named before
        return k + 2 < len(tokens) and tokens[k + 1].norm.isalpha() and tokens[k + 2].norm == "of"
    return False


@lru_cache(maxsize=1)
def _reason_openers() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(line.split()) for line in data_lines("topic_reason_openers.txt"))


def _after_a_reason(tokens: Sequence[Token], cue: Cue, first: int) -> bool:
    """Whether the topic phrase at ``first`` sits in a reason adjunct after the cue's object ("refuse to
    attend the meeting due to violations of the ceasefire"): the reason is not what the stance is about."""
    norms = [t.norm for t in tokens[cue.last + 1 : first]]
    for k in range(len(norms)):
        for opener in _reason_openers():
            if tuple(norms[k : k + len(opener)]) == opener:
                return True
    return False


@lru_cache(maxsize=1)
def _accusation_stems() -> tuple[str, ...]:
    return tuple(sorted(_word_file("accusation_words.txt")))


@lru_cache(maxsize=1)
def _object_anaphors() -> frozenset[str]:
    return _word_file("stance_object_anaphors.txt")


# Stances an adjective takes against its subject ("responsible for", "unacceptable", "baseless"): in
# reported speech the speaker holds them; "ready to", "willing to" are the subject's own.
_JUDGING_STANCES = frozenset({"reject", "deny", "accuse"})
# Prepositions before a noun cue: "despite a request from …" has no governing verb whose subject asks.
_PREPOSITIONS = frozenset(
    {
        "despite",
        "after",
        "before",
        "over",
        "about",
        "against",
        "with",
        "without",
        "amid",
        "following",
        "ahead",
        "under",
        "since",
        "on",
        "in",
        "at",
        "by",
        "for",
        "from",
        "of",
        "to",
        "into",
    }
)
# Words that open a clause whose action is only supposed: "if X rejects it", "unless X agrees".
_SUPPOSING = frozenset({"if", "unless", "whether", "lest", "suppose", "supposing"})
# Words that end the clause a cue stands in, read backwards from it.
_CLAUSE_EDGES = frozenset({",", ";", ":", '"', "that", "and", "but", "while", "because", "so"})


def _hypothetical(tokens: Sequence[Token], cue: Cue) -> bool:
    """Whether the cue stands in a supposed clause: opened by "if"/"unless"/"whether", or by an inverted
    "should"/"were"/"had" ("should the delegation refuse", "were the Lords to insist")."""
    j = cue.first - 1
    while j >= 0 and tokens[j].norm not in _CLAUSE_EDGES and cue.first - j <= 12:
        if tokens[j].norm in _SUPPOSING:
            return True
        j -= 1
    opener = j + 1
    return (
        opener < cue.first
        and tokens[opener].norm in {"should", "were", "had"}
        and opener + 1 < cue.first
        and tokens[opener + 1].norm in {"the", "a", "an", "they", "he", "she", "it", "we"} | {"its", "their"}
    )


def _name_part(tokens: Sequence[Token], j: int) -> bool:
    """A capitalised word right after a capitalised name word or title is part of the name, whatever else
    it means: "Mrs May", "Theresa May will" ("May" is no modal there)."""
    if j < 1 or not tokens[j].capitalised or not tokens[j - 1].capitalised:
        return False
    before = tokens[j - 1].norm
    return before.isalpha() and before not in _NP_STOP and before not in _DETERMINERS


def _is_date_word(token: Token) -> bool:
    return token.norm.isdigit() or token.norm in MONTH_NAMES


def _clause_break(tokens: Sequence[Token], after: int, before: int) -> bool:
    """A clause boundary between two tokens: ";", ":", or a comma before "as", "while", "although"."""
    for k in range(after + 1, before):
        norm = tokens[k].norm
        if norm in {";", ":"} or norm in {"although", "whereas", "though"}:
            return True
        if norm == "," and k + 1 < before and tokens[k + 1].norm in {"as", "while", "which", "who", "but"}:
            return True
    return False


def _condition(tokens: Sequence[Token], cue: Cue) -> str | None:
    """ "responded positively with some requested amendments" → "with some requested amendments";
    "agreed in principle" → "in principle"."""
    if cue.stance not in ("accept", "commit", "support"):
        return None
    window = tokens[cue.last + 1 : cue.last + 8]
    words = [t.norm for t in window]
    if words[:2] == ["in", "principle"]:
        return "in principle"
    for i, word in enumerate(words):
        if word in {'"', "'"}:
            continue
        if word == "with":
            for k in range(i + 1, min(i + 5, len(window))):
                if words[k] in _condition_words():
                    return " ".join(t.text for t in window[i : k + 1])
            return None
        if word in {"on", "provided", "if", "as", "subject"} and i + 1 < len(words):
            if word == "on" and words[i + 1] == "condition":
                return " ".join(t.text for t in window[i:])
            if word in {"provided", "subject"}:
                return " ".join(t.text for t in window[i:])
        if i > 2:
            break
    return None


@lru_cache(maxsize=1)
def _condition_openers() -> dict[str, list[tuple[tuple[str, ...], frozenset[str]]]]:
    """``data/stance_condition_openers.tsv``: first word → (the opener's words, the sides it conditions)."""
    found: dict[str, list[tuple[tuple[str, ...], frozenset[str]]]] = {}
    for line in data_lines("stance_condition_openers.tsv"):
        if "\t" in line:
            phrase, sides = line.split("\t", 1)
            words = tuple(phrase.lower().split())
            found.setdefault(words[0], []).append((words, frozenset(sides.split())))
    return found


def _opens_condition(tokens: Sequence[Token], i: int, side: str) -> int:
    """How many words a condition opener for ``side`` takes at ``i`` ("until", "while waiting for"); 0
    when none opens there."""
    for words, sides in _condition_openers().get(tokens[i].norm, ()):
        if side in sides and tuple(t.norm for t in tokens[i : i + len(words)]) == words:
            return len(words)
    return 0


_CONDITIONED_SIDE = {"accept": "for", "support": "for", "commit": "for", "reject": "against"}
# How far after the cue a condition may open: past the object ("accept the US proposal if…"), not beyond.
_CONDITION_REACH = 12
# An opener of several words ("while waiting for") is unambiguous: it conditions the stance past a long
# object ("refused to release the body of Kim Jong-nam to the embassy in Kuala Lumpur, while waiting for …").
_LONG_CONDITION_REACH = 24


def _condition_clause(tokens: Sequence[Token], cue: Cue) -> str | None:
    """The condition a stance is held on ("if Israel withdraws", "until they receive DNA"), when one
    opens within the cue's clause; None otherwise."""
    side = _CONDITIONED_SIDE.get(cue.stance)
    if side is None:
        return None
    stop = min(len(tokens), cue.last + 1 + _LONG_CONDITION_REACH)
    for i in range(cue.last + 1, stop):
        word = tokens[i].norm
        if word in {".", ";", "?", "!"}:
            return None
        if word == "," and i > cue.last + 2 and tokens[i - 1].norm != ",":
            # a comma ends the clause, except before an opener: "refused to release it, while waiting …"
            if not (i + 1 < len(tokens) and _opens_condition(tokens, i + 1, side) > 1):
                return None
            continue
        opener = _opens_condition(tokens, i, side)
        if opener > 1 or (opener and i <= cue.last + _CONDITION_REACH):
            end = i + 1
            while end < len(tokens) and tokens[end].norm not in {".", ";", ",", "?", "!"}:
                end += 1
            if end - i < 2:
                return None
            return " ".join(t.text for t in tokens[i:end])
    return None


def _leading_condition(tokens: Sequence[Token], cue: Cue) -> str | None:
    """ "If there is no claim by next of kin, we will hand the body over": the condition the cue's clause
    (the sentence, or the quote it stands in) opens with, up to the comma before the cue."""
    if _CONDITIONED_SIDE.get(cue.stance) != "for":
        return None
    comma = next((k for k in range(cue.first - 1, -1, -1) if tokens[k].norm == ","), None)
    if comma is None:
        return None
    start = comma
    while start > 0 and tokens[start - 1].norm not in {'"', "'", ":", ";", "("}:
        start -= 1
    while start < comma and tokens[start].norm in {"but", "and"}:
        start += 1
    if comma - start < 3 or tokens[start].norm not in {"if", "unless", "provided", "once"}:
        return None
    return " ".join(t.text for t in tokens[start:comma])


def _rejects_an_account(tokens: Sequence[Token], cue: Cue) -> bool:
    """Whether a rejection's object is an account of what happened or was said ("that version of events",
    "the reports", "claims that…"): its head, within a few words after the cue, is a dispute object."""
    accounts = _dispute_objects()
    for k in range(cue.last + 1, min(len(tokens), cue.last + 5)):
        word = tokens[k].norm
        if word in accounts or (word.endswith("s") and word[:-1] in accounts):
            return True
        if word in {",", ".", ";", "to", "that"} and k > cue.last + 1:
            return False
    return False


@lru_cache(maxsize=1)
def _dispute_objects() -> frozenset[str]:
    return _word_file("dispute_objects.txt")


def extract_claims(
    article: Article, watchlist: Watchlist | None, attributions: Sequence[Attribution] | None = None
) -> ExtractionResult:
    """Claims of one article (attributions computed when not given).

    The extractor built for a watchlist is reused, one per thread: it keeps the article's coreference
    state while it reads, so threads must not share it.
    """
    return _extractor(watchlist).extract(article, attributions)


_LOCAL = threading.local()


def _extractor(watchlist: Watchlist | None) -> ClaimExtractor:
    extractor: ClaimExtractor | None = getattr(_LOCAL, "extractor", None)
    if extractor is None or extractor.watchlist is not watchlist:
        extractor = ClaimExtractor(watchlist)
        _LOCAL.extractor = extractor
    return extractor
