"""How the entries of an outcome timeline are worded: each entry's kind and what it says
in the reader's language, with the page it links to, and the entries grouped by month.
The initiative's, programme's and target's timeline pages and the exports word them the
same way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from present import labels
from present.i18n import Formatter
from present.timelines import TIMELINE_WORDS, render_svg
from projections.outcome_timeline import KINDS

_HREF = {"initiative": "/initiatives/{}", "experiment": "/experiments/{}", "measure": "/measures/{}"}


def entry_words(gettext: Callable[[str], str], fmt: Formatter, entry: dict[str, Any]) -> dict[str, Any]:
    """An entry's kind and what it says in the reader's language (`gettext`, `fmt`), and
    the page it links to."""
    details, kind = entry["details"], entry["kind"]
    words = entry["title"]
    if kind == "lifecycle":
        old = gettext(labels.STATUS[details["from"]]) if details.get("from") in labels.STATUS else "–"
        words = f"{old} → {gettext(labels.STATUS.get(details['to'], details['to']))}"
    elif kind == "experiment":
        stage = details.get("stage")
        words = f"{details['experiment']}: {gettext(labels.STAGE.get(stage, stage))}" if stage else words
        if details.get("decision") in labels.DECISION:
            words += f" ({gettext(labels.DECISION[details['decision']])})"
    elif kind == "check_in":
        rag = gettext(labels.RAG.get(details["status"], details["status"]))
        words = f"{details['workshop']}: {rag}, {fmt.number(details['progress_score'])}"
    elif kind == "measure_value":
        unit = f" {details['unit']}" if details["unit"] else ""
        words = f"{details['measure']}: {fmt.number(details['value'])}{unit} ({details['period']})"
    elif kind == "measure_signal":
        rule = gettext(labels.SIGNAL.get(details["rule"], details["rule"]))
        words = f"{details['measure']}: {rule} ({details['period']})"
    elif kind == "annotation":
        words = f"{details['measure']}: {details['text']}"
    elif kind == "evaluation":
        method = gettext(labels.METHOD.get(details["method"], details["method"]))
        recommendation = gettext(labels.RECOMMENDATION.get(details["recommendation"], ""))
        words = f"{method}: {recommendation}"
    href = _HREF.get(entry["record_type"], "/initiatives/{}").format(entry["record_id"])
    if kind == "evaluation":
        href = f"/initiatives/{entry['initiative_id']}/evaluations#evaluation-{details['evaluation_id']}"
    elif kind == "good_practice":  # the version published (or retracted) then
        href = f"/good-practices/{entry['record_id']}/versions/{details['version']}"
    return {
        "words": words,
        "kind_words": gettext(TIMELINE_WORDS.get(kind, kind)),
        "href": href,
    }


def by_month(fmt: Formatter, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries grouped by month, in time order, each month named the reader's way."""
    months: list[dict[str, Any]] = []
    for entry in entries:
        day: date = entry["day"]
        key = day.isoformat()[:7]
        if not months or months[-1]["key"] != key:
            months.append({"key": key, "name": fmt.date(day.replace(day=1), "LLLL yyyy"), "entries": []})
        months[-1]["entries"].append(entry)
    return months


def word_entries(gettext: Callable[[str], str], fmt: Formatter, entries: list[dict[str, Any]]) -> None:
    """Words each entry in place (`entry_words`); its title, the SVG's tooltip, becomes
    those words too."""
    for entry in entries:
        entry.update(entry_words(gettext, fmt, entry))
        entry["title"] = entry["words"]


def shown(
    body: dict[str, Any], *, gettext: Callable[[str], str], fmt: Formatter, lang: str, zone: ZoneInfo
) -> dict[str, Any]:
    """A timeline body as a page shows it, in the reader's language: its entries worded,
    drawn (`svg`) and grouped by month, their count, and the kinds to filter by."""
    word_entries(gettext, fmt, body["entries"])
    return {
        "kind_options": [(k, gettext(TIMELINE_WORDS[k])) for k in KINDS],
        "svg": render_svg(body, lang=lang, zone=zone),
        "months": by_month(fmt, body["entries"]),
        "count": len(body["entries"]),
    }
