from rest_framework import serializers, viewsets

from core.api import BoundedLimitOffsetPagination, CheckedQueryMixin, query_bool

from .models import Actor, ActorMetric, MetricRun, Relation, ValueChainStage


class ActorSerializer(serializers.ModelSerializer):
    sectors = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    measures = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    stages = serializers.SerializerMethodField()

    class Meta:
        model = Actor
        fields = [
            "key",
            "name_nl",
            "name_fr",
            "name_en",
            "type",
            "origin",
            "kbo_number",
            "legal_form",
            "nace_codes",
            "establishments",
            "sectors",
            "stages",
            "address",
            "postal_code",
            "municipality",
            "latitude",
            "longitude",
            "size_band",
            "website",
            "measures",
            "sources",
            "verified",
            "citations",
            "start_date",
            "end_date",
        ]

    def get_stages(self, obj) -> list[str]:
        return [f"{s.sector.slug}:{s.key}" for s in obj.stages.all()]


class ActorViewSet(CheckedQueryMixin, viewsets.ReadOnlyModelViewSet):
    """Actors of the ecosystem map, each fact with its source; closed actors have an end date."""

    serializer_class = ActorSerializer
    pagination_class = BoundedLimitOffsetPagination
    lookup_field = "key"
    queryset = Actor.objects.prefetch_related("sectors", "measures", "stages__sector").order_by(
        "key"
    )
    filterset_fields = ["type", "municipality", "origin"]


class RelationSerializer(serializers.ModelSerializer):
    source_actor = serializers.SlugRelatedField(slug_field="key", read_only=True)
    target_actor = serializers.SlugRelatedField(slug_field="key", read_only=True)

    class Meta:
        model = Relation
        fields = [
            "key",
            "source_actor",
            "target_actor",
            "type",
            "directed",
            "strength",
            "label",
            "valid_from",
            "valid_to",
            "source",
            "source_date",
            "derived",
            "derivation",
        ]


class RelationViewSet(CheckedQueryMixin, viewsets.ReadOnlyModelViewSet):
    """Relations between actors (derived ones are marked)."""

    serializer_class = RelationSerializer
    pagination_class = BoundedLimitOffsetPagination
    lookup_field = "key"
    lookup_value_regex = "[^/]+"
    queryset = Relation.objects.select_related("source_actor", "target_actor").order_by("key")
    filterset_fields = ["type", "derived", "directed"]

    def filter_queryset(self, queryset):
        # django-filter reads "null" or "unknown" as "no filter": a boolean is true or false
        # here, anything else a 400 (as the schema says).
        for name in ("derived", "directed"):
            query_bool(self.request.query_params, name)
        return super().filter_queryset(queryset)


class StageSerializer(serializers.ModelSerializer):
    sector = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ValueChainStage
        fields = [
            "sector",
            "key",
            "name_nl",
            "name_fr",
            "name_en",
            "nace_prefixes",
            "nace_version",
            "order",
        ]


class StageViewSet(CheckedQueryMixin, viewsets.ReadOnlyModelViewSet):
    """Value-chain stages per sector (Bruprod's proposal) with their NACE prefixes."""

    serializer_class = StageSerializer
    pagination_class = BoundedLimitOffsetPagination
    queryset = ValueChainStage.objects.select_related("sector")


class ActorMetricSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="key", read_only=True)

    class Meta:
        model = ActorMetric
        fields = [
            "actor",
            "in_degree",
            "out_degree",
            "degree",
            "weighted_degree",
            "pagerank",
            "betweenness",
            "community",
            "broker",
            "two_step_reach",
        ]


class MetricRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = MetricRun
        fields = [
            "period",
            "status",
            "nodes",
            "edges",
            "density",
            "components",
            "reciprocity",
            "communities",
            "method",
            "seconds",
            "finished_at",
        ]


class MetricRunViewSet(CheckedQueryMixin, viewsets.ReadOnlyModelViewSet):
    """Graph metrics per period (a year), with the method used."""

    serializer_class = MetricRunSerializer
    pagination_class = BoundedLimitOffsetPagination
    lookup_field = "period"
    queryset = MetricRun.objects.filter(status=MetricRun.Status.DONE)
