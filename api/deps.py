"""Dependencies shared by the routers: services, as-of parsing, preconditions and
the command runner that gives every write the same behaviour."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import AfterValidator
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from api.actor import Actor
from api.errors import BadRequest
from api.read_model_status import not_yet_visible
from domain.application import CommandContext, Receipt, RequestKey
from domain.errors import ConcurrentChange, IdempotencyKeyReused
from domain.request import request_id_for
from domain.values import CONTROL_CHARACTERS, EARLIEST_DAY, LATEST_DAY
from projections import history
from services.bootstrap import Services
from services.logging import get_logger
from services.response_cache import KEY_MAX, CachedResponse, fingerprint

log = get_logger("kipina.commands")


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


# ---- reads ---------------------------------------------------------------------


@dataclass(frozen=True)
class AsOf:
    """A recorded-time view: `position` None means "now"."""

    moment: datetime | None
    position: int | None


def read_view(
    services: ServicesDep,
    as_of: Annotated[
        datetime | None,
        Query(
            description="Show the state as Kipinä knew it at this moment "
            "(ISO 8601 with offset, e.g. 2019-04-11T09:00:00+03:00)."
        ),
    ] = None,
) -> AsOf:
    # Catch up first: another process may have recorded events (read-your-writes across workers).
    services.projector.catch_up()
    if as_of is None:
        return AsOf(None, None)
    if as_of.tzinfo is None:
        raise BadRequest(
            "as_of needs a time zone offset, e.g. 2019-04-11T09:00:00+03:00 or 2019-04-11T06:00:00Z."
        )
    try:
        as_of.astimezone(UTC)  # stored times are UTC; 0001-01-01T00:00+03:00 has no UTC value
    except OverflowError:
        detail = f"as_of {as_of.isoformat()} is outside the range of times Kipinä can show."
        raise BadRequest(detail) from None
    with services.projector.engine.connect() as conn:
        return AsOf(as_of, history.position_at(conn, as_of))


View = Annotated[AsOf, Depends(read_view)]


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(value: str | None) -> int | None:
    if value is None or value.strip() == "*":
        return None
    text = value.strip().removeprefix("W/").strip('"')
    # isascii(): str.isdigit() also takes "²" and other scripts' digits, which int() refuses.
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise BadRequest(f'If-Match must be the ETag you received, such as "3"; got {value!r}.')
    return int(text)


# ---- writes --------------------------------------------------------------------


_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]+")


class CommandRunner:
    """Runs one command for one request: idempotent replay, If-Match, catch-up
    (so the response and the client's next read agree), logging, response caching."""

    def __init__(self, services: Services, request: Request, actor: UUID, body: bytes) -> None:
        self.services = services
        self.request = request
        key = request.headers.get("Idempotency-Key")
        if key is not None and not 0 < len(key.strip()) <= KEY_MAX:
            raise BadRequest(f"Idempotency-Key must be 1 to {KEY_MAX} characters.")
        # Visible ASCII only: the key is stored and logged, and a NUL or control character in
        # it would reach the store (PostgreSQL refuses NUL) and the logs.
        if key is not None and not _VISIBLE_ASCII.fullmatch(key.strip()):
            raise BadRequest(
                "Idempotency-Key may hold only visible ASCII characters (letters, digits and "
                "punctuation, no spaces or control characters), such as a UUID."
            )
        request_key = (
            RequestKey(key.strip(), fingerprint(request.method, request.url.path, body))
            if key is not None
            else None
        )
        self.ctx = CommandContext(
            actor=actor,
            expected_version=parse_if_match(request.headers.get("If-Match")),
            request_key=request_key,
        )

    def run(
        self,
        command: Callable[[CommandContext], Receipt],
        render: Callable[[Connection, UUID], dict[str, Any]],
        *,
        created: bool = False,
        location: Callable[[UUID], str] | None = None,
    ) -> Response:
        cached = self._cached_response()
        if cached is not None:
            return cached
        receipt = command(self.ctx)
        projector = self.services.projector
        visible = True
        if receipt.positions:
            projector.catch_up(up_to=receipt.last_position)
            log.info(
                "command",
                record_id=str(receipt.record_id),
                event_types=receipt.event_types,
                version=receipt.version,
                position=receipt.last_position,
            )
            visible = projector.shows(receipt.last_position or 0)
        elif receipt.replayed:
            # The first request may still be catching up (a concurrent retry lost the race
            # on the key) or may have died before it did: render only after the record is in.
            projector.catch_up()
            visible = not projector.status().behind
        if not visible:
            # Recorded, but the views are behind (an event failed, they are ahead of the log, or
            # the start-up catch-up runs): 202, not cached, so a retry with the same key is
            # answered from the views once they show the change.
            headers = {"ETag": etag(receipt.version)}
            if location is not None:
                headers["Location"] = location(receipt.record_id)
            return not_yet_visible(
                receipt.record_id, receipt.version, receipt.last_position, projector.status(), headers
            )
        with self.services.projector.engine.connect() as conn:
            body = render(conn, receipt.record_id)
        headers = {"ETag": etag(int(body.get("version", receipt.version)))}
        if location is not None:
            headers["Location"] = location(receipt.record_id)
        status = 201 if created else 200
        if self.ctx.request_key is not None and not receipt.replayed:
            self.services.responses.put(
                self._request_id(),
                CachedResponse(self.ctx.request_key.fingerprint, status, headers, body),
            )
        return JSONResponse(body, status_code=status, headers=headers)

    def run_registry(
        self,
        write: Callable[[Connection], UUID],
        render: Callable[[Connection, UUID], dict[str, Any] | None],
        *,
        created: bool = False,
        location: Callable[[UUID], str] | None = None,
    ) -> Response:
        """The same contract for the people registry, which is plain SQL, not events:
        the write and its cached response commit in one transaction."""
        cached = self._cached_response()
        if cached is not None:
            return cached
        try:
            with self.services.projector.engine.begin() as conn:
                record_id = write(conn)
                body = render(conn, record_id)
                status = 204 if body is None else (201 if created else 200)
                headers = {} if body is None else {"ETag": etag(int(body["version"]))}
                if location is not None:
                    headers["Location"] = location(record_id)
                if self.ctx.request_key is not None:
                    self.services.responses.put_in(
                        conn,
                        self._request_id(),
                        CachedResponse(self.ctx.request_key.fingerprint, status, headers, body),
                    )
        except IntegrityError:
            cached = self._cached_response()
            if cached is not None:
                return cached
            raise ConcurrentChange("Someone else changed this person at the same moment.") from None
        if body is None:
            return Response(status_code=status, headers=headers)
        return JSONResponse(body, status_code=status, headers=headers)

    def _request_id(self) -> UUID:
        assert self.ctx.request_key is not None
        return request_id_for(self.ctx.actor, self.ctx.request_key.key)

    def _cached_response(self) -> Response | None:
        if self.ctx.request_key is None:
            return None
        cached = self.services.responses.get(self._request_id())
        if cached is None:
            return None
        if cached.fingerprint != self.ctx.request_key.fingerprint:
            raise IdempotencyKeyReused()
        headers = {**cached.headers, "Idempotent-Replayed": "true"}
        if cached.body is None:
            return Response(status_code=cached.status_code, headers=headers)
        return JSONResponse(cached.body, status_code=cached.status_code, headers=headers)


async def command_runner(request: Request, services: ServicesDep, actor: Actor) -> CommandRunner:
    return CommandRunner(services, request, actor, await request.body())


Commands = Annotated[CommandRunner, Depends(command_runner)]


def _printable_query(value: str | None) -> str | None:
    if value is None:
        return None
    if CONTROL_CHARACTERS.search(value):
        raise ValueError("must not contain control characters such as NUL")
    # The domain stores text NFC-normalised, so a search typed with a decomposed "ä" (as some
    # keyboards and macOS file names send it) must be composed too to find it.
    return unicodedata.normalize("NFC", value)


# For free-text query parameters: PostgreSQL refuses NUL in a text parameter.
PrintableQuery = AfterValidator(_printable_query)


def _plausible_day(value: date | None) -> date | None:
    if value is not None and not EARLIEST_DAY <= value <= LATEST_DAY:
        raise ValueError(
            f"must be a day from {EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()}, "
            "the days Kipinä's records can be about"
        )
    return value


# For day query parameters (windows, ranges): the days a record can be about, so a window
# of year 1 to 9999 neither overflows the calendar's arithmetic nor draws 120,000 months.
PlausibleDay = AfterValidator(_plausible_day)


def page_limit() -> Any:
    return Query(50, ge=1, le=500, description="Page size (1–500)")
