"""A history names the other records its entries refer to: by title, linked to the record's
page, and in words when the record cannot be found; never by id (present/history.py,
projections/record_titles.py). Both stores.

The wording tests write history rows straight into the read model, one referenced record per
field, so each field's wording is checked on its own; the last test goes through the
application and the pages: a development target's history names the rotation linked to it.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from domain.application import CommandContext
from domain.organisation import OrganisationKind
from present import history as history_views
from present.reader import Audience
from projections.evaluations import evaluations
from projections.history import history
from projections.programmes import programme_workshops
from services.bootstrap import Services

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ZONE = ZoneInfo("Europe/Helsinki")
MOMENT = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
GONE = {"fi": "(ei enää olemassa)", "sv": "(finns inte längre)", "en": "(no longer exists)"}


class Log:
    """History rows written straight into the read model (nothing else reads them here)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.position = 1000

    def record(self, record_type: str, title: str, changes: list[dict[str, Any]] | None = None) -> str:
        record_id = str(uuid4())
        self.row(record_type, record_id, title, changes or [])
        return record_id

    def row(
        self, record_type: str, record_id: str, title: str, changes: list[dict[str, Any]]
    ) -> dict[str, Any]:
        self.position += 1
        row = dict(
            position=self.position,
            record_type=record_type,
            record_id=record_id,
            record_title=title,
            version=1,
            event_type="Edited",
            recorded_at=MOMENT,
            occurred_on=None,
            actor_id=str(self.services.local_actor_id),
            changes=changes,
        )
        with self.services.projector.engine.begin() as conn:
            conn.execute(history.insert().values(**row))
        return row

    def entries(self, rows: list[dict[str, Any]], lang: str = "fi") -> list[dict[str, Any]]:
        reader = Audience(lang, ZONE, self.services.people)
        with self.services.projector.engine.connect() as conn:
            return history_views.entries(reader, conn, rows)


@pytest.fixture
def log(services: Services) -> Log:
    return Log(services)


def only_change(log: Log, field: str, old: Any, new: Any, lang: str = "fi") -> dict[str, Any]:
    row = log.row("rotation", str(uuid4()), "Jakso", [{"field": field, "old": old, "new": new}])
    [entry] = log.entries([row], lang)
    [change] = entry["changes"]
    return change


def shown_text(change: dict[str, Any]) -> str:
    return " ".join(str(change[k]) for k in ("label", "old", "new") if change[k] is not None)


@pytest.mark.parametrize(
    ("field", "record_type", "title", "page"),
    [
        ("campaign_id", "campaign", "Muutospäivä 2026", "/campaigns/"),
        ("initiative_id", "initiative", "Perustehtävän kirkastaminen", "/initiatives/"),
        ("target_id", "development_target", "Tavoitteellinen työkierto", "/targets/"),
        ("experiment_id", "experiment", "Vartin aamupalaveri", "/experiments/"),
        ("next_cycle_id", "experiment", "Toinen sykli", "/experiments/"),
        ("follows", "experiment", "Ensimmäinen sykli", "/experiments/"),
        ("inspired_by", "change_action", "Lupaan kysyä asukkaalta", "/actions/"),
        ("programme_id", "programme", "3W-ohjelma", "/programmes/"),
        ("measure_id", "measure", "Aamupalaverin kesto", "/measures/"),
    ],
)
def test_a_field_holding_a_record_shows_its_title_linked_to_its_page(
    log: Log, field: str, record_type: str, title: str, page: str
) -> None:
    referenced = log.record(record_type, title)
    change = only_change(log, field, None, referenced)
    assert change["new"] == title
    assert change["new_href"] == page + referenced
    assert not UUID_TEXT.search(shown_text(change))


def test_a_changed_reference_names_both_records(log: Log) -> None:
    before, after = log.record("campaign", "Kevät"), log.record("campaign", "Syksy")
    change = only_change(log, "campaign_id", before, after)
    assert (change["old"], change["new"]) == ("Kevät", "Syksy")
    assert (change["old_href"], change["new_href"]) == (f"/campaigns/{before}", f"/campaigns/{after}")


def test_a_record_is_named_by_its_latest_title(log: Log) -> None:
    campaign = log.record("campaign", "Muutospäivä")
    log.row("campaign", campaign, "Muutospäivä 2026", [{"field": "name", "old": "Muutospäivä", "new": "…"}])
    assert only_change(log, "campaign_id", None, campaign)["new"] == "Muutospäivä 2026"


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_a_reference_that_no_longer_resolves_says_so_in_words(log: Log, lang: str) -> None:
    change = only_change(log, "campaign_id", None, str(uuid4()), lang)
    assert change["new"] == GONE[lang]
    assert change["new_href"] is None
    assert not UUID_TEXT.search(shown_text(change))


