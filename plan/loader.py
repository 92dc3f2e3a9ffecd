"""Load the plan data files (data/plan/*.yaml) into the database.

Everything is validated first; only a bundle without a single problem is written, in one
transaction. Loading is idempotent: rows are matched on their stable keys (measure code, node key,
organisation slug) and only rows whose values changed are saved, so a second load writes nothing
and adds no history.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import ProtectedError

from core.text import fold
from core.validation import YAML_MAX_BYTES, model_value_problems, scalar_problems, yaml_problems
from core.yamlfiles import DataFileError, line_of, read_yaml
from reference.loader import SECTORS_FILE, sectors_read, sectors_write
from reference.models import Organisation, OrganisationAlias, Sector

from .models import (
    CrossReference,
    Dimension,
    Measure,
    MeasureCoordination,
    MeasureNote,
    PlanEdition,
    PlanImport,
    PlanNode,
    RemarkTag,
    Status,
)

LANGS = ("nl", "fr", "en")
PLAN_FILE = "00_plan.yaml"
ORGANISATIONS_FILE = "organisations.yaml"
VOCABULARY_FILE = "vocabulary.yaml"
NOT_PART_FILES = {ORGANISATIONS_FILE, VOCABULARY_FILE, "strategies.yaml"}
MEASURE_KINDS = {c.value for c in Measure.Kind}
NODE_KINDS = {c.value for c in PlanNode.Kind}
REF_TYPES = {c.value for c in CrossReference.Type}
ORG_TYPES = {c.value for c in Organisation.Type}
NOTE_KINDS = {c.value for c in MeasureNote.Kind}
PRIORITY_LEVELS = {"KT", "MT", "LT"}


@dataclass
class Problems:
    """Collects problems as 'file:line: entry: field: message'."""

    items: list[str] = field(default_factory=list)

    def add(self, file: str, entry, where: str, message: str, line: int | None = None) -> None:
        line = line if line is not None else line_of(entry)
        location = f"{file}:{line}" if line else file
        self.items.append(f"{location}: {where}: {message}")


@dataclass
class PlanBundle:
    """The parsed, validated content of every plan data file."""

    plan: dict
    vocabulary: dict
    organisations: list
    parts: list[tuple[str, dict]]
    checksum: str
    files: list[str]
    sectors: list[dict] = field(default_factory=list)


@dataclass
class LoadResult:
    created: Counter
    updated: Counter
    deleted: Counter
    unchanged: Counter

    def summary(self) -> str:
        kinds = sorted(
            set(self.created) | set(self.updated) | set(self.unchanged) | set(self.deleted)
        )
        return ", ".join(
            f"{k}: {self.created[k]} new, {self.updated[k]} changed, {self.unchanged[k]} unchanged, {self.deleted[k]} removed"
            for k in kinds
        )


# ---------------------------------------------------------------- reading and validation


def read_bundle(data_dir: Path) -> PlanBundle:
    """Parse every file; raise DataFileError listing every problem found."""
    if not data_dir.is_dir():
        raise DataFileError([f"{data_dir}: plan data folder not found"])
    paths = sorted(data_dir.glob("*.yaml"))
    names = {p.name for p in paths}
    problems: list[str] = []
    for required in (PLAN_FILE, ORGANISATIONS_FILE, VOCABULARY_FILE):
        if required not in names:
            problems.append(f"{required}: required file missing from {data_dir}")
    if problems:
        raise DataFileError(problems)
    for path in paths:
        if path.stat().st_size > YAML_MAX_BYTES:
            problems.append(
                f"{path.name}: the file is {path.stat().st_size} bytes; at most {YAML_MAX_BYTES} are read"
            )
    if problems:
        raise DataFileError(problems)
    digest = hashlib.sha256()
    parsed: dict[str, object] = {}
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
        try:
            parsed[path.name] = read_yaml(path)
        except DataFileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DataFileError(problems)
    for name, content in parsed.items():
        if not isinstance(content, dict):
            problems.append(f"{name}: the file must hold a mapping at its top level")
            continue
        # Control characters, lone surrogates, texts longer than a column holds: every line.
        problems.extend(yaml_problems(name, content))
        for key in ("nodes", "measures", "dimensions", "statuses", "remark_tags", "organisations"):
            if content.get(key) is not None and not isinstance(content.get(key), list):
                problems.append(f"{name}:{line_of(content)}: {key}: must be a list")
    if problems:
        raise DataFileError(problems)
    parts = [(name, content) for name, content in parsed.items() if name not in NOT_PART_FILES]
    # The sectors are the shared vocabulary's (data/reference/sectors.yaml): loaded with the plan.
    sectors = sectors_read()
    digest.update(SECTORS_FILE.read_bytes())
    bundle = PlanBundle(
        sectors=sectors,
        plan=parsed[PLAN_FILE],
        vocabulary=parsed[VOCABULARY_FILE],
        organisations=parsed[ORGANISATIONS_FILE].get("organisations") or [],
        parts=parts,
        checksum=digest.hexdigest(),
        files=[p.name for p in paths],
    )
    validate_bundle(bundle)
    return bundle


def _text(
    problems: Problems, file: str, entry, where: str, value, *, required: bool = True, langs=LANGS
) -> None:
    """A translated text: a mapping with a non-empty string per language."""
    if value is None:
        if required:
            problems.add(file, entry, where, "missing (a mapping with nl, fr and en texts)")
        return
    if not isinstance(value, dict):
        problems.add(file, entry, where, "must be a mapping with nl, fr and en texts")
        return
    for lang in langs:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            problems.add(file, value, f"{where}.{lang}", "missing or empty translation")


def _label(entry, key: str) -> str:
    value = entry.get(key) if isinstance(entry, dict) else None
    return f" ({key} {value})" if isinstance(value, str | int) and value else ""


# Keys whose value is one text or number (never a list or a mapping), per kind of entry.
SCALAR_KEYS = {
    "node": ("key", "kind", "parent", "number", "sector", "dimension", "source_line"),
    "measure": (
        "code",
        "printed_code",
        "kind",
        "section",
        "challenge",
        "pillar",
        "sector",
        "dimension",
        "priority",
        "cost",
        "staffing",
        "status_2019",
        "source_line",
    ),
    "organisation": ("slug", "type", "acronym", "website"),
    "edition": ("slug", "adopted", "source"),
    "status": ("key", "default_progress"),
    "tag": ("key",),
    "dimension": ("number",),
    "cross_ref": ("type", "target", "printed"),
    "coordinator": ("printed",),
    "note": ("kind", "number"),
}


def _scalars(p: Problems, file: str, entry, where: str, kind: str) -> None:
    """A list or a mapping where text is expected: a problem (and the value is not read further)."""
    p.items.extend(scalar_problems(file, entry, where, SCALAR_KEYS[kind]))


def validate_bundle(bundle: PlanBundle) -> None:
    p = Problems()
    _validate_plan_file(p, bundle.plan)
    statuses = _validate_vocabulary(p, bundle.vocabulary)
    aliases = _validate_organisations(p, bundle.organisations)
    sectors = {s["slug"] for s in bundle.sectors if s["kind"] == Sector.Kind.ECOSYSTEM}
    dimensions = {
        d.get("number") for d in bundle.plan.get("dimensions") or [] if isinstance(d, dict)
    }
    tags = {t.get("key") for t in bundle.vocabulary.get("remark_tags") or [] if isinstance(t, dict)}

    nodes: dict[str, tuple[str, dict]] = {}
    all_parts = [(PLAN_FILE, bundle.plan)] + [(n, c) for n, c in bundle.parts if n != PLAN_FILE]
    for name, content in all_parts:
        for index, node in enumerate(content.get("nodes") or []):
            where = f"nodes[{index}]{_label(node, 'key')}"
            if not isinstance(node, dict):
                p.add(name, node, where, "must be a mapping")
                continue
            _scalars(p, name, node, where, "node")
            if not isinstance(node.get("notes") or [], list):
                p.add(name, node, f"{where}.notes", "must be a list")
                node["notes"] = None
            key = node.get("key")
            if not isinstance(key, str) or not key:
                p.add(name, node, f"{where}.key", "missing")
                continue
            if key in nodes:
                p.add(
                    name,
                    node,
                    f"{where}.key",
                    f"duplicate node key, already defined in {nodes[key][0]}",
                )
            nodes[key] = (name, node)
            if node.get("kind") not in NODE_KINDS:
                p.add(
                    name,
                    node,
                    f"{where}.kind",
                    f"unknown kind {node.get('kind')!r}; expected one of {sorted(NODE_KINDS)}",
                )
            _text(p, name, node, f"{where}.title", node.get("title"))
            if node.get("body") is not None:
                _text(p, name, node, f"{where}.body", node.get("body"))
            for note_index, note in enumerate(node.get("notes") or []):
                if not isinstance(note, dict):
                    p.add(name, node, f"{where}.notes[{note_index}]", "must be a mapping")
                    continue
                _text(p, name, note, f"{where}.notes[{note_index}].text", note.get("text"))
    for key, (name, node) in nodes.items():
        parent = node.get("parent")
        if parent is not None and parent not in nodes:
            p.add(name, node, f"node {key}.parent", f"unknown parent node {parent!r}")

    codes: dict[str, tuple[str, dict]] = {}
    for name, content in all_parts:
        for index, measure in enumerate(content.get("measures") or []):
            where = f"measures[{index}]{_label(measure, 'code')}"
            if not isinstance(measure, dict):
                p.add(name, measure, where, "must be a mapping")
                continue
            _scalars(p, name, measure, where, "measure")
            for key in ("coordinators", "cross_refs", "notes", "remark_tags"):
                if not isinstance(measure.get(key) or [], list):
                    p.add(name, measure, f"{where}.{key}", "must be a list")
                    measure[key] = None
            for index_, item in enumerate(measure.get("coordinators") or []):
                _scalars(p, name, item, f"{where}.coordinators[{index_}]", "coordinator")
            for index_, item in enumerate(measure.get("cross_refs") or []):
                _scalars(p, name, item, f"{where}.cross_refs[{index_}]", "cross_ref")
            for index_, item in enumerate(measure.get("notes") or []):
                _scalars(p, name, item, f"{where}.notes[{index_}]", "note")
            code = measure.get("code")
            if not isinstance(code, str) or not code.strip():
                p.add(name, measure, f"{where}.code", "missing")
                continue
            if code in codes:
                p.add(
                    name,
                    measure,
                    f"{where}.code",
                    f"duplicate measure code, already defined in {codes[code][0]}",
                )
            codes[code] = (name, measure)
            _validate_measure(
                p, name, where, measure, nodes, sectors, dimensions, tags, statuses, aliases
            )
    for code, (name, measure) in codes.items():
        refs = measure.get("cross_refs") or []
        for index, ref in enumerate(refs):
            if isinstance(ref, dict) and ref.get("target") not in codes:
                p.add(
                    name,
                    ref,
                    f"measure {code}.cross_refs[{index}].target",
                    f"unknown measure code {ref.get('target')!r}",
                )
        if measure.get("kind") == "restatement" and not any(
            isinstance(r, dict) and r.get("type") == "restates" for r in refs
        ):
            p.add(
                name,
                measure,
                f"measure {code}.cross_refs",
                "a restatement needs a cross-reference of type 'restates'",
            )
    if p.items:
        raise DataFileError(p.items)


def _validate_plan_file(p: Problems, plan: dict) -> None:
    edition = plan.get("edition")
    if not isinstance(edition, dict):
        p.add(PLAN_FILE, plan, "edition", "missing")
    else:
        _scalars(p, PLAN_FILE, edition, "edition", "edition")
        _text(p, PLAN_FILE, edition, "edition.summary", edition.get("summary"), required=False)
        for key in ("slug", "adopted"):
            if not edition.get(key):
                p.add(PLAN_FILE, edition, f"edition.{key}", "missing")
        _text(p, PLAN_FILE, edition, "edition.title", edition.get("title"))
    numbers = set()
    for index, dimension in enumerate(plan.get("dimensions") or []):
        where = f"dimensions[{index}]"
        _scalars(p, PLAN_FILE, dimension, where, "dimension")
        if not isinstance(dimension, dict) or not isinstance(dimension.get("number"), int):
            p.add(PLAN_FILE, dimension, f"{where}.number", "must be a whole number")
            continue
        if dimension["number"] in numbers:
            p.add(PLAN_FILE, dimension, f"{where}.number", "duplicate dimension")
        numbers.add(dimension["number"])
        _text(p, PLAN_FILE, dimension, f"{where}.title", dimension.get("title"))


def _validate_vocabulary(p: Problems, vocabulary: dict) -> dict[str, str]:
    """Check statuses and tags; return folded printed status → status key."""
    printed: dict[str, str] = {}
    for index, status in enumerate(vocabulary.get("statuses") or []):
        where = f"statuses[{index}]{_label(status, 'key')}"
        _scalars(p, VOCABULARY_FILE, status, where, "status")
        if not isinstance(status, dict) or not status.get("key"):
            p.add(VOCABULARY_FILE, status, where, "a status needs a key")
            continue
        _text(p, VOCABULARY_FILE, status, f"{where}.label", status.get("label"))
        progress = status.get("default_progress", 0)
        if not isinstance(progress, int) or not 0 <= progress <= 100:
            p.add(
                VOCABULARY_FILE,
                status,
                f"{where}.default_progress",
                "must be a whole number from 0 to 100",
            )
        if not isinstance(status.get("printed") or [], list):
            p.add(VOCABULARY_FILE, status, f"{where}.printed", "must be a list of printed forms")
            continue
        for form in status.get("printed") or []:
            key = fold(str(form))
            if key in printed and printed[key] != status["key"]:
                p.add(
                    VOCABULARY_FILE,
                    status,
                    f"{where}.printed",
                    f"{form!r} is also listed under status {printed[key]!r}",
                )
            printed[key] = status["key"]
    for index, tag in enumerate(vocabulary.get("remark_tags") or []):
        where = f"remark_tags[{index}]{_label(tag, 'key')}"
        _scalars(p, VOCABULARY_FILE, tag, where, "tag")
        if not isinstance(tag, dict) or not tag.get("key"):
            p.add(VOCABULARY_FILE, tag, where, "a remark tag needs a key")
            continue
        _text(p, VOCABULARY_FILE, tag, f"{where}.label", tag.get("label"))
        _text(
            p, VOCABULARY_FILE, tag, f"{where}.description", tag.get("description"), required=False
        )
    return printed


def _validate_organisations(p: Problems, organisations: list) -> dict[str, str]:
    """Check organisations; return folded alias → slug."""
    aliases: dict[str, str] = {}
    slugs = set()
    for index, org in enumerate(organisations):
        where = f"organisations[{index}]{_label(org, 'slug')}"
        _scalars(p, ORGANISATIONS_FILE, org, where, "organisation")
        if not isinstance(org, dict) or not org.get("slug"):
            p.add(ORGANISATIONS_FILE, org, where, "an organisation needs a slug")
            continue
        slug = org["slug"]
        if slug in slugs:
            p.add(ORGANISATIONS_FILE, org, f"{where}.slug", "duplicate slug")
        slugs.add(slug)
        _text(p, ORGANISATIONS_FILE, org, f"{where}.name", org.get("name"))
        _text(
            p,
            ORGANISATIONS_FILE,
            org,
            f"{where}.description",
            org.get("description"),
            required=False,
        )
        if not isinstance(org.get("aliases") or [], list):
            p.add(ORGANISATIONS_FILE, org, f"{where}.aliases", "must be a list of printed forms")
            org["aliases"] = None
        if org.get("type") not in ORG_TYPES:
            p.add(
                ORGANISATIONS_FILE,
                org,
                f"{where}.type",
                f"unknown type {org.get('type')!r}; expected one of {sorted(ORG_TYPES)}",
            )
        for alias in org.get("aliases") or []:
            key = fold(str(alias))
            if key in aliases and aliases[key] != slug:
                p.add(
                    ORGANISATIONS_FILE,
                    org,
                    f"{where}.aliases",
                    f"{alias!r} is also an alias of {aliases[key]!r}",
                )
            aliases[key] = slug
        aliases.setdefault(
            fold(org.get("name", {}).get("nl", "") if isinstance(org.get("name"), dict) else ""),
            slug,
        )
    return aliases


def _validate_measure(
    p, name, where, m, nodes, sectors, dimensions, tags, statuses, aliases
) -> None:
    if m.get("kind") not in MEASURE_KINDS:
        p.add(
            name,
            m,
            f"{where}.kind",
            f"unknown kind {m.get('kind')!r}; expected one of {sorted(MEASURE_KINDS)}",
        )
    _text(p, name, m, f"{where}.title", m.get("title"))
    section = m.get("section")
    if section not in nodes:
        p.add(name, m, f"{where}.section", f"unknown plan node {section!r}")
    for key, kind in (("challenge", "challenge"), ("pillar", "pillar")):
        value = m.get(key)
        if value is None:
            continue
        if value not in nodes:
            p.add(name, m, f"{where}.{key}", f"unknown plan node {value!r}")
        elif nodes[value][1].get("kind") != kind:
            p.add(name, m, f"{where}.{key}", f"node {value!r} is not a {kind}")
    if m.get("sector") is not None and m.get("sector") not in sectors:
        p.add(
            name,
            m,
            f"{where}.sector",
            f"unknown sector {m.get('sector')!r}; expected one of {sorted(sectors)}",
        )
    if m.get("dimension") is not None and m.get("dimension") not in dimensions:
        p.add(name, m, f"{where}.dimension", f"unknown dimension {m.get('dimension')!r}")
    for key in ("priority", "cost", "staffing", "status_2019", "printed_code"):
        value = m.get(key)
        if value is not None and not isinstance(value, str):
            p.add(name, m, f"{where}.{key}", "must be text as printed (or empty)")
    status = m.get("status_2019")
    if isinstance(status, str) and status.strip() and fold(status) not in statuses:
        p.add(
            name, m, f"{where}.status_2019", f"status {status!r} is not listed in {VOCABULARY_FILE}"
        )
    for tag in m.get("remark_tags") or []:
        if not isinstance(tag, str) or tag not in tags:
            p.add(
                name,
                m,
                f"{where}.remark_tags",
                f"unknown remark tag {tag!r}; expected one of {sorted(tags)}",
            )
    if m.get("remark") is not None:
        _text(p, name, m, f"{where}.remark", m.get("remark"))
    for index, coordinator in enumerate(m.get("coordinators") or []):
        cwhere = f"{where}.coordinators[{index}]"
        if not isinstance(coordinator, dict) or not isinstance(coordinator.get("printed"), str):
            p.add(name, coordinator, cwhere, "needs a printed form")
            continue
        if fold(coordinator["printed"]) not in aliases:
            p.add(
                name,
                coordinator,
                f"{cwhere}.printed",
                f"{coordinator['printed']!r} is not an alias of any organisation in {ORGANISATIONS_FILE}",
            )
    for index, ref in enumerate(m.get("cross_refs") or []):
        if not isinstance(ref, dict) or ref.get("type") not in REF_TYPES:
            p.add(
                name,
                ref,
                f"{where}.cross_refs[{index}].type",
                f"must be one of {sorted(REF_TYPES)}",
            )
    for index, note in enumerate(m.get("notes") or []):
        nwhere = f"{where}.notes[{index}]"
        if not isinstance(note, dict) or note.get("kind") not in NOTE_KINDS:
            p.add(name, note, f"{nwhere}.kind", f"must be one of {sorted(NOTE_KINDS)}")
            continue
        _text(p, name, note, f"{nwhere}.text", note.get("text"))
    quirks = m.get("quirks") or []
    if not isinstance(quirks, list) or not all(isinstance(q, str) for q in quirks):
        p.add(name, m, f"{where}.quirks", "must be a list of sentences")


# ---------------------------------------------------------------- writing


def _tr(value: dict | None, prefix: str) -> dict[str, str]:
    value = value if isinstance(value, dict) else {}
    return {f"{prefix}_{lang}": (value.get(lang) or "").strip() for lang in LANGS}


class _Writer:
    """Upserts rows, saving only those whose values changed, and counts what it did."""

    def __init__(self):
        self.result = LoadResult(Counter(), Counter(), Counter(), Counter())

    def upsert(
        self,
        model,
        lookup: dict,
        values: dict,
        keep: Callable | None = None,
        where: tuple[str, object, str] | None = None,
    ):
        """`where` (file, entry, label) names the data file's entry a bad value comes from."""
        label = model._meta.model_name
        bad = model_value_problems(model, {**lookup, **values})
        if bad:
            file, entry, name = where or ("", None, f"{label} {lookup}")
            location = f"{file}:{line_of(entry)}" if file and line_of(entry) else file or label
            raise DataFileError(
                [f"{location}: {name}.{field}: {message}" for field, message in bad]
            )
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.save()
            self.result.created[str(label)] += 1
            return obj
        if keep:
            values = keep(obj, values)
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        if changed:
            for k in changed:
                setattr(obj, k, values[k])
            obj.save()
            self.result.updated[str(label)] += 1
        else:
            self.result.unchanged[str(label)] += 1
        return obj

    def delete_missing(self, queryset, keep_ids: set) -> None:
        stale = queryset.exclude(pk__in=keep_ids)
        count = stale.count()
        if count:
            label = queryset.model._meta.model_name
            problems = []
            for obj in stale:
                try:
                    with transaction.atomic():
                        obj.delete()
                except ProtectedError as exc:
                    kinds = sorted({o._meta.verbose_name_plural for o in exc.protected_objects})
                    problems.append(
                        f"{getattr(obj, 'source_file', '') or label}: {label} "
                        f"{getattr(obj, 'code', None) or obj}: is no longer in the data files "
                        f"(renamed or removed) but {len(exc.protected_objects)} "
                        f"{', '.join(str(k) for k in kinds)} refer to it; keep its code "
                        "(or move those first)"
                    )
            if problems:
                raise DataFileError(problems)
            self.result.deleted[label] += count


