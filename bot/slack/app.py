"""The Slack app core: one AsyncApp with the slash command, mentions and DMs, clicks (next steps, the moment menu,
👍/👎, the share button) and the App Home.

Socket Mode and HTTP mode are thin transports around this same app (slack-bolt's own adapter model).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import SlackSettings
from bot.payload import field
from bot.ratelimit import ConversationLimits
from bot.slack.conversations import ADMIN_REFUSAL, NOTICES, EventDedupe, is_question, question
from bot.slack.render import MENU_ACTION, SHARE_ACTION, fallback_text, home_view, message
from handlers import Handlers, navigation
from handlers.asker import Asker, split_public
from handlers.commands import UNAVAILABLE
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

# Every next-step and 👍/👎 button's action_id is its navigation id; the moment menu has one fixed action_id.
CLICK_ACTIONS = re.compile(rf"^(?:{re.escape(navigation.PREFIX)}|{re.escape(MENU_ACTION)}$)")
# chat.postMessage's answers for a channel the bot is not a member of (a private channel it was never added to).
_NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found"})


def clicked_id(body: Any) -> str | None:
    """The navigation id a block_actions payload carries: the chosen menu option's value, else the button's value,
    else its action_id. None when the payload has no such string (it comes from the client: any shape may arrive).
    """
    actions = body.get("actions") if isinstance(body, dict) else None
    action = actions[0] if isinstance(actions, list) and actions else None
    if not isinstance(action, dict):
        return None
    if action.get("action_id") == MENU_ACTION:
        option = action.get("selected_option")
        value = option.get("value") if isinstance(option, dict) else None
    else:
        value = action.get("value", action.get("action_id"))
    return value if isinstance(value, str) else None


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
        share = None if public or reply.private else text
        # The answer goes in the ack itself: it takes milliseconds, so Slack's 3-second limit is never at risk.
        await ack(response_type="in_channel" if public and not reply.private else "ephemeral", **message(reply, share))

    async def just_ack(ack: AsyncAck) -> None:
        await ack()

    async def share(body: dict[str, Any], respond: AsyncRespond) -> None:
        query = body["actions"][0].get("value", "")
        found = navigation.parse(query)
        if found is not None and found.vote is not None:
            reply = UNAVAILABLE  # a vote is not an answer; nothing is counted for a share button that carries one
        elif found is not None:
            reply = handlers.click(query, Asker("slack"))  # an answer reached by clicking: its id is what is shared
        else:
            reply = handlers.handle(query, Asker("slack"))
        if reply.private:
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

    async def click(body: dict[str, Any], respond: AsyncRespond | None, client: AsyncWebClient) -> None:
        """Answer a next-step button, a moment menu choice or a 👍/👎, where the member clicked.

        An ephemeral answer is replaced in place; a public one (a mention's answer, a public slash answer, the weekly
        tip) gets the new answer in its thread, within the conversation rate limit; thanks and "no longer
        available" go to the clicker alone, leaving the answer as it was. The payload comes from the client: a
        missing or odd field gets the short notice, or nothing when there is nowhere to say it, never an exception.
        """
        raw = clicked_id(body)
        user = field(body, "user", "id")
        channel = field(body, "channel", "id") or field(body, "container", "channel_id")
        message_ts, thread_ts = field(body, "message", "ts"), field(body, "message", "thread_ts")
        # Only the clicker sees an ephemeral answer (Slack sends no 'message' for one): the next goes in its place.
        # Anything that may be public is never replaced: a payload that says neither gets the notice below instead.
        marked = field(body, "container", "is_ephemeral")
        ephemeral = marked is True or (marked is None and body.get("message") is None)

        async def say(**kwargs: Any) -> None:
            # A click without a response_url (none from the App Home tab, or a tampered payload) has nowhere to say it.
            if respond is not None and respond.response_url:
                await respond(**kwargs)

        async def tell(text: str) -> None:
            await say(response_type="ephemeral", replace_original=False, text=text)

        if not ephemeral and not (isinstance(user, str) and isinstance(channel, str) and isinstance(message_ts, str)):
            # A public message, but nothing says where to answer it: a public answer is never replaced in place.
            await tell(fallback_text(UNAVAILABLE))
            return
        found = navigation.parse(raw)
        if not ephemeral and found is not None and found.vote is None:
            # Checked before answering, as converse does: a member clicking fast never makes the bot flood a thread.
            allowed, over = limit.check(user, channel)
            if not allowed:
                if over is not None:
                    await tell(NOTICES[over])
                return
        reply = handlers.click(raw, Asker("slack", user=user if isinstance(user, str) else None))
        if reply.private:
            await tell(fallback_text(reply))  # thanks, or "no longer available": the answer clicked on stays as it was
            return
        if ephemeral:
            # The answer was the clicker's alone: the next one takes its place, and can still be shared.
            await say(replace_original=True, **message(reply, raw))
            return
        # Everyone saw the answer, so everyone sees the next one, in its thread; a DM answers in place, as converse.
        if not isinstance(thread_ts, str):
            thread_ts = None if channel.startswith("D") else message_ts
        # No link_names and no parse: the renderer escapes every text, so nothing in an answer pings anyone.
        try:
            await client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, unfurl_links=False, unfurl_media=False, **message(reply)
            )
        except SlackApiError as exc:
            if exc.response.get("error") not in _NOT_A_MEMBER:
                raise
            # `/rolecall public` also answers in channels the bot is not in (a private one: the response_url needs
            # no membership); the click's response_url can post there too, in the same thread.
            await say(response_type="in_channel", replace_original=False, thread_ts=thread_ts, **message(reply))

    app.action(SHARE_ACTION)(ack=just_ack, lazy=[share])
    # Next steps, the moment menu and 👍/👎: acked at once (an empty 200), answered after the ack.
    app.block_action(CLICK_ACTIONS)(ack=just_ack, lazy=[click])
    app.event("app_home_opened")(ack=just_ack, lazy=[publish_home])
    # Ack at once, answer after the ack: Slack's 3-second limit never waits on the database or the Web API.
    app.event("app_mention")(ack=just_ack, lazy=[on_mention])
    app.event("message")(ack=just_ack, lazy=[on_message])

    return app
