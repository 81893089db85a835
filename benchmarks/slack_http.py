"""Slack HTTP-mode benchmark: signed slash-command round trips over loopback, RoleCall vs a bare bolt app.

Run: `.venv/bin/python benchmarks/slack_http.py [--requests N]`. Both apps run the real bolt request path
(signature check, auth, listener, ack) behind the same aiohttp route; the bare app acks a constant string, so
the ratio is what RoleCall's search and Block Kit rendering add. Client and servers share one process and loop,
and requests go one at a time, so neither side competes with itself.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import aiohttp
import yaml
from aiohttp import web
from pydantic import SecretStr
from slack_bolt.async_app import AsyncAck, AsyncApp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the loopback fake Slack Web API lives with the tests

from fakes.slack_api import SIGNING_SECRET, FakeSlack, signed_headers, slash_command_body  # noqa: E402
from figures import drop_proxies, pct  # noqa: E402

from bot.config import Settings, SlackSettings  # noqa: E402
from bot.runtime import RunOptions, Runtime  # noqa: E402
from bot.slack.app import web_client  # noqa: E402
from bot.slack.http import slack_routes  # noqa: E402
from content.library import Library  # noqa: E402
from handlers import Handlers  # noqa: E402


async def bare_bolt(settings: SlackSettings, process_before_response: bool) -> tuple[web.AppRunner, int]:
    """The floor: the same request path (our verifying route, then bolt) with a listener that acks a constant."""
    app = AsyncApp(
        signing_secret=SIGNING_SECRET,
        client=web_client(settings),
        process_before_response=process_before_response,
        request_verification_enabled=False,  # the route verifies, as it does for RoleCall
    )

    @app.command(settings.command)
    async def on_command(ack: AsyncAck) -> None:
        await ack("ok")

    web_app = web.Application()
    slack_routes(web_app, app, SIGNING_SECRET)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, runner.addresses[0][1]


async def measure(
    session: aiohttp.ClientSession, port: int, queries: list[str], count: int
) -> tuple[list[float], float]:
    url = f"http://127.0.0.1:{port}/slack/events"
    timings = []
    started = time.perf_counter()
    for i in range(count):
        body = slash_command_body(queries[i % len(queries)])
        begin = time.perf_counter()
        async with session.post(url, data=body, headers=signed_headers(body)) as response:
            await response.read()
            assert response.status == 200, response.status
        timings.append((time.perf_counter() - begin) * 1000)
    return timings, count / (time.perf_counter() - started)


async def main(count: int) -> None:
    drop_proxies()
    fake = await FakeSlack().start()
    slack = SlackSettings(SecretStr("xoxb-bench"), signing_secret=SecretStr(SIGNING_SECRET), api_url=fake.api_url)
    runtime = Runtime(Settings(slack=slack), Handlers(Library.load()), RunOptions("http", "127.0.0.1", 0))
    await runtime.start()
    bare_runner, bare_port = await bare_bolt(slack, process_before_response=True)
    default_runner, default_port = await bare_bolt(slack, process_before_response=False)
    queries = [case["query"] for case in yaml.safe_load((ROOT / "tests" / "golden_queries.yaml").read_text())]
    apps = (("bare bolt", bare_port), ("rolecall", runtime.port), ("bare bolt, bolt defaults", default_port))
    results = {}
    async with aiohttp.ClientSession(trust_env=False) as session:
        for _name, port in apps:
            await measure(session, port, queries, 100)  # warm-up: auth.test, connection pool, caches
        for name, port in apps:
            results[name] = await measure(session, port, queries, count)
    await runtime.stop()
    await bare_runner.cleanup()
    await default_runner.cleanup()
    await fake.close()
    print(f"{'app':<26}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>9}")
    for name, (timings, rate) in results.items():
        print(f"{name:<26}{pct(timings, 50):>9.2f}{pct(timings, 99):>9.2f}{rate:>9.0f}")
    ours, bare = results["rolecall"][0], results["bare bolt"][0]  # both with process_before_response=True
    print(
        f"ratio rolecall/bare: p50 {pct(ours, 50) / pct(bare, 50):.2f}x, p99 {pct(ours, 99) / pct(bare, 99):.2f}x "
        f"({count} sequential signed requests each, {len(queries)} distinct queries)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    asyncio.run(main(parser.parse_args().requests))
