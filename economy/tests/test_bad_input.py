"""Every kind of bad input: a clear message naming file, line and field; nothing changes."""

import datetime as dt
import hashlib
import shutil
import zipfile

import pytest
from django.core.management import CommandError, call_command

from economy.kbo_store import KboInputError
from economy.models import KboFigure, KboImport, KboSnapshot
from economy.services import kbo_import, kbo_root, snapshot_store_path

from . import dumps as d
from .test_tricky_entities import E1, E6, tricky_tables

pytestmark = pytest.mark.django_db


def fingerprint():
    """The whole visible state: snapshots, figures, ledger and every file of the store."""
    files = {}
    for path in sorted(kbo_root().rglob("*")):
        if path.is_file() and path.name != ".import.lock":
            files[str(path.relative_to(kbo_root()))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return (
        list(KboSnapshot.objects.values_list("extract_number", "store")),
        KboFigure.objects.count(),
        KboImport.objects.count(),
        files,
    )


@pytest.fixture
def current(kbo_data_dir, tmp_path):
    kbo_import(path=d.write_full(tmp_path / "base", tricky_tables()))
    return fingerprint()


def assert_refused(path, expected: list[str], update=False):
    with pytest.raises(KboInputError) as excinfo:
        kbo_import(path=path, update=update)
    text = "\n".join(excinfo.value.problems)
    for part in expected:
        assert part in text, text
    return text


def full_with(tmp_path, change, name="bad"):
    folder = d.write_full(tmp_path / name, tricky_tables(), number=148, date=dt.date(2025, 10, 13))
    change(folder)
    return folder


def test_truncated_zip(current, tmp_path):
    folder = d.write_full(tmp_path / "z", tricky_tables(), number=148)
    archive = tmp_path / "KboOpenData_0148_2025_10_13_Full.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for f in folder.iterdir():
            z.write(f, f.name)
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    assert_refused(archive, ["KboOpenData_0148_2025_10_13_Full.zip: not a readable ZIP archive"])
    assert fingerprint() == current


def test_damaged_member_in_zip(current, tmp_path):
    folder = d.write_full(tmp_path / "z", tricky_tables(), number=148)
    archive = tmp_path / "dump.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        for f in sorted(folder.iterdir()):
            z.write(f, f.name)
    data = bytearray(archive.read_bytes())
    offset = data.index(b'"0200.000.043","AC"')  # inside enterprise.csv
    data[offset + 1 : offset + 5] = b"9999"
    archive.write_bytes(bytes(data))
    assert_refused(archive, ["dump.zip: enterprise.csv: truncated or damaged in the ZIP"])
    assert fingerprint() == current


def test_missing_file(current, tmp_path):
    folder = full_with(tmp_path, lambda f: (f / "activity.csv").unlink())
    assert_refused(folder, ["activity.csv: required file missing"])
    assert fingerprint() == current


def test_wrong_header(current, tmp_path):
    def change(folder):
        path = folder / "enterprise.csv"
        path.write_text(path.read_text().replace('"TypeOfEnterprise"', '"EnterpriseType"', 1))

    assert_refused(
        full_with(tmp_path, change),
        ["enterprise.csv:1: header: column 4 should be 'TypeOfEnterprise', found 'EnterpriseType'"],
    )
    assert fingerprint() == current


def test_reordered_header(current, tmp_path):
    def change(folder):
        path = folder / "address.csv"
        path.write_text(
            path.read_text().replace('"CountryNL","CountryFR"', '"CountryFR","CountryNL"', 1)
        )

    assert_refused(
        full_with(tmp_path, change), ["address.csv:1: header: columns in the wrong order"]
    )
    assert fingerprint() == current


def test_bad_date(current, tmp_path):
    def change(folder):
        path = folder / "enterprise.csv"
        lines = path.read_text().splitlines(keepends=True)
        lines[3] = lines[3].replace("03-01-2001", "31-02-2001")  # E3, third data row
        path.write_text("".join(lines))

    assert_refused(
        full_with(tmp_path, change),
        ["enterprise.csv:4: StartDate: '31-02-2001' is not a date dd-mm-yyyy"],
    )
    assert fingerprint() == current


def test_bad_snapshot_date_in_meta(current, tmp_path):
    def change(folder):
        path = folder / "meta.csv"
        path.write_text(path.read_text().replace("13-10-2025", "2025-10-13"))

    assert_refused(
        full_with(tmp_path, change),
        ["meta.csv:2: SnapshotDate: '2025-10-13' is not a date dd-mm-yyyy"],
    )
    assert fingerprint() == current


def test_unknown_codes(current, tmp_path):
    def form(folder):
        path = folder / "enterprise.csv"
        path.write_text(
            path.read_text().replace(f'"{E6}","AC","000","2","014"', f'"{E6}","AC","000","2","999"')
        )

    def nace(folder):
        path = folder / "activity.csv"
        path.write_text(
            path.read_text().replace(f'"{E6}","001","2025","90111"', f'"{E6}","001","2025","99999"')
        )

    assert_refused(
        full_with(tmp_path, form, "form"),
        [
            "enterprise.csv:7: JuridicalForm: unknown code '999' (not in code.csv under JuridicalForm)"
        ],
    )
    assert_refused(
        full_with(tmp_path, nace, "nace"),
        [
            "activity.csv:12: NaceCode: unknown code '99999' for NACE version '2025' (not in code.csv under Nace2025)"
        ],
    )
    assert fingerprint() == current


def test_wrong_number_of_fields(current, tmp_path):
    def change(folder):
        path = folder / "establishment.csv"
        path.write_text(path.read_text().replace(f'01-03-2016,"{E1}"', "01-03-2016"))

    assert_refused(
        full_with(tmp_path, change),
        ["establishment.csv:2:", "Expected Number of Columns: 3 Found: 2"],
    )
    assert fingerprint() == current


def test_update_older_than_current(current, tmp_path):
    update = d.write_update(tmp_path / "old", number=146, date=dt.date(2025, 10, 9))
    assert_refused(
        update,
        [
            "meta.csv: ExtractNumber: update 146 of 09-10-2025 is not newer than the current snapshot (extract 146 of 10-10-2025)"
        ],
        update=True,
    )
    assert fingerprint() == current


def test_update_with_a_gap(current, tmp_path):
    update = d.write_update(tmp_path / "gap", number=149, date=dt.date(2025, 10, 13))
    assert_refused(
        update,
        [
            "update 149 does not follow the current snapshot (extract 146 of 10-10-2025): extract(s) 147–148 missing"
        ],
        update=True,
    )
    assert fingerprint() == current


def test_update_given_as_full_and_full_as_update(current, tmp_path):
    update = d.write_update(tmp_path / "u")
    assert_refused(update, ["meta.csv:4: ExtractType: this is an update extract (use --update)"])
    full = d.write_full(tmp_path / "f", tricky_tables(), number=148)
    assert_refused(
        full, ["meta.csv:4: ExtractType: this is an full extract (leave out --update)"], update=True
    )
    assert fingerprint() == current


def test_update_with_a_bad_insert(current, tmp_path):
    update = d.write_update(
        tmp_path / "u",
        inserts={"establishment": [d.establishment("2.100.000.009", E1, start="32-10-2025")]},
    )
    assert_refused(
        update,
        ["establishment_insert.csv:2: StartDate: '32-10-2025' is not a date dd-mm-yyyy"],
        update=True,
    )
    missing = d.write_update(tmp_path / "m")
    (missing / "address_insert.csv").unlink()
    assert_refused(missing, ["m: address_insert.csv: required file missing"], update=True)
    assert fingerprint() == current


def test_already_imported_full(current, tmp_path):
    assert_refused(
        d.write_full(tmp_path / "again", tricky_tables()), ["extract 146 is already imported"]
    )
    assert fingerprint() == current


def test_command_reports_problems_and_changes_nothing(current, tmp_path):
    folder = full_with(tmp_path, lambda f: (f / "branch.csv").unlink())
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_kbo", str(folder))
    assert fingerprint() == current


def test_no_update_before_a_full(kbo_data_dir, tmp_path):
    update = d.write_update(tmp_path / "u")
    assert_refused(update, ["an update needs a current snapshot"], update=True)
    assert not KboSnapshot.objects.exists()
    assert not [p for p in (kbo_root() / "snapshots").iterdir()]


def test_store_of_current_snapshot_is_untouched_by_a_failed_update(current, tmp_path):
    snapshot = KboSnapshot.objects.get()
    before = snapshot_store_path(snapshot).read_bytes()
    update = d.write_update(tmp_path / "u", inserts={"activity": [d.activity(E1, "2025", "00000")]})
    assert_refused(update, ["activity_insert.csv:2: NaceCode: unknown code '00000'"], update=True)
    assert snapshot_store_path(snapshot).read_bytes() == before
    shutil.rmtree(tmp_path / "u")


def test_wrong_number_of_fields_in_a_file_without_dates(current, tmp_path):
    """activity.csv is read without a rejects table: DuckDB's own error still names the line."""

    def change(folder):
        path = folder / "activity.csv"
        path.write_text(
            path.read_text().replace(f'"{E6}","001","2025","90111",', f'"{E6}","001","2025",')
        )

    assert_refused(
        full_with(tmp_path, change),
        ["activity.csv:12:", "Expected Number of Columns: 5 Found: 4"],
    )
    assert fingerprint() == current
