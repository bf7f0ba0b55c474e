"""What :func:`heartmind.io.open_recording` returns: a :class:`Recording` of :class:`Track`\\ s.

A track is one stream, whole: read-only samples and timestamps (no copies beyond what the
reader decoded), the lost intervals (:class:`TrackGap`), one type per channel and, for XDF,
the stream's clock offsets. Helpers shared by every reader and by the playback live here
too: :func:`readonly`, :func:`drop_nonfinite`, :func:`select_tracks`, :func:`unique_names`.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from ..errors import ConfigError
from ..streams import StreamInfo

__all__ = [
    "Recording",
    "RecordingError",
    "Track",
    "TrackGap",
    "drop_nonfinite",
    "first_timestamp",
    "readonly",
    "select_tracks",
    "unique_names",
]

log = logging.getLogger(__name__)


class RecordingError(ConfigError):
    """A recording cannot be opened: missing, of a format heartmind cannot read, damaged,
    or an argument (``types=``, ``select``, ``rate``) does not fit it. The message names the
    file and says what to do."""


class TrackGap(NamedTuple):
    """An interval of a track whose samples were lost (s, on the track's clock)."""

    start: float
    end: float
    n_lost: int
    reason: str = ""


def _no_offsets() -> npt.NDArray[np.float64]:
    return np.empty((0, 2), dtype=np.float64)


@dataclass(frozen=True, eq=False)
class Track:
    """One recorded stream, whole.

    Attributes
    ----------
    info
        The stream (type upper-cased; a name unique within its recording).
    data
        ``(n_samples, n_channels, *info.shape)`` read-only samples in ``info.dtype``
        (object array of ``str`` for markers).
    timestamps
        ``(n_samples,)`` read-only timestamps in s, as recorded (XDF: the sender's clock
        unless opened with ``synchronize_clocks=True``; other formats: s from the file's
        time zero).
    gaps
        Intervals its recorder lost, and spans of NaN/inf samples left out.
    channel_types
        One stream type per channel (``"ECG"``, ``"EEG"``, …); all ``info.type`` unless the
        file or the labels say otherwise.
    clock_offsets
        XDF ClockOffset measurements, ``(n, 2)``: collection time and offset in s
        (recorder clock = stream clock + offset); empty for other formats.
    """

    info: StreamInfo
    data: npt.NDArray[Any]
    timestamps: npt.NDArray[np.float64]
    gaps: tuple[TrackGap, ...] = ()
    channel_types: tuple[str, ...] = ()
    clock_offsets: npt.NDArray[np.float64] = field(default_factory=_no_offsets)

    def __post_init__(self) -> None:
        info = self.info
        if not self.channel_types:
            object.__setattr__(self, "channel_types", (info.type,) * info.n_channels)
        if len(self.channel_types) != info.n_channels:
            raise ConfigError(
                f"track {info.name!r}: {len(self.channel_types)} channel types for "
                f"{info.n_channels} channels."
            )
        if self.data.shape[1:] != info.sample_shape or len(self.data) != len(self.timestamps):
            raise ConfigError(
                f"track {info.name!r}: data {self.data.shape} and {len(self.timestamps)} "
                f"timestamps do not fit (n_samples, {', '.join(map(str, info.sample_shape))})."
            )
        object.__setattr__(self, "gaps", tuple(TrackGap(*g) for g in self.gaps))

    @property
    def n_samples(self) -> int:
        """Number of samples."""
        return int(self.timestamps.shape[0])

    @property
    def duration(self) -> float:
        """Last minus first timestamp in s (0 for fewer than two samples)."""
        ts = self.timestamps
        return float(ts[-1] - ts[0]) if ts.size > 1 else 0.0


@dataclass(frozen=True, eq=False)
class Recording:
    """An opened recording: its tracks, where it started in real time, where it came from.

    Attributes
    ----------
    path
        The file (for WFDB: the record's ``.hea``).
    format
        The reader used: ``"xdf"``, ``"edf"``, ``"bdf"``, ``"fif"``, ``"csv"`` or ``"wfdb"``.
    tracks
        Every stream, markers included, in the file's order.
    origin
        The earliest first timestamp over all tracks of the file, in s (0 if none): the
        instant :attr:`start` names.
    start
        The real (UTC, timezone-aware) date and time of :attr:`origin`, or None when the
        file does not say. :meth:`utc` maps any timestamp.
    start_from
        How :attr:`start` was found (e.g. ``"EDF header start date/time"``), ``""`` if None.
    header
        File-level fields (XDF FileHeader, EDF/FIF subject-free measurement info, CSV
        comment fields) as strings.
    """

    path: Path
    format: str
    tracks: tuple[Track, ...]
    origin: float = 0.0
    start: datetime | None = None
    start_from: str = ""
    header: dict[str, Any] = field(default_factory=dict)

    @property
    def markers(self) -> tuple[Track, ...]:
        """The string (marker/annotation) tracks."""
        return tuple(t for t in self.tracks if t.info.dtype == "string")

    @property
    def signals(self) -> tuple[Track, ...]:
        """The numeric tracks."""
        return tuple(t for t in self.tracks if t.info.dtype != "string")

    @property
    def streams(self) -> tuple[StreamInfo, ...]:
        """The :class:`StreamInfo` of every track."""
        return tuple(t.info for t in self.tracks)

    def track(self, name: str) -> Track:
        """The track named ``name``.

        Raises
        ------
        RecordingError
            No such track; the message lists the recording's tracks.
        """
        for t in self.tracks:
            if t.info.name == name:
                return t
        raise RecordingError(
            f"{self.path}: no stream named {name!r}; its streams are "
            f"{', '.join(t.info.name for t in self.tracks) or 'none'}."
        )

    def select(self, select: Sequence[str]) -> Recording:
        """The same recording with the tracks :func:`select_tracks` chooses (origin and
        start unchanged)."""
        return dataclasses.replace(self, tracks=tuple(select_tracks(self.tracks, select)))

    def utc(self, timestamp: float) -> datetime | None:
        """The UTC date and time of a track timestamp (s), or None if the start is unknown."""
        if self.start is None:
            return None
        return self.start + timedelta(seconds=float(timestamp) - self.origin)


def readonly(arr: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``arr`` contiguous and read-only, owning its memory (copied only if it is a view of
    writable memory), so chunks cut from it need no copies."""
    arr = np.ascontiguousarray(arr)
    if arr.flags.writeable and arr.base is not None:
        arr = arr.copy()
    arr.setflags(write=False)
    return arr


def first_timestamp(tracks: Sequence[Track]) -> float:
    """Timestamp of the first sample over ``tracks`` in s (0 if they are all empty)."""
    firsts = [float(t.timestamps[0]) for t in tracks if t.timestamps.size]
    return min(firsts) if firsts else 0.0


def unique_names(tracks: Sequence[Track], numbers: Sequence[int] | None = None) -> list[Track]:
    """Tracks with unique names: a track whose name an earlier one has becomes
    ``<name>-<n>``, ``n`` its number in the file (XDF: its stream id; else its 1-based
    position); the first keeps its name."""
    seen: set[str] = {t.info.name for t in tracks}
    taken: set[str] = set()
    out = []
    for i, t in enumerate(tracks):
        name = t.info.name
        if name in taken:
            n = numbers[i] if numbers is not None else i + 1
            new = f"{name}-{n}"
            while new in seen or new in taken:
                new += "'"
            log.warning("two streams are named %s; the later one is %s", name, new)
            t = dataclasses.replace(t, info=dataclasses.replace(t.info, name=new))
        taken.add(t.info.name)
        out.append(t)
    return out


def select_tracks(tracks: Sequence[Track], select: Sequence[str]) -> list[Track]:
    """The tracks whose name or type (case-insensitive) is in ``select`` (all if empty),
    in the recording's order.

    Raises
    ------
    RecordingError
        A key matches no track; the message lists the recording's streams.
    """
    if not select:
        return list(tracks)
    chosen: set[int] = set()
    for key in select:
        hits = [
            i for i, t in enumerate(tracks) if key in (t.info.name,) or key.upper() == t.info.type
        ]
        if not hits:
            listing = ", ".join(f"{t.info.name} ({t.info.type})" for t in tracks)
            raise RecordingError(
                f"the recording has no stream named or typed {key!r}; its streams are "
                f"{listing or 'none'}."
            )
        chosen.update(hits)
    return [t for i, t in enumerate(tracks) if i in chosen]


def drop_nonfinite(track: Track) -> Track:
    """``track`` without the samples holding NaN/inf (chunks refuse them); each run of
    such samples becomes a :class:`TrackGap` instead."""
    data = track.data
    if data.dtype.kind != "f" or data.size == 0:
        return track
    finite = np.isfinite(data)
    if finite.all():
        return track
    bad = ~finite.reshape(len(data), -1).all(axis=1)
    ts = track.timestamps
    gaps = list(track.gaps)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], bad.view(np.int8), [0]))))
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        start = float(ts[a - 1]) if a > 0 else float(ts[a])
        end = float(ts[b]) if b < ts.size else float(ts[b - 1])
        gaps.append(TrackGap(start, end, int(b - a), "non-finite samples in the file"))
    log.warning("stream %s: %d samples with NaN/inf are left out", track.info.name, bad.sum())
    keep = ~bad
    return dataclasses.replace(
        track, data=readonly(data[keep]), timestamps=readonly(ts[keep]), gaps=tuple(gaps)
    )
