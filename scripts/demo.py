"""Load demo data from the real cases in the seed documents: `python -m scripts.demo`.

* Heinävesi (eOSMO project, 2009–2011): the basic-services units mapped in the
  competence survey, and the three common development targets chosen for 2012
  as initiatives and as development targets (KS strategies), with a yearly review.
* Oulunkaari joint municipal authority: the operating model "Kehittäminen
  kuuluu kaikille" (published in Innokylä) as a completed initiative.
* The 3W programme (2018–2019): four organisations, 32 first-line managers, 30 Lean
  projects, seven workshop days and the closing seminar (`scripts/three_w.py`), on the
  morning of workshop 7.

Everything goes through the application, as a user's commands would; the 3W programme
goes through the HTTP API itself, in-process. Running it again changes nothing: every
step carries an idempotency key.
"""

from __future__ import annotations

import argparse
import dataclasses
import warnings
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from api.app import create_app
from domain.organisation import OrganisationKind
from projections import experiments as experiments_read_model
from projections.experiments import ExperimentFilter
from scripts import three_w
from scripts.demo_good_practices import load_good_practices
from scripts.demo_loader import Loader
from services.bootstrap import Services, bootstrap
from services.settings import settings_or_complaint

HEINAVESI_UNITS = [
    "Terveyskeskuksen vuodeosasto",
    "Terveyskeskuksen avopuoli ja hammashoito",
    "Kotihoito",
    "Päivähoito ja varhaiskasvatus",
    "Sosiaalityö",
    "Kehitysvammahuolto",
    "Perusturvan talous ja hallinto",
]

DEMO_PEOPLE = {
    "perusturvajohtaja": "Perusturvajohtaja (demo)",
    "kotihoidon-esimies": "Kotihoidon esimies (demo)",
    "vuodeosaston-osastonhoitaja": "Vuodeosaston osastonhoitaja (demo)",
    "kehittamistiimi": "Soten kehittämistiimin vetäjä (demo)",
}


