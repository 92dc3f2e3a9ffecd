"""Read-only JSON API (v1) of the boordtabel; documented by the OpenAPI schema."""

from django.db.models import Exists, OuterRef, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api import BoundedLimitOffsetPagination, CheckedQueryMixin, query_bool, query_choice

from .models import Indicator, Observation, Target
from .selectors import (
    LiveRows,
    indicator_observations,
    indicator_queryset,
    indicator_summary,
    number,
    observation_is_demo,
)


class TargetSerializer(serializers.ModelSerializer):
    value = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = [
            "period",
            "value",
            "label_nl",
            "label_fr",
            "label_en",
            "counts_for_status",
            "source",
        ]

    def get_value(self, obj) -> float:
        return number(obj.value)


class IndicatorSerializer(serializers.ModelSerializer):
    disaggregations = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    plan_nodes = serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)
    sectors = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    measures = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    owner = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    baseline = serializers.SerializerMethodField()
    targets = TargetSerializer(many=True, read_only=True)
    status = serializers.SerializerMethodField()
    latest = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name_nl",
            "name_fr",
            "name_en",
            "definition_nl",
            "definition_fr",
            "definition_en",
            "unit",
            "kind",
            "direction",
            "frequency",
            "source_organisation",
            "source_dataset",
            "disaggregations",
            "headline",
            "plan_nodes",
            "sectors",
            "measures",
            "owner",
            "method_nl",
            "method_fr",
            "method_en",
            "licence",
            "citation",
            "sources",
            "baseline",
            "targets",
            "status",
            "latest",
            "quirks",
        ]

    def _summary(self, obj):
        cache = self.context.setdefault("_summaries", {})
        live = self.context.setdefault("_live", LiveRows())
        if obj.pk not in cache:
            cache[obj.pk] = indicator_summary(obj, observations=indicator_observations(obj, live))
        return cache[obj.pk]

    def get_baseline(self, obj) -> dict | None:
        if not obj.baseline_period:
            return None
        return {"period": obj.baseline_period, "value": number(obj.baseline_value)}

    def get_status(self, obj) -> str:
        return self._summary(obj).status

    def get_latest(self, obj) -> dict | None:
        latest = self._summary(obj).latest
        if latest is None:
            return None
        return {
            "period": latest.period,
            "value": number(latest.value),
            "disaggregation": latest.disaggregation,
        }


INDICATOR_PARAMETERS = [
    OpenApiParameter("kind", str, enum=[c.value for c in Indicator.Kind]),
    OpenApiParameter(
        "challenge", str, description="A plan node key, e.g. 3.1 (includes its sub-sections)."
    ),
    OpenApiParameter("sector", str, description="A plan sector slug, e.g. construction."),
]


@extend_schema_view(list=extend_schema(parameters=INDICATOR_PARAMETERS))
class IndicatorViewSet(CheckedQueryMixin, viewsets.ReadOnlyModelViewSet):
    """The boordtabel's indicators with baseline, targets, progress status and latest value."""

    serializer_class = IndicatorSerializer
    pagination_class = BoundedLimitOffsetPagination
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    filter_backends: list = []

    def get_queryset(self):
        queryset = indicator_queryset().order_by("order", "code")
        params = self.request.query_params
        if self.action == "list" and query_choice(params, "kind", set(Indicator.Kind.values)):
            queryset = queryset.filter(kind=params["kind"])
        if params.get("challenge"):
            key = params["challenge"]
            queryset = queryset.filter(
                Q(plan_nodes__key=key) | Q(plan_nodes__key__startswith=f"{key}.")
            ).distinct()
        if params.get("sector"):
            queryset = queryset.filter(sectors__slug=params["sector"]).distinct()
        return queryset


class ObservationSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    value = serializers.SerializerMethodField()
    demo = serializers.SerializerMethodField(
        help_text="A figure computed from demo reports or read from a synthetic register."
    )

    class Meta:
        model = Observation
        fields = [
            "indicator",
            "period",
            "value",
            "disaggregation",
            "status",
            "vintage",
            "printed",
            "source_note",
            "demo",
        ]

    def get_value(self, obj) -> float:
        return number(obj.value)

    def get_demo(self, obj) -> bool:
        return observation_is_demo(obj)


