"""The long-running process: start the configured adapters in one event loop and stop them cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from bot.config import Settings
from handlers import Handlers

if TYPE_CHECKING:  # imported where used, so a process loads only the adapters it runs
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
    from slack_bolt.async_app import AsyncApp

    from bot.discord.app import RoleCallClient
    from operations.journal import Journal
    from operations.metrics import Metrics
    from operations.querylog import QueryLog
    from operations.reload import LibraryHolder
    from scheduler.jobs import TipScheduler
    from scheduler.service import Poster, TipService
    from scheduler.store import Store

log = logging.getLogger("rolecall")

# Errors that retrying cannot fix: the token itself is wrong, revoked or its workspace gone.
PERMANENT_SLACK_ERRORS = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked"})
DISCORD_AUTH_FAILED = 4004  # gateway close code: authentication failed
_SOCKET_BACKOFF = (1.0, 30.0)  # first and longest wait between Socket Mode connection attempts
_STOP_WITHIN = 9.0  # seconds `stop` may take, so SIGTERM ends the process within 10 s


class StartupError(Exception):
    """A start-up failure with one line for the operator, naming the setting to fix, and the exit status."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _slack_token_error(setting: str, error: str) -> StartupError:
    return StartupError(f"{setting}: Slack rejected the token ({error}); copy a current one from the Slack app's page")


class _OneTryWebSockets:
    """Stands in for the socket client's aiohttp session during the first connect, so one failed WebSocket
    handshake ends slack-sdk's connect loop (which otherwise retries the same URL forever, traceback each time)."""

    def __init__(self, session: object, client: object) -> None:
        self._session = session
        self._client = client
        self.failure: BaseException | None = None

    def __getattr__(self, name: str) -> object:
        return getattr(self._session, name)

    async def ws_connect(self, *args: object, **kwargs: object) -> object:
        try:
            return await self._session.ws_connect(*args, **kwargs)  # type: ignore[attr-defined]
        except Exception as exc:
            self.failure = exc
            self._client.closed = True  # type: ignore[attr-defined]  # the loop then returns quietly
            raise


@dataclass(frozen=True)
class RunOptions:
    """Command-line choices for `rolecall run`."""

    slack_mode: str | None = None  # 'socket' or 'http'; default from settings
    host: str = "0.0.0.0"
    port: int | None = None
    tips: bool = True  # run the weekly tip scheduler
    command_log: bool = True  # one log line per command (off for the interactive console, where it would interleave)
    query_log_bound: int = 10_000  # query log and reload rows kept in memory while the database is down
    flush_every: float = 0.5  # seconds between the journal's batched writes