def load(services: Services) -> dict[str, Any]:
    loader = Loader(services, services.local_actor_id)
    app = services.app

    heinavesi = app.register_organisation(
        loader.ctx("heinavesi"), name="Heinäveden kunta", kind=OrganisationKind.MUNICIPALITY
    ).record_id
    for index, unit in enumerate(HEINAVESI_UNITS):
        app.add_unit(loader.ctx(f"heinavesi-unit-{index}"), heinavesi, name=unit)
    units = app.get_organisation(heinavesi).units
    unit_id = {name: UUID(uid) for uid, name in units.items()}
    services.projector.catch_up()  # people are placed in units the read model must know

    director = loader.person("perusturvajohtaja", DEMO_PEOPLE["perusturvajohtaja"], heinavesi, None)
    home_care_lead = loader.person(
        "kotihoidon-esimies", DEMO_PEOPLE["kotihoidon-esimies"], heinavesi, unit_id["Kotihoito"]
    )
    ward_lead = loader.person(
        "vuodeosaston-osastonhoitaja",
        DEMO_PEOPLE["vuodeosaston-osastonhoitaja"],
        heinavesi,
        unit_id["Terveyskeskuksen vuodeosasto"],
    )

    basic_task = app.propose_initiative(
        loader.ctx("perustehtava"),
        fields={
            "title": "Perustehtävän kirkastaminen",
            "summary": "Yksi perusturvan kolmesta kaikille yhteisestä kehittämiskohteesta 2012: "
            "mitä, miksi ja ketä varten työtä tehdään.",
            "organisation_id": heinavesi,
            "owner_id": director,
            "themes": ["osaamisen kehittäminen", "perusturva"],
            "target_group": "Perusturvan koko henkilöstö",
        },
        occurred_on=date(2011, 11, 30),
        goals=[
            "Tehtäväkuvausten ja työnkuvien tarkistaminen ja selkeyttäminen",
            "Prosessikuvausten laatiminen (samalla ams-prosessikuvaukset)",
            "Laatukäsikirjan päivittäminen",
            "Yksilökehityskeskustelut",
        ],
        team=[(home_care_lead, "kotihoidon esimies"), (ward_lead, "osastonhoitaja")],
    ).record_id
    app.move_initiative(loader.ctx("perustehtava-plan"), basic_task, "plan", occurred_on=date(2011, 12, 15))
    app.move_initiative(loader.ctx("perustehtava-start"), basic_task, "start", occurred_on=date(2012, 1, 9))
    app.add_note(
        loader.ctx("perustehtava-note"),
        basic_task,
        text="Palaverillakin on oma perustehtävänsä: asialistat ja roolit selkeytettiin.",
        occurred_on=date(2012, 3, 1),
    )
    load_experiments(loader, basic_task)

    rotation = app.propose_initiative(
        loader.ctx("tyokierto"),
        fields={
            "title": "Tavoitteellinen työkierto",
            "summary": "Työkierto perusturvan yksiköiden välillä tavoitteineen ja oppaineen.",
            "organisation_id": heinavesi,
            "unit_id": unit_id["Kotihoito"],
            "owner_id": home_care_lead,
            "themes": ["työkierto", "osaamisen kehittäminen"],
            "target_group": "Kotihoidon ja vuodeosaston hoitajat",
        },
        occurred_on=date(2011, 11, 30),
        goals=["Opas työnkiertoon valmis", "Työkierto myös kotikunnan muissa yksiköissä"],
    ).record_id
    app.move_initiative(loader.ctx("tyokierto-plan"), rotation, "plan", occurred_on=date(2011, 12, 15))
    app.add_note(
        loader.ctx("tyokierto-note"),
        rotation,
        text="Opas työnkiertoon on luonnosvaiheessa.",
        occurred_on=date(2011, 12, 15),
    )
    placement = load_rotations(loader, heinavesi, unit_id, rotation, mentor=ward_lead)

    cooperation = app.propose_initiative(
        loader.ctx("vuorovaikutus"),
        fields={
            "title": "Yhteistyö- ja vuorovaikutustaidot",
            "summary": "Osallistavat palaverit ja sisäiset koulutukset; ulkoinen koulutus mahdollinen "
            "(talousarvioon 2012).",
            "organisation_id": heinavesi,
            "owner_id": director,
            "themes": ["vuorovaikutus", "työyhteisö"],
            "target_group": "Perusturvan koko henkilöstö",
        },
        occurred_on=date(2011, 11, 30),
        goals=["Osallistavat palaverit käytössä kaikissa yksiköissä"],
    ).record_id

    oulunkaari = app.register_organisation(
        loader.ctx("oulunkaari"), name="Oulunkaaren kuntayhtymä", kind=OrganisationKind.JOINT_AUTHORITY
    ).record_id
    app.add_unit(loader.ctx("oulunkaari-team"), oulunkaari, name="Soten kehittämistiimi")
    team_unit = UUID(next(iter(app.get_organisation(oulunkaari).units)))
    services.projector.catch_up()
    team_lead = loader.person("kehittamistiimi", DEMO_PEOPLE["kehittamistiimi"], oulunkaari, team_unit)

    everyone = app.propose_initiative(
        loader.ctx("kaikille"),
        fields={
            "title": "Kehittäminen kuuluu kaikille",
            "summary": "Kehittäminen kuuluu Oulunkaarella jokaiselle henkilöstöstä luottamuselimiin "
            "saakka. Kokeiluihin kannustetaan. Systemaattiset, yhteiset kehittämisen areenat "
            "mahdollistavat vaikuttavan kehittämistyön.",
            "organisation_id": oulunkaari,
            "unit_id": team_unit,
            "owner_id": team_lead,
            "themes": ["kokeilukulttuuri", "Change Day", "Innovaattori"],
            "target_group": "Jokainen Oulunkaarella henkilöstöstä luottamuselimiin saakka",
        },
        occurred_on=date(2015, 1, 1),
        goals=[
            "Kehittäminen näkyy ja kuuluu: Change Day -kädenjälkitunnukset, kehittäjien blogi",
            "Yhteiset kehittämisen areenat: Innovaattori-koulutus, kehittämistiimi, esimiesinfot",
        ],
    ).record_id
    for verb, day in (
        ("plan", date(2015, 1, 15)),
        ("start", date(2015, 2, 1)),
        ("evaluate", date(2015, 11, 1)),
        ("complete", date(2016, 3, 16)),
    ):
        app.move_initiative(loader.ctx(f"kaikille-{verb}"), everyone, verb, occurred_on=day)
    app.add_note(
        loader.ctx("kaikille-note"),
        everyone,
        text="STM ja Työterveyslaitos myönsivät Oulunkaarelle Mielekäs työpaikka -tunnustuksen vuonna 2015.",
        occurred_on=date(2015, 12, 1),
    )
    load_change_day(loader, oulunkaari, team_unit, team_lead)
    services.projector.catch_up()
    load_outcomes(loader, basic_task, everyone)
    targets = load_targets(loader, heinavesi, (basic_task, rotation, cooperation), placement)
    programme = load_three_w(services)
    practices = load_good_practices(loader, everyone, programme.initiatives)
    return {
        "organisations": [heinavesi, oulunkaari, *(UUID(i) for i in programme.organisations.values())],
        "initiatives": [
            basic_task,
            rotation,
            cooperation,
            everyone,
            *(UUID(i) for i in programme.initiatives.values()),
        ],
        "programmes": [UUID(programme.programme)],
        "targets": targets,
        "good_practices": practices,
    }


