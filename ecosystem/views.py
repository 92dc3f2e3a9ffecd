from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import can_edit_ecosystem, can_propose_ecosystem
from core.exports import export_if_requested
from reference.models import Sector

from . import selectors, services
from .importing import actors_table, export_actors_queryset, relations_table
from .models import Actor, DuplicateCandidate, Proposal, Relation, Suggestion, ValueChainStage
from .presenters import (
    actors_map,
    clean_filters,
    graph_elements,
    graph_node_items,
    graph_table_rows,
    municipality_label,
    register_results,
)


def index(request):
    """The sector × stage matrix with counts, actors and gaps, and the plan's backbone gaps."""
    sector = None
    if request.GET.get("sector"):
        sector = Sector.objects.ecosystems().filter(slug=request.GET["sector"]).first()
        if sector is None:
            raise Http404(_("No such sector."))
    matrix = selectors.stage_matrix(sector=sector)
    sectors = list(Sector.objects.ecosystems())
    rows = []
    for s in [sector] if sector else sectors:
        rows.append({"sector": s, "cells": matrix.get(s.slug, [])})
    return render(
        request,
        "ecosystem/index.html",
        {
            "rows": rows,
            "sector": sector,
            "sectors": sectors,
            "backbone": selectors.backbone_gaps(),
            "counts_available": any(c.enterprises is not None for r in rows for c in r["cells"]),
            "run": selectors.metric_run_latest(),
            "can_edit": can_edit_ecosystem(request.user),
        },
    )


def register(request):
    """Search the enterprise register and add an enterprise as an actor, one at a time (the
    register is never copied wholesale): the task force and staff."""
    if not can_edit_ecosystem(request.user):
        raise PermissionDenied
    return render(
        request, "ecosystem/register.html", {"results": register_results(request.GET.get("q", ""))}
    )


@require_POST
def register_add(request):
    if not can_edit_ecosystem(request.user):
        raise PermissionDenied
    number = request.POST.get("enterprise", "")[:20]
    try:
        item = services.actor_add_from_register(user=request.user, enterprise_number=number)
    except ValidationError:
        raise Http404(_("No such enterprise in the register.")) from None
    if getattr(item, "added_now", False):
        messages.success(request, _("Added from the register."))
    else:
        messages.info(request, _("This enterprise is already on the map."))
    return redirect("ecosystem:actor", key=item.key)


def actor_list(request):
    filters = clean_filters(request.GET)
    actors = selectors.actor_list(**filters)
    exported = export_if_requested(
        request,
        lambda: actors_table(export_actors_queryset().filter(pk__in=actors.values("pk"))),
        "ecosystem-actors",
    )
    if exported:
        return exported
    page_actors = list(actors[:500])
    return render(
        request,
        "ecosystem/actor_list.html",
        {
            "actors": page_actors,
            "total": actors.count(),
            "filters": filters,
            "sectors": Sector.objects.ecosystems(),
            "stages": ValueChainStage.objects.filter(sector__kind="ecosystem")
            .values_list("key", flat=True)
            .distinct(),
            "types": Actor.Type.choices,
            "municipalities": [(c, municipality_label(c)) for c in selectors.municipality_codes()],
        },
    )


def relation_list(request):
    exported = export_if_requested(
        request,
        lambda: relations_table(Relation.objects.select_related("source_actor", "target_actor")),
        "ecosystem-relations",
    )
    if exported:
        return exported
    return redirect("ecosystem:actors")


def actor_map(request):
    filters = clean_filters(request.GET)
    actors = list(selectors.actor_list(**filters).filter(latitude__isnull=False))
    return render(
        request,
        "ecosystem/map.html",
        {"actors": actors, "map": actors_map(actors), "filters": filters},
    )


ACTOR_RELATIONS_SHOWN = 100  # a hub has tens of thousands: the relations export has all


def actor(request, key: str):
    item = selectors.actor_detail(key=key)
    if item is None:
        raise Http404(_("No such actor."))
    if item.key != key:
        return redirect("ecosystem:actor", key=item.key)
    relations, relations_total = selectors.actor_relations_page(
        actor=item, limit=ACTOR_RELATIONS_SHOWN
    )
    return render(
        request,
        "ecosystem/actor.html",
        {
            "actor": item,
            "relations": relations,
            "relations_total": relations_total,
            "metrics": selectors.actor_metrics_over_time(actor=item),
            "municipality": municipality_label(item.municipality),
            "sources": sorted(item.sources.items()),
            "history": item.history.all()[:20],
            "can_edit": can_edit_ecosystem(request.user),
            "can_propose": can_propose_ecosystem(request.user),
        },
    )


