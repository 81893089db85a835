"""Render a neutral Reply as a Discord embed. Discord's size limits are enforced here, and only here.

Mentions never ping: the client sends AllowedMentions.none() with every message, and text that echoes the member
has mentions and markdown escaped as well.
"""

from __future__ import annotations

import discord

from handlers.reply import Citation, Reply, Section

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

ELLIPSIS = "…"
SHORTENED = "… (answer shortened)"
COLOUR = discord.Colour(0x1D3557)


def trim(text: str, limit: int) -> str:
    """Cut to ``limit`` characters with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


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


def _chunks(lines: list[str], limit: int) -> list[str]:
    chunks, current = [], ""
    for line in lines:
        line = trim(line, limit)
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    return [*chunks, current] if current else chunks


def reply_embed(reply: Reply) -> discord.Embed:
    """Title, a description, one field per headed section, suggestions and sources, within every limit."""
    title = safe(reply.title) if reply.kind == "no_match" else reply.title
    untitled = [_section_text(s) for s in reply.sections if not s.heading and _section_text(s)]
    embed = discord.Embed(
        title=trim(title, MAX_TITLE), description=trim("\n\n".join(untitled), MAX_DESCRIPTION) or None, colour=COLOUR
    )
    fields: list[tuple[str, str]] = []
    for section in reply.sections:
        if section.heading and _section_text(section):
            fields.append((trim(section.heading, MAX_FIELD_NAME), trim(_section_text(section), MAX_FIELD_VALUE)))
    if reply.suggestions:
        items = [f"{s.label} (ask: {s.query})" for s in reply.suggestions]
        fields.append(("Did you mean", trim("\n".join(items), MAX_FIELD_VALUE)))
    for index, chunk in enumerate(_chunks([citation_line(c) for c in reply.citations], MAX_FIELD_VALUE)):
        fields.append(("Sources" if index == 0 else "Sources (continued)", chunk))
    total = len(embed.title or "") + len(embed.description or "") + len(SHORTENED)
    shortened = False
    for name, value in fields:
        if len(embed.fields) == MAX_FIELDS - 1 or total + len(name) + len(value) > MAX_EMBED_TOTAL:
            shortened = True
            break
        embed.add_field(name=name, value=value, inline=False)
        total += len(name) + len(value)
    if shortened:
        embed.set_footer(text=SHORTENED)
    return embed
