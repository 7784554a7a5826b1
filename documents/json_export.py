"""JSON with Innokylä's field names (in Finnish, as the template names them), so a practice
can be moved into Innokylä or another catalogue field by field; Kipinä's own data (version,
initiative, key figures, timeline, provenance) sits under "kipina"."""

from __future__ import annotations

import json
from typing import Any

from documents.document import INNOKYLA_FIELDS, ExportDocument, PracticeSection, Provenance
from documents.view import View
from documents.words import WORDS
from present.i18n import translations


def render_json(document: ExportDocument) -> bytes:
    view = View(document)
    body: dict[str, Any]
    if document.seminar is None:
        body = practice_json(view, document.practices[0])
        body["kipina"]["provenance"] = _provenance(document.provenance)
    else:
        seminar = document.seminar
        body = {
            "seminar": {
                "programme_id": seminar.programme_id,
                "programme": seminar.programme_name,
                "period_start": seminar.period_start.isoformat(),
                "period_end": seminar.period_end.isoformat(),
                "organisations": list(seminar.organisations),
                "title": seminar.seminar_title,
                "date": seminar.seminar_date.isoformat() if seminar.seminar_date else None,
                "initiatives_enrolled": seminar.initiatives_enrolled,
                "workshops_held": seminar.workshops_held,
            },
            "good_practices": [practice_json(view, section) for section in document.practices],
            "kipina": {"provenance": _provenance(document.provenance)},
        }
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def practice_json(view: View, section: PracticeSection) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for name, finnish in INNOKYLA_FIELDS:
        value = section.fields.get(name, [] if name in ("topics", "phenomena", "target_groups") else "")
        body[finnish] = finnish_phase(value) if name == "development_phase" and value else value
    body["kipina"] = {
        "good_practice_id": section.practice_id,
        "version": section.version,
        "published_at": section.published_at.isoformat(),
        "development_phase": section.fields.get("development_phase", ""),
        "initiative": {
            "id": section.initiative_id,
            "title": section.initiative_title,
            "status": section.initiative_status,
        },
        "organisation": section.organisation,
        "source_position": section.source_position,
        "key_figures": [
            {
                "name": f.name,
                "unit": f.unit,
                "direction": f.direction,
                "baseline": f.baseline,
                "latest": f.latest,
                "latest_period": f.latest_period.isoformat() if f.latest_period else None,
                "target": f.target,
                "values_count": f.values_count,
            }
            for f in section.key_figures
        ],
        "timeline": [{"day": e.day.isoformat(), "kind": e.kind, "text": e.text} for e in section.timeline],
    }
    return body


def finnish_phase(code: object) -> str:
    """The phase as Innokylä names it (in Finnish, like the keys), whatever the export's language."""
    return translations("fi").gettext(WORDS.get(f"phase_{code}", str(code)))


def _provenance(provenance: Provenance) -> dict[str, Any]:
    return {
        "built_from_position": provenance.built_from_position,
        "built_from_time": provenance.built_from_time.isoformat(),
        "kipina_version": provenance.kipina_version,
        "language": provenance.language,
        "time_zone": provenance.time_zone,
        "sources": [
            {
                "record_type": s.record_type,
                "record_id": s.record_id,
                "title": s.title,
                "version": s.version,
                "position": s.position,
            }
            for s in provenance.sources
        ],
    }
