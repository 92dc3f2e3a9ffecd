"""Small hand-written KBO dumps for tests, in the official dialect."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from economy.kbo_format import COLUMNS, DATA_TABLES, KEYS, file_columns
from economy.sample import code_table_rows, meta_rows, write_csv

DIVISIONS = ("10", "43", "45", "62", "90")  # the NACE divisions the test dumps use


@functools.cache
def codes() -> tuple[dict, ...]:
    """A small code table (every category, but NACE only for a few divisions): quick tests."""
    return tuple(
        r
        for r in code_table_rows()
        if not r["Category"].startswith("Nace")
        or (r["Language"] == "NL" and r["Code"][:2] in DIVISIONS)
    )


def enterprise(number, kind="2", start="01-02-2015", form=None, situation="000"):
    return {
        "EnterpriseNumber": number,
        "Status": "AC",
        "JuridicalSituation": situation,
        "TypeOfEnterprise": kind,
        "JuridicalForm": form if form is not None else ("610" if kind == "2" else None),
        "JuridicalFormCAC": None,
        "StartDate": start,
    }


def establishment(number, owner, start="01-03-2016"):
    return {"EstablishmentNumber": number, "StartDate": start, "EnterpriseNumber": owner}


def address(entity, kind, zipcode, nl, fr=None, country=None):
    return {
        "EntityNumber": entity,
        "TypeOfAddress": kind,
        "CountryNL": country,
        "CountryFR": country,
        "Zipcode": zipcode,
        "MunicipalityNL": nl,
        "MunicipalityFR": fr or nl,
        "StreetNL": "Kanaalstraat",
        "StreetFR": "Rue du Canal",
        "HouseNumber": "7",
        "Box": "",
        "ExtraAddressInfo": "",
        "DateStrikingOff": None,
    }


def activity(entity, version, code, classification="MAIN", group="001"):
    return {
        "EntityNumber": entity,
        "ActivityGroup": group,
        "NaceVersion": version,
        "NaceCode": code,
        "Classification": classification,
    }


def name(entity, text, language="2", kind="001"):
    return {
        "EntityNumber": entity,
        "Language": language,
        "TypeOfDenomination": kind,
        "Denomination": text,
    }


def write_full(
    folder: Path,
    tables: dict[str, list[dict]],
    *,
    number=146,
    date=dt.date(2025, 10, 10),
    synthetic=False,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(
        folder / "meta.csv",
        COLUMNS["meta"],
        meta_rows(snapshot=date, extract_type="full", number=number, synthetic=synthetic),
    )
    write_csv(folder / "code.csv", COLUMNS["code"], list(codes()))
    for table in DATA_TABLES:
        write_csv(folder / f"{table}.csv", COLUMNS[table], tables.get(table, []))
    return folder


def write_update(
    folder: Path,
    *,
    deletes: dict[str, list[str]] | None = None,
    inserts: dict[str, list[dict]] | None = None,
    number=147,
    date=dt.date(2025, 10, 11),
    with_code=True,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(
        folder / "meta.csv",
        COLUMNS["meta"],
        meta_rows(snapshot=date, extract_type="update", number=number, synthetic=False),
    )
    if with_code:
        write_csv(folder / "code.csv", COLUMNS["code"], list(codes()))
    for table in DATA_TABLES:
        keys = (deletes or {}).get(table, [])
        write_csv(
            folder / f"{table}_delete.csv",
            file_columns(f"{table}_delete"),
            [{KEYS[table]: k} for k in keys],
        )
        write_csv(folder / f"{table}_insert.csv", COLUMNS[table], (inserts or {}).get(table, []))
    return folder
