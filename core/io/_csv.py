"""CSV recordings: a header row, an optional time column, numeric channel columns.

* Optional comment lines first: ``# rate=<Hz> units=<u1>;<u2>;… start=<ISO 8601>``
  (``rate=0`` for irregular streams; ``start`` is the UTC instant of time 0).
* A first column named ``time``, ``timestamp``, ``t``, ``seconds``, ``time_s`` … holds the
  times in s (``…_ms``: ms); ISO 8601 date-times (``2024-05-01T10:00:00.004Z``) or POSIX
  times (a column named ``unix``/``epoch``/``posix``…, or values from 1e9 on: s, from
  1e12 on: ms) are absolute and give the real start. Without a time column give the rate.
* Channels are grouped into one track per type, named ``<stem>-<TYPE>``.

pandas parses the file when installed (fast); else numpy and the standard library.
"""

from __future__ import annotations

import csv
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ._channel_types import resolve_types
from ._datetimes import parse_datetime
from ._reader import ReadOptions, ReadResult, tracks_by_type
from ._recording import RecordingError

__all__ = ["read_csv_recording"]

_F64 = npt.NDArray[np.float64]
#: Names (lower case) of a first column that holds times.
TIME_COLUMNS = ("time", "timestamp", "timestamps", "t", "seconds", "time_s", "sec")
#: Names (lower case) of a time column that holds POSIX times (s since 1970, UTC).
POSIX_COLUMNS = ("unix", "unix_time", "epoch", "posix", "posix_time", "utc", "unix_s")
_ABSOLUTE_S, _ABSOLUTE_MS = 1e9, 1e12  # POSIX s from 2001-09-09 on; ms from 2001-09-09 on


def read_csv_recording(path: Path, options: ReadOptions) -> ReadResult:
    """Read a CSV file (see the module docs)."""
    fields, skip = _comments(path)
    header, first, values = _table(path, skip)
    if values.shape[0] < 2:
        raise RecordingError(f"{path} has fewer than 2 rows of samples.")
    times, absolute = _times(header[0], first) if first is not None else (None, False)
    channels = header[1:] if first is not None else header
    rate = _rate(path, fields, options, times)
    if times is None:
        times = np.arange(values.shape[0], dtype=np.float64) / rate
    units = _units(path, fields, len(channels))
    types = resolve_types(
        channels, units, override=options.types, default=options.default_type or "MISC"
    )
    tracks = tracks_by_type(path.stem, path.name, values, times, channels, units, types, rate)
    anchor, how = _anchor(fields, times, absolute)
    header_fields = dict(fields)
    if first is not None:
        header_fields["time_column"] = header[0]
    return ReadResult(tracks, anchor, how, header_fields)


def _comments(path: Path) -> tuple[dict[str, str], int]:
    """``key=value`` fields of the leading ``#`` lines, and how many lines they are."""
    fields: dict[str, str] = {}
    skip = 0
    try:
        with path.open(encoding="utf-8") as f:
            for line in f:
                if not line.startswith("#"):
                    break
                skip += 1
                for item in line[1:].split():
                    key, sep, value = item.partition("=")
                    if sep:
                        fields[key.strip().lower()] = value.strip()
    except UnicodeDecodeError:
        raise RecordingError(f"{path} is not a text (UTF-8) CSV file.") from None
    return fields, skip


def _is_time(name: str) -> bool:
    low = name.strip().lower()
    return low in TIME_COLUMNS or low in POSIX_COLUMNS or low.startswith(("time", "timestamp"))


