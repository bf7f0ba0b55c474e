"""Evaluation metrics of heartmind models: one definition of each, numpy only.

Argument order follows scikit-learn: truth first (``y_true``), then predictions
(``y_pred``, class labels) or scores (``y_score``, higher = more positive).

The one rule for undefined results
----------------------------------
A metric whose value is **undefined** on its input returns ``nan`` — never raises, never
returns ``None``. Undefined means a ratio of 0/0: an **empty input**, or, for the ranking
metrics (:func:`auroc`, :func:`auprc`, :func:`eer`), **one class only** (AUROC and EER need
positives and negatives; AUPRC needs positives). Averages over classes or labels
(``average="macro"``, :func:`uf1`, :func:`uar`) skip the classes whose value is undefined
and are ``nan`` only when no class is defined. So per-subject results can be pooled with
nan-aware functions — :func:`heartmind.models.confidence.mean_ci` drops ``nan`` and counts
what it dropped.

An input that is **wrong** (lengths that differ, non-finite scores, labels that are not
binary where binary labels are needed, an unknown ``average``) raises :class:`MetricError`,
which says what was wrong.

Counts and formulas, for one class ``c`` against the rest: TP, FP, FN, TN.

=================  ==========================  ==========================================
metric             formula                     nan when
=================  ==========================  ==========================================
accuracy           correct / n                 n = 0
sensitivity        TP / (TP + FN)  (recall)    no true ``c``
specificity        TN / (TN + FP)              no true non-``c``
ppv                TP / (TP + FP)  (precision) nothing predicted ``c``
f1                 2TP / (2TP + FP + FN)       TP + FP + FN = 0 (``c`` absent everywhere)
=================  ==========================  ==========================================

Interval F1 (micro-expression spotting), Wasserstein-1, PSNR, SSIM, MSE and MAE are
re-exported here from their modules; they follow the same rule. So are the confidence
intervals :func:`mean_ci` and :func:`bootstrap_ci` (:mod:`heartmind.models.confidence`).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ._metric_checks import MetricError, as_1d, as_binary, as_scores, same_length
from ._metric_distances import mae, mse, psnr, ssim, wasserstein1
from ._metric_intervals import IntervalCounts, interval_counts, interval_f1, interval_iou
from .confidence import Estimate, bootstrap_ci, mean_ci

__all__ = [
    "Average",
    "ClassScores",
    "Estimate",
    "IntervalCounts",
    "MetricError",
    "accuracy",
    "auprc",
    "auroc",
    "auroc_per_label",
    "bootstrap_ci",
    "confusion_matrix",
    "eer",
    "eer_threshold",
    "f1",
    "interval_counts",
    "interval_f1",
    "interval_iou",
    "mae",
    "mean_ci",
    "mse",
    "per_class",
    "ppv",
    "psnr",
    "roc_curve",
    "sensitivity",
    "specificity",
    "ssim",
    "uar",
    "uf1",
    "wasserstein1",
]

FloatArray = npt.NDArray[np.float64]
#: How per-class values are combined: ``"binary"`` (the ``pos_label`` class only),
#: ``"macro"`` (unweighted mean over classes, undefined classes skipped), ``"micro"``
#: (counts pooled over classes), ``"weighted"`` (mean weighted by true count).
Average = Literal["binary", "macro", "micro", "weighted"]
_AVERAGES = ("binary", "macro", "micro", "weighted")
_NAN = float("nan")


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else _NAN


# --------------------------------------------------------------------------- classes


def confusion_matrix(
    y_true: npt.ArrayLike, y_pred: npt.ArrayLike, *, labels: Sequence[Hashable] | None = None
) -> npt.NDArray[np.int64]:
    """Counts of (true class, predicted class) pairs.

    Parameters
    ----------
    y_true, y_pred
        Class labels, one per sample (any hashable, comparable labels).
    labels
        Row/column order. Default: the sorted union of the labels in both inputs.
        Samples whose labels are not listed are not counted.

    Returns
    -------
    numpy.ndarray
        ``(n_labels, n_labels)`` integers; row = truth, column = prediction. Empty input
        gives a matrix of zeros (a ``0 × 0`` matrix without ``labels``).
    """
    t, p = same_length(as_1d(y_true, "y_true"), as_1d(y_pred, "y_pred"))
    names = _labels(t, p, labels)
    index = {label: i for i, label in enumerate(names)}
    rows = np.array([index.get(a, -1) for a in t.tolist()], dtype=np.int64)
    cols = np.array([index.get(b, -1) for b in p.tolist()], dtype=np.int64)
    keep = (rows >= 0) & (cols >= 0)
    out = np.zeros((len(names), len(names)), dtype=np.int64)
    np.add.at(out, (rows[keep], cols[keep]), 1)
    return out


def accuracy(y_true: npt.ArrayLike, y_pred: npt.ArrayLike) -> float:
    """Fraction of samples whose predicted label equals the true one (0–1).

    ``nan`` for empty input; one class is fine (accuracy is defined).
    """
    t, p = same_length(as_1d(y_true, "y_true"), as_1d(y_pred, "y_pred"))
    return _ratio(int(np.sum(t == p)), t.size)


@dataclass(frozen=True)
class ClassScores:
    """Per-class results of :func:`per_class` (each ``nan`` where undefined).

    Attributes
    ----------
    sensitivity, specificity, ppv, f1
        See the table in the module docstring (0–1).
    support
        Number of samples whose true label is this class.
    """

    sensitivity: float
    specificity: float
    ppv: float
    f1: float
    support: int


def per_class(
    y_true: npt.ArrayLike, y_pred: npt.ArrayLike, *, labels: Sequence[Hashable] | None = None
) -> dict[Hashable, ClassScores]:
    """Sensitivity, specificity, PPV, F1 and support of every class, one against the rest.

    ``labels`` defaults to the sorted union of both inputs; a listed class that appears
    nowhere gets ``nan`` everywhere and support 0. Empty input gives ``nan`` everywhere.
    """
    t, p = same_length(as_1d(y_true, "y_true"), as_1d(y_pred, "y_pred"))
    out: dict[Hashable, ClassScores] = {}
    for label in _labels(t, p, labels):
        tp, fp, fn, tn = _counts(t, p, label)
        out[label] = ClassScores(
            sensitivity=_ratio(tp, tp + fn),
            specificity=_ratio(tn, tn + fp),
            ppv=_ratio(tp, tp + fp),
            f1=_ratio(2 * tp, 2 * tp + fp + fn),
            support=tp + fn,
        )
    return out


def sensitivity(
    y_true: npt.ArrayLike,
    y_pred: npt.ArrayLike,
    *,
    average: Average = "binary",
    pos_label: Hashable = 1,
    labels: Sequence[Hashable] | None = None,
) -> float:
    """Sensitivity (recall, true-positive rate) TP / (TP + FN), 0–1.

    ``nan`` when no sample truly belongs to the class (for ``"binary"``: no true
    ``pos_label``). ``average="macro"`` is :func:`uar` (balanced accuracy): the mean over
    the classes present in the truth. See :data:`Average` for the averages.
    """
    return _averaged("sensitivity", y_true, y_pred, average, pos_label, labels)


def specificity(
    y_true: npt.ArrayLike,
    y_pred: npt.ArrayLike,
    *,
    average: Average = "binary",
    pos_label: Hashable = 1,
    labels: Sequence[Hashable] | None = None,
) -> float:
    """Specificity (true-negative rate) TN / (TN + FP), 0–1; ``nan`` with no true negative."""
    return _averaged("specificity", y_true, y_pred, average, pos_label, labels)


def ppv(
    y_true: npt.ArrayLike,
    y_pred: npt.ArrayLike,
    *,
    average: Average = "binary",
    pos_label: Hashable = 1,
    labels: Sequence[Hashable] | None = None,
) -> float:
    """Positive predictive value (precision) TP / (TP + FP), 0–1.

    ``nan`` when nothing is predicted as the class. With ``average="macro"`` the classes
    never predicted are skipped (scikit-learn counts them as 0 instead).
    """
    return _averaged("ppv", y_true, y_pred, average, pos_label, labels)


def f1(
    y_true: npt.ArrayLike,
    y_pred: npt.ArrayLike,
    *,
    average: Average = "binary",
    pos_label: Hashable = 1,
    labels: Sequence[Hashable] | None = None,
) -> float:
    """F1 score 2TP / (2TP + FP + FN), 0–1 (harmonic mean of sensitivity and PPV).

    ``nan`` only when the class appears neither in the truth nor in the predictions
    (for ``"binary"``: no ``pos_label`` anywhere, e.g. one-class negative input). With the
    default ``labels`` every class is defined, so ``"macro"`` equals scikit-learn's.
    """
    return _averaged("f1", y_true, y_pred, average, pos_label, labels)


def uf1(
    y_true: npt.ArrayLike, y_pred: npt.ArrayLike, *, labels: Sequence[Hashable] | None = None
) -> float:
    """Unweighted F1 (macro F1, as in the MEGC micro-expression challenges), 0–1.

    The mean over classes of the per-class F1; ``nan`` for empty input.
    """
    return f1(y_true, y_pred, average="macro", labels=labels)


def uar(
    y_true: npt.ArrayLike, y_pred: npt.ArrayLike, *, labels: Sequence[Hashable] | None = None
) -> float:
    """Unweighted average recall (balanced accuracy), 0–1.

    The mean over the classes present in the truth of TP / (number of true samples of the
    class); a class only ever predicted has no recall and is skipped. ``nan`` when empty.
    """
    return sensitivity(y_true, y_pred, average="macro", labels=labels)


def _averaged(
    name: str,
    y_true: npt.ArrayLike,
    y_pred: npt.ArrayLike,
    average: str,
    pos_label: Hashable,
    labels: Sequence[Hashable] | None,
) -> float:
    if average not in _AVERAGES:
        raise MetricError(f"unknown average {average!r}; use one of {', '.join(_AVERAGES)}.")
    t, p = same_length(as_1d(y_true, "y_true"), as_1d(y_pred, "y_pred"))
    if average == "binary":
        present = set(t.tolist()) | set(p.tolist())
        if len(present - {pos_label}) > 1:
            raise MetricError(
                f"{name}: average='binary' needs two classes but the labels are "
                f"{sorted(present, key=repr)[:6]}; pass average='macro' (or pos_label)."
            )
        return _from_counts(name, *_counts(t, p, pos_label))
    names = _labels(t, p, labels)
    counts = np.array([_counts(t, p, label) for label in names], dtype=np.int64)
    if average == "micro":
        return _from_counts(name, *(int(c) for c in counts.sum(axis=0))) if names else _NAN
    values = np.array([_from_counts(name, *(int(c) for c in row)) for row in counts])
    defined = ~np.isnan(values)
    if not defined.any():
        return _NAN
    if average == "macro":
        return float(values[defined].mean())
    support = (counts[:, 0] + counts[:, 2]).astype(np.float64)  # weighted by true count
    return _ratio(float(np.sum(values[defined] * support[defined])), float(support.sum()))


def _from_counts(name: str, tp: int, fp: int, fn: int, tn: int) -> float:
    if name == "sensitivity":
        return _ratio(tp, tp + fn)
    if name == "specificity":
        return _ratio(tn, tn + fp)
    if name == "ppv":
        return _ratio(tp, tp + fp)
    return _ratio(2 * tp, 2 * tp + fp + fn)


def _counts(t: npt.NDArray[Any], p: npt.NDArray[Any], label: Hashable) -> tuple[int, int, int, int]:
    is_t, is_p = t == label, p == label
    tp = int(np.sum(is_t & is_p))
    fp = int(np.sum(~is_t & is_p))
    fn = int(np.sum(is_t & ~is_p))
    return tp, fp, fn, int(t.size) - tp - fp - fn


def _labels(
    t: npt.NDArray[Any], p: npt.NDArray[Any], labels: Sequence[Hashable] | None
) -> list[Hashable]:
    if labels is not None:
        names = list(labels)
        if len(set(names)) != len(names):
            raise MetricError(f"labels {names} repeat a label; list each class once.")
        return names
    present = set(t.tolist()) | set(p.tolist())
    try:
        return sorted(present)
    except TypeError:
        raise MetricError(
            f"labels of different types cannot be ordered ({sorted(map(repr, present))[:6]}); "
            "pass labels=[...] in the order you want."
        ) from None


# --------------------------------------------------------------------------- ranking


def roc_curve(
    y_true: npt.ArrayLike, y_score: npt.ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Receiver operating characteristic: false- and true-positive rate per threshold.

    Parameters
    ----------
    y_true
        Binary truth (0/1 or bool), one per sample.
    y_score
        Finite scores, higher = more likely positive.

    Returns
    -------
    fpr, tpr, thresholds
        One point per distinct score (a sample is positive when ``score >= threshold``),
        preceded by the point (0, 0) at threshold ``+inf``. Rates are ``nan`` when their
        class is absent; all three arrays hold only the ``+inf`` point for empty input.
    """
    y, s = same_length(as_binary(y_true, "y_true"), as_scores(y_score, "y_score"))
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s) != 0), s.size - 1] if s.size else np.array([], int)
    tps = np.cumsum(y)[last].astype(np.float64)
    fps = (last + 1 - tps).astype(np.float64)
    n_pos, n_neg = float(y.sum()), float(y.size - y.sum())
    tpr = np.r_[0.0, tps] / n_pos if n_pos else np.full(last.size + 1, _NAN)
    fpr = np.r_[0.0, fps] / n_neg if n_neg else np.full(last.size + 1, _NAN)
    return fpr, tpr, np.r_[np.inf, s[last]]


