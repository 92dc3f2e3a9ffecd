"""Reference data of monitoring: implementation statuses, reporting periods, default execution plan.

Loaded by `bruprod load-monitoring` (idempotent, validate first, one transaction).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction

from core.yamlfiles import DataFileError, line_of, read_yaml
from plan.models import Measure, Status

from .models import ImplementationStatus, MeasurePlanning, ReportingPeriod

STATUSES_FILE = "statuses.yaml"
FIRST_YEAR, LAST_YEAR = 2020, 2026
# The first multi-year execution plan covers 2020–2025 (plan, chapter 6). Until the task force
# enters the real one, a measure's planned years follow its 2019 priority.
DEFAULT_YEARS = {"KT": (2020, 2021), "MT": (2020, 2023), "LT": (2021, 2025), "": (2020, 2025)}


def data_dir() -> Path:
    return Path(settings.BASE_DIR) / "data" / "monitoring"


def _validate_statuses(content) -> list[str]:
    problems = []
    plan_keys = set(Status.objects.values_list("key", flat=True))
    entries = content.get("statuses") if isinstance(content, dict) else None
    if not isinstance(entries, list) or not entries:
        return [f"{STATUSES_FILE}: needs a list 'statuses'"]
    seen = set()
    for index, entry in enumerate(entries):
        where = f"{STATUSES_FILE}:{line_of(entry)}: statuses[{index}]"
        if not isinstance(entry, dict) or not entry.get("key"):
            problems.append(f"{where}.key: missing")
            continue
        if entry["key"] in seen:
            problems.append(f"{where}.key: duplicate {entry['key']!r}")
        seen.add(entry["key"])
        label = entry.get("label") if isinstance(entry.get("label"), dict) else {}
        for lang in ("nl", "fr", "en"):
            if not str(label.get(lang, "")).strip():
                problems.append(f"{where}.label.{lang}: missing")
        progress = entry.get("default_progress")
        if not isinstance(progress, int) or not 0 <= progress <= 100:
            problems.append(f"{where}.default_progress: must be a whole number from 0 to 100")
        for key in entry.get("plan_statuses") or []:
            if key not in plan_keys:
                problems.append(f"{where}.plan_statuses: unknown 2019 status {key!r}")
    return problems


def half_year_periods(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> list[dict]:
    """Half-year periods; reports are due 30 days after the period ends, with 15 days' grace."""
    periods = []
    for year in range(first_year, last_year + 1):
        for half, (start, end) in enumerate(
            ((date(year, 1, 1), date(year, 6, 30)), (date(year, 7, 1), date(year, 12, 31))), start=1
        ):
            periods.append(
                {
                    "key": f"{year}-h{half}",
                    "label_nl": f"{year} – {half}e semester",
                    "label_fr": f"{year} – {half}{'er' if half == 1 else 'e'} semestre",
                    "label_en": f"{year} – H{half}",
                    "start": start,
                    "end": end,
                    "due_date": end + timedelta(days=30),
                }
            )
    return periods


@transaction.atomic
def monitoring_reference_load() -> dict[str, int]:
    content = read_yaml(data_dir() / STATUSES_FILE)
    problems = _validate_statuses(content)
    if problems:
        raise DataFileError(problems)
    for order, entry in enumerate(content["statuses"]):
        values = {
            **{f"label_{lang}": entry["label"][lang] for lang in ("nl", "fr", "en")},
            "default_progress": entry["default_progress"],
            "is_started": entry.get("is_started", True),
            "is_completed": entry.get("is_completed", False),
            "order": order,
        }
        status = ImplementationStatus.objects.filter(key=entry["key"]).first()
        if status is None:
            status = ImplementationStatus.objects.create(key=entry["key"], **values)
        elif any(getattr(status, k) != v for k, v in values.items()):
            # Saved only when something changed: a second load adds no history rows.
            for k, v in values.items():
                setattr(status, k, v)
            status.save()
        wanted = set(
            Status.objects.filter(key__in=entry.get("plan_statuses") or []).values_list(
                "pk", flat=True
            )
        )
        if set(status.plan_statuses.values_list("pk", flat=True)) != wanted:
            status.plan_statuses.set(wanted)
    for period in half_year_periods():
        ReportingPeriod.objects.get_or_create(key=period["key"], defaults=period)
    created = 0
    for measure in Measure.objects.filter(planning__isnull=True):
        start, end = DEFAULT_YEARS.get(measure.priority, DEFAULT_YEARS[""])
        MeasurePlanning.objects.create(
            measure=measure, planned_start_year=start, planned_end_year=end
        )
        created += 1
    return {
        "statuses": len(content["statuses"]),
        "periods": ReportingPeriod.objects.count(),
        "plannings": created,
    }


def initial_status_for(measure: Measure) -> ImplementationStatus | None:
    """The implementation status a measure starts from, mapped from its 2019 status."""
    if measure.status_id is None:
        return ImplementationStatus.objects.filter(key="not_started").first()
    return ImplementationStatus.objects.filter(plan_statuses=measure.status_id).first()
