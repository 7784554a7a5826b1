"""The run-chart rules (domain/run_chart.py) against examples worked out by hand and published tables.

Notation in the comments: `+` above the median, `-` below, `0` on it (skipped: not useful).
"""

from __future__ import annotations

import itertools
import math

import pytest

from domain.run_chart import (
    Analysis,
    RuleSet,
    analyse,
    binomial_lower_quantile,
    crossings_min,
    longest_run_max,
    median,
    runs_limits,
)


def rules_of(analysis: Analysis) -> list[str]:
    return [signal.rule for signal in analysis.signals]


def signal(analysis: Analysis, rule: str) -> tuple[int, ...]:
    (found,) = [s for s in analysis.signals if s.rule == rule]
    return found.indexes


class TestMedian:
    def test_odd_count_is_the_middle_value(self) -> None:
        assert median([9, 1, 5]) == 5.0

    def test_even_count_is_the_mean_of_the_two_middle_values(self) -> None:
        assert median([4, 1, 3, 2]) == 2.5

    def test_no_values_is_an_error(self) -> None:
        with pytest.raises(ValueError):
            median([])


class TestWorkedExampleShiftAcrossATie:
    # Baseline [2, 4, 6, 8] → median (4 + 6) / 2 = 5.
    # values: 2  4  6  8  3  1  5  2  3  1  2  9
    # sides:  -  -  +  +  -  -  0  -  -  -  -  +
    # runs: [0,1] [2,3] [4,5,7,8,9,10] [11] → 4 runs on 11 useful points, 3 crossings,
    # longest run 6: the 5 on the median (index 6) neither adds to nor breaks it.
    VALUES = (2, 4, 6, 8, 3, 1, 5, 2, 3, 1, 2, 9)

    def test_counts(self) -> None:
        a = analyse(self.VALUES, rules=RuleSet.IHI, baseline=4)
        assert (a.n, a.median, a.baseline, a.useful) == (12, 5.0, 4, 11)
        assert (a.runs, a.crossings, a.longest_run) == (4, 3, 6)
        assert a.enough_points

    def test_ihi_sees_a_shift_of_six_without_the_point_on_the_median(self) -> None:
        a = analyse(self.VALUES, rules=RuleSet.IHI, baseline=4)
        # Runs limits for 11 useful points are 4..9: 4 runs is not too few. No 5-point trend.
        # Astronomical limits: baseline moving ranges 2, 2, 2 → 5 ± 3 × 2 / 1.128 = 5 ± 5.32; 9 is inside.
        assert rules_of(a) == ["shift"]
        assert signal(a, "shift") == (4, 5, 7, 8, 9, 10)
        assert a.signals[0].detail == "6 points in a row below the median (6 or more signal a shift)"

    def test_anhoj_does_not_signal_the_same_data(self) -> None:
        # 11 useful points: longest run allowed round(log2(11) + 3) = round(6.46) = 6, and 6 is not more;
        # fewest crossings qbinom(0.05, 10, 0.5) = 2 (P(X ≤ 1) = 11/1024, P(X ≤ 2) = 56/1024 ≥ 0.05); 3 ≥ 2.
        a = analyse(self.VALUES, rules=RuleSet.ANHOJ, baseline=4)
        assert a.limits["longest_run_max"] == 6
        assert a.limits["crossings_min"] == 2
        assert a.signals == ()


