"""The catalogue as CSV: one row per published practice, Innokylä's field names as the
header. UTF-8 with a byte-order mark, so Excel opens Finnish letters right; lists are
joined with "; "; multi-line texts are quoted (the csv module's job); the development phase
is Innokylä's Finnish name, as in the JSON export."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from documents.document import INNOKYLA_FIELDS, PracticeSection
from documents.json_export import finnish_phase

HEADER = ("id", "version", "published_at", *(finnish for _name, finnish in INNOKYLA_FIELDS))


def render_catalogue_csv(sections: Sequence[PracticeSection]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for section in sections:
        row = [section.practice_id, str(section.version), section.published_at.isoformat()]
        for name, _finnish in INNOKYLA_FIELDS:
            value = section.fields.get(name, "")
            if name == "development_phase" and value:
                value = finnish_phase(value)
            row.append(_not_a_formula("; ".join(value) if isinstance(value, list) else value))
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _not_a_formula(text: str) -> str:
    """A cell Excel would run as a formula ("=HYPERLINK(…)", "+1", "@SUM") gets a leading
    apostrophe, which spreadsheets show as text (CSV injection). A list line starting with "- "
    is left alone: no spreadsheet reads that as a formula."""
    if text.startswith(("=", "+", "@", "\t", "\r")) or (text.startswith("-") and not text.startswith("- ")):
        return "'" + text
    return text
