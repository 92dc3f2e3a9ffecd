"""The loaded plan is faithful to the printed 2019 document (facts checked against the source text)."""

import pytest

from plan.models import CrossReference, Measure, PlanNode
from reference.models import Organisation, Sector

pytestmark = pytest.mark.django_db


def coordinators(code: str) -> list[str]:
    return [c.printed for c in Measure.objects.get(code=code).coordinations.all()]


def test_every_chapter_holds_measures():
    prefixes = {
        "3.1": "1.",
        "3.2": "2.",
        "3.3": "3.",
        "3.4": "4.",
    }
    for challenge, prefix in prefixes.items():
        codes = (
            Measure.objects.filter(challenge__key=challenge)
            .exclude(kind="restatement")
            .values_list("code", flat=True)
        )
        assert codes and all(code.startswith(prefix) for code in codes), challenge
    assert Measure.objects.filter(code__startswith="MET.").count() == 4
    assert set(Measure.objects.filter(code__startswith="GMO.").values_list("code", flat=True)) == {
        "GMO.1",
        "GMO.2",
        "GMO.3",
    }
    for prefix, count in {"C.": 19, "A.": 21, "S.": 17, "M.": 17, "IC.": 17}.items():
        sectoral = Measure.objects.filter(code__startswith=prefix).exclude(code__contains="-")
        assert sectoral.count() == count, prefix


def test_table_measure_exactly_as_printed():
    measure = Measure.objects.get(code="1.1.1")
    assert measure.printed_code == "1.1.1."
    assert (measure.priority_printed, measure.cost, measure.staffing) == ("MT", "€€", "HH")
    assert measure.status_2019 == "In uitvoering"
    assert [t.key for t in measure.remark_tags.all()] == ["PPP"]
    assert coordinators("1.1.1") == ["Opleiding-werkpools (of standaard BRC)", "BOWO"]
    assert measure.title_nl.startswith(
        "de ontwikkeling, voor elke sector, van een sectoraal controle-instrument"
    )
    assert measure.pillar.key == "3.1.4.P1"


def test_spaarpot_measure():
    measure = Measure.objects.get(code="1.1.3")
    assert (measure.priority_printed, measure.cost, measure.staffing) == ("LT", "€", "HHH")
    assert coordinators("1.1.3") == ["Actiris – Directie werkgevers"]
    assert measure.status_2019 == "Te ontwikkelen"
    assert [t.key for t in measure.remark_tags.all()] == ["Spaarpot"]


def test_metropolitan_codes_do_not_clash_with_pillar_codes():
    metro = Measure.objects.get(code="MET.4.1")
    assert metro.printed_code == "4.1."
    assert (metro.priority_printed, metro.cost, metro.staffing) == ("KT", "€", "HH")
    assert coordinators("MET.4.1") == ["Actiris via Synerjob"]
    assert Measure.objects.get(code="4.1.1").challenge.key == "3.4"


def test_sectoral_measure_with_dash_cost_and_free_remark():
    measure = Measure.objects.get(code="A.2")
    assert (measure.priority_printed, measure.cost, measure.staffing) == ("KT", "-", "H")
    assert coordinators("A.2") == ["Hub.brussels"]
    assert measure.status_2019 == "Te versterken"
    assert "1819" in measure.remark_nl
    assert measure.sector.slug == "agrofood" and measure.dimension.number == 1


def test_code_printed_without_dot_keeps_its_printed_form():
    measure = Measure.objects.get(code="M.1")
    assert measure.printed_code == "M1."
    assert measure.sector.slug == "manufacturing"


def test_governance_dashboard_measure_has_four_coordinators_one_body_several_spellings():
    assert coordinators("GMO.3") == [
        "BOWO",
        "Perspectives.brussels",
        "Kenniscentrum van de productieve activiteiten",
        "HUB.Brussels",
    ]
    hub = Organisation.objects.get(aliases__printed="HUB.Brussels")
    assert set(
        Organisation.objects.filter(
            aliases__printed__in=["Hub.brussels", "hub.brussels"]
        ).values_list("pk", flat=True)
    ) == {hub.pk}


def test_uncertain_coordinator_keeps_the_plans_doubt():
    coordination = Measure.objects.get(code="M.2").coordinations.get()
    assert coordination.printed == "Leefmilieu Brussel"
    assert coordination.uncertain is True


def test_cross_references_are_typed_and_navigable_both_ways():
    link = CrossReference.objects.get(source__code="C.3", target__code="C.8")
    assert link.type == "linked_to"
    assert Measure.objects.get(code="C.8").referenced_by.filter(source__code="C.3").exists()


def test_restated_measure_is_recorded_not_dropped():
    gmo1 = Measure.objects.get(code="GMO.1")
    assert gmo1.quirks
    assert CrossReference.objects.filter(
        source__in=[gmo1, Measure.objects.get(code="4.2.1")], target__code__in=["GMO.1", "4.2.1"]
    ).exists()
    assert "QW" in [t.key for t in gmo1.remark_tags.all()]


def test_duplicated_row_is_one_measure_with_a_quirk():
    m4 = Measure.objects.get(code="M.4")
    assert any("twice" in q for q in m4.quirks)


def test_numbered_proposals_are_kept_as_proposals():
    proposals = Measure.objects.filter(kind="proposal").values_list("code", flat=True)
    assert {f"4.4.{n}" for n in range(1, 8)} <= set(proposals)


def test_structure_five_sectors_six_dimensions_four_challenges():
    assert list(Sector.objects.groupings().values_list("slug", flat=True)) == [
        "circular",
        "digital",
    ]
    assert list(Sector.objects.ecosystems().values_list("slug", flat=True)) == [
        "construction",
        "manufacturing",
        "agrofood",
        "health",
        "creative",
    ]
    assert PlanNode.objects.filter(kind="dimension").count() == 6
    assert set(PlanNode.objects.filter(kind="challenge").values_list("key", flat=True)) == {
        "3.1",
        "3.2",
        "3.3",
        "3.4",
    }
    assert PlanNode.objects.filter(kind="driver").count() >= 6
    assert PlanNode.objects.filter(kind="pillar").count() >= 10


def test_every_measure_reads_in_dutch_french_and_english():
    missing = (
        Measure.objects.filter(title_fr="")
        | Measure.objects.filter(title_en="")
        | Measure.objects.filter(title_nl="")
    )
    assert not missing.exists()
    assert not Measure.objects.filter(fr_official=True).exists()
