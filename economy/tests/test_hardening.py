"""Hardening of the economy app: bounded ZIPs, a checked and idempotent mapping loader, a
checked read API, and classification overrides with a version guard and checked text."""

import datetime as dt
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from accounts.tests.factories import taskforce
from core.validation import YAML_MAX_BYTES
from core.yamlfiles import DataFileError
from economy import kbo_store
from economy import services as svc
from economy.kbo_store import KboInputError
from economy.models import ClassificationOverride, KboFigure, SectorMapping, SectorRule
from economy.selectors import snapshot_current
from economy.services import (
    NEW,
    OverrideConflictError,
    classification_override_remove,
    classification_override_set,
    kbo_import,
    kbo_root,
    mapping_load,
)

from . import dumps as d
from .test_bad_input import fingerprint
from .test_web import A, C, import_web_dump, web_tables

pytestmark = pytest.mark.django_db

API = "/api/v1/economy"


@pytest.fixture
def imported(kbo_data_dir, tmp_path):
    return import_web_dump(tmp_path / "full")


# ---------------------------------------------------------------- 1. ZIP limits


def _zip(tmp_path, members: dict[str, bytes | None] | None = None, name="dump.zip"):
    """A Full publication as a ZIP; `members` adds (bytes) or leaves out (None) members."""
    folder = d.write_full(tmp_path / "zipped", web_tables(), number=148, date=dt.date(2025, 10, 13))
    contents = {f.name: f.read_bytes() for f in sorted(folder.iterdir())}
    for member, data in (members or {}).items():
        if data is None:
            contents.pop(member, None)
        else:
            contents[member] = data
    archive = tmp_path / name
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for member, data in contents.items():
            z.writestr(member, data)
    return archive


@pytest.fixture
def current(imported):
    return fingerprint()


@pytest.fixture
def no_extraction(monkeypatch):
    """Fails the test if anything is extracted from the ZIP."""

    def extract(*args, **kwargs):
        pytest.fail("a member was extracted before the ZIP was checked")

    monkeypatch.setattr(kbo_store, "_extract_member", extract)


def _refused(path, *expected: str) -> str:
    with pytest.raises(KboInputError) as excinfo:
        kbo_import(path=path)
    text = "\n".join(excinfo.value.problems)
    for part in expected:
        assert part in text, text
    assert not list((kbo_root() / "snapshots").glob(".build-*"))  # the build folder is gone
    return text


def test_a_zip_bomb_is_refused_before_anything_is_extracted(current, tmp_path, no_extraction):
    # 16 MiB of one byte packs to ~16 KB: ~1000 times, far beyond the ratio of a real CSV
    bomb = _zip(tmp_path, {"activity.csv": b"0" * (16 * 1024 * 1024)})
    assert bomb.stat().st_size < 100_000
    _refused(bomb, "dump.zip: activity.csv: compressed ", "at most 200 times is accepted")
    assert fingerprint() == current


def test_zip_size_limits_are_configurable(current, tmp_path, settings, monkeypatch, no_extraction):
    archive = _zip(tmp_path)
    settings.KBO_ZIP_MAX_UNCOMPRESSED = 2000  # bytes: the whole publication is larger
    _refused(archive, "dump.zip: the members unpack to ", "(KBO_ZIP_MAX_UNCOMPRESSED)")
    settings.KBO_ZIP_MAX_UNCOMPRESSED = None
    monkeypatch.setenv("BRUPROD_KBO_ZIP_MAX_MEMBER", "500")
    _refused(archive, "dump.zip: code.csv: unpacks to ", "per file are accepted")
    assert fingerprint() == current


def test_the_default_limits_accept_the_real_full_extract():
    # extract 140: ~2.2 GB of CSV, activity.csv ~1.6 GB, packed ~8–10 times
    assert kbo_store.zip_limit("ZIP_MAX_UNCOMPRESSED") >= 4 * 2_200_000_000
    assert kbo_store.zip_limit("ZIP_MAX_MEMBER") >= 4 * 1_600_000_000
    assert kbo_store.zip_limit("ZIP_MAX_RATIO") >= 10 * 10