OBSERVATION_PARAMETERS = [
    OpenApiParameter("indicator", str, many=True, explode=True, description="Indicator code(s)."),
    OpenApiParameter("period", str, description="A period: YYYY, YYYY-YYYY, YYYY-Qn or YYYY-MM."),
    OpenApiParameter("vintage", str, description="Only figures of this release."),
    OpenApiParameter(
        "all_vintages",
        OpenApiTypes.BOOL,
        description="Include figures superseded by a later release (revisions). Default: latest only.",
    ),
    OpenApiParameter(
        "disaggregation",
        str,
        many=True,
        explode=True,
        description=(
            "Disaggregation filter 'code:value', e.g. sector:construction or vehicle:van; "
            "'code:' (empty value) keeps the rows without that disaggregation (its total). "
            "Repeat to combine (AND)."
        ),
    ),
    OpenApiParameter(
        "total",
        OpenApiTypes.BOOL,
        description="Only totals: rows without any disaggregation value.",
    ),
]


@extend_schema_view(list=extend_schema(parameters=OBSERVATION_PARAMETERS))
class ObservationViewSet(CheckedQueryMixin, viewsets.ReadOnlyModelViewSet):
    """Observations in the tidy layout: one figure per period × disaggregation × release."""

    serializer_class = ObservationSerializer
    pagination_class = BoundedLimitOffsetPagination
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        queryset = Observation.objects.select_related("indicator").order_by(
            "indicator__order", "indicator__code", "disaggregation_key", "period_time", "vintage"
        )
        if params.getlist("indicator"):
            queryset = queryset.filter(indicator__code__in=params.getlist("indicator"))
        if params.get("period"):
            queryset = queryset.filter(period=params["period"])
        if params.get("vintage"):
            queryset = queryset.filter(vintage=params["vintage"])
        elif not query_bool(params, "all_vintages"):
            newer = Observation.objects.filter(
                indicator=OuterRef("indicator"),
                period=OuterRef("period"),
                disaggregation_key=OuterRef("disaggregation_key"),
                vintage__gt=OuterRef("vintage"),
            )
            queryset = queryset.filter(~Exists(newer))
        if query_bool(params, "total"):
            queryset = queryset.filter(disaggregation_key="")
        for item in params.getlist("disaggregation"):
            code, sep, value = item.partition(":")
            if not sep or not code:
                raise ValidationError(
                    {"disaggregation": f"{item!r}: expected 'code:value', e.g. sector:construction"}
                )
            if value:
                queryset = queryset.filter(**{f"disaggregation__{code}": value})
            else:
                queryset = queryset.exclude(disaggregation__has_key=code)
        return queryset

    def list(self, request, *args, **kwargs):
        """Stored figures, then the live ones (realisation and KBO/BCE), with the same filters."""
        rows = list(self.get_queryset()) + self._live_rows(request.query_params)
        page = self.paginate_queryset(rows)
        if page is not None:
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        return Response(self.get_serializer(rows, many=True).data)

    @staticmethod
    def _live_rows(params):  # -> list of Observation (the name `list` is the action here)
        if params.get("vintage") and params["vintage"] != "live":
            return []
        indicators = Indicator.objects.filter(frequency=Indicator.Frequency.LIVE).order_by(
            "order", "code"
        )
        if params.getlist("indicator"):
            indicators = indicators.filter(code__in=params.getlist("indicator"))
        live = LiveRows()
        rows = []
        for indicator in indicators:
            for observation in indicator_observations(indicator, live):
                if observation.vintage != "live":
                    continue
                if params.get("period") and observation.period != params["period"]:
                    continue
                if query_bool(params, "total") and observation.disaggregation:
                    continue
                keep = True
                for item in params.getlist("disaggregation"):
                    code, _sep, value = item.partition(":")
                    if (observation.disaggregation.get(code) or "") != value:
                        keep = False
                if keep:
                    rows.append(observation)
        return rows
