"""Commands never wait on the database: a locked or deleted SQLite file, with the real Slack HTTP route."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import aiohttp
from fakes.slack_api import FakeSlack, signed_headers, slash_command_body
from test_slack import slack_settings

from bot.config import Settings
from bot.runtime import RunOptions, Runtime
from content.library import Library
from handlers import Handlers


async def start(fake: FakeSlack, library: Library, db: Path) -> Runtime:
    settings = Settings(slack=slack_settings(fake).slack, database_url=f"sqlite:///{db}")
    runtime = Runtime(settings, Handlers(library), RunOptions("http", "127.0.0.1", 0, tips=False, flush_every=0.05))
    await runtime.start()
    return runtime


async def get(runtime: Runtime, path: str) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession(trust_env=False) as session,
        session.get(f"http://127.0.0.1:{runtime.port}{path}") as response,
    ):
        text = await response.text()
        return response.status, text if path == "/metrics" else json.loads(text)


async def ask(runtime: Runtime, text: str) -> tuple[int, str]:
    body = slash_command_body(text)
    async with (
        aiohttp.ClientSession(trust_env=False) as session,
        session.post(f"http://127.0.0.1:{runtime.port}/slack/events", data=body, headers=signed_headers(body)) as r,
    ):
        return r.status, (await r.json())["blocks"][0]["text"]["text"]


def logged(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [q for (q,) in conn.execute("SELECT query FROM query_log ORDER BY id")]


async def wait_logged(db: Path, count: int) -> list[str]:
    """Poll until ``count`` rows arrived (the journal writes behind), or fail after a generous while."""
    rows: list[str] = []
    for _ in range(500):
        if db.exists() and len(rows := logged(db)) >= count:
            return rows
        await asyncio.sleep(0.02)
    raise AssertionError(f"query log has {rows}, wanted {count} rows")


async def test_a_locked_database_delays_no_answer_and_the_log_catches_up(
    fake: FakeSlack, library: Library, tmp_path: Path
) -> None:
    db = tmp_path / "rolecall.db"
    runtime = await start(fake, library, db)
    locker = sqlite3.connect(db, isolation_level=None)
    try:
        locker.execute("BEGIN EXCLUSIVE")  # every write of the bot now has to wait for this lock
        queries = ("mle vs ds", "help", "roles", "batch scoring")
        answers = await asyncio.gather(*(ask(runtime, q) for q in queries))
        assert [status for status, _ in answers] == [200] * 4  # all answered while the lock is still held
        assert answers[0][1] == "Machine learning engineer vs Data scientist"
        locker.execute("COMMIT")
        assert sorted(await wait_logged(db, 4)) == sorted(queries)
    finally:
        locker.close()
        await runtime.stop()


async def test_deleting_the_sqlite_file_is_reported_and_the_file_reopened(
    fake: FakeSlack, library: Library, tmp_path: Path
) -> None:
    db = tmp_path / "rolecall.db"
    runtime = await start(fake, library, db)
    try:
        assert (await ask(runtime, "mle"))[0] == 200
        await wait_logged(db, 1)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        status, ready = await get(runtime, "/readyz")
        assert ready["store"] == "degraded"  # noticed, instead of `ok` while writing into a deleted inode
        assert status == 200  # members are still answered, so the process stays in rotation
        assert db.exists()  # reopened, schema and all
        assert (await ask(runtime, "de vs mle"))[0] == 200
        assert await wait_logged(db, 1) == ["de vs mle"]  # written into the new file, where it can be read
        assert (await get(runtime, "/readyz"))[1]["store"] == "ok"
        assert (await get(runtime, "/healthz"))[0] == 200
    finally:
        await runtime.stop()
