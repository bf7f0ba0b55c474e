"""Behaviour models: per-user baseline normalisation and a linear (logistic + ridge) model.

Behaviour differs far more between people than within one person, so features are
z-scored against the user's **own baseline** (:class:`UserBaseline`: mean and standard
deviation of the user's feature windows during a calm baseline period, stored as JSON)
before they reach the model. :class:`BehaviourLinearModel` (kind ``"behaviour-linear"``)
then predicts the targets of the heart models:

==================  ======================================================
output              meaning
==================  ======================================================
``stress``          P(stressed) in [0, 1] (logistic)
``valence_high``    P(valence > 0) (logistic); same for arousal, dominance
``valence``         continuous valence in [-1, 1] (ridge, clipped); same for
                    arousal, dominance
==================  ======================================================

It is stored as arrays (coefficients and intercepts of the scikit-learn estimators) in the
pickle-free ``.hmm`` format of :mod:`heartmind.models`; prediction is plain numpy.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from heartmind.errors import ConfigError
from heartmind.extras import require
from heartmind.models import Model, ModelError

__all__ = [
    "BUNDLED_MODEL",
    "CLASS_TARGETS",
    "REGRESSION_TARGETS",
    "TARGETS",
    "BehaviourLinearModel",
    "UserBaseline",
    "bundled_model_path",
]

Array = npt.NDArray[np.float64]

#: File name of the bundled model (package data, trained on SYNTHETIC data).
BUNDLED_MODEL = "behaviour-linear-synthetic.hmm"
#: Binary targets (probabilities) followed by continuous targets, in output order.
CLASS_TARGETS: tuple[str, ...] = ("stress", "valence_high", "arousal_high", "dominance_high")
REGRESSION_TARGETS: tuple[str, ...] = ("valence", "arousal", "dominance")
TARGETS: tuple[str, ...] = CLASS_TARGETS + REGRESSION_TARGETS


@dataclass
class UserBaseline:
    """Mean and standard deviation of one user's baseline feature windows.

    Attributes
    ----------
    features
        Feature names, in column order.
    mean, sd
        Per-feature mean and standard deviation (units of each feature).
    n_windows
        Number of baseline windows each feature's statistics came from.
    """

    features: list[str]
    mean: list[float]
    sd: list[float]
    n_windows: list[int]

    @classmethod
    def fit(cls, features: list[str], x: npt.ArrayLike, rel_floor: float = 0.05) -> UserBaseline:
        """Statistics of baseline windows ``x`` (``(n, n_features)``, NaN = missing).

        The standard deviation is floored at ``rel_floor`` × |mean| (and 1e-6) so that a
        feature that barely varied at baseline does not explode.
        """
        arr = np.asarray(x, dtype=np.float64).reshape(-1, len(features))
        n = (~np.isnan(arr)).sum(axis=0)
        if arr.shape[0] == 0 or not n.any():
            raise ConfigError("a user baseline needs at least one window with activity.")
        with warnings.catch_warnings():  # all-NaN columns: handled below
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.where(n > 0, np.nanmean(arr, axis=0), 0.0)
            sd = np.where(n > 1, np.nanstd(arr, axis=0), 0.0)
        sd = np.maximum(sd, np.maximum(rel_floor * np.abs(mean), 1e-6))
        return cls(list(features), mean.tolist(), sd.tolist(), n.astype(int).tolist())

    def transform(self, x: npt.ArrayLike, clip: float = 5.0) -> Array:
        """z-scores of ``x`` against the baseline, clipped to ±``clip``; NaN (missing) → 0,
        and features never seen at baseline → 0 (the baseline value)."""
        arr = np.asarray(x, dtype=np.float64).reshape(-1, len(self.features))
        z = (arr - np.asarray(self.mean)) / np.asarray(self.sd)
        z[:, np.asarray(self.n_windows) == 0] = 0.0
        return np.asarray(np.clip(np.nan_to_num(z, nan=0.0), -clip, clip), dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form."""
        return {
            "features": self.features,
            "mean": self.mean,
            "sd": self.sd,
            "n_windows": self.n_windows,
        }

    def save(self, path: str | Path) -> Path:
        """Write the baseline as JSON (mode 0600: it describes one person)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"kind": "behaviour-baseline", "version": 1, **self.to_dict()}, fh)
        return path

    @classmethod
    def load(cls, path: str | Path, features: list[str] | None = None) -> UserBaseline:
        """Read a baseline written by :meth:`save`; check its features if given."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            base = cls(data["features"], data["mean"], data["sd"], data["n_windows"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(
                f"{path} is not a behaviour baseline file ({exc}); delete it to record a new "
                "baseline."
            ) from None
        if features is not None and list(features) != base.features:
            raise ConfigError(
                f"{path} holds a baseline of other features than this model uses; delete it "
                "(or give another baseline_file) to record a new baseline."
            )
        return base


