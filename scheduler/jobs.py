"""APScheduler wiring: the cron slot and a periodic sweep, both in the bot's event loop.

The ledger, not APScheduler, decides what is due: the cron job only makes posts punctual, and the sweep (also run
once at start-up) catches up anything a restart, a DST shift or a busy loop made the cron job miss.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.service import TipService

log = logging.getLogger("rolecall.tips")

SWEEP_EVERY = timedelta(minutes=10)


class TipScheduler:
    """Start inside the running loop (APScheduler requires it); stop on shutdown."""

    def __init__(self, service: TipService, sweep_every: timedelta = SWEEP_EVERY) -> None:
        self.service = service
        self.sweep_every = sweep_every
        self.scheduler: AsyncIOScheduler | None = None

    async def start(self) -> None:
        """Catch up first, then schedule the slot and the sweep (in-memory job store, never shared)."""
        await self._sweep()
        self.scheduler = AsyncIOScheduler(timezone=self.service.schedule.zone)
        self.scheduler.add_job(
            self._sweep,
            self.service.schedule.trigger,
            id="tip-slot",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
        )
        self.scheduler.add_job(
            self._sweep,
            IntervalTrigger(seconds=self.sweep_every.total_seconds()),
            id="tip-sweep",
            coalesce=True,
            max_instances=1,
        )
        self.scheduler.start()
        log.info(
            "weekly tip: %s (%s) to %s",
            self.service.schedule.crontab,
            self.service.schedule.zone.key,
            ", ".join(self.service.destinations) or "no destination",
        )

    async def _sweep(self) -> None:
        try:
            await self.service.sweep()
            self.service.refresh()  # members' `tip` answers from memory; this keeps it current
        except Exception:  # a database blip must not kill the scheduler; the next sweep tries again
            log.exception("tip sweep failed")

    def stop(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
