"""``python -m pos_desktop`` / ``pos-desktop``: start the till."""

import sys

from .app import main

if __name__ == "__main__":
    sys.exit(main())