def _table(path: Path, skip: int) -> tuple[list[str], npt.NDArray[Any] | None, _F64]:
    """Header, the time column (raw, None if there is none) and the other columns."""
    try:
        import pandas as pd
    except ImportError:
        return _table_numpy(path, skip)
    try:
        frame = pd.read_csv(path, skiprows=skip, skipinitialspace=True)
    except Exception as exc:  # pandas raises many types for bad files
        raise RecordingError(f"cannot read {path} as CSV with a header row: {exc}") from None
    header = [str(c).strip() for c in frame.columns]
    first = frame.iloc[:, 0].to_numpy() if header and _is_time(header[0]) else None
    rest = frame.iloc[:, 1:] if first is not None else frame
    try:
        values = rest.to_numpy(dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise RecordingError(
            f"{path} is not a numeric CSV ({exc}): every column but the time column must "
            "hold numbers."
        ) from None
    return header, first, values


def _table_numpy(path: Path, skip: int) -> tuple[list[str], npt.NDArray[Any] | None, _F64]:
    with path.open(encoding="utf-8", newline="") as f:
        for _ in range(skip):
            f.readline()
        rows = list(csv.reader(f, skipinitialspace=True))
    if not rows:
        raise RecordingError(f"{path} is empty; a CSV recording needs a header row.")
    header = [h.strip() for h in rows[0]]
    has_time = _is_time(header[0])
    first = np.array([r[0] for r in rows[1:]], dtype=object) if has_time else None
    try:
        values = np.array([[float(v) for v in r[int(has_time) :]] for r in rows[1:]])
    except ValueError as exc:
        raise RecordingError(f"{path} is not a numeric CSV ({exc}).") from None
    return header, first, values.reshape(len(rows) - 1, len(header) - int(has_time))


def _times(name: str, raw: npt.NDArray[Any]) -> tuple[_F64, bool]:
    """Times in s and whether they are absolute (POSIX s)."""
    low = name.strip().lower()
    try:
        t = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        return _datetimes(raw), True
    if low.endswith(("_ms", "(ms)", "[ms]")):
        t = t / 1000.0
    elif low.endswith(("_us", "(us)", "[us]")):
        t = t / 1e6
    absolute = low in POSIX_COLUMNS or bool(t.size and abs(t[0]) >= _ABSOLUTE_S)
    if absolute and t.size and abs(t[0]) >= _ABSOLUTE_MS:
        t = t / 1000.0
    return t, absolute


def _datetimes(raw: npt.NDArray[Any]) -> _F64:
    """ISO 8601 date-times as POSIX s (pandas when installed, else one by one)."""
    try:
        import pandas as pd

        stamps = pd.to_datetime(pd.Series(raw), utc=True, format="ISO8601")
        since = stamps - pd.Timestamp(0, tz="UTC")
        return np.asarray(since.dt.total_seconds().to_numpy(), dtype=np.float64)
    except (ImportError, ValueError, TypeError):
        pass  # parse one by one below, naming the first bad value
    out = np.empty(len(raw), dtype=np.float64)
    for i, text in enumerate(raw):
        when = parse_datetime(str(text))
        if when is None:
            raise RecordingError(
                f"the time column holds {text!r} (row {i + 1}), neither a number of s nor "
                "an ISO 8601 date-time such as 2024-05-01T10:00:00.004Z."
            )
        out[i] = when.timestamp()
    return out


def _rate(path: Path, fields: dict[str, str], options: ReadOptions, times: _F64 | None) -> float:
    """Nominal rate in Hz: ``rate=`` given, the comment's, or 1 / median time step."""
    rate = options.rate
    if rate is None and "rate" in fields:
        try:
            rate = float(fields["rate"])
        except ValueError:
            raise RecordingError(
                f"{path}: comment rate={fields['rate']!r} is no number of Hz."
            ) from None
        if rate == 0.0 and times is not None:
            return 0.0  # irregular samples, each with its own time
    if rate is None and times is not None:
        steps = np.diff(times)
        rate = float(1.0 / np.median(steps)) if steps.size else math.nan
        if not (math.isfinite(rate) and rate > 0):
            raise RecordingError(f"{path}: the time column does not increase; fix it.")
        rate = round(rate, 6)
    if rate is None or not (math.isfinite(rate) and rate > 0):
        raise RecordingError(
            f"{path} has no time column (a first column named 'time' or 'timestamp', in s) "
            "and no rate; give its sampling rate (rate= in Python, --rate HZ on the command "
            "line, or a first line '# rate=<Hz>')."
        )
    return float(rate)


def _units(path: Path, fields: dict[str, str], n: int) -> list[str]:
    if "units" not in fields:
        return ["a.u."] * n
    units = fields["units"].split(";")
    if len(units) == 1:
        units = units * n
    if len(units) != n:
        raise RecordingError(
            f"{path}: the comment gives {len(units)} units for {n} channels; give one per "
            "channel (units=mV;uS;…) or one for all."
        )
    return units


def _anchor(
    fields: dict[str, str], times: _F64, absolute: bool
) -> tuple[tuple[float, datetime] | None, str]:
    """``(a timestamp, its UTC)`` from ``# start=`` (time 0) or absolute times."""
    start = parse_datetime(fields.get("start"))
    if start is not None:
        return (0.0, start), "CSV comment start="
    if absolute and times.size:
        first = float(times[0])
        return (first, datetime.fromtimestamp(first, UTC)), "CSV time column (absolute times)"
    return None, ""
