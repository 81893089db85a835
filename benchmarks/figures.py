"""What every benchmark here shares: percentiles, and talking to loopback servers without a proxy in the way."""

from __future__ import annotations

import os


def pct(values: list[float], p: float) -> float:
    """The ``p``th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def drop_proxies() -> None:
    """The fakes listen on 127.0.0.1, and slack-sdk copies proxy variables without honouring NO_PROXY."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        os.environ.pop(name, None)
