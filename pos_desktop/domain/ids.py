"""Identifiers made on the till: every sale, line, payment and event gets a UUID here."""

import uuid


def new_id() -> str:
    """A new random UUID as text (the form stored in the db and sent on the wire)."""
    return str(uuid.uuid4())
