"""RSS/Atom feeds: parse the bytes we fetched, and build an entry's document.

feedparser only ever sees bytes wrapped in a stream: given a plain string it would fetch URLs or open
local files itself. A "bozo" feed (malformed XML, wrong charset) that still has entries is used, with
the problem kept for the fetch log.
"""

from __future__ import annotations

import calendar
import io
import json
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from typing import Any

import feedparser

from pipeline.models import RawDocument

# Tags whose end starts a new paragraph when feed HTML is reduced to text.
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "table",
        "tr",
    }
    | {"section", "article", "header", "footer", "figure", "figcaption", "dd", "dt"}
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry, reduced to what the pipeline uses. Texts are plain text (HTML stripped)."""

    link: str | None
    entry_id: str | None
    title: str | None
    published: date | None
    summary: str
    content: str


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    entries: tuple[FeedEntry, ...]
    # The parser's complaint when the feed is not well-formed (kept for the log), else None.
    problem: str | None = None


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed summary or content): paragraphs kept, tags dropped."""
    if "<" not in fragment and "&" not in fragment:
        text = fragment
    else:
        parser = _TextExtractor()
        parser.feed(fragment)
        parser.close()
        text = "".join(parser.parts)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _entry_date(entry: Any) -> date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            # feedparser normalises to UTC struct_time; timegm reads it as UTC.
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC).date()
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _entry(entry: Any) -> FeedEntry:
    contents = [html_to_text(c.get("value", "")) for c in entry.get("content", []) if c.get("value")]
    title = html_to_text(entry.get("title", "")) or None
    link = (entry.get("link") or "").strip() or None
    return FeedEntry(
        link=link,
        entry_id=(entry.get("id") or "").strip() or None,
        title=title,
        published=_entry_date(entry),
        summary=html_to_text(entry.get("summary", "")),
        content=max(contents, key=len, default=""),
    )


def _parse(body: bytes, url: str, content_type: str) -> Any:
    headers = {"content-location": url, "content-type": content_type}
    return feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=False)


def _plain_utf8(body: bytes) -> bool:
    """Bytes that are UTF-8 (and not UTF-16/32, whose ASCII text is also valid UTF-8 but has NULs)."""
    if body.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in body[:4096]:
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _problem(parsed: Any) -> str | None:
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    return f"{type(exc).__name__}: {exc}" if exc is not None else "malformed feed"


def parse_feed(body: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """Entries of the feed in ``body`` (the bytes fetched from ``url``, with the response's content type).

    A feed that declares one charset but is sent as UTF-8 (and fails to parse as declared) is read
    again as UTF-8, the page path's rule. Raises ``ValueError`` when the bytes hold no feed at all.
    """
    if body.lstrip()[:1] == b"{":
        return _parse_json_feed(body)
    # No Content-Type header: let the XML declaration decide, without a "no content type" complaint.
    parsed = _parse(body, url, content_type or "application/xml")
    problem = _problem(parsed)
    if problem and not parsed.get("entries") and _plain_utf8(body):
        retry = _parse(body, url, "application/xml; charset=utf-8")
        if retry.get("entries"):
            declared = parsed.get("encoding") or "another charset"
            problem = f"declared {declared} but sent as UTF-8, read as UTF-8 ({problem})"
            parsed = retry
    entries = tuple(_entry(e) for e in parsed.get("entries", []))
    if not entries and (problem or not parsed.get("version")):
        raise ValueError(f"not a feed: {problem or 'no RSS/Atom root element'}")
    title = html_to_text(parsed.get("feed", {}).get("title", "")) or None
    return ParsedFeed(title=title, entries=entries, problem=problem)


def _json_date(value: object) -> date | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC).date() if moment.tzinfo else moment.date()


def _json_text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    return value.strip() if isinstance(value, str) else ""


def _parse_json_feed(body: bytes) -> ParsedFeed:
    """A JSON Feed (jsonfeed.org, versions 1 and 1.1), which feedparser does not read."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a feed: invalid JSON ({exc})") from exc
    if not isinstance(data, dict) or "jsonfeed.org" not in str(data.get("version", "")):
        raise ValueError("not a feed: JSON without a jsonfeed.org version")
    items = data.get("items")
    entries = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        content = html_to_text(_json_text(item, "content_html")) or _json_text(item, "content_text")
        entries.append(
            FeedEntry(
                link=_json_text(item, "url") or _json_text(item, "external_url") or None,
                entry_id=str(item["id"]) if item.get("id") is not None else None,
                title=html_to_text(_json_text(item, "title")) or None,
                published=_json_date(item.get("date_published")) or _json_date(item.get("date_modified")),
                summary=html_to_text(_json_text(item, "summary")),
                content=content,
            )
        )
    title = _json_text(data, "title") or None
    return ParsedFeed(title=title, entries=tuple(entries))


def entry_document(
    entry: FeedEntry,
    page: RawDocument | None,
    *,
    doc: str,
    source: str,
    min_text_chars: int,
) -> RawDocument | None:
    """The document for one entry: the fetched page with the entry's title and date as fallbacks, or,
    without a page, the entry's own content or summary when it is at least ``min_text_chars`` long.
    None when neither is usable.
    """
    if page is not None:
        title = page.title or entry.title
        published, basis = page.published, page.published_basis
        if published is None and entry.published is not None:
            published, basis = entry.published, "feed"
        return replace(
            page,
            doc=doc,
            origin="feed",
            source=source,
            title=title,
            published=published,
            published_basis=basis,
        )
    for text, kind in ((entry.content, "feed-content"), (entry.summary, "feed-summary")):
        if text and len(text) >= min_text_chars:
            return RawDocument(
                doc=doc,
                text=text,
                origin="feed",
                url=entry.link,
                source=source,
                title=entry.title,
                published=entry.published,
                published_basis="feed" if entry.published else "none",
                content_kind=kind,
            )
    return None