def _keep_official_french(obj, values: dict) -> dict:
    """An editor's official French text is never overwritten by the unofficial translation."""
    if getattr(obj, "fr_official", False):
        return {k: v for k, v in values.items() if not k.endswith("_fr")}
    return values


def plan_load(
    *, data_dir: Path, loaded_by: str = "", progress: Callable[[str], None] | None = None
) -> LoadResult:
    """Validate every plan file, then write the whole plan in one transaction."""
    bundle = read_bundle(data_dir)
    step = progress or (lambda message: None)
    with transaction.atomic():
        writer = _Writer()
        step("vocabulary")
        edition = _write_vocabulary_and_edition(writer, bundle)
        step("organisations")
        aliases = _write_organisations(writer, bundle.organisations)
        step("plan structure")
        nodes = _write_nodes(writer, bundle, edition)
        step("measures")
        _write_measures(writer, bundle, edition, nodes, aliases)
        PlanImport.objects.create(
            loaded_by=loaded_by,
            checksum=bundle.checksum,
            files=bundle.files,
            counts={
                "created": dict(writer.result.created),
                "updated": dict(writer.result.updated),
                "deleted": dict(writer.result.deleted),
            },
        )
    return writer.result


def _write_vocabulary_and_edition(w: _Writer, bundle: PlanBundle) -> PlanEdition:
    for order, status in enumerate(bundle.vocabulary.get("statuses") or []):
        w.upsert(
            Status,
            {"key": status["key"]},
            {
                **_tr(status.get("label"), "label"),
                "printed_forms": list(status.get("printed") or []),
                "default_progress": status.get("default_progress", 0),
                "order": order,
            },
        )
    for order, tag in enumerate(bundle.vocabulary.get("remark_tags") or []):
        w.upsert(
            RemarkTag,
            {"key": tag["key"]},
            {
                **_tr(tag.get("label"), "label"),
                **_tr(tag.get("description"), "description"),
                "order": order,
            },
        )
    plan = bundle.plan
    edition_data = plan["edition"]
    edition = w.upsert(
        PlanEdition,
        {"slug": edition_data["slug"]},
        {
            **_tr(edition_data.get("title"), "title"),
            **_tr(edition_data.get("summary"), "summary"),
            "adopted": str(edition_data.get("adopted")),
            "source": edition_data.get("source") or "",
        },
    )
    counts = sectors_write(bundle.sectors)
    for kind in ("created", "updated", "unchanged"):
        getattr(w.result, kind)["sector"] += counts[kind]
    for dimension in plan.get("dimensions") or []:
        w.upsert(Dimension, {"number": dimension["number"]}, _tr(dimension.get("title"), "title"))
    return edition


