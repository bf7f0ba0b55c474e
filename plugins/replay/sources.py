"""Loading recordings for replay: XDF (``heartmind.xdf``) and EDF/BDF/FIF (MNE-Python).

Every file becomes a list of :class:`Track` objects: one stream each, with its whole data
and timestamps in memory (read-only), and the gaps its recorder listed. MNE is imported
only when an EDF, BDF or FIF file is opened.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from heartmind.errors import ConfigError
from heartmind.extras import require
from heartmind.streams import Chunk, StreamInfo

__all__ = [
    "SUFFIXES",
    "Track",
    "drop_nonfinite",
    "load_tracks",
    "recording_start",
    "select_tracks",
    "track_chunks",
    "window_edges",
    "xdf_tracks",
]

log = logging.getLogger(__name__)

#: File suffixes the replay understands, and the reader used for each.
SUFFIXES: dict[str, str] = {
    ".xdf": "xdf",
    ".edf": "edf",
    ".bdf": "bdf",
    ".fif": "fif",
    ".fif.gz": "fif",
}

#: MNE channel type -> heartmind stream type.
_MNE_TYPES: dict[str, str] = {
    "eeg": "EEG",
    "ecg": "ECG",
    "eog": "EOG",
    "emg": "EMG",
    "resp": "RSP",
    "bio": "BIO",
    "stim": "STIM",
    "misc": "MISC",
    "seeg": "SEEG",
    "ecog": "ECOG",
    "temperature": "TEMP",
    "gsr": "EDA",
}

#: Original EDF/BDF units and the factor from volts (MNE's unit) back to them.
_VOLT_UNITS: dict[str, float] = {"V": 1.0, "mV": 1e3, "uV": 1e6, "µV": 1e6, "nV": 1e9}


@dataclass(frozen=True, eq=False)
class Track:
    """One recorded stream, whole.

    Attributes
    ----------
    info
        The stream (type upper-cased; renamed ``<name>-<id>`` if two share a name).
    data
        ``(n_samples, n_channels)`` read-only samples (object array of str for markers).
    timestamps
        ``(n_samples,)`` read-only timestamps in s, as recorded.
    gaps
        ``(start, end, n_lost, reason)`` of each interval its recorder lost, in s on the
        same clock as ``timestamps``.
    """

    info: StreamInfo
    data: npt.NDArray[Any]
    timestamps: npt.NDArray[np.float64]
    gaps: tuple[tuple[float, float, int, str], ...] = field(default=())


def _kind(path: Path) -> str:
    name = path.name.lower()
    for suffix, kind in SUFFIXES.items():
        if name.endswith(suffix):
            return kind
    raise ConfigError(
        f"replay: {path} is not a file type it can play; use one of "
        f"{', '.join(SUFFIXES)} (XDF from LabRecorder or heartmind, EDF/BDF/FIF via MNE)."
    )


def load_tracks(path: str | Path) -> list[Track]:
    """Read every stream of a recording.

    Parameters
    ----------
    path
        An ``.xdf``, ``.edf``, ``.bdf``, ``.fif`` or ``.fif.gz`` file.

    Raises
    ------
    ConfigError
        The file is missing, of an unsupported type, or cannot be read.
    """
    path = Path(path)
    kind = _kind(path)
    if not path.is_file():
        raise ConfigError(f"replay: {path} does not exist or is not a file; check the path.")
    tracks = xdf_tracks(path) if kind == "xdf" else _mne_tracks(path, kind)
    return _unique_names(tracks)


def _frozen(arr: npt.NDArray[Any]) -> npt.NDArray[Any]:
    arr = np.ascontiguousarray(arr)
    if arr.flags.writeable and arr.base is not None:
        arr = arr.copy()  # own the memory, so that read-only views need no copies later
    arr.setflags(write=False)
    return arr


def xdf_tracks(path: Path, *, who: str = "replay", rename_by_id: bool = False) -> list[Track]:
    """Every stream of an XDF file as a :class:`Track`: the one XDF reader of both plugins.

    Data and timestamps are those :func:`heartmind.xdf.read_xdf` decoded, frozen without
    a copy (they own their memory), so chunks cut from them need no copies either.

    Parameters
    ----------
    path
        An existing ``.xdf`` file.
    who
        The command named in error messages (``"replay"``, ``"analyze"``).
    rename_by_id
        Give a stream whose name an earlier stream already has the name
        ``<name>-<stream id>`` (the first keeps its name), as ``analyze`` always has.
        Without it names are left as recorded: :func:`load_tracks` renames duplicates
        afterwards, for every file type alike.

    Raises
    ------
    ConfigError
        The file cannot be read as XDF.
    """
    from heartmind.xdf import XdfError, read_xdf

    try:
        streams = read_xdf(path)
    except XdfError as exc:
        raise ConfigError(f"{who}: cannot read {path}: {exc}") from None
    out: list[Track] = []
    names: set[str] = set()
    for s in streams:
        info = dataclasses.replace(s.info, type=s.info.type.upper())
        if rename_by_id and info.name in names:
            info = dataclasses.replace(info, name=f"{info.name}-{s.stream_id}")
        names.add(info.name)
        data = s.time_series
        if data.shape != (s.n_samples, info.n_channels):
            data = data.reshape(s.n_samples, info.n_channels)
        stamps = np.asarray(s.time_stamps, dtype=np.float64)  # already float64: no copy
        gaps = tuple((g.start, g.end, g.n_lost, g.reason) for g in s.gaps)
        out.append(Track(info, _frozen(data), _frozen(stamps), gaps))
    return out


def _mne_tracks(path: Path, kind: str) -> list[Track]:
    mne = require("mne", f"replaying {kind.upper()} files")
    reader = {"edf": mne.io.read_raw_edf, "bdf": mne.io.read_raw_bdf, "fif": mne.io.read_raw_fif}
    extra = {"infer_types": True} if kind in ("edf", "bdf") else {}  # "ECG I" -> ecg "I"
    try:
        raw = reader[kind](str(path), preload=True, verbose="error", **extra)
    except Exception as exc:  # MNE raises many types for bad files
        raise ConfigError(f"replay: MNE cannot read {path}: {exc}") from None
    sfreq = float(raw.info["sfreq"])
    meas = raw.info.get("meas_date")
    # MNE's own time axis (s since the measurement start); the UTC start goes to meta.
    stamps = (raw.first_samp + np.arange(raw.n_times, dtype=np.float64)) / sfreq
    meta = {"file": str(path), "meas_date": meas.isoformat() if meas is not None else ""}
    types = raw.get_channel_types()
    orig_units: dict[str, str] = getattr(raw, "_orig_units", None) or {}
    out: list[Track] = []
    for mne_type in dict.fromkeys(types):
        picks = [i for i, t in enumerate(types) if t == mne_type]
        names = [raw.ch_names[i] for i in picks]
        data = raw.get_data(picks=picks).T
        units, scales = _units(raw, picks, names, orig_units)
        info = StreamInfo(
            name=f"{_stem(path)}-{_MNE_TYPES.get(mne_type, mne_type.upper())}",
            type=_MNE_TYPES.get(mne_type, mne_type.upper()),
            channels=tuple(names),
            units=tuple(units),
            rate=sfreq,
            dtype="float64",
            source_id=f"{path.name}:{mne_type}",
            meta={**meta, "mne_type": mne_type},
        )
        out.append(Track(info, _frozen(data * scales), _frozen(stamps)))
    annotations = _annotations(raw, path)
    if annotations is not None:
        out.append(annotations)
    return out


def _stem(path: Path) -> str:
    name = path.name
    for suffix in SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def _units(
    raw: Any, picks: Sequence[int], names: Sequence[str], orig_units: dict[str, str]
) -> tuple[list[str], npt.NDArray[np.float64]]:
    """Units of the picked channels: the file's own (EDF/BDF) where MNE scaled to volts."""
    from mne.io.constants import FIFF

    units: list[str] = []
    scales: list[float] = []
    for i, name in zip(picks, names, strict=True):
        is_volt = raw.info["chs"][i]["unit"] == FIFF.FIFF_UNIT_V
        orig = orig_units.get(name, "")
        if is_volt and orig in _VOLT_UNITS:
            units.append("uV" if orig == "µV" else orig)
            scales.append(_VOLT_UNITS[orig])
        else:
            units.append("V" if is_volt else (orig or "a.u."))
            scales.append(1.0)
    return units, np.asarray(scales, dtype=np.float64)


