"""The Slack adapter through the real slack-bolt code paths; only Slack's network edge is a loopback fake."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp
import pytest
from conftest import write_huge_episode
from fakes.slack_api import (
    SIGNING_SECRET,
    FakeSlack,
    actions_payload,
    dm_event,
    event_body,
    mention_event,
    signed_headers,
    slash_command_body,
)
from pydantic import SecretStr

from bot.config import Settings, SlackSettings
from bot.ratelimit import CHANNEL_ANSWERS_PER_WINDOW as CHANNEL_LIMIT
from bot.ratelimit import MAX_TRACKED, ConversationLimits
from bot.ratelimit import USER_ANSWERS_PER_WINDOW as USER_LIMIT
from bot.ratelimit import WINDOW_SECONDS as RATE_WINDOW
from bot.runtime import RunOptions, Runtime
from bot.slack import render
from bot.slack.app import web_client
from bot.slack.conversations import CHANNEL_RATE_NOTICE, NOTICES, EventDedupe
from bot.slack.poster import SlackPoster
from content.library import Library
from handlers import Handlers
from handlers.reply import Citation, Reply, Section
from scheduler.store import Store


def slack_settings(fake: FakeSlack, **overrides: Any) -> Settings:
    slack = SlackSettings(
        bot_token=SecretStr("xoxb-test-token"),
        app_token=overrides.pop("app_token", None),
        signing_secret=SecretStr(SIGNING_SECRET),
        moderators=frozenset({"UMOD"}),
        api_url=fake.api_url,
    )
    return Settings(slack=slack)


async def start_http(fake: FakeSlack, library: Library) -> Runtime:
    runtime = Runtime(slack_settings(fake), Handlers(library), RunOptions("http", "127.0.0.1", 0))
    await runtime.start()
    return runtime


@pytest.fixture
async def rolecall(fake: FakeSlack, library: Library) -> AsyncIterator[str]:
    runtime = await start_http(fake, library)
    yield f"http://127.0.0.1:{runtime.port}"
    await runtime.stop()


async def post(base: str, body: str, headers: dict[str, str]) -> tuple[int, str, str]:
    async with (
        aiohttp.ClientSession(trust_env=False) as session,
        session.post(f"{base}/slack/events", data=body, headers=headers) as response,
    ):
        return response.status, response.content_type, await response.text()


async def command(base: str, text: str, user_id: str = "U111", response_url: str = "") -> dict[str, Any]:
    body = slash_command_body(text, user_id=user_id, response_url=response_url)
    status, content_type, payload = await post(base, body, signed_headers(body))
    assert status == 200, payload
    assert content_type == "application/json"
    return json.loads(payload)


def all_text(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False)


def texts(payload: dict[str, Any]) -> list[str]:
    """Every text Slack parses for links and mentions: the fallback text and mrkdwn objects.

    plain_text objects (headers, buttons) are shown as typed and never parsed, so they are checked for type only.
    """
    found = [payload.get("text", "")]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                assert node.get("type") in ("mrkdwn", "plain_text"), node
                if node["type"] == "mrkdwn":
                    found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(payload.get("blocks", []))
    return found


def assert_within_limits(blocks: list[dict[str, Any]], max_blocks: int = render.MAX_BLOCKS) -> None:
    assert len(blocks) <= max_blocks
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= render.MAX_HEADER_TEXT
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= render.MAX_SECTION_TEXT
            assert block["text"]["verbatim"] is True
        if block["type"] == "context":
            assert len(block["elements"]) <= render.MAX_CONTEXT_ELEMENTS
            assert all(len(e["text"]) <= render.MAX_CONTEXT_TEXT for e in block["elements"])


# -- answers --------------------------------------------------------------------------------------------------


async def test_role_answer_is_ephemeral_block_kit_with_share_button(rolecall: str) -> None:
    payload = await command(rolecall, "mle")
    assert payload["response_type"] == "ephemeral"
    blocks = payload["blocks"]
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Machine learning engineer", "emoji": True},
    }
    assert any(b["type"] == "section" and b["text"]["text"].startswith("*Responsibilities*") for b in blocks)
    assert blocks[-1]["type"] == "actions"
    assert blocks[-1]["elements"][0]["action_id"] == render.SHARE_ACTION
    assert blocks[-1]["elements"][0]["value"] == "mle"
    assert payload["text"].startswith("Machine learning engineer")
    assert_within_limits(blocks)


async def test_boundary_answer_cites_timestamp_links(rolecall: str) -> None:
    payload = await command(rolecall, "de vs mle")
    assert payload["blocks"][0]["text"]["text"] == "Machine learning engineer vs Data engineer"
    context = [e["text"] for b in payload["blocks"] if b["type"] == "context" for e in b["elements"]]
    link = "<https://www.youtube.com/watch?v=UukjwSIAnpw&amp;t=2410s|40:10>"
    assert context[0] == f"{link} Data Team Roles Explained, Alexey Grigorev (host)"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("batch scoring", "Online serving versus batch scoring"),
        ("ben wilson", "Practical Machine Learning Engineering for Production"),
        ("roles", "Roles"),
        ("help", "RoleCall: data and ML roles, with sources"),
        ("", "RoleCall: data and ML roles, with sources"),
        ("best volcano in naples", "No answer for “best volcano in naples”"),
    ],
)
async def test_every_command_kind(rolecall: str, text: str, title: str) -> None:
    payload = await command(rolecall, text)
    assert payload["blocks"][0]["text"]["text"] == title


async def test_tip_command(rolecall: str) -> None:
    payload = await command(rolecall, "tip")
    assert payload["blocks"][0]["text"]["text"].startswith("Tip of the week (")
    assert any(b["type"] == "context" for b in payload["blocks"])


async def test_public_posts_in_channel_without_share_button(rolecall: str) -> None:
    payload = await command(rolecall, "public mle vs ds")
    assert payload["response_type"] == "in_channel"
    assert payload["blocks"][0]["text"]["text"] == "Machine learning engineer vs Data scientist"
    assert render.SHARE_ACTION not in all_text(payload)  # already public: the next steps stay, the share does not


async def test_share_button_posts_the_answer_in_channel(fake: FakeSlack, rolecall: str) -> None:
    payload = actions_payload(
        fake,
        [
            {
                "action_id": render.SHARE_ACTION,
                "block_id": "b1",
                "type": "button",
                "value": "mle vs ds",
                "text": {"type": "plain_text", "text": "Share in channel"},
                "action_ts": "1.3",
            }
        ],
    )
    body = urlencode({"payload": json.dumps(payload)})
    status, _, _ = await post(rolecall, body, signed_headers(body))
    assert status == 200
    for _ in range(200):
        if len(fake.responses) >= 2:
            break
        await asyncio.sleep(0.01)
    shared, deleted = fake.responses
    assert shared["response_type"] == "in_channel"
    assert shared["blocks"][0]["text"]["text"] == "Machine learning engineer vs Data scientist"
    assert deleted["delete_original"] is True


async def test_app_home_publishes_usage_roles_and_tip(fake: FakeSlack, rolecall: str) -> None:
    event = {
        "token": "legacy-verification-token",
        "team_id": "T0001",
        "api_app_id": "A0001",
        "type": "event_callback",
        "event_id": "Ev0001",
        "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": "U111", "channel": "D0001", "tab": "home", "event_ts": "1.1"},
    }
    body = json.dumps(event)
    headers = {**signed_headers(body), "Content-Type": "application/json"}
    status, _, _ = await post(rolecall, body, headers)
    assert status == 200
    (published,) = await fake.wait_for("views.publish")
    view = published["view"] if isinstance(published["view"], dict) else json.loads(published["view"])
    assert published["user_id"] == "U111" and view["type"] == "home"
    headers_shown = [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
    assert headers_shown[0] == "RoleCall: data and ML roles, with sources"
    assert "Roles" in headers_shown and any(h.startswith("Tip of the week") for h in headers_shown)
    assert_within_limits(view["blocks"], render.MAX_HOME_BLOCKS)


# -- security -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tamper",
    ["forged", "stale", "missing", "body"],
)
async def test_bad_signatures_are_rejected_with_401(fake: FakeSlack, rolecall: str, tamper: str) -> None:
    body = slash_command_body("mle")
    headers = signed_headers(body)
    if tamper == "forged":
        headers = signed_headers(body, secret="not-the-secret")
    elif tamper == "stale":
        headers = signed_headers(body, timestamp=int(time.time()) - 301)
    elif tamper == "missing":
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
    elif tamper == "body":
        body = body.replace("text=mle", "text=admin+content")
    status, _, payload = await post(rolecall, body, headers)
    assert status == 401
    assert "Machine learning engineer" not in payload and "Content" not in payload


@pytest.mark.parametrize(
    "text",
    ["<!channel> hello", "@everyone @here", "<@U999> vs <!subteam^S1>", "&lt;!channel&gt;", "<!here|here> mle vs ds"],
)
async def test_mention_injection_never_produces_a_live_mention(rolecall: str, text: str) -> None:
    payload = await command(rolecall, text)
    for shown in texts(payload):
        # Slack parses <...> as a link or mention; the only ones allowed are our own http(s) links.
        for start in range(len(shown)):
            if shown[start] == "<":
                assert shown[start + 1 :].startswith("http"), shown
    serialized = all_text(payload)
    assert "link_names" not in serialized and '"parse"' not in serialized


async def test_admin_commands_are_for_moderators_only(rolecall: str, library: Library) -> None:
    refused = await command(rolecall, "admin content", user_id="U111")
    assert refused["response_type"] == "ephemeral"
    assert refused["blocks"][0]["text"]["text"] == "Only moderators can use admin commands"
    allowed = await command(rolecall, "admin content", user_id="UMOD")
    assert allowed["blocks"][0]["text"]["text"] == "Content"
    assert f"{len(library.content.moments)} moments" in all_text(allowed)
    public = await command(rolecall, "public admin content", user_id="UMOD")
    assert public["response_type"] == "ephemeral"  # admin output is never posted in the channel


async def test_healthz(rolecall: str) -> None:
    async with aiohttp.ClientSession(trust_env=False) as session, session.get(f"{rolecall}/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"ok": True}


# -- limits ---------------------------------------------------------------------------------------------------


def test_oversized_reply_is_trimmed_to_every_limit() -> None:
    citation = Citation("E" * 3000, "G" * 100, "1:00", 60, "https://example.org/watch?v=x&t=60s")
    reply = Reply(
        "episode",
        "T" * 500,
        tuple(Section("H" * 200, "x & y " * 2000, tuple("i" * 300 for _ in range(40))) for _ in range(80)),
        tuple(citation for _ in range(300)),
    )
    blocks = render.reply_blocks(reply, share_query="q" * 5000)
    assert_within_limits(blocks)
    assert blocks[-1]["type"] == "actions" and len(blocks[-1]["elements"][0]["value"]) == render.MAX_BUTTON_VALUE
    assert blocks[0]["text"]["text"].endswith("…")
    assert len(render.fallback_text(reply)) <= render.MAX_FALLBACK_TEXT
    section = next(b for b in blocks if b["type"] == "section")["text"]["text"]
    assert section.endswith("…") and "&amp" in section and not section.rstrip("…").endswith("&")


def test_trim_never_cuts_an_escape_in_half() -> None:
    text = render.escape("a" * 8 + "&")
    assert render.trim(text, 11) == "a" * 8 + "…"


def test_trim_cuts_on_a_word_boundary() -> None:
    assert render.trim("Design pipelines end to end", 20) == "Design pipelines…"
    assert render.trim("x " + "y" * 30, 10) == "x…"
    assert render.trim("z" * 30, 10) == "z" * 9 + "…"  # one word longer than the limit has to be cut


def test_trim_never_cuts_inside_a_link() -> None:
    link = "<https://example.org/watch?v=x&amp;t=60s|1:00 in>"
    assert render.trim(f"see {link} now", 30) == "see…"


def test_citations_that_do_not_fit_are_dropped_whole_with_a_count() -> None:
    def cite(n: int, url: str = "https://example.org/watch?v=x&t=60s") -> Citation:
        return Citation(f"Episode {n} " + "word " * 30, "Guest", "1:00", 60, url)

    huge_url = Citation("Huge", "Guest", "1:00", 60, "https://example.org/?" + "q" * 2500)
    reply = Reply("role", "Title", (Section(text="Short."),), (*(cite(n) for n in range(300)), huge_url))
    blocks = render.reply_blocks(reply, share_query="q")
    elements = [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    links = [e for e in elements if e.startswith("<")]
    assert links and all(e.startswith("<https://example.org/watch?v=x&amp;t=60s|1:00> Episode ") for e in links)
    assert elements[-1] == f"… and {301 - len(links)} more"
    assert render.block_text_length(blocks) <= render.MAX_MESSAGE_TEXT
    assert_within_limits(blocks)


def test_total_block_text_is_capped() -> None:
    sections = tuple(Section(f"Part {n}", "word " * 590) for n in range(10))
    reply = Reply("role", "Title", sections, tuple(Citation("E", "G", "1:00", 60, "https://e.org") for _ in range(5)))
    blocks = render.reply_blocks(reply, share_query="q")
    assert render.block_text_length(blocks) <= render.MAX_MESSAGE_TEXT
    assert any("answer shortened" in e["text"] for b in blocks if b["type"] == "context" for e in b["elements"])
    context = [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]
    assert sum(1 for text in context if text.startswith("<https://e.org|")) == 5
    assert_within_limits(blocks)


async def test_oversized_content_stays_within_limits_end_to_end(fake: FakeSlack, content_dir: Path) -> None:
    write_huge_episode(content_dir, 600)
    runtime = await start_http(fake, Library.load(content_dir))
    try:
        payload = await command(f"http://127.0.0.1:{runtime.port}", "huge")
    finally:
        await runtime.stop()
    assert_within_limits(payload["blocks"])
    assert payload["blocks"][-1]["type"] == "actions"
    # 600 moments: the citations that do not fit are dropped whole and counted.
    context = [e["text"] for b in payload["blocks"] if b["type"] == "context" for e in b["elements"]]
    shown = sum(1 for text in context if text.startswith("<"))
    assert context[-1] == f"… and {600 - shown} more"


# -- posting --------------------------------------------------------------------------------------------------


async def test_post_survives_a_429_and_posts_once(fake: FakeSlack, library: Library) -> None:
    fake.failures["chat.postMessage"].append((429, {"Retry-After": "1"}, {"ok": False, "error": "ratelimited"}))
    poster = SlackPoster(web_client(slack_settings(fake).slack))
    reply = Handlers(library).handle("sql before deep learning")
    ts = await poster.post("C0TIPS", reply)
    accepted = fake.accepted("chat.postMessage")
    assert len(accepted) == 1 and [c.status for c in fake.calls if c.method == "chat.postMessage"] == [429, 200]
    assert ts == "1700000000.000001"
    message = accepted[0]
    assert message["channel"] == "C0TIPS" and message["unfurl_links"] is False
    assert "link_names" not in message and "parse" not in message


# -- socket mode ----------------------------------------------------------------------------------------------


async def test_socket_mode_delivers_a_slash_command_and_acks_with_the_answer(fake: FakeSlack, library: Library) -> None:
    settings = slack_settings(fake, app_token=SecretStr("xapp-test-token"))
    runtime = Runtime(settings, Handlers(library), RunOptions("socket"))
    await runtime.start()
    try:
        assert fake.accepted("apps.connections.open")
        envelope = {
            "envelope_id": "env-1",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": dict(parse_qsl(slash_command_body("mle vs ds"))),
        }
        await fake.to_socket.put(envelope)
        ack = await asyncio.wait_for(fake.from_socket.get(), timeout=5)
    finally:
        await runtime.stop()
    assert ack["envelope_id"] == "env-1"
    assert ack["payload"]["response_type"] == "ephemeral"
    assert ack["payload"]["blocks"][0]["text"]["text"] == "Machine learning engineer vs Data scientist"


# -- mentions, threads and DMs ----------------------------------------------------------------------------------


async def deliver(base: str, event: dict[str, Any], event_id: str, retry: int | None = None) -> None:
    """Post one Events API envelope, signed; a re-delivery carries X-Slack-Retry-Num like Slack's."""
    body = event_body(event, event_id)
    headers = {**signed_headers(body), "Content-Type": "application/json"}
    if retry is not None:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    status, _, payload = await post(base, body, headers)
    assert status == 200, payload


