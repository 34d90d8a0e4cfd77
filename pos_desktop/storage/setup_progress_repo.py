"""The answers of an unfinished first-run setup, page by page (JSON values)."""

from __future__ import annotations

import json

from peewee import SqliteDatabase


def load_progress(db: SqliteDatabase) -> dict[str, dict]:
    """Every saved page's answers, by page key; empty when setup never started or finished."""
    rows = db.execute_sql("SELECT key, value FROM setup_progress").fetchall()
    return {key: json.loads(value) for key, value in rows}


def save_page(db: SqliteDatabase, key: str, answers: dict) -> None:
    with db.atomic():
        db.execute_sql(
            "INSERT INTO setup_progress (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(answers, ensure_ascii=False)),
        )


def clear_progress(db: SqliteDatabase) -> None:
    with db.atomic():
        db.execute_sql("DELETE FROM setup_progress")
