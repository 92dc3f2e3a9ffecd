"""Benchmark of the register pages at Belgium scale: enterprise search and detail.

    .venv/bin/python benchmarks/economy_pages.py [--dump /tmp/kbo-dump] [--enterprises 1938238]
        [--data DIR] [--runs 30]

Uses the synthetic dump in DUMP/full and DUMP/update (as `benchmarks/kbo_import.py --reuse DUMP`
writes it; generated there when absent, ~80 s at Belgium scale). Imports it (`bruprod
import-kbo`, then the daily update) into a fresh data folder and database (or, with `--data DIR`,
into DIR, reused as is when it already holds an imported snapshot) and prints the import times,
then the median and p95 of:

- the search page (`/nl/economy/enterprises/?…`, first page and total) through Django's test
  client, i.e. the server's time without network, for one letter, a common word, a rare word,
  an accented word, a number prefix, a full number, an empty query with a sector filter and a
  NACE filter; and the raw selector `enterprise_search` (count + first page, one call as the
  page makes it) for the same;
- the enterprise page (`/nl/economy/enterprise/<number>/`) and the raw `enterprise_detail` for
  several enterprises (with many establishments, a natural person, a random one).

The load average and a floor (`/healthz`, the home page) are measured in the same run: on a
shared machine, compare the pages to the floor. Figures only: nothing is asserted. Recorded in docs/benchmarks.md (economy section).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def bruprod(args: list[str], env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    run = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "bruprod"), *args], env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"bruprod {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}")
    return elapsed, run.stdout + run.stderr


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def timings(call, runs: int) -> dict:
    for _ in range(2):  # warm-up: connection, page cache
        call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[min(len(samples) - 1, int(0.95 * len(samples)))], 1),
        "max_ms": round(samples[-1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dump", default="/tmp/kbo-dump")
    parser.add_argument("--enterprises", type=int, default=1_938_238)
    parser.add_argument("--data", help="data folder (store + SQLite database) to keep and reuse")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    dump = Path(args.dump)
    full, update = dump / "full", dump / "update"
    results: dict[str, object] = {"enterprises": args.enterprises, "cpus": os.cpu_count()}
    if not (full / "meta.csv").exists() or not (update / "meta.csv").exists():
        import django

        django.setup()
        from economy.sample import kbo_sample_write

        print(f"Generating a synthetic dump of {args.enterprises:,} enterprises in {dump} …")
        started = time.perf_counter()
        kbo_sample_write(out=full, enterprises=args.enterprises, update_out=update)
        results["generate_s"] = round(time.perf_counter() - started, 1)

    work = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="kbo-pages-"))
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["BRUPROD_DATA_DIR"] = str(work)
    env["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.update({k: env[k] for k in ("BRUPROD_DATA_DIR", "DATABASE_URL")})
    try:
        imported = (work / "bench.sqlite3").exists() and any(
            (work / "kbo" / "snapshots").glob("0*")
        )
        if not imported:
            bruprod(["migrate", "--noinput", "-v", "0"], env)
            bruprod(["load-geo"], env)
            bruprod(["load-reference"], env)  # the sector vocabulary the mapping refers to
            print("Full import (bruprod import-kbo) …", flush=True)
            wall, output = bruprod(["import-kbo", str(full)], env)
            results["import_full_wall_s"] = round(wall, 2)
            results["import_full_steps"] = [ln.strip() for ln in output.splitlines() if "✓" in ln]
            print("\n".join(f"  {s}" for s in results["import_full_steps"]))
            print(f"  {wall:.2f} s wall", flush=True)
            print("Daily update (bruprod import-kbo --update) …", flush=True)
            wall, output = bruprod(["import-kbo", "--update", str(update)], env)
            results["import_update_wall_s"] = round(wall, 2)
            results["import_update_steps"] = [ln.strip() for ln in output.splitlines() if "✓" in ln]
            print("\n".join(f"  {s}" for s in results["import_update_steps"]))
            print(f"  {wall:.2f} s wall", flush=True)

        import django

        django.setup()
        from django.conf import settings
        from django.test import Client
        from django.urls import reverse
        from django.utils import translation

        from economy import kbo_store as store
        from economy.models import KboImport
        from economy.register import snapshot_store_path
        from economy.selectors import enterprise_detail, enterprise_search, snapshot_current

        settings.ALLOWED_HOSTS = ["*"]
        snapshot = snapshot_current()
        results["ledger_s"] = {
            f"{i.extract_type} {i.extract_number}": {
                "total": i.duration_seconds,
                "classification and figures": i.steps.get("classification and figures"),
            }
            for i in KboImport.objects.order_by("imported_at")
        }
        con = store.reader(snapshot_store_path(snapshot))
        results["register_enterprises"] = con.execute(
            "SELECT count(*) FROM cls_enterprise"
        ).fetchone()[0]
        words = con.execute(
            """
            SELECT w, count(*) AS n FROM (
              SELECT DISTINCT enterprise, unnest(regexp_split_to_array(names_key, '[^a-z0-9]+')) AS w
              FROM cls_enterprise) WHERE length(w) >= 4 GROUP BY w ORDER BY n DESC, w
            """
        ).fetchall()
        common, rare = words[0][0], next(w for w, n in reversed(words) if n == 1)
        busy = con.execute(
            "SELECT enterprise FROM scope_entity GROUP BY enterprise ORDER BY count(*) DESC, 1 LIMIT 1"
        ).fetchone()[0]
        natural = con.execute(
            "SELECT enterprise FROM cls_enterprise WHERE person_type = 'natural' "
            "ORDER BY hash(enterprise) LIMIT 1"
        ).fetchone()[0]
        randoms = [
            r[0]
            for r in con.execute(
                "SELECT enterprise FROM cls_enterprise ORDER BY hash(enterprise || 'x') LIMIT 3"
            ).fetchall()
        ]
        con.close()

        searches = {
            "one letter 'a'": {"q": "a"},
            f"common word '{common}'": {"q": common},
            f"rare word '{rare}'": {"q": rare},
            "accented 'société'": {"q": "société"},
            f"number prefix '{busy[:6]}'": {"q": busy[:6]},
            "full number": {"q": busy},
            "empty query, sector=digital": {"sector": "digital"},
            "empty query (everything)": {},
            "nace=62, municipality=21004": {"nace": "62", "municipality": "21004"},
        }
        client = Client()
        results["loadavg_start"] = loadavg()
        print(f"load average {results['loadavg_start']} ({os.cpu_count()} CPUs)", flush=True)
        # The floor in the same run: what any request costs on this machine right now (the
        # middleware alone; the home page with the site's base template).
        results["floor"] = {}
        for label, url in (("/healthz", "/healthz"), ("home page /nl/", "/nl/")):

            def floor(url=url):
                response = client.get(url)
                assert response.status_code == 200, response.status_code

            results["floor"][label] = timings(floor, args.runs)
            row = results["floor"][label]
            print(
                f"floor  {label:45} page median {row['median_ms']:6.1f} ms p95 {row['p95_ms']:6.1f}",
                flush=True,
            )
        with translation.override("nl"):
            search_url = reverse("economy:search")
            results["search"] = {}
            for label, params in searches.items():
                criteria = {("query" if k == "q" else k): v for k, v in params.items()}
                total = enterprise_search(**criteria, limit=0)[0]

                def page(params=params):
                    response = client.get(search_url, params)
                    assert response.status_code == 200, response.status_code

                def raw(criteria=criteria):
                    enterprise_search(**criteria, limit=25)  # the total and the first page

                row = {
                    "total": total,
                    "page": timings(page, args.runs),
                    "selector": timings(raw, args.runs),
                }
                results["search"][label] = row
                print(
                    f"search {label:45} {total:>9,} hits  page median {row['page']['median_ms']:6.1f} ms "
                    f"p95 {row['page']['p95_ms']:6.1f}  selector median {row['selector']['median_ms']:6.1f} ms "
                    f"p95 {row['selector']['p95_ms']:6.1f}",
                    flush=True,
                )
            results["detail"] = {}
            for label, number in (
                ("most establishments", busy),
                ("natural person", natural),
                *((f"random {i + 1}", n) for i, n in enumerate(randoms)),
            ):
                url = reverse("economy:enterprise", kwargs={"number": number})
                detail = enterprise_detail(enterprise_number=number)

                def page(url=url):
                    response = client.get(url)
                    assert response.status_code == 200, response.status_code

                def raw(number=number):
                    enterprise_detail(enterprise_number=number)

                row = {
                    "enterprise": number,
                    "establishments": len(detail["establishments"]),
                    "activities": len(detail["activities"]),
                    "page": timings(page, args.runs),
                    "selector": timings(raw, args.runs),
                }
                results["detail"][label] = row
                print(
                    f"detail {label:20} {number} ({row['establishments']} establishments, "
                    f"{row['activities']} activities)  page median {row['page']['median_ms']:6.1f} ms "
                    f"p95 {row['page']['p95_ms']:6.1f}  selector median {row['selector']['median_ms']:6.1f} ms "
                    f"p95 {row['selector']['p95_ms']:6.1f}",
                    flush=True,
                )
        pages = [r["page"]["median_ms"] for r in results["search"].values()]
        details = [r["page"]["median_ms"] for r in results["detail"].values()]
        results["worst_median_ms"] = {"search_page": max(pages), "detail_page": max(details)}
        results["loadavg_end"] = loadavg()
        print(f"load average {results['loadavg_end']}", flush=True)
        print(
            f"Worst medians: search page {max(pages):.1f} ms, detail page {max(details):.1f} ms",
            flush=True,
        )
    finally:
        if not args.data:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results, indent=2, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
