"""Shared fixtures: the shipped content, handlers, a console conversation, and a scratch copy of the content."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fakes.discord_api import GUILD_ID, MOD_ROLE_ID, FakeDiscord
from fakes.slack_api import FakeSlack
from pydantic import SecretStr

import content.meaning
from bot.config import DiscordSettings, Settings
from bot.console import Console
from bot.runtime import RunOptions, Runtime
from content.library import Library
from content.loader import DEFAULT_CONTENT_DIR
from handlers import Handlers

FIXED_NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def library() -> Library:
    return Library.load()


@pytest.fixture
def words_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Library:
    """The shipped content with unreadable vectors: the resolver answers by its words alone."""
    broken = tmp_path / "broken-vectors"
    broken.mkdir()
    (broken / "vocab.txt").write_text("[PAD]\n", encoding="utf-8")
    (broken / "vectors.npy").write_bytes(b"not a numpy file")
    monkeypatch.setattr(content.meaning, "VECTORS_DIR", broken)
    monkeypatch.setattr(content.meaning, "_shared", None)
    return Library.load()


@pytest.fixture
def handlers(library: Library) -> Handlers:
    return Handlers(library, clock=lambda: FIXED_NOW)


@pytest.fixture
def console(handlers: Handlers) -> Console:
    """A console conversation, like errbot's testbot: ``console.ask("mle").plain_text()``."""
    return Console(handlers)


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A writable copy of the shipped content, for tests that break or edit it."""
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


@pytest.fixture(autouse=True)
def _work_in_tmp(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default DATABASE_URL is a file relative to the working directory: keep it out of the repository."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    monkeypatch.delenv("DATABASE_URL", raising=False)


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests only talk to 127.0.0.1, and slack-sdk copies proxy variables without honouring NO_PROXY."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    """A fake Slack Web API, response_url and Socket Mode server on 127.0.0.1."""
    server = await FakeSlack().start()
    yield server
    await server.close()


def remove_moment(content_dir: Path, key: str) -> None:
    """Delete one moment (episode-id@m:ss) from a content copy's episode file."""
    episode_id, at = key.split("@")
    path = content_dir / "episodes" / f"{episode_id}.yaml"
    text = path.read_text()
    start = text.index(f'  - at: "{at}"')
    stop = text.find("\n  - at:", start + 1)
    path.write_text(text[:start] + (text[stop + 1 :] if stop != -1 else ""))


def write_huge_episode(content_dir: Path, moments: int, topic: str = "Topic ", title_repeats: int = 30) -> None:
    """An episode 'huge' with ``moments`` long moments: content larger than any platform limit."""
    body = "\n".join(
        f'  - at: "{n // 60}:{n % 60:02d}"\n    topic: {topic}{n}\n    summary: {"Long words here. " * 40}\n'
        f"    keywords: [bulk {n}]"
        for n in range(moments)
    )
    (content_dir / "episodes" / "huge.yaml").write_text(
        "id: huge\nsource: podcast_summaries/huge\ntitle: "
        + "Huge episode " * title_repeats
        + "\nguests: [{name: Hugo Long}]\n"
        "page_url: https://example.org/huge\nvideo_url: https://example.org/watch?v=huge\nmoments:\n" + body,
        encoding="utf-8",
    )


GROWN_ROLE = "feature-store-curator"
GROWN_BOUNDARY = "feature-store-curator-vs-data-engineer"


def grow_content(content_dir: Path) -> str:
    """Add a role, a boundary between it and the data engineer, and a moment, as a moderator would; returns the
    new moment's key. Each entry is a copy of a shipped one with new values, so fields added to the schema later
    come along."""
    import yaml

    def load(path: Path) -> dict:
        return yaml.safe_load(path.read_text(encoding="utf-8"))

    def save(path: Path, data: dict) -> None:
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")

    episode_path = sorted((content_dir / "episodes").glob("*.yaml"))[0]
    episode = load(episode_path)
    taken = {str(m["at"]) for m in episode["moments"]}
    at = next(f"0:{s:02d}" for s in range(1, 60) if f"0:{s:02d}" not in taken)
    moment = {**episode["moments"][0], "at": at, "topic": "Who curates the feature store"}
    moment.update(summary="The guest explains who keeps the shared feature definitions tidy.", keywords=["zyxcuration"])
    episode["moments"].append(moment)
    save(episode_path, episode)
    key = f"{episode['id']}@{at}"

    role = load(content_dir / "roles" / "data-engineer.yaml")
    role.update(id=GROWN_ROLE, name="Feature store curator", aliases=["fs curator"], sources=[key])
    save(content_dir / "roles" / f"{GROWN_ROLE}.yaml", role)

    boundary = load(sorted((content_dir / "boundaries").glob("*.yaml"))[0])
    boundary.update(id=GROWN_BOUNDARY, roles=[GROWN_ROLE, "data-engineer"], sources=[key])
    boundary.update(owns={GROWN_ROLE: ["Feature definitions"], "data-engineer": ["Pipelines that fill them"]})
    boundary.update(also_applies_to=[], keywords=["feature definitions ownership"])
    save(content_dir / "boundaries" / f"{GROWN_BOUNDARY}.yaml", boundary)
    return key


# ---- a Discord-only bot against the loopback fake Discord (tests/test_discord*.py)


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A fake Discord REST API and gateway on 127.0.0.1."""
    server = await FakeDiscord().start()
    yield server
    await server.close()


def discord_settings(fake: FakeDiscord, tmp_path: Path) -> Settings:
    """Settings for a Discord-only bot against the loopback fake, with an SQLite file in ``tmp_path``."""
    discord = DiscordSettings(
        SecretStr("discord-test-token"),
        guild_id=int(GUILD_ID),
        moderator_role_ids=frozenset({int(MOD_ROLE_ID)}),
        api_url=fake.api_url,
        gateway_url=fake.gateway_url,
    )
    return Settings(discord=discord, database_url=f"sqlite:///{tmp_path / 'bot.db'}")


async def start(fake: FakeDiscord, tmp_path: Path, library: Library) -> Runtime:
    """A started Discord-only runtime (no tip scheduler); the caller stops it."""
    runtime = Runtime(discord_settings(fake, tmp_path), Handlers(library), RunOptions(tips=False))
    await runtime.start()
    return runtime


@pytest.fixture
async def discord_bot(fake_discord: FakeDiscord, tmp_path: Path, library: Library) -> AsyncIterator[Runtime]:
    """A running Discord-only bot on the shipped content, connected to ``fake_discord``."""
    runtime = await start(fake_discord, tmp_path, library)
    yield runtime
    await runtime.stop()
