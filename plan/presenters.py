"""Page- and export-shaped views of the plan: the same columns in every export (CSV, XLSX, JSON,
`bruprod export-plan`)."""

from __future__ import annotations

from django.db.models import QuerySet

from core.exports import Table

from .models import Measure
from .selectors import measure_list

MEASURE_COLUMNS = (
    "code",
    "printed_code",
    "kind",
    "title_nl",
    "title_fr",
    "title_en",
    "chapter_section",
    "challenge",
    "pillar",
    "sector",
    "dimension",
    "priority",
    "cost",
    "staffing",
    "coordinators",
    "status_2019",
    "remark_tags",
    "remark_nl",
    "remark_fr",
    "cross_refs",
    "source_line",
    "quirks",
)


def _coordinators(measure: Measure) -> list[dict]:
    return [
        {
            "organisation": c.organisation.slug,
            "name": c.organisation.name_nl,
            "printed": c.printed,
            "uncertain": c.uncertain,
        }
        for c in measure.coordinations.all()
    ]


def measure_row(measure: Measure) -> dict:
    """One measure as a flat row (CSV/XLSX) — the same columns in every export."""
    coordinators = _coordinators(measure)
    return {
        "code": measure.code,
        "printed_code": measure.printed_code,
        "kind": measure.kind,
        "title_nl": measure.title_nl,
        "title_fr": measure.title_fr,
        "title_en": measure.title_en,
        "chapter_section": measure.section.key,
        "challenge": measure.challenge.key if measure.challenge else "",
        "pillar": measure.pillar.key if measure.pillar else "",
        "sector": measure.sector.slug if measure.sector else "",
        "dimension": measure.dimension.number if measure.dimension else "",
        "priority": measure.priority_printed,
        "cost": measure.cost,
        "staffing": measure.staffing,
        "coordinators": [c["printed"] + (" (?)" if c["uncertain"] else "") for c in coordinators],
        "status_2019": measure.status_2019,
        "remark_tags": [t.key for t in measure.remark_tags.all()],
        "remark_nl": measure.remark_nl,
        "remark_fr": measure.remark_fr,
        "cross_refs": [f"{r.type}:{r.target.code}" for r in measure.references.all()],
        "source_line": measure.source_line,
        "quirks": measure.quirks,
    }


def measure_export_table(queryset: QuerySet | None = None) -> Table:
    queryset = (queryset if queryset is not None else measure_list()).prefetch_related(
        "references__target"
    )
    return Table(columns=MEASURE_COLUMNS, rows=[measure_row(m) for m in queryset])


def measure_json(measure: Measure) -> dict:
    """One measure as a JSON object (export-plan and the JSON export of lists)."""
    return {
        "code": measure.code,
        "printed_code": measure.printed_code,
        "kind": measure.kind,
        "title_nl": measure.title_nl,
        "title_fr": measure.title_fr,
        "title_en": measure.title_en,
        "title_fr_official": measure.fr_official,
        "section": measure.section.key,
        "challenge": measure.challenge.key if measure.challenge else None,
        "pillar": measure.pillar.key if measure.pillar else None,
        "sector": measure.sector.slug if measure.sector else None,
        "dimension": measure.dimension.number if measure.dimension else None,
        "priority": measure.priority_printed or None,
        "cost": measure.cost or None,
        "staffing": measure.staffing or None,
        "coordinators": _coordinators(measure),
        "status_2019": measure.status_2019 or None,
        "status": measure.status.key if measure.status else None,
        "remarks": {
            "tags": [t.key for t in measure.remark_tags.all()],
            "text_nl": measure.remark_nl or None,
            "text_fr": measure.remark_fr or None,
            "text_en": measure.remark_en or None,
        },
        "cross_refs": [
            {"type": r.type, "target": r.target.code, "printed": r.printed}
            for r in measure.references.all()
        ],
        "notes": [
            {
                "number": n.number,
                "kind": n.kind,
                "text_nl": n.text_nl,
                "text_fr": n.text_fr,
                "text_en": n.text_en,
            }
            for n in measure.notes.all()
        ],
        "source_line": measure.source_line,
        "quirks": measure.quirks,
    }


def measures_json(queryset: QuerySet | None = None) -> list[dict]:
    queryset = (queryset if queryset is not None else measure_list()).prefetch_related(
        "references__target", "notes"
    )
    return [measure_json(m) for m in queryset]


def plan_export() -> list[dict]:
    """The whole plan, one object per measure, in document order."""
    return measures_json()


ORGANISATION_COLUMNS = (
    "slug",
    "name_nl",
    "name_fr",
    "name_en",
    "acronym",
    "type",
    "website",
    "printed_forms",
    "measures",
)


def organisation_export_table(queryset) -> Table:
    """Organisations with their printed forms and measure counts (organisation_list rows)."""
    return Table(
        columns=ORGANISATION_COLUMNS,
        rows=[
            {
                "slug": o.slug,
                "name_nl": o.name_nl,
                "name_fr": o.name_fr,
                "name_en": o.name_en,
                "acronym": o.acronym,
                "type": o.type,
                "website": o.website,
                "printed_forms": [a.printed for a in o.aliases.all()],
                "measures": o.measure_count,
            }
            for o in queryset
        ],
    )
