"""Heart-rate valence/arousal/dominance models (``hr-gru``, ``hr-lstm``, ``hrv-linear``).

All three are :class:`heartmind.models.Model` subclasses saved in the pickle-free ``.hmm``
format (see :mod:`heartmind.models`). They share one contract, :class:`HeartVADModel`:

* inputs are heart beats (times and RR intervals in s) in a trailing window of
  ``config["window"]`` s, normalised with the user's :class:`~._beat_features.Baseline`;
  :meth:`HeartVADModel.prepare` turns beats into the model's input rows;
* :meth:`~HeartVADModel.predict` returns ``(n, 2 * d)``: for each dimension in
  ``config["dims"]`` (``valence``, ``arousal``, ``dominance``, optionally ``stress``) a
  continuous score in [-1, 1], then for each the probability that it is *high* (> 0);
* :meth:`~HeartVADModel.fit` takes targets ``(n, d)`` in [-1, 1] with NaN for a missing
  label (multi-task: continuous scores and high/low classes from the same targets).

``hr-gru``/``hr-lstm`` run a recurrent net (torch, imported on first use) over the
heart-rate sequence at ``config["rate"]`` Hz; ``hrv-linear`` is the interpretable baseline:
standardised HRV features (:data:`~._beat_features.HRV_FEATURES`), a ridge regression per
dimension for the score and a logistic regression for the class, applied with numpy only
(scikit-learn is needed to fit, not to predict).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from heartmind.models import Model, ModelError, ModelInfo, load_model

from ._beat_features import (
    HRV_FEATURES,
    SEQUENCE_CHANNELS,
    Baseline,
    hr_sequence,
    hrv_features,
)

__all__ = [
    "DEFAULT_DIMS",
    "HRGRUModel",
    "HRLSTMModel",
    "HRVLinearModel",
    "HeartVADModel",
    "bundled_models",
    "load_heart_model",
    "make_model",
]

log = logging.getLogger(__name__)

_F64 = npt.NDArray[np.float64]
DEFAULT_DIMS: tuple[str, ...] = ("valence", "arousal", "dominance")
Progress = Callable[[int, float], None]


class HeartVADModel(Model):
    """Common part of the heart-rate VAD models (see the module docstring)."""

    def __init__(self, info: ModelInfo, config: dict[str, Any] | None = None) -> None:
        config = {"dims": list(DEFAULT_DIMS), "window": 60.0, "seed": 0, **(config or {})}
        super().__init__(info, config)
        if not info.labels:
            info.labels = [*self.dims, *(f"p_{d}_high" for d in self.dims)]
        info.inputs = {**self.input_description(), **info.inputs}

    @property
    def dims(self) -> list[str]:
        """Affective dimensions predicted, in output order."""
        return list(self.config["dims"])

    @property
    def window(self) -> float:
        """Length of the input window in s."""
        return float(self.config["window"])

    def input_description(self) -> dict[str, Any]:
        """What :meth:`prepare` produces (stored as ``ModelInfo.inputs``)."""
        raise NotImplementedError

    def population_baseline(self) -> Baseline:
        """Baseline to use before a user's own is known (mean of the training subjects)."""
        stored = self.info.preprocessing.get("population_baseline")
        return Baseline.from_dict(stored) if stored else Baseline()

    def prepare(
        self, times: _F64, rr: _F64, ends: Sequence[float], baseline: Baseline
    ) -> npt.NDArray[Any]:
        """Input rows for the windows ending at ``ends`` (s) of one user's beats."""
        raise NotImplementedError

    def example_input(self, n: int = 4, seed: int = 0) -> npt.NDArray[Any]:
        """Inputs of ``n`` windows (1 s apart) of a random resting rhythm (RR about 0.8 s)."""
        rng = np.random.default_rng(seed)
        count = int((self.window + n + 10.0) / 0.7)
        rr = 0.8 + 0.05 * np.sin(np.arange(count) / 3.0) + rng.normal(0.0, 0.02, count)
        times = np.cumsum(rr)
        ends = [float(times[-1]) - i for i in range(n)][::-1]
        return self.prepare(times, rr, ends, self.population_baseline())

    def _check_targets(self, x: npt.NDArray[Any], y: Any) -> _F64:
        yy = np.asarray(y, dtype=np.float64)
        if yy.ndim != 2 or yy.shape != (len(x), len(self.dims)):
            raise ModelError(
                f"{self.kind}: targets must be (n_windows={len(x)}, {len(self.dims)}) for "
                f"{self.dims}, got {yy.shape}."
            )
        return yy

    def _check_input(self, x: Any, shape: tuple[int, ...]) -> npt.NDArray[Any]:
        arr = np.asarray(x, dtype=np.float64)
        if arr.ndim != len(shape) + 1 or arr.shape[1:] != shape:
            raise ModelError(
                f"{self.kind} model {self.info.name!r} expects inputs of shape (n, "
                f"{', '.join(map(str, shape))}) ({self.info.inputs.get('kind')}), got "
                f"{arr.shape}; prepare them with model.prepare(...) from heart beats."
            )
        if not np.all(np.isfinite(arr)):
            raise ModelError(f"{self.kind}: inputs contain NaN or infinite values.")
        return arr


