"""Adapters from the `hardware` drivers to the services' ports, each on its device thread."""
