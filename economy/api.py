"""Read-only JSON API (v1) of the productive economy: snapshots, figures, trends and the
enterprise search over public register data; documented by the OpenAPI schema."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from core.api import bad_query_value, query_choice, query_int
from geo.selectors import municipality_names
from reference.selectors import sector_codes

from . import presenters as ws
from .models import KboFigure, KboSnapshot
from .register import ENTERPRISE_NUMBER, normalize_enterprise_number
from .selectors import (
    DIMENSIONS,
    PERSON_TYPES,
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
NO_DATA = gettext_noop("No register data loaded yet.")


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


SNAPSHOT_MAX = 2_147_483_647  # the extract number column (PositiveIntegerField)
SEARCH_LIMIT = 500
SEARCH_OFFSET_MAX = 1_000_000_000
QUERY_MAX = 200  # characters of a search query
NACE_RE = re.compile(r"^[0-9.]{1,10}$")


def _params(request):
    """The query parameters, after refusing (400) any name or value with a control character."""
    params = request.query_params
    for name, values in params.lists():
        if bad_query_value([name, *values]) is not None:
            raise ValidationError(
                {name: [_("The value contains a control character or an invalid character.")]}
            )
    return params


def _snapshot(params) -> KboSnapshot:
    if "snapshot" in params:
        number = query_int(params, "snapshot", default=0, low=1, high=SNAPSHOT_MAX)
        snapshot = KboSnapshot.objects.filter(extract_number=number).first()
        if snapshot is None:
            raise NotFound(_("No snapshot with extract number %(number)s.") % {"number": number})
        return snapshot
    snapshot = snapshot_current()
    if snapshot is None:
        raise NotFound(_(NO_DATA))
    return snapshot


def _measure(params) -> str:
    return query_choice(params, "measure", MEASURES) or "enterprises"


def _dimension_filters(params, *, other: bool = True) -> dict[str, str]:
    """sector, municipality, person_type and key, each checked: a bad value is a 400.

    A sector is a code of the reference vocabulary ('other': in none, for figures); a
    municipality the REFNIS code of one of the Region's municipalities."""
    filters: dict[str, str] = {}
    sectors = set(sector_codes()) | ({"other"} if other else set())
    sector = query_choice(params, "sector", sectors)
    if sector:
        filters["sector"] = sector
    if "municipality" in params:
        filters["municipality"] = query_choice(params, "municipality", set(municipality_names()))
    person_type = query_choice(params, "person_type", PERSON_TYPES)
    if person_type:
        filters["person_type"] = person_type
    if "key" in params:
        key = params.get("key", "")
        limit = KboFigure._meta.get_field("key").max_length
        if not key or len(key) > limit:
            raise ValidationError(
                {"key": [_("key is 1 to %(max)s characters long.") % {"max": limit}]}
            )
        filters["key"] = key
    return filters


NOT_FOUND = OpenApiResponse(
    description="No register data loaded yet, or no snapshot with this extract number."
)
SECTOR_DESCRIPTION = "Plan sector code of the reference vocabulary (e.g. construction)"
FILTER_PARAMETERS = [
    OpenApiParameter("sector", str, description=SECTOR_DESCRIPTION + "; 'other' for none."),
    OpenApiParameter(
        "municipality",
        str,
        pattern=r"^21\d{3}$",
        description="REFNIS code of a municipality of the Region (21001–21019).",
    ),
    OpenApiParameter("person_type", str, enum=list(PERSON_TYPES)),
]


@extend_schema(responses=SnapshotSerializer(many=True))
@api_view(["GET"])
@permission_classes([AllowAny])
def snapshots(request):
    """Every imported register snapshot, oldest first; `synthetic` marks generated demo data."""
    return Response(SnapshotSerializer(snapshot_list(), many=True).data)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "snapshot",
            {"type": "integer", "minimum": 1, "maximum": SNAPSHOT_MAX},
            description="Extract number (default: the current one).",
        ),
        OpenApiParameter("measure", str, enum=list(MEASURES), description="Default: enterprises."),
        OpenApiParameter(
            "by",
            str,
            enum=list(DIMENSIONS),
            description="Break the measure down by this dimension (else: one total).",
        ),
        *FILTER_PARAMETERS,
        OpenApiParameter(
            "key",
            {"type": "string", "minLength": 1, "maxLength": 20},
            description="The measure's own breakdown value (year, reason…).",
        ),
    ],
    responses={
        200: inline_serializer(
            "KboFigures",
            {
                "snapshot": SnapshotSerializer(),
                "measure": serializers.CharField(),
                "filters": serializers.DictField(child=serializers.CharField()),
                "total": serializers.IntegerField(),
                "by": serializers.CharField(allow_null=True),
                "breakdown": serializers.DictField(
                    child=serializers.IntegerField(), allow_null=True
                ),
            },
        ),
        404: NOT_FOUND,
    },
)
@api_view(["GET"])
@permission_classes([AllowAny])
def figures(request):
    """One figure of a snapshot (how each is counted: docs/kbo.md), optionally broken down by a
    dimension. An empty dimension is the total over it."""
    params = _params(request)
    measure = _measure(params)
    by = query_choice(params, "by", DIMENSIONS)
    filters = _dimension_filters(params)
    snapshot = _snapshot(params)
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
        OpenApiParameter("key", {"type": "string", "minLength": 1, "maxLength": 20}),
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
    params = _params(request)
    measure = _measure(params)
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


