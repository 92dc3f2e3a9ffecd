"""Read-only JSON API (v1) of the productive economy: snapshots, figures, trends and the
enterprise search over public register data; documented by the OpenAPI schema."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from . import presenters as ws
from .models import KboSnapshot
from .register import normalize_enterprise_number
from .selectors import (
    DIMENSIONS,
    enterprise_detail,
    enterprise_search,
    figure_breakdown,
    figure_trend,
    figure_value,
    kbo_stats,
    snapshot_current,
    snapshot_list,
)

MEASURES = (
    "enterprises",
    "establishments",
    "enterprises_core",
    "establishments_core",
    "creations",
    "establishment_creations",
    "establishments_by_section",
    "enterprises_by_activity_kind",
    "activities",
    "cessations",
    "arrivals",
)
NO_DATA = "No register data loaded yet."


class SnapshotSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="source_label", read_only=True)

    class Meta:
        model = KboSnapshot
        fields = [
            "extract_number",
            "extract_type",
            "snapshot_date",
            "synthetic",
            "mapping_version",
            "source",
        ]


def _snapshot(params) -> KboSnapshot:
    number = params.get("snapshot")
    if number:
        if not number.isdigit():
            raise ValidationError({"snapshot": "an extract number, e.g. 147"})
        snapshot = KboSnapshot.objects.filter(extract_number=int(number)).first()
        if snapshot is None:
            raise NotFound(f"No snapshot with extract number {number}.")
        return snapshot
    snapshot = snapshot_current()
    if snapshot is None:
        raise NotFound(NO_DATA)
    return snapshot


def _dimension_filters(params) -> dict[str, str]:
    return {d: params.get(d, "") for d in DIMENSIONS if params.get(d)}


FILTER_PARAMETERS = [
    OpenApiParameter(
        "sector", str, description="Plan sector slug (e.g. construction); 'other' for none."
    ),
    OpenApiParameter(
        "municipality", str, description="REFNIS code of a municipality (21001–21019)."
    ),
    OpenApiParameter("person_type", str, enum=["legal", "natural"]),
]


@extend_schema(responses=SnapshotSerializer(many=True))
@api_view(["GET"])
@permission_classes([AllowAny])
def snapshots(request):
    """Every imported register snapshot, oldest first; `synthetic` marks generated demo data."""
    return Response(SnapshotSerializer(snapshot_list(), many=True).data)


@extend_schema(
    parameters=[
        OpenApiParameter("snapshot", int, description="Extract number (default: the current one)."),
        OpenApiParameter("measure", str, enum=list(MEASURES), description="Default: enterprises."),
        OpenApiParameter(
            "by",
            str,
            enum=list(DIMENSIONS),
            description="Break the measure down by this dimension (else: one total).",
        ),
        *FILTER_PARAMETERS,
        OpenApiParameter(
            "key", str, description="The measure's own breakdown value (year, reason…)."
        ),
    ],
    responses=inline_serializer(
        "KboFigures",
        {
            "snapshot": SnapshotSerializer(),
            "measure": serializers.CharField(),
            "filters": serializers.DictField(child=serializers.CharField()),
            "total": serializers.IntegerField(),
            "by": serializers.CharField(allow_null=True),
            "breakdown": serializers.DictField(child=serializers.IntegerField(), allow_null=True),
        },
    ),
)
@api_view(["GET"])
@permission_classes([AllowAny])
def figures(request):
    """One figure of a snapshot (how each is counted: docs/kbo.md), optionally broken down by a
    dimension. An empty dimension is the total over it."""
    params = request.query_params
    snapshot = _snapshot(params)
    measure = params.get("measure", "enterprises")
    if measure not in MEASURES:
        raise ValidationError({"measure": f"one of {', '.join(MEASURES)}"})
    by = params.get("by") or None
    if by is not None and by not in DIMENSIONS:
        raise ValidationError({"by": f"one of {', '.join(DIMENSIONS)}"})
    filters = _dimension_filters(params)
    breakdown = None
    if by:
        fixed = {k: v for k, v in filters.items() if k != by}
        breakdown = dict(
            sorted(figure_breakdown(snapshot=snapshot, measure=measure, by=by, **fixed).items())
        )
    return Response(
        {
            "snapshot": SnapshotSerializer(snapshot).data,
            "measure": measure,
            "filters": filters,
            "total": figure_value(snapshot=snapshot, measure=measure, **filters),
            "by": by,
            "breakdown": breakdown,
        }
    )


@extend_schema(
    parameters=[
        OpenApiParameter("measure", str, enum=list(MEASURES), description="Default: enterprises."),
        *FILTER_PARAMETERS,
        OpenApiParameter("key", str),
    ],
    responses=inline_serializer(
        "KboTrendPoint",
        {
            "snapshot_date": serializers.DateField(),
            "extract_number": serializers.IntegerField(),
            "synthetic": serializers.BooleanField(),
            "value": serializers.IntegerField(),
        },
        many=True,
    ),
)
@api_view(["GET"])
@permission_classes([AllowAny])
def trend(request):
    """A figure across every snapshot, oldest first."""
    params = request.query_params
    measure = params.get("measure", "enterprises")
    if measure not in MEASURES:
        raise ValidationError({"measure": f"one of {', '.join(MEASURES)}"})
    filters = _dimension_filters(params)
    return Response(
        [
            {
                "snapshot_date": s.snapshot_date.isoformat(),
                "extract_number": s.extract_number,
                "synthetic": s.synthetic,
                "value": value,
            }
            for s, value in figure_trend(measure=measure, **filters)
        ]
    )


@extend_schema(responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([AllowAny])
def stats(request):
    """The current snapshot's headline figures, as `bruprod kbo-stats --format json` prints them."""
    data = kbo_stats()
    if data is None:
        raise NotFound(NO_DATA)
    return Response(data)


