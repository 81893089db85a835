"""Settings: every problem is one clear line, and secrets never appear in messages or reprs."""

from __future__ import annotations

import pytest

from bot.config import Settings, SettingsError

TOKEN = "xoxb-SECRET-bot-token-value"
APP = "xapp-SECRET-app-token-value"
SIGNING = "SECRET-signing-secret-value"


def problems(env: dict[str, str]) -> list[str]:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(env)
    message = str(caught.value)
    for secret in (TOKEN, APP, SIGNING):
        assert secret not in message
    return message.splitlines()


def test_no_settings_means_console() -> None:
    settings = Settings.from_env({})
    assert settings.platforms == [] and settings.slack is None


def test_slack_socket_mode_by_default_with_an_app_token() -> None:
    settings = Settings.from_env({"SLACK_BOT_TOKEN": TOKEN, "SLACK_APP_TOKEN": APP, "SLACK_MODERATORS": "U1AB, W2CD"})
    assert settings.slack is not None and settings.slack.default_mode == "socket"
    assert settings.slack.moderators == {"U1AB", "W2CD"}
    assert settings.slack.command == "/rolecall" and settings.slack.api_url == "https://slack.com/api/"
    assert TOKEN not in repr(settings) and APP not in repr(settings)


def test_slack_http_mode_with_only_a_signing_secret() -> None:
    env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SIGNING, "SLACK_API_URL": "http://127.0.0.1:9/api"}
    slack = Settings.from_env(env).slack
    assert slack is not None and slack.default_mode == "http" and slack.api_url == "http://127.0.0.1:9/api/"


def test_bot_token_without_a_way_to_connect() -> None:
    assert problems({"SLACK_BOT_TOKEN": TOKEN}) == [
        "SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode) is"
    ]


def test_app_token_without_bot_token() -> None:
    assert problems({"SLACK_APP_TOKEN": APP}) == ["SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not"]


def test_every_slack_problem_at_once() -> None:
    env = {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_APP_TOKEN": APP,
        "SLACK_COMMAND": "rolecall",
        "SLACK_MODERATORS": "U1AB,alice",
        "SLACK_API_URL": "ftp://slack.com/x",
        "LOG_LEVEL": "chatty",
    }
    assert problems(env) == [
        "LOG_LEVEL: 'CHATTY' is not one of DEBUG, INFO, WARNING, ERROR",
        "SLACK_COMMAND: 'rolecall' is not a slash command like /rolecall",
        "SLACK_MODERATORS: 'alice' is not a Slack user id like U012AB3CD",
        "SLACK_API_URL: must be an http(s) URL ending with /api/, like https://slack.com/api/",
    ]


def test_discord_settings() -> None:
    env = {
        "DISCORD_TOKEN": "discord-SECRET",
        "DISCORD_GUILD_ID": "123456789012345678",
        "DISCORD_MODERATOR_ROLE_IDS": "223456789012345678, 323456789012345678",
    }
    discord = Settings.from_env(env).discord
    assert discord is not None and discord.guild_id == 123456789012345678
    assert discord.moderator_role_ids == {223456789012345678, 323456789012345678}
    assert discord.api_url == "https://discord.com/api/v10" and discord.gateway_url == "wss://gateway.discord.gg/"
    assert "discord-SECRET" not in repr(discord)


def test_discord_problems_are_one_line_each() -> None:
    env = {
        "DISCORD_TOKEN": TOKEN,
        "DISCORD_GUILD_ID": "general",
        "DISCORD_MODERATOR_ROLE_IDS": "mods",
        "DISCORD_API_URL": "ftp://x",
        "DISCORD_GATEWAY_URL": "https://gateway",
    }
    assert problems(env) == [
        "DISCORD_GUILD_ID: 'general' is not a Discord server id",
        "DISCORD_MODERATOR_ROLE_IDS: 'mods' is not a Discord role id",
        "DISCORD_API_URL: must be a http/https URL",
        "DISCORD_GATEWAY_URL: must be a ws/wss URL",
    ]


def test_swapped_slack_tokens_are_named_without_showing_them() -> None:
    assert problems({"SLACK_BOT_TOKEN": APP, "SLACK_APP_TOKEN": TOKEN}) == [
        "SLACK_BOT_TOKEN: holds an app-level token (xapp-...): it belongs in SLACK_APP_TOKEN",
        "SLACK_APP_TOKEN: holds a bot or user token (xox...-): it belongs in SLACK_BOT_TOKEN",
    ]


def test_tip_channels_need_their_platform_and_real_ids() -> None:
    assert problems({"TIP_SLACK_CHANNELS": "C0123", "TIP_DISCORD_CHANNELS": "223456789012345678"}) == [
        "TIP_SLACK_CHANNELS is set but SLACK_BOT_TOKEN is not: no tip can be posted there",
        "TIP_DISCORD_CHANNELS is set but DISCORD_TOKEN is not: no tip can be posted there",
    ]
    assert problems({"DISCORD_TOKEN": "discord-SECRET", "TIP_DISCORD_CHANNELS": "general"}) == [
        "TIP_DISCORD_CHANNELS: 'general' is not a channel id (a number, not a name)"
    ]
