"""Pages of the productive economy: the overview, sector pages, the enterprise search and
detail, and the editors' classification override. Views stay thin: selectors do the reading,
services the writing."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts import access
from core import charts
from core.exports import Table, export_if_requested
from core.validation import validate_text
from reference.selectors import sector_codes, sector_labels

from . import presenters as ws
from .models import ClassificationOverride
from .register import ENTERPRISE_NUMBER, normalize_enterprise_number
from .selectors import (
    enterprise_detail,
    enterprise_search,
    figure_value,
    mapping_current,
    register_state,
    snapshot_current,
)
from .services import (
    NEW,
    REASON_MAX,
    OverrideConflictError,
    classification_override_remove,
    classification_override_set,
)

PAGE_SIZE = 25
EXPORT_LIMIT = 10_000  # search results in one download


def _export(request, tables: dict[str, Table | None], basename: str) -> HttpResponse | None:
    """`?table=<name>&format=csv|xlsx|json` downloads one of the page's tables."""
    return export_if_requested(request, tables, basename)


def _count_bars(rows: list[dict], key: str, label: str = "label") -> list[charts.Bar]:
    return [charts.Bar(row[label], row[key]) for row in rows]


def _line(table: Table, key: str, caption: str, label: str = "label"):
    values = [row[key] for row in table.rows]
    return charts.line_chart(
        points=[charts.Bar(str(row[label]), row[key]) for row in table.rows],
        label=caption,
        max_value=_nice_max(max([*values, 1])),
        unit="",
    )


