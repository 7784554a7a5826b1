"""What a new good practice is pre-filled from: the initiative as the read models show it.

The domain's `prefill` turns a `PrefillSource` into Innokylä fields; this module reads the
source (the initiative, its organisation and unit names, its experiments' learning and its
latest evaluation), which spans several records only the read models see together.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import Connection

from domain.errors import RecordNotFound
from domain.good_practice_prefill import ExperimentLearning, LatestEvaluation, PrefillSource
from projections import evaluations, experiments, initiatives, organisations


def prefill_source(conn: Connection, initiative_id: UUID) -> PrefillSource:
    row = initiatives.get(conn, initiative_id)
    if row is None:
        raise RecordNotFound("There is no initiative with id {id}.", id=initiative_id)
    places = [row["organisation_id"], row["unit_id"]]
    names = organisations.names(conn, {p for p in places if p})
    latest = evaluations.latest_of(conn, [str(initiative_id)]).get(str(initiative_id))
    return PrefillSource(
        title=row["title"],
        summary=row["summary"],
        status=row["status"],
        goals=list(row["goals"].values()),
        themes=list(row["themes"]),
        target_group=row["target_group"],
        where=", ".join(names[p] for p in places if p and names.get(p)),
        lessons=row["lessons"],
        experiments=_experiment_learning(conn, initiative_id),
        evaluation=LatestEvaluation(
            worked=latest["worked"],
            did_not_work=latest["did_not_work"],
            lessons=latest["lessons"],
            effects={area: effect.get("text", "") for area, effect in latest["effects"].items()},
        )
        if latest
        else None,
    )


def _experiment_learning(conn: Connection, initiative_id: UUID) -> list[ExperimentLearning]:
    """Each experiment's latest learning and decision, in the order experiments were studied."""
    learned: dict[str, dict[str, str]] = {}
    for entry in experiments.learning_log(conn, initiative_id):
        seen = learned.setdefault(
            entry["experiment_id"], {"title": entry["experiment_title"], "learning": "", "decision": ""}
        )
        if entry["kind"] == "studied" and entry["learning"]:
            seen["learning"] = entry["learning"]
        if entry["kind"] == "decided" and entry["decision"]:
            seen["decision"] = entry["decision"]
    return [ExperimentLearning(**seen) for seen in learned.values()]
