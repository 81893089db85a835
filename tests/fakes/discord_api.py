"""A fake Discord on 127.0.0.1: the REST routes and the gateway protocol discord.py uses.

Shapes follow Discord's documented payloads; only what RoleCall exercises is served. Responses carry
Content-Type exactly 'application/json' (discord.py treats 'application/json; charset=utf-8' as text).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = "100000000000000001"
BOT_ID = "100000000000000002"
GUILD_ID = "100000000000000003"
CHANNEL_ID = "100000000000000004"
MOD_ROLE_ID = "100000000000000005"
THREAD_ID = "100000000000000006"  # a public thread in CHANNEL_ID
DM_CHANNEL_ID = "100000000000000007"
MANAGE_GUILD = 1 << 5
ALL_BUT_MANAGE = 0x7FFFFFFFF & ~MANAGE_GUILD

BOT_USER = {
    "id": BOT_ID,
    "username": "RoleCall",
    "discriminator": "0",
    "global_name": None,
    "avatar": None,
    "bot": True,
    "flags": 0,
}


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def role(role_id: str, name: str) -> dict[str, Any]:
    return {
        "id": role_id,
        "name": name,
        "permissions": "0",
        "position": 0,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def member(user_id: str, permissions: int = ALL_BUT_MANAGE, roles: tuple[str, ...] = ()) -> dict[str, Any]:
    user = {"id": user_id, "username": f"user{user_id[-3:]}", "discriminator": "0", "global_name": None, "avatar": None}
    return {
        "user": user,
        "roles": list(roles),
        "permissions": str(permissions),
        "joined_at": "2026-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "nick": None,
        "avatar": None,
    }


@dataclass
class FakeDiscord:
    """Start with ``await fake.start()``; point discord.py at ``api_url`` and ``gateway_url``."""

    callbacks: list[dict[str, Any]] = field(default_factory=list)  # callback bodies: type 4, 7, 8 with their data
    # The message each callback created (type 4) or updated (type 7), in step with ``callbacks``; None for others.
    responses: list[dict[str, Any] | None] = field(default_factory=list)
    interactions: dict[str, dict[str, Any]] = field(default_factory=dict)  # INTERACTION_CREATE payloads by id
    command_puts: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    message_attempts: int = 0
    failures: list[tuple[int, dict[str, str], dict[str, Any]]] = field(default_factory=list)
    hold_messages: asyncio.Event | None = None  # accept a message at once, answer only when this is set
    history_status: int | None = None  # e.g. 403: GET channel messages fails (no Read Message History)
    identifies: int = 0
    identify_payloads: list[dict[str, Any]] = field(default_factory=list)  # the IDENTIFY 'd' objects received
    reject_login: bool = False  # answer GET /users/@me with 401, as for a wrong token
    reject_identify: bool = False  # close the gateway with 4004 (authentication failed), as for a revoked token
    resumes: int = 0
    url: str = ""
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _seq: itertools.count = field(default_factory=lambda: itertools.count(1))
    _ids: itertools.count = field(default_factory=lambda: itertools.count(200000000000000000))
    _runner: web.AppRunner | None = None

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/gateway"

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/api/v10/users/@me", self._me)
        app.router.add_get("/api/v10/oauth2/applications/@me", self._application)
        app.router.add_put("/api/v10/applications/{app}/commands", self._commands)
        app.router.add_put("/api/v10/applications/{app}/guilds/{guild}/commands", self._commands)
        app.router.add_post("/api/v10/interactions/{id}/{token}/callback", self._callback)
        app.router.add_post("/api/v10/channels/{channel}/messages", self._message)
        app.router.add_get("/api/v10/channels/{channel}/messages", self._history)
        app.router.add_get("/gateway", self._gateway)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def close(self) -> None:
        for ws in self._sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- REST --------------------------------------------------------------------------------------------------

    async def _me(self, _request: web.Request) -> web.Response:
        if self.reject_login:  # a revoked token fails REST login with 401
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        return _json(BOT_USER)

    async def _application(self, _request: web.Request) -> web.Response:
        return _json(
            {
                "id": APP_ID,
                "name": "RoleCall",
                "icon": None,
                "description": "",
                "rpc_origins": [],
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "owner": BOT_USER,
                "team": None,
                "flags": 0,
                "summary": "",
                "tags": [],
            }
        )

    async def _commands(self, request: web.Request) -> web.Response:
        body = await request.json()
        scope = f"guild:{request.match_info['guild']}" if "guild" in request.match_info else "global"
        self.command_puts.append((scope, body))
        return _json(
            [{**command, "id": str(next(self._ids)), "application_id": APP_ID, "version": "1"} for command in body]
        )

    async def _callback(self, request: web.Request) -> web.Response:
        """Record the response; answer as Discord does with ``with_response``: the interaction and, for a message
        response (4) or a message update (7), the message as it now is."""
        body = await request.json()
        interaction = self.interactions.get(request.match_info["id"], {})
        data = body.get("data") or {}
        message = None
        if body.get("type") == 4:  # CHANNEL_MESSAGE_WITH_SOURCE: a new message, ephemeral with flags 64
            kind = 20 if interaction.get("type") == 2 else 0  # CHAT_INPUT_COMMAND for a slash command's answer
            message = bot_message(interaction.get("channel_id", CHANNEL_ID), data, kind, str(next(self._ids)))
        elif body.get("type") == 7 and interaction.get("message"):  # UPDATE_MESSAGE: the clicked message, edited
            message = {**interaction["message"]}
            message.update({key: data[key] for key in ("content", "embeds", "components") if key in data})
        self.callbacks.append(body)
        self.responses.append(message)
        info: dict[str, Any] = {
            "id": request.match_info["id"],
            "type": interaction.get("type", 2),
            "response_message_ephemeral": bool((message or data).get("flags", 0) & 64),
        }
        if message is None:
            return _json({"interaction": info})
        info["response_message_id"] = message["id"]
        return _json({"interaction": info, "resource": {"type": body["type"], "message": message}})

    async def _message(self, request: web.Request) -> web.Response:
        self.message_attempts += 1
        if self.failures:
            status, headers, payload = self.failures.pop(0)
            return _json(payload, status, headers)
        body = await request.json()
        channel = request.match_info["channel"]
        if body.get("enforce_nonce") and body.get("nonce") is not None:
            # Discord: the same nonce from the same author within a few minutes returns the first message.
            for seen in self.messages:
                if seen["response"]["channel_id"] == channel and seen["request"].get("nonce") == body["nonce"]:
                    return _json(seen["response"])
        message = bot_message(channel, {**body, "flags": 0}, 0, str(next(self._ids)))
        if body.get("nonce") is not None:
            message["nonce"] = body["nonce"]
        self.messages.append({"request": body, "response": message})
        if self.hold_messages is not None:
            await self.hold_messages.wait()  # created already; the answer is late
        return _json(message)

    async def _history(self, request: web.Request) -> web.Response:
        """GET channel messages: newest first, at most ``limit`` (nonces are not part of stored messages)."""
        if self.history_status is not None:
            return _json({"message": "Missing Access", "code": 50001}, self.history_status)
        channel = request.match_info["channel"]
        limit = int(request.query.get("limit", 50))
        found = [m["response"] for m in reversed(self.messages) if m["response"]["channel_id"] == channel]
        return _json([{k: v for k, v in m.items() if k != "nonce"} for m in found[:limit]])

    # -- gateway -----------------------------------------------------------------------------------------------

    async def _send(self, ws: web.WebSocketResponse, event: str, data: Any) -> None:
        await ws.send_str(json.dumps({"op": 0, "t": event, "s": next(self._seq), "d": data}))

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            op = payload.get("op")
            if op == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif op == 2 and self.reject_identify:
                await ws.close(code=4004, message=b"Authentication failed.")
            elif op == 2:
                self.identifies += 1
                self.identify_payloads.append(payload["d"])
                await self._send(
                    ws,
                    "READY",
                    {
                        "v": 10,
                        "user": BOT_USER,
                        "guilds": [{"id": GUILD_ID, "unavailable": True}],
                        "session_id": f"session-{self.identifies}",
                        "resume_gateway_url": self.gateway_url,
                        "application": {"id": APP_ID, "flags": 0},
                        "private_channels": [],
                        "relationships": [],
                    },
                )
                await self._send(ws, "GUILD_CREATE", self.guild())
            elif op == 6:
                self.resumes += 1
                await self._send(ws, "RESUMED", {})
        return ws

    def guild(self) -> dict[str, Any]:
        return {
            "id": GUILD_ID,
            "name": "Community",
            "icon": None,
            "owner_id": "100000000000000099",
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [role(GUILD_ID, "@everyone"), role(MOD_ROLE_ID, "Moderators")],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_flags": 0,
            "premium_tier": 0,
            "nsfw_level": 0,
            "preferred_locale": "en-US",
            "unavailable": False,
            "member_count": 3,
            "large": False,
            "joined_at": "2026-01-01T00:00:00+00:00",
            "members": [],
            "voice_states": [],
            "presences": [],
            "threads": [
                {
                    "id": THREAD_ID,
                    "type": 11,
                    "guild_id": GUILD_ID,
                    "parent_id": CHANNEL_ID,
                    "owner_id": "100000000000000010",
                    "name": "mle or ds?",
                    "last_message_id": None,
                    "rate_limit_per_user": 0,
                    "message_count": 1,
                    "member_count": 1,
                    "flags": 0,
                    "thread_metadata": {
                        "archived": False,
                        "auto_archive_duration": 1440,
                        "archive_timestamp": "2026-01-01T00:00:00+00:00",
                        "locked": False,
                    },
                }
            ],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "channels": [
                {
                    "id": CHANNEL_ID,
                    "type": 0,
                    "name": "general",
                    "position": 0,
                    "permission_overwrites": [],
                    "nsfw": False,
                    "parent_id": None,
                    "guild_id": GUILD_ID,
                }
            ],
        }

    async def drop_connection(self) -> None:
        """Close the gateway socket with a resumable code, as Discord does during maintenance."""
        await self._sockets[-1].close(code=4000, message=b"reconnect")

    async def message_create(self, payload: dict[str, Any]) -> None:
        """Dispatch a MESSAGE_CREATE gateway event (see ``message_event``)."""
        await self._send(self._sockets[-1], "MESSAGE_CREATE", payload)

    async def wait_messages(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """The POST /channels/{id}/messages records once there are ``count``."""
        for _ in range(int(timeout / 0.01)):
            if len(self.messages) >= count:
                return self.messages
            await asyncio.sleep(0.01)
        raise AssertionError(f"{len(self.messages)} messages posted, wanted {count}")

    async def interaction(self, payload: dict[str, Any]) -> None:
        """Dispatch an INTERACTION_CREATE; the callback route finds it by id (e.g. the message a type 7 edits)."""
        self.interactions[payload["id"]] = payload
        await self._send(self._sockets[-1], "INTERACTION_CREATE", payload)

    async def wait_callbacks(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        for _ in range(int(timeout / 0.01)):
            if len(self.callbacks) >= count:
                return self.callbacks
            await asyncio.sleep(0.01)
        raise AssertionError(f"{len(self.callbacks)} interaction callbacks, wanted {count}")


def bot_message(channel_id: str, data: dict[str, Any], kind: int, message_id: str) -> dict[str, Any]:
    """A message RoleCall sent, as Discord returns it: ``data`` is the create-message or callback ``data`` object
    (content, embeds, components, flags 64 for ephemeral)."""
    return {
        "id": message_id,
        "channel_id": channel_id,
        "type": kind,
        "content": data.get("content") or "",
        "embeds": data.get("embeds", []),
        "author": BOT_USER,
        "attachments": [],
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": False,
        "timestamp": "2026-06-01T09:00:00+00:00",
        "edited_timestamp": None,
        "flags": data.get("flags") or 0,
        "components": data.get("components", []),
    }


_interaction_ids = itertools.count(500000000000000000)


def _interaction(
    interaction_id: str, interaction_type: int, channel_id: str, member_payload: dict[str, Any] | None
) -> dict[str, Any]:
    """The fields every INTERACTION_CREATE in the guild's text channel carries, as Discord documents them."""
    return {
        "id": interaction_id,
        "application_id": APP_ID,
        "type": interaction_type,
        "token": f"token-{interaction_id}",
        "version": 1,
        "attachment_size_limit": 8388608,
        "guild_id": GUILD_ID,
        "channel_id": channel_id,
        "channel": {
            "id": channel_id,
            "type": 0,
            "name": "general",
            "guild_id": GUILD_ID,
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
        },
        "member": member_payload or member("100000000000000010"),
        "locale": "en-US",
        "guild_locale": "en-US",
        "app_permissions": "0",
        "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD_ID},
        "context": 0,
    }


