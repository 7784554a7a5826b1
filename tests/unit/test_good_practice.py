"""The GoodPractice aggregate: drafting, editing the working copy, publishing versions
(the first `Published`, later ones `Revised`), retracting and publishing again.

The text is Oulunkaari's Innokylä operating model "Kehittäminen kuuluu kaikille" (seed 003).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.errors import InvalidField, InvalidFields, RuleViolation
from domain.good_practice import (
    INTERNAL_FIELDS,
    NAME_MAX,
    PUBLIC_FIELDS,
    REQUIRED_TO_PUBLISH,
    SHORT_MAX,
    TAG_MAX,
    TAGS_MAX,
    TEXT_MAX,
    GoodPractice,
    Phase,
    Status,
    clean_fields,
    empty_fields,
    missing_for_publishing,
)

ACTOR = uuid4()
INITIATIVE = uuid4()
ORGANISATION = uuid4()
NAME = "Kehittäminen kuuluu kaikille"
NOTE = "SISÄINEN-MUISTIINPANO-123"
# Every field Innokylä requires, as Oulunkaari filled them in.
COMPLETE: dict[str, Any] = {
    "name": NAME,
    "short_description": "Kehittäminen kuuluu Oulunkaarella jokaiselle henkilöstöstä luottamuselimiin.",
    "where_implemented": "Oulunkaaren kuntayhtymän soten kehittämistiimi.",
    "region": "Pohjois-Pohjanmaa",
    "funder": "Ei erillisrahoitusta",
    "basic_idea": "Viestintä: kehittäminen näkyy ja kuuluu. Yhteiset kehittämisen areenat.",
    "operating_environment": "Kehittämisen ja kokeilujen vauhdittaminen.",
    "target_group_and_customer_understanding": "Jokainen Oulunkaarella henkilöstöstä luottamuselimiin.",
    "conditions_for_adoption": "Kehittämisen kulttuuri ja kokeiluihin kannustaminen.",
    "evaluation_results": "Vaikutukset ovat olleet toiminnallisesti ja taloudellisesti merkittäviä.",
    "tips_for_adopters": "Liitteenä Oulunkaaren kehittäjäopas vinkiksi.",
    "development_phase": "ready",
    "topics": ["Kuntayhtymä", "Järjestäminen"],
    "phenomena": [],
    "target_groups": ["Työikäiset"],
    "internal_notes": NOTE,
}


def draft(**fields: Any) -> GoodPractice:
    return GoodPractice.draft(
        practice_id=uuid4(),
        actor=ACTOR,
        initiative_id=INITIATIVE,
        organisation_id=ORGANISATION,
        unit_id=None,
        source_version=3,
        fields=fields if fields else {"name": NAME},
    )


def complete() -> GoodPractice:
    return draft(**COMPLETE)


def published(source_version: int = 3, source_position: int = 40) -> GoodPractice:
    practice = complete()
    assert practice.publish(actor=ACTOR, source_version=source_version, source_position=source_position) == 1
    return practice


def replayed(practice: GoodPractice) -> GoodPractice:
    copy: Any = None
    for event in practice.collect_events():
        copy = event.mutate(copy)
    assert isinstance(copy, GoodPractice)
    return copy


def state(practice: GoodPractice) -> tuple[Any, ...]:
    return (
        practice.id,
        practice.version,
        practice.initiative_id,
        practice.organisation_id,
        practice.unit_id,
        practice.fields,
        practice.status,
        practice.published_version,
        practice.published_fields,
        practice.published_source_version,
        practice.retracted_reason,
    )


# ---- drafting --------------------------------------------------------------------


def test_a_draft_holds_its_source_and_a_full_working_copy() -> None:
    practice = draft(name=f"  {NAME} ", topics=["Kuntayhtymä"])
    (event,) = practice.pending_events
    assert isinstance(event, GoodPractice.Drafted)
    assert (event.initiative_id, event.organisation_id, event.source_version) == (INITIATIVE, ORGANISATION, 3)
    assert event.fields == {"name": NAME, "topics": ["Kuntayhtymä"]}, "only the cleaned fields given"
    assert practice.status is Status.DRAFT
    assert (practice.published_version, practice.published_fields) == (0, {})
    assert practice.fields["name"] == NAME and practice.fields["topics"] == ["Kuntayhtymä"]
    assert set(practice.fields) == set(PUBLIC_FIELDS) | set(INTERNAL_FIELDS), "every field has a value"
    assert practice.fields["development_phase"] == "idea" and practice.fields["basic_idea"] == ""
    assert practice.has_unpublished_changes


@pytest.mark.parametrize("name", [None, "", "   "])
def test_a_draft_needs_a_name(name: str | None) -> None:
    with pytest.raises(InvalidField) as refused:
        draft(name=name, basic_idea="Jotain")
    assert refused.value.field == "name"
    assert refused.value.detail == "name is required and cannot be blank."


def test_a_draft_without_the_name_key_is_refused() -> None:
    with pytest.raises(InvalidField) as refused:
        GoodPractice.draft(
            practice_id=uuid4(),
            actor=ACTOR,
            initiative_id=INITIATIVE,
            organisation_id=None,
            unit_id=None,
            source_version=1,
            fields={"basic_idea": "Jotain"},
        )
    assert refused.value.field == "name"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"colour": "punainen"}, "colour", "is not a field of a good practice"),
        ({"name": "x" * (NAME_MAX + 1)}, "name", "the limit is 200"),
        ({"short_description": "x" * (SHORT_MAX + 1)}, "short_description", "the limit is 1000"),
        ({"where_implemented": "x" * 501}, "where_implemented", "the limit is 500"),
        ({"region": "x" * 501}, "region", "the limit is 500"),
        ({"funder": "x" * 501}, "funder", "the limit is 500"),
        ({"basic_idea": "x" * (TEXT_MAX + 1)}, "basic_idea", "the limit is 20000"),
        ({"internal_notes": "x" * (TEXT_MAX + 1)}, "internal_notes", "the limit is 20000"),
        ({"tips_for_adopters": "Opas\x00"}, "tips_for_adopters", "control character"),
        ({"name": "Kehittäminen\x07"}, "name", "control character"),
        ({"topics": ["Kunta\x1b"]}, "topics", "control character"),
        ({"basic_idea": 42}, "basic_idea", "must be text"),
        ({"topics": "Kuntayhtymä"}, "topics", "must be a list"),
        ({"topics": ["Kuntayhtymä", 3]}, "topics", "must be a list"),
        ({"target_groups": ["x" * (TAG_MAX + 1)]}, "target_groups", "the limit is 100"),
        ({"phenomena": [f"ilmiö {n}" for n in range(TAGS_MAX + 1)]}, "phenomena", "the limit is 20"),
        ({"development_phase": "valmis"}, "development_phase", "idea, being_developed, ready or spread"),
        ({"development_phase": None}, "development_phase", "idea, being_developed, ready or spread"),
    ],
)
def test_invalid_fields_are_refused_with_a_sentence(fields: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(InvalidField) as refused:
        draft(**{"name": NAME, **fields})
    assert refused.value.field == field
    assert words in refused.value.detail, refused.value.detail


def test_tabs_and_line_breaks_are_not_control_characters() -> None:
    practice = draft(name=NAME, basic_idea="Viestintä:\n\tkehittäminen näkyy\r\nja kuuluu")
    assert practice.fields["basic_idea"] == "Viestintä:\n\tkehittäminen näkyy\r\nja kuuluu"


def test_texts_are_trimmed_and_none_is_blank() -> None:
    cleaned = clean_fields({"region": "  Pohjois-Pohjanmaa ", "funder": None, "internal_notes": None})
    assert cleaned == {"region": "Pohjois-Pohjanmaa", "funder": "", "internal_notes": ""}


def test_tag_lists_are_trimmed_and_deduplicated_keeping_the_first_spelling() -> None:
    cleaned = clean_fields(
        {
            "topics": [" Kuntayhtymä ", "kuntayhtymä", "", "  ", "Järjestäminen", "JÄRJESTÄMINEN"],
            "target_groups": None,
            "phenomena": [f"ilmiö {n}" for n in range(TAGS_MAX)],
        }
    )
    assert cleaned["topics"] == ["Kuntayhtymä", "Järjestäminen"]
    assert cleaned["target_groups"] == []
    assert len(cleaned["phenomena"]) == TAGS_MAX, "exactly the limit is allowed"


@pytest.mark.parametrize("phase", list(Phase))
def test_every_innokyla_phase_is_accepted(phase: Phase) -> None:
    assert draft(name=NAME, development_phase=phase.value).fields["development_phase"] == phase.value
    assert clean_fields({"development_phase": phase}) == {"development_phase": phase.value}


def test_the_limits_themselves_are_allowed() -> None:
    practice = draft(name="n" * NAME_MAX, short_description="s" * SHORT_MAX, basic_idea="b" * TEXT_MAX)
    assert len(practice.fields["basic_idea"]) == TEXT_MAX


# ---- editing ---------------------------------------------------------------------


def test_an_edit_records_only_the_fields_that_really_change() -> None:
    practice = complete()
    practice.edit(
        actor=ACTOR, fields={"name": f" {NAME} ", "topics": ["Kuntayhtymä ", "Järjestäminen", "kuntayhtymä"]}
    )
    assert len(practice.pending_events) == 1, "same values after cleaning: nothing recorded"
    practice.edit(actor=ACTOR, fields={"name": NAME, "region": "Oulun seutu", "internal_notes": NOTE + "!"})
    event = practice.pending_events[-1]
    assert isinstance(event, GoodPractice.Edited)
    assert event.changes == {"region": "Oulun seutu", "internal_notes": NOTE + "!"}
    assert practice.fields["region"] == "Oulun seutu" and practice.version == 2


def test_an_invalid_edit_records_nothing() -> None:
    practice = complete()
    for fields in ({"name": " "}, {"colour": "x"}, {"development_phase": "valmis"}, {"basic_idea": "\x00"}):
        with pytest.raises(InvalidField):
            practice.edit(actor=ACTOR, fields=fields)
    assert len(practice.pending_events) == 1 and practice.fields == {**empty_fields(), **COMPLETE}


def test_a_blank_field_may_be_edited_to_blank_while_drafting() -> None:
    practice = complete()
    practice.edit(actor=ACTOR, fields={"basic_idea": "  "})
    assert practice.fields["basic_idea"] == ""
    assert missing_for_publishing(practice.fields) == ["basic_idea"]


# ---- publishing ------------------------------------------------------------------


def test_publishing_a_bare_draft_lists_every_missing_field_at_once() -> None:
    practice = draft(name=NAME, where_implemented="Oulunkaari")
    with pytest.raises(InvalidFields) as refused:
        practice.publish(actor=ACTOR, source_version=3, source_position=40)
    # development_phase is never blank: a draft starts at "idea".
    missing = [
        name for name in REQUIRED_TO_PUBLISH if name not in ("name", "where_implemented", "development_phase")
    ]
    assert [e.field for e in refused.value.errors] == missing
    assert all(
        e.detail == f"{e.field} is required before the good practice can be published."
        for e in refused.value.errors
    )
    assert refused.value.field == missing[0]
    assert len(practice.pending_events) == 1 and practice.status is Status.DRAFT


def test_development_phase_is_never_missing_but_every_required_text_is() -> None:
    assert missing_for_publishing(empty_fields()) == [
        n for n in REQUIRED_TO_PUBLISH if n != "development_phase"
    ]
    assert missing_for_publishing({**empty_fields(), **COMPLETE}) == []
    assert missing_for_publishing({**COMPLETE, "region": "", "funder": "", "topics": []}) == [], (
        "region, funder and tags are optional"
    )


def test_the_first_publish_is_version_1_with_only_the_public_fields() -> None:
    practice = complete()
    assert practice.publish(actor=ACTOR, source_version=3, source_position=40) == 1
    event = practice.pending_events[-1]
    assert type(event) is GoodPractice.Published
    assert (event.version, event.initiative_id, event.source_version, event.source_position) == (
        1,
        INITIATIVE,
        3,
        40,
    )
    assert set(event.fields) == set(PUBLIC_FIELDS)
    assert "internal_notes" not in event.fields and NOTE not in repr(event.fields)
    assert event.fields["name"] == NAME and event.fields["topics"] == ["Kuntayhtymä", "Järjestäminen"]
    assert practice.status is Status.PUBLISHED
    assert (practice.published_version, practice.published_source_version) == (1, 3)
    assert practice.published_fields == event.fields
    assert not practice.has_unpublished_changes
    assert practice.fields["internal_notes"] == NOTE, "the working copy keeps its notes"


def test_publishing_the_same_text_from_the_same_source_again_is_refused() -> None:
    practice = published()
    with pytest.raises(RuleViolation) as refused:
        practice.publish(actor=ACTOR, source_version=3, source_position=55)
    assert "Version 1 already holds exactly this text" in refused.value.detail
    assert practice.published_version == 1 and len(practice.pending_events) == 2


def test_an_internal_note_alone_is_no_reason_for_a_new_version() -> None:
    practice = published()
    practice.edit(actor=ACTOR, fields={"internal_notes": "Päivitä ensi vuonna."})
    assert not practice.has_unpublished_changes
    with pytest.raises(RuleViolation):
        practice.publish(actor=ACTOR, source_version=3, source_position=41)


def test_an_edit_makes_the_next_publish_a_revision() -> None:
    practice = published()
    practice.edit(actor=ACTOR, fields={"tips_for_adopters": "Aloita kehittäjäoppaasta."})
    assert practice.has_unpublished_changes
    assert practice.published_fields["tips_for_adopters"] == COMPLETE["tips_for_adopters"], (
        "the published version keeps its text until the next publish"
    )
    assert practice.publish(actor=ACTOR, source_version=3, source_position=60) == 2
    event = practice.pending_events[-1]
    assert type(event) is GoodPractice.Revised and isinstance(event, GoodPractice.Published)
    assert (event.version, event.source_position) == (2, 60)
    assert event.fields["tips_for_adopters"] == "Aloita kehittäjäoppaasta."
    assert practice.published_version == 2 and practice.status is Status.PUBLISHED


def test_a_newer_initiative_version_allows_a_revision_with_the_same_text() -> None:
    practice = published(source_version=3)
    assert practice.publish(actor=ACTOR, source_version=4, source_position=70) == 2
    assert practice.published_source_version == 4


def test_an_edit_back_to_the_published_text_is_refused_again() -> None:
    practice = published()
    practice.edit(actor=ACTOR, fields={"region": "Oulun seutu"})
    practice.edit(actor=ACTOR, fields={"region": COMPLETE["region"]})
    with pytest.raises(RuleViolation):
        practice.publish(actor=ACTOR, source_version=3, source_position=80)


def test_blanking_a_required_field_after_publishing_blocks_the_revision() -> None:
    practice = published()
    practice.edit(actor=ACTOR, fields={"evaluation_results": ""})
    with pytest.raises(InvalidFields) as refused:
        practice.publish(actor=ACTOR, source_version=3, source_position=80)
    assert [e.field for e in refused.value.errors] == ["evaluation_results"]
    assert practice.published_fields["evaluation_results"] == COMPLETE["evaluation_results"]


# ---- retracting ------------------------------------------------------------------


def test_a_draft_cannot_be_retracted() -> None:
    practice = complete()
    with pytest.raises(RuleViolation) as refused:
        practice.retract(actor=ACTOR, reason="Vanhentunut")
    assert "has not been published" in refused.value.detail
    assert len(practice.pending_events) == 1


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_retraction_needs_a_reason(reason: str) -> None:
    practice = published()
    with pytest.raises(InvalidField) as refused:
        practice.retract(actor=ACTOR, reason=reason)
    assert refused.value.field == "reason"
    assert practice.status is Status.PUBLISHED and len(practice.pending_events) == 2


def test_retracting_keeps_the_version_and_cannot_happen_twice() -> None:
    practice = published()
    practice.retract(actor=ACTOR, reason="  Toimintamalli korvattu uudella. ")
    event = practice.pending_events[-1]
    assert isinstance(event, GoodPractice.Retracted)
    assert (event.version, event.reason) == (1, "Toimintamalli korvattu uudella.")
    assert practice.status is Status.RETRACTED
    assert practice.retracted_reason == "Toimintamalli korvattu uudella."
    assert practice.published_version == 1
    with pytest.raises(RuleViolation) as refused:
        practice.retract(actor=ACTOR, reason="Taas")
    assert "already retracted" in refused.value.detail
    assert len(practice.pending_events) == 3


def test_publishing_after_a_retraction_is_the_next_version_even_unchanged() -> None:
    practice = published()
    practice.retract(actor=ACTOR, reason="Tarkistetaan.")
    assert practice.publish(actor=ACTOR, source_version=3, source_position=40) == 2
    assert type(practice.pending_events[-1]) is GoodPractice.Revised
    assert practice.status is Status.PUBLISHED and practice.retracted_reason == ""
    practice.edit(actor=ACTOR, fields={"funder": "Kuntayhtymä"})
    assert practice.publish(actor=ACTOR, source_version=3, source_position=90) == 3


# ---- events and replay -----------------------------------------------------------


def test_every_event_has_its_own_explicit_topic() -> None:
    assert GoodPractice.TOPIC == "kipina:GoodPractice"
    topics = {
        GoodPractice.Drafted: "kipina:GoodPractice.Drafted",
        GoodPractice.Edited: "kipina:GoodPractice.Edited",
        GoodPractice.Published: "kipina:GoodPractice.Published",
        GoodPractice.Revised: "kipina:GoodPractice.Revised",
        GoodPractice.Retracted: "kipina:GoodPractice.Retracted",
    }
    for cls, topic in topics.items():
        assert vars(cls)["TOPIC"] == topic
    assert GoodPractice.Created is GoodPractice.Drafted


def test_replay_gives_the_same_practice_through_its_whole_life() -> None:
    practice = complete()
    original_id: UUID = practice.id
    practice.publish(actor=ACTOR, source_version=3, source_position=40)
    practice.edit(actor=ACTOR, fields={"basic_idea": "Uusi perusidea.", "internal_notes": "Luonnos"})
    practice.publish(actor=ACTOR, source_version=4, source_position=50)
    practice.retract(actor=ACTOR, reason="Korvattu.")
    expected = state(practice)
    copy = replayed(practice)
    assert copy.id == original_id
    assert state(copy) == expected
    assert copy.status is Status.RETRACTED and copy.published_version == 2
    assert copy.published_fields["basic_idea"] == "Uusi perusidea."
    assert copy.fields["internal_notes"] == "Luonnos"