class Runtime:
    """Owns the adapters and the HTTP server; ``start`` then ``stop``, or ``run_until_signal``."""

    def __init__(
        self, settings: Settings, handlers: Handlers, options: RunOptions, holder: LibraryHolder | None = None
    ) -> None:
        self.settings = settings
        self.handlers = handlers
        self.options = options
        self.holder = holder  # a LibraryHolder makes `admin reload` and CONTENT_WATCH possible
        self.metrics: Metrics | None = None
        self.query_log: QueryLog | None = None
        self.journal: Journal | None = None
        self._background: list[asyncio.Task[None]] = []
        self.ready = False
        self.web: web.Application | None = None
        self._runner: web.AppRunner | None = None
        self._socket_handler: AsyncSocketModeHandler | None = None
        self.bolt: AsyncApp | None = None
        self.posters: dict[str, Poster] = {}
        self.port: int | None = None
        self.tips: TipService | None = None
        self._tip_scheduler: TipScheduler | None = None
        self.store: Store | None = None
        self.discord: RoleCallClient | None = None
        self._discord_task: asyncio.Task[None] | None = None

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
            problems.append("--slack-mode http needs --port")
        return problems

    async def start(self) -> None:
        """Start every configured adapter; return once they are connected or listening."""
        from scheduler.setup import open_store

        # The database and the observers first: fail before listening, and log every command from the first one.
        self.store = store = open_store(self.settings.database_url)
        self._start_operations(store)
        slack = self.settings.slack
        mode = self.slack_mode()
        if slack is not None:
            from slack_sdk.errors import SlackApiError

            from bot.slack.app import build_app
            from bot.slack.poster import SlackPoster

            self.bolt = build_app(self.handlers, slack, mode or "socket", store=self.store)
            # Fail fast on a wrong token or an unreachable Slack: Socket Mode alone would retry forever.
            try:
                identity = await self.bolt.client.auth_test()
            except SlackApiError as exc:
                error = str(exc.response.get("error"))
                if error in PERMANENT_SLACK_ERRORS:
                    raise _slack_token_error("SLACK_BOT_TOKEN", error) from None
                raise StartupError(f"SLACK_BOT_TOKEN: Slack's auth.test answered {error}", 1) from None
            log.info("slack: connected as %s in team %s", identity.get("user_id"), identity.get("team_id"))
            self.posters["slack"] = SlackPoster(self.bolt.client)
        if self.options.port is not None:
            from bot.slack.http import health_routes, slack_routes

            self.web = web.Application()
            health_routes(self.web, lambda: self.ready)
            self.web.router.add_get("/readyz", self._readyz)
            self.web.router.add_get("/metrics", self._metrics)
            if self.bolt is not None and mode == "http":
                assert slack is not None and slack.signing_secret is not None  # check() requires it for HTTP mode
                slack_routes(self.web, self.bolt, slack.signing_secret.get_secret_value())
            # On stop: stop listening, then give in-flight requests up to 8 s (the process exits within 10 s).
            self._runner = web.AppRunner(self.web, access_log=None, shutdown_timeout=8.0)
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
            await self._connect_socket()
            log.info("slack socket mode connected")
        if self.settings.discord is not None:
            await self._start_discord()
        if self.options.tips:
            from scheduler.console import ConsolePoster
            from scheduler.jobs import TipScheduler
            from scheduler.setup import build_tips

            console = not self.settings.platforms
            posters = {**self.posters, "console": ConsolePoster()} if console else dict(self.posters)
            self.tips = build_tips(self.settings.tips, store, self.handlers, posters, console)
            self._tip_scheduler = TipScheduler(self.tips)
            await self._tip_scheduler.start()
        if self.holder is not None:
            self.holder.warm_up()  # after listening, so start-up does not wait for it
        self.ready = True

    async def _connect_socket(self) -> None:
        """Open Socket Mode: a rejected app token stops start-up; anything else is retried with backoff."""
        delay = _SOCKET_BACKOFF[0]
        while True:
            problem = await self._socket_attempt()
            if problem is None:
                return
            log.warning("slack socket mode: %s; retrying in %.0f s", problem, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, _SOCKET_BACKOFF[1])

    async def _socket_attempt(self) -> str | None:
        """One connection attempt: None when connected, else what went wrong (never a token or the ticket URL)."""
        import aiohttp
        from slack_sdk.errors import SlackApiError

        client = self._socket_handler.client  # type: ignore[union-attr]
        try:
            opened = await client.web_client.apps_connections_open(app_token=client.app_token)
        except SlackApiError as exc:
            error = str(exc.response.get("error"))
            if error in PERMANENT_SLACK_ERRORS:
                raise _slack_token_error("SLACK_APP_TOKEN", error) from None
            return f"apps.connections.open answered {error}"
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            return f"cannot reach Slack ({type(exc).__name__})"
        client.wss_uri = opened["url"]
        session = client.aiohttp_client_session
        one_try = _OneTryWebSockets(session, client)
        client.aiohttp_client_session = one_try
        try:
            await client.connect()
        finally:
            client.aiohttp_client_session = session
        if one_try.failure is not None:
            client.closed = False
            client.wss_uri = None  # the ticket is single-use: ask for a new one next time
            return f"cannot open the WebSocket ({type(one_try.failure).__name__})"
        return None

    def _start_operations(self, store: Store) -> None:
        """Query log, metrics, the per-command log line, reload and its watcher: observers of the handlers."""
        from operations.journal import Journal
        from operations.logs import command_line
        from operations.metrics import Metrics
        from operations.querylog import QueryLog
        from operations.reload import ContentReloader

        # Commands only queue their log rows; the journal writes them off the request path.
        self.journal = journal = Journal(store, self.options.query_log_bound)
        self._background.append(asyncio.create_task(journal.run(self.options.flush_every)))
        self.query_log = query_log = QueryLog(store, self.settings.query_log_days, journal)
        self.metrics = metrics = Metrics(lambda: self.handlers.library, store, journal)
        self.handlers.observers += [query_log, metrics]
        self.handlers.voters += [query_log.vote, metrics.vote]
        if self.options.command_log:
            self.handlers.observers.append(command_line)
        self.handlers.misses = query_log
        self._background.append(asyncio.create_task(self._purge_query_log(query_log)))
        if self.holder is not None:
            reloader = ContentReloader(self.holder, self.settings.content_dir, store, journal)
            self.handlers.reloader = reloader
            if self.settings.content_watch:
                self._background.append(asyncio.create_task(reloader.watch()))

    async def _purge_query_log(self, query_log: QueryLog) -> None:
        while True:
            try:
                removed = await asyncio.to_thread(query_log.purge)
                if removed:
                    log.info("query log: removed %d entries past retention", removed)
            except Exception:  # a database blip: try again next time
                log.exception("query log purge failed")
            await asyncio.sleep(6 * 3600)

    def readiness(self) -> dict[str, bool | str]:
        """What /readyz reports: content loaded, store 'ok' or 'degraded', every configured adapter connected.

        Blocking (it pings the database): call it from a worker thread.
        """
        checks: dict[str, bool | str] = {"content": self.handlers.library is not None}
        try:
            if self.store is None:
                raise RuntimeError("not started")
            self.store.ping()
            checks["store"] = "ok"
        except Exception:
            checks["store"] = "degraded"
        if self.bolt is not None:
            socket = self._socket_handler
            checks["slack"] = socket is None or bool(socket.client.is_connected())
        if self.settings.discord is not None:
            checks["discord"] = self.discord is not None and self.discord.is_ready() and not self.discord.is_closed()
        return checks

    async def _readyz(self, _request: web.Request) -> web.Response:
        checks = await asyncio.to_thread(self.readiness)
        # A degraded store does not make the process unready: members' answers never need it (README, Operations).
        ok = self.ready and all(value for key, value in checks.items() if key != "store")
        return web.json_response({"ok": ok, **checks}, status=200 if ok else 503)

    async def _metrics(self, _request: web.Request) -> web.Response:
        from operations.metrics import CONTENT_TYPE

        # In a worker thread: the tip gauge reads the database, which must never stall the event loop.
        body = await asyncio.to_thread(self.metrics.render) if self.metrics is not None else b""
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    async def _start_discord(self) -> None:
        """Log in (which syncs commands to DISCORD_GUILD_ID if they changed), connect, wait for READY."""
        import discord

        from bot.discord.app import RoleCallClient, point_at
        from bot.discord.poster import DiscordPoster

        settings = self.settings.discord
        assert settings is not None
        point_at(settings)
        self.discord = RoleCallClient(self.handlers, settings, state=self.store)
        try:
            await self.discord.login(settings.token.get_secret_value())
        except discord.LoginFailure:
            raise _discord_token_error() from None
        self._discord_task = asyncio.create_task(self.discord.connect(reconnect=True))
        ready = asyncio.create_task(self.discord.wait_until_ready())
        await asyncio.wait({ready, self._discord_task}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
            if self._discord_task.done() and self._discord_task.exception() is not None:
                raise _discord_failure(self._discord_task.exception())  # type: ignore[arg-type]
            raise TimeoutError("the Discord gateway did not become ready within 60 s")
        self.posters["discord"] = DiscordPoster(self.discord)
        log.info("discord: connected as %s", self.discord.user)

    async def stop(self) -> None:
        """Stop taking requests and close every connection."""
        self.ready = False
        for task in self._background:
            task.cancel()
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
        if self.journal is not None and self.journal.pending:
            # The rows still queued: written if the database answers within a few seconds, else lost (and logged).
            try:
                await asyncio.wait_for(asyncio.to_thread(self.journal.flush), timeout=5)
            except Exception as exc:
                log.warning("%d query log rows not written at shutdown (%s)", self.journal.pending, type(exc).__name__)
        if self.store is not None:
            self.store.close()

    async def run_until_signal(self) -> None:
        """Start, wait for SIGTERM or SIGINT, stop. A signal during start-up (connecting, retrying) stops too,
        and a permanent adapter failure later (Discord's 4004) ends the run with a StartupError."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        signalled = asyncio.create_task(stop.wait())
        starting = asyncio.create_task(self.start())
        try:
            await asyncio.wait({starting, signalled}, return_when=asyncio.FIRST_COMPLETED)
            if not starting.done():
                starting.cancel()
                with contextlib.suppress(BaseException):
                    await starting
                return
            starting.result()  # start-up errors propagate (after the resources opened so far are closed)
            log.info("rolecall ready: %s", ", ".join(self.settings.platforms) or "no platform")
            watched = {signalled} | ({self._discord_task} if self._discord_task is not None else set())
            await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
            if self._discord_task is not None and self._discord_task.done() and not signalled.done():
                failure = self._discord_task.exception() if not self._discord_task.cancelled() else None
                raise _discord_failure(failure) if failure else StartupError("discord: the gateway closed", 1)
        finally:
            signalled.cancel()
            log.info("shutting down")
            try:
                await asyncio.wait_for(self.stop(), timeout=_STOP_WITHIN)
            except TimeoutError:
                log.warning("shutdown took longer than %.0f s; exiting anyway", _STOP_WITHIN)


def _discord_token_error() -> StartupError:
    return StartupError(
        "DISCORD_TOKEN: Discord rejected the token (authentication failed); reset it on the application's Bot page"
    )


def _discord_failure(exc: BaseException) -> BaseException:
    """Close code 4004 is a rejected token: a settings error rather than a connection problem."""
    import discord

    if isinstance(exc, discord.LoginFailure) or getattr(exc, "code", None) == DISCORD_AUTH_FAILED:
        return _discord_token_error()
    return exc
