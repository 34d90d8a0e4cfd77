"""Where the till keeps its files."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "countertop-pos"


def default_data_dir(*, demo: bool = False) -> Path:
    """The platform data dir (``~/.local/share/countertop-pos`` on Linux); demo has its own."""
    return Path(user_data_dir(APP_NAME + ("-demo" if demo else ""), appauthor=False))


def database_path(data_dir: Path) -> Path:
    return data_dir / "till.sqlite"


def config_path(data_dir: Path) -> Path:
    return data_dir / "config.toml"