class EnterpriseHitSerializer(serializers.Serializer):
    enterprise_number = serializers.CharField()
    name = serializers.CharField()
    person_type = serializers.CharField()
    municipalities = serializers.ListField(child=serializers.CharField())
    sectors = serializers.ListField(child=serializers.CharField())
    main_nace = serializers.CharField()


@extend_schema(
    operation_id="economy_enterprises_list",
    parameters=[
        OpenApiParameter("q", str, description="Enterprise number (any format) or name words."),
        OpenApiParameter("nace", str, description="NACE code prefix of any activity."),
        OpenApiParameter("sector", str),
        OpenApiParameter("municipality", str, description="REFNIS code."),
        OpenApiParameter("person_type", str, enum=["legal", "natural"]),
        OpenApiParameter("limit", int, description="Page size (default 50, at most 500)."),
        OpenApiParameter("offset", int),
    ],
    responses=inline_serializer(
        "KboEnterpriseSearch",
        {
            "count": serializers.IntegerField(),
            "limit": serializers.IntegerField(),
            "offset": serializers.IntegerField(),
            "snapshot": SnapshotSerializer(allow_null=True),
            "results": EnterpriseHitSerializer(many=True),
        },
    ),
)
@api_view(["GET"])
@permission_classes([AllowAny])
def enterprises(request):
    """Enterprises present in the Region in the current snapshot matching every criterion."""
    params = request.query_params
    try:
        limit = min(500, max(0, int(params.get("limit", 50))))
        offset = max(0, int(params.get("offset", 0)))
    except ValueError as error:
        raise ValidationError({"limit": "limit and offset are whole numbers"}) from error
    snapshot = snapshot_current()
    total, hits = enterprise_search(
        query=params.get("q", ""),
        nace=params.get("nace", ""),
        municipality=params.get("municipality", ""),
        sector=params.get("sector", ""),
        person_type=params.get("person_type", ""),
        limit=limit,
        offset=offset,
    )
    return Response(
        {
            "count": total,
            "limit": limit,
            "offset": offset,
            "snapshot": SnapshotSerializer(snapshot).data if snapshot else None,
            "results": EnterpriseHitSerializer(hits, many=True).data,
        }
    )


PUBLIC_DETAIL = (
    "enterprise_number",
    "status",
    "juridical_situation",
    "type_of_enterprise",
    "juridical_form",
    "start_date",
    "person_type",
    "seat_municipality",
    "denominations",
    "addresses",
    "establishments",
    "activities",
)


@extend_schema(operation_id="economy_enterprises_retrieve", responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([AllowAny])
def enterprise(request, number: str):
    """One enterprise of the Region: public register data (names, addresses, establishments,
    activities with NACE version and label) and its classification into plan sectors."""
    if snapshot_current() is None:
        raise NotFound(NO_DATA)
    detail = enterprise_detail(enterprise_number=normalize_enterprise_number(number))
    if detail is None:
        raise NotFound("No enterprise with this number in the Region in the current snapshot.")
    data = {key: detail[key] for key in PUBLIC_DETAIL}
    data["snapshot"] = SnapshotSerializer(detail["snapshot"]).data
    override = detail["override"]
    data["classification"] = {
        "sectors": [
            {
                "sector": r["sector"],
                "scope": r["scope"],
                "reason": "override" if r["override"] else "mapping",
                "rules": [
                    {k: m[k] for k in ("entity", "nace_version", "nace_code", "prefix", "scope")}
                    for m in r["matches"]
                ],
            }
            for r in ws.enterprise_classification_reasons(detail=detail)
        ],
        "override": {
            "sectors": override.sectors,
            "reason": override.reason,
            "updated_at": override.updated_at,
        }
        if override
        else None,
    }
    return Response(data)
