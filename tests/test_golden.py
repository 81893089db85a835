"""Every golden query must resolve to what tests/golden_queries.yaml says (the same check as `rolecall eval`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers import Handlers
from operations.evaluate import evaluate, load_cases

GOLDEN = load_cases(Path(__file__).parent / "golden_queries.yaml")


def test_golden_file_is_large_enough() -> None:
    assert len(GOLDEN) >= 40
    assert len([case for case in GOLDEN if case.kinds == ("no_match",)]) >= 5


@pytest.mark.parametrize("case", GOLDEN, ids=[repr(case.query) for case in GOLDEN])
def test_golden_query(handlers: Handlers, case) -> None:
    outcome = evaluate(handlers, case)
    assert outcome.passed, f"{case.query!r}: {outcome.problem}"


def test_golden_ids_exist(handlers: Handlers) -> None:
    """A typo in the golden file must not silently pass as 'no such id anywhere'."""
    content = handlers.library.content
    known = {*content.roles, *content.boundaries, *content.episodes, *content.moments}
    for case in GOLDEN:
        assert set(case.ids) <= known, case.ids
