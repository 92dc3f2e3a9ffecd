"""The progress status method (indicators.progress): pure functions, no database."""

import math

import pytest

from indicators.progress import (
    Direction,
    Method,
    Point,
    ProgressStatus,
    TargetPoint,
    Thresholds,
    cagr,
    choose_target,
    is_valid_period,
    period_time,
    progress_status,
    trend,
)

S = ProgressStatus


def pts(*pairs):
    return [Point(float(t), float(v)) for t, v in pairs]


# ---------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("period", "time"),
    [
        ("2014", 2014.0),
        ("2008-2014", 2014.0),
        ("2014-Q1", 2014.0),
        ("2014-Q3", 2014.5),
        ("2014-07", 2014.5),
    ],
)
def test_period_time_reads_years_spans_quarters_and_months(period, time):
    assert period_time(period) == time


@pytest.mark.parametrize("period", ["", "14", "2014-Q5", "2014-13", "2014-2010", "2014/15", "abcd"])
def test_bad_periods_are_refused(period):
    assert not is_valid_period(period)
    with pytest.raises(ValueError):
        period_time(period)


# ---------------------------------------------------------------- not enough data, not assessed


def test_no_point_is_not_enough_data():
    assert progress_status(points=[], direction="higher").status == S.NOT_ENOUGH_DATA


def test_one_point_is_not_enough_data_even_with_a_target_met():
    result = progress_status(
        points=pts((2020, 500)), direction="higher", targets=[TargetPoint(2030, 100)]
    )
    assert result.status == S.NOT_ENOUGH_DATA


def test_two_values_for_the_same_period_are_one_point():
    result = progress_status(points=pts((2020, 10), (2020, 12)), direction="higher")
    assert result.status == S.NOT_ENOUGH_DATA


def test_a_baseline_and_one_later_observation_are_enough():
    result = progress_status(points=pts((2020, 110)), direction="higher", base=Point(2019, 100))
    assert result.status == S.ON_TRACK
    assert result.base == Point(2019, 100)


def test_an_observation_only_at_the_baseline_period_is_not_enough():
    result = progress_status(points=pts((2014, 100)), direction="higher", base=Point(2014, 100))
    assert result.status == S.NOT_ENOUGH_DATA


def test_neutral_direction_is_not_assessed():
    result = progress_status(points=pts((2010, 1), (2020, 2)), direction="neutral")
    assert result.status == S.NOT_ASSESSED


# ---------------------------------------------------------------- target achieved and direction


def test_target_achieved_when_higher_is_better():
    result = progress_status(
        points=pts((2015, 50), (2020, 120)), direction="higher", targets=[TargetPoint(2030, 100)]
    )
    assert (result.status, result.method) == (S.TARGET_ACHIEVED, Method.ACHIEVED)


def test_target_achieved_when_lower_is_better():
    result = progress_status(
        points=pts((2015, 50), (2020, 20)), direction="lower", targets=[TargetPoint(2030, 25)]
    )
    assert result.status == S.TARGET_ACHIEVED


def test_same_values_read_opposite_ways_by_direction():
    points = pts((2010, 100), (2020, 80))
    assert progress_status(points=points, direction="higher").status == S.DETERIORATION
    assert progress_status(points=points, direction="lower").status == S.ON_TRACK


# ---------------------------------------------------------------- with a target: the ratio


def test_on_track_when_observed_growth_matches_required():
    # 100 → 121 in 2 years is 10%/year; reaching 161.051 by 2015 needs 10%/year.
    result = progress_status(
        points=pts((2010, 100), (2012, 121)),
        direction="higher",
        targets=[TargetPoint(2015, 161.051)],
    )
    assert result.method == Method.CAGR_RATIO
    assert result.ratio == pytest.approx(1.0)
    assert result.status == S.ON_TRACK


