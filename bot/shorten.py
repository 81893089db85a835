"""Shorten rendered text without breaking it: on a word boundary, never inside markup a platform parses.

Both renderers use this; each passes its own markup (Slack's ``<url|text>`` and ``&amp;``, Discord's
``[text](url)``) and enforces its own limits.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"
_SPACE = re.compile(r"\s+")


def shorten(text: str, limit: int, keep_whole: re.Pattern[str] | None = None) -> str:
    """Cut ``text`` to at most ``limit`` characters, ending with an ellipsis when cut.

    The cut falls at the last whitespace that fits and is not inside a match of ``keep_whole``. Only text with no
    such whitespace (one word longer than the limit) is cut inside a word, and still before any ``keep_whole``
    match it would split. The result may be just the ellipsis when nothing fits.
    """
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    spans = [m.span() for m in keep_whole.finditer(text)] if keep_whole is not None else []

    def inside(position: int) -> bool:
        return any(start < position < end for start, end in spans)

    # A whitespace run starting at `room` or earlier leaves a head of at most `room` characters.
    boundaries = [m.start() for m in _SPACE.finditer(text, 0, room + 1) if m.start() > 0]
    cut = next((p for p in reversed(boundaries) if not inside(p)), None)
    if cut is None:
        cut = room
        for start, end in spans:
            if start < cut < end:
                cut = start
    return text[:cut].rstrip() + ELLIPSIS


def more_text(count: int) -> str:
    """The line that stands for citations left out."""
    return f"{ELLIPSIS} and {count} more"
