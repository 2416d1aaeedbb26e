"""Read a folder (or one file) of articles: .txt, .md, .html/.htm, with an optional articles.jsonl manifest.

The manifest (one JSON object per line: file, url, source, title, author, published) gives each file its
metadata; files it does not name are still read, without metadata. The published date comes from the
manifest, else the page's own metadata (HTML), else stays None with basis "none": never "today".

Bad input (an empty or binary file, a bad manifest line, a manifest path that is missing or outside the
folder, a file or manifest whose real path, links followed, is outside the folder) gives one warning and one
``ReadProblem``; the rest of the folder is still read.
"""

from __future__ import annotations

import codecs
import dataclasses
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.extract import extract_html
from pipeline.models import RawDocument, ReadProblem

__all__ = ["HTML_SUFFIXES", "MANIFEST_NAME", "TEXT_SUFFIXES", "iter_folder", "read_file", "read_folder"]

log = logging.getLogger(__name__)

MANIFEST_NAME = "articles.jsonl"
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_MANIFEST_TEXT_KEYS = ("url", "source", "title", "author")
_BINARY_SNIFF_BYTES = 8192
# Control characters other than tab, newline, form feed, carriage return: many of them mean "not text".
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

# Light Markdown → text, so evidence sentences do not carry markup.
_MD_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)
_MD_FRONT_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$", re.M)
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t#]*$", re.M)
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?", re.M)


@dataclass(frozen=True, slots=True)
class _ManifestEntry:
    line: int
    url: str | None
    source: str | None
    title: str | None
    author: str | None
    published: date | None


class _Unreadable(Exception):
    """A file that cannot become a document; the message says why."""


def read_folder(path: Path) -> tuple[list[RawDocument], list[ReadProblem]]:
    """Every document and every problem of ``iter_folder``, as two lists."""
    documents: list[RawDocument] = []
    problems: list[ReadProblem] = []
    for item in iter_folder(path):
        if isinstance(item, ReadProblem):
            problems.append(item)
        else:
            documents.append(item)
    return documents, problems


def iter_folder(
    path: Path, *, html_fallbacks: bool = False, defer_html: bool = False
) -> Iterator[RawDocument | ReadProblem]:
    """Documents (and problems) of a folder, recursively, in sorted order; or of one file.

    Manifest problems come first, then one item per file. Constant memory apart from the manifest.
    ``defer_html``: an HTML page comes back as read, not extracted (``content_kind="html"``, ``html``), for
    ``finish_html`` to extract where the CPU is (a worker process), not in the process reading the folder.
    """
    path = Path(path)
    if not path.exists():
        yield _problem(str(path), "no such file or folder")
        return
    if path.is_file():
        root = path.parent
        manifest, manifest_problems, _ = _read_manifest(root)
        yield from manifest_problems
        yield _read_one(
            path, path.name, manifest.get(path.name), html_fallbacks=html_fallbacks, defer_html=defer_html
        )
        return
    manifest, manifest_problems, linked_outside = _read_manifest(path)
    yield from manifest_problems
    real_root = path.resolve()
    for file in _article_files(path):
        doc = file.relative_to(path).as_posix()
        if not _resolves_inside(file, real_root):
            # A link in a drop folder must not carry /etc/passwd (or anyone's file) into the store. A link
            # its manifest line named was reported with that line: one report per file.
            if doc not in linked_outside:
                yield _problem(doc, "a link to a file outside the folder; skipped")
            continue
        yield _read_one(file, doc, manifest.get(doc), html_fallbacks=html_fallbacks, defer_html=defer_html)


def read_file(
    path: Path, *, doc: str | None = None, html_fallbacks: bool = False
) -> RawDocument | ReadProblem:
    """One file without a manifest (``doc`` defaults to the file name)."""
    path = Path(path)
    return _read_one(path, doc or path.name, None, html_fallbacks=html_fallbacks)


def _problem(path: str, reason: str) -> ReadProblem:
    # Debug only: the caller reports each problem once (the flow logs every skipped file as its run ends).
    log.debug("%s: %s", path, reason)
    return ReadProblem(path=path, reason=reason)


def _resolves_inside(file: Path, real_root: Path) -> bool:
    """Whether ``file``, links followed, is under ``real_root`` (an already resolved folder)."""
    try:
        return file.resolve().is_relative_to(real_root)
    except (OSError, RuntimeError):  # a link loop
        return False


