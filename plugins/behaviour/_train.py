"""Deterministic training of the ``behaviour-linear`` model on simulated users (synthetic).

    heartmind train    --model behaviour-linear [--users 12] [--test-users 4] --out my.hmm
    heartmind evaluate --model behaviour-linear [--users 12] [--test-users 4] [--out DIR]

With the defaults, ``heartmind train`` writes exactly the bundled file
(``data/behaviour-linear-synthetic.hmm``).

Each simulated user gets a rest → stress → recovery script with its own levels (drawn from
its seed), 10 minutes of KEYS and MOUSE streams from :mod:`heartmind.sim`, window features
(60 s windows, 10 s step), and z-scores against its own rest-phase baseline. Labels are the
simulator's ground-truth STATE averaged over each window. Users with seeds in
``TRAIN_SEEDS`` (1, 2, …) train the model; ``TEST_SEEDS`` (101, 102, …) are held out for
the metrics stored in the file. The model is **synthetic**: it shows the plumbing, it is
not validated on people.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from heartmind.models import ModelInfo
from heartmind.sim import Phase, StateScript, simulate

from ._features import MIN_MOVES, MIN_PRESSES, feature_names, gate_activity, window_features
from ._model import CLASS_TARGETS, TARGETS, BehaviourLinearModel, UserBaseline

__all__ = [
    "FEATURES",
    "TEST_SEEDS",
    "TRAIN_SEEDS",
    "UserData",
    "held_out_metrics",
    "train",
    "user_data",
    "user_script",
]

log = logging.getLogger(__name__)

Array = npt.NDArray[np.float64]

#: Model inputs: keyboard features, then mouse features.
FEATURES: tuple[str, ...] = feature_names("KEYS") + feature_names("MOUSE")
TRAIN_SEEDS: tuple[int, ...] = tuple(range(1, 13))
TEST_SEEDS: tuple[int, ...] = (101, 102, 103, 104)
WINDOW_S, STEP_S = 60.0, 10.0
REST_S, STRESS_S, RECOVERY_S = 180.0, 240.0, 180.0


def user_script(seed: int) -> StateScript:
    """Rest → stress → recovery (10 min) with levels drawn from ``seed``."""
    rng = np.random.default_rng([seed, 7919])
    low, high = rng.uniform(0.0, 0.25), rng.uniform(0.6, 1.0)
    v, a, d = rng.uniform(0.1, 0.5), rng.uniform(0.3, 0.9), rng.uniform(0.2, 0.6)
    return StateScript(
        [
            Phase("rest", REST_S, low, v, -a / 2, d),
            Phase("stress", STRESS_S, high, -v, a, -d, ramp=20.0),
            Phase("recovery", RECOVERY_S, rng.uniform(0.05, 0.35), v / 2, -a / 4, d / 2, 60.0),
        ],
        name=f"behaviour-user-{seed}",
    )


@dataclass
class UserData:
    """Windows of one simulated user: ends (s), raw features, z-scores, targets."""

    ends: Array
    features: Array
    z: Array
    targets: Array


def user_data(seed: int, script: StateScript | None = None) -> UserData:
    """Simulate one user and return its windows (see the module docstring)."""
    script = script or user_script(seed)
    total = script.duration
    rec = simulate(total, ("KEYS", "MOUSE"), seed=seed, state=script)
    opts = {"window": WINDOW_S, "step": STEP_S, "start": 0.0, "stop": total}
    ends, keys = window_features(rec["KEYS"].timestamps, rec["KEYS"].data, "KEYS", **opts)
    _, mouse = window_features(rec["MOUSE"].timestamps, rec["MOUSE"].data, "MOUSE", **opts)
    x = gate_activity(keys, mouse)
    baseline = UserBaseline.fit(list(FEATURES), x[ends <= REST_S])
    state_t, state = rec["STATE"].timestamps, rec["STATE"].data[:, :4].astype(np.float64)
    means = np.array([state[(state_t >= e - WINDOW_S) & (state_t < e)].mean(axis=0) for e in ends])
    targets = np.column_stack(
        (means[:, 0] > 0.5, means[:, 1] > 0, means[:, 2] > 0, means[:, 3] > 0, means[:, 1:4])
    ).astype(np.float64)
    return UserData(ends, x, baseline.transform(x), targets)


def _stack(seeds: Sequence[int]) -> tuple[Array, Array]:
    users = [user_data(s) for s in seeds]
    return np.vstack([u.z for u in users]), np.vstack([u.targets for u in users])


def train(
    train_seeds: Sequence[int] = TRAIN_SEEDS, test_seeds: Sequence[int] = TEST_SEEDS
) -> BehaviourLinearModel:
    """Train the behaviour model on simulated users and evaluate it on held-out ones."""
    x, y = _stack(train_seeds)
    info = ModelInfo(
        name="behaviour-linear-synthetic",
        version="1",
        labels=list(TARGETS),
        inputs={"features": list(FEATURES), "window": WINDOW_S, "step": STEP_S},
        preprocessing={
            "normalisation": "per-user z-scores against the user's baseline windows",
            "clip": 5.0,
            "min_presses": MIN_PRESSES,
            "min_moves": MIN_MOVES,
        },
        training={
            "dataset": "heartmind.sim KEYS/MOUSE streams (synthetic)",
            "synthetic": True,
            "users": list(train_seeds),
            "windows": int(x.shape[0]),
            "script": "rest 180 s / stress 240 s / recovery 180 s, levels drawn per user",
            "baseline": f"windows ending within the first {REST_S:g} s (rest)",
            "producer": "heartmind train --model behaviour-linear",
            "summary": f"{x.shape[0]} windows of {len(train_seeds)} simulated users",
        },
        synthetic=True,
    )
    config = {"features": list(FEATURES), "window": WINDOW_S, "step": STEP_S, "clip": 5.0}
    model = BehaviourLinearModel(info, {**config, "C": 0.5, "alpha": 10.0}).fit(x, y)
    metrics: dict[str, float | list[int]] = {"held_out_users": list(test_seeds)}
    for name, m in held_out_metrics(model, test_seeds).items():
        metrics[f"auroc_{name}"] = round(float(m["auroc"]), 4)
    model.info.metrics = metrics
    log.info("held-out metrics (synthetic users): %s", metrics)
    return model


def held_out_metrics(
    model: BehaviourLinearModel, test_seeds: Sequence[int]
) -> dict[str, dict[str, float]]:
    """AUROC, accuracy (at 0.5) and chance rate of each class target on held-out users."""
    from heartmind.models import metrics

    xt, yt = _stack(test_seeds)
    pred = model.predict(xt)
    out: dict[str, dict[str, float]] = {}
    for j, name in enumerate(CLASS_TARGETS):
        truth = yt[:, j] > 0.5
        out[name] = {
            "n": float(truth.size),
            "auroc": metrics.auroc(truth, pred[:, j]),
            "accuracy": metrics.accuracy(truth, pred[:, j] >= 0.5),
            "majority_rate": float(max(truth.mean(), 1.0 - truth.mean())),
        }
    return out