class TestWorkedExampleTwoLongRuns:
    # 4 3 4 3 4 3 4 3 4 3 | 6 7 6 7 6 7 6 7 6 7 → median (4 + 6) / 2 = 5
    # ten `-` then ten `+`: 20 useful points, 2 runs, 1 crossing, longest run 10.
    VALUES = (4, 3) * 5 + (6, 7) * 5

    def test_anhoj_long_runs_and_few_crossings(self) -> None:
        a = analyse(self.VALUES)  # Anhøj is the default rule set
        assert (a.useful, a.runs, a.crossings, a.longest_run) == (20, 2, 1, 10)
        # n = 20: longest run allowed round(log2(20) + 3) = 7, fewest crossings qbinom(0.05, 19, 0.5) = 6.
        assert a.limits["longest_run_max"] == 7
        assert a.limits["crossings_min"] == 6
        assert rules_of(a) == ["long_run", "long_run", "few_crossings"]
        assert a.signals[0].indexes == tuple(range(10))
        assert a.signals[1].indexes == tuple(range(10, 20))
        assert a.signals[2].indexes == ()
        assert a.signals[2].detail == (
            "1 crossings of the median on 20 points not on it; fewer than 6 is unusually few"
        )

    def test_ihi_two_shifts_and_too_few_runs(self) -> None:
        # Moving ranges: nine 1s, one 3 (3 → 6), nine 1s → average 21/19; 3 sigma = 2.94 around 5,
        # so 3 and 7 are not astronomical. Runs limits for 20 useful points: 7..15; 2 runs is too few.
        a = analyse(self.VALUES, rules=RuleSet.IHI)
        assert rules_of(a) == ["shift", "shift", "too_few_runs"]
        assert (a.limits["runs_min"], a.limits["runs_max"]) == (7, 15)
        assert signal(a, "too_few_runs") == ()

    def test_better_direction_words_the_details(self) -> None:
        a = analyse(self.VALUES, rules=RuleSet.IHI, better="up")
        assert a.signals[0].detail == (
            "10 points in a row below the median, in the worse direction (6 or more signal a shift)"
        )
        assert a.signals[1].detail == (
            "10 points in a row above the median, in the better direction (6 or more signal a shift)"
        )


class TestWorkedExampleTooManyRuns:
    # 1 9 1 9 1 9 1 9 1 9 1 9 → median 5, sides - + - + …: 12 runs of 1 on 12 useful points, 11 crossings.
    VALUES = (1, 9) * 6

    def test_ihi_too_many_runs(self) -> None:
        a = analyse(self.VALUES, rules=RuleSet.IHI)
        assert (a.runs, a.crossings, a.longest_run) == (12, 11, 1)
        assert (a.limits["runs_min"], a.limits["runs_max"]) == (4, 10)
        assert rules_of(a) == ["too_many_runs"]
        assert a.signals[0].detail == "12 runs on 12 points not on the median; more than 10 is too many"

    def test_anhoj_has_no_rule_for_oscillation(self) -> None:
        assert analyse(self.VALUES, rules=RuleSet.ANHOJ).signals == ()


class TestTrend:
    def test_five_rising_points_signal(self) -> None:
        a = analyse([1, 2, 3, 4, 5], rules=RuleSet.IHI)
        assert signal(a, "trend") == (0, 1, 2, 3, 4)
        assert a.signals[-1].detail.startswith("5 points in a row rising")

    def test_five_falling_points_signal(self) -> None:
        a = analyse([9, 7, 5, 3, 1], rules=RuleSet.IHI, better="down")
        assert signal(a, "trend") == (0, 1, 2, 3, 4)
        assert "falling, in the better direction" in a.signals[-1].detail

    def test_four_points_do_not(self) -> None:
        assert "trend" not in rules_of(analyse([1, 2, 3, 4, 1], rules=RuleSet.IHI))

    def test_a_repeated_value_neither_adds_nor_breaks(self) -> None:
        # 1 2 3 3 4 5: the second 3 is ignored → 1 2 3 4 5 is a trend of five, index 3 not marked.
        a = analyse([1, 2, 3, 3, 4, 5], rules=RuleSet.IHI)
        assert signal(a, "trend") == (0, 1, 2, 4, 5)
        # 1 2 2 2 3: the repeats do not make four points into five.
        assert "trend" not in rules_of(analyse([1, 2, 2, 2, 3], rules=RuleSet.IHI))

    def test_a_turn_ends_one_trend_and_starts_the_next_at_the_turning_point(self) -> None:
        # 1 2 3 4 5 4 3 2 1: rise 0..4, fall 4..8 — the peak belongs to both.
        a = analyse([1, 2, 3, 4, 5, 4, 3, 2, 1], rules=RuleSet.IHI)
        trends = [s.indexes for s in a.signals if s.rule == "trend"]
        assert trends == [(0, 1, 2, 3, 4), (4, 5, 6, 7, 8)]

    def test_all_equal_values_are_no_trend(self) -> None:
        assert analyse([3.0] * 8, rules=RuleSet.IHI).signals == ()


