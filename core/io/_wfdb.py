"""WFDB records (PhysioNet), read with the ``wfdb`` package (``signal`` extra).

One track per channel type (``MLII``, ``V5`` → ECG; ``PLETH`` → PPG; ``RESP`` → RSP; …),
samples in the record's physical units, timestamps ``i / fs`` s; invalid samples (NaN in
WFDB) become gaps. The record's base date and time, when it has both, give the real start
(WFDB stores local time without a zone: taken as UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ..errors import MissingExtraError
from ._channel_types import resolve_types
from ._reader import ReadOptions, ReadResult, tracks_by_type
from ._recording import RecordingError

__all__ = ["read_wfdb_recording", "wfdb_record_name"]


def wfdb_record_name(path: Path) -> str:
    """The record name (path without ``.hea``/``.dat``) of a WFDB file or record name."""
    return str(path.with_suffix("")) if path.suffix.lower() in (".hea", ".dat") else str(path)


def read_wfdb_recording(path: Path, options: ReadOptions) -> ReadResult:
    """Read a WFDB record (its ``.hea``, ``.dat`` or name without suffix)."""
    try:
        import wfdb
    except ImportError as exc:
        raise MissingExtraError("signal", "reading WFDB records", "wfdb") from exc
    record_name = wfdb_record_name(path)
    if not Path(record_name + ".hea").is_file():
        raise RecordingError(
            f"WFDB header {record_name}.hea not found; give the record name or its .hea."
        )
    try:
        rec = wfdb.rdrecord(record_name)
    except Exception as exc:  # wfdb raises many types for bad records
        raise RecordingError(f"wfdb cannot read the record {record_name}: {exc}") from None
    fs = float(rec.fs)
    data = np.asarray(rec.p_signal, dtype=np.float64)
    ts = np.arange(data.shape[0], dtype=np.float64) / fs
    channels = [str(c) for c in rec.sig_name]
    units = [str(u) for u in (rec.units or ["a.u."] * len(channels))]
    types = resolve_types(
        channels, units, override=options.types, default=options.default_type or "MISC"
    )
    stem = Path(record_name).name
    tracks = tracks_by_type(stem, record_name, data, ts, channels, units, types, fs)
    header = {"record_name": stem}
    if rec.base_date is not None and rec.base_time is not None:
        start = datetime.combine(rec.base_date, rec.base_time, tzinfo=UTC)
        return ReadResult(tracks, (0.0, start), "WFDB base date and time", header)
    return ReadResult(tracks, None, "", header)
