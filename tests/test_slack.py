"""The Slack adapter through the real slack-bolt code paths; only Slack's network edge is a loopback fake."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp
import pytest
from conftest import write_huge_episode
from fakes.slack_api import SIGNING_SECRET, FakeSlack, signed_headers, slash_command_body
from pydantic import SecretStr

from bot.config import Settings, SlackSettings
from bot.runtime import RunOptions, Runtime
from bot.slack import render
from bot.slack.app import web_client
from bot.slack.poster import SlackPoster
from content.library import Library
from handlers import Handlers
from handlers.reply import Citation, Reply, Section


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
        ("best pizza in naples", "No answer for “best pizza in naples”"),
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
    assert all(b["type"] != "actions" for b in payload["blocks"])


async def test_share_button_posts_the_answer_in_channel(fake: FakeSlack, rolecall: str) -> None:
    payload = {
        "type": "block_actions",
        "user": {"id": "U111", "username": "member", "team_id": "T0001"},
        "api_app_id": "A0001",
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": "1.2", "channel_id": "C0001", "is_ephemeral": True},
        "trigger_id": "1.2.3",
        "team": {"id": "T0001", "domain": "community"},
        "channel": {"id": "C0001", "name": "general"},
        "response_url": f"{fake.url}/response/1",
        "actions": [
            {
                "action_id": render.SHARE_ACTION,
                "block_id": "b1",
                "type": "button",
                "value": "mle vs ds",
                "text": {"type": "plain_text", "text": "Share in channel"},
                "action_ts": "1.3",
            }
        ],
    }
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