def auroc(
    y_true: npt.ArrayLike,
    y_score: npt.ArrayLike,
    *,
    average: Literal["macro", "micro"] = "macro",
) -> float:
    """Area under the ROC curve, 0–1 (0.5 = chance); ties in the scores count one half.

    Equal to the Mann–Whitney U statistic over ``n_pos × n_neg``.

    Parameters
    ----------
    y_true
        Binary: ``(n,)`` 0/1 labels with ``(n,)`` scores. Multi-label: ``(n, k)`` 0/1
        with ``(n, k)`` scores (one column per label). Multi-class, one against the rest:
        ``(n,)`` integer classes ``0..k-1`` with ``(n, k)`` scores.
    y_score
        Finite scores, higher = more positive.
    average
        For ``k`` columns: ``"macro"`` = mean of the per-label AUROCs that are defined
        (see :func:`auroc_per_label`); ``"micro"`` = one AUROC over all pooled pairs.

    Returns
    -------
    float
        ``nan`` when undefined: empty input, or one class only (binary), or no label
        column with both classes (macro).
    """
    if average not in ("macro", "micro"):
        raise MetricError(f"unknown average {average!r}; use 'macro' or 'micro'.")
    scores = np.asarray(y_score)
    if scores.ndim == 1:
        return _auroc_binary(as_binary(y_true, "y_true"), as_scores(scores, "y_score"))
    y, s = _label_matrix(y_true, scores)
    if average == "micro":
        return _auroc_binary(y.ravel(), s.ravel())
    return _nanmean(auroc_per_label(y, s))


