"""Fetch feeds and pages over HTTP, with the faults of the real web handled.

One ``httpx.Client`` per batch, shared by a bounded pool of threads. Every request:

- goes only to http/https URLs whose host resolves to public addresses (unless
  ``http_allow_private``), and connects to the very address that was checked (pipeline/netguard.py:
  each host is resolved once per run, so DNS rebinding cannot swap in 127.0.0.1); redirects are
  followed by hand so each hop is checked the same way, with a hop limit and loop detection;
- waits its turn for the host (``http_per_host_concurrency`` requests in flight, starts at least
  ``http_per_host_delay`` apart) and, for pages, asks the host's robots.txt (``respect_robots``);
- is conditional (If-None-Match / If-Modified-Since from the http cache); a 304, or a body whose hash
  equals the cached one, means "unchanged" and no further work is done for that URL;
- streams its body and stops at ``http_max_bytes``; connect, headers, body and redirect hops together
  end by one wall-clock deadline (``http_deadline``, checked before every socket read: the per-phase
  ``http_timeout`` alone lets a trickle of one byte a second run on for ever), and by the source's time
  budget (``http_source_budget``);
- is retried with exponential backoff and jitter on connect errors, per-phase timeouts, 408, 429
  (honouring Retry-After, capped) and 5xx; other 4xx, a passed deadline and an unusable ``Location``
  fail at once (a retry would meet the same answer).

Credentials in URLs never leave this module unredacted: log rows, documents, cache keys, summaries and
errors carry ``redact_url`` forms (pipeline/redact.py); only the request itself uses the real URL.
A feed's entries have a state across runs (``EntryState``): a failed entry is tried again on later
runs with exponential backoff, up to ``entry_max_attempts``, even when the feed is unchanged; at most
``http_max_entries_per_feed`` entries are fetched per feed and run, newest first, the rest wait.

Every attempt (and every redirect hop) leaves a ``FetchLogEntry``. A failing source is reported in its
``SourceSummary`` and never stops the others. The module is pure apart from the network: the http cache
comes in as a mapping and the updates go out in the ``FetchBatch``; pipeline/store/fetchlog.py saves them.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from itertools import zip_longest
from typing import Any, Literal, TypeVar
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx
import xxhash

from pipeline.extract import extract_html
from pipeline.feeds import FeedEntry, entry_document, parse_feed
from pipeline.models import RawDocument
from pipeline.netguard import (
    AddressBook,
    AddressRefused,
    DeadlinePassed,
    Resolve,
    guarded_transport,
    request_deadline,
    system_resolve,
)
from pipeline.redact import RedactingFilter, redact_text, redact_url
from pipeline.settings import Settings
from pipeline.sources import Source, check_url

__all__ = [
    "CacheEntry",
    "EntryState",
    "FetchBatch",
    "FetchLogEntry",
    "Fetched",
    "Fetcher",
    "SourceSummary",
    "address_refusal",
    "fetch_sources",
]

log = logging.getLogger(__name__)
# httpx logs every request's URL at INFO and httpcore its steps at DEBUG: redact them wherever they go.
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).addFilter(RedactingFilter())

# Longest wait a server's Retry-After can impose on one retry.
_MAX_RETRY_AFTER = 60.0
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# 4xx answers a later attempt may not get again: Request Timeout and Too Many Requests.
_RETRIED_4XX = frozenset({408, 429})
_DEFAULT_WORKERS = 8

_T = TypeVar("_T")
# deferred: not fetched (or cut short) because the source's time budget ran out; tried on a later run.
Outcome = Literal["new", "unchanged", "failed", "deferred"]
FetchKind = Literal["feed", "page", "robots"]


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """What we know about a URL from its last successful fetch: validators and the body's hash."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    fetched_at: datetime | None = None


EntryStatus = Literal["done", "pending", "failed"]


