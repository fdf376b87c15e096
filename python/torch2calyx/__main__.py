"""``python -m torch2calyx``: the same command line as the installed ``torch2calyx`` script."""

import sys

from torch2calyx.cli import main

sys.exit(main())
