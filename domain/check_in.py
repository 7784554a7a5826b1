"""Check-in (tilannekatsaus): an initiative's progress reported at a programme's workshop.

A check-in is an event of the initiative (its history stays complete), validated
against the programme it reports to. A second check-in for the same workshop is a
correction: the latest counts, and the history keeps both.

The progress score follows the IHI assessment scale, 0.5 … 5 in steps of 0.5.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Any

from domain.errors import N_, InvalidField, RuleViolation
from domain.values import optional_text


class Rag(StrEnum):
    """Traffic-light status: on track, at risk, off track."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"


PROGRESS_SCALE: dict[float, str] = {
    0.5: "Intent to participate",
    1.0: "Team formed",
    1.5: "Planning begun",
    2.0: "Activity, but no changes",
    2.5: "Changes tested, but no improvement",
    3.0: "Modest improvement",
    3.5: "Improvement",
    4.0: "Significant improvement",
    4.5: "Sustainable improvement",
    5.0: "Outstanding sustainable results",
}

TEXT_FIELDS = ("done", "next_steps", "help_needed")
TEXT_MAX = 5000
# A check-in command that does not say which earlier check-in it replaces (the API's).
ANY_CHECK_IN = object()


class CheckInChangedMeanwhile(RuleViolation):
    """The check-in a reporter meant to replace is no longer the latest for that workshop:
    someone else checked in meanwhile, and theirs is not overwritten unseen."""

    title = "Check-in changed meanwhile"


def require_replaces(latest: str | None, replaces: object) -> None:
    """`replaces` is the check-in for the workshop that the reporter saw (None: none yet)."""
    if replaces is ANY_CHECK_IN:
        return
    if latest != (str(replaces) if replaces is not None else None):
        raise CheckInChangedMeanwhile(
            N_(
                "Someone else recorded a check-in for this initiative at this workshop after you "
                "opened the sheet. Check theirs, then save yours again to correct it."
            )
        )


def clean_check_in(
    *, status: Any, progress_score: Any, done: str, next_steps: str, help_needed: str
) -> dict[str, Any]:
    """Validate a check-in's values; returns them cleaned (status as a Rag value)."""
    return {
        "status": _rag(status),
        "progress_score": _score(progress_score),
        "done": optional_text("done", done, max_length=TEXT_MAX),
        "next_steps": optional_text("next_steps", next_steps, max_length=TEXT_MAX),
        "help_needed": optional_text("help_needed", help_needed, max_length=TEXT_MAX),
    }


def _rag(value: Any) -> str:
    try:
        return Rag(value).value
    except ValueError:
        raise InvalidField("status", "{field} must be green, amber or red.") from None


def _score(value: Any) -> float:
    valid = (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and math.isfinite(value)
        and float(value) in PROGRESS_SCALE
    )
    if not valid:
        raise InvalidField(
            "progress_score",
            "{field} must be a step of the progress scale: 0.5, 1, 1.5 … 5 (in steps of 0.5).",
        )
    return float(value)
