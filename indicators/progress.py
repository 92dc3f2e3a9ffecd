"""Progress status of an indicator against its target: a pure, documented method after Open SDG.

No database, no Django: every function takes plain values, so the method can be tested and
reproduced by anyone (see docs/indicators.md and the "about the method" page).

The method (sdg-build's progress measure, with Bruprod's rules for the cases it leaves open):

1. A direction of ``neutral`` (a context figure) is **not assessed**.
2. The series runs from the **base point** (the indicator's baseline if it has one, else its first
   observation) to the **current point** (the latest observation after the base). Without a current
   point — fewer than two points in time — the status is **not enough data**.
3. The **target** is the next milestone: the earliest dated target at or after the current point;
   when every milestone has passed, the latest one. A target without a year is a *norm*; it is used
   only when there is no dated target.
4. If the current value meets the target (>= when higher is better, <= when lower is better):
   **target achieved**.
5. With a dated target: R = observed growth rate / required growth rate, where both are compound
   annual growth rates (CAGR) from the base: observed to the current point, required to the target.
   R >= 0.95 on track, >= 0.6 needs acceleration, >= 0 limited progress, < 0 deterioration.
   *Zero or negative values* (a CAGR needs positive values): both rates become linear annual
   changes, (value - base) / years, and R is their ratio. A target that is not better than the
   base while the current value misses it means the series fell behind a level it once had:
   deterioration.
6. Without a dated target: the observed CAGR, sign-flipped when lower is better, against 1.5%,
   0.5% and 0: on track, needs acceleration, limited progress, deterioration. With a non-positive
   value the rate is the linear change relative to the base's absolute value; with a base of zero
   only the sign of the change counts (an improvement from zero is an infinite rate: on track).
7. Every threshold can be overridden per indicator.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from enum import StrEnum


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    NEUTRAL = "neutral"


class ProgressStatus(StrEnum):
    TARGET_ACHIEVED = "target_achieved"
    ON_TRACK = "on_track"
    NEEDS_ACCELERATION = "needs_acceleration"
    LIMITED_PROGRESS = "limited_progress"
    DETERIORATION = "deterioration"
    NOT_ENOUGH_DATA = "not_enough_data"
    NOT_ASSESSED = "not_assessed"


class Method(StrEnum):
    """How the status was reached, so a reader can reproduce it."""

    NONE = "none"
    ACHIEVED = "achieved"
    CAGR_RATIO = "cagr_ratio"
    LINEAR_RATIO = "linear_ratio"
    TARGET_NOT_AHEAD = "target_not_ahead"
    CAGR = "cagr"
    LINEAR = "linear"
    SIGN = "sign"


@dataclass(frozen=True)
class Thresholds:
    """Open SDG's defaults; an indicator may override any of them."""

    on_track: float = 0.95
    needs_acceleration: float = 0.6
    limited_progress: float = 0.0
    growth_on_track: float = 0.015
    growth_needs_acceleration: float = 0.005
    growth_limited_progress: float = 0.0

    @classmethod
    def with_overrides(cls, overrides: Mapping[str, float] | None) -> Thresholds:
        """Defaults with some values replaced; ValueError on an unknown key or a bad order."""
        overrides = dict(overrides or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ValueError(f"unknown threshold(s) {unknown}; expected some of {sorted(known)}")
        for key, value in overrides.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"threshold {key} must be a number, not {value!r}")
        result = replace(cls(), **{k: float(v) for k, v in overrides.items()})
        if not result.on_track >= result.needs_acceleration >= result.limited_progress:
            raise ValueError(
                "thresholds must satisfy on_track >= needs_acceleration >= limited_progress"
            )
        if not (
            result.growth_on_track
            >= result.growth_needs_acceleration
            >= result.growth_limited_progress
        ):
            raise ValueError(
                "thresholds must satisfy growth_on_track >= growth_needs_acceleration >= growth_limited_progress"
            )
        return result


@dataclass(frozen=True)
class Point:
    time: float
    value: float


@dataclass(frozen=True)
class TargetPoint:
    """A milestone; ``time`` None is a norm without a deadline (e.g. the 3% R&D norm)."""

    time: float | None
    value: float


@dataclass(frozen=True)
class ProgressResult:
    status: ProgressStatus
    method: Method = Method.NONE
    base: Point | None = None
    current: Point | None = None
    target: TargetPoint | None = None
    observed_rate: float | None = None
    required_rate: float | None = None
    ratio: float | None = None


# ---------------------------------------------------------------- periods

PERIOD_RE = re.compile(
    r"^(?P<year>\d{4})(?:(?P<range>-(?P<end>\d{4}))|-Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))?$"
)


