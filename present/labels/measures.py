"""Measures and their run charts: direction, frequency, the signal rules and what each signal means."""

from __future__ import annotations

from present.labels.marker import N_

DIRECTION = {
    "up": N_("More is better"),
    "down": N_("Less is better"),
}


FREQUENCY = {
    "daily": N_("Daily"),
    "weekly": N_("Weekly"),
    "monthly": N_("Monthly"),
    "quarterly": N_("Quarterly"),
    "yearly": N_("Yearly"),
    "irregular": N_("Irregular (any day)"),
}


RULES = {
    "anhoj": N_("Anhøj's rules"),
    "ihi": N_("IHI run chart rules"),
}


RULES_MEANING = {
    "anhoj": N_(
        "Signals an unusually long run on one side of the median, or unusually few crossings of it; few "
        "false alarms."
    ),
    "ihi": N_(
        "Signals a shift (6 points on one side of the median), a trend (5 rising or falling), too few or"
        " too many runs, and an astronomical point."
    ),
}


# A run chart's signals (domain.run_chart rule names), and what each one means.
SIGNAL = {
    "shift": N_("Shift"),
    "trend": N_("Trend"),
    "astronomical": N_("Astronomical point"),
    "too_few_runs": N_("Too few runs"),
    "too_many_runs": N_("Too many runs"),
    "long_run": N_("Unusually long run"),
    "few_crossings": N_("Unusually few crossings"),
}


SIGNAL_MEANING = {
    "shift": N_("6 or more points in a row on one side of the median: the level has probably changed."),
    "trend": N_("5 or more points in a row rising or falling."),
    "astronomical": N_("A point far outside the others: check it, and what happened then."),
    "too_few_runs": N_("The points cross the median less often than chance would: the process has changed."),
    "too_many_runs": N_(
        "The points cross the median more often than chance would: look at how the data is collected."
    ),
    "long_run": N_("A run on one side of the median is longer than chance allows: the level has changed."),
    "few_crossings": N_(
        "The points cross the median less often than chance allows: the process has changed."
    ),
}


STATUS: dict[str, str] = {}


EVENT = {
    "Defined": N_("Measure defined"),
    "ValueRecorded": N_("Value recorded"),
    "ValueCorrected": N_("Value corrected"),
    "Annotated": N_("Change point annotated"),
}


FIELD = {
    "direction": N_("Which direction is better"),
    "baseline": N_("Baseline"),
    "target": N_("Target"),
    "frequency": N_("Frequency"),
    "data_source": N_("Data source"),
    "rules": N_("Signal rules"),
    "baseline_points": N_("Baseline points"),
    "period": N_("Period"),
    "value": N_("Value"),
    "value_id": N_("Value"),
    "correction_reason": N_("Reason for the correction"),
    "annotation": N_("Change point"),
    "annotation_day": N_("Day of the change"),
    "experiment_id": N_("Experiment"),
}


FLASH = {
    "measure_defined": N_("The measure was defined."),
    "measure_saved": N_("The measure's changes were saved."),
    "value_recorded": N_("The value was recorded."),
    "value_corrected": N_("The value was corrected. The old number stays in the history."),
    "measure_annotated": N_("The change point was added."),
}


EVENT_OF: dict[tuple[str, str], str] = {}
