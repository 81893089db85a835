"""Episode timestamps: parse what moderators write, format what members see."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TIMESTAMP = re.compile(r"^(?:(\d{1,2}):)?(\d{1,2}):(\d{2})$")


@dataclass(frozen=True, order=True)
class Timestamp:
    """A moment's position in an episode, in whole seconds."""

    seconds: int

    @classmethod
    def parse(cls, text: str) -> Timestamp:
        """Parse ``m:ss`` or ``h:mm:ss``; raise ValueError with a moderator-friendly message."""
        match = _TIMESTAMP.match(text.strip()) if isinstance(text, str) else None
        if match is None:
            raise ValueError(f"'{text}' is not a timestamp: write m:ss or h:mm:ss, for example 8:49 or 1:02:03")
        hours, minutes, seconds = match.groups()
        if int(seconds) >= 60:
            raise ValueError(f"'{text}' is not a timestamp: seconds must be below 60")
        if hours is not None and int(minutes) >= 60:
            raise ValueError(f"'{text}' is not a timestamp: minutes must be below 60")
        if hours is None and int(minutes) >= 60:
            # One spelling per moment, so 61:30 and 1:01:30 cannot both exist as "different" moments.
            raise ValueError(f"'{text}' is not a timestamp: write an hour as h:mm:ss, for example 1:01:30")
        return cls(int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds))

    def __str__(self) -> str:
        hours, rest = divmod(self.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        if hours:
            return f"{hours}:{minutes:02d}:{seconds:02d}"
        return f"{minutes}:{seconds:02d}"
