"""Hostile and malformed Slack requests through the real HTTP route and bolt: 401/400, never a traceback or a leak."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from fakes.slack_api import FakeSlack, actions_payload, signed_headers, slash_command_body
from test_slack import post, start_http

from bot.slack import render
from content.library import Library

MEMBER = "U0SECRETMEMBER"
SECRET_TEXT = "my-private-question-about-salaries"


@pytest.fixture
async def rolecall(fake: FakeSlack, library: Library) -> AsyncIterator[str]:
    runtime = await start_http(fake, library)
    yield f"http://127.0.0.1:{runtime.port}"
    await runtime.stop()


def share_action(value: Any) -> dict[str, Any]:
    return {
        "action_id": render.SHARE_ACTION,
        "block_id": "b1",
        "type": "button",
        "value": value,
        "text": {"type": "plain_text", "text": "Share in channel"},
        "action_ts": "1.3",
    }


async def post_bytes(base: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession(trust_env=False) as session,
        session.post(f"{base}/slack/events", data=body, headers=headers) as response,
    ):
        return response.status, await response.text()


def signed_bytes(body: bytes) -> dict[str, str]:
    import hashlib
    import hmac

    from fakes.slack_api import SIGNING_SECRET

    ts = str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


# -- logs -----------------------------------------------------------------------------------------------------


async def test_unverified_requests_leave_no_body_user_id_or_text_in_the_logs(
    rolecall: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = slash_command_body(SECRET_TEXT, user_id=MEMBER)
    forged = signed_headers(body, secret="not-the-secret")
    stale = signed_headers(body, timestamp=int(time.time()) - 301)
    unsigned = {"Content-Type": "application/x-www-form-urlencoded"}
    odd_stamp = {**signed_headers(body), "X-Slack-Request-Timestamp": "soon"}
    for headers in (forged, stale, unsigned, odd_stamp):
        status, _, payload = await post(rolecall, body, headers)
        assert status == 401 and json.loads(payload) == {"error": "invalid request"}
    logged = caplog.text
    assert MEMBER not in logged and SECRET_TEXT not in logged and "salaries" not in logged


async def test_a_genuine_command_logs_neither_the_asker_nor_the_text(
    rolecall: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    body = slash_command_body(SECRET_TEXT, user_id=MEMBER)
    status, _, _ = await post(rolecall, body, signed_headers(body))
    assert status == 200
    assert "rolecall.commands" in caplog.text  # the command line was written...
    assert MEMBER not in caplog.text and SECRET_TEXT not in caplog.text  # ...without who asked or what


# -- malformed signed requests --------------------------------------------------------------------------------


async def test_invalid_utf8_body_is_a_400(rolecall: str) -> None:
    body = b"token=x&command=%2Frolecall&text=\xff\xfe\xfa&user_id=U1"
    status, text = await post_bytes(rolecall, body, signed_bytes(body))
    assert status == 400 and json.loads(text) == {"error": "malformed request"}


@pytest.mark.parametrize(
    "payload",
    ["{not json", "[1, 2]", '"a string"', json.dumps({"type": "block_actions"})],
    ids=["not-json", "json-list", "json-string", "no-actions"],
)
async def test_payload_that_is_not_a_json_object_or_lacks_actions_is_a_400(rolecall: str, payload: str) -> None:
    body = urlencode({"payload": payload})
    status, _, text = await post(rolecall, body, signed_headers(body))
    assert status == 400 and "Traceback" not in text


@pytest.mark.parametrize(
    "actions",
    [[], "share", [None], [{"value": "mle"}], [share_action(42)], [share_action(["mle"])], [share_action(None)]],
    ids=["empty", "string", "null-action", "no-action-id", "int-value", "list-value", "null-value"],
)
async def test_odd_actions_are_a_400_and_the_bot_keeps_answering(fake: FakeSlack, rolecall: str, actions: Any) -> None:
    body = urlencode({"payload": json.dumps(actions_payload(fake, actions))})
    status, _, text = await post(rolecall, body, signed_headers(body))
    assert status == 400 and json.loads(text) == {"error": "malformed request"}
    await asyncio.sleep(0.05)
    assert fake.responses == []  # nothing was acked and then attempted
    ok = slash_command_body("mle")
    assert (await post(rolecall, ok, signed_headers(ok)))[0] == 200


# -- the share path -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["admin status", "admin content", "help", ""])
async def test_share_refuses_private_kinds_whatever_the_value_says(fake: FakeSlack, rolecall: str, value: str) -> None:
    body = urlencode({"payload": json.dumps(actions_payload(fake, [share_action(value)]))})
    status, _, _ = await post(rolecall, body, signed_headers(body))
    assert status == 200
    for _ in range(300):
        if fake.responses:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    assert [r.get("response_type") for r in fake.responses] == ["ephemeral"]
    assert fake.responses[0]["text"] == "That answer cannot be shared."


# -- one verification, one parse ------------------------------------------------------------------------------


def test_the_route_cannot_be_mounted_without_the_signing_secret(fake: FakeSlack) -> None:
    from aiohttp import web
    from test_slack import slack_settings

    from bot.slack.app import build_app
    from bot.slack.http import slack_routes
    from handlers import Handlers

    settings = slack_settings(fake).slack
    assert settings is not None
    bolt = build_app(Handlers(lambda: None), settings, "http")  # type: ignore[arg-type,return-value]
    with pytest.raises(ValueError, match="signing secret"):
        slack_routes(web.Application(), bolt, "")


@pytest.mark.parametrize(
    "body",
    [
        slash_command_body("mle vs ds", user_id=MEMBER),
        urlencode({"payload": json.dumps({"type": "block_actions", "actions": [share_action("mle")]})}),
    ],
)
def test_a_verified_request_is_the_request_bolt_would_build(body: str) -> None:
    from slack_bolt.request.async_request import AsyncBoltRequest
    from slack_bolt.request.internals import build_normalized_headers, extract_content_type, parse_body

    from bot.slack.http import verified_request

    headers = build_normalized_headers(signed_headers(body))  # type: ignore[arg-type]
    ours = verified_request(body, parse_body(body, extract_content_type(headers)), "a=1", headers)
    bolts = AsyncBoltRequest(body=body, query="a=1", headers=headers)  # type: ignore[arg-type]
    assert (ours.raw_body, ours.body, ours.query, ours.headers, ours.content_type, ours.mode) == (
        bolts.raw_body,
        bolts.body,
        bolts.query,
        bolts.headers,
        bolts.content_type,
        bolts.mode,
    )
    assert dict(ours.context) == dict(bolts.context)
    copy = ours.to_copyable()  # what lazy listeners (the share button) get
    assert (copy.raw_body, copy.body, copy.mode) == (bolts.raw_body, bolts.body, "http")
