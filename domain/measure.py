"""Measure (mittari, tunnusluku): a number an initiative follows over time, such as
"Hoitajan aamukäyntien odotusaika (min)", and the change points that explain it.

A measure is defined with a name, unit, which direction is better, an optional
baseline and target, and a frequency. Each value is for one *period* of that
frequency (a day, an ISO week, a month, a quarter, a year; "irregular" measures take
any day), and a period has at most one value: a wrong value is *corrected* by a new
event that names it, so the old number stays in the history. Annotations mark change
points ("uusi kotiutuksen tarkistuslista käyttöön"), optionally linked to an
experiment of the same initiative.

The chart settings are the measure's too: which rules find signals of non-random
variation (Anhøj's or the IHI run-chart rules) and after how many points the median
is frozen as the baseline median.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.archive import Archivable, RecordArchived, RecordRestored
from domain.errors import N_, InvalidField, RuleViolation
from domain.experiment import Experiment
from domain.recorded import RecordedEvent
from domain.run_chart import RuleSet
from domain.values import NUMBER_MAX, optional_text, past_or_today, plausible_date, printable, required_text


class Direction(StrEnum):
    """Which way is better: up (more is better) or down (less is better)."""

    UP = "up"
    DOWN = "down"


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"
    IRREGULAR = "irregular"


EDITABLE_FIELDS = (
    "name",
    "unit",
    "direction",
    "baseline",
    "target",
    "frequency",
    "data_source",
    "rules",
    "baseline_points",
)

NAME_MAX = 200
UNIT_MAX = 40
DATA_SOURCE_MAX = 500
NOTE_MAX = 1000
REASON_MAX = 2000
ANNOTATION_MAX = 500
# Change points on one chart: more would hide the chart, and bound what one measure holds.
# Values need no count of their own: one per period, and periods lie within 1900–2100.
ANNOTATIONS_MAX = 200
BASELINE_POINTS_MAX = 1000

# A period may have begun "tomorrow" in UTC terms shortly after local midnight in Finland.
_FUTURE_TOLERANCE = timedelta(days=1)

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


# ---- values ----------------------------------------------------------------------


def number(field: str, value: Any) -> float:
    """A finite number (not a boolean, not NaN or infinity, not absurdly large)."""
    # An int is always finite (and math.isfinite would raise on one beyond a float's range).
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (isinstance(value, float) and not math.isfinite(value))
    ):
        raise InvalidField(field, "{field} must be a finite number, such as 12 or 7.5.")
    if abs(value) > NUMBER_MAX:
        raise InvalidField(
            field, "{field} is {value}; numbers larger than 10^12 are not accepted.", value=value
        )
    return float(value)


def optional_number(field: str, value: Any) -> float | None:
    return None if value is None else number(field, value)


def _baseline_points(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= BASELINE_POINTS_MAX:
        raise InvalidField(
            "baseline_points",
            "{field} must be a whole number from 1 to {limit}: the median is frozen after that many points.",
            limit=BASELINE_POINTS_MAX,
        )
    return value


def _choice(field: str, value: Any, kind: type[StrEnum]) -> str:
    try:
        return kind(value).value
    except ValueError:
        options = ", ".join(member.value for member in kind)
        raise InvalidField(field, "{field} must be one of: {options}.", options=options) from None


def clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate definition fields; returns the cleaned values. Unknown keys are refused."""
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "name":
            cleaned[name] = required_text("name", value, max_length=NAME_MAX)
        elif name == "unit":
            cleaned[name] = optional_text("unit", value, max_length=UNIT_MAX)
        elif name == "data_source":
            cleaned[name] = optional_text("data_source", value, max_length=DATA_SOURCE_MAX)
        elif name == "direction":
            cleaned[name] = _choice(name, value, Direction)
        elif name == "frequency":
            cleaned[name] = _choice(name, value, Frequency)
        elif name == "rules":
            cleaned[name] = _choice(name, value, RuleSet)
        elif name in ("baseline", "target"):
            cleaned[name] = optional_number(name, value)
        elif name == "baseline_points":
            cleaned[name] = _baseline_points(value)
        else:
            raise InvalidField(name, "{field} is not a field of a measure.")
    return cleaned


# ---- periods ---------------------------------------------------------------------


