"""Progress display of ``heartmind run`` on standard error (only on a terminal)."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ..session import Session

__all__ = ["RunProgress"]


class RunProgress:
    """A progress bar of sample time against the session's duration.

    Shows nothing when standard error is not a terminal (CI logs, pipes), so that machine
    readers of the output see only events and the final summary.
    """

    def __init__(self, console: Console, session: Session) -> None:
        self.session = session
        self.enabled = console.is_terminal
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,.0f}/{task.total:,.0f} s"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task = self._progress.add_task("running", total=session.duration or 0.0)

    def __enter__(self) -> RunProgress:
        if self.enabled and self.session.duration:
            self._progress.start()
        return self

    def update(self) -> None:
        """Refresh with the session's current sample time."""
        if not (self.enabled and self.session.duration):
            return
        done = min(self.session.elapsed, self.session.duration)
        self._progress.update(self._task, completed=done)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()
