"""Post a neutral reply to a Slack channel: the interface the weekly tip scheduler uses."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.render import message
from handlers.reply import Reply


class SlackPoster:
    """Posts through the app's Web API client, which retries connection errors and 429s."""

    platform = "slack"

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def post(self, channel: str, reply: Reply) -> str:
        """Post ``reply`` to ``channel``; return the message ``ts``. Raises SlackApiError when Slack refuses."""
        response = await self._client.chat_postMessage(
            channel=channel, unfurl_links=False, unfurl_media=False, **message(reply)
        )
        return str(response["ts"])
