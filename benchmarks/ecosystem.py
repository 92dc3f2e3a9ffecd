"""Benchmark of the ecosystem map at 100,000 actors and 1,000,000 relations.

    .venv/bin/python benchmarks/ecosystem.py [--actors 100000] [--relations 1000000]
        [--runs 20] [--work DIR] [--seed 1]

Generates Kumu-compatible CSV files (elements and connections, the columns of
`bruprod import-ecosystem`) in a temporary folder: actors of realistic types (mostly companies;
clusters, federations, public operators, incubators … few), one or two of the plan's ecosystem
sectors each and a value-chain stage of them, a Brussels municipality; relations whose ends are
drawn with a power-law-ish weight (actor i ∝ (i + 1)^-0.8, shuffled: a few hubs with thousands of
relations, a median actor with a dozen), types matching the ends, directed or not, strength 1–10.

Then, in one run, on a fresh SQLite database in a temporary data folder (migrated, the plan and
the ecosystem seed loaded):

- the import (`bruprod import-ecosystem --actors … --relations …`): wall time and the peak memory
  (max RSS) of the import process itself, read by a small wrapper process whose only child is the
  import (`resource.getrusage(RUSAGE_CHILDREN)` in the wrapper);
- every metric (`bruprod ecosystem-metrics --period YEAR`: degree, PageRank, approximate
  betweenness, Leiden, brokers, two-step reach, graph metrics), the same way;
- the server time (Django test client, no network; median and p95 of `--runs` after 2 warm-ups)
  of an actor's neighbourhood (depth 1 and 2, for the best-connected actor and a median one),
  the actor's page, the sector matrix and a sector's network view, with a floor (`/healthz`)
  measured in the same run.

Progress goes to stderr; the figures are printed as JSON on stdout. Nothing is asserted; the
targets (2 cores: import < 60 s, metrics < 120 s, views < 200 ms) are compared in the output.
Recorded in docs/benchmarks.md ("Ecosystem map").
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
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

BRUPROD = str(ROOT / ".venv" / "bin" / "bruprod")
SECTORS = ("construction", "manufacturing", "agrofood", "health", "creative")
STAGES = (
    "design_engineering",
    "materials_components",
    "production",
    "distribution_logistics",
    "use_maintenance",
    "repair_reuse",
    "recycling",
)
ACTOR_TYPES = (  # (type, weight)
    ("company", 80),
    ("social_economy", 4),
    ("training_centre", 2),
    ("incubator", 1),
    ("fablab", 1),
    ("research_centre", 1),
    ("university", 0.5),
    ("cluster", 0.5),
    ("federation", 0.5),
    ("public_operator", 0.5),
    ("network", 1),
    ("fund", 0.5),
    ("project_or_place", 1),
    ("other", 2),
    ("unknown", 4.5),
)
COMPANY_RELATIONS = (
    ("supplies", 40),
    ("buys_from", 15),
    ("partners_with", 25),
    ("shares_facility", 5),
    ("exchanges_resource", 5),
    ("located_at", 10),
)
HUB_RELATIONS = {
    "cluster": "member_of",
    "federation": "member_of",
    "network": "member_of",
    "incubator": "incubated_by",
    "training_centre": "trains_for",
    "fund": "funds",
    "public_operator": "funds",
    "university": "partners_with",
    "research_centre": "partners_with",
    "fablab": "shares_facility",
    "project_or_place": "located_at",
}
TARGETS = {"import_s": 60, "metrics_s": 120, "view_ms": 200}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# ---------------------------------------------------------------- data


def generate(folder: Path, n_actors: int, n_relations: int, seed: int) -> tuple[Path, Path]:
    rng = random.Random(seed)
    types = rng.choices(
        [t for t, _ in ACTOR_TYPES], weights=[w for _, w in ACTOR_TYPES], k=n_actors
    )
    keys = [f"bench-{i:07d}" for i in range(n_actors)]
    actors = folder / "elements.csv"
    with actors.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "ID",
                "Label",
                "Type",
                "Description",
                "Tags",
                "Stages",
                "Municipality",
                "Source",
                "Source date",
            ]
        )
        for i, key in enumerate(keys):
            sectors = rng.sample(SECTORS, 1 if rng.random() < 0.8 else 2)
            stage = f"{sectors[0]}:{rng.choice(STAGES)}"
            w.writerow(
                [
                    key,
                    f"Benchmark actor {i}",
                    types[i],
                    "",
                    "|".join(sectors),
                    stage,
                    str(rng.randint(21001, 21019)),
                    "benchmark",
                    "2026",
                ]
            )
    # power-law-ish: weight of the actor at rank r is (r + 1)^-0.8; ranks shuffled, but the
    # organisations that gather others (clusters, federations, operators …) rank first
    order = list(range(n_actors))
    rng.shuffle(order)
    order.sort(key=lambda i: 0 if types[i] in HUB_RELATIONS else 1)
    weights = [0.0] * n_actors
    for rank, i in enumerate(order):
        weights[i] = (rank + 1) ** -0.8
    cumulative, total = [], 0.0
    for x in weights:
        total += x
        cumulative.append(total)
    population = range(n_actors)
    relations = folder / "connections.csv"
    company_types = [t for t, _ in COMPANY_RELATIONS]
    company_weights = [x for _, x in COMPANY_RELATIONS]
    with relations.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["ID", "From", "To", "Type", "Direction", "Strength", "Source", "Source date"])
        made = 0
        while made < n_relations:
            batch = min(100_000, n_relations - made)
            ends = rng.choices(population, cum_weights=cumulative, k=2 * batch)
            for j in range(batch):
                a, b = ends[2 * j], ends[2 * j + 1]
                if a == b:
                    b = (b + 1) % n_actors
                if types[b] in HUB_RELATIONS and types[a] not in HUB_RELATIONS:
                    kind = HUB_RELATIONS[types[b]]
                elif types[a] in HUB_RELATIONS and types[b] not in HUB_RELATIONS:
                    a, b = b, a
                    kind = HUB_RELATIONS[types[b]]
                else:
                    kind = rng.choices(company_types, weights=company_weights)[0]
                directed = kind not in ("partners_with", "shares_facility")
                w.writerow(
                    [
                        f"rel-{made:08d}",
                        keys[a],
                        keys[b],
                        kind,
                        "directed" if directed else "undirected",
                        rng.randint(1, 10),
                        "benchmark",
                        "2026",
                    ]
                )
                made += 1
            log(f"  {made:,} relations written")
    return actors, relations


# ---------------------------------------------------------------- processes


WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "elapsed = time.perf_counter() - t\n"
    "sys.stderr.write(r.stdout[-2000:] + r.stderr[-4000:])\n"
    "print(r.returncode, elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def measured(args: list[str], env: dict) -> dict:
    """Wall time and peak memory (max RSS, MB) of one bruprod command: a wrapper process whose
    only child is the command reads its children's maximum RSS."""
    run = subprocess.run(
        [sys.executable, "-c", WRAPPER, BRUPROD, *args], env=env, capture_output=True, text=True
    )
    if run.returncode != 0 or not run.stdout.strip():
        raise SystemExit(f"bruprod {' '.join(args)} failed:\n{run.stderr}")
    code, elapsed, maxrss_kb = run.stdout.split()
    if code != "0":
        raise SystemExit(f"bruprod {' '.join(args)} exited with {code}:\n{run.stderr}")
    return {
        "seconds": round(float(elapsed), 1),
        "peak_rss_mb": round(int(maxrss_kb) / 1024),
        "output": run.stderr.strip().splitlines()[-1:],
    }