@dataclass(frozen=True, slots=True)
class EntryState:
    """A feed entry across runs. ``pending``: to be fetched on a run from ``next_attempt`` on (it failed
    ``attempts`` times, or was left for later); ``failed``: given up after ``entry_max_attempts`` (or
    nothing to fetch); ``done``: a document came of it (or its page was unchanged)."""

    doc: str  # the entry's document id (redacted), as in articles.doc
    source: str
    status: EntryStatus
    attempts: int = 0
    next_attempt: datetime | None = None
    error: str | None = None
    updated_at: datetime | None = None


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
    deferred: int = 0  # feed entries left for a later run (entry cap, time budget, backoff)


@dataclass(frozen=True, slots=True)
class FetchBatch:
    run_id: str
    documents: tuple[RawDocument, ...]
    log: tuple[FetchLogEntry, ...]
    # Save these only once the documents are stored, or a crash in between would skip them for good.
    cache_updates: tuple[CacheEntry, ...]
    summaries: tuple[SourceSummary, ...]
    # Saved with the cache updates, after the documents, for the same reason.
    entry_updates: tuple[EntryState, ...] = ()


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
    """A failure a retry would not mend (body too large, redirect loop, too many redirects, a
    ``Location`` that is no URL, a passed deadline)."""


class _OutOfBudget(Exception):
    """The source's time budget ran out before or during this request."""


# httpx errors a retry would meet again: a scheme httpx cannot speak, a body it cannot decode, a
# request it refuses to send.
_PERMANENT_HTTPX_ERRORS = (httpx.UnsupportedProtocol, httpx.DecodingError, httpx.LocalProtocolError)
# httpx reads a redirect's Location even when it follows none, and raises this for one that is no URL.
_BAD_LOCATION = "Invalid URL in location header"


@dataclass(slots=True)
class _Response:
    url: str
    status: int
    headers: httpx.Headers
    body: bytes


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _port(parts: Any) -> int:
    return int(parts.port or (443 if parts.scheme == "https" else 80))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}:{_port(parts)}"


def _refusal_in(book: AddressBook, url: str) -> str | None:
    problem = check_url(url)
    if problem:
        return problem
    parts = urlsplit(url)
    return book.lookup(parts.hostname or "", _port(parts))[1]


