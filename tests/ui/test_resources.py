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
    """Every file under resources/ ships in the wheel: its folder is a (namespace) package that
    ``packages.find`` includes, and its name matches that package's package-data patterns
    (setuptools warns about, and will stop shipping, data in folders that are no package)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    find, package_data = config["packages"]["find"], config["package-data"]
    assert find.get("namespaces", True)
    base = ROOT / "resources"
    data = [
        p
        for p in base.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    ]
    assert data
    for path in data:
        package = ".".join(path.parent.relative_to(ROOT).parts)
        assert any(fnmatch(package, pattern) for pattern in find["include"]), package
        patterns = package_data.get("*", []) + package_data.get(package, [])
        assert any(fnmatch(path.name, pattern) for pattern in patterns), path


def test_the_till_window_has_an_icon(till_window):
    window, _wedge, _bridge = till_window
    assert not window.windowIcon().isNull()