class TestAstronomical:
    # Baseline 10 11 10 11 10 11 10 11 10 11: median 10.5, every moving range 1 →
    # sigma = 1 / 1.128 = 0.887, limits 10.5 ± 2.66 = 7.84 .. 13.16.
    BASELINE = (10, 11) * 5

    def test_a_point_beyond_three_sigma_of_the_baseline(self) -> None:
        a = analyse([*self.BASELINE, 12, 30], rules=RuleSet.IHI, baseline=10, better="down")
        assert a.limits["astronomical_high"] == pytest.approx(10.5 + 3 / 1.128)
        assert a.limits["astronomical_low"] == pytest.approx(10.5 - 3 / 1.128)
        assert signal(a, "astronomical") == (11,)
        assert a.signals[-1].detail.startswith("30 is above 13.16, in the worse direction")

    def test_low_points_too(self) -> None:
        a = analyse([*self.BASELINE, 7], rules=RuleSet.IHI, baseline=10)
        assert signal(a, "astronomical") == (10,)

    def test_not_evaluated_without_variation_in_the_baseline(self) -> None:
        a = analyse([5, 5, 5, 50], rules=RuleSet.IHI, baseline=3)
        assert a.limits["astronomical_high"] is None
        assert "astronomical" not in rules_of(a)

    def test_not_an_anhoj_rule(self) -> None:
        assert analyse([*self.BASELINE, 30], rules=RuleSet.ANHOJ, baseline=10).signals == ()


class TestEdgeCases:
    def test_empty_input(self) -> None:
        a = analyse([])
        assert (a.n, a.median, a.baseline, a.useful, a.runs, a.longest_run, a.crossings) == (
            0,
            None,
            0,
            0,
            0,
            0,
            0,
        )
        assert a.signals == ()
        assert not a.enough_points
        assert a.limits["crossings_min"] is None

    def test_a_single_point_is_on_its_own_median(self) -> None:
        a = analyse([42.0], rules=RuleSet.IHI)
        assert (a.median, a.useful, a.runs, a.longest_run, a.crossings) == (42.0, 0, 0, 0, 0)
        assert a.signals == ()
        assert not a.enough_points

    def test_all_equal_values_are_all_on_the_median(self) -> None:
        for rules in RuleSet:
            a = analyse([7] * 30, rules=rules)
            assert (a.useful, a.runs, a.longest_run, a.crossings) == (0, 0, 0, 0)
            assert a.signals == ()
            assert not a.enough_points

    def test_fewer_useful_points_than_needed_give_no_runs_signals(self) -> None:
        # 1 9 2 8 3 7 4 6 0 → median 4; the 4 is on it, so 8 useful points (< 10).
        # sides - + - + - + 0 + -: 7 runs (7 and 6 join across the skipped 4).
        values = [1, 9, 2, 8, 3, 7, 4, 6, 0]
        for rules in RuleSet:
            a = analyse(values, rules=rules)
            assert (a.useful, a.runs, a.crossings) == (8, 7, 6)
            assert not a.enough_points
            assert a.limits["runs_min"] is None and a.limits["longest_run_max"] is None
            assert a.limits["crossings_min"] is None
            assert not {"too_few_runs", "too_many_runs", "long_run", "few_crossings"} & set(rules_of(a))

    def test_a_shift_is_seen_even_with_few_points(self) -> None:
        # 1 1 1 9 9 9 9 9 9 → median 9: the six 9s sit on it; baseline 3 → median 1, six `+`.
        a = analyse([1, 1, 1, 9, 9, 9, 9, 9, 9], rules=RuleSet.IHI, baseline=3)
        assert not a.enough_points
        assert signal(a, "shift") == (3, 4, 5, 6, 7, 8)

    def test_baseline_shorter_than_the_series_freezes_the_median(self) -> None:
        # Baseline 1 2 3 → median 2; then 10 11 12 are all above: sides - 0 + + + +.
        a = analyse([1, 2, 3, 10, 11, 12], baseline=3)
        assert (a.median, a.baseline, a.useful, a.runs, a.longest_run, a.crossings) == (2.0, 3, 5, 2, 4, 1)

    def test_baseline_longer_than_the_series_uses_all_values(self) -> None:
        a = analyse([1, 2, 3, 10, 11, 12], baseline=24)
        assert (a.median, a.baseline) == (6.5, 6)
        assert a == analyse([1, 2, 3, 10, 11, 12])

    def test_baseline_must_be_positive(self) -> None:
        with pytest.raises(ValueError):
            analyse([1, 2, 3], baseline=0)

    def test_gaps_in_time_do_not_matter(self) -> None:
        # The analysis takes values in order only: months without a recording are not points, so
        # March, April, and then November (a gap of six months) is three consecutive points.
        assert analyse([3.0, 4.0, 5.0]) == analyse([3, 4, 5])

    def test_negative_and_fractional_values(self) -> None:
        a = analyse([-0.5, -1.5, 0.5, 1.5], rules=RuleSet.IHI)
        assert a.median == 0.0
        assert (a.useful, a.runs) == (4, 2)

    def test_signals_at_lists_the_rules_per_point(self) -> None:
        a = analyse((4, 3) * 5 + (6, 7) * 5, rules=RuleSet.IHI)
        marks = a.signals_at()
        assert len(marks) == 20
        assert marks[0] == ("shift",) and marks[19] == ("shift",)


