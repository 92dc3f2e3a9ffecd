"""Benchmark of monitoring imports/exports, reminders and the progress API (with the demo history).

Run:  .venv/bin/python benchmarks/monitoring_io.py [--repeat 5]
Uses a throw-away SQLite database (or DATABASE_URL) and prints its figures; nothing is asserted.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(function, repeat: int) -> tuple[float, object]:
    durations, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bruprod-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["BRUPROD_DATA_DIR"] = tmp
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core import mail
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    from accounts.models import Profile, Role
    from monitoring.demo import demo_accounts_setup, demo_history_setup
    from monitoring.emails import reminder_messages_build, reminders_send
    from monitoring.importing import period_snapshot_table, period_snapshot_xlsx, reports_import
    from monitoring.models import Report, ReportingPeriod
    from monitoring.reference import monitoring_reference_load
    from plan.loader import plan_load
    from plan.models import Measure
    from reference.models import Organisation

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    plan_load(data_dir=Path(settings.PLAN_DATA_DIR))
    monitoring_reference_load()
    demo_accounts_setup(password="bench-password-123")
    today = date(2025, 8, 10)
    demo_history_setup(today=today)
    users = get_user_model()
    for org in Organisation.objects.filter(coordinations__isnull=False).distinct():
        user = users.objects.create_user(f"bench-{org.slug}", f"{org.slug}@example.org", "x")
        Profile.objects.create(user=user, role=Role.COORDINATOR, organisation=org, language="fr")
    taskforce = users.objects.get(username="demo-taskforce")
    period = ReportingPeriod.objects.get(key="2025-h1")
    print(f"database: {settings.DATABASES['default']['ENGINE']}")
    print(
        f"reports: {Report.objects.count()}, measures: {Measure.objects.count()}, coordinators: {Profile.objects.filter(role=Role.COORDINATOR).count()}"
    )

    seconds, table = timed(
        lambda: period_snapshot_table(period=period, measures=Measure.objects.all()), args.repeat
    )
    print(f"snapshot table (one period):        {seconds * 1000:8.1f} ms ({len(table.rows)} rows)")
    seconds, content = timed(lambda: period_snapshot_xlsx(table, basename="bench"), args.repeat)
    print(
        f"snapshot XLSX:                      {seconds * 1000:8.1f} ms ({len(content) // 1024} KiB)"
    )

    # Import every measure's row for an open period, as drafts, then rolled back (same work each time).
    open_period = ReportingPeriod.objects.get(key="2026-h1")
    lines = ["measure_code,period,status,progress,narrative_nl"]
    lines += [
        f"{code},{open_period.key},in_progress,30,Benchmark"
        for code in Measure.objects.values_list("code", flat=True)
    ]
    csv_content = ("\n".join(lines) + "\n").encode()

    def import_once():
        with transaction.atomic():
            result = reports_import(name="bench.csv", content=csv_content, user=taskforce)
            transaction.set_rollback(True)
        return result

    seconds, result = timed(import_once, args.repeat)
    print(
        f"import {len(lines) - 1} rows (CSV, drafts):       {seconds * 1000:8.1f} ms ({len(result.created)} created)"
    )

    seconds, messages = timed(
        lambda: reminder_messages_build(today=today, skip_sent=False), args.repeat
    )
    print(
        f"reminder messages built:            {seconds * 1000:8.1f} ms ({len(messages)} messages, {sum(len(m.items) for m in messages)} items)"
    )

    def send_once():
        with transaction.atomic():
            sent = reminders_send(messages=messages, today=today)
            transaction.set_rollback(True)
        mail.outbox = []
        return sent

    seconds, sent = timed(send_once, args.repeat)
    print(f"reminders sent (locmem backend):    {seconds * 1000:8.1f} ms ({sent} messages)")

    client = Client()
    seconds, response = timed(lambda: client.get("/api/v1/progress/?limit=500"), args.repeat)
    print(
        f"API progress, all measures:         {seconds * 1000:8.1f} ms ({len(response.content) // 1024} KiB)"
    )
    seconds, response = timed(lambda: client.get("/api/v1/progress/1.1.1/"), args.repeat)
    print(f"API progress, one measure:          {seconds * 1000:8.1f} ms")
    client.force_login(taskforce)
    seconds, response = timed(
        lambda: client.get("/en/monitoring/reminders/preview/?today=2025-08-10"), args.repeat
    )
    print(
        f"reminders preview page:             {seconds * 1000:8.1f} ms (status {response.status_code})"
    )
    seconds, response = timed(
        lambda: client.get("/en/monitoring/io/periods/2025-h1/export/?format=xlsx"), args.repeat
    )
    print(
        f"snapshot XLSX download:             {seconds * 1000:8.1f} ms (status {response.status_code})"
    )


if __name__ == "__main__":
    main()
