"""The catalogue as CSV: one row per published practice, Innokylä's field names as the
header. UTF-8 with a byte-order mark, so Excel opens Finnish letters right; lists are
joined with "; "; multi-line texts are quoted (the csv module's job)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from api.exports.document import INNOKYLA_FIELDS, PracticeSection

HEADER = ("id", "version", "published_at", *(finnish for _name, finnish in INNOKYLA_FIELDS))


def render_catalogue_csv(sections: Sequence[PracticeSection]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for section in sections:
        row = [section.practice_id, str(section.version), section.published_at.isoformat()]
        for name, _finnish in INNOKYLA_FIELDS:
            value = section.fields.get(name, "")
            row.append("; ".join(value) if isinstance(value, list) else value)
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
