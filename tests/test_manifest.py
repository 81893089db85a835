"""The shipped Slack manifest declares what the adapter uses."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.config import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_manifest_matches_the_adapter() -> None:
    manifest = yaml.safe_load((ROOT / "slack-manifest.yml").read_text(encoding="utf-8"))
    (command,) = manifest["features"]["slash_commands"]
    default = Settings.from_env({"SLACK_BOT_TOKEN": "x", "SLACK_APP_TOKEN": "y"}).slack
    assert default is not None and command["command"] == default.command
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "commands",
        "chat:write",
        "chat:write.public",
        "channels:history",  # the weekly tip's duplicate check after a crash
        "groups:history",
        "app_mentions:read",  # mentions in channels and threads
        "im:history",  # DMs (message.im)
    }
    assert manifest["settings"]["socket_mode_enabled"] is True
    # Buttons and menus: next steps, the moment menu, 👍/👎 and "Share in channel".
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened", "app_mention", "message.im"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True


def test_app_home_messages_tab_is_on_and_writable() -> None:
    # DMs are answered, so members must be able to write in the Messages tab.
    manifest = yaml.safe_load((ROOT / "slack-manifest.yml").read_text(encoding="utf-8"))
    assert manifest["features"]["app_home"] == {
        "home_tab_enabled": True,
        "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": False,
    }


def test_procfile_runs_the_worker_and_http_mode() -> None:
    lines = (ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
    assert "worker: rolecall run" in lines
    assert "web: rolecall run --slack-mode http --port $PORT" in lines
