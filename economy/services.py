"""Writes of the productive economy: KBO imports, the sector mapping, classification overrides."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import can_override_classification
from core.validation import text_problem
from core.yamlfiles import DataFileError
from geo.selectors import postal_code_rows
from geo.services import geo_ensure_loaded
from reference.selectors import sector_codes

from . import figures as fig
from . import kbo_store as store
from .mapping_file import mapping_rule_set, read_mapping_file
from .models import (
    ClassificationOverride,
    KboFigure,
    KboImport,
    KboSnapshot,
    SectorMapping,
    SectorRule,
)
from .register import (
    ENTERPRISE_NUMBER,
    kbo_root,
    normalize_enterprise_number,
    rules_fingerprint,
    snapshot_store_path,
)

DEFAULT_MAPPING_FILE = settings.BASE_DIR / "data" / "economy" / "nace_sectors.yaml"
KEEP_STORES = 3  # snapshot stores kept on disk; older snapshots keep their figures only
Progress = Callable[[str], None]
__all__ = [  # re-exported for the callers of the former home of these helpers
    "ENTERPRISE_NUMBER",
    "kbo_root",
    "normalize_enterprise_number",
    "snapshot_store_path",
]


# ---------------------------------------------------------------- the sector mapping


@dataclass
class MappingLoad:
    """What `mapping_file_load` did: the active mapping, whether anything was written."""

    mapping: SectorMapping
    created: bool = False
    activated: bool = False
    figures: int | None = None  # figures recomputed for the current snapshot (None: none)

    @property
    def unchanged(self) -> bool:
        return not (self.created or self.activated or self.figures is not None)


def _mapping_store(*, path: Path, activate: bool) -> MappingLoad:
    """Validate a mapping file, then store it as a mapping version: nothing is written when the
    version is already there with the same file (checksum) and the same rules."""
    data = read_mapping_file(Path(path))
    with transaction.atomic():
        mapping = SectorMapping.objects.select_for_update().filter(version=data.version).first()
        result = MappingLoad(mapping=mapping)
        if mapping is not None and mapping.checksum != data.checksum:
            raise DataFileError(
                [
                    f"{data.name}: version: {data.version!r} is already loaded with other rules: give the changed file a new version"
                ]
            )
        if mapping is not None and mapping_rule_set(mapping) != data.rule_set():
            raise DataFileError(
                [
                    f"{data.name}: version: {data.version!r} was loaded from this file, and its rules "
                    "have been changed since (in the admin); nothing was changed: give the file a "
                    "new version to load it again"
                ]
            )
        if mapping is None:
            mapping = SectorMapping.objects.create(
                version=data.version,
                title=data.title,
                description=data.description,
                sources=data.sources,
                loaded_from=data.name,
                checksum=data.checksum,
            )
            SectorRule.objects.bulk_create(SectorRule(mapping=mapping, **r) for r in data.rules)
            result = MappingLoad(mapping=mapping, created=True)
        if activate and not mapping.is_active:
            SectorMapping.objects.exclude(pk=mapping.pk).filter(is_active=True).update(
                is_active=False
            )
            mapping.is_active = True
            mapping._change_reason = "activate"
            mapping.save()
            result.activated = True
    return result


def mapping_load(*, path: Path = DEFAULT_MAPPING_FILE, activate: bool = True) -> SectorMapping:
    """Validate a mapping file and store it as a mapping version (idempotent: the same file
    again writes nothing)."""
    return _mapping_store(path=path, activate=activate).mapping


def mapping_file_load(*, path: Path = DEFAULT_MAPPING_FILE) -> MappingLoad:
    """`bruprod load-kbo-mapping`: make a mapping file the active mapping and recompute the
    current snapshot's figures, only when something changed.

    The same file again (same checksum, same rules as the stored version, already active) with
    the current snapshot classified and counted by it: nothing is written, not even a timestamp.
    """
    result = _mapping_store(path=path, activate=True)
    current = KboSnapshot.objects.order_by("-extract_number").first()
    if current is not None and (
        result.created or result.activated or _figures_stale(current, result.mapping)
    ):
        result.figures = snapshot_figures_refresh(snapshot=current)
    return result


def _figures_stale(snapshot: KboSnapshot, mapping: SectorMapping) -> bool:
    """Whether a snapshot's figures or stored classification are not those of `mapping`."""
    if snapshot.mapping_version != mapping.version:
        return True
    path = snapshot_store_path(snapshot)
    if not path.exists():
        return False  # an old snapshot: its figures stay as they were computed
    rules = mapping.rules.values_list("nace_version", "prefix", "sector", "scope")
    con = store.connect(path, read_only=True)
    try:
        return fig.stored_fingerprint(con) != rules_fingerprint(rules)
    finally:
        con.close()


