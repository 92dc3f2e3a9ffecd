"""Reads of the shared vocabulary."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Sector


def sector_list(*, kind: str | None = None) -> QuerySet[Sector]:
    """Every sector in the vocabulary's order; `kind` keeps ecosystems or groupings only."""
    queryset = Sector.objects.all()
    return queryset.filter(kind=kind) if kind else queryset


def sector_codes() -> list[str]:
    return list(Sector.objects.values_list("slug", flat=True))


def sector_by_code(code: str) -> Sector | None:
    return Sector.objects.filter(slug=code).first()


def sector_labels(lang: str | None = None) -> dict[str, str]:
    """Code → compact name in the active (or given) language, for every sector."""
    return {s.slug: s.label(lang) for s in Sector.objects.all()}


def sector_choices(*, kind: str | None = None) -> list[tuple[str, str]]:
    return [(s.slug, s.label()) for s in sector_list(kind=kind)]
