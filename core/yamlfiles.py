"""YAML reading that remembers where each entry stands, so errors can name file and line."""

from pathlib import Path

import yaml


class LineDict(dict):
    """A mapping from a YAML file that knows the line where it starts (1-based)."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node, deep=False):
    mapping = LineDict(loader.construct_mapping(node, deep=deep))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class DataFileError(Exception):
    """Bad input: one or more problems, each naming file, entry, field and line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def read_yaml(path: Path):
    """Parse a YAML file; a syntax error becomes a DataFileError naming file and line."""
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path.name}:{mark.line + 1}" if mark else path.name
        raise DataFileError([f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}"]) from exc
    except UnicodeDecodeError as exc:
        raise DataFileError([f"{path.name}: not UTF-8 text ({exc.reason})"]) from exc


def line_of(entry) -> int:
    return getattr(entry, "line", 0)
