"""Training progress on the terminal: a rich progress bar on stderr, one line per epoch.

Shown by the main process only and never when ``quiet``; the epoch summaries also go to
the ``heartmind.models.progress`` logger (INFO), so a log file keeps them.
"""

from __future__ import annotations

import logging
import math
from types import TracebackType
from typing import Any

__all__ = ["TrainingProgress", "format_record"]

log = logging.getLogger(__name__)


def format_record(record: dict[str, Any]) -> str:
    """One epoch's record as ``key value`` pairs (4 significant digits)."""
    parts = []
    for key, value in record.items():
        if key == "epoch":
            continue
        if isinstance(value, float):
            parts.append(f"{key} {value:.4g}" if math.isfinite(value) else f"{key} {value}")
        else:
            parts.append(f"{key} {value}")
    return "  ".join(parts)


class TrainingProgress:
    """A context manager that shows epochs and batches; a no-op when not ``enabled``.

    Parameters
    ----------
    epochs
        Total number of epochs of the run.
    enabled
        False on every process but rank 0, and when the user asked for quiet.
    """

    def __init__(self, epochs: int, *, enabled: bool = True) -> None:
        self.epochs = epochs
        self.enabled = enabled
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> TrainingProgress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[loss]}"),
                console=Console(stderr=True, soft_wrap=True),
                transient=True,
            )
            self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def start_epoch(self, epoch: int, batches: int) -> None:
        """Begin epoch ``epoch`` (0-based) of ``batches`` batches."""
        if self._progress is None:
            return
        if self._task is not None:
            self._progress.remove_task(self._task)
        label = f"epoch {epoch + 1}/{self.epochs}"
        self._task = self._progress.add_task(label, total=batches, loss="")

    def advance(self, loss: float) -> None:
        """One batch done, with its training loss."""
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, advance=1, loss=f"loss {loss:.4g}")

    def end_epoch(self, record: dict[str, Any]) -> None:
        """Print and log the epoch's summary."""
        line = f"epoch {int(record['epoch']) + 1}/{self.epochs}  {format_record(record)}"
        if self.enabled:
            log.info("%s", line)
        if self._progress is not None:
            self._progress.console.print(line, highlight=False)
