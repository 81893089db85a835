"""A fake Slack on 127.0.0.1: the Web API methods RoleCall calls, response_url, and the Socket Mode WebSocket.

It speaks Slack's documented wire format and records what arrives, so tests assert on what Slack would receive.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import WSMsgType, web

SIGNING_SECRET = "test-signing-secret"


def signed_headers(body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Headers exactly as Slack signs a request: v0 HMAC-SHA256 over 'v0:{timestamp}:{body}'."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def slash_command_body(text: str, user_id: str = "U111", command: str = "/rolecall", response_url: str = "") -> str:
    """The form-encoded fields Slack posts for a slash command."""
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": "T0001",
            "team_domain": "community",
            "channel_id": "C0001",
            "channel_name": "general",
            "user_id": user_id,
            "user_name": "member",
            "command": command,
            "text": text,
            "api_app_id": "A0001",
            "is_enterprise_install": "false",
            "response_url": response_url or "https://hooks.slack.invalid/commands/1/2/3",
            "trigger_id": "1.2.3",
        }
    )


def event_body(event: dict[str, Any], event_id: str = "Ev0001", bot_user_id: str = "UBOT") -> str:
    """An Events API ``event_callback`` envelope, as Slack posts it to the request URL (JSON)."""
    return json.dumps(
        {
            "token": "legacy-verification-token",
            "team_id": "T0001",
            "api_app_id": "A0001",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"enterprise_id": None, "team_id": "T0001", "user_id": bot_user_id, "is_bot": True}],
            "is_ext_shared_channel": False,
            "event_context": "4-fake",
        }
    )


def _user_event(kind: str, text: str, user: str, channel: str, ts: str) -> dict[str, Any]:
    """The fields every event a member's message causes carries."""
    return {"type": kind, "user": user, "text": text, "ts": ts, "channel": channel, "event_ts": ts, "team": "T0001"}


def mention_event(
    text: str, user: str = "U111", channel: str = "C0001", ts: str = "1700000100.000100", thread_ts: str | None = None
) -> dict[str, Any]:
    """An ``app_mention`` event: the text still holds the mention, as Slack sends it."""
    event = _user_event("app_mention", text, user, channel, ts)
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    return event


def dm_event(text: str, user: str = "U111", channel: str = "D0001", ts: str = "1700000200.000200") -> dict[str, Any]:
    """A ``message.im`` event: a ``message`` with ``channel_type: im``."""
    return {**_user_event("message", text, user, channel, ts), "channel_type": "im"}


@dataclass
class Call:
    """One request that reached the fake Web API."""

    method: str
    body: dict[str, Any]
    status: int


@dataclass
class FakeSlack:
    """Start with ``await fake.start()``; ``fake.api_url`` is what SLACK_API_URL would be."""

    calls: list[Call] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)  # what arrived at response_url
    failures: dict[str, list[tuple[int, dict[str, str], dict[str, Any]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # Set to an unset asyncio.Event to accept chat.postMessage at once but answer only when it is set.
    hold_posts: asyncio.Event | None = None
    history_error: str | None = None  # e.g. 'missing_scope': conversations.history fails as Slack does
    history: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))  # newest last
    to_socket: asyncio.Queue = field(default_factory=asyncio.Queue)
    from_socket: asyncio.Queue = field(default_factory=asyncio.Queue)
    url: str = ""
    socket_url: str = ""  # what apps.connections.open hands out instead of this server's /socket (unreachable tests)
    _runner: web.AppRunner | None = None
    _ts: int = 0

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def accepted(self, method: str) -> list[dict[str, Any]]:
        """Bodies of successful calls to ``method``."""
        return [c.body for c in self.calls if c.method == method and c.status == 200]

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # slack-sdk reads conversations.history with GET
        app.router.add_post("/response/{id}", self._response_url)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Wait until ``count`` successful calls to ``method`` arrived (events are handled after the ack)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.accepted(method)) < count:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{method} was called {len(self.accepted(method))} times, wanted {count}")
            await asyncio.sleep(0.01)
        return self.accepted(method)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.method == "GET":
            body = dict(request.query)
        elif request.content_type == "application/json":
            body = await request.json()
        else:
            body = dict(await request.post())
        if self.failures[method]:
            status, headers, payload = self.failures[method].pop(0)
            self.calls.append(Call(method, body, status))
            return web.Response(
                status=status, headers=headers, text=json.dumps(payload), content_type="application/json"
            )
        if method == "conversations.history" and self.history_error is not None:
            self.calls.append(Call(method, body, 200))
            needed = "channels:history,groups:history"
            return web.json_response({"ok": False, "error": self.history_error, "needed": needed})
        self.calls.append(Call(method, body, 200))
        answer = self._answer(method, body)
        if method == "chat.postMessage" and self.hold_posts is not None:
            await self.hold_posts.wait()  # the post is in the channel already; the answer is late
        return web.json_response(answer)

    def _answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://community.slack.invalid/",
                "team": "Community",
                "user": "rolecall",
                "team_id": "T0001",
                "user_id": "UBOT",
                "bot_id": "BBOT",
                "is_enterprise_install": False,
            }
        if method == "chat.postMessage":
            self._ts += 1
            ts = f"1700000000.{self._ts:06d}"
            stored = {"type": "message", "ts": ts, "text": body.get("text", ""), "bot_id": "BBOT", "user": "UBOT"}
            if body.get("metadata"):
                metadata = body["metadata"]
                stored["metadata"] = json.loads(metadata) if isinstance(metadata, str) else metadata
            self.history[str(body.get("channel"))].append(stored)
            return {"ok": True, "channel": body.get("channel"), "ts": ts}
        if method == "chat.postEphemeral":
            # Shown to one user only and never stored in the channel's history, as Slack documents.
            self._ts += 1
            return {"ok": True, "message_ts": f"1700000000.{self._ts:06d}"}
        if method == "conversations.history":
            # Newest first; metadata only with include_all_metadata, as Slack documents.
            with_metadata = str(body.get("include_all_metadata", "")).lower() in ("true", "1")
            limit = int(body.get("limit", 100))
            found = list(reversed(self.history[str(body.get("channel"))]))[:limit]
            if not with_metadata:
                found = [{k: v for k, v in m.items() if k != "metadata"} for m in found]
            return {"ok": True, "messages": found, "has_more": False}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url or self.url.replace("http://", "ws://") + "/socket"}
        if method == "views.publish":
            return {"ok": True, "view": {"id": "V0001", **(body.get("view") or {})}}
        return {"ok": False, "error": "unknown_method"}

    async def _response_url(self, request: web.Request) -> web.Response:
        self.responses.append(await request.json())
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "connection_info": {"app_id": "A0001"},
                "debug_info": {"host": "fake", "approximate_connection_time": 3600},
            }
        )

        async def pump() -> None:
            while True:
                await ws.send_json(await self.to_socket.get())

        sender = asyncio.create_task(pump())
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    await self.from_socket.put(json.loads(msg.data))
        finally:
            sender.cancel()
        return ws


def actions_payload(fake: FakeSlack, actions: Any) -> dict[str, Any]:
    """A ``block_actions`` interaction as Slack sends it, with this fake's response_url."""
    return {
        "type": "block_actions",
        "user": {"id": "U111", "username": "member", "team_id": "T0001"},
        "api_app_id": "A0001",
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": "1.2", "channel_id": "C0001", "is_ephemeral": True},
        "trigger_id": "1.2.3",
        "team": {"id": "T0001", "domain": "community"},
        "channel": {"id": "C0001", "name": "general"},
        "response_url": f"{fake.url}/response/1",
        "actions": actions,
    }