def _write_organisations(w: _Writer, organisations: list) -> dict[str, Organisation]:
    by_alias: dict[str, Organisation] = {}
    keep_orgs, keep_aliases = set(), set()
    for org_data in organisations:
        org = w.upsert(
            Organisation,
            {"slug": org_data["slug"]},
            {
                **_tr(org_data.get("name"), "name"),
                **_tr(org_data.get("description"), "description"),
                "acronym": org_data.get("acronym") or "",
                "type": org_data["type"],
                "website": org_data.get("website") or "",
            },
            where=(ORGANISATIONS_FILE, org_data, f"organisation {org_data['slug']}"),
        )
        keep_orgs.add(org.pk)
        forms = list(org_data.get("aliases") or []) + [org.name_nl]
        for form in dict.fromkeys(str(f) for f in forms):
            alias = w.upsert(
                OrganisationAlias,
                {"printed": form},
                {"organisation": org},
                where=(ORGANISATIONS_FILE, org_data, f"organisation {org_data['slug']}.aliases"),
            )
            keep_aliases.add(alias.pk)
            by_alias.setdefault(fold(form), org)
    w.delete_missing(OrganisationAlias.objects.all(), keep_aliases)
    w.delete_missing(Organisation.objects.filter(coordinations__isnull=True).distinct(), keep_orgs)
    return by_alias