# The weekly meeting's length in minutes, month by month: before the agenda experiment
# (2011-03 … 2012-01) and after it (2012-02 … 2012-10). One value was typed wrong (72 for 62).
MEETING_MINUTES = [78, 82, 75, 80, 77, 84, 79, 76, 81, 78, 80, 62, 58, 61, 55, 57, 54, 59, 56, 53]
MEETING_TYPO = (11, 72)  # (index, the number first recorded)


def load_outcomes(loader: Loader, basic_task: UUID, everyone: UUID) -> None:
    """A measure with a run chart on Heinävesi's "Perustehtävän kirkastaminen": the weekly
    meeting's length falls after the agenda experiment (a shift), one value corrected and
    the change point linked to the experiment; and an evaluation of Oulunkaari's completed
    "Kehittäminen kuuluu kaikille" (KS step 7) that recommends spreading it."""
    app = loader.services.app
    measure = app.define_measure(
        loader.ctx("palaverin-kesto"),
        basic_task,
        fields={
            "name": "Kotihoidon viikkopalaverin kesto",
            "unit": "min",
            "direction": "down",
            "frequency": "monthly",
            "baseline": 80.0,
            "target": 60.0,
            "data_source": "Palaverimuistiot",
            "baseline_points": 11,
        },
        occurred_on=date(2011, 3, 1),
    ).record_id
    year, month = 2011, 3
    for index, minutes in enumerate(MEETING_MINUTES):
        first = MEETING_TYPO[1] if index == MEETING_TYPO[0] else minutes
        app.record_measure_value(
            loader.ctx(f"palaverin-kesto-{index}"),
            measure,
            value_id=uuid5(NAMESPACE_URL, f"https://kipina.invalid/demo/palaverin-kesto/{index}"),
            period=f"{year}-{month:02d}",
            value=first,
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    app.correct_measure_value(
        loader.ctx("palaverin-kesto-korjaus"),
        measure,
        value_id=uuid5(NAMESPACE_URL, f"https://kipina.invalid/demo/palaverin-kesto/{MEETING_TYPO[0]}"),
        value=MEETING_MINUTES[MEETING_TYPO[0]],
        reason="Näppäilyvirhe: muistiossa 62 min.",
    )
    loader.services.projector.catch_up()
    with loader.services.projector.engine.connect() as conn:
        found, _ = experiments_read_model.search(conn, ExperimentFilter(initiative_id=basic_task), limit=50)
    agenda = next((UUID(e["id"]) for e in found if e["cycle"] == 1), None)
    app.annotate_measure(
        loader.ctx("palaverin-kesto-muutos"),
        measure,
        annotation_id=uuid5(NAMESPACE_URL, "https://kipina.invalid/demo/palaverin-kesto/muutos"),
        day=date(2012, 2, 6),
        text="Asialista jaetaan päivää ennen palaveria",
        experiment_id=agenda,
    )
    app.record_evaluation(
        loader.ctx("kaikille-arviointi"),
        everyone,
        evaluation_id=uuid5(NAMESPACE_URL, "https://kipina.invalid/demo/kaikille-arviointi"),
        fields={
            "evaluated_on": date(2016, 3, 1),
            "method": "self_assessment",
            "effects": {
                "staff": {
                    "text": "Kehittäminen kuuluu jokaiselle: Change Day -kädenjälkiä ja kokeiluja kaikista "
                    "yksiköistä.",
                    "figures": [{"label": "Innovaattori-koulutetut", "value": 40, "unit": "hlöä"}],
                },
                "quality": {"text": "Kehittämisen areenat ovat systemaattisia ja yhteisiä.", "figures": []},
            },
            "costs": {"text": "Kehittämistiimin ja Innovaattori-koulutuksen työaika.", "amount_eur": None},
            "worked": "Change Day -kädenjälkitunnukset ja kehittäjien blogi tekivät kehittämisen näkyväksi.",
            "did_not_work": "",
            "lessons": "Yhteiset areenat kannattaa sopia ennen ensimmäistä kokeilua.",
            "recommendation": "spread",
        },
    )


# Heinävesi's three common development targets for 2012 (seed 000), derived from the basic
# services' strategic goal, each with its KS strategy and responsible role (seed 002, step 6).
STRATEGY_GOAL = "Sosiaali- ja terveydenhuollon henkilöstön osaamisen ja hyvinvoinnin kehittäminen"
HEINAVESI_TARGETS = (
    (
        "kohde-perustehtava",
        "Perustehtävän kirkastaminen",
        "mobilise",
        "top_management_hr",
        "Tehtäväkuvausten ja työnkuvien tarkistaminen, prosessikuvaukset, laatukäsikirjan päivittäminen "
        "ja yksilökehityskeskustelut.",
    ),
    (
        "kohde-tyokierto",
        "Tavoitteellinen työkierto",
        "develop",
        "unit_manager",
        "Opas työnkiertoon tekeillä jo nyt; työkierto myöhemmin kotikunnan muissakin yksiköissä.",
    ),
    (
        "kohde-vuorovaikutus",
        "Yhteistyö- ja vuorovaikutustaidot",
        "develop",
        "first_line_manager",
        "Osallistavat palaverit ja sisäiset koulutukset, opetellaan jo nyt; ulkoinen koulutus myös "
        "mahdollinen, talousarvioon 2012.",
    ),
)


def load_targets(
    loader: Loader, heinavesi: UUID, initiatives: tuple[UUID, UUID, UUID], placement: UUID
) -> list[UUID]:
    """Heinävesi's common development targets for 2012, each linked to the initiative that
    carries it out; the job-rotation target also to the demo's placement, with a yearly
    review. (The demo's Change Day actions are Oulunkaari's, so none is linked here.)"""
    app = loader.services.app
    targets: list[UUID] = []
    for (step, title, strategy, role, description), initiative in zip(
        HEINAVESI_TARGETS, initiatives, strict=True
    ):
        target = app.define_target(
            loader.ctx(step),
            fields={
                "title": title,
                "strategy_goal": STRATEGY_GOAL,
                "strategy": strategy,
                "responsible_role": role,
                "period_start": date(2012, 1, 1),
                "period_end": date(2012, 12, 31),
                "organisation_id": heinavesi,
                "description": description,
            },
            occurred_on=date(2011, 11, 30),
        ).record_id
        app.link_to_target(
            loader.ctx(f"{step}-hanke"), target, record_type="initiative", record_id=initiative
        )
        targets.append(target)
    rotation_target = targets[1]
    app.link_to_target(
        loader.ctx("kohde-tyokierto-sijoitus"), rotation_target, record_type="rotation", record_id=placement
    )
    app.review_target(
        loader.ctx("kohde-tyokierto-arvio-2012"),
        rotation_target,
        review_id=uuid5(NAMESPACE_URL, "https://kipina.invalid/demo/kohde-tyokierto/2012"),
        year=2012,
        status="on_track",
        decision="continue",
        what_changed="Opas työnkiertoon valmistui luonnoksesta; ensimmäinen kierto kotihoidosta "
        "vuodeosastolle tehtiin maaliskuussa.",
        occurred_on=date(2012, 12, 14),
    )
    return targets


def load_three_w(services: Services) -> three_w.Played:
    """The 3W programme through the HTTP API (FastAPI's TestClient over the same services,
    no server needed). It acts as the local person, as the rest of the demo does, even where
    Kipinä runs behind a sign-in proxy; request logging is kept to warnings."""
    with warnings.catch_warnings():  # Starlette's nudge towards httpx2, which FastAPI does not document yet
        warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient` is deprecated")
        from fastapi.testclient import TestClient

    settings = services.settings.model_copy(update={"actor_header": None, "log_level": "warning"})
    app = create_app(services=dataclasses.replace(services, settings=settings))
    # A loopback Host: the server answers only to the host names it is set up for.
    with TestClient(app, base_url="http://127.0.0.1") as client:
        return three_w.play(client)


def load_experiments(loader: Loader, initiative_id: UUID) -> None:
    """A fast experiment cycle in the way of Hamina's internal developers (seed 004), on the
    meeting practice the note above tells of: cycle 1 studied and adapted, cycle 2 running."""
    app = loader.services.app
    agenda = app.plan_experiment(
        loader.ctx("palaveri-kokeilu"),
        initiative_id,
        fields={
            "title": "Palaverin asialista etukäteen",
            "change_idea": "Asialista ja palaverin tavoite jaetaan kaikille päivää ennen palaveria.",
            "question": "Lyheneekö palaveri ja pysyykö se asiassa, kun asialista on luettu etukäteen?",
            "prediction": "Odotamme, että palaveri lyhenee vartilla ja kaikki ehtivät sanoa sanansa.",
            "plan_who": "Kotihoidon esimies",
            "plan_what": "Asialista sähköpostilla edellisenä päivänä; kello ja kirjuri palaverissa",
            "plan_when": "Kolme viikkopalaveria",
            "plan_where": "Kotihoidon viikkopalaveri",
            "measures": ["Palaverin kesto (min)"],
            "planned_start": date(2012, 2, 6),
            "planned_end": date(2012, 2, 20),
        },
        occurred_on=date(2012, 2, 1),
    ).record_id
    app.start_experiment(loader.ctx("palaveri-kokeilu-start"), agenda, occurred_on=date(2012, 2, 6))
    for index, (day, minutes, text) in enumerate(
        (
            (date(2012, 2, 6), 75, "Ensimmäinen palaveri: asialista luettu, aikaa meni silti yli tunnin."),
            (date(2012, 2, 13), 55, "Toinen palaveri: kirjuri vaihtui, asiat pysyivät listalla."),
        )
    ):
        app.record_observation(
            loader.ctx(f"palaveri-kokeilu-havainto-{index}"),
            agenda,
            text=text,
            values=[{"name": "kesto (min)", "value": minutes}],
            occurred_on=day,
        )
    app.study_experiment(
        loader.ctx("palaveri-kokeilu-arvio"),
        agenda,
        result="Palaveri lyheni 20 minuuttia, mutta vain puolet oli lukenut asialistan.",
        learning="Asialista auttaa, kun sen käy alussa läpi kahdessa minuutissa.",
        occurred_on=date(2012, 2, 21),
    )
    next_cycle = app.decide_experiment(
        loader.ctx("palaveri-kokeilu-paatos"),
        agenda,
        decision="adapt",
        rationale="Jatketaan, ja asialista käydään alussa läpi.",
        occurred_on=date(2012, 2, 22),
        next_cycle={"prediction": "Odotamme, että kaikki tuntevat asialistan ja palaveri pysyy tunnissa."},
    )
    second = loader.services.app.get_experiment(agenda).next_cycle_id
    assert second is not None and next_cycle.record_id == agenda
    app.start_experiment(loader.ctx("palaveri-kokeilu-2-start"), second, occurred_on=date(2012, 2, 27))


def load_rotations(
    loader: Loader, heinavesi: UUID, unit_id: dict[str, UUID], initiative_id: UUID, *, mentor: UUID
) -> UUID:
    """Heinävesi's goal-oriented job rotation (seed 000): a home-care nurse spends four weeks
    on the health-centre ward, with learning goals and the ward's head nurse as mentor."""
    app = loader.services.app
    nurse = loader.person(
        "kotihoidon-sairaanhoitaja", "Kotihoidon sairaanhoitaja (demo)", heinavesi, unit_id["Kotihoito"]
    )
    placement = app.propose_rotation(
        loader.ctx("tyokierto-sijoitus"),
        person_id=nurse,
        home_organisation_id=heinavesi,
        home_unit_id=unit_id["Kotihoito"],
        host_organisation_id=heinavesi,
        host_unit_id=unit_id["Terveyskeskuksen vuodeosasto"],
        starts_on=date(2012, 3, 5),
        ends_on=date(2012, 3, 30),
        learning_goals=[
            "Vuodeosaston kotiutuskäytännöt tutuiksi",
            "Kokemukset talteen Opas työnkiertoon -luonnokseen",
        ],
        mentor_id=mentor,
        initiative_id=initiative_id,
    ).record_id
    app.approve_rotation(
        loader.ctx("tyokierto-sijoitus-hyvaksytty"), placement, occurred_on=date(2012, 2, 20)
    )
    app.start_rotation(loader.ctx("tyokierto-sijoitus-alkoi"), placement, occurred_on=date(2012, 3, 5))
    app.record_rotation_reflection(
        loader.ctx("tyokierto-sijoitus-pohdinta"),
        placement,
        text="Osastolla kotiutuksen suunnittelu alkaa jo tulopäivänä; "
        "kotihoidolle tieto tulee usein myöhään.",
        occurred_on=date(2012, 3, 9),
    )
    return placement


def load_change_day(loader: Loader, oulunkaari: UUID, team_unit: UUID, team_lead: UUID) -> None:
    """A small Change Day campaign at Oulunkaari (seed 003): handprint badges tell of the
    development actions carried out; customers take part in the Change Day events."""
    app = loader.services.app
    campaign = app.create_campaign(
        loader.ctx("change-day"),
        fields={"name": "Oulunkaaren Change Day (demo)", "held_on": date(2015, 11, 11), "target_count": 20},
    ).record_id
    place = {"organisation_id": oulunkaari, "unit_id": team_unit}
    pledges = (
        (
            "cd-asiakas",
            {"person_id": team_lead, "category": "patient_experience"},
            "Kutsun kehittäjäasiakkaan mukaan tiimin seuraavaan palaveriin.",
            "Kehittäjäasiakas kertoi, miltä kotiutus tuntuu asiakkaasta; tarkistuslista muuttui heti.",
        ),
        (
            "cd-blogi",
            {"team": "Soten kehittämistiimi", "category": "ways_of_working"},
            "Me kerromme kokeiluistamme kehittäjien blogissa.",
            "Kolme kirjoitusta julkaistiin, ja kaksi kuntaa kysyi kokeiluista lisää.",
        ),
        (
            "cd-esimiesinfo",
            {"team": "Esimiesinfon vetäjät", "category": "working_together"},
            "Varaamme jokaisesta esimiesinfosta osion yhteiselle vuoropuhelulle ja kehittämiselle.",
            None,
        ),
        (
            "cd-kokeilu",
            {"person_id": team_lead, "category": "wellbeing_at_work"},
            "Lupaan kokeilla yhtä uutta työtapaa kuukaudessa ja kertoa siitä tiimille.",
            None,
        ),
    )
    actions: dict[str, UUID] = {}
    for step, pledger, text, story in pledges:
        actions[step] = app.pledge_action(
            loader.ctx(step), campaign, fields={"text": text, **pledger, **place}
        ).record_id
        if story is not None:
            app.complete_action(
                loader.ctx(f"{step}-done"), actions[step], story=story, occurred_on=date(2015, 11, 11)
            )
    app.link_inspiration(
        loader.ctx("cd-esimiesinfo-inspired"), actions["cd-esimiesinfo"], source_id=actions["cd-blogi"]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kipina-demo", description=__doc__)
    parser.parse_args(argv)
    settings = settings_or_complaint()
    if settings is None:
        return 2
    services = bootstrap(settings)
    try:
        loaded = load(services)
    finally:
        services.close()
    print(
        f"Demo data ready: {len(loaded['organisations'])} organisations, "
        f"{len(loaded['initiatives'])} initiatives, {len(loaded['programmes'])} programme. "
        "Start Kipinä with `make run`."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