async def settle(fake: FakeSlack, method: str, count: int) -> list[dict[str, Any]]:
    """Wait for ``count`` calls, then a little longer, so that a call that should not come has had its chance."""
    await fake.wait_for(method, count)
    await asyncio.sleep(0.2)
    return fake.accepted(method)


async def test_mention_in_a_thread_answers_in_that_thread(fake: FakeSlack, rolecall: str) -> None:
    event = mention_event("<@UBOT> mle vs ds", ts="1700000300.000300", thread_ts="1700000000.000001")
    await deliver(rolecall, event, "EvThread")
    (posted,) = await settle(fake, "chat.postMessage", 1)
    assert posted["channel"] == "C0001" and posted["thread_ts"] == "1700000000.000001"
    blocks = json.loads(posted["blocks"]) if isinstance(posted["blocks"], str) else posted["blocks"]
    assert blocks[0]["text"]["text"] == "Machine learning engineer vs Data scientist"
    assert render.SHARE_ACTION not in all_text(blocks)  # already public: nothing to share


async def test_mention_outside_a_thread_starts_one_on_the_message(fake: FakeSlack, rolecall: str) -> None:
    await deliver(rolecall, mention_event("<@UBOT|rolecall> mle", ts="1700000400.000400"), "EvTop")
    (posted,) = await settle(fake, "chat.postMessage", 1)
    assert posted["thread_ts"] == "1700000400.000400"
    assert posted["text"].startswith("Machine learning engineer")


