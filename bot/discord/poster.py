"""Post a neutral reply to a Discord channel: the interface the weekly tip scheduler uses."""

from __future__ import annotations

import hashlib
from typing import Any

import discord

from bot.discord.components import message_parts
from bot.payload import field
from handlers.reply import Reply
from scheduler.service import HistoryUnavailable

NONE = discord.AllowedMentions.none()
HISTORY_LIMIT = 100  # recent messages searched for a tip (Discord's maximum page)
MAX_NONCE = 25  # Discord's limit for a string nonce


def tip_marker(week: str) -> str:
    """The embed footer that marks a weekly tip, so the channel history shows which week it was."""
    return f"RoleCall weekly tip {week}"


def tip_nonce(week: str, destination: str) -> str:
    """A deterministic nonce per (week, destination), at most 25 characters: 'rc2026-W23' and a hash."""
    digest = hashlib.sha256(destination.encode()).hexdigest()
    return f"rc{week}{digest}"[:MAX_NONCE]


class DiscordPoster:
    """Posts through the client's HTTP layer, which handles Discord's rate limits (and retries 429s)."""

    platform = "discord"

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def post(self, channel: str, reply: Reply, week: str | None = None, destination: str | None = None) -> str:
        """Post ``reply`` to channel id ``channel``; return the message id. Raises discord.HTTPException.

        A tip (``week`` given) goes with a deterministic nonce (discord.py adds enforce_nonce), so Discord returns
        the existing message instead of a second one within its window, and with the week's marker in the footer.
        The buttons go along: they work for as long as the content holds what they name, across restarts.
        """
        parts = message_parts(reply)
        embed = parts.pop("embed")
        extra: dict[str, Any] = parts  # the view, when the reply offers anything to click
        if week is not None:
            footer = embed.footer.text
            embed.set_footer(text=f"{footer} · {tip_marker(week)}" if footer else tip_marker(week))
            extra["nonce"] = tip_nonce(week, destination or channel)
        message = await self._client.get_partial_messageable(int(channel)).send(
            embed=embed, allowed_mentions=NONE, **extra
        )
        return str(message.id)

    async def find(self, channel: str, week: str, destination: str) -> str | None:
        """The id of this week's tip among the channel's recent messages by this bot, or None.

        Needs the Read Message History permission; without it, or on any error, raises HistoryUnavailable.
        """
        try:
            messages = await self._client.http.logs_from(int(channel), HISTORY_LIMIT)
        except Exception as exc:  # discord.Forbidden (Missing Access), other HTTP errors, the network
            raise HistoryUnavailable(
                f"cannot read the history of Discord channel {channel} ({type(exc).__name__}); the weekly tip's "
                "duplicate check needs the Read Message History permission"
            ) from exc
        me = str(self._client.user.id) if self._client.user is not None else None
        marker = tip_marker(week)
        for item in messages:
            if me is not None and str(field(item, "author", "id")) != me:
                continue
            footers = [str(field(embed, "footer", "text") or "") for embed in item.get("embeds") or []]
            if any(text.endswith(marker) for text in footers):
                return str(item["id"])
        return None
