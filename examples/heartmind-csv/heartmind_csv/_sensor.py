"""The ``csv-file`` sensor: a generated (non-live) source that replays a CSV file.

File format
-----------
* Comma-separated, UTF-8. Empty lines and lines starting with ``#`` are ignored.
* An optional header row (every cell non-numeric) names the columns.
* ``rate == 0``: the first column is the sample time in s (strictly increasing) and every
  other column is a channel. ``rate > 0``: there is no time column; every column is a
  channel and sample ``i`` is at ``i / rate`` s.

Timestamps are ``t0 + file time``, where ``t0`` is ``context.clock.now()`` when the
session starts the sensor (0 s on a fresh virtual clock).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import numpy.typing as npt

from heartmind import Chunk, ChunkError, ConfigError, Context, Sensor, StreamInfo

__all__ = ["CsvFileSensor", "read_csv"]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def read_csv(path: Path) -> tuple[list[str] | None, npt.NDArray[np.float64], list[int]]:
    """Parse a CSV file of numbers.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    header, values, line_numbers
        The column names (``None`` without a header row), an ``(n_rows, n_columns)``
        float64 array, and the line of the file each row came from (1-based).

    Raises
    ------
    ConfigError
        If the file is missing or unreadable, empty, ragged, or holds a cell that is not a
        finite number (the message gives the line and the column).
    """
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            lines = [
                (number, row)
                for number, row in enumerate(csv.reader(fh), start=1)
                if row and any(c.strip() for c in row) and not row[0].lstrip().startswith("#")
            ]
    except FileNotFoundError:
        raise ConfigError(
            f"csv-file: no file {str(path)!r}; check the 'path' option (relative paths are "
            "taken from the current directory)."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"csv-file: cannot read {str(path)!r}: {exc}.") from None
    header: list[str] | None = None
    if lines and not any(_is_number(c) for c in lines[0][1]):
        header = [c.strip() for c in lines[0][1]]
        lines = lines[1:]
    if not lines:
        raise ConfigError(f"csv-file: {str(path)!r} holds no rows of samples.")
    width = len(header) if header is not None else len(lines[0][1])
    names = header or [f"column {i + 1}" for i in range(width)]
    values = np.empty((len(lines), width), dtype=np.float64)
    for i, (number, row) in enumerate(lines):
        if len(row) != width:
            raise ConfigError(
                f"csv-file: {str(path)!r} line {number} has {len(row)} cells, expected {width}."
            )
        for j, cell in enumerate(row):
            try:
                value = float(cell)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise ConfigError(
                    f"csv-file: {str(path)!r} line {number}, column {j + 1} ({names[j]!r}): "
                    f"{cell.strip()!r} is not a finite number."
                )
            values[i, j] = value
    return header, values, [number for number, _ in lines]


class CsvFileSensor(Sensor):
    """Replays one CSV file as one stream of float64 samples.

    Parameters
    ----------
    path
        The CSV file (see the module docstring for the format).
    type
        Stream type, e.g. ``"ECG"``; upper-cased.
    rate
        Sampling rate in Hz; ``0`` takes the sample times (s) from the first column.
    units
        Unit of every channel (``"mV"``), or one per channel separated by commas.
    name
        Stream name; empty for the file name without its suffix.
    chunk_duration
        Length of each chunk in s of file time.

    Raises
    ------
    ConfigError
        On a missing or malformed file, or a time column that does not increase.
    """

    live = False

    def __init__(
        self,
        *,
        path: str,
        type: str = "ECG",
        rate: float = 0.0,
        units: str = "a.u.",
        name: str = "",
        chunk_duration: float = 0.25,
    ) -> None:
        self.path = Path(path).expanduser()
        header, values, line_numbers = read_csv(self.path)
        if rate > 0:
            self.times = np.arange(values.shape[0], dtype=np.float64) / rate
            labels = header or [f"ch{i + 1}" for i in range(values.shape[1])]
        else:
            if values.shape[1] < 2:
                raise ConfigError(
                    f"csv-file: {str(self.path)!r} has one column; with rate = 0 the first "
                    "column is the time in s, so add a channel column or set 'rate'."
                )
            self.times = values[:, 0].copy()
            values = values[:, 1:]
            labels = (header or [])[1:] or [f"ch{i + 1}" for i in range(values.shape[1])]
            steps = np.diff(self.times)
            if (steps <= 0).any():
                k = int(np.argmax(steps <= 0))
                raise ConfigError(
                    f"csv-file: {str(self.path)!r} line {line_numbers[k + 1]}, column 1: the "
                    f"time goes from {self.times[k]} s to {self.times[k + 1]} s; times must "
                    "increase strictly (seconds), or set 'rate' if there is no time column."
                )
            rate = 1.0 / float(np.median(steps)) if steps.size else 0.0
        unit_list = tuple(u.strip() for u in units.split(",")) if "," in units else units
        try:
            self.info = StreamInfo(
                name=name or self.path.stem,
                type=type.strip().upper(),
                channels=tuple(labels),
                units=unit_list,
                rate=round(rate, 9),
                dtype="float64",
                source_id=f"csv:{self.path.resolve()}",
                meta={"path": str(self.path)},
            )
        except ChunkError as exc:
            raise ConfigError(f"csv-file: {exc}") from None
        self.values = values
        self.chunk_duration = chunk_duration
        self._bounds = self._chunk_bounds()
        self._next = 0
        self._t0 = 0.0

    def _chunk_bounds(self) -> list[int]:
        """Row indices where chunks start, plus the row count: consecutive ``chunk_duration``
        windows of file time, from the first sample."""
        edges = self.times[0] + self.chunk_duration * np.arange(
            1, math.floor((self.times[-1] - self.times[0]) / self.chunk_duration) + 2
        )
        inner = np.searchsorted(self.times, edges, side="left")
        return sorted({0, *(int(i) for i in inner if 0 < i < len(self.times)), len(self.times)})

    @property
    def streams(self) -> tuple[StreamInfo, ...]:
        """The one stream this sensor produces."""
        return (self.info,)

    def start(self, context: Context) -> None:
        """Anchor file time 0 s at the session clock's current time."""
        self._t0 = context.clock.now()
        self._next = 0

    def read(self, timeout: float) -> Chunk | None:
        """The next chunk at once (``timeout`` is ignored); ``None`` at the end."""
        if self._next >= len(self._bounds) - 1:
            return None
        lo, hi = self._bounds[self._next], self._bounds[self._next + 1]
        self._next += 1
        return Chunk(self.values[lo:hi], self._t0 + self.times[lo:hi], self.info)

    @property
    def finished(self) -> bool:
        """True once the whole file has been delivered."""
        return self._next >= len(self._bounds) - 1