def period_of(frequency: Frequency | str, raw: str | date) -> tuple[str, date]:
    """The period a value is for, written the canonical way, and its first day (the
    chart's x). A date is accepted for any frequency and means the period it falls in."""
    freq = Frequency(frequency)
    day = _as_date(raw)
    if day is None:
        assert isinstance(raw, str)
        day = _parse_period(freq, raw.strip())
    label, first = _period_containing(freq, day)
    return label, first


def _as_date(raw: str | date) -> date | None:
    if isinstance(raw, date):
        return raw
    text = raw.strip()
    if not _DAY.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidField("period", "{field} {period} is not a real date.", period=text[:20]) from None


def _parse_period(freq: Frequency, text: str) -> date:
    """The first day of a period written as 2019-W12, 2019-03, 2019-Q1 or 2019."""
    printable("period", text)
    try:
        if freq is Frequency.WEEKLY and (found := _WEEK.match(text)):
            return date.fromisocalendar(int(found[1]), int(found[2]), 1)
        if freq is Frequency.MONTHLY and (found := _MONTH.match(text)):
            return date(int(found[1]), int(found[2]), 1)
        if freq is Frequency.QUARTERLY and (found := _QUARTER.match(text)):
            return date(int(found[1]), 3 * int(found[2]) - 2, 1)
        if freq is Frequency.YEARLY and (found := _YEAR.match(text)):
            return date(int(found[1]), 1, 1)
    except ValueError:
        pass  # a week 54 or a month 13: explained below like any other wrong period
    raise _wrong_period(freq, text)


def _wrong_period(freq: Frequency, text: str) -> InvalidField:
    """One whole sentence per frequency, so each translates as a whole."""
    shown = text[:20]
    if freq is Frequency.WEEKLY:
        return InvalidField(
            "period",
            "{field} {period} is not a week: write it as 2019-W12, or give a date in it.",
            period=shown,
        )
    if freq is Frequency.MONTHLY:
        return InvalidField(
            "period",
            "{field} {period} is not a month: write it as 2019-03, or give a date in it.",
            period=shown,
        )
    if freq is Frequency.QUARTERLY:
        return InvalidField(
            "period",
            "{field} {period} is not a quarter: write it as 2019-Q1, or give a date in it.",
            period=shown,
        )
    if freq is Frequency.YEARLY:
        return InvalidField(
            "period", "{field} {period} is not a year: write it as 2019, or give a date in it.", period=shown
        )
    return InvalidField("period", "{field} {period} is not a date such as 2019-03-31.", period=shown)


def _period_containing(freq: Frequency, day: date) -> tuple[str, date]:
    if freq is Frequency.WEEKLY:
        year, week, weekday = day.isocalendar()
        return f"{year:04d}-W{week:02d}", day - timedelta(days=weekday - 1)
    if freq is Frequency.MONTHLY:
        return f"{day.year:04d}-{day.month:02d}", day.replace(day=1)
    if freq is Frequency.QUARTERLY:
        quarter = (day.month - 1) // 3 + 1
        return f"{day.year:04d}-Q{quarter}", date(day.year, 3 * quarter - 2, 1)
    if freq is Frequency.YEARLY:
        return f"{day.year:04d}", date(day.year, 1, 1)
    return day.isoformat(), day


def _require_begun(period: str, first_day: date) -> None:
    today = (datetime.now(UTC) + _FUTURE_TOLERANCE).date()
    if first_day > today:
        raise InvalidField(
            "period",
            "{field} {period} is in the future; values are recorded for periods that have begun.",
            period=period,
        )


def check_value(frequency: str, period: str | date, value: Any, note: str) -> tuple[str, date, float, str]:
    """A value as a measure of `frequency` takes it: its period written the canonical way and
    the period's first day, the number and the note; raises a domain error for any of them."""
    label, first_day = period_of(frequency, period)
    _require_begun(label, first_day)
    # A period "0001-01" parses, but nothing was measured then (and it was shown as "1-01").
    plausible_date("period", first_day)
    cleaned = number("value", value)
    cleaned_note = optional_text("note", note, max_length=NOTE_MAX)
    return label, first_day, cleaned, cleaned_note


# ---- the aggregate ---------------------------------------------------------------