def auroc_per_label(y_true: npt.ArrayLike, y_score: npt.ArrayLike) -> FloatArray:
    """AUROC of each label column (``nan`` for a column with one class); see :func:`auroc`."""
    y, s = _label_matrix(y_true, np.asarray(y_score))
    return np.array([_auroc_binary(y[:, j], s[:, j]) for j in range(y.shape[1])])


def _auroc_binary(y: npt.NDArray[np.int64], s: FloatArray) -> float:
    from scipy.stats import rankdata

    y, s = same_length(y, s)
    n_pos = int(y.sum())
    n_neg = y.size - n_pos
    if not n_pos or not n_neg:
        return _NAN
    ranks = rankdata(s)  # average ranks: ties count one half
    u = float(ranks[y == 1].sum()) - n_pos * (n_pos + 1) / 2.0
    return u / (n_pos * n_neg)


def auprc(
    y_true: npt.ArrayLike,
    y_score: npt.ArrayLike,
    *,
    average: Literal["macro", "micro"] = "macro",
) -> float:
    """Area under the precision–recall curve as average precision, 0–1.

    AP = Σₙ (Rₙ − Rₙ₋₁) Pₙ over the distinct score thresholds (step-wise, not
    interpolated; the definition of scikit-learn's ``average_precision_score``). Chance
    level is the fraction of positives. Shapes and ``average`` as in :func:`auroc`.

    ``nan`` when undefined: empty input or no positive sample (macro: no label column with
    a positive). Only positives gives 1.0.
    """
    if average not in ("macro", "micro"):
        raise MetricError(f"unknown average {average!r}; use 'macro' or 'micro'.")
    scores = np.asarray(y_score)
    if scores.ndim == 1:
        return _auprc_binary(as_binary(y_true, "y_true"), as_scores(scores, "y_score"))
    y, s = _label_matrix(y_true, scores)
    if average == "micro":
        return _auprc_binary(y.ravel(), s.ravel())
    return _nanmean(np.array([_auprc_binary(y[:, j], s[:, j]) for j in range(y.shape[1])]))


