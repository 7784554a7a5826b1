"""A person's pledge counts where the person works, and the pledge import names categories
the way its reader can write them. Both stores.

* A pledge that names a person from the registry, and neither an organisation nor a unit,
  takes the person's organisation and unit (the command path does it, so the JSON API, the
  pledge page, which names the signed-in person unless another is chosen, and the CSV import
  all do). A pledge that names its own organisation keeps it; a team's pledge and a person
  without a place in the registry stay without one.
* A row whose category is none of the accepted words is refused with every category named:
  on the page by its label in the reader's language with its code beside it, in the API's
  report by its code with its label in the request's language.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient

from domain.application import CommandContext, Kipina
from domain.errors import InvalidField
from scripts import import_pledges as import_script
from services.bootstrap import Services
from services.settings import Settings
from tests.integration.api_helpers import (
    Org,
    all_events,
    assert_problem,
    register_organisation,
    register_person,
)
from tests.integration.page_helpers import LANG_COOKIE, form_fields, form_values, parse, submit

CSV = {"Content-Type": "text/csv"}
PLEDGE = "Lupaan kysyä asiakkaalta, mikä hänelle on tärkeintä."
BAD_CATEGORY_CSV = "text;team;category\nLupaan hymyillä;Kotihoito;tärkeä\n"
# Every category as the page names it: its label in the reader's language, its code beside it.
PAGE_CHOICES = {
    "fi": ("Potilas- tai asiakaskokemus (patient_experience)", "Ympäristö (environment)", "Muu (other)"),
    "sv": ("Patient- eller kundupplevelse (patient_experience)", "Miljö (environment)", "Annat (other)"),
    "en": ("Patient or customer experience (patient_experience)", "Environment (environment)"),
}
# … and as the API's report names it: the code, its label in the request's language beside it.
API_CHOICES = {
    "fi": ("patient_experience (Potilas- tai asiakaskokemus)", "environment (Ympäristö)", "other (Muu)"),
    "sv": ("environment (Miljö)", "other (Annat)"),
    "en": ("patient_experience (Patient or customer experience)", "environment (Environment)"),
}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


class Place:
    """An organisation with two units, Maija (placed in its home care) and Paavo (no place)."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.org: Org = register_organisation(
            client, "Haminan kaupunki", "municipality", ("Kotihoito", "Vuodeosasto")
        )
        self.other: Org = register_organisation(client, "Kotkan kaupunki", "municipality", ("Kirjasto",))
        self.kotihoito = self.org.units["Kotihoito"]
        self.maija = register_person(
            client,
            "Maija Meikäläinen",
            "maija@hamina.fi",
            organisation_id=self.org.id,
            unit_id=self.kotihoito,
        )["id"]
        self.paavo = register_person(client, "Paavo Paikaton", "paavo@hamina.fi")["id"]
        body = {"name": "Muutospäivä 2026", "date": "2026-03-12", "target_count": 40}
        self.campaign = ok(client.post("/api/campaigns", json=body), 201)["id"]

    def pledge(self, **fields: Any) -> dict[str, Any]:
        body = {"text": PLEDGE, "category": "other", **fields}
        created = ok(self.client.post(f"/api/campaigns/{self.campaign}/actions", json=body), 201)
        return ok(self.client.get(f"/api/actions/{created['id']}"))  # type: ignore[no-any-return]

    def place_of(self, action: dict[str, Any]) -> tuple[str | None, str | None]:
        return (
            action["organisation"]["id"] if action.get("organisation") else None,
            action["unit"]["id"] if action.get("unit") else None,
        )


@pytest.fixture
def p(client: TestClient) -> Place:
    return Place(client)


# ---- the pledge's organisation and unit ------------------------------------------------------


def test_a_persons_pledge_takes_the_persons_organisation_and_unit(p: Place) -> None:
    action = p.pledge(person_id=p.maija)
    assert p.place_of(action) == (p.org.id, p.kotihoito)
    wall = ok(p.client.get(f"/api/campaigns/{p.campaign}/wall"))
    [group] = wall["organisations"]
    assert group["organisation"]["id"] == p.org.id and group["pledged"] == 1


def test_a_place_given_explicitly_is_kept(p: Place) -> None:
    vuodeosasto = p.org.units["Vuodeosasto"]
    assert p.place_of(p.pledge(person_id=p.maija, organisation_id=p.other.id)) == (p.other.id, None)
    given = p.pledge(person_id=p.maija, organisation_id=p.org.id, unit_id=vuodeosasto)
    assert p.place_of(given) == (p.org.id, vuodeosasto)


def test_a_team_and_a_person_without_a_place_stay_without_one(p: Place) -> None:
    assert p.place_of(p.pledge(team="Kotihoidon tiimi 3")) == (None, None)
    assert p.place_of(p.pledge(person_id=p.paavo)) == (None, None)


def test_the_place_taken_is_recorded_in_the_event(p: Place) -> None:
    action = p.pledge(person_id=p.maija)
    [pledged] = [e for e in all_events(p.client) if action["id"] in str(e) and "Pledged" in str(e)]
    assert p.org.id in str(pledged) and p.kotihoito in str(pledged), pledged


def test_a_refused_pledge_records_nothing(p: Place) -> None:
    events = all_events(p.client)
    refused = p.client.post(
        f"/api/campaigns/{p.campaign}/actions",
        json={"text": PLEDGE, "category": "other", "person_id": str(uuid4())},
    )
    assert_problem(refused, 422, field="person_id")
    unit_elsewhere = p.client.post(
        f"/api/campaigns/{p.campaign}/actions",
        json={
            "text": PLEDGE,
            "category": "other",
            "person_id": p.maija,
            "organisation_id": p.other.id,
            "unit_id": p.kotihoito,
        },
    )
    assert_problem(unit_elsewhere, 422, field="unit_id")
    assert all_events(p.client) == events


