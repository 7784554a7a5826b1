"""Helpers for the API integration tests: seed data from the source documents,
problem+json checks and "nothing was recorded" snapshots.

Everything here talks to the API over HTTP (an `httpx.Client` or FastAPI's
TestClient, which share the same interface); nothing reaches into the
application's internals.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from services.bootstrap import bootstrap
from services.settings import Settings
from tests.conftest import LiveServer

PROBLEM_JSON = "application/problem+json"
ACTOR_HEADER = "X-Remote-User"

# ---- seed data (from /work/shared/seeds) ---------------------------------------

HEINAVESI = "Heinäveden kunta"
HEINAVESI_UNITS = ("Kotihoito", "Terveyskeskuksen vuodeosasto", "Päivähoito ja varhaiskasvatus")
HEINAVESI_TARGETS = (
    "Perustehtävän kirkastaminen",
    "Tavoitteellinen työkierto",
    "Yhteistyö- ja vuorovaikutustaidot",
)
OULUNKAARI = "Oulunkaaren kuntayhtymä"
OULUNKAARI_MODEL = "Kehittäminen kuuluu kaikille"
OULUNKAARI_SUMMARY = (
    "Kehittäminen kuuluu Oulunkaarella jokaiselle henkilöstöstä luottamuselimiin saakka. "
    "Kokeiluihin kannustetaan."
)
THREE_W_MUNICIPALITIES = ("Kirkkonummi", "Raasepori", "Vihti", "Karkkila")


# FastAPI's TestClient is an httpx.Client too, so every helper takes either.
Client = httpx.Client


@dataclass
class Org:
    id: str
    name: str
    units: dict[str, str] = field(default_factory=dict)  # unit name → unit id


def register_organisation(
    http: Client, name: str, kind: str = "municipality", units: tuple[str, ...] = ()
) -> Org:
    created = http.post("/api/organisations", json={"name": name, "kind": kind})
    assert created.status_code == 201, created.text
    org = Org(id=created.json()["id"], name=name)
    for unit in units:
        added = http.post(f"/api/organisations/{org.id}/units", json={"name": unit})
        assert added.status_code == 200, added.text
        org.units[unit] = next(u["id"] for u in added.json()["units"] if u["name"] == unit)
    return org


def register_heinavesi(http: Client) -> Org:
    return register_organisation(http, HEINAVESI, "municipality", HEINAVESI_UNITS)


def register_person(http: Client, name: str, email: str | None = None, **placement: str) -> dict[str, Any]:
    created = http.post("/api/people", json={"name": name, "email": email, **placement})
    assert created.status_code == 201, created.text
    person: dict[str, Any] = created.json()
    return person


def propose(http: Client, title: str, **fields: Any) -> dict[str, Any]:
    created = http.post("/api/initiatives", json={"title": title, **fields})
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


def move(http: Client, initiative_id: str, verb: str, **body: Any) -> dict[str, Any]:
    moved = http.post(f"/api/initiatives/{initiative_id}/{verb}", json=body or None)
    assert moved.status_code == 200, moved.text
    result: dict[str, Any] = moved.json()
    return result


def history(
    http: Client, record_path: str, *, headers: dict[str, str] | None = None, **params: Any
) -> list[dict[str, Any]]:
    found = http.get(f"{record_path}/history", params=params, headers=headers)
    assert found.status_code == 200, found.text
    entries: list[dict[str, Any]] = found.json()
    return entries


def all_events(http: Client, *, headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The whole raw event feed, page by page (bounded)."""
    items: list[dict[str, Any]] = []
    after = 0
    for _ in range(1000):
        page = http.get("/api/events", params={"after": after, "limit": 500}, headers=headers)
        assert page.status_code == 200, page.text
        body = page.json()
        items.extend(body["items"])
        if body["next_after"] is None:
            return items
        after = body["next_after"]
    raise AssertionError("the event feed did not end within 1000 pages")


# ---- problem+json ----------------------------------------------------------------


def assert_problem(
    response: httpx.Response, status: int, *, field: str | None = None, slug: str | None = None
) -> dict[str, Any]:
    """The response is an RFC 9457 problem with a sentence a person can read.

    For 422 `field` names the invalid field (e.g. "title" matches "body.title").
    """
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    assert response.headers["content-type"].split(";")[0].strip() == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://"), body
    assert body["title"].strip(), body
    detail = body["detail"]
    assert isinstance(detail, str) and len(detail.split()) >= 3, f"detail is not a sentence: {detail!r}"
    assert "Traceback" not in detail and "Exception" not in detail
    if slug is not None:
        assert body["type"].endswith(f"/{slug}"), body["type"]
    if status == 422:
        params = body["invalid_params"]
        assert params and all(p["message"].strip() for p in params), body
        if field is not None:
            names = [p["field"] for p in params]
            assert any(n == field or n.endswith(f".{field}") for n in names), names
    return body


# ---- "nothing was recorded" ------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    events: list[dict[str, Any]]
    reads: dict[str, tuple[int, str | None, Any]]


def snapshot(http: Client, *paths: str) -> Snapshot:
    """The whole event feed, plus status, ETag and body of each path read."""
    reads: dict[str, tuple[int, str | None, Any]] = {}
    for path in paths:
        found = http.get(path)
        reads[path] = (found.status_code, found.headers.get("ETag"), found.json())
    return Snapshot(all_events(http), reads)


@contextmanager
def nothing_recorded(http: Client, *paths: str) -> Iterator[None]:
    """Asserts that the block changed neither the event log nor any of `paths`
    (e.g. a record, its history, the people list)."""
    before = snapshot(http, *paths)
    yield
    after = snapshot(http, *paths)
    assert after.events == before.events, "an event was recorded"
    for path in paths:
        assert after.reads[path] == before.reads[path], f"{path} changed"


def initiative_paths(initiative_id: str) -> tuple[str, str]:
    return f"/api/initiatives/{initiative_id}", f"/api/initiatives/{initiative_id}/history"


# ---- trusted reverse-proxy mode --------------------------------------------------


@contextmanager
def proxy_mode_http(store: Settings) -> Iterator[httpx.Client]:
    """A live server for `store` in trusted-proxy mode (user name in X-Remote-User)."""
    settings = store.model_copy(update={"actor_header": ACTOR_HEADER})
    services = bootstrap(settings)
    try:
        with LiveServer(services) as server, httpx.Client(base_url=server.url, timeout=30) as http:
            yield http
    finally:
        services.close()


def as_user(login: str) -> dict[str, str]:
    return {ACTOR_HEADER: login}