def test_zip_members_that_leave_the_folder_or_are_unexpected_are_refused(
    current, tmp_path, no_extraction
):
    archive = _zip(
        tmp_path,
        {
            "../enterprise_insert.csv": b'"EnterpriseNumber"\n',
            "/etc/branch_insert.csv": b"x",
            "readme.txt": b"hello",
            "sub/ENTERPRISE.CSV": b"x",
        },
    )
    text = _refused(archive)
    assert "dump.zip: '../enterprise_insert.csv': a member name may not leave" in text
    assert "dump.zip: '/etc/branch_insert.csv': a member name may not leave" in text
    assert "dump.zip: readme.txt: unexpected member" in text
    assert "dump.zip: sub/ENTERPRISE.CSV: ENTERPRISE.CSV is in the archive twice" in text
    assert fingerprint() == current


def test_a_zip_within_the_limits_still_imports(imported, tmp_path):
    result = kbo_import(path=_zip(tmp_path, name="KboOpenData_0148_2025_10_13_Full.zip"))
    assert result.snapshot.extract_number == 148


# ---------------------------------------------------------------- 2. the mapping file's types


def _load_problems(path, capsys) -> list[str]:
    with pytest.raises(CommandError) as excinfo:
        call_command("load_kbo_mapping", str(path))
    assert "nothing was changed" in str(excinfo.value)
    return [line.removeprefix("✗ ") for line in capsys.readouterr().err.splitlines()]


BAD_TYPES = """version: 2025.10
title: ["a", "list"]
sources: "not a list"
rules:
  - sector: [construction]
    scope: core
    nace2025: [41, "42"]
  - sector: space
    scope: core
    nace2008: ["62"]
  - sector: digital
    scope: extended
    2025: ["62"]
    nace2003: "72"
    colour: blue
  - just text
"""


def test_mapping_with_wrong_types_names_each_field_and_changes_nothing(tmp_path, capsys):
    path = tmp_path / "mapping.yaml"
    path.write_text(BAD_TYPES)
    problems = _load_problems(path, capsys)
    expected = [
        "mapping.yaml:1: version: must be text, not a number. Write it in quotes.",
        "mapping.yaml:2: title: must be text, not a list.",
        "mapping.yaml:3: sources: must be a list, not str.",
        "mapping.yaml:5: rule 1: sector: must be text, not a list.",
        "mapping.yaml:7: rule 1: nace2025: 41 is a number, not a code: write it in quotes",
        "mapping.yaml:8: rule 2: sector: 'space' is not one of agrofood, circular",
        "mapping.yaml:13: rule 3: 2025: unknown field",
        "mapping.yaml:15: rule 3: colour: unknown field",
        "mapping.yaml:14: rule 3: nace2003: must be a list of code prefixes in quotes",
        "mapping.yaml:4: rule 4: must be a mapping (sector, scope, nace2025…), not str.",
    ]
    for part in expected:
        assert any(part in p for p in problems), (part, problems)
    assert all(p.startswith("mapping.yaml:") for p in problems), problems
    assert not SectorMapping.objects.exists() and not SectorRule.objects.exists()


def test_mapping_file_too_large_or_not_yaml_is_refused(tmp_path, capsys):
    path = tmp_path / "big.yaml"
    path.write_text("title: '" + "x" * YAML_MAX_BYTES + "'\n")
    problems = _load_problems(path, capsys)
    assert problems[0].startswith("big.yaml: the file is ") and "at most 1048576" in problems[0]
    path = tmp_path / "deep.yaml"
    path.write_text("rules: " + "[" * 5000 + "]" * 5000 + "\n")
    assert _load_problems(path, capsys)[0].startswith("deep.yaml:")
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: café\n".encode("latin-1"))
    assert "not UTF-8 text" in _load_problems(path, capsys)[0]
    path = tmp_path / "control.yaml"
    path.write_text('version: "x"\ntitle: "a\\u0007b"\nrules: []\n')
    problems = _load_problems(path, capsys)
    assert any(p.startswith("control.yaml:2: title: the text contains a control") for p in problems)
    assert not SectorMapping.objects.exists()


# ---------------------------------------------------------------- 3. the same mapping again


def _state():
    snapshot = snapshot_current()
    return (
        SectorMapping.history.count(),
        SectorRule.history.count(),
        list(SectorMapping.objects.values_list("pk", "updated_at", "is_active")),
        sorted(KboFigure.objects.values_list("pk", flat=True)),
        (snapshot.store, snapshot.figures_computed_at, snapshot.mapping_version),
    )