def mapping_active() -> SectorMapping:
    """The active mapping; the shipped default is loaded the first time."""
    mapping = SectorMapping.objects.filter(is_active=True).first()
    return mapping or mapping_load()


def _rules_and_overrides() -> tuple[SectorMapping, list, list]:
    mapping = mapping_active()
    rules = list(mapping.rules.values_list("nace_version", "prefix", "sector", "scope"))
    overrides = [
        (o.enterprise_number, list(o.sectors)) for o in ClassificationOverride.objects.all()
    ]
    return mapping, rules, overrides


# ---------------------------------------------------------------- classification overrides


NEW = 0  # the version an editor sends when they saw no override: a create
REASON_MAX = 2000


class OverrideConflictError(Exception):
    """The override changed (or was set, or removed) since the version the editor read.

    `current` is the override now (None: removed); `changes` what changed since that version,
    as (field, before, after); `by` and `at` who made the last change and when.
    """

    def __init__(self, current, changes: list[tuple[str, object, object]], by=None, at=None):
        self.current = current
        self.changes = changes
        self.by = by
        self.at = at
        super().__init__(
            _("This classification was changed by someone else while you were editing it.")
        )


def _override_changes_since(number: str, version: int) -> OverrideConflictError:
    """The conflict for an editor who read `version` of the override of `number`."""
    history = ClassificationOverride.history.filter(enterprise_number=number).order_by(
        "history_date", "history_id"
    )
    current = ClassificationOverride.objects.filter(enterprise_number=number).first()
    last = history.last()
    seen = None
    if version != NEW:
        seen = history.filter(version=version).exclude(history_type="-").last()
    before = {"sectors": seen.sectors, "reason": seen.reason} if seen else {}
    after = {"sectors": current.sectors, "reason": current.reason} if current else {}
    changes = [
        (name, before.get(name), after.get(name))
        for name in ("sectors", "reason")
        if before.get(name) != after.get(name)
    ]
    return OverrideConflictError(
        current,
        changes,
        by=getattr(last, "history_user", None) if last else None,
        at=getattr(last, "history_date", None) if last else None,
    )


def _override_locked(number: str, expected_version: int | None) -> ClassificationOverride | None:
    """The override of `number` under a row lock, after checking the editor's version.

    None (no version) is accepted for a create only (an existing override needs the version
    that was read: a ValidationError); NEW says "I saw none"; a version that is not the current
    one is an OverrideConflictError naming what changed.
    """
    override = (
        ClassificationOverride.objects.select_for_update().filter(enterprise_number=number).first()
    )
    if override is None:
        if expected_version not in (None, NEW):
            raise _override_changes_since(number, expected_version)  # removed meanwhile
        return None
    if expected_version is None:
        raise ValidationError(
            {
                "version": _(
                    "This enterprise has an override: send the version you read (now %(version)s)."
                )
                % {"version": override.version}
            }
        )
    if override.version != expected_version:
        raise _override_changes_since(number, expected_version)
    return override


def _reason_problem(reason: str) -> str | None:
    if not (reason or "").strip():
        return _("Give the reason for this classification.")
    problem = text_problem(reason, max_length=REASON_MAX)
    return _("The text %(problem)s") % {"problem": problem} if problem else None


