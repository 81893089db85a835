"""The Slack app core: one AsyncApp with the slash command, the share button and the App Home.

Socket Mode and HTTP mode are thin transports around this same app (slack-bolt's own adapter model).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import SlackSettings
from bot.ratelimit import ConversationLimits
from bot.slack.conversations import ADMIN_REFUSAL, NOTICES, EventDedupe, is_question, question
from bot.slack.render import SHARE_ACTION, home_view, message
from handlers import Handlers
from handlers.asker import Asker, split_public
from scheduler.store import Store

log = logging.getLogger("rolecall.slack")


class _DropTokenUnusedWarning(logging.Filter):
    """Bolt also reads SLACK_BOT_TOKEN from the environment and warns that our client's token wins: it does."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


class _NoRequestBodies(logging.Filter):
    """bolt logs request bodies (a refused signature at INFO, listener errors): they carry user ids and text.

    Bolt copies its base logger's filters into each of its own loggers, so this covers all of them. The route in
    bot/slack/http.py already refuses unverified requests before bolt sees them; this is the second line.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "body" in message.lower() and ("{" in message or "=" in message):
            record.msg, record.args = "slack request body withheld from the log (%s)", (record.levelname.lower(),)
        return True


_bolt_log = logging.getLogger("rolecall.slack.bolt")
_bolt_log.addFilter(_DropTokenUnusedWarning())
_bolt_log.addFilter(_NoRequestBodies())

# Replies that belong to the asker alone: never offered for sharing in the channel.
_PRIVATE_KINDS = {"help", "admin", "refused"}


def web_client(settings: SlackSettings) -> AsyncWebClient:
    """The Web API client: retries connection errors and honours 429 Retry-After."""
    return AsyncWebClient(
        token=settings.bot_token.get_secret_value(),
        base_url=settings.api_url,
        retry_handlers=[AsyncConnectionErrorRetryHandler(max_retry_count=2), AsyncRateLimitErrorRetryHandler(3)],
    )


def build_app(
    handlers: Handlers,
    settings: SlackSettings,
    mode: str,
    store: Store | None = None,
    rate_limit: ConversationLimits | None = None,
) -> AsyncApp:
    """The bolt app answering ``settings.command``, mentions and DMs; ``mode`` is 'socket' or 'http'.

    ``store`` keeps the ids of answered events so that replicas answer each event once; without it, memory does.

    In HTTP mode the app is served only through ``bot.slack.http.slack_routes``, which verifies every request's
    signature (Slack's v0 scheme, the same 5-minute window) before bolt sees it; bolt's own check would repeat the
    same HMAC, so it is off. Socket Mode has no signatures to check. Never mount this app behind another route.
    """
    secret = settings.signing_secret.get_secret_value() if settings.signing_secret else ""
    app = AsyncApp(
        signing_secret=secret,
        client=web_client(settings),
        request_verification_enabled=False,  # http: slack_routes verifies; socket: nothing to verify
        # Listeners run inline and the response leaves as soon as they return, instead of bolt polling for the
        # ack every 10 ms. So listeners only ack; Web API calls go in lazy listeners, which run after the ack.
        process_before_response=True,
        logger=_bolt_log,
    )

    @app.command(settings.command)
    async def on_command(ack: AsyncAck, command: dict[str, Any]) -> None:
        text, public = split_public(command.get("text", ""))
        user = command.get("user_id")
        asker = Asker("slack", moderator=user in settings.moderators, user=user)
        reply = handlers.handle(text, asker)
        share = None if public or reply.kind in _PRIVATE_KINDS else text
        # The answer goes in the ack itself: it takes milliseconds, so Slack's 3-second limit is never at risk.
        await ack(
            response_type="in_channel" if public and reply.kind not in _PRIVATE_KINDS else "ephemeral",
            **message(reply, share),
        )

    async def just_ack(ack: AsyncAck) -> None:
        await ack()

    async def share(body: dict[str, Any], respond: AsyncRespond) -> None:
        query = body["actions"][0].get("value", "")
        reply = handlers.handle(query, Asker("slack"))
        if reply.kind in _PRIVATE_KINDS:
            # The button's value comes back from the client and can be tampered with: whatever it says, help,
            # admin output and refusals stay with the asker.
            await respond(response_type="ephemeral", replace_original=False, text="That answer cannot be shared.")
            return
        await respond(response_type="in_channel", replace_original=False, **message(reply))
        await respond(delete_original=True)

    async def publish_home(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        view = home_view([handlers.help(), handlers.roles(), handlers.tip()])
        await client.views_publish(user_id=event["user"], view=view)

    dedupe = EventDedupe(store)
    limit = rate_limit or ConversationLimits()

    async def converse(
        body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient, dm: bool
    ) -> None:
        """Answer a mention (in its thread, for everyone) or a DM, once per event and within the rate limit."""
        bot_user_id = context.bot_user_id  # from auth.test (bolt's authorize)
        if not is_question(event, bot_user_id):
            return
        if not await dedupe.first(str(body.get("event_id") or f"{event.get('channel')}:{event.get('ts')}")):
            return  # a re-delivery (X-Slack-Retry-Num) of an event already answered, here or on another replica
        channel, user = event["channel"], event["user"]
        # A mention answers in its thread, or starts one on the message; a DM answers in place (or its thread).
        thread_ts = event.get("thread_ts") if dm else event.get("thread_ts") or event.get("ts")
        text, _ = split_public(question(event.get("text", ""), bot_user_id))

        async def notice(note: str) -> None:
            # Only the asker sees it in a channel; a DM is already private.
            if dm:
                await client.chat_postMessage(channel=channel, text=note, thread_ts=thread_ts)
            else:
                await client.chat_postEphemeral(channel=channel, user=user, text=note, thread_ts=thread_ts)

        # Checked first, so that refusals count too: nothing a member sends makes the bot post without limit.
        allowed, over = limit.check(user, channel)
        if not allowed:
            if over is not None:
                await notice(NOTICES[over])
            return
        if text.split(" ", 1)[0].lower() == "admin":
            await notice(ADMIN_REFUSAL)  # admin output never goes in a channel, a thread or a DM answer
            return
        reply = handlers.handle(text, Asker("slack", user=user))
        # No link_names and no parse: the renderer escapes every text, so nothing in a question pings anyone.
        await client.chat_postMessage(
            channel=channel, thread_ts=thread_ts, unfurl_links=False, unfurl_media=False, **message(reply)
        )

    async def on_mention(
        body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        await converse(body, event, context, client, dm=False)

    async def on_message(
        body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        if event.get("channel_type") == "im":  # message.im only; other message events are not subscribed
            await converse(body, event, context, client, dm=True)

    app.action(SHARE_ACTION)(ack=just_ack, lazy=[share])
    app.event("app_home_opened")(ack=just_ack, lazy=[publish_home])
    # Ack at once, answer after the ack: Slack's 3-second limit never waits on the database or the Web API.
    app.event("app_mention")(ack=just_ack, lazy=[on_mention])
    app.event("message")(ack=just_ack, lazy=[on_message])

    return app
