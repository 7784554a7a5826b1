"""What an export says, independent of its format.

`sources.py` builds these from the read models as of one log position, `workshop_pack.py`
a workshop's pack from the programme's dashboard and digest; each renderer (`markdown.py`,
`html.py`, `pdf.py`, `pptx.py`, `json_export.py`, `csv_export.py`) turns them into bytes.
Everything a renderer shows comes from here, so the same document gives byte-identical
output and every format tells the same story.

Nothing here holds a draft, a working copy or an internal note: only published versions
of good practices are ever put into a document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# The Innokylä operating-model template, in its order. The key is Kipinä's field name; the
# value is the Finnish label Innokylä uses (JSON exports use these labels as keys).
INNOKYLA_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "Toimintamallin nimi"),
    ("short_description", "Toimintamallin lyhyt kuvaus"),
    ("where_implemented", "Toteutuspaikka"),
    ("region", "Paikkakunta tai maakunta"),
    ("funder", "Toimintamallin rahoittaja"),
    ("basic_idea", "Ratkaisun perusidea"),
    ("operating_environment", "Toimintaympäristö"),
    ("target_group_and_customer_understanding", "Kohderyhmä ja asiakasymmärrys"),
    ("conditions_for_adoption", "Toimivuuden ja käyttöönoton ehdot"),
    ("evaluation_results", "Arvioinnin tulokset tiivistettynä"),
    ("tips_for_adopters", "Vinkit toimintamallin soveltajille"),
    ("development_phase", "Kehittämisen vaihe"),
    ("topics", "Aihealueet"),
    ("phenomena", "Ilmiöt"),
    ("target_groups", "Kohderyhmä"),
)


@dataclass(frozen=True)
class SourceRecord:
    """A record an export was built from, at the version and log position it had then."""

    record_type: str  # "good_practice", "initiative", "measure", "programme", …
    record_id: str
    title: str
    version: int
    position: int  # the log position of that version's last event


@dataclass(frozen=True)
class Provenance:
    """Where an export came from. `built_from_position` and `built_from_time` name the log
    position the whole document was read as of (and the time it was recorded); building
    again as of that position gives the same bytes. Nothing here is volatile."""

    built_from_position: int
    built_from_time: datetime
    kipina_version: str
    language: str  # "fi", "sv" or "en": the language of labels and headings
    sources: tuple[SourceRecord, ...]
    time_zone: str = "UTC"  # the IANA zone the document's days are shown in


@dataclass(frozen=True)
class KeyFigure:
    """One measure of the practice's initiative: baseline → latest, against its target."""

    name: str
    unit: str
    direction: str  # "up" or "down": which way is better
    baseline: float | None
    latest: float | None
    latest_period: date | None
    target: float | None
    values_count: int
    run_chart_svg: str  # the run chart (SVG text), as the measure page shows it
    run_chart_png: bytes  # the same chart rendered to PNG (for PPTX and PDF)
    latest_label: str = ""  # the latest value's period as recorded ("2018-W50")
    signals: tuple[str, ...] = ()  # the signals its run chart shows, worded in the export's language


@dataclass(frozen=True)
class EvaluationFigure:
    area: str  # the area of effect, worded ("Effects on staff")
    label: str
    value: float
    unit: str


@dataclass(frozen=True)
class EvaluationSummary:
    """The initiative's latest evaluation, as the export's reader needs it: when, how, what it
    recommends and its figures (already worded in the export's language)."""

    evaluated_on: date
    method: str
    recommendation: str
    figures: tuple[EvaluationFigure, ...]
    costs_eur: float | None


@dataclass(frozen=True)
class TimelineEntry:
    day: date
    kind: str  # "milestone", "experiment", "check_in", "measure", "evaluation", …
    text: str


@dataclass(frozen=True)
class PracticeSection:
    """One published version of a good practice and the evidence behind it."""

    practice_id: str
    version: int
    published_at: datetime
    # Innokylä fields by Kipinä name (see INNOKYLA_FIELDS); lists for topics, phenomena
    # and target_groups, text (possibly long, multi-paragraph, with Finnish letters) otherwise.
    fields: dict[str, str | list[str]]
    initiative_id: str
    initiative_title: str
    initiative_status: str
    organisation: str  # organisation and unit names, "" when unknown
    key_figures: tuple[KeyFigure, ...]
    timeline: tuple[TimelineEntry, ...]
    timeline_svg: str  # the initiative's outcome timeline (SVG text); "" when nothing to draw
    timeline_png: bytes  # the same rendered to PNG; b"" when nothing to draw
    source_position: int  # the initiative's event position this version was based on
    evaluation: EvaluationSummary | None = None  # the initiative's latest evaluation then


@dataclass(frozen=True)
class SeminarInfo:
    """The programme and its closing seminar, for a seminar pack."""

    programme_id: str
    programme_name: str
    period_start: date
    period_end: date
    organisations: tuple[str, ...]
    seminar_title: str  # e.g. "Hyvät käytännöt jakoon"; "" when no seminar is scheduled
    seminar_date: date | None
    initiatives_enrolled: int
    workshops_held: int


@dataclass(frozen=True)
class ExportDocument:
    """One good practice (`seminar` is None) or a programme's seminar pack."""

    title: str
    provenance: Provenance
    practices: tuple[PracticeSection, ...]
    seminar: SeminarInfo | None = None
    # Labels and headings in the export's language, by key (see `words.py`).
    words: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WorkshopPack:
    """What a coordinator hands out on workshop day: the agenda, the dashboard, the digest
    of what changed since the previous workshop and one section per initiative, already in
    the reader's words (`content`, by the names the pack's templates use)."""

    language: str
    content: dict[str, Any]
