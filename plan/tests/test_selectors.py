import pytest

from core.text import fold
from plan.selectors import backbone_matrix, measure_facets, measure_list, plan_overview, plan_tree
from plan.tests.factories import CoordinationFactory, MeasureFactory, OrganisationFactory
from plan.views import filter_labels

pytestmark = pytest.mark.django_db


def codes(queryset) -> list[str]:
    return list(queryset.values_list("code", flat=True))


def test_fold_removes_accents_and_case():
    assert fold("  Créëren   ÉCONOMIE ") == "creeren economie"


def test_search_is_accent_insensitive_in_dutch_and_french():
    measure = MeasureFactory(title_nl="Een coöperatie creëren", title_fr="Créer une coopérative")
    from plan.loader import measure_search_text

    measure.search_text = measure_search_text(measure)
    measure.save()
    assert measure.code in codes(measure_list(query="cooperatie creeren"))
    assert measure.code in codes(measure_list(query="CREER cooperative"))
    assert measure.code not in codes(measure_list(query="creeren onbestaand"))


def test_search_finds_measures_by_coordinator_name():
    found = codes(measure_list(query="synerjob"))
    assert found == ["MET.4.1"]


def test_filters_combine_with_and_values_with_or():
    quick_wins_health = measure_list(filters={"remark": ["QW"], "sector": ["health"]})
    assert all(
        m.sector.slug == "health" and "QW" in [t.key for t in m.remark_tags.all()]
        for m in quick_wins_health
    )
    both = measure_list(filters={"sector": ["health", "creative"]})
    assert (
        both.count()
        == measure_list(filters={"sector": ["health"]}).count()
        + measure_list(filters={"sector": ["creative"]}).count()
    )


def test_filter_on_coordinator_uses_the_resolved_organisation():
    org = OrganisationFactory()
    coordination = CoordinationFactory(organisation=org, printed="Printed Form")
    assert codes(measure_list(filters={"coordinator": [org.slug]})) == [coordination.measure.code]


def test_unknown_filters_are_ignored():
    assert measure_list(filters={"colour": ["red"]}).count() == measure_list().count()


def test_facet_counts_keep_the_other_filters():
    facets = {
        f.name: f
        for f in measure_facets(filters={"sector": ["health"]}, query="", labels=filter_labels())
    }
    priority_total = sum(o.count for o in facets["priority"].options)
    health = measure_list(filters={"sector": ["health"]})
    assert priority_total == health.exclude(priority="").count()
    # The sector facet itself ignores its own selection, so other sectors stay visible.
    assert len(facets["sector"].options) == 5
    assert [o.value for o in facets["sector"].options if o.selected] == ["health"]


def test_overview_counts_add_up():
    overview = plan_overview()
    assert overview["total"] == measure_list().count()
    assert sum(n for _, n in overview["by_chapter"]) == overview["total"]
    assert sum(n for _, n in overview["by_cost"]) == overview["total"]
    assert all("QW" in [t.key for t in m.remark_tags.all()] for m in overview["quick_wins"])


def test_backbone_matrix_is_five_by_six_and_cells_hold_their_measures():
    matrix = backbone_matrix()
    assert len(matrix["sectors"]) == 5
    assert len(matrix["rows"]) == 6
    first_row = matrix["rows"][0]
    construction = first_row["cells"][0]
    assert {m.code for m in construction} >= {"C.1", "C.2", "C.3"}
    assert {m.code for m in first_row["transversal"]} >= {"T1.1"}


def test_plan_tree_totals_include_descendants():
    tree = plan_tree()
    chapter3 = next(item for item in tree if item["node"].key == "3")
    assert (
        chapter3["total"]
        == measure_list(filters={"challenge": ["3.1", "3.2", "3.3", "3.4"]}).count()
    )
