"""Engines for the read-model database: SQLite file or PostgreSQL, same tables."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, create_engine, event


def _json(value: Any) -> str:
    # UTF-8 as it is, not \u escapes: an escaped astral character ("\ud835\udd18") is 12 bytes
    # where UTF-8 needs 4, and "ä" 6 where it needs 2. JSON columns hold lists of user text
    # (goals, themes, a good practice's fields), so this is up to a third of what they write.
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (the domain refuses them now): escaped, it still stores
        return json.dumps(value)
    return text


def make_engine(url: str) -> Engine:
    # hide_parameters: error messages (and so logged tracebacks) never quote row values,
    # which can be personal data.
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,
            json_serializer=_json,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Bulk writes go through psycopg's pipelined executemany; multi-row VALUES was measured
    # slower (psycopg's conversion of very long statements costs more than the round trips).
    return create_engine(
        url, pool_size=10, max_overflow=20, pool_pre_ping=True, hide_parameters=True, json_serializer=_json
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run while the projector writes; a crash keeps committed batches.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    # SQLite's lower() folds only ASCII, so a case-insensitive search for "äijälä" would miss
    # "Äijälä". Like the ICU extension, replace it with a Unicode-aware one (PostgreSQL's
    # lower() already is).
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value
