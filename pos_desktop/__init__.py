"""Countertop POS till."""
