"""Training and evaluating ``stress-logistic`` on a labelled dataset (WESAD, synthetic, …).

The offline path gives the model exactly what the ``stress`` processor gives it online:

1. **Beats** of each labelled segment (``heartmind.datasets.rr_series``: the true beats of
   synthetic subjects, otherwise R peaks found in the ECG by the cardiac plugin's
   ``ecg_peaks``, the detector of its ``heart-rate`` processor).
2. **HRV windows** of ``window`` s every ``step`` s inside each segment (a segment shorter
   than one window gives one window ending at its end): the cardiac plugin's
   ``hrv_summary``, the function behind its ``hrv`` processor's ``HRV`` events, then the
   stress features of :func:`~._zscore.features_of` (heart only: EDA is not used here).
3. **Per-subject baseline**: :func:`~._calibration.calibrate` on the windows of the
   subject's ``baseline`` segments; every window becomes signed z-scores against it.
   Subjects without a baseline segment are left out (logged).
4. **Labels**: the segment's ``stress`` label (0/1); segments without one are not used.

Evaluation is leave-one-subject-out: per subject a model fitted on all the others scores
its windows; the pooled AUROC is compared with the fixed z-score model's on the same rows.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from heartmind.datasets import AffectiveDataset, Segment, Subject, rr_series
from heartmind.events import HRV
from heartmind.models import ModelError
from heartmind.models.splits import leave_one_subject_out

from ._calibration import calibrate
from ._logistic import StressLogisticModel, fit_stress_model
from ._zscore import features_of, zscore_level

__all__ = ["StressTable", "evaluate_loso", "stress_table", "train_stress_model"]

log = logging.getLogger(__name__)

Array = npt.NDArray[np.float64]
#: Fewest NN intervals in an HRV window.
MIN_BEATS = 10


@dataclass
class StressTable:
    """Signed z-feature rows, their 0/1 stress labels and the subject of each row."""

    rows: list[dict[str, float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


def _finite(value: float | None) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def _window_features(times: Array, rr: Array, ends: Array, window: float) -> list[dict[str, float]]:
    from heartmind.plugins.cardiac.api import hrv_summary

    out = []
    for end in ends:
        sel = (times > end - window) & (times <= end)
        if int(sel.sum()) < MIN_BEATS:
            continue
        values, info = hrv_summary(rr[sel] * 1000.0, min_window_frequency=min(window, 60.0))
        opt = {k: _finite(values.get(k)) for k in ("HRV_HF", "HRV_LFHF", "HRV_SI")}
        hrv = HRV(
            timestamp=float(end),
            window=float(info["window"]),
            n_beats=int(info["n_beats"]),
            mean_nn=float(values["HRV_MeanNN"]),
            sdnn=float(values["HRV_SDNN"]),
            rmssd=float(values["HRV_RMSSD"]),
            pnn50=float(values["HRV_pNN50"]),
            hf=opt["HRV_HF"],
            lf_hf=opt["HRV_LFHF"],
            stress_index=opt["HRV_SI"],
        )
        out.append(features_of(hrv))
    return out


def _segment_features(
    subject: Subject, seg: Segment, window: float, step: float
) -> list[dict[str, float]]:
    from heartmind.plugins.cardiac.api import ecg_peaks  # scipy: only for recordings

    times, rr = rr_series(subject, seg, detector=ecg_peaks)
    ok = (rr >= 0.25) & (rr <= 2.5)
    first = seg.start + window
    if first > seg.end:
        ends = np.array([seg.end])
    else:
        ends = first + step * np.arange(math.floor((seg.end - first) / step + 1e-9) + 1)
    return _window_features(times[ok], rr[ok], ends, window)


def stress_table(
    dataset: AffectiveDataset, *, window: float = 90.0, step: float = 10.0
) -> StressTable:
    """The z-feature rows of every stress-labelled segment (see the module docstring)."""
    table = StressTable()
    for subject in dataset.subjects:
        rest = [s for s in subject.segments if s.kind == "baseline"]
        if not rest:
            log.warning("subject %s has no baseline segment; left out", subject.subject_id)
            continue
        rest_rows = [r for s in rest for r in _segment_features(subject, s, window, step)]
        calibration = calibrate(rest_rows, sum(s.duration for s in rest), subject.subject_id)
        for seg in subject.segments:
            label = seg.labels.get("stress")
            if label is None or isinstance(label, str):
                continue
            for values in _segment_features(subject, seg, window, step):
                table.rows.append(calibration.z(values))
                table.labels.append(int(float(label) >= 0.5))
                table.groups.append(subject.subject_id)
    if len(set(table.labels)) < 2:
        raise ModelError(
            f"dataset {dataset.name!r} gives no stress-labelled windows of both classes; "
            "it needs segments labelled stress = 0 and 1 and a baseline segment per subject."
        )
    return table


def train_stress_model(
    dataset: AffectiveDataset, *, window: float = 90.0, step: float = 10.0, l2: float = 1.0
) -> StressLogisticModel:
    """Fit ``stress-logistic`` on every stress-labelled window of ``dataset``."""
    table = stress_table(dataset, window=window, step=step)
    subjects = sorted(set(table.groups))
    synthetic = bool(dataset.synthetic)
    return fit_stress_model(
        table.rows,
        table.labels,
        name=f"stress-logistic-{dataset.name.lower()}",
        l2=l2,
        synthetic=synthetic,
        trained_on=dataset.name,
        training={
            "dataset": dataset.name,
            "synthetic": synthetic,
            "subjects": subjects,
            "n_windows": len(table.rows),
            "hrv_window_s": window,
            "step_s": step,
            "baseline": "per subject: its baseline segments (robust z-scores)",
            "summary": f"{len(table.rows)} HRV windows of {len(subjects)} subjects "
            f"({sum(table.labels)} labelled stress)",
        },
    )


def evaluate_loso(
    dataset: AffectiveDataset, *, window: float = 90.0, step: float = 10.0, l2: float = 1.0
) -> dict[str, Any]:
    """Leave-one-subject-out AUROC of ``stress-logistic`` and of the z-score model."""
    table = stress_table(dataset, window=window, step=step)
    groups = np.array(table.groups)
    y = np.array(table.labels)
    trained = np.full(len(y), np.nan)
    for fold in leave_one_subject_out(groups):
        train_y = y[fold.train]
        if np.unique(train_y).size < 2:
            continue
        model = fit_stress_model([table.rows[i] for i in fold.train], train_y.tolist(), l2=l2)
        trained[fold.test] = model.predict_rows([table.rows[i] for i in fold.test])
    zscore = np.array([zscore_level(r) for r in table.rows])
    scored = np.isfinite(trained)
    return {
        "dataset": dataset.name,
        "synthetic": bool(dataset.synthetic),
        "cross_validation": "leave-one-subject-out",
        "n_subjects": len(np.unique(groups)),
        "n_windows": len(y),
        "n_stress": int(y.sum()),
        "hrv_window_s": window,
        "step_s": step,
        "models": {
            "stress-logistic": _scores(y[scored], trained[scored]),
            "zscore-logistic": _scores(y, zscore),
        },
    }


def _scores(y: npt.NDArray[Any], level: Array) -> dict[str, Any]:
    """AUROC, accuracy at 0.5 and chance rate (``None`` where undefined, e.g. one class)."""
    from heartmind.models import metrics

    def defined(value: float) -> float | None:
        return None if math.isnan(value) else float(value)

    return {
        "n": int(y.size),
        "auroc": defined(metrics.auroc(y, level)),
        "accuracy": defined(metrics.accuracy(y, level >= 0.5)),
        "majority_rate": defined(max(y.mean(), 1 - y.mean())) if y.size else None,
    }
