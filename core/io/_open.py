"""``open_recording``: one way to open XDF, EDF/BDF, FIF, CSV and WFDB recordings.

The format comes from the file name (:data:`SUFFIXES`); a WFDB record may be named
without suffix; a file with an unknown suffix is recognised by its first bytes (XDF, EDF,
BDF). Each format's reader (:data:`READERS`) loads only when a file of its format is opened.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from pathlib import Path

from ._channel_types import TypeOverride
from ._reader import ReadOptions, ReadResult
from ._recording import (
    Recording,
    RecordingError,
    drop_nonfinite,
    first_timestamp,
    select_tracks,
    unique_names,
)

__all__ = ["FORMATS", "READERS", "SUFFIXES", "open_recording", "recording_format"]

log = logging.getLogger(__name__)

#: File name endings (lower case) and their formats.
SUFFIXES: dict[str, str] = {
    ".xdf": "xdf",
    ".edf": "edf",
    ".bdf": "bdf",
    ".fif": "fif",
    ".fif.gz": "fif",
    ".csv": "csv",
    ".hea": "wfdb",
    ".dat": "wfdb",
}


def _xdf(path: Path, options: ReadOptions) -> ReadResult:
    from ._xdf import read_xdf_recording

    return read_xdf_recording(path, options)


def _mne(kind: str) -> Callable[[Path, ReadOptions], ReadResult]:
    def read(path: Path, options: ReadOptions) -> ReadResult:
        from ._mne import read_mne_recording

        return read_mne_recording(path, options, kind)

    return read


def _csv(path: Path, options: ReadOptions) -> ReadResult:
    from ._csv import read_csv_recording

    return read_csv_recording(path, options)


def _wfdb(path: Path, options: ReadOptions) -> ReadResult:
    from ._wfdb import read_wfdb_recording

    return read_wfdb_recording(path, options)


#: Format -> reader. A new recording format is one entry here and one ``_<format>.py``.
READERS: dict[str, Callable[[Path, ReadOptions], ReadResult]] = {
    "xdf": _xdf,
    "edf": _mne("edf"),
    "bdf": _mne("bdf"),
    "fif": _mne("fif"),
    "csv": _csv,
    "wfdb": _wfdb,
}
#: The formats :func:`open_recording` reads.
FORMATS: tuple[str, ...] = tuple(READERS)
#: First bytes of the formats recognised by content.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"XDF:", "xdf"),
    (b"\xffBIOSEMI", "bdf"),
    (b"0       ", "edf"),
)


def recording_format(path: str | os.PathLike[str]) -> str:
    """The format of a recording (one of :data:`FORMATS`), from its name or first bytes.

    A name without suffix whose ``.hea`` exists is a WFDB record.

    Raises
    ------
    RecordingError
        The format cannot be told; the message lists the formats.
    """
    p = Path(path)
    name = p.name.lower()
    for suffix in sorted(SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return SUFFIXES[suffix]
    if p.with_name(p.name + ".hea").is_file():
        return "wfdb"
    if p.is_file():
        with p.open("rb") as f:
            head = f.read(8)
        for magic, kind in _MAGIC:
            if head.startswith(magic):
                return kind
    raise RecordingError(
        f"{p} is not a file type heartmind can read; give a recording in one of these "
        "formats: XDF (.xdf), EDF (.edf), BDF (.bdf), FIF (.fif, .fif.gz), CSV (.csv) or a "
        "WFDB record (its .hea, or the record name without suffix)."
    )


def open_recording(
    path: str | os.PathLike[str],
    *,
    types: str | Mapping[str, str] | None = None,
    select: Sequence[str] = (),
    default_type: str | None = None,
    rate: float | None = None,
    nan_gaps: bool = True,
    synchronize_clocks: bool = False,
) -> Recording:
    """Open a recording: XDF, EDF, BDF, FIF, CSV or WFDB.

    Parameters
    ----------
    path
        The file (a WFDB record: its ``.hea`` or the record name without suffix).
    types
        Channel types that override what the file and the labels say: one type for every
        channel (``"ECG"``), or ``{label: type}`` (``{"II": "ECG", "Pleth": "PPG"}``; a
        label matches as written in the file or without its type word, exactly or
        ignoring case). Formats without streams (EDF/BDF/FIF, CSV, WFDB) make one track
        per type, so this also decides the tracks.
    select
        Names or types (case-insensitive) of the tracks to keep; all when empty.
    default_type
        CSV and WFDB: the type of channels whose label and unit say nothing (``"MISC"``
        when None). EDF/BDF files type such channels EEG, FIF files type every channel.
    rate
        CSV without a time column: the sampling rate in Hz.
    nan_gaps
        Leave out float samples holding NaN/inf and list each run of them as a gap of its
        track (chunks refuse them). False keeps them.
    synchronize_clocks
        XDF: map every stream's timestamps onto the recorder's clock with its ClockOffset
        chunks (pyxdf's ``synchronize_clocks``); by default they stay as recorded.

    Returns
    -------
    Recording
        Its tracks (markers included), origin, real start (UTC) and format.

    Raises
    ------
    RecordingError
        The file is missing, of an unknown format, cannot be read, or ``select``/``types``
        name something it lacks. :class:`~heartmind.MissingExtraError` when the reader
        needs an extra that is not installed (MNE, wfdb: ``heartmind[signal]``).
    """
    p = Path(path)
    kind = recording_format(p)
    if kind != "wfdb" and not p.is_file():
        raise RecordingError(f"{p} does not exist or is not a file; check the path.")
    override = TypeOverride(types)
    options = ReadOptions(override, default_type, rate, synchronize_clocks)
    result = READERS[kind](p, options)
    override.check([c for t in result.tracks for c in t.info.channels], str(p))
    tracks = unique_names(result.tracks, result.numbers)
    origin = first_timestamp(tracks)
    start = None
    if result.anchor is not None:
        at, utc = result.anchor
        start = utc + timedelta(seconds=origin - at)
    chosen = select_tracks(tracks, list(select))
    if nan_gaps:
        chosen = [drop_nonfinite(t) for t in chosen]
    recording = Recording(
        path=p, format=kind, tracks=tuple(chosen), origin=origin, start=start,
        start_from=result.start_from if start is not None else "", header=result.header,
    )  # fmt: skip
    log.info("opened %s (%s): %d tracks", p, kind, len(chosen))
    return recording
