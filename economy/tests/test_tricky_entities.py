"""Hand-computed figures for the entities that make the register tricky."""

import json

import pytest
from django.core.management import call_command
from simple_history.utils import get_history_model_for_model

from economy.models import ClassificationOverride, KboImport, KboSnapshot
from economy.selectors import (
    creations_by_year,
    enterprise_detail,
    enterprise_search,
    enterprises_by,
    establishments_by,
    figure_value,
    kbo_indicator_series,
    kbo_stats,
    snapshot_current,
)
from economy.services import classification_override_set, kbo_import

from . import dumps as d

pytestmark = pytest.mark.django_db

E1 = "0200.000.043"  # legal person, seat in Antwerp, one establishment in Brussels (construction)
E2 = "0200.000.142"  # natural person, establishments in Ixelles (1050, shared code) and Molenbeek
E3 = "0200.000.241"  # legal person in Etterbeek (1040, shared code): NACE 2003, 2008 and 2025 codes
E4 = "0200.000.340"  # legal person in Brussels, deleted by the update
E5 = "0200.000.439"  # legal person in Ghent, no establishment in the Region: not present
E6 = "0200.000.538"  # legal person in Anderlecht (creative by NACE), reclassified by an editor
E7 = "0200.000.637"  # natural person created by the update, establishment in Brussels
S1, S2, S3, S7 = "2.100.000.001", "2.100.000.002", "2.100.000.003", "2.100.000.007"
S5 = "2.100.000.005"  # E5's establishment in Leuven


def tricky_tables():
    return {
        "enterprise": [
            d.enterprise(E1, start="01-02-2015"),
            d.enterprise(E2, kind="1", start="15-06-2020"),
            d.enterprise(E3, start="03-01-2001"),
            d.enterprise(E4, start="10-10-2019"),
            d.enterprise(E5, start="10-10-2019"),
            d.enterprise(E6, start="01-09-2020", form="014"),
        ],
        "establishment": [
            d.establishment(S1, E1),
            d.establishment(S2, E2),
            d.establishment(S3, E2),
            d.establishment(S5, E5),
        ],
        "address": [
            d.address(E1, "REGO", "2000", "Antwerpen"),
            d.address(S1, "BAET", "1000", "Brussel", "Bruxelles"),
            d.address(S2, "BAET", "1050", "Elsene", "Ixelles"),
            d.address(S3, "BAET", "1080", "Sint-Jans-Molenbeek", "Molenbeek-Saint-Jean"),
            d.address(E3, "REGO", "1040", "Etterbeek"),
            d.address(E4, "REGO", "1000", "Brussel", "Bruxelles"),
            d.address(E5, "REGO", "9000", "Gent", "Gand"),
            d.address(S5, "BAET", "3000", "Leuven", "Louvain"),
            d.address(E6, "REGO", "1070", "Anderlecht"),
        ],
        "activity": [
            d.activity(S1, "2025", "43211"),
            d.activity(S1, "2008", "43211"),
            d.activity(E2, "2025", "10711"),
            d.activity(E2, "2025", "10711", group="006"),
            d.activity(E3, "2003", "45211"),
            d.activity(E3, "2008", "62010"),
            d.activity(E3, "2025", "62100"),
            d.activity(E3, "2025", "43211", "ANCI"),
            d.activity(E4, "2025", "90111"),
            d.activity(E5, "2025", "10711"),
            d.activity(E6, "2025", "90111"),
            d.activity(E6, "2025", "62100", "SECO"),
        ],
        "denomination": [
            d.name(E1, "Bouw Antwerpen"),
            d.name(E2, "Peeters, Ahmed", "0"),
            d.name(E3, "Digital Etterbeek"),
            d.name(E4, "Théâtre Zenne", "1"),
            d.name(E5, "Gentse Bakkerij"),
            d.name(E6, "Studio Kanaal"),
        ],
    }


@pytest.fixture
def imported(kbo_data_dir, tmp_path):
    return kbo_import(path=d.write_full(tmp_path / "full", tricky_tables()))


