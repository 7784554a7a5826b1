"""The HTTP edge (api/http_guard.py), on both stores: body limits and timeouts, strict
JSON, commands only as JSON, allowed hosts, URL and header limits, 405 with Allow, HEAD,
and Swagger UI from our own files. Every refusal is problem+json (or the HTML error page
on page paths) and records nothing; the happy path next to each still works.

Timing tests set a small timeout and block on `recv` with a socket timeout far larger,
so they wait for the server, never for a clock."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from services.bootstrap import Services, bootstrap
from services.settings import Settings
from tests.conftest import LiveServer
from tests.integration.api_helpers import assert_problem, propose

JSON = {"Content-Type": "application/json"}
CSV = {"Content-Type": "text/csv"}
MiB = 1 << 20
# The inputs of the attack probe that reached the JSON API.
FORM_TYPES = ("application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x")


def recorded(services: Services) -> int | None:
    return services.app.recorder.max_notification_id()


@contextmanager
def served(store: Settings, **changes: Any) -> Iterator[tuple[TestClient, Services]]:
    """A TestClient on an app with changed settings (e.g. smaller limits)."""
    services = bootstrap(store.model_copy(update=changes))
    try:
        with TestClient(create_app(services=services)) as test_client:
            yield test_client, services
    finally:
        services.close()


@contextmanager
def live(store: Settings, **changes: Any) -> Iterator[tuple[LiveServer, Services]]:
    services = bootstrap(store.model_copy(update=changes))
    try:
        with LiveServer(services) as server:
            yield server, services
    finally:
        services.close()


def connect(server: LiveServer, timeout: float = 10) -> socket.socket:
    host, port = server.sock.getsockname()[:2]
    conn = socket.create_connection((host, port), timeout=timeout)
    return conn


def read_all(conn: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (socket timeout = failure)."""
    received = b""
    while chunk := conn.recv(65536):
        received += chunk
    return received


def campaign_with_initiative(client: httpx.Client) -> tuple[str, str]:
    campaign = client.post(
        "/api/campaigns", json={"name": "Change Day 2016", "date": "2016-03-16", "target_count": 5}
    )
    assert campaign.status_code == 201, campaign.text
    return campaign.json()["id"], propose(client, "Perustehtävän kirkastaminen")["id"]


# ---- body size ------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_413_and_records_nothing(client: TestClient, services: Services) -> None:
    before = recorded(services)
    for size in (MiB + 1, 10 * MiB):
        body = b'{"title": "' + b"a" * size + b'"}'
        response = client.post("/api/initiatives", content=body, headers=JSON)
        assert_problem(response, 413, slug="body-too-large")
        assert response.headers["connection"] == "close"
    assert recorded(services) == before
    assert client.post("/api/initiatives", json={"title": "a" * 100}).status_code == 201


