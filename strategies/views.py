from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.exports import export_if_requested

from .presenters import strategy_export_table
from .selectors import document_detail, document_list


def documents(request):
    queryset = document_list()
    exported = export_if_requested(request, lambda: strategy_export_table(queryset), "strategies")
    if exported:
        return exported
    return render(request, "strategies/list.html", {"documents": queryset})


def document(request, slug: str):
    doc = document_detail(slug=slug)
    if doc is None:
        raise Http404(_("No such document."))
    return render(request, "strategies/detail.html", {"document": doc})
