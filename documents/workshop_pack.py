"""The printable workshop pack: what a coordinator hands out on workshop day.

`pack_document()` turns the dashboard and the digest, as the JSON API answers them (the
programme's dashboard and a workshop's digest), into the pack's document, which
the export pipeline renders (`documents.render.render_pack`) as one standalone printable
A4 HTML page (inline CSS, no external assets, each initiative on a page of its own) or as
Markdown; `render()` does both steps. It reads nothing and writes nothing, so the pages
and the command line can reuse it.

Contents: the agenda (the workshop's own, or one proposed from the programme),
the dashboard table, the digest of what changed since the previous workshop,
and one section per initiative — status, latest check-in, score trend, open
experiments, what changed, help needed. Every label goes through gettext, in
the reader's language (Finnish, Swedish or English).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from documents.document import WorkshopPack
from documents.render import render_pack
from present import labels
from present.i18n import Formatter, translations
from services.people_registry import ERASED_NAME

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def render(
    dashboard: dict[str, Any],
    digest: dict[str, Any],
    *,
    lang: str,
    zone: ZoneInfo,
    markdown: bool = False,
    generated_at: datetime | None = None,
) -> str:
    """The pack for the digest's workshop, as HTML (default) or Markdown."""
    pack = pack_document(dashboard, digest, lang=lang, zone=zone, generated_at=generated_at)
    content, _ = render_pack(pack, "markdown" if markdown else "html")
    return content.decode("utf-8")


def pack_document(
    dashboard: dict[str, Any],
    digest: dict[str, Any],
    *,
    lang: str,
    zone: ZoneInfo,
    generated_at: datetime | None = None,
) -> WorkshopPack:
    """The pack for the digest's workshop, in the reader's language."""
    content = _context(dashboard, digest, Formatter(lang, zone), generated_at or datetime.now(UTC))
    return WorkshopPack(language=lang, content=content)


# ---- what the templates show ----------------------------------------------------------


