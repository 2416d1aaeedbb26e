"""RawDocument → Article: normalise the text, drop page furniture, keep every sentence of the article.

Hard-wrapped text (wire copy, e-mail, ``.txt`` exports broken at a fixed width) is first joined into
paragraphs, one a line (``pipeline/wrapped.py``: only when the document's own layout shows it is wrapped).

Normalisation is conservative so evidence stays verbatim-comparable with the article: NFC (not NFKC:
curly quotes, dashes and ellipses stay as written), no-break and odd spaces become spaces, zero-width
characters and soft hyphens go, line ends become ``\\n``, runs of spaces one space.

A line is dropped when it is boilerplate (a pattern of ``data/boilerplate.txt``: adverts, "Read more: …",
comment forms, share prompts, breadcrumbs, photo captions), a byline (``data/bylines.txt``; the name is kept
as the author), the site name above the article, a repeat of an earlier line (the title printed three
times is kept once), or a title line's " | Site name" suffix. Everything else is kept, one paragraph a line.
A page's headline, which extraction leaves in the metadata, becomes the first line of the text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import xxhash

from pipeline.models import Article, RawDocument
from pipeline.sentences import split_sentences
from pipeline.wrapped import join_wrapped_lines

__all__ = [
    "BOILERPLATE_FILE",
    "BYLINES_FILE",
    "canonical_url",
    "clean_document",
    "compile_line_patterns",
    "content_fingerprint",
    "normalise_text",
    "raw_fingerprint",
]

DATA = Path(__file__).resolve().parent / "data"
BOILERPLATE_FILE = DATA / "boilerplate.txt"
BYLINES_FILE = DATA / "bylines.txt"

# Lines longer than this are article paragraphs, never furniture: skipping them keeps cleaning fast and
# protects long paragraphs from a pattern that happens to match their end.
_MAX_FURNITURE_CHARS = 600
_MAX_BYLINE_CHARS = 120
_MAX_HEADLINE_CHARS = 250
_MAX_HEADLINE_WORDS = 30
_PAGE_SUFFIXES = (".html", ".htm", ".xhtml")

_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t"
_DELETED = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
_TRANSLATE: dict[int, str | None] = {ord(c): " " for c in _SPACES}
_TRANSLATE.update({ord(c): None for c in _DELETED})
_TRANSLATE.update({ord(c): "\n" for c in "\u2028\u2029\x0b\x0c\x85"})
_TRANSLATE.update({c: None for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)})
_TRANSLATE[0x7F] = None
# Most texts hold none of the characters above: one search is far cheaper than ``str.translate``.
_NEEDS_TRANSLATE = re.compile("[" + re.escape("".join(chr(c) for c in _TRANSLATE)) + "]")
_LINE_ENDS = re.compile(r"\r\n?")
_SPACE_RUNS = re.compile(r" {2,}")

# For comparing lines with titles and site names: bullets and outer punctuation off, quotes unified.
_COMPARE_TRANSLATE = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"}
)
_NEEDS_COMPARE_TRANSLATE = re.compile("[‘’‚“”„–—]")
_COMPARE_STRIP = " \t•·›»>|/-–—:*#'\"‘’“”"
# " | World News", " - Reuters", " — The Daily Guardian" after a headline.
_SITE_SUFFIX = re.compile(r"^(?P<head>.+?)\s+[|\-–—•·]\s+(?P<site>[^|\-–—•·]{2,60})$")
_MIN_SITE_PREFIX = 4
_BULLETS = "•·›»"
_PARENTHETICAL = re.compile(r"\s*\([^)]*\)")
_SENTENCE_END = re.compile(r"[.!:;,]['\"’”)]*$")

_TRACKING_PARAMS = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|gclsrc|msclkid|mc_cid|mc_eid|igshid|yclid|_ga|_gl|ocid|cmpid|smid|"
    r"sr_share|share|ref_src|at_medium|at_campaign|rss|taid|__twitter_impression)$",
    re.I,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


@functools.cache
def compile_line_patterns(path: Path, *, ignore_case: bool = True) -> re.Pattern[str]:
    """One regex that fullmatches a line when any pattern of ``path`` does (a pattern a line, # comments)."""
    patterns = [f"(?:{pattern.pattern})" for pattern in _read_patterns(path, 0)]
    if not patterns:
        return re.compile(r"(?!)")
    return re.compile("|".join(patterns), re.I if ignore_case else 0)


@functools.cache
def _read_patterns(path: Path, flags: int) -> tuple[re.Pattern[str], ...]:
    """Each pattern of ``path`` compiled on its own (named groups may repeat across lines)."""
    patterns = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        try:
            patterns.append(re.compile(pattern, flags))
        except re.error as exc:
            raise ValueError(f"{path}:{number}: bad pattern {pattern!r}: {exc}") from exc
    return tuple(patterns)


def _byline_author(line: str) -> str | None:
    for pattern in _read_patterns(BYLINES_FILE, 0):
        match = pattern.fullmatch(line)
        if match:
            return match.group("author")
    return None


def normalise_text(text: str) -> str:
    """Line ends, spaces, invisible characters and NFC; each line stripped. Quotes and dashes untouched."""
    return _tidy_spaces(_normalise_characters(text))


def _normalise_characters(text: str) -> str:
    """Line ends, invisible characters and NFC; spaces and indentation still as written."""
    if "\r" in text:
        text = _LINE_ENDS.sub("\n", text)
    if _NEEDS_TRANSLATE.search(text):
        text = text.translate(_TRANSLATE)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def _tidy_spaces(text: str) -> str:
    """Runs of spaces one space; each line stripped."""
    if "  " in text:
        text = _SPACE_RUNS.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _hash(text: str) -> str:
    return xxhash.xxh3_128_hexdigest(_utf8(text))


def content_fingerprint(text: str) -> str:
    """xxh3-128 of the text casefolded with whitespace collapsed: exact copies share it."""
    return _hash(" ".join(text.casefold().split()))


def raw_fingerprint(raw: RawDocument) -> str:
    """xxh3-128 of (doc, raw text): lets a re-run skip inputs it has already stored, before cleaning.

    A page not yet extracted is hashed as its bytes: the same fingerprint as its text for a UTF-8 page.
    """
    read = raw.as_read
    fingerprint = xxhash.xxh3_128(_utf8(raw.doc + "\0"))
    fingerprint.update(read if isinstance(read, bytes) else _utf8(read))
    return fingerprint.hexdigest()


def canonical_url(url: str | None) -> str | None:
    """A URL for comparing pages: https, lowercase host without ``www.``, no default port, fragment,
    tracking parameters (utm_*, fbclid, gclid…) or trailing slash; remaining parameters sorted.
    """
    if not url or not url.strip():
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return url.strip()
    host = parts.hostname.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/")
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING_PARAMS.match(key)
    )
    return urlunsplit(("https", host, path, urlencode(query), ""))


