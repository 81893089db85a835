"""Durable tip state on SQLite or PostgreSQL (SQLAlchemy Core): the chosen tip per period and the delivery ledger.

Every rule that must hold across restarts and replicas is a database constraint here: one tip row per period
(primary key) and one delivery row per (destination, period) (primary key), claimed before anything is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    Row,
    String,
    Table,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError

log = logging.getLogger("rolecall.store")

SCHEMA_VERSION = 5  # 2: the key-value table (Discord command hash); 3: content reloads and the query log;
# 4: seen platform events (Slack event_id dedupe); 5: members' 👍/👎 on answers
DEFAULT_DATABASE_URL = "sqlite:///data/rolecall.db"

metadata = MetaData()
schema_table = Table("rolecall_schema", metadata, Column("id", Integer, primary_key=True), Column("version", Integer))
periods_table = Table(
    "tip_periods",
    metadata,
    Column("period", String(16), primary_key=True),
    Column("moment_key", String(200), nullable=False),
    Column("cycle", Integer, nullable=False),
    Column("source", String(16), nullable=False),
    Column("chosen_at", DateTime, nullable=False),
)
skips_table = Table(
    "tip_skips",
    metadata,
    Column("cycle", Integer, primary_key=True),
    Column("moment_key", String(200), primary_key=True),
    Column("skipped_at", DateTime, nullable=False),
)
pins_table = Table(
    "tip_pins",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("moment_key", String(200), nullable=False),
    Column("pinned_at", DateTime, nullable=False),
)
deliveries_table = Table(
    "tip_deliveries",
    metadata,
    Column("destination", String(200), primary_key=True),
    Column("period", String(16), primary_key=True),
    Column("state", String(16), nullable=False),  # claimed | sent | failed | missed
    Column("moment_key", String(200)),
    Column("owner", String(200)),
    Column("lease_until", DateTime),
    Column("attempts", Integer, nullable=False, default=0),
    Column("message_id", String(200)),
    Column("error", String(500)),
    Column("updated_at", DateTime, nullable=False),
)
kv_table = Table(
    "rolecall_kv",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", String(500), nullable=False),
)
reloads_table = Table(
    "content_reloads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("who", String(200), nullable=False),
    Column("version", String(40)),
    Column("result", String(16), nullable=False),  # ok | invalid | unchanged
    Column("detail", String(2000)),
)
queries_table = Table(
    "query_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("platform", String(20), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("ref", String(200)),
    Column("score", Float),
    Column("latency_ms", Float, nullable=False),
    Column("query", String(200), nullable=False),  # cut to 200 characters; no user ids, ever
)
destinations_table = Table(
    "tip_destinations",
    metadata,
    Column("destination", String(200), primary_key=True),
    Column("first_seen", DateTime, nullable=False),
)
feedback_table = Table(
    "answer_feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("platform", String(20), nullable=False),
    Column("answer", String(200), nullable=False),  # 'role:data-scientist'; who voted is never kept
    Column("vote", String(4), nullable=False),  # up | down
)
events_table = Table(
    "seen_events",
    metadata,
    Column("event_id", String(200), primary_key=True),  # e.g. 'slack:Ev0123': one answer per event, any replica
    Column("seen_at", DateTime, nullable=False, index=True),
)


class StoreReplaced(Exception):
    """The SQLite file in use was deleted or replaced underneath the process."""


def _naive(moment: datetime) -> datetime:
    """Stored as naive UTC: SQLite keeps no zone, so both engines get the same thing."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None else None


def engine_for(url: str) -> Engine:
    """An engine for DATABASE_URL; 'postgresql://' uses psycopg 3, SQLite files get their folder and WAL."""
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    if url.startswith("postgresql+psycopg://"):
        # connect_timeout: an unreachable server fails a write in seconds instead of the OS's TCP timeout.
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    return create_engine(url, pool_pre_ping=True)


@dataclass(frozen=True)
class Delivery:
    """One row of the ledger."""

    destination: str
    period: str
    state: str
    moment_key: str | None
    owner: str | None
    lease_until: datetime | None
    attempts: int
    message_id: str | None
    error: str | None
    updated_at: datetime


