"""The query log: what members asked and how well it was answered, for the moderators' content backlog.

It keeps the platform, result kind, matched id, score, latency and the query cut to 200 characters. It never keeps
who asked. Rows older than the retention period are deleted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import SQLAlchemyError

from bot.journal import Journal
from content.text import normalize, preview
from handlers.admin import unreachable
from handlers.asker import Asker
from handlers.reply import Reply, Section
from scheduler.store import Store, queries_table

LOW_CONFIDENCE = 70.0  # answers scored below this (0-100) count as misses in the report, with no-matches
MAX_QUERY_CHARS = 200
DEFAULT_RETENTION_DAYS = 90
_NOT_LOGGED = {"admin", "refused"}


@dataclass(frozen=True)
class Miss:
    """One line of the misses report."""

    query: str
    count: int
    kind: str
    best: str | None


class QueryLog:
    """An observer for Handlers (records every member query) and handlers.desks.MissDesk."""

    def __init__(
        self, store: Store, retention_days: int = DEFAULT_RETENTION_DAYS, journal: Journal | None = None
    ) -> None:
        self.store = store
        self.retention = timedelta(days=retention_days)
        # Rows go through the journal: queued in memory now, written in batches off the request path.
        self.journal = journal or Journal(store)

    def __call__(self, asker: Asker, text: str, reply: Reply, seconds: float) -> None:
        if reply.kind in _NOT_LOGGED:
            return
        self.journal.add(
            queries_table,
            {
                "at": datetime.now(UTC).replace(tzinfo=None),
                "platform": asker.platform[:20],
                "kind": reply.kind,
                "ref": reply.ref,
                "score": reply.score,
                "latency_ms": round(seconds * 1000, 3),
                "query": preview(text, MAX_QUERY_CHARS),
            },
        )

    def purge(self, now: datetime | None = None) -> int:
        """Delete rows older than the retention period; returns how many."""
        cutoff = ((now or datetime.now(UTC)) - self.retention).astimezone(UTC).replace(tzinfo=None)
        self.journal.flush()
        with self.store.engine.begin() as conn:
            return conn.execute(delete(queries_table).where(queries_table.c.at < cutoff)).rowcount

    def misses(self, days: int = 30, limit: int = 20, now: datetime | None = None) -> list[Miss]:
        """The most frequent no-match or low-confidence queries of the last ``days`` days, grouped by wording."""
        since = ((now or datetime.now(UTC)) - timedelta(days=days)).astimezone(UTC).replace(tzinfo=None)
        q = queries_table.c
        self.journal.flush()  # what is still queued counts too
        query = select(q.query, q.kind, q.ref).where(
            q.at >= since, or_(q.kind == "no_match", (q.score.is_not(None) & (q.score < LOW_CONFIDENCE)))
        )
        with self.store.engine.connect() as conn:
            rows = conn.execute(query).all()
        counts: Counter[str] = Counter()
        example: dict[str, tuple[str, str, str | None]] = {}
        for row in rows:
            key = normalize(row.query) or row.query
            counts[key] += 1
            example.setdefault(key, (row.query, row.kind, row.ref))
        return [Miss(example[k][0], n, example[k][1], example[k][2]) for k, n in counts.most_common(limit)]

    def misses_reply(self, days: int, limit: int) -> Reply:
        """The misses report for `admin misses`."""
        try:
            found = self.misses(days, limit)
        except SQLAlchemyError:
            return unreachable()
        items = tuple(
            f"{m.count}× “{m.query}”: " + ("no match" if m.kind == "no_match" else f"weak match {m.best}")
            for m in found
        )
        text = f"Unanswered or low-confidence queries of the last {days} days, most frequent first."
        return Reply("admin", "Content backlog", (Section(text=text, items=items or ("none: nothing missed",)),))

    def count(self) -> int:
        """Rows in the query log (queued rows are written first)."""
        self.journal.flush()
        with self.store.engine.connect() as conn:
            return len(conn.execute(select(queries_table.c.id)).all())
