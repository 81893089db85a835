"""Run the real `rolecall` CLI, with the wall clock moved to ROLECALL_TEST_NOW when set (time-machine, ticking).

Test harness only. With ROLECALL_TEST_KILL_AFTER_CLAIM=1 the process SIGKILLs itself right after its first
successful claim, which is the crash between claim and send that recovery must handle.
"""

from __future__ import annotations

import os
import signal
import sys
from datetime import datetime

import time_machine

if os.environ.get("ROLECALL_TEST_KILL_AFTER_CLAIM") == "1":
    from scheduler import store

    _claim = store.Store.claim

    def _claim_then_die(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        won = _claim(self, *args, **kwargs)
        if won:
            os.kill(os.getpid(), signal.SIGKILL)
        return won

    store.Store.claim = _claim_then_die  # type: ignore[method-assign]

from bot.cli import main

if os.environ.get("ROLECALL_TEST_NOW"):
    with time_machine.travel(datetime.fromisoformat(os.environ["ROLECALL_TEST_NOW"]), tick=True):
        sys.exit(main(sys.argv[1:]))
sys.exit(main(sys.argv[1:]))
