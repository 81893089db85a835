"""The real `rolecall run --slack-mode http` process: ready on /healthz, answers, exits cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from fakes.slack_api import SIGNING_SECRET, FakeSlack, signed_headers, slash_command_body

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "xoxb-process-SECRET-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    yield server
    await server.close()


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.lower().endswith("_proxy") and not k.startswith(("SLACK_", "DISCORD_"))
    }
    return {**env, **extra}


async def test_http_mode_process_answers_and_stops_on_sigterm(fake: FakeSlack) -> None:
    port = free_port()
    env = clean_env(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.api_url)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--slack-mode",
        "http",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession(trust_env=False) as session:
            for _ in range(200):
                try:
                    async with session.get(f"{base}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("the process never became ready")
            body = slash_command_body("mle vs ds")
            async with session.post(f"{base}/slack/events", data=body, headers=signed_headers(body)) as response:
                assert response.status == 200
                answer = await response.json()
        assert answer["blocks"][0]["text"]["text"] == "Machine learning engineer vs Data scientist"
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=10)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    stderr = (await process.stderr.read()).decode()
    assert process.returncode == 0, stderr
    assert "shutting down" in stderr
    assert TOKEN not in stderr and SIGNING_SECRET not in stderr


async def test_http_mode_without_port_is_a_usage_error() -> None:
    env = clean_env(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--slack-mode",
        "http",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2
    assert stderr.decode().strip() == "rolecall: --slack-mode http needs --port (or PORT)"


async def test_unreachable_slack_fails_start_in_one_line_without_secrets() -> None:
    env = clean_env(
        SLACK_BOT_TOKEN=TOKEN, SLACK_APP_TOKEN="xapp-SECRET", SLACK_API_URL=f"http://127.0.0.1:{free_port()}/api/"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    text = stderr.decode()
    assert process.returncode == 1, text
    assert "could not start" in text
    assert TOKEN not in text and "xapp-SECRET" not in text
