import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from plan.models import Measure

pytestmark = pytest.mark.django_db

REQUIRED = {
    "code",
    "kind",
    "title_nl",
    "title_fr",
    "sector",
    "dimension",
    "priority",
    "cost",
    "staffing",
    "coordinators",
    "status_2019",
    "remarks",
    "cross_refs",
}


def test_export_plan_json_has_one_object_per_measure(tmp_path):
    out = tmp_path / "plan.json"
    call_command("export_plan", "--format", "json", "--output", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data) == Measure.objects.count()
    assert all(REQUIRED <= set(item) for item in data)
    gmo3 = next(item for item in data if item["code"] == "GMO.3")
    assert [c["printed"] for c in gmo3["coordinators"]][-1] == "HUB.Brussels"
    assert (
        gmo3["coordinators"][-1]["organisation"] == gmo3["coordinators"][-1]["organisation"].lower()
    )


def test_export_plan_csv(tmp_path):
    out = tmp_path / "plan.csv"
    call_command("export_plan", "--format", "csv", "--output", str(out))
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("code,printed_code,kind")


def test_load_plan_command_reports_bad_input(tmp_path, plan_data_dir):
    import shutil

    target = tmp_path / "plan"
    shutil.copytree(plan_data_dir, target)
    (target / "organisations.yaml").write_text("organisations: [", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("load_plan", "--data-dir", str(target))


def test_load_plan_command_succeeds(capsys, plan_data_dir):
    call_command("load_plan", "--data-dir", str(plan_data_dir))
    assert "Plan loaded" in capsys.readouterr().out


def test_bruprod_accepts_hyphenated_command_names(tmp_path):
    import subprocess
    import sys

    from django.conf import settings

    result = subprocess.run(
        [sys.executable, "-m", "config.cli", "export-plan", "--help"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "--format" in result.stdout


def test_load_plan_lists_problems_with_brackets_verbatim(tmp_path, plan_data_dir, capsys):
    import shutil

    target = tmp_path / "plan"
    shutil.copytree(plan_data_dir, target)
    path = target / "04_metropolitan.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'printed: "Actiris via Synerjob"', 'printed: "Nobody"'
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="1 problem"):
        call_command("load_plan", "--data-dir", str(target))
    assert "measures[0] (code MET.4.1).coordinators[0].printed" in capsys.readouterr().err