def address_refusal(url: str, *, allow_private: bool, resolve: Resolve = system_resolve) -> str | None:
    """Why ``url`` must not be requested, or None. Literal IPs (also "127.0.0.1." and IPv6 forms of
    IPv4 addresses) are checked without any lookup; a name that does not resolve is refused."""
    return _refusal_in(AddressBook(allow_private=allow_private, resolve=resolve), url)


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
    try:
        port = parts.port or ""
    except ValueError:  # a port out of range: checked URLs never have one, ids built from feeds may
        port = parts.netloc.rpartition(":")[2]
    return f"{(parts.hostname or '').lower()}:{port}"


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
        resolve: Resolve = system_resolve,
    ) -> None:
        self.settings = settings
        self.run_id = run_id
        self._cache = cache or {}
        self._sleep = sleep
        self._max_retry_after = max_retry_after
        # Resolved once per run and checked; connections go to these checked addresses only.
        self._addresses = AddressBook(allow_private=settings.http_allow_private, resolve=resolve)
        self._client = httpx.Client(
            timeout=httpx.Timeout(settings.http_timeout),
            headers={"User-Agent": settings.http_user_agent},
            follow_redirects=False,
            transport=guarded_transport(self._addresses),
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
        fields["url"] = redact_url(str(fields["url"]))
        if fields.get("error") is not None:
            fields["error"] = redact_text(str(fields["error"]))
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
            joined = redact_text("; ".join(e for e in (row.error, error) if e)) or None
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
        return Fetched(url=url, outcome="failed", error=redact_text(why), log_index=index)

    def fetch(
        self,
        url: str,
        *,
        source: str | None,
        kind: FetchKind,
        use_cache: bool = True,
        origin_headers: tuple[str, Mapping[str, str]] | None = None,
        budget_end: float | None = None,
    ) -> Fetched:
        """GET ``url`` with checks, retries and the conditional headers of its cache entry.

        ``origin_headers`` (origin, headers): extra headers (a source's credentials) sent only on
        requests to that origin. ``budget_end`` (``time.monotonic()``): no request runs past it, and
        one cut short by it is "deferred", not failed.
        """
        refusal = _refusal_in(self._addresses, url)
        if refusal:  # before robots.txt: a refused host gets no request at all
            return self._not_requested(url, source, kind, "refused", refusal)
        blocked = (
            self.robots_refusal(url, source) if kind == "page" and self.settings.respect_robots else None
        )
        if blocked:
            return self._not_requested(url, source, kind, "disallowed", blocked)
        key = redact_url(url)
        cached = self._cache.get(key) if use_cache else None
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
                    url=url,
                    outcome="failed",
                    final_url=final,
                    status=status,
                    error=redact_text(error),
                    log_index=index,
                )

            def deferred(why: str) -> Fetched:
                index = record("deferred", error=why)
                return Fetched(url=url, outcome="deferred", error=redact_text(why), log_index=index)

            def retry(note: str, delay: float, status: int | None = None, size: int = 0) -> bool:
                """Log a retry ("<note>, retrying in …") and wait; False when the wait would end past
                the source's budget."""
                if budget_end is not None and time.monotonic() + delay >= budget_end:
                    return False
                record("retry", status, size, f"{note}retrying in {delay:.2f}s")
                self._sleep(delay)
                return True

            try:
                response = self._follow(
                    url,
                    headers,
                    source=source,
                    kind=kind,
                    attempt=attempt,
                    origin_headers=origin_headers,
                    budget_end=budget_end,
                )
            except (_Refused, AddressRefused) as exc:
                index = record("refused", error=str(exc))
                return Fetched(url=url, outcome="failed", error=redact_text(str(exc)), log_index=index)
            except DeadlinePassed:
                if budget_end is not None and time.monotonic() >= budget_end:
                    return deferred("cut short: the source's time budget is used up (http_source_budget)")
                # Not retried: a server this slow would take as long again.
                return failed(f"no complete response within {self.settings.http_deadline:g}s (http_deadline)")
            except _Permanent as exc:
                return failed(str(exc))
            except _PERMANENT_HTTPX_ERRORS as exc:
                return failed(f"{type(exc).__name__}: {exc}")
            except httpx.HTTPError as exc:  # connect errors, timeouts, broken connections
                error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                if _BAD_LOCATION in str(exc):
                    return failed(error)
                if last:
                    return failed(error)
                if not retry(f"{error}; ", self._backoff(attempt)):
                    return deferred(f"{error}; no time left in the source's budget to retry")
                continue
            except Exception as exc:  # an odd server (broken headers) must not stop the batch
                # No traceback: its frames would print the URL unredacted.
                log.warning("%s: unexpected %s while fetching", redact_url(url), type(exc).__name__)
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
            if status in _RETRIED_4XX or 500 <= status <= 599:
                error = f"HTTP {status}"
                if last:
                    return failed(error, status, size, response.url)
                waited = _retry_after(response.headers.get("retry-after"), time.time())
                if waited is not None:
                    delay = min(waited, self._max_retry_after)
                    note = f"{error}; Retry-After {waited:g}s, "
                else:
                    delay = self._backoff(attempt)
                    note = f"{error}; "
                if not retry(note, delay, status, size):
                    return deferred(f"{note}no time left in the source's budget to retry")
                continue
            if not 200 <= status <= 299:
                error = f"HTTP {status}"
                return failed(error, status, size, response.url)
            digest = body_hash(response.body)
            update = CacheEntry(
                url=key,
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
        self,
        url: str,
        headers: dict[str, str],
        *,
        source: str | None,
        kind: str,
        attempt: int,
        origin_headers: tuple[str, Mapping[str, str]] | None = None,
        budget_end: float | None = None,
    ) -> _Response:
        """GET with redirects followed by hand: every hop is checked, logged and counted.

        The request's deadline starts when its first hop gets its turn at the host (waiting behind the
        host's other requests is not the server's slowness) and covers every hop after it.
        """
        seen = {url}
        current = url
        hops = 0
        deadline: float | None = None
        while True:
            if current != url:  # the first URL was checked before robots.txt
                refusal = _refusal_in(self._addresses, current)
                if refusal:
                    raise _Refused(f"redirect to {current}: {refusal}")
            started = time.monotonic()
            hop_headers = dict(headers)
            if origin_headers is not None and _origin(current) == origin_headers[0]:
                hop_headers.update(origin_headers[1])  # a source's credentials go to its origin only
            with self._gate.slot(_host_key(current)):
                if deadline is None:
                    deadline = time.monotonic() + self.settings.http_deadline
                    deadline = deadline if budget_end is None else min(deadline, budget_end)
                try:
                    request = self._client.build_request("GET", current, headers=hop_headers)
                except (httpx.InvalidURL, ValueError) as exc:
                    raise _Permanent(f"cannot request {current}: {exc}") from exc
                with request_deadline(deadline):
                    return_or_location = self._send(request, current, started)
                if isinstance(return_or_location, _Response):
                    return return_or_location
                response, location = return_or_location
            try:
                target, _ = urldefrag(urljoin(current, location.strip()))
            except ValueError as exc:
                raise _Permanent(f"unusable Location header {location!r}: {exc}") from exc
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

    def _send(
        self, request: httpx.Request, current: str, started: float
    ) -> _Response | tuple[httpx.Response, str]:
        """One hop: the whole response, or (the redirect response, its Location)."""
        response = self._client.send(request, stream=True)
        try:
            location = response.headers.get("location")
            if response.status_code not in _REDIRECTS or not location:
                return _Response(
                    current, response.status_code, response.headers, self._read_body(response, started)
                )
            return response, location
        finally:
            response.close()

    def _read_body(self, response: httpx.Response, started: float) -> bytes:
        """The body up to ``http_max_bytes``; the deadline is kept by the connection's reads."""
        limit = self.settings.http_max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _Permanent(f"body of {int(declared)} bytes is over the limit of {limit} (http_max_bytes)")
        chunks: list[bytes] = []
        total = 0
        for chunk in response.iter_bytes():
            total += len(chunk)
            if total > limit:
                raise _Permanent(f"body over the limit of {limit} bytes (http_max_bytes); stopped reading")
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
    deferred: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _EntryResult:
    fetched: Fetched | None  # None: the entry had no link worth fetching
    document: RawDocument | None
    problem: str | None = None  # why the entry's link was not fetched


