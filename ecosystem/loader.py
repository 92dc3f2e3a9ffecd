"""`bruprod load-ecosystem`: the seeded map.

Reads data/ecosystem/value_chains.yaml (stages per sector, Bruprod's proposal) and
data/ecosystem/actors.yaml (the examples, places and projects the plan cites, each fact with its
line in the plan's text), validates everything first (`file:line: field: message`), then writes in
one transaction: the stages, one actor per plan organisation (reference.Organisation), the cited
actors, the relations the plan states, and the relations derived from Bruprod's data
(co-coordination of plan measures). Idempotent: a second run writes nothing and adds no history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from django.conf import settings
from django.db import transaction

from core.yamlfiles import DataFileError, line_of, read_yaml
from plan.models import Measure, MeasureCoordination
from reference.models import Organisation, Sector

from .models import Actor, Relation, ValueChainStage

STAGES_FILE = "value_chains.yaml"
ACTORS_FILE = "actors.yaml"
# Where the plan first prints each organisation: precomputed from the seed, so loading needs none.
ORG_LINES_FILE = "organisation_lines.yaml"
PLAN_DATE = "2019-01"  # the plan was adopted in January 2019
LOADER = "load-ecosystem"
MUNICIPALITIES = {str(code) for code in range(21001, 21020)}

ORGANISATION_TYPES = {
    "government": Actor.Type.GOVERNMENT,
    "administration": Actor.Type.PUBLIC_OPERATOR,
    "public_agency": Actor.Type.PUBLIC_OPERATOR,
    "public_company": Actor.Type.PUBLIC_OPERATOR,
    "cluster": Actor.Type.CLUSTER,
    "incubator": Actor.Type.INCUBATOR,
    "research_centre": Actor.Type.RESEARCH_CENTRE,
    "university": Actor.Type.UNIVERSITY,
    "training_centre": Actor.Type.TRAINING_CENTRE,
    "federation": Actor.Type.FEDERATION,
    "social_partner": Actor.Type.SOCIAL_PARTNER,
    "network": Actor.Type.NETWORK,
    "company": Actor.Type.COMPANY,
    "fund": Actor.Type.FUND,
    "to_be_created": Actor.Type.OTHER,
    "other": Actor.Type.OTHER,
}


def default_data_dir() -> Path:
    return Path(settings.BASE_DIR) / "data" / "ecosystem"


def plan_source(seed: str, line: int) -> str:
    return f"plan {seed}:{line}"


def fact(source: str, date: str = PLAN_DATE, by: str = LOADER) -> dict:
    return {"source": source, "date": date, "by": by}


# ---------------------------------------------------------------- the seed text


class SeedText:
    """The plan's text with line numbers, for checking quotes and finding printed names."""

    def __init__(self, path: Path):
        self.path = path
        self.lines = path.read_text(encoding="utf-8").split("\n") if path.exists() else None
        self._joined = None

    @property
    def available(self) -> bool:
        return self.lines is not None

    def has(self, line: int, quote: str) -> bool:
        if self.lines is None:
            return True
        if not 1 <= line <= len(self.lines):
            return False
        return _squash(quote) in _squash(self.lines[line - 1])

    def printed_at(self, line: int, text: str) -> bool:
        """`text` is printed starting on `line` (its words may wrap onto the next lines)."""
        if self.lines is None:
            return True
        if not 1 <= line <= len(self.lines) or not text.strip():
            return False
        block = "\n".join(self.lines[line - 1 : line + 15])  # table cells wrap over blank lines
        words = [re.escape(w) for w in text.split()]
        pattern = r"(?<![\w.])" + r"(?:-?\s+)".join(words) + r"(?![\w])"
        match = re.search(pattern, block)
        return match is not None and match.start() <= len(self.lines[line - 1])

    def first_line(self, text: str) -> int | None:
        """The first line where `text` is printed (words may wrap to the next line)."""
        if self.lines is None or not text.strip():
            return None
        if self._joined is None:
            self._joined = "\n".join(self.lines)
        words = [re.escape(w) for w in text.split()]
        pattern = r"(?<![\w.])" + r"(?:-?\s+)".join(words) + r"(?![\w])"
        match = re.search(pattern, self._joined)
        if match is None:
            return None
        return self._joined.count("\n", 0, match.start()) + 1


