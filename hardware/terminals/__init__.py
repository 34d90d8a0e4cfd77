"""Card terminal drivers (Concert V2 over serial). Import submodules directly."""
