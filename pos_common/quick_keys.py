"""The quick-key grid's shape, shared by the till (shows it) and the cloud (edits it)."""

from __future__ import annotations

PAGES = 9
KEYS_PER_PAGE = 24  # 4 rows x 6 columns


def key_id(page: int, position: int) -> str:
    """The id of a key in the ``quick_keys`` change feed: ``"<page>:<position>"``."""
    return f"{page}:{position}"
