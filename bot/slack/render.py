"""Render a neutral Reply as Slack Block Kit. Slack's size limits are enforced here, and only here.

Everything shown is escaped (&, <, >) so that nothing a member typed, and nothing in the content, can become a
link or a mention; mrkdwn objects are ``verbatim`` so Slack does not auto-link channel names or @words either.
"""

from __future__ import annotations

import re
from typing import Any

from bot.shorten import ELLIPSIS, more_text, shorten
from handlers.reply import Citation, Reply, Section

# Slack's documented limits (Block Kit reference).
MAX_BLOCKS = 50
MAX_HOME_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_CONTEXT_TEXT = 2000
MAX_BUTTON_VALUE = 2000
MAX_FALLBACK_TEXT = 3000  # chat.postMessage takes far more, but notifications show only the start
# Slack documents no limit on a message's total block text, yet users report msg_blocks_too_long for messages whose
# blocks are each within their limits (slackapi/bolt-js#2509, #2867). Stay at about 12,000 characters in all.
MAX_MESSAGE_TEXT = 12_000
# Below this many characters of room, a section is dropped rather than shown as a stub.
MIN_SECTION_ROOM = 80

SHARE_ACTION = "rolecall_share"
SHORTENED = f"{ELLIPSIS} (answer shortened)"
# What Slack parses and a cut must keep whole: links (<url|text>; everything else is escaped) and escapes.
_MARKUP = re.compile(r"<[^<>]*>|&(?:amp|lt|gt);")

Block = dict[str, Any]


def escape(text: str) -> str:
    """Slack's three control characters, escaped as its formatting docs require."""
    if "&" in text or "<" in text or ">" in text:  # most content strings have none: three scans, no copies
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def trim(text: str, limit: int) -> str:
    """Cut to ``limit`` characters on a word boundary, ending with an ellipsis when cut, never inside a link
    or an escape like '&amp;'."""
    return shorten(text, limit, _MARKUP)


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn text object that Slack will not auto-link (already-escaped text only)."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section_text(section: Section) -> str:
    lines = []
    if section.heading:
        lines.append(f"*{escape(section.heading)}*")
    if section.text:
        lines.append(escape(section.text))
    lines.extend(f"• {escape(item)}" for item in section.items)
    return "\n".join(lines)


def citation_link(citation: Citation) -> str:
    """'<url|44:23> Episode, Guest' with the URL escaped as Slack expects inside a link."""
    label = escape(f"{citation.episode}, {citation.guest}")
    return f"<{escape(citation.url)}|{citation.link_text}> {label}"


def citation_element(citation: Citation) -> str | None:
    """The citation's context text within Slack's element limit, its link whole; None if the link alone is too long."""
    text = trim(citation_link(citation), MAX_CONTEXT_TEXT)
    return text if text.startswith(f"<{escape(citation.url)}|{citation.link_text}>") else None


def _context_blocks(texts: list[str]) -> list[Block]:
    return [
        {"type": "context", "elements": [mrkdwn(t) for t in texts[start : start + MAX_CONTEXT_ELEMENTS]]}
        for start in range(0, len(texts), MAX_CONTEXT_ELEMENTS)
    ]


