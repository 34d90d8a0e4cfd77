"""The top-level ``resources`` package: stylesheet and icons load through importlib.resources
and every file in it is declared as package data (so the wheel ships it)."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

from pos_desktop.ui.theme import icon, stylesheet

ROOT = Path(__file__).resolve().parents[2]


def test_stylesheet_and_icons_load(qapp):
    assert "min-height: 44px" in stylesheet()
    for name in ("till", "cash", "card", "returns", "park", "discount", "gift"):
        assert not icon(name).pixmap(32, 32).isNull(), name


def test_every_resource_file_is_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "resources" in config["packages"]["find"]["include"]
    patterns = config["package-data"]["resources"]
    base = ROOT / "resources"
    files = [p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()]
    data = [f for f in files if not f.endswith((".py", ".pyc")) and "__pycache__" not in f]
    assert data and all(any(fnmatch(f, pat) for pat in patterns) for f in data), data


def test_the_till_window_has_an_icon(till_window):
    window, _wedge, _bridge = till_window
    assert not window.windowIcon().isNull()