# Anhøj & Olesen's critical values for n = 10 … 100 useful points, as published in the qicharts2
# vignette ("Appendix 2: Critical values for longest run and number of crossings"; upper limit
# for the longest run, lower limit for the number of crossings). Copied here as printed, not
# computed, so the module is checked against the published numbers.
ANHOJ_TABLE = """
10 6 2   11 6 2   12 7 3   13 7 3   14 7 4   15 7 4   16 7 4   17 7 5   18 7 5   19 7 6
20 7 6   21 7 6   22 7 7   23 8 7   24 8 8   25 8 8   26 8 8   27 8 9   28 8 9   29 8 10
30 8 10  31 8 11  32 8 11  33 8 11  34 8 12  35 8 12  36 8 13  37 8 13  38 8 14  39 8 14
40 8 14  41 8 15  42 8 15  43 8 16  44 8 16  45 8 17  46 9 17  47 9 17  48 9 18  49 9 18
50 9 19  51 9 19  52 9 20  53 9 20  54 9 21  55 9 21  56 9 21  57 9 22  58 9 22  59 9 23
60 9 23  61 9 24  62 9 24  63 9 25  64 9 25  65 9 25  66 9 26  67 9 26  68 9 27  69 9 27
70 9 28  71 9 28  72 9 29  73 9 29  74 9 29  75 9 30  76 9 30  77 9 31  78 9 31  79 9 32
80 9 32  81 9 33  82 9 33  83 9 34  84 9 34  85 9 34  86 9 35  87 9 35  88 9 36  89 9 36
90 9 37  91 10 37 92 10 38 93 10 38 94 10 39 95 10 39 96 10 39 97 10 40 98 10 40 99 10 41
100 10 41
"""
_CELLS = [int(cell) for cell in ANHOJ_TABLE.split()]
ANHOJ_ROWS = [(_CELLS[i], _CELLS[i + 1], _CELLS[i + 2]) for i in range(0, len(_CELLS), 3)]


