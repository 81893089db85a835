"""Shared helpers for tests that run bot processes against the fake Slack (restarts, replicas)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
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


def bot_env(fake: FakeSlack, database_url: str, now: str, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.lower().endswith("_proxy") and not k.startswith(("SLACK_", "TIP_", "DISCORD_"))
    }
    env.update(
        SLACK_BOT_TOKEN="xoxb-tips-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.api_url,
        TIP_SLACK_CHANNELS="CTIPS1,CTIPS2",
        TIP_SCHEDULE="0 9 * * mon",
        TIP_TIMEZONE="UTC",
        DATABASE_URL=database_url,
        ROLECALL_TEST_NOW=now,
    )
    env.update(extra)
    return env


async def start_bot(env: dict[str, str], cwd: Path) -> BotProcess:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(HELPER),
        "run",
        "--slack-mode",
        "http",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    return BotProcess(process, port)


async def ask(env: dict[str, str], cwd: Path, *query: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(HELPER),
        "ask",
        *query,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode in (0, 3), err.decode()
    return out.decode()


def posts(fake: FakeSlack) -> list[tuple[str, str]]:
    """(channel, tip title) of every message Slack accepted."""
    return [(m["channel"], m["blocks"][0]["text"]["text"]) for m in fake.accepted("chat.postMessage")]
