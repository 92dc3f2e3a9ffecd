"""The real daily update 0147 (11-10-2025) applied onto a synthetic Full dump numbered 146."""

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest

from economy.kbo_format import DATA_TABLES, KEYS
from economy.models import KboSnapshot
from economy.sample import kbo_sample_write
from economy.selectors import establishments_by, figure_value
from economy.services import kbo_import, snapshot_store_path
from geo.selectors import postal_code_rows

pytestmark = pytest.mark.django_db


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def oracle(full: Path, update: Path | None) -> dict:
    """The expected state, computed the plain way: dicts in Python, deletes then inserts."""
    tables = {t: read(full / f"{t}.csv") for t in ("enterprise", "establishment", "address")}
    if update is not None:
        for t in tables:
            gone = {r[KEYS[t]] for r in read(update / f"{t}_delete.csv")}
            tables[t] = [r for r in tables[t] if r[KEYS[t]] not in gone] + read(
                update / f"{t}_insert.csv"
            )
    postal: dict[str, list[tuple[str, str, str]]] = {}
    for code, refnis, nl, fr in postal_code_rows():
        postal.setdefault(code, []).append((refnis, nl, fr))

    def municipality(row):
        if row["CountryNL"] or not ("1000" <= row["Zipcode"] <= "1299") or len(row["Zipcode"]) != 4:
            return None
        candidates = postal.get(row["Zipcode"], [])
        for refnis, nl, fr in candidates:
            if row["MunicipalityNL"].lower() == nl or row["MunicipalityFR"].lower() == fr:
                return refnis
        return candidates[0][0] if candidates else "unknown"

    enterprises = {r["EnterpriseNumber"] for r in tables["enterprise"]}
    owner = {r["EstablishmentNumber"]: r["EnterpriseNumber"] for r in tables["establishment"]}
    present, by_municipality = set(), {}
    for row in tables["address"]:
        refnis = municipality(row)
        if refnis is None:
            continue
        if row["TypeOfAddress"] == "REGO" and row["EntityNumber"] in enterprises:
            present.add(row["EntityNumber"])
        if row["TypeOfAddress"] == "BAET" and owner.get(row["EntityNumber"]) in enterprises:
            present.add(owner[row["EntityNumber"]])
            by_municipality[refnis] = by_municipality.get(refnis, 0) + 1
    return {
        "enterprise_rows": len(tables["enterprise"]),
        "establishment_rows": len(tables["establishment"]),
        "present": len(present),
        "establishments_by_municipality": by_municipality,
    }


def test_real_update_0147_onto_a_synthetic_full_dump(kbo_data_dir, tmp_path, shared_kbo):
    update = shared_kbo / "update-0147"
    full = tmp_path / "full"
    kbo_sample_write(
        out=full,
        enterprises=400,
        seed=7,
        extract_number=146,
        snapshot_date=dt.date(2025, 10, 10),
        code_table=shared_kbo / "code.csv",
        base_for=update,
        with_update=False,
    )
    before = oracle(full, None)
    first = kbo_import(path=full)
    assert first.snapshot.synthetic
    assert figure_value(snapshot=first.snapshot, measure="enterprises") == before["present"]

    result = kbo_import(path=update, update=True)  # the real folder, read in place
    after = oracle(full, update)
    snapshot = result.snapshot
    assert (snapshot.extract_number, snapshot.snapshot_date) == (147, dt.date(2025, 10, 11))
    assert snapshot.synthetic  # applied onto synthetic data: still labelled synthetic

    # The register tables moved exactly as the deletes and inserts say.
    deleted = {r["EnterpriseNumber"] for r in read(update / "enterprise_delete.csv")}
    inserted = read(update / "enterprise_insert.csv")
    assert snapshot.counts["enterprise"] == first.snapshot.counts["enterprise"] - len(
        deleted
    ) + len(inserted)
    assert snapshot.counts["enterprise"] == after["enterprise_rows"]
    assert snapshot.counts["establishment"] == after["establishment_rows"]
    for table in DATA_TABLES:
        assert snapshot.counts[f"{table}_delete"] == len(read(update / f"{table}_delete.csv"))
        assert snapshot.counts[f"{table}_insert"] == len(read(update / f"{table}_insert.csv"))

    # ... and so did the Region's figures.
    assert figure_value(snapshot=snapshot, measure="enterprises") == after["present"]
    assert (
        establishments_by(snapshot=snapshot, by="municipality")
        == after["establishments_by_municipality"]
    )
    ceased_in_region = figure_value(snapshot=snapshot, measure="cessations")
    arrived = figure_value(snapshot=snapshot, measure="arrivals")
    assert before["present"] - ceased_in_region + arrived == after["present"]
    assert ceased_in_region > 0 and arrived > 0

    con = duckdb.connect(str(snapshot_store_path(snapshot)), read_only=True)
    try:
        still_there = con.execute(
            "SELECT count(*) FROM enterprise WHERE EnterpriseNumber IN (SELECT unnest(?))",
            [sorted(deleted - {r["EnterpriseNumber"] for r in inserted})],
        ).fetchone()[0]
        molenbeek = con.execute(
            "SELECT refnis FROM location WHERE entity = '1029.028.161' AND kind = 'REGO'"
        ).fetchone()
    finally:
        con.close()
    assert still_there == 0
    assert molenbeek == ("21012",)  # the new association's seat in Molenbeek
    assert KboSnapshot.objects.count() == 2
