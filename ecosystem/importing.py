"""Actors and relations in and out, in Kumu-compatible columns (CSV or XLSX).

Elements: `ID` (Bruprod's stable key), `Label`, `Type`, `Description`, `Tags` (sector codes,
"|"-separated) plus Bruprod's columns. Connections: `From`, `To` (element IDs), `Type`,
`Direction` (directed, undirected; Kumu's "mutual" reads as undirected), `Strength` (0–10),
`Label` plus Bruprod's columns. The same columns go out as come in. An import reads and
validates both files first (`file:line: column: message`), then writes in one transaction,
upserting on the stable key: a second import of the same files writes nothing.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook
from simple_history.utils import bulk_update_with_history

from core.exports import Table, restore_formula_text
from core.validation import InputFileError, read_csv, xlsx_problem
from plan.models import Measure
from reference.models import Sector

from .loader import relation_key
from .models import STRENGTH_MAX, STRENGTH_MIN, Actor, EcosystemImport, Relation, ValueChainStage

ELEMENT_COLUMNS = (
    "ID",
    "Label",
    "Type",
    "Description",
    "Tags",
    "Label FR",
    "Label EN",
    "KBO",
    "Stages",
    "Municipality",
    "Address",
    "Postal code",
    "Latitude",
    "Longitude",
    "Size band",
    "Website",
    "Measures",
    "Organisation",
    "End date",
    "Source",
    "Source date",
)
CONNECTION_COLUMNS = (
    "ID",
    "From",
    "To",
    "Type",
    "Direction",
    "Strength",
    "Label",
    "Tags",
    "From date",
    "To date",
    "Source",
    "Source date",
)
ELEMENT_REQUIRED = ("ID", "Label", "Type")
CONNECTION_REQUIRED = ("From", "To", "Type")
DIRECTIONS = {"directed": True, "undirected": False, "mutual": False, "": True}
MAX_BYTES = 500 * 1024 * 1024

# element column → (model field, fact it belongs to)
ELEMENT_FIELDS = {
    "Label": ("name_nl", "name"),
    "Label FR": ("name_fr", "name"),
    "Label EN": ("name_en", "name"),
    "Type": ("type", "type"),
    "Description": ("description_nl", "description"),
    "KBO": ("kbo_number", "kbo_number"),
    "Municipality": ("municipality", "municipality"),
    "Address": ("address", "address"),
    "Postal code": ("postal_code", "address"),
    "Latitude": ("latitude", "coordinates"),
    "Longitude": ("longitude", "coordinates"),
    "Size band": ("size_band", "size_band"),
    "Website": ("website", "website"),
    "End date": ("end_date", "end_date"),
}


def _split(value: str) -> list[str]:
    return [p.strip() for p in value.split("|") if p.strip()]


# ---------------------------------------------------------------- reading


def read_rows(name: str, content: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    """(header, [(line, {column: text})]) of a CSV or XLSX file; line 1 is the header."""
    if name.lower().endswith(".xlsx"):
        bomb = xlsx_problem(name, content)
        if bomb:
            raise InputFileError([bomb])
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
            raw = [
                (i, ["" if c is None else str(c) for c in row])
                for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)
            ]
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one message
            raise InputFileError([f"{name}: not a readable XLSX workbook ({exc})"]) from exc
    elif name.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputFileError([f"{name}: not UTF-8 text"]) from exc
        raw = read_csv(name, text)
    else:
        raise InputFileError([f"{name}: only .csv and .xlsx files can be imported"])
    if not raw:
        raise InputFileError([f"{name}:1: the file is empty (a header row is needed)"])
    header = [h.strip() for h in raw[0][1]]
    rows = []
    for line, cells in raw[1:]:
        if not any(c.strip() for c in cells):
            continue
        row = {
            h: restore_formula_text((cells[i] if i < len(cells) else "").strip())
            for i, h in enumerate(header)
        }
        rows.append((line, row))
    return header, rows


def _header_problems(name: str, header: list[str], allowed, required) -> list[str]:
    problems = []
    seen = set()
    for i, column in enumerate(header, start=1):
        if column not in allowed:
            problems.append(
                f"{name}:1: column {column!r} (column {i}): unknown column; expected {', '.join(allowed)}"
            )
        if column in seen:
            problems.append(f"{name}:1: column {column!r}: appears twice")
        seen.add(column)
    for column in required:
        if column not in header:
            problems.append(f"{name}:1: column {column!r}: missing")
    return problems


# ---------------------------------------------------------------- validating


@dataclass
class Parsed:
    actors: dict[str, dict] = field(default_factory=dict)  # key → values (+ _line)
    relations: dict[str, dict] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _float(value: str) -> float | None:
    try:
        return float(value.replace(",", "."))
    except ValueError:
        return None


def _source_date_ok(value: str) -> bool:
    """A source date may be a year, a month or a day (2019, 2019-01, 2019-01-31)."""
    import re

    return bool(re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value))


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def validate_elements(name: str, header, rows, parsed: Parsed) -> None:
    types = set(Actor.Type.values)
    sectors = set(Sector.objects.values_list("slug", flat=True))
    stages = {f"{s}:{k}" for s, k in ValueChainStage.objects.values_list("sector__slug", "key")}
    codes = set(Measure.objects.values_list("code", flat=True))
    from reference.models import Organisation

    orgs = set(Organisation.objects.values_list("slug", flat=True))
    p = parsed.problems
    for line, row in rows:
        key = row.get("ID", "")

        def bad(column, message, line=line):
            p.append(f"{name}:{line}: {column}: {message}")

        if not key:
            bad("ID", "missing (the stable key of the element)")
            continue
        if len(key) > 120 or not all(c.isalnum() or c in "-_." for c in key):
            bad("ID", f"{key!r}: letters, digits, '-', '_' and '.' only, at most 120")
        if key in parsed.actors:
            bad("ID", f"{key!r} also on line {parsed.actors[key]['_line']}")
        if not row.get("Label"):
            bad("Label", "missing")
        if row.get("Type", "") not in types:
            bad("Type", f"unknown type {row.get('Type', '')!r}; one of {', '.join(sorted(types))}")
        for slug in _split(row.get("Tags", "")):
            if slug not in sectors:
                bad("Tags", f"unknown sector {slug!r}")
        for st in _split(row.get("Stages", "")):
            if st not in stages:
                bad("Stages", f"unknown stage {st!r} (sector:stage)")
        for code in _split(row.get("Measures", "")):
            if code not in codes:
                bad("Measures", f"unknown measure code {code!r}")
        if row.get("Organisation") and row["Organisation"] not in orgs:
            bad("Organisation", f"unknown plan organisation {row['Organisation']!r}")
        mun = row.get("Municipality", "")
        if mun and not (mun.isdigit() and 21001 <= int(mun) <= 21019):
            bad("Municipality", f"{mun!r} is not a Brussels REFNIS code (21001–21019)")
        for column, low, high in (("Latitude", -90, 90), ("Longitude", -180, 180)):
            if row.get(column):
                v = _float(row[column])
                if v is None or not low <= v <= high:
                    bad(column, f"{row[column]!r} is not a WGS84 {column.lower()}")
        if bool(row.get("Latitude")) != bool(row.get("Longitude")):
            bad("Latitude", "give both latitude and longitude, or neither")
        if row.get("End date") and _date(row["End date"]) is None:
            bad("End date", f"{row['End date']!r} is not a date (YYYY-MM-DD)")
        if row.get("Source date") and not _source_date_ok(row["Source date"]):
            bad(
                "Source date", f"{row['Source date']!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
            )
        if row.get("Website") and not row["Website"].startswith(("http://", "https://")):
            bad("Website", "an http(s) address")
        parsed.actors[key] = {**row, "_line": line}


def validate_connections(name: str, header, rows, parsed: Parsed, known: set[str]) -> None:
    types = set(Relation.Type.values)
    p = parsed.problems
    for line, row in rows:

        def bad(column, message, line=line):
            p.append(f"{name}:{line}: {column}: {message}")

        for end in ("From", "To"):
            if not row.get(end):
                bad(end, "missing")
            elif row[end] not in parsed.actors and row[end] not in known:
                bad(end, f"unknown actor {row[end]!r} (not in the elements nor in Bruprod)")
        if row.get("Type", "") not in types:
            bad("Type", f"unknown type {row.get('Type', '')!r}; one of {', '.join(sorted(types))}")
        direction = row.get("Direction", "").lower()
        if direction not in DIRECTIONS:
            bad("Direction", f"{row['Direction']!r}: directed or undirected")
        strength = 1.0
        if row.get("Strength"):
            v = _float(row["Strength"])
            if v is None or not STRENGTH_MIN <= v <= STRENGTH_MAX:
                bad(
                    "Strength",
                    f"{row['Strength']!r} is out of range ({STRENGTH_MIN:g}–{STRENGTH_MAX:g})",
                )
            else:
                strength = v
        for column in ("From date", "To date"):
            if row.get(column) and _date(row[column]) is None:
                bad(column, f"{row[column]!r} is not a date (YYYY-MM-DD)")
        if row.get("Source date") and not _source_date_ok(row["Source date"]):
            bad(
                "Source date", f"{row['Source date']!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
            )
        directed = DIRECTIONS.get(direction, True)
        a, b = row.get("From", ""), row.get("To", "")
        key = row.get("ID") or relation_key(a, row.get("Type", ""), b, directed)
        if key in parsed.relations:
            bad("ID", f"{key!r} also on line {parsed.relations[key]['_line']}")
        if not directed and b < a:
            a, b = b, a
        parsed.relations[key] = {
            **row,
            "From": a,
            "To": b,
            "_line": line,
            "_directed": directed,
            "_strength": strength,
        }


# ---------------------------------------------------------------- writing


@dataclass
class ImportResult:
    actors_created: int = 0
    actors_changed: int = 0
    relations_created: int = 0
    relations_changed: int = 0

    @property
    def changed(self) -> bool:
        return any(
            (
                self.actors_created,
                self.actors_changed,
                self.relations_created,
                self.relations_changed,
            )
        )


def _actor_values(row: dict) -> dict:
    values = {}
    for column, (fld, _fact) in ELEMENT_FIELDS.items():
        if column not in row:
            continue
        text = row[column]
        if fld in ("latitude", "longitude"):
            values[fld] = _float(text) if text else None
        elif fld == "end_date":
            values[fld] = _date(text) if text else None
        else:
            values[fld] = text
    return values


def ecosystem_import(
    *, actors_file: Path | None, relations_file: Path | None, by: str = "import"
) -> ImportResult:
    """Validate both files, then write in one transaction; nothing is written on any problem."""
    parsed = Parsed()
    contents = []
    files = []
    for path, allowed, required in (
        (actors_file, ELEMENT_COLUMNS, ELEMENT_REQUIRED),
        (relations_file, CONNECTION_COLUMNS, CONNECTION_REQUIRED),
    ):
        if path is None:
            contents.append(None)
            continue
        if not path.exists():
            raise InputFileError([f"{path.name}: file not found"])
        if path.stat().st_size > MAX_BYTES:
            raise InputFileError([f"{path.name}: larger than {MAX_BYTES} bytes"])
        content = path.read_bytes()
        files.append({"name": path.name, "sha256": hashlib.sha256(content).hexdigest()})
        header, rows = read_rows(path.name, content)
        parsed.problems.extend(_header_problems(path.name, header, allowed, required))
        contents.append((path.name, header, rows))
    if parsed.problems:
        raise InputFileError(parsed.problems)
    if contents[0]:
        validate_elements(*contents[0], parsed)
    known = set()
    if contents[1]:
        ends = {r.get(c, "") for _, r in contents[1][2] for c in ("From", "To")}
        ends -= set(parsed.actors)
        ends = list(ends)
        for i in range(0, len(ends), 900):
            known.update(
                Actor.objects.filter(key__in=ends[i : i + 900]).values_list("key", flat=True)
            )
        validate_connections(*contents[1], parsed, known)
    if parsed.problems:
        raise InputFileError(parsed.problems)
    result = ImportResult()
    with transaction.atomic():
        _write_actors(parsed, by, result)
        _write_relations(parsed, by, result)
        if result.changed:
            EcosystemImport.objects.create(
                imported_by=by,
                files=files,
                checksum=hashlib.sha256("".join(f["sha256"] for f in files).encode()).hexdigest(),
                counts=result.__dict__,
            )
    return result


def _fact(row: dict, by: str) -> dict:
    return {
        "source": row.get("Source") or f"import by {by}",
        "date": row.get("Source date") or timezone.localdate().isoformat(),
        "by": by,
    }


def _write_actors(parsed: Parsed, by: str, result: ImportResult) -> None:
    if not parsed.actors:
        return
    keys = list(parsed.actors)
    existing = {}
    for i in range(0, len(keys), 900):
        for a in Actor.objects.filter(key__in=keys[i : i + 900]):
            existing[a.key] = a
    sectors = dict(Sector.objects.values_list("slug", "pk"))
    stages = {
        f"{s}:{k}": pk
        for pk, s, k in ValueChainStage.objects.values_list("pk", "sector__slug", "key")
    }
    measures = dict(Measure.objects.values_list("code", "pk"))
    from reference.models import Organisation

    orgs = dict(Organisation.objects.values_list("slug", "pk"))
    new, changed = [], []
    for key, row in parsed.actors.items():
        values = _actor_values(row)
        if "Organisation" in row:
            values["organisation_id"] = (
                orgs.get(row["Organisation"]) if row["Organisation"] else None
            )
        actor = existing.get(key)
        if actor is None:
            actor = Actor(key=key, origin=Actor.Origin.IMPORT, **values)
            actor.search_key = ""
            facts = {ELEMENT_FIELDS[c][1] for c in ELEMENT_FIELDS if row.get(c)}
            actor.sources = {f: _fact(row, by) for f in sorted(facts)}
            actor.verified = {}
            actor._change_reason = f"import by {by}"
            new.append(actor)
            continue
        diff = [f for f, v in values.items() if getattr(actor, f) != v]
        if diff:
            for f in diff:
                setattr(actor, f, values[f])
                fact_name = next((x[1] for x in ELEMENT_FIELDS.values() if x[0] == f), f)
                actor.sources[fact_name] = _fact(row, by)
            actor.version += 1
            actor._change_reason = f"import by {by}"
            changed.append(actor)
    from core.text import fold

    for actor in new + changed:
        actor.search_key = fold(" ".join([actor.name_nl, actor.name_fr, actor.name_en, actor.key]))
    if new:
        insert_with_history(
            Actor,
            [
                {
                    f.attname: getattr(a, f.attname)
                    for f in Actor._meta.concrete_fields
                    if not f.primary_key
                }
                for a in new
            ],
            reason=f"import by {by}",
        )
        result.actors_created = len(new)
    if changed:
        bulk_update_with_history(
            changed,
            Actor,
            [
                *{f for a in changed for f in _actor_values(parsed.actors[a.key])},
                "sources",
                "search_key",
                "version",
                "organisation_id",
            ],
            batch_size=2000,
            default_change_reason=f"import by {by}",
        )
        result.actors_changed = len(changed)
    ids = {}
    for i in range(0, len(keys), 900):
        ids.update(dict(Actor.objects.filter(key__in=keys[i : i + 900]).values_list("key", "pk")))
    new_ids = {ids[a.key] for a in new}  # a new actor's links are part of its creation
    for rel_name, column, lookup, fk in (
        ("sectors", "Tags", sectors, "sector_id"),
        ("stages", "Stages", stages, "valuechainstage_id"),
        ("measures", "Measures", measures, "measure_id"),
    ):
        through = getattr(Actor, rel_name).through
        wanted = {
            ids[k]: {lookup[x] for x in _split(row.get(column, ""))}
            for k, row in parsed.actors.items()
            if column in row
        }
        current: dict[int, set[int]] = {}
        actor_ids = list(wanted)
        for i in range(0, len(actor_ids), 900):
            for a, t in through.objects.filter(actor_id__in=actor_ids[i : i + 900]).values_list(
                "actor_id", fk
            ):
                current.setdefault(a, set()).add(t)
        add, remove = [], []
        for a, targets in wanted.items():
            have = current.get(a, set())
            add.extend((a, t) for t in sorted(targets - have))
            remove.extend((a, t) for t in have - targets)
        insert_links(through, fk, add)
        for a, t in remove:
            through.objects.filter(actor_id=a, **{fk: t}).delete()
        if add or remove:
            result.actors_changed += len(({a for a, _ in add} | {a for a, _ in remove}) - new_ids)


def _write_relations(parsed: Parsed, by: str, result: ImportResult) -> None:
    if not parsed.relations:
        return
    ends = {r[c] for r in parsed.relations.values() for c in ("From", "To")}
    ids = {}
    ends_list = list(ends)
    for i in range(0, len(ends_list), 900):
        ids.update(
            dict(Actor.objects.filter(key__in=ends_list[i : i + 900]).values_list("key", "pk"))
        )
    keys = list(parsed.relations)
    existing = {}
    for i in range(0, len(keys), 900):
        for r in Relation.objects.filter(key__in=keys[i : i + 900]):
            existing[r.key] = r
    new, changed = [], []
    fields = [
        "source_actor_id",
        "target_actor_id",
        "type",
        "directed",
        "strength",
        "label",
        "valid_from",
        "valid_to",
        "source",
        "source_date",
    ]
    for key, row in parsed.relations.items():
        values = {
            "source_actor_id": ids[row["From"]],
            "target_actor_id": ids[row["To"]],
            "type": row["Type"],
            "directed": row["_directed"],
            "strength": row["_strength"],
            "label": row.get("Label", ""),
            "valid_from": _date(row.get("From date", "")) if row.get("From date") else None,
            "valid_to": _date(row.get("To date", "")) if row.get("To date") else None,
            "source": row.get("Source") or f"import by {by}",
            "source_date": row.get("Source date") or "",
        }
        rel = existing.get(key)
        if rel is None:
            new.append({"key": key, **values})
            continue
        diff = [f for f, v in values.items() if getattr(rel, f) != v]
        if diff:
            for f in diff:
                setattr(rel, f, values[f])
            rel.version += 1
            changed.append(rel)
    if new:
        insert_with_history(Relation, new, reason=f"import by {by}")
        result.relations_created = len(new)
    if changed:
        bulk_update_with_history(
            changed,
            Relation,
            [*fields, "version"],
            batch_size=5000,
            default_change_reason=f"import by {by}",
        )
        result.relations_changed = len(changed)


# ---------------------------------------------------------------- fast inserts (new rows)

_HISTORY_EXTRA = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
}
INSERT_BATCH = 2000


def insert_with_history(model, rows: list[dict], *, reason: str, key: str = "key") -> None:
    """Insert new rows of `model` ({attname: value}, the rest defaults) and, for each, its
    history row ("+", `reason`, the same time) — what bulk_create_with_history writes, without
    building two model instances per row: at 1,000,000 relations Django's per-object and
    per-field preparation took most of a 9-minute import. Values are prepared once per distinct
    value for dates and JSON; history rows are copied from the inserted rows by their unique
    `key` (INSERT … SELECT), so every row still has its own history entry."""
    if not rows:
        return
    from django.db import connection
    from django.db.models import DateField, DateTimeField, JSONField

    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    history = model.history.model
    copied = [f.attname for f in history._meta.concrete_fields if f.attname not in _HISTORY_EXTRA]
    if set(copied) - {f.attname for f in model._meta.concrete_fields}:
        raise RuntimeError(f"{history.__name__} has fields {model.__name__} has not")
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif f.has_default():
            defaults[f.attname] = f.get_default()
        else:
            defaults[f.attname] = None if f.null else ""
    automatic = {
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    prepared: dict = {}

    def prep(f, value):
        if value is None or not isinstance(f, (DateField, DateTimeField, JSONField)):
            return value
        cache_key = (f.attname, repr(value)) if isinstance(f, JSONField) else (f.attname, value)
        if cache_key not in prepared or isinstance(f, JSONField):
            prepared[cache_key] = f.get_db_prep_save(value, connection)
        return prepared[cache_key]

    q = connection.ops.quote_name
    table, history_table = q(model._meta.db_table), q(history._meta.db_table)
    insert = (
        f"INSERT INTO {table} ({', '.join(q(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    columns = [q(model._meta.get_field(a).column) for a in copied]
    when = prep(history._meta.get_field("history_date"), now)
    with connection.cursor() as cursor:
        for i in range(0, len(rows), INSERT_BATCH):
            batch = rows[i : i + INSERT_BATCH]
            cursor.executemany(
                insert,
                [
                    tuple(
                        prep(
                            f,
                            now
                            if f.attname in automatic
                            else r.get(f.attname, defaults[f.attname]),
                        )
                        for f in fields
                    )
                    for r in batch
                ],
            )
            for j in range(0, len(batch), 500):
                keys = [r[key] for r in batch[j : j + 500]]
                cursor.execute(
                    f"INSERT INTO {history_table} ({', '.join(columns)}, "
                    f"{q('history_date')}, {q('history_change_reason')}, {q('history_type')}, "
                    f"{q('history_user_id')}) SELECT {', '.join(columns)}, %s, %s, '+', NULL "
                    f"FROM {table} WHERE {q(key)} IN ({', '.join(['%s'] * len(keys))})",
                    [when, reason[:100], *keys],
                )


def insert_links(through, fk: str, pairs: list[tuple[int, int]]) -> None:
    """Insert many-to-many links (actor_id, other) without building model instances."""
    if not pairs:
        return
    from django.db import connection

    q = connection.ops.quote_name
    sql = (
        f"INSERT INTO {q(through._meta.db_table)} ({q('actor_id')}, {q(through._meta.get_field(fk).column)}) "
        "VALUES (%s, %s)"
    )
    with connection.cursor() as cursor:
        for i in range(0, len(pairs), 10_000):
            cursor.executemany(sql, pairs[i : i + 10_000])


# ---------------------------------------------------------------- export (the same columns)


def actors_table(actors) -> Table:
    rows = []
    for a in actors:
        rows.append(
            {
                "ID": a.key,
                "Label": a.name_nl,
                "Type": a.type,
                "Description": a.description_nl,
                "Tags": " | ".join(s.slug for s in a.sectors.all()),
                "Label FR": a.name_fr,
                "Label EN": a.name_en,
                "KBO": a.kbo_number,
                "Stages": " | ".join(f"{s.sector.slug}:{s.key}" for s in a.stages.all()),
                "Municipality": a.municipality,
                "Address": a.address,
                "Postal code": a.postal_code,
                "Latitude": "" if a.latitude is None else repr(a.latitude),
                "Longitude": "" if a.longitude is None else repr(a.longitude),
                "Size band": a.size_band,
                "Website": a.website,
                "Measures": " | ".join(m.code for m in a.measures.all()),
                "Organisation": a.organisation.slug if a.organisation_id else "",
                "End date": a.end_date.isoformat() if a.end_date else "",
                "Source": (a.sources.get("name") or {}).get("source", ""),
                "Source date": "",
            }
        )
    return Table(columns=ELEMENT_COLUMNS, rows=rows)


def relations_table(relations) -> Table:
    rows = []
    for r in relations:
        rows.append(
            {
                "ID": r.key,
                "From": r.source_actor.key,
                "To": r.target_actor.key,
                "Type": r.type,
                "Direction": "directed" if r.directed else "undirected",
                "Strength": repr(r.strength),
                "Label": r.label,
                "Tags": "derived" if r.derived else "",
                "From date": r.valid_from.isoformat() if r.valid_from else "",
                "To date": r.valid_to.isoformat() if r.valid_to else "",
                "Source": r.source,
                "Source date": r.source_date,
            }
        )
    return Table(columns=CONNECTION_COLUMNS, rows=rows)


def export_actors_queryset():
    return Actor.objects.prefetch_related("sectors", "stages__sector", "measures").select_related(
        "organisation"
    )


def export_relations_queryset():
    return Relation.objects.select_related("source_actor", "target_actor")
