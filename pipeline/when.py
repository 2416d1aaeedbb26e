"""When a reported statement was made, read from its sentence.

A claim's position counts on the day it was stated, not the day an article reported it: "said on
Tuesday" in a Wednesday paper is Tuesday's; "during his campaign" or "in 2012" is history; "had initially
denied" is earlier than the article, on a day the text does not give. ``said_on`` returns the day when the
text gives one (absolute, or relative to publication); ``said_earlier`` says whether the sentence reports
the statement as made before publication even when no day can be read.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache

from pipeline.wordlists import data_lines

_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
# The months' full names (lower case), for the stages that tell a date word from a name.
MONTH_NAMES: frozenset[str] = frozenset(_MONTHS)
_MONTHS |= {name[:3]: number for name, number in list(_MONTHS.items())} | {"sept": 9}
_WEEKDAYS = {
    d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
}

_MONTH_WORD = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# "on May 27", "on 26 May 2025", "on Feb. 22", "March 13, 2017"
_DATE = re.compile(
    rf"\b(?:on\s+)?(?:(?P<month>{_MONTH_WORD})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"|(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month2>{_MONTH_WORD}))"
    r"(?:,?\s+(?P<year>(?:19|20)\d\d))?\b"
)
# "on Tuesday", "Tuesday's speech", "told reporters Tuesday"; not "Tuesday's vote will…" (see _FUTURE)
_WEEKDAY = re.compile(
    r"\b(?:on\s+|last\s+)?(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
_YESTERDAY = re.compile(r"\byesterday\b", re.IGNORECASE)
# "in 2012", "during the 2014 campaign": a year alone, which dates a statement only when it is past
_YEAR = re.compile(
    r"\b(?:in|since|during|of)\s+(?:(?:the|a|an|its|their|his|her)\s+)?(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
# Words after a day that make it the day of a coming event, not of the statement ("on Tuesday the talks
# will…" is said today): a future auxiliary within a few words.
_FUTURE = re.compile(r"\b(?:will|shall|is to|are to|is due|are due|scheduled|next)\b", re.IGNORECASE)


@cache
def _earlier_markers() -> re.Pattern[str]:
    """Phrases that put a statement before the article (``data/said_earlier.txt``)."""
    phrases = data_lines("said_earlier.txt")
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"\b(?:{body})\b", re.IGNORECASE)


def _month(word: str) -> int | None:
    return _MONTHS.get(word.lower().rstrip(".")) or _MONTHS.get(word.lower().rstrip(".")[:3])


def _explicit(text: str, published: date | None) -> date | None:
    for match in _DATE.finditer(text):
        month = _month(match.group("month") or match.group("month2") or "")
        day = int(match.group("day") or match.group("day2") or 0)
        if month is None or not 1 <= day <= 31:
            continue
        year = int(match.group("year")) if match.group("year") else (published.year if published else None)
        if year is None:
            continue
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if not match.group("year") and published is not None and (found - published).days > 31:
            # "on December 30" in a January article is last year's
            try:
                found = date(year - 1, month, day)
            except ValueError:
                continue
        if published is not None and found > published:
            continue  # a coming day is the event's, not the statement's
        return found
    return None


def _weekday(text: str, published: date) -> date | None:
    for match in _WEEKDAY.finditer(text):
        if _FUTURE.search(text[max(0, match.start() - 25) : match.end() + 25]):
            continue
        back = (published.weekday() - _WEEKDAYS[match.group("weekday").lower()]) % 7
        if match.group(0).lower().startswith("last") and back == 0:
            back = 7
        return published - timedelta(days=back)
    return None


def said_on(text: str, published: date | None) -> date | None:
    """The day the sentence says its statement was made, or None.

    In order: a written date ("on May 27", "26 May 2025"; never a day after publication), a weekday (the
    last such day on or before publication, unless the words around it speak of a coming event),
    "yesterday", a past year ("in 2012": 1 January of it, so the statement counts in that year's history).
    """
    found = _explicit(text, published)
    if found is not None or published is None:
        return found
    found = _weekday(text, published)
    if found is not None:
        return found
    if _YESTERDAY.search(text):
        return published - timedelta(days=1)
    for match in _YEAR.finditer(text):
        year = int(match.group("year"))
        if year < published.year:
            return date(year, 1, 1)
    return None


def said_earlier(text: str) -> bool:
    """Whether the sentence reports its statement as made before the article, on a day it does not give:
    "had initially denied", "last week", "during his campaign", "previously" (``data/said_earlier.txt``)."""
    return _earlier_markers().search(text) is not None
