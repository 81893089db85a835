"""Search benchmark: resolve latency and content load time, against a difflib baseline in the same run.

Run: `make bench` (or `.venv/bin/python benchmarks/search.py [--quick]`). Prints a table; targets are in
benchmarks/README.md. Synthetic content is generated as real YAML files and loaded through the real loader.
"""

from __future__ import annotations

import argparse
import difflib
import random
import statistics
import string
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from figures import pct

from content.library import Library
from content.loader import Content

TESTS = Path(__file__).resolve().parent.parent / "tests"
GOLDEN = TESTS / "golden_queries.yaml"
CONVERSATIONAL = TESTS / "conversational_queries.yaml"


class DifflibResolver:
    """The baseline: what a bot without an index would do, difflib's close matches over every name and topic."""

    def __init__(self, content: Content) -> None:
        self.names: dict[str, str] = {}
        for role in content.roles.values():
            for name in (role.id, role.name, *role.aliases):
                self.names[name.lower()] = role.id
        for episode in content.episodes.values():
            self.names[episode.title.lower()] = episode.id
        for key, moment in content.moments.items():
            self.names[moment.topic.lower()] = key
            for keyword in moment.keywords:
                self.names.setdefault(keyword.lower(), key)
        self.keys = list(self.names)

    def resolve(self, query: str) -> str | None:
        found = difflib.get_close_matches(query.lower()[:300], self.keys, n=3, cutoff=0.6)
        return self.names[found[0]] if found else None


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 10)))


