"""The KBO/BCE open-data format: files, columns, keys, dates and code categories.

See ../shared/KBO_FORMAT.md (the official "Cookbook KBO Open Data", release R018).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DATA_TABLES = (
    "enterprise",
    "establishment",
    "denomination",
    "address",
    "contact",
    "activity",
    "branch",
)

COLUMNS: dict[str, tuple[str, ...]] = {
    "meta": ("Variable", "Value"),
    "code": ("Category", "Code", "Language", "Description"),
    "enterprise": (
        "EnterpriseNumber",
        "Status",
        "JuridicalSituation",
        "TypeOfEnterprise",
        "JuridicalForm",
        "JuridicalFormCAC",
        "StartDate",
    ),
    "establishment": ("EstablishmentNumber", "StartDate", "EnterpriseNumber"),
    "denomination": ("EntityNumber", "Language", "TypeOfDenomination", "Denomination"),
    "address": (
        "EntityNumber",
        "TypeOfAddress",
        "CountryNL",
        "CountryFR",
        "Zipcode",
        "MunicipalityNL",
        "MunicipalityFR",
        "StreetNL",
        "StreetFR",
        "HouseNumber",
        "Box",
        "ExtraAddressInfo",
        "DateStrikingOff",
    ),
    "contact": ("EntityNumber", "EntityContact", "ContactType", "Value"),
    "activity": ("EntityNumber", "ActivityGroup", "NaceVersion", "NaceCode", "Classification"),
    "branch": ("Id", "StartDate", "EnterpriseNumber"),
}
# Old extracts have no JuridicalFormCAC column: that 6-column header is accepted too.
OLD_ENTERPRISE_COLUMNS = tuple(c for c in COLUMNS["enterprise"] if c != "JuridicalFormCAC")

KEYS = {
    "enterprise": "EnterpriseNumber",
    "establishment": "EstablishmentNumber",
    "denomination": "EntityNumber",
    "address": "EntityNumber",
    "contact": "EntityNumber",
    "activity": "EntityNumber",
    "branch": "Id",
}
DATE_COLUMNS = {
    "enterprise": ("StartDate",),
    "establishment": ("StartDate",),
    "branch": ("StartDate",),
    "address": ("DateStrikingOff",),
}
# Columns whose values must be codes of code.csv (column → category). NaceCode is checked
# against the category "Nace" + NaceVersion (Nace2003, Nace2008, Nace2025, any later one).
CODE_COLUMNS = {
    "enterprise": {
        "Status": "Status",
        "JuridicalSituation": "JuridicalSituation",
        "TypeOfEnterprise": "TypeOfEnterprise",
        "JuridicalForm": "JuridicalForm",
        "JuridicalFormCAC": "JuridicalForm",
    },
    "denomination": {"Language": "Language", "TypeOfDenomination": "TypeOfDenomination"},
    "address": {"TypeOfAddress": "TypeOfAddress"},
    "contact": {"EntityContact": "EntityContact", "ContactType": "ContactType"},
    "activity": {"ActivityGroup": "ActivityGroup", "Classification": "Classification"},
}
FULL_FILES = ("meta", "code", *DATA_TABLES)
UPDATE_FILES = (
    "meta",
    *(f"{table}_{part}" for table in DATA_TABLES for part in ("delete", "insert")),
)
META_VARIABLES = ("SnapshotDate", "ExtractTimestamp", "ExtractType", "ExtractNumber", "Version")
DATE_FORMAT = "%d-%m-%Y"
TIMESTAMP_FORMAT = "%d-%m-%Y %H:%M:%S"
ZIP_NAME = re.compile(r"KboOpenData_(\d{4})_(\d{4})_(\d{2})(?:_(\d{2}))?_(Full|Update)\.zip$", re.I)


def file_columns(name: str) -> tuple[str, ...]:
    """Expected columns of a file name without .csv (`activity`, `activity_insert`, …)."""
    if name.endswith("_delete"):
        table = name.removesuffix("_delete")
        return (KEYS[table],)
    return COLUMNS[name.removesuffix("_insert")]


def table_of(name: str) -> str:
    return name.removesuffix("_delete").removesuffix("_insert")


@dataclass(frozen=True)
class Meta:
    snapshot_date: dt.date
    extract_timestamp: dt.datetime | None
    extract_type: str  # "full" or "update"
    extract_number: int
    version: str
    synthetic: bool = False

    @property
    def snapshot_label(self) -> str:
        return self.snapshot_date.strftime(DATE_FORMAT)


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value, DATE_FORMAT).date()
    except (TypeError, ValueError):
        return None
