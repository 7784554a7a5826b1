"""The good practices read model (projections/good_practices.py): practices drafted from
initiatives, their published versions and retractions, the internal catalogue's filters and the
public catalogue, fed by the application's commands and read back now and as of a log position.
Both stores. The practice is Oulunkaari's "Kehittäminen kuuluu kaikille" (../shared/seeds).

The working copy's fields, which have rows of their own, are checked version by version in
test_good_practice_fields_read_model.py."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.application import CommandContext
from domain.organisation import OrganisationKind
from projections import good_practices
from projections.good_practices import PracticeFilter
from services.bootstrap import Services


@pytest.fixture
def ctx(services: Services) -> CommandContext:
    return CommandContext(actor=services.local_actor_id)


def last(receipt: Any) -> int:
    position = receipt.last_position
    assert isinstance(position, int)
    return position


def ids(rows: list[dict[str, Any]]) -> list[UUID]:
    return [UUID(r["id"]) for r in rows]


def public(rows: list[dict[str, Any]]) -> list[tuple[UUID, int]]:
    return [(UUID(r["practice_id"]), r["version"]) for r in rows]


OULUNKAARI = {
    "name": "Kehittäminen kuuluu kaikille",
    "short_description": "Jokainen työntekijä voi kokeilla ja kehittää",
    "where_implemented": "Oulunkaaren kuntayhtymä",
    "basic_idea": "Kokeilut kirjataan ja niistä opitaan yhdessä",
    "target_group_and_customer_understanding": "Koko henkilöstö",
    "operating_environment": "Sosiaali- ja terveyspalvelut",
    "conditions_for_adoption": "Johdon tuki ja kehittämistiimi",
    "evaluation_results": "Muutospäivänä sata kädenjälkeä",
    "tips_for_adopters": "Aloita Innovaattori-koulutuksesta",
    "development_phase": "ready",
    "topics": ["Kokeilukulttuuri", "Lean"],
    "target_groups": ["Henkilöstö"],
    "internal_notes": "Kuvat puuttuvat",
}


def test_practices_versions_retractions_and_catalogues(services: Services, ctx: CommandContext) -> None:
    app = services.app
    org = app.register_organisation(
        ctx, name="Oulunkaaren kuntayhtymä", kind=OrganisationKind.JOINT_AUTHORITY
    ).record_id
    kaikille = app.propose_initiative(
        ctx, fields={"title": "Kehittäminen kuuluu kaikille", "organisation_id": org}
    ).record_id
    hamina = app.propose_initiative(ctx, fields={"title": "Sisäiset kehittäjät"}).record_id
    quiet = app.propose_initiative(ctx, fields={"title": "Ei käytäntöä"}).record_id
    first_draft = app.draft_good_practice(ctx, kaikille, prefilled={}, overrides=OULUNKAARI)
    p1 = first_draft.record_id
    p2 = app.draft_good_practice(
        ctx, hamina, prefilled={}, overrides={"name": "Sisäiset kehittäjät", "topics": ["Lean"]}
    ).record_id
    drafted = services.projector.catch_up()
    first = last(app.publish_good_practice(ctx, p1))
    services.projector.catch_up()
    app.edit_good_practice(ctx, p1, fields={"development_phase": "spread", "topics": ["Kokeilukulttuuri"]})
    second = last(app.publish_good_practice(ctx, p1))
    services.projector.catch_up()
    retracted = last(app.retract_good_practice(ctx, p1, reason="Luvut tarkistetaan"))
    services.projector.catch_up()
    app.edit_good_practice(ctx, p1, fields={"evaluation_results": "Muutospäivänä 120 kädenjälkeä"})
    third = last(app.publish_good_practice(ctx, p1))
    services.projector.catch_up()

    with services.projector.engine.connect() as conn:
        now = good_practices.get(conn, p1)
        assert now is not None
        assert {
            k: now[k]
            for k in (
                "version",
                "initiative_id",
                "organisation_id",
                "unit_id",
                "status",
                "name",
                "development_phase",
                "drafted_source_version",
                "published_version",
                "retracted_reason",
                "topics_key",
                "target_groups_key",
                "created_position",
            )
        } == {
            "version": 7,
            "initiative_id": str(kaikille),
            "organisation_id": str(org),
            "unit_id": None,
            "status": "published",
            "name": "Kehittäminen kuuluu kaikille",
            "development_phase": "spread",
            "drafted_source_version": 1,
            "published_version": 3,
            "retracted_reason": "",
            "topics_key": "|kokeilukulttuuri|",
            "target_groups_key": "|henkilöstö|",
            "created_position": last(first_draft),
        }
        assert now["published_fields"]["evaluation_results"] == "Muutospäivänä 120 kädenjälkeä"
        assert "internal_notes" not in now["published_fields"]
        assert not good_practices.has_unpublished_changes(now)
        then = good_practices.get(conn, p1, retracted)
        assert then is not None
        assert (then["status"], then["retracted_reason"], then["published_version"]) == (
            "retracted",
            "Luvut tarkistetaan",
            2,
        )
        assert then["published_fields"]["development_phase"] == "spread"
        draft = good_practices.get(conn, p1, drafted)
        assert draft is not None and (draft["status"], draft["published_fields"], draft["topics_key"]) == (
            "draft",
            {},
            "|kokeilukulttuuri|lean|",
        )
        assert good_practices.get(conn, uuid4()) is None

        # Published versions, oldest first, with their retraction as of a position.
        versions = good_practices.versions(conn, p1)
        assert [(v["version"], v["position"], v["development_phase"]) for v in versions] == [
            (1, first, "ready"),
            (2, second, "spread"),
            (3, third, "spread"),
        ]
        assert [v["retraction"] is not None for v in versions] == [False, True, False]
        retraction = versions[1]["retraction"]
        assert (retraction["reason"], retraction["position"], retraction["retracted_by"]) == (
            "Luvut tarkistetaan",
            retracted,
            str(ctx.actor),
        )
        assert [(v["version"], v["retraction"]) for v in good_practices.versions(conn, p1, second)] == [
            (1, None),
            (2, None),
        ]
        assert versions[0]["fields"]["topics"] == ["Kokeilukulttuuri", "Lean"]
        assert (versions[0]["source_version"], versions[0]["organisation_id"]) == (1, str(org))
        one = good_practices.version(conn, p1, 1)
        assert one is not None and one["name"] == "Kehittäminen kuuluu kaikille"
        assert good_practices.version(conn, p1, 3, second) is None

        # The public catalogue: the newest version unless retracted then; filters; as of.
        def catalogue(flt: PracticeFilter, as_of: int | None = None) -> list[tuple[UUID, int]]:
            return public(good_practices.published(conn, flt, limit=10, as_of=as_of)[0])

        assert catalogue(PracticeFilter()) == [(p1, 3)]
        assert catalogue(PracticeFilter(), drafted) == []
        assert catalogue(PracticeFilter(), first) == [(p1, 1)]
        assert catalogue(PracticeFilter(), second) == [(p1, 2)]
        assert catalogue(PracticeFilter(), retracted) == []
        assert catalogue(PracticeFilter(topic="LEAN"), first) == [(p1, 1)]
        assert catalogue(PracticeFilter(topic="lean")) == []
        assert catalogue(PracticeFilter(target_group="henkilöstö")) == [(p1, 3)]
        assert catalogue(PracticeFilter(organisation_id=org)) == [(p1, 3)]
        assert catalogue(PracticeFilter(phase="ready")) == []
        assert catalogue(PracticeFilter(phase="ready"), first) == [(p1, 1)]
        assert catalogue(PracticeFilter(q="120 KÄDENJÄLKEÄ")) == [(p1, 3)]
        assert catalogue(PracticeFilter(q="kuvat")) == []  # internal notes are never public
        assert catalogue(PracticeFilter(initiative_id=hamina)) == []
        public_now = good_practices.published_version(conn, p1)
        assert public_now is not None and public_now["version"] == 3
        assert good_practices.published_version(conn, p1, retracted) is None
        assert good_practices.published_version(conn, p2) is None
        assert public(good_practices.published_of_initiatives(conn, [str(kaikille), str(hamina)])) == [
            (p1, 3)
        ]
        assert good_practices.published_of_initiatives(conn, [str(kaikille)], retracted) == []
        assert good_practices.published_of_initiatives(conn, []) == []

        # The internal catalogue: working copies, by status, topic, organisation, phase, initiative.
        def internal(flt: PracticeFilter, as_of: int | None = None) -> list[UUID]:
            return ids(good_practices.search(conn, flt, limit=10, as_of=as_of)[0])

        assert internal(PracticeFilter()) == [p2, p1]
        assert internal(PracticeFilter(status="draft")) == [p2]
        assert internal(PracticeFilter(status="draft"), drafted) == [p2, p1]
        assert internal(PracticeFilter(status="retracted"), retracted) == [p1]
        assert internal(PracticeFilter(topic="lean")) == [p2]
        assert internal(PracticeFilter(topic="lean"), drafted) == [p2, p1]
        assert internal(PracticeFilter(organisation_id=org)) == [p1]
        assert internal(PracticeFilter(phase="spread")) == [p1]
        assert internal(PracticeFilter(phase="idea")) == [p2]  # a draft starts as an idea
        assert internal(PracticeFilter(initiative_id=hamina)) == [p2]
        assert internal(PracticeFilter(q="kuvat")) == []  # nor are they searched internally

        assert ids(good_practices.of_initiative(conn, kaikille)) == [p1]
        assert good_practices.initiatives_with_practices(conn, [str(kaikille), str(hamina), str(quiet)]) == {
            str(kaikille),
            str(hamina),
        }
        assert good_practices.initiatives_with_practices(
            conn, [str(kaikille), str(hamina)], last(first_draft)
        ) == {str(kaikille)}
        assert good_practices.initiatives_with_practices(conn, []) == set()
