"""The wheel ships the content, and the console script is declared: what a pip install gives an operator."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from content.loader import DEFAULT_CONTENT_DIR

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = out.glob("rolecall-*.whl")
    return wheel


def test_wheel_contains_every_content_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        f"content/data/{p.relative_to(DEFAULT_CONTENT_DIR).as_posix()}" for p in DEFAULT_CONTENT_DIR.rglob("*.yaml")
    }
    assert shipped and shipped <= names
    assert {"bot/cli.py", "handlers/commands.py", "content/search.py"} <= names
    assert not any(name.startswith("tests/") for name in names)


def test_wheel_declares_the_console_script(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    entry_points = next(n for n in archive.namelist() if n.endswith("entry_points.txt"))
    assert "rolecall = bot.cli:main" in archive.read(entry_points).decode()
