"""Shorten rendered text without breaking it: on a word boundary, never inside markup a platform parses.

Both renderers use this; each passes its own markup (Slack's ``<url|text>`` and ``&amp;``, Discord's
``[text](url)``) and enforces its own limits.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"


def shorten(text: str, limit: int, keep_whole: re.Pattern[str] | None = None) -> str:
    """Cut ``text`` to at most ``limit`` characters, ending with an ellipsis when cut.

    The cut falls at the last whitespace that fits and is not inside a match of ``keep_whole``. Only text with no
    such whitespace (one word longer than the limit) is cut inside a word, and still before any ``keep_whole``
    match it would split. The result may be just the ellipsis when nothing fits.
    """
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    # Only matches that start at or before the cut matter: stop scanning there (a long text is cut near its start).
    spans: list[tuple[int, int]] = []
    if keep_whole is not None:
        for match in keep_whole.finditer(text):
            if match.start() > room:
                break
            spans.append(match.span())

    def inside(position: int) -> bool:
        return any(start < position < end for start, end in spans)

    # The last whitespace that leaves a head of at most `room` characters and is not inside kept markup; searched
    # from the right, so a 3,000-character cut looks at a few words, not at every space before it.
    cut = None
    end = room + 1
    while end > 0:
        found = max(text.rfind(" ", 0, end), text.rfind("\n", 0, end), text.rfind("\t", 0, end))
        if found <= 0:
            break
        start = found
        while start > 0 and text[start - 1].isspace():  # the start of the whitespace run, as a cut point
            start -= 1
        if start > 0 and not inside(start):
            cut = start
            break
        end = start
    if cut is None:
        cut = room
        for start, stop in spans:
            if start < cut < stop:
                cut = start
    return text[:cut].rstrip() + ELLIPSIS


def more_text(count: int) -> str:
    """The line that stands for citations left out."""
    return f"{ELLIPSIS} and {count} more"
