from rest_framework import serializers, viewsets

from core.api import BoundedLimitOffsetPagination, CheckedQueryMixin

from .models import Document, Item


class ItemSerializer(serializers.ModelSerializer):
    measures = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    sectors = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    challenges = serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)

    class Meta:
        model = Item
        fields = [
            "key",
            "kind",
            "text_nl",
            "text_fr",
            "text_en",
            "figures",
            "measures",
            "sectors",
            "challenges",
        ]


class DocumentSerializer(serializers.ModelSerializer):
    sectors = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = [
            "slug",
            "kind",
            "title_nl",
            "title_fr",
            "title_en",
            "author_nl",
            "author_fr",
            "author_en",
            "date",
            "summary_nl",
            "summary_fr",
            "summary_en",
            "sectors",
            "steering_ministers",
            "partners",
            "items",
        ]


class DocumentViewSet(CheckedQueryMixin, viewsets.ReadOnlyModelViewSet):
    """Related strategies (Go4Brussels 2030) and stakeholder positions, linked to plan measures."""

    serializer_class = DocumentSerializer
    pagination_class = BoundedLimitOffsetPagination
    lookup_field = "slug"
    queryset = Document.objects.prefetch_related(
        "sectors", "items__measures", "items__sectors", "items__challenges"
    )
    filterset_fields = ["kind"]
