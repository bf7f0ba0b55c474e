"""Heart-rate VAD models: preprocessing, training, .hmm round trip, clear errors."""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from heartmind.datasets import AffectiveDataset, synthetic_affective
from heartmind.models import ModelError, ModelInfo, load_model
from heartmind.plugins.heart_emotion.api import (
    HRV_FEATURES,
    Baseline,
    HeartVADModel,
    HRVLinearModel,
    baseline_from_beats,
    build_windows,
    bundled_models,
    hr_sequence,
    hrv_features,
    load_heart_model,
    make_model,
    subject_beats,
    window_completeness,
)
from heartmind.plugins.heart_emotion.api import train_heart_model as train


@pytest.fixture(scope="module")
def tiny() -> AffectiveDataset:
    """Three synthetic subjects, 90 s episodes (seconds to generate)."""
    return synthetic_affective(3, seed=1, modalities=("ECG",), duration=90.0, snr_db=None)


def _beats(rr: float, n: int, t0: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    times = t0 + rr * np.arange(1, n + 1)
    return times, np.full(n, rr)


def test_features_of_a_constant_rhythm() -> None:
    times, rr = _beats(1.0, 90)
    base = baseline_from_beats(times, rr)
    assert base.hr_mean == pytest.approx(60.0) and base.hr_std == 1.0
    f = dict(zip(HRV_FEATURES, hrv_features(times, rr, 90.0, 60.0, base), strict=True))
    assert f["mean_hr"] == pytest.approx(60.0)
    assert f["sdnn"] == 0.0 and f["rmssd"] == 0.0 and f["pnn50"] == 0.0
    assert f["d_mean_hr_z"] == pytest.approx(0.0)
    fast_t, fast_rr = _beats(0.5, 120)
    g = dict(zip(HRV_FEATURES, hrv_features(fast_t, fast_rr, 60.0, 60.0, base), strict=True))
    assert g["mean_hr"] == pytest.approx(120.0) and g["d_mean_hr_z"] == pytest.approx(60.0)


def test_sequence_is_normalised_by_the_users_baseline() -> None:
    times, rr = _beats(0.75, 100)  # 80 bpm
    base = Baseline(hr_mean=70.0, hr_std=5.0)
    seq = hr_sequence(times, rr, 60.0, 60.0, 4.0, base)
    assert seq.shape == (240, 2)
    np.testing.assert_allclose(seq[:, 0], 2.0)  # (80 - 70) / 5
    np.testing.assert_allclose(seq[:, 1], 0.0)
    assert window_completeness(times, rr, 60.0, 60.0) == pytest.approx(1.0)
    assert window_completeness(times, rr, 200.0, 60.0) == 0.0


@pytest.mark.parametrize("kind", ["hrv-linear", "hr-gru", "hr-lstm"])
def test_train_save_load_predict(kind: str, tiny: AffectiveDataset, tmp_path: Path) -> None:
    model = train(tiny, kind, epochs=2, config={"window": 30.0, "rate": 2.0})
    assert model.kind == kind and model.info.synthetic and model.info.training["synthetic"]
    assert model.dims == ["valence", "arousal", "dominance", "stress"]
    assert model.info.labels[:3] == ["valence", "arousal", "dominance"]
    assert "population_baseline" in model.info.preprocessing
    path = model.save(tmp_path / "m.hmm")
    loaded = load_heart_model(path)
    assert type(loaded) is type(model) and loaded.info == model.info
    win = build_windows(model, subject_beats(tiny, model.dims))
    out = model.predict(win.x[:7])
    assert out.shape == (7, 8)
    assert np.all(np.abs(out[:, :4]) <= 1.0) and np.all((out[:, 4:] >= 0) & (out[:, 4:] <= 1))
    np.testing.assert_array_equal(loaded.predict(win.x[:7]), out)
    with zipfile.ZipFile(path) as zf:
        assert "arrays.npz" in zf.namelist()  # weights as arrays, no pickle


def test_training_is_deterministic(tiny: AffectiveDataset) -> None:
    cfg = {"window": 30.0, "rate": 2.0, "hidden": 8}
    a = train(tiny, "hr-gru", epochs=2, config=cfg).get_arrays()
    b = train(tiny, "hr-gru", epochs=2, config=cfg).get_arrays()
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_linear_model_learns_arousal_from_heart_rate(tiny: AffectiveDataset) -> None:
    model = train(tiny, "hrv-linear")
    assert isinstance(model, HRVLinearModel)
    coef = model.coefficients()
    assert coef["arousal"]["d_mean_hr_z"] > 0  # faster heart -> higher arousal


def test_mismatched_input_is_a_clear_error(tiny: AffectiveDataset) -> None:
    model = train(tiny, "hr-gru", epochs=1, config={"window": 30.0, "rate": 2.0, "hidden": 8})
    with pytest.raises(ModelError, match=r"expects inputs of shape \(n, 60, 2\)"):
        model.predict(np.zeros((1, 240, 2)))
    with pytest.raises(ModelError, match="NaN"):
        model.predict(np.full((1, 60, 2), np.nan))
    with pytest.raises(ModelError, match="targets must be"):
        model.fit(np.zeros((3, 60, 2)), np.zeros((3, 2)))


def _rewrite(path: Path, **changes: Any) -> None:
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        arrays = zf.read("arrays.npz")
    for key, value in changes.items():
        if key == "hidden":
            manifest["config"]["hidden"] = value
        else:
            manifest[key] = value
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("arrays.npz", arrays)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format_version": 2}, "format version 2"),
        ({"kind_version": 7}, "layout version 7 does not match"),
        ({"hidden": 5}, "stored weights do not fit"),
    ],
)
def test_files_from_another_version_are_refused(
    change: dict[str, Any], message: str, tmp_path: Path
) -> None:
    path = tmp_path / "gru.hmm"
    path.write_bytes(bundled_models()["hr-gru-synthetic"].read_bytes())
    _rewrite(path, **change)
    with pytest.raises(ModelError, match=message):
        load_heart_model(path)


def test_unknown_or_foreign_model_files(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="neither a bundled model"):
        load_heart_model("no-such-model")
    with pytest.raises(ModelError, match="unknown heart model kind"):
        make_model("hr-transformer", ModelInfo(name="x"))


def test_bundled_models_are_labelled_synthetic() -> None:
    names = set(bundled_models())
    assert {"hr-gru-synthetic", "hr-lstm-synthetic", "hrv-linear-synthetic"} <= names
    for name in sorted(names):
        model = load_model(bundled_models()[name])
        assert isinstance(model, HeartVADModel)
        assert model.info.synthetic and model.info.training["synthetic"]
        assert model.info.trained_on == "synthetic"
        assert "SYNTHETIC" in model.info.training["note"] and "+synthetic" in model.info.version
        assert model.info.name == name and model.window == 60.0
        assert not math.isnan(model.population_baseline().hr_mean)


def test_plugin_import_is_cheap() -> None:
    import subprocess
    import sys

    code = (
        "import sys, heartmind.plugins.heart_emotion as p;"
        "print(sorted(m for m in ('torch', 'sklearn', 'matplotlib', 'scipy') if m in sys.modules));"
        "import heartmind.plugins.heart_emotion.api;"
        "print(sorted(m for m in ('torch', 'sklearn', 'matplotlib') if m in sys.modules));"
        "p.load_heart_model;"  # lazy re-export of the api
        "print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["[]", "[]", "ok"]
