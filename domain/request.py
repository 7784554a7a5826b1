"""A client's request that was applied once, so a retry with the same
Idempotency-Key records nothing new.

It is saved in the same `save()` as the command's own events, so the key and
the change are stored atomically: either both are in the store or neither is.
Two concurrent requests with one key conflict on this aggregate's version 1.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.recorded import RecordedEvent

_NAMESPACE = uuid5(NAMESPACE_URL, "https://kipina.invalid/idempotency-key")


def request_id_for(actor: UUID, key: str) -> UUID:
    """Keys are scoped per actor: two people may pick the same key."""
    return uuid5(_NAMESPACE, f"{actor}:{key}")


class AppliedRequest(Aggregate):
    TOPIC = "kipina:AppliedRequest"

    fingerprint: str
    record_id: UUID
    record_version: int

    def __init__(self) -> None:
        """State is set by the created event's `apply`, the same way on replay."""

    class Event(RecordedEvent):
        pass

    class Applied(Event, Aggregate.Created):
        TOPIC = "kipina:AppliedRequest.Applied"
        fingerprint: str
        record_id: UUID
        record_version: int

        def apply(self, aggregate: AppliedRequest) -> None:
            aggregate.fingerprint = self.fingerprint
            aggregate.record_id = self.record_id
            aggregate.record_version = self.record_version

    # eventsourcing defines a "Created" class on every aggregate that lacks one;
    # naming ours keeps all recorded topics explicit.
    Created = Applied

    @classmethod
    def record(
        cls, *, actor: UUID, key: str, fingerprint: str, record_id: UUID, record_version: int
    ) -> AppliedRequest:
        return cls._create(
            cls.Applied,
            id=request_id_for(actor, key),
            actor=actor,
            occurred_on=None,
            fingerprint=fingerprint,
            record_id=record_id,
            record_version=record_version,
        )
