"""The `rolecall` command as a user runs it: real processes, real exit codes, real output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROLECALL = [sys.executable, "-m", "bot"]


WORKDIR = Path(tempfile.mkdtemp(prefix="rolecall-cli-"))  # holds the default SQLite file, not the repository


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {
        k: v for k, v in os.environ.items() if not k.endswith("_TOKEN") and k not in ("CONTENT_DIR", "DATABASE_URL")
    }
    return subprocess.run(
        [*ROLECALL, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=WORKDIR,
        env={**base, **(env or {})},
        timeout=60,
    )


def test_ask_prints_the_answer_and_exits_0() -> None:
    result = run("ask", "mle", "vs", "ds")
    assert result.returncode == 0
    assert result.stdout.startswith("Machine learning engineer vs Data scientist")
    assert "https://www.youtube.com/watch?v=" in result.stdout


def test_ask_no_match_exits_3() -> None:
    result = run("ask", "best volcano in naples")
    assert result.returncode == 3
    assert "No answer for" in result.stdout


def test_ask_json_has_the_documented_fields() -> None:
    result = run("ask", "--json", "sql before deep learning")
    assert result.returncode == 0
    answer = json.loads(result.stdout)
    assert {"kind", "title", "text", "citations", "suggestions"} <= set(answer)
    assert answer["kind"] == "moment"
    assert answer["citations"] == [
        {
            "episode": "Practical Machine Learning Engineering for Production",
            "guest": "Ben Wilson",
            "timestamp": "44:23",
            "seconds": 2663,
            "url": "https://www.youtube.com/watch?v=sMy8NYZnsy8&t=2663s",
        }
    ]


def test_ask_json_stdin_answers_one_line_per_query() -> None:
    result = run("ask", "--json", "-", stdin="mle\nds vs mle\nvolcano\n\ntip\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["kind"] for line in lines] == ["role", "boundary", "no_match", "help", "tip"]
    assert result.returncode == 3  # at least one query had no match


def test_usage_errors_exit_2() -> None:
    assert run("ask").returncode == 2
    assert run("ask", "mle", "-").returncode == 2
    assert run("frobnicate").returncode == 2


def test_content_check_passes_on_shipped_content() -> None:
    from content.loader import load_content

    result = run("content", "check")
    assert result.returncode == 0
    assert result.stdout.strip() == f"OK: {load_content().summary()}"  # the counts of what is shipped, whatever it is


def test_content_check_lists_problems_as_file_line_message(content_dir: Path) -> None:
    role = content_dir / "roles" / "data-scientist.yaml"
    text = role.read_text().replace("summary:", "sumary:")
    role.write_text(text, encoding="utf-8")
    line = next(n for n, written in enumerate(text.splitlines(), 1) if written.startswith("sumary:"))
    (content_dir / "roles" / "broken.yaml").write_text("id: [oops\n", encoding="utf-8")
    result = run("content", "check", str(content_dir))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f"{content_dir}/roles/data-scientist.yaml:{line}: unknown field 'sumary' (did you mean 'summary'?)" in lines
    assert any(line.startswith(f"{content_dir}/roles/broken.yaml:2: YAML syntax error") for line in lines)


def test_the_bot_refuses_to_start_on_invalid_content(content_dir: Path) -> None:
    (content_dir / "roles" / "broken.yaml").write_text("id: [oops\n", encoding="utf-8")
    result = run("run", env={"CONTENT_DIR": str(content_dir)}, stdin="mle\n")
    assert result.returncode == 1
    assert "the content is invalid" in result.stderr
    assert "broken.yaml:2: YAML syntax error" in result.stderr


def test_content_dir_setting_is_used(content_dir: Path) -> None:
    role = content_dir / "roles" / "data-scientist.yaml"
    role.write_text(role.read_text().replace("name: Data scientist", "name: Data wrangler"), encoding="utf-8")
    assert run("ask", "ds", env={"CONTENT_DIR": str(content_dir)}).stdout.startswith("Data wrangler")


def test_bad_settings_give_one_clear_line() -> None:
    result = run("ask", "mle", env={"CONTENT_DIR": "/no/such/dir", "LOG_LEVEL": "LOUD"})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "rolecall: CONTENT_DIR: /no/such/dir is not a directory",
        "rolecall: LOG_LEVEL: 'LOUD' is not one of DEBUG, INFO, WARNING, ERROR",
    ]


def test_a_platform_token_is_not_ignored_and_never_printed() -> None:
    secret = "xoxb-123456-SECRET-do-not-print"
    result = run("run", env={"SLACK_BOT_TOKEN": secret}, stdin="mle\n")
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN is set" in result.stderr
    assert secret not in result.stderr + result.stdout


def test_console_conversation_over_stdin() -> None:
    result = run("run", stdin="mle vs ds\nbatch scoring\nquit\nmle\n")
    assert result.returncode == 0
    answers = result.stdout.split("\n\n")
    assert "Machine learning engineer vs Data scientist" in answers  # after this week's tip, once it is due
    assert "Online serving versus batch scoring" in result.stdout
    assert "\nMachine learning engineer\n\n" not in result.stdout  # 'mle' after 'quit' was never answered


def test_console_strips_terminal_escapes_from_echoes() -> None:
    result = run("run", stdin="\x1b]0;pwned\x07\x1b[2Jvolcano\n")
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "No answer for" in result.stdout


@pytest.mark.parametrize("query", ["a" * 10_000, "\x00\x01\x02", "🙂" * 1000, "<!channel> @everyone"])
def test_hostile_queries_never_crash_the_cli(query: str) -> None:
    result = run("ask", "--json", "-", stdin=query + "\n")
    assert result.returncode in (0, 3)
    assert len(json.loads(result.stdout)["title"]) < 200


def test_an_unreachable_database_is_one_line_without_its_password() -> None:
    url = "postgresql://rolecall:hunter2-SECRET@127.0.0.1:1/rolecall"
    result = run("ask", "tip", env={"DATABASE_URL": url})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("rolecall: DATABASE_URL postgresql://rolecall:***@127.0.0.1:1/rolecall: cannot open the")
    assert "hunter2-SECRET" not in result.stderr + result.stdout


def test_bare_rolecall_starts_the_console_like_rolecall_run() -> None:
    result = run(stdin="mle vs ds\n")
    assert result.returncode == 0, result.stderr
    assert "Machine learning engineer vs Data scientist\n" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_reader_that_leaves_early_is_no_error() -> None:
    """`rolecall ask - | head -1`: the pipe closes after the first answer; no traceback, a normal exit status."""
    process = subprocess.Popen(
        [*ROLECALL, "ask", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=WORKDIR
    )
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like `head` after its line: every write now raises BrokenPipeError
    process.stdin.write(b"mle\n" * 2000)
    process.stdin.close()
    assert process.wait(timeout=60) == 0
    assert process.stderr.read().decode() == ""


def test_a_golden_file_with_a_yaml_error_is_one_line(tmp_path: Path) -> None:
    golden = tmp_path / "golden.yaml"
    golden.write_text("- {query: mle, expect: {kind: role}\n- query: [oops\n", encoding="utf-8")
    result = run("eval", str(golden))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"rolecall eval: {golden}:"), lines
    assert "YAML syntax error" in lines[0]


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_a_bad_port_is_a_usage_error(port: str) -> None:
    result = run("run", "--port", port)
    assert result.returncode == 2
    assert "--port" in result.stderr and "Traceback" not in result.stderr


def test_content_tools_ignore_settings_they_do_not_use() -> None:
    """A moderator's shell may hold a bot setting with a mistake in it; `content check` and `eval` never read it."""
    env = {"TIP_TIMEZONE": "Berlin", "SLACK_APP_TOKEN": "xapp-1", "DATABASE_URL": "nonsense"}
    assert run("content", "check", env=env).returncode == 0
    assert run("eval", str(ROOT / "tests" / "golden_queries.yaml"), env=env).returncode == 0
    assert run("ask", "mle", env=env).returncode == 2  # the bot's own commands still check everything


