"""Archive and restore on the pages (both stores): the confirm form with the reason, the
"Archived" banner with Restore on the record's page, and the lists' choice of what to show."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from present.kinds import KINDS
from services.settings import Settings
from tests.integration.api_helpers import nothing_recorded, register_heinavesi
from tests.integration.page_helpers import LANG_COOKIE, field_error, parse, post_form, submit, submit_form


def made(client: TestClient) -> dict[str, Any]:
    org = register_heinavesi(client)
    answer = client.post(
        "/api/initiatives", json={"title": "Kotihoidon iltavuorot", "organisation_id": org.id}
    )
    assert answer.status_code == 201, answer.text
    return {"organisation": org.id, "initiative": answer.json()["id"]}


def test_archive_form_banner_and_restore(client: TestClient) -> None:
    client.cookies.set(LANG_COOKIE, "fi")
    initiative = made(client)["initiative"]
    page = f"/initiatives/{initiative}"

    shown = client.get(page)
    assert shown.status_code == 200
    doc = parse(shown.text)
    action = doc.find(class_="archive-action")
    assert action.find("a").get("href") == f"{page}/archive"
    assert "Arkistoi tämä tieto" in action.text

    form = client.get(f"{page}/archive")
    assert form.status_code == 200
    assert "Arkistoi ”Kotihoidon iltavuorot”" in form.text
    assert "Miksi se arkistoidaan?" in form.text

    # A reason is required; nothing is recorded without one.
    with nothing_recorded(client, f"/api/initiatives/{initiative}/history"):
        blank = submit_form(client, f"{page}/archive", f"{page}/archive", {"reason": "  "})
        assert blank.status_code == 422
        assert field_error(parse(blank.text), "reason")

    archived = submit_form(client, f"{page}/archive", f"{page}/archive", {"reason": "Kirjattu kahdesti"})
    assert (archived.status_code, archived.headers["location"]) == (303, page)
    after = client.get(page)
    doc = parse(after.text)
    banner = doc.find(class_="archived-banner")
    assert "Arkistoitu" in banner.text and "Kirjattu kahdesti" in banner.text
    assert not doc.find_all(class_="archive-action")
    assert "Arkistoitu. Luettelot eivät enää näytä sitä" in after.text  # the flash
    # The history says it, with the reason.
    assert "Kirjattu kahdesti" in client.get(f"/api/initiatives/{initiative}/history").text

    # As of a day, the page shows the record as it was: no banner, no action.
    today = datetime.now(ZoneInfo(Settings.model_fields["timezone"].default)).date()  # the server's day
    as_of = client.get(page, params={"as_of_date": today.isoformat()})
    assert as_of.status_code == 200
    past = parse(as_of.text)
    assert not past.find_all(class_="archived-banner") and not past.find_all(class_="archive-action")

    # Archiving it again is refused in a sentence.
    again = client.get(f"{page}/archive")
    assert "Tämä tieto on jo arkistoitu." in again.text

    restored = post_form(client, page, f"{page}/restore", {})
    assert (restored.status_code, restored.headers["location"]) == (303, page)
    doc = parse(client.get(page).text)
    assert not doc.find_all(class_="archived-banner")
    assert doc.find_all(class_="archive-action")


def test_a_stale_restore_is_refused_and_records_nothing(client: TestClient) -> None:
    record = made(client)["organisation"]
    page = f"/organisations/{record}"
    assert client.post(f"/api{page}/archive", json={"reason": "Virhe"}).status_code == 200
    shown = client.get(page).text
    client.post(f"/api{page}/restore")
    client.post(f"/api{page}/archive", json={"reason": "Virhe taas"})
    with nothing_recorded(client, f"/api{page}/history"):
        stale = submit(client, shown, f"{page}/restore", {})
        assert stale.status_code == 409
        assert "Joku muutti tätä tietoa sillä välin" in stale.text


def test_the_list_hides_archived_records_unless_asked(client: TestClient) -> None:
    client.cookies.set(LANG_COOKIE, "sv")
    initiative = made(client)["initiative"]
    assert client.post(f"/api/initiatives/{initiative}/archive", json={"reason": "x"}).status_code == 200
    live = client.get("/initiatives")
    assert initiative not in live.text
    choice = parse(live.text).find(class_="archived-choice")
    links = {a.text.strip(): a.get("href") for a in choice.find_all("a")}
    assert links == {
        "Gällande": "/initiatives",
        "Även arkiverade": "/initiatives?archived=include",
        "Endast arkiverade": "/initiatives?archived=only",
    }
    assert initiative in client.get("/initiatives", params={"archived": "include"}).text
    only = parse(client.get("/initiatives", params={"archived": "only"}).text)
    assert "Arkiverad" in only.find(class_="archived-tag").text
    assert initiative in client.get("/initiatives", params={"archived": "only"}).text
    # Other filters are kept by the choice's links; a made-up value shows live records.
    filtered = parse(client.get("/initiatives", params={"q": "koti"}).text).find(class_="archived-choice")
    assert "/initiatives?q=koti&archived=include" in [a.get("href") for a in filtered.find_all("a")]
    assert initiative not in client.get("/initiatives", params={"archived": "everything"}).text


@pytest.mark.parametrize("kind", KINDS, ids=[k.record_type for k in KINDS])
def test_every_kind_has_an_archive_page(client: TestClient, kind: Any) -> None:
    """A record that is not there is a 404 page on every kind's archive form."""
    missing = client.get(f"{kind.path}/00000000-0000-4000-8000-000000000000/archive")
    assert missing.status_code == 404
