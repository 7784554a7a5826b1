"""Recording a series of measure values at once: one code path for the measure's paste
page (`/measures/{id}/values/bulk`) and the JSON API (`POST /api/measures/{id}/values/bulk`).

How a line is read and judged is `domain.measure_series`. The rule: every line is judged
against the measure as it is now; valid lines are recorded together, in one save (so all of
them or, when the measure changed meanwhile, none), and a rejected line records nothing
and is reported with its line number and every reason. The page first shows that judgement
as a preview and records on confirm; the API records at once unless asked for a dry run.
A line whose period the measure already has with the same number is "already recorded",
so sending the same series twice records nothing twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import IO, Any
from uuid import UUID

from domain.application import CommandContext
from domain.errors import InvalidField
from domain.measure_series import SERIES_CHARS_MAX, LineResult, SeriesLine, as_value_lines, read_series
from services.bootstrap import Services
from services.pledge_import import scan


@dataclass
class SeriesReport:
    """Each line of a series and what became of it; `version` is the measure's version the
    lines were judged against (the page's confirm step sends it back as If-Match)."""

    measure_id: UUID
    version: int
    lines: list[SeriesLine]
    last_position: int | None = None

    def count(self, result: LineResult) -> int:
        return Counter(line.result for line in self.lines)[result]

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "to_record": self.count(LineResult.NEW),
            "recorded": self.count(LineResult.RECORDED),
            "already_recorded": self.count(LineResult.ALREADY_RECORDED),
            "rejected": self.count(LineResult.REJECTED),
            "lines": [
                {
                    "line": line.line,
                    "result": line.result.value,
                    "period": line.period or None,
                    "value": line.value,
                    "note": line.note,
                    "reasons": [e.detail for e in line.errors],
                }
                for line in self.lines
            ],
        }


def check_series(services: Services, measure_id: UUID, text: str) -> SeriesReport:
    """Judge every line against the measure as it is now; records nothing.

    Raises RecordNotFound for an unknown measure and InvalidField("lines", …) for a series
    that is wholly unusable (empty, too long, too many lines)."""
    measure = services.app.get_measure(measure_id)
    recorded = {v["period"]: v["value"] for v in measure.values.values()}
    lines = read_series(text, frequency=measure.frequency, recorded=recorded)
    return SeriesReport(measure_id, measure.version, lines)


def record_series(services: Services, ctx: CommandContext, measure_id: UUID, text: str) -> SeriesReport:
    """Judge every line and record the valid new ones together; see the module's rule."""
    report = check_series(services, measure_id, text)
    new = as_value_lines(report.lines)
    if not new:
        return report
    receipt = services.app.record_measure_values(ctx, measure_id, values=new)
    for line in report.lines:
        if line.result is LineResult.NEW:
            line.result = LineResult.RECORDED
    report.version = receipt.version
    report.last_position = receipt.last_position
    if receipt.last_position is not None:
        services.projector.catch_up(up_to=receipt.last_position)
    return report


def uploaded_text(binary: IO[bytes]) -> str:
    """An uploaded CSV file's text: UTF-8 (with or without a BOM), at most the characters a
    series may have. Raises InvalidField("file", …) otherwise."""
    scan(binary)
    text = binary.read(4 * SERIES_CHARS_MAX + 4).decode("utf-8")
    if len(text) > SERIES_CHARS_MAX:
        raise InvalidField(
            "file",
            "The file is longer than {limit} characters; split the series in parts.",
            limit=SERIES_CHARS_MAX,
        )
    return text
