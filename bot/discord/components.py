"""Clickable next steps and 👍/👎 on Discord: the buttons and the moment menu under an answer, and what a click does.

The items are ``discord.ui.DynamicItem`` subclasses: discord.py matches a clicked ``custom_id`` against their
templates, so a button keeps working after a restart or deploy with no per-message state. The id itself says what
to answer (``handlers.navigation``); the menu's id is constant and the chosen option's value is the id.

A click on a private (ephemeral) answer replaces it in place; a click on a message the channel shares answers the
clicker alone, so one member's click never changes or floods a shared message.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.discord.render import Controls, controls, reply_embed
from handlers import navigation
from handlers.asker import Asker
from handlers.commands import UNAVAILABLE
from handlers.reply import Reply

log = logging.getLogger("rolecall.discord")
NONE = discord.AllowedMentions.none()
# The moment menu's custom_id: one menu per message, and the chosen option carries the id.
MENU_ID = "rc:menu"
MENU_TEMPLATE = re.escape(MENU_ID)


class NextStep(discord.ui.DynamicItem[discord.ui.Button], template=navigation.TEMPLATE):
    """A next-step or 👍/👎 button: its custom_id is the navigation id a click sends."""

    def __init__(self, item: discord.ui.Button) -> None:
        super().__init__(item)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> NextStep:
        """The clicked button, rebuilt from the message (discord.py calls this for every matching click)."""
        if not isinstance(item, discord.ui.Button):
            raise TypeError(f"RoleCall navigation ids are on buttons only, got a {type(item).__name__}")
        return cls(item)

    async def callback(self, interaction: discord.Interaction) -> None:
        """Answer the id this button carries."""
        await answer_click(interaction, self.custom_id)


class MomentMenu(discord.ui.DynamicItem[discord.ui.Select], template=MENU_TEMPLATE):
    """An episode's "Jump to a moment" select: each option's value is the moment's navigation id."""

    def __init__(self, item: discord.ui.Select) -> None:
        super().__init__(item)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> MomentMenu:
        """The used select, rebuilt from the message; its chosen value is filled in before the callback."""
        if not isinstance(item, discord.ui.Select):
            raise TypeError(f"{MENU_ID!r} is a select, got {type(item).__name__}")
        return cls(item)

    async def callback(self, interaction: discord.Interaction) -> None:
        """Answer the chosen option (one at most: min and max values are 1)."""
        values = self.item.values
        await answer_click(interaction, values[0] if values else None)


# What setup_hook registers, so clicks on messages sent before a restart are still answered.
DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (NextStep, MomentMenu)


def answered_by_items(custom_id: object) -> bool:
    """Whether discord.py dispatches ``custom_id`` to NextStep or MomentMenu (it fullmatches their templates)."""
    return isinstance(custom_id, str) and any(
        item.__discord_ui_compiled_template__.fullmatch(custom_id) for item in DYNAMIC_ITEMS
    )


def build_view(fitted: Controls) -> discord.ui.View | None:
    """The discord.ui.View for fitted controls, rows placed explicitly; None when there is nothing to click.

    timeout=None: the items are dynamic, so nothing has to be remembered per message. (discord.py still gives the
    view of an ephemeral message a 15-minute timeout; when it ends, the registered templates stay, because a view of
    dynamic items only leaves nothing in the per-message store to remove.)
    """
    if fitted.empty:
        return None
    view = discord.ui.View(timeout=None)
    secondary = discord.ButtonStyle.secondary
    row = 0  # rows are placed explicitly: next steps first, then the menu, the feedback row last
    for actions in fitted.rows:
        for action in actions:
            view.add_item(
                NextStep(discord.ui.Button(style=secondary, label=action.label, custom_id=action.target, row=row))
            )
        row += 1
    if fitted.menu is not None:
        options = [discord.SelectOption(label=a.label, value=a.target) for a in fitted.menu.options]
        view.add_item(
            MomentMenu(
                discord.ui.Select(custom_id=MENU_ID, placeholder=fitted.menu.placeholder, options=options, row=row)
            )
        )
        row += 1
    for emoji, custom_id in fitted.votes:
        view.add_item(NextStep(discord.ui.Button(style=secondary, emoji=emoji, custom_id=custom_id, row=row)))
    return view


def reply_view(reply: Reply) -> discord.ui.View | None:
    """The buttons and menu under ``reply`` within Discord's limits, or None when it offers nothing to click."""
    return build_view(controls(reply))


def message_parts(reply: Reply) -> dict[str, Any]:
    """The embed, and the view when there is one, as keyword arguments for any send (controls fitted once)."""
    fitted = controls(reply)
    view = build_view(fitted)
    return {"embed": reply_embed(reply, fitted), **({"view": view} if view is not None else {})}


async def answer_click(interaction: discord.Interaction, raw_id: object) -> None:
    """Answer a button or menu click: in place on a private answer, privately to the clicker on a shared message.

    A notice (thanks for a vote, an answer no longer available) goes to the clicker alone and leaves the clicked
    message as it was. A stale or tampered id gets "no longer available" from Handlers.click, never an exception.
    Answered at once: Discord allows 3 seconds, and an answer takes milliseconds.
    """
    handlers = getattr(interaction.client, "handlers", None)
    # The user id only lets Handlers count one vote per member (hashed, in memory); it is never stored.
    asker = Asker("discord", user=str(interaction.user.id))
    reply = handlers.click(raw_id, asker) if handlers is not None else UNAVAILABLE
    message = interaction.message
    try:
        if not reply.private and message is not None and message.flags.ephemeral:
            parts = message_parts(reply)
            # view=None clears the old buttons when the new answer has none.
            await interaction.response.edit_message(embed=parts["embed"], view=parts.get("view"), allowed_mentions=NONE)
        else:
            await interaction.response.send_message(**message_parts(reply), ephemeral=True, allowed_mentions=NONE)
    except discord.HTTPException as error:  # e.g. the interaction expired: log it, keep running
        log.warning("discord click answer failed: %s", error)
