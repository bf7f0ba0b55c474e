"""The common structure every dataset reader returns, and helpers to iterate it.

An :class:`AffectiveDataset` holds :class:`Subject` objects. A subject has continuous
recordings (:class:`Signal`, one per modality, all on one subject timeline in s) and labelled
:class:`Segment` intervals of that timeline.

Units (as the readers deliver them; ``Signal.units`` says so per channel):

* ECG in mV, EEG in µV, EDA in µS, RSP (chest belt) in a.u. or %, TEMP in °C, ACC in g,
  BVP/PPG in a.u.;
* times in s; rates in Hz (``0`` for irregular streams such as KEYS and MOUSE, whose
  samples carry their own ``timestamps``).

Label keys and scales (``AffectiveDataset.label_scales`` gives the scale of each dataset):

* ``"valence"``, ``"arousal"``, ``"dominance"``: numbers on the dataset's own scale, e.g.
  1…5 self-ratings (DREAMER) or -1…1 (synthetic); :func:`unit_scale` maps them to -1…1;
* ``"stress"``: 0 or 1 (int);
* ``"condition"``: a string such as ``"baseline"``, ``"stress"``, ``"amusement"``,
  ``"meditation"``, ``"film03"``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ConfigError, HeartmindError

__all__ = [
    "AffectiveDataset",
    "BeatDetector",
    "DatasetError",
    "Label",
    "Segment",
    "Signal",
    "Subject",
    "rr_series",
    "unit_scale",
    "windows",
]

log = logging.getLogger(__name__)

Label = float | int | str
FloatArray = npt.NDArray[np.float64]

#: Segment kinds.
KINDS: tuple[str, ...] = ("baseline", "stimulus")


class DatasetError(HeartmindError, ValueError):
    """A dataset file is missing, unreadable, corrupted or not in the expected layout."""


@dataclass(frozen=True, eq=False)
class Signal:
    """One modality of one subject.

    Parameters
    ----------
    data
        ``(n_samples, n_channels)`` array (a 1-D array is taken as one channel).
    rate
        Sampling rate in Hz; ``0`` for irregular streams, which need ``timestamps``.
    channels
        Channel labels, one per column.
    units
        Unit of each channel (``"mV"``, ``"uV"``, ``"uS"``, …); one string for all.
    t0
        Time of the first sample on the subject timeline in s.
    timestamps
        Irregular streams only: ``(n_samples,)`` sample times on the subject timeline in s.
    """

    data: npt.NDArray[Any]
    rate: float
    channels: tuple[str, ...]
    units: tuple[str, ...] | str = "a.u."
    t0: float = 0.0
    timestamps: FloatArray | None = None

    def __post_init__(self) -> None:
        data = np.asarray(self.data)
        if data.ndim == 1:
            data = data[:, None]
        if data.ndim != 2:
            raise DatasetError(f"Signal data must be (n_samples, n_channels), got {data.shape}.")
        object.__setattr__(self, "data", data)
        channels = tuple(str(c) for c in self.channels)
        if len(channels) != data.shape[1]:
            raise DatasetError(
                f"Signal has {data.shape[1]} columns but {len(channels)} channel labels."
            )
        object.__setattr__(self, "channels", channels)
        units = (self.units,) * len(channels) if isinstance(self.units, str) else self.units
        object.__setattr__(self, "units", tuple(str(u) for u in units))
        if not (math.isfinite(self.rate) and self.rate >= 0):
            raise DatasetError(f"Signal rate must be >= 0 Hz, got {self.rate!r}.")
        if self.rate == 0:
            if self.timestamps is None or len(self.timestamps) != data.shape[0]:
                raise DatasetError("an irregular Signal (rate 0) needs one timestamp per sample.")
            object.__setattr__(self, "timestamps", np.asarray(self.timestamps, dtype=np.float64))

    @property
    def n_samples(self) -> int:
        """Number of samples."""
        return int(self.data.shape[0])

    @property
    def duration(self) -> float:
        """Time covered in s (``n_samples / rate``; last minus first time if irregular)."""
        if self.rate > 0:
            return self.n_samples / self.rate
        ts = self.times()
        return float(ts[-1] - ts[0]) if ts.size else 0.0

    def times(self) -> FloatArray:
        """Time of every sample on the subject timeline in s."""
        if self.timestamps is not None:
            return self.timestamps
        return self.t0 + np.arange(self.n_samples, dtype=np.float64) / self.rate

    def between(self, start: float, end: float) -> npt.NDArray[Any]:
        """Samples with times in ``[start, end)`` s.

        For irregular streams each row is ``[time - start, *data]`` (time in s from
        ``start``), so event timing is kept.
        """
        if self.rate > 0:
            a = max(round((start - self.t0) * self.rate), 0)
            b = max(round((end - self.t0) * self.rate), a)
            return self.data[a:b]
        ts = self.times()
        a, b = np.searchsorted(ts, [start, end], side="left")
        rows = self.data[a:b].astype(np.float64)
        return np.column_stack((ts[a:b] - start, rows))


@dataclass(frozen=True)
class Segment:
    """A labelled interval of a subject's timeline.

    Parameters
    ----------
    start, end
        Interval ``[start, end)`` in s on the subject timeline.
    labels
        ``{"valence": …, "arousal": …, "dominance": …, "stress": 0/1, "condition": str}``;
        a dataset may lack some keys (WESAD has no VAD ratings in this structure).
    kind
        ``"baseline"`` (rest / neutral reference) or ``"stimulus"``.
    name
        Free identifier, e.g. ``"film03-stimulus"``.
    """

    start: float
    end: float
    labels: dict[str, Label] = field(default_factory=dict)
    kind: str = "stimulus"
    name: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.start) and math.isfinite(self.end) and self.end > self.start):
            raise DatasetError(
                f"Segment {self.name!r}: need start < end, got {self.start}, {self.end} s."
            )
        if self.kind not in KINDS:
            raise DatasetError(f"Segment {self.name!r}: kind {self.kind!r} is not one of {KINDS}.")

    @property
    def duration(self) -> float:
        """Length in s."""
        return self.end - self.start


@dataclass
class Subject:
    """One participant (or one session of one).

    Attributes
    ----------
    subject_id
        Identifier as the dataset names it (``"S2"``, ``"01"``, …).
    recordings
        Modality name (``"ECG"``, ``"EEG"``, ``"EDA"``, ``"wrist_BVP"``, …) → :class:`Signal`.
    segments
        Labelled intervals, in time order.
    beats
        Ground-truth R-peak times in s (synthetic data only), else ``None``.
    info
        Anything else the dataset records (age, gender, …).
    """

    subject_id: str
    recordings: dict[str, Signal]
    segments: list[Segment]
    beats: FloatArray | None = None
    info: dict[str, Any] = field(default_factory=dict)

    def signal(self, name: str) -> Signal:
        """The recording ``name``; :class:`ConfigError` listing the available ones otherwise."""
        try:
            return self.recordings[name]
        except KeyError:
            raise ConfigError(
                f"subject {self.subject_id!r} has no signal {name!r}; "
                f"available: {', '.join(sorted(self.recordings))}."
            ) from None


@dataclass
class AffectiveDataset:
    """A dataset of subjects with labelled recordings.

    Attributes
    ----------
    name
        ``"synthetic-affective"``, ``"WESAD"``, ``"DREAMER"``, ``"lab"``, …
    subjects
        The subjects, in the dataset's order.
    synthetic
        True when the data come from the simulator (also for files written by the
        ``write_*_like`` generators): such data show the plumbing, not real physiology.
    description
        Free metadata; ``"label_scales"`` maps each numeric label to ``[low, high]``.
    """

    name: str
    subjects: list[Subject]
    synthetic: bool
    description: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.subjects)

    def __iter__(self) -> Iterator[Subject]:
        return iter(self.subjects)

    @property
    def subject_ids(self) -> list[str]:
        """Identifiers of the subjects."""
        return [s.subject_id for s in self.subjects]

    @property
    def label_scales(self) -> dict[str, tuple[float, float]]:
        """Scale ``(low, high)`` of each numeric label."""
        scales = self.description.get("label_scales", {})
        return {k: (float(v[0]), float(v[1])) for k, v in scales.items()}

    def subject(self, subject_id: str) -> Subject:
        """The subject with this identifier."""
        for s in self.subjects:
            if s.subject_id == subject_id:
                return s
        raise ConfigError(
            f"{self.name}: no subject {subject_id!r}; subjects: {', '.join(self.subject_ids)}."
        )


def unit_scale(value: float, scale: tuple[float, float]) -> float:
    """Map ``value`` from ``scale = (low, high)`` linearly onto -1…1."""
    lo, hi = scale
    return float(2.0 * (float(value) - lo) / (hi - lo) - 1.0)


def windows(
    dataset: AffectiveDataset,
    signal: str = "ECG",
    length: float = 60.0,
    step: float = 10.0,
    *,
    kinds: Sequence[str] = KINDS,
) -> Iterator[tuple[str, npt.NDArray[Any], dict[str, Label]]]:
    """Windows of one signal inside labelled segments.

    Parameters
    ----------
    dataset
        The dataset.
    signal
        Recording name (``"ECG"``, ``"EEG"``, ``"EDA"``, ``"KEYS"``, …).
    length, step
        Window length and hop in s; windows lie wholly inside one segment (segments
        shorter than ``length`` give none).
    kinds
        Segment kinds to use (``"baseline"``, ``"stimulus"``).

    Yields
    ------
    subject_id, window, labels
        ``window`` is ``(round(length * rate), n_channels)`` for regular signals; for
        irregular ones (KEYS, MOUSE) the events in the window, first column the time in s
        from the window start. ``labels`` are the segment's labels.
    """
    if not (length > 0 and step > 0):
        raise ConfigError(f"windows: length and step must be > 0 s, got {length}, {step}.")
    for subject in dataset.subjects:
        sig = subject.signal(signal)
        n = round(length * sig.rate)
        for seg in subject.segments:
            if seg.kind not in kinds:
                continue
            start = seg.start
            while start + length <= seg.end + 1e-9:
                win = sig.between(start, start + length)
                if sig.rate == 0 or win.shape[0] == n:
                    yield subject.subject_id, win, dict(seg.labels)
                start += step


#: An R-peak detector shaped like NeuroKit2's ``ecg_peaks``: ``detector(ecg, sampling_rate)
#: -> (peak sample indices, info)`` (ECG in mV, rate in Hz), e.g.
#: ``heartmind.plugins.cardiac.api.ecg_peaks``.
BeatDetector = Callable[[FloatArray, float], tuple[npt.ArrayLike, Any]]


def rr_series(
    subject: Subject,
    segment: Segment | None = None,
    *,
    signal: str = "ECG",
    channel: int = 0,
    detector: BeatDetector | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Beat times and RR intervals of a subject, whole timeline or one segment.

    Uses the ground-truth beats of synthetic subjects; otherwise runs ``detector`` on the
    ECG. The datasets package imports no plugin: the caller passes the detector (the
    heart-emotion and stress plugins pass the cardiac plugin's ``ecg_peaks``, the same
    detector as the streaming ``heart-rate`` processor).

    Parameters
    ----------
    subject
        The subject.
    segment
        Restrict to this segment (recommended for datasets whose timeline concatenates
        separate recordings, such as DREAMER); ``None`` for the whole timeline.
    signal, channel
        ECG recording and channel to detect beats in.
    detector
        R-peak detector (:data:`BeatDetector`); needed when the subject has no
        ground-truth beats.

    Returns
    -------
    beat_times, rr
        R-peak times in s on the subject timeline, and the RR interval ending at each
        beat in s (the first beat, which has none, is dropped from both).

    Raises
    ------
    DatasetError
        If the subject has no ground-truth beats and no ``detector`` is given.
    """
    start = -math.inf if segment is None else segment.start
    end = math.inf if segment is None else segment.end
    if subject.beats is not None:
        beats = subject.beats[(subject.beats >= start) & (subject.beats < end)]
    elif detector is None:
        raise DatasetError(
            f"subject {subject.subject_id!r} has no ground-truth beats: pass an R-peak "
            "detector, e.g. rr_series(..., detector=heartmind.plugins.cardiac.api.ecg_peaks)."
        )
    else:
        beats = _detect(subject, signal, channel, start, end, detector)
    beats = np.asarray(beats, dtype=np.float64)
    return beats[1:], np.diff(beats)


def _detect(
    subject: Subject, signal: str, channel: int, start: float, end: float, detector: BeatDetector
) -> FloatArray:
    """R-peak times (s) that ``detector`` finds in the ECG between ``start`` and ``end`` s."""
    sig = subject.signal(signal)
    if sig.rate <= 0:
        raise ConfigError(f"rr_series: signal {signal!r} is irregular; give an ECG recording.")
    lo = max(start, sig.t0)
    hi = min(end, sig.t0 + sig.duration)
    x = sig.between(lo, hi)[:, channel].astype(np.float64)
    if x.size < 2 * sig.rate:
        return np.zeros(0)
    peaks = np.asarray(detector(x, float(sig.rate))[0], dtype=np.float64)
    out: FloatArray = lo + peaks / sig.rate
    return out