@pytest.mark.parametrize(
    ("current", "status"),
    [
        (110, S.ON_TRACK),
        (105, S.NEEDS_ACCELERATION),
        (103, S.LIMITED_PROGRESS),
        (100, S.LIMITED_PROGRESS),
        (95, S.DETERIORATION),
    ],
)
def test_ratio_thresholds(current, status):
    # Required: 100 → 200 over 10 years (7.18%/year); observed over 1 year.
    result = progress_status(
        points=pts((2020, 100), (2021, current)),
        direction="higher",
        targets=[TargetPoint(2030, 200)],
    )
    expected = cagr(100, current, 1) / cagr(100, 200, 10)
    assert result.ratio == pytest.approx(expected)
    assert result.status == status


def test_decreasing_target_gives_a_positive_ratio_when_falling():
    result = progress_status(
        points=pts((2020, 100), (2022, 90)), direction="lower", targets=[TargetPoint(2030, 60)]
    )
    assert result.ratio > 0
    assert result.status == S.ON_TRACK


def test_moving_away_from_a_lower_target_is_deterioration():
    result = progress_status(
        points=pts((2020, 100), (2022, 110)), direction="lower", targets=[TargetPoint(2030, 60)]
    )
    assert result.ratio < 0
    assert result.status == S.DETERIORATION


def test_target_not_ahead_of_the_base_while_missed_is_deterioration():
    # Higher is better, the base (120) was above the target (100), the current value (90) is below.
    result = progress_status(
        points=pts((2020, 120), (2022, 90)), direction="higher", targets=[TargetPoint(2030, 100)]
    )
    assert (result.status, result.method) == (S.DETERIORATION, Method.TARGET_NOT_AHEAD)


def test_thresholds_can_be_overridden_per_indicator():
    points, targets = pts((2020, 100), (2021, 105)), [TargetPoint(2030, 200)]
    assert (
        progress_status(points=points, direction="higher", targets=targets).status
        == S.NEEDS_ACCELERATION
    )
    lenient = Thresholds.with_overrides({"on_track": 0.65})
    assert (
        progress_status(
            points=points, direction="higher", targets=targets, thresholds=lenient
        ).status
        == S.ON_TRACK
    )


def test_threshold_overrides_are_checked():
    with pytest.raises(ValueError, match="unknown"):
        Thresholds.with_overrides({"fast": 1})
    with pytest.raises(ValueError, match="number"):
        Thresholds.with_overrides({"on_track": "high"})
    with pytest.raises(ValueError, match="on_track >="):
        Thresholds.with_overrides({"on_track": 0.1})


# ---------------------------------------------------------------- choosing the target


def test_next_milestone_is_used():
    targets = [TargetPoint(2035, 22000), TargetPoint(2025, 9500)]
    assert choose_target(targets, base_time=2020, current_time=2022) == TargetPoint(2025, 9500)
    assert choose_target(targets, base_time=2020, current_time=2026) == TargetPoint(2035, 22000)
    assert choose_target(targets, base_time=2020, current_time=2040) == TargetPoint(2035, 22000)


def test_a_norm_is_used_only_without_dated_targets():
    norm = TargetPoint(None, 3)
    assert (
        choose_target([norm, TargetPoint(2030, 5)], base_time=2020, current_time=2021).time == 2030
    )
    assert choose_target([norm], base_time=2020, current_time=2021) == norm


def test_a_norm_met_is_target_achieved_and_missed_uses_growth():
    assert (
        progress_status(
            points=pts((2020, 2.5), (2022, 3.1)), direction="higher", targets=[TargetPoint(None, 3)]
        ).status
        == S.TARGET_ACHIEVED
    )
    result = progress_status(
        points=pts((2020, 2.0), (2022, 2.5)), direction="higher", targets=[TargetPoint(None, 3)]
    )
    assert (result.status, result.method) == (S.ON_TRACK, Method.CAGR)


