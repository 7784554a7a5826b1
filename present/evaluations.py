"""How an initiative's evaluations are shown: the latest one and the decision hint it gives."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Connection

from domain.initiative import Status, allowed_moves
from projections import evaluations as read_model

# Moves that follow each recommendation, in the order a person would make them.
_FOLLOWING_MOVES: dict[str, tuple[str, ...]] = {
    "continue": ("complete",),
    "spread": ("complete", "spread"),
    "adapt": ("start",),
    "stop": ("discontinue",),
}


def decision_hint(status: str, latest: dict[str, Any] | None) -> dict[str, Any] | None:
    """The latest recommendation and the next moves it points to, among those allowed now."""
    if latest is None:
        return None
    allowed = allowed_moves(Status(status))
    return {
        "status": Status(status).value,
        "recommendation": latest["recommendation"],
        "evaluation_id": latest["evaluation_id"],
        "suggested_moves": [verb for verb in _FOLLOWING_MOVES[latest["recommendation"]] if verb in allowed],
    }


def latest_of_initiative(
    conn: Connection, initiative: dict[str, Any], position: int | None
) -> dict[str, Any] | None:
    """The latest evaluation and the decision hint it gives, for the initiative page."""
    rows = read_model.of_initiative(conn, UUID(initiative["id"]), position)
    if not rows:
        return None
    return {**rows[-1], "count": len(rows), "hint": decision_hint(initiative["status"], rows[-1])}