def classification_override_set(
    *,
    enterprise_number: str,
    sectors: list[str],
    reason: str,
    user=None,
    expected_version: int | None = None,
) -> ClassificationOverride:
    """Set (or change) an editor's classification of one enterprise; history keeps every change.

    `expected_version` is the version of the override the editor read (NEW: none). Changing an
    override needs it; a stale one, or an override set by someone else since, is an
    OverrideConflictError; two simultaneous creates: the second is a conflict (the unique
    enterprise number decides). Only the task force and staff may
    (accounts.access.can_override_classification). Search and detail apply the override at
    once (read time); the current snapshot's figures are recomputed outside the request
    (economy.tasks.enqueue_figures_refresh).
    """
    _check_override_access(user)
    number = normalize_enterprise_number(enterprise_number)
    errors: dict[str, list[str]] = {}
    if not ENTERPRISE_NUMBER.match(number):
        errors["enterprise_number"] = [
            _("%(value)s is not an enterprise number (0123.456.789).")
            % {"value": enterprise_number}
        ]
    known = sector_codes()
    if not isinstance(sectors, list | tuple) or not all(isinstance(s, str) for s in sectors):
        errors["sectors"] = [_("Give a list of sector codes.")]
        sectors = []
    unknown = [s for s in sectors if s not in known]
    if unknown:
        errors["sectors"] = [_("Unknown sector(s): %(sectors)s.") % {"sectors": ", ".join(unknown)}]
    problem = _reason_problem(reason if isinstance(reason, str) else "")
    if problem:
        errors["reason"] = [problem]
    if expected_version is not None and (
        isinstance(expected_version, bool)
        or not isinstance(expected_version, int)
        or expected_version < 0
    ):
        errors["version"] = [_("The version is a whole number (0: no override yet).")]
    if errors:
        raise ValidationError(errors)
    ordered = [s for s in known if s in set(sectors)]
    with transaction.atomic():
        override = _override_locked(number, expected_version)
        created = override is None
        if created:
            override = ClassificationOverride(enterprise_number=number)
        override.sectors = ordered
        override.reason = reason.strip()
        override.updated_by = user if getattr(user, "pk", None) else None
        if user is not None and getattr(user, "pk", None):
            override._history_user = user
        override._change_reason = override.reason[:100]
        if created:
            try:
                # In a savepoint: the loser of a simultaneous create gets a conflict, and the
                # caller's transaction stays usable (PostgreSQL).
                with transaction.atomic():
                    override.save()
            except IntegrityError:
                if not ClassificationOverride.objects.filter(enterprise_number=number).exists():
                    raise  # another constraint failed, not the one-override rule
                raise _override_changes_since(number, NEW) from None
        else:
            override.save()
    _figures_refresh_later()
    return override


def _check_override_access(user) -> None:
    if not can_override_classification(user):
        raise PermissionDenied(_("Only the task force and staff can change a classification."))


def _figures_refresh_later() -> None:
    """Queue the recomputation of the current snapshot's figures after an override changed."""
    from . import tasks

    current = KboSnapshot.objects.order_by("-extract_number").first()
    if current is not None and snapshot_store_path(current).exists():
        tasks.enqueue_figures_refresh(current.pk)


def classification_override_remove(
    *, enterprise_number: str, user=None, reason: str = "", expected_version: int | None = None
) -> None:
    """Remove an editor's classification (the NACE codes classify the enterprise again); the
    history row keeps who removed it and why.

    `expected_version` is the version the editor read: none is a ValidationError, a stale one
    (changed since, or already removed) an OverrideConflictError.
    """
    _check_override_access(user)
    number = normalize_enterprise_number(enterprise_number)
    problem = text_problem(reason or "", max_length=REASON_MAX)
    if problem:
        raise ValidationError({"reason": [_("The text %(problem)s") % {"problem": problem}]})
    if expected_version is None:
        raise ValidationError(
            {"version": _("Send the version of the override you read to remove it.")}
        )
    with transaction.atomic():
        override = _override_locked(number, expected_version)
        if override is None:
            return  # nothing to remove, and the editor saw nothing (NEW)
        if user is not None and getattr(user, "pk", None):
            override._history_user = user
        override._change_reason = (reason or "").strip()[:100] or "remove"
        override.delete()
    _figures_refresh_later()


# ---------------------------------------------------------------- figures


