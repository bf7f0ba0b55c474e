"""Training heart-rate VAD models on an :class:`~heartmind.datasets.AffectiveDataset`.

The path from a dataset to model inputs:

1. :func:`subject_beats`: per subject, beats (``heartmind.datasets.rr_series``: the true
   beats of synthetic subjects, otherwise R peaks found in the ECG by the cardiac plugin's
   ``ecg_peaks``, the detector of its ``heart-rate`` processor) of every labelled
   segment, the subject's :class:`~._beat_features.Baseline` from its ``baseline`` segments
   (per-user normalisation), and the segment targets mapped to [-1, 1]
   (``unit_scale`` with the dataset's label scales; ``stress`` 0/1 → -1/+1).
2. :func:`build_windows`: windows of ``model.window`` s every ``step`` s inside each
   segment → ``x`` (model inputs), ``y`` (targets, NaN = missing) and subject groups.
3. :func:`train`: fit a new model and fill its :class:`~heartmind.models.ModelInfo`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from heartmind.datasets import AffectiveDataset, Segment, Subject, rr_series, unit_scale
from heartmind.models import SYNTHETIC, ModelError, ModelInfo

from ._beat_features import Baseline, baseline_from_beats
from ._vad_models import HeartVADModel, make_model

__all__ = [
    "ALL_DIMS",
    "SegmentBeats",
    "SubjectBeats",
    "Windows",
    "build_windows",
    "dataset_dims",
    "subject_beats",
    "train",
]

log = logging.getLogger(__name__)

_F64 = npt.NDArray[np.float64]
#: Dimensions a model can learn, in output order (those the dataset labels are kept).
ALL_DIMS: tuple[str, ...] = ("valence", "arousal", "dominance", "stress")


@dataclass
class SegmentBeats:
    """Beats (times, RR in s) of one labelled segment and its targets in [-1, 1]."""

    start: float
    end: float
    times: _F64
    rr: _F64
    targets: _F64


@dataclass
class SubjectBeats:
    """One subject's labelled beats and resting baseline."""

    subject: str
    baseline: Baseline
    segments: list[SegmentBeats] = field(default_factory=list)


@dataclass
class Windows:
    """Model inputs ``x``, targets ``y`` (n, dims; NaN = missing), subject of each row."""

    x: npt.NDArray[Any]
    y: _F64
    groups: npt.NDArray[np.str_]


def dataset_dims(dataset: AffectiveDataset) -> list[str]:
    """The dimensions of :data:`ALL_DIMS` that at least one segment labels."""
    seen = {k for s in dataset.subjects for seg in s.segments for k in seg.labels}
    dims = [d for d in ALL_DIMS if d in seen]
    if not dims:
        raise ModelError(
            f"dataset {dataset.name!r} has no valence, arousal, dominance or stress labels; "
            "label its segments before training."
        )
    return dims


def _targets(seg: Segment, dims: Sequence[str], scales: dict[str, tuple[float, float]]) -> _F64:
    out = np.full(len(dims), np.nan)
    for j, dim in enumerate(dims):
        value = seg.labels.get(dim)
        if value is None or isinstance(value, str):
            continue
        if dim == "stress":
            out[j] = 1.0 if float(value) >= 0.5 else -1.0
        else:
            scale = scales.get(dim, (-1.0, 1.0))
            out[j] = float(np.clip(unit_scale(float(value), scale), -1.0, 1.0))
    return out


def subject_beats(
    dataset: AffectiveDataset, dims: Sequence[str], *, signal: str = "ECG"
) -> list[SubjectBeats]:
    """Beats, baseline and targets of every subject (see the module docstring)."""
    scales = dataset.label_scales
    out: list[SubjectBeats] = []
    for subject in dataset.subjects:
        segs = [_segment_beats(subject, seg, dims, scales, signal) for seg in subject.segments]
        base = [s for s, seg in zip(segs, subject.segments, strict=True) if seg.kind == "baseline"]
        if base:  # one baseline per recording (DREAMER: per clip): their mean
            baseline = _mean_baseline([baseline_from_beats(b.times, b.rr) for b in base])
        else:
            log.warning(
                "subject %s has no baseline segment; using population defaults", subject.subject_id
            )
            baseline = Baseline()
        out.append(SubjectBeats(subject.subject_id, baseline, segs))
    return out


def _segment_beats(
    subject: Subject,
    seg: Segment,
    dims: Sequence[str],
    scales: dict[str, tuple[float, float]],
    signal: str,
) -> SegmentBeats:
    from heartmind.plugins.cardiac.api import ecg_peaks  # scipy: only for recordings

    times, rr = rr_series(subject, seg, signal=signal, detector=ecg_peaks)
    ok = (rr >= 0.25) & (rr <= 2.5)
    return SegmentBeats(seg.start, seg.end, times[ok], rr[ok], _targets(seg, dims, scales))


