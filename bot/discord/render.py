"""Render a neutral Reply as a Discord embed and fit its next steps to Discord's component limits. Discord's size
limits are enforced here, and only here (bot.discord.components builds the discord.ui items from ``controls``).

Mentions never ping: the client sends AllowedMentions.none() with every message, and text that echoes the member
has mentions and markdown escaped as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import discord

from bot.shorten import ELLIPSIS, more_text, shorten
from handlers import navigation
from handlers.reply import Action, Citation, Menu, Reply, Section

# Discord's documented limits (Embed object limits, Create Message).
MAX_TITLE = 256
MAX_DESCRIPTION = 4096
MAX_FIELDS = 25
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1024
MAX_FOOTER = 2048
MAX_EMBED_TOTAL = 6000  # RoleCall sends no message content (limit 2,000): everything is in the embed
MAX_CHOICES = 25
MAX_CHOICE_NAME = 100
# Discord's documented component limits (Message Components: action rows, buttons, string selects).
MAX_ROWS = 5
MAX_ROW_BUTTONS = 5  # a select fills a whole row on its own
MAX_BUTTON_LABEL = 80
MAX_CUSTOM_ID = 100
MAX_SELECT_OPTIONS = 25
MAX_OPTION_LABEL = 100
MAX_OPTION_VALUE = 100
MAX_PLACEHOLDER = 150

SHORTENED = f"{ELLIPSIS} (answer shortened)"
COLOUR = discord.Colour(0x1D3557)
# Below this many characters of room, a section is dropped rather than shown as a stub.
MIN_FIELD_ROOM = 80
# Markdown links, which a cut must keep whole.
_LINK = re.compile(r"\[[^\[\]]*\]\([^()\s]*\)")


def trim(text: str, limit: int) -> str:
    """Cut to ``limit`` characters on a word boundary, with an ellipsis when cut, never inside a markdown link."""
    return shorten(text, limit, _LINK)


def safe(text: str) -> str:
    """Escape markdown and mentions in text that came from a member."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def _section_text(section: Section) -> str:
    lines = [section.text] if section.text else []
    lines += [f"• {item}" for item in section.items]
    return "\n".join(lines)


def citation_line(citation: Citation) -> str:
    """'[44:23](url) Episode, Guest': a timestamp link that starts the video there."""
    return f"[{citation.link_text}]({citation.url}) {citation.episode}, {citation.guest}"


def fitted_citation_line(citation: Citation) -> str | None:
    """The citation line within a field value, its link whole; None if the link alone is too long."""
    line = trim(citation_line(citation), MAX_FIELD_VALUE)
    return line if line.startswith(f"[{citation.link_text}]({citation.url})") else None


def _chunks(lines: list[str], limit: int) -> list[str]:
    """Whole lines packed into values of at most ``limit`` characters (each line is already within it)."""
    chunks, current = [], ""
    for line in lines:
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    return [*chunks, current] if current else chunks


def source_fields(citations: tuple[Citation, ...], max_fields: int, max_text: int) -> list[tuple[str, str]]:
    """'Sources' fields within ``max_fields`` fields and ``max_text`` characters (names and values).

    Citations that do not fit are dropped whole (never cut inside a link) and counted in a last '… and N more'.
    """
    lines = [line for line in map(fitted_citation_line, citations) if line is not None]
    unshowable = len(citations) - len(lines)

    def fields(shown: int) -> list[tuple[str, str]]:
        left_out = len(lines) - shown + unshowable
        chunks = _chunks(lines[:shown] + ([more_text(left_out)] if left_out else []), MAX_FIELD_VALUE)
        return [("Sources" if index == 0 else "Sources (continued)", chunk) for index, chunk in enumerate(chunks)]

    def fits(candidate: list[tuple[str, str]]) -> bool:
        return len(candidate) <= max_fields and sum(len(name) + len(value) for name, value in candidate) <= max_text

    shown = len(lines)
    while shown > 0 and not fits(fields(shown)):
        shown -= 1
    chosen = fields(shown)
    return chosen if fits(chosen) else []


