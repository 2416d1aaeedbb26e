"""Fetch feeds and pages over HTTP, with the faults of the real web handled.

One ``httpx.Client`` per batch, shared by a bounded pool of threads. Every request:

- goes only to http/https URLs whose host resolves to public addresses (unless
  ``http_allow_private``); redirects are followed by hand so each hop is checked the same way, with
  a hop limit and loop detection;
- waits its turn for the host (``http_per_host_concurrency`` requests in flight, starts at least
  ``http_per_host_delay`` apart) and, for pages, asks the host's robots.txt (``respect_robots``);
- is conditional (If-None-Match / If-Modified-Since from the http cache); a 304, or a body whose hash
  equals the cached one, means "unchanged" and no further work is done for that URL;
- streams its body and stops at ``http_max_bytes``; the whole response must arrive within
  ``_TOTAL_TIMEOUT_FACTOR`` × ``http_timeout`` (the per-phase timeout alone lets a slow trickle run on);
- is retried with exponential backoff and jitter on connect errors, timeouts, 429 (honouring
  Retry-After, capped) and 5xx; other 4xx fail at once.

Every attempt (and every redirect hop) leaves a ``FetchLogEntry``. A failing source is reported in its
``SourceSummary`` and never stops the others. The module is pure apart from the network: the http cache
comes in as a mapping and the updates go out in the ``FetchBatch``; pipeline/store/fetchlog.py saves them.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import random
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import zip_longest
from typing import Any, Literal, TypeVar
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx
import xxhash

from pipeline.extract import extract_html
from pipeline.feeds import FeedEntry, entry_document, parse_feed
from pipeline.models import RawDocument
from pipeline.settings import Settings
from pipeline.sources import Source, check_url

__all__ = [
    "CacheEntry",
    "FetchBatch",
    "FetchLogEntry",
    "Fetched",
    "Fetcher",
    "SourceSummary",
    "address_refusal",
    "fetch_sources",
]

log = logging.getLogger(__name__)

# Whole-response deadline as a multiple of the per-phase timeout.
_TOTAL_TIMEOUT_FACTOR = 4.0
# Longest wait a server's Retry-After can impose on one retry.
_MAX_RETRY_AFTER = 60.0
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_DEFAULT_WORKERS = 8

_T = TypeVar("_T")
Outcome = Literal["new", "unchanged", "failed"]
FetchKind = Literal["feed", "page", "robots"]


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """What we know about a URL from its last successful fetch: validators and the body's hash."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    fetched_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class FetchLogEntry:
    """One HTTP attempt (or redirect hop, or refusal before any traffic)."""

    run_id: str
    url: str
    source: str | None
    kind: str  # feed, page, robots
    # ok, not-modified, unchanged, redirect, retry, failed, refused, disallowed, unusable
    outcome: str
    status: int | None
    bytes: int
    duration_ms: int
    error: str | None
    attempt: int
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """How one source went: ``new`` documents, ``unchanged`` URLs skipped, ``failed`` URLs lost."""

    name: str
    kind: str
    url: str
    status: Literal["ok", "unchanged", "partial", "failed"]
    new: int = 0
    unchanged: int = 0
    failed: int = 0
    error: str | None = None


@dataclass(frozen=True, slots=True)
class FetchBatch:
    run_id: str
    documents: tuple[RawDocument, ...]
    log: tuple[FetchLogEntry, ...]
    # Save these only once the documents are stored, or a crash in between would skip them for good.
    cache_updates: tuple[CacheEntry, ...]
    summaries: tuple[SourceSummary, ...]


@dataclass(frozen=True, slots=True)
class Fetched:
    """The result of fetching one URL, retries and redirects included."""

    url: str
    outcome: Outcome
    final_url: str | None = None
    status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    error: str | None = None
    cache_update: CacheEntry | None = None
    log_index: int | None = None  # the log row of the last attempt, to amend with parse/extract problems

    @property
    def charset(self) -> str | None:
        if not self.content_type:
            return None
        for part in self.content_type.split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


class _Refused(Exception):
    """The URL must not be requested at all (scheme, private address)."""


class _Permanent(Exception):
    """A failure a retry would not mend (body too large, redirect loop, too many redirects)."""


