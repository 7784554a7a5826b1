"""Words the pages and documents show for the domain's codes: statuses, moves, event types,
field names, kinds and one-off confirmations.

Each kind of record keeps its own words in a module of this package; this module merges
the tables every kind adds to (STATUS, EVENT, FIELD, FLASH, EVENT_OF) and names the rest.
Each word is an English msgid marked with `N_` so `make messages` extracts it; the
templates translate it when they show it (`_(labels.STATUS[status])`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from present.labels import (
    archive,
    change_day,
    common,
    evaluations,
    experiments,
    good_practices,
    initiatives,
    measures,
    organisations,
    programmes,
    rotations,
    targets,
)
from present.labels.change_day import CATEGORY
from present.labels.evaluations import EFFECT_AREA, METHOD, RECOMMENDATION
from present.labels.experiments import DECISION, STAGE
from present.labels.good_practices import PHASE, PRACTICE_FIELD
from present.labels.initiatives import MOVE
from present.labels.marker import N_
from present.labels.measures import DIRECTION, FREQUENCY, RULES, RULES_MEANING, SIGNAL, SIGNAL_MEANING
from present.labels.organisations import KIND
from present.labels.programmes import PROGRESS, RAG, RAG_MEANING, WORKSHOP_KIND
from present.labels.targets import (
    RECORD_TYPE,
    RESPONSIBLE_ROLE,
    REVIEW_DECISION,
    REVIEW_STATUS,
    STRATEGY,
    STRATEGY_MEANING,
)

K = TypeVar("K")

KINDS = (
    common,
    archive,
    initiatives,
    organisations,
    rotations,
    experiments,
    change_day,
    programmes,
    measures,
    evaluations,
    targets,
    good_practices,
)

# How pages name a person whose details were erased from the people registry.
ERASED_PERSON = N_("erased person")


def _merged(tables: list[Mapping[K, str]]) -> dict[K, str]:
    """One table from every kind's; a code two kinds share must have one word."""
    merged: dict[K, str] = {}
    for table in tables:
        for code, word in table.items():
            if merged.setdefault(code, word) != word:
                raise ValueError(f"{code!r} has two words: {merged[code]!r} and {word!r}")
    return merged


STATUS = _merged([getattr(kind, "STATUS", {}) for kind in KINDS])
EVENT = _merged([getattr(kind, "EVENT", {}) for kind in KINDS])
FIELD = _merged([getattr(kind, "FIELD", {}) for kind in KINDS])
# Confirmations shown once after a successful save (kept in a short-lived cookie by key).
FLASH = _merged([getattr(kind, "FLASH", {}) for kind in KINDS])
# An event type whose word depends on the record (a measure and a target are both "Defined").
EVENT_OF = _merged([getattr(kind, "EVENT_OF", {}) for kind in KINDS])


def field_label(field: str) -> str:
    """The label msgid of a history field such as "goals.<id>" or "title"."""
    return FIELD.get(field.split(".", 1)[0], field)


__all__ = [
    "CATEGORY",
    "DECISION",
    "DIRECTION",
    "EFFECT_AREA",
    "ERASED_PERSON",
    "EVENT",
    "EVENT_OF",
    "FIELD",
    "FLASH",
    "FREQUENCY",
    "KIND",
    "METHOD",
    "MOVE",
    "N_",
    "PHASE",
    "PRACTICE_FIELD",
    "PROGRESS",
    "RAG",
    "RAG_MEANING",
    "RECOMMENDATION",
    "RECORD_TYPE",
    "RESPONSIBLE_ROLE",
    "REVIEW_DECISION",
    "REVIEW_STATUS",
    "RULES",
    "RULES_MEANING",
    "SIGNAL",
    "SIGNAL_MEANING",
    "STAGE",
    "STATUS",
    "STRATEGY",
    "STRATEGY_MEANING",
    "WORKSHOP_KIND",
    "field_label",
]
