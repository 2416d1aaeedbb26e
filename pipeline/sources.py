"""The sources to fetch: feeds and single pages declared in a TOML file.

    [[feed]]
    name = "BBC News – World"
    url = "https://feeds.bbci.co.uk/news/world/rss.xml"
    watchlist = "watchlists/gaza.toml"   # optional, relative to this file
    enabled = true                        # optional, default true

    [[page]]
    name = "UN press release"
    url = "https://press.un.org/en/2025/sc16000.doc.htm"

Every problem is reported as a ``SourcesError`` naming the file, the line of the table and the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

SourceKind = Literal["feed", "page"]

_KINDS: tuple[SourceKind, ...] = ("feed", "page")
_KEYS: dict[SourceKind, frozenset[str]] = {
    "feed": frozenset({"name", "url", "watchlist", "enabled"}),
    "page": frozenset({"name", "url", "enabled"}),
}
# `[[feed]]` / `[[ page ]]` headers, so a table's position can be reported as a line number.
_TABLE_HEADER = re.compile(r"^[ \t]*\[\[\s*(?P<kind>[A-Za-z0-9_\-\"']+)\s*\]\]", re.M)


class SourcesError(ValueError):
    """The sources file is missing, not TOML, or declares a source wrongly."""


@dataclass(frozen=True, slots=True)
class Source:
    """One feed or page to fetch. ``name`` is the outlet as users know it and is unique in the file."""

    name: str
    url: str
    kind: SourceKind
    enabled: bool = True
    watchlist: Path | None = None


def _table_lines(text: str) -> dict[str, list[int]]:
    """Line numbers (1-based) of each ``[[kind]]`` header, in order, per kind."""
    lines: dict[str, list[int]] = {}
    for m in _TABLE_HEADER.finditer(text):
        kind = m.group("kind").strip("\"'")
        lines.setdefault(kind, []).append(text.count("\n", 0, m.start()) + 1)
    return lines


def check_url(url: str) -> str | None:
    """Why ``url`` cannot be fetched (not http/https, no host), or None when it can."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"not a URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return f"only http and https URLs are fetched, not {parts.scheme or 'a URL without a scheme'!r}"
    if not parts.hostname:
        return "the URL has no host"
    return None


def load_sources(path: str | Path) -> list[Source]:
    """Every source declared in ``path``, enabled or not, in file order (feeds first, then pages)."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourcesError(f"{file}: no sources file (see examples/sources.toml for the format)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{file}: cannot be read: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already says "(at line N, column M)".
        raise SourcesError(f"{file}: not valid TOML: {exc}") from exc

    unknown = sorted(set(data) - set(_KINDS))
    if unknown:
        raise SourcesError(
            f"{file}: unknown key or table {unknown[0]!r} at top level; expected [[feed]] or [[page]] tables"
        )
    header_lines = _table_lines(text)
    sources: list[Source] = []
    seen: dict[str, str] = {}
    for kind in _KINDS:
        tables = data.get(kind, [])
        if not isinstance(tables, list):
            raise SourcesError(f"{file}: {kind!r} must be an array of tables, written [[{kind}]]")
        lines = header_lines.get(kind, [])
        for index, table in enumerate(tables):
            where = f"{file}:{lines[index]}" if index < len(lines) else f"{file}: {kind} #{index + 1}"
            source = _source(kind, table, where, file.parent)
            if source.name in seen:
                raise SourcesError(
                    f"{where}: key 'name': {source.name!r} is already used by {seen[source.name]}"
                )
            seen[source.name] = where
            sources.append(source)
    return sources


def _source(kind: SourceKind, table: Any, where: str, base: Path) -> Source:
    if not isinstance(table, dict):
        raise SourcesError(f"{where}: [[{kind}]] must be a table of keys")
    extra = sorted(set(table) - _KEYS[kind])
    if extra:
        allowed = ", ".join(sorted(_KEYS[kind]))
        raise SourcesError(f"{where}: key {extra[0]!r} is not known for a {kind} (known: {allowed})")
    for key in ("name", "url"):
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            raise SourcesError(f"{where}: key {key!r} is required and must be a non-empty string")
    url = table["url"].strip()
    problem = check_url(url)
    if problem:
        raise SourcesError(f"{where}: key 'url': {problem}: {url!r}")
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        raise SourcesError(f"{where}: key 'enabled' must be true or false, not {enabled!r}")
    watchlist = table.get("watchlist")
    if watchlist is not None and (not isinstance(watchlist, str) or not watchlist.strip()):
        raise SourcesError(f"{where}: key 'watchlist' must be a path string, not {watchlist!r}")
    return Source(
        name=table["name"].strip(),
        url=url,
        kind=kind,
        enabled=enabled,
        watchlist=(base / watchlist) if watchlist else None,
    )