# --------------------------------------------------------------------------- linear


class HRVLinearModel(HeartVADModel):
    """Interpretable baseline: HRV features → ridge scores and logistic classes."""

    kind = "hrv-linear"
    kind_version = 1

    def input_description(self) -> dict[str, Any]:
        return {"kind": "hrv_features", "features": list(HRV_FEATURES), "window": self.window}

    def prepare(
        self, times: _F64, rr: _F64, ends: Sequence[float], baseline: Baseline
    ) -> npt.NDArray[Any]:
        rows = [hrv_features(times, rr, float(e), self.window, baseline) for e in ends]
        return np.array(rows).reshape(len(rows), len(HRV_FEATURES))

    def fit(self, x: Any, y: Any, **options: Any) -> HRVLinearModel:
        """Fit on feature rows ``x`` and targets ``y``; options ``alpha`` (ridge), ``c``."""
        from sklearn.linear_model import LogisticRegression, Ridge
        from sklearn.preprocessing import StandardScaler

        xx = self._check_input(x, (len(HRV_FEATURES),))
        yy = self._check_targets(xx, y)
        scaler = StandardScaler().fit(xx)
        xs = scaler.transform(xx)
        d, f = len(self.dims), xx.shape[1]
        self.scaler_mean = np.asarray(scaler.mean_, dtype=np.float64)
        self.scaler_scale = np.asarray(scaler.scale_, dtype=np.float64)
        self.ridge_coef, self.ridge_intercept = np.zeros((d, f)), np.zeros(d)
        self.logit_coef, self.logit_intercept = np.zeros((d, f)), np.zeros(d)
        for j in range(d):
            ok = np.isfinite(yy[:, j])
            if not ok.any():
                continue
            ridge = Ridge(alpha=float(options.get("alpha", 1.0))).fit(xs[ok], yy[ok, j])
            self.ridge_coef[j], self.ridge_intercept[j] = ridge.coef_, ridge.intercept_
            high = yy[ok, j] > 0
            if high.all() or not high.any():
                prior = np.clip(high.mean(), 0.01, 0.99)
                self.logit_intercept[j] = np.log(prior / (1 - prior))
                continue
            logit = LogisticRegression(C=float(options.get("c", 1.0))).fit(xs[ok], high)
            self.logit_coef[j], self.logit_intercept[j] = logit.coef_[0], logit.intercept_[0]
        return self

    def predict(self, x: Any) -> _F64:
        xx = self._check_input(x, (len(HRV_FEATURES),))
        if not hasattr(self, "scaler_mean"):
            raise ModelError(f"{self.kind}: the model is not trained; call fit() or load one.")
        xs = (xx - self.scaler_mean) / self.scaler_scale
        scores = np.clip(xs @ self.ridge_coef.T + self.ridge_intercept, -1.0, 1.0)
        probs = 1.0 / (1.0 + np.exp(-(xs @ self.logit_coef.T + self.logit_intercept)))
        return np.hstack([scores, probs])

    def get_arrays(self) -> dict[str, npt.NDArray[Any]]:
        names: tuple[str, ...] = ("scaler_mean", "scaler_scale", "ridge_coef")
        names += ("ridge_intercept", "logit_coef", "logit_intercept")
        return {n: getattr(self, n) for n in names}

    def set_arrays(self, arrays: dict[str, npt.NDArray[Any]]) -> None:
        d, f = len(self.dims), len(HRV_FEATURES)
        shapes = {"scaler_mean": (f,), "scaler_scale": (f,), "ridge_coef": (d, f)}
        shapes |= {"ridge_intercept": (d,), "logit_coef": (d, f), "logit_intercept": (d,)}
        for name, shape in shapes.items():
            if name not in arrays or arrays[name].shape != shape:
                got = arrays[name].shape if name in arrays else "missing"
                raise ModelError(
                    f"{self.kind}: array {name!r} should be {shape}, is {got}; the file is "
                    "damaged or from another version: retrain with 'heartmind train'."
                )
            setattr(self, name, np.asarray(arrays[name], dtype=np.float64))

    def coefficients(self) -> dict[str, dict[str, float]]:
        """Standardised ridge coefficients per dimension and feature (interpretation)."""
        return {
            dim: dict(zip(HRV_FEATURES, map(float, self.ridge_coef[j]), strict=True))
            for j, dim in enumerate(self.dims)
        }


