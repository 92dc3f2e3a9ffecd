"""Public portal of the plan register. Views stay thin: selectors do the reading."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.exports import export_if_requested
from core.text import translated
from core.validation import clean_cell

from .models import PlanNode
from .presenters import (
    badge_glossary,
    edition_intro,
    measure_export_table,
    measures_for_cards,
    measures_json,
    organisation_export_table,
)
from .selectors import (
    MEASURE_FILTERS,
    SEARCH_MAX_CHARS,
    SEARCH_MAX_WORDS,
    backbone_matrix,
    measure_canonical_code,
    measure_detail,
    measure_facets,
    measure_filters_clean,
    measure_list,
    measure_query_capped,
    node_ancestors,
    organisation_detail,
    organisation_list,
    organisation_measures,
    plan_overview,
    plan_tree,
)


def filter_labels() -> dict[str, str]:
    return {
        "sector": _("Sector"),
        "dimension": _("Dimension"),
        "challenge": _("Transversal challenge"),
        "pillar": _("Strategic pillar"),
        "priority": _("Priority"),
        "cost": _("Cost"),
        "staffing": _("Staffing"),
        "coordinator": _("Coordinator"),
        "status": _("Status (2019)"),
        "remark": _("Remark"),
        "kind": _("Kind of measure"),
    }


def _filters_from(request) -> dict[str, list[str]]:
    """The filters of the query string; a value no measure can have (?dimension=abc) is ignored."""
    return measure_filters_clean(
        {name: request.GET.getlist(name) for name in MEASURE_FILTERS if request.GET.getlist(name)}
    )


def _export(request, queryset, basename: str) -> HttpResponse | None:
    return export_if_requested(
        request,
        lambda: measure_export_table(queryset),
        basename,
        json_data=lambda: measures_json(queryset),
    )


def home(request):
    overview = plan_overview()
    overview["quick_wins"] = measures_for_cards(overview["quick_wins"])
    edition = overview["edition"]
    context = {
        "overview": overview,
        "matrix": backbone_matrix(),
        "glossary": badge_glossary(),
        "intro": edition_intro(translated(edition, "summary")) if edition else None,
    }
    return render(request, "plan/home.html", context)


def tree(request):
    return render(request, "plan/tree.html", {"tree": plan_tree()})


def node(request, key: str):
    plan_node = (
        PlanNode.objects.select_related("parent", "sector", "dimension").filter(key=key).first()
    )
    if plan_node is None:
        raise Http404(_("No such section of the plan."))
    measures = plan_node.measures.with_relations().order_by("order")
    exported = _export(request, measures, f"measures-{plan_node.key}")
    if exported:
        return exported
    children = plan_node.children.all().order_by("order")
    context = {
        "node": plan_node,
        "ancestors": node_ancestors(plan_node)[:-1],
        "measures": measures_for_cards(measures),
        "children": children,
    }
    return render(request, "plan/node.html", context)


def measures(request):
    filters = _filters_from(request)
    query, query_cut = measure_query_capped(clean_cell(request.GET.get("q", "")).strip())
    queryset = measure_list(filters=filters, query=query)
    exported = _export(request, queryset, "measures")
    if exported:
        return exported
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    page.object_list = measures_for_cards(page.object_list)
    context = {
        "page": page,
        "glossary": badge_glossary(),
        "total": queryset.count(),
        "query": query,
        "query_cut": query_cut,
        "query_max_words": SEARCH_MAX_WORDS,
        "query_max_chars": SEARCH_MAX_CHARS,
        "filters": filters,
        "facets": measure_facets(filters=filters, query=query, labels=filter_labels()),
        "active": [(name, value) for name, values in filters.items() for value in values],
    }
    # An htmx request gets the results, and the facets (their counts) swapped out of band.
    context["oob_facets"] = bool(request.headers.get("HX-Request"))
    template = "plan/_measure_results.html" if context["oob_facets"] else "plan/measures.html"
    return render(request, template, context)


def measure(request, code: str):
    item = measure_detail(code=code)
    if item is None:
        canonical = measure_canonical_code(code)
        if canonical is None:
            raise Http404(_("No measure with this code."))
        return redirect("plan:measure", code=canonical, permanent=True)
    context = {
        "measure": measures_for_cards([item])[0],
        "ancestors": node_ancestors(item.section),
    }
    return render(request, "plan/measure.html", context)


def organisations(request):
    query = request.GET.get("q", "").strip()
    queryset = organisation_list(query=query)
    exported = export_if_requested(
        request, lambda: organisation_export_table(queryset), "organisations"
    )
    if exported:
        return exported
    return render(request, "plan/organisations.html", {"organisations": queryset, "query": query})


def organisation(request, slug: str):
    org = organisation_detail(slug=slug)
    if org is None:
        raise Http404(_("No such organisation."))
    queryset = organisation_measures(org)
    exported = _export(request, queryset, f"measures-{org.slug}")
    if exported:
        return exported
    return render(
        request,
        "plan/organisation.html",
        {"organisation": org, "measures": measures_for_cards(queryset)},
    )
