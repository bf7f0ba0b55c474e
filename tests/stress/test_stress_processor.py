"""Unit tests of the stress processor: calibration file, drift bounds, z-score model, model."""

from __future__ import annotations

import json
import math
import stat
from pathlib import Path

import numpy as np
import pytest

from heartmind.errors import ConfigError
from heartmind.events import HRV, SignalQuality, Stress
from heartmind.models import load_model
from heartmind.plugins.stress.api import (
    ZSCORE_MODEL,
    Calibration,
    Calibrator,
    FeatureStats,
    StressLogisticModel,
    StressProcessor,
    calibrate,
    features_of,
    fit_stress_model,
    stress_label,
    zscore_level,
)


def _hrv(t: float, hr: float = 70.0, rmssd: float = 40.0, n: int = 80, **kw: float) -> HRV:
    return HRV(
        timestamp=t,
        source="hrv",
        window=90.0,
        n_beats=n,
        mean_nn=60000.0 / hr,
        sdnn=50.0,
        rmssd=rmssd,
        pnn50=10.0,
        hf=kw.get("hf", 600.0),
        lf_hf=kw.get("lf_hf", 0.8),
        stress_index=kw.get("si", 100.0),
        stream="sim-ECG",
    )


def _rest(
    proc: StressProcessor, until: float = 200.0, step: float = 10.0, start: float = 10.0
) -> list[Stress]:
    rng = np.random.default_rng(0)
    out: list[Stress] = []
    for t in np.arange(start, until + step / 2, step):
        ev = _hrv(float(t), hr=70 + rng.normal(0, 1), rmssd=40 * math.exp(rng.normal(0, 0.05)))
        out.extend(o for o in proc.on_event(ev) if isinstance(o, Stress))
    return out


def test_nothing_before_calibration_then_low_at_rest() -> None:
    proc = StressProcessor(calibration=120.0)
    out = _rest(proc, until=120.0)
    assert out == []  # documented: silent during the rest period
    out = _rest(proc, start=130.0, until=200.0)
    assert out and all(e.label == "low" and e.level < 1 / 3 for e in out)
    assert all(e.modality == "heart" and e.model == ZSCORE_MODEL for e in out)
    assert all(0.0 < e.confidence <= 1.0 for e in out)


def test_stress_rises_above_rest() -> None:
    proc = StressProcessor(calibration=120.0)
    _rest(proc, until=140.0)
    (rest,) = proc.on_event(_hrv(150.0))
    (stress,) = proc.on_event(_hrv(160.0, hr=88.0, rmssd=18.0, hf=150.0, lf_hf=2.5, si=400.0))
    assert isinstance(rest, Stress) and isinstance(stress, Stress)
    assert stress.level > 0.9 > 0.3 > rest.level
    assert stress.label == "high"


def test_calibration_saved_0600_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "cal" / "stress.json"
    proc = StressProcessor(calibration=120.0, calibration_file=str(path))
    _rest(proc, until=140.0)
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = Calibration.load(path)
    est = proc.estimator("sim-ECG")
    assert est.calibration is not None
    assert saved.features.keys() == est.calibration.features.keys()
    for name, stats in saved.features.items():
        assert stats == est.calibration.features[name]
    data = json.loads(path.read_text())
    assert data["kind"] == "heartmind-stress-calibration" and data["version"] == 1
    # a new session reuses it: no rest period, the first update is already estimated
    again = StressProcessor(calibration=120.0, calibration_file=str(path))
    out = list(again.on_event(_hrv(5.0)))
    assert len(out) == 1 and isinstance(out[0], Stress)
    assert again.estimator("sim-ECG").calibration == saved


def test_calibration_zero_needs_a_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="calibration_file"):
        StressProcessor(calibration=0.0)
    bad = tmp_path / "bad.json"
    bad.write_text('{"kind": "other"}')
    with pytest.raises(ConfigError, match="not a heartmind"):
        StressProcessor(calibration=0.0, calibration_file=str(bad))


def test_explicit_calibrate_and_round_trip(tmp_path: Path) -> None:
    rows = [features_of(_hrv(t, hr=70 + (t % 3))) for t in range(10, 130, 10)]
    cal = calibrate(rows, duration=120.0)
    assert cal.features["hr"].mean == pytest.approx(71.0, abs=1.0)
    assert cal.features["rmssd"].sd >= 0.08  # floored
    back = Calibration.load(cal.save(tmp_path / "c.json"))
    assert back == cal
    with pytest.raises(ConfigError, match="usable HRV"):
        Calibrator().finish(60.0)