class Measure(Archivable, Aggregate):
    """A measure of one initiative, its values by period and its annotations.

    `values` maps a value id to {period, day, value, note}; `periods` maps a period to
    the id of its value, which is what refuses a second value for the same period."""

    TOPIC = "kipina:Measure"
    # How a refused command names this kind of record: whole sentences (not a noun glued
    # into one) so that each translates whole; the application raises them.
    NOT_FOUND = N_("There is no measure with id {id}.")
    STALE = N_(
        "You edited version {expected_version} of this measure, but it is now at version "
        "{current_version}. Reload it and apply your change again."
    )
    CONCURRENT = N_("Someone else changed this measure at the same moment. Reload it and try again.")

    initiative_id: UUID
    name: str
    unit: str
    direction: str
    baseline: float | None
    target: float | None
    frequency: str
    data_source: str
    rules: str
    baseline_points: int | None
    values: dict[str, dict[str, Any]]
    periods: dict[str, str]
    annotations: dict[str, dict[str, Any]]

    def __init__(self) -> None:
        """State is set by the created event's `apply`, the same way on replay."""

    # ---- events -------------------------------------------------------------

    class Event(RecordedEvent):
        pass

    class Archived(RecordArchived):
        TOPIC = "kipina:Measure.Archived"

    class Restored(RecordRestored):
        TOPIC = "kipina:Measure.Restored"

    class Defined(Event, Aggregate.Created):
        TOPIC = "kipina:Measure.Defined"
        initiative_id: UUID
        name: str
        unit: str
        direction: str
        baseline: float | None
        target: float | None
        frequency: str
        data_source: str
        rules: str
        baseline_points: int | None

        def apply(self, aggregate: Measure) -> None:
            aggregate.initiative_id = self.initiative_id
            for name in EDITABLE_FIELDS:
                setattr(aggregate, name, getattr(self, name))
            aggregate.values = {}
            aggregate.periods = {}
            aggregate.annotations = {}

    # eventsourcing defines a "Created" class on every aggregate that lacks one;
    # naming ours keeps all recorded topics explicit.
    Created = Defined

    class Edited(Event):
        """Definition changes; `changes` holds only the fields that got a new value."""

        TOPIC = "kipina:Measure.Edited"
        changes: dict[str, Any]

        def apply(self, aggregate: Measure) -> None:
            for name, value in self.changes.items():
                setattr(aggregate, name, value)

    class ValueRecorded(Event):
        TOPIC = "kipina:Measure.ValueRecorded"
        value_id: UUID
        period: str
        day: date
        value: float
        note: str

        def apply(self, aggregate: Measure) -> None:
            key = str(self.value_id)
            aggregate.values[key] = {
                "period": self.period,
                "day": self.day,
                "value": self.value,
                "note": self.note,
            }
            aggregate.periods[self.period] = key

    class ValueCorrected(Event):
        """A new number (and note) for a recorded value. The period and the numbers it
        replaces are in the event too, so history and read models need nothing else."""

        TOPIC = "kipina:Measure.ValueCorrected"
        value_id: UUID
        period: str
        day: date
        value: float
        note: str
        previous_value: float
        previous_note: str
        reason: str

        def apply(self, aggregate: Measure) -> None:
            recorded = aggregate.values[str(self.value_id)]
            recorded["value"] = self.value
            recorded["note"] = self.note

    class Annotated(Event):
        TOPIC = "kipina:Measure.Annotated"
        annotation_id: UUID
        day: date
        text: str
        experiment_id: UUID | None

        def apply(self, aggregate: Measure) -> None:
            aggregate.annotations[str(self.annotation_id)] = {
                "day": self.day,
                "text": self.text,
                "experiment_id": self.experiment_id,
            }

    # ---- commands -----------------------------------------------------------

    @classmethod
    def define(
        cls,
        *,
        measure_id: UUID,
        initiative_id: UUID,
        actor: UUID,
        occurred_on: date | None,
        fields: dict[str, Any],
    ) -> Measure:
        """Name, direction and frequency are required; the rest may come later."""
        for required in ("name", "direction", "frequency"):
            if fields.get(required) is None:
                raise InvalidField(required, "{field} is required and cannot be blank.")
        cleaned = clean_fields(fields)
        return cls._create(
            cls.Defined,
            id=measure_id,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            initiative_id=initiative_id,
            name=cleaned["name"],
            unit=cleaned.get("unit", ""),
            direction=cleaned["direction"],
            baseline=cleaned.get("baseline"),
            target=cleaned.get("target"),
            frequency=cleaned["frequency"],
            data_source=cleaned.get("data_source", ""),
            rules=cleaned.get("rules", RuleSet.ANHOJ.value),
            baseline_points=cleaned.get("baseline_points"),
        )

    def edit(self, *, actor: UUID, fields: dict[str, Any]) -> None:
        """Record the fields that really change; an edit that changes nothing records nothing.
        The frequency is fixed once values exist: their periods were read by it."""
        cleaned = clean_fields(fields)
        changes = {name: value for name, value in cleaned.items() if getattr(self, name) != value}
        if "frequency" in changes and self.values:
            raise RuleViolation(
                "The frequency of a measure cannot change once values are recorded for it "
                "({count} so far): their periods were read by it. Define a new measure instead.",
                count=len(self.values),
            )
        if changes:
            self.trigger_event(self.Edited, actor=actor, occurred_on=None, changes=changes)

    def record_value(
        self,
        *,
        actor: UUID,
        value_id: UUID,
        period: str | date,
        value: Any,
        note: str,
        occurred_on: date | None,
    ) -> None:
        label, first_day, cleaned, cleaned_note = check_value(self.frequency, period, value, note)
        existing = self.periods.get(label)
        if existing is not None:
            raise RuleViolation(
                "{period} already has a value ({value}). A value is never overwritten: to change it, "
                "record a correction of value {value_id}.",
                period=label,
                value=f"{self.values[existing]['value']:g}",
                value_id=existing,
            )
        self.trigger_event(
            self.ValueRecorded,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            value_id=value_id,
            period=label,
            day=first_day,
            value=cleaned,
            note=cleaned_note,
        )

    def record_values(
        self, *, actor: UUID, values: list[tuple[UUID, str | date, Any, str]], occurred_on: date | None
    ) -> None:
        """Several periods' values at once (a pasted series): each as `record_value` takes it.
        One refused value refuses them all, so the caller records all or nothing."""
        for value_id, period, value, note in values:
            self.record_value(
                actor=actor, value_id=value_id, period=period, value=value, note=note, occurred_on=occurred_on
            )

    def correct_value(
        self,
        *,
        actor: UUID,
        value_id: UUID,
        value: Any,
        note: str | None,
        reason: str,
        occurred_on: date | None,
    ) -> None:
        """A new number for a recorded value; the note stays unless a new one is given.
        A correction that changes neither records nothing."""
        recorded = self.values.get(str(value_id))
        if recorded is None:
            raise InvalidField("value_id", "This measure has no value with id {id}.", id=value_id)
        cleaned = number("value", value)
        cleaned_note = recorded["note"] if note is None else optional_text("note", note, max_length=NOTE_MAX)
        cleaned_reason = optional_text("reason", reason, max_length=REASON_MAX)
        when = past_or_today("occurred_on", occurred_on)
        if cleaned == recorded["value"] and cleaned_note == recorded["note"]:
            return
        self.trigger_event(
            self.ValueCorrected,
            actor=actor,
            occurred_on=when,
            value_id=value_id,
            period=recorded["period"],
            day=recorded["day"],
            value=cleaned,
            note=cleaned_note,
            previous_value=recorded["value"],
            previous_note=recorded["note"],
            reason=cleaned_reason,
        )

    def annotate(
        self,
        *,
        actor: UUID,
        annotation_id: UUID,
        day: date,
        text: str,
        experiment: Experiment | None,
        occurred_on: date | None,
    ) -> None:
        """A change point on the chart; a linked experiment must be one of this initiative's."""
        if not isinstance(day, date):
            raise InvalidField("day", "{field} must be a date such as 2019-03-31.")
        past_or_today("day", day)
        cleaned = required_text("text", text, max_length=ANNOTATION_MAX)
        if len(self.annotations) >= ANNOTATIONS_MAX:
            raise RuleViolation(
                "This measure already has {limit} annotations, the most one chart can show.",
                limit=ANNOTATIONS_MAX,
            )
        if experiment is not None and experiment.initiative_id != self.initiative_id:
            raise InvalidField(
                "experiment_id",
                "Experiment {id} belongs to another initiative; link an experiment of this measure's "
                "initiative.",
                id=experiment.id,
            )
        self.trigger_event(
            self.Annotated,
            actor=actor,
            occurred_on=past_or_today("occurred_on", occurred_on),
            annotation_id=annotation_id,
            day=day,
            text=cleaned,
            experiment_id=experiment.id if experiment is not None else None,
        )
