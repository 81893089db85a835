"""Start-up benchmark: time from process start to ready, and peak RSS, for console and HTTP modes.

Run: `.venv/bin/python benchmarks/startup.py [--runs N]`. Each mode starts a fresh `rolecall` process:
- console: piped `mle` then EOF; ready = the first answer printed (content loaded, store opened, answered).
- http (Slack HTTP mode, no tips): ready = GET /healthz answers 200.
- both adapters: Slack HTTP mode + Discord gateway + tip scheduler against the loopback fakes; ready = /healthz 200.
Peak RSS is the child's VmHWM at ready; "settled" is the same peak SETTLE_SECONDS later, once the content has been
warmed up off the request path (the meaning index is built in the background after start-up). The baseline,
`python -c "import sys"`, runs in the same script for a ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from figures import wait_healthy

ROOT = Path(__file__).resolve().parent.parent
SETTLE_SECONDS = 2.0  # the warm-up after start-up takes about 0.2 s
sys.path.insert(0, str(ROOT / "tests"))

from bot_process import HELPER, clean_env, free_port  # noqa: E402
from fakes.discord_api import CHANNEL_ID, FakeDiscord  # noqa: E402
from fakes.slack_api import SIGNING_SECRET, FakeSlack  # noqa: E402


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def console_run(env: dict[str, str], cwd: Path) -> tuple[float, float, float]:
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(b"mle\n")
    await process.stdin.drain()
    await process.stdout.readline()  # the first line of the answer
    ready = time.perf_counter() - started
    rss = peak_rss_mb(process.pid)
    process.stdin.close()
    await process.wait()
    return ready, rss, rss  # it has answered and exits: nothing runs after ready


async def http_run(env: dict[str, str], cwd: Path, args: list[str]) -> tuple[float, float, float]:
    port = free_port()
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(HELPER),
        "run",
        *args,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    async with aiohttp.ClientSession(trust_env=False) as session:
        await wait_healthy(session, port, interval=0.01, timeout=60.0)  # fine-grained: the wait is what is measured
    ready = time.perf_counter() - started
    rss = peak_rss_mb(process.pid)
    await asyncio.sleep(SETTLE_SECONDS)
    settled = peak_rss_mb(process.pid)
    process.terminate()
    await process.wait()
    return ready, rss, settled


async def baseline_run() -> tuple[float, float, float]:
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import sys; sys.stdout.write('x\\n'); sys.stdout.flush(); sys.stdin.read()",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None and process.stdin is not None
    await process.stdout.readline()
    ready = time.perf_counter() - started
    rss = peak_rss_mb(process.pid)
    process.stdin.close()
    await process.wait()
    return ready, rss, rss


async def main(runs: int) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        os.environ.pop(name, None)
    slack, discord = await FakeSlack().start(), await FakeDiscord().start()
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        db = f"sqlite:///{cwd / 'bench.db'}"
        slack_env = {
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.api_url,
            "DATABASE_URL": db,
        }
        both_env = {
            **slack_env,
            "DISCORD_TOKEN": "discord-bench",
            "DISCORD_API_URL": discord.api_url,
            "DISCORD_GATEWAY_URL": discord.gateway_url,
            "TIP_DISCORD_CHANNELS": CHANNEL_ID,
        }
        modes = {
            "python baseline": lambda: baseline_run(),
            "console": lambda: console_run(clean_env(DATABASE_URL=db), cwd),
            "http (slack)": lambda: http_run(clean_env(**slack_env), cwd, ["--slack-mode", "http"]),
            "both adapters": lambda: http_run(clean_env(**both_env), cwd, ["--slack-mode", "http"]),
        }
        results = {}
        for name, run in modes.items():
            samples = [await run() for _ in range(runs)]
            results[name] = (
                statistics.median(s[0] for s in samples),
                max(s[1] for s in samples),
                max(s[2] for s in samples),
            )
    await slack.close()
    await discord.close()
    base_time, base_rss, _ = results["python baseline"]
    print(
        f"{'mode':<18}{'ready s (median)':>18}{'peak RSS MB':>13}{'settled MB':>12}"
        f"{'x baseline time':>17}{'x baseline RSS':>16}"
    )
    for name, (ready, rss, settled) in results.items():
        print(
            f"{name:<18}{ready:>18.3f}{rss:>13.1f}{settled:>12.1f}{ready / base_time:>17.1f}{settled / base_rss:>16.1f}"
        )
    print(f"({runs} runs per mode; targets: ready < 1.5 s, RSS < 150 MB with both adapters, settled included)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args().runs))