async def test_a_redelivered_event_is_answered_once(fake: FakeSlack, rolecall: str) -> None:
    event = mention_event("<@UBOT> mle")
    await deliver(rolecall, event, "EvTwice")
    await deliver(rolecall, event, "EvTwice", retry=1)
    await deliver(rolecall, event, "EvTwice", retry=2)
    assert len(await settle(fake, "chat.postMessage", 1)) == 1


class SlowFirstStore(Store):
    """A real SQLite store whose first caller is held back until the second caller's claim has been refused.

    That is the order a retry can take on a busy host: the delivery that wins the claim resumes last.
    """

    def __init__(self, engine: Any) -> None:
        super().__init__(engine)
        self.refused = threading.Event()
        self._calls = 0

    def first_delivery(self, event_id: str, now: datetime, ttl: timedelta) -> bool:
        self._calls += 1
        won = super().first_delivery(event_id, now, ttl)
        if self._calls == 1:
            assert self.refused.wait(5), "the second delivery never reached the store"
        else:
            self.refused.set()
        return won


async def test_a_redelivery_refused_while_the_first_is_still_claiming_leaves_one_answer(tmp_path: Path) -> None:
    store = SlowFirstStore(Store.open(f"sqlite:///{tmp_path / 'events.db'}").engine)
    dedupe = EventDedupe(store)
    first = asyncio.create_task(dedupe.first("EvRace"))
    await asyncio.sleep(0.05)  # the first delivery is inside the store, waiting
    answers = await asyncio.gather(dedupe.first("EvRace"), first)
    assert sorted(answers) == [False, True]  # one answer: neither none nor two
    assert await dedupe.first("EvRace") is False