@dataclass(slots=True)
class _Response:
    url: str
    status: int
    headers: httpx.Headers
    body: bytes


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def address_refusal(
    url: str,
    *,
    allow_private: bool,
    resolve: Callable[..., list[tuple[Any, ...]]] = socket.getaddrinfo,
) -> str | None:
    """Why ``url`` must not be requested, or None. Literal IPs are checked without any lookup."""
    problem = check_url(url)
    if problem:
        return problem
    if allow_private:
        return None
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = resolve(
                host, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
            )
        except (OSError, UnicodeError):
            return None  # let the request fail (and be retried) as the connect error it is
        addresses = []
        for info in infos:
            try:
                addresses.append(ipaddress.ip_address(str(info[4][0]).split("%")[0]))
            except ValueError:
                continue
    for ip in addresses:
        if not _is_public(ip):
            return (
                f"refused: {host} is {ip}, a private, loopback or link-local address "
                "(set http_allow_private to allow it)"
            )
    return None


def _retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


class _HostGate:
    """At most ``concurrency`` requests in flight per host, starting at least ``delay`` seconds apart."""

    def __init__(self, concurrency: int, delay: float, sleep: Callable[[float], None]) -> None:
        self._concurrency = concurrency
        self._delay = delay
        self._sleep = sleep
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self._lock:
            semaphore = self._slots.setdefault(host, threading.BoundedSemaphore(self._concurrency))
        with semaphore:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + self._delay
            if start > now:
                self._sleep(start - now)
            yield


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}:{parts.port or ''}"


def body_hash(body: bytes) -> str:
    return xxhash.xxh3_128_hexdigest(body)


