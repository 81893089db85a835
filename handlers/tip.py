"""This week's tip without rotation state: a stable pick per ISO week from the shipped content.

The scheduler replaces this pick with a stored rotation; this keeps `tip` useful before then.
"""

from __future__ import annotations

from datetime import date, datetime

from content.library import Library
from content.schema import Moment
from handlers.answers import episode_action, moment_sections
from handlers.navigation import answer_id
from handlers.reply import Citation, Reply

_FIRST_MONDAY = date(1970, 1, 5)


def week_of(now: datetime) -> str:
    """The ISO week label ('2026-W48') of a moment in time."""
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"


def pick_for_week(library: Library, now: datetime) -> Moment:
    """The same moment for every call in one ISO week; consecutive weeks walk through all moments."""
    keys = sorted(library.content.moments)
    year, week, _ = now.isocalendar()
    # Count weeks continuously: "year * 53 + week" skipped an index after every 52-week year.
    index = (date.fromisocalendar(year, week, 1) - _FIRST_MONDAY).days // 7
    return library.content.moments[keys[index % len(keys)]]


def tip_reply(library: Library, moment: Moment, week: str) -> Reply:
    """The weekly tip message for one moment."""
    title = f"Tip of the week ({week}): {moment.topic}"
    sections = moment_sections(library, moment)
    actions = (episode_action(moment),)
    return Reply(
        "tip",
        title,
        sections,
        (Citation.of(moment),),
        ref=moment.key,
        actions=actions,
        rated=answer_id("moment", moment.key),
    )
