"""The console and JSON-lines consumers."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import IO

from heartmind.components import Consumer, Context
from heartmind.events import Event
from heartmind.files import open_private

from .api import format_event

__all__ = ["ConsoleConsumer", "JsonlConsumer"]


class ConsoleConsumer(Consumer):
    """Prints each event as one line on standard output.

    Parameters
    ----------
    format
        ``"pretty"`` for aligned text, ``"jsonl"`` for one JSON object per line.
    stream
        Where to write (default ``sys.stdout``, looked up when the session starts).
    """

    def __init__(self, format: str = "pretty", stream: IO[str] | None = None) -> None:
        self.format = format
        self._stream = stream
        self._out: IO[str] = sys.stdout

    def start(self, context: Context) -> None:
        self._out = self._stream or sys.stdout

    def on_event(self, event: Event) -> None:
        line = event.to_json() if self.format == "jsonl" else format_event(event)
        self._out.write(line + "\n")

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to do
            self._out.flush()


class JsonlConsumer(Consumer):
    """Writes each event as one JSON line to a file (flushed per line, so a crash loses
    at most the line being written).

    Parameters
    ----------
    path
        Output file.
    append
        Append to an existing file instead of replacing it.
    """

    def __init__(self, path: str, append: bool = False) -> None:
        self.path = Path(path)
        self.append = append
        self._file: IO[str] | None = None

    def start(self, context: Context) -> None:
        self._file = open_private(self.path, self.append)

    def on_event(self, event: Event) -> None:
        if self._file is not None:
            self._file.write(event.to_json() + "\n")
            self._file.flush()

    def stop(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __repr__(self) -> str:
        return f"JsonlConsumer({str(self.path)!r})"
