"""Behaviour models: per-user baseline, the pickle-free linear model, the bundled synthetic
model's stress detection on held-out simulated users, and the ``behaviour-emotion``
processor."""

from __future__ import annotations

import logging
import stat
import zipfile
from pathlib import Path

import numpy as np
import pytest

import heartmind
from heartmind.clock import VirtualClock
from heartmind.components import Context
from heartmind.errors import ConfigError
from heartmind.events import stress_label
from heartmind.models import ModelError, load_model
from heartmind.models.metrics import auroc
from heartmind.plugins.behaviour.api import (
    FEATURES,
    TARGETS,
    TEST_SEEDS,
    BehaviourEmotionProcessor,
    BehaviourLinearModel,
    UserBaseline,
    bundled_model_path,
    feature_info,
    user_data,
    window_features,
)
from heartmind.plugins.behaviour.api import train_behaviour_model as train
from heartmind.sim import simulate
from heartmind.streams import Chunk

log = logging.getLogger(__name__)


def test_bundled_model_is_labelled_synthetic_and_pickle_free() -> None:
    path = bundled_model_path()
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["arrays.npz", "manifest.json"]
    model = load_model(path)
    assert isinstance(model, BehaviourLinearModel) and model.kind == "behaviour-linear"
    assert model.info.synthetic and model.info.training["synthetic"] is True
    assert model.info.trained_on == "synthetic"
    assert model.info.labels == list(TARGETS)
    assert model.config["features"] == list(FEATURES)
    assert model.info.metrics["auroc_stress"] > 0.8


def test_stress_auroc_on_held_out_simulated_users() -> None:
    """SYNTHETIC: simulated users the model never saw (stored held-out ones and new seeds)."""
    model = BehaviourLinearModel.load(bundled_model_path())
    users = [user_data(seed) for seed in (*TEST_SEEDS[:2], 301, 302)]
    z = np.vstack([u.z for u in users])
    y = np.vstack([u.targets for u in users])
    score = auroc(y[:, 0], model.predict(z)[:, 0])
    log.info("behaviour-only stress AUROC on held-out simulated users (synthetic): %.3f", score)
    print(f"\nbehaviour-only stress AUROC, held-out simulated users (SYNTHETIC): {score:.3f}")
    assert score > 0.75  # chance is 0.5


def test_model_save_load_roundtrip(tmp_path: Path) -> None:
    model = BehaviourLinearModel.load(bundled_model_path())
    z = np.random.default_rng(0).normal(size=(5, len(FEATURES)))
    copy = BehaviourLinearModel.load(model.save(tmp_path / "m.hmm"))
    np.testing.assert_array_equal(copy.predict(z), model.predict(z))
    out = copy.predict(z)
    assert out.shape == (5, 7) and (out[:, :4] >= 0).all() and (np.abs(out) <= 1).all()
    with pytest.raises(ModelError, match="expected"):
        copy.predict(z[:, :3])


def test_user_baseline_zscores_and_file(tmp_path: Path) -> None:
    x = np.array([[1.0, 10.0, np.nan], [3.0, 10.0, np.nan]])
    base = UserBaseline.fit(["a", "b", "c"], x)
    z = base.transform([[5.0, 10.0, 7.0], [np.nan, 11.0, 1.0]])
    assert z[0, 0] == pytest.approx(3.0) and z[0, 2] == 0.0  # c was never seen at baseline
    assert z[1, 0] == 0.0  # missing → the baseline
    assert z[1, 1] == pytest.approx(2.0)  # sd floored at 5 % of the mean
    path = base.save(tmp_path / "user" / "baseline.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert UserBaseline.load(path, ["a", "b", "c"]) == base
    with pytest.raises(ConfigError, match="other features"):
        UserBaseline.load(path, ["a", "b"])


def _stress_events(baseline_file: Path, seed: int = 11) -> list[heartmind.Event]:
    session = heartmind.Session(clock="virtual", seed=seed)
    session.add_sensor("simulator", modalities=["KEYS", "MOUSE"], truth=False)
    session.add_processor("behaviour-emotion", name="be", baseline_file=str(baseline_file))
    events: list[heartmind.Event] = []
    session.subscribe(["stress", "emotion"], events.append)
    stats = session.run(duration=600.0)
    assert stats["processors"]["be"]["errors"] == 0
    return events


def test_emotion_processor_on_the_simulator(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    events = _stress_events(baseline)
    stress = [e for e in events if isinstance(e, heartmind.Stress)]
    emotion = [e for e in events if isinstance(e, heartmind.Emotion)]
    assert stress and len(stress) == len(emotion)
    assert {e.modality for e in events} == {"behaviour"}
    assert baseline.exists()  # recorded during the first 120 s, then stored
    assert min(e.timestamp for e in stress) >= 120.0
    # rest-stress-recovery: stress 200..420 s (after the ramp), recovery after 480 s
    rest = np.mean([e.level for e in stress if e.timestamp < 180 or e.timestamp > 540])
    high = np.mean([e.level for e in stress if 260 < e.timestamp < 420])
    assert high > rest + 0.3
    assert stress_label(high) in ("moderate", "high")
    calm = np.mean([e.arousal for e in emotion if e.timestamp > 540])
    tense = np.mean([e.arousal for e in emotion if 260 < e.timestamp < 420])
    assert tense > calm
    # a stored baseline is reused: predictions start at once
    again = _stress_events(baseline)
    assert min(e.timestamp for e in again) < 120.0


def test_emotion_processor_takes_feature_streams() -> None:
    """The live sensors emit feature streams only; the processor must work from them."""
    rec = simulate(600.0, ("KEYS", "MOUSE"), seed=5, state="rest-stress-recovery")
    proc = BehaviourEmotionProcessor(baseline=120.0)
    proc.start(Context(name="be", clock=VirtualClock()))
    out: list[heartmind.Event] = []
    chunks = []
    for kind in ("KEYS", "MOUSE"):
        ends, values = window_features(
            rec[kind].timestamps, rec[kind].data, kind, window=60.0, step=10.0, start=0.0
        )
        info = feature_info(kind, f"{kind.lower()}-features", 60.0, 10.0)
        chunks += [Chunk(values[i : i + 1], ends[i : i + 1], info) for i in range(len(ends))]
    for chunk in sorted(chunks, key=lambda c: c.first_timestamp):
        out += [e for e in proc.process(chunk) if isinstance(e, heartmind.Event)]
    stress = [e for e in out if isinstance(e, heartmind.Stress)]
    assert stress and all(e.confidence > 0 for e in stress)
    high = np.mean([e.level for e in stress if 260 < e.timestamp < 420])
    low = np.mean([e.level for e in stress if e.timestamp > 540])
    assert high > low


def test_training_is_deterministic(tmp_path: Path) -> None:
    a = train(train_seeds=(1, 2, 3), test_seeds=(101,))
    b = train(train_seeds=(1, 2, 3), test_seeds=(101,))
    for key, value in a.get_arrays().items():
        np.testing.assert_array_equal(value, b.get_arrays()[key])
    assert a.info.synthetic and a.info.metrics["auroc_stress"] > 0.6
