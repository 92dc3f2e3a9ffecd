"""Load data/plan/strategies.yaml: related strategies and stakeholder positions, linked to the plan."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from core.validation import (
    YAML_MAX_BYTES,
    model_value_problems,
    scalar_problems,
    type_name,
    yaml_problems,
)
from core.yamlfiles import DataFileError, line_of, read_yaml
from plan.models import Measure, PlanNode
from reference.models import Sector

from .models import Document, Item

FILE = "strategies.yaml"
LANGS = ("nl", "fr", "en")
DOC_KINDS = {c.value for c in Document.Kind}
ITEM_KINDS = {c.value for c in Item.Kind}


def _where(entry, text: str) -> str:
    line = line_of(entry)
    return f"{FILE}:{line}: {text}" if line else f"{FILE}: {text}"


def _check_text(problems, entry, where, value, langs=LANGS, required=True):
    if value is None and not required:
        return
    if not isinstance(value, dict):
        problems.append(_where(entry, f"{where}: must be a mapping with {', '.join(langs)} texts"))
        return
    for lang in langs:
        if not isinstance(value.get(lang), str) or not value[lang].strip():
            problems.append(_where(value, f"{where}.{lang}: missing or empty translation"))


def validate(content) -> list[str]:
    """Every problem of the file; needs the plan loaded (measure codes, sectors, challenges)."""
    problems: list[str] = []
    documents = content.get("documents") if isinstance(content, dict) else None
    if not isinstance(documents, list):
        return [f"{FILE}: needs a list 'documents'"]
    problems.extend(yaml_problems(FILE, content))
    codes = set(Measure.objects.values_list("code", flat=True))
    sectors = set(Sector.objects.values_list("slug", flat=True))
    challenges = set(PlanNode.objects.filter(kind="challenge").values_list("key", flat=True))
    slugs = set()
    for index, doc in enumerate(documents):
        where = f"documents[{index}]"
        problems.extend(
            scalar_problems(FILE, doc, where, ("slug", "kind", "date", "seed"), line=line_of(doc))
        )
        if not isinstance(doc, dict) or not doc.get("slug"):
            problems.append(_where(doc, f"{where}.slug: missing"))
            continue
        where += f" ({doc['slug']})"
        if doc["slug"] in slugs:
            problems.append(_where(doc, f"{where}.slug: duplicate"))
        slugs.add(doc["slug"])
        if doc.get("kind") not in DOC_KINDS:
            problems.append(_where(doc, f"{where}.kind: must be one of {sorted(DOC_KINDS)}"))
        _check_text(problems, doc, f"{where}.title", doc.get("title"))
        _check_text(problems, doc, f"{where}.summary", doc.get("summary"))
        _check_text(problems, doc, f"{where}.author", doc.get("author"), required=False)
        _check_text(problems, doc, f"{where}.body", doc.get("body"), ("nl",), required=False)
        _check_lists(problems, doc, where, ("sectors", "items", "steering_ministers", "partners"))
        for field, value in (("slug", doc["slug"]), ("date", str(doc.get("date") or ""))):
            for _name, message in model_value_problems(Document, {field: value}):
                problems.append(_where(doc, f"{where}.{field}: {message}"))
        for slug in doc.get("sectors") or []:
            if not isinstance(slug, str | int):
                problems.append(_where(doc, f"{where}.sectors: {slug!r} is not a sector slug"))
            elif slug not in sectors:
                problems.append(_where(doc, f"{where}.sectors: unknown sector {slug!r}"))
        keys = set()
        for item_index, item in enumerate(doc.get("items") or []):
            iwhere = f"{where}.items[{item_index}]"
            if not isinstance(item, dict):
                problems.append(_where(doc, f"{iwhere}: must be a mapping"))
                continue
            problems.extend(
                scalar_problems(FILE, item, iwhere, ("key", "kind"), line=line_of(item))
            )
            _check_lists(problems, item, iwhere, ("measures", "sectors", "challenges"))
            key = str(item.get("key") or "")
            if not key or key in keys:
                problems.append(_where(item, f"{iwhere}.key: missing or duplicate"))
            keys.add(key)
            for _name, message in model_value_problems(Item, {"key": key}):
                problems.append(_where(item, f"{iwhere}.key: {message}"))
            if item.get("kind") not in ITEM_KINDS:
                problems.append(_where(item, f"{iwhere}.kind: must be one of {sorted(ITEM_KINDS)}"))
            _check_text(problems, item, f"{iwhere}.text", item.get("text"))
            for code in item.get("measures") or []:
                if not isinstance(code, str):
                    problems.append(_where(item, f"{iwhere}.measures: {code!r} is not a code"))
                elif code not in codes:
                    problems.append(
                        _where(item, f"{iwhere}.measures: unknown measure code {code!r}")
                    )
            for slug in item.get("sectors") or []:
                if not isinstance(slug, str) or slug not in sectors:
                    problems.append(_where(item, f"{iwhere}.sectors: unknown sector {slug!r}"))
            for key_ in item.get("challenges") or []:
                if not isinstance(key_, str) or key_ not in challenges:
                    problems.append(
                        _where(item, f"{iwhere}.challenges: unknown challenge {key_!r}")
                    )
    return problems


def _check_lists(problems, entry, where, keys) -> None:
    """A key that must hold a list: a text or a mapping there is a problem, not a traceback."""
    for key in keys:
        value = entry.get(key)
        if value is not None and not isinstance(value, list):
            problems.append(_where(entry, f"{where}.{key}: must be a list, not {type_name(value)}"))
            entry[key] = None


def _tr(value, prefix, langs=LANGS):
    value = value if isinstance(value, dict) else {}
    return {f"{prefix}_{lang}": (value.get(lang) or "").strip() for lang in langs}


def _upsert(model, lookup: dict, values: dict):
    """Create, or save only the fields that changed: a second load writes nothing (no history)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save()
    return obj


