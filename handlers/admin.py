"""Moderator commands ('admin ...'), platform-neutral. Adapters decide who is a moderator; handlers obey it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from content.library import Library
from handlers.asker import Asker
from handlers.desks import MissDesk, ReloadDesk, TipDesk
from handlers.reply import Reply, Section

REFUSAL = Reply("refused", "Only moderators can use admin commands", (Section(text="Ask a moderator for help."),))


def unreachable() -> Reply:
    """What an admin command that needs the database answers while it is down: one line."""
    return Reply("admin", "The database is unreachable; try again when it is back.")


def _not_running(what: str) -> Reply:
    return Reply("admin", f"{what} is not running here", (Section(text="Start the bot with `rolecall run`."),))


@dataclass(frozen=True)
class Desks:
    """The parts of the process admin commands act on; any may be missing (e.g. in `rolecall ask`)."""

    tips: TipDesk | None = None
    reload: ReloadDesk | None = None
    misses: MissDesk | None = None


AdminCommand = Callable[[Library, Desks, Asker, str], Reply]


def _content(library: Library, _desks: Desks, _asker: Asker, _args: str) -> Reply:
    return Reply("admin", "Content", (Section(text=library.content.summary()),))


def _tip(_library: Library, desks: Desks, _asker: Asker, args: str) -> Reply:
    return desks.tips.admin_tip(args) if desks.tips is not None else _not_running("The weekly tip scheduler")


def _status(_library: Library, desks: Desks, _asker: Asker, _args: str) -> Reply:
    return desks.tips.admin_status() if desks.tips is not None else _not_running("The weekly tip scheduler")


def _reload(_library: Library, desks: Desks, asker: Asker, _args: str) -> Reply:
    who = f"{asker.platform}:{asker.user}" if asker.user else asker.platform
    return desks.reload.reload(who) if desks.reload is not None else _not_running("Content reloading")


def _misses(_library: Library, desks: Desks, _asker: Asker, args: str) -> Reply:
    days = int(args) if args.strip().isdigit() else 30
    return desks.misses.misses_reply(days, 20) if desks.misses is not None else _not_running("The query log")


def _help(_library: Library, _desks: Desks, _asker: Asker, _args: str) -> Reply:
    return Reply("admin", "Admin commands", (Section(items=HELP),))


HELP = (
    "admin content: content version and counts",
    "admin reload: load the content again (kept only if valid; problems are listed)",
    "admin misses [days]: what members asked that the content could not answer well",
    "admin status: next tip slot per destination and the latest deliveries",
    "admin tip preview: the next tip, exactly as it will be posted",
    "admin tip post-now: post this week's tip now wherever it is not yet delivered",
    "admin tip skip: skip the next tip (it returns in the next rotation)",
    "admin tip pin <moment>: post this moment next (for example: admin tip pin ml-production@44:23)",
)
COMMANDS: dict[str, AdminCommand] = {
    "content": _content,
    "reload": _reload,
    "misses": _misses,
    "tip": _tip,
    "status": _status,
    "help": _help,
}


def admin_reply(library: Library, desks: Desks, text: str, asker: Asker) -> Reply:
    """Run 'admin <command> [args]'; unknown commands get the admin help."""
    name, _, args = text.strip().partition(" ")
    return COMMANDS.get(name.lower(), _help)(library, desks, asker, args.strip())