def test_a_page_form_over_the_limit_gets_the_html_error_page(client: TestClient, services: Services) -> None:
    before = recorded(services)
    response = client.post(
        "/initiatives",
        content=b"title=" + b"a" * (2 * MiB),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert recorded(services) == before


def test_a_declared_50_mb_body_is_refused_before_it_is_sent(
    live_server: LiveServer, services: Services
) -> None:
    before = recorded(services)
    with connect(live_server) as conn:
        conn.sendall(
            b"POST /api/initiatives HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b'Content-Length: 50000000\r\n\r\n{"title": "'
        )
        answer = read_all(conn)  # the server answers and closes without the 50 MB
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"application/problem+json" in answer and b"connection: close" in answer.lower()
    assert recorded(services) == before


def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit(
    live_server: LiveServer, services: Services
) -> None:
    before = recorded(services)
    answers = [_send_chunked_past_the_limit(live_server) for _ in range(3)]
    # The server answers 413 and closes while the last chunk may still be on its way; a socket
    # closed with unread bytes sends a reset, which can reach the client before it has read the
    # answer. So the exchange is tried three times, and at least one must read the 413; a server
    # waiting for the whole body would time out every time instead.
    assert any(answer.startswith(b"HTTP/1.1 413 ") for answer in answers), answers
    assert all(answer.startswith(b"HTTP/1.1 413 ") or answer == b"reset" for answer in answers), answers
    assert recorded(services) == before


def _send_chunked_past_the_limit(live_server: LiveServer) -> bytes:
    chunk = b"a" * 65536
    with connect(live_server) as conn:
        try:
            conn.sendall(
                b"POST /api/initiatives HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
            for _ in range(MiB // len(chunk) + 1):  # just past 1 MiB, and never the last chunk
                conn.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            return read_all(conn)
        except (ConnectionResetError, BrokenPipeError):
            return b"reset"


def test_the_csv_import_takes_bodies_up_to_its_own_limit(store: Settings) -> None:
    with served(store, max_body_bytes=64 * 1024, max_import_bytes=MiB) as (client, services):
        campaign, _ = campaign_with_initiative(client)
        path = f"/api/campaigns/{campaign}/actions/import"
        rows = "".join(f"Lupaan kysyä asiakkaalta {i};Kotihoidon tiimi {i};muu\r\n" for i in range(2000))
        csv = ("text;team;category\r\n" + rows).encode()
        assert 64 * 1024 < len(csv) < MiB
        imported = client.post(path, content=csv, headers=CSV)
        assert imported.status_code == 200, imported.text
        assert imported.json()["imported"] == 2000
        as_upload = client.post(path, files={"file": ("lupaukset.csv", csv, "text/csv")})
        assert as_upload.status_code == 200 and as_upload.json()["already_imported"] == 2000
        # Elsewhere the ordinary limit holds, and past its own limit the import is refused too.
        before = recorded(services)
        too_big = client.post("/api/initiatives", content=b" " * len(csv), headers=JSON)
        assert_problem(too_big, 413, slug="body-too-large")
        assert_problem(client.post(path, content=csv + b" " * MiB, headers=CSV), 413, slug="body-too-large")
        assert recorded(services) == before


# ---- timeouts ---------------------------------------------------------------------------------


def test_a_body_that_does_not_arrive_gets_408_and_the_connection_closed(store: Settings) -> None:
    with live(store, body_timeout=0.5) as (server, services):
        before = recorded(services)
        with connect(server) as conn:
            conn.sendall(
                b"POST /api/initiatives HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b'Content-Length: 100\r\n\r\n{"title": '
            )
            answer = read_all(conn)
        assert answer.startswith(b"HTTP/1.1 408 ")
        assert b"request-timeout" in answer
        assert recorded(services) == before


def test_half_sent_requests_are_closed_after_the_header_timeout(store: Settings) -> None:
    with live(store, header_timeout=0.5) as (server, services):
        before = recorded(services)
        half_sent = [connect(server) for _ in range(20)]
        idle = connect(server)
        try:
            for conn in half_sent:
                conn.sendall(b"POST /api/initiatives HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
            answers = [read_all(conn) for conn in half_sent]
            assert read_all(idle) == b""  # an idle connection is closed without a word
        finally:
            for conn in (*half_sent, idle):
                conn.close()
        assert all(a.startswith(b"HTTP/1.1 408 ") and b"problem+json" in a for a in answers), answers[0]
        assert recorded(services) == before
        # The deadline is per request: a whole request on a kept-alive connection still works.
        with httpx.Client(base_url=server.url) as http:
            assert http.get("/healthz").status_code == 200
            assert http.get("/healthz").status_code == 200


# ---- strict JSON ------------------------------------------------------------------------------

BAD_JSON = {
    "duplicate key": b'{"title": "Perustehtava", "title": "Toinen"}',
    "duplicate key nested": b'{"title": "x", "goals": [{"text": "a", "text": "b"}]}',
    "UTF-16 with BOM": '{"title": "Perustehtävä"}'.encode("utf-16"),
    "UTF-16 without BOM": '{"title": "Perustehtävä"}'.encode("utf-16-le"),
    "UTF-8 with BOM": b"\xef\xbb\xbf" + '{"title": "Perustehtävä"}'.encode(),
    "Latin-1": '{"title": "Perustehtävä"}'.encode("latin-1"),
    "NaN": b'{"title": "x", "target_count": NaN}',
    "Infinity": b'{"title": "x", "target_count": Infinity}',
    "-Infinity": b'{"title": "x", "target_count": -Infinity}',
    "overflowing number": b'{"title": "x", "target_count": 1e999}',
    "lone high surrogate": b'{"title": "Perusteht\\ud800v\\u00e4"}',
    "lone low surrogate": b'{"title": "\\udc00"}',
    "lone surrogate in a key": b'{"\\ud800": "x", "title": "x"}',
    "lone surrogate in a list": b'{"title": "x", "themes": ["lean", "\\udfff"]}',
    "deep nesting": b'{"title": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "huge integer": b'{"title": "x", "target_count": ' + b"9" * 5000 + b"}",
}


@pytest.mark.parametrize("body", BAD_JSON.values(), ids=BAD_JSON.keys())
def test_json_that_is_not_strict_is_400_with_a_sentence(
    client: TestClient, services: Services, body: bytes
) -> None:
    campaign, initiative = campaign_with_initiative(client)
    before = recorded(services)
    for method, path in [
        ("POST", "/api/initiatives"),
        ("PATCH", f"/api/initiatives/{initiative}"),
        ("POST", f"/api/initiatives/{initiative}/notes"),
        ("PATCH", f"/api/campaigns/{campaign}"),
        ("POST", "/api/people"),
    ]:
        problem = assert_problem(client.request(method, path, content=body, headers=JSON), 400)
        assert problem["type"].endswith("/invalid-json"), (method, path, problem)
    assert recorded(services) == before


def test_the_duplicate_key_is_named(client: TestClient) -> None:
    problem = assert_problem(
        client.post("/api/initiatives", content=BAD_JSON["duplicate key"], headers=JSON), 400
    )
    assert '"title"' in problem["detail"]


def test_strict_json_still_takes_unicode_and_escapes(client: TestClient) -> None:
    body = '{"title": "Perustehtävän kirkastaminen \\ud83d\\ude00 \\u00e4 😀"}'.encode()
    created = client.post("/api/initiatives", content=body, headers=JSON)
    assert created.status_code == 201, created.text
    assert created.json()["title"] == "Perustehtävän kirkastaminen 😀 ä 😀"
    # Invalid syntax is still the route's "Malformed JSON".
    assert_problem(
        client.post("/api/initiatives", content=b'{"title": ', headers=JSON), 400, slug="malformed-json"
    )


# ---- commands only as JSON ------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", FORM_TYPES)
def test_a_body_less_command_posted_as_a_cross_site_form_is_415(
    client: TestClient, services: Services, content_type: str
) -> None:
    initiative = propose(client, "Perustehtävän kirkastaminen")["id"]
    before = recorded(services)
    for path in [
        f"/api/initiatives/{initiative}/plan",
        f"/api/initiatives/{initiative}/start",
        f"/api/initiatives/{initiative}/complete",
    ]:
        for content in (b"", b"a=b"):
            response = client.post(path, content=content, headers={"Content-Type": content_type})
            assert_problem(response, 415, slug="unsupported-media-type")
    assert_problem(
        client.delete(f"/api/initiatives/{initiative}", headers={"Content-Type": content_type}), 415
    )
    assert recorded(services) == before
    assert client.get(f"/api/initiatives/{initiative}").json()["status"] == "proposed"
    # The same command with no body and no Content-Type (as curl and httpx send it) works.
    assert client.post(f"/api/initiatives/{initiative}/plan").status_code == 200
    assert client.get(f"/api/initiatives/{initiative}").json()["status"] == "planned"


def test_a_json_command_without_a_content_type_is_415(client: TestClient, services: Services) -> None:
    before = recorded(services)
    response = client.post("/api/initiatives", content=b'{"title": "Perustehtava"}')
    assert_problem(response, 415, slug="unsupported-media-type")
    assert recorded(services) == before
    with_charset = {"Content-Type": "application/json; charset=utf-8"}
    assert (
        client.post(
            "/api/initiatives", content=b'{"title": "Perustehtava"}', headers=with_charset
        ).status_code
        == 201
    )


def test_the_csv_import_takes_only_its_documented_types(client: TestClient, services: Services) -> None:
    campaign, _ = campaign_with_initiative(client)
    path = f"/api/campaigns/{campaign}/actions/import"
    csv = "text;team;category\r\nLupaan hymyillä;Kotihoito;muu\r\n".encode()
    before = recorded(services)
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        assert_problem(client.post(path, content=csv, headers={"Content-Type": content_type}), 415)
    assert recorded(services) == before
    assert client.post(path, content=csv, headers=CSV).json()["imported"] == 1
    # Elsewhere under /api, text/csv is no command type.
    assert_problem(client.post("/api/initiatives", content=csv, headers=CSV), 415)


# ---- Host -----------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "localhost.evil.example", "", "[::2]"])
def test_a_foreign_host_is_400_and_records_nothing(client: TestClient, services: Services, host: str) -> None:
    before = recorded(services)
    for method, path in [("POST", "/api/initiatives"), ("GET", "/api/initiatives"), ("GET", "/")]:
        response = client.request(
            method, path, json={"title": "x"} if method == "POST" else None, headers={"Host": host}
        )
        assert_problem(response, 400, slug="unknown-host")
    assert recorded(services) == before


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:8000", "127.0.0.1:80", "[::1]:8000", "testserver"])
def test_loopback_and_configured_hosts_are_answered(client: TestClient, host: str) -> None:
    assert client.get("/api/initiatives", headers={"Host": host}).status_code == 200


def test_the_live_server_refuses_a_rebound_host(http: httpx.Client) -> None:
    assert_problem(
        http.get("/api/initiatives", headers={"Host": "attacker.example"}), 400, slug="unknown-host"
    )
    assert http.get("/api/initiatives").status_code == 200


def test_allowed_hosts_come_from_the_settings() -> None:
    default = Settings().host_names()
    assert default == {"localhost", "127.0.0.1", "[::1]"}
    assert Settings(host="0.0.0.0").host_names() == default
    assert Settings(host="::").host_names() == default
    assert Settings(host="10.0.0.5").host_names() == default | {"10.0.0.5"}
    assert Settings(host="fe80::1").host_names() == default | {"[fe80::1]"}
    public = Settings(public_url="https://Kipina.Example.fi/", allowed_hosts="intra.local, other.local.")
    assert public.host_names() == default | {"kipina.example.fi", "intra.local", "other.local"}
    assert Settings(allowed_hosts="*").host_names() is None
    with pytest.raises(ValueError, match="http"):
        Settings(public_url="kipina.example.fi")


# ---- URL and headers --------------------------------------------------------------------------


def test_an_oversized_url_is_414_and_oversized_headers_431(client: TestClient) -> None:
    assert_problem(client.get("/api/initiatives", params={"q": "a" * 9000}), 414, slug="url-too-long")
    assert_problem(client.post("/api/initiatives?x=" + "a" * 9000, json={"title": "x"}), 414)
    big = {f"X-Padding-{i}": "a" * 1000 for i in range(20)}
    assert_problem(client.get("/api/initiatives", headers=big), 431, slug="headers-too-large")
    assert client.get("/api/initiatives", params={"q": "a" * 200}).status_code == 200
    assert client.get("/", headers={"X-Padding": "a" * 8000}).status_code == 200


def test_a_head_too_large_for_the_parser_is_414_or_431_not_a_plain_400(live_server: LiveServer) -> None:
    heads = {
        b"414": b"GET /api/initiatives?q=" + b"a" * 40_000,
        b"431": b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 40_000,
    }
    for status, head in heads.items():
        with connect(live_server) as conn:
            conn.sendall(head)  # never ends: the parser gives up on it by its size
            answer = read_all(conn)
        assert answer.startswith(b"HTTP/1.1 " + status), answer[:100]
        assert b"application/problem+json" in answer


# ---- 405 and HEAD -------------------------------------------------------------------------------


def test_405_lists_every_method_of_the_path(client: TestClient) -> None:
    paths: dict[str, Any] = client.get("/openapi.json").json()["paths"]
    patterns = {t: re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(t)) + "$") for t in paths}
    checked = 0
    for template in paths:
        path = re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000000", template)
        # Every documented route that takes this address, e.g. /api/experiments/stats and
        # /api/experiments/{experiment_id}, which are served by different routes.
        methods = {m.upper() for t, p in patterns.items() if p.match(path) for m in paths[t]}
        missing = [m for m in ("PUT", "DELETE", "PATCH", "POST") if m not in methods]
        if not missing:
            continue
        response = client.request(missing[0], path, json={} if missing[0] != "DELETE" else None)
        assert response.status_code == 405, (template, response.status_code)
        expected = methods | ({"HEAD"} if "GET" in methods else set())
        assert set(response.headers["allow"].split(", ")) == expected, template
        checked += 1
    assert checked > 50
    page = client.post("/")
    assert page.status_code == 405 and page.headers["allow"] == "GET, HEAD"


def test_head_works_wherever_get_does_without_a_body(client: TestClient) -> None:
    initiative = propose(client, "Perustehtävän kirkastaminen")["id"]
    for path in [
        "/",
        "/initiatives",
        "/api/initiatives",
        f"/api/initiatives/{initiative}",
        "/healthz",
        "/docs",
    ]:
        got = client.get(path)
        head = client.head(path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b"", path
        assert head.headers["content-type"] == got.headers["content-type"], path
    assert client.head(f"/api/initiatives/{initiative}/plan").headers["allow"] == "POST"


def test_head_on_the_live_server_sends_no_body(http: httpx.Client) -> None:
    head = http.head("/")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(http.get("/").content)


# ---- Swagger UI ---------------------------------------------------------------------------------


def test_docs_load_swagger_ui_from_our_own_files(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", docs.text, re.IGNORECASE), docs.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert {a.rsplit("/", 1)[-1] for a in assets} >= {"swagger-ui-bundle.js", "swagger-ui.css"}
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert client.get(asset).status_code == 200, asset
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").status_code == 200


# ---- commands from another site's page ------------------------------------------------------------


@pytest.mark.parametrize("origin", ["https://evil.example", "http://localhost.evil.example:8000", "null"])
def test_a_command_from_another_sites_page_is_403(
    client: TestClient, services: Services, origin: str
) -> None:
    campaign, initiative = campaign_with_initiative(client)
    before = recorded(services)
    cross_site = {"Origin": origin}
    assert_problem(
        client.post(f"/api/initiatives/{initiative}/plan", headers=cross_site), 403, slug="cross-site"
    )
    assert_problem(client.post("/api/initiatives", json={"title": "x"}, headers=cross_site), 403)
    upload = {"file": ("lupaukset.csv", b"text;team;category\r\nLupaan;Tiimi;muu\r\n", "text/csv")}
    imported = client.post(f"/api/campaigns/{campaign}/actions/import", files=upload, headers=cross_site)
    assert_problem(imported, 403, slug="cross-site")
    assert recorded(services) == before
    # Reads are not commands; Kipinä's own origin (here TestClient's host) may send commands.
    assert client.get("/api/initiatives", headers=cross_site).status_code == 200
    same_site = {"Origin": "http://testserver"}
    assert client.post(f"/api/initiatives/{initiative}/plan", headers=same_site).status_code == 200
