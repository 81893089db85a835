"""The `rolecall` command: run the bot, ask one question, or check content."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from bot.config import Settings, SettingsError
from bot.console import Console
from bot.runtime import RunOptions, Runtime, StartupError
from content.library import Library
from content.loader import ContentError
from handlers import Handlers
from operations.logs import setup_logging
from operations.reload import LibraryHolder
from scheduler.setup import StoreUnavailable, build_tips, open_store

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_NO_MATCH = 0, 1, 2, 3
_CONTENT_TOOL_SETTINGS = ("CONTENT_DIR", "LOG_LEVEL", "LOG_FORMAT")
log = logging.getLogger("rolecall")


def _port(text: str) -> int:
    """A TCP port for argparse: a usage error (exit 2) rather than an OverflowError deep in the server."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text[:20]}' is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number from 0 to 65535")
    return port


def _positive(text: str) -> int:
    """A whole number from 1 up, for argparse (`--days -1` is a usage error, not an empty report)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text[:20]}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not 1 or more")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rolecall", description="RoleCall: answers about data and ML roles.")
    # Bare `rolecall` is `rolecall run` with its defaults; the `run` subparser overrides these when given.
    parser.set_defaults(slack_mode=None, host="0.0.0.0", port=None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = commands.add_parser("run", help="start the bot (console when no platform token is set)")
    run.add_argument("--content-dir", type=Path, help="content directory (default: CONTENT_DIR or shipped)")
    run.add_argument(
        "--slack-mode", choices=("socket", "http"), help="Slack transport (default: socket with an app token)"
    )
    run.add_argument("--host", default="0.0.0.0", help="HTTP server address (default 0.0.0.0)")
    run.add_argument("--port", type=_port, help="serve HTTP (Slack events in http mode, /healthz) on this port")
    ask = commands.add_parser("ask", help="answer one question and exit")
    ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask.add_argument(
        "--explain", action="store_true", help="also show what was recognised, the top candidates and the decision"
    )
    ask.add_argument("--content-dir", type=Path, help="content directory (default: CONTENT_DIR or shipped)")
    ask.add_argument("text", nargs="+", help="the question, or '-' to read one question per line from stdin")
    content = commands.add_parser("content", help="moderator tools for the YAML content")
    content_commands = content.add_subparsers(dest="content_command", metavar="ACTION", required=True)
    check = content_commands.add_parser("check", help="validate content and print every problem")
    check.add_argument("dir", nargs="?", type=Path, help="content directory (default: CONTENT_DIR or shipped)")
    evaluate = commands.add_parser("eval", help="check golden queries (query and expected answer) against the content")
    evaluate.add_argument("file", type=Path, help="a YAML list of {query, category, expect: {kind, id, contains}}")
    evaluate.add_argument(
        "--min", type=float, default=100.0, metavar="PCT", help="pass when at least PCT%% of queries pass (default 100)"
    )
    report = commands.add_parser("report", help="reports for moderators")
    report_commands = report.add_subparsers(dest="report_command", metavar="REPORT", required=True)
    misses = report_commands.add_parser("misses", help="most frequent unanswered or low-confidence queries")
    misses.add_argument("--days", type=_positive, default=30, help="how far back (default 30)")
    misses.add_argument("--limit", type=_positive, default=20, help="how many (default 20)")
    discord_cli = commands.add_parser("discord", help="Discord tools")
    discord_commands = discord_cli.add_subparsers(dest="discord_command", metavar="ACTION", required=True)
    sync = discord_commands.add_parser("sync", help="register the slash commands with Discord")
    sync.add_argument("--guild", type=int, help="one server (instant) instead of globally (up to an hour)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for `rolecall` and `python -m bot`; returns the process exit status."""
    args = _parser().parse_args(argv)
    env: Mapping[str, str] = os.environ
    if args.command in ("content", "eval"):  # offline content tools: a platform or tip setting is not theirs to judge
        env = {name: value for name, value in os.environ.items() if name in _CONTENT_TOOL_SETTINGS}
    try:
        settings = Settings.from_env(env)
    except SettingsError as exc:
        for line in str(exc).splitlines():
            print(f"rolecall: {line}", file=sys.stderr)
        return EXIT_USAGE
    setup_logging(settings.log_level, settings.log_format)
    command = args.command or "run"
    if command == "content":
        return _check(args.dir or settings.content_dir)
    content_dir = getattr(args, "content_dir", None) or settings.content_dir
    try:
        library = Library.load(content_dir)
    except ContentError as exc:
        print("rolecall: the content is invalid, not starting:", file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_INVALID
    holder = LibraryHolder(library)
    handlers = Handlers(holder)
    if command == "eval":
        return _eval(handlers, args.file, args.min)
    if command == "report":
        return _report(settings, args.days, args.limit)
    if command == "ask":
        return _with_store(settings, handlers, lambda: _ask(handlers, args.text, args.json, args.explain))
    if command == "discord":
        return _discord_sync(settings, handlers, args.guild)
    return _run(settings, handlers, RunOptions(args.slack_mode, args.host, args.port), holder)


def _check(directory: Path | None) -> int:
    try:
        library = Library.load(directory)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{len(exc.problems)} problem(s) found.", file=sys.stderr)
        return EXIT_INVALID
    print(f"OK: {library.content.summary()}")
    return EXIT_OK


def _ask(handlers: Handlers, words: list[str], as_json: bool, explain: bool = False) -> int:
    if words == ["-"]:
        queries: Sequence[str] = [line.rstrip("\n") for line in sys.stdin]
    elif "-" in words:
        print("rolecall ask: '-' reads questions from stdin and cannot be combined with text", file=sys.stderr)
        return EXIT_USAGE
    else:
        queries = [" ".join(words)]
    status = EXIT_OK
    try:
        for query in queries:
            reply = handlers.handle(query)
            if explain:
                for line in handlers.library.resolver.resolve(query, explain_it=True).trace:
                    print(f"# {line}")
            if reply.kind == "no_match":
                status = EXIT_NO_MATCH
            if as_json:
                print(json.dumps(reply.to_json(), ensure_ascii=False))
            else:
                print(reply.plain_text() + ("\n" if len(queries) > 1 else ""))
            sys.stdout.flush()
    except BrokenPipeError:
        # The reader left (`| head -1`): stop quietly, and keep Python's exit-time flush from failing again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return status


def _run(settings: Settings, handlers: Handlers, options: RunOptions, holder: LibraryHolder) -> int:
    if options.slack_mode is not None and settings.slack is None:
        print(f"rolecall: --slack-mode {options.slack_mode} needs SLACK_BOT_TOKEN", file=sys.stderr)
        return EXIT_USAGE
    if not settings.platforms and options.port is None:
        log.info("console mode: %s", handlers.library.content.summary())
        # Typed or piped, it is the same running bot: admin commands, the query log and the weekly tip all work.
        return _console_session(settings, handlers, holder, interactive=sys.stdin.isatty())
    runtime = Runtime(settings, handlers, options, holder)
    problems = runtime.check()
    for problem in problems:
        print(f"rolecall: {problem}", file=sys.stderr)
    if problems:
        return EXIT_USAGE
    log.info("content: %s", handlers.library.content.summary())
    try:
        asyncio.run(runtime.run_until_signal())
    except StoreUnavailable as exc:
        log.error("could not start: %s", exc)
        return EXIT_INVALID
    except StartupError as exc:  # a rejected token: one line naming the setting, like the settings errors
        print(f"rolecall: could not start: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # start-up failures (unreachable Slack, port in use): one line, no traceback
        log.error("could not start: %s: %s", type(exc).__name__, exc)
        return EXIT_INVALID
    return EXIT_OK


def _with_store(settings: Settings, handlers: Handlers, then: Callable[[], int]) -> int:
    """Attach the stored tip rotation (read and choose only, nothing is posted), then run ``then``.
    Answering never creates a database: with no SQLite file yet, `tip` uses the stateless weekly pick."""
    if _sqlite_file_missing(settings.database_url):
        return then()
    try:
        service = build_tips(settings.tips, open_store(settings.database_url), handlers, {}, console=False)
    except StoreUnavailable as exc:
        print(f"rolecall: {exc}", file=sys.stderr)
        return EXIT_INVALID
    try:
        return then()
    finally:
        service.store.close()


def _sqlite_file_missing(url: str) -> bool:
    """True for a SQLite file URL whose file does not exist yet."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    database = parsed.database or ""
    return parsed.get_backend_name() == "sqlite" and database not in ("", ":memory:") and not Path(database).exists()


def _eval(handlers: Handlers, path: Path, minimum: float = 100.0) -> int:
    """`rolecall eval FILE`: the misses, accuracy per category, a summary; exit 1 below ``minimum`` percent."""
    from operations.evaluate import evaluate, load_cases, report

    try:
        cases = load_cases(path)
    except (OSError, ValueError) as exc:
        print(f"rolecall eval: {exc}", file=sys.stderr)
        return EXIT_USAGE
    outcomes = [evaluate(handlers, case) for case in cases]
    lines, accuracy = report(outcomes)
    print("\n".join(lines))
    return EXIT_OK if accuracy >= minimum else EXIT_INVALID


def _report(settings: Settings, days: int, limit: int) -> int:
    """`rolecall report misses`: the content backlog from the query log."""
    from operations.querylog import QueryLog

    try:
        store = open_store(settings.database_url)
    except StoreUnavailable as exc:
        print(f"rolecall: {exc}", file=sys.stderr)
        return EXIT_INVALID
    try:
        print(QueryLog(store, settings.query_log_days).misses_reply(days, limit).plain_text())
    finally:
        store.close()
    return EXIT_OK


def _discord_sync(settings: Settings, handlers: Handlers, guild: int | None) -> int:
    """`rolecall discord sync [--guild ID]`: register the commands now, and remember what was synced."""
    if settings.discord is None:
        print("rolecall: DISCORD_TOKEN is not set", file=sys.stderr)
        return EXIT_USAGE
    from bot.discord.app import RoleCallClient, point_at

    async def sync() -> int | None:
        point_at(settings.discord)  # type: ignore[arg-type]
        store = open_store(settings.database_url)
        client = RoleCallClient(handlers, settings.discord, state=store, sync_on_start=False)  # type: ignore[arg-type]
        try:
            await client.login(settings.discord.token.get_secret_value())  # type: ignore[union-attr]
            return await client.sync_commands(guild)
        finally:
            await client.close()
            store.close()

    import discord

    try:
        count = asyncio.run(sync())
    except discord.LoginFailure:
        print("rolecall: could not sync: DISCORD_TOKEN: Discord rejected the token", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # unreachable Discord: one line
        print(f"rolecall: could not sync: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print(f"Synced {count} commands to {'server ' + str(guild) if guild else 'all servers (global)'}.")
    return EXIT_OK


def _console_session(settings: Settings, handlers: Handlers, holder: LibraryHolder, interactive: bool) -> int:
    """The console (typed, or piped without prompts) with the weekly tip scheduler posting to it."""

    async def session() -> int:
        runtime = Runtime(settings, handlers, RunOptions(command_log=False), holder)
        await runtime.start()
        try:
            return await Console(handlers).aloop(sys.stdin, sys.stdout, interactive=interactive)
        finally:
            await runtime.stop()

    try:
        return asyncio.run(session())
    except StoreUnavailable as exc:
        print(f"rolecall: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        return EXIT_OK