async def test_replicas_sharing_a_database_answer_an_event_once(fake: FakeSlack, library: Library) -> None:
    first, second = await start_http(fake, library), await start_http(fake, library)  # the same DATABASE_URL
    try:
        event = mention_event("<@UBOT> mle")
        await deliver(f"http://127.0.0.1:{first.port}", event, "EvReplicas")
        await deliver(f"http://127.0.0.1:{second.port}", event, "EvReplicas", retry=1)
        assert len(await settle(fake, "chat.postMessage", 1)) == 1
    finally:
        await first.stop()
        await second.stop()


async def test_a_dm_is_answered_in_the_dm(fake: FakeSlack, rolecall: str) -> None:
    await deliver(rolecall, dm_event("de vs mle"), "EvDm")
    (posted,) = await settle(fake, "chat.postMessage", 1)
    assert posted["channel"] == "D0001" and "thread_ts" not in posted
    assert posted["text"].startswith("Machine learning engineer vs Data engineer")


@pytest.mark.parametrize(
    "event",
    [
        {**dm_event("mle"), "user": "UBOT", "bot_id": "BBOT"},  # our own message
        {**dm_event("mle"), "user": "UOTHER", "bot_id": "BOTHER", "subtype": "bot_message"},  # another bot
        {
            "type": "message",
            "channel_type": "im",
            "subtype": "message_changed",  # an edit: the new text is in 'message'
            "channel": "D0001",
            "ts": "1700000500.000500",
            "event_ts": "1700000500.000500",
            "hidden": True,
            "message": {"type": "message", "user": "U111", "text": "mle", "ts": "1700000200.000200"},
            "previous_message": {"type": "message", "user": "U111", "text": "ml", "ts": "1700000200.000200"},
        },
        {**dm_event("mle"), "subtype": "file_share"},  # any other subtype
        {**dm_event("mle"), "channel_type": "channel", "channel": "C0001"},  # message.channels: not subscribed
    ],
    ids=["own", "bot", "edit", "subtype", "channel-message"],
)
async def test_bots_ourselves_edits_and_subtypes_get_no_answer(
    fake: FakeSlack, rolecall: str, event: dict[str, Any]
) -> None:
    await deliver(rolecall, event, "EvIgnored")
    await deliver(rolecall, dm_event("roles", channel="D0002"), "EvControl")  # answered: proves events arrive
    (posted,) = await settle(fake, "chat.postMessage", 1)
    assert posted["channel"] == "D0002"
    assert not fake.accepted("chat.postEphemeral")


