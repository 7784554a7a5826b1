"""Who did it (local default actor, trusted reverse-proxy header), settings that
stop start-up, and the service endpoints: OpenAPI, /docs, /, /healthz, /readyz."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from services.bootstrap import bootstrap
from services.settings import Settings
from tests.integration.api_helpers import (
    ACTOR_HEADER,
    HEINAVESI_TARGETS,
    OULUNKAARI_MODEL,
    all_events,
    as_user,
    assert_problem,
    history,
    propose,
    proxy_mode_http,
)

REPO = Path(__file__).resolve().parents[2]


# ---- the local default actor -------------------------------------------------------


def test_the_local_default_actor_is_recorded_on_every_event(http: httpx.Client) -> None:
    initiative = propose(http, HEINAVESI_TARGETS[0])
    http.post(f"/api/initiatives/{initiative['id']}/plan")

    entries = history(http, f"/api/initiatives/{initiative['id']}")
    assert {e["actor"]["name"] for e in entries} == {"Local user"}
    actor_id = entries[0]["actor"]["id"]
    person = http.get(f"/api/people/{actor_id}")
    assert person.status_code == 200 and person.json()["name"] == "Local user"
    assert {e["data"]["actor"] for e in all_events(http)} == {actor_id}


def test_the_local_actor_name_is_a_setting(store: Settings) -> None:
    services = bootstrap(store.model_copy(update={"local_actor_name": "Kehittäjä Heinävedeltä"}))
    try:
        with TestClient(create_app(services=services)) as client:
            created = client.post("/api/initiatives", json={"title": HEINAVESI_TARGETS[1]})
            assert created.status_code == 201
            [entry] = history(client, created.headers["Location"])
            assert entry["actor"]["name"] == "Kehittäjä Heinävedeltä"
    finally:
        services.close()


# ---- trusted reverse-proxy mode ----------------------------------------------------


@pytest.fixture
def proxy_http(store: Settings) -> Iterator[httpx.Client]:
    with proxy_mode_http(store) as client:
        yield client


def test_without_the_user_header_every_api_request_is_401(proxy_http: httpx.Client) -> None:
    auditor = as_user("auditor")
    existing = proxy_http.post("/api/initiatives", json={"title": OULUNKAARI_MODEL}, headers=auditor)
    assert existing.status_code == 201
    events_before = all_events(proxy_http, headers=auditor)
    people_before = proxy_http.get("/api/people", headers=auditor).json()

    for method, path, body in [
        ("POST", "/api/initiatives", {"title": HEINAVESI_TARGETS[0]}),
        ("POST", f"{existing.headers['Location']}/plan", None),
        ("PATCH", existing.headers["Location"], {"title": "Muutettu"}),
        ("POST", "/api/people", {"name": "Maija Meikäläinen"}),
        ("POST", "/api/organisations", {"name": "Vihti", "kind": "municipality"}),
        ("GET", "/api/initiatives", None),
        ("GET", existing.headers["Location"], None),
        ("GET", "/api/events", None),
        ("GET", "/api/activity", None),
    ]:
        for headers in ({}, {ACTOR_HEADER: ""}):
            refused = proxy_http.request(method, path, json=body, headers=headers)
            problem = assert_problem(refused, 401, slug="unauthenticated")
            assert ACTOR_HEADER in problem["detail"], (method, path)

    too_long = proxy_http.post("/api/initiatives", json={"title": "x"}, headers=as_user("u" * 300))
    assert_problem(too_long, 401, slug="unauthenticated")

    assert all_events(proxy_http, headers=auditor) == events_before, "nothing was recorded"
    assert proxy_http.get("/api/people", headers=auditor).json() == people_before, "nobody was registered"
    assert proxy_http.get("/healthz").status_code == 200, "health checks need no user"
    assert proxy_http.get("/readyz").status_code == 200


def test_a_signed_in_user_is_registered_on_first_sight_and_recorded_by_id(proxy_http: httpx.Client) -> None:
    login = "maija.meikalainen@heinavesi.fi"
    maija = as_user(login)

    created = proxy_http.post("/api/initiatives", json={"title": HEINAVESI_TARGETS[1]}, headers=maija)
    assert created.status_code == 201
    planned = proxy_http.post(f"{created.headers['Location']}/plan", headers=maija)
    assert planned.status_code == 200

    people = proxy_http.get("/api/people", params={"q": "meikalainen"}, headers=maija).json()["items"]
    assert len(people) == 1, "registered once, on first sight"
    person = people[0]
    assert person["name"] == login
    entries = history(proxy_http, created.headers["Location"], headers=maija)
    assert {(e["actor"]["id"], e["actor"]["name"]) for e in entries} == {(person["id"], login)}

    events = all_events(proxy_http, headers=maija)
    assert {e["data"]["actor"] for e in events} == {person["id"]}
    assert "meikalainen" not in json.dumps(events), "events hold the person id, never the login"

    other = proxy_http.post("/api/initiatives", json={"title": "Change Day"}, headers=as_user("pekka"))
    other_actor = history(proxy_http, other.headers["Location"], headers=maija)[0]["actor"]
    assert other_actor["name"] == "pekka" and other_actor["id"] != person["id"]


# ---- settings that stop start-up ---------------------------------------------------


def run_server(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """`python -m scripts.run` with only the given KIPINA_ settings (plus a data dir)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIPINA_")}
    env.update({"PYTHONPATH": str(REPO), "KIPINA_DATA_DIR": str(tmp_path / "data"), "KIPINA_PORT": "0"})
    env.update(settings)
    return subprocess.run(
        [sys.executable, "-m", "scripts.run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("KIPINA_PORT", "notaport"),
        ("KIPINA_PORT", "70000"),
        ("KIPINA_LOG_FORMAT", "xml"),
        ("KIPINA_LOG_LEVEL", "loud"),
        ("KIPINA_DATABASE_URL", "mysql://kipina@localhost/kipina"),
        ("KIPINA_ACTOR_HEADER", "X Remote User"),
        ("KIPINA_READYZ_MAX_LAG", "-1"),
    ],
)
def test_an_invalid_setting_stops_start_up_with_one_clear_line(
    tmp_path: Path, setting: str, value: str
) -> None:
    finished = run_server(tmp_path, **{setting: value})

    assert finished.returncode == 2
    lines = [line for line in finished.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, finished.stderr
    assert lines[0].startswith("Invalid settings: ")
    assert setting in lines[0]
    assert "Traceback" not in finished.stderr
    assert finished.stdout == "", "the server never said it was listening"
    assert not (tmp_path / "data").exists(), "nothing was created"


def test_an_address_that_cannot_be_bound_stops_start_up_with_one_clear_line(tmp_path: Path) -> None:
    finished = run_server(tmp_path, KIPINA_HOST="192.0.2.1")  # TEST-NET-1: never a local address

    assert finished.returncode == 2
    lines = [line for line in finished.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, finished.stderr
    assert lines[0].startswith("Cannot listen on 192.0.2.1:0")


# ---- service endpoints -------------------------------------------------------------

WRITE_METHODS = {"post", "put", "patch", "delete"}
CREATES = {
    ("post", "/api/initiatives"),
    ("post", "/api/organisations"),
    ("post", "/api/people"),
    ("post", "/api/rotations"),
    ("post", "/api/campaigns"),
    ("post", "/api/programmes"),
    ("post", "/api/targets"),
    ("post", "/api/initiatives/import"),  # initiatives from a CSV file
}
# Creates of a record that belongs to another (an experiment under its initiative).
CREATES_UNDER_A_RECORD = {
    ("post", "/api/initiatives/{initiative_id}/experiments"),
    ("post", "/api/initiatives/{initiative_id}/experiments/done"),  # one that already happened
    # Change Day: pledges in a campaign, one at a time or from a CSV file.
    ("post", "/api/campaigns/{campaign_id}/actions"),
    ("post", "/api/campaigns/{campaign_id}/actions/import"),
    # Programmes: a workshop in its programme, a check-in under its initiative.
    ("post", "/api/programmes/{programme_id}/workshops"),
    ("post", "/api/initiatives/{initiative_id}/check-ins"),
    # An evaluation under its initiative.
    ("post", "/api/initiatives/{initiative_id}/evaluations"),
    # Measures: a measure under its initiative.
    ("post", "/api/initiatives/{initiative_id}/measures"),
    # A good practice drafted from its initiative.
    ("post", "/api/initiatives/{initiative_id}/good-practices"),
}


def test_every_api_operation_documents_its_problems(client: TestClient) -> None:
    spec = client.get("/openapi.json")
    assert spec.status_code == 200
    document = spec.json()
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) >= {"type", "title", "status", "detail"}
    assert {"invalid_params", "allowed_moves", "current_version"} <= set(problem["properties"])

    operations = [
        (method, path, operation)
        for path, methods in document["paths"].items()
        if path.startswith("/api/")
        for method, operation in methods.items()
    ]
    assert len(operations) >= 25
    for method, path, operation in operations:
        # The public catalogue needs no sign-in, so it never answers 401.
        expected = {"400", "422"} if path.startswith("/api/public/") else {"400", "401", "422"}
        if method in WRITE_METHODS and (method, path) in CREATES_UNDER_A_RECORD:
            expected |= {"404", "409"}  # the parent may be unknown or closed; nothing to If-Match
        elif method in WRITE_METHODS and (method, path) not in CREATES:
            expected |= {"404", "409", "412"}
        for status in expected:
            documented = operation["responses"].get(status)
            assert documented is not None, f"{method.upper()} {path} does not document {status}"
            schema = documented["content"]["application/problem+json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Problem"}, (method, path, status)
            assert documented["description"].strip()
        if method == "get" and "{" in path:
            assert "404" in operation["responses"], f"GET {path} does not document 404"
    verbs = {path.rsplit("/", 1)[-1] for _, path, _ in operations if path.startswith("/api/initiatives/{")}
    assert {"plan", "start", "pause", "resume", "evaluate", "complete", "spread", "discontinue"} <= verbs


def test_docs_home_and_health(http: httpx.Client) -> None:
    docs = http.get("/docs")
    assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]
    assert "openapi.json" in docs.text

    home = http.get("/", follow_redirects=False)
    assert home.status_code == 200 and "text/html" in home.headers["content-type"]
    assert 'href="/docs"' in home.text  # the web interface links to the API documentation

    assert http.get("/healthz").json() == {"status": "ok"}

    propose(http, HEINAVESI_TARGETS[2])
    ready = http.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready"
    assert body["lag"] == 0 and body["recorded"] == body["applied"] >= 1
