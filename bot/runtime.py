"""The long-running process: start the configured adapters in one event loop and stop them cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass

from aiohttp import web

from bot.config import Settings
from handlers import Handlers

log = logging.getLogger("rolecall")


@dataclass(frozen=True)
class RunOptions:
    """Command-line choices for `rolecall run`."""

    slack_mode: str | None = None  # 'socket' or 'http'; default from settings
    host: str = "0.0.0.0"
    port: int | None = None
    tips: bool = True  # run the weekly tip scheduler


class Runtime:
    """Owns the adapters and the HTTP server; ``start`` then ``stop``, or ``run_until_signal``."""

    def __init__(self, settings: Settings, handlers: Handlers, options: RunOptions) -> None:
        self.settings = settings
        self.handlers = handlers
        self.options = options
        self.ready = False
        self.web: web.Application | None = None
        self._runner: web.AppRunner | None = None
        self._socket_handler = None
        self.bolt = None
        self.posters: dict[str, object] = {}
        self.port: int | None = None
        self.tips = None
        self._tip_scheduler = None

    def slack_mode(self) -> str | None:
        """The Slack transport this process uses, or None without Slack."""
        if self.settings.slack is None:
            return None
        return self.options.slack_mode or self.settings.slack.default_mode

    def check(self) -> list[str]:
        """Problems that only show once settings meet command-line options."""
        problems = []
        slack, mode = self.settings.slack, self.slack_mode()
        if slack is not None and mode == "http" and slack.signing_secret is None:
            problems.append("--slack-mode http needs SLACK_SIGNING_SECRET")
        if slack is not None and mode == "socket" and slack.app_token is None:
            problems.append("--slack-mode socket needs SLACK_APP_TOKEN")
        if mode == "http" and self.options.port is None:
            problems.append("--slack-mode http needs --port (or PORT)")
        return problems

    async def start(self) -> None:
        """Start every configured adapter; return once they are connected or listening."""
        slack = self.settings.slack
        mode = self.slack_mode()
        if slack is not None:
            from bot.slack.app import build_app
            from bot.slack.poster import SlackPoster

            self.bolt = build_app(self.handlers, slack, mode or "socket")
            # Fail fast on a wrong token or an unreachable Slack: Socket Mode alone would retry forever.
            identity = await self.bolt.client.auth_test()
            log.info("slack: connected as %s in team %s", identity.get("user_id"), identity.get("team_id"))
            self.posters["slack"] = SlackPoster(self.bolt.client)
        if self.options.port is not None:
            from bot.slack.http import health_routes, slack_routes

            self.web = web.Application()
            health_routes(self.web, lambda: self.ready)
            if self.bolt is not None and mode == "http":
                slack_routes(self.web, self.bolt)
            self._runner = web.AppRunner(self.web, access_log=None)
            await self._runner.setup()
            site = web.TCPSite(self._runner, self.options.host, self.options.port)
            await site.start()
            self.port = self._runner.addresses[0][1]
            log.info("http server on %s:%s", self.options.host, self.port)
        if self.bolt is not None and mode == "socket" and slack is not None and slack.app_token is not None:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            self._socket_handler = AsyncSocketModeHandler(
                self.bolt, slack.app_token.get_secret_value(), web_client=self.bolt.client
            )
            await self._socket_handler.connect_async()
            log.info("slack socket mode connected")
        if self.options.tips:
            from scheduler.console import ConsolePoster
            from scheduler.jobs import TipScheduler
            from scheduler.setup import build_tips

            console = not self.settings.platforms
            posters = {**self.posters, "console": ConsolePoster()} if console else dict(self.posters)
            self.tips = build_tips(self.settings, self.handlers, posters, console)  # type: ignore[arg-type]
            self._tip_scheduler = TipScheduler(self.tips)
            await self._tip_scheduler.start()
        self.ready = True

    async def stop(self) -> None:
        """Stop taking requests and close every connection."""
        self.ready = False
        if self._tip_scheduler is not None:
            self._tip_scheduler.stop()
        if self._socket_handler is not None:
            with contextlib.suppress(Exception):
                await self._socket_handler.close_async()
        if self._runner is not None:
            await self._runner.cleanup()
        if self.tips is not None:
            self.tips.store.close()

    async def run_until_signal(self) -> None:
        """Start, wait for SIGTERM or SIGINT, stop."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await self.start()
        log.info("rolecall ready: %s", ", ".join(self.settings.platforms) or "no platform")
        try:
            await stop.wait()
        finally:
            log.info("shutting down")
            await self.stop()
