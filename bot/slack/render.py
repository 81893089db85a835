"""Render a neutral Reply as Slack Block Kit. Slack's size limits are enforced here, and only here.

Everything shown is escaped (&, <, >) so that nothing a member typed, and nothing in the content, can become a
link or a mention; mrkdwn objects are ``verbatim`` so Slack does not auto-link channel names or @words either.
"""

from __future__ import annotations

from typing import Any

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

SHARE_ACTION = "rolecall_share"
ELLIPSIS = "…"

Block = dict[str, Any]


def escape(text: str) -> str:
    """Slack's three control characters, escaped as its formatting docs require."""
    if "&" in text or "<" in text or ">" in text:  # most content strings have none: three scans, no copies
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def trim(text: str, limit: int) -> str:
    """Cut to ``limit`` characters, ending with an ellipsis when cut, never inside an escape like '&amp;'."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + ELLIPSIS


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


def citation_blocks(citations: tuple[Citation, ...]) -> list[Block]:
    """Context blocks of timestamp links, ten elements per block as Slack allows."""
    blocks = []
    for start in range(0, len(citations), MAX_CONTEXT_ELEMENTS):
        chunk = citations[start : start + MAX_CONTEXT_ELEMENTS]
        elements = [mrkdwn(trim(citation_link(c), MAX_CONTEXT_TEXT)) for c in chunk]
        blocks.append({"type": "context", "elements": elements})
    return blocks


def reply_blocks(reply: Reply, share_query: str | None = None, max_blocks: int = MAX_BLOCKS) -> list[Block]:
    """Header, one section per reply section, suggestions, citations, and an optional share button."""
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": trim(reply.title, MAX_HEADER_TEXT), "emoji": True}}
    ]
    sections = list(reply.sections)
    if reply.suggestions:
        items = tuple(f"{s.label}  (ask: {s.query})" for s in reply.suggestions)
        sections.append(Section("Did you mean", items=items))
    for section in sections:
        text = _section_text(section)
        if text:
            blocks.append({"type": "section", "text": mrkdwn(trim(text, MAX_SECTION_TEXT))})
    blocks.extend(citation_blocks(reply.citations))
    tail: list[Block] = []
    if share_query is not None:
        button = {
            "type": "button",
            "action_id": SHARE_ACTION,
            "text": {"type": "plain_text", "text": "Share in channel"},
            "value": share_query[:MAX_BUTTON_VALUE],
        }
        tail.append({"type": "actions", "elements": [button]})
    room = max_blocks - len(tail)
    if len(blocks) > room:
        blocks = [*blocks[: room - 1], {"type": "context", "elements": [mrkdwn(f"{ELLIPSIS} (answer shortened)")]}]
    return [*blocks, *tail]


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
