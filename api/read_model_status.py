"""Saying so when the views are behind the event log.

The read models can be behind for three reasons (`projections.projector.Status`):
the start-up catch-up is still running, an event could not be applied (the
projector keeps serving the last good state), or the read models are ahead of
the log (restored from another moment). While any of these holds:

* every response carries `X-Kipina-Views-Behind: <position the views show>`,
  `X-Kipina-Views-Behind-Since: <ISO time>` and `X-Kipina-Views-State`
  (`catching-up`, `failed` or `ahead`);
* every page shows a banner (base.html calls `views_notice()`);
* a JSON command that was recorded but is not shown yet answers 202 (`not_yet_visible`).
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from projections.projector import Projector, Status

HEADER = "X-Kipina-Views-Behind"
SINCE_HEADER = "X-Kipina-Views-Behind-Since"
STATE_HEADER = "X-Kipina-Views-State"

# The projector of the request being answered, for the page layout's banner (error pages too,
# which are rendered without a `Page`).
_projector: ContextVar[Projector | None] = ContextVar("kipina_projector", default=None)


def install(app: FastAPI) -> None:
    app.add_middleware(ViewsBehindHeaders)
    _document_202(app)


def _document_202(app: FastAPI) -> None:
    """Every event-sourced JSON command may answer 202; say so in the OpenAPI document
    (the people registry is plain SQL and always answers at once)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        for path, operations in schema.get("paths", {}).items():
            if not path.startswith("/api/") or path.startswith("/api/people"):
                continue
            for method, operation in operations.items():
                answers = operation.get("responses", {})
                if method in ("post", "put", "patch") and ("200" in answers or "201" in answers):
                    answers.setdefault("202", ACCEPTED_RESPONSE)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


ACCEPTED_RESPONSE: dict[str, Any] = {
    "description": "Recorded, but the views do not show it yet (an event could not be applied, "
    "the read models are ahead of the event store, or the start-up catch-up is running). "
    "The body says at which position; the change shows once the views have caught up.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["status", "visible", "id", "version", "position", "views_position", "detail"],
                "properties": {
                    "status": {"type": "string", "enum": ["recorded"]},
                    "visible": {"type": "boolean", "enum": [False]},
                    "id": {"type": "string", "format": "uuid"},
                    "version": {"type": "integer"},
                    "position": {"type": ["integer", "null"]},
                    "views_position": {"type": "integer"},
                    "detail": {"type": "string"},
                },
            }
        }
    },
}


def state(status: Status) -> str:
    if status.fault is not None:
        return status.fault.kind
    return "catching-up"


class ViewsBehindHeaders:
    """Plain ASGI (no extra task per request): adds the headers as the response starts."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        services = getattr(scope["app"].state, "services", None)
        projector: Projector | None = services.projector if services is not None else None
        token = _projector.set(projector)

        async def send_with_status(message: Message) -> None:
            if message["type"] == "http.response.start" and projector is not None:
                status = projector.status()
                if status.behind:
                    headers = list(message.get("headers", []))
                    headers.append((HEADER.lower().encode(), str(status.applied).encode()))
                    if status.since is not None:
                        headers.append((SINCE_HEADER.lower().encode(), status.since.isoformat().encode()))
                    headers.append((STATE_HEADER.lower().encode(), state(status).encode()))
                    message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            _projector.reset(token)


@dataclass(frozen=True)
class Notice:
    """What the page banner says."""

    state: str  # catching-up, failed or ahead
    applied: int
    since: datetime | None


def views_notice() -> Notice | None:
    """For base.html: the banner's content, or None when the views are up to date."""
    projector = _projector.get()
    if projector is None:
        return None
    status = projector.status()
    if not status.behind:
        return None
    return Notice(state(status), status.applied, status.since)


def not_yet_visible(
    record_id: UUID,
    version: int,
    position: int | None,
    shown: Status,
    headers: dict[str, str],
) -> JSONResponse:
    """202 Accepted: the command is in the event store, but the views do not show it yet."""
    where = f"at position {position}" if position is not None else "earlier"
    body: dict[str, Any] = {
        "status": "recorded",
        "visible": False,
        "id": str(record_id),
        "version": version,
        "position": position,
        "views_position": shown.applied,
        "detail": (
            f"The change was recorded {where}, but it is not visible yet: the views show the "
            f"state as of position {shown.applied}. It will show once they have caught up."
        ),
    }
    return JSONResponse(body, status_code=202, headers=headers)
