"""IoU-matched interval F1 for event spotting (e.g. micro-expressions in video).

Part of :mod:`heartmind.models.metrics` (import from there). As in the MEGC spotting
challenges, a spotted interval is a true positive when its intersection over union (IoU)
with a true interval is at least ``threshold`` (0.5), each true interval matching at most
one spotted interval and vice versa. The matching is one-to-one and maximal (the largest
number of pairs; among those, the largest total IoU), so the result does not depend on
the order of the intervals. Counts are pooled over videos by adding
:class:`IntervalCounts`, then F1 = 2TP / (2TP + FP + FN); ``nan`` when there is nothing to
count (no true and no spotted interval).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._metric_checks import MetricError, as_scores

__all__ = ["IntervalCounts", "interval_counts", "interval_f1", "interval_iou"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class IntervalCounts:
    """True positives, false positives and false negatives of interval spotting.

    Add counts of several videos (``a + b``) and read the pooled scores from the sum.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: IntervalCounts) -> IntervalCounts:
        return IntervalCounts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def f1(self) -> float:
        """2TP / (2TP + FP + FN), 0–1; ``nan`` when all three counts are 0."""
        den = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / den if den else float("nan")

    @property
    def precision(self) -> float:
        """TP / (TP + FP), 0–1; ``nan`` when nothing was spotted."""
        den = self.tp + self.fp
        return self.tp / den if den else float("nan")

    @property
    def recall(self) -> float:
        """TP / (TP + FN), 0–1; ``nan`` when there is no true interval."""
        den = self.tp + self.fn
        return self.tp / den if den else float("nan")


def _intervals(values: npt.ArrayLike, name: str) -> FloatArray:
    arr = as_scores(values, name)
    if arr.size == 0:
        return np.zeros((0, 2))
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise MetricError(f"{name} has shape {arr.shape}; give (n, 2) rows of (onset, offset).")
    if (arr[:, 1] < arr[:, 0]).any():
        raise MetricError(f"{name} has an interval whose offset is before its onset.")
    return arr


def interval_iou(
    a: npt.ArrayLike, b: npt.ArrayLike, *, inclusive: bool = False
) -> npt.NDArray[np.float64]:
    """Intersection over union of every interval of ``a`` with every interval of ``b``.

    Parameters
    ----------
    a, b
        ``(n, 2)`` and ``(m, 2)`` rows of ``(onset, offset)``, in seconds or frames.
    inclusive
        False: intervals are continuous ``[onset, offset)`` (length = offset − onset, e.g.
        seconds). True: onset and offset are frame indices both included (length =
        offset − onset + 1), as in MEGC's frame annotations.

    Returns
    -------
    numpy.ndarray
        ``(n, m)`` IoU values, 0–1 (a pair of zero-length intervals has IoU 0).
    """
    x, y = _intervals(a, "a"), _intervals(b, "b")
    extra = 1.0 if inclusive else 0.0
    start = np.maximum(x[:, None, 0], y[None, :, 0])
    stop = np.minimum(x[:, None, 1], y[None, :, 1])
    overlap = np.clip(stop - start + extra, 0.0, None)
    lengths_x = x[:, 1] - x[:, 0] + extra
    lengths_y = y[:, 1] - y[:, 0] + extra
    union = lengths_x[:, None] + lengths_y[None, :] - overlap
    with np.errstate(invalid="ignore", divide="ignore"):
        iou = np.where(union > 0, overlap / np.where(union > 0, union, 1.0), 0.0)
    return iou


def interval_counts(
    true: npt.ArrayLike,
    spotted: npt.ArrayLike,
    *,
    threshold: float = 0.5,
    inclusive: bool = False,
) -> IntervalCounts:
    """Match spotted intervals to true ones one-to-one at IoU >= ``threshold``.

    See the module docstring for the matching and :func:`interval_iou` for the arguments.
    Empty inputs are fine: no true interval gives FP = number spotted, and so on.
    """
    from scipy.optimize import linear_sum_assignment

    if not 0 < threshold <= 1:
        raise MetricError(f"threshold must be in (0, 1]; got {threshold}.")
    iou = interval_iou(true, spotted, inclusive=inclusive)
    n_true, n_spotted = iou.shape
    eligible = iou >= threshold
    if not eligible.any():
        return IntervalCounts(0, n_spotted, n_true)
    # Weight > any sum of IoUs per extra pair, so the most pairs win first, then total IoU.
    weight = np.where(eligible, (min(n_true, n_spotted) + 1.0) + iou, 0.0)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    tp = int(np.sum(eligible[rows, cols]))
    return IntervalCounts(tp, n_spotted - tp, n_true - tp)


def interval_f1(
    true: npt.ArrayLike,
    spotted: npt.ArrayLike,
    *,
    threshold: float = 0.5,
    inclusive: bool = False,
) -> float:
    """F1 of spotted intervals against true ones, 0–1 (see :func:`interval_counts`).

    ``nan`` when there is neither a true nor a spotted interval; 0.0 when only one side
    has intervals. For a dataset, add the :class:`IntervalCounts` of each video and read
    ``.f1`` of the sum (pooled, as MEGC scores), rather than averaging per-video F1.
    """
    return interval_counts(true, spotted, threshold=threshold, inclusive=inclusive).f1