def _auprc_binary(y: npt.NDArray[np.int64], s: FloatArray) -> float:
    fpr, tpr, _ = roc_curve(y, s)
    n_pos = int(y.sum())
    if not n_pos:
        return _NAN
    tps = tpr[1:] * n_pos
    fps = fpr[1:] * (y.size - n_pos) if y.size > n_pos else np.zeros_like(tps)
    precision = tps / (tps + fps)
    recall_steps = np.diff(np.r_[0.0, tpr[1:]])
    return float(np.sum(recall_steps * precision))


def eer(y_true: npt.ArrayLike, y_score: npt.ArrayLike) -> float:
    """Equal error rate, 0–1: where false-acceptance equals false-rejection rate.

    ``y_true`` is 1 for genuine (same identity, untampered) and 0 for impostor samples;
    higher scores mean more genuine. The ROC curve is interpolated linearly between its
    points at the crossing of FPR and FNR = 1 − TPR. ``nan`` for empty input or one class.
    """
    return eer_threshold(y_true, y_score)[0]


def eer_threshold(y_true: npt.ArrayLike, y_score: npt.ArrayLike) -> tuple[float, float]:
    """Equal error rate and the score threshold where it occurs (see :func:`eer`).

    Returns ``(rate, threshold)``; accept a sample when ``score >= threshold``. The
    threshold is interpolated like the rate (the midpoint of two scores at a crossing
    between them). Both ``nan`` when undefined.
    """
    fpr, tpr, thresholds = roc_curve(y_true, y_score)
    if np.isnan(fpr).any() or np.isnan(tpr).any():
        return _NAN, _NAN
    d = (1.0 - tpr) - fpr  # FNR − FPR: starts at 1, ends at −1, never increases
    i = int(np.flatnonzero(d <= 0)[0])
    if d[i] == 0:
        return float(fpr[i]), float(thresholds[i])
    w = d[i - 1] / (d[i - 1] - d[i])
    rate = fpr[i - 1] + w * (fpr[i] - fpr[i - 1])
    high = thresholds[i - 1] if np.isfinite(thresholds[i - 1]) else thresholds[i]
    return float(rate), float(high + w * (thresholds[i] - high))


