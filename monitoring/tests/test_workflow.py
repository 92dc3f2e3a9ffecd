"""The report workflow through the services: rights, transitions, validation, history, locking."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from accounts.tests.factories import coordinator, taskforce, user_with_role
from monitoring import services
from monitoring.models import Evidence, ImplementationStatus, Report, ReportingPeriod
from plan.models import Measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def period():
    return ReportingPeriod.objects.get(key="2025-h2")


@pytest.fixture
def status():
    return ImplementationStatus.objects.get(key="in_progress")


def data(status, **kwargs):
    return services.ReportData(status=status, narrative_nl="Stand van zaken.", **kwargs)


def test_full_cycle_draft_submit_return_resubmit_validate(period, status):
    actiris, tf = coordinator(), taskforce()
    measure = Measure.objects.get(code="MET.4.1")
    report = services.report_save(
        user=actiris, measure=measure, period=period, data=data(status, progress=30)
    )
    assert report.state == "draft" and report.organisation.slug == "actiris"
    report = services.report_submit(user=actiris, report=report, expected_version=report.version)
    assert report.state == "submitted" and report.submitted_by == actiris
    report = services.report_return(
        user=tf, report=report, comment="Budget ontbreekt.", expected_version=report.version
    )
    assert report.state == "returned"
    report = services.report_save(
        user=actiris,
        measure=measure,
        period=period,
        data=data(status, progress=35, budget_committed=1000),
        expected_version=report.version,
    )
    report = services.report_submit(user=actiris, report=report, expected_version=report.version)
    report = services.report_validate(user=tf, report=report, expected_version=report.version)
    assert report.state == "validated" and report.validated_by == tf
    reasons = list(
        report.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert reasons == ["save", "submit", "return", "save", "submit", "validate"]


def test_coordinator_cannot_report_on_another_organisations_measure(period, status):
    with pytest.raises(PermissionDenied):
        services.report_save(
            user=coordinator(),
            measure=Measure.objects.get(code="2.1.1"),
            period=period,
            data=data(status),
        )
    assert not Report.objects.filter(measure__code="2.1.1", period=period).exists()


@pytest.mark.parametrize("role", [Role.STEERING, Role.COMMISSION])
def test_steering_and_commission_cannot_report(period, status, role):
    with pytest.raises(PermissionDenied):
        services.report_save(
            user=user_with_role(role),
            measure=Measure.objects.get(code="MET.4.1"),
            period=period,
            data=data(status),
        )


def test_only_the_task_force_validates_or_returns(period, status):
    actiris = coordinator()
    report = services.report_save(
        user=actiris, measure=Measure.objects.get(code="MET.4.1"), period=period, data=data(status)
    )
    report = services.report_submit(user=actiris, report=report, expected_version=report.version)
    with pytest.raises(PermissionDenied):
        services.report_validate(user=actiris, report=report, expected_version=report.version)
    with pytest.raises(PermissionDenied):
        services.report_return(
            user=user_with_role(Role.STEERING),
            report=report,
            comment="x",
            expected_version=report.version,
        )
    report.refresh_from_db()
    assert report.state == "submitted"


@pytest.mark.parametrize(
    ("steps", "action"),
    [
        ([], "validate"),  # a draft cannot be validated
        ([], "return"),
        (["submit"], "submit"),  # twice
        (["submit", "validate"], "submit"),
        (["submit", "validate"], "return"),
    ],
)
def test_transitions_that_are_not_allowed_are_refused(period, status, steps, action):
    actiris, tf = coordinator(), taskforce()
    report = services.report_save(
        user=actiris, measure=Measure.objects.get(code="MET.4.1"), period=period, data=data(status)
    )
    calls = {
        "submit": lambda r: services.report_submit(
            user=actiris, report=r, expected_version=r.version
        ),
        "validate": lambda r: services.report_validate(
            user=tf, report=r, expected_version=r.version
        ),
        "return": lambda r: services.report_return(
            user=tf, report=r, comment="Nee.", expected_version=r.version
        ),
    }
    for step in steps:
        report = calls[step](report)
    state = report.state
    with pytest.raises(services.TransitionNotAllowed):
        calls[action](report)
    report.refresh_from_db()
    assert report.state == state


def test_validated_report_cannot_be_edited(period, status):
    actiris, tf = coordinator(), taskforce()
    measure = Measure.objects.get(code="MET.4.1")
    report = services.report_save(user=actiris, measure=measure, period=period, data=data(status))
    validated = services.report_validate(
        user=tf,
        report=(
            submitted := services.report_submit(
                user=actiris, report=report, expected_version=report.version
            )
        ),
        expected_version=submitted.version,
    )
    with pytest.raises(services.TransitionNotAllowed):
        services.report_save(
            user=actiris,
            measure=measure,
            period=period,
            data=data(status, progress=90),
            expected_version=validated.version,
        )


def test_closed_period_refuses_every_change(period, status):
    actiris, tf = coordinator(), taskforce()
    measure = Measure.objects.get(code="MET.4.1")
    report = services.report_save(user=actiris, measure=measure, period=period, data=data(status))
    services.period_close(user=tf, period=period)
    with pytest.raises(ValidationError, match="closed"):
        services.report_save(user=actiris, measure=measure, period=period, data=data(status))
    with pytest.raises(ValidationError, match="closed"):
        services.report_submit(user=actiris, report=report, expected_version=report.version)
    with pytest.raises(PermissionDenied):
        services.period_reopen(user=actiris, period=period)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"progress": 120}, "progress"),
        ({"budget_committed": 100, "budget_spent": 200}, "budget_spent"),
        ({"budget_spent": -5}, "budget_spent"),
    ],
)
def test_invalid_report_is_refused_and_changes_nothing(period, status, kwargs, field):
    with pytest.raises(ValidationError) as error:
        services.report_save(
            user=coordinator(),
            measure=Measure.objects.get(code="MET.4.1"),
            period=period,
            data=data(status, **kwargs),
        )
    assert field in error.value.error_dict
    assert not Report.objects.filter(measure__code="MET.4.1", period=period).exists()


def test_completed_status_needs_full_progress(period):
    completed = ImplementationStatus.objects.get(key="completed")
    with pytest.raises(ValidationError):
        services.report_save(
            user=coordinator(),
            measure=Measure.objects.get(code="MET.4.1"),
            period=period,
            data=data(completed, progress=60),
        )


def test_missing_progress_uses_the_status_default(period, status):
    report = services.report_save(
        user=coordinator(),
        measure=Measure.objects.get(code="MET.4.1"),
        period=period,
        data=data(status),
    )
    assert report.progress is None
    assert report.effective_progress == status.default_progress


def test_stale_edit_is_refused_with_the_other_persons_changes(period, status):
    actiris = coordinator()
    measure = Measure.objects.get(code="MET.4.1")
    report = services.report_save(
        user=actiris, measure=measure, period=period, data=data(status, progress=10)
    )
    loaded_version = report.version
    services.report_save(
        user=actiris,
        measure=measure,
        period=period,
        data=data(status, progress=20),
        expected_version=loaded_version,
    )
    with pytest.raises(services.ConcurrentEditError) as conflict:
        services.report_save(
            user=actiris,
            measure=measure,
            period=period,
            data=data(status, progress=99),
            expected_version=loaded_version,
        )
    assert ("progress", 10, 20) in conflict.value.changes
    report.refresh_from_db()
    assert report.progress == 20


def test_evidence_files_are_checked(period, status):
    actiris = coordinator()
    report = services.report_save(
        user=actiris, measure=Measure.objects.get(code="MET.4.1"), period=period, data=data(status)
    )
    pdf = SimpleUploadedFile("verslag.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    evidence = services.evidence_add(user=actiris, report=report, title="Verslag", upload=pdf)
    assert evidence.size == len(b"%PDF-1.4 test") and evidence.original_name == "verslag.pdf"
    assert "verslag" not in evidence.file.name  # stored under a random name
    for name, content in [
        ("virus.exe", b"MZ..."),
        ("fake.pdf", b"MZ\x90\x00 not a pdf"),
        ("empty.pdf", b""),
    ]:
        with pytest.raises(ValidationError):
            services.evidence_add(
                user=actiris, report=report, title=name, upload=SimpleUploadedFile(name, content)
            )
    with pytest.raises(ValidationError):
        services.evidence_add(user=actiris, report=report, title="link", url="javascript:alert(1)")
    assert Evidence.objects.filter(report=report).count() == 1


def test_evidence_size_limit(period, status, settings):
    settings.EVIDENCE_MAX_BYTES = 10
    actiris = coordinator()
    report = services.report_save(
        user=actiris, measure=Measure.objects.get(code="MET.4.1"), period=period, data=data(status)
    )
    with pytest.raises(ValidationError, match="larger"):
        services.evidence_add(
            user=actiris,
            report=report,
            title="big",
            upload=SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 20),
        )