@dataclass(frozen=True)
class Controls:
    """A reply's clickable parts as Discord will show them: rows of next-step buttons, the menu, the 👍/👎 buttons.

    Labels are already trimmed; every id is a well-formed ``handlers.navigation`` id of at most 100 characters.
    """

    rows: tuple[tuple[Action, ...], ...] = ()
    menu: Menu | None = None
    votes: tuple[tuple[str, str], ...] = ()  # (emoji, custom_id), 👍 first

    @property
    def empty(self) -> bool:
        """Whether there is nothing to click."""
        return not (self.rows or self.menu or self.votes)

    @property
    def targets(self) -> frozenset[str]:
        """Every next-step id a click can send (buttons and menu options, not votes)."""
        options = self.menu.options if self.menu else ()
        return frozenset(a.target for row in self.rows for a in row) | {a.target for a in options}


def _labelled(actions: tuple[Action, ...], label_limit: int) -> list[Action]:
    """The actions Discord can offer (``navigation.clickable``: ids within a custom_id), labels cut to fit."""
    return [Action(trim(a.label, label_limit), a.target) for a in navigation.clickable(actions, MAX_CUSTOM_ID)]


def controls(reply: Reply) -> Controls:
    """The next steps, menu and feedback of ``reply`` within Discord's limits: at most 5 rows of at most 5 buttons,
    a select on a row of its own with at most 25 options. The feedback row is always kept for a rated answer; next
    steps that do not fit are dropped from the end, so the first (most natural) ones stay.
    """
    votes = tuple((emoji, raw) for _, emoji, raw in navigation.votes(reply.rated))
    menu = None
    if reply.menu is not None:
        options = _labelled(reply.menu.options, MAX_OPTION_LABEL)[:MAX_SELECT_OPTIONS]
        menu = Menu(trim(reply.menu.placeholder, MAX_PLACEHOLDER), tuple(options)) if options else None
    button_rows = MAX_ROWS - bool(votes) - bool(menu)
    buttons = _labelled(reply.actions, MAX_BUTTON_LABEL)[: button_rows * MAX_ROW_BUTTONS]
    rows = tuple(tuple(buttons[i : i + MAX_ROW_BUTTONS]) for i in range(0, len(buttons), MAX_ROW_BUTTONS))
    return Controls(rows, menu, votes)


def reply_embed(reply: Reply, fitted: Controls | None = None) -> discord.Embed:
    """Title, a description, one field per headed section, suggestions and sources, within every limit.

    Sources keep up to half the room, so a long answer still shows them; fields that do not fit are dropped, with an
    "answer shortened" footer. Did-you-mean offers are buttons under the embed (``controls``); only an offer that
    cannot be a button is written out. ``fitted`` is ``controls(reply)`` when the caller already has it.
    """
    title = safe(reply.title) if reply.kind == "no_match" else reply.title
    untitled = [_section_text(s) for s in reply.sections if not s.heading and _section_text(s)]
    embed = discord.Embed(
        title=trim(title, MAX_TITLE), description=trim("\n\n".join(untitled), MAX_DESCRIPTION) or None, colour=COLOUR
    )
    fields: list[tuple[str, str]] = []
    for section in reply.sections:
        if section.heading and _section_text(section):
            fields.append((trim(section.heading, MAX_FIELD_NAME), _section_text(section)))
    offered = (fitted or controls(reply)).targets
    unclickable = [s for s in reply.suggestions if s.target not in offered]
    if unclickable:
        fields.append(("Did you mean", "\n".join(f"{s.label} (ask: {s.query})" for s in unclickable)))

    text_left = MAX_EMBED_TOTAL - len(embed)
    wanted = source_fields(reply.citations, MAX_FIELDS, MAX_EMBED_TOTAL)
    reserve_fields = min(len(wanted), MAX_FIELDS // 2)
    reserve_text = min(sum(len(name) + len(value) for name, value in wanted), text_left // 2)
    room_fields = MAX_FIELDS - reserve_fields
    room_text = text_left - reserve_text - len(SHORTENED)
    shortened = False
    for name, value in fields:
        room = min(MAX_FIELD_VALUE, room_text - len(name))
        if len(embed.fields) == room_fields or room < MIN_FIELD_ROOM:
            shortened = True
            break
        shown = trim(value, room)
        embed.add_field(name=name, value=shown, inline=False)
        room_text -= len(name) + len(shown)
    if shortened:
        embed.set_footer(text=SHORTENED)
    for name, value in source_fields(reply.citations, MAX_FIELDS - len(embed.fields), MAX_EMBED_TOTAL - len(embed)):
        embed.add_field(name=name, value=value, inline=False)
    return embed