def period_time(period: str) -> float:
    """A period as a point in time, in years.

    ``2014`` → 2014; ``2008-2014`` (a change over a span) → its end, 2014; ``2014-Q3`` → 2014.5;
    ``2014-07`` → 2014.5. ValueError on anything else.
    """
    match = PERIOD_RE.match(str(period).strip())
    if not match:
        raise ValueError(f"bad period {period!r}: expected YYYY, YYYY-YYYY, YYYY-Qn or YYYY-MM")
    year = int(match["year"])
    if match["end"]:
        end = int(match["end"])
        if end <= year:
            raise ValueError(f"bad period {period!r}: the span must end after it starts")
        return float(end)
    if match["quarter"]:
        return year + (int(match["quarter"]) - 1) / 4
    if match["month"]:
        return year + (int(match["month"]) - 1) / 12
    return float(year)


def is_valid_period(period: str) -> bool:
    try:
        period_time(period)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------- the method


def choose_target(
    targets: Iterable[TargetPoint], *, base_time: float, current_time: float
) -> TargetPoint | None:
    """The next milestone after the current point; the last one if all have passed; else a norm."""
    dated = sorted((t for t in targets if t.time is not None and t.time > base_time), key=_time)
    if dated:
        ahead = [t for t in dated if t.time >= current_time]
        return ahead[0] if ahead else dated[-1]
    norms = [t for t in targets if t.time is None]
    return norms[0] if norms else None


def _time(target: TargetPoint) -> float:
    return target.time if target.time is not None else math.inf


def _met(value: float, target: float, direction: Direction) -> bool:
    return value >= target if direction == Direction.HIGHER else value <= target


def cagr(start: float, end: float, years: float) -> float:
    """Compound annual growth rate; both values must be positive and years > 0."""
    return (end / start) ** (1 / years) - 1


def _classify(value: float, on_track: float, acceleration: float, limited: float):
    if value >= on_track:
        return ProgressStatus.ON_TRACK
    if value >= acceleration:
        return ProgressStatus.NEEDS_ACCELERATION
    if value >= limited:
        return ProgressStatus.LIMITED_PROGRESS
    return ProgressStatus.DETERIORATION


def progress_status(
    *,
    points: Sequence[Point],
    direction: Direction | str,
    targets: Sequence[TargetPoint] = (),
    base: Point | None = None,
    thresholds: Thresholds | None = None,
) -> ProgressResult:
    """The progress status of one series (see the module docstring for the method)."""
    direction = Direction(direction)
    limits = thresholds or Thresholds()
    if direction == Direction.NEUTRAL:
        return ProgressResult(ProgressStatus.NOT_ASSESSED)
    by_time: dict[float, float] = {}
    for point in sorted(points, key=lambda p: p.time):
        by_time[point.time] = point.value
    series = [Point(t, v) for t, v in sorted(by_time.items())]
    if base is None and series:
        base = series[0]
    later = [p for p in series if base is not None and p.time > base.time]
    if base is None or not later:
        return ProgressResult(ProgressStatus.NOT_ENOUGH_DATA, base=base)
    current = later[-1]
    years = current.time - base.time
    target = choose_target(targets, base_time=base.time, current_time=current.time)
    result = {"base": base, "current": current, "target": target}

    if target is not None and _met(current.value, target.value, direction):
        return ProgressResult(ProgressStatus.TARGET_ACHIEVED, Method.ACHIEVED, **result)

    if target is not None and target.time is not None:
        if not _met(target.value, base.value, direction) or target.value == base.value:
            # The target is not ahead of the base, yet the current value misses it.
            return ProgressResult(ProgressStatus.DETERIORATION, Method.TARGET_NOT_AHEAD, **result)
        target_years = target.time - base.time
        if base.value > 0 and current.value > 0 and target.value > 0:
            method = Method.CAGR_RATIO
            observed = cagr(base.value, current.value, years)
            required = cagr(base.value, target.value, target_years)
        else:
            method = Method.LINEAR_RATIO
            observed = (current.value - base.value) / years
            required = (target.value - base.value) / target_years
        ratio = observed / required
        status = _classify(
            ratio, limits.on_track, limits.needs_acceleration, limits.limited_progress
        )
        return ProgressResult(
            status, method, observed_rate=observed, required_rate=required, ratio=ratio, **result
        )

    # No dated target: the observed growth rate alone, in the better direction.
    if base.value > 0 and current.value > 0:
        method, rate = Method.CAGR, cagr(base.value, current.value, years)
    elif base.value != 0:
        method = Method.LINEAR
        rate = (current.value - base.value) / (abs(base.value) * years)
    else:
        method = Method.SIGN
        change = current.value - base.value
        rate = math.copysign(math.inf, change) if change else 0.0
    if direction == Direction.LOWER:
        rate = -rate
    status = _classify(
        rate,
        limits.growth_on_track,
        limits.growth_needs_acceleration,
        limits.growth_limited_progress,
    )
    return ProgressResult(status, method, observed_rate=rate, **result)


def trend(points: Sequence[Point]) -> str:
    """'up', 'down' or 'flat' between the last two points in time; '' with fewer than two."""
    ordered = sorted(points, key=lambda p: p.time)
    if len(ordered) < 2:
        return ""
    last, before = ordered[-1].value, ordered[-2].value
    if last > before:
        return "up"
    if last < before:
        return "down"
    return "flat"
