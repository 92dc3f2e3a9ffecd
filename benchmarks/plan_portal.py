"""Benchmark of the plan register: load time of the plan files and response times of the portal.

Run:  .venv/bin/python benchmarks/plan_portal.py [--repeat 20]
Uses a throw-away SQLite database (or DATABASE_URL) and prints its figures; nothing is asserted.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20, help="requests per page")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bruprod-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["BRUPROD_DATA_DIR"] = tmp
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from plan.loader import plan_load
    from strategies.loader import strategies_load

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    plan_load(data_dir=Path(settings.PLAN_DATA_DIR))
    first_load = time.perf_counter() - started
    started = time.perf_counter()
    plan_load(data_dir=Path(settings.PLAN_DATA_DIR))
    second_load = time.perf_counter() - started
    strategies_load(data_dir=Path(settings.PLAN_DATA_DIR))
    print(f"database: {settings.DATABASES['default']['ENGINE']}")
    print(f"load-plan, empty database:   {first_load:6.2f} s")
    print(f"load-plan, nothing changed:  {second_load:6.2f} s")

    client = Client()
    pages = {
        "home": "/nl/",
        "measure list": "/nl/measures/",
        "filtered list (QW, health)": "/nl/measures/?remark=QW&sector=health",
        "search 'creeren'": "/fr/measures/?q=creeren",
        "measure page": "/nl/measures/C.3/",
        "plan tree": "/nl/plan/",
        "CSV export (all)": "/nl/measures/?format=csv",
        "XLSX export (all)": "/nl/measures/?format=xlsx",
        "API measures (all)": "/api/v1/measures/?limit=500",
    }
    print(f"{'page':32} {'median ms':>10} {'p95 ms':>8}  ({args.repeat} requests each)")
    for label, url in pages.items():
        client.get(url)  # warm-up
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(f"{label:32} {statistics.median(timings):10.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()
