"""Read-only JSON API (v1) of the plan register; documented by the OpenAPI schema."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api import BoundedLimitOffsetPagination, CheckedQueryMixin
from reference.models import Organisation

from .models import CrossReference, Measure, MeasureCoordination, MeasureNote, PlanEdition, PlanNode
from .selectors import (
    MEASURE_FILTERS,
    measure_filter_problems,
    measure_list,
    measure_query_problem,
)


class CoordinatorSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    name = serializers.CharField(source="organisation.name_nl", read_only=True)

    class Meta:
        model = MeasureCoordination
        fields = ["organisation", "name", "printed", "uncertain"]


class CrossReferenceSerializer(serializers.ModelSerializer):
    target = serializers.CharField(source="target.code", read_only=True)

    class Meta:
        model = CrossReference
        fields = ["type", "target", "printed"]


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeasureNote
        fields = ["number", "kind", "text_nl", "text_fr", "text_en"]


class MeasureSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.key", read_only=True)
    challenge = serializers.CharField(
        source="challenge.key", read_only=True, allow_null=True, default=None
    )
    pillar = serializers.CharField(
        source="pillar.key", read_only=True, allow_null=True, default=None
    )
    sector = serializers.CharField(
        source="sector.slug", read_only=True, allow_null=True, default=None
    )
    dimension = serializers.IntegerField(
        source="dimension.number", read_only=True, allow_null=True, default=None
    )
    status = serializers.CharField(
        source="status.key", read_only=True, allow_null=True, default=None
    )
    remark_tags = serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)
    coordinators = CoordinatorSerializer(source="coordinations", many=True, read_only=True)
    cross_refs = CrossReferenceSerializer(source="references", many=True, read_only=True)
    referenced_by = serializers.SerializerMethodField()
    notes = NoteSerializer(many=True, read_only=True)

    class Meta:
        model = Measure
        fields = [
            "code",
            "printed_code",
            "kind",
            "title_nl",
            "title_fr",
            "title_en",
            "fr_official",
            "section",
            "challenge",
            "pillar",
            "sector",
            "dimension",
            "priority_printed",
            "priority",
            "cost",
            "staffing",
            "status_2019",
            "status",
            "remark_tags",
            "remark_nl",
            "remark_fr",
            "remark_en",
            "coordinators",
            "cross_refs",
            "referenced_by",
            "notes",
            "source_line",
            "quirks",
        ]

    def get_referenced_by(self, obj) -> list[dict]:
        return [{"type": r.type, "source": r.source.code} for r in obj.referenced_by.all()]


MEASURE_PARAMETERS = [
    OpenApiParameter("q", str, description="Accent-insensitive full-text search in nl, fr and en."),
    *[
        OpenApiParameter(
            name,
            int if name == "dimension" else str,
            many=True,
            explode=True,
            description=f"Filter on {name}; repeat to combine values (OR).",
        )
        for name in MEASURE_FILTERS
    ],
]


@extend_schema_view(list=extend_schema(parameters=MEASURE_PARAMETERS))
class MeasureViewSet(CheckedQueryMixin, viewsets.ReadOnlyModelViewSet):
    """Measures of the plan, in document order, with every printed field."""

    serializer_class = MeasureSerializer
    pagination_class = BoundedLimitOffsetPagination
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        params = self.request.query_params
        filters_ = {name: params.getlist(name) for name in MEASURE_FILTERS if params.getlist(name)}
        if self.action == "list":
            problems = measure_filter_problems(filters_)
            query_problem = measure_query_problem(params.get("q", ""))
            if query_problem:
                problems["q"] = [query_problem]
            if problems:
                raise ValidationError(problems)
        return measure_list(filters=filters_, query=params.get("q", "")).prefetch_related(
            "references__target", "referenced_by__source", "notes"
        )


class OrganisationSerializer(serializers.ModelSerializer):
    printed_forms = serializers.SerializerMethodField()
    measures = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name_nl",
            "name_fr",
            "name_en",
            "acronym",
            "type",
            "website",
            "description_nl",
            "description_fr",
            "description_en",
            "printed_forms",
            "measures",
        ]

    def get_printed_forms(self, obj) -> list[str]:
        return [a.printed for a in obj.aliases.all()]

    def get_measures(self, obj) -> list[str]:
        return sorted({c.measure.code for c in obj.coordinations.all()})


class OrganisationViewSet(CheckedQueryMixin, viewsets.ReadOnlyModelViewSet):
    """Every body the plan names, with the forms in which the plan prints its name."""

    serializer_class = OrganisationSerializer
    pagination_class = BoundedLimitOffsetPagination
    lookup_field = "slug"
    queryset = Organisation.objects.prefetch_related("aliases", "coordinations__measure").order_by(
        "slug"
    )
    filterset_fields = ["type"]


class NodeSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(
        source="parent.key", read_only=True, allow_null=True, default=None
    )
    measures = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = PlanNode
        fields = [
            "key",
            "parent",
            "kind",
            "number",
            "title_nl",
            "title_fr",
            "title_en",
            "body_nl",
            "body_fr",
            "body_en",
            "fr_official",
            "source_line",
            "measures",
        ]


class PlanNodeViewSet(CheckedQueryMixin, viewsets.ReadOnlyModelViewSet):
    """Sections of the plan (chapters, drivers, challenges, pillars, dimensions…) in order."""

    serializer_class = NodeSerializer
    pagination_class = BoundedLimitOffsetPagination
    lookup_field = "key"
    lookup_value_regex = "[^/]+"
    queryset = (
        PlanNode.objects.select_related("parent").prefetch_related("measures").order_by("order")
    )
    filterset_fields = ["kind"]


class EditionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanEdition
        fields = [
            "slug",
            "title_nl",
            "title_fr",
            "title_en",
            "adopted",
            "summary_nl",
            "summary_fr",
            "summary_en",
        ]


@extend_schema(responses=EditionSerializer(many=True))
@api_view(["GET"])
def plan_editions(request):
    """The plan editions (the Industrial Plan 2019) with their summary."""
    return Response(EditionSerializer(PlanEdition.objects.all(), many=True).data)
