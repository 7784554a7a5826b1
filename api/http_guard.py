"""The HTTP edge: what a request must be before any route sees it.

One small pure-ASGI middleware per concern, put in order by `install`:

* `AllowedHosts` – the Host header names this server (400), so a web page cannot reach a
  local instance through DNS rebinding.
* `HeadSize` – a request target over `max_url_bytes` (414), headers over `max_header_bytes` (431).
* `HeadAsGet` – HEAD answers wherever GET does, without the body.
* `AllowHeader` – a 405 names every method the path accepts.
* `JsonCommands` – commands under /api/ come as JSON (or the CSV import's types), so a plain
  cross-site form, which can only send form or text types, cannot reach the JSON API (415).
* `SameSiteCommands` – a command a browser sends from another site's page (its `Origin`
  names a host this server does not answer to) is refused (403).
* `BodyLimits` – a body over the limit is refused before it is read in full (413), a body
  that does not arrive in time gets 408; the route then reads the body from a buffer.
* `StrictJson` – JSON bodies are UTF-8, without duplicate keys, NaN or lone surrogates (400).

`server_config` gives uvicorn the matching limits and a deadline for a request's head, which
uvicorn's HTTP/1.1 protocol does not have. Every refusal is problem+json, except that
people on the pages get the HTML error page for a too large or too slow request. Nothing
is recorded for a refused request: no route has run.
"""

from __future__ import annotations

import asyncio
import codecs
import io
import json
import re
import tempfile
from collections.abc import Iterable
from typing import IO, Any
from urllib.parse import urlsplit

import h11
import uvicorn
from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from api.errors import problem
from api.pages.errors import error_page, is_api_path
from services.settings import Settings

COMMANDS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The documented CSV imports (api/routes/change_day.py, api/pages/campaigns.py, and the same
# for initiatives, api/routes/initiative_import.py, api/pages/initiative_import.py): the only
# bodies allowed past `max_body_bytes`, and the only API commands that are not JSON.
IMPORT_PATHS = re.compile(
    r"^/(api/campaigns/[^/]+/actions|campaigns/[^/]+|api/initiatives|initiatives)/import$"
)
IMPORT_TYPES = frozenset({"text/csv", "multipart/form-data"})
_CHUNK = 1 << 16


def install(app: FastAPI, settings: Settings) -> None:
    """Add the guards; Starlette makes the last one added the outermost."""
    app.add_middleware(StrictJson)
    app.add_middleware(BodyLimits, settings=settings)
    app.add_middleware(SameSiteCommands, settings=settings)
    app.add_middleware(JsonCommands)
    app.add_middleware(AllowHeader)
    app.add_middleware(HeadAsGet)
    app.add_middleware(HeadSize, settings=settings)
    app.add_middleware(AllowedHosts, settings=settings)


# ---- Host ------------------------------------------------------------------------------------

_HOST = re.compile(r"^(\[[0-9a-f:.]+\]|[^:\[\]]+)(:\d{1,5})?$")


class AllowedHosts:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.names = settings.host_names()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.names is None or host_name(scope) in self.names:
            await self.app(scope, receive, send)
            return
        await problem(
            400,
            "unknown-host",
            "Unknown host name",
            "This server does not answer to the host name in the request. If it is the right "
            "address, the administrator can add it to KIPINA_PUBLIC_URL or KIPINA_ALLOWED_HOSTS.",
        )(scope, receive, send)


def host_name(scope: Scope) -> str | None:
    """The Host header's name, lower case, without port or trailing dot; None if unreadable."""
    raw = header(scope, b"host")
    match = _HOST.match(raw.decode("latin-1").strip().lower()) if raw else None
    return match.group(1).rstrip(".") if match else None


# ---- the request head --------------------------------------------------------------------------


class HeadSize:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.max_url = settings.max_url_bytes
        self.max_headers = settings.max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        elif len(scope.get("raw_path", b"")) + len(scope["query_string"]) + 1 > self.max_url:
            await refuse(
                scope,
                send,
                414,
                "url-too-long",
                "Address too long",
                f"The address is longer than {self.max_url} bytes. Send long values in a JSON body.",
            )
        elif sum(len(name) + len(value) + 4 for name, value in scope["headers"]) > self.max_headers:
            await refuse(
                scope,
                send,
                431,
                "headers-too-large",
                "Headers too large",
                f"The request's headers are larger than {self.max_headers} bytes together. "
                "Clear the site's cookies or send fewer headers.",
            )
        else:
            await self.app(scope, receive, send)


class HeadAsGet:
    """HEAD is GET without the body (RFC 9110 9.3.2), so it works wherever GET does."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] != "http.response.body":
                await send(message)  # the headers, Content-Length as for GET
            elif not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app({**scope, "method": "GET"}, receive, without_body)


class AllowHeader:
    """A 405 names every method the path accepts, across all routes with that path;
    Starlette's names only the first route's."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                methods = allowed_methods(scope["app"].routes, scope["path"])
                if methods:  # else a mount (static files) answered, with its own Allow
                    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
                    headers.append((b"allow", ", ".join(methods).encode("latin-1")))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_allow)


