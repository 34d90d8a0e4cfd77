"""0014: no secret in clear in the database.

POS API keys were kept in clear next to their hash (to sign callbacks) and so was the cloud
token: both are sealed now with the data dir's key (``pos_desktop.storage.secrets``: the OS
keyring, or a 0600 key file). Logins still use the keys' SHA-256 hashes.
"""

from pathlib import Path

VERSION = 14


def upgrade(db) -> None:
    from pos_desktop.storage.secrets import SecretBox, is_sealed

    path = getattr(db, "database", ":memory:")
    if not path or path == ":memory:":
        return
    box = SecretBox.for_data_dir(Path(path).parent)
    for app_id, key in db.execute_sql(
        "SELECT id, signing_key FROM api_app WHERE signing_key IS NOT NULL"
    ).fetchall():
        if not is_sealed(key):
            db.execute_sql(
                "UPDATE api_app SET signing_key = ? WHERE id = ?", (box.seal(key), app_id)
            )
    for (token,) in db.execute_sql(
        "SELECT token FROM sync_state WHERE token IS NOT NULL"
    ).fetchall():
        if not is_sealed(token):
            db.execute_sql("UPDATE sync_state SET token = ? WHERE id = 1", (box.seal(token),))