@extend_schema(
    responses={
        200: OpenApiTypes.OBJECT,
        404: OpenApiResponse(description="No register data loaded yet."),
    }
)
@api_view(["GET"])
@permission_classes([AllowAny])
def stats(request):
    """The current snapshot's headline figures, as `bruprod kbo-stats --format json` prints them."""
    _params(request)
    data = kbo_stats()
    if data is None:
        raise NotFound(_(NO_DATA))
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
        OpenApiParameter(
            "q",
            {"type": "string", "maxLength": QUERY_MAX},
            description="Enterprise number (any format) or name words.",
        ),
        OpenApiParameter(
            "nace",
            str,
            pattern=r"^[0-9.]{1,10}$",
            description="NACE code prefix of any activity (digits, dots allowed).",
        ),
        OpenApiParameter("sector", str, description=SECTOR_DESCRIPTION + "."),
        *FILTER_PARAMETERS[1:],
        OpenApiParameter(
            "limit",
            {"type": "integer", "minimum": 0, "maximum": SEARCH_LIMIT},
            description=f"Page size (default 50, at most {SEARCH_LIMIT}; 0: the count only).",
        ),
        OpenApiParameter("offset", {"type": "integer", "minimum": 0, "maximum": SEARCH_OFFSET_MAX}),
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
    params = _params(request)
    limit = query_int(params, "limit", default=50, low=0, high=SEARCH_LIMIT)
    offset = query_int(params, "offset", default=0, low=0, high=SEARCH_OFFSET_MAX)
    query = params.get("q", "")
    if len(query) > QUERY_MAX:
        raise ValidationError(
            {"q": [_("q is at most %(max)s characters long.") % {"max": QUERY_MAX}]}
        )
    nace = params.get("nace", "")
    if nace and not NACE_RE.match(nace):
        raise ValidationError(
            {"nace": [_("nace is a NACE code prefix: digits (and dots), at most 10.")]}
        )
    filters = _dimension_filters(params, other=False)
    filters.pop("key", None)
    snapshot = snapshot_current()
    total, hits = enterprise_search(
        query=query,
        nace=nace,
        municipality=filters.get("municipality", ""),
        sector=filters.get("sector", ""),
        person_type=filters.get("person_type", ""),
        limit=limit,
        offset=offset,
        snapshot=snapshot,
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


@extend_schema(
    operation_id="economy_enterprises_retrieve",
    parameters=[
        OpenApiParameter(
            "number",
            str,
            OpenApiParameter.PATH,
            description="Enterprise number, any format (0403.170.701, 0403170701, BE 403…).",
            examples=[OpenApiExample("An enterprise number", value="0403.170.701")],
        )
    ],
    responses=OpenApiTypes.OBJECT,
)
@api_view(["GET"])
@permission_classes([AllowAny])
def enterprise(request, number: str):
    """One enterprise of the Region: public register data (names, addresses, establishments,
    activities with NACE version and label) and its classification into plan sectors."""
    _params(request)
    if bad_query_value([number]) is not None:
        raise ValidationError(
            {"number": [_("The value contains a control character or an invalid character.")]}
        )
    if snapshot_current() is None:
        raise NotFound(_(NO_DATA))
    canonical = normalize_enterprise_number(number)
    detail = (
        enterprise_detail(enterprise_number=canonical)
        if ENTERPRISE_NUMBER.match(canonical)
        else None
    )
    if detail is None:
        raise NotFound(_("No enterprise with this number in the Region in the current snapshot."))
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
