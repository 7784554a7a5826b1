"""Export documents built by hand, without a database, from the seed documents' real cases.

* `practice_document()`: Oulunkaari's Innokylä model "Kehittäminen kuuluu kaikille" (seed 003),
  version 1, with two measures (run charts drawn by the real SVG renderer, turned into PNGs by
  `present.drawing.png`) and an outcome timeline. One field mixes CRLF and LF paragraphs; the tips hold
  characters every format must escape its own way (`<`, `&`, `"`, `|`, `*`).
* `seminar_document()`: the 3W programme's closing seminar "Hyvät käytännöt jakoon" on
  11.4.2019 (seed 001) with three projects' practices: one with a measure and a timeline, one
  with neither, one with a timeline only. Raasepori's is bilingual, so Swedish å is in it too.
* `empty_seminar_document()`: the same programme before anything was published.
* `long_document()`: Oulunkaari's model with a 6,000-character basic idea, a long short
  description, five measures and ten timeline entries: more than a slide can hold.

Every builder returns a new document each time, so a test can render two equal documents.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from documents.document import (
    EvaluationSummary,
    ExportDocument,
    KeyFigure,
    PracticeSection,
    Provenance,
    SeminarInfo,
    SourceRecord,
    TimelineEntry,
)
from documents.words import words
from present.drawing import png
from present.drawing.run_chart_svg import ChartPoint
from present.drawing.run_chart_svg import render as run_chart_svg
from present.drawing.timeline_svg import KIND_ORDER, Lane, TimelineMarker
from present.drawing.timeline_svg import render as timeline_svg

# The recorded time of the position the documents are built from: the seminar's morning.
BUILT_FROM_TIME = datetime(2019, 4, 11, 7, 30, tzinfo=UTC)
BUILT_FROM_POSITION = 4711
KIPINA_VERSION = "0.1.0+vientitesti"

OULUNKAARI_PRACTICE_ID = "6f1c2b7e-3a44-4c1d-9e0a-000000000301"
OULUNKAARI_INITIATIVE_ID = "6f1c2b7e-3a44-4c1d-9e0a-000000000302"
HANDPRINTS_MEASURE_ID = "6f1c2b7e-3a44-4c1d-9e0a-000000000303"
EXPERIMENTS_MEASURE_ID = "6f1c2b7e-3a44-4c1d-9e0a-000000000304"
PROGRAMME_ID = "3b3b3b3b-0001-4000-8000-000000000001"

# Typed by a person: CRLF paragraphs (pasted from Word) and LF paragraphs in the same field.
OPERATING_ENVIRONMENT = (
    "Kehittämisen ja kokeilujen vauhdittaminen. Yhteinen suunta, tahtotila ja kannustus kokeilemaan "
    "ovat perustana Oulunkaaren kehittämistoiminnalle.\r\n\r\n"
    "Palvelujen korkea laatu, asiakastyytyväisyys ja osallistava kehittäminen olivat kriteereitä, "
    "joiden perusteella STM ja Työterveyslaitos myönsivät vuonna 2015 Oulunkaarelle Mielekäs "
    "työpaikka -tunnustuksen.\n\n"
    "Mielekäs-ohjelman tarkoituksena on levittää onnistuneita sote-alan käytäntöjä."
)
# Characters with a meaning in HTML, Markdown, CSV and CSS, in a field someone typed.
TIPS_WITH_SYMBOLS = (
    'Liitteenä Oulunkaaren "kehittäjäopas" vinkiksi. Kokeile & mittaa: kun läpimenoaika on < 20 päivää, '
    "kirjaa se kädenjälkenä | kokeilu ei ole *valmis* ennen kuin siitä on kerrottu; ja jaa se."
)
# A measure name with a Markdown table separator in it.
PIPE_MEASURE = "Kokeilut | Change Day & muut"

OULUNKAARI_FIELDS: dict[str, str | list[str]] = {
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
        "ja paikallislehdissä. Oulunkaaren internet-sivuilta löytyy kehittäjien blogi.\n\n"
        "Yhteiset kehittämisen areenat\n"
        "Yhteiset kehittämisen areenat, kuten esim. järjestämisneuvotteluprosessi, "
        "Innovaattori-koulutus, kehittämistiimi ja esimiesinfot ovat tärkeitä kohtaamispaikkoja "
        "kehittämistyölle."
    ),
    "operating_environment": OPERATING_ENVIRONMENT,
    "target_group_and_customer_understanding": (
        "Kohderyhmä jokainen Oulunkaarella henkilöstöstä luottamuselimiin saakka."
    ),
    "conditions_for_adoption": (
        "Kehittämisen kulttuuri ja kokeiluihin kannustaminen\n\n"
        "Johto tukee vahvasti kehittämistä ja kannustaa asiakaslähtöisiin kokeiluihin."
    ),
    "evaluation_results": (
        "Kehittämistyön vaikutukset ovat olleet Oulunkaarella toiminnallisesti ja taloudellisesti "
        "merkittäviä. Kokeilukulttuuria edistetään hallituksen kärkihankkeen hengessä."
    ),
    "tips_for_adopters": TIPS_WITH_SYMBOLS,
    "development_phase": "ready",
    "topics": ["Kuntayhtymä", "Järjestäminen"],
    "phenomena": ["Ei liity ilmiöön"],
    "target_groups": ["Työikäiset"],
}

# The last sentence of the long basic idea: it must survive wherever the full text is promised.
LONG_LAST_SENTENCE = "Viimeiseksi: kädenjälki jää näkyviin, ja seuraava kokeilu alkaa jo huomenna."


def long_basic_idea(length: int = 6000) -> str:
    """At least `length` characters of numbered Finnish sentences, four to a paragraph (LF),
    ending with LONG_LAST_SENTENCE; each sentence is distinct, so a lost one can be found."""
    sentences: list[str] = []
    text = ""
    while len(text) < length:
        sentences.append(
            f"Kokeilu {len(sentences) + 1}: työyhteisö kokeili yhtä pientä muutosta, mittasi sen "
            "vaikutuksen ja kertoi löydöistä esimiesinfossa."
        )
        paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
        text = "\n\n".join([*paragraphs, LONG_LAST_SENTENCE])
    return text


# ---- pictures --------------------------------------------------------------------------


def run_chart(
    name: str, unit: str, values: list[float], first: date, target: float | None
) -> tuple[str, bytes]:
    """The run chart as the measure page draws it, and the same as a PNG."""
    points = [
        ChartPoint(
            first + timedelta(days=30 * i), v, label=(first + timedelta(days=30 * i)).strftime("%Y-%m")
        )
        for i, v in enumerate(values)
    ]
    ordered = sorted(values)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    svg = run_chart_svg(
        points, title=name, description=f"{len(values)} arvoa", median=median, target=target, unit=unit
    )
    return svg, png.from_svg(svg, zoom=1.0)


def timeline_picture(entries: tuple[TimelineEntry, ...], title: str) -> tuple[str, bytes]:
    markers = [TimelineMarker(e.day, e.kind, e.text, e.kind) for e in entries]
    lanes = [Lane(kind, kind) for kind in KIND_ORDER if any(e.kind == kind for e in entries)]
    svg = timeline_svg(markers, lanes, title=title, description=f"{len(entries)} merkintää")
    return svg, png.from_svg(svg, zoom=1.0)


def key_figure(
    name: str,
    unit: str,
    direction: str,
    values: list[float],
    first: date,
    target: float | None,
) -> KeyFigure:
    svg, picture = run_chart(name, unit, values, first, target)
    return KeyFigure(
        name=name,
        unit=unit,
        direction=direction,
        baseline=values[0],
        latest=values[-1],
        latest_period=first + timedelta(days=30 * (len(values) - 1)),
        target=target,
        values_count=len(values),
        run_chart_svg=svg,
        run_chart_png=picture,
    )


# ---- sections ----------------------------------------------------------------------------


def section(
    *,
    practice_id: str,
    fields: dict[str, str | list[str]],
    initiative_id: str,
    organisation: str,
    key_figures: tuple[KeyFigure, ...] = (),
    timeline: tuple[TimelineEntry, ...] = (),
    version: int = 1,
    published_at: datetime = datetime(2019, 3, 28, 12, 0, tzinfo=UTC),
    source_position: int = 4200,
    evaluation: EvaluationSummary | None = None,
) -> PracticeSection:
    name = str(fields["name"])
    svg, picture = timeline_picture(timeline, name) if timeline else ("", b"")
    return PracticeSection(
        practice_id=practice_id,
        version=version,
        published_at=published_at,
        fields=dict(fields),
        initiative_id=initiative_id,
        initiative_title=name,
        initiative_status="spread" if fields.get("development_phase") == "spread" else "completed",
        organisation=organisation,
        key_figures=key_figures,
        timeline=timeline,
        timeline_svg=svg,
        timeline_png=picture,
        source_position=source_position,
        evaluation=evaluation,
    )


OULUNKAARI_TIMELINE = (
    TimelineEntry(date(2016, 1, 11), "lifecycle", "Aloitettu: suunniteltu → käynnissä"),
    TimelineEntry(
        date(2016, 3, 16), "experiment", "Change Day -kädenjälkitunnukset: päätetty ottaa käyttöön"
    ),
    TimelineEntry(date(2016, 5, 2), "measure_signal", "Kädenjäljet: siirtymä mediaanin yläpuolelle"),
    TimelineEntry(date(2016, 6, 30), "good_practice", "Hyvä käytäntö julkaistu: versio 1"),
)


def oulunkaari_section(**overrides: Any) -> PracticeSection:
    arguments: dict[str, Any] = {
        "practice_id": OULUNKAARI_PRACTICE_ID,
        "fields": OULUNKAARI_FIELDS,
        "initiative_id": OULUNKAARI_INITIATIVE_ID,
        "organisation": "Oulunkaaren kuntayhtymä, Soten kehittämistiimi",
        "key_figures": (
            key_figure("Kädenjäljet", "kpl", "up", [4, 6, 5, 9, 12, 14], date(2016, 1, 31), 15.5),
            key_figure(PIPE_MEASURE, "kpl/kk", "up", [1, 2, 2, 3, 5, 4], date(2016, 1, 31), None),
        ),
        "timeline": OULUNKAARI_TIMELINE,
        "published_at": datetime(2016, 6, 30, 9, 15, tzinfo=UTC),
        "source_position": 4100,
    }
    arguments.update(overrides)
    return section(**arguments)


def provenance(sections: tuple[PracticeSection, ...], *, language: str, programme: bool) -> Provenance:
    sources: list[SourceRecord] = []
    if programme:
        sources.append(SourceRecord("programme", PROGRAMME_ID, THREE_W_PROGRAMME, 57, 4650))
    for n, part in enumerate(sections):
        name = str(part.fields["name"])
        sources.append(SourceRecord("good_practice", part.practice_id, name, part.version + 1, 4300 + n))
        sources.append(SourceRecord("initiative", part.initiative_id, name, 12 + n, part.source_position))
        for m, figure in enumerate(part.key_figures):
            measure_id = f"{part.initiative_id[:-3]}9{n}{m}"
            sources.append(SourceRecord("measure", measure_id, figure.name, 7, 3900 + m))
    return Provenance(
        built_from_position=BUILT_FROM_POSITION,
        built_from_time=BUILT_FROM_TIME,
        kipina_version=KIPINA_VERSION,
        language=language,
        sources=tuple(sources),
    )


# ---- documents ------------------------------------------------------------------------------


def practice_document(
    part: PracticeSection | None = None, *, title: str | None = None, language: str = "fi"
) -> ExportDocument:
    """One good practice, titled with its name (as sources.practice_document does)."""
    chosen = part or oulunkaari_section()
    return ExportDocument(
        title=title if title is not None else str(chosen.fields["name"]),
        provenance=provenance((chosen,), language=language, programme=False),
        practices=(chosen,),
        words=words(language),
    )


def long_document() -> ExportDocument:
    fields = {
        **OULUNKAARI_FIELDS,
        "short_description": " ".join([str(OULUNKAARI_FIELDS["short_description"])] * 3),
        "basic_idea": long_basic_idea(),
        "tips_for_adopters": " ".join([TIPS_WITH_SYMBOLS] * 8),
    }
    figures = tuple(
        key_figure(
            f"Mittari {n}: kokeilut yksikössä {n}", "kpl", "up", [n, n + 1, n + 3], date(2016, 1, 31), None
        )
        for n in range(1, 6)
    )
    timeline = tuple(
        TimelineEntry(
            date(2016, 1, 4) + timedelta(days=21 * n),
            "check_in",
            f"Tilannekatsaus {n}: "
            + "edistyy suunnitellusti, seuraava kokeilu sovittu ja vastuut jaettu " * 2,
        )
        for n in range(1, 11)
    )
    return practice_document(oulunkaari_section(fields=fields, key_figures=figures, timeline=timeline))


THREE_W_PROGRAMME = "3W-kehittämisohjelma ikäihmisten palveluihin"
SEMINAR_TITLE = "Hyvät käytännöt jakoon"
THREE_W_ORGANISATIONS = (
    "Kirkkonummen kunta",
    "Raaseporin kaupunki",
    "Perusturvakuntayhtymä Karviainen, Vihti",
    "Perusturvakuntayhtymä Karviainen, Karkkila",
)
# Said in Swedish by Raasepori's (bilingual) practice, and shown on its slide.
SWEDISH_SENTENCE = "Teamets tavla: dagens avvikelser och förbättringsidéer syns på morgonmötet."


def three_w_sections() -> tuple[PracticeSection, ...]:
    day_rhythm = {
        "name": "Asukkaan päivärytmi ympärivuorokautisessa hoidossa",
        "short_description": (
            "Aamutoimet asukkaan omaan rytmiin: heräämisajat kirjataan ja aamupala tarjotaan "
            "joustavasti kello 7–10."
        ),
        "where_implemented": "Kirkkonummen kunta, ympärivuorokautinen hoito",
        "region": "Uusimaa",
        "funder": "Kirkkonummen kunta; 3W-ohjelma",
        "basic_idea": "Heräämisajat kirjataan yövuorossa.\r\nAamupala tarjotaan, kun asukas herää.",
        "operating_environment": (
            "Ympärivuorokautisen hoidon osasto, jossa aamutoimet tehtiin ennen yhteen aikaan "
            "kaikille.\r\n\r\n"
            "Kehittäminen tehtiin osana 3W-ohjelman Lean-työpajoja."
        ),
        "evaluation_results": (
            "Aamupalan väliin jättäneitä asukkaita oli kokeilun aikana 3 viikossa, ennen 9. "
            "Aamuhoitajan kiire tasoittui."
        ),
        "tips_for_adopters": "Sovi yövuoron kanssa heräämisten kirjaamisesta, muuten tieto katoaa.",
        "development_phase": "ready",
        "topics": ["Ikääntyneiden palvelut", "Lean"],
        "phenomena": [],
        "target_groups": ["Ikääntyneet"],
    }
    daily_board = {
        "name": "Kotihoidon päivittäisjohtamisen taulu",
        "short_description": (
            "Tiimin tilannetaulu: päivän poikkeamat, resurssit ja parannusideat näkyviin vartin "
            "aamupalaverissa. " + SWEDISH_SENTENCE
        ),
        "region": "Uusimaa",
        "funder": "Raaseporin kaupunki; 3W-ohjelma",
        "evaluation_results": "Taulu otettiin käyttöön kaikissa Raaseporin kotihoidon tiimeissä.",
        "tips_for_adopters": "Pidä taulupalaveri lyhyenä ja samaan aikaan joka päivä.",
        "development_phase": "spread",
        "topics": ["Päivittäisjohtaminen"],
        "phenomena": ["Åldrande befolkning", "Väestön ikääntyminen"],
        "target_groups": ["Ikääntyneet", "Äldre"],
    }
    kanban = {
        "name": "Hoitotarvikkeiden tilaaminen kanban-kortein",
        "short_description": "Tarvikkeet tilataan kanban-korteilla, kun hyllyn merkkiraja ylittyy.",
        "region": "Uusimaa",
        "funder": "Perusturvakuntayhtymä Karviainen; 3W-ohjelma",
        "operating_environment": "Osastot, joilla hoitotarvikkeet loppuivat kesken ja tilattiin kiireellä.",
        "evaluation_results": "Kanban-kortit vakiintuivat kaikille osastoille; kiiretilaukset loppuivat.",
        "tips_for_adopters": "Nimeä täyttövastuu; kortti palautetaan aina samaan paikkaan.",
        "development_phase": "spread",
        "topics": ["Lean", "Logistiikka"],
        "target_groups": ["Ikääntyneet"],
    }
    return (
        section(
            practice_id="3b3b3b3b-0002-4000-8000-000000000011",
            fields=day_rhythm,
            initiative_id="3b3b3b3b-0002-4000-8000-000000000012",
            organisation="Kirkkonummen kunta, Ympärivuorokautinen hoito",
            key_figures=(
                key_figure(
                    "Aamupalan väliin jättäneet asukkaat",
                    "hlöä/vk",
                    "down",
                    [9, 8, 7, 5, 4, 3],
                    date(2018, 9, 30),
                    3,
                ),
            ),
            timeline=(
                TimelineEntry(date(2018, 9, 24), "lifecycle", "Aloitettu: suunniteltu → käynnissä"),
                TimelineEntry(date(2018, 11, 5), "experiment", "Joustava aamupala: kokeilu aloitettu"),
                TimelineEntry(date(2019, 1, 17), "check_in", "Työpaja 5: edistyminen 4,0"),
            ),
        ),
        section(
            practice_id="3b3b3b3b-0002-4000-8000-000000000021",
            fields=daily_board,
            initiative_id="3b3b3b3b-0002-4000-8000-000000000022",
            organisation="Raaseporin kaupunki, Kotihoito",
            version=2,
        ),
        section(
            practice_id="3b3b3b3b-0002-4000-8000-000000000031",
            fields=kanban,
            initiative_id="3b3b3b3b-0002-4000-8000-000000000032",
            organisation="Perusturvakuntayhtymä Karviainen, Karkkila, Ympärivuorokautinen hoito",
            timeline=(
                TimelineEntry(date(2018, 9, 17), "lifecycle", "Aloitettu: suunniteltu → käynnissä"),
                TimelineEntry(date(2018, 10, 8), "experiment", "Kanban-kortit hyllyyn: otettu käyttöön"),
            ),
        ),
    )


def seminar_info(**overrides: Any) -> SeminarInfo:
    arguments: dict[str, Any] = {
        "programme_id": PROGRAMME_ID,
        "programme_name": THREE_W_PROGRAMME,
        "period_start": date(2018, 8, 1),
        "period_end": date(2019, 5, 31),
        "organisations": THREE_W_ORGANISATIONS,
        "seminar_title": SEMINAR_TITLE,
        "seminar_date": date(2019, 4, 11),
        "initiatives_enrolled": 29,
        "workshops_held": 6,
    }
    arguments.update(overrides)
    return SeminarInfo(**arguments)


def seminar_document(
    sections: tuple[PracticeSection, ...] | None = None, *, language: str = "fi"
) -> ExportDocument:
    """The 3W closing seminar's pack, titled with the seminar (as sources.seminar_document does)."""
    chosen = three_w_sections() if sections is None else sections
    return ExportDocument(
        title=SEMINAR_TITLE,
        provenance=provenance(chosen, language=language, programme=True),
        practices=chosen,
        seminar=seminar_info(),
        words=words(language),
    )


def empty_seminar_document() -> ExportDocument:
    return seminar_document(())


DOCUMENTS = {
    "practice": practice_document,
    "seminar": seminar_document,
    "empty_seminar": empty_seminar_document,
    "long": long_document,
}