def _nice_max(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at least `value`, so the axis ticks are round."""
    magnitude = 10 ** max(0, len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 4, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _basename(snapshot) -> str:
    return f"kbo-{snapshot.snapshot_date:%Y-%m-%d}"


def overview(request):
    snapshot = snapshot_current()
    filters = ws.filters_clean(request.GET)
    context = {
        "snapshot": snapshot,
        "filters": filters,
        "sector_choices": ws.sector_choices(),
        "municipality_choices": ws.municipality_choices(),
        "person_type_choices": ws.person_type_choices(),
    }
    if snapshot is None:
        return render(request, "economy/overview.html", context)
    tables = {
        "sectors": ws.sector_table(snapshot=snapshot, filters=filters),
        "municipalities": ws.municipality_table(snapshot=snapshot, filters=filters),
        "person_types": ws.person_type_table(snapshot=snapshot, filters=filters),
        "trend": ws.trend_table(filters=filters),
        "creations": ws.creation_table(snapshot=snapshot, filters=filters),
        "changes": ws.change_table(snapshot=snapshot, filters=filters),
    }
    exported = _export(request, tables, _basename(snapshot))
    if exported:
        return exported
    municipalities = tables["municipalities"].rows
    sector_filter = {k: v for k, v in filters.items() if k != "municipality"}
    context.update(
        tables=tables,
        totals={
            "enterprises": figure_value(snapshot=snapshot, measure="enterprises", **filters),
            "establishments": figure_value(snapshot=snapshot, measure="establishments", **filters),
        },
        sector_chart=charts.bar_chart(
            bars=_count_bars(tables["sectors"].rows, "enterprises"),
            label=_("Active enterprises by plan sector"),
            max_value=None,
            unit="",
        ),
        map=ws.municipality_map(
            values={r["municipality"]: r["establishments"] for r in municipalities},
            caption=_("Active establishments by municipality"),
            query=request.GET,
        ),
        map_filters=sector_filter,
        trend_chart=_line(tables["trend"], "enterprises", _("Active enterprises in each snapshot")),
        creation_chart=_line(
            tables["creations"], "enterprises", _("Enterprises by year of creation"), "year"
        )
        if tables["creations"]
        else None,
    )
    return render(request, "economy/overview.html", context)


def sector(request, slug: str):
    if slug not in sector_codes():
        raise Http404(_("No such sector."))
    snapshot = snapshot_current()
    tables: dict[str, Table | None] = {"rules": ws.sector_rule_table(sector=slug)}
    context = {
        "sector": slug,
        "sector_label": ws.sector_label(slug),
        "snapshot": snapshot,
        "other_sectors": [(v, label) for v, label in ws.sector_choices() if v != slug],
    }
    if snapshot is not None:
        tables.update(
            {
                "municipalities": ws.sector_municipality_table(snapshot=snapshot, sector=slug),
                "creations": ws.creation_table(snapshot=snapshot, filters={"sector": slug}),
                "activities": ws.activity_kind_table(snapshot=snapshot, sector=slug),
                "trend": ws.trend_table(filters={"sector": slug}),
            }
        )
    exported = _export(
        request,
        tables,
        f"{_basename(snapshot)}-{slug}" if snapshot else f"kbo-{slug}",
    )
    if exported:
        return exported
    context["tables"] = tables
    context["core_rules"] = [r for r in tables["rules"].rows if r["scope"] == "core"]
    context["extended_rules"] = [r for r in tables["rules"].rows if r["scope"] != "core"]
    context["mapping"] = mapping_current()
    if snapshot is not None:
        rows = tables["municipalities"].rows
        context.update(
            totals={
                "enterprises": figure_value(snapshot=snapshot, measure="enterprises", sector=slug),
                "enterprises_core": figure_value(
                    snapshot=snapshot, measure="enterprises_core", sector=slug
                ),
                "establishments": figure_value(
                    snapshot=snapshot, measure="establishments", sector=slug
                ),
            },
            map=ws.municipality_map(
                values={r["municipality"]: r["establishments"] for r in rows},
                caption=_("Active establishments of the sector by municipality"),
                query=request.GET,
            ),
            map_filters={"sector": slug},
            creation_chart=_line(
                tables["creations"],
                "enterprises",
                _("Enterprises of the sector by year of creation"),
                "year",
            ),
            trend_chart=_line(
                tables["trend"], "enterprises", _("Active enterprises of the sector per snapshot")
            ),
        )
    return render(request, "economy/sector.html", context)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Enterprise number or name"), required=False, max_length=200
    )
    nace = forms.CharField(
        label=gettext_lazy("NACE code (or its first digits)"), required=False, max_length=7
    )
    municipality = forms.ChoiceField(label=gettext_lazy("Municipality"), required=False)
    sector = forms.ChoiceField(label=gettext_lazy("Plan sector"), required=False)
    person_type = forms.ChoiceField(label=gettext_lazy("Legal or natural person"), required=False)

    def __init__(self, *args, names=None, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["municipality"].choices = everything + ws.municipality_choices(names)
        self.fields["sector"].choices = everything + ws.sector_choices()
        self.fields["person_type"].choices = everything + ws.person_type_choices()


def _hit_rows(hits, names) -> list[dict]:
    sectors = sector_labels()  # once per page, not per hit
    return [
        {
            "enterprise_number": h.enterprise_number,
            "name": h.name,
            "person_type": h.person_type,
            "person_type_label": ws.person_type_label(h.person_type),
            "municipalities": h.municipalities,
            "municipality_labels": [ws.municipality_label(r, names) for r in h.municipalities],
            "sectors": h.sectors,
            "sector_labels": [ws.sector_label(s, sectors) for s in h.sectors],
            "main_nace": h.main_nace,
        }
        for h in hits
    ]


SEARCH_COLUMNS = (
    "enterprise_number",
    "name",
    "person_type",
    "municipalities",
    "sectors",
    "main_nace",
)


class _Hits:
    """A lazily paginated sequence for Django's Paginator: each page is one search query (the
    page fetched with the total is reused)."""

    def __init__(self, total: int, fetch, first: tuple[int, list[dict]] | None = None):
        self.total, self.fetch, self.first = total, fetch, first

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, item):
        start = item.start or 0
        limit = (item.stop or self.total) - start
        if self.first is not None and self.first[0] == start and len(self.first[1]) >= limit:
            return self.first[1][:limit]
        return self.fetch(start, limit)


def _page_number(raw) -> int:
    """The requested page as Paginator.get_page reads it (not a number: the first)."""
    try:
        return max(1, int(raw))
    except (TypeError, ValueError):
        return 1


def search(request):
    from geo.selectors import municipality_names

    snapshot = snapshot_current()
    names = municipality_names()
    form = SearchForm(request.GET or None, names=names)
    criteria = form.cleaned_data if form.is_valid() else {}
    criteria = {k: v.strip() for k, v in criteria.items() if v and v.strip()}
    if "q" in criteria:
        criteria["query"] = criteria.pop("q")
    context = {"snapshot": snapshot, "form": form, "criteria": criteria}
    if snapshot is None:
        return render(request, "economy/search.html", context)
    exported = export_if_requested(
        request,
        lambda: Table(
            columns=SEARCH_COLUMNS,
            rows=_hit_rows(
                enterprise_search(**criteria, limit=EXPORT_LIMIT, snapshot=snapshot)[1], names
            ),
        ),
        f"{_basename(snapshot)}-enterprises",
    )
    if exported:
        return exported

    def fetch(offset: int, limit: int) -> list[dict]:
        hits = enterprise_search(
            **criteria, limit=limit, offset=offset, count=False, snapshot=snapshot
        )[1]
        return _hit_rows(hits, names)

    # the total and the requested page in one search (a page past the end: the last one,
    # fetched by the paginator)
    offset = (_page_number(request.GET.get("page")) - 1) * PAGE_SIZE
    total, hits = enterprise_search(**criteria, limit=PAGE_SIZE, offset=offset, snapshot=snapshot)
    first = (offset, _hit_rows(hits, names)) if hits else None
    page: Page = Paginator(_Hits(total, fetch, first), PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(
        page=page,
        total=total,
        export_limit=EXPORT_LIMIT,
        register=register_state(snapshot=snapshot),
    )
    return render(request, "economy/search.html", context)


def _entity_groups(detail: dict, names: dict) -> tuple[list[dict], dict]:
    """The enterprise's own data and one block per establishment (names, addresses, activities)."""
    by_entity: dict[str, dict] = {}

    def block(entity: str) -> dict:
        return by_entity.setdefault(
            entity, {"entity": entity, "names": [], "addresses": [], "activities": []}
        )

    number = detail["enterprise_number"]
    block(number)
    for establishment in detail["establishments"]:
        block(establishment["establishment"]).update(establishment)
        by_entity[establishment["establishment"]]["municipality_label"] = (
            ws.municipality_label(establishment["refnis"], names) if establishment["refnis"] else ""
        )
    types = {
        "001": _("name"),
        "002": _("abbreviation"),
        "003": _("commercial name"),
        "004": _("branch name"),
    }
    languages = {"1": "fr", "2": "nl", "3": "de", "4": "en"}
    for row in detail["denominations"]:
        row["type_label"] = types.get(row["type"], row["type"])
        row["lang"] = languages.get(row["language"], "")
        block(row["entity"])["names"].append(row)
    for row in detail["addresses"]:
        row["municipality_label"] = (
            ws.municipality_label(row["refnis"], names) if row["refnis"] else ""
        )
        block(row["entity"])["addresses"].append(row)
    for row in detail["activities"]:
        block(row["entity"])["activities"].append(row)
    own = by_entity.pop(number)
    return [by_entity[e["establishment"]] for e in detail["establishments"]], own


