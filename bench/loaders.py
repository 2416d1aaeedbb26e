"""Turn the benchmark corpora into the pipeline's record input (RawDocument), streaming.

- news-2017/NewsArticles.csv: 3,824 dated articles from nine outlets.
- reuters-21578/sgm/*.sgm: 21,578 wire stories from 1987 (SGML; bodies hard-wrapped at ~70 columns).
- pages/zyte/html/*.html.gz: real article pages, for the HTML path.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import html
import re
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.models import RawDocument

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
CORPUS = SHARED / "corpus"

_REUTERS = re.compile(r"<REUTERS[^>]*NEWID=\"(?P<id>\d+)\"[^>]*>(?P<body>.*?)</REUTERS>", re.S)
_TAG = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.S) for name in ("DATE", "TITLE", "BODY", "DATELINE")}
# A wrapped line continues the paragraph; a line indented by spaces starts a new one.
_WRAP = re.compile(r"\n(?! )")
_CONTROL = re.compile(r"&#\d+;|[\x00-\x08\x0b-\x1f]")


def news2017(
    path: Path = CORPUS / "news-2017" / "NewsArticles.csv", limit: int | None = None
) -> Iterator[RawDocument]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", errors="replace", newline="") as f:
        rows = csv.reader(f)
        column = {name: i for i, name in enumerate(next(rows, []))}
        article_id, published_at, link = (
            column["article_id"],
            column["publish_date"],
            column["article_source_link"],
        )
        title_at, subtitle_at, text_at = column["title"], column["subtitle"], column["text"]
        hosts: dict[str, str | None] = {}  # a netloc's host name, parsed once per outlet, not per article
        for i, row in enumerate(rows):
            if limit is not None and i >= limit:
                return
            url = row[link] or None
            host = None
            if url:
                netloc = url.partition("//")[2].partition("/")[0]
                if netloc not in hosts:
                    hosts[netloc] = urlsplit(url).hostname
                host = hosts[netloc]
            title = row[title_at]
            text = "\n".join(part for part in (title, row[subtitle_at], row[text_at]) if part)
            published = _slash_date(row[published_at])
            yield RawDocument(
                doc=f"news2017-{row[article_id]}",
                text=text,
                url=url,
                source=host,
                title=title or None,
                published=published,
                published_basis="manifest" if published else "none",
            )


def _slash_date(value: str) -> date | None:
    """A ``YYYY/MM/DD`` date (news-2017's), or None when a row has no usable one; strptime's rules, 10x
    cheaper (its locale lookups were a third of a re-run's reading)."""
    parts = value.split("/")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts) or len(parts[0]) != 4:
        return None
    if not (1 <= len(parts[1]) <= 2 and 1 <= len(parts[2]) <= 2):
        return None
    with contextlib.suppress(ValueError):
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    return None


def reuters(
    folder: Path = CORPUS / "reuters-21578" / "sgm", limit: int | None = None
) -> Iterator[RawDocument]:
    n = 0
    for path in sorted(folder.glob("*.sgm")):
        raw = path.read_bytes().decode("latin-1")
        for m in _REUTERS.finditer(raw):
            body_m = _TAG["BODY"].search(m.group("body"))
            if not body_m:
                continue
            if limit is not None and n >= limit:
                return
            title_m = _TAG["TITLE"].search(m.group("body"))
            date_m = _TAG["DATE"].search(m.group("body"))
            body = html.unescape(_CONTROL.sub("", body_m.group(1))).replace("\n Reuter", "").strip()
            body = _WRAP.sub(" ", body).replace("\n    ", "\n")
            title = html.unescape(title_m.group(1)).strip() if title_m else None
            published: date | None = None
            if date_m:
                try:
                    published = datetime.strptime(date_m.group(1).strip()[:11], "%d-%b-%Y").date()
                except ValueError:
                    published = None
            n += 1
            yield RawDocument(
                doc=f"reuters-{m.group('id')}",
                text=f"{title}\n{body}" if title else body,
                source="Reuters",
                title=title,
                published=published,
                published_basis="manifest" if published else "none",
            )


def zyte_pages(folder: Path = CORPUS / "pages" / "zyte" / "html") -> Iterator[tuple[str, bytes]]:
    """(page id, raw HTML bytes) of every Zyte page."""
    for path in sorted(folder.glob("*.html.gz")):
        yield path.name.removesuffix(".html.gz"), gzip.decompress(path.read_bytes())
