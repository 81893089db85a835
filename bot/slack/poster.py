"""Post a neutral reply to a Slack channel: the interface the weekly tip scheduler uses."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.render import message
from handlers.reply import Reply
from scheduler.service import HistoryUnavailable

TIP_EVENT = "rolecall_tip"  # message metadata event_type of a weekly tip
HISTORY_LIMIT = 100  # recent messages searched for a tip; a week's channel traffic rarely buries it deeper


class SlackPoster:
    """Posts through the app's Web API client, which retries connection errors and 429s."""

    platform = "slack"

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def post(self, channel: str, reply: Reply, week: str | None = None, destination: str | None = None) -> str:
        """Post ``reply`` to ``channel``; return the message ``ts``. Raises SlackApiError when Slack refuses.

        A tip (``week`` given) carries message metadata naming its week and destination, which ``find`` looks for.
        """
        extra: dict[str, Any] = {}
        if week is not None:
            extra["metadata"] = {"event_type": TIP_EVENT, "event_payload": {"week": week, "destination": destination}}
        response = await self._client.chat_postMessage(
            channel=channel, unfurl_links=False, unfurl_media=False, **extra, **message(reply)
        )
        return str(response["ts"])

    async def find(self, channel: str, week: str, destination: str) -> str | None:
        """The ``ts`` of this week's tip among the channel's recent messages, or None.

        Needs the channels:history (public) or groups:history (private channels) scope; without it, or on any
        error, raises HistoryUnavailable naming the scopes.
        """
        try:
            response = await self._client.conversations_history(
                channel=channel, limit=HISTORY_LIMIT, include_all_metadata=True
            )
        except Exception as exc:  # SlackApiError (missing_scope, not_in_channel) or the network
            data = getattr(getattr(exc, "response", None), "data", None)
            reason = data.get("error") if isinstance(data, dict) else type(exc).__name__
            raise HistoryUnavailable(
                f"cannot read the history of Slack channel {channel} ({reason}); the weekly tip's duplicate check "
                "needs the channels:history and groups:history scopes"
            ) from exc
        for item in response.get("messages") or []:
            metadata = item.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if (
                metadata.get("event_type") == TIP_EVENT
                and payload.get("week") == week
                and payload.get("destination") == destination
            ):
                return str(item["ts"])
        return None