def allowed_methods(routes: Iterable[BaseRoute], path: str) -> list[str]:
    """Asks each route, through the routing's own `matches`, which methods it takes here."""
    allowed = set()
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        for route in routes:
            probe: Scope = {"type": "http", "path": path, "root_path": "", "method": method, "headers": []}
            if not isinstance(route, Mount) and route.matches(probe)[0] is Match.FULL:
                allowed.add(method)
                break
    if "GET" in allowed:
        allowed.add("HEAD")
    return sorted(allowed)


# ---- commands are JSON ---------------------------------------------------------------------------


class JsonCommands:
    """A browser sends a cross-site form (or a no-CORS fetch) only as form data, multipart or
    text/plain; requiring JSON for /api commands keeps those out, body or no body. A command
    with no body and no Content-Type (e.g. `POST .../plan`) is fine: no form sends that."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in COMMANDS or self.accepts(scope):
            await self.app(scope, receive, send)
        else:
            await refuse(
                scope,
                send,
                415,
                "unsupported-media-type",
                "Send JSON",
                "The API takes commands as JSON: send Content-Type: application/json with a JSON "
                "body, or no body and no Content-Type for a command that needs none.",
            )

    @staticmethod
    def accepts(scope: Scope) -> bool:
        if not scope["path"].startswith("/api/"):
            return True  # pages: their forms carry an anti-forgery token instead
        media = media_type(scope)
        if media == "":
            return not has_body(scope)
        return is_json(media) or (media in IMPORT_TYPES and IMPORT_PATHS.match(scope["path"]) is not None)


class SameSiteCommands:
    """A browser names the page's site in `Origin` on every command it sends; one from another
    site's page is refused (403). This also covers the CSV import's multipart upload, which a
    plain cross-site form could send. Programs that send no Origin are not affected."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.names = settings.host_names()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = header(scope, b"origin") if scope["type"] == "http" else None
        if (
            origin is None
            or scope["method"] not in COMMANDS
            or not scope["path"].startswith("/api/")
            or self.same_site(origin.decode("latin-1"), scope)
        ):
            await self.app(scope, receive, send)
            return
        await refuse(
            scope,
            send,
            403,
            "cross-site",
            "Sent from another site",
            "The API does not take commands sent by another site's page. Use Kipinä's own pages, "
            "or send the request from a program, without an Origin header.",
        )

    def same_site(self, origin: str, scope: Scope) -> bool:
        try:
            name = urlsplit(origin.strip()).hostname  # None for "null" (sandboxed pages, files)
        except ValueError:
            return False
        if not name:
            return False
        name = f"[{name}]" if ":" in name else name
        return name == host_name(scope) if self.names is None else name in self.names


def is_json(media: str) -> bool:
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


# ---- the body ------------------------------------------------------------------------------------


class TooLarge(Exception):
    pass


class ClientGone(Exception):
    pass


