"""Page- and export-shaped views of the plan: the same columns in every export (CSV, XLSX, JSON,
`bruprod export-plan`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.exports import Table
from core.registry import providers
from core.text import current_language, translated
from core.yamlfiles import DataFileError, read_yaml

from .models import Measure, RemarkTag
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


# ---------------------------------------------------------------- the home page


def edition_intro(text: str, *, paragraphs: int = 2) -> dict:
    """The summary's heading line (a first paragraph without final punctuation) apart from its
    first whole paragraphs: never cut in the middle of a sentence, never run into the text."""
    parts = [" ".join(p.split()) for p in (text or "").split("\n\n") if p.strip()]
    heading = ""
    if parts and len(parts[0]) <= 160 and parts[0][-1] not in '.!?…»”"':
        heading = parts.pop(0)
    return {"heading": heading, "paragraphs": parts[:paragraphs], "more": len(parts) > paragraphs}


# ---------------------------------------------------------------- measure cards: status and badges


@lru_cache(maxsize=1)
def _vocabulary() -> dict:
    """The plan's vocabulary file (priorities, costs, staffing levels and their wording)."""
    try:
        return read_yaml(Path(settings.PLAN_DATA_DIR) / "vocabulary.yaml") or {}
    except (DataFileError, OSError):
        return {}


def _words(group: str) -> dict[str, dict]:
    lang = current_language()
    out = {}
    for entry in _vocabulary().get(group) or []:
        if not isinstance(entry, dict) or "key" not in entry:
            continue
        label = entry.get("label") or {}
        description = entry.get("description") or {}
        out[str(entry["key"])] = {
            "label": label.get(lang) or label.get("nl") or "",
            "description": description.get(lang) or description.get("nl") or "",
        }
    return out


def badge_glossary() -> list[dict]:
    """Every badge a measure card can show, in words: priority, cost, staffing, remarks."""
    groups = [
        (_("Priority"), _words("priorities")),
        (_("Cost"), _words("costs")),
        (_("Staffing"), _words("staffing")),
        (
            _("Remarks"),
            {
                tag.key: {
                    "label": translated(tag, "label"),
                    "description": translated(tag, "description"),
                }
                for tag in RemarkTag.objects.order_by("key")
            },
        ),
    ]
    return [
        {"title": title, "entries": [{"key": k, **v} for k, v in words.items()]}
        for title, words in groups
        if words
    ]


def measures_for_cards(measures) -> list[Measure]:
    """The measures of a list of cards, each with where it stands now (`current_status`, from
    the "measure.status" provider monitoring registers — None without a validated report) and
    its badges in words (`priority_words`, `cost_words`, `staffing_words`)."""
    items = list(measures)
    statuses = providers.call("measure.status", [m.pk for m in items]) or {}
    priorities, costs, staffing = _words("priorities"), _words("costs"), _words("staffing")
    for measure in items:
        measure.current_status = statuses.get(measure.pk)
        measure.priority_words = (priorities.get(measure.priority_printed) or {}).get("label", "")
        measure.cost_words = (costs.get(measure.cost) or {}).get("label", "")
        measure.staffing_words = (staffing.get(measure.staffing) or {}).get("label", "")
    return items
