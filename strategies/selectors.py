"""Reads of the related strategies and positions."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Document, Item


def document_list() -> QuerySet[Document]:
    return Document.objects.prefetch_related("sectors", "items__measures", "items__sectors")


def document_detail(*, slug: str) -> Document | None:
    return (
        Document.objects.prefetch_related(
            "sectors", "items__measures", "items__sectors", "items__challenges"
        )
        .filter(slug=slug)
        .first()
    )


def measure_strategy_items(*, measure) -> QuerySet[Item]:
    """The strategy items linked to a plan measure (shown on the measure page)."""
    return Item.objects.filter(measures=measure).select_related("document")