class TestAnhojPublishedTable:
    def test_the_table_is_complete(self) -> None:
        assert [row[0] for row in ANHOJ_ROWS] == list(range(10, 101))

    @pytest.mark.parametrize(("n", "longest", "crossings"), ANHOJ_ROWS)
    def test_limits_match_the_published_values(self, n: int, longest: int, crossings: int) -> None:
        assert longest_run_max(n) == longest
        assert crossings_min(n) == crossings

    @pytest.mark.parametrize(
        ("n", "longest", "crossings"), [r for r in ANHOJ_ROWS if r[0] in (10, 24, 50, 100)]
    )
    def test_analyse_signals_exactly_beyond_the_limits(self, n: int, longest: int, crossings: int) -> None:
        at_limit = analyse(series(n, crossings, longest), baseline=1)
        assert (at_limit.useful, at_limit.crossings, at_limit.longest_run) == (n, crossings, longest)
        assert at_limit.signals == ()
        beyond = analyse(series(n, crossings - 1, longest + 1), baseline=1)
        assert (beyond.crossings, beyond.longest_run) == (crossings - 1, longest + 1)
        assert rules_of(beyond) == ["long_run", "few_crossings"]


def series(n: int, crossings: int, longest: int) -> list[float]:
    """A 0.0 baseline point (so the median is exactly 0 and that point is not useful), then n
    values of +1/-1: one run of `longest`, and the rest split as evenly as possible into
    `crossings` more runs."""
    rest = n - longest
    lengths = [longest] + [rest // crossings + (1 if i < rest % crossings else 0) for i in range(crossings)]
    assert max(lengths) <= longest and sum(lengths) == n
    values = [0.0]
    for i, length in enumerate(lengths):
        values += [1.0 if i % 2 == 0 else -1.0] * length
    return values


def brute_force_runs_distribution(n: int) -> dict[int, int]:
    """Count the runs of every arrangement of n // 2 below and n - n // 2 above, one by one."""
    counts: dict[int, int] = {}
    for below in itertools.combinations(range(n), n // 2):
        sides = [-1 if i in below else 1 for i in range(n)]
        runs = 1 + sum(1 for a, b in itertools.pairwise(sides) if a != b)
        counts[runs] = counts.get(runs, 0) + 1
    return counts


class TestIhiRunsTable:
    # Rows of Perla, Provost & Murray (2011) Table 1 (total points not on the median → lower and
    # upper limit for the number of runs) that we could corroborate in more than one reproduction.
    @pytest.mark.parametrize(
        ("n", "lower", "upper"), [(10, 3, 9), (14, 4, 12), (16, 5, 13), (24, 8, 18), (30, 11, 21)]
    )
    def test_published_spot_values(self, n: int, lower: int, upper: int) -> None:
        assert runs_limits(n) == (lower, upper)

    def test_the_table_covers_10_to_60_points(self) -> None:
        assert runs_limits(9) is None
        assert runs_limits(61) is None
        assert all(runs_limits(n) is not None for n in range(10, 61))

    @pytest.mark.parametrize("n", range(10, 19))
    def test_limits_leave_at_most_2_5_percent_in_each_tail(self, n: int) -> None:
        # An independent check by enumeration: below `lower` and above `upper` at most 2.5 % of
        # all arrangements each; one step further in, more than 2.5 %.
        counts = brute_force_runs_distribution(n)
        total = math.comb(n, n // 2)
        limits = runs_limits(n)
        assert limits is not None
        lower, upper = limits
        below = sum(c for r, c in counts.items() if r < lower)
        above = sum(c for r, c in counts.items() if r > upper)
        assert 40 * below <= total < 40 * (below + counts[lower])
        assert 40 * above <= total < 40 * (above + counts[upper])


def test_binomial_quantile_small_cases_by_hand() -> None:
    # 9 trials: P(X ≤ 1) = 10/512 = 0.0195, P(X ≤ 2) = 46/512 = 0.0898 → 2.
    assert binomial_lower_quantile(9) == 2
    # 0 trials: P(X ≤ 0) = 1 → 0.
    assert binomial_lower_quantile(0) == 0
