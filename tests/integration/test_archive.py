"""Archive and restore any record, through the JSON API, on the demo data (both stores).

The walk is parametrised over `present.kinds.KINDS`: a new kind of record that cannot be
archived, restored, shown as archived and left out of history fails it by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from api.app import create_app
from domain.archive import REASON_MAX
from present.kinds import KINDS, RecordKind
from projections import history
from projections.rebuild import rebuild
from scripts.demo import load
from services.bootstrap import Services, bootstrap
from services.settings import Settings
from tests.conftest import NO_POSTGRES, POSTGRES_DSN, TEST_HOST, postgres_database
from tests.e2e.helpers import assert_same_tables, read_model_snapshot
from tests.integration.api_helpers import assert_problem, nothing_recorded

TABLES = {kind.record_type: kind.table for kind in history.KINDS}
ARCHIVED = "This record is archived; restore it first."
ALREADY_ARCHIVED = "This record is already archived."
NOT_ARCHIVED = "This record is not archived, so there is nothing to restore."


def refused(response: Any, status: int, sentence: str) -> None:
    """A problem+json with exactly this sentence (a domain refusal, in English on the API)."""
    assert assert_problem(response, status)["detail"] == sentence


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """The demo data, loaded once per store for this module; each test restores what it archives."""
    data_dir = tmp_path_factory.mktemp("archive") / "data"
    if request.param == "sqlite":
        urls: Iterator[str | None] = iter([None])
    else:
        if POSTGRES_DSN is None:
            pytest.skip(NO_POSTGRES)
        urls = postgres_database()
    for url in urls:
        services = bootstrap(Settings(data_dir=data_dir, database_url=url, actor_header=None, **TEST_HOST))
        try:
            load(services)
            yield services
        finally:
            services.close()


@pytest.fixture(scope="module")
def client(demo: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services=demo)) as test_client:
        yield test_client


def some_record(services: Services, kind: RecordKind) -> str:
    """A live record of this kind from the demo data."""
    table = TABLES[kind.record_type]
    query = select(table.c.id).where(table.c.valid_to.is_(None), table.c.archived.is_(False))
    with services.projector.engine.connect() as conn:
        record_id = conn.execute(query.order_by(table.c.id).limit(1)).scalar()
    assert record_id is not None, f"the demo has no {kind.record_type}"
    return str(record_id)


def version_of(client: TestClient, kind: RecordKind, record_id: str) -> int:
    answer = client.get(f"/api{kind.path}/{record_id}")
    assert answer.status_code == 200, answer.text
    return int(answer.headers["ETag"].strip('"'))


@pytest.mark.parametrize("kind", KINDS, ids=[k.record_type for k in KINDS])
def test_every_kind_is_archived_and_restored(demo: Services, client: TestClient, kind: RecordKind) -> None:
    record_id = some_record(demo, kind)
    base = f"/api{kind.path}/{record_id}"
    version = version_of(client, kind, record_id)

    # Refusals record nothing: a stale If-Match, no reason, a blank or too long one.
    with nothing_recorded(client, f"{base}/history"):
        stale = client.post(f"{base}/archive", json={"reason": "x"}, headers={"If-Match": f'"{version + 5}"'})
        assert_problem(stale, 412)
        assert_problem(client.post(f"{base}/archive", json={}), 422)
        assert_problem(client.post(f"{base}/archive", json={"reason": "   "}), 422)
        assert_problem(client.post(f"{base}/archive", json={"reason": "x" * (REASON_MAX + 1)}), 422)
        assert_problem(client.post(f"{base}/archive", json={"reason": "x", "why": "y"}), 422)
        refused(client.post(f"{base}/restore"), 409, NOT_ARCHIVED)

    archived = client.post(
        f"{base}/archive", json={"reason": "Kirjattu kahteen kertaan"}, headers={"If-Match": f'"{version}"'}
    )
    assert archived.status_code == 200, archived.text
    assert archived.json() == {
        "id": record_id,
        "kind": kind.record_type,
        "version": version + 1,
        "archived": True,
        "archived_reason": "Kirjattu kahteen kertaan",
    }
    assert archived.headers["ETag"] == f'"{version + 1}"'
    # Its own GET still answers, and says so.
    shown = client.get(base)
    assert shown.status_code == 200 and shown.json()["archived"] is True
    last = client.get(f"{base}/history").json()[-1]
    assert (last["event_type"], last["changes"]) == (
        "Archived",
        [{"field": "reason", "old": None, "new": "Kirjattu kahteen kertaan"}],
    )

    with nothing_recorded(client, f"{base}/history"):
        refused(client.post(f"{base}/archive", json={"reason": "again"}), 409, ALREADY_ARCHIVED)

    restored = client.post(f"{base}/restore", json={"reason": "Arkistoitu vahingossa"})
    assert restored.status_code == 200, restored.text
    assert (restored.json()["archived"], restored.json()["version"]) == (False, version + 2)
    assert client.get(base).json()["archived"] is False
    last = client.get(f"{base}/history").json()[-1]
    assert (last["event_type"], last["changes"][0]["new"]) == ("Restored", "Arkistoitu vahingossa")
    with nothing_recorded(client, f"{base}/history"):
        refused(client.post(f"{base}/restore"), 409, NOT_ARCHIVED)


@pytest.mark.parametrize("kind", KINDS, ids=[k.record_type for k in KINDS])
def test_a_missing_record_is_404_in_its_kinds_words(client: TestClient, kind: RecordKind) -> None:
    missing = uuid4()
    sentence = kind.aggregate.NOT_FOUND.format(id=missing)  # type: ignore[attr-defined]
    for verb, body in (("archive", {"reason": "x"}), ("restore", None)):
        answer = client.post(f"/api{kind.path}/{missing}/{verb}", json=body)
        refused(answer, 404, sentence)
    assert_problem(client.post(f"/api{kind.path}/not-an-id/archive", json={"reason": "x"}), 422)


def test_another_kinds_id_is_404(demo: Services, client: TestClient) -> None:
    initiative, organisation = KINDS[0], KINDS[1]
    record_id = some_record(demo, initiative)
    answer = client.post(f"/api{organisation.path}/{record_id}/archive", json={"reason": "x"})
    assert_problem(answer, 404)


def test_an_archived_record_refuses_other_commands(demo: Services, client: TestClient) -> None:
    initiative_id = some_record(demo, KINDS[0])
    organisation_id = some_record(demo, KINDS[1])
    for path in (f"/api/initiatives/{initiative_id}", f"/api/organisations/{organisation_id}"):
        assert client.post(f"{path}/archive", json={"reason": "Virhe"}).status_code == 200
    try:
        with nothing_recorded(
            client,
            f"/api/initiatives/{initiative_id}/history",
            f"/api/organisations/{organisation_id}/history",
        ):
            renamed = client.patch(f"/api/initiatives/{initiative_id}", json={"title": "Uusi nimi"})
            refused(renamed, 409, ARCHIVED)
            # Refused as archived before its fields are judged: a blank title says the same.
            assert_problem(client.patch(f"/api/initiatives/{initiative_id}", json={"title": ""}), 409)
            note = client.post(f"/api/initiatives/{initiative_id}/notes", json={"text": "Muistiinpano"})
            refused(note, 409, ARCHIVED)
            unit = client.post(f"/api/organisations/{organisation_id}/units", json={"name": "Uusi yksikkö"})
            refused(unit, 409, ARCHIVED)
    finally:
        for path in (f"/api/initiatives/{initiative_id}", f"/api/organisations/{organisation_id}"):
            assert client.post(f"{path}/restore").status_code == 200


def test_archive_is_idempotent_with_a_key(demo: Services, client: TestClient) -> None:
    record_id = some_record(demo, KINDS[0])
    headers = {"Idempotency-Key": f"archive-{record_id}"}
    first = client.post(
        f"/api/initiatives/{record_id}/archive", json={"reason": "Kaksoiskappale"}, headers=headers
    )
    again = client.post(
        f"/api/initiatives/{record_id}/archive", json={"reason": "Kaksoiskappale"}, headers=headers
    )
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    other = client.post(f"/api/initiatives/{record_id}/archive", json={"reason": "Toinen"}, headers=headers)
    assert_problem(other, 422)
    assert client.post(f"/api/initiatives/{record_id}/restore").status_code == 200


def ids(items: list[dict[str, Any]]) -> set[str]:
    return {item["id"] for item in items}


def test_lists_leave_archived_records_out_unless_asked(demo: Services, client: TestClient) -> None:
    record_id = some_record(demo, KINDS[0])
    moment = client.get("/api/activity", params={"limit": 1}).json()["items"][0]["recorded_at"]
    assert client.post(f"/api/initiatives/{record_id}/archive", json={"reason": "Virhe"}).status_code == 200
    try:
        listed = {
            mode: ids(client.get("/api/initiatives", params={"limit": 100, "archived": mode}).json()["items"])
            for mode in ("exclude", "include", "only")
        }
        assert record_id not in ids(client.get("/api/initiatives", params={"limit": 100}).json()["items"])
        assert record_id not in listed["exclude"]
        assert record_id in listed["include"] and listed["only"] == {record_id}
        assert listed["include"] == listed["exclude"] | {record_id}
        # As of a moment before it was archived, it is still listed (and not archived then).
        then = client.get("/api/initiatives", params={"limit": 100, "as_of": moment}).json()["items"]
        assert record_id in ids(then)
        assert next(i for i in then if i["id"] == record_id)["archived"] is False
        assert_problem(client.get("/api/initiatives", params={"archived": "all"}), 422)
    finally:
        assert client.post(f"/api/initiatives/{record_id}/restore").status_code == 200
    assert record_id in ids(client.get("/api/initiatives", params={"limit": 100}).json()["items"])


def test_every_list_filters_archived(demo: Services, client: TestClient) -> None:
    """Each kind's list endpoint takes ?archived= (organisations' and campaigns' lists too)."""
    lists = {
        "organisation": "/api/organisations",
        "campaign": "/api/campaigns",
        "change_action": "/api/actions",
        "experiment": "/api/experiments",
        "rotation": "/api/rotations",
        "programme": "/api/programmes",
        "development_target": "/api/targets",
        "good_practice": "/api/good-practices",
    }
    for kind in KINDS:
        if kind.record_type not in lists:
            continue
        record_id = some_record(demo, kind)
        path = lists[kind.record_type]

        def listed(mode: str, path: str = path) -> set[str]:
            body = client.get(path, params={"archived": mode}).json()
            return ids(body if isinstance(body, list) else body["items"])

        assert record_id in listed("exclude"), kind.record_type
        assert client.post(f"/api{kind.path}/{record_id}/archive", json={"reason": "x"}).status_code == 200
        try:
            assert record_id not in listed("exclude"), kind.record_type
            assert record_id in listed("include") and record_id in listed("only"), kind.record_type
        finally:
            assert client.post(f"/api{kind.path}/{record_id}/restore").status_code == 200