def _write_nodes(w: _Writer, bundle: PlanBundle, edition: PlanEdition) -> dict[str, PlanNode]:
    sectors = {s.slug: s for s in Sector.objects.all()}
    dimensions = {d.number: d for d in Dimension.objects.all()}
    ordered = []
    all_parts = [(PLAN_FILE, bundle.plan)] + [(n, c) for n, c in bundle.parts if n != PLAN_FILE]
    file_of: dict[int, str] = {}
    for name, content in all_parts:
        ordered.extend(content.get("nodes") or [])
        file_of.update({id(n): name for n in content.get("nodes") or []})
    ordered.sort(key=lambda n: _natural_key(n["key"]))
    nodes: dict[str, PlanNode] = {}
    for order, data in enumerate(ordered):
        derived_dimension, derived_sector = _derive_chapter5(data["key"], dimensions, sectors)
        nodes[data["key"]] = w.upsert(
            PlanNode,
            {"key": data["key"]},
            {
                "edition": edition,
                "kind": data["kind"],
                "number": str(data.get("number") or ""),
                **_tr(data.get("title"), "title"),
                **_tr(_body_with_notes(data), "body"),
                "order": order,
                "source_line": data.get("source_line"),
                "sector": sectors.get(data.get("sector")) or derived_sector,
                "dimension": dimensions.get(data.get("dimension")) or derived_dimension,
            },
            keep=_keep_official_french,
            where=(file_of.get(id(data), ""), data, f"node {data['key']}"),
        )
    for data in ordered:
        parent = nodes.get(data.get("parent")) if data.get("parent") else None
        node = nodes[data["key"]]
        if node.parent_id != (parent.pk if parent else None):
            node.parent = parent
            node.save()
    w.delete_missing(
        PlanNode.objects.filter(measures__isnull=True).distinct(), {n.pk for n in nodes.values()}
    )
    return nodes


