"""The till's look: the stylesheet and icons from the top-level ``resources`` package.

They are files (``resources/styles/till.qss``, ``resources/icons/*.svg``) read through
``importlib.resources``, so they ship in the wheel and an installed till finds them wherever it
was installed.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from PySide6.QtGui import QIcon


@cache
def stylesheet() -> str:
    """The Qt stylesheet (large text, touch targets of at least 44 px)."""
    return (files("resources") / "styles" / "till.qss").read_text(encoding="utf-8")


def icon(name: str) -> QIcon:
    """``resources/icons/<name>.svg`` as an icon (Qt's SVG plugin draws it at any size).

    Raises:
        FileNotFoundError: there is no such icon (a packaging mistake, not a user's).
    """
    path = files("resources") / "icons" / f"{name}.svg"
    if not path.is_file():
        raise FileNotFoundError(f"no icon {name!r} in resources/icons")
    return QIcon(str(path))  # installed wheels are unpacked, so the resource is a real file


STYLE = stylesheet()  # kept for callers that set the stylesheet once (benchmarks)
