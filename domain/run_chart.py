"""Run-chart analysis: the median, runs, crossings and the signals of non-random variation.

Pure functions over numbers in time order; no I/O, nothing of ours imported. The measure's
chart (JSON and SVG) and the outcome timeline both call `analyse`.

Words used throughout
---------------------
* **median** — the centre line: the median of the first `baseline` values (a frozen baseline
  median, so later improvement does not drag the line along), or of all values.
* **useful point** — a point not exactly on the median. Points on the median neither add to
  nor break a run; they are skipped by every runs-based rule (shift, runs, long run, crossings).
* **run** — a maximal series of consecutive useful points on the same side of the median.
  `runs` counts them, `longest_run` is the length of the longest, and `crossings` is the number
  of times consecutive useful points change side (always `runs - 1`, or 0 without points).

Dates play no part: the analysis takes the values in order, so a gap of several months
between two recordings is just "the next point". The chart shows gaps on its time axis.

Rule sets (chosen per measure)
------------------------------
`RuleSet.IHI` — the four rules of Perla, Provost & Murray (2011), "The run chart: a simple
analytical tool for learning from variation in healthcare processes", BMJ Qual Saf 20:46–51:

1. **shift** — 6 or more consecutive useful points on the same side of the median. A point on
   the median is skipped (it neither adds to nor breaks the shift) and is not marked.
2. **trend** — 5 or more consecutive points all going up or all going down. A value equal to
   the one before it is ignored: it neither adds to nor breaks the trend, and is not marked.
   Trends look at successive values only, not at the median, so every point takes part.
3. **too few / too many runs** — fewer runs than the lower limit, or more than the upper limit,
   for the number of useful points (`runs_limits`). Perla's table covers 10 to 60 useful
   points; outside that range the rule does not apply (limits None, no signal). The table is
   "adapted from Swed & Eisenhart (1943)" at about 5 % risk; here it is computed exactly from that
   distribution (see `runs_limits`) instead of being transcribed.
4. **astronomical point** — run charts have no statistical definition of one ("a point any
   observer would agree is unusual"). This module uses a documented, testable stand-in:
   a point farther from the median than 3 sigma, where sigma is estimated like on an XmR chart
   from the baseline values: average moving range / 1.128. So the limits are
   median ± 2.66 × average moving range of the baseline. It is not evaluated when the baseline
   has fewer than 2 values or no variation at all (average moving range 0).

`RuleSet.ANHOJ` — Anhøj & Olesen (2014), "Run charts revisited: a simulation study of run chart
rules for detection of non-random variation in health care processes", PLoS ONE 9(11):e113825,
with n = the number of useful points:

1. **long_run** — a run longer than round(log2(n) + 3) points.
2. **few_crossings** — fewer crossings than the 5th percentile of Binomial(n − 1, 0.5): the
   smallest k with P(X ≤ k) ≥ 0.05, i.e. R's ``qbinom(0.05, n - 1, 0.5)``, computed exactly.

Minimum number of points
------------------------
The runs-based rules (too few / too many runs, long run, few crossings) need at least
`MIN_USEFUL_POINTS` = 10 useful points, where both published tables start; with fewer,
`enough_points` is False, their limits are None and they signal nothing. Shift, trend and the
astronomical point are patterns of a few points and are evaluated on any number of points.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Literal

MIN_USEFUL_POINTS = 10
SHIFT_MIN = 6
TREND_MIN = 5
# d2 for moving ranges of two consecutive values: sigma ≈ average moving range / 1.128.
D2 = 1.128
IHI_TABLE_RANGE = range(10, 61)
# Swed & Eisenhart, two-sided ~5 %: each tail at most 2.5 %.
_RUNS_TAIL = (1, 40)

Better = Literal["up", "down"]


class RuleSet(StrEnum):
    IHI = "ihi"
    ANHOJ = "anhoj"


@dataclass(frozen=True)
class Signal:
    rule: str
    """One of: shift, trend, too_few_runs, too_many_runs, astronomical, long_run, few_crossings."""
    indexes: tuple[int, ...]
    """The points (0-based, in the order given) the signal marks; empty for whole-chart signals."""
    detail: str
    """A short English explanation with the numbers."""


@dataclass(frozen=True)
class Analysis:
    n: int
    median: float | None
    baseline: int
    useful: int
    runs: int
    longest_run: int
    crossings: int
    limits: dict[str, float | int | None]
    signals: tuple[Signal, ...]
    enough_points: bool

    def signals_at(self) -> tuple[tuple[str, ...], ...]:
        """For each point, the rules that mark it (in signal order, without repeats)."""
        marks: list[list[str]] = [[] for _ in range(self.n)]
        for signal in self.signals:
            for index in signal.indexes:
                if signal.rule not in marks[index]:
                    marks[index].append(signal.rule)
        return tuple(tuple(rules) for rules in marks)


def median(values: Sequence[float]) -> float:
    """The middle value, or the mean of the two middle values; ValueError when empty."""
    if not values:
        raise ValueError("median of no values")
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def longest_run_max(useful: int) -> int | None:
    """Anhøj: the longest run allowed by chance, round(log2(n) + 3); None below 10 points."""
    if useful < MIN_USEFUL_POINTS:
        return None
    return round(math.log2(useful) + 3)


def crossings_min(useful: int) -> int | None:
    """Anhøj: the fewest crossings expected by chance, qbinom(0.05, n − 1, 0.5); None below 10."""
    if useful < MIN_USEFUL_POINTS:
        return None
    return binomial_lower_quantile(useful - 1)


def binomial_lower_quantile(trials: int) -> int:
    """The smallest k with P(X ≤ k) ≥ 0.05 for X ~ Binomial(trials, 0.5), in exact integers:
    P(X ≤ k) = Σ C(trials, i) / 2^trials, so the test is 20 · Σ C(trials, i) ≥ 2^trials."""
    total = 1 << trials
    cumulative = 0
    for k in range(trials + 1):
        cumulative += math.comb(trials, k)
        if 20 * cumulative >= total:
            return k
    return trials  # unreachable: the full sum is 2^trials


def runs_limits(useful: int) -> tuple[int, int] | None:
    """IHI: (lower, upper) limits for the number of runs with `useful` points, 10 ≤ n ≤ 60.

    Fewer runs than `lower` is "too few", more than `upper` "too many". Perla et al.'s table is
    adapted from Swed & Eisenhart's distribution of the number of runs; this computes that
    distribution exactly for a median split (n1 = n // 2 points on one side, n2 = n − n1 on the
    other) and takes the limits where each tail holds at most 2.5 % (about 5 % in all):
    lower = the smallest r with P(R ≤ r) > 2.5 %, upper = the largest r with P(R ≥ r) > 2.5 %.
    """
    if useful not in IHI_TABLE_RANGE:
        return None
    return _runs_limits(useful)


@cache
def _runs_limits(useful: int) -> tuple[int, int]:
    counts = _run_count_distribution(useful // 2, useful - useful // 2)
    total = sum(counts.values())
    numerator, denominator = _RUNS_TAIL
    lower = _first_beyond_tail(sorted(counts), counts, total, numerator, denominator)
    upper = _first_beyond_tail(sorted(counts, reverse=True), counts, total, numerator, denominator)
    return lower, upper


def _first_beyond_tail(order: list[int], counts: dict[int, int], total: int, num: int, den: int) -> int:
    cumulative = 0
    for runs in order:
        cumulative += counts[runs]
        if cumulative * den > total * num:
            return runs
    return order[-1]


def _run_count_distribution(n1: int, n2: int) -> dict[int, int]:
    """How many of the C(n1 + n2, n1) arrangements have r runs (Swed & Eisenhart 1943)."""
    counts: dict[int, int] = {}
    for runs in range(2, n1 + n2 + 1):
        k = runs // 2
        if runs % 2 == 0:
            ways = 2 * math.comb(n1 - 1, k - 1) * math.comb(n2 - 1, k - 1)
        else:
            ways = math.comb(n1 - 1, k) * math.comb(n2 - 1, k - 1) + math.comb(n1 - 1, k - 1) * math.comb(
                n2 - 1, k
            )
        if ways:
            counts[runs] = ways
    return counts


@dataclass(frozen=True)
class _Run:
    side: int  # +1 above the median, -1 below
    indexes: tuple[int, ...]


def _sides(values: Sequence[float], centre: float) -> list[int]:
    return [(value > centre) - (value < centre) for value in values]


def _runs(sides: Sequence[int]) -> list[_Run]:
    """Runs of useful points; points on the median (side 0) are skipped, not run breakers."""
    runs: list[_Run] = []
    current: list[int] = []
    side = 0
    for index, point_side in enumerate(sides):
        if point_side == 0:
            continue
        if point_side != side and current:
            runs.append(_Run(side, tuple(current)))
            current = []
        side = point_side
        current.append(index)
    if current:
        runs.append(_Run(side, tuple(current)))
    return runs


def _trends(values: Sequence[float]) -> Iterator[tuple[int, tuple[int, ...]]]:
    """(direction, indexes) of every maximal monotone stretch, repeated values left out.

    A value equal to its predecessor is dropped first; consecutive stretches share their
    turning point (1 2 3 2 1 is one rise 1-2-3 and one fall 3-2-1)."""
    kept = [i for i in range(len(values)) if i == 0 or values[i] != values[i - 1]]
    start = 0
    while start < len(kept) - 1:
        direction = 1 if values[kept[start + 1]] > values[kept[start]] else -1
        end = start + 1
        while end + 1 < len(kept) and (values[kept[end + 1]] > values[kept[end]]) == (direction > 0):
            end += 1
        yield direction, tuple(kept[start : end + 1])
        start = end


def _moving_range_limits(base: Sequence[float], centre: float) -> tuple[float, float] | None:
    if len(base) < 2:
        return None
    average_range = sum(abs(b - a) for a, b in itertools.pairwise(base)) / (len(base) - 1)
    if average_range == 0:
        return None
    reach = 3 * average_range / D2
    return centre - reach, centre + reach


def _wording(better: Better | None, going_up: bool) -> str:
    if better is None:
        return ""
    return ", in the better direction" if (better == "up") == going_up else ", in the worse direction"


def _side_word(side: int) -> str:
    return "above" if side > 0 else "below"


def analyse(
    values: Sequence[float],
    *,
    rules: RuleSet = RuleSet.ANHOJ,
    baseline: int | None = None,
    better: Better | None = None,
) -> Analysis:
    """Analyse `values` (in time order) against their median with the chosen rule set.

    `baseline` freezes the median on the first `baseline` values (all of them when None or more
    than there are); it must be at least 1. `better` only words the details."""
    if baseline is not None and baseline < 1:
        raise ValueError("baseline must be at least 1 point")
    n = len(values)
    base = list(values[:baseline]) if baseline is not None else list(values)
    if not base:
        return Analysis(0, None, 0, 0, 0, 0, 0, _empty_limits(), (), False)
    centre = median(base)
    runs = _runs(_sides(values, centre))
    useful = sum(len(run.indexes) for run in runs)
    longest = max((len(run.indexes) for run in runs), default=0)
    crossings = max(len(runs) - 1, 0)
    astronomical = _moving_range_limits(base, centre)
    ihi_limits = runs_limits(useful)
    limits: dict[str, float | int | None] = {
        "longest_run_max": longest_run_max(useful),
        "crossings_min": crossings_min(useful),
        "runs_min": ihi_limits[0] if ihi_limits else None,
        "runs_max": ihi_limits[1] if ihi_limits else None,
        "shift_min": SHIFT_MIN,
        "trend_min": TREND_MIN,
        "astronomical_low": astronomical[0] if astronomical else None,
        "astronomical_high": astronomical[1] if astronomical else None,
    }
    if rules is RuleSet.IHI:
        signals = _ihi_signals(values, runs, useful, limits, better)
    else:
        signals = _anhoj_signals(runs, useful, crossings, limits, better)
    return Analysis(
        n=n,
        median=centre,
        baseline=len(base),
        useful=useful,
        runs=len(runs),
        longest_run=longest,
        crossings=crossings,
        limits=limits,
        signals=tuple(signals),
        enough_points=useful >= MIN_USEFUL_POINTS,
    )


def _empty_limits() -> dict[str, float | int | None]:
    return {
        "longest_run_max": None,
        "crossings_min": None,
        "runs_min": None,
        "runs_max": None,
        "shift_min": SHIFT_MIN,
        "trend_min": TREND_MIN,
        "astronomical_low": None,
        "astronomical_high": None,
    }


def _ihi_signals(
    values: Sequence[float],
    runs: list[_Run],
    useful: int,
    limits: dict[str, float | int | None],
    better: Better | None,
) -> list[Signal]:
    signals = [
        Signal(
            "shift",
            run.indexes,
            f"{len(run.indexes)} points in a row {_side_word(run.side)} the median"
            f"{_wording(better, run.side > 0)} ({SHIFT_MIN} or more signal a shift)",
        )
        for run in runs
        if len(run.indexes) >= SHIFT_MIN
    ]
    for direction, indexes in _trends(values):
        if len(indexes) >= TREND_MIN:
            word = "rising" if direction > 0 else "falling"
            signals.append(
                Signal(
                    "trend",
                    indexes,
                    f"{len(indexes)} points in a row {word}{_wording(better, direction > 0)}"
                    f" ({TREND_MIN} or more signal a trend; repeated values are not counted)",
                )
            )
    low, high = limits["runs_min"], limits["runs_max"]
    if low is not None and high is not None:
        if len(runs) < low:
            signals.append(
                Signal(
                    "too_few_runs",
                    (),
                    f"{len(runs)} runs on {useful} points not on the median; fewer than {low} is too few",
                )
            )
        elif len(runs) > high:
            signals.append(
                Signal(
                    "too_many_runs",
                    (),
                    f"{len(runs)} runs on {useful} points not on the median; more than {high} is too many",
                )
            )
    signals.extend(_astronomical(values, limits, better))
    return signals


def _astronomical(
    values: Sequence[float], limits: dict[str, float | int | None], better: Better | None
) -> Iterator[Signal]:
    low, high = limits["astronomical_low"], limits["astronomical_high"]
    if low is None or high is None:
        return
    for index, value in enumerate(values):
        if value > high or value < low:
            above = value > high
            bound = high if above else low
            yield Signal(
                "astronomical",
                (index,),
                f"{value:g} is {'above' if above else 'below'} {bound:.4g}{_wording(better, above)}"
                " (median ± 3 sigma, sigma = baseline average moving range / 1.128)",
            )


def _anhoj_signals(
    runs: list[_Run],
    useful: int,
    crossings: int,
    limits: dict[str, float | int | None],
    better: Better | None,
) -> list[Signal]:
    signals: list[Signal] = []
    longest_max, fewest = limits["longest_run_max"], limits["crossings_min"]
    if longest_max is not None:
        signals.extend(
            Signal(
                "long_run",
                run.indexes,
                f"{len(run.indexes)} points in a row {_side_word(run.side)} the median"
                f"{_wording(better, run.side > 0)}; with {useful} points not on the median"
                f" more than {longest_max} is unusually long",
            )
            for run in runs
            if len(run.indexes) > longest_max
        )
    if fewest is not None and crossings < fewest:
        signals.append(
            Signal(
                "few_crossings",
                (),
                f"{crossings} crossings of the median on {useful} points not on it;"
                f" fewer than {fewest} is unusually few",
            )
        )
    return signals