def _label_matrix(
    y_true: npt.ArrayLike, scores: npt.NDArray[Any]
) -> tuple[npt.NDArray[np.int64], FloatArray]:
    if scores.ndim != 2:
        raise MetricError(f"y_score has shape {scores.shape}; give (n,) or (n, k) scores.")
    s = as_scores(scores, "y_score")
    truth = np.asarray(y_true)
    if truth.ndim == 1 and truth.shape[0] == s.shape[0]:
        classes, k = as_1d(truth, "y_true"), s.shape[1]
        integral = np.issubdtype(classes.dtype, np.integer)
        if classes.size and (not integral or classes.min() < 0 or classes.max() >= k):
            raise MetricError(
                f"y_true holds classes {np.unique(classes)[:6]} but y_score has {k} "
                f"columns; classes must be integers 0..{k - 1} (the score columns)."
            )
        truth = (classes[:, None] == np.arange(k)[None, :]).astype(np.int64)
    if truth.shape != s.shape:
        raise MetricError(
            f"y_true has shape {truth.shape} and y_score {s.shape}; give one 0/1 column "
            "per score column, or (n,) integer classes."
        )
    return as_binary(truth, "y_true"), s


def _nanmean(values: FloatArray) -> float:
    defined = values[~np.isnan(values)]
    return float(defined.mean()) if defined.size else _NAN