def _annotations(raw: Any, path: Path) -> Track | None:
    """MNE annotations as a string marker stream (onsets on the samples' time axis, s)."""
    ann = raw.annotations
    if len(ann) == 0:
        return None
    onsets = np.asarray(ann.onset, dtype=np.float64)
    if ann.orig_time is None:
        onsets = onsets + raw.first_samp / float(raw.info["sfreq"])
    order = np.argsort(onsets, kind="stable")
    text = np.array([str(ann.description[i]) for i in order], dtype=object).reshape(-1, 1)
    info = StreamInfo(
        name=f"{_stem(path)}-annotations",
        type="MARKERS",
        channels=("annotation",),
        units="",
        rate=0.0,
        dtype="string",
        source_id=f"{path.name}:annotations",
        meta={"file": str(path)},
    )
    return Track(info, _frozen(text), _frozen(onsets[order]))


def _unique_names(tracks: list[Track]) -> list[Track]:
    seen: dict[str, int] = {}
    for t in tracks:
        seen[t.info.name] = seen.get(t.info.name, 0) + 1
    out = []
    for i, t in enumerate(tracks, start=1):
        if seen[t.info.name] > 1:
            renamed = dataclasses.replace(t.info, name=f"{t.info.name}-{i}")
            log.warning("two streams are named %s; the second is %s", t.info.name, renamed.name)
            t = dataclasses.replace(t, info=renamed)
        out.append(t)
    return out


