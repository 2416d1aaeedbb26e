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
        for i, row in enumerate(csv.DictReader(f)):
            if limit is not None and i >= limit:
                return
            published = None
            with contextlib.suppress(ValueError):  # a few rows have no usable date
                published = datetime.strptime(row["publish_date"], "%Y/%m/%d").date()
            url = row["article_source_link"] or None
            host = urlsplit(url).hostname if url else None
            text = "\n".join(part for part in (row["title"], row["subtitle"], row["text"]) if part)
            yield RawDocument(
                doc=f"news2017-{row['article_id']}",
                text=text,
                url=url,
                source=host,
                title=row["title"] or None,
                published=published,
                published_basis="manifest" if published else "none",
            )


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
