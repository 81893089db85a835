"""Reading platform JSON that may have any shape: Slack's and Discord's payloads come from clients and servers."""

from __future__ import annotations

from typing import Any


def field(payload: Any, *path: str) -> Any:
    """``payload[path[0]][path[1]]...``, or None as soon as a step is missing or not an object."""
    for key in path:
        payload = payload.get(key) if isinstance(payload, dict) else None
    return payload
