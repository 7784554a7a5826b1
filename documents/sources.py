"""Building an export's document from the read models, as of one log position.

Everything is read as of `position` (the published version, the initiative, its measures
and run charts, its outcome timeline, the programme), and nothing reads the clock, so
building again as of the same position gives the same document, and so the same bytes.
Only published versions are ever read: the working copy and its internal notes never
reach an export.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from documents.document import (
    EvaluationFigure,
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
from domain.errors import RecordNotFound, RuleViolation
from present import labels, timelines
from present import measures as measure_views
from present.drawing import png
from present.i18n import Formatter, translations
from present.outcome_timeline import word_entries
from projections import (
    evaluations,
    experiments,
    good_practices,
    history,
    initiatives,
    measures,
    organisations,
    programmes,
)
from services.people_registry import PeopleRegistry

# Drawings scaled to an A4 page's or a slide's width: narrower than on screen, so their 11-px
# words print at about 9 points in the PDF (the timeline at about 7.5) and read from the back
# of a room on a slide.
EXPORT_CHART_WIDTH = 600
EXPORT_TIMELINE_WIDTH = 780


@dataclass(frozen=True)
class Setting:
    """What an export is built with besides the data: its language, the time zone its dates
    are shown in, the people registry (run charts name who annotated) and Kipinä's version."""

    language: str
    zone: ZoneInfo
    people: PeopleRegistry
    kipina_version: str


class PositionNotRecorded(ValueError):
    """An export asked for as of a position the log has not reached: the asker's mistake."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def checked_position(conn: Connection, position: int | None) -> int:
    """The position to build from: the one asked for, or the newest recorded."""
    newest = history.last_position(conn)
    if position is None:
        return newest
    if position > newest:
        raise PositionNotRecorded(
            f"position {position} has not been recorded yet; the newest event position is {newest}."
        )
    return position


# ---- one good practice -------------------------------------------------------------


def practice_document(
    conn: Connection, practice_id: UUID, *, version: int | None, position: int, setting: Setting
) -> ExportDocument:
    row = _published(conn, practice_id, version, position)
    return single_document(conn, practice_section(conn, row, position, setting), position, setting)


def single_document(
    conn: Connection, section: PracticeSection, position: int, setting: Setting
) -> ExportDocument:
    """One practice's document around a section already read as of `position` (the seminar
    command reuses the pack's sections rather than reading and drawing each one again)."""
    sources = _sources(conn, [section], position)
    return ExportDocument(
        title=section.fields["name"] if isinstance(section.fields["name"], str) else "",
        provenance=_provenance(conn, position, setting, sources),
        practices=(section,),
        words=words(setting.language),
    )


def _published(conn: Connection, practice_id: UUID, version: int | None, position: int) -> dict[str, Any]:
    if good_practices.get(conn, practice_id, position) is None:
        if good_practices.get(conn, practice_id) is not None:
            raise RecordNotFound(
                "Good practice {id} was drafted after event position {position}; build the export "
                "from a later position.",
                id=practice_id,
                position=position,
            )
        raise RecordNotFound("There is no good practice with id {id}.", id=practice_id)
    if version is None:
        row = good_practices.published_version(conn, practice_id, position)
        if row is not None:
            return row
        published = good_practices.versions(conn, practice_id, position)
        if published and published[-1]["retraction"] is not None:
            raise RuleViolation(
                "This good practice was retracted ({reason}), so it is not exported.",
                reason=published[-1]["retraction"]["reason"],
            )
        raise RuleViolation(
            "This good practice has no published version to export (as of event position "
            "{position}): publish it first. Drafts are never exported.",
            position=position,
        )
    found = good_practices.version(conn, practice_id, version, position)
    if found is None:
        raise RecordNotFound(
            "Good practice {id} has no published version {number}.", id=practice_id, number=version
        )
    if found["retraction"] is not None:
        raise RuleViolation(
            "Version {number} of this good practice was retracted ({reason}); it is not exported.",
            number=version,
            reason=found["retraction"]["reason"],
        )
    return found