def _comparable(line: str) -> str:
    if _NEEDS_COMPARE_TRANSLATE.search(line):
        line = line.translate(_COMPARE_TRANSLATE)
    return " ".join(line.casefold().strip(_COMPARE_STRIP).split())


def _site_names(raw: RawDocument) -> set[str]:
    names: set[str] = set()
    if raw.source:
        names.add(_comparable(raw.source))
        names.add(_comparable(_PARENTHETICAL.sub("", raw.source)))
    if raw.url:
        host = (urlsplit(raw.url).hostname or "").lower().removeprefix("www.")
        if host:
            names.add(host)
            names.add(host.split(".")[0])
    names.discard("")
    return names


def _is_page(raw: RawDocument) -> bool:
    """Text extracted from HTML (fetched, or a local .html file), whose headline lives in the metadata."""
    return raw.origin != "file" or raw.doc.lower().endswith(_PAGE_SUFFIXES)


def _looks_like_headline(line: str) -> bool:
    words = line.split()
    return (
        0 < len(line) <= _MAX_HEADLINE_CHARS
        and 3 <= len(words) <= _MAX_HEADLINE_WORDS
        and not _SENTENCE_END.search(line)
        and line[0].isupper()
    )


def _without_site_suffix(line: str, title_key: str | None, site_names: set[str]) -> str:
    """The headline part of "Headline | Site": when it equals the title or the suffix is the site's name."""
    match = _SITE_SUFFIX.match(line)
    if match is None:
        return line
    head, site = match.group("head"), _comparable(match.group("site"))
    if (title_key and _comparable(head) == title_key) or any(
        site == name or (len(site) >= _MIN_SITE_PREFIX and (name.startswith(site) or site.startswith(name)))
        for name in site_names
    ):
        return head
    return line