@pytest.mark.parametrize(
    "text",
    ["<!channel> hello", "<@UBOT> <!here|here> mle vs ds", "<@U999> vs <!subteam^S1>", "&lt;!channel&gt; @everyone"],
)
async def test_a_mention_never_pings_anyone(fake: FakeSlack, rolecall: str, text: str) -> None:
    await deliver(rolecall, mention_event(f"<@UBOT> {text}"), "EvPing")
    (posted,) = await settle(fake, "chat.postMessage", 1)
    assert "link_names" not in posted and "parse" not in posted
    blocks = json.loads(posted["blocks"]) if isinstance(posted["blocks"], str) else posted["blocks"]
    for shown in texts({"text": posted["text"], "blocks": blocks}):
        for start in range(len(shown)):
            if shown[start] == "<":
                assert shown[start + 1 :].startswith("http"), shown


async def test_the_rate_limit_holds_per_user(fake: FakeSlack, rolecall: str) -> None:
    for n in range(USER_LIMIT + 2):
        await deliver(rolecall, mention_event("<@UBOT> mle", ts=f"1700000600.{n:06d}"), f"EvRate{n}")
    answers = await settle(fake, "chat.postMessage", USER_LIMIT)
    assert len(answers) == USER_LIMIT
    (notice,) = fake.accepted("chat.postEphemeral")  # one notice for the 6th, none for the 7th
    assert notice["user"] == "U111" and notice["channel"] == "C0001" and "wait a minute" in notice["text"]
    # Another member in the same channel is still answered.
    await deliver(rolecall, mention_event("<@UBOT> mle", user="U222", ts="1700000700.000001"), "EvOther")
    assert len(await settle(fake, "chat.postMessage", USER_LIMIT + 1)) == USER_LIMIT + 1