def test_presence_and_establishments(imported):
    s = imported.snapshot
    assert s.extract_number == 146 and not s.synthetic
    assert figure_value(snapshot=s, measure="enterprises") == 5  # E1, E2, E3, E4, E6 (not E5)
    assert figure_value(snapshot=s, measure="establishments") == 3  # S1, S2, S3 (not S5)
    assert enterprises_by(snapshot=s, by="person_type") == {"legal": 4, "natural": 1}
    assert enterprises_by(snapshot=s, by="municipality") == {
        "21004": 2,  # E1 through its establishment, E4 through its seat
        "21009": 1,  # E2 (1050 is shared by Brussels and Ixelles: the name decides)
        "21012": 1,  # E2 again: one natural person, two municipalities
        "21005": 1,  # E3 (1040 is shared by Brussels and Etterbeek)
        "21001": 1,  # E6
    }
    assert establishments_by(snapshot=s, by="municipality") == {"21004": 1, "21009": 1, "21012": 1}
    assert establishments_by(snapshot=s, by="person_type") == {"legal": 1, "natural": 2}
    assert (
        figure_value(
            snapshot=s, measure="establishments", municipality="21009", person_type="natural"
        )
        == 1
    )


def test_classification_prefers_2025_and_allows_several_sectors(imported):
    s = imported.snapshot
    assert enterprises_by(snapshot=s, by="sector") == {
        "construction": 1,  # E1 through its establishment's activity
        "agrofood": 1,  # E2 (bread: agro-food core ...)
        "manufacturing": 1,  # ... and manufacturing extended
        "digital": 2,  # E3 (2025 62100 preferred over 2003 45211 = construction) and E6 (SECO)
        "creative": 2,  # E4, E6
    }
    assert figure_value(snapshot=s, measure="enterprises_core", sector="agrofood") == 1
    assert figure_value(snapshot=s, measure="enterprises_core", sector="manufacturing") == 0
    # E3's auxiliary (ANCI) construction activity does not count.
    detail = enterprise_detail(enterprise_number="0200000241")
    assert [row["sector"] for row in detail["sectors"]] == ["digital"]
    assert {(a["nace_version"], a["preferred"]) for a in detail["activities"]} == {
        ("2025", True),
        ("2008", False),
        ("2003", False),
    }
    assert establishments_by(snapshot=s, by="sector") == {
        "construction": 1,
        "agrofood": 2,
        "manufacturing": 2,
    }
    assert figure_value(snapshot=s, measure="establishments_by_section", key="F") == 1
    assert figure_value(snapshot=s, measure="establishments_by_section", key="C") == 2
    assert (
        figure_value(
            snapshot=s, measure="enterprises_by_activity_kind", sector="digital", key="secondary"
        )
        == 1
    )
    assert figure_value(snapshot=s, measure="activities", key="MAIN") == 5
    assert figure_value(snapshot=s, measure="activities", key="SECO") == 1


def test_creations_by_start_year(imported):
    assert creations_by_year(snapshot=imported.snapshot) == {2001: 1, 2015: 1, 2019: 1, 2020: 2}
    assert creations_by_year(snapshot=imported.snapshot, person_type="natural") == {2020: 1}


def test_update_deletes_and_creates(imported, tmp_path):
    update = d.write_update(
        tmp_path / "update",
        deletes={"enterprise": [E4], "denomination": [E4]},
        inserts={
            "enterprise": [d.enterprise(E7, kind="1", start="11-10-2025")],
            "establishment": [d.establishment(S7, E7, start="11-10-2025")],
            "address": [d.address(S7, "BAET", "1000", "Brussel", "Bruxelles")],
            "activity": [d.activity(E7, "2025", "43211")],
            "denomination": [d.name(E7, "Janssens, Marie", "0")],
        },
    )
    result = kbo_import(path=update, update=True)
    s = result.snapshot
    assert (s.extract_number, s.extract_type, s.snapshot_date.isoformat()) == (
        147,
        "update",
        "2025-10-11",
    )
    assert figure_value(snapshot=s, measure="enterprises") == 5  # 5 − E4 + E7
    assert figure_value(snapshot=s, measure="establishments") == 4
    assert figure_value(snapshot=s, measure="cessations") == 1
    assert figure_value(snapshot=s, measure="cessations", key="deleted") == 1
    assert figure_value(snapshot=s, measure="cessations", sector="creative") == 1
    assert figure_value(snapshot=s, measure="cessations", municipality="21004") == 1
    assert figure_value(snapshot=s, measure="arrivals", key="new") == 1
    assert figure_value(snapshot=s, measure="arrivals", person_type="natural") == 1
    assert enterprises_by(snapshot=s, by="sector")["construction"] == 2
    assert enterprise_detail(enterprise_number=E4) is None
    assert KboImport.objects.count() == 2
    ledger = KboImport.objects.get(extract_number=147)
    assert ledger.files["enterprise_delete.csv"]["rows"] == 1 and ledger.checksum
    # the previous snapshot keeps its figures
    previous = KboSnapshot.objects.get(extract_number=146)
    assert figure_value(snapshot=previous, measure="enterprises") == 5
    assert snapshot_current() == s