def test_slack_mode_without_a_slack_token_is_a_usage_error() -> None:
    result = run("run", "--slack-mode", "http", "--port", "0", stdin="mle\n")
    assert result.returncode == 2
    assert result.stderr.strip() == "rolecall: --slack-mode http needs SLACK_BOT_TOKEN"


@pytest.mark.parametrize("days", ["-1", "0", "week"])
def test_report_misses_needs_a_positive_number_of_days(days: str) -> None:
    result = run("report", "misses", "--days", days)
    assert result.returncode == 2 and "--days" in result.stderr and "Traceback" not in result.stderr


def test_a_piped_console_is_the_running_bot(tmp_path: Path) -> None:
    """`printf 'admin reload\\n' | rolecall run`: admin commands work, queries reach the query log."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}"}
    result = run("run", stdin="admin reload\nadmin status\nzzqx unanswerable volcano\n", env=env)
    assert result.returncode == 0, result.stderr
    assert "not running here" not in result.stdout
    assert "Content unchanged" in result.stdout and "Weekly tip status" in result.stdout
    report = run("report", "misses", "--days", "1", env=env)
    assert "zzqx unanswerable volcano" in report.stdout


def test_ask_never_creates_a_database(tmp_path: Path) -> None:
    base = {k: v for k, v in os.environ.items() if not k.endswith("_TOKEN") and k != "DATABASE_URL"}
    for query in ("mle", "tip"):
        result = subprocess.run(
            [*ROLECALL, "ask", query], capture_output=True, text=True, cwd=tmp_path, env=base, timeout=60
        )
        assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []  # no ./data/rolecall.db in the directory it ran from
