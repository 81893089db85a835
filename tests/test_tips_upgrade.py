"""The weekly tip across the content upgrade from 36 moments (7 episodes) to the shipped 72 episodes (300+ moments).

A rotation in progress on the old content must survive a content reload onto the new content (same database):
the moments already posted are not posted again until every moment of the new pool has had its turn, every new
moment goes out exactly once in that first cycle, and no week is skipped or delivered twice.
"""

from __future__ import annotations

import io
import shutil
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from conftest import remove_moment
from fakes.slack_api import FakeSlack
from test_tips import Clock, service, slack_poster

from content.library import Library
from content.loader import DEFAULT_CONTENT_DIR, load_content
from content.timecode import Timestamp
from handlers.asker import Asker
from operations.reload import ContentReloader, LibraryHolder
from scheduler.console import ConsolePoster

# The content before the upgrade: its 7 episodes and the timestamps of their 36 moments.
OLD_MOMENTS = {
    "data-team-roles": ["17:04", "40:10"],
    "ml-production": ["8:49", "10:35", "29:06", "32:03", "36:13", "44:23", "52:14"],
    "scalable-ml-systems": ["7:54", "10:34", "14:49", "18:49", "20:21", "29:01", "31:42", "37:15"],
    "ml-platforms": ["8:11", "13:25", "16:52", "17:14", "29:41", "30:32", "31:15", "54:15"],
    "big-data-engineer-vs-ds": ["13:56", "23:40"],
    "se-for-ml": ["6:58", "7:42", "10:12", "29:42", "56:55"],
    "ml-eng-career": ["13:25", "15:59", "29:00", "37:37"],
}
OLD_KEYS = {f"{episode}@{at}" for episode, stamps in OLD_MOMENTS.items() for at in stamps}
WEEKS_BEFORE = 20  # weeks of the rotation posted on the old content
EXTRA_WEEKS = 4  # weeks past the first full cycle on the new content: the second cycle begins
MODERATOR = Asker("slack", user="UMOD", moderator=True)
DESTINATIONS = ["slack:CTIPS", "console"]


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _save(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _source_key(source: str) -> tuple[str, str | None]:
    """'ml-production@0:44:23' -> ('ml-production', 'ml-production@44:23'); a bare episode id has no moment."""
    episode, _, at = str(source).partition("@")
    return episode.strip(), (f"{episode.strip()}@{Timestamp.parse(at)}" if at else None)


def reduce_to_old_content(content_dir: Path) -> None:
    """Turn a copy of the shipped content back into the 7 episodes and 36 moments it had before the upgrade."""
    for path in sorted((content_dir / "episodes").glob("*.y*ml")):
        episode = _load(path)
        if episode["id"] not in OLD_MOMENTS:
            path.unlink()
            continue
        keep = {str(Timestamp.parse(at)) for at in OLD_MOMENTS[episode["id"]]}
        for moment in episode.get("moments") or []:
            at = str(Timestamp.parse(str(moment["at"])))
            if at not in keep:
                remove_moment(content_dir, f"{episode['id']}@{at}")
    kept_roles: set[str] = set()
    for kind in ("roles", "boundaries"):  # roles first: a boundary needs both of its roles
        for path in sorted((content_dir / kind).glob("*.y*ml")):
            entry = _load(path)
            sources = []
            for source in entry.get("sources") or []:
                episode, key = _source_key(source)
                if episode in OLD_MOMENTS and (key is None or key in OLD_KEYS):
                    sources.append(source)
            named = [*entry.get("roles", []), *entry.get("also_applies_to", [])]
            if not sources or (kind == "boundaries" and not set(named) <= kept_roles):
                path.unlink()
                continue
            if kind == "roles":
                kept_roles.add(entry["id"])
            if sources != entry.get("sources"):
                _save(path, {**entry, "sources": sources})


def test_the_old_content_copy_is_what_shipped_before(content_dir: Path, library: Library) -> None:
    reduce_to_old_content(content_dir)
    old = load_content(content_dir)  # raises ContentError if the reduced copy does not validate
    assert set(old.episodes) == set(OLD_MOMENTS)
    assert set(old.moments) == OLD_KEYS and len(OLD_KEYS) == 36
    assert old.roles and old.boundaries
    new = library.content
    assert len(new.episodes) == 72 and len(new.moments) >= 300
    assert set(new.moments) >= OLD_KEYS  # every old moment key still exists after the upgrade


async def test_a_rotation_in_progress_survives_the_upgrade(
    tmp_path: Path, content_dir: Path, library: Library, fake: FakeSlack
) -> None:
    reduce_to_old_content(content_dir)
    holder = LibraryHolder(Library.load(content_dir))
    assert len(holder.current.content.moments) == 36
    start = datetime(2026, 6, 1, 9, tzinfo=UTC)  # Monday, the slot of 2026-W23
    clock = Clock(start)
    console_out = io.StringIO()
    tips = service(
        tmp_path,
        holder,  # type: ignore[arg-type]  # Handlers takes a Library or a callable returning one
        {"slack": slack_poster(fake), "console": ConsolePoster(console_out)},
        DESTINATIONS,
        clock,
    )
    tips.handlers.reloader = ContentReloader(holder, content_dir, tips.store)

    async def run_week(week: int) -> None:
        """The slot's sweep delivers the week everywhere; a later sweep in the week (around the upgrade and every
        seventh week, to keep the test fast) finds nothing left to do."""
        clock.now = start + timedelta(weeks=week)
        results = await tips.sweep()
        label = tips.schedule.period(clock.now).label
        assert sorted(results) == [(d, label, "sent") for d in sorted(DESTINATIONS)]
        if abs(week - WEEKS_BEFORE) <= 2 or week % 7 == 0:
            clock.now += timedelta(days=3, hours=5)
            assert await tips.sweep() == []

    for week in range(WEEKS_BEFORE):
        await run_week(week)
    before = [c.moment_key for c in tips.store.history()]
    assert len(before) == len(set(before)) == WEEKS_BEFORE and set(before) <= OLD_KEYS

    # The upgrade, mid-week: the shipped content replaces the old files and a moderator reloads (same database).
    shutil.rmtree(content_dir)
    shutil.copytree(DEFAULT_CONTENT_DIR, content_dir)
    assert tips.handlers.handle("admin reload", MODERATOR).title == "Content reloaded"
    new_keys = set(holder.current.content.moments)
    assert new_keys == set(library.content.moments) and len(new_keys) >= 300  # issue 9: at least 300 moments

    total = len(new_keys) + EXTRA_WEEKS
    for week in range(WEEKS_BEFORE, total):
        await run_week(week)

    history = tips.store.history()
    keys = [c.moment_key for c in history]
    assert keys[:WEEKS_BEFORE] == before  # the weeks before the upgrade keep their stored tips
    first_cycle, after = keys[: len(new_keys)], keys[len(new_keys) :]
    # (1) Nothing posted before the upgrade comes back until every moment of the new pool has been posted.
    repeated = [(i, k) for i, k in enumerate(first_cycle) if i >= WEEKS_BEFORE and k in before]
    assert repeated == [], f"posted again before the new pool was exhausted: {repeated[:5]}"
    # (2) Every moment of the new content is posted exactly once in that first full cycle; none is lost.
    assert [k for k, n in Counter(first_cycle).items() if n > 1] == []
    assert sorted(new_keys - set(first_cycle)) == []
    assert set(first_cycle) == new_keys
    assert [c.cycle for c in history] == [1] * len(new_keys) + [2] * EXTRA_WEEKS
    assert len(set(after)) == EXTRA_WEEKS and set(after) <= new_keys  # the next cycle starts fresh

    # (3) Consecutive week labels, exactly one sent delivery per destination per week, the same tip everywhere.
    expected, period = [], tips.schedule.period(start)
    for _ in range(total):
        expected.append(period.label)
        period = tips.schedule.next_period(period)
    assert [c.period for c in history] == expected
    deliveries = tips.store.deliveries(limit=10 * total)
    assert all(d.state == "sent" for d in deliveries)
    assert Counter((d.destination, d.period) for d in deliveries) == {
        (d, label): 1 for d in DESTINATIONS for label in expected
    }
    chosen = {c.period: c.moment_key for c in history}
    assert all(d.moment_key == chosen[d.period] for d in deliveries)

    # What reached the channels matches the ledger: one Slack message per week, marked with its week, and
    # titled with that week's moment; one console tip per week.
    moments = holder.current.content.moments
    posted = [m for m in fake.accepted("chat.postMessage") if m["channel"] == "CTIPS"]
    assert [m["metadata"]["event_payload"]["week"] for m in posted] == expected
    titles = [m["blocks"][0]["text"]["text"] for m in posted]
    assert titles == [f"Tip of the week ({label}): {moments[chosen[label]].topic}" for label in expected]
    assert console_out.getvalue().count("[weekly tip]") == total