def test_targets_before_the_base_are_ignored():
    result = progress_status(
        points=pts((2020, 100), (2021, 101)), direction="higher", targets=[TargetPoint(2015, 500)]
    )
    assert result.target is None
    assert result.method == Method.CAGR


# ---------------------------------------------------------------- without a target


@pytest.mark.parametrize(
    ("current", "status"),
    [
        (102, S.ON_TRACK),
        (101, S.NEEDS_ACCELERATION),
        (100.2, S.LIMITED_PROGRESS),
        (100, S.LIMITED_PROGRESS),
        (99, S.DETERIORATION),
    ],
)
def test_growth_classes_without_target(current, status):
    result = progress_status(points=pts((2020, 100), (2021, current)), direction="higher")
    assert result.status == status


def test_growth_is_sign_flipped_when_lower_is_better():
    result = progress_status(points=pts((2020, 100), (2021, 98)), direction="lower")
    assert result.observed_rate == pytest.approx(0.02)
    assert result.status == S.ON_TRACK


# ---------------------------------------------------------------- zero and negative values


def test_negative_values_with_a_target_use_linear_changes():
    # Emissions change: 0% (base) → −10% after 5 years, target −40% by 2030 (20 years).
    result = progress_status(
        points=pts((2010, 0), (2015, -10)), direction="lower", targets=[TargetPoint(2030, -40)]
    )
    assert result.method == Method.LINEAR_RATIO
    assert result.observed_rate == pytest.approx(-2.0)
    assert result.required_rate == pytest.approx(-2.0)
    assert result.status == S.ON_TRACK


def test_negative_base_with_a_higher_target():
    # Job dynamics: −6352 → −2000 over 4 years, target +1000 by 2024 (10 years).
    result = progress_status(
        points=pts((2014, -6352), (2018, -2000)),
        direction="higher",
        targets=[TargetPoint(2024, 1000)],
    )
    assert result.method == Method.LINEAR_RATIO
    assert result.ratio == pytest.approx((4352 / 4) / (7352 / 10))
    assert result.status == S.ON_TRACK


def test_zero_base_with_a_target_is_linear():
    result = progress_status(
        points=pts((2020, 0), (2022, 1000)), direction="higher", targets=[TargetPoint(2025, 9500)]
    )
    assert result.method == Method.LINEAR_RATIO
    assert result.ratio == pytest.approx(500 / 1900)
    assert result.status == S.LIMITED_PROGRESS


def test_negative_values_without_target_are_relative_to_the_absolute_base():
    result = progress_status(points=pts((2020, -100), (2021, -90)), direction="higher")
    assert result.method == Method.LINEAR
    assert result.observed_rate == pytest.approx(0.1)
    assert result.status == S.ON_TRACK


def test_zero_base_without_target_counts_only_the_sign():
    up = progress_status(points=pts((2020, 0), (2021, 5)), direction="higher")
    assert (up.status, up.method) == (S.ON_TRACK, Method.SIGN)
    assert math.isinf(up.observed_rate)
    same = progress_status(points=pts((2020, 0), (2021, 0)), direction="higher")
    assert same.status == S.LIMITED_PROGRESS
    worse = progress_status(points=pts((2020, 0), (2021, 5)), direction="lower")
    assert worse.status == S.DETERIORATION


def test_current_value_falling_to_zero_is_deterioration_not_an_error():
    result = progress_status(points=pts((2020, 10), (2021, 0)), direction="higher")
    assert result.status == S.DETERIORATION


# ---------------------------------------------------------------- trend


def test_trend_between_the_last_two_points():
    assert trend(pts((2019, 1), (2020, 2))) == "up"
    assert trend(pts((2020, 2), (2019, 3))) == "down"
    assert trend(pts((2019, 2), (2020, 2))) == "flat"
    assert trend(pts((2019, 2))) == ""


def test_direction_values():
    assert {d.value for d in Direction} == {"higher", "lower", "neutral"}
