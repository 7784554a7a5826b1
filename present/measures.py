"""How a measure is shown: its definition with the initiative named, its values by period
with their corrections and who made them, its annotations, and the run chart as data and
as an accessible SVG.

The bodies hold Python values (days as dates, moments as datetimes); the JSON API turns
them into its response models, the page and the exports use them as they are. Every read
takes `as_of` (a log position, None for now) and the `moment` it stands for, which only
words the "no such measure as of …" refusal.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from domain.errors import N_, RecordNotFound
from domain.run_chart import RuleSet
from present.drawing import run_chart_svg
from present.i18n import Formatter, translations
from projections import experiments as experiments_read_model
from projections import measures as read_model
from projections import outcome_timeline
from services.people_registry import PeopleRegistry


def not_found(measure_id: UUID, moment: datetime | None = None) -> RecordNotFound:
    if moment:
        return RecordNotFound(
            "There is no measure with id {id} as of {moment}.", id=measure_id, moment=moment.isoformat()
        )
    return RecordNotFound("There is no measure with id {id}.", id=measure_id)


def require(
    conn: Connection, measure_id: UUID, as_of: int | None = None, moment: datetime | None = None
) -> dict[str, Any]:
    row = read_model.get(conn, measure_id, as_of)
    if row is None:
        raise not_found(measure_id, moment)
    return row


def summaries(conn: Connection, rows: list[dict[str, Any]], as_of: int | None) -> list[dict[str, Any]]:
    """Each measure's definition and counts, its initiative named."""
    titles = experiments_read_model.initiative_titles(conn, {r["initiative_id"] for r in rows}, as_of)
    return [
        {**r, "initiative": {"id": r["initiative_id"], "name": titles.get(r["initiative_id"], "")}}
        for r in rows
    ]


def measure(
    conn: Connection, measure_id: UUID, as_of: int | None = None, moment: datetime | None = None
) -> dict[str, Any]:
    """One measure's definition and counts."""
    return summaries(conn, [require(conn, measure_id, as_of, moment)], as_of)[0]


