"""`python -m bot` is the same as the `rolecall` command."""

import sys

from bot.cli import main

sys.exit(main())