def _figure_objects(snapshot: KboSnapshot, rows: list[fig.FigureRow]) -> list[KboFigure]:
    return [
        KboFigure(
            snapshot=snapshot,
            measure=r.measure,
            sector=r.sector,
            municipality=r.municipality,
            person_type=r.person_type,
            key=r.key,
            value=r.value,
        )
        for r in rows
    ]


def snapshot_figures_refresh(*, snapshot: KboSnapshot) -> int:
    """Recompute a snapshot's figures with today's mapping and overrides.

    Reads the classification stored in the snapshot's store and applies the overrides on top;
    when the active mapping's rules changed since (another fingerprint), the store is
    reclassified first (`snapshot_classification_refresh`). Runs outside requests: through
    economy.tasks (an override), `bruprod load-kbo-mapping` (a new mapping).
    """
    snapshot = snapshot_classification_refresh(snapshot=snapshot)
    mapping, rules, overrides = _rules_and_overrides()
    con = store.connect(snapshot_store_path(snapshot), read_only=True)
    try:
        fig.load_rules(con, rules, overrides)
        fig.apply_overrides(con)
        rows = fig.compute_figures(con)
    finally:
        con.close()
    with transaction.atomic():
        KboFigure.objects.filter(snapshot=snapshot).delete()
        KboFigure.objects.bulk_create(_figure_objects(snapshot, rows), batch_size=2000)
        snapshot.mapping_version = mapping.version
        snapshot.figures_computed_at = timezone.now()
        snapshot.save(update_fields=["mapping_version", "figures_computed_at"])
    return len(rows)


def snapshot_classification_refresh(
    *, snapshot: KboSnapshot, progress: Progress | None = None
) -> KboSnapshot:
    """Reclassify a snapshot's store when the active mapping's rules are not the ones it was
    classified with (fingerprint); a no-op otherwise.

    Published stores never change: the store is copied to a new folder, reclassified there and
    the snapshot then points to the copy (readers holding the old store keep reading it until
    their next request; the old folder is removed with the stores no longer used).
    """
    step = progress or (lambda message: None)
    mapping, rules, _overrides = _rules_and_overrides()
    fingerprint = rules_fingerprint(rules)
    path = snapshot_store_path(snapshot)
    if not path.exists():
        return snapshot
    con = store.connect(path, read_only=True)
    try:
        stored = fig.stored_fingerprint(con)
    finally:
        con.close()
    if stored == fingerprint:
        return snapshot
    root = kbo_root()
    with _import_lock(root):
        snapshot.refresh_from_db()
        name = (
            f"{snapshot.extract_number:04d}-{snapshot.snapshot_date:%Y%m%d}-{uuid.uuid4().hex[:8]}"
        )
        target = root / "snapshots" / name
        target.mkdir(parents=True)
        try:
            step("copying the store")
            shutil.copyfile(snapshot_store_path(snapshot), target / store.STORE_FILE)
            step(f"classifying with mapping {mapping.version}")
            con = store.connect(target / store.STORE_FILE)
            try:
                fig.load_rules(con, rules, [])
                fig.store_classification(
                    con, fingerprint=fingerprint, mapping_version=mapping.version
                )
                con.execute("CHECKPOINT")
            finally:
                con.close()
            shutil.rmtree(target / "spill", ignore_errors=True)
            KboSnapshot.objects.filter(pk=snapshot.pk).update(store=name)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        snapshot.refresh_from_db()
        _prune(root)
    return snapshot


def _classify_store(con, *, mapping: SectorMapping, rules: list) -> None:
    """Materialise the store's classification (needs `rule`): only the touched enterprises
    after an incremental update classified with the same rules, else everything."""
    fingerprint = rules_fingerprint(rules)
    touched = store.table_exists(con, "cls_touched_enterprise") and (
        fig.stored_fingerprint(con) == fingerprint
    )
    fig.store_classification(
        con, fingerprint=fingerprint, mapping_version=mapping.version, touched=touched
    )
    con.execute("DROP TABLE IF EXISTS cls_touched_enterprise")
    con.execute("DROP TABLE IF EXISTS cls_touched_entity")