def synthetic_content(root: Path, entries: int, seed: int = 7) -> None:
    """Write ``entries`` entries (moments mostly, plus roles, boundaries and episodes) as YAML under ``root``."""
    rng = random.Random(seed)
    vocab = [_word(rng) for _ in range(max(2_000, entries // 2))]
    phrase = lambda n: " ".join(rng.choice(vocab) for _ in range(n))  # noqa: E731
    roles = [f"role-{i}" for i in range(10)]
    for directory in ("roles", "boundaries", "episodes"):
        (root / directory).mkdir(parents=True)
    for role in roles:
        data = {
            "id": role,
            "source": "wiki/synthetic",
            "name": f"{phrase(2)} {role}",
            "aliases": [f"{role} alias"],
            "summary": phrase(20),
            "responsibilities": [phrase(6) for _ in range(4)],
            "skills": [phrase(4) for _ in range(4)],
        }
        (root / "roles" / f"{role}.yaml").write_text(yaml.safe_dump(data))
    for i in range(5):
        a, b = roles[i], roles[i + 5]
        data = {
            "id": f"b-{i}",
            "source": "wiki/synthetic",
            "roles": [a, b],
            "crux": phrase(2),
            "summary": phrase(20),
            "owns": {a: [phrase(4)], b: [phrase(4)]},
            "handoff": phrase(12),
            "keywords": [phrase(2)],
        }
        (root / "boundaries" / f"b-{i}.yaml").write_text(yaml.safe_dump(data))
    per_episode = 9
    for e in range(max(1, (entries - 15) // (per_episode + 1))):
        moments = [
            {
                "at": f"{m * 5 + 1}:{rng.randint(0, 59):02d}",
                "topic": phrase(5),
                "summary": phrase(30),
                "keywords": [phrase(2) for _ in range(4)],
            }
            for m in range(per_episode)
        ]
        data = {
            "id": f"ep-{e}",
            "source": "podcast_summaries/synthetic",
            "title": phrase(5),
            "guests": [{"name": f"{_word(rng)} {_word(rng)}"}],
            "page_url": f"https://example.org/ep-{e}.html",
            "video_url": f"https://example.org/watch?v=ep{e}",
            "moments": moments,
        }
        (root / "episodes" / f"ep-{e}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 5:
        return text
    i = rng.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1 :]


def synthetic_queries(content: Content, count: int, seed: int = 11) -> list[str]:
    """Topics, keywords with a typo, role pairs and off-topic words: the mix members type."""
    rng = random.Random(seed)
    moments = list(content.moments.values())
    roles = list(content.roles.values())
    queries = []
    for i in range(count):
        moment = rng.choice(moments)
        kind = i % 4
        if kind == 0:
            queries.append(moment.topic)
        elif kind == 1:
            queries.append(_typo(rng, rng.choice(moment.keywords)))
        elif kind == 2:
            queries.append(f"{rng.choice(roles).aliases[0]} vs {rng.choice(roles).name}")
        else:
            queries.append(f"{_word(rng)} {_word(rng)} {_word(rng)}")
    return queries


def _latencies(resolve: Callable[[str], object], queries: Sequence[str]) -> tuple[list[float], float]:
    """Per-query latency in ms, and the share of queries that got an answer (so speed is not bought by silence)."""
    timings = []
    answered = 0
    for query in queries:
        start = time.perf_counter()
        result = resolve(query)
        timings.append((time.perf_counter() - start) * 1000)
        answered += bool(getattr(result, "hit", result))
    return timings, answered / len(queries)


def _load_ms(root: Path | None, repeats: int) -> tuple[float, Library]:
    timings = []
    library = None
    for _ in range(repeats):
        start = time.perf_counter()
        library = Library.load(root)
        timings.append((time.perf_counter() - start) * 1000)
    assert library is not None
    return statistics.median(timings), library


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer queries, for a smoke run")
    args = parser.parse_args()
    n_queries = 300 if args.quick else 2_000
    n_baseline = 50 if args.quick else 200
    golden = [case["query"] for path in (GOLDEN, CONVERSATIONAL) for case in yaml.safe_load(path.read_text())]
    # Each row is printed as soon as it is measured (the whole run takes most of a minute).
    print(
        f"{'content':<18}{'entries':>8}{'load ms':>9}{'p50 ms':>9}{'p99 ms':>9}{'difflib p50':>13}"
        f"{'difflib p99':>13}{'speed-up p50':>14}{'speed-up p99':>14}{'answered':>10}{'difflib':>9}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        datasets: list[tuple[str, Path | None]] = [("shipped", None)]
        for size in (1_000, 10_000):
            datasets.append((f"synthetic {size:,}", Path(tmp) / f"synthetic-{size}"))
        for name, root in datasets:
            print(f"  ... measuring {name}", file=sys.stderr, flush=True)
            if root is not None:
                synthetic_content(root, int(name.split()[1].replace(",", "")))
            load_ms, library = _load_ms(root, 10 if root is None else 2)
            content = library.content
            entries = len(content.roles) + len(content.boundaries) + len(content.episodes) + len(content.moments)
            # As the bot serves: it warms each load up off the request path (meaning index, common terms' arrays)
            library.resolver.warm()
            queries = golden if root is None else synthetic_queries(content, 400)
            sample = (queries * (n_queries // len(queries) + 1))[:n_queries]
            ours, our_rate = _latencies(library.resolver.resolve, sample)
            baseline = DifflibResolver(content)
            theirs, their_rate = _latencies(baseline.resolve, sample[:n_baseline])
            p50, p99, b50, b99 = pct(ours, 50), pct(ours, 99), pct(theirs, 50), pct(theirs, 99)
            print(
                f"{name:<18}{entries:>8,}{load_ms:>9.1f}{p50:>9.3f}{p99:>9.3f}{b50:>13.3f}{b99:>13.3f}"
                f"{b50 / p50:>13.1f}x{b99 / p99:>13.1f}x{our_rate:>10.0%}{their_rate:>9.0%}",
                flush=True,
            )
    print(f"({len(sample)} resolves per row for RoleCall, {n_baseline} for difflib; load is the median of runs)")
    print("(shipped: the golden and conversational questions; synthetic: topics, typos, pairs and nonsense)")
    _stages(golden)
    _batch(golden)
    print()
    print("Discord autocomplete (Resolver.complete), shipped content, prefixes of every role and episode name:")
    library = Library.load()
    prefixes = [
        (name[:cut], kind)
        for kind, entries in (("role", library.content.roles), ("episode", library.content.episodes))
        for entry in entries.values()
        for name in (getattr(entry, "name", None) or entry.title, *entry.aliases)
        for cut in range(0, len(name) + 1, 2)
    ]
    timings = []
    for _ in range(5):
        for prefix, kind in prefixes:
            begin = time.perf_counter()
            library.resolver.complete(prefix, kind)
            timings.append((time.perf_counter() - begin) * 1000)
    print(
        f"  {len(timings)} calls: p50 {pct(timings, 50):.3f} ms, p99 {pct(timings, 99):.3f} ms, "
        f"max {max(timings):.3f} ms (Discord allows 3,000 ms)"
    )


def _stages(questions: Sequence[str]) -> None:
    """What the understanding stages cost: reading the question (lexicon, names, intent) versus the whole resolve."""
    from content.search import _Reading
    from content.text import normalize

    library = Library.load()
    reader = library.resolver._reader  # the stage itself, timed on its own
    read_ms, total_ms = [], []
    for _ in range(5):
        for question in questions:
            start = time.perf_counter()
            reader.read(normalize(question))
            middle = time.perf_counter()
            library.resolver.resolve(question)
            end = time.perf_counter()
            read_ms.append((middle - start) * 1000)
            total_ms.append((end - middle) * 1000)
    # Matching by meaning: what the first question that needs it pays once per process (reading the vectors) and
    # once per content load (every entry's texts as vectors), then what it adds to each question that reaches it.
    from content import meaning

    meaning._shared = None
    fresh = Library.load()
    start = time.perf_counter()
    meaning.shared_vectors()
    vectors_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    fresh.resolver._meaning_index()
    index_ms = (time.perf_counter() - start) * 1000
    meaning_ms, agree_ms = [], []
    for _ in range(5):
        for question in questions:
            reading = _Reading.of(question)
            words = fresh.resolver._by_words(question, False, reading)
            if words.hit is None and words.pair is None:
                start = time.perf_counter()
                found = fresh.resolver._by_meaning(question, words, reading.near, False)
                meaning_ms.append((time.perf_counter() - start) * 1000)
                if found.hit is None and reading.agreed:  # the last stage: words and meaning agree
                    start = time.perf_counter()
                    fresh.resolver._by_agreement(reading, found, False)
                    agree_ms.append((time.perf_counter() - start) * 1000)
    # Reweighing the words' candidates by meaning, in the questions whose words answer (timed around the call).
    reweigh_ms: list[float] = []
    reweighed = fresh.resolver._reweighed

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        result = reweighed(*args, **kwargs)
        reweigh_ms.append((time.perf_counter() - start) * 1000)
        return result

    fresh.resolver._reweighed = timed  # type: ignore[method-assign]
    for _ in range(5):
        for question in questions:
            fresh.resolver.resolve(question)
    print()
    print("Stages, shipped content (ms per question):")
    for label, values in (
        ("read the question (lexicon, names, guests, intent)", read_ms),
        ("whole resolve (read + rank + decide)", total_ms),
        (f"meaning stage ({len(meaning_ms) // 5} of {len(questions)} questions reach it)", meaning_ms),
        (f"reweighing by meaning ({len(reweigh_ms) // 5} of {len(questions)})", reweigh_ms),
        (f"words and meaning agree ({len(agree_ms) // 5} of {len(questions)})", agree_ms),
    ):
        if values:  # a stage no question reached has nothing to time
            print(f"  {label:<52} p50 {pct(values, 50):.3f}  p99 {pct(values, 99):.3f}")
    once = f"read the vectors {vectors_ms:.0f} ms per process, index the entries' texts {index_ms:.0f} ms per load"
    print(f"  once: {once}")


def _batch(questions: Sequence[str]) -> None:
    """`rolecall ask -` as a member's script would run it: a process per batch, start-up subtracted."""
    import os
    import subprocess
    import sys

    rolecall = Path(sys.executable).parent / "rolecall"
    env = {**os.environ, "DATABASE_URL": "sqlite:///:memory:"}
    many = "\n".join((list(questions) * 10)[:2_000]) + "\n"

    def run(text: str) -> float:
        start = time.perf_counter()
        subprocess.run([str(rolecall), "ask", "-"], input=text, text=True, capture_output=True, env=env, check=False)
        return time.perf_counter() - start

    one = statistics.median(run(questions[0] + "\n") for _ in range(3))
    batch = statistics.median(run(many) for _ in range(3))
    count = many.count("\n")
    print()
    print(
        f"Batch `rolecall ask -`: {count} questions in {batch:.2f} s, start-up {one:.2f} s: "
        f"{(batch - one) / (count - 1) * 1000:.3f} ms per question (target 2 ms)"
    )


if __name__ == "__main__":
    main()
