"""Responses to requests that carried an Idempotency-Key, so a retry gets the
first response back byte for byte.

The *guarantee* that a retry records nothing new comes from the write side
(`domain.request.AppliedRequest`, saved atomically with the command's events).
This cache only makes the replayed response identical; if the process died
between saving the events and caching the response, the retry is answered
from the record's current state instead.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Column, Connection, Engine, Integer, String, Table, select
from sqlalchemy.exc import IntegrityError

from api.people_registry import registry_metadata
from projections.tables import UTCDateTime

KEY_MAX = 200

responses = Table(
    "idempotent_responses",
    registry_metadata,
    Column("request_id", String(36), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("headers", JSON, nullable=False),
    Column("body", JSON),
    Column("created_at", UTCDateTime, nullable=False),
)


def fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@dataclass(frozen=True)
class CachedResponse:
    fingerprint: str
    status_code: int
    headers: dict[str, str]
    body: Any


class ResponseCache:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, request_id: UUID) -> CachedResponse | None:
        with self.engine.connect() as conn:
            return self.get_in(conn, request_id)

    def get_in(self, conn: Connection, request_id: UUID) -> CachedResponse | None:
        row = (
            conn.execute(select(responses).where(responses.c.request_id == str(request_id)))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return CachedResponse(row["fingerprint"], row["status_code"], row["headers"], row["body"])

    def put(self, request_id: UUID, response: CachedResponse) -> None:
        try:
            with self.engine.begin() as conn:
                self.put_in(conn, request_id, response)
        except IntegrityError:
            pass  # a concurrent retry cached the same response first

    def put_in(self, conn: Connection, request_id: UUID, response: CachedResponse) -> None:
        conn.execute(
            responses.insert().values(
                request_id=str(request_id),
                fingerprint=response.fingerprint,
                status_code=response.status_code,
                headers=response.headers,
                body=response.body,
                created_at=datetime.now(UTC),
            )
        )
