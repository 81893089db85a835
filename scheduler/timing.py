"""When tips are due: the ISO-week period in the configured zone and the cron slot inside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger


class SteadyCronTrigger(CronTrigger):
    """A CronTrigger whose fire times always move forward.

    APScheduler 3.11.3 returns the same instant forever for a slot inside the repeated hour when DST ends
    (agronholm/apscheduler#1021), and its scheduler loops until the next fire time passes "now": the bot would spin
    on that night. When the trigger does not advance, ask again from one hour later.
    """

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        fire = super().get_next_fire_time(previous_fire_time, now)
        after = previous_fire_time
        for _ in range(3):
            if fire is None or after is None or fire.timestamp() > after.timestamp():
                return fire
            later = datetime.fromtimestamp(after.timestamp() + 3600, self.timezone)
            fire = super().get_next_fire_time(None, later)
            after = later
        return fire


@dataclass(frozen=True)
class Period:
    """One ISO week in the tip time zone: '2026-W48', from Monday 00:00 to the next Monday 00:00 (local)."""

    label: str
    start: datetime
    end: datetime


class Schedule:
    """The cron slot (TIP_SCHEDULE) in a zone (TIP_TIMEZONE). Raises ValueError on invalid values."""

    def __init__(self, crontab: str, zone: str) -> None:
        self.crontab = crontab
        self.zone = ZoneInfo(zone)
        self.trigger = SteadyCronTrigger.from_crontab(crontab, timezone=self.zone)

    def period(self, now: datetime) -> Period:
        """The period containing ``now``."""
        local = now.astimezone(self.zone)
        monday = (local - timedelta(days=local.weekday())).date()
        start = datetime(monday.year, monday.month, monday.day, tzinfo=self.zone)
        nxt = monday + timedelta(days=7)
        end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=self.zone)
        year, week, _ = monday.isocalendar()
        return Period(f"{year}-W{week:02d}", start, end)

    def period_of(self, label: str) -> Period:
        """The period a label such as '2026-W48' names (the inverse of ``period(...).label``)."""
        year, week = label.split("-W")
        monday = date.fromisocalendar(int(year), int(week), 1)
        return self.period(datetime(monday.year, monday.month, monday.day, 12, tzinfo=self.zone))

    def next_period(self, period: Period) -> Period:
        return self.period(period.end + timedelta(hours=1))

    def previous_period(self, period: Period) -> Period:
        return self.period(period.start - timedelta(hours=1))

    def slot(self, period: Period) -> datetime | None:
        """The first cron fire time inside the period (one tip per period even if cron fires more often)."""
        fire = self.trigger.get_next_fire_time(None, period.start)
        return fire if fire is not None and fire < period.end else None

    def next_slot(self, now: datetime) -> datetime | None:
        """The next slot strictly after ``now`` that opens a period's tip."""
        period = self.period(now)
        for _ in range(60):
            slot = self.slot(period)
            if slot is not None and slot > now:
                return slot
            period = self.next_period(period)
        return None