MAPPING_2 = (
    'version: "test-2"\ntitle: "Test"\nrules:\n'
    "  - sector: construction\n    scope: core\n    nace2025: ['43']\n"
    "  - sector: creative\n    scope: core\n    nace2025: ['90']\n"
)


def test_loading_the_same_mapping_again_writes_nothing(imported, tmp_path, capsys):
    call_command("load_kbo_mapping")  # the default: already active, the figures are its own
    assert "unchanged; nothing was written" in capsys.readouterr().out
    path = tmp_path / "mapping.yaml"
    path.write_text(MAPPING_2)
    call_command("load_kbo_mapping", str(path))
    out = capsys.readouterr().out
    assert "figures recomputed" in out and snapshot_current().mapping_version == "test-2"
    before = _state()
    call_command("load_kbo_mapping", str(path))
    assert "unchanged; nothing was written" in capsys.readouterr().out
    assert _state() == before


def test_a_loaded_version_whose_rules_were_edited_is_not_reloaded(tmp_path):
    path = tmp_path / "mapping.yaml"
    path.write_text(MAPPING_2)
    mapping = mapping_load(path=path)
    rule = mapping.rules.get(prefix="90")
    rule.scope = "extended"
    rule.save()  # an editor's change in the admin
    with pytest.raises(DataFileError) as excinfo:
        mapping_load(path=path)
    assert "its rules have been changed since" in excinfo.value.problems[0]
    assert mapping.rules.get(prefix="90").scope == "extended"


# ---------------------------------------------------------------- 4. the read API


@pytest.mark.parametrize(
    "path, params",
    [
        ("enterprises", {"person_type": "company"}),
        ("trend", {"person_type": "company"}),
        ("figures", {"person_type": ""}),
        ("enterprises", {"sector": "space"}),
        ("figures", {"sector": "space"}),
        ("trend", {"municipality": "99999"}),
        ("enterprises", {"municipality": "21999"}),
        ("figures", {"snapshot": "x"}),
        ("figures", {"snapshot": "99999999999999999999"}),
        ("figures", {"snapshot": ""}),
        ("figures", {"by": ""}),
        ("figures", {"measure": "nope"}),
        ("figures", {"key": "k" * 21}),
        ("enterprises", {"limit": "-1"}),
        ("enterprises", {"limit": "501"}),
        ("enterprises", {"offset": "99999999999999"}),
        ("enterprises", {"nace": "abc"}),
        ("enterprises", {"q": "x" * 201}),
        ("enterprises", {"q": "a\x00b"}),
        ("stats", {"x\x01": "1"}),
    ],
)
def test_api_refuses_bad_parameters_with_a_message(client, imported, path, params):
    response = client.get(f"{API}/{path}/", params)
    assert response.status_code == 400, response.content
    assert set(response.json()) <= {*params, "detail"} and response.json()


def test_api_accepts_good_parameters(client, imported):
    assert client.get(f"{API}/enterprises/", {"person_type": "natural"}).json()["count"] == 1
    assert client.get(f"{API}/trend/", {"municipality": "21001"}).status_code == 200
    assert client.get(f"{API}/figures/", {"sector": "other", "key": "2015"}).status_code == 200
    assert client.get(f"{API}/enterprises/", {"limit": 0}).json()["count"] == 3
    assert client.get(f"{API}/enterprises/", {"nace": "43.2"}).json()["count"] == 1
    assert client.get(f"{API}/enterprises/not-a-number/").status_code == 404


