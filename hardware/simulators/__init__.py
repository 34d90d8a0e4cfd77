"""Device simulators speaking the real bytes over loopback TCP or pty pairs."""
