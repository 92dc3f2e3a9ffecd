"""Load the boordtabel's default data: the registry (data/indicators/registry.yaml) and the
observations (data/indicators/observations/*.csv, tidy layout, see observations.py).

Everything is validated first — the registry against the plan in the database, the observations
against the registry being loaded — and only a bundle without a single problem is written, in one
transaction. Loading is idempotent: indicators are matched on their code, observations on
indicator × period × disaggregation × vintage, and only changed rows are saved. Indicators and
observations that are not in the files (added by an import) are kept.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction

from core.validation import (
    YAML_MAX_BYTES,
    decimal_problem,
    model_value_problems,
    scalar_problems,
    yaml_problems,
)
from core.yamlfiles import DataFileError, line_of, read_yaml
from plan.models import Measure, PlanNode
from reference.models import Organisation, Sector

from .models import Disaggregation, DisaggregationValue, Indicator, SourceDocument, Target
from .observations import Catalogue, ImportResult, parse_files, write_rows
from .progress import Thresholds, is_valid_period

LANGS = ("nl", "fr", "en")
REGISTRY_FILE = "registry.yaml"
OBSERVATIONS_DIR = "observations"
KINDS = {c.value for c in Indicator.Kind}
DIRECTIONS = {c.value for c in Indicator.Direction}
UNITS = {c.value for c in Indicator.Unit}
FREQUENCIES = {c.value for c in Indicator.Frequency}


def default_data_dir() -> Path:
    return Path(getattr(settings, "INDICATORS_DATA_DIR", settings.BASE_DIR / "data" / "indicators"))


@dataclass
class LoadResult:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    observations: ImportResult = field(default_factory=ImportResult)

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        parts = [
            f"{k}: {self.created[k]} new, {self.updated[k]} changed, {self.unchanged[k]} unchanged"
            for k in kinds
        ]
        return ", ".join([*parts, self.observations.summary()])


@dataclass
class Registry:
    documents: list
    disaggregations: list
    indicators: list
    checksum: str


class _Problems:
    def __init__(self, file: str):
        self.file = file
        self.items: list[str] = []

    def add(self, entry, where: str, message: str) -> None:
        line = line_of(entry)
        location = f"{self.file}:{line}" if line else self.file
        self.items.append(f"{location}: {where}: {message}")


def _text(p: _Problems, entry, where: str, value, required: bool = True) -> None:
    if value is None:
        if required:
            p.add(entry, where, "missing (a mapping with nl, fr and en texts)")
        return
    if not isinstance(value, dict):
        p.add(entry, where, "must be a mapping with nl, fr and en texts")
        return
    for lang in LANGS:
        if not isinstance(value.get(lang), str) or not value[lang].strip():
            p.add(value, f"{where}.{lang}", "missing or empty translation")


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


# ---------------------------------------------------------------- reading and validation


def read_registry(data_dir: Path) -> Registry:
    path = data_dir / REGISTRY_FILE
    if not path.is_file():
        raise DataFileError([f"{REGISTRY_FILE}: required file missing from {data_dir}"])
    if path.stat().st_size > YAML_MAX_BYTES:
        raise DataFileError(
            [
                f"{REGISTRY_FILE}: the file is {path.stat().st_size} bytes; at most {YAML_MAX_BYTES} are read"
            ]
        )
    content = read_yaml(path)
    if not isinstance(content, dict):
        raise DataFileError([f"{REGISTRY_FILE}: the file must hold a mapping at its top level"])
    problems = yaml_problems(REGISTRY_FILE, content)
    for key in ("documents", "disaggregations", "indicators"):
        if content.get(key) is not None and not isinstance(content.get(key), list):
            problems.append(f"{REGISTRY_FILE}:{line_of(content)}: {key}: must be a list")
    if problems:
        raise DataFileError(problems)
    registry = Registry(
        documents=content.get("documents") or [],
        disaggregations=content.get("disaggregations") or [],
        indicators=content.get("indicators") or [],
        checksum=hashlib.sha256(path.read_bytes()).hexdigest(),
    )
    validate_registry(registry)
    return registry


def _scalars(p: _Problems, entry, where: str, keys) -> None:
    """A list or a mapping where text is expected: a problem (and the value is not read further)."""
    p.items.extend(scalar_problems(REGISTRY_FILE, entry, where, keys))


def _list_of_codes(p: _Problems, entry, where: str, key: str) -> None:
    value = entry.get(key)
    if value is None:
        return
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        p.add(entry, f"{where}.{key}", "must be a list of codes")
        entry[key] = None


def _fits(p: _Problems, entry, where: str, model, values: dict) -> None:
    for name, message in model_value_problems(model, values):
        p.add(entry, f"{where}.{name}", message)


def validate_registry(registry: Registry) -> None:
    p = _Problems(REGISTRY_FILE)
    documents = set()
    for index, doc in enumerate(registry.documents):
        where = f"documents[{index}]"
        _scalars(p, doc, where, ("key", "author", "date", "seed", "strategy"))
        if not isinstance(doc, dict) or not doc.get("key"):
            p.add(doc, where, "a document needs a key")
            continue
        if doc["key"] in documents:
            p.add(doc, f"{where}.key", f"duplicate document {doc['key']!r}")
        documents.add(doc["key"])
        _text(p, doc, f"{where} ({doc['key']}).title", doc.get("title"))
        _fits(
            p,
            doc,
            where,
            SourceDocument,
            {
                "key": str(doc["key"]),
                "author": doc.get("author") or "",
                "date": str(doc.get("date") or ""),
                "seed": doc.get("seed") or "",
                "strategy_slug": doc.get("strategy") or "",
            },
        )

    sectors = set(Sector.objects.values_list("slug", flat=True))
    disaggregations: dict[str, set[str]] = {}
    for index, dis in enumerate(registry.disaggregations):
        where = f"disaggregations[{index}]"
        _scalars(p, dis, where, ("code",))
        if isinstance(dis, dict) and not isinstance(dis.get("values") or [], list):
            p.add(dis, f"{where}.values", "must be a list")
            dis["values"] = None
        if not isinstance(dis, dict) or not dis.get("code"):
            p.add(dis, where, "a disaggregation needs a code")
            continue
        code = dis["code"]
        if code in disaggregations:
            p.add(dis, f"{where}.code", f"duplicate disaggregation {code!r}")
        values: set[str] = set()
        disaggregations[code] = values
        _text(p, dis, f"{where} ({code}).name", dis.get("name"))
        for vindex, value in enumerate(dis.get("values") or []):
            vwhere = f"{where} ({code}).values[{vindex}]"
            _scalars(p, value, vwhere, ("code", "sector"))
            if not isinstance(value, dict) or not value.get("code"):
                p.add(value, vwhere, "a value needs a code")
                continue
            if value["code"] in values:
                p.add(value, f"{vwhere}.code", f"duplicate value {value['code']!r}")
            values.add(str(value["code"]))
            _text(p, value, f"{vwhere}.label", value.get("label"))
            _text(p, value, f"{vwhere}.note", value.get("note"), required=False)
            if value.get("sector") is not None and value["sector"] not in sectors:
                p.add(value, f"{vwhere}.sector", f"unknown plan sector {value['sector']!r}")

    nodes = dict(PlanNode.objects.values_list("key", "kind"))
    measures = set(Measure.objects.values_list("code", flat=True))
    organisations = set(Organisation.objects.values_list("slug", flat=True))
    codes = set()
    for index, ind in enumerate(registry.indicators):
        where = f"indicators[{index}]"
        _scalars(
            p,
            ind,
            where,
            ("code", "unit", "kind", "direction", "frequency", "owner", "licence", "citation"),
        )
        for key in ("disaggregations", "plan_nodes", "sectors", "measures"):
            if isinstance(ind, dict):
                _list_of_codes(p, ind, where, key)
        if not isinstance(ind, dict) or not ind.get("code"):
            p.add(ind, where, "an indicator needs a code")
            continue
        code = str(ind["code"])
        where = f"{where} ({code})"
        if code in codes:
            p.add(ind, f"{where}.code", "duplicate indicator code")
        codes.add(code)
        _text(p, ind, f"{where}.name", ind.get("name"))
        _text(p, ind, f"{where}.definition", ind.get("definition"))
        _text(p, ind, f"{where}.method", ind.get("method"), required=False)
        _fits(
            p,
            ind,
            where,
            Indicator,
            {"code": code, "licence": ind.get("licence") or "", "citation": ind.get("citation")},
        )
        for key, allowed in (
            ("unit", UNITS),
            ("kind", KINDS),
            ("direction", DIRECTIONS),
            ("frequency", FREQUENCIES),
        ):
            if ind.get(key) not in allowed:
                p.add(ind, f"{where}.{key}", f"{ind.get(key)!r}; expected one of {sorted(allowed)}")
        for dis in ind.get("disaggregations") or []:
            if dis not in disaggregations:
                p.add(ind, f"{where}.disaggregations", f"unknown disaggregation {dis!r}")
        headline = ind.get("headline") or {}
        if not isinstance(headline, dict):
            p.add(ind, f"{where}.headline", "must be a mapping of disaggregation code to value")
        else:
            for dis, value in headline.items():
                if dis not in (ind.get("disaggregations") or []):
                    p.add(ind, f"{where}.headline", f"{dis!r} is not one of its disaggregations")
                elif str(value) not in disaggregations.get(dis, set()):
                    p.add(ind, f"{where}.headline", f"unknown {dis} value {value!r}")
        for key in ind.get("plan_nodes") or []:
            if key not in nodes:
                p.add(ind, f"{where}.plan_nodes", f"unknown plan node {key!r}")
        for slug in ind.get("sectors") or []:
            if slug not in sectors:
                p.add(ind, f"{where}.sectors", f"unknown plan sector {slug!r}")
        for measure in ind.get("measures") or []:
            if measure not in measures:
                p.add(ind, f"{where}.measures", f"unknown measure {measure!r}")
        owner = ind.get("owner")
        if owner is not None and owner not in organisations:
            p.add(ind, f"{where}.owner", f"unknown organisation {owner!r}")
        source = ind.get("source")
        if source is not None and not isinstance(source, dict):
            p.add(ind, f"{where}.source", "must be a mapping with organisation and dataset")
        for sindex, ref in enumerate(ind.get("sources") or []):
            swhere = f"{where}.sources[{sindex}]"
            if not isinstance(ref, dict) or ref.get("document") not in documents:
                p.add(ref, f"{swhere}.document", "unknown or missing source document")
                continue
            if not ref.get("section"):
                p.add(ref, f"{swhere}.section", "missing")
            if ref.get("line") is not None and not isinstance(ref.get("line"), int):
                p.add(ref, f"{swhere}.line", "must be a whole number")
        baseline = ind.get("baseline")
        if baseline is not None:
            if not isinstance(baseline, dict) or not is_valid_period(str(baseline.get("period"))):
                p.add(baseline, f"{where}.baseline.period", "bad or missing period")
            elif _number(baseline.get("value")) is None:
                p.add(baseline, f"{where}.baseline.value", "must be a number")
            else:
                problem = decimal_problem(
                    Indicator._meta.get_field("baseline_value"), _number(baseline.get("value"))
                )
                if problem:
                    p.add(baseline, f"{where}.baseline.value", problem)
        for tindex, target in enumerate(ind.get("targets") or []):
            twhere = f"{where}.targets[{tindex}]"
            if not isinstance(target, dict):
                p.add(target, twhere, "must be a mapping")
                continue
            period = target.get("period")
            if period not in (None, "") and not is_valid_period(str(period)):
                p.add(target, f"{twhere}.period", f"bad period {period!r}")
            _scalars(p, target, twhere, ("period", "source"))
            if _number(target.get("value")) is None:
                p.add(target, f"{twhere}.value", "must be a number")
            else:
                problem = decimal_problem(
                    Target._meta.get_field("value"), _number(target.get("value"))
                )
                if problem:
                    p.add(target, f"{twhere}.value", problem)
            _fits(
                p,
                target,
                twhere,
                Target,
                {"period": str(target.get("period") or ""), "source": target.get("source") or ""},
            )
            _text(p, target, f"{twhere}.label", target.get("label"), required=False)
        try:
            Thresholds.with_overrides(ind.get("thresholds"))
        except (ValueError, TypeError) as exc:
            p.add(ind, f"{where}.thresholds", str(exc))
        quirks = ind.get("quirks") or []
        if not isinstance(quirks, list) or not all(isinstance(q, str) for q in quirks):
            p.add(ind, f"{where}.quirks", "must be a list of sentences")
    if p.items:
        raise DataFileError(p.items)


def registry_catalogue(registry: Registry) -> Catalogue:
    """The catalogue the default observations are checked against: the registry being loaded."""
    disaggregations = {
        d["code"]: frozenset(str(v["code"]) for v in d.get("values") or [])
        for d in registry.disaggregations
    }
    indicators = {
        str(i["code"]): (i["unit"], frozenset(i.get("disaggregations") or []))
        for i in registry.indicators
    }
    return Catalogue(indicators=indicators, disaggregations=disaggregations)


# ---------------------------------------------------------------- writing


def _tr(value: dict | None, prefix: str) -> dict[str, str]:
    value = value if isinstance(value, dict) else {}
    return {f"{prefix}_{lang}": (value.get(lang) or "").strip() for lang in LANGS}


class _Writer:
    def __init__(self, result: LoadResult):
        self.result = result

    def upsert(self, model, lookup: dict, values: dict):
        label = model._meta.model_name
        bad = model_value_problems(model, {**lookup, **values})
        if bad:  # a value the column cannot hold: a message, never a database error
            raise DataFileError(
                [f"{REGISTRY_FILE}: {label} {lookup}.{name}: {message}" for name, message in bad]
            )
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model.objects.create(**lookup, **values)
            self.result.created[label] += 1
            return obj
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        if changed:
            for k in changed:
                setattr(obj, k, values[k])
            obj.save()
            self.result.updated[label] += 1
        else:
            self.result.unchanged[label] += 1
        return obj

    def set_m2m(self, obj, name: str, items) -> None:
        manager = getattr(obj, name)
        wanted = {item.pk for item in items}
        if set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(list(items))
            self.result.updated[f"{obj._meta.model_name} links"] += 1


def _decimal(value) -> Decimal | None:
    number = _number(value)
    return number.quantize(Decimal("0.000001")) if number is not None else None


def _write_registry(w: _Writer, registry: Registry) -> None:
    for doc in registry.documents:
        w.upsert(
            SourceDocument,
            {"key": doc["key"]},
            {
                **_tr(doc.get("title"), "title"),
                "author": doc.get("author") or "",
                "date": str(doc.get("date") or ""),
                "seed": doc.get("seed") or "",
                "strategy_slug": doc.get("strategy") or "",
            },
        )
    sectors = {s.slug: s for s in Sector.objects.all()}
    disaggregations = {}
    for order, dis in enumerate(registry.disaggregations):
        obj = w.upsert(
            Disaggregation, {"code": dis["code"]}, {**_tr(dis.get("name"), "name"), "order": order}
        )
        disaggregations[dis["code"]] = obj
        for vorder, value in enumerate(dis.get("values") or []):
            w.upsert(
                DisaggregationValue,
                {"disaggregation": obj, "code": str(value["code"])},
                {
                    **_tr(value.get("label"), "label"),
                    **_tr(value.get("note"), "note"),
                    "sector": sectors.get(value.get("sector")),
                    "order": vorder,
                },
            )
    nodes = {n.key: n for n in PlanNode.objects.all()}
    measures = {m.code: m for m in Measure.objects.all()}
    organisations = {o.slug: o for o in Organisation.objects.all()}
    for order, data in enumerate(registry.indicators):
        source = data.get("source") or {}
        baseline = data.get("baseline") or {}
        indicator = w.upsert(
            Indicator,
            {"code": str(data["code"])},
            {
                **_tr(data.get("name"), "name"),
                **_tr(data.get("definition"), "definition"),
                **_tr(data.get("method"), "method"),
                "unit": data["unit"],
                "kind": data["kind"],
                "direction": data["direction"],
                "frequency": data["frequency"],
                "source_organisation": source.get("organisation") or "",
                "source_dataset": source.get("dataset") or "",
                "owner": organisations.get(data.get("owner")),
                "licence": data.get("licence") or "",
                "citation": (data.get("citation") or "").strip(),
                "sources": [dict(ref) for ref in data.get("sources") or []],
                "baseline_period": str(baseline.get("period") or ""),
                "baseline_value": _decimal(baseline.get("value")),
                "progress_thresholds": dict(data.get("thresholds") or {}),
                "headline": {k: str(v) for k, v in (data.get("headline") or {}).items()},
                "quirks": list(data.get("quirks") or []),
                "order": order,
            },
        )
        w.set_m2m(
            indicator,
            "disaggregations",
            [disaggregations[c] for c in data.get("disaggregations") or []],
        )
        w.set_m2m(indicator, "plan_nodes", [nodes[k] for k in data.get("plan_nodes") or []])
        w.set_m2m(indicator, "sectors", [sectors[s] for s in data.get("sectors") or []])
        w.set_m2m(indicator, "measures", [measures[c] for c in data.get("measures") or []])
        keep = set()
        for torder, target in enumerate(data.get("targets") or []):
            obj = w.upsert(
                Target,
                {
                    "indicator": indicator,
                    "period": str(target.get("period") or ""),
                    "value": _decimal(target["value"]),
                },
                {
                    **_tr(target.get("label"), "label"),
                    "counts_for_status": bool(target.get("counts_for_status", True)),
                    "source": target.get("source") or "",
                    "order": torder,
                },
            )
            keep.add(obj.pk)
        stale = indicator.targets.exclude(pk__in=keep)
        if stale.exists():
            w.result.updated["target removed"] += stale.count()
            stale.delete()


def indicators_load(
    *, data_dir: Path, loaded_by: str = "", progress: Callable[[str], None] | None = None
) -> LoadResult:
    """Validate the registry and every default observation file, then write all in one transaction."""
    step = progress or (lambda message: None)
    step("registry")
    registry = read_registry(data_dir)
    files = sorted((data_dir / OBSERVATIONS_DIR).glob("*.csv"))
    step("observations")
    rows, _checksum = parse_files(files, registry_catalogue(registry))
    result = LoadResult()
    with transaction.atomic():
        step("writing the registry")
        _write_registry(_Writer(result), registry)
        step(f"writing {len(rows)} observations")
        result.observations = write_rows(rows)
        result.observations.files = [f.name for f in files]
    return result


def indicators_load_defaults() -> LoadResult:
    """The default registry and observations (for `make setup` and the test session)."""
    return indicators_load(data_dir=default_data_dir(), loaded_by="defaults")
