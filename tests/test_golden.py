"""Every golden query must resolve to what tests/golden_queries.yaml says."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from handlers import Handlers

GOLDEN = yaml.safe_load((Path(__file__).parent / "golden_queries.yaml").read_text(encoding="utf-8"))


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


def test_golden_file_is_large_enough() -> None:
    assert len(GOLDEN) >= 40
    negatives = [g for g in GOLDEN if g["expect"]["kind"] == "no_match"]
    assert len(negatives) >= 5


@pytest.mark.parametrize("case", GOLDEN, ids=[repr(g["query"]) for g in GOLDEN])
def test_golden_query(handlers: Handlers, case: dict) -> None:
    reply = handlers.handle(case["query"])
    expect = case["expect"]
    assert reply.kind in _as_list(expect["kind"]), f"{case['query']!r} -> {reply.kind} {reply.ref}"
    if "id" in expect:
        assert reply.ref in _as_list(expect["id"]), f"{case['query']!r} -> {reply.kind} {reply.ref}"


def test_golden_ids_exist(handlers: Handlers) -> None:
    """A typo in the golden file must not silently pass as 'no such id anywhere'."""
    content = handlers.library.content
    known = {*content.roles, *content.boundaries, *content.episodes, *content.moments}
    for case in GOLDEN:
        for expected in _as_list(case["expect"].get("id", [])):
            assert expected in known, expected
