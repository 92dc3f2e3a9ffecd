"""The progress of a backup or restore in the terminal: each step ticked with its duration, a
byte bar while files stream (rich, on stderr, like the import commands)."""

import time

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)

from core.backup import Reporter


class RichReporter(Reporter):
    def __init__(self, console: Console):
        self.console = console
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task = self.progress.add_task("", total=None)
        self.last: tuple[str, float] | None = None

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, kind, value, traceback):
        if kind is None:
            self.finish()
        self.progress.stop()

    def finish(self) -> None:
        if self.last:
            name, at = self.last
            self.progress.console.print(
                f"[green]✓[/green] {name} [dim]({time.perf_counter() - at:.1f} s)[/dim]",
                highlight=False,
            )
            self.last = None

    def step(self, message: str) -> None:
        self.finish()
        self.last = (message, time.perf_counter())
        self.progress.update(self.task, description=f"{message}…")

    def start(self, total_bytes: int) -> None:
        self.progress.reset(self.task, total=total_bytes or None)

    def advance(self, nbytes: int) -> None:
        self.progress.advance(self.task, nbytes)