def component_interaction(
    message: dict[str, Any],
    custom_id: str,
    *,
    values: list[str] | None = None,
    member_payload: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A MESSAGE_COMPONENT (type 3) INTERACTION_CREATE payload: a click on a button (component_type 2) of
    ``message``, or a choice in its string select (component_type 3, ``values`` given). ``message`` is the message
    object as Discord stores it (``FakeDiscord.responses`` or a posted message's response), flags 64 if ephemeral."""
    interaction_id = str(next(_interaction_ids))
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": 2 if values is None else 3}
    if values is not None:
        data["values"] = values
    channel_id = message.get("channel_id", CHANNEL_ID)
    payload = _interaction(interaction_id, 3, channel_id, member_payload)
    return {**payload, "message": message, "data": data}


def command_interaction(
    subcommand: str,
    options: dict[str, Any],
    *,
    name: str = "rolecall",
    interaction_type: int = 2,
    focused: str | None = None,
    member_payload: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload for `/rolecall <subcommand>` (type 2) or its autocomplete (type 4)."""
    sub_options = []
    for key, value in options.items():
        option = {"name": key, "type": 5 if isinstance(value, bool) else 3, "value": value}
        if key == focused:
            option["focused"] = True
        sub_options.append(option)
    interaction_id = str(300000000000000000 + len(subcommand) * 1000 + len(json.dumps(options)))
    return {
        **_interaction(interaction_id, interaction_type, CHANNEL_ID, member_payload),
        "data": {
            "id": "100000000000000020",
            "name": name,
            "type": 1,
            "options": [{"name": subcommand, "type": 1, "options": sub_options}],
        },
    }


_message_ids = itertools.count(400000000000000000)


def message_event(
    content: str,
    *,
    author_id: str = "100000000000000010",
    bot: bool = False,
    channel_id: str = CHANNEL_ID,
    dm: bool = False,
    mentions: tuple[dict[str, Any], ...] | None = None,
    mention_everyone: bool = False,
) -> dict[str, Any]:
    """A MESSAGE_CREATE payload as Discord documents it. ``mentions`` defaults to the users ``<@ID>`` names in
    ``content`` (the bot's user object for BOT_ID). A DM has no ``guild_id`` or ``member``."""
    if mentions is None:
        found = re.findall(r"<@!?(\d+)>", content)
        mentions = tuple(BOT_USER if uid == BOT_ID else member(uid)["user"] for uid in dict.fromkeys(found))
    author = BOT_USER if author_id == BOT_ID else {**member(author_id)["user"], "bot": bot}
    payload: dict[str, Any] = {
        "id": str(next(_message_ids)),
        "channel_id": DM_CHANNEL_ID if dm else channel_id,
        "author": author,
        "content": content,
        "timestamp": "2026-06-01T09:00:00+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": mention_everyone,
        "mentions": list(mentions),
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
        "flags": 0,
        "components": [],
    }
    if not dm:
        payload["guild_id"] = GUILD_ID
        member_data = member(author_id)
        del member_data["user"]  # MESSAGE_CREATE's member is partial: the user is the author
        payload["member"] = member_data
    return payload