def _article_files(root: Path) -> Iterator[Path]:
    """Article files under ``root``, sorted by relative path; hidden files and folders are skipped."""
    found: list[tuple[str, Path]] = []
    for file in root.rglob("*"):
        relative = file.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or not file.is_file():
            continue
        if relative.as_posix() == MANIFEST_NAME:
            continue
        found.append((relative.as_posix(), file))
    for relative_name, file in sorted(found):
        suffix = file.suffix.lower()
        if suffix in TEXT_SUFFIXES or suffix in HTML_SUFFIXES:
            yield file
        else:
            log.info("%s: skipped (not .txt, .md or .html)", relative_name)


# --- manifest -------------------------------------------------------------------------------------------


def _read_manifest(root: Path) -> tuple[dict[str, _ManifestEntry], list[ReadProblem], set[str]]:
    """Entries keyed by the file's path relative to ``root`` (posix), the problems of bad lines, and the
    names (posix, relative) of the files it names that resolve outside ``root``, already reported."""
    manifest_path = root / MANIFEST_NAME
    entries: dict[str, _ManifestEntry] = {}
    problems: list[ReadProblem] = []
    linked_outside: set[str] = set()
    if not manifest_path.is_file():
        return entries, problems, linked_outside
    where = str(manifest_path)
    if not _resolves_inside(manifest_path, root.resolve()):
        return (
            entries,
            [
                _problem(
                    where, "manifest is a link to a file outside the folder; files are read without metadata"
                )
            ],
            linked_outside,
        )
    try:
        content = manifest_path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problem = _problem(where, f"manifest unreadable ({exc}); files are read without metadata")
        return entries, [problem], linked_outside
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        label = f"{where}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(
                _problem(label, f"manifest line is not valid JSON ({exc.msg} at column {exc.colno})")
            )
            continue
        if not isinstance(record, dict):
            problems.append(_problem(label, "manifest line is not a JSON object"))
            continue
        entry_or_problem = _manifest_entry(root, label, number, record, linked_outside)
        if isinstance(entry_or_problem, ReadProblem):
            problems.append(entry_or_problem)
            continue
        relative, entry = entry_or_problem
        if entry.published is None and record.get("published") not in (None, ""):
            # The file is still read; its date then comes from the page, or stays unknown.
            problems.append(
                _problem(label, f"manifest date {record['published']!r} is not YYYY-MM-DD; ignored")
            )
        if relative in entries:
            problems.append(
                _problem(
                    label,
                    f"manifest names {relative!r} again (first on line {entries[relative].line}); ignored",
                )
            )
            continue
        entries[relative] = entry
    return entries, problems, linked_outside


