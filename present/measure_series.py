"""How a pasted series of measure values is shown: each line with what becomes of it, in
the reader's words (`services.measure_series` judges and records; this only words it)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from domain.errors import N_
from domain.measure_series import LineResult
from present.i18n import Formatter
from services.measure_series import SeriesReport

RESULT = {
    LineResult.NEW: N_("To be recorded"),
    LineResult.RECORDED: N_("Recorded"),
    LineResult.ALREADY_RECORDED: N_("Already recorded"),
    LineResult.REJECTED: N_("Rejected"),
}


def line_rows(
    report: SeriesReport,
    fmt: Formatter,
    gettext: Callable[[str], str],
    error_text: Callable[[str, Mapping[str, Any]], str],
) -> list[dict[str, Any]]:
    """One row per line: its number, period, value and note as read, what becomes of it and
    every reason it is rejected, in the reader's language."""
    return [
        {
            "line": line.line,
            "text": line.text,
            "period": line.period,
            "value": "" if line.value is None else fmt.number(line.value),
            "note": line.note,
            "result": line.result.value,
            "result_label": gettext(RESULT[line.result]),
            "reasons": [error_text(e.message, e.params) for e in line.errors],
        }
        for line in report.lines
    ]
