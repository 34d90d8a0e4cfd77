"""Import python-escpos without its process-wide side effects.

python-escpos 3.1 calls ``logging.basicConfig()`` at import (a stderr handler on the root
logger), creates a fresh temp dir per process for its capabilities pickle, and its transports
log through the root logger (which calls ``basicConfig`` again when the root has no handler).
We point the pickle at one cache dir, swallow import-time prints and undo root-handler changes.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache


def _pickle_dir() -> str:
    try:
        import platformdirs

        base = platformdirs.user_cache_dir("countertop-pos")
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        base = tempfile.gettempdir()
    path = os.path.join(base, "escpos")
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        path = tempfile.gettempdir()
    return path


@contextlib.contextmanager
def quiet_root_logger() -> Iterator[None]:
    """Undo any handler the wrapped code adds to the root logger."""
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if handler not in before:
                root.removeHandler(handler)


@cache
def escpos_modules():
    """Import and return ``(escpos.escpos, escpos.printer, escpos.capabilities)`` quietly."""
    os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", _pickle_dir())
    with quiet_root_logger(), contextlib.redirect_stdout(io.StringIO()):
        import escpos.capabilities as capabilities
        import escpos.escpos as core
        import escpos.printer as printer
    return core, printer, capabilities


def profile_columns(name: str | None) -> int:
    """Font A columns of a python-escpos profile; 48 (80 mm, 203 dpi) when no profile is named.

    Raises:
        ValueError: The profile is unknown; the message lists some valid names.
    """
    if not name:
        return 48
    _core, _printer, capabilities = escpos_modules()
    profiles = capabilities.CAPABILITIES["profiles"]
    if name not in profiles:
        raise ValueError(
            f"Printer profile {name!r} is unknown; use e.g. TM-T20II (48 columns), "
            "TM-T88V (42) or POS-5890 (32)."
        )
    columns = profiles[name].get("fonts", {}).get("0", {}).get("columns")
    return int(columns) if columns else 48


@dataclass(frozen=True)
class PrinterModel:
    """A receipt printer a person can pick: the python-escpos profile and its paper.

    Attributes:
        profile: the python-escpos profile name (None: generic 80 mm, 48 columns).
        label: vendor and model as shown in a list.
        columns: characters per line in the normal font.
        paper_mm: paper width in mm when the profile knows it.
    """

    profile: str | None
    label: str
    columns: int
    paper_mm: float | None = None


GENERIC_MODELS = (
    PrinterModel(None, "Generic ESC/POS printer, 80 mm paper", 48, 80),
    PrinterModel("POS-5890", "Generic ESC/POS printer, 58 mm paper", 32, 57.5),
)


def printer_models() -> list[PrinterModel]:
    """Generic 80/58 mm first, then every receipt-printer profile python-escpos ships
    (customer displays left out), by vendor and model."""
    _core, _printer, capabilities = escpos_modules()
    found = []
    for name, data in capabilities.CAPABILITIES["profiles"].items():
        model = str(data.get("name") or name)
        if name in ("default", "simple") or "display" in model.lower():
            continue
        columns = data.get("fonts", {}).get("0", {}).get("columns") or 48
        mm = data.get("media", {}).get("width", {}).get("mm")
        label = f"{data.get('vendor') or 'Generic'} {model}"
        paper = mm if isinstance(mm, int | float) else None
        found.append(PrinterModel(name, label, int(columns), paper))
    return [*GENERIC_MODELS, *sorted(found, key=lambda m: m.label.lower())]