async def test_the_rate_limit_in_a_dm_answers_with_one_short_message(fake: FakeSlack, rolecall: str) -> None:
    for n in range(USER_LIMIT + 2):
        await deliver(rolecall, dm_event("mle", ts=f"1700000800.{n:06d}"), f"EvDmRate{n}")
    posted = await settle(fake, "chat.postMessage", USER_LIMIT + 1)
    assert len(posted) == USER_LIMIT + 1
    assert sum("wait a minute" in p["text"] for p in posted) == 1
    assert not fake.accepted("chat.postEphemeral")


def test_the_channel_limit_counts_all_members_and_the_window_slides() -> None:
    now = [0.0]
    limit = ConversationLimits(clock=lambda: now[0])
    results = [limit.check(f"U{n}", "C1") for n in range(CHANNEL_LIMIT + 2)]
    assert all(allowed for allowed, _ in results[:CHANNEL_LIMIT])
    assert results[CHANNEL_LIMIT] == (False, "channel")
    assert NOTICES["channel"] == CHANNEL_RATE_NOTICE
    assert results[CHANNEL_LIMIT + 1] == (False, None)  # one notice, not one per excess question
    assert limit.check("Ufresh", "C2") == (True, None)  # other channels are not affected
    now[0] = RATE_WINDOW
    assert limit.check("U0", "C1") == (True, None)


