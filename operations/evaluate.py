"""`rolecall eval FILE`: check a moderator's golden queries (what each query must return) against the content."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from handlers import Handlers
from handlers.reply import Reply


@dataclass(frozen=True)
class Case:
    """One query and what its answer must be: a kind (or several), an id (or several), text it must contain."""

    query: str
    kinds: tuple[str, ...]
    ids: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    category: str = "golden"


@dataclass(frozen=True)
class Outcome:
    case: Case
    reply: Reply
    problem: str | None

    @property
    def passed(self) -> bool:
        return self.problem is None


def _tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)


def load_cases(path: Path) -> list[Case]:
    """Read a golden-query file; raise ValueError naming the entry that is malformed."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:  # one line with the place to fix, not PyYAML's multi-line report
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise ValueError(f"{path}:{line}: YAML syntax error: {exc.problem or exc.context or 'invalid YAML'}") from exc
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: YAML error: {' '.join(str(exc).split())}") from exc
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of {{query: ..., expect: {{kind: ...}}}} entries")
    cases = []
    for index, entry in enumerate(data, 1):
        expect = entry.get("expect") if isinstance(entry, dict) else None
        if not isinstance(expect, dict) or "query" not in entry or "kind" not in expect:
            raise ValueError(f"{path}: entry {index} needs 'query' and 'expect: {{kind: ...}}'")
        cases.append(
            Case(
                str(entry["query"] or ""),
                _tuple(expect["kind"]),
                _tuple(expect.get("id")),
                _tuple(expect.get("contains")),
                str(entry.get("category") or "golden"),
            )
        )
    return cases


def evaluate(handlers: Handlers, case: Case) -> Outcome:
    """Ask the query and compare the answer with what the case expects."""
    reply = handlers.handle(case.query)
    problem = None
    if reply.kind not in case.kinds:
        problem = f"kind {reply.kind} ({reply.ref}), expected {' or '.join(case.kinds)}"
    elif case.ids and reply.ref not in case.ids:
        problem = f"answered {reply.ref}, expected {' or '.join(case.ids)}"
    else:
        text = reply.plain_text()
        missing = [c for c in case.contains if c not in text]
        if missing:
            problem = f"answer lacks {', '.join(repr(m) for m in missing)}"
    return Outcome(case, reply, problem)


def report(outcomes: list[Outcome]) -> tuple[list[str], float]:
    """Printable lines (each miss, then accuracy per category, then the total) and the overall accuracy in %."""
    lines = [f"FAIL [{o.case.category}] {o.case.query!r}: {o.problem}" for o in outcomes if not o.passed]
    by_category: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        by_category.setdefault(outcome.case.category, []).append(outcome)
    if len(by_category) > 1:
        for category, group in by_category.items():
            passed = sum(o.passed for o in group)
            lines.append(f"{category:<14} {passed:>4}/{len(group):<4} {100 * passed / len(group):5.1f}%")
    passed = sum(o.passed for o in outcomes)
    accuracy = 100 * passed / len(outcomes) if outcomes else 100.0
    lines.append(f"{passed} passed, {len(outcomes) - passed} failed ({accuracy:.1f}%)")
    return lines, accuracy
