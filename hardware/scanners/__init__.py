"""Scanner drivers: serial scanners and the pure keyboard-wedge burst parser."""