def test_drift_is_bounded_and_only_at_low_stress() -> None:
    cal = Calibration({"hr": FeatureStats(70.0, 2.0, 10, 70.0)}, 180.0)
    for _ in range(10_000):
        cal.drift({"hr": 120.0}, alpha=0.05, max_drift=1.0)
    assert cal.features["hr"].mean == pytest.approx(72.0)  # origin + 1 sd, no further
    cal.drift({"hr": 60.0}, alpha=1.0, max_drift=1.0)
    assert cal.features["hr"].mean == pytest.approx(68.0)
    # in the processor: a high-stress period leaves the baseline untouched
    proc = StressProcessor(calibration=120.0, drift=60.0)
    _rest(proc, until=140.0)
    est = proc.estimator("sim-ECG")
    assert est.calibration is not None
    before = est.calibration.features["hr"].mean
    for t in range(150, 400, 10):
        proc.on_event(_hrv(float(t), hr=95.0, rmssd=15.0))
    assert est.calibration.features["hr"].mean == before
    # a slightly higher resting rate is followed, within the bound
    for t in range(400, 2000, 10):
        proc.on_event(_hrv(float(t), hr=before + 1.0))
    after = est.calibration.features["hr"].mean
    sd = est.calibration.features["hr"].sd
    assert before < after <= before + sd + 1e-9


def test_confidence_follows_quality_and_beats() -> None:
    proc = StressProcessor(calibration=120.0)
    _rest(proc, until=140.0)
    (good,) = proc.on_event(_hrv(150.0))
    proc.on_event(SignalQuality(timestamp=155.0, stream="sim-ECG", window=10.0, quality=0.4))
    (noisy,) = proc.on_event(_hrv(160.0, n=20))
    assert isinstance(good, Stress) and isinstance(noisy, Stress)
    assert noisy.confidence < 0.5 * good.confidence


def test_eda_joins_when_calibrated() -> None:
    from heartmind.plugins.physio.events import SkinConductance

    proc = StressProcessor(calibration=60.0)
    for t in range(10, 80, 10):
        proc.on_event(SkinConductance(timestamp=t - 1.0, tonic=2.0 + 0.01 * t, phasic=0.0))
        proc.on_event(_hrv(float(t)))
    proc.on_event(SkinConductance(timestamp=85.0, tonic=4.0, phasic=0.1, scr_rate=6.0))
    (ev,) = proc.on_event(_hrv(90.0))
    assert isinstance(ev, Stress) and ev.modality == "heart+eda"
    assert ev.level > 0.3  # tonic and SCR rate up, heart at baseline


def test_interval_limits_rate() -> None:
    proc = StressProcessor(calibration=60.0, interval=30.0)
    out = _rest(proc, until=300.0)
    times = [e.timestamp for e in out]
    assert len(times) >= 7 and min(np.diff(times)) >= 30.0


def test_zscore_model_shape() -> None:
    assert zscore_level({}) == pytest.approx(1 / (1 + math.exp(2.25)))
    assert zscore_level({"hr": 0.0, "rmssd": 0.0}) < 1 / 3
    assert zscore_level({"hr": 1.5}) == pytest.approx(0.5)
    assert zscore_level({"hr": 100.0}) == zscore_level({"hr": 6.0})  # clipped
    assert [stress_label(v) for v in (0.1, 0.5, 0.9)] == ["low", "moderate", "high"]


def test_trained_model_option(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    rows = [{"hr": float(z), "rmssd": float(z + rng.normal())} for z in rng.normal(0, 1, 200)]
    labels = [int(r["hr"] > 0.5) for r in rows]
    model = fit_stress_model(rows, labels, name="stress-test", synthetic=True)
    path = model.save(tmp_path / "s.hmm")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = load_model(path)
    assert isinstance(loaded, StressLogisticModel) and loaded.info.trained_on == "synthetic"
    np.testing.assert_allclose(loaded.predict_rows(rows), model.predict_rows(rows))
    proc = StressProcessor(calibration=120.0, model=str(path))
    _rest(proc, until=140.0)
    (ev,) = proc.on_event(_hrv(150.0, hr=90.0, rmssd=15.0))
    assert isinstance(ev, Stress) and ev.model == "stress-test" and ev.level > 0.9