def _set_if_changed(manager, objects) -> None:
    wanted = {o.pk for o in objects}
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(wanted)


def strategies_load(*, data_dir: Path) -> int:
    """Validate, then write every document and item in one transaction; returns the item count."""
    path = data_dir / FILE
    if not path.exists():
        raise DataFileError([f"{FILE}: file not found in {data_dir}"])
    if path.stat().st_size > YAML_MAX_BYTES:
        raise DataFileError(
            [f"{FILE}: the file is {path.stat().st_size} bytes; at most {YAML_MAX_BYTES} are read"]
        )
    content = read_yaml(path)
    problems = validate(content)
    if problems:
        raise DataFileError(problems)
    count = 0
    with transaction.atomic():
        keep_docs = set()
        for order, data in enumerate(content["documents"]):
            doc = _upsert(
                Document,
                {"slug": data["slug"]},
                {
                    "kind": data["kind"],
                    **_tr(data.get("title"), "title"),
                    **_tr(data.get("author"), "author"),
                    **_tr(data.get("summary"), "summary"),
                    "body_nl": ((data.get("body") or {}).get("nl") or "").strip(),
                    "date": str(data.get("date") or ""),
                    "seed": data.get("seed") or "",
                    "steering_ministers": data.get("steering_ministers") or [],
                    "partners": data.get("partners") or [],
                    "quirks": data.get("quirks") or [],
                    "order": order,
                },
            )
            keep_docs.add(doc.pk)
            _set_if_changed(doc.sectors, Sector.objects.filter(slug__in=data.get("sectors") or []))
            keep_items = set()
            for item_order, item_data in enumerate(data.get("items") or []):
                item = _upsert(
                    Item,
                    {"document": doc, "key": str(item_data["key"])},
                    {
                        "kind": item_data["kind"],
                        **_tr(item_data.get("text"), "text"),
                        "figures": item_data.get("figures") or [],
                        "actions": item_data.get("actions") or [],
                        "steering": item_data.get("steering") or [],
                        "order": item_order,
                    },
                )
                _set_if_changed(
                    item.measures, Measure.objects.filter(code__in=item_data.get("measures") or [])
                )
                _set_if_changed(
                    item.sectors, Sector.objects.filter(slug__in=item_data.get("sectors") or [])
                )
                _set_if_changed(
                    item.challenges,
                    PlanNode.objects.filter(key__in=item_data.get("challenges") or []),
                )
                keep_items.add(item.pk)
                count += 1
            for stale in doc.items.exclude(pk__in=keep_items):
                stale.delete()
        for stale in Document.objects.exclude(pk__in=keep_docs):
            stale.delete()
    return count