def test_an_archived_good_practice_leaves_the_public_catalogue(demo: Services, client: TestClient) -> None:
    public = client.get("/api/public/good-practices").json()["items"]
    assert public, "the demo publishes a good practice"
    practice_id = public[0]["id"]
    assert client.post(f"/api/good-practices/{practice_id}/archive", json={"reason": "x"}).status_code == 200
    try:
        assert practice_id not in ids(client.get("/api/public/good-practices").json()["items"])
        # The activity feed says so.
        [latest] = client.get("/api/activity", params={"limit": 1}).json()["items"]
        assert (latest["record_id"], latest["event_type"]) == (practice_id, "Archived")
        assert client.get(f"/api/public/good-practices/{practice_id}").status_code == 404
        assert client.get(f"/public/good-practices/{practice_id}").status_code == 404
    finally:
        assert client.post(f"/api/good-practices/{practice_id}/restore").status_code == 200
    assert practice_id in ids(client.get("/api/public/good-practices").json()["items"])


def test_rebuild_gives_the_same_archived_flags(demo: Services, client: TestClient) -> None:
    archived = [some_record(demo, kind) for kind in KINDS]
    for kind, record_id in zip(KINDS, archived, strict=True):
        assert client.post(f"/api{kind.path}/{record_id}/archive", json={"reason": "x"}).status_code == 200
    try:
        engine = demo.projector.engine
        incremental = read_model_snapshot(engine)
        table = TABLES["initiative"]
        with engine.begin() as conn:  # wrong on purpose: the rebuild must recompute it
            conn.execute(update(table).where(table.c.id == archived[0]).values(archived=False))
        rebuild(demo.projector)
        assert_same_tables(incremental, read_model_snapshot(engine))
        for kind, record_id in zip(KINDS, archived, strict=True):
            t = TABLES[kind.record_type]
            with engine.connect() as conn:
                flag = conn.execute(select(t.c.archived).where(t.c.id == record_id, t.c.valid_to.is_(None)))
                assert flag.scalar() is True, kind.record_type
    finally:
        for kind, record_id in zip(KINDS, archived, strict=True):
            assert client.post(f"/api{kind.path}/{record_id}/restore").status_code == 200
