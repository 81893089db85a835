"""The docs a newcomer reads first stay true: the two commands, and every setting in the README table."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent


def test_readme_opens_with_make_run_and_make_test() -> None:
    head = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## ", 1)[0]
    assert "make run" in head and "make test" in head


def test_every_setting_is_in_the_readme_table() -> None:
    rows = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines() if line.startswith("| `")]
    documented = {row.split("`")[1]: row for row in rows}
    for name, _default, meaning in SETTINGS:
        assert name in documented, name
        assert meaning in documented[name], name


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_variable_the_code_reads_is_a_documented_setting() -> None:
    import re

    source = (ROOT / "bot" / "config.py").read_text(encoding="utf-8")
    body = source.split("_LOG_LEVELS = ", 1)[1]  # below the SETTINGS table: where values are read
    read = set(re.findall(r'"([A-Z][A-Z_]{3,})"', body)) - {"DEBUG", "INFO", "WARNING", "ERROR"}
    assert "TIP_SCHEDULE" in read and "SLACK_BOT_TOKEN" in read, "the pattern no longer finds settings"
    assert read <= {name for name, _, _ in SETTINGS}, read - {name for name, _, _ in SETTINGS}


@pytest.mark.parametrize(
    ("setting", "questions"), [("CONVERSATIONAL_MIN", "conversational_queries"), ("FRESH_MIN", "fresh_queries")]
)
def test_the_documented_eval_thresholds_are_the_makefiles(setting: str, questions: str) -> None:
    import re

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    minimum = re.search(rf"^{setting} \?= (\d+)$", makefile, re.MULTILINE)
    assert minimum is not None
    assert f"--min $({setting}) tests/{questions}.yaml" in makefile
    for doc in ("README.md", "content/README.md"):
        assert f"--min {minimum.group(1)} tests/{questions}.yaml" in (ROOT / doc).read_text(encoding="utf-8")


def test_readme_http_mode_step_uses_the_manifest_keys_slack_accepts() -> None:
    # Slack's manifest schema takes `url` for a slash command and `request_url` for events and interactivity.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    step = " ".join(readme.split("3. HTTP mode", 1)[1].split("\n4. ", 1)[0].split())
    assert "`url: https://<host>/slack/events` to the slash command" in step
    assert "`request_url: https://<host>/slack/events` to `event_subscriptions` and to `interactivity`" in step
