"""Pre-filling a good practice from what its initiative already holds.

A person writes the practice up, but most of it has been recorded already: the
initiative's summary and goals say what the solution is, its experiments' learning says
what adoption depends on, the latest evaluation says what changed, and lessons (from the
evaluation, or from stopping) are the tips for the next team. Pre-filling copies those,
so the person edits instead of starting from a blank page. Nothing is invented: a field
with no source stays blank (region and funder are never recorded on an initiative).

Texts are cut at the field's limit, so a pre-fill is always a valid draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from domain.good_practice import LINE_MAX, LONG_TEXT_FIELDS, NAME_MAX, TAG_MAX, TAGS_MAX, Phase


@dataclass(frozen=True)
class ExperimentLearning:
    title: str
    decision: str  # adopt, adapt, abandon; "" while only studied
    learning: str


@dataclass(frozen=True)
class LatestEvaluation:
    worked: str
    did_not_work: str
    lessons: str
    effects: dict[str, str]  # area (staff, users, quality, economy) → text


@dataclass(frozen=True)
class PrefillSource:
    """What the initiative holds, read by the caller (the read models know experiments and
    evaluations across records; the domain does not)."""

    title: str
    summary: str
    status: str
    goals: list[str]
    themes: list[str]
    target_group: str
    where: str  # "organisation, unit", as names
    lessons: str  # recorded when the initiative was discontinued
    experiments: list[ExperimentLearning] = field(default_factory=list)
    evaluation: LatestEvaluation | None = None


_PHASE_OF_STATUS = {
    "proposed": Phase.IDEA,
    "planned": Phase.IDEA,
    "in_progress": Phase.BEING_DEVELOPED,
    "paused": Phase.BEING_DEVELOPED,
    "evaluating": Phase.BEING_DEVELOPED,
    "completed": Phase.READY,
    "spread": Phase.SPREAD,
    "discontinued": Phase.BEING_DEVELOPED,
}


def prefill(source: PrefillSource) -> dict[str, Any]:
    evaluation = source.evaluation
    fields: dict[str, Any] = {
        "name": _cut(source.title, NAME_MAX),
        "short_description": _first_paragraph(source.summary),
        "where_implemented": _cut(source.where, LINE_MAX),
        "basic_idea": _join(source.summary, _bullets(source.goals)),
        "target_group_and_customer_understanding": source.target_group,
        "conditions_for_adoption": _bullets(
            _learning_line(e) for e in source.experiments if e.decision in ("adopt", "adapt", "")
        ),
        "evaluation_results": _evaluation_text(evaluation) if evaluation else "",
        "tips_for_adopters": _join(
            evaluation.lessons if evaluation else "",
            _bullets(_learning_line(e) for e in source.experiments if e.decision == "abandon"),
            source.lessons,
        ),
        "development_phase": _PHASE_OF_STATUS.get(source.status, Phase.IDEA).value,
        "topics": [_cut(t, TAG_MAX) for t in source.themes][:TAGS_MAX],
        "target_groups": [source.target_group] if 0 < len(source.target_group) <= TAG_MAX else [],
    }
    for name, limit in LONG_TEXT_FIELDS.items():
        if name in fields:
            fields[name] = _cut(fields[name], limit)
    return fields


def _evaluation_text(evaluation: LatestEvaluation) -> str:
    effects = [text for text in evaluation.effects.values() if text]
    return _join(evaluation.worked, *effects, evaluation.did_not_work)


def _learning_line(experiment: ExperimentLearning) -> str:
    return f"{experiment.title}: {experiment.learning}" if experiment.learning else experiment.title


def _bullets(lines: Any) -> str:
    return "\n".join(f"- {line}" for line in lines if line)


def _join(*parts: str) -> str:
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def _first_paragraph(text: str) -> str:
    """Up to the first blank line (browsers send line breaks as CRLF)."""
    first = re.split(r"\r?\n[ \t]*\r?\n", text.strip(), maxsplit=1)[0]
    return _cut(first.strip(), LONG_TEXT_FIELDS["short_description"])


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis when too long."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip() + "…"
