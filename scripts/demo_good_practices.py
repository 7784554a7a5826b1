"""Good practices in the demo: Oulunkaari's Innokylä model and three 3W projects.

* "Kehittäminen kuuluu kaikille" (seed 003): drafted from Oulunkaari's initiative, filled in
  with the text Oulunkaari published in Innokylä, published as version 1, then revised as
  version 2 (Innokylä's page was last edited on 25.5.2020). An internal note stays unpublished.
* Three 3W projects whose experiments were adopted (seed 001): drafted (pre-filled from the
  project's summary, goals and experiment learning), completed by the manager and published,
  so the closing seminar "Hyvät käytännöt jakoon" has practices to share. The daily-board
  project ("Kotihoidon päivittäisjohtamisen taulu") gets the weekly measure its experiment
  names, the morning meeting's length: about 35 minutes before the board, 14 after (as the
  project's observation says), so the seminar pack has key figures and a run chart.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.good_practice_prefill import prefill
from scripts.demo_loader import Loader
from services.good_practice_source import prefill_source

OULUNKAARI_MODEL: dict[str, Any] = {
    "name": "Kehittäminen kuuluu kaikille",
    "short_description": (
        "Kehittäminen kuuluu Oulunkaarella jokaiselle henkilöstöstä luottamuselimiin saakka. "
        "Kokeiluihin kannustetaan. Systemaattiset, yhteiset kehittämisen areenat mahdollistavat "
        "vaikuttavan kehittämistyön."
    ),
    "where_implemented": "Oulunkaaren kuntayhtymän soten kehittämistiimi.",
    "region": "Pohjois-Pohjanmaa",
    "funder": "Ei erillisrahoitusta",
    "basic_idea": (
        "Viestintä: kehittäminen näkyy ja kuuluu\n"
        "Kehittämistoiminnasta viestitään aktiivisesti mm. Twitterissä, Instagramin kuvapalvelussa "
        "ja paikallislehdissä. Oulunkaaren internet-sivuilta löytyy kehittäjien blogi. Esimerkiksi "
        "Change Day -päivän kädenjälkitunnukset kertovat toteutetuista kehittämistoimenpiteistä.\n\n"
        "Yhteiset kehittämisen areenat\n"
        "Yhteiset kehittämisen areenat, kuten esim. järjestämisneuvotteluprosessi, "
        "Innovaattori-koulutus, kehittämistiimi ja esimiesinfot ovat tärkeitä kohtaamispaikkoja "
        "kehittämistyölle. Innovaattori-koulutuksessa n. 20 Oulunkaaren ja kuntien työntekijää suoritti "
        "kehittämiseen ja kokeilukulttuuriin painottuneen erikoisammattitutkinnon. Asiakkaat ovat "
        "mukana kehittämistyössä mm. raati- ja kehittäjäasiakastoiminnassa sekä Change Day "
        "-tempauksissa."
    ),
    "operating_environment": (
        "Kehittämisen ja kokeilujen vauhdittaminen. Yhteinen suunta, tahtotila ja kannustus kokeilemaan "
        "ovat perustana Oulunkaaren kehittämistoiminnalle.\n\n"
        "Palvelujen korkea laatu, asiakastyytyväisyys ja osallistava kehittäminen olivat kriteereitä, "
        "joiden perusteella STM ja Työterveyslaitos myönsivät vuonna 2015 Oulunkaarelle Mielekäs "
        "työpaikka -tunnustuksen."
    ),
    "target_group_and_customer_understanding": (
        "Kohderyhmä jokainen Oulunkaarella henkilöstöstä luottamuselimiin saakka."
    ),
    "conditions_for_adoption": (
        "Kehittämisen kulttuuri ja kokeiluihin kannustaminen\n\n"
        "Johto tukee vahvasti kehittämistä ja kannustaa asiakaslähtöisiin kokeiluihin. Asiakkaiden ja "
        "kuntalaisten osallisuus on tärkeää. Oulunkaaren henkilöstökyselyssä vastaajat kertoivat, että "
        "hyvät ideat jaetaan työkavereiden kesken ja tiimit etsivät aktiivisesti tapoja tehdä työtä "
        "entistä paremmin ja asiakaslähtöisemmin."
    ),
    "evaluation_results": (
        "Kehittämistyön vaikutukset ovat olleet Oulunkaarella toiminnallisesti ja taloudellisesti "
        "merkittäviä. Kokeilukulttuuria edistetään hallituksen kärkihankkeen hengessä."
    ),
    "tips_for_adopters": "Liitteenä Oulunkaaren kehittäjäopas vinkiksi.",
    "development_phase": "ready",
    "topics": ["Kuntayhtymä", "Järjestäminen"],
    "phenomena": ["Ei liity ilmiöön"],
    "target_groups": ["Työikäiset"],
    "internal_notes": "Kehittäjäopas liitetään Innokylään pdf:nä; tarkista uusin versio ennen julkaisua.",
}
OULUNKAARI_REVISION = {
    "tips_for_adopters": (
        "Liitteenä Oulunkaaren kehittäjäopas vinkiksi.\n\n"
        "Aloita yhteisistä areenoista: kuukausittainen esimiesinfo, jossa on aina osio yhteiselle "
        "vuoropuhelulle ja kehittämiselle, tavoittaa käytännössä kaikki lähiesimiehet."
    ),
}

# 3W projects whose experiment was adopted, and what their managers wrote up for the seminar.
THREE_W_PRACTICES: dict[str, dict[str, Any]] = {
    "ki-oh": {
        "region": "Uusimaa",
        "funder": "Kirkkonummen kunta; 3W-ohjelma",
        "operating_environment": (
            "Ympärivuorokautisen hoidon osasto, jossa aamutoimet tehtiin ennen yhteen aikaan kaikille. "
            "Kehittäminen tehtiin osana 3W-ohjelman Lean-työpajoja."
        ),
        "evaluation_results": (
            "Aamupalan väliin jättäneitä asukkaita oli kokeilun aikana 3 viikossa, ennen 9. "
            "Aamuhoitajan kiire tasoittui."
        ),
        "tips_for_adopters": "Sovi yövuoron kanssa heräämisten kirjaamisesta, muuten tieto katoaa.",
        "development_phase": "ready",
        "target_groups": ["Ikääntyneet"],
    },
    "ki-kh-tv": {
        "region": "Uusimaa",
        "funder": "Kirkkonummen kunta; 3W-ohjelma",
        "operating_environment": "Kotihoidon tiimit, joiden päivän tilanne oli esimiehen muistin varassa.",
        "evaluation_results": "Taulu otettiin käyttöön kaikissa Kirkkonummen kotihoidon tiimeissä.",
        "tips_for_adopters": "Pidä taulupalaveri lyhyenä ja samaan aikaan joka päivä.",
        "development_phase": "spread",
        "target_groups": ["Ikääntyneet"],
    },
    "ka-oh": {
        "region": "Uusimaa",
        "funder": "Perusturvakuntayhtymä Karviainen; 3W-ohjelma",
        "operating_environment": "Osastot, joilla hoitotarvikkeet loppuivat kesken ja tilattiin kiireellä.",
        "evaluation_results": "Kanban-kortit vakiintuivat kaikille osastoille; kiiretilaukset loppuivat.",
        "tips_for_adopters": "Nimeä täyttövastuu; kortti palautetaan aina samaan paikkaan.",
        "development_phase": "spread",
        "target_groups": ["Ikääntyneet"],
    },
}


def load_good_practices(loader: Loader, everyone: UUID, three_w_initiatives: dict[str, str]) -> list[UUID]:
    """Draft, fill in and publish the demo's good practices; returns their ids."""
    app = loader.services.app
    loader.services.projector.catch_up()
    practices = []
    oulunkaari = _draft(loader, "oulunkaari", everyone, OULUNKAARI_MODEL)
    app.publish_good_practice(loader.ctx("good-practice-oulunkaari-publish"), oulunkaari)
    app.edit_good_practice(
        loader.ctx("good-practice-oulunkaari-revise"), oulunkaari, fields=OULUNKAARI_REVISION
    )
    app.publish_good_practice(loader.ctx("good-practice-oulunkaari-publish-2"), oulunkaari)
    practices.append(oulunkaari)
    _morning_meeting_measure(loader, UUID(three_w_initiatives["ki-kh-tv"]))
    for slug, written in THREE_W_PRACTICES.items():
        initiative_id = UUID(three_w_initiatives[slug])
        practice_id = _draft(loader, slug, initiative_id, written)
        app.publish_good_practice(loader.ctx(f"good-practice-{slug}-publish"), practice_id)
        practices.append(practice_id)
    loader.services.projector.catch_up()
    return practices