class BehaviourLinearModel(Model):
    """Logistic (binary targets) and ridge (continuous targets) on baseline z-scores.

    ``config`` holds ``features`` (input names, in order), ``window``/``step`` (s) of the
    feature windows, ``clip`` (z-score clip) and ``C``/``alpha`` (regularisation).
    Inputs to :meth:`fit` and :meth:`predict` are already z-scored per user
    (:meth:`UserBaseline.transform`).
    """

    kind: ClassVar[str] = "behaviour-linear"
    kind_version: ClassVar[int] = 1

    def _n_features(self) -> int:
        return len(self.config.get("features", []))

    def fit(self, x: Any, y: Any, **options: Any) -> BehaviourLinearModel:
        """Train on z-scores ``x`` (``(n, n_features)``) and targets ``y`` (``(n, 7)``, the
        columns of :data:`TARGETS`: four 0/1 labels, then three values in [-1, 1])."""
        sk_linear = require("sklearn.linear_model", "training the behaviour model")
        xa = self._check(x)
        ya = np.asarray(y, dtype=np.float64).reshape(xa.shape[0], len(TARGETS))
        coefs, intercepts = [], []
        for j, name in enumerate(CLASS_TARGETS):
            labels = ya[:, j].astype(int)
            if np.unique(labels).size < 2:
                raise ModelError(f"target {name!r} has one class only; add contrasting data.")
            clf = sk_linear.LogisticRegression(C=float(self.config.get("C", 1.0)), max_iter=2000)
            clf.fit(xa, labels)
            coefs.append(clf.coef_[0])
            intercepts.append(clf.intercept_[0])
        reg = sk_linear.Ridge(alpha=float(self.config.get("alpha", 10.0)))
        reg.fit(xa, ya[:, len(CLASS_TARGETS) :])
        self.clf_coef = np.array(coefs, dtype=np.float64)
        self.clf_intercept = np.array(intercepts, dtype=np.float64)
        self.reg_coef = np.asarray(reg.coef_, dtype=np.float64)
        self.reg_intercept = np.asarray(reg.intercept_, dtype=np.float64)
        self.info.labels = list(TARGETS)
        return self

    def _check(self, x: Any) -> Array:
        xa = np.asarray(x, dtype=np.float64)
        n = self._n_features()
        if xa.ndim != 2 or xa.shape[1] != n:
            raise ModelError(
                f"{self.info.name}: expected (n, {n}) baseline z-scores of the features "
                f"{self.config.get('features')}, got shape {xa.shape}."
            )
        return xa

    def predict(self, x: Any) -> Array:
        """``(n, 7)`` outputs in the order of :data:`TARGETS`."""
        if not hasattr(self, "clf_coef"):
            raise ModelError(f"{self.info.name} is not trained; call fit() or load a file.")
        xa = self._check(x)
        prob = 1.0 / (1.0 + np.exp(-(xa @ self.clf_coef.T + self.clf_intercept)))
        value = np.clip(xa @ self.reg_coef.T + self.reg_intercept, -1.0, 1.0)
        return np.hstack((prob, value))

    def example_input(self, n: int = 4, seed: int = 0) -> Array:
        """``n`` random rows of baseline z-scores (sd 1.5), one column per feature."""
        rng = np.random.default_rng(seed)
        return np.asarray(rng.normal(0.0, 1.5, (n, self._n_features())), dtype=np.float64)

    def get_arrays(self) -> dict[str, npt.NDArray[Any]]:
        return {
            "clf_coef": self.clf_coef,
            "clf_intercept": self.clf_intercept,
            "reg_coef": self.reg_coef,
            "reg_intercept": self.reg_intercept,
        }

    def set_arrays(self, arrays: dict[str, npt.NDArray[Any]]) -> None:
        n = self._n_features()
        shapes = {
            "clf_coef": (len(CLASS_TARGETS), n),
            "clf_intercept": (len(CLASS_TARGETS),),
            "reg_coef": (len(REGRESSION_TARGETS), n),
            "reg_intercept": (len(REGRESSION_TARGETS),),
        }
        for key, shape in shapes.items():
            if key not in arrays or arrays[key].shape != shape:
                raise ModelError(
                    f"{self.info.name}: array {key!r} missing or not of shape {shape}; the "
                    "file is damaged — retrain it."
                )
        self.clf_coef = arrays["clf_coef"].astype(np.float64)
        self.clf_intercept = arrays["clf_intercept"].astype(np.float64)
        self.reg_coef = arrays["reg_coef"].astype(np.float64)
        self.reg_intercept = arrays["reg_intercept"].astype(np.float64)


def bundled_model_path() -> Path:
    """Path of the bundled synthetic model file (package data)."""
    return Path(str(resources.files("heartmind.plugins.behaviour") / "data" / BUNDLED_MODEL))
