"""The wheel ships the content, and the console script is declared: what a pip install gives an operator."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from content.loader import DEFAULT_CONTENT_DIR

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Build from a clean copy: an in-tree build/ keeps files deleted from the source and would ship them.
    source = tmp_path_factory.mktemp("source") / "rolecall"
    patterns = shutil.ignore_patterns(".venv", "build", ".git", "*.egg-info", "__pycache__", ".*cache")

    def skip(directory: str, names: list[str]) -> set[str]:
        local = {"data"} if Path(directory) == ROOT else set()  # the runtime SQLite folder, not content/data
        return set(patterns(directory, names)) | (local & set(names))

    shutil.copytree(ROOT, source, ignore=skip)
    build = subprocess.run(  # -v: the build backend's warnings are part of what an operator sees on `make run`
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-v", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (out / "build.log").write_text(build.stdout + build.stderr, encoding="utf-8")
    (wheel,) = out.glob("rolecall-*.whl")
    return wheel


def test_wheel_contains_every_content_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        f"content/data/{p.relative_to(DEFAULT_CONTENT_DIR).as_posix()}" for p in DEFAULT_CONTENT_DIR.rglob("*.yaml")
    }
    assert shipped and shipped <= names
    assert {"bot/cli.py", "handlers/commands.py", "content/search.py"} <= names
    assert {"content/vectors/vocab.txt", "content/vectors/vectors.npy"} <= names  # matching by meaning
    assert not any(name.startswith("tests/") for name in names)
    packages = [
        p.rstrip("*")
        for p in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"][
            "include"
        ]
    ]
    assert {"bot", "handlers", "content", "scheduler", "operations"} <= set(packages)
    source_modules = {p.relative_to(ROOT).as_posix() for d in packages for p in (ROOT / d).rglob("*.py")}
    assert {n for n in names if n.endswith(".py")} == source_modules  # nothing stale, nothing missing


def test_wheel_declares_the_console_script(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    entry_points = next(n for n in archive.namelist() if n.endswith("entry_points.txt"))
    assert "rolecall = bot.cli:main" in archive.read(entry_points).decode()


def test_the_license_is_an_spdx_expression_and_the_build_warns_about_nothing(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    metadata = archive.read(next(n for n in archive.namelist() if n.endswith("METADATA"))).decode()
    assert "License-Expression: MIT" in metadata
    log = (wheel.parent / "build.log").read_text(encoding="utf-8")
    assert "SetuptoolsDeprecationWarning" not in log and "project.license" not in log