@dataclass(frozen=True)
class Choice:
    """The tip stored for a period."""

    period: str
    moment_key: str
    cycle: int
    source: str


class Store:
    """All reads and writes of tip state. Methods are small transactions; none holds a lock across a send."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._identity = self._file_identity()

    @classmethod
    def open(cls, url: str) -> Store:
        """Connect and create or upgrade the schema."""
        store = cls(engine_for(url))
        store.migrate()
        store._identity = store._file_identity()
        return store

    # -- the SQLite file's identity ------------------------------------------------------------------------

    def _sqlite_path(self) -> Path | None:
        if self.engine.dialect.name != "sqlite" or self.engine.url.database in (None, "", ":memory:"):
            return None
        return Path(self.engine.url.database)

    def _file_identity(self) -> tuple[int, int] | None:
        path = self._sqlite_path()
        try:
            stat = path.stat() if path is not None else None
        except FileNotFoundError:
            return None
        return (stat.st_dev, stat.st_ino) if stat is not None else None

    def ensure_current(self) -> bool:
        """SQLite: is the file at the path still the one opened? If not (deleted or replaced), reopen it.

        SQLite keeps writing into a deleted file's inode, where nothing will ever read it, so a replaced file is
        checked by path and inode, and reopened (with the schema created again). Returns False when it reopened.
        PostgreSQL has no such file: always True.
        """
        path = self._sqlite_path()
        if path is None:
            return True
        now = self._file_identity()
        if self._identity is None:
            self._identity = now
        if now is not None and now == self._identity:
            return True
        log.error("the database file %s was deleted or replaced while open: reopening it", path)
        self.engine.dispose()
        self.migrate()
        self._identity = self._file_identity()
        return False

    def close(self) -> None:
        self.engine.dispose()

    # -- schema --------------------------------------------------------------------------------------------

    def migrate(self) -> None:
        """Create or upgrade the schema; safe when several replicas start at once."""
        for attempt in range(5):
            try:
                with self.engine.begin() as conn:
                    if conn.dialect.name == "postgresql":
                        # One migrator at a time across replicas; released at commit.
                        conn.execute(text("SELECT pg_advisory_xact_lock(7346132)"))
                    metadata.create_all(conn, checkfirst=True)
                    version = conn.execute(select(schema_table.c.version).where(schema_table.c.id == 1)).scalar()
                    if version is None:
                        conn.execute(insert(schema_table).values(id=1, version=SCHEMA_VERSION))
                    elif version > SCHEMA_VERSION:
                        raise RuntimeError(f"the database schema is version {version}, newer than this bot's")
                    elif version < SCHEMA_VERSION:  # upgrades so far only add tables, which create_all just did
                        conn.execute(update(schema_table).where(schema_table.c.id == 1).values(version=SCHEMA_VERSION))
                return
            except (IntegrityError, OperationalError) as exc:
                # SQLite has no advisory lock: a replica that lost the race to CREATE TABLE retries and finds it done.
                # Anything else (a refused connection, a wrong password) is not a race: fail at once.
                raced = isinstance(exc, IntegrityError) or "already exists" in str(exc)
                if attempt == 4 or not raced:
                    raise
                log.info("schema creation raced with another process (%s); retrying", type(exc).__name__)

    def ping(self) -> None:
        """Raise if the database cannot be reached, or if the SQLite file had been replaced (it is reopened)."""
        current = self.ensure_current()
        with self.engine.connect() as conn:
            conn.execute(select(1))
        if not current:
            raise StoreReplaced("the database file was deleted or replaced while open; reopened")

    def get(self, key: str) -> str | None:
        """A small persistent value (e.g. the hash of the last synced Discord commands)."""
        with self.engine.connect() as conn:
            return conn.execute(select(kv_table.c.value).where(kv_table.c.key == key)).scalar()

    def put(self, key: str, value: str) -> None:
        with self.engine.begin() as conn:
            if conn.execute(update(kv_table).where(kv_table.c.key == key).values(value=value)).rowcount == 0:
                conn.execute(insert(kv_table).values(key=key, value=value))

    def first_delivery(self, event_id: str, now: datetime, ttl: timedelta) -> bool:
        """Record ``event_id``; True the first time it is seen within ``ttl``, False for a re-delivery.

        The primary key decides, so two replicas given the same event cannot both answer it. Rows older than
        ``ttl`` are dropped first: platforms re-deliver within minutes, so the table stays small.
        """
        with self.engine.begin() as conn:
            conn.execute(delete(events_table).where(events_table.c.seen_at < _naive(now - ttl)))
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(events_table).values(event_id=event_id, seen_at=_naive(now)))
        except IntegrityError:
            return False
        return True

    # -- rotation ------------------------------------------------------------------------------------------

    def choice(self, period: str) -> Choice | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(periods_table).where(periods_table.c.period == period)).first()
        return Choice(row.period, row.moment_key, row.cycle, row.source) if row else None

    def choose(self, period: str, order: Sequence[str], now: datetime) -> Choice:
        """The tip for ``period``, choosing and storing it if nobody has yet. All replicas get the same answer."""
        existing = self.choice(period)
        if existing is not None:
            return existing
        try:
            with self.engine.begin() as conn:
                choice = self._next(conn, period, order)
                conn.execute(
                    insert(periods_table).values(
                        period=period,
                        moment_key=choice.moment_key,
                        cycle=choice.cycle,
                        source=choice.source,
                        chosen_at=_naive(now),
                    )
                )
                if choice.source == "pin":
                    oldest = select(func.min(pins_table.c.id)).where(pins_table.c.moment_key == choice.moment_key)
                    conn.execute(delete(pins_table).where(pins_table.c.id == oldest.scalar_subquery()))
            return choice
        except IntegrityError:
            stored = self.choice(period)  # another replica chose first: use its choice
            assert stored is not None
            return stored

    def _next(self, conn: Connection, period: str, order: Sequence[str]) -> Choice:
        available = set(order)
        for (key,) in conn.execute(select(pins_table.c.moment_key).order_by(pins_table.c.id)):
            if key in available:
                cycle = conn.execute(select(func.max(periods_table.c.cycle))).scalar() or 1
                return Choice(period, key, cycle, "pin")
        cycle = conn.execute(select(func.max(periods_table.c.cycle))).scalar() or 1
        used = {k for (k,) in conn.execute(select(periods_table.c.moment_key).where(periods_table.c.cycle == cycle))}
        used |= {k for (k,) in conn.execute(select(skips_table.c.moment_key).where(skips_table.c.cycle == cycle))}
        pool = [key for key in order if key not in used]
        if not pool:  # every current moment has had its turn: a new cycle starts
            cycle, pool = cycle + 1, list(order)
        return Choice(period, pool[0], cycle, "rotation")

    def replace_choice(self, period: str) -> None:
        """Forget the stored tip of a period (before anything was delivered for it), so it is chosen again."""
        with self.engine.begin() as conn:
            conn.execute(delete(periods_table).where(periods_table.c.period == period))

    def skip(self, choice: Choice, now: datetime) -> None:
        """Mark a moment as used in its cycle without posting it, and forget the period's choice."""
        with self.engine.begin() as conn:
            exists = select(skips_table).where(
                and_(skips_table.c.cycle == choice.cycle, skips_table.c.moment_key == choice.moment_key)
            )
            if conn.execute(exists).first() is None:
                conn.execute(
                    insert(skips_table).values(cycle=choice.cycle, moment_key=choice.moment_key, skipped_at=_naive(now))
                )
            conn.execute(delete(periods_table).where(periods_table.c.period == choice.period))

    def pin(self, moment_key: str, now: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(pins_table).values(moment_key=moment_key, pinned_at=_naive(now)))

    def pins(self) -> list[str]:
        with self.engine.connect() as conn:
            return [k for (k,) in conn.execute(select(pins_table.c.moment_key).order_by(pins_table.c.id))]

    def history(self) -> list[Choice]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(periods_table).order_by(periods_table.c.period)).all()
        return [Choice(r.period, r.moment_key, r.cycle, r.source) for r in rows]

    # -- ledger --------------------------------------------------------------------------------------------

    def register(self, destination: str, now: datetime) -> datetime:
        """Remember when a destination was first configured (periods before it are never 'missed')."""
        with self.engine.begin() as conn:
            row = conn.execute(
                select(destinations_table.c.first_seen).where(destinations_table.c.destination == destination)
            ).first()
            if row is not None:
                return _aware(row.first_seen)  # type: ignore[return-value]
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(destinations_table).values(destination=destination, first_seen=_naive(now)))
        except IntegrityError:
            return self.register(destination, now)
        return now

    def claim(
        self, destination: str, period: str, moment_key: str, owner: str, now: datetime, lease: timedelta
    ) -> bool:
        """Take the right to post ``period`` to ``destination``. Exactly one caller ever gets True for a new row."""
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(deliveries_table).values(
                        destination=destination,
                        period=period,
                        state="claimed",
                        moment_key=moment_key,
                        owner=owner,
                        lease_until=_naive(now + lease),
                        attempts=0,
                        updated_at=_naive(now),
                    )
                )
            return True
        except IntegrityError:
            return False

    def take_over(
        self,
        destination: str,
        period: str,
        owner: str,
        now: datetime,
        lease: timedelta,
        states: Sequence[str],
        *,
        dead_owner: str | None = None,
    ) -> bool:
        """Re-claim a row in one of ``states`` whose lease expired (or whose owner is known dead). One winner."""
        row = deliveries_table.c
        condition = and_(row.destination == destination, row.period == period, row.state.in_(states))
        if dead_owner is not None:
            condition = and_(condition, row.owner == dead_owner)
        elif "claimed" in states:
            condition = and_(condition, (row.state != "claimed") | (row.lease_until < _naive(now)))
        with self.engine.begin() as conn:
            result = conn.execute(
                update(deliveries_table)
                .where(condition)
                .values(state="claimed", owner=owner, lease_until=_naive(now + lease), updated_at=_naive(now))
            )
        return result.rowcount == 1

    def attempt(self, destination: str, period: str, now: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(deliveries_table)
                .where(and_(deliveries_table.c.destination == destination, deliveries_table.c.period == period))
                .values(attempts=deliveries_table.c.attempts + 1, updated_at=_naive(now))
            )

    def finish(
        self,
        destination: str,
        period: str,
        owner: str,
        now: datetime,
        *,
        message_id: str | None = None,
        error: str | None = None,
    ) -> None:
        """Mark a claimed row sent (with the platform's message id) or failed (with the error)."""
        state = "sent" if error is None else "failed"
        with self.engine.begin() as conn:
            conn.execute(
                update(deliveries_table)
                .where(
                    and_(
                        deliveries_table.c.destination == destination,
                        deliveries_table.c.period == period,
                        deliveries_table.c.owner == owner,
                    )
                )
                .values(
                    state=state,
                    message_id=message_id,
                    error=(error or None) and error[:500],
                    lease_until=None,
                    updated_at=_naive(now),
                )
            )

    def record_missed(self, destination: str, period: str, now: datetime) -> bool:
        """Record that a period's slot passed with no delivery and its catch-up window closed."""
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(deliveries_table).values(
                        destination=destination,
                        period=period,
                        state="missed",
                        attempts=0,
                        updated_at=_naive(now),
                        error="the bot was not running during the slot and its catch-up window",
                    )
                )
            return True
        except IntegrityError:
            return False

    def delivery(self, destination: str, period: str) -> Delivery | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(deliveries_table).where(
                    and_(deliveries_table.c.destination == destination, deliveries_table.c.period == period)
                )
            ).first()
        return self._delivery(row) if row else None

    def deliveries(self, period: str | None = None, limit: int = 50) -> list[Delivery]:
        query = select(deliveries_table).order_by(deliveries_table.c.period.desc(), deliveries_table.c.destination)
        if period is not None:
            query = query.where(deliveries_table.c.period == period)
        with self.engine.connect() as conn:
            return [self._delivery(r) for r in conn.execute(query.limit(limit))]

    def claimed(self) -> list[Delivery]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(deliveries_table).where(deliveries_table.c.state == "claimed")).all()
        return [self._delivery(r) for r in rows]

    @staticmethod
    def _delivery(row: Row[Any]) -> Delivery:
        return Delivery(
            row.destination,
            row.period,
            row.state,
            row.moment_key,
            row.owner,
            _aware(row.lease_until),
            row.attempts,
            row.message_id,
            row.error,
            _aware(row.updated_at),  # type: ignore[arg-type]
        )
