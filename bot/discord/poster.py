"""Post a neutral reply to a Discord channel: the interface the weekly tip scheduler uses."""

from __future__ import annotations

import discord

from bot.discord.render import reply_embed
from handlers.reply import Reply

NONE = discord.AllowedMentions.none()


class DiscordPoster:
    """Posts through the client's HTTP layer, which handles Discord's rate limits (and retries 429s)."""

    platform = "discord"

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def post(self, channel: str, reply: Reply) -> str:
        """Post ``reply`` to channel id ``channel``; return the message id. Raises discord.HTTPException."""
        message = await self._client.get_partial_messageable(int(channel)).send(
            embed=reply_embed(reply), allowed_mentions=NONE
        )
        return str(message.id)
