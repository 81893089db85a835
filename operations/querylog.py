"""The query log: what members asked, how well it was answered and how they rated it, for the content backlog.

It keeps the platform, result kind, matched id, score, latency and the query cut to 200 characters, and each 👍/👎
with the answer id it was given to. It never keeps who asked or who voted. Rows older than the retention period are
deleted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, delete, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from content.text import normalize, preview
from handlers.admin import unreachable
from handlers.asker import Asker
from handlers.reply import Reply, Section
from operations.journal import Journal
from scheduler.store import Store, feedback_table, queries_table

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


@dataclass(frozen=True)
class Rating:
    """One line of the "most 👎" report: an answer id and its votes."""

    answer: str
    down: int
    up: int


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

    def vote(self, asker: Asker, answer: str, vote: str) -> None:
        """A handlers voter: record a 👍 or 👎 on ``answer`` ('role:data-scientist'), never who gave it."""
        row = {"at": datetime.now(UTC).replace(tzinfo=None), "platform": asker.platform[:20], "answer": answer}
        self.journal.add(feedback_table, {**row, "vote": vote})

    def purge(self, now: datetime | None = None) -> int:
        """Delete queries and votes older than the retention period; returns how many."""
        cutoff = ((now or datetime.now(UTC)) - self.retention).astimezone(UTC).replace(tzinfo=None)
        self.journal.flush()
        with self.store.engine.begin() as conn:
            votes = conn.execute(delete(feedback_table).where(feedback_table.c.at < cutoff)).rowcount
            return votes + conn.execute(delete(queries_table).where(queries_table.c.at < cutoff)).rowcount

    def disliked(self, days: int = 30, limit: int = 10, now: datetime | None = None) -> list[Rating]:
        """The answers with the most 👎 in the last ``days`` days (with their 👍), most 👎 first."""
        since = ((now or datetime.now(UTC)) - timedelta(days=days)).astimezone(UTC).replace(tzinfo=None)
        f = feedback_table.c
        down = func.sum(case((f.vote == "down", 1), else_=0))
        up = func.sum(case((f.vote == "up", 1), else_=0))
        query = (
            select(f.answer, down.label("down"), up.label("up"))
            .where(f.at >= since)
            .group_by(f.answer)
            .having(down > 0)
            .order_by(down.desc(), up.asc(), f.answer)
            .limit(limit)
        )
        self.journal.flush()
        with self.store.engine.connect() as conn:
            return [Rating(row.answer, int(row.down), int(row.up)) for row in conn.execute(query)]

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
            rated = self.disliked(days, limit)
        except SQLAlchemyError:
            return unreachable()
        items = tuple(
            f"{m.count}× “{m.query}”: " + ("no match" if m.kind == "no_match" else f"weak match {m.best}")
            for m in found
        )
        text = f"Unanswered or low-confidence queries of the last {days} days, most frequent first."
        votes = tuple(f"{r.down}× 👎, {r.up}× 👍: {r.answer}" for r in rated)
        return Reply(
            "admin",
            "Content backlog",
            (
                Section(text=text, items=items or ("none: nothing missed",)),
                Section("Most 👎 (rewrite these first)", items=votes or ("none: no answer was rated 👎",)),
            ),
        )

    def count(self) -> int:
        """Rows in the query log (queued rows are written first)."""
        self.journal.flush()
        with self.store.engine.connect() as conn:
            return len(conn.execute(select(queries_table.c.id)).all())
