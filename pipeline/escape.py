"""Text that came from outside (an article, a feed, a manifest, a watchlist) made inert for Markdown.

The digest's Markdown is read raw in a terminal, rendered by Prefect's UI as an artifact, and by whatever
renderer a user opens the file with. Every one of them renders raw HTML (``<script>``, ``<img onerror>``)
and links (``[x](javascript:…)``, images that load ``http://tracker/pixel.gif``) unless the text is
escaped: ``markdown_text`` is the one escaping every text from outside goes through. The HTML digest uses
``html.escape`` the same way.
"""

from __future__ import annotations

import re

# Inline markup: backslash (escapes), code spans, emphasis, links and images ("[", "]"; "![" needs "["),
# strikethrough, table cells. Other ASCII punctuation stays readable in the terminal.
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]~|])")
# "&amp;" or "&#106;" would be decoded by a renderer; a lone "&" ("AT&T") is shown as it is.
_ENTITY_START = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# A line break inside a value could start a heading, a list, a quote or an HTML block on the next line.
_LINE_BREAKS = re.compile(r"\s*[\r\n\v\f\x85\u2028\u2029]+\s*")
# Block markers that mean something at the start of a line: a heading, a list item, a setext underline;
# an ordered list item ("1.") is escaped at its dot, since a backslash before a digit is no escape.
_BLOCK_START = re.compile(r"^([#+=-])")
_ORDERED_ITEM_START = re.compile(r"^(\d+)([.)])")


def markdown_text(value: object) -> str:
    """``value`` as Markdown that renders as exactly that text: no HTML, no link, no image, no emphasis.

    Line breaks become spaces, so the result is one line and safe wherever a line may start.
    """
    text = _LINE_BREAKS.sub(" ", str(value))
    text = _ENTITY_START.sub("&amp;", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE_MARKUP.sub(r"\\\1", text)
    # A "(" right after a bracket is escaped too: no "](" is left for a lenient renderer to take for a link.
    text = text.replace("\\](", "\\]\\(")
    text = _BLOCK_START.sub(r"\\\1", text)
    return _ORDERED_ITEM_START.sub(r"\1\\\2", text)
