"""Input checks shared by the metric modules (see :mod:`heartmind.models.metrics`)."""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from .base import ModelError

__all__ = ["MetricError", "as_1d", "as_binary", "as_scores", "same_length"]

A = TypeVar("A", bound=np.generic)
B = TypeVar("B", bound=np.generic)


class MetricError(ModelError):
    """A metric was given wrong input (shapes, labels, non-finite values, options).

    Undefined results (empty input, one class) are not errors: they give ``nan``.
    """


def as_1d(values: npt.ArrayLike, name: str) -> npt.NDArray[Any]:
    """``values`` as a 1-D array (a scalar or a 2-D array is an error)."""
    out = np.asarray(values)
    if out.ndim != 1:
        raise MetricError(f"{name} has shape {out.shape}; give one value per sample (1-D).")
    return out


def as_binary(values: npt.ArrayLike, name: str) -> npt.NDArray[np.int64]:
    """0/1 labels (bool, integers or floats equal to 0 or 1) as int64, any shape."""
    out = np.asarray(values)
    if out.dtype == bool:
        return out.astype(np.int64)
    if out.dtype.kind not in "iuf":
        raise MetricError(f"{name} has dtype {out.dtype}; binary labels must be 0/1 or bool.")
    bad = (out != 0) & (out != 1)
    if bad.any():
        raise MetricError(
            f"{name} holds {np.unique(out[bad])[:5]}; binary labels must be 0 or 1 "
            "(map your positive class to 1)."
        )
    return out.astype(np.int64)


def as_scores(values: npt.ArrayLike, name: str) -> npt.NDArray[np.float64]:
    """Finite float64 scores, any shape (NaN or infinity is an error)."""
    try:
        out = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise MetricError(f"{name} must be numbers.") from None
    if not np.isfinite(out).all():
        raise MetricError(f"{name} holds NaN or infinite values; remove or impute them first.")
    return out


def same_length(a: npt.NDArray[A], b: npt.NDArray[B]) -> tuple[npt.NDArray[A], npt.NDArray[B]]:
    """Both arrays, after checking they have the same number of samples (first axis)."""
    if a.shape[:1] != b.shape[:1]:
        raise MetricError(
            f"got {a.shape[0] if a.ndim else 1} truths and {b.shape[0] if b.ndim else 1} "
            "predictions; give one prediction per sample."
        )
    return a, b
