"""Pre-filling a good practice from what its initiative holds (`domain.good_practice_prefill`).

Two real cases: Oulunkaari's "Kehittäminen kuuluu kaikille" (seed 003, the Innokylä page it
became), and a 3W project in the elderly services (seed 001), whose closing seminar
"Hyvät käytännöt jakoon" shared the projects' practices on 11.4.2019.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import uuid4

import pytest

from domain.good_practice import LINE_MAX, NAME_MAX, SHORT_MAX, TAG_MAX, TAGS_MAX, TEXT_MAX, GoodPractice
from domain.good_practice_prefill import ExperimentLearning, LatestEvaluation, PrefillSource, prefill
from domain.initiative import Status as InitiativeStatus

# ---- Oulunkaari (seed 003) ---------------------------------------------------------

OULUNKAARI_LEAD = (
    "Kehittäminen kuuluu Oulunkaarella jokaiselle henkilöstöstä luottamuselimiin saakka. "
    "Kokeiluihin kannustetaan. Systemaattiset, yhteiset kehittämisen areenat mahdollistavat "
    "vaikuttavan kehittämistyön."
)
OULUNKAARI_ARENAS = (
    "Yhteiset kehittämisen areenat, kuten esim. järjestämisneuvotteluprosessi, Innovaattori-koulutus, "
    "kehittämistiimi ja esimiesinfot ovat tärkeitä kohtaamispaikkoja kehittämistyölle."
)
OULUNKAARI_GOALS = [
    "Viestintä: kehittäminen näkyy ja kuuluu",
    "Yhteiset kehittämisen areenat",
]
CHANGE_DAY = ExperimentLearning(
    title="Change Day -kädenjälkitunnukset",
    decision="adopt",
    learning="Kädenjälkitunnukset kertovat toteutetuista kehittämistoimenpiteistä.",
)
INNOVAATTORI = ExperimentLearning(
    title="Innovaattori-koulutus",
    decision="adapt",
    learning="Noin 20 työntekijää suoritti kokeilukulttuuriin painottuneen erikoisammattitutkinnon.",
)
INSTAGRAM = ExperimentLearning(
    title="Kehittäjien Instagram-tili",
    decision="abandon",
    learning="Paikallislehdet tavoittivat kuntalaiset paremmin.",
)
ESIMIESINFO = ExperimentLearning(
    title="Videovälitteiset esimiesinfot", decision="", learning="Lähes kaikki lähiesimiehet osallistuvat."
)
OULUNKAARI_EVALUATION = LatestEvaluation(
    worked="Kehittämistyön vaikutukset ovat olleet toiminnallisesti ja taloudellisesti merkittäviä.",
    did_not_work="Kaikki yksiköt eivät vielä osallistu raatitoimintaan.",
    lessons="Liitteenä Oulunkaaren kehittäjäopas vinkiksi.",
    effects={
        "staff": "Hyvät ideat jaetaan työkavereiden kesken.",
        "users": "",
        "quality": "Mielekäs työpaikka -tunnustus 2015.",
    },
)


def oulunkaari(**changes: Any) -> PrefillSource:
    source = PrefillSource(
        title="Kehittäminen kuuluu kaikille",
        summary=f"{OULUNKAARI_LEAD}\n\n{OULUNKAARI_ARENAS}",
        status="completed",
        goals=list(OULUNKAARI_GOALS),
        themes=["Kuntayhtymä", "Järjestäminen"],
        target_group="Työikäiset",
        where="Oulunkaaren kuntayhtymä, Soten kehittämistiimi",
        lessons="",
        experiments=[CHANGE_DAY, INNOVAATTORI, INSTAGRAM, ESIMIESINFO],
        evaluation=OULUNKAARI_EVALUATION,
    )
    return replace(source, **changes)


# ---- a 3W project (seed 001) ---------------------------------------------------------


def three_w(**changes: Any) -> PrefillSource:
    source = PrefillSource(
        title="Kotihoidon aamukäyntien porrastus",
        summary="Lean-menetelmällä porrastetaan kotihoidon aamukäynnit, jotta kiireisin aika tasoittuu.",
        status="in_progress",
        goals=["Arvoa asiakkaalle", "Sujuvat prosessit ja motivoitunut henkilöstö"],
        themes=["ikäihmisten palvelut", "Lean", "kotihoito"],
        target_group="Kotihoidon asiakkaat",
        where="Vihti",
        lessons="",
    )
    return replace(source, **changes)


def drafted(fields: dict[str, Any]) -> GoodPractice:
    return GoodPractice.draft(
        practice_id=uuid4(),
        actor=uuid4(),
        initiative_id=uuid4(),
        organisation_id=None,
        unit_id=None,
        source_version=1,
        fields=fields,
    )


# ---- what goes where -----------------------------------------------------------------


def test_oulunkaari_fills_the_innokyla_template_from_the_initiative() -> None:
    fields = prefill(oulunkaari())

    assert fields["name"] == "Kehittäminen kuuluu kaikille"
    assert fields["short_description"] == OULUNKAARI_LEAD, "the first paragraph of the summary"
    assert fields["where_implemented"] == "Oulunkaaren kuntayhtymä, Soten kehittämistiimi"
    assert fields["basic_idea"] == (
        f"{OULUNKAARI_LEAD}\n\n{OULUNKAARI_ARENAS}\n\n"
        "- Viestintä: kehittäminen näkyy ja kuuluu\n- Yhteiset kehittämisen areenat"
    )
    assert fields["target_group_and_customer_understanding"] == "Työikäiset"
    assert fields["topics"] == ["Kuntayhtymä", "Järjestäminen"]
    assert fields["target_groups"] == ["Työikäiset"]
    assert fields["development_phase"] == "ready"


def test_conditions_are_the_learning_of_experiments_kept() -> None:
    conditions = prefill(oulunkaari())["conditions_for_adoption"]
    assert conditions.splitlines() == [
        f"- {CHANGE_DAY.title}: {CHANGE_DAY.learning}",
        f"- {INNOVAATTORI.title}: {INNOVAATTORI.learning}",
        # studied, not yet decided: what was learned still tells what adoption depends on
        f"- {ESIMIESINFO.title}: {ESIMIESINFO.learning}",
    ]
    assert INSTAGRAM.title not in conditions, "an abandoned experiment is a tip, not a condition"


def test_an_experiment_without_learning_is_named_by_its_title() -> None:
    quiet = ExperimentLearning(title="Kehittäjäblogi", decision="adopt", learning="")
    fields = prefill(oulunkaari(experiments=[quiet]))
    assert fields["conditions_for_adoption"] == "- Kehittäjäblogi"


def test_tips_are_the_evaluation_lessons_abandoned_experiments_and_the_initiative_lessons() -> None:
    source = oulunkaari(lessons="Aloittakaa pienestä: yksi yhteinen areena riittää alkuun.")
    assert prefill(source)["tips_for_adopters"] == (
        "Liitteenä Oulunkaaren kehittäjäopas vinkiksi.\n\n"
        f"- {INSTAGRAM.title}: {INSTAGRAM.learning}\n\n"
        "Aloittakaa pienestä: yksi yhteinen areena riittää alkuun."
    )


def test_evaluation_results_are_what_worked_its_effects_and_what_did_not() -> None:
    assert prefill(oulunkaari())["evaluation_results"] == (
        f"{OULUNKAARI_EVALUATION.worked}\n\n"
        "Hyvät ideat jaetaan työkavereiden kesken.\n\n"
        "Mielekäs työpaikka -tunnustus 2015.\n\n"
        f"{OULUNKAARI_EVALUATION.did_not_work}"
    ), "blank effects are left out"


def test_region_funder_and_the_rest_with_no_source_stay_blank() -> None:
    fields = prefill(oulunkaari())
    for name in ("region", "funder", "operating_environment", "phenomena", "internal_notes"):
        assert not fields.get(name), f"{name} is never recorded on an initiative"


def test_a_3w_project_without_experiments_or_evaluation_fills_only_what_it_has() -> None:
    fields = prefill(three_w())
    assert fields["name"] == "Kotihoidon aamukäyntien porrastus"
    assert fields["short_description"] == three_w().summary
    assert fields["basic_idea"].endswith(
        "\n\n- Arvoa asiakkaalle\n- Sujuvat prosessit ja motivoitunut henkilöstö"
    )
    assert fields["where_implemented"] == "Vihti"
    assert (fields["conditions_for_adoption"], fields["evaluation_results"], fields["tips_for_adopters"]) == (
        "",
        "",
        "",
    )
    assert fields["development_phase"] == "being_developed"
    assert fields["topics"] == ["ikäihmisten palvelut", "Lean", "kotihoito"]
    assert fields["target_groups"] == ["Kotihoidon asiakkaat"]


def test_a_discontinued_project_turns_its_lessons_into_tips() -> None:
    source = three_w(status="discontinued", lessons="Porrastus vaatii yhteisen sopimuksen lääkärin kanssa.")
    fields = prefill(source)
    assert fields["tips_for_adopters"] == "Porrastus vaatii yhteisen sopimuksen lääkärin kanssa."
    assert fields["development_phase"] == "being_developed"


def test_an_initiative_with_only_a_title_prefills_a_valid_draft() -> None:
    bare = PrefillSource(
        title="Hyvät käytännöt jakoon",
        summary="",
        status="proposed",
        goals=[],
        themes=[],
        target_group="",
        where="",
        lessons="",
    )
    fields = prefill(bare)
    assert fields["name"] == "Hyvät käytännöt jakoon"
    assert fields["short_description"] == "" and fields["basic_idea"] == ""
    assert fields["target_groups"] == [] and fields["topics"] == []
    assert drafted(fields).fields["name"] == "Hyvät käytännöt jakoon"


@pytest.mark.parametrize(
    ("status", "phase"),
    [
        ("proposed", "idea"),
        ("planned", "idea"),
        ("in_progress", "being_developed"),
        ("paused", "being_developed"),
        ("evaluating", "being_developed"),
        ("completed", "ready"),
        ("spread", "spread"),
        ("discontinued", "being_developed"),
    ],
)
def test_every_initiative_status_maps_to_an_innokyla_phase(status: str, phase: str) -> None:
    assert prefill(three_w(status=status))["development_phase"] == phase


def test_the_mapping_covers_every_initiative_status() -> None:
    covered = {
        "proposed",
        "planned",
        "in_progress",
        "paused",
        "evaluating",
        "completed",
        "spread",
        "discontinued",
    }
    assert {s.value for s in InitiativeStatus} == covered


# ---- limits: a pre-fill is always a valid draft ------------------------------------------


def test_the_short_description_is_the_first_paragraph_only() -> None:
    fields = prefill(three_w(summary="  Ensimmäinen kappale.\nSamaa kappaletta.\n\nToinen kappale.  "))
    assert fields["short_description"] == "Ensimmäinen kappale.\nSamaa kappaletta."


def test_paragraphs_typed_in_a_browser_are_split_too() -> None:
    # A textarea posts line breaks as CRLF, so a summary typed in the web form holds "\r\n\r\n".
    fields = prefill(three_w(summary="Ensimmäinen kappale.\r\n\r\nToinen kappale."))
    assert fields["short_description"] == "Ensimmäinen kappale."


def test_long_texts_are_cut_at_the_field_limit_at_a_word_with_an_ellipsis() -> None:
    word = "kehittäminen "
    long_summary = (word * (TEXT_MAX // len(word) + 10)).strip()
    source = oulunkaari(
        title=("Kehittäminen kuuluu kaikille " * 10).strip(),
        summary=long_summary,
        where="Oulunkaaren kuntayhtymä " * 30,
        target_group="Jokainen Oulunkaarella henkilöstöstä luottamuselimiin saakka " * 400,
        lessons="Opas " * 5000,
        experiments=[ExperimentLearning(title="Areenat", decision="adopt", learning="opittu " * 4000)],
    )
    fields = prefill(source)

    limits = {
        "name": NAME_MAX,
        "short_description": SHORT_MAX,
        "where_implemented": LINE_MAX,
        "basic_idea": TEXT_MAX,
        "target_group_and_customer_understanding": TEXT_MAX,
        "conditions_for_adoption": TEXT_MAX,
        "tips_for_adopters": TEXT_MAX,
    }
    for name, limit in limits.items():
        value = fields[name]
        assert len(value) <= limit, f"{name}: {len(value)} > {limit}"
        assert value.endswith("…"), f"{name} was cut without an ellipsis"
        assert not value[:-1].endswith(" "), f"{name}: the cut leaves no trailing space"
        assert len(value) > limit - 30, f"{name} was cut far below its limit"
    assert fields["short_description"].startswith("kehittäminen kehittäminen")
    assert fields["name"][:-1].split()[-1] in ("Kehittäminen", "kuuluu", "kaikille"), "cut at a word"
    assert fields["target_groups"] == [], "a target group too long for a tag is not a tag"
    practice = drafted(fields)
    assert practice.fields["basic_idea"] == fields["basic_idea"]


def test_a_text_exactly_at_the_limit_is_kept_whole() -> None:
    title = "k" * NAME_MAX
    assert prefill(three_w(title=title))["name"] == title


def test_a_long_word_without_spaces_is_cut_hard() -> None:
    name = prefill(three_w(title="x" * (NAME_MAX + 50)))["name"]
    assert name == "x" * (NAME_MAX - 1) + "…"


def test_too_many_or_too_long_themes_still_make_a_valid_draft() -> None:
    themes = [f"teema {n}" for n in range(TAGS_MAX + 5)] + ["t" * (TAG_MAX + 20)]
    fields = prefill(three_w(themes=themes))
    assert fields["topics"] == themes[:TAGS_MAX]
    drafted(fields)
    long_one = prefill(three_w(themes=["t" * (TAG_MAX + 20)]))["topics"]
    assert len(long_one) == 1 and len(long_one[0]) <= TAG_MAX
    drafted(prefill(three_w(themes=["t" * (TAG_MAX + 20)])))


@pytest.mark.parametrize("case", [oulunkaari, three_w])
def test_every_prefill_is_accepted_as_a_draft(case: Any) -> None:
    fields = prefill(case())
    practice = drafted(fields)
    for name, value in fields.items():
        assert practice.fields[name] == value, f"{name} changed when drafted"
