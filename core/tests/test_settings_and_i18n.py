import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def run_check(env_extra: dict, *args) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_SECRET_KEY",
            "DJANGO_ALLOWED_HOSTS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        )
    }
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "config.cli", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_check({"BRUPROD_ENV": "production", "DJANGO_ALLOWED_HOSTS": "bruprod.example.org"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_check({"BRUPROD_ENV": "production", "DJANGO_SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_production_deploy_check_is_clean():
    result = run_check(
        {
            "BRUPROD_ENV": "production",
            "DJANGO_SECRET_KEY": "k" * 20 + "Zq9!" * 10,
            "DJANGO_ALLOWED_HOSTS": "bruprod.example.org",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def _entries(po_text: str):
    for block in po_text.split("\n\n"):
        if "msgid" not in block or block.lstrip().startswith("#~"):
            continue
        msgid = "".join(re.findall(r'msgid "(.*)"', block)) + "".join(
            re.findall(r'msgid_plural "(.*)"', block)
        )
        strs = re.findall(r'msgstr(?:\[\d\])? ((?:".*"\n?)+)', block)
        yield block, msgid, ["".join(re.findall(r'"(.*)"', s)) for s in strs]


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_translation_catalogue_is_complete(lang):
    po = ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"
    text = po.read_text(encoding="utf-8")
    missing = [
        msgid
        for block, msgid, strs in _entries(text)
        if msgid and (not all(strs) or "#, fuzzy" in block)
    ]
    assert missing == []
    assert len(list(_entries(text))) > 100


def test_no_asset_comes_from_a_cdn():
    for path in list((ROOT / "templates").rglob("*.html")) + list(
        ROOT.glob("*/templates/**/*.html")
    ):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r'(src|href)="(https?:)?//', text), path
