"""What every benchmark here shares: percentiles, loopback servers without a proxy in the way, waiting for ready."""

from __future__ import annotations

import asyncio
import os

import aiohttp


def pct(values: list[float], p: float) -> float:
    """The ``p``th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def drop_proxies() -> None:
    """The fakes listen on 127.0.0.1, and slack-sdk copies proxy variables without honouring NO_PROXY."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        os.environ.pop(name, None)


async def wait_healthy(
    session: aiohttp.ClientSession, port: int, interval: float = 0.05, timeout: float = 20.0
) -> None:
    """Poll ``/healthz`` on a loopback port until it answers 200; raise after ``timeout`` seconds."""
    for _ in range(int(timeout / interval)):
        try:
            async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(interval)
    raise RuntimeError(f"the server on port {port} did not become ready")
