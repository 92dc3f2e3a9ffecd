"""The plan loader: valid data loads, a second load changes nothing, bad data changes nothing."""

import shutil
from pathlib import Path

import pytest

from core.yamlfiles import DataFileError
from plan import loader
from plan.loader import plan_load, read_bundle
from plan.models import Measure, MeasureCoordination, PlanImport, PlanNode
from reference.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_copy(tmp_path, plan_data_dir) -> Path:
    target = tmp_path / "plan"
    shutil.copytree(plan_data_dir, target)
    return target


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def snapshot() -> tuple:
    first = Measure.objects.get(code="1.1.1")
    return (
        Measure.objects.count(),
        PlanNode.objects.count(),
        Organisation.objects.count(),
        MeasureCoordination.objects.count(),
        first.title_nl,
        first.priority_printed,
        Measure.history.count(),
    )


def test_the_shipped_plan_files_are_valid(plan_data_dir):
    bundle = read_bundle(plan_data_dir)
    codes = [m["code"] for _, part in bundle.parts for m in part.get("measures") or []]
    assert len(codes) == len(set(codes))
    assert len(codes) >= 150


def test_second_load_is_idempotent(plan_data_dir):
    before = snapshot()
    history_before = sum(model.history.count() for model in (Measure, PlanNode, Organisation))
    result = plan_load(data_dir=plan_data_dir)
    assert sum(result.created.values()) == 0
    assert sum(result.updated.values()) == 0
    assert sum(result.deleted.values()) == 0
    assert snapshot() == before
    assert (
        sum(model.history.count() for model in (Measure, PlanNode, Organisation)) == history_before
    )
    assert PlanImport.objects.filter(loaded_by="").exists()


def test_a_changed_value_is_updated_not_duplicated(data_copy):
    replace_in(data_copy / "06_governance.yaml", 'priority: "KT"', 'priority: "MT"')
    count = Measure.objects.count()
    result = plan_load(data_dir=data_copy)
    assert Measure.objects.count() == count
    assert result.updated["measure"] == 1
    assert Measure.objects.get(code="GMO.1").priority == "MT"
    assert Measure.objects.get(code="GMO.1").history.first().history_type == "~"


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("06_governance.yaml", 'code: "GMO.2"', 'code: "GMO.1"', "06_governance.yaml:"),
        ("06_governance.yaml", "kind: table", "kind: tabel", "kind: unknown kind 'tabel'"),
        (
            "04_metropolitan.yaml",
            'printed: "Actiris via Synerjob"',
            'printed: "Nobody known"',
            "'Nobody known' is not an alias",
        ),
        ("04_metropolitan.yaml", 'section: "4.U1"', 'section: "4.U9"', "unknown plan node '4.U9'"),
        (
            "04_metropolitan.yaml",
            'status_2019: "Te ontwikkelen"',
            'status_2019: "Bijna klaar"',
            "status 'Bijna klaar' is not listed",
        ),
        (
            "04_metropolitan.yaml",
            "remark_tags: [Spaarpot]",
            "remark_tags: [Spaarvarken]",
            "unknown remark tag 'Spaarvarken'",
        ),
    ],
)
def test_bad_input_is_reported_and_changes_nothing(data_copy, file, old, new, expected):
    replace_in(data_copy / file, old, new)
    before = snapshot()
    with pytest.raises(DataFileError) as error:
        plan_load(data_dir=data_copy)
    message = str(error.value)
    assert expected in message
    assert file in message
    assert snapshot() == before


def test_problem_names_file_line_entry_and_field(data_copy):
    path = data_copy / "04_metropolitan.yaml"
    replace_in(path, 'printed: "Actiris via Synerjob"', 'printed: "Nobody known"')
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), start=1) if "Nobody known" in text
    )
    with pytest.raises(DataFileError) as error:
        plan_load(data_dir=data_copy)
    (problem,) = error.value.problems
    assert problem.startswith(f"04_metropolitan.yaml:{line}: ")
    assert "measures[0] (code MET.4.1).coordinators[0].printed" in problem


def test_missing_translation_is_refused(data_copy):
    path = data_copy / "04_metropolitan.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index('      fr: "prévoir des bureaux')
    end = text.index("\n", start)
    path.write_text(text[:start] + '      fr: ""' + text[end:], encoding="utf-8")
    with pytest.raises(DataFileError, match=r"title\.fr: missing or empty translation"):
        plan_load(data_dir=data_copy)


def test_yaml_syntax_error_names_the_line(data_copy):
    path = data_copy / "06_governance.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n  broken: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"06_governance\.yaml:\d+: not valid YAML"):
        plan_load(data_dir=data_copy)


def test_missing_required_file(data_copy):
    (data_copy / "vocabulary.yaml").unlink()
    with pytest.raises(DataFileError, match="vocabulary.yaml: required file missing"):
        plan_load(data_dir=data_copy)


def test_a_failure_while_writing_rolls_everything_back(data_copy, monkeypatch):
    org = Organisation.objects.get(slug="actiris")
    replace_in(data_copy / "organisations.yaml", f'nl: "{org.name_nl}"', 'nl: "Actiris (renamed)"')
    before = snapshot()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "_write_measures", explode)
    with pytest.raises(RuntimeError):
        plan_load(data_dir=data_copy)
    assert Organisation.objects.get(slug="actiris").name_nl == org.name_nl
    assert snapshot() == before


def test_official_french_text_is_not_overwritten(plan_data_dir):
    measure = Measure.objects.get(code="1.1.1")
    measure.title_fr = "Texte officiel"
    measure.fr_official = True
    measure.save()
    plan_load(data_dir=plan_data_dir)
    measure.refresh_from_db()
    assert measure.title_fr == "Texte officiel"
