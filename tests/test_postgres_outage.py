"""PostgreSQL stopped mid-run: every member command is answered, nothing waits, the log catches up exactly.

The test runs its own throwaway PostgreSQL server (initdb into a temporary directory, a free loopback port) and
stops and restarts it; the shared cluster other tests use is never touched. In CI it must run: .ci/run installs
PostgreSQL, which provides initdb and pg_ctl.
"""

from __future__ import annotations

import asyncio
import glob
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

import aiohttp
import pytest
from bot_process import free_port
from fakes.slack_api import FakeSlack, signed_headers, slash_command_body
from sqlalchemy import text
from test_slack import slack_settings
from test_store_outage import ask, get

from bot.config import Settings
from bot.runtime import RunOptions, Runtime
from content.library import Library
from handlers import Handlers
from scheduler.store import engine_for

BOUND = 30  # query log rows kept in memory during the outage
BURST = 100  # member commands sent while PostgreSQL is down
QUERIES = ("mle vs ds", "help", "roles", "tip", "batch scoring", "best volcano in naples", "ben wilson", "ds")


@dataclass
class PrivatePostgres:
    """A PostgreSQL server of this test's own, run as the postgres user when the test runs as root."""

    bindir: str
    datadir: str
    port: int
    as_user: list[str]

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            [*self.as_user, f"{self.bindir}/pg_ctl", "-D", self.datadir, *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._pg_ctl("-o", options, "-l", f"{self.datadir}/server.log", "-w", "start")

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "-w", "stop")


def _binaries() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: [int(n) for n in re.findall(r"\d+", p)])
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb and shutil.which("pg_ctl") else None


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the PostgreSQL outage test: {reason} (.ci/run installs PostgreSQL)")
    pytest.skip(f"PostgreSQL outage test skipped: {reason}")


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    bindir = _binaries()
    if bindir is None:
        _unavailable("initdb and pg_ctl are not installed (Debian: apt-get install postgresql)")
    as_user: list[str] = []
    datadir = tempfile.mkdtemp(prefix="rolecall-pg-")
    if os.geteuid() == 0:  # initdb refuses to run as root: run the server as the postgres user
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(datadir)
            _unavailable("running as root and there is no postgres user to run the server")
        runuser = shutil.which("runuser")
        if runuser is None:
            shutil.rmtree(datadir)
            _unavailable("running as root without runuser to switch to the postgres user")
        os.chown(datadir, user.pw_uid, user.pw_gid)
        as_user = [runuser, "-u", "postgres", "--"]
    server = PrivatePostgres(bindir, datadir, free_port(), as_user)  # type: ignore[arg-type]
    try:
        subprocess.run(
            [*as_user, f"{bindir}/initdb", "-D", datadir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
            check=True,
            capture_output=True,
            timeout=120,
        )
        server.start()
        yield server
    finally:
        subprocess.run(
            [*as_user, f"{bindir}/pg_ctl", "-D", datadir, "-m", "immediate", "stop"], capture_output=True, timeout=60
        )
        shutil.rmtree(datadir, ignore_errors=True)


def logged_rows(url: str) -> int:
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM query_log")).scalar() or 0)
    finally:
        engine.dispose()


def dropped(metrics: str) -> float:
    (value,) = re.findall(r"^rolecall_query_log_dropped_total (\S+)$", metrics, re.M)
    return float(value)


async def test_postgres_stopped_mid_run(fake: FakeSlack, library: Library, private_postgres: PrivatePostgres) -> None:
    settings = Settings(slack=slack_settings(fake).slack, database_url=private_postgres.url)
    options = RunOptions("http", "127.0.0.1", 0, query_log_bound=BOUND, flush_every=0.05)
    runtime = Runtime(settings, Handlers(library), options)
    await runtime.start()
    try:
        for query in QUERIES:  # before the outage: written as usual
            assert (await ask(runtime, query))[0] == 200
        for _ in range(200):
            if runtime.journal.pending == 0:  # type: ignore[union-attr]
                break
            await asyncio.sleep(0.05)
        before = logged_rows(private_postgres.url)
        assert before == len(QUERIES)

        await asyncio.to_thread(private_postgres.stop)
        answers = await asyncio.gather(*(ask(runtime, QUERIES[i % len(QUERIES)]) for i in range(BURST)))
        assert [status for status, _ in answers] == [200] * BURST  # 100% of member commands answered
        assert answers[0][1] == "Machine learning engineer vs Data scientist"
        assert answers[3][1].startswith("Tip of the week (")

        status, title = await ask_as_moderator(runtime, "admin status")
        assert status == 200 and title == "The database is unreachable; try again when it is back."
        status, ready = await get(runtime, "/readyz")
        assert (status, ready["store"], ready["ok"]) == (200, "degraded", True)
        assert (await get(runtime, "/healthz"))[0] == 200
        assert dropped((await get(runtime, "/metrics"))[1]) == BURST - BOUND

        await asyncio.to_thread(private_postgres.start)
        for _ in range(400):  # the journal retries every 50 ms; wait for it to catch up
            if runtime.journal.pending == 0:  # type: ignore[union-attr]
                break
            await asyncio.sleep(0.05)
        assert logged_rows(private_postgres.url) == before + BOUND  # the kept rows arrived, exactly once
        assert dropped((await get(runtime, "/metrics"))[1]) == BURST - BOUND  # and the count of the rest is exact
        assert (await get(runtime, "/readyz"))[1]["store"] == "ok"
        status, title = await ask_as_moderator(runtime, "admin status")
        assert title == "Weekly tip status"
    finally:
        await runtime.stop()


async def ask_as_moderator(runtime: Runtime, text: str) -> tuple[int, str]:
    body = slash_command_body(text, user_id="UMOD")
    async with (
        aiohttp.ClientSession(trust_env=False) as session,
        session.post(f"http://127.0.0.1:{runtime.port}/slack/events", data=body, headers=signed_headers(body)) as r,
    ):
        return r.status, (await r.json())["blocks"][0]["text"]["text"]
