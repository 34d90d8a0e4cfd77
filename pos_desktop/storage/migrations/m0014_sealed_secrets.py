"""0014: no secret in clear in the database.

POS API keys were kept in clear next to their hash (to sign callbacks) and so was the cloud
token: both are sealed now with the data dir's key (``pos_desktop.storage.secrets``: the OS
keyring, or a 0600 key file). Logins still use the keys' SHA-256 hashes. The same sealing also
runs at every start, for databases that were past this version when it arrived.
"""

VERSION = 14


def upgrade(db) -> None:
    from pos_desktop.storage.secrets import seal_clear_secrets

    seal_clear_secrets(db)
