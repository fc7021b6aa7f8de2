"""``python -m cmkpg.preview``: see :mod:`cmkpg.preview.cli`."""

import sys

from .cli import console

sys.exit(console())
