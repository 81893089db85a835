"""Render a neutral Reply as Slack Block Kit. Slack's size limits are enforced here, and only here.

Everything shown is escaped (&, <, >) so that nothing a member typed, and nothing in the content, can become a
link or a mention; mrkdwn objects are ``verbatim`` so Slack does not auto-link channel names or @words either.
"""

from __future__ import annotations

import re
from typing import Any

from bot.shorten import ELLIPSIS, more_text, shorten
from handlers import navigation
from handlers.reply import Citation, Reply, Section

# Slack's documented limits (Block Kit reference).
MAX_BLOCKS = 50
MAX_HOME_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_CONTEXT_TEXT = 2000
MAX_BUTTON_VALUE = 2000
MAX_BUTTON_TEXT = 75
MAX_ACTION_ID = 255
MAX_ACTIONS_ELEMENTS = 25  # elements in one actions block
MAX_SELECT_OPTIONS = 100
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_PLACEHOLDER = 150
MAX_FALLBACK_TEXT = 3000  # chat.postMessage takes far more, but notifications show only the start
# Slack documents no limit on a message's total block text, yet users report msg_blocks_too_long for messages whose
# blocks are each within their limits (slackapi/bolt-js#2509, #2867). Stay at about 12,000 characters in all.
MAX_MESSAGE_TEXT = 12_000
# Below this many characters of room, a section is dropped rather than shown as a stub.
MIN_SECTION_ROOM = 80

SHARE_ACTION = "rolecall_share"
# The episode's moment menu. Its options carry the navigation ids; the select itself needs one fixed action_id that
# the app routes (a per-episode 'rc:...' action_id would not parse as a navigation id).
MENU_ACTION = "rolecall_moment_menu"
# The 👍/👎 buttons, as members read them (navigation.VOTES has the emoji; the ids say which answer is rated).
VOTE_TEXT = {"up": "Helpful", "down": "Not helpful"}
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
    citations: tuple[Citation, ...],
    max_blocks: int = MAX_BLOCKS,
    max_text: int = MAX_MESSAGE_TEXT,
    elements: list[str | None] | None = None,
) -> list[Block]:
    """Context blocks of timestamp links, ten elements per block, within ``max_blocks`` and ``max_text``.

    Citations that do not fit are dropped whole (never cut inside a link) and counted in a last '… and N more'.
    ``elements`` are the citations' ``citation_element`` texts when the caller already has them.
    """
    shaped = elements if elements is not None else list(map(citation_element, citations))
    lines = [line for line in shaped if line is not None]
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


def _text(node: Any) -> int:
    return len(node["text"]) if type(node) is dict and node.get("type") in ("mrkdwn", "plain_text") else 0


def block_text_length(blocks: list[Block]) -> int:
    """The characters of every text object in ``blocks``: what MAX_MESSAGE_TEXT caps.

    Walks the shapes this module builds (header, section, context, actions with buttons and selects); every answer
    is measured twice, so a generic walk of every dict was a third of the rendering time.
    """
    total = 0
    for block in blocks:
        total += _text(block.get("text"))
        for element in block.get("elements", ()):
            total += _text(element) + _text(element.get("text")) + _text(element.get("placeholder"))
            for option in element.get("options", ()):
                total += _text(option.get("text"))
    return total


def button(text: str, action_id: str, value: str) -> Block:
    """A plain button; its text cut on a word boundary to Slack's 75 characters (plain_text: shown as typed)."""
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": shorten(text, MAX_BUTTON_TEXT), "emoji": True},
        "value": value,
    }