def citation_blocks(
    citations: tuple[Citation, ...], max_blocks: int = MAX_BLOCKS, max_text: int = MAX_MESSAGE_TEXT
) -> list[Block]:
    """Context blocks of timestamp links, ten elements per block, within ``max_blocks`` and ``max_text``.

    Citations that do not fit are dropped whole (never cut inside a link) and counted in a last '… and N more'.
    """
    lines = [line for line in map(citation_element, citations) if line is not None]
    unshowable = len(citations) - len(lines)

    def texts(shown: int) -> list[str]:
        left_out = len(lines) - shown + unshowable
        return lines[:shown] + ([more_text(left_out)] if left_out else [])

    def fits(candidate: list[str]) -> bool:
        blocks = -(-len(candidate) // MAX_CONTEXT_ELEMENTS)
        return blocks <= max_blocks and sum(map(len, candidate)) <= max_text

    shown = len(lines)
    while shown > 0 and not fits(texts(shown)):
        shown -= 1
    chosen = texts(shown)
    return _context_blocks(chosen) if fits(chosen) else []


def block_text_length(blocks: list[Block]) -> int:
    """The characters of every text object in ``blocks``: what MAX_MESSAGE_TEXT caps."""

    def walk(node: Any) -> int:
        if isinstance(node, list):
            return sum(map(walk, node))
        if not isinstance(node, dict):
            return 0
        own = len(node["text"]) if node.get("type") in ("mrkdwn", "plain_text") else 0
        return own + sum(walk(value) for value in node.values() if isinstance(value, (dict, list)))

    return walk(blocks)


def reply_blocks(
    reply: Reply, share_query: str | None = None, max_blocks: int = MAX_BLOCKS, max_text: int = MAX_MESSAGE_TEXT
) -> list[Block]:
    """Header, one section per reply section, suggestions, citations, and an optional share button.

    Within ``max_blocks`` blocks and ``max_text`` characters of text in all: citations keep up to half the room, so
    a long answer still shows its sources; sections that do not fit are dropped, with an "answer shortened" note.
    """
    header: Block = {
        "type": "header",
        "text": {"type": "plain_text", "text": trim(reply.title, MAX_HEADER_TEXT), "emoji": True},
    }
    tail: list[Block] = []
    if share_query is not None:
        button = {
            "type": "button",
            "action_id": SHARE_ACTION,
            "text": {"type": "plain_text", "text": "Share in channel"},
            "value": share_query[:MAX_BUTTON_VALUE],
        }
        tail.append({"type": "actions", "elements": [button]})
    blocks_left = max_blocks - 1 - len(tail)
    text_left = max_text - block_text_length([header, *tail])

    sections = list(reply.sections)
    if reply.suggestions:
        items = tuple(f"{s.label}  (ask: {s.query})" for s in reply.suggestions)
        sections.append(Section("Did you mean", items=items))
    texts = [text for text in map(_section_text, sections) if text]

    reserve_blocks = min(-(-len(reply.citations) // MAX_CONTEXT_ELEMENTS), blocks_left // 2)
    reserve_text = 0
    if reply.citations:
        wanted = sum(len(line) for line in map(citation_element, reply.citations) if line is not None)
        reserve_text = min(wanted + len(more_text(len(reply.citations))), text_left // 2)
    room_blocks = blocks_left - reserve_blocks - 1  # one for the "answer shortened" note
    room_text = text_left - reserve_text - len(SHORTENED)

    body: list[Block] = []
    for text in texts:
        if len(body) == room_blocks or room_text < MIN_SECTION_ROOM:
            break
        shown = trim(text, min(MAX_SECTION_TEXT, room_text))
        body.append({"type": "section", "text": mrkdwn(shown)})
        room_text -= len(shown)
    if len(body) < len(texts):
        body.append({"type": "context", "elements": [mrkdwn(SHORTENED)]})

    sources = citation_blocks(
        reply.citations, max_blocks=blocks_left - len(body), max_text=text_left - block_text_length(body)
    )
    return [header, *body, *sources, *tail]


def fallback_text(reply: Reply) -> str:
    """The notification and screen-reader text that accompanies the blocks."""
    return trim(escape(reply.plain_text()), MAX_FALLBACK_TEXT)


def message(reply: Reply, share_query: str | None = None) -> dict[str, Any]:
    """Keyword arguments for ack/respond/chat.postMessage: blocks plus fallback text, no link parsing."""
    return {"text": fallback_text(reply), "blocks": reply_blocks(reply, share_query)}


def home_view(sections: list[Reply]) -> dict[str, Any]:
    """The App Home tab: several replies stacked, within the home tab's block limit."""
    blocks: list[Block] = []
    for reply in sections:
        if blocks:
            blocks.append({"type": "divider"})
        blocks.extend(reply_blocks(reply, max_blocks=MAX_HOME_BLOCKS))
    if len(blocks) > MAX_HOME_BLOCKS:
        blocks = [*blocks[: MAX_HOME_BLOCKS - 1], {"type": "context", "elements": [mrkdwn(ELLIPSIS)]}]
    return {"type": "home", "blocks": blocks}
