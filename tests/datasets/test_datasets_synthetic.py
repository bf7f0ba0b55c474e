"""The common structure and the synthetic affective dataset."""

from __future__ import annotations

import numpy as np
import pytest

from heartmind.datasets import (
    AffectiveDataset,
    ConfigError,
    DatasetError,
    Episode,
    Segment,
    Signal,
    rr_series,
    synthetic_affective,
    unit_scale,
    windows,
)
from heartmind.errors import HeartmindError


@pytest.fixture(scope="module")
def small() -> AffectiveDataset:
    return synthetic_affective(4, seed=3, duration=120.0, modalities=("ECG", "EDA", "KEYS"))


def test_structure(small: AffectiveDataset) -> None:
    assert small.synthetic and len(small) == 4
    assert small.subject_ids == ["SYN01", "SYN02", "SYN03", "SYN04"]
    s = small.subject("SYN02")
    ecg = s.signal("ECG")
    assert ecg.rate == 256.0 and ecg.units == ("mV",)
    assert ecg.n_samples == 4 * 120 * 256
    assert s.signal("EDA").units == ("uS",)
    keys = s.signal("KEYS")
    assert keys.rate == 0 and keys.timestamps is not None
    assert next(g.labels["condition"] for g in s.segments) == "baseline"
    assert {g.labels["condition"] for g in s.segments} == {
        "baseline",
        "stress",
        "amusement",
        "meditation",
    }
    for g in s.segments:
        assert g.labels["stress"] == (1 if g.labels["condition"] == "stress" else 0)
        assert -1 <= float(g.labels["valence"]) <= 1
    with pytest.raises(ConfigError, match="available"):
        s.signal("EEG")
    with pytest.raises(ConfigError, match="SYN01"):
        small.subject("nobody")


def test_determinism() -> None:
    a = synthetic_affective(2, seed=5, duration=60.0)
    b = synthetic_affective(2, seed=5, duration=60.0)
    c = synthetic_affective(2, seed=6, duration=60.0)
    for sa, sb in zip(a, b, strict=True):
        np.testing.assert_array_equal(sa.signal("ECG").data, sb.signal("ECG").data)
        assert sa.info["order"] == sb.info["order"]
    assert not np.array_equal(a.subjects[0].signal("ECG").data, c.subjects[0].signal("ECG").data)


def _mean_hr(ds: AffectiveDataset, sid: str, condition: str) -> float:
    s = ds.subject(sid)
    seg = next(g for g in s.segments if g.labels["condition"] == condition)
    _t, rr = rr_series(s, seg)
    return float(60.0 / rr.mean())


def test_between_subject_variation_and_stress_response(small: AffectiveDataset) -> None:
    base = [_mean_hr(small, sid, "baseline") for sid in small.subject_ids]
    stress = [_mean_hr(small, sid, "stress") for sid in small.subject_ids]
    assert np.ptp(base) > 5.0  # bpm: resting heart rates differ between subjects
    assert all(s > b + 4.0 for s, b in zip(stress, base, strict=True))
    gains = [s - b for s, b in zip(stress, base, strict=True)]
    assert np.ptp(gains) > 2.0  # reactivity differs too
    eda = [float(np.median(s.signal("EDA").data)) for s in small]
    assert np.ptp(eda) > 0.5  # µS


def test_windows(small: AffectiveDataset) -> None:
    out = list(windows(small, "ECG", length=30.0, step=15.0))
    assert out and all(w.shape == (30 * 256, 1) for _sid, w, _lab in out)
    conditions = {lab["condition"] for _sid, _w, lab in out}
    assert conditions == {"baseline", "stress", "amusement", "meditation"}
    base_only = list(windows(small, "ECG", 30.0, 15.0, kinds=("baseline",)))
    assert {lab["condition"] for _s, _w, lab in base_only} == {"baseline"}
    keys = next(iter(windows(small, "KEYS", 30.0, 30.0)))[1]
    assert keys.shape[1] == 3 and (keys[:, 0] >= 0).all() and (keys[:, 0] < 30).all()
    with pytest.raises(ConfigError):
        list(windows(small, "ECG", 0.0))


def test_rr_series_detects_beats_without_truth(small: AffectiveDataset) -> None:
    """Without ground truth the caller's detector finds the beats (the datasets package
    imports no plugin); without a detector the error says what to pass."""
    from heartmind.plugins.cardiac.api import ecg_peaks

    s = small.subjects[0]
    seg = s.segments[0]
    _truth_t, truth_rr = rr_series(s, seg)
    s.beats, saved = None, s.beats
    try:
        _t, rr = rr_series(s, seg, detector=ecg_peaks)
        with pytest.raises(
            DatasetError, match=r"detector=heartmind\.plugins\.cardiac\.api\.ecg_peaks"
        ):
            rr_series(s, seg)
    finally:
        s.beats = saved
    assert abs(len(rr) - len(truth_rr)) <= 2
    assert abs(rr.mean() - truth_rr.mean()) < 0.01  # s


def test_custom_episodes_and_errors() -> None:
    eps = (
        Episode("rest", 40.0, 0.0, 0.0, -0.5, 0.0, 0, kind="baseline"),
        Episode("exam", 40.0, 1.0, -0.8, 0.9, -0.6, 1, ramp=10.0),
    )
    ds = synthetic_affective(1, episodes=eps, shuffle=False)
    segs = ds.subjects[0].segments
    assert [g.name for g in segs] == ["rest", "exam"]
    assert segs[1].start == pytest.approx(50.0) and segs[1].end == pytest.approx(80.0)
    with pytest.raises(ConfigError):
        synthetic_affective(0)
    with pytest.raises(ConfigError, match="modalities"):
        synthetic_affective(1, modalities=("XYZ",))
    with pytest.raises(HeartmindError):
        Signal(np.zeros((10, 2)), 10.0, ("a",))
    with pytest.raises(DatasetError):
        Segment(5.0, 1.0)
    assert unit_scale(5, (1, 5)) == 1.0 and unit_scale(3, (1, 5)) == 0.0
