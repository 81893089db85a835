"""Prometheus metrics: commands by platform and kind, latency, 👍/👎, tip deliveries by state, the content version.

The no-match rate is sum(rate(rolecall_commands_total{kind="no_match"}[1h])) / sum(rate(rolecall_commands_total[1h])).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily, Metric
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from content.library import Library
from handlers.asker import Asker
from handlers.reply import Reply
from operations.journal import Journal
from scheduler.store import Store, deliveries_table

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class _State:
    """Read at scrape time, so the figures are never stale: content version and deliveries by state."""

    def __init__(self, library: Callable[[], Library], store: Store | None, journal: Journal | None) -> None:
        self.library = library
        self.store = store
        self.journal = journal

    def collect(self) -> Iterator[Metric]:
        content = self.library().content
        info = InfoMetricFamily("rolecall_content", "The content being served")
        info.add_metric([], {"version": content.version, "moments": str(len(content.moments))})
        yield info
        if self.journal is not None:
            dropped = CounterMetricFamily(
                "rolecall_query_log_dropped", "Query log and reload rows dropped: the database was down too long"
            )
            dropped.add_metric([], self.journal.dropped)
            yield dropped
            pending = GaugeMetricFamily("rolecall_query_log_pending", "Query log and reload rows not yet written")
            pending.add_metric([], self.journal.pending)
            yield pending
        if self.store is not None:
            gauge = GaugeMetricFamily("rolecall_tip_deliveries", "Weekly tip deliveries by state", labels=["state"])
            try:
                with self.store.engine.connect() as conn:
                    rows = conn.execute(
                        select(deliveries_table.c.state, func.count()).group_by(deliveries_table.c.state)
                    ).all()
            except SQLAlchemyError:  # the database is down: the other metrics still matter most now
                return
            counts = {str(state): int(count) for state, count in rows}
            for state in ("claimed", "sent", "failed", "missed"):
                gauge.add_metric([state], counts.get(state, 0))
            yield gauge


class Metrics:
    """An observer for Handlers, and the /metrics body."""

    def __init__(
        self, library: Callable[[], Library], store: Store | None = None, journal: Journal | None = None
    ) -> None:
        self.registry = CollectorRegistry()
        self.commands = Counter(
            "rolecall_commands", "Member commands answered", ["platform", "kind"], registry=self.registry
        )
        self.latency = Histogram(
            "rolecall_command_latency_seconds",
            "Time to build an answer",
            ["platform"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.feedback = Counter(
            "rolecall_feedback", "Members' 👍/👎 on answers", ["platform", "vote"], registry=self.registry
        )
        self.registry.register(_State(library, store, journal))
        # Labelled children looked up once: labels() validates and locks on every call.
        self._counted: dict[tuple[str, str], Any] = {}
        self._timed: dict[str, Any] = {}

    def __call__(self, asker: Asker, _text: str, reply: Reply, seconds: float) -> None:
        key = (asker.platform, reply.kind)
        counter = self._counted.get(key) or self._counted.setdefault(key, self.commands.labels(*key))
        counter.inc()
        timer = self._timed.get(asker.platform) or self._timed.setdefault(
            asker.platform, self.latency.labels(asker.platform)
        )
        timer.observe(seconds)

    def vote(self, asker: Asker, _answer: str, vote: str) -> None:
        """A handlers voter: count a 👍 ('up') or 👎 ('down') per platform."""
        self.feedback.labels(asker.platform, vote).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
