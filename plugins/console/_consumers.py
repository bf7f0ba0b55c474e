"""The console and JSON-lines consumers."""

from __future__ import annotations

import contextlib
import sys
from dataclasses import fields
from pathlib import Path
from typing import IO

from heartmind.components import Consumer, Context
from heartmind.events import Event
from heartmind.files import open_private

__all__ = ["ConsoleConsumer", "JsonlConsumer", "format_event", "open_private"]

_BASE_FIELDS = {"timestamp", "source", "time"}


def format_event(event: Event) -> str:
    """One readable line: UTC time of day, topic, the event's own fields, source.

    Numbers are rounded for reading (the JSON output keeps full precision).
    """
    clock = event.time[11:23] if len(event.time) >= 23 else f"{event.timestamp:.3f}s"
    parts = []
    for f in fields(event):
        if f.name in _BASE_FIELDS:
            continue
        value = getattr(event, f.name)
        if value is None or value == "":
            continue
        unit = f.metadata.get("unit", "")
        if isinstance(value, float):
            text = f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}"
        else:
            text = str(value)
        parts.append(f"{f.name}={text}{unit if unit != f.name else ''}")
    return f"{clock}  {event.topic:<16} {' '.join(parts)}  [{event.source}]"


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
