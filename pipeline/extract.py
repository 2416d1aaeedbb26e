"""HTML page → RawDocument: decode the bytes, extract the main text and metadata with trafilatura.

The one page path: local ``.html`` files and pages fetched from the web both come through
``extract_html``. Nothing trafilatura finds is filtered here (cleaning is the next stage); paragraphs
stay on separate lines. The page's own date is kept with ``published_basis="metadata"``.
"""

from __future__ import annotations

import codecs
import logging
import re
import threading
from datetime import date
from typing import Any

import charset_normalizer
import trafilatura
from htmldate import find_date
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document, set_date_params
from trafilatura.utils import load_html

from pipeline.models import DateBasis, Origin, RawDocument

__all__ = ["decode_html", "extract_html", "parse_page_date"]

log = logging.getLogger(__name__)

# <meta charset="x">, <meta http-equiv="Content-Type" content="text/html; charset=x">, <?xml encoding="x"?>
_DECLARED_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# trafilatura shares module-level lxml parsers and XPath objects; two threads extracting at once can crash
# the process (seen as a segfault in extract_metadata while fetching). Extraction is CPU-bound under the
# GIL anyway, so one lock costs nothing; processes and Dask workers each have their own.
_TRAFILATURA_LOCK = threading.Lock()
# The page's date is searched extensively (head tags, then the text) whatever the body mode: the head-only
# search lost a date on the Zyte pages and saved little (2-10% of extraction).
_DATE_PARAMS = set_date_params(extensive=True)


def _declared_charset(data: bytes, header_charset: str | None) -> str | None:
    """The charset the HTTP header or the page head declares, if Python knows it."""
    candidates = [header_charset] if header_charset else []
    match = _DECLARED_CHARSET.search(data[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii", "ignore"))
    for name in candidates:
        try:
            return codecs.lookup(name).name
        except LookupError:
            continue
    return None


def decode_html(data: bytes, *, charset: str | None = None) -> str:
    """Decode page bytes: BOM, UTF-8 (strict), the declared charset, charset_normalizer's guess, Latin-1.

    UTF-8 is tried before the declared charset because pages often declare ISO-8859-1 while sending
    UTF-8; a wrong declaration that fails strictly falls through to detection.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data, charset)
    if declared and declared != "utf-8":
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            log.debug("declared charset %s does not decode the page; detecting", declared)
    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("latin-1")


def parse_page_date(value: str | None) -> date | None:
    """``YYYY-MM-DD`` (as trafilatura/htmldate give it) → date; anything else → None."""
    if not value:
        return None
    match = _ISO_DATE.match(value.strip())
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _page_metadata(tree: Any, url: str | None) -> Document:
    """The page's title, author, URL, date and site name as trafilatura's ``extract_metadata`` finds them,
    step for step, without its searches for categories, tags and a licence: the pipeline keeps none of
    them, and those searches (XPath over every link of the page) took 12-15% of extraction on the Zyte
    pages. tests/test_extract.py checks text and fields against one trafilatura call with its metadata,
    page by page."""
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:  # trafilatura's rule: one word is no byline
        metadata.author = None
    try:
        metadata = extract_meta_json(tree, metadata)
    # trafilatura guards its JSON-LD reader the same way: a broken block must not lose the page
    except Exception as exc:
        log.debug("JSON-LD metadata unreadable (%s: %s)", type(exc).__name__, exc)
    metadata.title = metadata.title or extract_title(tree)
    metadata.author = metadata.author or extract_author(tree)
    metadata.url = metadata.url or extract_url(tree, url)
    metadata.date = find_date(tree, **{**_DATE_PARAMS, "url": metadata.url})
    metadata.sitename = metadata.sitename or extract_sitename(tree)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")  # a Twitter handle
        if metadata.sitename and "." not in metadata.sitename and not metadata.sitename[0].isupper():
            metadata.sitename = metadata.sitename.title()
    elif metadata.url:
        host = META_URL.match(metadata.url)
        if host:
            metadata.sitename = host[1]
    metadata.clean_and_trim()
    return metadata


def _trafilatura_extract(
    html: str, url: str | None, fallback_extractors: bool
) -> tuple[str | None, Document] | None:
    """The main text and the metadata of a page, or None when trafilatura finds no text. Its trees are
    freed before this returns: the caller holds the lock, and must not free them beside another parse."""
    tree = load_html(html)
    if tree is None:
        return None
    metadata = _page_metadata(tree, url)  # first, as trafilatura orders them: from the page as parsed
    document = trafilatura.bare_extraction(
        tree,
        url=url or metadata.url,
        # trafilatura's fast mode skips only the readability/justext comparison; its baseline and recall
        # rescues of a short extraction still run. On the 100 Zyte pages it costs 25% less and scores the
        # same body F1 (one page better, none worse), so the comparison is opt-in (``fallback_extractors``).
        fast=not fallback_extractors,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
    )
    if not isinstance(document, Document):  # None: no text (a dict only when asked for one)
        return None
    return document.text, metadata


def _non_empty(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def extract_html(
    html: str | bytes,
    *,
    doc: str,
    url: str | None = None,
    origin: Origin = "file",
    fallback_extractors: bool = False,
    charset: str | None = None,
    fallback_title: str | None = None,
    fallback_source: str | None = None,
    fallback_author: str | None = None,
    fallback_published: date | None = None,
    fallback_basis: DateBasis = "feed",
    content_kind: str = "page",
) -> RawDocument | None:
    """The main text and metadata of an HTML page, or None when no article text is found.

    ``charset`` is the HTTP header's charset, if any. The page's own title, author, site name and date
    win; ``fallback_title``, ``_source``, ``_author`` and ``_published`` (from a feed entry, say) fill what
    the page lacks, the date then with ``fallback_basis``. ``fallback_extractors`` adds trafilatura's
    comparison with its readability and justext extractors (its default mode; ~30% slower; the
    ``STANCEWATCH_HTML_FALLBACKS`` setting).
    """
    text_html = decode_html(html, charset=charset) if isinstance(html, bytes) else html
    if not text_html.strip():
        return None
    try:
        with _TRAFILATURA_LOCK:
            extracted = _trafilatura_extract(text_html, url, fallback_extractors)
    # lxml and trafilatura raise many kinds of error on broken markup; one page must not stop a run.
    except Exception as exc:
        # The caller reports the page as unusable (one warning); the cause is kept here.
        log.info("%s: HTML extraction failed (%s: %s)", doc, type(exc).__name__, exc)
        return None
    if extracted is None:
        return None
    body, document = extracted
    text = _non_empty(body)
    if text is None:
        return None
    published = parse_page_date(document.date)
    basis: DateBasis = "metadata"
    if published is None:
        published = fallback_published
        basis = fallback_basis if fallback_published is not None else "none"
    return RawDocument(
        doc=doc,
        text=text,
        origin=origin,
        url=url or _non_empty(document.url),
        source=_non_empty(document.sitename) or fallback_source,
        title=_non_empty(document.title) or fallback_title,
        author=_non_empty(document.author) or fallback_author,
        published=published,
        published_basis=basis,
        content_kind=content_kind,
    )