_Candidate = tuple[int, FeedEntry, str]  # position in the feed, the entry, its document id


def _origin_headers(source: Source) -> tuple[str, Mapping[str, str]] | None:
    return (_origin(source.url), source.headers) if source.headers else None


def _budget_end(settings: Settings) -> float:
    return time.monotonic() + settings.http_source_budget


def _feed_job(fetcher: Fetcher, source: Source, use_cache: bool) -> tuple[Fetched, float]:
    """The feed, and the end of its source's time budget (which starts with the feed's request)."""
    budget_end = _budget_end(fetcher.settings)
    fetched = fetcher.fetch(
        source.url,
        source=source.name,
        kind="feed",
        use_cache=use_cache,
        origin_headers=_origin_headers(source),
        budget_end=budget_end,
    )
    return fetched, budget_end


def _page_job(fetcher: Fetcher, source: Source) -> tuple[Fetched, RawDocument | None]:
    fetched = fetcher.fetch(
        source.url,
        source=source.name,
        kind="page",
        origin_headers=_origin_headers(source),
        budget_end=_budget_end(fetcher.settings),
    )
    if fetched.outcome != "new":
        return fetched, None
    page = extract_html(
        fetched.body,
        doc=source.display_url,
        url=redact_url(fetched.final_url or source.url),
        origin="web",
        charset=fetched.charset,
        fallback_extractors=fetcher.settings.html_fallbacks,
    )
    if page is None:
        fetcher.amend(fetched.log_index, outcome="unusable", error="no article text found in the page")
        return fetched, None
    return fetched, replace(page, source=source.name)