class BodyLimits:
    """Reads the whole body before the route runs, counting bytes as they arrive, so a body
    over the limit is refused as soon as it passes it (or at once, by its Content-Length)
    and a slow one when `body_timeout` runs out; neither ties up a route. Bodies over 1 MiB
    wait in a temporary file."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.limit = settings.max_body_bytes
        self.import_limit = settings.max_import_bytes
        self.timeout = settings.body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not has_body(scope):
            await self.app(scope, receive, send)
            return
        importing = scope["method"] == "POST" and IMPORT_PATHS.match(scope["path"]) is not None
        limit = self.import_limit if importing else self.limit
        try:
            declared = int(header(scope, b"content-length") or 0)
            if declared > limit:
                raise TooLarge
            spool = await asyncio.wait_for(read_body(receive, limit), self.timeout)
        except TooLarge:
            await refuse(
                scope,
                send,
                413,
                "body-too-large",
                "Request too large",
                f"The request body is larger than the {limit // 1024} KiB this address takes.",
                close=True,
            )
            return
        except TimeoutError:
            await refuse(
                scope,
                send,
                408,
                "request-timeout",
                "Request too slow",
                f"The request body did not arrive within {self.timeout:g} seconds. Please try again.",
                close=True,
            )
            return
        except ClientGone:
            return  # nobody is left to answer
        with spool:
            await self.app(scope, replay(spool, receive), send)


async def read_body(receive: Receive, limit: int) -> IO[bytes]:
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=1 << 20)  # noqa: SIM115 - returned
    size = 0
    try:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise TooLarge
            spool.write(chunk)
            if not message.get("more_body", False):
                spool.seek(0)
                return spool
    except BaseException:
        spool.close()
        raise


def replay(spool: IO[bytes], receive: Receive) -> Receive:
    """The buffered body in chunks, then the connection's own messages (disconnect)."""
    size = spool.seek(0, 2)
    spool.seek(0)
    done = False

    async def next_message() -> Message:
        nonlocal done
        if done:
            return await receive()
        chunk = spool.read(_CHUNK)
        done = spool.tell() >= size
        return {"type": "http.request", "body": chunk, "more_body": not done}

    return next_message


# ---- strict JSON ---------------------------------------------------------------------------------