def _body_with_notes(node: dict) -> dict:
    """A section's prose with its footnotes appended as '[n] text' paragraphs."""
    body = dict(node.get("body") or {})
    for note in node.get("notes") or []:
        for lang in LANGS:
            text = (note.get("text") or {}).get(lang, "").strip()
            if text:
                marker = f"[{note.get('number')}] " if note.get("number") else ""
                body[lang] = f"{(body.get(lang) or '').rstrip()}\n\n{marker}{text}".strip()
    return body


SECTOR_SECTION_ORDER = ("construction", "agrofood", "health", "manufacturing", "creative")


def _derive_chapter5(key: str, dimensions: dict, sectors: dict):
    """5.4.<d> is dimension d; 5.4.<d>.<s> is sector s in the plan's order of sections."""
    parts = key.split(".")
    if len(parts) >= 3 and parts[:2] == ["5", "4"] and parts[2].isdigit():
        dimension = dimensions.get(int(parts[2]))
        sector = None
        if len(parts) == 4 and parts[3].isdigit() and 1 <= int(parts[3]) <= 5:
            sector = sectors.get(SECTOR_SECTION_ORDER[int(parts[3]) - 1])
        return dimension, sector
    return None, None


def _natural_key(key: str):
    out = []
    for part in key.replace("-", ".").split("."):
        out.append((0, int(part), "") if part.isdigit() else (1, 0, part))
    return out


