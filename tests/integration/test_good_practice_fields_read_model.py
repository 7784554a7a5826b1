"""A good practice's working copy lives in versioned rows of its own, one per field, and its
published fields only in the published version's row (projections/good_practices.py), so that
an edit writes the fields it changes and not three copies of ~150,000 characters. Read back,
`fields` and `published_fields` must be exactly what the domain holds, in the domain's order,
at every version; the internal catalogue's ?q= finds a practice by its working copy or its
newest published text, as before; history shows each edited field's old value. Both stores.

The oracle is the domain itself: the aggregate replayed to each version.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from domain.good_practice import PUBLIC_FIELDS, GoodPractice
from projections import good_practices
from projections.history import history
from services.bootstrap import Services
from tests.integration.test_initiative_lists_read_model import counted

FILLED = {
    "name": "Porrastetut aamukäynnit",
    "short_description": "Kotihoidon käynnit alkavat ajallaan",
    "where_implemented": "Heinävesi",
    "basic_idea": "Käynnit porrastetaan tiimeittäin",
    "target_group_and_customer_understanding": "Kotihoidon asiakkaat",
    "operating_environment": "Kunnan kotihoito",
    "conditions_for_adoption": "Tiimien vuorolistat",
    "evaluation_results": "Myöhästymiset puolittuivat",
    "tips_for_adopters": "Aloita yhdestä tiimistä",
    "topics": ["Kotihoito", "Lean"],
    "target_groups": ["Ikääntyneet"],
    "internal_notes": "Sisäinen: kysy Maijalta luvat",
}


def found_by(fields: dict[str, Any], published: dict[str, Any], word: str) -> bool:
    """What ?q= promised before the split: a word of the working copy's or the newest published
    version's public text (never the internal notes)."""

    def text(values: dict[str, Any]) -> str:
        return "\n".join(
            " ".join(v) if isinstance(v, list) else str(v or "")
            for v in (values.get(n) for n in PUBLIC_FIELDS)
        ).casefold()

    return word.casefold() in text(fields) or (bool(published) and word.casefold() in text(published))


def test_fields_and_published_fields_read_back_as_the_domain_holds_them_at_every_version(
    services: Services,
) -> None:
    actor = services.local_actor_id
    practice = GoodPractice.draft(
        practice_id=uuid.uuid4(),
        actor=actor,
        initiative_id=uuid.uuid4(),
        organisation_id=None,
        unit_id=None,
        source_version=3,
        fields=FILLED,
    )
    practice.edit(actor=actor, fields={"region": "Etelä-Savo", "funder": "Sote-uudistus"})
    services.app.save(practice)
    services.projector.catch_up()
    practice.publish(actor=actor, source_version=3, source_position=7)
    practice.edit(actor=actor, fields={"name": "Porrastetut kotikäynnit", "topics": ["Kotihoito"]})
    practice.edit(actor=actor, fields={"internal_notes": "Luvat saatu"})
    services.app.save(practice)
    services.projector.catch_up()
    practice.publish(actor=actor, source_version=4, source_position=9)
    practice.edit(actor=actor, fields={"short_description": "Käynnit alkavat nyt ajallaan"})
    practice.retract(actor=actor, reason="Tarkistetaan luvut")
    services.app.save(practice)
    services.projector.catch_up()

    words = ["aamukäynnit", "KOTIKÄYNNIT", "lean", "etelä-savo", "luvat", "nyt", "ajallaan", "sote"]
    with services.projector.engine.connect() as conn:
        h = history.c
        made = conn.execute(
            select(h.version, h.position, h.changes).where(h.record_id == str(practice.id))
        ).all()
        assert [r.version for r in sorted(made)] == list(range(1, practice.version + 1))
        for version, position, _ in made:
            then = services.app.repository.get(practice.id, version=version)
            row = good_practices.get(conn, practice.id, position)
            assert row is not None and row["version"] == version
            assert list(row["fields"].items()) == list(then.fields.items()), f"fields at version {version}"
            assert row["published_fields"] == then.published_fields, f"published at version {version}"
            assert good_practices.has_unpublished_changes(row) == (
                bool(then.published_version) and then.has_unpublished_changes
            )
            [listed] = good_practices.of_initiative(conn, then.initiative_id, position)
            assert (listed["fields"], listed["published_fields"]) == (row["fields"], row["published_fields"])
            for word in words:
                page, _ = good_practices.search(
                    conn, good_practices.PracticeFilter(q=word), limit=5, as_of=position
                )
                wanted = found_by(then.fields, then.published_fields, word)
                assert bool(page) == wanted, f"?q={word} at version {version}"
                if page:
                    assert page[0]["fields"] == row["fields"]
        now = good_practices.get(conn, practice.id)
        assert now is not None and now["fields"] == practice.fields
        changes = {version: changed for version, _, changed in made}
    assert changes[2] == [
        {"field": "region", "old": "", "new": "Etelä-Savo"},
        {"field": "funder", "old": "", "new": "Sote-uudistus"},
    ]
    assert changes[4] == [
        {"field": "name", "old": "Porrastetut aamukäynnit", "new": "Porrastetut kotikäynnit"},
        {"field": "topics", "old": ["Kotihoito", "Lean"], "new": ["Kotihoito"]},
    ]
    assert changes[5] == [{"field": "internal_notes", "old": FILLED["internal_notes"], "new": "Luvat saatu"}]


def test_a_catalogue_page_reads_the_fields_in_one_query_whatever_its_length(services: Services) -> None:
    actor = services.local_actor_id
    made = []
    for n in range(12):
        practice = GoodPractice.draft(
            practice_id=uuid.uuid4(),
            actor=actor,
            initiative_id=uuid.uuid4(),
            organisation_id=None,
            unit_id=None,
            source_version=1,
            fields={**FILLED, "name": f"Käytäntö {n}"},
        )
        practice.publish(actor=actor, source_version=1, source_position=1)
        made.append(practice)
    services.app.save(*made)
    services.projector.catch_up()
    with services.projector.engine.connect() as conn:
        counts = {}
        for size in (2, 12):
            with counted(conn) as statements:
                page, _ = good_practices.search(conn, good_practices.PracticeFilter(), limit=size)
            assert len(page) == size
            assert all(r["fields"]["internal_notes"] and r["published_fields"]["name"] for r in page)
            counts[size] = len(statements)
    assert counts[2] == counts[12] == 3, "the page, its fields and its published versions"