def practice_section(
    conn: Connection, row: dict[str, Any], position: int, setting: Setting, *, evidence: bool = True
) -> PracticeSection:
    """One published version and the evidence behind it as of `position`. Without `evidence`
    (a catalogue CSV), no key figures, charts or timeline are read."""
    initiative_id = row["initiative_id"]
    initiative = initiatives.get(conn, UUID(initiative_id), position) or {"title": "", "status": ""}
    key_figures: tuple[KeyFigure, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    timeline_svg_text = ""
    evaluation = None
    if evidence:
        evaluation = _evaluation(conn, initiative_id, position, setting)
        key_figures = tuple(_key_figures(conn, row["practice_id"], initiative_id, position, setting))
        body = timelines.timeline(
            conn,
            "initiative",
            UUID(initiative_id),
            position,
            None,
            kinds=None,
            start=None,
            end=None,
            zone=setting.zone,
        )
        # Worded as the timeline page words them, in the export's language (the SVG's tooltips too).
        gettext = translations(setting.language).gettext
        word_entries(gettext, Formatter(setting.language, setting.zone), body["entries"])
        timeline = tuple(
            TimelineEntry(day=e["day"], kind=e["kind"], text=e["title"]) for e in body["entries"]
        )
        # Ids named after the practice: two practices of one initiative share a page uniquely.
        prefix = f"timeline-{row['practice_id'][:8]}"
        timeline_svg_text = (
            timelines.render_svg(
                body, lang=setting.language, zone=setting.zone, id_prefix=prefix, width=EXPORT_TIMELINE_WIDTH
            )
            if timeline
            else ""
        )
    return PracticeSection(
        practice_id=row["practice_id"],
        version=row["version"],
        published_at=row["published_at"],
        fields=dict(row["fields"]),
        initiative_id=initiative_id,
        initiative_title=initiative["title"],
        initiative_status=initiative["status"],
        organisation=_where(conn, row, position),
        key_figures=key_figures,
        timeline=timeline,
        timeline_svg=timeline_svg_text,
        timeline_png=png.from_svg(timeline_svg_text) if timeline_svg_text else b"",
        source_position=row["source_position"],
        evaluation=evaluation,
    )


def _evaluation(
    conn: Connection, initiative_id: str, position: int, setting: Setting
) -> EvaluationSummary | None:
    """The initiative's latest evaluation as of `position`, worded in the export's language."""
    row = evaluations.latest_of(conn, [initiative_id], position).get(initiative_id)
    if row is None:
        return None
    gettext = translations(setting.language).gettext
    figures = tuple(
        EvaluationFigure(
            area=gettext(labels.EFFECT_AREA[area]),
            label=figure["label"],
            value=figure["value"],
            unit=figure["unit"],
        )
        for area in labels.EFFECT_AREA
        for figure in row["effects"].get(area, {}).get("figures", [])
    )
    return EvaluationSummary(
        evaluated_on=date.fromisoformat(row["evaluated_on"]),
        method=gettext(labels.METHOD.get(row["method"], row["method"])),
        recommendation=gettext(labels.RECOMMENDATION.get(row["recommendation"], row["recommendation"])),
        figures=figures,
        costs_eur=row["costs_amount_eur"],
    )


def _where(conn: Connection, row: dict[str, Any], position: int) -> str:
    places = [p for p in (row["organisation_id"], row["unit_id"]) if p]
    names = organisations.names(conn, set(places), position)
    return ", ".join(names[p] for p in places if names.get(p))


def _key_figures(
    conn: Connection, practice_id: str, initiative_id: str, position: int, setting: Setting
) -> list[KeyFigure]:
    figures = []
    for measure in measures.of_initiatives(conn, [initiative_id], position):
        chart = measure_views.chart(conn, setting.people, UUID(measure["id"]), position, None)
        points = chart["points"]
        latest = points[-1] if points else None
        prefix = f"run-chart-{practice_id[:8]}-{measure['id'][:8]}"
        svg = measure_views.chart_svg(
            chart, lang=setting.language, zone=setting.zone, id_prefix=prefix, width=EXPORT_CHART_WIDTH
        )
        gettext = translations(setting.language).gettext
        found = dict.fromkeys(s["rule"] for s in chart["signals"])
        figures.append(
            KeyFigure(
                name=measure["name"],
                unit=measure["unit"],
                direction=measure["direction"],
                baseline=chart["baseline"],
                latest=latest["value"] if latest else None,
                latest_period=latest["day"] if latest else None,
                target=chart["target"],
                values_count=len(points),
                run_chart_svg=svg,
                run_chart_png=png.from_svg(svg),
                latest_label=latest["period"] if latest else "",
                signals=tuple(gettext(measure_views.CHART_WORDS.get(r, r)) for r in found),
            )
        )
    return figures


# ---- the catalogue ---------------------------------------------------------------------


def catalogue_sections(
    conn: Connection, flt: good_practices.PracticeFilter, *, position: int, setting: Setting
) -> list[PracticeSection]:
    """Every practice published (and not retracted) as of `position` that matches `flt`, most
    recently published first, without the evidence (a catalogue row holds only the fields)."""
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        page, cursor = good_practices.published(conn, flt, limit=500, cursor=cursor, as_of=position)
        rows += page
        if cursor is None:
            break
    return [practice_section(conn, row, position, setting, evidence=False) for row in rows]


# ---- a programme's seminar pack -----------------------------------------------------------


def seminar_document(
    conn: Connection, programme_id: UUID, *, position: int, setting: Setting
) -> ExportDocument:
    """Every good practice published (and not retracted) as of `position` from the initiatives
    enrolled in the programme then, by name."""
    programme = programmes.get(conn, programme_id, position)
    if programme is None:
        if programmes.get(conn, programme_id) is not None:
            raise RecordNotFound(
                "Programme {id} was created after event position {position}; build the pack from "
                "a later position.",
                id=programme_id,
                position=position,
            )
        raise RecordNotFound("There is no programme with id {id}.", id=programme_id)
    enrolled = [e["initiative_id"] for e in programmes.enrolments(conn, programme_id, position)]
    rows = good_practices.published_of_initiatives(conn, enrolled, position)
    sections = [practice_section(conn, row, position, setting) for row in rows]
    info = _seminar_info(conn, programme, len(enrolled), position)
    sources = _sources(conn, sections, position, programme)
    return ExportDocument(
        title=info.seminar_title or info.programme_name,
        provenance=_provenance(conn, position, setting, sources),
        practices=tuple(sections),
        seminar=info,
        words=words(setting.language),
    )


def _seminar_info(conn: Connection, programme: dict[str, Any], enrolled: int, position: int) -> SeminarInfo:
    workshops = programmes.workshops(conn, programme["id"], position)
    seminars = [w for w in workshops if w["kind"] == "seminar"]
    seminar = seminars[-1] if seminars else None
    names = organisations.names(conn, set(programme["organisation_ids"]), position)
    return SeminarInfo(
        programme_id=programme["id"],
        programme_name=programme["name"],
        period_start=date.fromisoformat(programme["period_start"]),
        period_end=date.fromisoformat(programme["period_end"]),
        organisations=tuple(names.get(i, "") for i in programme["organisation_ids"]),
        seminar_title=seminar["title"] if seminar else "",
        seminar_date=date.fromisoformat(seminar["day"]) if seminar else None,
        initiatives_enrolled=enrolled,
        workshops_held=sum(1 for w in workshops if w["held"]),
    )


# ---- provenance -------------------------------------------------------------------------


def _sources(
    conn: Connection,
    sections: list[PracticeSection],
    position: int,
    programme: dict[str, Any] | None = None,
) -> tuple[SourceRecord, ...]:
    """Every record the document was read from, with its version and last position then:
    the programme (for a pack), the practices, and each practice's initiative, measures and
    experiments."""
    titles: dict[str, tuple[str, str]] = {}
    if programme is not None:
        titles[programme["id"]] = ("programme", programme["name"])
    for section in sections:  # the practices first, then what each was read with
        titles[section.practice_id] = ("good_practice", str(section.fields.get("name", "")))
    for section in sections:
        titles[section.initiative_id] = ("initiative", section.initiative_title)
        for measure in measures.of_initiatives(conn, [section.initiative_id], position):
            titles[measure["id"]] = ("measure", measure["name"])
        # The timeline's experiment entries (an initiative has a handful, never a page's worth).
        found, _ = experiments.search(
            conn,
            experiments.ExperimentFilter(initiative_id=UUID(section.initiative_id)),
            limit=1000,
            as_of=position,
        )
        for experiment in sorted(found, key=lambda e: e["created_position"]):
            titles[experiment["id"]] = ("experiment", experiment["title"])
    versions = history.versions_at(conn, titles, position)
    return tuple(
        SourceRecord(
            record_type=record_type,
            record_id=record_id,
            title=title,
            version=versions[record_id][0],
            position=versions[record_id][1],
        )
        for record_id, (record_type, title) in titles.items()
        if record_id in versions
    )


def _provenance(
    conn: Connection, position: int, setting: Setting, sources: tuple[SourceRecord, ...]
) -> Provenance:
    moment = history.recorded_at(conn, position)
    assert moment is not None, "a published version implies a recorded event"
    return Provenance(
        built_from_position=position,
        built_from_time=moment,
        kipina_version=setting.kipina_version,
        language=setting.language,
        sources=sources,
        time_zone=setting.zone.key,
    )