# --------------------------------------------------------------------------- sequences


class _HRSequenceModel(HeartVADModel):
    """GRU/LSTM over the normalised heart-rate sequence (torch on first use)."""

    cell: ClassVar[str] = "gru"

    def __init__(self, info: ModelInfo, config: dict[str, Any] | None = None) -> None:
        config = {"rate": 4.0, "hidden": 32, "lr": 3e-3, "batch": 64, **(config or {})}
        super().__init__(info, config)
        self._net: Any = None

    @property
    def steps(self) -> int:
        """Time steps per input sequence (window × rate)."""
        return round(self.window * float(self.config["rate"]))

    def input_description(self) -> dict[str, Any]:
        return {
            "kind": "hr_sequence",
            "channels": list(SEQUENCE_CHANNELS),
            "rate": float(self.config["rate"]),
            "window": self.window,
            "steps": self.steps,
        }

    def prepare(
        self, times: _F64, rr: _F64, ends: Sequence[float], baseline: Baseline
    ) -> npt.NDArray[Any]:
        rate = float(self.config["rate"])
        seqs = [hr_sequence(times, rr, float(e), self.window, rate, baseline) for e in ends]
        return np.array(seqs).reshape(len(seqs), self.steps, len(SEQUENCE_CHANNELS))

    def _new_net(self) -> Any:
        from ._vad_nets import VADNet

        return VADNet(self.cell, len(SEQUENCE_CHANNELS), int(self.config["hidden"]), len(self.dims))

    def fit(self, x: Any, y: Any, **options: Any) -> _HRSequenceModel:
        """Fit on sequences; options ``epochs`` (default 20), ``progress(epoch, loss)``."""
        import torch

        from ._vad_nets import train_net

        xx = self._check_input(x, (self.steps, len(SEQUENCE_CHANNELS)))
        yy = self._check_targets(xx, y)
        torch.manual_seed(int(self.config["seed"]))
        self._net = self._new_net()
        losses = train_net(
            self._net,
            xx,
            yy,
            epochs=int(options.get("epochs", 20)),
            lr=float(self.config["lr"]),
            batch=int(self.config["batch"]),
            seed=int(self.config["seed"]),
            progress=options.get("progress"),
        )
        self.config["final_loss"] = losses[-1] if losses else None
        return self

    def predict(self, x: Any) -> _F64:
        from ._vad_nets import predict_net

        xx = self._check_input(x, (self.steps, len(SEQUENCE_CHANNELS)))
        if self._net is None:
            raise ModelError(f"{self.kind}: the model is not trained; call fit() or load one.")
        return predict_net(self._net, xx)

    def get_arrays(self) -> dict[str, npt.NDArray[Any]]:
        if self._net is None:
            raise ModelError(f"{self.kind}: nothing to save; train the model first.")
        from heartmind.models.torch_utils import state_to_arrays

        return state_to_arrays(self._net.state_dict(), prefix="net.")

    def set_arrays(self, arrays: dict[str, npt.NDArray[Any]]) -> None:
        from heartmind.models.torch_utils import arrays_to_state

        net = self._new_net()
        expected = {f"net.{k}": tuple(v.shape) for k, v in net.state_dict().items()}
        got = {k: tuple(v.shape) for k, v in arrays.items()}
        if got != expected:
            diff = sorted(set(got.items()) ^ set(expected.items()))[:3]
            raise ModelError(
                f"{self.kind}: stored weights do not fit this network (first differences: "
                f"{diff}); the file is from another version or damaged: retrain it."
            )
        net.load_state_dict(arrays_to_state(arrays, prefix="net."))
        net.eval()
        self._net = net