def _manifest_entry(
    root: Path, label: str, number: int, record: dict[str, Any], linked_outside: set[str]
) -> tuple[str, _ManifestEntry] | ReadProblem:
    """The entry of one manifest line, or its problem; a name resolving outside ``root`` is added to
    ``linked_outside``."""
    name = record.get("file")
    if not isinstance(name, str) or not name.strip():
        return _problem(label, 'manifest line has no "file"')
    relative = PurePosixPath(name.strip().replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts or re.match(r"^[A-Za-z]:", name):
        return _problem(label, f"manifest path {name!r} is outside the folder; ignored")
    target = root / relative
    if not _resolves_inside(target, root.resolve()):
        linked_outside.add(relative.as_posix())
        return _problem(label, f"manifest path {name!r} resolves outside the folder (a link); skipped")
    if not target.is_file():
        return _problem(label, f"manifest names {name!r}, which does not exist")
    if target.suffix.lower() not in TEXT_SUFFIXES | HTML_SUFFIXES or any(
        p.startswith(".") for p in relative.parts
    ):
        return _problem(label, f"manifest names {name!r}, which is not a .txt, .md or .html article; ignored")
    published = _parse_manifest_date(record.get("published"))
    texts = {key: _text_value(record.get(key)) for key in _MANIFEST_TEXT_KEYS}
    entry = _ManifestEntry(line=number, published=published, **texts)
    return relative.as_posix(), entry


def _text_value(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _parse_manifest_date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


# --- one file -------------------------------------------------------------------------------------------


def _read_one(
    file: Path, doc: str, entry: _ManifestEntry | None, *, html_fallbacks: bool, defer_html: bool = False
) -> RawDocument | ReadProblem:
    try:
        data = file.read_bytes()
        if not data:
            raise _Unreadable("empty file")
        if not data.strip():
            raise _Unreadable("no text (only whitespace)")
        if file.suffix.lower() in HTML_SUFFIXES and defer_html:
            raw = _pending_html(data, doc, entry)
        elif file.suffix.lower() in HTML_SUFFIXES:
            raw = _html_document(data, doc, entry, html_fallbacks)
        else:
            raw = _text_document(data, doc, file.suffix.lower())
    except _Unreadable as exc:
        return _problem(doc, str(exc))
    except OSError as exc:
        return _problem(doc, f"cannot read file ({exc.strerror or exc})")
    return _apply_manifest(raw, entry)


def _apply_manifest(raw: RawDocument, entry: _ManifestEntry | None) -> RawDocument:
    if entry is None:
        return raw
    changes: dict[str, Any] = {}
    for key in _MANIFEST_TEXT_KEYS:
        value = getattr(entry, key)
        if value is not None:
            changes[key] = value
    if entry.published is not None:
        changes["published"] = entry.published
        changes["published_basis"] = "manifest"
    return dataclasses.replace(raw, **changes) if changes else raw


def _looks_binary(data: bytes) -> bool:
    if data.startswith(_UTF16_BOMS):
        return False
    return b"\x00" in data[:_BINARY_SNIFF_BYTES]


def decode_text(data: bytes) -> str:
    """Text file bytes → str: a BOM, else UTF-8, else Windows-1252 (Latin-1's superset), else Latin-1."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _text_document(data: bytes, doc: str, suffix: str) -> RawDocument:
    if _looks_binary(data):
        raise _Unreadable("binary file (NUL bytes), not text")
    text = decode_text(data)
    sample = text[:_BINARY_SNIFF_BYTES]
    if len(_CONTROL.findall(sample)) > max(8, len(sample) // 20):
        raise _Unreadable("binary file (control characters), not text")
    meta: dict[str, str] = {}
    if suffix != ".txt":
        text, meta = _markdown_to_text(text)
    if not text.strip():
        raise _Unreadable("no text in file")
    published = _parse_manifest_date(meta.get("published") or meta.get("date"))
    return RawDocument(
        doc=doc,
        text=text,
        origin="file",
        url=meta.get("url"),
        source=meta.get("source"),
        title=meta.get("title"),
        author=meta.get("author"),
        published=published,
        published_basis="metadata" if published else "none",
    )


def _html_document(
    data: bytes, doc: str, entry: _ManifestEntry | None, fallback_extractors: bool
) -> RawDocument:
    if _looks_binary(data):
        raise _Unreadable("binary file (NUL bytes), not HTML")
    raw = extract_html(
        data,
        doc=doc,
        url=entry.url if entry else None,
        origin="file",
        fallback_extractors=fallback_extractors,
    )
    if raw is None:
        raise _Unreadable("no article text found in the HTML")
    return raw


def _pending_html(data: bytes, doc: str, entry: _ManifestEntry | None) -> RawDocument:
    if _looks_binary(data):
        raise _Unreadable("binary file (NUL bytes), not HTML")
    return RawDocument(
        doc=doc, text="", origin="file", url=entry.url if entry else None, content_kind="html", html=data
    )


def finish_html(raw: RawDocument, *, fallback_extractors: bool = False) -> RawDocument | ReadProblem:
    """Extract a page ``iter_folder(defer_html=True)`` left pending; other documents pass unchanged.

    What the manifest said (already on ``raw``) wins over the page's own metadata, as when reading directly.
    """
    if raw.content_kind != "html":
        return raw
    page = extract_html(
        raw.as_read,
        doc=raw.doc,
        url=raw.url,
        origin=raw.origin,
        fallback_extractors=fallback_extractors,
    )
    if page is None:
        return _problem(raw.doc, "no article text found in the HTML")
    known = {
        key: getattr(raw, key)
        for key in ("url", "source", "title", "author", "published")
        if getattr(raw, key) is not None
    }
    if raw.published is not None:
        known["published_basis"] = raw.published_basis
    return dataclasses.replace(page, **known)


def _markdown_to_text(text: str) -> tuple[str, dict[str, str]]:
    """Strip light Markdown (headings, links, images, bold) and read a ``---`` front matter block."""
    meta: dict[str, str] = {}
    front = _MD_FRONT_MATTER.match(text)
    if front:
        for key, value in _MD_FRONT_KEY.findall(front.group(1)):
            cleaned = value.strip().strip("\"'")
            if cleaned:
                meta[key.lower()] = cleaned
        text = text[front.end() :]
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_HEADING.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    text = _MD_QUOTE.sub("", text)
    return text, meta
