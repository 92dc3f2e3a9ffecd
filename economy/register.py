"""Pure helpers shared by the read path (selectors) and the write path (services) of the
register: enterprise numbers, where a snapshot's store lives, the fingerprint of mapping rules.

Nothing here reads or writes the database or a store; both `selectors` and `services` import it
(selectors never import services).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

STORE_FILE = "kbo.duckdb"
ENTERPRISE_NUMBER = re.compile(r"^[01]\d{3}\.\d{3}\.\d{3}$")
# A search query made of digits and separators only (or "BE 0403…"): an enterprise number prefix.
NUMBER_QUERY = re.compile(r"^(?:BE)?[\d.\s/-]+$", re.IGNORECASE)


def kbo_root() -> Path:
    return Path(settings.DATA_DIR) / "kbo"


def snapshot_store_path(snapshot) -> Path:
    """The DuckDB file of a snapshot (a KboSnapshot): BRUPROD_DATA_DIR/kbo/snapshots/<store>/."""
    return kbo_root() / "snapshots" / snapshot.store / STORE_FILE


def normalize_enterprise_number(value: str) -> str:
    """`0403170701`, `403.170.701`, `BE 0403 170 701` → `0403.170.701`; anything else stripped."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 9:
        digits = "0" + digits
    if len(digits) != 10:
        return (value or "").strip()
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def store_number_like(value: str) -> bool:
    return bool(ENTERPRISE_NUMBER.match(value))


def number_prefix(query: str) -> str:
    """The digits of a query that looks like (the start of) an enterprise number, else ''."""
    if not NUMBER_QUERY.match(query.strip()):
        return ""
    return re.sub(r"\D", "", query)


def rules_fingerprint(rules: Iterable[tuple[str, str, str, str]]) -> str:
    """sha256 over the sorted (nace_version, prefix, sector, scope) rules: the stored
    classification of a snapshot is valid for the rules with the same fingerprint."""
    digest = hashlib.sha256()
    for rule in sorted({tuple(str(x) for x in r) for r in rules}):
        digest.update(("\t".join(rule) + "\n").encode())
    return digest.hexdigest()[:32]