# Minutes of the daily board meeting, ISO weeks 36–50 of 2018; the board came in week 40.
MORNING_MEETING = (36, 35, 37, 34, 22, 18, 16, 15, 14, 14, 13, 15, 14, 13, 14)


def _morning_meeting_measure(loader: Loader, initiative_id: UUID) -> None:
    app = loader.services.app
    measure = app.define_measure(
        loader.ctx("aamupalaverin-kesto"),
        initiative_id,
        fields={
            "name": "Aamupalaverin kesto",
            "unit": "min",
            "direction": "down",
            "frequency": "weekly",
            "baseline": 35.0,
            "target": 15.0,
            "data_source": "Tilannetaulun palaverikirjaukset",
        },
        occurred_on=date(2018, 9, 3),
    ).record_id
    for week, minutes in enumerate(MORNING_MEETING, start=36):
        app.record_measure_value(
            loader.ctx(f"aamupalaverin-kesto-{week}"),
            measure,
            value_id=uuid5(NAMESPACE_URL, f"https://kipina.invalid/demo/aamupalaverin-kesto/{week}"),
            period=f"2018-W{week:02d}",
            value=float(minutes),
        )


def _draft(loader: Loader, slug: str, initiative_id: UUID, written: dict[str, Any]) -> UUID:
    with loader.services.projector.engine.connect() as conn:
        prefilled = prefill(prefill_source(conn, initiative_id))
    # The person fills in what the initiative could not say; pre-filled text stays where they
    # wrote nothing. A blank required field gets a line saying where the text came from.
    for name in ("conditions_for_adoption", "target_group_and_customer_understanding", "basic_idea"):
        if not prefilled.get(name) and not written.get(name):
            written = {**written, name: prefilled.get("short_description", "")}
    receipt = loader.services.app.draft_good_practice(
        loader.ctx(f"good-practice-{slug}-draft"), initiative_id, prefilled=prefilled, overrides=written
    )
    return receipt.record_id
