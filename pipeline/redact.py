"""Credentials out of URLs before they are stored, logged or used as an id.

A source URL may carry a secret: ``https://user:pass@host/feed`` or ``…/feed?token=…``. The real URL
is used only for the request; everything else (the store's tables, article ids, exports, log lines,
error messages) sees ``redact_url(url)``, where the user info and the values of the parameters named
below read ``REDACTED``. The result is stable, so a redacted URL still works as a document id and a
cache key. Secrets belong in a request header read from the environment (``headers`` in
sources.toml), not in the URL: a secret in the URL's path cannot be told apart from the path.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["REDACTED", "RedactingFilter", "redact_text", "redact_url"]

REDACTED = "REDACTED"

# Query parameter names whose values are credentials. Compared case-insensitively with "-" read as "_".
# Drawn from what feed and API providers use (API keys, OAuth tokens, signed-URL signatures such as
# S3's X-Amz-Signature / X-Amz-Credential and Google's Signature / GoogleAccessId, session ids); add a
# name here when a provider uses another one.
SECRET_QUERY_PARAMETERS: frozenset[str] = frozenset(
    {
        "token",
        "key",
        "api_key",
        "apikey",
        "access_key",
        "access_token",
        "refresh_token",
        "id_token",
        "auth",
        "auth_token",
        "authorization",
        "sig",
        "signature",
        "x_amz_signature",
        "x_amz_credential",
        "x_amz_security_token",
        "googleaccessid",
        "password",
        "passwd",
        "pwd",
        "pass",
        "secret",
        "client_secret",
        "private_token",
        "session",
        "sessionid",
        "session_id",
        "sid",
    }
)

# URLs inside free text (error messages, exception strings): up to whitespace or a closing quote/bracket.
_URL_IN_TEXT = re.compile(r"""\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s'"<>)\]]+""")


def _is_secret(name: str) -> bool:
    return name.strip().lower().replace("-", "_") in SECRET_QUERY_PARAMETERS


def redact_url(url: str) -> str:
    """``url`` with its user info and secret query values replaced by ``REDACTED``; otherwise unchanged
    (a URL without secrets comes back as it was, character for character)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return _redact_unparsable(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rpartition('@')[2]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(_is_secret(name) for name, _ in pairs):
            query = urlencode(
                [(name, REDACTED if _is_secret(name) else value) for name, value in pairs], safe=":/@,"
            )
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _redact_unparsable(url: str) -> str:
    """A string urlsplit rejects (a broken IPv6 host, say): blank what looks like user info or a value."""
    url = re.sub(r"(://)[^/@\s]*@", rf"\1{REDACTED}@", url)
    return re.sub(
        r"([?&;])([^=&;#\s]+)=([^&;#\s]*)",
        lambda m: f"{m[1]}{m[2]}={REDACTED if _is_secret(m[2]) else m[3]}",
        url,
    )


def redact_text(text: str) -> str:
    """``text`` with every URL in it redacted (error messages quote the URLs they failed on)."""
    if "://" not in text:
        return text
    return _URL_IN_TEXT.sub(_redact_match, text)


def _redact_match(match: re.Match[str]) -> str:
    found = match.group(0)
    url = found.rstrip(".,;:!?")  # the sentence's punctuation after a URL is not part of it
    return redact_url(url) + found[len(url) :]


class RedactingFilter(logging.Filter):
    """Redacts URLs in a record's message: httpx logs every request's URL at INFO."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
