"""The device settings ``pos-hw`` reads from a till's ``config.toml`` (``--data-dir``).

The till's own config module owns that file and checks it fully; ``hardware`` may not import
the till, so this reads only the device URIs and printer options, leniently: a value that is
missing or of the wrong type is simply not used, and the command line still wins.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from hardware.base import DeviceError

CONFIG_NAME = "config.toml"

# option on the command line -> (section, key) in config.toml
SOURCES = {
    "printer": ("printer", "uri"),
    "profile": ("printer", "profile"),
    "code_page": ("printer", "code_page"),
    "pin": ("drawer", "pin"),
    "on_ms": ("drawer", "on_ms"),
    "off_ms": ("drawer", "off_ms"),
    "terminal": ("terminal", "uri"),
    "pos_number": ("terminal", "pos_number"),
    "scanner": ("scanner", "serial_uri"),
    "scale": ("scale", "uri"),
}


def read_device_settings(data_dir: str | Path) -> dict[str, object]:
    """The device options found in ``data_dir/config.toml``, keyed like the CLI options.

    Raises:
        DeviceError: the folder has no config.toml, or it is not valid TOML.
    """
    path = Path(data_dir) / CONFIG_NAME
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DeviceError(
            f"{path} does not exist: give the till's data dir, or the device with its option."
        ) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise DeviceError(f"{path} cannot be read: {err}") from None
    found: dict[str, object] = {}
    for option, (section, key) in SOURCES.items():
        table = raw.get(section)
        if isinstance(table, dict) and table.get(key) is not None:
            found[option] = table[key]
    return found


def fill_from_config(args, options: tuple[str, ...]) -> None:
    """Set each of ``options`` still unset on ``args`` from ``args.data_dir``'s config.toml.

    Raises:
        DeviceError: a device option is neither given nor configured (says what to do).
    """
    data_dir = getattr(args, "data_dir", None)
    missing = [o for o in options if getattr(args, o, None) is None]
    if missing and data_dir:
        settings = read_device_settings(data_dir)
        for option in missing:
            if option in settings:
                setattr(args, option, settings[option])
    device = options[0]  # the first option names the device itself
    if getattr(args, device, None) is None:
        where = f"{Path(data_dir) / CONFIG_NAME} has no {SOURCES[device][0]}" if data_dir else ""
        hint = f" ({where})" if where else ""
        raise DeviceError(
            f"Which {device}? Give --{device} URI, or --data-dir DIR of a till that has one "
            f"configured{hint}."
        )