class HRGRUModel(_HRSequenceModel):
    """GRU over the heart-rate sequence (kind ``hr-gru``)."""

    kind = "hr-gru"
    kind_version = 1
    cell = "gru"


class HRLSTMModel(_HRSequenceModel):
    """LSTM over the heart-rate sequence (kind ``hr-lstm``)."""

    kind = "hr-lstm"
    kind_version = 1
    cell = "lstm"


#: Model kinds of this module by name.
KINDS: dict[str, type[HeartVADModel]] = {
    "hr-gru": HRGRUModel,
    "hr-lstm": HRLSTMModel,
    "hrv-linear": HRVLinearModel,
}


def make_model(kind: str, info: ModelInfo, config: dict[str, Any] | None = None) -> HeartVADModel:
    """A new, untrained model of ``kind`` (``hr-gru``, ``hr-lstm`` or ``hrv-linear``)."""
    cls = KINDS.get(kind)
    if cls is None:
        raise ModelError(f"unknown heart model kind {kind!r}; valid kinds: {', '.join(KINDS)}.")
    return cls(info, config)


def bundled_models() -> dict[str, Path]:
    """Model files shipped with heartmind (trained on SYNTHETIC data), by name.

    Names are the file names without ``.hmm``, e.g. ``"hr-gru-synthetic"``.
    """
    folder = Path(__file__).parent / "data"
    return {p.stem: p for p in sorted(folder.glob("*.hmm"))}


def load_heart_model(model: str | Path) -> HeartVADModel:
    """Load a heart-rate VAD model by bundled name (:func:`bundled_models`) or file path.

    Raises
    ------
    ModelError
        If the file is missing, of another format version, or not a heart-rate VAD model.
    """
    bundled = bundled_models()
    path = bundled.get(str(model), Path(model))
    if not path.exists():
        raise ModelError(
            f"no model {str(model)!r}: neither a bundled model ({', '.join(bundled) or 'none'}) "
            "nor an existing .hmm file; train one with 'heartmind train ... --out MODEL.hmm'."
        )
    loaded = load_model(path)
    if not isinstance(loaded, HeartVADModel):
        raise ModelError(
            f"{path} holds a {loaded.kind!r} model, not a heart-rate VAD model "
            f"({', '.join(KINDS)})."
        )
    return loaded
