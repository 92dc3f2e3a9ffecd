"""Loading the shared vocabulary: validate the whole file first, then write in one transaction.

The plan loader calls `sectors_write` inside its own transaction, so `bruprod load-plan` keeps
loading everything the plan needs; `bruprod load-reference` loads the sectors alone. A load that
finds nothing changed writes nothing (no history rows, no timestamps).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction

from core.yamlfiles import DataFileError, line_of, read_yaml

from .models import Sector

SECTORS_FILE = Path(settings.BASE_DIR) / "data" / "reference" / "sectors.yaml"
LANGS = ("nl", "fr", "en")
KINDS = set(Sector.Kind.values)


def _where(path: Path, entry) -> str:
    line = line_of(entry)
    return f"{path.name}:{line}" if line else path.name


def sectors_read(path: Path | None = None) -> list[dict]:
    """The validated sector entries of the file, as dicts of model values, in file order."""
    path = path or SECTORS_FILE
    data = read_yaml(path)
    problems: list[str] = []
    entries = data.get("sectors") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise DataFileError([f"{path.name}: sectors: missing (a list of sectors)"])
    rows: list[dict] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"{_where(path, entry)}: sectors[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        slug = entry.get("slug")
        if not isinstance(slug, str) or not slug or not slug.replace("-", "").isalnum():
            problems.append(f"{where}.slug: missing or not a code of letters, digits and '-'")
            continue
        where = f"{where} ({slug})"
        if slug in seen:
            problems.append(f"{where}.slug: duplicate sector")
        seen.add(slug)
        kind = entry.get("kind")
        if kind not in KINDS:
            problems.append(f"{where}.kind: {kind!r} is not one of {sorted(KINDS)}")
        prefix = entry.get("code_prefix") or ""
        if not isinstance(prefix, str) or len(prefix) > 4:
            problems.append(f"{where}.code_prefix: at most 4 letters")
        elif kind == Sector.Kind.ECOSYSTEM and not prefix:
            problems.append(
                f"{where}.code_prefix: a sector ecosystem needs its measure code prefix"
            )
        row = {"slug": slug, "kind": kind, "code_prefix": prefix, "order": index}
        for key in ("name", "short"):
            texts = entry.get(key)
            if not isinstance(texts, dict):
                problems.append(f"{where}.{key}: must be a mapping with nl, fr and en texts")
                continue
            for lang in LANGS:
                text = texts.get(lang)
                if not isinstance(text, str) or not text.strip():
                    problems.append(f"{where}.{key}.{lang}: missing or empty")
                elif len(text) > (200 if key == "name" else 100):
                    problems.append(f"{where}.{key}.{lang}: too long")
                else:
                    row[f"{key}_{lang}"] = text.strip()
        source = entry.get("source")
        if not isinstance(source, str) or not source.strip():
            problems.append(f"{where}.source: every sector cites where it comes from")
        else:
            row["source"] = source.strip()[:300]
        rows.append(row)
    if problems:
        raise DataFileError(problems)
    return rows


def sectors_write(rows: list[dict]) -> dict[str, int]:
    """Upsert the sectors by code, saving only rows whose values changed. Call inside a
    transaction. Sectors missing from the file are kept (other rows may point at them)."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    existing = {s.slug: s for s in Sector.objects.all()}
    for row in rows:
        sector = existing.get(row["slug"])
        if sector is None:
            Sector.objects.create(**row)
            counts["created"] += 1
            continue
        changed = {k: v for k, v in row.items() if getattr(sector, k) != v}
        if changed:
            for key, value in changed.items():
                setattr(sector, key, value)
            sector.save()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts


def reference_load(*, sectors_path: Path | None = None) -> dict[str, int]:
    """Validate, then write the sectors in one transaction."""
    rows = sectors_read(sectors_path)
    with transaction.atomic():
        return sectors_write(rows)
