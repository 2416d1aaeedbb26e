"""The sources to fetch: feeds and single pages declared in a TOML file.

    [[feed]]
    name = "BBC News – World"
    url = "https://feeds.bbci.co.uk/news/world/rss.xml"
    watchlist = "watchlists/gaza.toml"   # optional, relative to this file
    enabled = true                        # optional, default true
    headers = { Authorization = "env:BBC_FEED_TOKEN" }   # optional request headers, see below

    [[page]]
    name = "UN press release"
    url = "https://press.un.org/en/2025/sc16000.doc.htm"

Every problem is reported as a ``SourcesError`` naming the file, the line of the table and the key.

A secret (an API key, a bearer token) goes in ``headers``, never in the URL: a value ``"env:NAME"`` is
read from the environment variable NAME when the file is loaded, so the file itself holds no secret.
Headers are sent only to the source's own origin (scheme, host and port): the feed or page, and entry
pages and redirects on that origin. URLs are stored and printed redacted (pipeline/redact.py).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pipeline.redact import redact_url

SourceKind = Literal["feed", "page"]

_KINDS: tuple[SourceKind, ...] = ("feed", "page")
_KEYS: dict[SourceKind, frozenset[str]] = {
    "feed": frozenset({"name", "url", "watchlist", "enabled", "headers"}),
    "page": frozenset({"name", "url", "enabled", "headers"}),
}
# `[[feed]]` / `[[ page ]]` headers, so a table's position can be reported as a line number.
_TABLE_HEADER = re.compile(r"^[ \t]*\[\[\s*(?P<kind>[A-Za-z0-9_\-\"']+)\s*\]\]", re.M)
_ENV_PREFIX = "env:"
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")  # an HTTP token (RFC 9110 §5.6.2)


class SourcesError(ValueError):
    """The sources file is missing, not TOML, or declares a source wrongly."""


@dataclass(frozen=True, slots=True)
class Source:
    """One feed or page to fetch. ``name`` is the outlet as users know it and is unique in the file."""

    name: str
    url: str = field(repr=False)  # the real URL, for the request only: print ``display_url``
    kind: SourceKind
    enabled: bool = True
    watchlist: Path | None = None
    # Request headers for the source's origin, secrets already read from the environment.
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def display_url(self) -> str:
        """The URL as it may be stored and printed: credentials redacted."""
        return redact_url(self.url)


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
    try:
        parts.port  # noqa: B018  (raises on a port out of range or not a number)
    except ValueError as exc:
        return f"bad port ({exc})"
    return None


def load_sources(path: str | Path, environ: Mapping[str, str] | None = None) -> list[Source]:
    """Every source declared in ``path``, enabled or not, in file order (feeds first, then pages).

    ``env:NAME`` header values are read from ``environ`` (default: the process environment)."""
    env = os.environ if environ is None else environ
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
            source = _source(kind, table, where, file.parent, env)
            if source.name in seen:
                raise SourcesError(
                    f"{where}: key 'name': {source.name!r} is already used by {seen[source.name]}"
                )
            seen[source.name] = where
            sources.append(source)
    return sources


def _headers(value: Any, where: str, env: Mapping[str, str]) -> dict[str, str]:
    if not isinstance(value, dict):
        raise SourcesError(
            f"{where}: key 'headers' must be a table, e.g. headers = {{ Authorization = \"env:NAME\" }}"
        )
    headers: dict[str, str] = {}
    for name, raw in value.items():
        if not _HEADER_NAME.match(name):
            raise SourcesError(f"{where}: key 'headers': {name!r} is not a valid header name")
        if not isinstance(raw, str):
            raise SourcesError(f"{where}: key 'headers.{name}' must be a string")
        if raw.startswith(_ENV_PREFIX):
            variable = raw[len(_ENV_PREFIX) :].strip()
            if not variable or variable not in env:
                raise SourcesError(
                    f"{where}: key 'headers.{name}': environment variable {variable!r} is not set"
                )
            raw = env[variable]
        if "\n" in raw or "\r" in raw:
            raise SourcesError(f"{where}: key 'headers.{name}': the value has a line break")
        headers[name] = raw
    return headers


def _source(kind: SourceKind, table: Any, where: str, base: Path, env: Mapping[str, str]) -> Source:
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
        raise SourcesError(f"{where}: key 'url': {problem}: {redact_url(url)!r}")
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
        headers=_headers(table["headers"], where, env) if "headers" in table else {},
    )