def _write_measures(w: _Writer, bundle: PlanBundle, edition, nodes, aliases) -> None:
    sectors = {s.slug: s for s in Sector.objects.all()}
    dimensions = {d.number: d for d in Dimension.objects.all()}
    statuses = {fold(form): s for s in Status.objects.all() for form in s.printed_forms}
    tags = {t.key: t for t in RemarkTag.objects.all()}
    measures: dict[str, Measure] = {}
    entries: list[tuple[str, dict]] = []
    for name, content in bundle.parts:
        for data in content.get("measures") or []:
            entries.append((name, data))
    order_by_node = {key: node.order for key, node in nodes.items()}
    entries.sort(key=lambda e: (order_by_node[e[1]["section"]], line_of(e[1])))
    for order, (name, data) in enumerate(entries):
        status_printed = (data.get("status_2019") or "").strip()
        priority_printed = (data.get("priority") or "").strip()
        measure = w.upsert(
            Measure,
            {"code": data["code"]},
            {
                "edition": edition,
                "printed_code": data.get("printed_code") or "",
                "kind": data["kind"],
                **_tr(data.get("title"), "title"),
                **_tr(data.get("remark"), "remark"),
                "section": nodes[data["section"]],
                "challenge": nodes.get(data.get("challenge")) if data.get("challenge") else None,
                "pillar": nodes.get(data.get("pillar")) if data.get("pillar") else None,
                "sector": sectors.get(data.get("sector")),
                "dimension": dimensions.get(data.get("dimension")),
                "priority_printed": priority_printed,
                "priority": priority_printed if priority_printed in PRIORITY_LEVELS else "",
                "cost": (data.get("cost") or "").strip(),
                "staffing": (data.get("staffing") or "").strip(),
                "status_2019": status_printed,
                "status": statuses.get(fold(status_printed)),
                "source_line": data.get("source_line"),
                "source_file": name,
                "quirks": list(data.get("quirks") or []),
                "order": order,
            },
            keep=_keep_official_french,
            where=(name, data, f"measure {data['code']}"),
        )
        wanted_tags = {tags[t].pk for t in data.get("remark_tags") or []}
        if set(measure.remark_tags.values_list("pk", flat=True)) != wanted_tags:
            measure.remark_tags.set(wanted_tags)
        measures[data["code"]] = measure
        _write_coordinations(w, measure, data.get("coordinators") or [], aliases)
        _write_notes(w, measure, data.get("notes") or [])
    w.delete_missing(Measure.objects.all(), {m.pk for m in measures.values()})
    keep_refs = set()
    for _name, data in entries:
        source = measures[data["code"]]
        for ref in data.get("cross_refs") or []:
            obj = w.upsert(
                CrossReference,
                {"source": source, "target": measures[ref["target"]], "type": ref["type"]},
                {"printed": ref.get("printed") or ""},
                where=(source.source_file, ref, f"measure {source.code}.cross_refs"),
            )
            keep_refs.add(obj.pk)
    w.delete_missing(CrossReference.objects.all(), keep_refs)
    for measure in measures.values():
        search = measure_search_text(measure)
        if measure.search_text != search:
            Measure.objects.filter(pk=measure.pk).update(search_text=search)


