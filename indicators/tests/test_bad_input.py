"""import-observations and load-indicators: bad input is a message naming file, line and field
(the database unchanged); values are checked against what the column holds."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.yamlfiles import DataFileError
from indicators.loader import default_data_dir, indicators_load
from indicators.models import Indicator, Observation, Target
from indicators.observations import MAX_FILE_BYTES, observations_import

pytestmark = pytest.mark.django_db

HEADER = "indicator,period,sector,value,unit,status,vintage,source_note\n"


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def import_problems(*paths: Path) -> list[str]:
    before = (Observation.objects.count(), Observation.history.count())
    with pytest.raises(DataFileError) as caught:
        observations_import(paths=list(paths))
    assert (Observation.objects.count(), Observation.history.count()) == before
    return caught.value.problems


# ---------------------------------------------------------------- 1. numbers


@pytest.mark.parametrize("value", ["1e30", "123456789012345", "1.1234567"])
def test_a_value_the_column_cannot_hold_is_a_message(tmp_path, value):
    path = write(
        tmp_path, "o.csv", HEADER + f"T1-JOBS,2016,construction,{value},jobs,final,2020,\n"
    )
    problems = import_problems(path)
    assert len(problems) == 1 and problems[0].startswith(f"o.csv:2: value: '{value}' ")


def test_a_value_that_fits_is_imported(tmp_path):
    path = write(
        tmp_path, "o.csv", HEADER + "T1-JOBS,2016,construction,99999999999999.5,jobs,final,2020,\n"
    )
    assert observations_import(paths=[path]).created == 1


# ---------------------------------------------------------------- 3. control characters


@pytest.mark.parametrize("note", ["bad\x0bnote", "nul\x00", "\x01"])
def test_control_characters_in_a_cell_are_a_message(tmp_path, note):
    path = write(
        tmp_path, "o.csv", HEADER + f"T1-JOBS,2016,construction,1,jobs,final,2020,{note}\n"
    )
    problems = import_problems(path)
    assert len(problems) == 1 and problems[0].startswith("o.csv:2: source_note: contains a control")


# ---------------------------------------------------------------- 5. bounded reading


def test_an_unclosed_quote_names_its_line(tmp_path):
    path = write(
        tmp_path,
        "o.csv",
        HEADER
        + "T1-JOBS,2016,construction,1,jobs,final,2020,ok\n"
        + 'T1-JOBS,2017,construction,1,jobs,final,2020,"never closed\n'
        + "T1-JOBS,2018,construction,1,jobs,final,2020,ok\n",
    )
    assert import_problems(path) == ['o.csv:3: a quote (") is opened here and never closed.']


def test_a_long_note_is_read_and_a_too_large_file_refused_unread(tmp_path):
    note = "n" * 200_000
    path = write(
        tmp_path, "o.csv", HEADER + f"T1-JOBS,2016,construction,1,jobs,final,2020,{note}\n"
    )
    assert observations_import(paths=[path]).created == 1
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.write(HEADER.encode())
        handle.seek(MAX_FILE_BYTES + 10)
        handle.write(b"\n")  # a sparse file: one very long line
    problems = import_problems(huge)
    assert problems == [
        f"huge.csv: the file is {MAX_FILE_BYTES + 11} bytes; at most {MAX_FILE_BYTES} are accepted."
    ]


def test_a_code_with_rich_markup_is_printed_as_text(tmp_path, capsys):
    path = write(tmp_path, "o.csv", HEADER + "[/],2016,,1,jobs,final,2020,\n")
    with pytest.raises(CommandError, match="problem"):
        call_command("import_observations", str(path))
    assert "unknown indicator code '[/]'" in capsys.readouterr().err


def test_an_xlsx_zip_bomb_is_refused(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (60 * 1024 * 1024))
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(out.getvalue())
    assert "unpacks to 60 MB" in import_problems(path)[0]


# ---------------------------------------------------------------- load-indicators


@pytest.fixture
def registry_copy(tmp_path) -> Path:
    target = tmp_path / "indicators"
    shutil.copytree(default_data_dir(), target)
    return target


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def load_problems(data_dir: Path) -> list[str]:
    before = (Indicator.history.count(), Target.history.count())
    with pytest.raises(DataFileError) as caught:
        indicators_load(data_dir=data_dir)
    assert (Indicator.history.count(), Target.history.count()) == before
    return caught.value.problems


def test_a_baseline_the_column_cannot_hold_is_a_message(registry_copy):
    replace_in(
        registry_copy / "registry.yaml",
        'baseline: {period: "2014", value: 667889}',
        'baseline: {period: "2014", value: 1e30}',
    )
    problems = load_problems(registry_copy)
    assert len(problems) == 1 and "baseline.value: is too large" in problems[0]
    assert problems[0].startswith("registry.yaml:168: ")


def test_a_list_where_a_code_is_expected_is_a_message(registry_copy):
    replace_in(registry_copy / "registry.yaml", "  - code: T1-JOBS\n", "  - code: [T1-JOBS]\n")
    problems = load_problems(registry_copy)
    assert any(
        p.startswith("registry.yaml:") and ".code: must be text or a number, not a list" in p
        for p in problems
    ), problems


def test_a_second_load_writes_nothing():
    indicators_load(data_dir=default_data_dir())
    before = (Indicator.history.count(), Target.history.count(), Observation.history.count())
    result = indicators_load(data_dir=default_data_dir())
    assert not result.created and not result.updated
    assert (
        Indicator.history.count(),
        Target.history.count(),
        Observation.history.count(),
    ) == before
