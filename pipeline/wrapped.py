"""Hard-wrapped text (wire copy, e-mail, ``.txt`` exports) → one paragraph a line, before cleaning.

Cleaning and the sentence splitter read a line break as the end of a paragraph. Text broken at a fixed width
breaks lines mid-sentence ("U.S. Trade" / "Representative Clayton Yeutter said …"), so the unwrapped text
would cut speakers from their verbs. ``join_wrapped_lines`` first decides from the document's own layout
whether it is hard-wrapped, and only then joins:

* **Detection.** The width is the length most lines reach (the 95th percentile of the non-blank lines'
  lengths, indentation included). A line *ends mid-sentence* when it is *full* (the first word of the next
  line would not have fitted on it: ``len(line) + 1 + len(word) > width - slack``), does not end with
  ``.``, ``!``, ``?`` or ``…`` (closing quotes aside) and the next line may continue it (rules below). A
  document is hard-wrapped when the width is one of a text column (40–132 characters), at least two lines
  and 15% of the lines at least half the width long (table rows, headlines and sign-offs are shorter) end
  mid-sentence, and a fifth of those (at least one) are continued by a line that starts in lower case (a
  list of headlines has long unpunctuated lines too, but each starts with a capital). Normal text, one
  paragraph a line, has lines of every length that end with a full stop, mostly longer than a column; its
  few unpunctuated lines (headlines, subheads) are short. There every line break stays a paragraph end:
  the text is returned unchanged.
* **Joining.** In a hard-wrapped document a line break is a wrap, and becomes a space, when the line is
  full (or, at least half the width long and not ending a sentence, is continued in lower case: a stretch
  wrapped a little narrower) and the next line continues the paragraph: it is not blank, not indented
  beyond the document's left margin (an indent starts a paragraph), does not start with a bullet (nor with
  a dash after a line ending in ``.`` or ``:``: a list item; after a word the dash goes on, "gearing" /
  "- debt to equity"), and neither line is a sign-off (``data/signoffs.txt``: "REUTER", "-30-"). An
  all-capitals line (a headline) is not joined with a line in lower case. A word broken at its hyphen
  ("anti-" / "aircraft") is joined without the space. Short lines (the last line of a paragraph, a
  headline, a dateline alone, a table row) end where they end.

Pure string work over the lines, once per document, and only for a text whose mean line is no longer than
a text column: a one-paragraph-a-line article is rejected by one ``str.count``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

__all__ = ["SIGNOFFS_FILE", "join_wrapped_lines", "wrap_width"]

SIGNOFFS_FILE = Path(__file__).resolve().parent / "data" / "signoffs.txt"

# A text column: e-mail and wire copy wrap at 60–80, some exports at 100–132.
_MIN_WIDTH = 40
_MAX_WIDTH = 132
_MIN_LINES = 4  # non-blank lines; fewer show no layout
_MIN_MID_SENTENCE = 2
_MIN_MID_SENTENCE_SHARE = 0.15  # of the lines at least half the width long
_MIN_LOWER_CASE_SHARE = 0.2  # of the mid-sentence line ends, the next line starting in lower case
_WIDTH_PERCENTILE = 0.95
_SENTENCE_FINAL = ".!?…。！？"
# A "word" longer than this is a URL, a number table or a script written without spaces: no evidence of
# where a wrapper would have broken the line.
_MAX_WORD = 25
_CLOSERS = "\"'”’»)]"
_BULLETS = ("•", "·", "▪", "* ", "> ")
_DASHES = ("- ", "– ", "— ")


@functools.cache
def _signoffs(path: Path = SIGNOFFS_FILE) -> frozenset[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line.casefold() for line in lines if line and not line.startswith("#"))


def _signoff_key(line: str) -> str:
    # "REUTER..." is "REUTER"; "AFP." is a sentence's end ("… compiled by" / "AFP."), not a sign-off.
    return line.removesuffix("...").removesuffix("…").casefold()


def _slack(width: int) -> int:
    """How far short of the width a full line may stop: a wrapper's width is a little more than its
    longest line, and the percentile a little less than that."""
    return max(3, width // 16)


class _Layout:
    """Each line stripped, its length (indentation included, trailing spaces not) and indentation."""

    __slots__ = ("base", "breaks", "indents", "lengths", "signoffs", "texts", "width")

    def __init__(self, lines: Sequence[str], width: int) -> None:
        self.texts = [line.strip() for line in lines]
        self.lengths = [len(line.rstrip()) for line in lines]
        self.indents = [n - len(t) for n, t in zip(self.lengths, self.texts, strict=True)]
        self.base = min((i for i, t in zip(self.indents, self.texts, strict=True) if t), default=0)
        self.width = width
        self.signoffs = _signoffs()
        self.breaks: list[bool] = []  # whether the break after each line is a wrap (set by _layout_of)

    def wraps(self, i: int) -> bool:
        """Whether the break after line ``i`` is a wrap: line ``i + 1`` continues line ``i``'s paragraph."""
        line, following = self.texts[i], self.texts[i + 1]
        if not line or not following or self.indents[i + 1] > self.base:
            return False
        first_word = following.split(maxsplit=1)[0]
        if len(first_word) > _MAX_WORD:
            return False
        if self.lengths[i] + 1 + len(first_word) <= self.width - _slack(self.width) and not (
            following[0].islower() and 2 * self.lengths[i] >= self.width and not _ends_sentence(line)
        ):
            return False  # the next word would have fitted: the line ended on purpose (a line of a
            # narrower stretch of the column that ends mid-sentence, continued in lower case, still wraps)
        if following.startswith(_BULLETS):
            return False
        if following.startswith(_DASHES) and _ends_clause(line):
            return False  # a list item; after a word the dash goes on ("gearing" / "- debt to equity")
        if _signoff_key(line) in self.signoffs or _signoff_key(following) in self.signoffs:
            return False
        return not (line.isupper() and not following.isupper())  # a headline over the story


