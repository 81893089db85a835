"""Live content reload: load and validate completely, then swap atomically; invalid content never replaces good.

Every reload is recorded (who, when, content version, result) in the store.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from content.library import Library
from content.loader import DEFAULT_CONTENT_DIR, ContentError
from handlers.reply import Reply, Section
from operations.journal import Journal
from scheduler.store import Store, reloads_table

log = logging.getLogger("rolecall.content")

MAX_LISTED_PROBLEMS = 20  # a reply lists this many; the rest are counted
WATCH_EVERY_SECONDS = 2.0


def _origin(who: str) -> str:
    """'slack:U123' -> 'slack': enough for a log line, without the moderator's user id."""
    return who.partition(":")[0]


class LibraryHolder:
    """The current Library. Replacing it is one reference assignment, so a reader sees the old or the new one."""

    def __init__(self, library: Library) -> None:
        self.current = library

    def __call__(self) -> Library:
        return self.current

    def swap(self, library: Library) -> None:
        """Serve ``library`` from now on, and warm it up off the request path."""
        self.current = library
        self.warm_up()

    def warm_up(self) -> threading.Thread:
        """Build the current library's meaning index and its common terms' arrays in a background thread, so that no
        member's question waits for them (the first ones needing them would, after start-up and after every reload)."""
        thread = threading.Thread(target=self.current.resolver.warm, name="rolecall-warm-up", daemon=True)
        thread.start()
        return thread


class ContentReloader:
    """Reloads ``root`` into ``holder``; implements handlers.desks.ReloadDesk."""

    def __init__(
        self, holder: LibraryHolder, root: Path | None, store: Store | None = None, journal: Journal | None = None
    ) -> None:
        self.holder = holder
        self.root = root or DEFAULT_CONTENT_DIR
        self.store = store
        # Records go through the journal, so a reload works (and is recorded later) while the database is down.
        self.journal = journal or (Journal(store) if store is not None else None)

    def reload(self, who: str) -> Reply:
        """Load, validate and index the content again; swap it in only if it is valid."""
        old = self.holder.current.content.version
        try:
            library = Library.load(self.root)
        except ContentError as exc:
            problems = [str(p) for p in exc.problems]
            self._record(who, None, "invalid", "\n".join(problems))
            # The platform only: who exactly is in content_reloads, and user ids stay out of the logs.
            log.warning(
                "content reload (%s) rejected: %d problem(s); still serving %s", _origin(who), len(problems), old
            )
            shown = problems[:MAX_LISTED_PROBLEMS]
            if len(problems) > len(shown):
                shown.append(f"... and {len(problems) - len(shown)} more")
            text = f"Still serving version {old}. Fix these and reload again:"
            return Reply("admin", "Content not reloaded", (Section(text=text, items=tuple(shown)),))
        new = library.content.version
        if new == old:
            self._record(who, new, "unchanged", None)
            return Reply("admin", "Content unchanged", (Section(text=f"Version {new}: nothing to reload."),))
        self.holder.swap(library)
        self._record(who, new, "ok", library.content.summary())
        log.info("content reloaded (%s): %s -> %s", _origin(who), old, new)
        return Reply("admin", "Content reloaded", (Section(text=f"Now serving {library.content.summary()}."),))

    def _record(self, who: str, version: str | None, result: str, detail: str | None) -> None:
        if self.journal is None:
            return
        self.journal.add(
            reloads_table,
            {
                "at": datetime.now(UTC).replace(tzinfo=None),
                "who": who[:200],
                "version": version,
                "result": result,
                "detail": (detail or "")[:2000],
            },
        )

    def history(self) -> list[tuple[str, str | None, str]]:
        """(who, version, result) of every recorded reload, oldest first."""
        if self.store is None or self.journal is None:
            return []
        self.journal.flush()
        with self.store.engine.connect() as conn:
            rows = conn.execute(select(reloads_table).order_by(reloads_table.c.id)).all()
        return [(r.who, r.version, r.result) for r in rows]

    def fingerprint(self) -> tuple[tuple[str, int, int], ...]:
        """Names, sizes and modification times of the content files: cheap to compare every few seconds."""
        files = sorted(p for p in self.root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files)

    async def watch(self, every: float = WATCH_EVERY_SECONDS) -> None:
        """CONTENT_WATCH: reload when a content file changes (polling, so it works on every filesystem)."""
        seen = self.fingerprint()
        while True:
            await asyncio.sleep(every)
            current = self.fingerprint()
            if current != seen:
                seen = current
                self.reload("watcher")
