"""Card terminal drivers (Concert V2 over serial). Import submodules directly."""

from __future__ import annotations


def _concert(uri: str, **options):
    from hardware.terminals.concert import ConcertTerminal

    return ConcertTerminal(uri, **options)


def register_drivers(registry) -> None:
    """Register the Concert V2 driver as ``terminal`` for serial-like URIs."""
    for scheme in ("serial", "socket"):
        registry.register(
            "terminal", scheme, _concert, description="Concert V2 card terminal (pyserial)"
        )
