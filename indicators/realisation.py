"""Realisation indicators computed live from the monitoring data (issue 4, part 4).

One function, ``realisation_series()``, returns one dict per figure in the shape of a tidy
observation row:

    {"indicator": "R-MEASURES-STARTED", "period": "2025-12", "value": 42.5,
     "disaggregation": {"challenge": "3.1"}, "source": "…"}

Figures are not stored: every page, API call and export asks this function, so they are always
current. They use validated reports only (the public data), as of the end of each finished
reporting period; the period is written as the month the reporting period ends (YYYY-MM).

- R-MEASURES-STARTED / R-MEASURES-COMPLETED: share (%) of the plan's measures whose latest
  validated status counts as started / completed, in total, by transversal challenge and by sector.
  A measure without a validated report counts as not started (the rule of the monitoring roll-ups).
- R-QUICK-WINS: number of measures marked QW whose latest validated status is completed.
- R-REPORTING: share (%) of the plan's measures with a report submitted by the period's due date
  plus grace period, counted on the date in Brussels (ReportingPeriod.is_on_time, the rule the
  compliance dashboard uses too).
"""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

SOURCE = "Bruprod monitoring: validated progress reports as of {period}"


def _share(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def realisation_series() -> list[dict]:
    """Every live realisation figure, for every finished reporting period with validated data."""
    from monitoring.selectors import (
        periods_past,
        report_latest_validated_per_period,
        report_submissions_on_time,
    )
    from plan.models import Measure

    periods = list(periods_past(today=timezone.localdate()))
    if not periods:
        return []
    measures = list(
        Measure.objects.values("pk", "challenge__key", "sector__slug").order_by("order")
    )
    quick_wins = set(Measure.objects.filter(remark_tags__key="QW").values_list("pk", flat=True))
    # The reporting deadline and "latest validated report as of a period" are monitoring's rules,
    # read from monitoring.selectors: the indicators count exactly what the dashboards count.
    on_time_by_period = report_submissions_on_time(periods=periods)
    rows: list[dict] = []
    for period, reports in report_latest_validated_per_period(periods=periods):
        if not reports:
            continue
        latest = {
            pk: (report.status.is_started, report.status.is_completed)
            for pk, report in reports.items()
        }
        label = f"{period.end:%Y-%m}"
        source = SOURCE.format(period=period.label_en)
        groups: dict[tuple[str, str] | None, list[int]] = defaultdict(list)
        for m in measures:
            groups[None].append(m["pk"])
            if m["challenge__key"]:
                groups[("challenge", m["challenge__key"])].append(m["pk"])
            if m["sector__slug"]:
                groups[("sector", m["sector__slug"])].append(m["pk"])
        for group, ids in groups.items():
            disaggregation = {group[0]: group[1]} if group else {}
            started = sum(1 for pk in ids if latest.get(pk, (False, False))[0])
            completed = sum(1 for pk in ids if latest.get(pk, (False, False))[1])
            for code, count in (
                ("R-MEASURES-STARTED", started),
                ("R-MEASURES-COMPLETED", completed),
            ):
                rows.append(
                    {
                        "indicator": code,
                        "period": label,
                        "value": _share(count, len(ids)),
                        "disaggregation": disaggregation,
                        "source": source,
                    }
                )
        delivered = sum(1 for pk in quick_wins if latest.get(pk, (False, False))[1])
        rows.append(
            {
                "indicator": "R-QUICK-WINS",
                "period": label,
                "value": delivered,
                "disaggregation": {},
                "source": source,
            }
        )
        on_time = sum(1 for ok in on_time_by_period[period.pk].values() if ok)
        rows.append(
            {
                "indicator": "R-REPORTING",
                "period": label,
                "value": _share(on_time, len(measures)),
                "disaggregation": {},
                "source": source,
            }
        )
    return rows


# KBO/BCE figures: the economy app's tidy rows, as live observations of the KBO-* indicators.
KBO_CODES = {
    "kbo-enterprises": "KBO-ENTERPRISES",
    "kbo-establishments": "KBO-ESTABLISHMENTS",
    "kbo-creations": "KBO-CREATIONS",
    "kbo-cessations": "KBO-CESSATIONS",
    "kbo-arrivals": "KBO-ARRIVALS",
}
# The economy app's groupings → the boordtabel's sector disaggregation codes.


def kbo_series() -> list[dict]:
    """Observations of the productive economy, one per indicator, month and disaggregation.

    Snapshots are dated to the day; the boordtabel counts in months, so the latest snapshot of a
    month stands for that month. Creations are by start year.
    """
    from economy.selectors import kbo_indicator_series

    rows: dict[tuple, dict] = {}
    for row in kbo_indicator_series():
        code = KBO_CODES.get(row["indicator_code"])
        if code is None:
            continue
        period = str(row["period"])
        if len(period) == 10:  # a snapshot date YYYY-MM-DD
            period = period[:7]
        disaggregation = {}
        for key, value in (row.get("disaggregations") or {}).items():
            if value:
                disaggregation[key] = value
        # Rows come in snapshot order, so a later snapshot of the same month replaces an earlier one.
        rows[(code, period, tuple(sorted(disaggregation.items())))] = {
            "indicator": code,
            "period": period,
            "value": row["value"],
            "disaggregation": disaggregation,
            "source": row.get("source") or "KBO open data",
        }
    return list(rows.values())


def live_series() -> list[dict]:
    """Every figure computed live: realisation indicators and the productive economy."""
    return realisation_series() + kbo_series()