class Fetcher:
    """Fetches URLs under the rules above; thread-safe; collects the log of every attempt."""

    def __init__(
        self,
        settings: Settings,
        run_id: str,
        cache: Mapping[str, CacheEntry] | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        max_retry_after: float = _MAX_RETRY_AFTER,
    ) -> None:
        self.settings = settings
        self.run_id = run_id
        self._cache = cache or {}
        self._sleep = sleep
        self._max_retry_after = max_retry_after
        self._client = httpx.Client(
            timeout=httpx.Timeout(settings.http_timeout),
            headers={"User-Agent": settings.http_user_agent},
            follow_redirects=False,
        )
        self._gate = _HostGate(settings.http_per_host_concurrency, settings.http_per_host_delay, sleep)
        self._log_lock = threading.Lock()
        self._log: list[FetchLogEntry] = []
        self._robots_lock = threading.Lock()
        self._robots: dict[str, tuple[RobotFileParser, str | None]] = {}
        self._robots_host_locks: dict[str, threading.Lock] = {}

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def log(self) -> tuple[FetchLogEntry, ...]:
        with self._log_lock:
            return tuple(self._log)

    def _record(self, **fields: object) -> int:
        entry = FetchLogEntry(run_id=self.run_id, fetched_at=_now(), **fields)  # type: ignore[arg-type]
        with self._log_lock:
            self._log.append(entry)
            return len(self._log) - 1

    def amend(self, index: int | None, *, outcome: str | None = None, error: str | None = None) -> None:
        """Add a later finding (a malformed feed, a page without text) to an attempt's log row."""
        if index is None:
            return
        with self._log_lock:
            row = self._log[index]
            joined = "; ".join(e for e in (row.error, error) if e) or None
            self._log[index] = replace(row, outcome=outcome or row.outcome, error=joined)

    # -- one URL -------------------------------------------------------------------------------------

    def _not_requested(
        self, url: str, source: str | None, kind: FetchKind, outcome: str, why: str
    ) -> Fetched:
        """A URL given up before any request (refused address, robots.txt): logged, then failed."""
        index = self._record(
            url=url,
            source=source,
            kind=kind,
            outcome=outcome,
            status=None,
            bytes=0,
            duration_ms=0,
            error=why,
            attempt=0,
        )
        return Fetched(url=url, outcome="failed", error=why, log_index=index)

    def fetch(self, url: str, *, source: str | None, kind: FetchKind, use_cache: bool = True) -> Fetched:
        """GET ``url`` with checks, retries and the conditional headers of its cache entry."""
        refusal = address_refusal(url, allow_private=self.settings.http_allow_private)
        if refusal:  # before robots.txt: a refused host gets no request at all
            return self._not_requested(url, source, kind, "refused", refusal)
        blocked = (
            self.robots_refusal(url, source) if kind == "page" and self.settings.respect_robots else None
        )
        if blocked:
            return self._not_requested(url, source, kind, "disallowed", blocked)
        cached = self._cache.get(url) if use_cache else None
        headers: dict[str, str] = {}
        if cached and cached.etag:
            headers["If-None-Match"] = cached.etag
        if cached and cached.last_modified:
            headers["If-Modified-Since"] = cached.last_modified
        retries = self.settings.http_retries
        for attempt in range(1, retries + 2):
            started = time.monotonic()
            last = attempt > retries

            def record(
                outcome: str,
                status: int | None = None,
                size: int = 0,
                error: str | None = None,
                t0: float = started,
                n: int = attempt,
            ) -> int:
                return self._record(
                    url=url,
                    source=source,
                    kind=kind,
                    outcome=outcome,
                    status=status,
                    bytes=size,
                    duration_ms=round((time.monotonic() - t0) * 1000),
                    error=error,
                    attempt=n,
                )

            def failed(
                error: str, status: int | None = None, size: int = 0, final: str | None = None
            ) -> Fetched:
                """Log the attempt as failed and give up on the URL."""
                index = record("failed", status, size, error)
                return Fetched(
                    url=url, outcome="failed", final_url=final, status=status, error=error, log_index=index
                )

            try:
                response = self._follow(url, headers, source=source, kind=kind, attempt=attempt)
            except _Refused as exc:
                index = record("refused", error=str(exc))
                return Fetched(url=url, outcome="failed", error=str(exc), log_index=index)
            except _Permanent as exc:
                return failed(str(exc))
            except httpx.HTTPError as exc:  # connect errors, timeouts, broken connections
                error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                if last:
                    return failed(error)
                delay = self._backoff(attempt)
                record("retry", error=f"{error}; retrying in {delay:.2f}s")
                self._sleep(delay)
                continue
            except Exception as exc:  # an odd server (bad Location, broken headers) must not stop the batch
                log.warning("%s: unexpected %s while fetching", url, type(exc).__name__, exc_info=True)
                error = f"unexpected {type(exc).__name__}: {exc}"
                return failed(error)

            status, size = response.status, len(response.body)
            content_type = response.headers.get("content-type")
            if status == 304:
                index = record("not-modified", status)
                # A 304 may carry fresh validators (RFC 9110 §15.4.5); keep the old ones otherwise.
                update = (
                    replace(
                        cached,
                        etag=response.headers.get("etag") or cached.etag,
                        last_modified=response.headers.get("last-modified") or cached.last_modified,
                        fetched_at=_now(),
                    )
                    if cached
                    else None
                )
                return Fetched(
                    url=url,
                    outcome="unchanged",
                    final_url=response.url,
                    status=status,
                    cache_update=update,
                    log_index=index,
                )
            if status == 429 or 500 <= status <= 599:
                error = f"HTTP {status}"
                if last:
                    return failed(error, status, size, response.url)
                waited = _retry_after(response.headers.get("retry-after"), time.time())
                if waited is not None:
                    delay = min(waited, self._max_retry_after)
                    note = f"{error}; Retry-After {waited:g}s, retrying in {delay:.2f}s"
                else:
                    delay = self._backoff(attempt)
                    note = f"{error}; retrying in {delay:.2f}s"
                record("retry", status, size, note)
                self._sleep(delay)
                continue
            if not 200 <= status <= 299:
                error = f"HTTP {status}"
                return failed(error, status, size, response.url)
            digest = body_hash(response.body)
            update = CacheEntry(
                url=url,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                body_hash=digest,
                fetched_at=_now(),
            )
            if cached is not None and cached.body_hash == digest:
                index = record("unchanged", status, size)
                return Fetched(
                    url=url,
                    outcome="unchanged",
                    final_url=response.url,
                    status=status,
                    content_type=content_type,
                    cache_update=update,
                    log_index=index,
                )
            index = record("ok", status, size)
            return Fetched(
                url=url,
                outcome="new",
                final_url=response.url,
                status=status,
                body=response.body,
                content_type=content_type,
                cache_update=update,
                log_index=index,
            )
        raise AssertionError("unreachable: the last attempt always returns")

    def _backoff(self, attempt: int) -> float:
        base = self.settings.http_backoff * 2 ** (attempt - 1)
        return base * (0.5 + random.random())  # jitter: retries from many workers do not line up

    def _follow(
        self, url: str, headers: dict[str, str], *, source: str | None, kind: str, attempt: int
    ) -> _Response:
        """GET with redirects followed by hand: every hop is checked, logged and counted."""
        seen = {url}
        current = url
        hops = 0
        while True:
            if current != url:  # the first URL was checked before robots.txt
                refusal = address_refusal(current, allow_private=self.settings.http_allow_private)
                if refusal:
                    raise _Refused(f"redirect to {current}: {refusal}")
            started = time.monotonic()
            with self._gate.slot(_host_key(current)):
                request = self._client.build_request("GET", current, headers=headers)
                response = self._client.send(request, stream=True)
                try:
                    location = response.headers.get("location")
                    if response.status_code not in _REDIRECTS or not location:
                        return _Response(
                            current,
                            response.status_code,
                            response.headers,
                            self._read_body(response, started),
                        )
                finally:
                    response.close()
            target, _ = urldefrag(urljoin(current, location.strip()))
            self._record(
                url=current,
                source=source,
                kind=kind,
                outcome="redirect",
                status=response.status_code,
                bytes=0,
                duration_ms=round((time.monotonic() - started) * 1000),
                error=f"→ {target}",
                attempt=attempt,
            )
            hops += 1
            if target in seen:
                raise _Permanent(f"redirect loop: {current} → {target} was already visited")
            if hops > self.settings.http_max_redirects:
                raise _Permanent(f"more than {self.settings.http_max_redirects} redirects (last to {target})")
            seen.add(target)
            current = target

    def _read_body(self, response: httpx.Response, started: float) -> bytes:
        limit = self.settings.http_max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _Permanent(f"body of {int(declared)} bytes is over the limit of {limit} (http_max_bytes)")
        deadline = started + self.settings.http_timeout * _TOTAL_TIMEOUT_FACTOR
        chunks: list[bytes] = []
        total = 0
        for chunk in response.iter_bytes():
            total += len(chunk)
            if total > limit:
                raise _Permanent(f"body over the limit of {limit} bytes (http_max_bytes); stopped reading")
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout(
                    f"response not complete after {self.settings.http_timeout * _TOTAL_TIMEOUT_FACTOR:g}s"
                )
            chunks.append(chunk)
        return b"".join(chunks)

    # -- robots.txt ----------------------------------------------------------------------------------

    def robots_refusal(self, url: str, source: str | None) -> str | None:
        """Why the host's robots.txt keeps our user agent from ``url``, or None (fetched once per host).

        As RFC 9309 says: a 4xx robots.txt allows everything; one that cannot be fetched (5xx, network
        errors, refused) disallows everything for this run.
        """
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._robots_lock:
            host_lock = self._robots_host_locks.setdefault(origin, threading.Lock())
        with host_lock:
            known = self._robots.get(origin)
            if known is None:
                known = self._robots[origin] = self._fetch_robots(origin, source)
        parser, unavailable = known
        if parser.can_fetch(self.settings.http_user_agent, url):
            return None
        if unavailable:
            return f"robots.txt could not be fetched ({unavailable}): the host is skipped this run"
        return "disallowed by robots.txt"

    def _fetch_robots(self, origin: str, source: str | None) -> tuple[RobotFileParser, str | None]:
        """The parsed robots.txt, and why it could not be fetched (None when it could, or was 4xx)."""
        parser = RobotFileParser(f"{origin}/robots.txt")
        fetched = self.fetch(f"{origin}/robots.txt", source=source, kind="robots", use_cache=False)
        if fetched.outcome == "new":
            parser.parse(fetched.body.decode("utf-8", errors="replace").splitlines())
            return parser, None
        if fetched.status is not None and 400 <= fetched.status <= 499:
            parser.parse([])  # no rules: everything allowed
            return parser, None
        parser.parse(["User-agent: *", "Disallow: /"])
        return parser, fetched.error or "no response"


