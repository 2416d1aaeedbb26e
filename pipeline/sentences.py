"""Split cleaned article text into sentences with character offsets.

Line breaks are hard boundaries (headlines, subheads and datelines are sentences of their own). Inside a
line a sentence ends at ``.``, ``!``, ``?`` or an ellipsis, together with any closing quotes or brackets
that follow it, when the next word can start a sentence and the word before the period is not an
abbreviation ("Mr.", "U.S.", "Jan.", an initial). Pure regex, compiled once: several hundred thousand
words a second.
"""

from __future__ import annotations

import re

from pipeline.models import Sentence

__all__ = ["split_sentences"]

# Terminal punctuation, then any closing quotes/brackets, then the whitespace before the next sentence.
_BOUNDARY = re.compile(r"(?:\.\.\.|…|[.!?])+[\"”’'»)\]]*(?=\s+[\"“‘'«(\[]?[A-Z0-9])")
# The word just before a period: letters and inner dots ("U.S", "e.g", "Gov").
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_NEXT_WORD = re.compile(r"\s+[\"“‘'«(\[]?([A-Za-z0-9]+)")
_LINE = re.compile(r"[^\n]+")
_CLOSING_QUOTES = "\"”’'»"
# After a quoted question or exclamation, a short "Trump said." / "said the woman." continues the sentence.
_SAID_AFTER = re.compile(
    r"\s+(?:[\w.’'\-]+\s+){0,6}?(?:said|says|asked|asks|added|adds|told|wrote|writes|replied|shouted|yelled"
    r"|tweeted|continued|explained|exclaimed|wondered)\b"
)


def _words(listing: str) -> frozenset[str]:
    return frozenset(listing.split())


# Abbreviations after which a following capitalised word never starts a new sentence (titles, name parts).
_TITLES = _words(
    """mr mrs ms dr prof gov sen rep gen lt col maj capt cmdr adm sgt cpl pvt st ste mt ft
    rev fr hon pres supt insp det amb atty jr sr messrs mme mlle sens reps govs gens
    vs v etc cf approx dept est fig no nos vol art sec ch pp p op
    jan feb mar apr jun jul aug sep sept oct nov dec
    inc corp co ltd llc bros plc
    al"""
)
_MONTHS = _words("jan feb mar apr jun jul aug sep sept oct nov dec")
# Words that commonly open a sentence: after an acronym such as "U.S." they mark a real boundary.
_SENTENCE_OPENERS = _words(
    """the a an he she it they we i you his her its their our this that these those there here
    but and so yet or nor however meanwhile still also then now in on at for with after before
    while when if as since although though because by from to of under according asked
    some many most all both each no not one two three several other others another such
    what who which where why how mr mrs ms dr"""
)


def _is_abbreviation(text: str, end_of_punct: int, boundary_text: str, after: str) -> bool:
    """Whether the period ending at ``end_of_punct`` belongs to an abbreviation, not a sentence end."""
    if not boundary_text.startswith(".") or boundary_text.startswith("..."):
        return False
    if boundary_text.rstrip("\"”’'»)]") != ".":
        return False  # "?." or ".." is not an abbreviation
    match = _WORD_BEFORE.search(text, max(0, end_of_punct - 24), end_of_punct + 1)
    if match is None:
        return False
    word = match.group(1)
    if match.start() > 0 and text[match.start() - 1] not in " \t\"“‘'([-—–/":
        return False  # part of a longer token, e.g. a URL or "3.B."
    next_match = _NEXT_WORD.match(after)
    next_word = next_match.group(1) if next_match else ""
    lower = word.lower()
    if lower in _TITLES:
        # "No." and months are only abbreviations before a number or (months) a day; titles always are.
        if lower in ("no", "nos", "p", "pp", "vol", "art", "sec", "ch", "fig", "op"):
            return next_word[:1].isdigit()
        if lower in _MONTHS:
            opener = next_word.lower() in _SENTENCE_OPENERS
            return next_word[:1].isdigit() or (word[0].isupper() and not opener)
        if lower in ("inc", "corp", "co", "ltd", "llc", "bros", "plc", "etc", "al", "est"):
            return next_word.lower() not in _SENTENCE_OPENERS and not next_word[:1].isupper()
        return True
    if len(word) == 1 and word.isupper():
        return True  # an initial: "J. Smith", "George W. Bush"
    if "." in word:
        # "U.S.", "U.N.", "a.m.": a boundary only when a typical sentence opener follows.
        return next_word.lower() not in _SENTENCE_OPENERS
    return False


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences of ``text`` with offsets; each ``text[start:end]`` is the sentence, without outer spaces."""
    sentences: list[Sentence] = []
    for line in _LINE.finditer(text):
        line_start, line_end = line.span()
        cut = line_start
        for boundary in _BOUNDARY.finditer(text, line_start, line_end):
            punct_end = boundary.start() + len(boundary.group(0).rstrip("\"”’'»)]"))
            after = text[boundary.end() : boundary.end() + 60]
            if _is_abbreviation(text, punct_end - 1, boundary.group(0), after):
                continue
            if (
                boundary.group(0)[-1] in _CLOSING_QUOTES
                and boundary.group(0)[0] in "?!"
                and _SAID_AFTER.match(after)
            ):
                continue  # “Why's he attacking me?” Trump said.
            _append(sentences, text, cut, boundary.end())
            cut = boundary.end()
        _append(sentences, text, cut, line_end)
    return tuple(sentences)


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        sentences.append(Sentence(index=len(sentences), start=start, end=end, text=text[start:end]))