def _context(
    dashboard: dict[str, Any], digest: dict[str, Any], fmt: Formatter, generated_at: datetime
) -> dict[str, Any]:
    gettext = translations(fmt.lang).gettext
    workshop = digest["workshop"]
    programme = dashboard["programme"]
    workshops = dashboard["workshops"]
    changes = {item["initiative"]["id"]: item for item in digest["initiatives"]}
    titles = {w["id"]: w["title"] for w in workshops}

    def person(ref: dict[str, Any] | None) -> str:
        if not ref:
            return ""
        return gettext(labels.ERASED_PERSON) if ref["name"] == ERASED_NAME else str(ref["name"])

    def score(value: float | None) -> str:
        return fmt.number(value) if value is not None else ""

    def check_in(found: dict[str, Any] | None) -> dict[str, Any] | None:
        if not found:
            return None
        return {
            "status": found["status"],
            "status_label": rag_label(found["status"]),
            "score": score(found["progress_score"]),
            "meaning": gettext(labels.PROGRESS.get(float(found["progress_score"]), "")),
            "workshop": titles.get(found["workshop_id"], ""),
            "day": fmt.date(found["occurred_on"] or fmt.local_date(_moment(found["recorded_at"]))),
            "author": person(found["author"]),
            "done": found["done"],
            "next_steps": found["next_steps"],
            "help_needed": found["help_needed"],
        }

    def value(field: str, new: Any) -> str:
        """A changed value in the reader's language: codes as words, numbers as they write them."""
        if isinstance(new, float | int) and not isinstance(new, bool):
            return fmt.number(new)
        if field in ("status", "stage", "decision") and isinstance(new, str):
            for names in (labels.RAG, labels.STATUS, labels.STAGE, labels.DECISION):
                if new in names:
                    return gettext(names[new])
        return _shown(new)

    def rag_label(status: str) -> str:
        return f"{gettext(labels.RAG[status])} – {gettext(labels.RAG_MEANING[status])}"

    def entry(item: dict[str, Any]) -> dict[str, Any]:
        day = item["occurred_on"] or fmt.local_date(_moment(item["recorded_at"]))
        changed = [
            {"field": gettext(labels.field_label(c["field"])), "value": value(c["field"], c.get("new"))}
            for c in item["changes"]
            if c.get("new") != c.get("old") and value(c["field"], c.get("new"))
        ]
        return {
            "day": fmt.date(day),
            "event": gettext(labels.EVENT.get(item["event_type"], item["event_type"])),
            "record": item["record_title"] if item["record_type"] != "initiative" else "",
            "actor": person(item["actor"]),
            "changes": changed,
        }

    rows = []
    for row in dashboard["rows"]:
        initiative_id = row["initiative"]["id"]
        digest_item = changes.get(initiative_id)
        trend = [
            {
                "workshop": titles.get(point["workshop_id"], ""),
                "day": fmt.date(point["day"]) if point.get("day") else "",
                "score": score(point["score"]),
                "status": point.get("status"),
            }
            for point in row["scores"]
            if point.get("score") is not None
        ]
        rows.append(
            {
                "id": initiative_id,
                "title": row["initiative"]["name"],
                "organisation": row["organisation"]["name"] if row.get("organisation") else "",
                "owner": person(row.get("owner")),
                "status": gettext(labels.STATUS.get(row["status"], row["status"])),
                "check_in": check_in(row.get("latest_check_in")),
                "this_check_in": check_in(digest_item.get("check_in")) if digest_item else None,
                "trend": trend,
                "trend_text": " → ".join(t["score"] for t in trend),
                "experiments": [
                    {"title": e["title"], "stage": gettext(labels.STAGE.get(e["stage"], e["stage"]))}
                    for e in row["open_experiments"]
                ],
                "changes": [entry(e) for e in digest_item["entries"]] if digest_item else [],
                "checked_in": row["checked_in_for_next"],
            }
        )
    rows.sort(key=lambda r: (fmt.sort_key()(r["organisation"] or "\uffff"), fmt.sort_key()(r["title"])))

    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["organisation"] or gettext("No organisation"), []).append(row)

    previous = digest.get("previous_workshop")
    return {
        "programme": {
            "name": programme["name"],
            "period": f"{fmt.date(programme['period_start'])} – {fmt.date(programme['period_end'])}",
            "coordinator": person(programme.get("coordinator")),
            "organisations": [o["name"] for o in programme["organisations"]],
        },
        "workshop": {
            "title": workshop["title"],
            "day": fmt.date(workshop["day"], "full"),
            "kind": gettext(labels.WORKSHOP_KIND.get(workshop["kind"], workshop["kind"])),
            "agenda": workshop["agenda"].strip(),
        },
        "previous": {"title": previous["title"], "day": fmt.date(previous["day"])} if previous else None,
        "window": {"start": fmt.date(digest["window"]["from"]), "end": fmt.date(digest["window"]["to"])},
        "rows": rows,
        "groups": list(groups.items()),
        "missing": [r["name"] for r in dashboard["missing_for_next"]],
        "next_workshop": dashboard["next_workshop"]["title"] if dashboard.get("next_workshop") else "",
        "totals": _totals(dashboard["totals"], gettext),
        "as_of": fmt.datetime(_moment(dashboard["as_of"])) if dashboard.get("as_of") else "",
        "generated": fmt.datetime(generated_at),
        "changed_count": sum(1 for r in rows if r["changes"]),
    }


def _totals(totals: dict[str, Any], gettext: Callable[[str], str]) -> dict[str, list[tuple[str, int]]]:
    def rag(key: str) -> str:
        return gettext(labels.RAG[key]) if key in labels.RAG else gettext("No check-ins yet")

    return {
        "status": [(gettext(labels.STATUS.get(k, k)), n) for k, n in totals["by_status"].items() if n],
        "rag": [(rag(k), n) for k, n in totals["by_rag"].items() if n],
        "organisation": [
            (t["organisation"]["name"] if t["organisation"] else gettext("No organisation"), t["initiatives"])
            for t in totals["by_organisation"]
        ],
    }


def _moment(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _shown(value: Any) -> str:
    """A changed value as one line of text (lists joined; ids and empty values left out)."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool) or (isinstance(value, str) and _UUID.fullmatch(value)):
        return ""
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value if _shown(v))
    if isinstance(value, dict):
        return ", ".join(_shown(v) for v in value.values() if _shown(v))
    return str(value)
