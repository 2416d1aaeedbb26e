"""The daily digest: who changed their position on what, who disputes whose facts.

- ``rules``: the definition of a position, a change, a disputed move and a contradiction (pure).
- ``build``: one day's digest from the store (the SQL in ``pipeline.store.digest_sql`` narrows the claims).
- ``render``: the digest as one list of sections, rendered as Markdown, HTML and JSON.
"""

from pipeline.digest.build import Digest, build_digest, days_to_publish, digest_options
from pipeline.digest.render import digest_to_json, render_html, render_markdown, safe_url, sections
from pipeline.digest.rules import (
    POSITION_SIDE,
    WEIGHTS,
    Contradiction,
    Judgement,
    Position,
    find_contradictions,
    judge,
    mentions,
    positions,
    standing_position,
    summarise_position,
)

__all__ = [
    "POSITION_SIDE",
    "WEIGHTS",
    "Contradiction",
    "Digest",
    "Judgement",
    "Position",
    "build_digest",
    "days_to_publish",
    "digest_options",
    "digest_to_json",
    "find_contradictions",
    "judge",
    "mentions",
    "positions",
    "render_html",
    "render_markdown",
    "safe_url",
    "sections",
    "standing_position",
    "summarise_position",
]