def _squash(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- reading and validating


@dataclass
class Bundle:
    stages: dict
    actors: dict
    seed: SeedText
    org_lines: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def add(self, file: str, entry, message: str) -> None:
        line = line_of(entry)
        self.problems.append(f"{file}:{line}: {message}" if line else f"{file}: {message}")


def read_bundle(data_dir: Path, seeds_dir: Path | None = None) -> Bundle:
    problems = []
    content = {}
    for name in (STAGES_FILE, ACTORS_FILE, ORG_LINES_FILE):
        path = data_dir / name
        if not path.exists():
            problems.append(f"{name}: file not found in {data_dir}")
            continue
        try:
            content[name] = read_yaml(path)
        except DataFileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DataFileError(problems)
    seeds_dir = seeds_dir or Path(settings.SEEDS_DIR)
    seed_name = (content[ACTORS_FILE] or {}).get("seed") or ""
    bundle = Bundle(
        stages=content[STAGES_FILE] or {},
        actors=content[ACTORS_FILE] or {},
        seed=SeedText(seeds_dir / str(seed_name)),
        org_lines=(content[ORG_LINES_FILE] or {}).get("organisations") or {},
    )
    validate(bundle)
    if bundle.problems:
        raise DataFileError(bundle.problems)
    return bundle


def _validate_stages(b: Bundle, sectors: set[str]) -> None:
    f = STAGES_FILE
    data = b.stages
    if not isinstance(data, dict) or not isinstance(data.get("stages"), list):
        b.add(f, data, "needs a list 'stages'")
        return
    if not data.get("nace_version"):
        b.add(f, data, "nace_version: missing (the NACE version of the prefixes)")
    keys = set()
    for i, stage in enumerate(data["stages"]):
        if not isinstance(stage, dict) or not str(stage.get("key") or "").strip():
            b.add(f, stage, f"stages[{i}].key: missing")
            continue
        if stage["key"] in keys:
            b.add(f, stage, f"stages[{i}].key: duplicate {stage['key']!r}")
        keys.add(stage["key"])
        name = stage.get("name")
        if not isinstance(name, dict) or not all(
            str(name.get(x) or "").strip() for x in "nl fr en".split()
        ):
            b.add(f, stage, f"stages[{i}].name: needs nl, fr and en")
    for where in ("common",):
        for key, prefixes in (data.get(where) or {}).items():
            if key not in keys:
                b.add(f, data.get(where), f"{where}.{key}: unknown stage")
            _check_prefixes(b, data.get(where), f"{where}.{key}", prefixes)
    for slug, own in (data.get("sectors") or {}).items():
        if slug not in sectors:
            b.add(f, data.get("sectors"), f"sectors.{slug}: unknown sector")
            continue
        for key, prefixes in (own or {}).items():
            if key not in keys:
                b.add(f, own, f"sectors.{slug}.{key}: unknown stage")
            _check_prefixes(b, own, f"sectors.{slug}.{key}", prefixes)


def _check_prefixes(b: Bundle, entry, where: str, prefixes) -> None:
    if not isinstance(prefixes, list) or not all(
        isinstance(p, str) and p.isdigit() and 2 <= len(p) <= 5 for p in prefixes
    ):
        b.add(STAGES_FILE, entry, f"{where}: NACE prefixes are quoted strings of 2–5 digits")


def _check_source(b: Bundle, entry, where: str, src) -> None:
    if not isinstance(src, dict) or not isinstance(src.get("line"), int):
        b.add(ACTORS_FILE, entry, f"{where}: needs a line and a quote")
        return
    quote = str(src.get("quote") or "")
    if not quote.strip():
        b.add(ACTORS_FILE, src, f"{where}.quote: missing")
    elif not b.seed.has(src["line"], quote):
        b.add(ACTORS_FILE, src, f"{where}: {quote!r} is not on line {src['line']} of the plan")


def validate(b: Bundle) -> None:
    sectors = set(Sector.objects.values_list("slug", flat=True))
    _validate_stages(b, sectors)
    f = ACTORS_FILE
    data = b.actors
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        b.add(f, data, "needs a list 'entries'")
        return
    # Without the plan's text (shared/seeds) the quotes are not re-checked here; the tests check
    # them wherever the seed is present (ecosystem/tests/test_seed.py).
    for slug, cited in b.org_lines.items():
        if not isinstance(cited, dict) or not isinstance(cited.get("line"), int):
            b.add(ORG_LINES_FILE, cited, f"{slug}: needs a line and a quote")
        elif not b.seed.printed_at(cited["line"], str(cited.get("quote") or "")):
            b.add(
                ORG_LINES_FILE,
                cited,
                f"{slug}: {cited.get('quote')!r} is not on line {cited['line']} of the plan",
            )
    orgs = set(Organisation.objects.values_list("slug", flat=True))
    codes = set(Measure.objects.values_list("code", flat=True))
    keys = set(orgs)
    types = {c.value for c in Actor.Type}
    for i, entry in enumerate(data["entries"]):
        where = f"entries[{i}]"
        if not isinstance(entry, dict):
            b.add(f, data, f"{where}: must be a mapping")
            continue
        org, key = entry.get("organisation"), entry.get("key")
        if bool(org) == bool(key):
            b.add(f, entry, f"{where}: give either 'organisation' or 'key'")
            continue
        if org and org not in orgs:
            b.add(f, entry, f"{where}.organisation: unknown plan organisation {org!r}")
        if org and entry.get("type") and entry["type"] not in types:
            b.add(f, entry, f"{where}.type: must be one of {sorted(types)}")
        if key:
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", str(key)):
                b.add(f, entry, f"{where}.key: lowercase letters, digits and hyphens")
            elif key in keys:
                b.add(f, entry, f"{where}.key: {key!r} is already an actor key")
            keys.add(key)
            if entry.get("type") not in types:
                b.add(f, entry, f"{where}.type: must be one of {sorted(types)}")
            name = entry.get("name")
            if not isinstance(name, dict) or not str(name.get("nl") or "").strip():
                b.add(f, entry, f"{where}.name.nl: missing")
        sources = entry.get("sources") or {}
        if not isinstance(sources, dict):
            b.add(f, entry, f"{where}.sources: must be a mapping")
            sources = {}
        for fld in ("name", "type", "sectors", "website", "municipality", "measures"):
            if fld in entry and fld not in sources:
                b.add(f, entry, f"{where}.sources.{fld}: every fact needs its line in the plan")
        for fld, src in sources.items():
            _check_source(b, entry, f"{where}.sources.{fld}", src)
        for slug in entry.get("sectors") or []:
            if slug not in sectors:
                b.add(f, entry, f"{where}.sectors: unknown sector {slug!r}")
        for code in entry.get("measures") or []:
            if code not in codes:
                b.add(f, entry, f"{where}.measures: unknown measure code {code!r}")
        if entry.get("municipality") and entry["municipality"] not in MUNICIPALITIES:
            b.add(f, entry, f"{where}.municipality: a REFNIS code 21001–21019")
        cited = entry.get("cited")
        if not isinstance(cited, list) or not cited:
            b.add(f, entry, f"{where}.cited: at least one line of the plan")
        else:
            for j, src in enumerate(cited):
                _check_source(b, entry, f"{where}.cited[{j}]", src)
    rtypes = {c.value for c in Relation.Type}
    for i, rel in enumerate(data.get("relations") or []):
        where = f"relations[{i}]"
        if not isinstance(rel, dict):
            b.add(f, data, f"{where}: must be a mapping")
            continue
        for end in ("from", "to"):
            if rel.get(end) not in keys:
                b.add(f, rel, f"{where}.{end}: unknown actor {rel.get(end)!r}")
        if rel.get("type") not in rtypes:
            b.add(f, rel, f"{where}.type: must be one of {sorted(rtypes)}")
        _check_source(b, rel, where, rel)


# ---------------------------------------------------------------- writing


def _upsert(model, lookup: dict, values: dict):
    """Create, or save only when a value changed: a second load writes nothing (no history)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj._change_reason = LOADER
        obj.save()
        return obj, True
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj._change_reason = LOADER
        obj.save()
    return obj, bool(changed)


def _set_m2m(manager, objects) -> None:
    wanted = {o.pk for o in objects}
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(wanted)


def _write_stages(data: dict) -> int:
    common = data.get("common") or {}
    count = 0
    for sector in Sector.objects.ecosystems():
        own = (data.get("sectors") or {}).get(sector.slug) or {}
        for stage in data["stages"]:
            prefixes = own.get(stage["key"], common.get(stage["key"], []))
            _upsert(
                ValueChainStage,
                {"sector": sector, "key": stage["key"]},
                {
                    "name_nl": stage["name"]["nl"],
                    "name_fr": stage["name"]["fr"],
                    "name_en": stage["name"]["en"],
                    "nace_prefixes": list(prefixes),
                    "nace_version": data["nace_version"],
                    "order": int(stage.get("order") or 0),
                },
            )
            count += 1
    return count


def fact_of(field_name: str) -> str:
    """The fact a model field belongs to ("name_fr" → "name", "latitude" → "coordinates")."""
    if field_name in ("latitude", "longitude"):
        return "coordinates"
    for prefix in ("name", "description"):
        if field_name.startswith(prefix + "_"):
            return prefix
    return field_name


def _merge_values(actor: Actor | None, values: dict, sources: dict, verified: dict) -> dict:
    """Keep what editors did: a field an editor has set (its source is not this loader's) is
    left as it is."""
    if actor is None:
        return {**values, "sources": sources, "verified": verified}
    kept_sources = dict(actor.sources)
    out = {}
    for name, value in values.items():
        fact_name = fact_of(name)
        current = kept_sources.get(fact_name)
        if current and current.get("by") != LOADER:
            continue
        out[name] = value
    for name, src in sources.items():
        current = kept_sources.get(name)
        if not current or current.get("by") == LOADER:
            kept_sources[name] = src
    out["sources"] = kept_sources
    out["verified"] = {**verified, **actor.verified}
    return out


def _write_organisation_actors(org_lines: dict, seed_name: str, entries: dict) -> dict[str, Actor]:
    coordinated: dict[int, list[Measure]] = {}
    for c in MeasureCoordination.objects.select_related("measure"):
        coordinated.setdefault(c.organisation_id, []).append(c.measure)
    out = {}
    for org in Organisation.objects.prefetch_related("aliases").order_by("slug"):
        entry = entries.get(org.slug, {})
        citations = []
        printed = org_lines.get(org.slug)
        if printed:
            citations.append(
                {"seed": seed_name, "line": printed["line"], "quote": printed["quote"]}
            )
        measures = sorted(coordinated.get(org.pk, []), key=lambda m: m.pk)
        if not citations and measures and measures[0].source_line:
            m = measures[0]
            citations.append({"seed": seed_name, "line": m.source_line, "quote": m.code})
        for cited in entry.get("cited") or []:
            item = {"seed": seed_name, "line": cited["line"], "quote": cited["quote"]}
            if item not in citations:
                citations.append(item)
        org_source = "data/plan/organisations.yaml (the plan's organisations, Bruprod's reading)"
        name_source = plan_source(seed_name, citations[0]["line"]) if citations else org_source
        sources = {
            "name": fact(name_source),
            "type": fact(org_source),
            "organisation": fact(org_source),
        }
        values = {
            "name_nl": org.name_nl,
            "name_fr": org.name_fr,
            "name_en": org.name_en,
            "type": ORGANISATION_TYPES.get(org.type, Actor.Type.OTHER),
            "description_nl": org.description_nl,
            "description_fr": org.description_fr,
            "description_en": org.description_en,
            "origin": Actor.Origin.PLAN,
            "organisation": org,
            "citations": citations,
        }
        if org.description_nl:
            sources["description"] = fact(org_source)
        website = entry.get("website") or org.website
        if website:
            values["website"] = website
            src = (entry.get("sources") or {}).get("website")
            sources["website"] = fact(plan_source(seed_name, src["line"]) if src else org_source)
        if entry.get("type"):
            values["type"] = entry["type"]
            sources["type"] = fact(plan_source(seed_name, entry["sources"]["type"]["line"]))
        if entry.get("municipality"):
            values["municipality"] = entry["municipality"]
            sources["municipality"] = fact(
                plan_source(seed_name, entry["sources"]["municipality"]["line"])
            )
        if measures:
            sources["measures"] = fact(
                "plan: coordinator of "
                + ", ".join(m.code for m in measures[:20])
                + (" …" if len(measures) > 20 else "")
            )
        if entry.get("sectors"):
            sources["sectors"] = fact(plan_source(seed_name, entry["sources"]["sectors"]["line"]))
        existing = Actor.objects.filter(key=org.slug).first()
        actor, _created = _upsert(
            Actor, {"key": org.slug}, _merge_values(existing, values, sources, {})
        )
        wanted_measures = set(measures) | set(
            Measure.objects.filter(code__in=entry.get("measures") or [])
        )
        if entry.get("measures"):
            sources_measures = actor.sources.get("measures", {})
            line = entry["sources"]["measures"]["line"]
            if plan_source(seed_name, line) not in sources_measures.get("source", ""):
                actor.sources["measures"] = fact(
                    (sources_measures.get("source", "") + "; " if sources_measures else "")
                    + plan_source(seed_name, line)
                )
                actor._change_reason = LOADER
                actor.save()
        _set_m2m(actor.measures, wanted_measures)
        _set_m2m(actor.sectors, Sector.objects.filter(slug__in=entry.get("sectors") or []))
        out[org.slug] = actor
    return out


def _write_cited_actors(entries: list, seed_name: str) -> dict[str, Actor]:
    out = {}
    for entry in entries:
        srcs = entry.get("sources") or {}
        sources = {name: fact(plan_source(seed_name, src["line"])) for name, src in srcs.items()}
        name = entry["name"]
        values = {
            "name_nl": name["nl"],
            "name_fr": name.get("fr") or "",
            "name_en": name.get("en") or "",
            "type": entry["type"],
            "origin": Actor.Origin.PLAN,
            "website": entry.get("website") or "",
            "municipality": entry.get("municipality") or "",
            "citations": [
                {"seed": seed_name, "line": c["line"], "quote": c["quote"]} for c in entry["cited"]
            ],
        }
        existing = Actor.objects.filter(key=entry["key"]).first()
        actor, _ = _upsert(
            Actor, {"key": entry["key"]}, _merge_values(existing, values, sources, {})
        )
        _set_m2m(actor.sectors, Sector.objects.filter(slug__in=entry.get("sectors") or []))
        _set_m2m(actor.measures, Measure.objects.filter(code__in=entry.get("measures") or []))
        out[entry["key"]] = actor
    return out


def relation_key(source_key: str, type_: str, target_key: str, directed: bool = True) -> str:
    if not directed and target_key < source_key:
        source_key, target_key = target_key, source_key
    return f"{source_key}>{type_}>{target_key}"


def _write_cited_relations(relations: list, actors: dict[str, Actor], seed_name: str) -> int:
    for rel in relations:
        directed = bool(rel.get("directed", True))
        a, b = actors[rel["from"]], actors[rel["to"]]
        if not directed and b.key < a.key:
            a, b = b, a
        _upsert(
            Relation,
            {"key": relation_key(a.key, rel["type"], b.key, directed)},
            {
                "source_actor": a,
                "target_actor": b,
                "type": rel["type"],
                "directed": directed,
                "strength": float(rel.get("strength", 1.0)),
                "label": rel.get("quote", "")[:300],
                "source": plan_source(seed_name, rel["line"]),
                "source_date": PLAN_DATE,
            },
        )
    return len(relations)


def derive_relations() -> int:
    """Relations computed from data Bruprod holds, marked derived: two organisations that
    coordinate the same plan measure (one undirected relation per pair, strength = number of
    shared measures, at most 10). Derived relations no longer produced are removed."""
    by_measure: dict[str, set[str]] = {}
    for code, slug in MeasureCoordination.objects.values_list(
        "measure__code", "organisation__slug"
    ):
        by_measure.setdefault(code, set()).add(slug)
    pairs: dict[tuple[str, str], list[str]] = {}
    for code, slugs in by_measure.items():
        for a, b in combinations(sorted(slugs), 2):
            pairs.setdefault((a, b), []).append(code)
    actors = {
        a.key: a
        for a in Actor.objects.filter(organisation__isnull=False).select_related("organisation")
    }
    keep = set()
    for (a, b), codes in sorted(pairs.items()):
        if a not in actors or b not in actors:
            continue
        key = "derived:" + relation_key(a, Relation.Type.CO_COORDINATES, b, directed=False)
        codes = sorted(codes)
        _upsert(
            Relation,
            {"key": key},
            {
                "source_actor": actors[a],
                "target_actor": actors[b],
                "type": Relation.Type.CO_COORDINATES,
                "directed": False,
                "strength": float(min(len(codes), 10)),
                "label": ", ".join(codes)[:300],
                "source": "derived: co-coordinators of plan measures " + ", ".join(codes)[:400],
                "source_date": PLAN_DATE,
                "derived": True,
                "derivation": "co-coordination",
            },
        )
        keep.add(key)
    stale = Relation.objects.filter(derived=True, derivation="co-coordination").exclude(
        key__in=keep
    )
    for rel in stale:
        rel._change_reason = LOADER
        rel.delete()
    return len(keep)


@dataclass
class LoadResult:
    stages: int
    organisation_actors: int
    cited_actors: int
    relations: int
    derived: int


def ecosystem_load(*, data_dir: Path | None = None, seeds_dir: Path | None = None) -> LoadResult:
    bundle = read_bundle(data_dir or default_data_dir(), seeds_dir)
    seed_name = str(bundle.actors["seed"])
    entries = bundle.actors["entries"]
    by_org: dict[str, dict] = {}
    for entry in entries:
        if entry.get("organisation"):
            merged = by_org.setdefault(entry["organisation"], {"cited": [], "sources": {}})
            for k, v in entry.items():
                if k == "cited":
                    merged["cited"].extend(v)
                elif k == "sources":
                    merged["sources"].update(v)
                elif k == "measures":
                    merged.setdefault("measures", []).extend(v)
                elif k == "sectors":
                    merged["sectors"] = sorted(set(merged.get("sectors", [])) | set(v))
                else:
                    merged[k] = v
    with transaction.atomic():
        stages = _write_stages(bundle.stages)
        actors = _write_organisation_actors(bundle.org_lines, seed_name, by_org)
        cited = _write_cited_actors([e for e in entries if e.get("key")], seed_name)
        actors.update(cited)
        relations = _write_cited_relations(bundle.actors.get("relations") or [], actors, seed_name)
        derived = derive_relations()
    return LoadResult(stages, len(actors) - len(cited), len(cited), relations, derived)
