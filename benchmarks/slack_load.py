"""Slack HTTP-mode load: 1,000 signed slash commands at concurrency 50 and 200, RoleCall vs a bare bolt app.

Run: `.venv/bin/python benchmarks/slack_load.py [--requests N]`. Each server runs in its own process (so the load
generator does not share its event loop): RoleCall is the real `rolecall run --slack-mode http` with its default
settings (an SQLite query log, the tip scheduler, one log line per command to a discarded stderr); the bare app is
bolt with `process_before_response=True` and a listener that acks a constant. Queries cycle through the golden
queries; there is no answer cache. Each server's CPU per request (from /proc, all its threads) is printed beside its
rate. Not part of the test suite: figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the signing helpers and the fake Slack Web API live with the tests

from fakes.slack_api import SIGNING_SECRET, FakeSlack, signed_headers, slash_command_body  # noqa: E402
from figures import drop_proxies, pct, wait_healthy  # noqa: E402


def serve_bare(port: int, api_url: str) -> None:
    """The floor: bolt's fastest setting, acking a constant inline."""
    from aiohttp import web
    from slack_bolt.async_app import AsyncAck, AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    app = AsyncApp(
        signing_secret=SIGNING_SECRET,
        client=AsyncWebClient(token="xoxb-bench", base_url=api_url),
        process_before_response=True,
    )

    @app.command("/rolecall")
    async def on_command(ack: AsyncAck) -> None:
        await ack("ok")

    web_app = web.Application()
    web_app.router.add_get("/healthz", lambda _r: web.json_response({"ok": True}))  # type: ignore[arg-type,return-value]

    async def events(request: web.Request) -> web.Response:
        from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request

        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    web_app.router.add_post("/slack/events", events)
    web.run_app(web_app, host="127.0.0.1", port=port, print=None, access_log=None)


def start_server(kind: str, port: int, api_url: str, workdir: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    if kind == "bare":
        args = [sys.executable, __file__, "--serve-bare", str(port), "--api-url", api_url]
    else:
        env.update(SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=api_url)
        args = [sys.executable, "-m", "bot", "run", "--slack-mode", "http", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(args, cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU the server process has used so far (all threads), from /proc; None where there is none."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def load(session: aiohttp.ClientSession, port: int, queries: list[str], count: int, concurrency: int):  # type: ignore[no-untyped-def]
    url = f"http://127.0.0.1:{port}/slack/events"
    bodies = [slash_command_body(queries[i % len(queries)]) for i in range(count)]
    timings: list[float] = []
    next_index = iter(range(count))

    async def worker() -> None:
        for i in next_index:
            body = bodies[i]
            begin = time.perf_counter()
            async with session.post(url, data=body, headers=signed_headers(body)) as response:
                await response.read()
                assert response.status == 200, response.status
            timings.append((time.perf_counter() - begin) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return timings, count / (time.perf_counter() - started)


async def main(count: int) -> None:
    drop_proxies()
    fake = await FakeSlack().start()
    queries = [case["query"] for case in yaml.safe_load((ROOT / "tests" / "golden_queries.yaml").read_text())]
    from bot_process import free_port

    ports = {"bare bolt": free_port(), "rolecall": free_port()}
    with tempfile.TemporaryDirectory() as workdir:
        servers = {
            "bare bolt": start_server("bare", ports["bare bolt"], fake.api_url, workdir),
            "rolecall": start_server("rolecall", ports["rolecall"], fake.api_url, workdir),
        }
        results = {}
        cpu: dict[tuple[str, int], float | None] = {}
        try:
            connector = aiohttp.TCPConnector(limit=0)
            async with aiohttp.ClientSession(trust_env=False, connector=connector) as session:
                for port in ports.values():
                    await wait_healthy(session, port)
                    await load(session, port, queries, 200, 20)  # warm-up: auth.test, connections, caches
                for concurrency in (50, 200):
                    for name, port in ports.items():
                        before = cpu_seconds(servers[name].pid)
                        results[(name, concurrency)] = await load(session, port, queries, count, concurrency)
                        after = cpu_seconds(servers[name].pid)
                        cpu[(name, concurrency)] = None if before is None or after is None else after - before
        finally:
            for server in servers.values():
                server.terminate()
                server.wait()
    await fake.close()
    # Server CPU per request says where the time goes: the server is CPU-bound on one core, so req/s follows it.
    print(f"{'app':<12}{'conc':>6}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'cpu us/req':>12}")
    for (name, concurrency), (timings, rate) in results.items():
        used = cpu[(name, concurrency)]
        per_request = "n/a" if used is None else f"{used / count * 1e6:.0f}"
        p50, p99 = pct(timings, 50), pct(timings, 99)
        print(f"{name:<12}{concurrency:>6}{rate:>9.0f}{p50:>9.2f}{p99:>9.2f}{per_request:>12}")
    for concurrency in (50, 200):
        ours, bare = results[("rolecall", concurrency)], results[("bare bolt", concurrency)]
        print(
            f"concurrency {concurrency}: throughput {ours[1] / bare[1]:.2f}x bare (target >= 0.6), "
            f"p99 {pct(ours[0], 99) / pct(bare[0], 99):.2f}x bare (target <= 2)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--serve-bare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve_bare:
        serve_bare(arguments.serve_bare, arguments.api_url)
    else:
        asyncio.run(main(arguments.requests))
