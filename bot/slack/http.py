"""HTTP mode: Slack's Events API (slash commands, actions, events) at /slack/events, plus /healthz."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

EVENTS_PATH = "/slack/events"


def health_routes(app: web.Application, ready: Callable[[], bool]) -> None:
    """GET /healthz: 200 once the process is ready to answer, 503 before."""

    async def healthz(_request: web.Request) -> web.Response:
        ok = ready()
        return web.json_response({"ok": ok}, status=200 if ok else 503)

    app.router.add_get("/healthz", healthz)


def slack_routes(app: web.Application, bolt: AsyncApp) -> None:
    """POST /slack/events: bolt verifies the signature and dispatches."""

    async def events(request: web.Request) -> web.Response:
        response = await bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    app.router.add_post(EVENTS_PATH, events)
