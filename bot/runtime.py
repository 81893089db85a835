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
        self.store = None
        self.discord = None
        self._discord_task: asyncio.Task | None = None

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
        if self.options.tips or self.settings.discord is not None:
            from scheduler.setup import open_store

            self.store = open_store(self.settings)
        if self.settings.discord is not None:
            await self._start_discord()
        if self.options.tips:
            from scheduler.console import ConsolePoster
            from scheduler.jobs import TipScheduler
            from scheduler.setup import build_tips

            console = not self.settings.platforms
            posters = {**self.posters, "console": ConsolePoster()} if console else dict(self.posters)
            self.tips = build_tips(self.settings, self.handlers, posters, console, self.store)  # type: ignore[arg-type]
            self._tip_scheduler = TipScheduler(self.tips)
            await self._tip_scheduler.start()
        self.ready = True

    async def _start_discord(self) -> None:
        """Log in (which syncs commands to DISCORD_GUILD_ID if they changed), connect, wait for READY."""
        from bot.discord.app import RoleCallClient, point_at
        from bot.discord.poster import DiscordPoster

        settings = self.settings.discord
        assert settings is not None
        point_at(settings)
        self.discord = RoleCallClient(self.handlers, settings, state=self.store)
        await self.discord.login(settings.token.get_secret_value())
        self._discord_task = asyncio.create_task(self.discord.connect(reconnect=True))
        ready = asyncio.create_task(self.discord.wait_until_ready())
        await asyncio.wait({ready, self._discord_task}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
            if self._discord_task.done() and self._discord_task.exception() is not None:
                raise self._discord_task.exception()  # type: ignore[misc]
            raise TimeoutError("the Discord gateway did not become ready within 60 s")
        self.posters["discord"] = DiscordPoster(self.discord)
        log.info("discord: connected as %s", self.discord.user)

    async def stop(self) -> None:
        """Stop taking requests and close every connection."""
        self.ready = False
        if self._tip_scheduler is not None:
            self._tip_scheduler.stop()
        if self.discord is not None:
            await self.discord.close()
        if self._discord_task is not None:
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(self._discord_task, timeout=5)
        if self._socket_handler is not None:
            with contextlib.suppress(Exception):
                await self._socket_handler.close_async()
        if self._runner is not None:
            await self._runner.cleanup()
        if self.store is not None:
            self.store.close()

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
