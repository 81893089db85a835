"""Who is asking, as far as handlers need to know: which platform, and whether they may use admin commands."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Asker:
    """The adapter decides ``moderator`` (Slack: SLACK_MODERATORS; Discord: permissions); handlers only obey it."""

    platform: str = "console"
    moderator: bool = False
    # Only for moderators' audit records (reloads) and, hashed in memory, one 👍/👎 per member and answer (VoteBox);
    # never stored with member queries or votes.
    user: str | None = None


# The console is the operator's own terminal: it may run admin commands.
CONSOLE = Asker("console", moderator=True)


def split_public(text: str) -> tuple[str, bool]:
    """Strip a leading or trailing 'public' word: 'public mle vs ds' -> ('mle vs ds', True)."""
    words = text.split()
    if words and words[0].lower() == "public":
        return " ".join(words[1:]), True
    if len(words) > 1 and words[-1].lower() == "public":
        return " ".join(words[:-1]), True
    return text, False
