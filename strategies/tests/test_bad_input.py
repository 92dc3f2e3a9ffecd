"""load-strategies: bad input is a message naming file and line; a second run writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.validation import YAML_MAX_BYTES
from core.yamlfiles import DataFileError
from strategies.loader import strategies_load
from strategies.models import Document, Item

pytestmark = pytest.mark.django_db


@pytest.fixture
def strategies_copy(tmp_path, plan_data_dir) -> Path:
    target = tmp_path / "plan"
    target.mkdir()
    shutil.copy(plan_data_dir / "strategies.yaml", target / "strategies.yaml")
    return target


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def load_problems(data_dir: Path) -> list[str]:
    before = (list(Item.objects.values_list("pk", "text_nl")), Document.history.count())
    with pytest.raises(DataFileError) as caught:
        strategies_load(data_dir=data_dir)
    assert (list(Item.objects.values_list("pk", "text_nl")), Document.history.count()) == before
    return caught.value.problems


def test_a_second_load_adds_no_history_rows(plan_data_dir):
    strategies_load(data_dir=plan_data_dir)
    before = (Document.history.count(), Item.history.count())
    stamps = list(Document.objects.values_list("pk", "updated_at", "version"))
    strategies_load(data_dir=plan_data_dir)
    assert (Document.history.count(), Item.history.count()) == before
    assert list(Document.objects.values_list("pk", "updated_at", "version")) == stamps


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            "- slug: go4brussels-2030-objective-1-4\n",
            "- slug: [go4brussels]\n",
            "strategies.yaml:6: documents[0].slug: must be text or a number, not a list",
        ),
        (
            "  kind: strategy\n  title:\n    nl: Steun",
            "  kind: {a: b}\n  title:\n    nl: Steun",
            "strategies.yaml:6: documents[0] (go4brussels-2030-objective-1-4).kind",
        ),
        (
            "  author:\n    nl: Brusselse Hoofdstedelijke",
            "  author: [x]\n  authorx:\n    nl: Brusselse Hoofdstedelijke",
            "strategies.yaml:6: documents[0] (go4brussels-2030-objective-1-4).author: must be a mapping",
        ),
        (
            "  seed: 003_eb4bb6ebc4b6cbed.txt\n",
            '  seed: "003\\x0b"\n',
            "strategies.yaml:6: documents[0].seed: contains a control character",
        ),
        (
            "    nl: Steun aan sectoren met jobpotentieel\n",
            '    nl: "Steun \\ud800"\n',
            "strategies.yaml:9: documents[0].title.nl: contains an invalid character",
        ),
    ],
)
def test_bad_values_are_messages(strategies_copy, old, new, expected):
    replace_in(strategies_copy / "strategies.yaml", old, new)
    problems = load_problems(strategies_copy)
    assert any(p.startswith(expected) for p in problems), problems


def test_a_huge_title_is_a_message(strategies_copy):
    replace_in(
        strategies_copy / "strategies.yaml",
        "    nl: Steun aan sectoren met jobpotentieel\n",
        f"    nl: {'x' * YAML_MAX_BYTES}\n",
    )
    problems = load_problems(strategies_copy)
    assert problems == [
        f"strategies.yaml: the file is {(strategies_copy / 'strategies.yaml').stat().st_size} "
        f"bytes; at most {YAML_MAX_BYTES} are read"
    ]
