"""The real `rolecall run --slack-mode http` process: ready on /healthz, answers, exits cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import sys
from asyncio.subprocess import PIPE

import aiohttp
import pytest
from bot_process import HELPER, clean_env, free_port, run_cli, start_bot
from fakes.slack_api import SIGNING_SECRET, FakeSlack, signed_headers, slash_command_body

TOKEN = "xoxb-process-SECRET-token"


def problems(stderr: str) -> list[str]:
    """stderr without the INFO log lines (content loaded, shutting down)."""
    return [line for line in stderr.strip().splitlines() if " INFO " not in line]


async def test_http_mode_process_answers_and_stops_on_sigterm(fake: FakeSlack, tmp_path) -> None:
    env = clean_env(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.api_url)
    bot = await start_bot(env, tmp_path)
    try:
        await bot.wait_ready()
        body = slash_command_body("mle vs ds")
        async with (
            aiohttp.ClientSession(trust_env=False) as session,
            session.post(f"http://127.0.0.1:{bot.port}/slack/events", data=body, headers=signed_headers(body)) as r,
        ):
            assert r.status == 200
            answer = await r.json()
        assert answer["blocks"][0]["text"]["text"] == "Machine learning engineer vs Data scientist"
    finally:
        code = await bot.stop()
    stderr = await bot.stderr()
    assert code == 0, stderr
    assert "shutting down" in stderr
    assert TOKEN not in stderr and SIGNING_SECRET not in stderr


async def test_http_mode_without_port_is_a_usage_error(tmp_path) -> None:
    env = clean_env(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET)
    code, _, stderr = await run_cli(env, tmp_path, "run", "--slack-mode", "http")
    assert code == 2
    assert stderr.strip() == "rolecall: --slack-mode http needs --port"


async def test_unreachable_slack_fails_start_in_one_line_without_secrets(tmp_path) -> None:
    api = f"http://127.0.0.1:{free_port()}/api/"
    env = clean_env(SLACK_BOT_TOKEN=TOKEN, SLACK_APP_TOKEN="xapp-SECRET", SLACK_API_URL=api)
    code, _, stderr = await run_cli(env, tmp_path, "run")
    assert code == 1, stderr
    assert "could not start" in stderr
    assert TOKEN not in stderr and "xapp-SECRET" not in stderr


async def test_a_rejected_bot_token_is_one_line_naming_slack_bot_token(fake: FakeSlack, tmp_path) -> None:
    fake.failures["auth.test"].append((200, {}, {"ok": False, "error": "invalid_auth"}))
    env = clean_env(SLACK_BOT_TOKEN=TOKEN, SLACK_APP_TOKEN="xapp-SECRET", SLACK_API_URL=fake.api_url)
    code, _, stderr = await run_cli(env, tmp_path, "run")
    assert code == 2, stderr
    lines = problems(stderr)
    assert len(lines) == 1 and "SLACK_BOT_TOKEN" in lines[0] and "invalid_auth" in lines[0], lines
    assert "{" not in stderr and TOKEN not in stderr


@pytest.mark.parametrize("error", ["invalid_auth", "token_revoked"])
async def test_a_rejected_app_token_stops_at_once_naming_slack_app_token(fake: FakeSlack, tmp_path, error: str) -> None:
    fake.failures["apps.connections.open"].append((200, {}, {"ok": False, "error": error}))
    env = clean_env(SLACK_BOT_TOKEN=TOKEN, SLACK_APP_TOKEN="xapp-SECRET", SLACK_API_URL=fake.api_url)
    code, _, stderr = await run_cli(env, tmp_path, "run", timeout=20)
    assert code == 2, stderr
    lines = problems(stderr)
    assert len(lines) == 1 and "SLACK_APP_TOKEN" in lines[0] and error in lines[0], lines
    assert "xapp-SECRET" not in stderr


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_an_unreachable_socket_retries_with_one_warning_each_and_stops_on_a_signal(
    fake: FakeSlack, tmp_path, sig: signal.Signals
) -> None:
    fake.socket_url = f"ws://127.0.0.1:{free_port()}/socket"  # nothing listens there
    env = clean_env(SLACK_BOT_TOKEN=TOKEN, SLACK_APP_TOKEN="xapp-SECRET", SLACK_API_URL=fake.api_url)
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(HELPER), "run", cwd=tmp_path, env=env, stdout=PIPE, stderr=PIPE
    )
    assert process.stderr is not None
    warnings: list[str] = []
    lines: list[str] = []
    while len(warnings) < 2:  # two failed attempts, with backoff in between
        line = (await asyncio.wait_for(process.stderr.readline(), timeout=20)).decode()
        assert line, f"the bot exited: {lines}"
        lines.append(line)
        if "retrying" in line:
            warnings.append(line)
    assert all("WARNING" in w and "socket" in w for w in warnings)
    process.send_signal(sig)
    assert await asyncio.wait_for(process.wait(), timeout=10) == 0
    rest = (await process.stderr.read()).decode()
    assert "Traceback" not in "".join(lines) + rest
    assert "xapp-SECRET" not in "".join(lines) + rest
    assert len(fake.accepted("apps.connections.open")) >= 2  # a fresh ticket for every attempt