def test_a_linked_record_is_named_in_the_label_with_a_link(log: Log) -> None:
    """The issue's case: a target's history said "Linkitetty tieto: 49b00172-…"."""
    rotation = log.record("rotation", "Kotihoito → Ympärivuorokautinen hoito")
    change = only_change(log, f"links.{rotation}", None, "rotation")
    assert change["label"] == "Linkitetty tieto: Kotihoito → Ympärivuorokautinen hoito"
    assert change["about"] == {
        "name": "Kotihoito → Ympärivuorokautinen hoito",
        "href": f"/rotations/{rotation}",
    }
    assert change["new"] == "Työkiertojakso"
    unlinked = only_change(log, f"links.{uuid4()}", "rotation", None)
    assert unlinked["label"] == "Linkitetty tieto: (ei enää olemassa)"
    assert unlinked["about"] is None


def test_a_programmes_initiative_and_workshop_are_named(log: Log, services: Services) -> None:
    initiative = log.record("initiative", "Arjen kuntoutus")
    programme, workshop = str(uuid4()), str(uuid4())
    with services.projector.engine.begin() as conn:
        conn.execute(
            programme_workshops.insert().values(
                id=workshop,
                valid_from=1,
                valid_to=None,
                programme_id=programme,
                created_position=1,
                day="2026-04-01",
                title="Työpaja 3",
                kind="workshop",
                agenda="",
                held=False,
                held_on=None,
                reschedule_reason="",
                updated_at=MOMENT,
            )
        )
    enrolled = only_change(log, f"initiatives.{initiative}", None, "enrolled")
    assert enrolled["label"] == "Kehittämishanke: Arjen kuntoutus"
    assert enrolled["about"]["href"] == f"/initiatives/{initiative}"
    held = only_change(log, f"workshops.{workshop}.held", False, True)
    assert held["label"].startswith("Työpaja: Työpaja 3 · ")
    assert held["about"]["href"] == f"/programmes/{programme}/workshops/{workshop}"


def test_an_evaluation_is_named_by_its_day(log: Log, services: Services) -> None:
    initiative, evaluation = str(uuid4()), str(uuid4())
    with services.projector.engine.begin() as conn:
        conn.execute(
            evaluations.insert().values(
                evaluation_id=evaluation,
                initiative_id=initiative,
                position=1,
                evaluated_on="2026-05-04",
                method="self",
                effects={},
                costs_text="",
                costs_amount_eur=None,
                worked="",
                did_not_work="",
                lessons="",
                recommendation="spread",
                recorded_at=MOMENT,
                actor_id=str(services.local_actor_id),
            )
        )
    for lang, words in (
        ("fi", "arviointi 4.5.2026"),
        ("sv", "utvärdering 4 maj 2026"),
        ("en", "evaluation of"),
    ):
        change = only_change(log, "evaluation", None, evaluation, lang)
        assert words in change["new"], (lang, change["new"])
        assert change["new_href"] == f"/initiatives/{initiative}/evaluations"


# ---- through the application and the pages -------------------------------------------------


def test_a_targets_history_page_names_the_linked_rotation_and_a_pledges_its_campaign(
    services: Services, client: TestClient
) -> None:
    app, ctx = services.app, CommandContext(actor=services.local_actor_id)
    org = app.register_organisation(
        ctx, name="Haminan kaupunki", kind=OrganisationKind.MUNICIPALITY
    ).record_id
    app.add_unit(ctx, org, name="Kotihoito")
    app.add_unit(ctx, org, name="Vuodeosasto")
    home, host = (UUID(u) for u in app.get_organisation(org).units)
    with services.people.engine.begin() as conn:
        person = services.people.register(conn, {"name": "Maija Mentor"})
    target = app.define_target(
        ctx,
        fields={
            "title": "Tavoitteellinen työkierto",
            "strategy": "develop",
            "responsible_role": "unit_manager",
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 12, 31),
        },
    ).record_id
    rotation = app.propose_rotation(
        ctx,
        person_id=person,
        home_organisation_id=org,
        home_unit_id=home,
        host_organisation_id=org,
        host_unit_id=host,
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 9, 30),
        learning_goals=["Kirjaaminen"],
    ).record_id
    app.link_to_target(ctx, target, record_type="rotation", record_id=rotation)
    campaign = app.create_campaign(
        ctx, fields={"name": "Muutospäivä 2026", "held_on": date(2026, 3, 12), "target_count": 40}
    ).record_id
    action = app.pledge_action(
        ctx, campaign, fields={"text": "Lupaan kysyä", "team": "Tiimi", "category": "other"}
    ).record_id
    services.projector.catch_up()

    client.cookies.set("kipina_lang", "fi")
    page = client.get(f"/targets/{target}/history").text
    assert f'Linkitetty tieto: <a href="/rotations/{rotation}">' in page
    assert str(rotation) not in _text(page)
    page = client.get(f"/actions/{action}").text
    assert f'<a href="/campaigns/{campaign}">Muutospäivä 2026</a>' in page
    assert str(campaign) not in _text(page)


def _text(page: str) -> str:
    """The page without its tags (ids in links and form values are not read by a person)."""
    return re.sub(r"<[^>]*>", " ", page)
