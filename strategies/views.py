from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.exports import EXPORT_FORMATS, Table, export_response

from .models import Document


def documents(request):
    queryset = Document.objects.prefetch_related("sectors", "items")
    fmt = request.GET.get("format")
    if fmt in EXPORT_FORMATS:
        table = Table(
            columns=(
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
            ),
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
                for d in queryset
                for i in d.items.prefetch_related("measures", "sectors")
            ],
        )
        return export_response(table, fmt, "strategies")
    return render(request, "strategies/list.html", {"documents": queryset})


def document(request, slug: str):
    doc = (
        Document.objects.prefetch_related(
            "sectors", "items__measures", "items__sectors", "items__challenges"
        )
        .filter(slug=slug)
        .first()
    )
    if doc is None:
        raise Http404(_("No such document."))
    return render(request, "strategies/detail.html", {"document": doc})