def control_blocks(reply: Reply) -> list[Block]:
    """What a member can click under an answer: next-step buttons, the episode's moment menu, and 👍/👎.

    Every id is a well-formed ``handlers.navigation`` id; buttons carry it as both action_id and value, options as
    their value. At most 25 buttons and 100 options, the first ones kept: they are the most natural next steps.
    """
    blocks: list[Block] = []
    buttons = navigation.clickable(reply.actions, MAX_ACTION_ID)[:MAX_ACTIONS_ELEMENTS]
    if buttons:
        blocks.append({"type": "actions", "elements": [button(a.label, a.target, a.target) for a in buttons]})
    options = navigation.clickable(reply.menu.options, MAX_OPTION_VALUE)[:MAX_SELECT_OPTIONS] if reply.menu else []
    if reply.menu is not None and options:
        select = {
            "type": "static_select",
            "action_id": MENU_ACTION,
            "placeholder": {"type": "plain_text", "text": shorten(reply.menu.placeholder, MAX_PLACEHOLDER)},
            "options": [
                {"text": {"type": "plain_text", "text": shorten(o.label, MAX_OPTION_TEXT)}, "value": o.target}
                for o in options
            ],
        }
        blocks.append({"type": "actions", "elements": [select]})
    votes = [button(f"{emoji} {VOTE_TEXT[vote]}", raw, raw) for vote, emoji, raw in navigation.votes(reply.rated)]
    if votes:
        blocks.append({"type": "actions", "elements": votes})
    return blocks


def clickable_targets(blocks: list[Block]) -> frozenset[str]:
    """Every next-step id ``blocks`` offer as a button or menu option."""
    found: set[str] = set()
    for block in blocks:
        for element in block.get("elements", ()):
            if element.get("type") == "button" and element["action_id"].startswith(navigation.PREFIX):
                found.add(element["value"])
            found.update(option["value"] for option in element.get("options", ()))
    return frozenset(found)


def reply_blocks(
    reply: Reply,
    share_query: str | None = None,
    max_blocks: int = MAX_BLOCKS,
    max_text: int = MAX_MESSAGE_TEXT,
    controls: bool = True,
) -> list[Block]:
    """Header, one section per reply section, suggestions, citations, the controls and an optional share button.

    Within ``max_blocks`` blocks and ``max_text`` characters of text in all: citations keep up to half the room, so
    a long answer still shows its sources; sections that do not fit are dropped, with an "answer shortened" note.
    The controls (``control_blocks``) come first in the room, like the share button: they are how a member goes on.
    Did-you-mean offers are buttons there; only an offer that cannot be a button is written out as text.
    """
    header: Block = {
        "type": "header",
        "text": {"type": "plain_text", "text": trim(reply.title, MAX_HEADER_TEXT), "emoji": True},
    }
    tail: list[Block] = control_blocks(reply) if controls else []
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
        offered = clickable_targets(tail)
        items = tuple(f"{s.label}  (ask: {s.query})" for s in reply.suggestions if s.target not in offered)
        sections.append(Section("Did you mean", items=items))  # just the heading when all are buttons below
    texts = [text for text in map(_section_text, sections) if text]

    reserve_blocks = min(-(-len(reply.citations) // MAX_CONTEXT_ELEMENTS), blocks_left // 2)
    reserve_text = 0
    elements = list(map(citation_element, reply.citations))
    if reply.citations:
        wanted = sum(len(line) for line in elements if line is not None)
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

    sources = citation_blocks(reply.citations, blocks_left - len(body), text_left - block_text_length(body), elements)
    return [header, *body, *sources, *tail]


def fallback_text(reply: Reply) -> str:
    """The notification and screen-reader text that accompanies the blocks."""
    # Escaping only lengthens text, so the cut falls within the first MAX_FALLBACK_TEXT + 1 characters: escape just
    # those (the same result as escaping a long answer's whole text, for a fraction of the work).
    return trim(escape(reply.plain_text()[: MAX_FALLBACK_TEXT + 1]), MAX_FALLBACK_TEXT)


def message(reply: Reply, share_query: str | None = None) -> dict[str, Any]:
    """Keyword arguments for ack/respond/chat.postMessage: blocks plus fallback text, no link parsing."""
    return {"text": fallback_text(reply), "blocks": reply_blocks(reply, share_query)}


def home_view(sections: list[Reply]) -> dict[str, Any]:
    """The App Home tab: several replies stacked, within the home tab's block limit."""
    blocks: list[Block] = []
    for reply in sections:
        if blocks:
            blocks.append({"type": "divider"})
        # No controls in the Home tab: a click there has no message and no response_url to answer in.
        blocks.extend(reply_blocks(reply, max_blocks=MAX_HOME_BLOCKS, controls=False))
    if len(blocks) > MAX_HOME_BLOCKS:
        blocks = [*blocks[: MAX_HOME_BLOCKS - 1], {"type": "context", "elements": [mrkdwn(ELLIPSIS)]}]
    return {"type": "home", "blocks": blocks}