# -- sources → documents -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Tally:
    new: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _page_job(fetcher: Fetcher, source: Source) -> tuple[Fetched, RawDocument | None]:
    fetched = fetcher.fetch(source.url, source=source.name, kind="page")
    if fetched.outcome != "new":
        return fetched, None
    page = extract_html(
        fetched.body,
        doc=source.url,
        url=fetched.final_url,
        origin="web",
        charset=fetched.charset,
        fallback_extractors=fetcher.settings.html_fallbacks,
    )
    if page is None:
        fetcher.amend(fetched.log_index, outcome="unusable", error="no article text found in the page")
        return fetched, None
    return fetched, replace(page, source=source.name)


def _entry_job(
    fetcher: Fetcher, source: Source, entry: FeedEntry, doc: str, min_chars: int
) -> tuple[Fetched | None, RawDocument | None]:
    """Fetch and extract an entry's page; fall back to the entry's own text when the page fails."""
    fetched: Fetched | None = None
    page: RawDocument | None = None
    if entry.link and check_url(entry.link) is None:
        fetched = fetcher.fetch(entry.link, source=source.name, kind="page")
        if fetched.outcome == "unchanged":
            return fetched, None
        if fetched.outcome == "new":
            page = extract_html(
                fetched.body,
                doc=doc,
                url=fetched.final_url,
                origin="feed",
                charset=fetched.charset,
                fallback_extractors=fetcher.settings.html_fallbacks,
                fallback_title=entry.title,
                fallback_published=entry.published,
                fallback_basis="feed",
            )
            if page is None:
                fetcher.amend(
                    fetched.log_index, outcome="unusable", error="no article text found in the page"
                )
    return fetched, entry_document(entry, page, doc=doc, source=source.name, min_text_chars=min_chars)