# ---------------------------------------------------------------- import


@dataclass
class ImportResult:
    snapshot: KboSnapshot
    ledger: KboImport
    seconds: float
    steps: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        s = self.snapshot
        present = (
            KboFigure.objects.filter(
                snapshot=s, measure="enterprises", sector="", municipality="", person_type=""
            )
            .values_list("value", flat=True)
            .first()
        )
        label = " (synthetic)" if s.synthetic else ""
        return (
            f"{s.extract_type} extract {s.extract_number}, snapshot {s.snapshot_date:%d-%m-%Y}{label}: "
            f"{present or 0:,} enterprises present in the Region; {self.ledger.rows:,} rows read "
            f"in {self.seconds:.1f} s"
        )


@contextlib.contextmanager
def _import_lock(root: Path):
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".import.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise store.KboInputError(
                ["another KBO import is running; try again when it has finished"]
            ) from exc
        yield


def _check_sequence(meta, current: KboSnapshot | None, kind: str) -> None:
    label = f"{current.extract_number} of {current.snapshot_date:%d-%m-%Y}" if current else ""
    if kind == "update":
        if current is None:
            raise store.KboInputError(
                [
                    "meta.csv: ExtractType: an update needs a current snapshot: import a Full extract first"
                ]
            )
        if (
            meta.extract_number <= current.extract_number
            or meta.snapshot_date < current.snapshot_date
        ):
            raise store.KboInputError(
                [
                    f"meta.csv: ExtractNumber: update {meta.extract_number} of {meta.snapshot_label} is "
                    f"not newer than the current snapshot (extract {label}); nothing was changed"
                ]
            )
        if meta.extract_number > current.extract_number + 1:
            missing = list(range(current.extract_number + 1, meta.extract_number))
            shown = f"{missing[0]}" if len(missing) == 1 else f"{missing[0]}–{missing[-1]}"
            raise store.KboInputError(
                [
                    f"meta.csv: ExtractNumber: update {meta.extract_number} does not follow the current "
                    f"snapshot (extract {label}): extract(s) {shown} missing; apply them first or "
                    "import a newer Full extract"
                ]
            )
        if not snapshot_store_path(current).exists():
            raise store.KboInputError(
                [f"the store of the current snapshot ({label}) is missing: import a Full extract"]
            )
        return
    if KboSnapshot.objects.filter(extract_number=meta.extract_number).exists():
        raise store.KboInputError(
            [
                f"meta.csv: ExtractNumber: extract {meta.extract_number} is already imported; nothing was changed"
            ]
        )
    if current is not None and meta.extract_number < current.extract_number:
        raise store.KboInputError(
            [
                f"meta.csv: ExtractNumber: Full extract {meta.extract_number} of {meta.snapshot_label} is "
                f"older than the current snapshot (extract {label}); nothing was changed"
            ]
        )


def _prune(root: Path) -> None:
    keep = {s.store for s in KboSnapshot.objects.order_by("-extract_number")[:KEEP_STORES]}
    snapshots = root / "snapshots"
    for folder in snapshots.iterdir():
        if folder.is_dir() and folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)