def bruprod(args: list[str], env: dict) -> None:
    run = subprocess.run([BRUPROD, *args], env=env, capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"bruprod {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}")


def timings(call, runs: int) -> dict:
    for _ in range(2):
        call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return {"median_ms": round(statistics.median(samples), 1), "p95_ms": round(p95, 1)}


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--relations", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--period", default="2026")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", help="folder for the files and database (default: temporary)")
    args = parser.parse_args()

    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="bruprod-eco-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    out: dict = {
        "actors": args.actors,
        "relations": args.relations,
        "cores": os.cpu_count(),
        "load_average_start": loadavg(),
        "targets": TARGETS,
    }
    env = dict(os.environ)
    env["BRUPROD_DATA_DIR"] = str(work / "data")
    env["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    (work / "data").mkdir(exist_ok=True)
    os.environ.update({k: env[k] for k in ("BRUPROD_DATA_DIR", "DATABASE_URL")})
    try:
        log(f"generating {args.actors:,} actors and {args.relations:,} relations in {work}")
        started = time.perf_counter()
        actors_file, relations_file = generate(work, args.actors, args.relations, args.seed)
        out["generate_s"] = round(time.perf_counter() - started, 1)
        out["files_mb"] = {
            p.name: round(p.stat().st_size / 1e6, 1) for p in (actors_file, relations_file)
        }
        log("fresh database: migrate, load-plan, load-ecosystem")
        for command in (["migrate", "--noinput", "-v", "0"], ["load-plan"], ["load-ecosystem"]):
            bruprod(command, env)
        log("import (import-ecosystem)")
        out["load_average_before_import"] = loadavg()
        out["import"] = measured(
            ["import-ecosystem", "--actors", str(actors_file), "--relations", str(relations_file)],
            env,
        )
        log(f"  {out['import']}")
        log("metrics (ecosystem-metrics)")
        out["load_average_before_metrics"] = loadavg()
        out["metrics"] = measured(["ecosystem-metrics", "--period", args.period], env)
        log(f"  {out['metrics']}")

        os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
        import django

        django.setup()
        from django.test import Client

        from ecosystem.models import ActorMetric, MetricRun, Relation
        from ecosystem.services import metrics_compute  # noqa: F401 (same code as the command)

        run = MetricRun.objects.get(period=args.period)
        out["metrics"]["in_run_s"] = round(run.seconds or 0, 1)
        out["metrics"]["graph"] = {
            "nodes": run.nodes,
            "edges": run.edges,
            "components": run.components,
            "communities": run.communities,
            "betweenness": run.method.get("betweenness", ""),
        }
        degrees = list(
            ActorMetric.objects.filter(run=run)
            .order_by("-degree", "actor_id")
            .values_list("actor__key", "degree")
        )
        hub, median = degrees[0], degrees[len(degrees) // 2]
        out["degree"] = {"hub": hub, "median": median, "relations": Relation.objects.count()}
        client = Client()
        log(f"views: hub {hub}, median {median}")
        out["load_average_before_views"] = loadavg()
        pages = {
            "floor /healthz": "/healthz",
            "hub neighbourhood depth 1": f"/nl/ecosystem/network/?actor={hub[0]}",
            "hub neighbourhood depth 2": f"/nl/ecosystem/network/?actor={hub[0]}&depth=2",
            "median neighbourhood depth 1": f"/nl/ecosystem/network/?actor={median[0]}",
            "median neighbourhood depth 2": f"/nl/ecosystem/network/?actor={median[0]}&depth=2",
            "hub actor page": f"/nl/ecosystem/actors/{hub[0]}/",
            "median actor page": f"/nl/ecosystem/actors/{median[0]}/",
            "sector matrix (construction)": "/nl/ecosystem/?sector=construction",
            "matrix, all sectors": "/nl/ecosystem/",
            "sector network (construction)": "/nl/ecosystem/network/?sector=construction",
        }
        out["views"] = {}
        for label, url in pages.items():
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")

            def get(url=url):
                client.get(url)

            out["views"][label] = {"url": url, **timings(get, args.runs)}
            log(f"  {label}: {out['views'][label]}")
        out["load_average_end"] = loadavg()
        views = [v for k, v in out["views"].items() if not k.startswith("floor")]
        out["targets_met"] = {
            "import": out["import"]["seconds"] < TARGETS["import_s"],
            "metrics": out["metrics"]["seconds"] < TARGETS["metrics_s"],
            "views": all(v["median_ms"] < TARGETS["view_ms"] for v in views),
        }
        print(json.dumps(out, indent=2, ensure_ascii=False))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
