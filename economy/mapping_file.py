"""Reading and checking a NACE → plan sector mapping file (data/economy/nace_sectors.yaml).

Everything is checked before anything is written: the file's size (YAML_MAX_BYTES), its YAML,
and every field's type and value. Each problem is one line, ``file:line: field: message``
(the line of the field itself); `MappingFile` is what a valid file holds. Writing is
`economy.services.mapping_load`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from core.validation import YAML_MAX_BYTES, text_problem, type_name
from core.yamlfiles import DataFileError, LineDict
from reference.selectors import sector_codes

from .models import Scope, SectorMapping, SectorRule

TOP_KEYS = ("version", "title", "description", "sources", "rules")
RULE_KEYS = ("sector", "scope", "note")
SOURCE_KEYS = ("title", "url")
# More rules than any sensible mapping (the default has ~400): a file that expands to more
# (YAML aliases repeating a rule) is refused instead of filling the database.
MAX_RULES = 20_000


class _Entry(LineDict):
    """A YAML mapping that knows its own line and the line of each of its keys."""

    key_lines: dict


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node, deep=False):
    entry = _Entry(loader.construct_mapping(node, deep=deep))
    entry.line = node.start_mark.line + 1
    entry.key_lines = {}
    for key_node, _value in node.value:
        try:
            key = loader.construct_object(key_node)
            entry.key_lines[key] = key_node.start_mark.line + 1
        except TypeError:  # an unhashable key: construct_mapping has refused it already
            pass
    return entry


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass
class MappingFile:
    """A checked mapping file: its metadata and rules, and the sha256 of its bytes."""

    version: str
    title: str
    description: str
    sources: list
    rules: list[dict] = field(default_factory=list)
    checksum: str = ""
    name: str = ""

    def rule_set(self) -> set[tuple]:
        return {_rule_key(r) for r in self.rules}


def _rule_key(rule: dict) -> tuple:
    return (rule["nace_version"], rule["prefix"], rule["sector"], rule["scope"], rule["note"])


def mapping_rule_set(mapping: SectorMapping) -> set[tuple]:
    """The rules of a stored mapping, comparable with `MappingFile.rule_set()`."""
    return set(mapping.rules.values_list("nace_version", "prefix", "sector", "scope", "note"))


def read_mapping_file(path: Path) -> MappingFile:
    """Read and check a mapping file; a DataFileError lists every problem, nothing is written."""
    name = path.name
    if not path.is_file():
        raise DataFileError([f"{path}: " + _("mapping file not found")])
    size = path.stat().st_size
    if size > YAML_MAX_BYTES:
        raise DataFileError(
            [
                f"{name}: "
                + _("the file is %(size)s bytes; at most %(limit)s are accepted.")
                % {"size": size, "limit": YAML_MAX_BYTES}
            ]
        )
    content = path.read_bytes()
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(
            [f"{name}: " + _("not UTF-8 text (%(reason)s)") % {"reason": exc.reason}]
        ) from exc
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark else name
        raise DataFileError(
            [
                f"{where}: "
                + _("not valid YAML: %(error)s") % {"error": getattr(exc, "problem", exc)}
            ]
        ) from exc
    except RecursionError as exc:
        raise DataFileError([f"{name}: " + _("not valid YAML: nested too deeply")]) from exc
    if not isinstance(data, dict):
        raise DataFileError([f"{name}: " + _("the file must hold a mapping at its top level")])
    checker = _Checker(name)
    mapping = checker.check(data)
    if checker.problems:
        raise DataFileError(checker.problems)
    # one rule per (version, prefix, sector), as the database holds them: the last one counts
    unique = {(r["nace_version"], r["prefix"], r["sector"]): r for r in mapping.rules}
    mapping.rules = list(unique.values())
    mapping.checksum = hashlib.sha256(content).hexdigest()
    mapping.name = name
    return mapping


class _Checker:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[str] = []

    def problem(self, entry, key, where: str, message: str) -> None:
        line = getattr(entry, "key_lines", {}).get(key) or getattr(entry, "line", 0)
        location = f"{self.file}:{line}" if line else self.file
        self.problems.append(f"{location}: {where}: {message}")

    def text(self, entry, key, where: str, *, max_length=None, required=False, number=False):
        """The text at entry[key] (a whole number too when `number`), or None with a problem."""
        value = entry.get(key)
        if value is None or value == "":
            if required:
                self.problem(entry, key, where, _("missing"))
            return None
        if number and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.problem(
                entry,
                key,
                where,
                _("must be text, not %(type)s.") % {"type": type_name(value)}
                + (" " + _("Write it in quotes.") if isinstance(value, int | float) else ""),
            )
            return None
        problem = text_problem(value, max_length=max_length)
        if problem:
            self.problem(entry, key, where, _("the text %(problem)s") % {"problem": problem})
            return None
        return value

    def unknown_keys(self, entry, allowed, where: str, *, nace: bool = False) -> None:
        for key in entry:
            if key in allowed or (nace and isinstance(key, str) and key.startswith("nace")):
                continue
            self.problem(
                entry,
                key,
                f"{where}{key}",
                _("unknown field (expected: %(keys)s).")
                % {"keys": ", ".join(allowed) + (", nace2025, nace2008, nace2003" if nace else "")},
            )

    def check(self, data) -> MappingFile:
        self.unknown_keys(data, TOP_KEYS, "")
        version = self.text(
            data, "version", "version", max_length=_max("version"), required=True, number=True
        )
        title = self.text(data, "title", "title", max_length=_max("title"), required=True)
        description = self.text(data, "description", "description")
        sources = self.sources(data)
        rules = self.rules(data)
        return MappingFile(
            version=version or "",
            title=title or "",
            description=description or "",
            sources=sources,
            rules=rules,
        )

    def sources(self, data) -> list:
        value = data.get("sources")
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(
                data,
                "sources",
                "sources",
                _("must be a list, not %(type)s.") % {"type": type_name(value)},
            )
            return []
        sources = []
        for index, item in enumerate(value):
            where = f"sources[{index}]"
            if isinstance(item, str):
                problem = text_problem(item, max_length=2000)
                if problem:
                    self.problem(
                        data, "sources", where, _("the text %(problem)s") % {"problem": problem}
                    )
                else:
                    sources.append(item)
                continue
            if not isinstance(item, dict):
                self.problem(
                    data,
                    "sources",
                    where,
                    _("must be a mapping (title, url), not %(type)s.") % {"type": type_name(item)},
                )
                continue
            self.unknown_keys(item, SOURCE_KEYS, f"{where}.")
            checked = {}
            for key in SOURCE_KEYS:
                text = self.text(item, key, f"{where}.{key}", max_length=2000)
                if text is not None:
                    checked[key] = text
            sources.append(checked)
        return sources

    def rules(self, data) -> list[dict]:
        value = data.get("rules")
        if not value:
            self.problem(data, "rules", "rules", _("missing"))
            return []
        if not isinstance(value, list):
            self.problem(
                data,
                "rules",
                "rules",
                _("must be a list, not %(type)s.") % {"type": type_name(value)},
            )
            return []
        sectors = list(sector_codes())
        rules: list[dict] = []
        for number, entry in enumerate(value, start=1):
            where = f"rule {number}"
            if not isinstance(entry, dict):
                self.problem(
                    data,
                    "rules",
                    where,
                    _("must be a mapping (sector, scope, nace2025…), not %(type)s.")
                    % {"type": type_name(entry)},
                )
                continue
            self.unknown_keys(entry, RULE_KEYS, f"{where}: ", nace=True)
            sector = self.text(entry, "sector", f"{where}: sector", required=True)
            if sector is not None and sector not in sectors:
                self.problem(
                    entry,
                    "sector",
                    f"{where}: sector",
                    _("%(value)s is not one of %(codes)s")
                    % {"value": repr(sector), "codes": ", ".join(sorted(sectors))},
                )
                sector = None
            scope = self.text(entry, "scope", f"{where}: scope", required=True)
            if scope is not None and scope not in Scope.values:
                self.problem(
                    entry,
                    "scope",
                    f"{where}: scope",
                    _("%(value)s is not core or extended") % {"value": repr(scope)},
                )
                scope = None
            note = self.text(entry, "note", f"{where}: note", max_length=_max("note", SectorRule))
            versions = [k for k in entry if isinstance(k, str) and k.startswith("nace")]
            if not versions:
                self.problem(entry, None, where, _("no nace2025/nace2008/nace2003 prefixes"))
            for key in versions:
                for prefix, version in self.prefixes(entry, key, where):
                    if sector and scope:
                        rules.append(
                            {
                                "nace_version": version,
                                "prefix": prefix,
                                "sector": sector,
                                "scope": scope,
                                "note": note or "",
                            }
                        )
            if len(rules) > MAX_RULES:
                self.problem(
                    entry,
                    None,
                    where,
                    _("more than %(max)s rules in all; a mapping holds far fewer.")
                    % {"max": MAX_RULES},
                )
                break
        return rules

    def prefixes(self, entry, key: str, where: str):
        version = key.removeprefix("nace")
        field_where = f"{where}: {key}"
        if not (version.isdigit() and len(version) == 4):
            self.problem(
                entry, key, field_where, _("not a NACE version (nace2025, nace2008, nace2003)")
            )
            return
        value = entry[key]
        if not isinstance(value, list):
            self.problem(
                entry,
                key,
                field_where,
                _('must be a list of code prefixes in quotes (["62", "631"]), not %(type)s.')
                % {"type": type_name(value)},
            )
            return
        for prefix in value:
            if isinstance(prefix, int | float) and not isinstance(prefix, bool):
                self.problem(
                    entry,
                    key,
                    field_where,
                    _(
                        "%(value)s is a number, not a code: write it in quotes (a number loses "
                        "its leading zeros, 01 is read as 1)."
                    )
                    % {"value": prefix},
                )
                continue
            if not isinstance(prefix, str):
                self.problem(
                    entry,
                    key,
                    field_where,
                    _("must hold code prefixes in quotes, not %(type)s.")
                    % {"type": type_name(prefix)},
                )
                continue
            if not (prefix.isascii() and prefix.isdigit() and 2 <= len(prefix) <= 7):
                self.problem(
                    entry,
                    key,
                    field_where,
                    _("%(value)s is not a NACE code prefix (2–7 digits)") % {"value": repr(prefix)},
                )
                continue
            yield prefix, version


def _max(name: str, model=SectorMapping) -> int:
    return model._meta.get_field(name).max_length
