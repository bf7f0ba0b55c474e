"""Reading recordings for analysis: XDF, EDF/BDF/FIF (MNE), CSV and WFDB.

Every file becomes a list of :class:`~heartmind.plugins.replay.sources.Track` objects (one
stream each, read-only arrays, no extra copies). XDF and EDF/BDF/FIF use the replay
plugin's readers (:func:`~heartmind.plugins.replay.sources.xdf_tracks`, MNE); CSV pandas
(numpy if pandas is missing); WFDB the ``wfdb`` package (``signal`` extra). Heavy readers
load only when needed.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from heartmind.errors import ConfigError, MissingExtraError
from heartmind.plugins.replay.sources import (
    Track,
    drop_nonfinite,
    load_tracks,
    select_tracks,
    xdf_tracks,
)
from heartmind.streams import StreamInfo

__all__ = ["ANALYSED_TYPES", "FORMATS", "guess_type", "load_recording", "recording_kind"]

log = logging.getLogger(__name__)

#: File kinds ``analyze`` reads.
FORMATS: tuple[str, ...] = ("xdf", "edf", "bdf", "fif", "csv", "wfdb")
#: Stream types that have an analysis (and the processors that do it, see ``run``).
ANALYSED_TYPES: tuple[str, ...] = ("ECG", "PPG", "EDA", "RSP", "EEG", "RADAR")
_TIME_COLUMNS = ("time", "timestamp", "timestamps", "t", "seconds", "time_s")
#: Channel-name prefixes (lower case) that name a stream type.
_TYPE_NAMES: dict[str, tuple[str, ...]] = {
    "ECG": ("ecg", "ekg", "mlii", "mliii", "ml2", "lead", "v1", "v2", "v3", "v4", "v5", "v6"),
    "PPG": ("ppg", "pleth", "bvp", "pulse"),
    "EDA": ("eda", "gsr", "scl", "skin"),
    "RSP": ("rsp", "resp", "breath"),
    "RADAR": ("radar",),
}
_ECG_LEADS = ("i", "ii", "iii", "avr", "avl", "avf")


def recording_kind(path: str | Path) -> str:
    """The reader for ``path``: one of :data:`FORMATS`.

    A ``.hea`` file, or a name with no suffix whose ``.hea`` exists, is a WFDB record.
    """
    p = Path(path)
    name = p.name.lower()
    for suffix, kind in ((".xdf", "xdf"), (".edf", "edf"), (".bdf", "bdf"), (".csv", "csv")):
        if name.endswith(suffix):
            return kind
    if name.endswith((".fif", ".fif.gz")):
        return "fif"
    if name.endswith((".hea", ".dat")) or p.with_name(p.name + ".hea").is_file():
        return "wfdb"
    raise ConfigError(
        f"analyze: cannot tell the format of {path}; give a .xdf, .edf, .bdf, .fif, .csv file "
        "or a WFDB record (the .hea file or the record name without suffix)."
    )


def guess_type(channel: str) -> str | None:
    """Stream type of a channel from its name (``"MLII"`` → ECG, ``"PLETH"`` → PPG)."""
    name = channel.strip().lower()
    if name in _ECG_LEADS:
        return "ECG"
    for kind, prefixes in _TYPE_NAMES.items():
        if name.startswith(prefixes):
            return kind
    return None


def load_recording(
    path: str | Path,
    *,
    select: Sequence[str] = (),
    rate: float | None = None,
    default_type: str = "ECG",
) -> list[Track]:
    """Read the streams of a recording to analyse.

    Parameters
    ----------
    path
        ``.xdf``, ``.edf``, ``.bdf``, ``.fif(.gz)``, ``.csv`` or a WFDB record.
    select
        Names or types of the streams to keep (all when empty).
    rate
        CSV only: sampling rate in Hz when the file has no time column.
    default_type
        CSV/WFDB: type of channels whose name does not tell it.

    Returns
    -------
    list of Track
        Float samples with NaN/inf left out (listed as gaps).

    Raises
    ------
    ConfigError
        Missing or unreadable file, or no stream matches ``select``.
    """
    p = Path(path)
    kind = recording_kind(p)
    if kind == "wfdb":
        tracks = _wfdb_tracks(p, default_type)
    else:
        if not p.is_file():
            raise ConfigError(f"analyze: {p} does not exist or is not a file; check the path.")
        if kind == "xdf":
            tracks = xdf_tracks(p, who="analyze", rename_by_id=True)
        elif kind == "csv":
            tracks = _csv_tracks(p, rate, default_type)
        else:
            tracks = load_tracks(p)
    return [drop_nonfinite(t) for t in select_tracks(tracks, list(select))]


def _readonly(arr: npt.NDArray[Any]) -> npt.NDArray[Any]:
    arr = np.ascontiguousarray(arr)
    arr.setflags(write=False)
    return arr


def _group_columns(channels: Sequence[str], default_type: str) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for i, ch in enumerate(channels):
        groups.setdefault(guess_type(ch) or default_type.upper(), []).append(i)
    return groups


def _tracks_from_columns(
    stem: str,
    data: npt.NDArray[np.float64],
    timestamps: npt.NDArray[np.float64],
    channels: Sequence[str],
    units: Sequence[str],
    rate: float,
    default_type: str,
    source: str,
) -> list[Track]:
    ts = _readonly(timestamps)
    out = []
    for kind, cols in _group_columns(channels, default_type).items():
        info = StreamInfo(
            name=f"{stem}-{kind}",
            type=kind,
            channels=tuple(channels[i] for i in cols),
            units=tuple(units[i] for i in cols),
            rate=rate,
            dtype="float64",
            source_id=f"{source}:{kind}",
        )
        out.append(Track(info, _readonly(data[:, cols]), ts))
    return out


def _read_csv(path: Path) -> tuple[list[str], npt.NDArray[np.float64]]:
    try:
        import pandas as pd
    except ImportError:
        with path.open(encoding="utf-8") as f:
            header = [h.strip() for h in f.readline().split(",")]
        values = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2, dtype=np.float64)
        return header, values
    try:
        frame = pd.read_csv(path, dtype=np.float64)
    except Exception as exc:  # pandas raises many types for bad files
        raise ConfigError(
            f"analyze: cannot read {path} as CSV with a header and numeric columns: {exc}"
        ) from None
    return [str(c).strip() for c in frame.columns], frame.to_numpy(dtype=np.float64)


def _csv_tracks(path: Path, rate: float | None, default_type: str) -> list[Track]:
    header, values = _read_csv(path)
    if values.shape[0] < 2:
        raise ConfigError(f"analyze: {path} has fewer than 2 rows of samples.")
    first = header[0].lower()
    if first in _TIME_COLUMNS or first.startswith(("time", "timestamp")):
        ts = values[:, 0].copy()
        header, values = header[1:], values[:, 1:]
        fs = rate or float(1.0 / np.median(np.diff(ts)))
    elif rate:
        fs = float(rate)
        ts = np.arange(values.shape[0], dtype=np.float64) / fs
    else:
        raise ConfigError(
            f"analyze: {path} has no time column (first column named 'time' or 'timestamp', "
            "in s); give the sampling rate with --rate HZ."
        )
    if not (math.isfinite(fs) and fs > 0):
        raise ConfigError(f"analyze: {path}: the time column does not increase; fix it.")
    fs = round(fs, 6)
    units = ["a.u."] * len(header)
    return _tracks_from_columns(path.stem, values, ts, header, units, fs, default_type, path.name)


def _wfdb_tracks(path: Path, default_type: str) -> list[Track]:
    try:
        import wfdb
    except ImportError as exc:
        raise MissingExtraError("signal", "reading WFDB records", "wfdb") from exc
    record_name = str(path.with_suffix("")) if path.suffix in (".hea", ".dat") else str(path)
    if not Path(record_name + ".hea").is_file():
        raise ConfigError(
            f"analyze: WFDB header {record_name}.hea not found; give the record name or its .hea."
        )
    try:
        rec = wfdb.rdrecord(record_name)
    except Exception as exc:  # wfdb raises many types for bad records
        raise ConfigError(f"analyze: wfdb cannot read {record_name}: {exc}") from None
    fs = float(rec.fs)
    data = np.asarray(rec.p_signal, dtype=np.float64)
    ts = np.arange(data.shape[0], dtype=np.float64) / fs
    channels = [str(c) for c in rec.sig_name]
    units = [str(u) for u in (rec.units or ["a.u."] * len(channels))]
    return _tracks_from_columns(
        Path(record_name).name, data, ts, channels, units, fs, default_type, record_name
    )