def enterprise(request, number: str):
    canonical = normalize_enterprise_number(number)
    if canonical != number and ENTERPRISE_NUMBER.match(canonical):
        return redirect("economy:enterprise", number=canonical)
    snapshot = snapshot_current()
    if snapshot is None:
        return render(request, "economy/enterprise.html", {"snapshot": None, "number": number})
    detail = enterprise_detail(enterprise_number=canonical, snapshot=snapshot)
    if detail is None:
        raise Http404(_("No enterprise with this number in the Region in the current snapshot."))
    from geo.selectors import municipality_names

    names = municipality_names()
    establishments, own = _entity_groups(detail, names)
    context = {
        "snapshot": snapshot,
        "number": canonical,
        "detail": detail,
        "own": own,
        "establishments": establishments,
        "labels": ws.enterprise_labels(detail=detail),
        "reasons": ws.enterprise_classification_reasons(detail=detail),
        "person_type_label": _("legal person")
        if detail["person_type"] == "legal"
        else _("natural person"),
        "seat_label": ws.municipality_label(detail["seat_municipality"], names)
        if detail["seat_municipality"]
        else "",
        "can_override": access.can_override_classification(request.user),
    }
    return render(request, "economy/enterprise.html", context)


# ---------------------------------------------------------------- the editors' override


