"""The real `rolecall run --slack-mode http` process: ready on /healthz, answers, exits cleanly on SIGTERM."""

from __future__ import annotations

import aiohttp
from bot_process import clean_env, free_port, run_cli, start_bot
from fakes.slack_api import SIGNING_SECRET, FakeSlack, signed_headers, slash_command_body

TOKEN = "xoxb-process-SECRET-token"


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
