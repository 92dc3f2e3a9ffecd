"""The roll-up rule on its edge cases: no reports, missing progress, zero and negative weights."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from monitoring import selectors
from monitoring.models import MeasurePlanning, Report
from monitoring.reference import monitoring_reference_load
from plan.models import Measure

from .factories_dashboard import report

CONSTRUCTION = ("C.1", "C.2", "C.3")


# weighted_progress: pure arithmetic -------------------------------------------------------------


def test_weighted_mean_of_weights_and_progress():
    assert selectors.weighted_progress([(1, 100), (1, 0)]) == 50.0
    assert selectors.weighted_progress([(3, 100), (1, 0)]) == 75.0
    assert selectors.weighted_progress([(Decimal("0.5"), 40), (Decimal("1.5"), 80)]) == 70.0


def test_no_item_has_no_progress():
    assert selectors.weighted_progress([]) is None


def test_missing_progress_counts_as_zero_and_keeps_its_weight():
    assert selectors.weighted_progress([(1, None), (1, 80)]) == 40.0


def test_zero_weights_have_no_progress_and_do_not_count():
    assert selectors.weighted_progress([(0, 100), (0, 50)]) is None
    assert selectors.weighted_progress([(0, 100), (1, 20)]) == 20.0


def test_negative_weight_is_refused():
    with pytest.raises(ValueError):
        selectors.weighted_progress([(-1, 50), (2, 50)])


def test_result_is_rounded_to_one_decimal():
    assert selectors.weighted_progress([(1, 10), (1, 10), (1, 11)]) == 10.3


# measure_states + rollup: from the database ------------------------------------------------------


@pytest.fixture
def reference(db):
    monitoring_reference_load()


def states(codes=CONSTRUCTION):
    return selectors.measure_states(measures=Measure.objects.filter(code__in=codes))


def test_no_reports_means_every_measure_at_zero(reference):
    result = states()
    assert [s.progress for s in result] == [0, 0, 0]
    assert not any(s.reported for s in result)
    assert selectors.overall_progress(result) == 0.0
    (group,) = selectors.rollup(result, "sector")
    assert (group.key, group.count, group.reported, group.progress) == ("construction", 3, 0, 0.0)
    assert group.by_status == {"none": 3}


def test_missing_progress_uses_the_status_default(reference):
    report("C.1", "2024-h1", status_key="advanced", progress=None)  # default 75 %
    report("C.2", "2024-h1", status_key="in_progress", progress=55)
    result = {s.measure.code: s for s in states()}
    assert result["C.1"].progress == 75
    assert result["C.2"].progress == 55
    assert result["C.3"].progress == 0  # not reported: 0 %, weight kept
    assert selectors.overall_progress(list(result.values())) == round((75 + 55 + 0) / 3, 1)


def test_only_the_latest_validated_report_counts(reference):
    report("C.1", "2023-h2", progress=30)
    report("C.1", "2024-h1", progress=60)
    report("C.1", "2024-h2", state=Report.State.SUBMITTED, progress=90)
    report("C.1", "2025-h1", state=Report.State.DRAFT, progress=95)
    report("C.1", "2025-h2", state=Report.State.RETURNED, progress=99)
    (state,) = states(("C.1",))
    assert state.progress == 60
    assert state.report.period.key == "2024-h1"


def test_weights_of_the_execution_plan_are_applied(reference):
    report("C.1", "2024-h1", status_key="completed", progress=100)
    MeasurePlanning.objects.filter(measure__code="C.1").update(weight=3)
    result = states(("C.1", "C.2"))
    assert selectors.overall_progress(result) == 75.0
    (group,) = selectors.rollup(result, "sector")
    assert group.progress == 75.0


def test_zero_weights_give_a_group_without_progress(reference):
    report("C.1", "2024-h1", progress=80)
    MeasurePlanning.objects.filter(measure__code__in=CONSTRUCTION).update(weight=0)
    (group,) = selectors.rollup(states(), "sector")
    assert group.count == 3
    assert group.progress is None


def test_measure_without_planning_weighs_one(reference):
    MeasurePlanning.objects.filter(measure__code="C.1").delete()
    report("C.2", "2024-h1", progress=100)
    result = {s.measure.code: s for s in states(("C.1", "C.2"))}
    assert result["C.1"].weight == 1
    assert selectors.overall_progress(list(result.values())) == 50.0


def test_negative_weight_is_refused_by_the_execution_plan(reference):
    planning = MeasurePlanning.objects.get(measure__code="C.1")
    planning.weight = Decimal("-1")
    with pytest.raises(ValidationError) as error:
        planning.full_clean()
    assert "weight" in error.value.message_dict


def test_rollup_by_status_counts_the_latest_validated_status(reference):
    report("C.1", "2024-h1", status_key="completed")
    report("C.2", "2024-h1", status_key="completed")
    groups = {g.key: g for g in selectors.rollup(states(), "status")}
    assert groups["completed"].count == 2
    assert groups["completed"].progress == 100.0
    assert groups["none"].count == 1


def test_a_measure_counts_for_each_of_its_coordinators(reference):
    measure = next(
        m for m in Measure.objects.prefetch_related("coordinations") if m.coordinations.count() > 1
    )
    report(measure.code, "2024-h1", progress=40)
    groups = selectors.rollup(states((measure.code,)), "coordinator")
    assert len(groups) == measure.coordinations.count()
    assert all(g.count == 1 and g.progress == 40.0 for g in groups)
