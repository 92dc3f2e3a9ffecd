"""Page- and export-shaped views of the strategies."""

from __future__ import annotations

from core.exports import Table

COLUMNS = (
    "document",
    "kind",
    "item",
    "item_kind",
    "text_nl",
    "text_fr",
    "text_en",
    "measures",
    "sectors",
    "figures",
)


def strategy_export_table(documents) -> Table:
    """One row per item of every document, with its measures, sectors and figures."""
    return Table(
        columns=COLUMNS,
        rows=[
            {
                "document": d.slug,
                "kind": d.kind,
                "item": i.key,
                "item_kind": i.kind,
                "text_nl": i.text_nl,
                "text_fr": i.text_fr,
                "text_en": i.text_en,
                "measures": [m.code for m in i.measures.all()],
                "sectors": [s.slug for s in i.sectors.all()],
                "figures": [f"{f.get('value')} {f.get('unit', '')}".strip() for f in i.figures],
            }
            for d in documents
            for i in d.items.all()
        ],
    )
