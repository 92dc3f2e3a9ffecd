"""The one sector vocabulary: loaded from data/reference/sectors.yaml, validated first, idempotent."""

from pathlib import Path

import pytest

from core.yamlfiles import DataFileError
from reference.loader import SECTORS_FILE, reference_load, sectors_read
from reference.models import Sector
from reference.selectors import sector_choices, sector_codes, sector_labels

pytestmark = pytest.mark.django_db

ECOSYSTEMS = ["construction", "manufacturing", "agrofood", "health", "creative"]


def test_seven_sectors_five_ecosystems_two_groupings():
    assert sector_codes() == [*ECOSYSTEMS, "circular", "digital"]
    assert list(Sector.objects.ecosystems().values_list("slug", flat=True)) == ECOSYSTEMS
    assert [s.code_prefix for s in Sector.objects.ecosystems()] == ["C", "M", "A", "S", "IC"]
    assert all(s.source for s in Sector.objects.all())


def test_names_in_every_language_and_short_labels():
    assert sector_labels("nl")["construction"] == "Bouw"
    assert sector_labels("fr")["circular"] == "Économie circulaire et réparation"
    assert Sector.objects.get(slug="construction").name_nl == "Bouwsector"  # as printed
    assert ("health", "Health") in sector_choices(kind=Sector.Kind.ECOSYSTEM)


def test_a_second_load_writes_nothing():
    before = Sector.history.count()
    assert reference_load() == {"created": 0, "updated": 0, "unchanged": 7}
    assert Sector.history.count() == before


def test_a_changed_name_is_updated_with_history(tmp_path: Path):
    changed = tmp_path / "sectors.yaml"
    changed.write_text(
        SECTORS_FILE.read_text(encoding="utf-8").replace('nl: "Bouw"', 'nl: "Bouw en renovatie"'),
        encoding="utf-8",
    )
    before = Sector.history.count()
    assert reference_load(sectors_path=changed)["updated"] == 1
    assert Sector.objects.get(slug="construction").short_nl == "Bouw en renovatie"
    assert Sector.history.count() == before + 1


@pytest.mark.parametrize(
    "old,new,message",
    [
        ("kind: grouping", "kind: cluster", "kind: 'cluster' is not one of"),
        ('code_prefix: "IC"', 'code_prefix: ""', "code_prefix: a sector ecosystem needs"),
        ("- slug: digital", "- slug: health", "slug: duplicate sector"),
        ('      fr: "Santé"', '      fr: ""', "short.fr: missing or empty"),
        (
            'source: "Industrieplan 2019, 3.1.1, Tabel 1, line 1547 (shared/seeds/001_60dc6f486aa2aabe.txt)"',
            'source: ""',
            "source: every sector cites",
        ),
    ],
)
def test_bad_input_names_file_line_and_field_and_changes_nothing(tmp_path, old, new, message):
    text = SECTORS_FILE.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "sectors.yaml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = list(Sector.objects.values_list("slug", "kind", "short_fr", "code_prefix"))
    with pytest.raises(DataFileError) as caught:
        reference_load(sectors_path=bad)
    problem = next(p for p in caught.value.problems if message in p)
    assert problem.startswith("sectors.yaml:")
    assert int(problem.split(":")[1]) > 0  # the line of the entry
    assert list(Sector.objects.values_list("slug", "kind", "short_fr", "code_prefix")) == before


def test_sectors_read_rejects_a_file_without_sectors(tmp_path):
    empty = tmp_path / "sectors.yaml"
    empty.write_text("sectors: []\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="sectors: missing"):
        sectors_read(empty)
