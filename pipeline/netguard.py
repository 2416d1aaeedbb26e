"""Connect only where the SSRF check said yes, and hold every request to one wall-clock deadline.

Checking a host's addresses and then letting httpx resolve the name again to connect is open to DNS
rebinding: the second answer can be 127.0.0.1. Here a name is resolved once per fetcher (``AddressBook``),
every address is checked, and the connection goes to a checked address (``GuardedBackend``, an httpcore
network backend), while httpx still sends the URL's Host header and TLS uses the host name for SNI and
the certificate check (httpcore passes the origin's host to ``start_tls`` whatever the socket's peer is).

httpx's timeouts are per operation: a server that sends one byte every second never trips a 20 s read
timeout. The streams the backend returns check a per-thread deadline before every read and write and
shorten each socket timeout to what is left, so connect, headers, body and redirect hops all end by it
(``request_deadline``). The sync client does all of a request's I/O in the calling thread, which is what
makes a thread-local deadline the request's own.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import typing
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import httpcore
import httpx

__all__ = [
    "AddressBook",
    "AddressRefused",
    "DeadlinePassed",
    "GuardedBackend",
    "Resolve",
    "guarded_transport",
    "is_public",
    "request_deadline",
    "system_resolve",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# host, port → the addresses (as strings) the name resolves to; raises OSError when it does not resolve.
Resolve = Callable[[str, int], Sequence[str]]

# Prefixes whose addresses carry an IPv4 address in their last 32 bits and reach it: NAT64's well-known
# prefix (RFC 6052) and its local-use one (RFC 8215). 6to4 (2002::/16) keeps it in bits 16-48.
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))


class AddressRefused(Exception):
    """The host must not be connected to (it resolves to a private address, or does not resolve)."""


class DeadlinePassed(Exception):
    """The request's wall-clock deadline passed (a slow trickle of bytes, a stalled body)."""


def system_resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]).split("%")[0] for info in infos]


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form stands for: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d),
    SIIT-translated (::ffff:0:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    value = int(ip)
    high = value >> 32
    if high == 0 or high == 0xFFFF0000 or any(ip in net for net in _NAT64):
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    return None


def is_public(ip: IPAddress) -> bool:
    """A global unicast address; an IPv6 form of an IPv4 address is judged as that IPv4 address."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return is_public(embedded)
    return ip.is_global and not ip.is_multicast


def literal_address(host: str) -> IPAddress | None:
    """The address a host names literally ("127.0.0.1", "127.0.0.1.", "[::1]"), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]").rstrip(".").split("%")[0])
    except ValueError:
        return None


def _refusal(host: str, ip: IPAddress) -> str:
    return (
        f"refused: {host} is {ip}, a private, loopback or link-local address "
        "(set http_allow_private to allow it)"
    )


def _host_key(host: str) -> str:
    """One spelling per host: the URL check sees "bücher.example", httpcore connects to its ASCII
    form; both must find the same checked answer (a second lookup would be checked too, but is one
    more chance for a rebinding answer to refuse a good host)."""
    name = host.strip("[]").rstrip(".").lower()
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError:
        return name