def _write_coordinations(w: _Writer, measure: Measure, coordinators: list, aliases) -> None:
    keep = set()
    for order, data in enumerate(coordinators):
        org = aliases[fold(data["printed"])]
        obj = w.upsert(
            MeasureCoordination,
            {"measure": measure, "order": order},
            {
                "organisation": org,
                "printed": data["printed"],
                "uncertain": bool(data.get("uncertain")),
            },
            where=(measure.source_file, data, f"measure {measure.code}.coordinators[{order}]"),
        )
        keep.add(obj.pk)
    w.delete_missing(measure.coordinations.all(), keep)


def _write_notes(w: _Writer, measure: Measure, notes: list) -> None:
    keep = set()
    for order, data in enumerate(notes):
        obj = w.upsert(
            MeasureNote,
            {"measure": measure, "order": order},
            {
                "number": str(data.get("number") or ""),
                "kind": data["kind"],
                **_tr(data.get("text"), "text"),
            },
            where=(measure.source_file, data, f"measure {measure.code}.notes[{order}]"),
        )
        keep.add(obj.pk)
    w.delete_missing(measure.notes.all(), keep)


def measure_search_text(measure: Measure) -> str:
    """Everything a search should find a measure by, accent-folded: code, texts, coordinators."""
    parts = [measure.code, measure.printed_code, measure.status_2019]
    parts += [getattr(measure, f"{f}_{lang}") for f in ("title", "remark") for lang in LANGS]
    for coordination in measure.coordinations.select_related("organisation"):
        org = coordination.organisation
        parts += [coordination.printed, org.name_nl, org.name_fr, org.name_en, org.acronym]
    return fold(" ".join(p for p in parts if p))