class Refused(ValueError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class StrictJson:
    """One check for every JSON body, before any route parses it: UTF-8 only, each key once
    per object, no NaN or Infinity, no lone surrogates. Invalid JSON syntax is left to the
    route's own parser, which answers "Malformed JSON"."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not has_body(scope) or not is_json(media_type(scope)):
            await self.app(scope, receive, send)
            return
        chunks = []
        while True:  # BodyLimits has read and bounded the body already
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        detail = json_problem(body)
        if detail is not None:
            await refuse(scope, send, 400, "invalid-json", "Invalid JSON", detail)
            return
        await self.app(scope, replay(io.BytesIO(body), receive), send)


def json_problem(body: bytes) -> str | None:
    """What is wrong with a JSON body, as a sentence; None if strict JSON or not JSON at all."""
    if body.startswith(codecs.BOM_UTF8):
        return "The body starts with a byte order mark. Send JSON as UTF-8 without one."
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"The body is not UTF-8 (byte {error.start} cannot be read). Send JSON as UTF-8."
    if "\x00" in text:
        return "The body contains NUL bytes; is it UTF-16? Send JSON as UTF-8."
    try:
        value = json.loads(
            text, object_pairs_hook=_unique_keys, parse_constant=_no_constant, parse_float=_finite
        )
    except Refused as refused:
        return refused.detail
    except RecursionError:
        return "The JSON is nested too deeply."
    except json.JSONDecodeError:
        return None  # the route's parser says "Malformed JSON" as it always has
    except ValueError:  # e.g. an integer of more digits than Python reads
        return "The JSON has a number too long to read."
    if _has_lone_surrogate(value):
        return (
            "The JSON has a text with a lone surrogate (such as \\ud800), which is not a "
            "character. Send valid Unicode text."
        )
    return None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            shown = json.dumps(key[:60])
            raise Refused(f"The key {shown} appears twice in one object. Send each key once.")
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise Refused(f"{name} is not a JSON number. Send a number or null.")


def _finite(literal: str) -> float:
    number = float(literal)
    if number in (float("inf"), float("-inf")):
        raise Refused(f"The number {literal[:40]} is too large.")
    return number


def _has_lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:  # not recursive: the parser allows deeper nesting than Python's stack
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


# ---- shared -------------------------------------------------------------------------------------


def header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


def media_type(scope: Scope) -> str:
    raw = header(scope, b"content-type")
    return raw.decode("latin-1").split(";")[0].strip().lower() if raw else ""


def has_body(scope: Scope) -> bool:
    """Whether the request says it has a body (h11 has checked the framing already)."""
    length = header(scope, b"content-length")
    return (length is not None and length.strip() not in (b"", b"0")) or header(
        scope, b"transfer-encoding"
    ) is not None


async def refuse(
    scope: Scope, send: Send, status: int, slug: str, title: str, detail: str, *, close: bool = False
) -> None:
    """Answer without running a route: problem+json, or the HTML error page on page paths for
    the refusals a person can meet in a browser (a file too large, a network too slow)."""
    response: Response
    if status in (408, 413, 414, 431) and not is_api_path(scope["path"]) and "app" in scope:
        response = error_page(Request(scope), StarletteHTTPException(status))
    else:
        response = problem(status, slug, title, detail)
    if close:
        response.headers["Connection"] = "close"  # the rest of the body is not read

    async def no_body() -> Message:
        return {"type": "http.disconnect"}

    await response(scope, no_body, send)


# ---- uvicorn ------------------------------------------------------------------------------------


def server_config(app: ASGIApp, settings: Settings, **options: Any) -> uvicorn.Config:
    """uvicorn's settings for the limits above: head size, keep-alive, connections."""

    class Protocol(HeadDeadlineProtocol):
        head_timeout = settings.header_timeout
        max_url = settings.max_url_bytes

    return uvicorn.Config(
        app,
        http=Protocol,
        # The most of a head h11 holds; a larger one is refused before the app sees it (by
        # the protocol below, 414 or 431). Up to it the app answers 414/431 by the settings.
        h11_max_incomplete_event_size=settings.max_url_bytes + settings.max_header_bytes + 1024,
        timeout_keep_alive=settings.keep_alive_timeout,
        limit_concurrency=settings.max_connections,
        log_config=None,
        access_log=False,
        **options,
    )


class HeadDeadlineProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 with a deadline for each request's line and headers.

    uvicorn times out only idle keep-alive connections, and any byte resets that; a client
    that opens a connection and sends half a request holds it forever. Here the deadline
    runs from the moment the server waits for a request head (connection made, or the
    previous response sent) and is not extended by bytes that trickle in. When it passes,
    a half-sent request gets 408 and the connection is closed; an idle one just closed.
    A head too large for h11 gets 414 or 431 as problem+json instead of a plain-text 400."""

    head_timeout: float = 10.0
    max_url: int = 8192

    def send_400_response(self, msg: str) -> None:
        buffered = self.conn.trailing_data[0]
        if len(buffered) <= (self.config.h11_max_incomplete_event_size or 0):
            super().send_400_response(msg)  # not a size problem: h11's own 400
            return
        line_end = buffered.find(b"\r\n")
        if line_end == -1 or line_end > self.max_url:
            self._answer_and_close(414, "URI Too Long", "url-too-long", "Address too long")
        else:
            self._answer_and_close(
                431, "Request Header Fields Too Large", "headers-too-large", "Headers too large"
            )

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._head_deadline: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._watch_head()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch_head()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_deadline()
        super().connection_lost(exc)

    def _watch_head(self) -> None:
        waiting = self.conn.their_state is h11.IDLE and not self.transport.is_closing()
        if waiting and self._head_deadline is None:
            self._head_deadline = self.loop.call_later(self.head_timeout, self._head_too_slow)
        elif not waiting:
            self._stop_head_deadline()

    def _stop_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if self.conn.their_state is not h11.IDLE or self.transport.is_closing():
            return
        if self.conn.trailing_data[0]:  # part of a request has come: say why it ends
            self._answer_and_close(408, "Request Timeout", "request-timeout", "Request too slow")
        self.transport.close()

    def _answer_and_close(self, status: int, reason: str, slug: str, title: str) -> None:
        """A problem+json answer written as bytes: there is no request h11 could answer."""
        body = problem(status, slug, title, _HEAD_REFUSALS[status]).body
        self.transport.write(
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/problem+json\r\n"
            f"Connection: close\r\nContent-Length: {len(body)}\r\n\r\n".encode("ascii")
            + bytes(body)
        )
        self.transport.close()


_HEAD_REFUSALS = {
    408: "The request did not arrive in time. Please try again.",
    414: "The address is too long. Send long values in a JSON body.",
    431: "The request's headers are too large. Clear the site's cookies or send fewer headers.",
}
