"""`python -m bot` is the `goalbot` command."""

import sys

from bot.cli import main

sys.exit(main())