def test_schema_documents_the_404_of_figures_and_stats(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    for path in ("figures", "stats"):
        responses = schema["paths"][f"/api/v1/economy/{path}/"]["get"]["responses"]
        assert "404" in responses and "content" in responses["404"]
    parameters = schema["paths"]["/api/v1/economy/enterprises/"]["get"]["parameters"]
    limit = next(p for p in parameters if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 500


# ---------------------------------------------------------------- 5. checked text in the form


def test_override_reason_with_control_characters_or_too_long_is_refused(
    client, imported, staff_user
):
    client.force_login(staff_user)
    path = reverse("economy:override", args=[A])
    for reason in ("Makes\x00 beds", "x" * 2001):
        response = client.post(
            path, {"sectors": ["health"], "reason": reason, "action": "set", "version": 0}
        )
        assert response.status_code == 400
        assert response.context["form"].errors["reason"]
    with pytest.raises(ValidationError) as excinfo:
        classification_override_set(
            enterprise_number=A, sectors=["health"], reason="bell\x07", user=staff_user
        )
    assert "control character" in str(excinfo.value.message_dict["reason"])
    assert not ClassificationOverride.objects.exists()


# ---------------------------------------------------------------- 6. the version guard


def _set(user, version, reason="First.", sectors=("health",)):
    return classification_override_set(
        enterprise_number=A,
        sectors=list(sectors),
        reason=reason,
        user=user,
        expected_version=version,
    )


def test_a_stale_version_is_refused_with_what_changed(imported, staff_user):
    first = _set(staff_user, NEW)
    assert first.version == 1
    assert _set(staff_user, 1, reason="Second.", sectors=["digital"]).version == 2
    with pytest.raises(OverrideConflictError) as excinfo:
        _set(staff_user, 1, reason="Mine.")
    assert ("reason", "First.", "Second.") in excinfo.value.changes
    assert ("sectors", ["health"], ["digital"]) in excinfo.value.changes
    assert excinfo.value.by == staff_user
    # an existing override is not changed without the version that was read
    with pytest.raises(ValidationError) as excinfo:
        _set(staff_user, None, reason="Blind.")
    assert "version" in excinfo.value.message_dict
    override = ClassificationOverride.objects.get()
    assert (override.reason, override.version) == ("Second.", 2)


def test_two_creates_the_second_is_refused(imported, staff_user, monkeypatch):
    _set(staff_user, NEW)
    with pytest.raises(OverrideConflictError) as excinfo:
        _set(staff_user, NEW, reason="Also first.")
    assert ("reason", None, "First.") in excinfo.value.changes
    # a simultaneous create: both saw none; the unique enterprise number refuses the second
    monkeypatch.setattr(svc, "_override_locked", lambda number, version: None)
    with pytest.raises(OverrideConflictError):
        _set(staff_user, NEW, reason="Raced.")
    with connection.cursor() as cursor:  # the transaction is still usable (savepoint)
        cursor.execute("SELECT 1")
    assert ClassificationOverride.objects.get().reason == "First."


def test_remove_with_a_stale_or_missing_version_is_refused(imported, staff_user):
    _set(staff_user, NEW)
    _set(staff_user, 1, reason="Second.")
    with pytest.raises(OverrideConflictError):
        classification_override_remove(enterprise_number=A, user=staff_user, expected_version=1)
    with pytest.raises(ValidationError):
        classification_override_remove(enterprise_number=A, user=staff_user)
    assert ClassificationOverride.objects.filter(enterprise_number=A).exists()
    classification_override_remove(enterprise_number=A, user=staff_user, expected_version=2)
    assert not ClassificationOverride.objects.exists()
    # removed meanwhile: a conflict too, for the editor who read version 2
    with pytest.raises(OverrideConflictError) as excinfo:
        classification_override_remove(enterprise_number=A, user=staff_user, expected_version=2)
    assert excinfo.value.current is None


def test_a_stale_override_form_is_a_conflict_page(client, imported, staff_user):
    editor = taskforce(username="tf-other")
    path = reverse("economy:override", args=[A])
    client.force_login(staff_user)
    form = client.get(path).context["form"]
    assert form.initial["version"] == NEW
    _set(editor, NEW, reason="Theirs.")  # saved while the form was open
    response = client.post(
        path, {"sectors": ["digital"], "reason": "Mine.", "action": "set", "version": 0}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this classification" in html and "Theirs." in html
    assert "tf-other" in html
    assert ClassificationOverride.objects.get().reason == "Theirs."
    # a form without its version is refused too
    response = client.post(path, {"sectors": ["digital"], "reason": "Mine.", "action": "set"})
    assert response.status_code == 400
    response = client.post(path, {"reason": "Gone.", "action": "remove", "version": 0})
    assert response.status_code == 409
    assert ClassificationOverride.objects.exists()
    response = client.post(path, {"reason": "Gone.", "action": "remove", "version": 1})
    assert response.status_code == 302 and not ClassificationOverride.objects.exists()


def test_override_of_an_enterprise_outside_the_region_keeps_its_form(client, imported, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("economy:override", args=[C]))
    assert 'name="version" value="0"' in response.content.decode()
