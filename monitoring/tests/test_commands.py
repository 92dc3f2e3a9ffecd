"""The monitoring commands print problems verbatim: data is never read as Rich markup."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from monitoring.management.commands import send_reminders
from monitoring.models import Report
from monitoring.tests.factories_io import _english, _reference, _users  # noqa: F401

pytestmark = pytest.mark.django_db

HEADER = (
    "measure_code,period,status,progress,narrative_nl,narrative_fr,budget_committed,budget_spent"
)


def test_import_problems_are_printed_verbatim(tmp_path, users, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\n[/],2025-h1,[bold]X,20,x,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"2 problem\(s\) in bad.csv; nothing was changed"):
        call_command("import_reports", str(bad), "--user", "tf")
    err = capsys.readouterr().err
    assert "“[/]”" in err  # a closing tag would make Rich raise a MarkupError
    assert "“[bold]X”" in err  # and an opening one would vanish from the output
    assert not Report.objects.exists()


def test_send_problems_are_printed_verbatim(users, capsys, monkeypatch):
    messages = [SimpleNamespace(to="a@example.org"), SimpleNamespace(to="b@example.org")]

    def send(*, messages, today):
        if messages[0].to.startswith("a"):
            raise OSError("[/] refused [bold]X")
        return 1

    monkeypatch.setattr(send_reminders, "reminder_messages_build", lambda **kwargs: messages)
    monkeypatch.setattr(send_reminders, "reminders_send", send)
    with pytest.raises(CommandError, match=r"1 reminder message\(s\) could not be sent \(1 sent\)"):
        call_command("send_reminders", "--today", "2025-08-10")
    err = capsys.readouterr().err
    assert "a@example.org: [/] refused [bold]X" in err
