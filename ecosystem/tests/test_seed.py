"""The seeded map: every plan organisation and every cited example, with its line in the plan."""

from pathlib import Path

import pytest
from django.conf import settings

from ecosystem.loader import ecosystem_load
from ecosystem.models import Actor, Relation, ValueChainStage
from reference.models import Organisation

pytestmark = pytest.mark.django_db

SEED = Path(settings.SEEDS_DIR) / "001_60dc6f486aa2aabe.txt"


def seed_lines():
    return SEED.read_text(encoding="utf-8").split("\n")


def test_every_plan_organisation_is_an_actor_with_a_checked_plan_line(ecosystem):
    lines = seed_lines()
    assert Actor.objects.filter(organisation__isnull=False).count() == Organisation.objects.count()
    for actor in Actor.objects.filter(organisation__isnull=False):
        assert actor.citations, actor.key
        first = actor.citations[0]
        text = " ".join(" ".join(lines[first["line"] - 1 : first["line"] + 2]).split())
        assert " ".join(first["quote"].split()).split()[0] in text, (actor.key, first)
        assert actor.sources["name"]["source"].startswith("plan 001_")


@pytest.mark.parametrize(
    "key, line, words",
    [
        ("greenbizz", 330, "Greenbizz is een incubator"),
        ("bigh", 4631, "De stadsboerderij van BIGH"),
        ("wtcb", 5806, "Het WTCB"),
        ("sirris", 9051, "Sirris"),
        ("coovi", 8955, "COOVI"),
        ("mad-brussels", 4975, "MAD"),
        ("mediapark-brussels", 8659, "Mediapark.brussels"),
        ("audi-brussels", 181, "Audi"),
    ],
)
def test_cited_examples_carry_their_line(ecosystem, key, line, words):
    actor = Actor.objects.get(key=key)
    assert any(c["line"] == line for c in actor.citations), actor.citations
    assert words in seed_lines()[line - 1]


def test_facts_keep_their_source_and_unknown_stays_unknown(ecosystem):
    bigh = Actor.objects.get(key="bigh")
    assert bigh.municipality == "21001"
    assert bigh.sources["municipality"]["source"].endswith(":4642")
    assert bigh.kbo_number == "" and bigh.latitude is None and bigh.size_band == ""
    assert list(bigh.sectors.values_list("slug", flat=True)) == ["agrofood"]
    assert Actor.objects.get(key="mediapark-brussels").measures.filter(code="IC.17").exists()


def test_stages_relations_and_derived_co_coordination(ecosystem):
    assert ValueChainStage.objects.count() == 5 * 7
    assert ValueChainStage.objects.get(sector__slug="construction", key="production").nace_prefixes
    stated = Relation.objects.get(key="foodmet>exchanges_resource>bigh")
    assert stated.source.endswith(":4654") and not stated.derived
    derived = Relation.objects.filter(derived=True)
    assert derived.exists()
    assert all(r.type == "co_coordinates" and not r.directed for r in derived)


def test_a_second_load_writes_nothing(ecosystem):
    before = (Actor.history.count(), Relation.history.count(), ValueChainStage.objects.count())
    ecosystem_load()
    assert (
        Actor.history.count(),
        Relation.history.count(),
        ValueChainStage.objects.count(),
    ) == before


def test_a_wrong_quote_is_refused_naming_file_and_line(tmp_path, ecosystem):
    from core.yamlfiles import DataFileError
    from ecosystem.loader import default_data_dir

    for name in ("actors.yaml", "value_chains.yaml", "organisation_lines.yaml"):
        (tmp_path / name).write_text((default_data_dir() / name).read_text(encoding="utf-8"))
    path = tmp_path / "actors.yaml"
    path.write_text(path.read_text().replace('quote: "in Anderlecht"', 'quote: "in Ukkel"'))
    before = Actor.history.count()
    with pytest.raises(DataFileError) as caught:
        ecosystem_load(data_dir=tmp_path)
    assert any(
        "actors.yaml:" in p and "'in Ukkel' is not on line 4642" in p for p in caught.value.problems
    )
    assert Actor.history.count() == before


def test_the_precomputed_organisation_lines_are_where_the_plan_prints_them():
    """data/ecosystem/organisation_lines.yaml lets `load-ecosystem` run without the plan's text;
    where the text is present, each line is the first place it prints one of the organisation's
    printed forms (in the order the loader used to search them)."""
    from pathlib import Path

    from django.conf import settings

    from core.yamlfiles import read_yaml
    from ecosystem.loader import ORG_LINES_FILE, SeedText, default_data_dir
    from reference.models import Organisation

    data = read_yaml(default_data_dir() / ORG_LINES_FILE)
    seed = SeedText(Path(settings.SEEDS_DIR) / data["seed"])
    if not seed.available:
        pytest.skip("the plan's text (shared/seeds) is not here")
    expected = {}
    for org in Organisation.objects.prefetch_related("aliases").order_by("slug"):
        for printed in [a.printed for a in org.aliases.all()] + [org.name_nl, org.acronym]:
            line = seed.first_line(printed or "")
            if line:
                expected[org.slug] = {"line": line, "quote": printed}
                break
    assert {k: dict(v) for k, v in data["organisations"].items()} == expected


def test_load_ecosystem_needs_no_seed(tmp_path):
    from ecosystem.loader import ecosystem_load
    from ecosystem.models import Actor

    ecosystem_load(seeds_dir=tmp_path)  # an empty folder: no plan text
    assert Actor.objects.filter(organisation__isnull=False).count() == Organisation.objects.count()