@pytest.mark.parametrize(("make", "user"), [(mention_event, "UMOD"), (dm_event, "UMOD"), (mention_event, "U111")])
async def test_admin_via_mention_or_dm_is_refused(fake: FakeSlack, rolecall: str, make: Any, user: str) -> None:
    await deliver(rolecall, make("<@UBOT> admin content", user=user), "EvAdmin")
    if make is mention_event:
        (refusal,) = await settle(fake, "chat.postEphemeral", 1)
        assert not fake.accepted("chat.postMessage")
    else:
        (refusal,) = await settle(fake, "chat.postMessage", 1)
    assert "/rolecall admin" in refusal["text"] and "moments" not in refusal["text"]


async def test_socket_mode_delivers_a_mention(fake: FakeSlack, library: Library) -> None:
    settings = slack_settings(fake, app_token=SecretStr("xapp-test-token"))
    runtime = Runtime(settings, Handlers(library), RunOptions("socket"))
    await runtime.start()
    try:
        payload = json.loads(event_body(mention_event("<@UBOT> mle", thread_ts="1.5"), "EvSocket"))
        await fake.to_socket.put({"envelope_id": "env-2", "type": "events_api", "payload": payload})
        ack = await asyncio.wait_for(fake.from_socket.get(), timeout=5)
        (posted,) = await settle(fake, "chat.postMessage", 1)
    finally:
        await runtime.stop()
    assert ack["envelope_id"] == "env-2"
    assert posted["thread_ts"] == "1.5"


def test_the_rate_limit_forgets_quiet_members() -> None:
    now = [0.0]
    limit = ConversationLimits(per_user=1, clock=lambda: now[0])
    for n in range(MAX_TRACKED + 1):
        limit.check(f"U{n}", "C1")
    now[0] = RATE_WINDOW
    assert limit.check("Unew", "C2") == (True, None)
    assert len(limit._answers) <= MAX_TRACKED  # the quiet windows were dropped
    assert limit.check("U0", "C3") == (True, None)  # and a returning member starts afresh
