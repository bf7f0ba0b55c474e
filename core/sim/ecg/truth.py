"""Ground truth of a simulated ECG record: beats, rhythm and ectopy episodes, atrial events,
record labels. Plain dataclasses of numpy arrays (pandas is optional: ``to_frame()``).

Times are in s from the record start; ``*_sample`` helpers give sample indices
(``round(time * sampling_rate)``, −1 where the wave is absent). A wave that is absent
(P in AF, flutter, SVT, junctional and ventricular beats; T never) is NaN.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from ...errors import MissingExtraError
from ..kernels import Array

__all__ = [
    "AAMI",
    "EXGNET_CLASSES",
    "SUPERCLASSES",
    "AtrialEvents",
    "BeatTable",
    "EcgTruth",
    "Episodes",
    "RecordLabels",
]

#: MIT-BIH beat symbol → AAMI EC57 class.
AAMI: dict[str, str] = {
    "N": "N", "L": "N", "R": "N", "e": "N", "j": "N",
    "A": "S", "a": "S", "J": "S", "S": "S",
    "V": "V", "E": "V",
    "F": "F",
    "/": "Q", "f": "Q", "Q": "Q",
}  # fmt: skip
#: Rhythm classes of the EXGnet / Chapman protocol (plus PACED for paced rhythm).
EXGNET_CLASSES: tuple[str, ...] = ("SR", "SB", "ST", "AFIB", "SVT")
#: PTB-XL diagnostic superclasses.
SUPERCLASSES: tuple[str, ...] = ("NORM", "MI", "STTC", "CD", "HYP")
#: Wave fields of the beat table (s).
WAVE_FIELDS: tuple[str, ...] = (
    "p_onset", "p_peak", "p_offset", "qrs_onset", "qrs_peak", "qrs_offset",
    "t_onset", "t_peak", "t_offset",
)  # fmt: skip

StrArray = npt.NDArray[np.str_]


def _frame(columns: dict[str, Any]) -> Any:
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - pandas ships with the signal extra
        raise MissingExtraError("signal", "ECG truth as a DataFrame", "pandas") from exc
    return pd.DataFrame(columns)


@dataclass(frozen=True)
class BeatTable:
    """One row per beat (arrays of equal length), in time order.

    Attributes
    ----------
    time
        Beat time in s: the instant of largest spatial magnitude of the beat's QRS dipole
        (the lead-independent R peak). Equals ``qrs_peak``.
    symbol
        MIT-BIH beat symbol: ``N`` normal, ``L``/``R`` bundle-branch block, ``A`` PAC,
        ``a`` aberrant PAC, ``J`` junctional premature, ``j`` junctional escape, ``V`` PVC,
        ``F`` fusion, ``/`` paced.
    aami
        AAMI EC57 class (``N``, ``S``, ``V``, ``F``, ``Q``) of the symbol (:data:`AAMI`).
    morphology
        Shape: ``normal``, ``aberrant``, ``focus0``–``focus2`` (PVC foci), ``paced``, ``fusion``.
    rhythm
        Label of the rhythm episode the beat belongs to (``SR``, ``AF``, …).
    rr
        Interval from the previous beat in s (NaN for the first beat of the record).
    p_onset, p_peak, p_offset, qrs_onset, qrs_peak, qrs_offset, t_onset, t_peak, t_offset
        Wave fiducials in s; NaN when the wave is absent. Onset/offset are the first/last
        instants the wave's dipole is non-zero; a peak is its largest spatial magnitude.
    pace
        Time of the pacing spike in s (NaN unless paced).
    qrs_amplitude
        Spatial peak of the QRS dipole in mV (breathing modulation included).
    lead_peak
        ``(n_beats, n_leads)``: per lead, the time (s) of the dominant QRS deflection
        (largest ``|lead|`` of the beat's own QRS), whatever its polarity.
    leads
        Lead names of ``lead_peak`` columns.
    sampling_rate
        Hz, for the ``*_sample`` conversions.
    """

    time: Array
    symbol: StrArray
    aami: StrArray
    morphology: StrArray
    rhythm: StrArray
    rr: Array
    p_onset: Array
    p_peak: Array
    p_offset: Array
    qrs_onset: Array
    qrs_peak: Array
    qrs_offset: Array
    t_onset: Array
    t_peak: Array
    t_offset: Array
    pace: Array
    qrs_amplitude: Array
    lead_peak: Array
    leads: tuple[str, ...] = ()
    sampling_rate: float = 500.0

    def __len__(self) -> int:
        return int(self.time.size)

    def samples(self, name: str = "time") -> npt.NDArray[np.int64]:
        """Sample indices of a time field (``"time"``, ``"p_onset"``, …); −1 where NaN."""
        x = getattr(self, name)
        out = np.full(x.shape, -1, dtype=np.int64)
        ok = np.isfinite(x)
        out[ok] = np.round(x[ok] * self.sampling_rate).astype(np.int64)
        return out

    def select(self, mask: npt.NDArray[np.bool_]) -> BeatTable:
        """The beats where ``mask`` is true."""
        kw: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            kw[f.name] = v[mask] if isinstance(v, np.ndarray) else v
        return BeatTable(**kw)

    def shifted(self, dt: float) -> BeatTable:
        """Every time field moved by ``dt`` s (for windows)."""
        kw: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in ("time", *WAVE_FIELDS, "pace", "lead_peak"):
            kw[name] = kw[name] + dt
        return BeatTable(**kw)

    def to_frame(self) -> Any:
        """A pandas DataFrame: one row per beat; times in s and ``*_sample`` columns."""
        cols: dict[str, Any] = {
            "time": self.time,
            "sample": self.samples("time"),
            "symbol": self.symbol,
            "aami": self.aami,
            "morphology": self.morphology,
            "rhythm": self.rhythm,
            "rr": self.rr,
        }
        for name in (*WAVE_FIELDS, "pace"):
            cols[name] = getattr(self, name)
            cols[f"{name}_sample"] = self.samples(name)
        cols["qrs_amplitude"] = self.qrs_amplitude
        for j, lead in enumerate(self.leads):
            cols[f"peak_{lead}"] = self.lead_peak[:, j]
        return _frame(cols)


@dataclass(frozen=True)
class Episodes:
    """Rhythm and ectopy episodes: ``[start, end]`` in s.

    Attributes
    ----------
    start, end
        Bounds in s (an ectopy episode spans its first to last ectopic beat; a pause spans
        the RR interval).
    label
        Rhythm: ``SR``, ``SB``, ``ST`` (sinus, by measured rate), ``AF``, ``AFL``, ``SVT``,
        ``AT``, ``PACED``. Ectopy: ``couplet``, ``run``, ``bigeminy``, ``trigeminy``,
        ``interpolated``, ``pause``, ``blocked_pac``.
    kind
        ``"rhythm"`` or ``"ectopy"``.
    count
        Number of PVCs in an ectopy episode (0 for rhythm episodes and pauses).
    """

    start: Array
    end: Array
    label: StrArray
    kind: StrArray
    count: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.start.size)

    def of(self, kind: str) -> Episodes:
        """The episodes of one kind (``"rhythm"`` or ``"ectopy"``)."""
        m = self.kind == kind
        return Episodes(self.start[m], self.end[m], self.label[m], self.kind[m], self.count[m])

    def to_frame(self) -> Any:
        """A pandas DataFrame."""
        return _frame(
            {
                "start": self.start,
                "end": self.end,
                "label": self.label,
                "kind": self.kind,
                "count": self.count,
            }
        )


@dataclass(frozen=True)
class AtrialEvents:
    """Every atrial depolarisation with a P or F wave, conducted or not.

    Attributes
    ----------
    onset
        P onset (or F-wave cycle start) in s.
    offset
        P offset (or the next F-wave cycle start) in s.
    kind
        ``"sinus"``, ``"ectopic"`` (PAC/AT focus) or ``"flutter"``.
    conducted
        Whether a QRS followed (flutter: the F-wave that conducted).
    """

    onset: Array
    offset: Array
    kind: StrArray
    conducted: npt.NDArray[np.bool_]

    def __len__(self) -> int:
        return int(self.onset.size)


@dataclass(frozen=True)
class RecordLabels:
    """Record-level labels.

    Attributes
    ----------
    rhythm
        EXGnet class of the whole record (majority rhythm; sinus by measured rate):
        ``SR``, ``SB``, ``ST``, ``AFIB``, ``SVT`` or ``PACED``.
    rhythms
        Every rhythm class present.
    superclasses
        PTB-XL diagnostic superclasses (``NORM`` only when no condition is present and the
        rhythm is sinus).
    conditions
        Condition labels (``LBBB``, ``MI:anterior:acute``, …).
    counts
        Beats per AAMI class and ectopy episodes per kind.
    axis
        Frontal QRS axis of the normal beat in degrees.
    """

    rhythm: str
    rhythms: tuple[str, ...]
    superclasses: tuple[str, ...]
    conditions: tuple[str, ...]
    counts: dict[str, int] = field(default_factory=dict)
    axis: float = math.nan

    def multi_hot(self, classes: Sequence[str] = ("MI", "AF", "HYP", "CD", "STTC")) -> Array:
        """0/1 vector over ``classes`` (superclasses, ``"AF"`` = AF or flutter, or rhythms)."""
        have = set(self.superclasses) | set(self.rhythms)
        if "AFIB" in self.rhythms:
            have.add("AF")
        return np.array([1.0 if c in have else 0.0 for c in classes])


@dataclass(frozen=True)
class EcgTruth:
    """Everything known about a simulated record.

    Attributes
    ----------
    beats, episodes, atrial, labels
        See the classes above.
    leads
        Leads of the record.
    sampling_rate
        Hz.
    start, duration
        Span covered, in s.
    """

    beats: BeatTable
    episodes: Episodes
    atrial: AtrialEvents
    labels: RecordLabels
    leads: tuple[str, ...]
    sampling_rate: float
    start: float
    duration: float

    def rhythm_label(self, start: float | None = None, end: float | None = None) -> str:
        """EXGnet rhythm class of ``[start, end)`` s (default: the whole record).

        The rhythm episode covering most of the span decides; a sinus span is ``SB`` below
        60 bpm, ``ST`` above 100 bpm and ``SR`` otherwise, from the mean interval between
        consecutive ``N``-class beats in the span (all beats if there are none).
        """
        a = self.start if start is None else start
        b = self.start + self.duration if end is None else end
        rh = self.episodes.of("rhythm")
        overlap = np.minimum(rh.end, b) - np.maximum(rh.start, a)
        if not len(rh) or overlap.max() <= 0:
            return "SR"
        label = str(rh.label[int(np.argmax(overlap))])
        return _class_of(label, self.beats, a, b)

    def wave_mask(self, n: int | None = None) -> npt.NDArray[np.int8]:
        """Per-sample wave labels: 0 none, 1 P, 2 QRS, 3 T (later waves win overlaps).

        P includes the P waves that did not conduct; F-waves are not marked.
        """
        fs = self.sampling_rate
        n = round(self.duration * fs) if n is None else n
        out = np.zeros(n, dtype=np.int8)
        b, at = self.beats, self.atrial
        blocked = ~at.conducted & (at.kind != "flutter")
        p_on = np.concatenate((b.p_onset, at.onset[blocked]))
        p_off = np.concatenate((b.p_offset, at.offset[blocked]))
        for code, (on, off) in enumerate(
            ((p_on, p_off), (b.qrs_onset, b.qrs_offset), (b.t_onset, b.t_offset)), 1
        ):
            ok = np.isfinite(on)
            lo = np.clip(np.ceil((on[ok] - self.start) * fs).astype(np.int64), 0, n)
            hi = np.clip(np.floor((off[ok] - self.start) * fs).astype(np.int64) + 1, 0, n)
            for i, j in zip(lo, hi, strict=True):
                out[i:j] = code
        return out


def _class_of(label: str, beats: BeatTable, a: float, b: float) -> str:
    if label in ("AF", "AFL"):
        return "AFIB"
    if label in ("SVT", "AT"):
        return "SVT"
    if label == "PACED":
        return "PACED"
    m = (beats.time >= a) & (beats.time < b)
    t = beats.time[m]
    n_class = beats.aami[m] == "N"
    both = n_class[1:] & n_class[:-1]
    rr = np.diff(t)[both] if both.any() else np.diff(t)
    if rr.size == 0:
        return "SR"
    hr = 60.0 / float(np.mean(rr))
    return "SB" if hr < 60.0 else "ST" if hr > 100.0 else "SR"