def _clean_lines(
    lines: Iterable[str], raw: RawDocument, title_key: str | None
) -> tuple[list[str], int, str | None, str | None]:
    """Kept lines, number of dropped lines, byline author, detected headline (when the raw title is None)."""
    boilerplate = compile_line_patterns(BOILERPLATE_FILE)
    site_names = _site_names(raw)
    kept: list[str] = []
    seen: set[str] = set()
    dropped = 0
    byline_author: str | None = None
    headline: str | None = None
    breadcrumb_bullet = ""  # the bullet of a breadcrumb run ("• Home/", "• World/", "• <title>")
    for line in lines:
        if not line:
            continue
        if breadcrumb_bullet and line.startswith(breadcrumb_bullet) and len(line) <= _MAX_HEADLINE_CHARS:
            dropped += 1
            continue
        breadcrumb_bullet = ""
        if len(line) <= _MAX_FURNITURE_CHARS and boilerplate.fullmatch(line):
            dropped += 1
            if line[0] in _BULLETS:
                breadcrumb_bullet = line[0]
            continue
        if len(line) <= _MAX_BYLINE_CHARS:
            author = _byline_author(line)
            if author:
                byline_author = byline_author or author
                dropped += 1
                continue
        if not kept and site_names and _comparable(line) in site_names:
            dropped += 1  # the site's name printed above the article
            continue
        if len(line) <= _MAX_HEADLINE_CHARS:
            line = _without_site_suffix(line, title_key, site_names)
        # Short lines compare loosely (the title in other quotes or case); paragraphs exactly (and cheaply).
        key = _comparable(line) if len(line) <= _MAX_HEADLINE_CHARS else line
        if key in seen:
            dropped += 1  # repeated title, repeated pull quote, repeated widget
            continue
        seen.add(key)
        if not kept and title_key is None and _looks_like_headline(line):
            headline = line
        kept.append(line)
    return kept, dropped, byline_author, headline


def clean_document(raw: RawDocument) -> Article:
    """Normalise, drop boilerplate lines, split into sentences; ids and hashes for dedupe and re-runs."""
    # Hard-wrapped text is joined into paragraphs here, in cleaning, while the indentation that separates
    # its paragraphs is still there (``_tidy_spaces`` strips it), and before the line filters below, which
    # then judge whole paragraphs instead of fragments of them. The joined text becomes ``Article.text``,
    # what the store keeps in ``articles.text``: sentence offsets and evidence then point into the text
    # as stored, and an evidence sentence reads "U.S. Trade Representative Clayton Yeutter said …" with a
    # space where the wire had a line break. (Teaching the splitter to read some line breaks as spaces
    # would keep those line breaks inside sentences and evidence, and the splitter would need the
    # indentation that cleaning has already removed.) Text that is not hard-wrapped is untouched.
    normalised = _tidy_spaces(join_wrapped_lines(_normalise_characters(raw.text)))
    title = normalise_text(raw.title).replace("\n", " ").strip() if raw.title else None
    if title:
        # "Headline - Site Name" from a page's <title>: the site is Article.source already.
        title = _without_site_suffix(title, None, _site_names(raw))
    title_key = _comparable(title) if title else None
    kept, dropped, byline_author, headline = _clean_lines(normalised.split("\n"), raw, title_key or None)
    if title and title_key and _is_page(raw) and not any(_comparable(line) == title_key for line in kept[:5]):
        # Extracted page text lacks the headline; put it first, as text files have it, so its statement
        # ("Hamas rejects US proposal") is read like any sentence.
        kept.insert(0, title)
    text = "\n".join(kept)
    return Article(
        article_id=_hash(raw.doc + "\0" + text),
        doc=raw.doc,
        text=text,
        sentences=split_sentences(text),
        origin=raw.origin,
        url=raw.url,
        canonical_url=canonical_url(raw.url),
        source=raw.source,
        title=title or headline,
        author=raw.author or byline_author,
        published=raw.published,
        published_basis=raw.published_basis,
        content_kind=raw.content_kind,
        removed_lines=dropped,
        content_hash=content_fingerprint(text),
        raw_hash=raw_fingerprint(raw),
    )