def select_tracks(tracks: list[Track], select: Sequence[str]) -> list[Track]:
    """The tracks whose name or type (case-insensitive) is in ``select`` (all if empty).

    Raises
    ------
    ConfigError
        A name matches no stream; the message lists the streams of the file.
    """
    if not select:
        return tracks
    chosen: list[Track] = []
    for key in select:
        hits = [t for t in tracks if key == t.info.name or key.upper() == t.info.type]
        if not hits:
            listing = ", ".join(f"{t.info.name} ({t.info.type})" for t in tracks)
            raise ConfigError(
                f"replay: the file has no stream named or typed {key!r}; its streams are "
                f"{listing or 'none'}."
            )
        chosen.extend(t for t in hits if t not in chosen)
    return [t for t in tracks if t in chosen]


def recording_start(tracks: Sequence[Track]) -> float:
    """Timestamp of the first sample over ``tracks`` in s (0 if they are all empty)."""
    firsts = [float(t.timestamps[0]) for t in tracks if t.timestamps.size]
    return min(firsts) if firsts else 0.0


def drop_nonfinite(track: Track) -> Track:
    """``track`` without samples holding NaN/inf (chunks refuse them), each run of such
    samples listed as a gap instead."""
    if track.data.dtype.kind != "f" or track.data.size == 0 or np.isfinite(track.data).all():
        return track
    bad = ~np.isfinite(track.data).all(axis=1)
    ts = track.timestamps
    gaps = list(track.gaps)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], bad.view(np.int8), [0]))))
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        start = float(ts[a - 1]) if a > 0 else float(ts[a])
        end = float(ts[b]) if b < ts.size else float(ts[b - 1])
        gaps.append((start, end, int(b - a), "non-finite samples in the file"))
    log.warning("stream %s: %d samples with NaN/inf are left out", track.info.name, bad.sum())
    keep = ~bad
    return Track(track.info, _frozen(track.data[keep]), _frozen(ts[keep]), tuple(gaps))


def window_edges(origin: float, duration: float, chunk_duration: float) -> npt.NDArray[np.float64]:
    """Edges in s of the playback windows: every ``chunk_duration`` from ``origin`` on, the
    last window open-ended (so that it holds the last sample), at least one window."""
    n_windows = max(1, math.floor(duration / chunk_duration) + 1)
    edges = origin + chunk_duration * np.arange(n_windows + 1, dtype=np.float64)
    edges[-1] = math.inf
    return edges


def track_chunks(
    tracks: Sequence[Track], edges: npt.NDArray[np.float64], shift: float = 0.0
) -> Iterator[list[Chunk]]:
    """Per window (see :func:`window_edges`), a chunk for every track with samples in it,
    in the order of ``tracks``; timestamps moved by ``shift`` s.

    Only each chunk's timestamps are shifted (a new read-only array, which the chunk keeps
    without copying it); samples, and timestamps when ``shift`` is 0, are views of the
    tracks' arrays. A whole recording is never copied.
    """
    bounds = [np.searchsorted(t.timestamps, edges, side="left") for t in tracks]
    for j in range(len(edges) - 1):
        out: list[Chunk] = []
        for track, idx in zip(tracks, bounds, strict=True):
            a, b = int(idx[j]), int(idx[j + 1])
            if b > a:
                ts = track.timestamps[a:b]
                if shift != 0.0:
                    ts = ts + shift
                    ts.setflags(write=False)
                out.append(Chunk(track.data[a:b], ts, track.info))
        yield out