def window_ends(start: float, end: float, window: float, step: float) -> _F64:
    """Ends (s) of windows of ``window`` s every ``step`` s inside ``[start, end]``.

    A segment shorter than one window gives one window ending at ``end``.
    """
    first = start + window
    if first > end:
        return np.array([end])
    n = math.floor((end - first) / step + 1e-9) + 1
    return np.asarray(first + step * np.arange(n), dtype=np.float64)


def build_windows(
    model: HeartVADModel, subjects: Sequence[SubjectBeats], *, step: float = 10.0
) -> Windows:
    """Inputs, targets and groups of every window of every labelled segment."""
    xs: list[npt.NDArray[Any]] = []
    ys: list[_F64] = []
    groups: list[str] = []
    for sb in subjects:
        for seg in sb.segments:
            if not np.any(np.isfinite(seg.targets)):
                continue
            ends = window_ends(seg.start, seg.end, model.window, step)
            xs.append(model.prepare(seg.times, seg.rr, list(ends), sb.baseline))
            ys.append(np.tile(seg.targets, (len(ends), 1)))
            groups.extend([sb.subject] * len(ends))
    if not xs:
        raise ModelError("no labelled windows in the dataset; check its segments and labels.")
    return Windows(np.concatenate(xs), np.concatenate(ys), np.array(groups))


def _mean_baseline(baselines: Sequence[Baseline]) -> Baseline:
    dicts = [b.to_dict() for b in baselines]
    return Baseline.from_dict({k: float(np.mean([d[k] for d in dicts])) for k in dicts[0]})


def population_baseline(subjects: Sequence[SubjectBeats]) -> Baseline:
    """Mean of the subjects' baselines (used before a user's own baseline is known)."""
    return _mean_baseline([s.baseline for s in subjects])


def new_model(
    kind: str,
    dataset: AffectiveDataset,
    subjects: Sequence[SubjectBeats],
    dims: Sequence[str],
    config: dict[str, Any] | None = None,
) -> HeartVADModel:
    """An untrained model of ``kind`` with its ``ModelInfo`` filled from the dataset."""
    synthetic = bool(dataset.synthetic)
    info = ModelInfo(
        name=f"{kind}-{dataset.name.lower()}",
        version="1.0" + ("+synthetic" if synthetic else ""),
        preprocessing={
            "beats": "RR intervals 0.25-2.5 s; unusable/ectopic beats excluded",
            "normalisation": "per user: heart rate z-scored with the user's baseline "
            "(mean, SD); HRV features also relative to it (log ratios)",
            "baseline": "training: the subject's baseline segments; streaming: the first "
            "'baseline' s of a session",
            "population_baseline": population_baseline(subjects).to_dict(),
            "class_threshold": 0.0,
        },
        training={
            "dataset": dataset.name,
            "synthetic": synthetic,
            "subjects": [s.subject for s in subjects],
        },
        synthetic=synthetic,
        trained_on=SYNTHETIC if synthetic else dataset.name,
    )
    return make_model(kind, info, {"dims": list(dims), **(config or {})})


def train(
    dataset: AffectiveDataset,
    kind: str,
    *,
    epochs: int = 20,
    step: float = 10.0,
    config: dict[str, Any] | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> HeartVADModel:
    """Train a model of ``kind`` on every labelled window of ``dataset``.

    Parameters
    ----------
    dataset
        Labelled dataset (``heartmind.datasets``).
    kind
        ``"hr-gru"``, ``"hr-lstm"`` or ``"hrv-linear"``.
    epochs
        Passes over the data (recurrent models).
    step
        Hop between windows in s.
    config
        Model configuration overrides (``window`` s, ``rate`` Hz, ``hidden``, ``seed``, …).
    progress
        ``progress(epoch, loss)`` after each epoch.
    """
    dims = dataset_dims(dataset)
    subjects = subject_beats(dataset, dims)
    model = new_model(kind, dataset, subjects, dims, config)
    win = build_windows(model, subjects, step=step)
    model.fit(win.x, win.y, epochs=epochs, progress=progress)
    model.info.training.update(
        {
            "n_windows": len(win.y),
            "window_s": model.window,
            "step_s": step,
            "epochs": epochs,
            "summary": f"{len(win.y)} windows of {len(subjects)} subjects, dims {', '.join(dims)}",
        }
    )
    log.info("trained %s on %d windows of %d subjects", kind, len(win.y), len(subjects))
    return model