class OverrideForm(forms.Form):
    sectors = forms.MultipleChoiceField(
        label=gettext_lazy("Plan sectors of this enterprise"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Tick none to put the enterprise in no plan sector."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=REASON_MAX,
        validators=[validate_text],
        help_text=gettext_lazy("Why the NACE codes do not tell the right sectors. Required."),
    )
    # the version of the override the form was made on (0: none): a stale form is refused
    version = forms.IntegerField(min_value=NEW, max_value=2**31 - 1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sectors"].choices = ws.sector_choices()


@login_required
@require_http_methods(["GET", "POST"])
def override(request, number: str):
    if not access.can_override_classification(request.user):
        raise PermissionDenied(_("Only the task force and staff can change a classification."))
    canonical = normalize_enterprise_number(number)
    if not ENTERPRISE_NUMBER.match(canonical):
        raise Http404(_("Not an enterprise number."))
    if canonical != number:
        return redirect("economy:override", number=canonical)
    current = ClassificationOverride.objects.filter(enterprise_number=canonical).first()
    detail = enterprise_detail(enterprise_number=canonical) if snapshot_current() else None
    initial = {"sectors": current.sectors} if current else {}
    if detail is not None and current is None:
        initial = {"sectors": [r["sector"] for r in detail["sectors"]]}
    initial["version"] = current.version if current else NEW
    form = OverrideForm(request.POST or None, initial=initial)
    status = 200
    conflict = None
    if request.method == "POST":
        action = request.POST.get("action", "set")
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            version = form.cleaned_data["version"]
            try:
                if action == "remove":
                    classification_override_remove(
                        enterprise_number=canonical,
                        user=request.user,
                        reason=reason,
                        expected_version=version,
                    )
                    if current is None:
                        messages.info(request, _("This enterprise has no override to remove."))
                    else:
                        messages.success(
                            request,
                            _("The override is removed: the NACE codes classify this enterprise."),
                        )
                else:
                    classification_override_set(
                        enterprise_number=canonical,
                        sectors=form.cleaned_data["sectors"],
                        reason=reason,
                        user=request.user,
                        expected_version=version,
                    )
                    messages.success(request, _("The classification of this enterprise is saved."))
            except OverrideConflictError as error:
                conflict = ws.override_conflict(error)
                form.add_error(
                    None,
                    _(
                        "Someone else changed this classification while you were editing it. Nothing was saved; their changes are listed below. Reload the page to start from the current version."
                    ),
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                return redirect(_after_override(canonical, detail))
        if "version" in form.errors:
            form.add_error(
                None,
                _(
                    "The form does not say which version of the classification it was made on. Reload the page and make your change again."
                ),
            )
        status = 409 if conflict else 400
    context = {
        "number": canonical,
        "form": form,
        "current": current,
        "conflict": conflict,
        "detail": detail,
        "history": ws.override_history(enterprise_number=canonical),
        "snapshot": snapshot_current(),
    }
    return render(request, "economy/override.html", context, status=status)


def _after_override(number: str, detail) -> str:
    if detail is not None:
        return reverse("economy:enterprise", kwargs={"number": number})
    return reverse("economy:override", kwargs={"number": number})