def network(request):
    """A sector, a community or an actor's neighbourhood (depth 1–2); never the whole graph."""
    title = ""
    if request.GET.get("actor"):
        centre = selectors.actor_detail(key=request.GET["actor"])
        if centre is None:
            raise Http404(_("No such actor."))
        depth = 2 if request.GET.get("depth") == "2" else 1
        graph = selectors.neighbourhood(actor=centre, depth=depth)
        title = _("Neighbourhood of %(name)s (depth %(depth)s)") % {
            "name": centre.label(),
            "depth": depth,
        }
    elif request.GET.get("sector"):
        sector = get_object_or_404(Sector, slug=request.GET["sector"])
        graph = selectors.sector_graph(sector=sector)
        title = _("Network of the sector %(sector)s") % {"sector": sector.label()}
    elif request.GET.get("community", "").isdigit() and selectors.metric_run_latest():
        run = selectors.metric_run_latest()
        graph = selectors.community_graph(run=run, community=int(request.GET["community"]))
        title = _("Community %(number)s (%(period)s)") % {
            "number": request.GET["community"],
            "period": run.period,
        }
    else:
        return render(
            request,
            "ecosystem/network_choose.html",
            {"sectors": Sector.objects.ecosystems()},
            status=200,
        )
    return render(
        request,
        "ecosystem/network.html",
        {
            "graph": graph,
            "elements": graph_elements(graph),
            "table_rows": graph_table_rows(graph),
            "node_items": graph_node_items(graph),
            "title": title,
            "cap": selectors.GRAPH_NODE_CAP,
            "relation_cap": selectors.GRAPH_RELATION_CAP,
        },
    )


def method(request):
    return render(request, "ecosystem/method.html", {"run": selectors.metric_run_latest()})


def moderation(request):
    if not can_edit_ecosystem(request.user):
        raise PermissionDenied
    return render(
        request,
        "ecosystem/moderation.html",
        {
            "duplicates": DuplicateCandidate.objects.filter(status="pending").select_related(
                "first", "second"
            )[:100],
            "suggestions": Suggestion.objects.filter(status="pending").select_related(
                "source_actor", "target_actor"
            )[:100],
            "proposals": Proposal.objects.filter(status="pending").select_related(
                "actor", "proposed_by"
            )[:100],
            "relation_types": Relation.Type.choices,
        },
    )


@require_POST
def moderation_action(request):
    user = request.user
    if not can_edit_ecosystem(user):
        raise PermissionDenied
    action, pk = request.POST.get("action", ""), request.POST.get("id", "")
    if action in ("merge", "not-duplicate"):
        cand = get_object_or_404(DuplicateCandidate, pk=pk, status="pending")
        if action == "merge":
            services.actors_merge(user=user, keep=cand.first, other=cand.second, candidate=cand)
        else:
            services.duplicate_reject(user=user, candidate=cand)
    elif action in ("accept-suggestion", "reject-suggestion"):
        sug = get_object_or_404(Suggestion, pk=pk, status="pending")
        if action == "accept-suggestion":
            rtype = request.POST.get("type", Relation.Type.PARTNERS_WITH)
            if rtype not in Relation.Type.values:
                raise Http404
            services.suggestion_accept(user=user, suggestion=sug, type=rtype)
        else:
            services.suggestion_reject(user=user, suggestion=sug)
    elif action in ("accept-proposal", "reject-proposal"):
        prop = get_object_or_404(Proposal, pk=pk, status="pending")
        if action == "accept-proposal":
            services.proposal_accept(user=user, proposal=prop)
        else:
            services.proposal_reject(user=user, proposal=prop)
    else:
        raise Http404
    messages.success(request, _("Done."))
    return redirect("ecosystem:moderation")


@require_POST
def propose(request, key: str):
    """A coordinating body or the industry commission proposes a correction (moderated)."""
    item = get_object_or_404(Actor, key=key)
    if not can_propose_ecosystem(request.user):
        raise PermissionDenied
    field = request.POST.get("field", "")
    value = request.POST.get("value", "")[:500]
    if field not in services.EDITABLE or field in ("latitude", "longitude"):
        raise Http404
    services.proposal_submit(
        user=request.user,
        kind=Proposal.Kind.CORRECT_ACTOR,
        actor=item,
        payload={field: value},
        note=request.POST.get("note", "")[:1000],
    )
    messages.success(request, _("Thank you: the task force will review your proposal."))
    return redirect("ecosystem:actor", key=item.key)
