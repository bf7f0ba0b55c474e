"""A trained stress model on the z-features: L2-regularised logistic regression.

:class:`StressLogisticModel` (model kind ``"stress-logistic"``) maps the signed, clipped
z-scores of :data:`~._calibration.FEATURES` (missing features = 0, i.e. at baseline) to the
probability of stress. It is fitted with Newton–Raphson (IRLS) in numpy — no scikit-learn
needed — and saved in the ``.hmm`` format of :mod:`heartmind.models`.

It is an *option* of the ``stress`` processor (``model = "<file>.hmm"``); without it the
processor uses the fixed z-score model of :mod:`._zscore`. Train one with ``heartmind
train --model stress-logistic`` (:mod:`._train`: HRV windows of a labelled dataset), or
with :func:`fit_stress_model` on feature rows from :func:`._zscore.features_of` z-scored
by a :class:`~._calibration.Calibration` (``benchmarks/stress_chain.py`` does so on
replayed sessions).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from heartmind.models import SYNTHETIC, Model, ModelError, ModelInfo

from ._calibration import FEATURE_NAMES, Z_CLIP

__all__ = ["StressLogisticModel", "fit_stress_model", "z_matrix"]

Array = npt.NDArray[np.float64]


def z_matrix(rows: Sequence[Mapping[str, float]], names: Sequence[str] = FEATURE_NAMES) -> Array:
    """Rows of signed z-scores → ``(n, len(names))`` array, clipped, missing = 0."""
    x = np.zeros((len(rows), len(names)), dtype=np.float64)
    for i, row in enumerate(rows):
        for j, name in enumerate(names):
            value = row.get(name)
            if value is not None and np.isfinite(value):
                x[i, j] = value
    return np.clip(x, -Z_CLIP, Z_CLIP)


class StressLogisticModel(Model):
    """Logistic regression P(stress | z-features); ``predict`` returns shape ``(n,)``.

    Config: ``features`` (names, in column order) and ``l2`` (penalty on the weights).
    """

    kind: ClassVar[str] = "stress-logistic"
    kind_version: ClassVar[int] = 1

    def __init__(self, info: ModelInfo, config: dict[str, Any] | None = None) -> None:
        config = {"features": list(FEATURE_NAMES), "l2": 1.0, **(config or {})}
        super().__init__(info, config)
        n = len(self.features)
        self.coef: Array = np.zeros(n, dtype=np.float64)
        self.intercept = 0.0

    @property
    def features(self) -> list[str]:
        """Feature names in column order."""
        return list(self.config["features"])

    def fit(self, x: Any, y: Any, **options: Any) -> StressLogisticModel:
        """Fit on a z-matrix ``x`` (n × features) and binary labels ``y`` (0/1).

        Parameters
        ----------
        x, y
            Training data; ``y`` must contain both classes.
        max_iter
            Newton iterations (default 50).
        """
        xa = np.asarray(x, dtype=np.float64)
        ya = np.asarray(y, dtype=np.float64).ravel()
        if xa.ndim != 2 or xa.shape[1] != len(self.features) or xa.shape[0] != ya.size:
            raise ModelError(
                f"{self.kind}: x must be n × {len(self.features)} and y length n; "
                f"got {xa.shape} and {ya.shape}."
            )
        if np.unique(ya).size < 2:
            raise ModelError(f"{self.kind}: labels hold one class only; add contrasting data.")
        design = np.column_stack([np.ones(len(xa)), np.clip(xa, -Z_CLIP, Z_CLIP)])
        beta = np.zeros(design.shape[1])
        penalty = np.full(design.shape[1], float(self.config["l2"]))
        penalty[0] = 0.0
        for _ in range(int(options.get("max_iter", 50))):
            p = _sigmoid(design @ beta)
            grad = design.T @ (p - ya) + penalty * beta
            hess = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty + 1e-9)
            delta = np.linalg.solve(hess, grad)
            beta -= delta
            if float(np.max(np.abs(delta))) < 1e-8:
                break
        self.intercept = float(beta[0])
        self.coef = beta[1:].copy()
        return self

    def predict(self, x: Any) -> Array:
        """P(stress) for each row of the z-matrix ``x``."""
        xa = np.atleast_2d(np.asarray(x, dtype=np.float64))
        if xa.shape[1] != self.coef.size:
            raise ModelError(
                f"{self.info.name}: expects {self.coef.size} z-features "
                f"({', '.join(self.features)}), got {xa.shape[1]}."
            )
        return _sigmoid(self.intercept + np.clip(xa, -Z_CLIP, Z_CLIP) @ self.coef)

    def example_input(self, n: int = 4, seed: int = 0) -> Array:
        """``n`` random rows of signed z-scores (sd 1.5), one column per feature."""
        rng = np.random.default_rng(seed)
        return np.asarray(rng.normal(0.0, 1.5, (n, len(self.features))), dtype=np.float64)

    def predict_rows(self, rows: Sequence[Mapping[str, float]]) -> Array:
        """P(stress) for rows of named z-scores (missing features count as 0)."""
        return self.predict(z_matrix(rows, self.features))

    def get_arrays(self) -> dict[str, npt.NDArray[Any]]:
        return {"coef": self.coef, "intercept": np.array([self.intercept])}

    def set_arrays(self, arrays: dict[str, npt.NDArray[Any]]) -> None:
        coef = np.asarray(arrays["coef"], dtype=np.float64)
        if coef.size != len(self.features):
            raise ModelError(f"{self.info.name}: coef does not match the feature list; retrain.")
        self.coef = coef
        self.intercept = float(np.asarray(arrays["intercept"]).ravel()[0])


def fit_stress_model(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[int],
    *,
    name: str = "stress-logistic",
    l2: float = 1.0,
    synthetic: bool = False,
    training: Mapping[str, Any] | None = None,
    trained_on: str = "",
) -> StressLogisticModel:
    """Fit a :class:`StressLogisticModel` on rows of named signed z-scores.

    Parameters
    ----------
    rows
        One mapping feature → z per HRV update (as the ``stress`` processor computes them).
    labels
        1 for stress, 0 for not, one per row.
    name
        Model name shown in ``Stress.model``.
    l2
        Ridge penalty on the weights (not the intercept).
    synthetic
        Mark the model as trained on synthetic data only.
    training
        Description of the training data, stored in the model file.
    trained_on
        The dataset's name (``ModelInfo.trained_on``); ``"synthetic"`` when ``synthetic``.
    """
    info = ModelInfo(
        name=name,
        version="1",
        labels=["stress"],
        inputs={"features": list(FEATURE_NAMES), "z_clip": Z_CLIP},
        training=dict(training or {}),
        synthetic=synthetic,
        trained_on=SYNTHETIC if synthetic else trained_on,
    )
    model = StressLogisticModel(info, {"l2": float(l2)})
    return model.fit(z_matrix(rows), np.asarray(labels))


def _sigmoid(v: Array) -> Array:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(v, -60.0, 60.0))), dtype=np.float64)