def of_initiative(conn: Connection, initiative_id: UUID, position: int | None) -> list[dict[str, Any]]:
    """The initiative's measures for its page: each with its latest value and whether
    its run chart shows a signal (as of `position`)."""
    rows = read_model.search(conn, initiative_id=initiative_id, as_of=position)
    series_of = read_model.values_of(conn, [r["id"] for r in rows], position)
    found = []
    for row in rows:
        series = series_of[row["id"]]
        analysis = outcome_timeline.analysis_of(row, series)
        found.append(
            {
                **row,
                "latest": series[-1] if series else None,
                "signals": list(dict.fromkeys(s.rule for s in analysis.signals)),
            }
        )
    return found


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def values(conn: Connection, people: PeopleRegistry, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each value with who recorded it and its history (recorded, then each correction)."""
    names = people.names(conn, {s["actor_id"] for r in rows for s in r["history"]})

    def person(actor_id: str) -> dict[str, str]:
        return {"id": actor_id, "name": names[actor_id]}

    return [
        {
            "id": r["value_id"],
            "measure_id": r["measure_id"],
            "period": r["period"],
            "day": _day(r["day"]),
            "value": r["value"],
            "note": r["note"],
            "corrected": r["corrected"],
            "occurred_on": _day(r["occurred_on"]),
            "recorded_at": r["recorded_at"],
            "author": person(r["actor_id"]),
            "history": [
                {**s, "occurred_on": _day(s["occurred_on"]), "actor": person(s["actor_id"])}
                for s in r["history"]
            ],
        }
        for r in rows
    ]


def value(
    conn: Connection,
    people: PeopleRegistry,
    measure_id: UUID,
    value_id: UUID,
    as_of: int | None = None,
    moment: datetime | None = None,
) -> dict[str, Any]:
    require(conn, measure_id, as_of, moment)
    found = read_model.value(conn, measure_id, value_id, as_of)
    if found is None:
        raise RecordNotFound("This measure has no value with id {id}.", id=value_id)
    return values(conn, people, [found])[0]


def values_table(
    conn: Connection, people: PeopleRegistry, measure_id: UUID, as_of: int | None, moment: datetime | None
) -> dict[str, Any]:
    """The chart's data as a table: one row per period, with each value's corrections."""
    shown = measure(conn, measure_id, as_of, moment)
    rows = read_model.values(conn, measure_id, as_of)
    return {"measure": shown, "items": values(conn, people, rows), "as_of": moment}


def annotations_of(
    conn: Connection,
    people: PeopleRegistry,
    measure_id: UUID,
    as_of: int | None = None,
    moment: datetime | None = None,
) -> list[dict[str, Any]]:
    """The measure's annotations by day, each with its author and experiment named."""
    require(conn, measure_id, as_of, moment)
    rows = read_model.annotations_of(conn, measure_id, as_of)
    names = people.names(conn, {r["actor_id"] for r in rows})
    titles: dict[str, str] = {}
    for experiment_id in {r["experiment_id"] for r in rows if r["experiment_id"]}:
        found = experiments_read_model.get(conn, UUID(experiment_id), as_of)
        titles[experiment_id] = found["title"] if found else ""
    return [
        {
            "id": r["annotation_id"],
            "day": _day(r["day"]),
            "text": r["text"],
            "experiment": {"id": r["experiment_id"], "name": titles[r["experiment_id"]]}
            if r["experiment_id"]
            else None,
            "occurred_on": _day(r["occurred_on"]),
            "recorded_at": r["recorded_at"],
            "author": {"id": r["actor_id"], "name": names[r["actor_id"]]},
        }
        for r in rows
    ]


def annotation(
    conn: Connection,
    people: PeopleRegistry,
    measure_id: UUID,
    annotation_id: UUID,
    as_of: int | None = None,
    moment: datetime | None = None,
) -> dict[str, Any]:
    shown = annotations_of(conn, people, measure_id, as_of, moment)
    found = [a for a in shown if a["id"] == str(annotation_id)]
    if not found:
        raise RecordNotFound("This measure has no annotation with id {id}.", id=annotation_id)
    return found[0]


def chart(
    conn: Connection, people: PeopleRegistry, measure_id: UUID, as_of: int | None, moment: datetime | None
) -> dict[str, Any]:
    """The run chart as data: points in time order with the rules that mark them, the
    median (frozen after `baseline_points` points when set), target, limits and signals."""
    shown = measure(conn, measure_id, as_of, moment)
    rows = read_model.values(conn, measure_id, as_of)
    analysis = outcome_timeline.analysis_of(shown, rows)
    marks = analysis.signals_at()
    return {
        "measure": shown,
        "points": [
            {
                "value_id": v["value_id"],
                "period": v["period"],
                "day": _day(v["day"]),
                "value": v["value"],
                "corrected": v["corrected"],
                "signals": list(marks[i]),
            }
            for i, v in enumerate(rows)
        ],
        "median": analysis.median,
        "baseline": shown["baseline"],
        "target": shown["target"],
        "rules": RuleSet(shown["rules"]),
        "analysis": {
            "n": analysis.n,
            "useful": analysis.useful,
            "runs": analysis.runs,
            "longest_run": analysis.longest_run,
            "crossings": analysis.crossings,
            "enough_points": analysis.enough_points,
            "baseline_used": analysis.baseline,
        },
        "limits": analysis.limits,
        "signals": [
            {"rule": s.rule, "indexes": list(s.indexes), "detail": s.detail} for s in analysis.signals
        ],
        "annotations": annotations_of(conn, people, measure_id, as_of, moment),
        "as_of": moment,
    }


# Words of the SVG (marked for `make messages`; translated where the chart is drawn).
CHART_WORDS = {
    "median": N_("Median"),
    "target": N_("Target"),
    "signal": N_("Signal"),
    "no_values": N_("No values yet"),
    "shift": N_("Shift"),
    "trend": N_("Trend"),
    "astronomical": N_("Astronomical point"),
    "too_few_runs": N_("Too few runs"),
    "too_many_runs": N_("Too many runs"),
    "long_run": N_("Unusually long run"),
    "few_crossings": N_("Unusually few crossings"),
    "whole_series": N_(
        "the whole series: runs shaded ({runs}), crossings of the median marked × ({crossings})"
    ),
}
CHART_DESCRIPTION = N_(
    "Run chart of {name}: {count} values from {first} to {last}, median {median}. Signals: {signals}."
)
NO_SIGNALS = N_("none")


def chart_svg(
    body: dict[str, Any], *, lang: str, zone: ZoneInfo, id_prefix: str | None = None, width: int = 720
) -> str:
    """The run chart (a `chart` body) as an accessible SVG (title, description), words in
    `lang`; `id_prefix` keeps its element ids unique where several charts share a page; a
    narrower `width` makes its words larger where it is scaled to a page's width."""
    gettext = translations(lang).gettext
    fmt = Formatter(lang, zone)
    shown = body["measure"]
    points = [
        run_chart_svg.ChartPoint(
            day=p["day"], value=p["value"], signals=tuple(p["signals"]), label=p["period"]
        )
        for p in body["points"]
    ]
    words = {key: gettext(word) for key, word in CHART_WORDS.items()}
    rules = list(dict.fromkeys(words.get(s["rule"], s["rule"]) for s in body["signals"]))
    description = gettext(CHART_DESCRIPTION).format(
        name=shown["name"],
        count=len(points),
        first=points[0].label if points else "–",
        last=points[-1].label if points else "–",
        median=fmt.number(round(body["median"], 2)) if body["median"] is not None else "–",
        signals=", ".join(rules) if rules else gettext(NO_SIGNALS),
    )
    return run_chart_svg.render(
        points,
        title=shown["name"] + (f" ({shown['unit']})" if shown["unit"] else ""),
        description=description,
        median=body["median"],
        target=body["target"],
        annotations=[
            run_chart_svg.ChartAnnotation(day=a["day"], text=a["text"]) for a in body["annotations"]
        ],
        unit=shown["unit"],
        labels=words,
        number=lambda number: fmt.number(round(number, 2)),
        day_format=lambda day: fmt.date(day, "short"),
        id_prefix=id_prefix,
        width=width,
        signals=[run_chart_svg.ChartSignal(s["rule"], tuple(s["indexes"])) for s in body["signals"]],
    )
