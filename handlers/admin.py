"""Moderator commands ('admin ...'), platform-neutral. Adapters decide who is a moderator; handlers obey it."""

from __future__ import annotations

from collections.abc import Callable

from content.library import Library
from handlers.reply import Reply, Section
from handlers.tipdesk import TipDesk

REFUSAL = Reply("refused", "Only moderators can use admin commands", (Section(text="Ask a moderator for help."),))
NO_SCHEDULER = Reply(
    "admin", "The weekly tip scheduler is not running", (Section(text="Start the bot with `rolecall run`."),)
)

AdminCommand = Callable[[Library, TipDesk | None, str], Reply]


def _content(library: Library, _desk: TipDesk | None, _args: str) -> Reply:
    return Reply("admin", "Content", (Section(text=library.content.summary()),))


def _tip(_library: Library, desk: TipDesk | None, args: str) -> Reply:
    return desk.admin_tip(args) if desk is not None else NO_SCHEDULER


def _status(_library: Library, desk: TipDesk | None, _args: str) -> Reply:
    return desk.admin_status() if desk is not None else NO_SCHEDULER


def _help(_library: Library, _desk: TipDesk | None, _args: str) -> Reply:
    return Reply("admin", "Admin commands", (Section(items=HELP),))


HELP = (
    "admin content: content version and counts",
    "admin status: next tip slot per destination and the latest deliveries",
    "admin tip preview: the next tip, exactly as it will be posted",
    "admin tip post-now: post this week's tip now wherever it is not yet delivered",
    "admin tip skip: skip the next tip (it returns in the next rotation)",
    "admin tip pin <moment>: post this moment next (for example: admin tip pin ml-production@44:23)",
)
# Later issues add to this table (reload, misses); each entry is name -> handler.
COMMANDS: dict[str, AdminCommand] = {"content": _content, "tip": _tip, "status": _status, "help": _help}


def admin_reply(library: Library, desk: TipDesk | None, text: str) -> Reply:
    """Run 'admin <command> [args]'; unknown commands get the admin help."""
    name, _, args = text.strip().partition(" ")
    return COMMANDS.get(name.lower(), _help)(library, desk, args.strip())