def _entry_job(
    fetcher: Fetcher, source: Source, entry: FeedEntry, doc: str, budget_end: float
) -> _EntryResult:
    """Fetch and extract an entry's page; fall back to the entry's own text when the page fails."""
    fetched: Fetched | None = None
    page: RawDocument | None = None
    problem = check_url(entry.link) if entry.link else None
    link = entry.link if entry.link and problem is None else None
    if problem:
        problem = f"link {redact_url(entry.link or '')!r} not fetched: {problem}"
    if link:
        if time.monotonic() >= budget_end:
            why = "not fetched: the source's time budget is used up (http_source_budget)"
            return _EntryResult(Fetched(url=link, outcome="deferred", error=why), None)
        fetched = fetcher.fetch(
            link,
            source=source.name,
            kind="page",
            origin_headers=_origin_headers(source),
            budget_end=budget_end,
        )
        if fetched.outcome in ("unchanged", "deferred"):
            return _EntryResult(fetched, None)
        if fetched.outcome == "new":
            page = extract_html(
                fetched.body,
                doc=doc,
                url=redact_url(fetched.final_url or link),
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
    shown = replace(entry, link=redact_url(link) if link else None)  # the document keeps no secret
    document = entry_document(
        shown, page, doc=doc, source=source.name, min_text_chars=fetcher.settings.min_feed_text_chars
    )
    return _EntryResult(fetched, document, problem)


def _interleave(queues: Iterable[list[_T]]) -> Iterator[_T]:
    """One item from each queue in turn: [a1, a2], [b1] → a1, b1, a2."""
    for round_ in zip_longest(*queues):
        yield from (item for item in round_ if item is not None)


def _entry_doc_id(entry: FeedEntry, feed_url: str, position: int) -> str:
    if entry.link and check_url(entry.link) is None:
        return redact_url(entry.link)
    if entry.entry_id and check_url(entry.entry_id) is None:
        return redact_url(entry.entry_id)
    return f"{redact_url(feed_url)}#{entry.entry_id or position}"


def _due(state: EntryState, now: datetime) -> bool:
    return state.status == "pending" and (state.next_attempt is None or state.next_attempt <= now)


def _newest_first(items: list[_Candidate]) -> list[_Candidate]:
    """By published date, newest first; undated entries after dated ones; feed order among equals."""

    def key(item: _Candidate) -> tuple[bool, int, int]:
        published: date | None = item[1].published
        return (published is None, -published.toordinal() if published else 0, item[0])

    return sorted(items, key=key)


def plan_entries(
    candidates: Iterable[_Candidate],
    states: Mapping[str, EntryState],
    *,
    feed_changed: bool,
    now: datetime,
    cap: int,
) -> tuple[list[_Candidate], list[_Candidate]]:
    """(entries to fetch this run, entries that want fetching but wait for a later run).

    Wanted: entries never seen and pending entries whose next attempt is due; then, when the feed
    changed, done entries again (a conditional request finds an edited article). Newest first within
    each group, at most ``cap`` in all. Entries given up, or pending and not due yet, are left alone.
    """
    wanted: list[_Candidate] = []
    recheck: list[_Candidate] = []
    for item in candidates:
        state = states.get(item[2])
        if state is None or _due(state, now):
            wanted.append(item)
        elif state.status == "done" and feed_changed:
            recheck.append(item)
    chosen = (_newest_first(wanted) + _newest_first(recheck))[:cap]
    chosen_docs = {doc for _, _, doc in chosen}
    return chosen, [item for item in wanted if item[2] not in chosen_docs]


def _after_failure(
    previous: EntryState | None,
    doc: str,
    source: str,
    error: str,
    *,
    retryable: bool,
    now: datetime,
    settings: Settings,
) -> EntryState:
    """A failed entry's next state: pending with exponential backoff, or failed past the attempt cap."""
    attempts = (previous.attempts if previous else 0) + 1
    if not retryable or attempts >= settings.entry_max_attempts:
        return EntryState(doc, source, "failed", attempts, None, error, now)
    wait = settings.entry_retry_backoff * 2 ** (attempts - 1)
    return EntryState(doc, source, "pending", attempts, now + timedelta(seconds=wait), error, now)


def fetch_sources(
    sources: Iterable[Source],
    settings: Settings,
    cache: Mapping[str, CacheEntry],
    run_id: str,
    *,
    entry_states: Mapping[str, EntryState] | None = None,
    max_workers: int = _DEFAULT_WORKERS,
    sleep: Callable[[float], None] = time.sleep,
    max_retry_after: float = _MAX_RETRY_AFTER,
    resolve: Resolve = system_resolve,
    now: datetime | None = None,
) -> FetchBatch:
    """Fetch every enabled source: feeds (and their entries' pages) and single pages.

    Returns the new documents (``doc`` = the redacted URL; origin "web" for pages, "feed" for feed
    entries), the log of every attempt, the cache and entry-state updates to save once the documents
    are stored, and one summary per source. ``entry_states`` (document id → state, from the store)
    decides which entries are fetched (``plan_entries``). Nothing raises for a bad source or entry: its
    failure is in its summary and the log.
    """
    enabled = [s for s in sources if s.enabled]
    states = entry_states or {}
    clock = now or _now()
    tallies = {s.name: _Tally() for s in enabled}
    documents: list[RawDocument] = []
    updates: dict[str, CacheEntry] = {}
    entry_updates: dict[str, EntryState] = {}
    feed_state: dict[str, str] = {}  # feed name → "failed" / "unchanged" when the feed itself was
    # Feeds with entries due for another try: fetched in full even when a 304 would say "unchanged".
    retrying = {state.source for state in states.values() if _due(state, clock)}

    def keep(fetched: Fetched | None) -> None:
        if fetched is not None and fetched.cache_update is not None:
            updates[fetched.cache_update.url] = fetched.cache_update

    def failed_alone(source: Source, exc: Exception) -> None:
        """An unexpected error fails its own source, in one line; the others go on."""
        error = redact_text(f"unexpected {type(exc).__name__}: {exc}")
        log.warning("%s (%s): %s", source.name, source.display_url, error)
        feed_state[source.name] = "failed"
        tallies[source.name].failed += 1
        tallies[source.name].errors.append(error)

    with (
        Fetcher(
            settings, run_id, cache, sleep=sleep, max_retry_after=max_retry_after, resolve=resolve
        ) as fetcher,
        ThreadPoolExecutor(max_workers) as pool,
    ):
        feeds = {
            s.name: pool.submit(_feed_job, fetcher, s, s.name not in retrying)
            for s in enabled
            if s.kind == "feed"
        }
        pages = {s.name: pool.submit(_page_job, fetcher, s) for s in enabled if s.kind == "page"}
        entry_jobs: list[tuple[Source, str, Future[_EntryResult]]] = []
        scheduled: set[str] = {s.display_url for s in enabled if s.kind == "page"}
        by_host: dict[str, list[tuple[Source, FeedEntry, str, float]]] = {}

        def plan_feed(source: Source, fetched: Fetched, budget_end: float) -> None:
            """Parse a fetched feed and queue the entries to fetch by host; note the rest."""
            tally = tallies[source.name]
            if fetched.outcome != "new":
                keep(fetched)
                feed_state[source.name] = "failed" if fetched.outcome == "deferred" else fetched.outcome
                if fetched.outcome in ("failed", "deferred"):
                    tally.failed += 1
                    tally.errors.append(fetched.error or "failed")
                else:
                    tally.unchanged += 1
                return
            try:
                parsed = parse_feed(
                    fetched.body, url=fetched.final_url or source.url, content_type=fetched.content_type
                )
            except Exception as exc:  # "not a feed", or the parser failing on odd bytes
                fetcher.amend(fetched.log_index, outcome="unusable", error=str(exc))
                feed_state[source.name] = "failed"
                tally.failed += 1
                tally.errors.append(redact_text(str(exc)))
                log.warning(
                    "%s: %s is not a usable feed: %s", source.name, source.display_url, redact_text(str(exc))
                )
                return
            if parsed.problem:
                # A malformed feed with entries is still used; the complaint goes on the log row.
                fetcher.amend(
                    fetched.log_index,
                    error=f"malformed feed, {len(parsed.entries)} entries read: {parsed.problem}",
                )
                tally.errors.append(redact_text(f"malformed feed: {parsed.problem}"))
            keep(fetched)
            cached = cache.get(source.display_url)
            digest = fetched.cache_update.body_hash if fetched.cache_update else None
            # Fetched in full only for its due entries: the same body is an unchanged feed.
            changed = source.name not in retrying or cached is None or cached.body_hash != digest
            if not changed:
                tally.unchanged += 1
                fetcher.amend(
                    fetched.log_index, outcome="unchanged", error="fetched in full: entries are due again"
                )
            candidates: list[_Candidate] = []
            for position, entry in enumerate(parsed.entries):
                doc = _entry_doc_id(entry, source.url, position)
                if doc in scheduled:  # the same story in two feeds (or twice in one) is fetched once
                    continue
                scheduled.add(doc)
                candidates.append((position, entry, doc))
            chosen, later = plan_entries(
                candidates,
                states,
                feed_changed=changed,
                now=clock,
                cap=settings.http_max_entries_per_feed,
            )
            for _, _, doc in later:
                tally.deferred += 1
                if doc not in states:
                    entry_updates[doc] = EntryState(
                        doc, source.name, "pending", 0, clock, "left for a later run", clock
                    )
            for _, entry, doc in chosen:
                by_host.setdefault(_host_key(doc), []).append((source, entry, doc, budget_end))

        for source in enabled:
            if source.kind != "feed":
                continue
            try:
                plan_feed(source, *feeds[source.name].result())
            except Exception as exc:
                failed_alone(source, exc)

        for source, entry, doc, budget_end in _interleave(by_host.values()):
            # Round-robin over hosts, so a 300-entry feed does not tie every worker to one host's queue.
            job = pool.submit(_entry_job, fetcher, source, entry, doc, budget_end)
            entry_jobs.append((source, doc, job))

        for source in enabled:
            if source.kind != "page":
                continue
            tally = tallies[source.name]
            try:
                fetched, page = pages[source.name].result()
            except Exception as exc:
                failed_alone(source, exc)
                continue
            keep(fetched)
            if page is not None:
                documents.append(page)
                tally.new += 1
            elif fetched.outcome == "unchanged":
                tally.unchanged += 1
            else:
                tally.failed += 1
                tally.errors.append(fetched.error or "no article text found in the page")

        for source, doc, job in entry_jobs:
            tally = tallies[source.name]
            try:
                result = job.result()
            except Exception as exc:  # one odd entry fails alone
                error = redact_text(f"unexpected {type(exc).__name__}: {exc}")
                log.warning("%s: entry %s: %s", source.name, doc, error)
                result = _EntryResult(None, None, error)
            entry_fetched = result.fetched
            keep(entry_fetched)
            previous = states.get(doc)
            if result.document is not None or (entry_fetched and entry_fetched.outcome == "unchanged"):
                if result.document is not None:
                    documents.append(result.document)
                    tally.new += 1
                else:
                    tally.unchanged += 1
                entry_updates[doc] = EntryState(doc, source.name, "done", 0, None, None, clock)
            elif entry_fetched is not None and entry_fetched.outcome == "deferred":
                tally.deferred += 1
                attempts = previous.attempts if previous else 0
                entry_updates[doc] = EntryState(
                    doc, source.name, "pending", attempts, clock, entry_fetched.error, clock
                )
            else:
                tally.failed += 1
                reason = (
                    (entry_fetched.error if entry_fetched else None) or result.problem or "no usable text"
                )
                tally.errors.append(f"entry {doc}: {reason}")
                entry_updates[doc] = _after_failure(
                    previous,
                    doc,
                    source.name,
                    reason,
                    retryable=entry_fetched is not None,  # no page to fetch: a retry reads the same text
                    now=clock,
                    settings=settings,
                )
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
        entry_updates=tuple(entry_updates.values()),
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
        url=source.display_url,
        status=status,
        new=tally.new,
        unchanged=tally.unchanged,
        failed=tally.failed,
        error=redact_text(error) or None,
        deferred=tally.deferred,
    )
