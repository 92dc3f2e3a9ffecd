"""Parallel conflicting saves of one report on PostgreSQL: one wins, the other is refused, nothing is lost."""

import threading

import pytest
from django.db import connection, connections

from monitoring import services
from monitoring.models import ImplementationStatus, Report, ReportingPeriod
from monitoring.tests.factories import coordinator
from plan.models import Measure

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def loaded(transactional_db):
    from conftest import load_reference_data

    load_reference_data()


def test_parallel_conflicting_saves_lose_nothing(loaded):
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks (SELECT … FOR UPDATE) are tested on PostgreSQL, the production database"
        )
    user = coordinator()
    measure = Measure.objects.get(code="MET.4.1")
    period = ReportingPeriod.objects.get(key="2025-h2")
    status = ImplementationStatus.objects.get(key="in_progress")
    report = services.report_save(
        user=user,
        measure=measure,
        period=period,
        data=services.ReportData(status=status, narrative_nl="v1", progress=10),
    )
    version = report.version
    writers = 6
    barrier = threading.Barrier(writers)
    outcomes: list[tuple[int, str]] = []

    def edit(progress: int) -> None:
        try:
            barrier.wait()
            services.report_save(
                user=user,
                measure=measure,
                period=period,
                data=services.ReportData(
                    status=status, narrative_nl=f"edit {progress}", progress=progress
                ),
                expected_version=version,
            )
            outcomes.append((progress, "saved"))
        except services.ConcurrentEditError:
            outcomes.append((progress, "refused"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(20 + i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    saved = [p for p, outcome in outcomes if outcome == "saved"]
    assert len(outcomes) == writers
    assert len(saved) == 1, outcomes
    report.refresh_from_db()
    assert report.progress == saved[0]
    assert report.narrative_nl == f"edit {saved[0]}"
    assert report.version == version + 1
    # Every accepted change is in history; no refused write left a trace.
    assert list(report.history.order_by("history_date").values_list("progress", flat=True)) == [
        10,
        saved[0],
    ]
    assert Report.objects.filter(measure=measure, period=period).count() == 1