class AddressBook:
    """Each host resolved once and checked: the addresses a connection may use, or why none may.

    One book per fetcher (a run): a name that answers public first and private later keeps its first,
    checked answer for the whole run. A name that does not resolve is refused (there is no checked
    address to connect to).
    """

    def __init__(self, *, allow_private: bool, resolve: Resolve = system_resolve) -> None:
        self._allow_private = allow_private
        self._resolve = resolve
        self._lock = threading.Lock()
        self._known: dict[tuple[str, int], tuple[tuple[str, ...], str | None]] = {}

    def lookup(self, host: str, port: int) -> tuple[tuple[str, ...], str | None]:
        """(checked addresses, None) or ((), why the host is refused)."""
        key = (_host_key(host), port)
        with self._lock:
            known = self._known.get(key)
        if known is None:
            known = self._check(key[0], port)
            with self._lock:
                known = self._known.setdefault(key, known)  # a racing thread's answer is as good
        return known

    def _check(self, host: str, port: int) -> tuple[tuple[str, ...], str | None]:
        literal = literal_address(host)
        if literal is not None:
            if not self._allow_private and not is_public(literal):
                return (), _refusal(host, literal)
            return (str(literal),), None
        try:
            answers = list(self._resolve(host, port))
        except (OSError, UnicodeError) as exc:
            return (), f"refused: {host} does not resolve ({exc})"
        addresses: list[str] = []
        for answer in answers:
            ip = literal_address(answer)
            if ip is None:
                continue
            if not self._allow_private and not is_public(ip):
                # One private answer refuses the host: which answer a connection gets is not ours to pick.
                return (), _refusal(host, ip)
            if str(ip) not in addresses:
                addresses.append(str(ip))
        if not addresses:
            return (), f"refused: {host} resolves to no usable address"
        return tuple(addresses), None

    def addresses(self, host: str, port: int) -> tuple[str, ...]:
        found, refusal = self.lookup(host, port)
        if refusal:
            raise AddressRefused(refusal)
        return found


# ---- the per-request deadline --------------------------------------------------------------------------

_deadline = threading.local()


@contextmanager
def request_deadline(at: float | None) -> Iterator[None]:
    """I/O on this thread's connections ends by ``at`` (a ``time.monotonic()`` value) in the block."""
    previous = getattr(_deadline, "at", None)
    _deadline.at = at
    try:
        yield
    finally:
        _deadline.at = previous


def _deadline_passed() -> bool:
    at: float | None = getattr(_deadline, "at", None)
    return at is not None and time.monotonic() >= at


def _remaining(timeout: float | None) -> float | None:
    """The socket timeout to use: ``timeout`` shortened to the deadline; raises once it has passed."""
    at: float | None = getattr(_deadline, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise DeadlinePassed("deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            return self._inner.read(max_bytes, _remaining(timeout))
        except httpcore.ReadTimeout:
            if _deadline_passed():  # the socket timeout was the deadline's, not the phase's
                raise DeadlinePassed("deadline passed") from None
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        try:
            self._inner.write(buffer, _remaining(timeout))
        except httpcore.WriteTimeout:
            if _deadline_passed():
                raise DeadlinePassed("deadline passed") from None
            raise

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: typing.Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        try:
            inner = self._inner.start_tls(ssl_context, server_hostname, _remaining(timeout))
        except httpcore.ConnectTimeout:
            if _deadline_passed():
                raise DeadlinePassed("deadline passed") from None
            raise
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's sync backend, connecting to the host's checked addresses only, under the deadline."""

    def __init__(self, book: AddressBook) -> None:
        self._book = book
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        options = list(socket_options or [])
        last: Exception | None = None
        for address in self._book.addresses(host, port):
            try:
                stream = self._inner.connect_tcp(
                    address, port, _remaining(timeout), local_address=local_address, socket_options=options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                if _deadline_passed():
                    raise DeadlinePassed("deadline passed") from None
                last = exc  # the next checked address, as getaddrinfo's callers do
                continue
            return _DeadlineStream(stream)
        assert last is not None  # addresses() never returns an empty tuple
        raise last

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise AddressRefused("refused: unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def guarded_transport(book: AddressBook, limits: httpx.Limits | None = None) -> httpx.HTTPTransport:
    """An httpx transport whose connections go through ``GuardedBackend``.

    httpx's transport takes no network backend, its httpcore pool does: the pool is rebuilt with the
    same settings httpx gives it plus the backend. A client given this transport also ignores proxy
    environment variables (httpx reads them only for the transports it makes itself), which is right
    here: through a proxy the checked address would not be the one connected to.
    """
    limits = limits or httpx.Limits()
    transport = httpx.HTTPTransport(limits=limits)
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=GuardedBackend(book),
    )
    return transport
