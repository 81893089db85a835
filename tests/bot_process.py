"""Helpers for tests that run real bot processes against the fake Slack (HTTP mode, restarts, replicas)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from asyncio.subprocess import PIPE
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from fakes.slack_api import SIGNING_SECRET, FakeSlack

HELPER = Path(__file__).resolve().parent / "helpers" / "bot_at.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    port: int

    async def wait_ready(self, timeout: float = 30) -> None:
        async with aiohttp.ClientSession(trust_env=False) as session:
            for _ in range(int(timeout / 0.05)):
                if self.process.returncode is not None:
                    raise AssertionError(f"the bot exited with {self.process.returncode}: {await self.stderr()}")
                try:
                    async with session.get(f"http://127.0.0.1:{self.port}/healthz") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientConnectionError:
                    pass
                await asyncio.sleep(0.05)
        raise AssertionError("the bot never became ready")

    async def stop(self) -> int:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), timeout=15)

    async def stderr(self) -> str:
        assert self.process.stderr is not None
        return (await self.process.stderr.read()).decode()


def clean_env(**extra: str) -> dict[str, str]:
    """The test's environment without proxies or any RoleCall setting, plus ``extra``."""
    prefixes = ("SLACK_", "TIP_", "DISCORD_", "DATABASE_URL", "CONTENT_DIR", "ROLECALL_TEST_")
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy") and not k.startswith(prefixes)}
    return {**env, **extra}


def bot_env(fake: FakeSlack, database_url: str, now: str, **extra: str) -> dict[str, str]:
    """A Slack HTTP-mode bot posting tips to two channels, its clock at ``now``."""
    return clean_env(
        SLACK_BOT_TOKEN="xoxb-tips-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.api_url,
        TIP_SLACK_CHANNELS="CTIPS1,CTIPS2",
        TIP_SCHEDULE="0 9 * * mon",
        TIP_TIMEZONE="UTC",
        DATABASE_URL=database_url,
        ROLECALL_TEST_NOW=now,
        **extra,
    )


async def start_bot(env: dict[str, str], cwd: Path) -> BotProcess:
    """`rolecall run` on a free loopback port: Slack over HTTP when a Slack token is set (the mode needs one)."""
    port = free_port()
    slack = ("--slack-mode", "http") if env.get("SLACK_BOT_TOKEN") else ()
    args = ("run", *slack, "--host", "127.0.0.1", "--port", str(port))
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(HELPER), *args, cwd=cwd, env=env, stdout=PIPE, stderr=PIPE
    )
    return BotProcess(process, port)


async def run_cli(env: dict[str, str], cwd: Path, *args: str, timeout: float = 60) -> tuple[int, str, str]:
    """Run `rolecall ARGS` to completion: (exit status, stdout, stderr)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(HELPER), *args, cwd=cwd, env=env, stdout=PIPE, stderr=PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=timeout)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def ask(env: dict[str, str], cwd: Path, *query: str) -> str:
    """`rolecall ask QUERY` output; fails the test on a usage or content error."""
    code, out, err = await run_cli(env, cwd, "ask", *query)
    assert code in (0, 3), err
    return out


def posts(fake: FakeSlack) -> list[tuple[str, str]]:
    """(channel, tip title) of every message Slack accepted."""
    return [(m["channel"], m["blocks"][0]["text"]["text"]) for m in fake.accepted("chat.postMessage")]
