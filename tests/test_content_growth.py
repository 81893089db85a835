"""A moderator adds a role, a boundary and a moment to a copy of the shipped content, as content/README.md says:
everything that depends on the content keeps working and offers the new entries, and no test needs editing."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import GROWN_BOUNDARY, GROWN_ROLE, grow_content
from test_cli import ROOT, run
from test_tips import Clock, service

from content.library import Library
from handlers import Handlers
from scheduler.console import ConsolePoster


def test_grown_content_passes_the_check_and_the_golden_queries(content_dir: Path) -> None:
    shipped = Library.load(content_dir).content
    grow_content(content_dir)
    check = run("content", "check", str(content_dir))
    assert check.returncode == 0, check.stdout
    grown = Library.load(content_dir).content
    assert (len(grown.roles), len(grown.boundaries), len(grown.episodes), len(grown.moments)) == (
        len(shipped.roles) + 1,
        len(shipped.boundaries) + 1,
        len(shipped.episodes),
        len(shipped.moments) + 1,
    )
    assert check.stdout.strip() == f"OK: {grown.summary()}"
    golden = run("eval", str(ROOT / "tests" / "golden_queries.yaml"), env={"CONTENT_DIR": str(content_dir)})
    assert golden.returncode == 0, golden.stdout  # the golden file did not need updating


def test_the_new_role_boundary_and_moment_are_answered(content_dir: Path) -> None:
    moment = grow_content(content_dir)
    handlers = Handlers(Library.load(content_dir))
    role = handlers.handle("feature store curator")
    assert (role.kind, role.ref) == ("role", GROWN_ROLE)
    for query in ("fs curator vs data engineer", "data engineer vs feature store curator"):
        boundary = handlers.handle(query)
        assert (boundary.kind, boundary.ref) == ("boundary", GROWN_BOUNDARY), query
    found = handlers.handle("zyxcuration")
    assert (found.kind, found.ref) == ("moment", moment)
    assert "Feature store curator" in handlers.handle("roles").plain_text()
    assert handlers.handle(moment).ref == moment  # the moment's id works as a query


def test_autocomplete_offers_the_new_role(content_dir: Path) -> None:
    grow_content(content_dir)
    resolver = Library.load(content_dir).resolver
    assert resolver.complete("feature store cur", "role")[0] == ("Feature store curator", GROWN_ROLE)
    assert ("Feature store curator", GROWN_ROLE) in resolver.complete("", "role")


async def test_the_tip_rotation_includes_the_new_moment(content_dir: Path, tmp_path: Path) -> None:
    moment = grow_content(content_dir)
    library = Library.load(content_dir)
    clock = Clock(datetime(2026, 6, 1, 10, tzinfo=UTC))  # a Monday after the slot
    tips = service(tmp_path, library, {"console": ConsolePoster(io.StringIO())}, ["console"], clock)
    for week in range(len(library.content.moments)):
        clock.now = datetime(2026, 6, 1, 10, tzinfo=UTC) + timedelta(weeks=week)
        await tips.sweep()
    keys = [c.moment_key for c in tips.store.history()]
    assert sorted(keys) == sorted(library.content.moments)  # one full rotation: every moment once, the new one too
    assert moment in keys
    assert isinstance(Handlers(library).tip(clock.now).ref, str)
