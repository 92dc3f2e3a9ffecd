"""Public portal of the plan register. Views stay thin: selectors do the reading."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.exports import export_if_requested
from core.validation import clean_cell

from .models import PlanNode
from .presenters import measure_export_table, measures_json, organisation_export_table
from .selectors import (
    MEASURE_FILTERS,
    backbone_matrix,
    measure_detail,
    measure_facets,
    measure_filters_clean,
    measure_canonical_code,
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
    context = {"overview": plan_overview(), "matrix": backbone_matrix()}
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
        "measures": measures,
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
    context = {
        "page": page,
        "total": queryset.count(),
        "query": query,
        "query_cut": query_cut,
        "filters": filters,
        "facets": measure_facets(filters=filters, query=query, labels=filter_labels()),
        "active": [(name, value) for name, values in filters.items() for value in values],
    }
    template = (
        "plan/_measure_results.html" if request.headers.get("HX-Request") else "plan/measures.html"
    )
    return render(request, template, context)


def measure(request, code: str):
    item = measure_detail(code=code)
    if item is None:
        canonical = measure_canonical_code(code)
        if canonical is None:
            raise Http404(_("No measure with this code."))
        return redirect("plan:measure", code=canonical, permanent=True)
    context = {
        "measure": item,
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
    return render(request, "plan/organisation.html", {"organisation": org, "measures": queryset})
