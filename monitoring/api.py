"""JSON API (v1) of implementation monitoring.

- `progress/`: public and read-only, validated data only: each measure's latest validated report
  and its timeline of validated reports.
- `reports/`: for reporters, with an API token (`bruprod create-api-token USERNAME`) or a session:
  read, create or update the draft report of a measure the user's organisation coordinates, and
  submit it. Writes go through monitoring.services: 403 for another organisation's measure, 409
  when the report changed since the `version` the client sent (or its state forbids the change),
  and for a create (`version` 0 or none) when someone else created the report first; an update
  without a `version` is a 400.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from accounts.backends import DemoAwareTokenAuthentication
from core.api import BoundedLimitOffsetPagination, CheckedQueryMixin
from core.validation import DecimalFitsValidator, validate_long_text
from plan.models import Measure

from . import services
from .models import ImplementationStatus, Report, ReportingPeriod
from .selectors import workspace_measures

# ---------------------------------------------------------------- public: validated progress


class ValidatedReportSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period.key")
    status = serializers.CharField(source="status.key")
    status_label_nl = serializers.CharField(source="status.label_nl")
    status_label_fr = serializers.CharField(source="status.label_fr")
    status_label_en = serializers.CharField(source="status.label_en")
    progress = serializers.IntegerField(
        source="effective_progress", help_text="Reported progress, or the status's default."
    )
    demo = serializers.BooleanField(
        source="is_demo",
        read_only=True,
        help_text="A demo report (made-up data), never a real one.",
    )

    class Meta:
        model = Report
        fields = [
            "demo",
            "period",
            "status",
            "status_label_nl",
            "status_label_fr",
            "status_label_en",
            "progress",
            "narrative_nl",
            "narrative_fr",
            "next_steps",
            "budget_committed",
            "budget_spent",
            "validated_at",
        ]


class MeasureProgressSerializer(serializers.ModelSerializer):
    latest = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    class Meta:
        model = Measure
        fields = ["code", "title_nl", "title_fr", "title_en", "latest", "timeline"]

    @extend_schema_field(ValidatedReportSerializer(allow_null=True))
    def get_latest(self, obj) -> dict | None:
        reports = obj.validated_reports
        return ValidatedReportSerializer(reports[-1]).data if reports else None

    @extend_schema_field(ValidatedReportSerializer(many=True))
    def get_timeline(self, obj) -> list[dict]:
        return ValidatedReportSerializer(obj.validated_reports, many=True).data


def _with_validated_reports(queryset):
    validated = (
        Report.objects.validated().select_related("period", "status").order_by("period__start")
    )
    return queryset.prefetch_related(
        Prefetch("reports", queryset=validated, to_attr="validated_reports")
    )


class ProgressViewSet(CheckedQueryMixin, viewsets.ReadOnlyModelViewSet):
    """Validated progress per measure: the latest validated report and the timeline of validated reports.

    Only validated (published) reports appear; a measure without one has `latest: null`.
    """

    serializer_class = MeasureProgressSerializer
    pagination_class = BoundedLimitOffsetPagination
    permission_classes = [AllowAny]
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    filterset_fields: list[str] = []

    def get_queryset(self):
        return _with_validated_reports(Measure.objects.order_by("order"))


# ---------------------------------------------------------------- reporters: own measures only


class ReportSerializer(serializers.ModelSerializer):
    measure = serializers.CharField(source="measure.code", read_only=True)
    period = serializers.CharField(source="period.key", read_only=True)
    status = serializers.CharField(source="status.key", read_only=True)
    effective_progress = serializers.IntegerField(read_only=True)
    demo = serializers.BooleanField(
        source="is_demo",
        read_only=True,
        help_text="A demo report (made-up data), never a real one.",
    )

    class Meta:
        model = Report
        fields = [
            "demo",
            "measure",
            "period",
            "state",
            "status",
            "progress",
            "effective_progress",
            "narrative_nl",
            "narrative_fr",
            "next_steps",
            "risks",
            "budget_committed",
            "budget_spent",
            "version",
            "return_comment",
            "submitted_at",
            "validated_at",
        ]
        read_only_fields = fields


def status_keys() -> list[str]:
    """The implementation status keys of data/monitoring/statuses.yaml (what the server accepts)."""
    from core.yamlfiles import DataFileError, read_yaml

    from .reference import STATUSES_FILE, data_dir

    try:
        content = read_yaml(data_dir() / STATUSES_FILE)
    except (DataFileError, OSError):
        content = None
    entries = content.get("statuses") if isinstance(content, dict) else None
    keys = [e["key"] for e in entries or [] if isinstance(e, dict) and e.get("key")]
    return keys or list(ImplementationStatus.objects.values_list("key", flat=True))


class StatusKeyField(serializers.SlugRelatedField):
    """An implementation status by key; the schema lists the keys (StatusKeyFieldExtension)."""


class StatusKeyFieldExtension(OpenApiSerializerFieldExtension):
    """In the OpenAPI schema, `status` is an enum of the keys, read when the schema is built."""

    target_class = StatusKeyField

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "string",
            "enum": status_keys(),
            "description": "Implementation status key.",
        }


class ReportWriteSerializer(serializers.Serializer):
    status = StatusKeyField(
        slug_field="key",
        queryset=ImplementationStatus.objects.all(),
        help_text="Implementation status key.",
    )
    progress = serializers.IntegerField(
        min_value=0, max_value=100, required=False, allow_null=True, default=None
    )
    narrative_nl = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[validate_long_text]
    )
    narrative_fr = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[validate_long_text]
    )
    next_steps = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[validate_long_text]
    )
    risks = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[validate_long_text]
    )
    budget_committed = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        validators=[DecimalFitsValidator(Report._meta.get_field("budget_committed"))],
    )
    budget_spent = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        validators=[DecimalFitsValidator(Report._meta.get_field("budget_spent"))],
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        help_text=(
            "The version you read; required to update an existing report. 0 (or none) creates "
            "the report: if it exists by then, the answer is 409 and nothing is overwritten."
        ),
    )
    submit = serializers.BooleanField(
        required=False, default=False, help_text="Submit the report for validation after saving it."
    )

    def validate(self, attrs):
        if not attrs["narrative_nl"].strip() and not attrs["narrative_fr"].strip():
            raise serializers.ValidationError(
                {"narrative_nl": _("Write the narrative in Dutch and/or French.")}
            )
        return attrs

    def report_data(self) -> services.ReportData:
        data = self.validated_data
        return services.ReportData(
            status=data["status"],
            progress=data["progress"],
            narrative_nl=data["narrative_nl"].strip(),
            narrative_fr=data["narrative_fr"].strip(),
            next_steps=data["next_steps"].strip(),
            risks=data["risks"].strip(),
            budget_committed=data["budget_committed"],
            budget_spent=data["budget_spent"],
        )


class SubmitSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read.")


ConflictSerializer = inline_serializer(
    "ReportConflict",
    {
        "detail": serializers.CharField(),
        "current_version": serializers.IntegerField(),
        "changes": serializers.ListField(child=serializers.DictField()),
    },
)


def _conflict(exc: services.ConcurrentEditError) -> Response:
    return Response(
        {
            "detail": str(exc),
            "current_version": exc.report.version,
            "changes": [
                {
                    "field": f,
                    "old": None if old is None else str(old),
                    "new": None if new is None else str(new),
                }
                for f, old, new in exc.changes
            ],
        },
        status=status.HTTP_409_CONFLICT,
    )


def _validation_error(exc: ValidationError, code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": " ".join(exc.messages)}
    return Response(body, status=code)


class ReporterAPIView(CheckedQueryMixin, APIView):
    authentication_classes = [DemoAwareTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]

    def _target(self, request, code: str, period: str) -> tuple[Measure, ReportingPeriod]:
        measure = get_object_or_404(Measure, code=code)
        period_obj = get_object_or_404(ReportingPeriod, key=period)
        if not access.can_report_on(request.user, measure):
            raise PermissionDenied(
                _("You cannot report on measure %(code)s.") % {"code": measure.code}
            )
        return measure, period_obj


class ReportListView(ReporterAPIView):
    @extend_schema(
        summary="The reports of the measures you report on",
        parameters=[OpenApiParameter("period", str, description="Period key, e.g. 2025-h2.")],
        responses=ReportSerializer(many=True),
    )
    def get(self, request):
        reports = Report.objects.filter(
            measure__in=workspace_measures(user=request.user)
        ).select_related("measure", "period", "status")
        if request.query_params.get("period"):
            reports = reports.filter(period__key=request.query_params["period"])
        return Response(
            ReportSerializer(reports.order_by("period__start", "measure__order"), many=True).data
        )


class ReportDetailView(ReporterAPIView):
    @extend_schema(
        summary="One report of a measure you report on",
        responses={
            200: ReportSerializer,
            403: OpenApiResponse(description="Not your organisation's measure."),
        },
    )
    def get(self, request, code: str, period: str):
        measure, period_obj = self._target(request, code, period)
        report = get_object_or_404(
            Report.objects.select_related("measure", "period", "status"),
            measure=measure,
            period=period_obj,
        )
        return Response(ReportSerializer(report).data)

    @extend_schema(
        summary="Create or update the draft report of a measure you report on (and optionally submit it)",
        request=ReportWriteSerializer,
        responses={
            200: ReportSerializer,
            201: ReportSerializer,
            400: OpenApiResponse(description="Invalid data."),
            403: OpenApiResponse(description="Not your organisation's measure."),
            409: OpenApiResponse(
                ConflictSerializer,
                description=(
                    "Changed since your version, created by someone else meanwhile (a create: "
                    "version 0 or none), or its state forbids the change. Nothing was written."
                ),
            ),
        },
    )
    def put(self, request, code: str, period: str):
        measure, period_obj = self._target(request, code, period)
        serializer = ReportWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        existing = Report.objects.filter(measure=measure, period=period_obj).exists()
        version = serializer.validated_data["version"]
        if version is None and not existing:
            version = services.NEW  # a create: a report created meanwhile is a 409, not overwritten
        try:
            # No version for an existing report: the service refuses it (400 on `version`).
            report = services.report_save(
                user=request.user,
                measure=measure,
                period=period_obj,
                data=serializer.report_data(),
                expected_version=version,
            )
            if serializer.validated_data["submit"]:
                report = services.report_submit(
                    user=request.user, report=report, expected_version=report.version
                )
        except services.ConcurrentEditError as exc:
            return _conflict(exc)
        except services.TransitionNotAllowed as exc:
            return _validation_error(exc, status.HTTP_409_CONFLICT)
        except ValidationError as exc:
            return _validation_error(exc)
        report = Report.objects.select_related("measure", "period", "status").get(pk=report.pk)
        return Response(
            ReportSerializer(report).data,
            status=status.HTTP_201_CREATED if version == services.NEW else status.HTTP_200_OK,
        )


class ReportSubmitView(ReporterAPIView):
    @extend_schema(
        summary="Submit the report of a measure you report on for validation",
        request=SubmitSerializer,
        responses={
            200: ReportSerializer,
            403: OpenApiResponse(description="Not your organisation's measure."),
            409: OpenApiResponse(
                ConflictSerializer,
                description="Changed since your version, or not in a state that can be submitted.",
            ),
        },
    )
    def post(self, request, code: str, period: str):
        measure, period_obj = self._target(request, code, period)
        report = get_object_or_404(Report, measure=measure, period=period_obj)
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            report = services.report_submit(
                user=request.user,
                report=report,
                expected_version=serializer.validated_data["version"],
            )
        except services.ConcurrentEditError as exc:
            return _conflict(exc)
        except services.TransitionNotAllowed as exc:
            return _validation_error(exc, status.HTTP_409_CONFLICT)
        except ValidationError as exc:
            return _validation_error(exc)
        report = Report.objects.select_related("measure", "period", "status").get(pk=report.pk)
        return Response(ReportSerializer(report).data)
