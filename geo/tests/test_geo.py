import pytest

from geo.models import BoundaryArea, Municipality
from geo.selectors import (
    boundary_credit,
    municipality_features,
    municipality_for_address,
    postal_code_rows,
    region_outline_feature,
)
from geo.services import geo_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    return geo_load()


def test_nineteen_municipalities_with_names_and_postal_codes(loaded):
    assert Municipality.objects.count() == 19
    assert list(Municipality.objects.values_list("refnis", flat=True)) == [
        str(r) for r in range(21001, 21020)
    ]
    ixelles = Municipality.objects.get(refnis="21009")
    assert (ixelles.name_nl, ixelles.name_fr) == ("Elsene", "Ixelles")
    assert "1050" in ixelles.postal_codes
    assert "CC BY 4.0" in ixelles.source
    assert Municipality.objects.get(refnis="21004").name_en == "City of Brussels"


def test_shared_postal_codes_are_decided_by_the_name(loaded):
    assert municipality_for_address(postal_code="1040", name="Etterbeek") == "21005"
    assert municipality_for_address(postal_code="1040", name="Brussel") == "21004"
    assert municipality_for_address(postal_code="1050", name="Ixelles") == "21009"
    assert municipality_for_address(postal_code="1080") == "21012"
    assert municipality_for_address(postal_code="9000") is None
    assert ("1050", "21009", "elsene", "ixelles") in postal_code_rows()


def test_boundaries_for_a_choropleth(loaded):
    features = municipality_features({"21001": 3, "21018": 2, "21019": 5})
    by_municipalities = {tuple(f["properties"]["municipalities"]): f for f in features}
    assert len(by_municipalities) == 14  # 19 municipalities; three cantons cover several of them
    assert by_municipalities[("21001",)]["properties"]["value"] == 3
    assert by_municipalities[("21018", "21019")]["properties"]["value"] == 7
    assert sum(len(f["properties"]["municipalities"]) for f in features) == 19
    assert "National Geographic Institute" in boundary_credit()
    assert region_outline_feature()["geometry"]["coordinates"]


def test_idempotent(loaded):
    geo_load()
    assert Municipality.objects.count() == 19 and BoundaryArea.objects.count() == 15
