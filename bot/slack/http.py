"""HTTP mode: Slack's Events API (slash commands, actions, events) at /slack/events, plus /healthz.

The route checks the signature and the shape of every request before bolt sees it: an unverified request is
refused with 401 without its body ever reaching a log line, and a malformed signed one gets 400 instead of a
traceback (bolt parses bodies and payloads without guarding against bad UTF-8, bad JSON or odd actions).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import build_normalized_headers, extract_content_type, parse_body

EVENTS_PATH = "/slack/events"
MAX_SKEW_SECONDS = 300  # Slack's documented replay window, the same as slack_sdk's SignatureVerifier

log = logging.getLogger("rolecall.slack.http")


def health_routes(app: web.Application, ready: Callable[[], bool]) -> None:
    """GET /healthz: liveness. 200 once the process has started, whatever the database's state."""

    async def healthz(_request: web.Request) -> web.Response:
        ok = ready()
        return web.json_response({"ok": ok}, status=200 if ok else 503)

    app.router.add_get("/healthz", healthz)


def signature_ok(secret: str, raw: bytes, timestamp: str, signature: str, now: float | None = None) -> bool:
    """Slack's v0 scheme over the raw bytes, so an undecodable or oddly stamped body is simply invalid."""
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > MAX_SKEW_SECONDS:
        return False
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def malformed(body: Any) -> str | None:
    """Why a parsed, signed body cannot be handled, or None. Only shapes RoleCall's listeners rely on."""
    if not isinstance(body, dict):
        return "the payload is not a JSON object"
    if body.get("type") == "block_actions":
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions:
            return "block_actions without actions"
        for action in actions:
            if not isinstance(action, dict) or not isinstance(action.get("action_id"), str):
                return "an action without an action_id"
            if "value" in action and not isinstance(action["value"], str):
                return "an action value that is not a string"
    return None


def _refuse(status: int, error: str) -> web.Response:
    return web.json_response({"error": error}, status=status)


def verified_request(
    text: str, body: dict[str, Any], query: str, headers: dict[str, Sequence[str]]
) -> AsyncBoltRequest:
    """A bolt request for a body this route has already verified and parsed, so bolt does not parse it again.

    bolt takes an already parsed body only as a Socket Mode request; it is then an HTTP request with its raw body
    again, exactly as bolt would have built it from ``text`` (lazy listeners copy it from the raw body).
    """
    request = AsyncBoltRequest(body=body, query=query, headers=headers, mode="socket_mode")
    request.raw_body, request.mode = text, "http"
    return request


def slack_routes(app: web.Application, bolt: AsyncApp, signing_secret: str) -> None:
    """POST /slack/events: verify, check the shape, then let bolt dispatch.

    This route is the only way into ``bolt`` in HTTP mode, and it verifies every request, so the app is built with
    bolt's own check off (``build_app(..., "http")``): one HMAC per request instead of two.
    """
    if not signing_secret:
        raise ValueError("the Slack events route needs the signing secret: it is what verifies requests")

    async def events(request: web.Request) -> web.Response:
        raw = await request.read()
        if not signature_ok(
            signing_secret,
            raw,
            request.headers.get("X-Slack-Request-Timestamp", ""),
            request.headers.get("X-Slack-Signature", ""),
        ):
            return _refuse(401, "invalid request")  # the same answer bolt gives, and nothing logged
        headers = build_normalized_headers(request.headers)  # type: ignore[arg-type]
        try:
            text = raw.decode("utf-8")
            # Parsed once, here, exactly as bolt parses it (its own request object assumes a JSON object).
            body = parse_body(text, extract_content_type(headers))
            problem = malformed(body)
        except ValueError:  # UnicodeDecodeError and json.JSONDecodeError are both ValueErrors
            problem = "undecodable body or payload"
        if problem is not None:
            log.warning("slack request refused: %s", problem)
            return _refuse(400, "malformed request")
        bolt_request = verified_request(text, body, request.query_string, headers)
        try:
            response = await bolt.async_dispatch(bolt_request)
        except Exception as exc:  # never a traceback to the caller; the log names the error type, not the body
            log.error("slack request failed: %s", type(exc).__name__)
            return _refuse(500, "internal error")
        return await to_aiohttp_response(response)

    app.router.add_post(EVENTS_PATH, events)
