"""The Makefile as a newcomer meets it: a .venv made with the wrong Python is rebuilt, installs show progress,
and `make bench` prints as it goes. Dry runs (`make -n`) in a scratch copy: nothing is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def project(tmp_path: Path) -> Path:
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def venv_with(tmp_path: Path, python: str) -> Path:
    """A .venv whose bin/python is ``python`` (a script), installed after pyproject.toml changed."""
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text(python, encoding="utf-8")
    (bin_dir / "python").chmod(0o755)
    stamp = tmp_path / ".venv" / ".installed"
    stamp.touch()
    later = (tmp_path / "pyproject.toml").stat().st_mtime + 10
    os.utime(stamp, (later, later))
    return tmp_path / ".venv"


def make(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(
        ["make", "-n", *args], cwd=tmp_path, capture_output=True, text=True, env={**env, "PYTHON": sys.executable}
    )


@pytest.mark.parametrize(
    "python",
    ["#!/bin/sh\nexit 127\n", "#!/bin/sh\n# like Python 3.10: the version check fails\nexit 1\n"],
    ids=["missing-interpreter", "too-old"],
)
def test_a_venv_with_a_wrong_python_is_rebuilt(tmp_path: Path, python: str) -> None:
    venv = venv_with(project(tmp_path), python)
    result = make(tmp_path, "lint")
    assert "rebuilding .venv" in result.stdout, result.stdout + result.stderr
    assert not venv.exists()
    assert "-m venv .venv" in result.stdout  # and the recipe would create it again


def test_a_good_venv_is_kept(tmp_path: Path) -> None:
    venv = venv_with(project(tmp_path), f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    result = make(tmp_path, "lint")
    assert "rebuilding" not in result.stdout and venv.exists()
    assert result.stdout.split() == [".venv/bin/ruff", "check", ".", ".venv/bin/mypy"]  # the lint, nothing rebuilt


def test_the_first_install_shows_progress(tmp_path: Path) -> None:
    recipe = make(project(tmp_path), "lint").stdout
    install = next(line for line in recipe.splitlines() if "install" in line and ".[test]" in line)
    assert "--quiet" not in install and "-q " not in install  # pip's own progress lines are shown
    assert "==> creating .venv" in recipe


def test_bench_prints_as_it_goes() -> None:
    process = subprocess.Popen(
        [sys.executable, "-u", str(ROOT / "benchmarks" / "search.py"), "--quick"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline().startswith("content")  # the table header, before any measuring
        assert "measuring shipped" in process.stderr.readline()
    finally:
        process.kill()
        process.wait()


def test_pytest_says_why_the_postgresql_tests_were_skipped() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL", "CI")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/test_tips_replicas.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert "SKIPPED" in result.stdout and "need TEST_DATABASE_URL" in result.stdout, result.stdout
