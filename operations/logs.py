"""Logging: readable lines by default, one JSON object per line with LOG_FORMAT=json; one line per command."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from handlers.asker import Asker
from handlers.reply import Reply

log = logging.getLogger("rolecall.commands")


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, and the command's fields when there are any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(level: str, fmt: str) -> None:
    """Configure the root logger once per process."""
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # Neither format shows the caller, thread or process, so records need not collect them (the logging HOWTO's
    # "Optimization" settings): the walk up the stack for the caller was a third of each command line's cost.
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    if level != "DEBUG":
        logging.getLogger("apscheduler").setLevel(logging.WARNING)  # its INFO lines repeat what rolecall.tips says
    # RoleCall never joins voice: discord.py's "PyNaCl/davey is not installed" warnings are noise on every start.
    logging.getLogger("discord.client").addFilter(lambda record: "voice will NOT be supported" not in record.msg)


def command_line(asker: Asker, _text: str, reply: Reply, seconds: float) -> None:
    """An observer for Handlers: one log line per command. The query text is not logged (the query log has it)."""
    fields = {
        "platform": asker.platform,
        "kind": reply.kind,
        "id": reply.ref,
        "score": reply.score,
        "latency_ms": round(seconds * 1000, 3),
    }
    log.info(
        "command platform=%s kind=%s id=%s score=%s latency_ms=%.3f",
        asker.platform,
        reply.kind,
        reply.ref,
        reply.score,
        seconds * 1000,
        extra={"fields": fields},
    )
