"""The Discord app core: a discord.py Client with the `/rolecall` and `/rolecall-admin` command groups.

Commands are synced deliberately (`rolecall discord sync`, or at start-up to DISCORD_GUILD_ID when their
definitions changed), never in on_ready, which fires again after every reconnect.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from typing import Literal

import discord
import yarl
from discord import app_commands

from bot.config import DiscordSettings
from bot.discord import components
from bot.discord.render import MAX_CHOICE_NAME, MAX_CHOICES, trim
from bot.ratelimit import ConversationLimits
from handlers import Handlers
from handlers.asker import Asker
from handlers.reply import Reply, Section
from scheduler.store import Store

log = logging.getLogger("rolecall.discord")
NONE = discord.AllowedMentions.none()
SYNC_HASH_KEY = "discord.commands.{scope}"
# Message types a member writes: DEFAULT (0) and REPLY (19). Joins, pins, thread starters etc. are not questions.
_MEMBER_MESSAGE_TYPES = {discord.MessageType.default, discord.MessageType.reply}
# Admin commands answer only in /rolecall-admin, which is ephemeral and permission-checked.
ADMIN_IN_PUBLIC = Reply(
    "refused",
    "Admin commands are not answered here",
    (Section(text="Use /rolecall-admin: its answers are visible only to you."),),
)
SLOW_DOWN = Reply("refused", "Too many questions at once", (Section(text="Please wait a minute and ask again."),))


def point_at(settings: DiscordSettings) -> None:
    """Use DISCORD_API_URL and DISCORD_GATEWAY_URL (Discord-compatible servers, tests) for this process."""
    discord.http.Route.BASE = settings.api_url.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def is_moderator(interaction: discord.Interaction, settings: DiscordSettings) -> bool:
    """Manage Server in this channel, or one of DISCORD_MODERATOR_ROLE_IDS."""
    if interaction.permissions.manage_guild:
        return True
    roles = {role.id for role in getattr(interaction.user, "roles", [])}
    return bool(roles & settings.moderator_role_ids)


async def answer(interaction: discord.Interaction, reply: Reply, public: bool = False) -> None:
    """Respond within Discord's 3 seconds: the answer itself with its buttons, ephemeral unless asked to be public
    (a private reply, like help or admin, is ephemeral even then)."""
    ephemeral = not public or reply.private
    await interaction.response.send_message(
        **components.message_parts(reply), ephemeral=ephemeral, allowed_mentions=NONE
    )


def mention_text(content: str, bot_id: int) -> str:
    """The question in a message: its text without our own mentions (`<@ID>` or the legacy `<@!ID>`)."""
    return re.sub(rf"<@!?{bot_id}>", " ", content).strip()


def build_commands(tree: app_commands.CommandTree, handlers: Handlers, settings: DiscordSettings) -> None:
    """The member group `/rolecall` and the moderator group `/rolecall-admin`."""
    member = Asker("discord")
    group = app_commands.Group(name="rolecall", description="Ask about data and ML roles and the lines between them")

    def choices(current: str, kind: str) -> list[app_commands.Choice[str]]:
        found = handlers.library.resolver.complete(current, kind, MAX_CHOICES)  # type: ignore[arg-type]
        return [app_commands.Choice(name=trim(label, MAX_CHOICE_NAME), value=value) for label, value in found]

    async def role_choices(_interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return choices(current, "role")

    async def episode_choices(_interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return choices(current, "episode")

    public_help = "Post the answer for everyone in the channel"

    @group.command(name="role", description="What a role is, owns and needs")
    @app_commands.describe(name="A role, for example mle or data scientist", public=public_help)
    @app_commands.autocomplete(name=role_choices)
    async def role(interaction: discord.Interaction, name: str, public: bool = False) -> None:
        await answer(interaction, handlers.handle(f"role {name}", member), public)

    @group.command(name="boundary", description="Where two roles meet: who owns what")
    @app_commands.describe(a="One role", b="The other role", public=public_help)
    @app_commands.autocomplete(a=role_choices, b=role_choices)
    async def boundary(interaction: discord.Interaction, a: str, b: str, public: bool = False) -> None:
        await answer(interaction, handlers.handle(f"{a} vs {b}", member), public)

    @group.command(name="roles", description="Every role and boundary")
    @app_commands.describe(public=public_help)
    async def roles(interaction: discord.Interaction, public: bool = False) -> None:
        await answer(interaction, handlers.roles(), public)

    @group.command(name="episode", description="An episode and its moments, by title or guest")
    @app_commands.describe(name="An episode title or a guest", public=public_help)
    @app_commands.autocomplete(name=episode_choices)
    async def episode(interaction: discord.Interaction, name: str, public: bool = False) -> None:
        await answer(interaction, handlers.handle(f"episode {name}", member), public)

    @group.command(name="search", description="Find the episode moment for a topic, like batch scoring")
    @app_commands.describe(query="What to look for", public=public_help)
    async def search(interaction: discord.Interaction, query: str, public: bool = False) -> None:
        await answer(interaction, handlers.handle(f"search {query}", member), public)

    @group.command(name="tip", description="This week's tip")
    @app_commands.describe(public=public_help)
    async def tip(interaction: discord.Interaction, public: bool = False) -> None:
        await answer(interaction, handlers.tip(), public)

    @group.command(name="help", description="How to ask RoleCall")
    async def help_(interaction: discord.Interaction) -> None:
        await answer(interaction, handlers.help())

    tree.add_command(group)

    # Discord applies default permissions per top-level command, so moderator commands get their own.
    admin = app_commands.Group(
        name="rolecall-admin",
        description="RoleCall moderator tools",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    async def run_admin(interaction: discord.Interaction, text: str) -> None:
        allowed = is_moderator(interaction, settings)
        asker = Asker("discord", moderator=allowed, user=str(interaction.user.id))
        await answer(interaction, handlers.handle(f"admin {text}", asker))

    @admin.command(name="status", description="Next tip slot per channel and the latest deliveries")
    async def status(interaction: discord.Interaction) -> None:
        await run_admin(interaction, "status")

    @admin.command(name="content", description="Content version and counts")
    async def content(interaction: discord.Interaction) -> None:
        await run_admin(interaction, "content")

    @admin.command(name="tip", description="Preview, post now, skip or pin the weekly tip")
    @app_commands.describe(action="What to do", moment="For pin: a moment, like ml-production@44:23")
    async def admin_tip(
        interaction: discord.Interaction,
        action: Literal["preview", "post-now", "skip", "pin"],
        moment: str | None = None,
    ) -> None:
        await run_admin(interaction, f"tip {action} {moment or ''}".strip())

    tree.add_command(admin)


def command_hash(tree: app_commands.CommandTree) -> str:
    """A fingerprint of the command definitions, to sync only when they change."""
    payload = [command.to_dict(tree) for command in tree.get_commands()]
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


class RoleCallClient(discord.Client):
    """The Discord client. ``state`` (get/put) remembers what was synced; None disables start-up sync."""

    def __init__(
        self, handlers: Handlers, settings: DiscordSettings, state: Store | None = None, sync_on_start: bool = True
    ) -> None:
        # guild_ready_timeout: discord.py waits this long after READY for more GUILD_CREATEs (default 2 s). They
        # follow READY at once, and a community bot is in a few servers, so 0.5 s makes restarts 1.5 s faster.
        # guild_messages and dm_messages are not privileged. Discord still sends the content of messages that
        # mention the bot and of DMs without the privileged message_content intent, which RoleCall never asks for.
        # max_messages=None: members' messages are answered, never kept in a cache.
        intents = discord.Intents(guilds=True, guild_messages=True, dm_messages=True)
        super().__init__(intents=intents, allowed_mentions=NONE, guild_ready_timeout=0.5, max_messages=None)
        self.handlers = handlers
        self.limits = ConversationLimits()
        self.settings = settings
        self.state = state
        self.sync_on_start = sync_on_start
        self.tree = app_commands.CommandTree(self)
        build_commands(self.tree, handlers, settings)

    async def setup_hook(self) -> None:
        """Runs once after login (not on reconnects): register the click handlers, then sync to the configured
        guild only if commands changed.

        The dynamic items answer clicks on every message RoleCall ever sent, including those from before this start.
        """
        self.add_dynamic_items(*components.DYNAMIC_ITEMS)
        if self.sync_on_start and self.settings.guild_id is not None and self.state is not None:
            await self.sync_commands(self.settings.guild_id, only_if_changed=True)

    async def on_message(self, message: discord.Message) -> None:
        """Answer a message that mentions us (in a channel or thread) or a DM, as a reply that pings nobody."""
        me = self.user
        if me is None or message.author.bot or message.author.id == me.id:
            return  # bots (ourselves included) never get answers: no loops between bots
        if message.type not in _MEMBER_MESSAGE_TYPES:
            return
        is_dm = message.guild is None
        # message.mentions holds users only: @everyone, @here and role pings do not count as asking us.
        if not is_dm and not any(user.id == me.id for user in message.mentions):
            return
        allowed, over = self.limits.check(str(message.author.id), str(message.channel.id))
        if not allowed:
            if over is not None:  # one short notice per window, then silence
                await self._reply(message, SLOW_DOWN)
            return
        text = mention_text(message.content, me.id)
        if text.partition(" ")[0].lower() == "admin":
            await self._reply(message, ADMIN_IN_PUBLIC)
            return
        await self._reply(message, self.handlers.handle(text, Asker("discord")))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Answer a click whose id no RoleCall item claims (not ours, or tampered with) with "no longer available".

        discord.py would drop it silently and the member would see "This interaction failed"; ids RoleCall items
        do claim are answered by them (bot.discord.components).
        """
        if interaction.type is not discord.InteractionType.component:
            return
        data: dict[str, object] = dict(interaction.data or {})
        custom_id = data.get("custom_id")
        if not components.answered_by_items(custom_id):
            await components.answer_click(interaction, custom_id)

    async def _reply(self, message: discord.Message, reply: Reply) -> None:
        """Reply to ``message`` (a message reference) with the embed and its buttons; AllowedMentions.none() so
        nothing pings."""
        try:
            await message.reply(**components.message_parts(reply), allowed_mentions=NONE)
        except discord.HTTPException as error:  # e.g. no Send Messages permission there: log it, keep running
            log.warning("discord reply in channel %s failed: %s", message.channel.id, error)

    async def sync_commands(self, guild_id: int | None, only_if_changed: bool = False) -> int | None:
        """Sync to one guild (or globally), clearing the other scope so commands never show twice."""
        scope = f"guild:{guild_id}" if guild_id is not None else "global"
        key = SYNC_HASH_KEY.format(scope=scope)
        fingerprint = command_hash(self.tree)
        if only_if_changed and self.state is not None and self.state.get(key) == fingerprint:
            log.info("discord commands unchanged for %s: not syncing", scope)
            return None
        guild = discord.Object(id=guild_id) if guild_id is not None else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        synced = await self.tree.sync(guild=guild)
        if guild is not None:
            self.tree.clear_commands(guild=guild)
        # Empty the other scope: a command registered both globally and in a guild shows up twice there.
        other = None
        if guild_id is not None:
            other = "global"
            await self.http.bulk_upsert_global_commands(self.application_id, [])  # type: ignore[arg-type]
        elif self.settings.guild_id is not None:
            other = f"guild:{self.settings.guild_id}"
            await self.http.bulk_upsert_guild_commands(self.application_id, self.settings.guild_id, [])  # type: ignore[arg-type]
        if self.state is not None:
            self.state.put(key, fingerprint)
            if other is not None:
                self.state.put(SYNC_HASH_KEY.format(scope=other), "")  # emptied: the next sync there must run
        log.info("synced %d discord commands to %s", len(synced), scope)
        return len(synced)