def kbo_import(
    *, path: Path, update: bool = False, imported_by: str = "", progress: Progress | None = None
) -> ImportResult:
    """Import a Full (or, with update=True, an Update) publication, ZIP or folder.

    Validates everything while building the new snapshot in a temporary folder; the snapshot
    becomes current only when the database transaction recording it commits. On bad input a
    KboInputError names file, line and field, and nothing (store or database) has changed.
    """
    step = progress or (lambda message: None)
    started = time.perf_counter()
    kind = "update" if update else "full"
    root = kbo_root()
    geo_ensure_loaded()
    mapping, rules, overrides = _rules_and_overrides()
    postal = postal_code_rows()
    store.readers_close()
    with _import_lock(root):
        snapshots_dir = root / "snapshots"
        snapshots_dir.mkdir(parents=True, exist_ok=True)
        for stale in snapshots_dir.glob(".build-*"):
            shutil.rmtree(stale, ignore_errors=True)
        current = KboSnapshot.objects.order_by("-extract_number").first()
        work = Path(tempfile.mkdtemp(prefix=".build-", dir=snapshots_dir))
        published: Path | None = None
        try:
            csv_dir = work / "csv"
            csv_dir.mkdir()
            source = store.source_open(path=Path(path), kind=kind, workdir=csv_dir, progress=step)
            meta = store.meta_read(source=source, kind=kind)
            store.files_check(source=source, kind=kind)
            _check_sequence(meta, current, kind)
            columns = store.headers_check(source=source)
            db_path = work / store.STORE_FILE
            if kind == "full":
                scanner = store.FileScanner(
                    source.files, archive=Path(path) if source.archive_name else None
                )
                scanner.start()
                result = store.build_full(
                    source=source,
                    meta=meta,
                    columns=columns,
                    db_path=db_path,
                    postal_rows=postal,
                    progress=step,
                    scanner=scanner,
                )
            else:
                step("copying the current snapshot")
                shutil.copyfile(snapshot_store_path(current), db_path)
                result = store.apply_update(
                    source=source,
                    meta=meta,
                    columns=columns,
                    db_path=db_path,
                    postal_rows=postal,
                    progress=step,
                )
            if current is not None and current.synthetic and kind == "update":
                meta_synthetic = True
            else:
                meta_synthetic = meta.synthetic
            step("classification and figures")
            t0 = time.perf_counter()
            con = store.connect(db_path)
            try:
                fig.load_rules(con, rules, overrides)
                _classify_store(con, mapping=mapping, rules=rules)
                fig.apply_overrides(con)
                previous = snapshot_store_path(current) if current is not None else None
                if previous is not None and previous.exists():
                    con.execute(f"ATTACH {store._q(previous)} AS prev (READ_ONLY)")
                    fig.compute_changes(
                        con,
                        prev_schema="prev",
                        extract_number=meta.extract_number,
                        prev_extract=current.extract_number,
                        snapshot_iso=meta.snapshot_date.isoformat(),
                    )
                    con.execute("DETACH prev")
                else:
                    fig.no_changes(con)
                rows = fig.compute_figures(con)
                con.execute("CHECKPOINT")
            finally:
                con.close()
            result.seconds["classification and figures"] = round(time.perf_counter() - t0, 3)
            shutil.rmtree(csv_dir, ignore_errors=True)
            shutil.rmtree(work / "spill", ignore_errors=True)
            name = f"{meta.extract_number:04d}-{meta.snapshot_date:%Y%m%d}-{uuid.uuid4().hex[:8]}"
            published = snapshots_dir / name
            work.rename(published)
            step("recording the snapshot")
            elapsed = time.perf_counter() - started
            with transaction.atomic():
                snapshot = KboSnapshot.objects.create(
                    extract_number=meta.extract_number,
                    extract_type=meta.extract_type,
                    snapshot_date=meta.snapshot_date,
                    extract_timestamp=timezone.make_aware(meta.extract_timestamp)
                    if meta.extract_timestamp
                    else None,
                    store=name,
                    synthetic=meta_synthetic,
                    mapping_version=mapping.version,
                    figures_computed_at=timezone.now(),
                    counts=result.rows,
                )
                KboFigure.objects.bulk_create(_figure_objects(snapshot, rows), batch_size=2000)
                ledger = KboImport.objects.create(
                    snapshot=snapshot,
                    extract_number=meta.extract_number,
                    extract_type=meta.extract_type,
                    snapshot_date=meta.snapshot_date,
                    source=str(source.label),
                    checksum=result.checksum,
                    files=result.file_info,
                    rows=sum(v.get("rows", 0) for v in result.file_info.values()),
                    duration_seconds=round(elapsed, 3),
                    steps=result.seconds,
                    imported_by=imported_by,
                )
        except BaseException:
            shutil.rmtree(published or work, ignore_errors=True)
            raise
        _prune(root)
    return ImportResult(
        snapshot=snapshot,
        ledger=ledger,
        seconds=time.perf_counter() - started,
        steps=result.seconds,
        rows=result.rows,
    )


def snapshot_date_label(date: dt.date) -> str:
    return f"{date:%d-%m-%Y}"
