"""Leave-one-subject-out (LOSO) evaluation of the heart-rate VAD models.

For each subject, a fresh model (same kind, configuration and seed) is trained on every
other subject and predicts the held-out subject's windows; the metrics are computed over
all held-out predictions together (and accuracy per held-out subject). Per dimension
(valence, arousal, dominance high/low; stress where labelled): accuracy, F1 of the *high*
class, AUROC, the majority-class rate (chance level), the 2×2 confusion matrix, a
10-bin calibration table, and for the continuous score the MAE and Pearson r.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from heartmind.datasets import AffectiveDataset
from heartmind.models import ModelError
from heartmind.models.splits import leave_one_subject_out

from ._train import build_windows, dataset_dims, new_model, subject_beats

__all__ = ["SYNTHETIC_NOTE", "Evaluation", "dimension_metrics", "evaluate_loso"]

log = logging.getLogger(__name__)

_F64 = npt.NDArray[np.float64]
#: Printed with every result obtained on synthetic data.
SYNTHETIC_NOTE = (
    "SYNTHETIC DATA: these figures show the plumbing works, not validated affect recognition"
)

FoldProgress = Callable[[str, int, int, float], None]


@dataclass
class Evaluation:
    """Held-out predictions and metrics of one LOSO run."""

    dataset: str
    kind: str
    synthetic: bool
    dims: list[str]
    y: _F64
    pred: _F64
    groups: npt.NDArray[np.str_]
    metrics: dict[str, Any]


def _calibration(truth: npt.NDArray[np.bool_], prob: _F64, bins: int = 10) -> dict[str, Any]:
    """Reliability table of P(high) in ``bins`` equal bins, and the expected calibration
    error (:func:`heartmind.models.calibration.expected_calibration_error`, top label)."""
    from heartmind.models.calibration import expected_calibration_error

    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(prob, edges[1:-1]), 0, bins - 1)
    rows: list[dict[str, Any]] = []
    for b in range(bins):
        sel = idx == b
        if sel.any():
            rows.append(
                {
                    "bin": [float(edges[b]), float(edges[b + 1])],
                    "mean_predicted": float(prob[sel].mean()),
                    "observed": float(truth[sel].mean()),
                    "count": int(sel.sum()),
                }
            )
    two = np.column_stack([1.0 - prob, prob])
    ece = expected_calibration_error(two, truth.astype(np.int64), n_bins=bins)
    return {"bins": rows, "expected_calibration_error": _defined(ece)}


def _defined(value: float) -> float | None:
    """A metric for JSON: ``None`` where it is undefined (``nan``)."""
    return None if math.isnan(value) else float(value)


def dimension_metrics(
    y: _F64, score: _F64, prob: _F64, groups: npt.NDArray[np.str_]
) -> dict[str, Any] | None:
    """Metrics of one dimension from held-out targets, scores and probabilities.

    Rows with a missing target (NaN) are left out; ``None`` if no row is labelled.
    """
    from heartmind.models import metrics

    ok = np.isfinite(y)
    if not ok.any():
        return None
    truth, s, p, g = y[ok] > 0, score[ok], prob[ok], groups[ok]
    pred = p >= 0.5
    r = float(np.corrcoef(y[ok], s)[0, 1]) if np.std(y[ok]) > 0 and np.std(s) > 0 else None
    return {
        "n": int(ok.sum()),
        "accuracy": _defined(metrics.accuracy(truth, pred)),
        "f1": _defined(metrics.f1(truth, pred, pos_label=True)),
        "auroc": _defined(metrics.auroc(truth, p)),
        "majority_rate": float(max(truth.mean(), 1 - truth.mean())),
        "confusion": metrics.confusion_matrix(truth, pred, labels=[False, True]).tolist(),
        "calibration": _calibration(truth, p),
        "score_mae": float(np.mean(np.abs(y[ok] - s))),
        "score_pearson_r": None if r is None or math.isnan(r) else r,
        "per_subject_accuracy": {
            str(sub): metrics.accuracy(truth[g == sub], pred[g == sub]) for sub in np.unique(g)
        },
    }


def evaluate_loso(
    dataset: AffectiveDataset,
    kind: str,
    *,
    epochs: int = 20,
    step: float = 10.0,
    config: dict[str, Any] | None = None,
    progress: FoldProgress | None = None,
) -> Evaluation:
    """Leave-one-subject-out cross-validation of a model ``kind`` on ``dataset``.

    Parameters
    ----------
    dataset
        At least two subjects with labelled segments.
    kind
        ``"hr-gru"``, ``"hr-lstm"`` or ``"hrv-linear"``.
    epochs, step, config
        As for :func:`~._train.train`.
    progress
        ``progress(held_out_subject, epoch, epochs, loss)`` during training of each fold.
    """
    if len(dataset.subjects) < 2:
        raise ModelError(
            f"leave-one-subject-out needs at least 2 subjects; {dataset.name} has "
            f"{len(dataset.subjects)}."
        )
    dims = dataset_dims(dataset)
    subjects = subject_beats(dataset, dims)
    template = new_model(kind, dataset, subjects, dims, config)
    win = build_windows(template, subjects, step=step)
    pred = np.full((len(win.y), 2 * len(dims)), np.nan)
    for fold in leave_one_subject_out(win.groups):
        held_out = str(fold.groups[0])
        train_subjects = [s for s in subjects if s.subject != held_out]
        model = new_model(kind, dataset, train_subjects, dims, config)

        def report(epoch: int, loss: float, _s: str = held_out) -> None:
            if progress is not None:
                progress(_s, epoch, epochs, loss)

        model.fit(win.x[fold.train], win.y[fold.train], epochs=epochs, progress=report)
        pred[fold.test] = model.predict(win.x[fold.test])
        if progress is not None and kind == "hrv-linear":
            progress(held_out, epochs, epochs, math.nan)
    metrics = _summary(dataset, kind, dims, win.y, pred, win.groups, epochs, step, template)
    return Evaluation(
        dataset.name, kind, bool(dataset.synthetic), dims, win.y, pred, win.groups, metrics
    )


def _summary(
    dataset: AffectiveDataset,
    kind: str,
    dims: list[str],
    y: _F64,
    pred: _F64,
    groups: npt.NDArray[np.str_],
    epochs: int,
    step: float,
    template: Any,
) -> dict[str, Any]:
    d = len(dims)
    per_dim = {
        dim: dimension_metrics(y[:, j], pred[:, j], pred[:, d + j], groups)
        for j, dim in enumerate(dims)
    }
    return {
        "synthetic": bool(dataset.synthetic),
        "note": SYNTHETIC_NOTE if dataset.synthetic else "",
        "dataset": dataset.name,
        "model": kind,
        "cross_validation": "leave-one-subject-out",
        "n_subjects": len(np.unique(groups)),
        "n_windows": len(y),
        "window_s": template.window,
        "step_s": step,
        "epochs": epochs,
        "config": template.config,
        "dimensions": {k: v for k, v in per_dim.items() if v is not None},
    }
