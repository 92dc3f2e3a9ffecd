"""Benchmark of the KBO/BCE import at Belgium scale (issue 5, point 8).

    .venv/bin/python benchmarks/kbo_import.py [--enterprises 1938238] [--tmp /tmp] [--no-postgres]
        [--reuse DIR]

`--reuse DIR` keeps the generated dump in DIR (full/ and update/) and reuses it on the next run
with the same DIR (only the dump: the store, database and PostgreSQL copy are always fresh).

In one run: generates a synthetic Full dump with the row counts of the real one (extract 140,
~47 million rows, ~2 GB of CSV) and its matching Update into a temporary folder; measures the
bare DuckDB scan (`count(*)` over every CSV) as the floor; the full import (`bruprod import-kbo`,
validation, classification and aggregates included) in a child process: wall time, rows/s and
peak memory (max RSS); a PostgreSQL `COPY` of the same files into TEXT tables of a throw-away
database (dropped afterwards); and the daily update (`bruprod import-kbo --update`).
Everything is deleted at the end (the dump too unless --reuse). Figures are recorded in docs/kbo.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

TABLES = (
    "code",
    "enterprise",
    "establishment",
    "denomination",
    "address",
    "contact",
    "activity",
    "branch",
)


def bruprod(args: list[str], env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    run = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "bruprod"), *args], env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"bruprod {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}")
    return elapsed, run.stdout + run.stderr


def ledger_seconds(env: dict) -> float | None:
    """The import's own duration (without the command's start-up), from the ledger."""
    out = (
        subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "bruprod"),
                "shell",
                "-c",
                "from economy.models import KboImport; print(KboImport.objects.order_by('-imported_at').first().duration_seconds)",
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()
    )
    return float(out[-1]) if out else None


def _lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 22), b""))


def bare_scan(folder: Path) -> tuple[float, int]:
    import duckdb

    from economy.kbo_format import COLUMNS

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    started = time.perf_counter()
    total = 0
    for table in TABLES:
        spec = ", ".join(f"'{c}': 'VARCHAR'" for c in COLUMNS[table])
        total += con.execute(
            f"SELECT count(*) FROM read_csv('{folder / (table + '.csv')}', header = true, "
            f"auto_detect = false, delim = ',', quote = '\"', escape = '\"', columns = {{{spec}}})"
        ).fetchone()[0]
    return time.perf_counter() - started, total


def postgres_copy(folder: Path, url: str) -> float | str:
    try:
        import psycopg
    except ImportError:  # pragma: no cover
        return "psycopg not installed"
    from economy.kbo_format import COLUMNS

    database = f"bruprod_kbo_bench_{os.getpid()}"
    try:
        admin = psycopg.connect(url, autocommit=True)
    except Exception as exc:  # noqa: BLE001 - report, don't fail the benchmark
        return f"PostgreSQL not reachable ({exc})"
    try:
        admin.execute(f'CREATE DATABASE "{database}"')
        base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url
        with psycopg.connect(f"{base}/{database}") as con:
            with con.cursor() as cur:
                for table in TABLES:
                    columns = ", ".join(f'"{c}" text' for c in COLUMNS[table])
                    cur.execute(f'CREATE UNLOGGED TABLE "{table}" ({columns})')
            con.commit()
            started = time.perf_counter()
            with con.cursor() as cur:
                for table in TABLES:
                    with (
                        (folder / f"{table}.csv").open("rb") as handle,
                        cur.copy(
                            f'COPY "{table}" FROM STDIN WITH (FORMAT csv, HEADER true)'
                        ) as copy,
                    ):
                        while chunk := handle.read(1 << 20):
                            copy.write(chunk)
            con.commit()
            return time.perf_counter() - started
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
        admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--enterprises", type=int, default=1_938_238)
    parser.add_argument("--tmp", default=tempfile.gettempdir())
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--reuse",
        metavar="DIR",
        help="keep the generated dump in DIR and reuse it when it is already there",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from economy.sample import kbo_sample_write

    reuse = Path(args.reuse) if args.reuse else None
    dump_dir = reuse or Path(args.tmp)
    dump_dir.mkdir(parents=True, exist_ok=True)
    full, update = dump_dir / "full", dump_dir / "update"
    reusing = reuse is not None and (full / "meta.csv").exists() and (update / "meta.csv").exists()
    free = shutil.disk_usage(dump_dir).free
    need = (0 if reusing else int(2.6e9 * args.enterprises / 1_938_238)) + int(1e9)
    if free < need:
        raise SystemExit(f"{dump_dir}: {free / 1e9:.1f} GB free, {need / 1e9:.1f} GB needed")
    work = Path(tempfile.mkdtemp(prefix="kbo-bench-", dir=args.tmp))
    if reuse is None:
        full, update = work / "full", work / "update"
    results: dict[str, object] = {"enterprises": args.enterprises, "cpus": os.cpu_count()}
    try:
        if reusing:
            print(f"Reusing the dump in {dump_dir}", flush=True)
            results["rows"] = {t: _lines(full / f"{t}.csv") - 1 for t in TABLES}
            results["rows_total"] = sum(results["rows"].values())
        else:
            print(
                f"Generating a synthetic dump of {args.enterprises:,} enterprises in {full.parent} …",
                flush=True,
            )
            shutil.rmtree(full, ignore_errors=True)
            shutil.rmtree(update, ignore_errors=True)
            started = time.perf_counter()
            sample = kbo_sample_write(out=full, enterprises=args.enterprises, update_out=update)
            results["generate_s"] = round(time.perf_counter() - started, 1)
            results["rows"] = sample.rows
            results["rows_total"] = sum(sample.rows.values())
            print(f"  {sample.summary()} in {results['generate_s']} s", flush=True)
        results["csv_bytes"] = sum((full / f"{t}.csv").stat().st_size for t in TABLES)

        print("Bare DuckDB scan (count(*) over every CSV) …", flush=True)
        scan_s, scanned = bare_scan(full)
        results["bare_scan_s"] = round(scan_s, 2)
        print(f"  {scanned:,} rows in {scan_s:.2f} s", flush=True)

        env = dict(os.environ)
        env["BRUPROD_DATA_DIR"] = str(work / "data")
        env["DATABASE_URL"] = f"sqlite:///{work / 'data' / 'bench.sqlite3'}"
        (work / "data").mkdir()
        bruprod(["migrate", "--noinput", "-v", "0"], env)
        bruprod(["load-geo"], env)
        print("Full import (bruprod import-kbo) …", flush=True)
        wall, output = bruprod(["import-kbo", str(full)], env)
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        results["import_wall_s"] = round(wall, 2)
        results["import_peak_rss_mb"] = round(peak_kb / 1024)
        results["import_rows_per_s"] = round(results["rows_total"] / wall)
        results["import_vs_scan"] = round(wall / scan_s, 2)
        results["import_in_process_s"] = ledger_seconds(env)
        results["import_in_process_vs_scan"] = round(results["import_in_process_s"] / scan_s, 2)
        steps = [line for line in output.splitlines() if "✓" in line]
        results["import_steps"] = steps
        print("\n".join(f"  {s}" for s in steps), flush=True)
        print(f"  {wall:.2f} s wall, peak RSS {results['import_peak_rss_mb']} MB", flush=True)

        print("Daily update (bruprod import-kbo --update) …", flush=True)
        wall, output = bruprod(["import-kbo", "--update", str(update)], env)
        results["update_wall_s"] = round(wall, 2)
        results["update_in_process_s"] = ledger_seconds(env)
        print(
            f"  {wall:.2f} s wall (command), {results['update_in_process_s']} s in the import",
            flush=True,
        )

        if not args.no_postgres:
            print("PostgreSQL COPY of the same files …", flush=True)
            copy = postgres_copy(full, args.postgres)
            results["postgres_copy_s"] = round(copy, 2) if isinstance(copy, float) else copy
            print(f"  {results['postgres_copy_s']}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
