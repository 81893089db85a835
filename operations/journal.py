"""Write-behind for the query log and reload records: commands never wait on the database.

Observers add rows to a bounded in-memory queue (a deque append, no I/O); a background task writes them in
batches, in a worker thread so a slow database never blocks the event loop. While the database is down, rows are
kept up to the bound; after that new rows are dropped and counted (``rolecall_query_log_dropped_total``).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from typing import Any

from sqlalchemy import Table, insert

from scheduler.store import Store

log = logging.getLogger("rolecall.journal")

DEFAULT_BOUND = 10_000  # rows kept in memory while the database is unreachable (about 3 MB)
BATCH = 500
FLUSH_EVERY_SECONDS = 0.5


class Journal:
    """A bounded queue of (table, row) written to ``store`` in batches by ``run`` (or ``flush``)."""

    def __init__(self, store: Store, bound: int = DEFAULT_BOUND, batch: int = BATCH) -> None:
        self.store = store
        self.bound = bound
        self.batch = batch
        self.dropped = 0
        self.written = 0
        self._queue: deque[tuple[Table, dict[str, Any]]] = deque()
        self._in_flight = 0
        self._lock = threading.Lock()  # guards the queue and counters (the writer is another thread)
        self._writing = threading.Lock()  # one writer at a time, so rows keep their order
        self._failing = False

    @property
    def pending(self) -> int:
        """Rows not yet written (queued or being written)."""
        return len(self._queue) + self._in_flight

    def add(self, table: Table, row: dict[str, Any]) -> None:
        """Queue one row; never blocks. Past the bound the row is dropped and counted."""
        with self._lock:
            if len(self._queue) + self._in_flight >= self.bound:
                self.dropped += 1
                return
            self._queue.append((table, row))

    def flush(self) -> int:
        """Write everything queued now; returns how many rows. Raises (keeping the rows) if the database fails."""
        total = 0
        with self._writing:
            while True:
                with self._lock:
                    batch = [self._queue.popleft() for _ in range(min(self.batch, len(self._queue)))]
                    self._in_flight = len(batch)
                if not batch:
                    return total
                try:
                    self.store.ensure_current()  # a replaced SQLite file is reopened, not written into the void
                    with self.store.engine.begin() as conn:
                        for table in dict.fromkeys(t for t, _ in batch):
                            conn.execute(insert(table), [row for t, row in batch if t is table])
                except Exception:
                    with self._lock:
                        self._queue.extendleft(reversed(batch))
                        self._in_flight = 0
                    raise
                with self._lock:
                    self._in_flight = 0
                    self.written += len(batch)
                total += len(batch)

    def try_flush(self) -> None:
        """``flush``, logging one warning when writes start failing and one line when they recover."""
        try:
            written = self.flush()
        except Exception as exc:
            if not self._failing:
                log.warning(
                    "database unreachable: keeping up to %d log rows in memory (%s)", self.bound, type(exc).__name__
                )
            self._failing = True
            return
        if self._failing:
            log.info("database reachable again: wrote %d queued rows (%d dropped)", written, self.dropped)
        self._failing = False

    async def run(self, every: float = FLUSH_EVERY_SECONDS) -> None:
        """The background writer: flush in a worker thread every ``every`` seconds until cancelled."""
        while True:
            await asyncio.sleep(every)
            if self.pending:
                await asyncio.to_thread(self.try_flush)