def _ends_sentence(line: str) -> bool:
    return line.rstrip(_CLOSERS)[-1:] in _SENTENCE_FINAL


def _ends_clause(line: str) -> bool:
    return line.rstrip(_CLOSERS)[-1:] in _SENTENCE_FINAL + ":;"


def _estimate_width(lengths: list[int]) -> int:
    ordered = sorted(lengths)
    return ordered[min(len(ordered) - 1, int(len(ordered) * _WIDTH_PERCENTILE))]


def _layout_of(lines: Sequence[str]) -> _Layout | None:
    """The layout of a hard-wrapped document, or None when its line breaks are paragraph ends."""
    lengths = [n for n in (len(line.rstrip()) for line in lines) if n]
    if len(lengths) < _MIN_LINES:
        return None
    width = _estimate_width(lengths)
    if not _MIN_WIDTH <= width <= _MAX_WIDTH:
        return None
    layout = _Layout(lines, width)
    texts = layout.texts
    layout.breaks = [layout.wraps(i) for i in range(len(lines) - 1)]
    mid_sentence = [i for i, wrap in enumerate(layout.breaks) if wrap and not _ends_sentence(texts[i])]
    # Lines shorter than half the width (table rows, headlines, datelines, sign-offs) show no wrapping.
    prose = sum(1 for n in lengths if 2 * n >= width)
    if len(mid_sentence) < max(_MIN_MID_SENTENCE, _MIN_MID_SENTENCE_SHARE * prose):
        return None
    # A list of headlines also has long lines without a full stop, but none continues in lower case.
    in_lower_case = sum(1 for i in mid_sentence if texts[i + 1][:1].islower())
    if in_lower_case < max(1, _MIN_LOWER_CASE_SHARE * len(mid_sentence)):
        return None
    return layout


def wrap_width(text: str) -> int | None:
    """The column ``text`` is hard-wrapped at, or None when it is not hard-wrapped (see the module doc)."""
    if not _may_be_wrapped(text):
        return None
    layout = _layout_of(text.split("\n"))
    return layout.width if layout else None


def _may_be_wrapped(text: str) -> bool:
    lines = text.count("\n") + 1
    return lines >= _MIN_LINES and len(text) <= _MAX_WIDTH * lines


def join_wrapped_lines(text: str) -> str:
    """``text`` with each wrapped line break joined (a space, or nothing after a word's hyphen) when the
    document is hard-wrapped; else ``text`` itself. Line ends must be ``\\n`` already. Paragraph breaks,
    blank lines and indentation are kept (cleaning strips them later)."""
    if not _may_be_wrapped(text):
        return text
    lines = text.split("\n")
    layout = _layout_of(lines)
    if layout is None:
        return text
    out: list[str] = [lines[0]]
    for i, wrap in enumerate(layout.breaks):
        if not wrap:
            out.append("\n")
            out.append(lines[i + 1])
            continue
        out[-1] = out[-1].rstrip()
        line = layout.texts[i]
        hyphen = len(line) > 1 and line[-1] == "-" and not line[-2].isspace() and line[-2] != "-"
        if not hyphen:
            out.append(" ")
        out.append(layout.texts[i + 1])
    return "".join(out)