def test_the_pledge_page_takes_the_signed_in_persons_place(
    p: Place, client: TestClient, services: Services
) -> None:
    actor = str(services.local_actor_id)
    ok(client.patch(f"/api/people/{actor}", json={"organisation_id": p.org.id, "unit_id": p.kotihoito}))
    client.cookies.set(LANG_COOKIE, "fi")
    path = f"/campaigns/{p.campaign}/pledge"
    shown = client.get(path).text
    assert form_values(shown, path)["person_id"] == actor  # the page names the signed-in person
    answer = submit(client, shown, path, {"text": PLEDGE, "pledger": "person", "category": "other"})
    assert answer.status_code == 303, answer.text
    action = ok(client.get("/api/" + answer.headers["location"].lstrip("/")))
    assert p.place_of(action) == (p.org.id, p.kotihoito)
    hint = parse(client.get(path).text).text
    assert "henkilön lupaus lasketaan sinne, missä hän työskentelee" in hint


def test_an_imported_persons_pledge_takes_the_persons_place(p: Place) -> None:
    text = (
        "text;person_email;team;organisation;unit;category\n"
        f"{PLEDGE};maija@hamina.fi;;;;muu\n"
        f"Lupaan kuunnella;maija@hamina.fi;;Kotkan kaupunki;;muu\n"
        "Me lupaamme;;Tiimi;;;muu\n"
    )
    report = ok(
        p.client.post(f"/api/campaigns/{p.campaign}/actions/import", content=text.encode(), headers=CSV)
    )
    assert (report["imported"], report["rejected_count"]) == (3, 0)
    actions = ok(p.client.get("/api/actions", params={"campaign_id": p.campaign}))["items"]
    places = {a["text"]: p.place_of(a) for a in actions}
    assert places == {
        PLEDGE: (p.org.id, p.kotihoito),
        "Lupaan kuunnella": (p.other.id, None),
        "Me lupaamme": (None, None),
    }


def test_a_place_the_organisations_do_not_know_is_not_taken() -> None:
    """The registry's place is checked against the organisations once per person; one they
    do not know leaves the pledge without a place rather than refusing it."""

    class Stale:
        def exists(self, person_id: UUID) -> bool:
            return True

        def placement(self, person_id: UUID) -> tuple[UUID | None, UUID | None]:
            return uuid4(), uuid4()

    app = Kipina({"PERSISTENCE_MODULE": "eventsourcing.popo"}, people=Stale())
    ctx = CommandContext(actor=uuid4())
    campaign = app.create_campaign(
        ctx, fields={"name": "Muutospäivä", "held_on": date(2026, 3, 12), "target_count": 1}
    ).record_id
    action = app.pledge_action(
        ctx, campaign, fields={"text": PLEDGE, "person_id": uuid4(), "category": "other"}
    )
    pledged = app.get_change_action(action.record_id)
    assert (pledged.organisation_id, pledged.unit_id) == (None, None)
    with pytest.raises(InvalidField):
        app.pledge_action(
            ctx,
            campaign,
            fields={"text": PLEDGE, "person_id": uuid4(), "organisation_id": uuid4(), "category": "other"},
        )


# ---- the import's words for a category -------------------------------------------------------


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_api_names_every_category_by_code_and_label_in_the_requests_language(p: Place, lang: str) -> None:
    answer = p.client.post(
        f"/api/campaigns/{p.campaign}/actions/import",
        content=BAD_CATEGORY_CSV.encode(),
        headers={**CSV, "Accept-Language": lang},
    )
    [row] = ok(answer)["rejected"]
    [reason] = row["reasons"]
    assert reason.startswith("'tärkeä' is not a category of a Change Day action; use one of: "), reason
    for shown in API_CHOICES[lang]:
        assert shown in reason, (lang, reason)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_import_page_names_every_category_in_the_readers_language(
    p: Place, client: TestClient, lang: str
) -> None:
    client.cookies.set(LANG_COOKIE, lang)
    path = f"/campaigns/{p.campaign}/import"
    fields = form_fields(client.get(path).text, path)
    answer = client.post(
        path, data=fields, files={"file": ("lupaukset.csv", BAD_CATEGORY_CSV.encode(), "text/csv")}
    )
    assert answer.status_code == 200, answer.text
    rejected = " ".join(parse(answer.text).by_id("rejected").text.split())
    for shown in PAGE_CHOICES[lang]:
        assert shown in rejected, (lang, rejected)
    if lang == "fi":
        assert "”tärkeä” ei ole Change Day -teon luokka" in rejected


def test_a_file_without_a_category_column_is_refused_and_records_nothing(p: Place) -> None:
    events = all_events(p.client)
    answer = p.client.post(
        f"/api/campaigns/{p.campaign}/actions/import", content=b"text;team\nLupaan;Tiimi\n", headers=CSV
    )
    assert_problem(answer, 422, field="file")
    assert all_events(p.client) == events


def test_the_import_script_names_every_category_by_code_and_name(
    p: Place,
    store: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("KIPINA_DATA_DIR", str(store.data_dir))
    monkeypatch.setenv("KIPINA_DATABASE_URL", store.database_url or "")
    path = tmp_path / "lupaukset.csv"
    path.write_text(BAD_CATEGORY_CSV, encoding="utf-8")
    assert import_script.main([p.campaign, str(path), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "line 2: 'tärkeä' is not a category of a Change Day action; use one of: " in out
    assert "patient_experience (Patient or customer experience)" in out and "other (Other)" in out