def test_override_replaces_the_classification_and_keeps_history(imported, staff_user):
    s = imported.snapshot
    override = classification_override_set(
        enterprise_number="0200000538",
        sectors=["manufacturing"],
        reason="Builds stage sets.",
        user=staff_user,
    )
    assert override.enterprise_number == E6 and override.updated_by == staff_user
    by_sector = enterprises_by(snapshot=s, by="sector")
    assert (
        by_sector["manufacturing"] == 2 and by_sector["creative"] == 1 and by_sector["digital"] == 1
    )
    classification_override_set(
        enterprise_number=E6,
        sectors=["manufacturing", "creative"],
        reason="Both.",
        user=staff_user,
        expected_version=override.version,
    )
    assert enterprises_by(snapshot=s, by="sector")["creative"] == 2
    history = get_history_model_for_model(ClassificationOverride).objects.filter(
        enterprise_number=E6
    )
    assert history.count() == 2
    assert history.first().history_user == staff_user
    detail = enterprise_detail(enterprise_number=E6)
    assert detail["override"].reason == "Both."
    assert [r["sector"] for r in detail["sectors_by_nace"]] == ["creative", "digital"]


def test_override_validation(imported, staff_user):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError) as excinfo:
        classification_override_set(
            enterprise_number="12", sectors=["space"], reason=" ", user=staff_user
        )
    assert set(excinfo.value.message_dict) == {"enterprise_number", "sectors", "reason"}
    # the service checks access itself (accounts.access.can_override_classification)
    with pytest.raises(PermissionDenied):
        classification_override_set(
            enterprise_number=E6, sectors=["creative"], reason="Anonymous.", user=None
        )
    assert not ClassificationOverride.objects.exists()


def test_stats_command_and_indicator_series(imported, capsys):
    call_command("kbo_stats", "--format", "json")
    stats = json.loads(capsys.readouterr().out)
    assert list(stats) == [
        "snapshot_date",
        "enterprises_present",
        "establishments_by_municipality",
        "establishments_by_nace_section",
        "establishments_by_sector",
    ]
    assert stats["snapshot_date"] == "2025-10-10"
    assert stats["enterprises_present"] == 5
    assert len(stats["establishments_by_municipality"]) == 19
    assert stats["establishments_by_municipality"]["21004"] == 1
    assert stats["establishments_by_municipality"]["21015"] == 0
    assert stats["establishments_by_nace_section"] == {"C": 2, "F": 1}
    assert stats["establishments_by_sector"]["agrofood"] == 2
    assert stats == kbo_stats()
    series = kbo_indicator_series()
    total = next(
        r
        for r in series
        if r["indicator_code"] == "kbo-enterprises"
        and r["disaggregations"] == {"sector": None, "municipality": None, "person_type": None}
    )
    assert total == {
        "indicator_code": "kbo-enterprises",
        "period": "2025-10-10",
        "value": 5,
        "disaggregations": {"sector": None, "municipality": None, "person_type": None},
        "source": "KBO open data, snapshot 10-10-2025",
    }
    assert any(
        r["indicator_code"] == "kbo-creations" and r["period"] == "2020" and r["value"] == 2
        for r in series
    )


def test_search(imported):
    total, hits = enterprise_search(query="zenne")
    assert total == 1 and hits[0].enterprise_number == E4 and hits[0].sectors == ["creative"]
    total, hits = enterprise_search(municipality="21009")
    assert [h.enterprise_number for h in hits] == [E2]
    total, _ = enterprise_search(sector="digital")
    assert total == 2
    total, hits = enterprise_search(nace="4321")
    assert [h.enterprise_number for h in hits] == [E1, E3]
    assert enterprise_search(query="Gentse")[0] == 0  # E5 is not in the Region