def _interleave(queues: Iterable[list[_T]]) -> Iterator[_T]:
    """One item from each queue in turn: [a1, a2], [b1] → a1, b1, a2."""
    for round_ in zip_longest(*queues):
        yield from (item for item in round_ if item is not None)


def _entry_doc_id(entry: FeedEntry, feed_url: str, position: int) -> str:
    if entry.link and check_url(entry.link) is None:
        return entry.link
    if entry.entry_id and check_url(entry.entry_id) is None:
        return entry.entry_id
    return f"{feed_url}#{entry.entry_id or position}"


def fetch_sources(
    sources: Iterable[Source],
    settings: Settings,
    cache: Mapping[str, CacheEntry],
    run_id: str,
    *,
    max_workers: int = _DEFAULT_WORKERS,
    sleep: Callable[[float], None] = time.sleep,
    max_retry_after: float = _MAX_RETRY_AFTER,
) -> FetchBatch:
    """Fetch every enabled source: feeds (and their entries' pages) and single pages.

    Returns the new documents (``doc`` = the URL; origin "web" for pages, "feed" for feed entries), the
    log of every attempt, the cache updates to save once the documents are stored, and one summary per
    source. Nothing raises for a bad source: its failure is in its summary and the log.
    """
    enabled = [s for s in sources if s.enabled]
    tallies = {s.name: _Tally() for s in enabled}
    documents: list[RawDocument] = []
    updates: dict[str, CacheEntry] = {}
    feed_state: dict[str, str] = {}  # feed name → "failed" / "unchanged" when the feed itself was

    def keep(fetched: Fetched | None) -> None:
        if fetched is not None and fetched.cache_update is not None:
            updates[fetched.url] = fetched.cache_update

    with (
        Fetcher(settings, run_id, cache, sleep=sleep, max_retry_after=max_retry_after) as fetcher,
        ThreadPoolExecutor(max_workers) as pool,
    ):
        feeds = {
            s.name: pool.submit(fetcher.fetch, s.url, source=s.name, kind="feed")
            for s in enabled
            if s.kind == "feed"
        }
        pages = {s.name: pool.submit(_page_job, fetcher, s) for s in enabled if s.kind == "page"}
        entry_jobs: list[tuple[Source, Future[tuple[Fetched | None, RawDocument | None]]]] = []
        scheduled: set[str] = {s.url for s in enabled if s.kind == "page"}
        pending: dict[str, list[tuple[Source, FeedEntry, str]]] = {}
        for source in enabled:
            if source.kind != "feed":
                continue
            tally = tallies[source.name]
            fetched = feeds[source.name].result()
            if fetched.outcome != "new":
                keep(fetched)
                feed_state[source.name] = fetched.outcome
                if fetched.outcome == "failed":
                    tally.failed += 1
                    tally.errors.append(fetched.error or "failed")
                else:
                    tally.unchanged += 1
                continue
            try:
                parsed = parse_feed(
                    fetched.body, url=fetched.final_url or source.url, content_type=fetched.content_type
                )
            except Exception as exc:  # "not a feed", or the parser failing on odd bytes
                fetcher.amend(fetched.log_index, outcome="unusable", error=str(exc))
                feed_state[source.name] = "failed"
                tally.failed += 1
                tally.errors.append(str(exc))
                log.warning("%s: %s is not a usable feed: %s", source.name, source.url, exc)
                continue
            if parsed.problem:
                # A malformed feed with entries is still used; the complaint goes on the log row.
                fetcher.amend(
                    fetched.log_index,
                    error=f"malformed feed, {len(parsed.entries)} entries read: {parsed.problem}",
                )
                tally.errors.append(f"malformed feed: {parsed.problem}")
            keep(fetched)
            for position, entry in enumerate(parsed.entries):
                doc = _entry_doc_id(entry, source.url, position)
                if doc in scheduled:  # the same story in two feeds (or twice in one) is fetched once
                    continue
                scheduled.add(doc)
                pending.setdefault(_host_key(doc), []).append((source, entry, doc))

        # Round-robin over hosts, so a 300-entry feed does not tie every worker to one host's queue.
        for source, entry, doc in _interleave(pending.values()):
            job = pool.submit(_entry_job, fetcher, source, entry, doc, settings.min_feed_text_chars)
            entry_jobs.append((source, job))

        for source in enabled:
            if source.kind != "page":
                continue
            tally = tallies[source.name]
            fetched, page = pages[source.name].result()
            keep(fetched)
            if page is not None:
                documents.append(page)
                tally.new += 1
            elif fetched.outcome == "unchanged":
                tally.unchanged += 1
            else:
                tally.failed += 1
                tally.errors.append(fetched.error or "no article text found in the page")

        for source, job in entry_jobs:
            tally = tallies[source.name]
            entry_fetched, document = job.result()
            keep(entry_fetched)
            if document is not None:
                documents.append(document)
                tally.new += 1
            elif entry_fetched is not None and entry_fetched.outcome == "unchanged":
                tally.unchanged += 1
            else:
                tally.failed += 1
                reason = entry_fetched.error if entry_fetched and entry_fetched.error else "no usable text"
                tally.errors.append(f"entry {entry_fetched.url if entry_fetched else '?'}: {reason}")
        log_rows = fetcher.log

    summaries = tuple(_summary(s, tallies[s.name], feed_state.get(s.name)) for s in enabled)
    for summary in summaries:
        if summary.status in ("failed", "partial"):
            log.warning("%s (%s): %s — %s", summary.name, summary.url, summary.status, summary.error)
    return FetchBatch(
        run_id=run_id,
        documents=tuple(documents),
        log=log_rows,
        cache_updates=tuple(updates.values()),
        summaries=summaries,
    )


def _summary(source: Source, tally: _Tally, feed_state: str | None) -> SourceSummary:
    status: Literal["ok", "unchanged", "partial", "failed"]
    if feed_state == "failed" or (tally.failed and not tally.new and not tally.unchanged):
        status = "failed"
    elif tally.failed:
        status = "partial"
    elif tally.new == 0 and tally.unchanged:
        status = "unchanged"
    else:
        status = "ok"
    error = "; ".join(tally.errors[:3]) + (
        f" (+{len(tally.errors) - 3} more)" if len(tally.errors) > 3 else ""
    )
    return SourceSummary(
        name=source.name,
        kind=source.kind,
        url=source.url,
        status=status,
        new=tally.new,
        unchanged=tally.unchanged,
        failed=tally.failed,
        error=error or None,
    )
