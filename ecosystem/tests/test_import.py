"""Kumu-compatible import: validated first, one transaction, idempotent; bad input names file,
line and column and changes nothing; the export's columns import back unchanged."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.exports import table_to_csv
from core.validation import InputFileError
from ecosystem.importing import (
    actors_table,
    ecosystem_import,
    export_actors_queryset,
    export_relations_queryset,
    relations_table,
)
from ecosystem.models import Actor, Relation

pytestmark = pytest.mark.django_db

ACTORS = (
    "ID,Label,Type,Description,Tags,Stages,Municipality,Latitude,Longitude,Measures,Source\n"
    "acme,Acme Metaal,company,Metaalbewerking,manufacturing,manufacturing:production,21001,50.83,4.31,M.1,survey 2026\n"
    "fab,FabLab Test,fablab,,creative|manufacturing,,,,,,survey 2026\n"
)
RELATIONS = (
    "From,To,Type,Direction,Strength,Label\n"
    "acme,fab,partners_with,undirected,3,prototypes\n"
    "fab,greenbizz,located_at,directed,1,\n"
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def state():
    return (
        sorted(Actor.objects.values_list("key", "name_nl", "type", "version")),
        sorted(Relation.objects.values_list("key", "strength", "version")),
        Actor.history.count(),
        Relation.history.count(),
    )


def test_import_then_reimport_changes_nothing(tmp_path, ecosystem):
    a, r = write(tmp_path, "actors.csv", ACTORS), write(tmp_path, "relations.csv", RELATIONS)
    result = ecosystem_import(actors_file=a, relations_file=r, by="test")
    assert (result.actors_created, result.relations_created) == (2, 2)
    acme = Actor.objects.get(key="acme")
    assert acme.sources["name"]["source"] == "survey 2026"
    assert acme.latitude == 50.83 and acme.municipality == "21001"
    assert list(acme.sectors.values_list("slug", flat=True)) == ["manufacturing"]
    assert acme.stages.get().key == "production" and acme.measures.get().code == "M.1"
    rel = Relation.objects.get(key="acme>partners_with>fab")
    assert (rel.strength, rel.directed) == (3.0, False)
    before = state()
    again = ecosystem_import(actors_file=a, relations_file=r, by="test")
    assert not again.changed
    assert state() == before


def test_the_export_imports_back_unchanged(tmp_path, ecosystem):
    ecosystem_import(
        actors_file=write(tmp_path, "a.csv", ACTORS),
        relations_file=write(tmp_path, "r.csv", RELATIONS),
    )
    before = state()
    out_a = tmp_path / "out-actors.csv"
    out_r = tmp_path / "out-relations.csv"
    out_a.write_bytes(table_to_csv(actors_table(export_actors_queryset())))
    out_r.write_bytes(table_to_csv(relations_table(export_relations_queryset())))
    result = ecosystem_import(actors_file=out_a, relations_file=out_r)
    assert not result.changed, result
    assert state() == before


@pytest.mark.parametrize(
    "actors, relations, expected",
    [
        (
            ACTORS.replace("acme,Acme Metaal,company", "acme,Acme Metaal,spaceship"),
            RELATIONS,
            "actors.csv:2: Type: unknown type 'spaceship'",
        ),
        (
            ACTORS,
            RELATIONS.replace("fab,greenbizz", "fab,nobody-here"),
            "relations.csv:3: To: unknown actor 'nobody-here'",
        ),
        (
            ACTORS,
            RELATIONS.replace("undirected,3", "undirected,11"),
            "relations.csv:2: Strength: '11' is out of range (0–10)",
        ),
        (
            ACTORS.replace("Description,", "Colour,"),
            RELATIONS,
            "actors.csv:1: column 'Colour' (column 4): unknown column",
        ),
        (ACTORS, RELATIONS.replace("From,", "Start,"), "relations.csv:1: column 'From': missing"),
        (
            ACTORS.replace(",21001,", ",1000,"),
            RELATIONS,
            "actors.csv:2: Municipality: '1000' is not a Brussels REFNIS code",
        ),
    ],
)
def test_bad_input_names_file_line_and_column_and_changes_nothing(
    tmp_path, ecosystem, actors, relations, expected
):
    before = state()
    with pytest.raises(InputFileError) as caught:
        ecosystem_import(
            actors_file=write(tmp_path, "actors.csv", actors),
            relations_file=write(tmp_path, "relations.csv", relations),
        )
    assert any(p.startswith(expected) for p in caught.value.problems), caught.value.problems
    assert state() == before


def test_the_command(tmp_path, ecosystem, capsys):
    a, r = write(tmp_path, "actors.csv", ACTORS), write(tmp_path, "relations.csv", RELATIONS)
    call_command("import_ecosystem", actors=str(a), relations=str(r))
    assert "2 new" in capsys.readouterr().out
    bad = write(tmp_path, "bad.csv", RELATIONS.replace("undirected,3", "undirected,-1"))
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("import_ecosystem", relations=str(bad))


def test_xlsx_import(tmp_path, ecosystem):
    from core.exports import table_to_xlsx

    ecosystem_import(actors_file=write(tmp_path, "a.csv", ACTORS), relations_file=None)
    path = tmp_path / "actors.xlsx"
    path.write_bytes(
        table_to_xlsx(actors_table(export_actors_queryset().filter(key__in=["acme", "fab"])))
    )
    Actor.objects.filter(key="acme").update(name_nl="Changed")
    result = ecosystem_import(actors_file=path, relations_file=None)
    assert result.actors_changed == 1
    assert Actor.objects.get(key="acme").name_nl == "Acme Metaal"
