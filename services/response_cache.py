"""Responses to requests that carried an Idempotency-Key, so a retry gets the
first response back byte for byte.

The *guarantee* that a retry records nothing new comes from the write side
(`domain.request.AppliedRequest`, saved atomically with the command's events).
This cache only makes the replayed response identical; if the process died
between saving the events and caching the response, the retry is answered
from the record's current state instead.

Cached responses are kept for a stated time (24 hours by default, like the
payment APIs that made the header common); after that a retry is a new request.
A cached response can name people, so erasing a person replaces every cached
response that mentions them with a 410 that says so: the replay stays a replay
(it records nothing), but it no longer returns the erased name.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Engine,
    Index,
    Integer,
    String,
    Table,
    Text,
    cast,
    delete,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from projections.tables import UTCDateTime
from services.people_registry import registry_metadata

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
# Expired responses are deleted along this index.
created_index = Index("ix_idempotent_responses_created_at", responses.c.created_at)

ERASED_TYPE = "https://kipina.invalid/problems/erased-person"


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
    def __init__(self, engine: Engine, *, keep_for: timedelta = timedelta(hours=24)) -> None:
        self.engine = engine
        self.keep_for = keep_for

    def setup(self) -> None:
        """The table comes with the registry's metadata; its index was added later, so
        it is made here for stores whose table already existed."""
        created_index.create(self.engine, checkfirst=True)

    def get(self, request_id: UUID) -> CachedResponse | None:
        with self.engine.connect() as conn:
            return self.get_in(conn, request_id)

    def get_in(self, conn: Connection, request_id: UUID) -> CachedResponse | None:
        row = (
            conn.execute(
                select(responses).where(
                    responses.c.request_id == str(request_id), responses.c.created_at >= self._oldest_kept()
                )
            )
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
        # Expired responses go before a new one comes in: this keeps the table to about a
        # day of writes, and frees the id of an expired response to the same key.
        conn.execute(delete(responses).where(responses.c.created_at < self._oldest_kept()))
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

    def forget_person(self, conn: Connection, person_id: UUID) -> None:
        """An erasure hook: no cached response keeps the person's name or e-mail.

        Responses name people by id next to their name, so the id finds every one. The
        row stays, as a 410, so a retry with its key is still answered, not run again."""
        mentions = cast(responses.c.body, Text).contains(str(person_id), autoescape=True)
        conn.execute(
            update(responses)
            .where(mentions)
            .values(
                status_code=410,
                headers={"Content-Type": "application/problem+json"},
                body={
                    "type": ERASED_TYPE,
                    "title": "Erased person",
                    "status": 410,
                    "detail": "This request was already carried out. Its response named a person "
                    "who has since been erased, so it is no longer kept.",
                },
            )
        )

    def _oldest_kept(self) -> datetime:
        return datetime.now(UTC) - self.keep_for
