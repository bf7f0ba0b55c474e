"""The consumer of an analysis: writes ``events.jsonl`` and keeps the events as columns.

Memory grows with the number of events only (O(beats)): every numeric field is appended
to a compact ``array('d')`` (8 bytes a value; ``None`` becomes NaN, booleans 0/1), tuple
fields (EEG band powers per channel) to a list, per (topic, stream, source).
"""

from __future__ import annotations

import logging
import math
from array import array
from collections import Counter
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from heartmind.components import Consumer, Context
from heartmind.events import Event
from heartmind.files import open_private

__all__ = ["Columns", "EventCollector"]

log = logging.getLogger(__name__)

_SKIP = {"timestamp", "time", "source", "stream"}


@dataclass
class Columns:
    """The events of one (topic, stream, source), field by field."""

    topic: str
    stream: str
    source: str
    timestamp: array[float] = field(default_factory=lambda: array("d"))
    numbers: dict[str, array[float]] = field(default_factory=dict)
    other: dict[str, list[Any]] = field(default_factory=dict)

    def add(self, event: Event) -> None:
        """Append one event's fields."""
        self.timestamp.append(event.timestamp)
        for f in fields(event):
            if f.name in _SKIP:
                continue
            value = getattr(event, f.name)
            if value is None or isinstance(value, bool | int | float):
                col = self.numbers.get(f.name)
                if col is None:
                    col = self.numbers[f.name] = array("d", [math.nan] * (len(self.timestamp) - 1))
                col.append(math.nan if value is None else float(value))
            elif isinstance(value, tuple):
                self.other.setdefault(f.name, []).append(value)

    def __len__(self) -> int:
        return len(self.timestamp)

    def t(self) -> npt.NDArray[np.float64]:
        """Timestamps in s (a copy as a numpy array)."""
        return np.frombuffer(self.timestamp, dtype=np.float64).copy()

    def get(self, name: str) -> npt.NDArray[np.float64]:
        """One numeric field as float64 (NaN where ``None``); all-NaN if never given."""
        col = self.numbers.get(name)
        if col is None:
            return np.full(len(self), np.nan)
        out = np.frombuffer(col, dtype=np.float64).copy()
        if out.size < len(self):  # a field that stopped appearing (never: events are typed)
            out = np.concatenate([out, np.full(len(self) - out.size, np.nan)])
        return out


class EventCollector(Consumer):
    """Writes every event to ``path`` (JSON lines, 0600) and keeps them as :class:`Columns`.

    Parameters
    ----------
    path
        The ``events.jsonl`` file (replaced), or ``None`` to keep the events in memory only.
    """

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path) if path is not None else None
        self.columns: dict[tuple[str, str, str], Columns] = {}
        self.counts: Counter[str] = Counter()
        self._file: IO[str] | None = None

    def start(self, context: Context) -> None:
        if self.path is not None:
            self._file = open_private(self.path)

    def on_event(self, event: Event) -> None:
        if self._file is not None:
            self._file.write(event.to_json())
            self._file.write("\n")
        self.counts[event.topic] += 1
        stream = str(getattr(event, "stream", ""))
        key = (event.topic, stream, event.source)
        col = self.columns.get(key)
        if col is None:
            col = self.columns[key] = Columns(event.topic, stream, event.source)
        col.add(event)

    def stop(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def find(self, topic: str, stream: str, source: str | None = None) -> Columns | None:
        """The columns of ``topic`` for ``stream`` (from ``source`` if given; else the
        one with most events), or None."""
        hits = [
            c
            for (tp, st, src), c in self.columns.items()
            if tp == topic and st == stream and (source is None or src == source)
        ]
        return max(hits, key=len) if hits else None
