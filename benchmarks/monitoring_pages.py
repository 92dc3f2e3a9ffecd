"""Response times of the monitoring pages over the demo history (dev SQLite database by default).

Run:  make setup && .venv/bin/python benchmarks/monitoring_pages.py [--repeat 5]
Prints median and worst time per page; nothing is asserted.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from monitoring.models import Report

    print(f"{Report.objects.count()} reports ({Report.objects.filter(is_demo=True).count()} demo)")
    client = Client()
    internal = Client()
    internal.force_login(get_user_model().objects.get(username="demo-taskforce"))
    pages = [
        ("public dashboard", client, "/nl/monitoring/"),
        ("internal dashboard", internal, "/nl/monitoring/internal/"),
        ("timeline", client, "/nl/monitoring/timeline/"),
        ("measure page with status", client, "/nl/measures/MET.4.1/"),
        ("workspace (task force)", internal, "/nl/monitoring/workspace/"),
        ("boordtabel overview", client, "/nl/boordtabel/"),
        ("API progress (all)", client, "/api/v1/progress/"),
    ]
    print(f"{'page':28} {'median ms':>10} {'max ms':>8}")
    for label, c, url in pages:
        c.get(url)
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = c.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{label:28} {statistics.median(timings):10.0f} {max(timings):8.0f}")


if __name__ == "__main__":
    main()
