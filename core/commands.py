"""What every import command does with bad input: list each problem, then fail, changing nothing."""

from django.core.management.base import CommandError
from rich.console import Console
from rich.text import Text

from core.yamlfiles import DataFileError


def problems_error(
    exc: DataFileError, *, what: str, console: Console | None = None
) -> CommandError:
    """Print every problem (file:line: entry.field: message) and return the command's error."""
    console = console or Console(stderr=True)
    for problem in exc.problems:
        # Text, not markup: problems contain brackets such as "measures[0]".
        console.print(Text.assemble(("✗ ", "red"), problem))
    return CommandError(f"{len(exc.problems)} problem(s) in {what}; nothing was changed.")
