"""Scale drivers (Mettler-Toledo 8217). Import submodules directly."""

from __future__ import annotations


def _toledo(uri: str, **options):
    from hardware.scales.toledo8217 import Toledo8217Scale

    return Toledo8217Scale(uri, **options)


def register_drivers(registry) -> None:
    """Register the 8217 driver as ``scale`` for serial-like URIs."""
    for scheme in ("serial", "socket"):
        registry.register("scale", scheme, _toledo, description="Mettler-Toledo 8217 (pyserial)")
