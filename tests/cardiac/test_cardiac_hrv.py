"""HRV functions, RR correction and the ``hrv`` processor, against neurokit2 and by hand."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest

from heartmind import Context, HeartBeat, VirtualClock
from heartmind.errors import ConfigError
from heartmind.plugins.cardiac.api import (
    HRVProcessor,
    hrv_baevsky,
    hrv_summary,
    rr_correct,
    window_intervals,
)
from heartmind.sim import simulate

nk = pytest.importorskip("neurokit2")


def _beats(state: str, seed: int = 5, duration: float = 300.0, **kw: object) -> np.ndarray:
    rec = simulate(duration, ("ECG",), seed, state, rates={"ECG": 250}, **kw)
    return rec["BEATS"].timestamps


@pytest.mark.parametrize("state", ["rest", "stress"])
def test_matches_neurokit(state: str) -> None:
    peaks = np.round(_beats(state) * 1000).astype(np.int64)  # ms resolution, as nk's input
    ours, info = hrv_summary(peaks=peaks, sampling_rate=1000)
    assert info["n_corrected"] == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = nk.hrv_time(peaks, 1000).iloc[0]
        f = nk.hrv_frequency(peaks, 1000, normalize=False).iloc[0]
        p = nk.hrv_nonlinear(peaks, 1000).iloc[0]
    for key in ("MeanNN", "SDNN", "RMSSD", "pNN50", "SD1", "SD2"):
        ref = t[f"HRV_{key}"] if f"HRV_{key}" in t else p[f"HRV_{key}"]
        assert ours[f"HRV_{key}"] == pytest.approx(ref, rel=1e-9, abs=1e-9), key
    for key in ("LF", "HF", "LFHF"):  # 4 Hz vs nk's 100 Hz resampling: within 3 %
        assert ours[f"HRV_{key}"] == pytest.approx(f[f"HRV_{key}"], rel=0.03), key


def test_baevsky_by_hand() -> None:
    rr = [800, 810, 820, 790, 860, 900, 805, 815]  # ms
    # 50-ms bins: [750,800): 790 -> 1; [800,850): 800,810,820,805,815 -> 5; [850,900): 860;
    # [900,950): 900.  Mo = 0.825 s, AMo = 5/8 = 62.5 %, MxDMn = 0.110 s
    out = hrv_baevsky(rr)
    assert out["HRV_Mo"] == pytest.approx(0.825)
    assert out["HRV_AMo"] == pytest.approx(62.5)
    assert out["HRV_MxDMn"] == pytest.approx(0.110)
    assert out["HRV_SI"] == pytest.approx(62.5 / (2 * 0.825 * 0.110))
    assert math.isnan(hrv_baevsky([800, 800, 800])["HRV_SI"])


def test_stress_lowers_rmssd_and_raises_si() -> None:
    rest, _ = hrv_summary(np.diff(_beats("rest")) * 1000)
    stress, _ = hrv_summary(np.diff(_beats("stress")) * 1000)
    assert stress["HRV_RMSSD"] < 0.5 * rest["HRV_RMSSD"]
    assert stress["HRV_SI"] > 2 * rest["HRV_SI"]
    assert stress["HRV_LFHF"] > rest["HRV_LFHF"]


def test_short_window_has_no_frequency_values() -> None:
    values, info = hrv_summary(np.diff(_beats("rest", duration=60.0)) * 1000)
    assert info["window"] < 120 and math.isnan(values["HRV_LF"]) and values["HRV_RMSSD"] > 0
    with pytest.raises(ConfigError, match="either rr"):
        hrv_summary()


def test_correction_of_simulated_ectopics() -> None:
    rec = simulate(300.0, ("ECG",), 7, "rest", rates={"ECG": 250}, ectopic_rate=0.03)
    rr = rec["BEATS"].data[1:, 0] * 1000
    truth = rec["BEATS"].data[1:, 1] > 0.5
    _fixed, info = rr_correct(rr)
    n_ect = int(truth.sum())
    assert n_ect >= 5
    assert info["ectopic"] == 2 * n_ect  # premature + compensatory interval each
    assert info["n_corrected"] == 2 * n_ect
    assert np.all(info["flags"][truth] == "ectopic")
    clean, _ = hrv_summary(np.diff(_beats("rest", seed=7)) * 1000)
    raw, _ = hrv_summary(rr, correct=False)
    corr, _ = hrv_summary(rr)
    assert abs(corr["HRV_RMSSD"] - clean["HRV_RMSSD"]) < 0.25 * abs(
        raw["HRV_RMSSD"] - clean["HRV_RMSSD"]
    )


def test_correction_of_missed_and_extra_beats() -> None:
    t = _beats("rest", seed=9, duration=120.0)
    rr = np.diff(t) * 1000
    missed = np.diff(np.delete(t, [20, 60])) * 1000
    fixed, info = rr_correct(missed)
    assert info["missed"] == 2 and info["n_corrected"] == 2 and fixed.size == rr.size
    extra = np.diff(np.sort(np.r_[t, t[30] + 0.3, t[90] + 0.45])) * 1000
    fixed, info = rr_correct(extra)
    assert info["extra"] == 4 and fixed.size == rr.size
    np.testing.assert_allclose(fixed, rr, atol=1e-9)


def _beat_events(times: np.ndarray, stream: str = "ecg") -> list[HeartBeat]:
    out = [HeartBeat(timestamp=float(times[0]), stream=stream)]
    out += [
        HeartBeat(timestamp=float(b), rr=float(b - a), stream=stream, usable=not 100 < b < 104)
        for a, b in itertools.pairwise(times)
    ]
    return out


def test_processor_equals_offline() -> None:
    times = 1000.0 + _beats("rest-stress-recovery", seed=3, duration=600.0, ectopic_rate=0.02)
    beats = _beat_events(times)
    proc = HRVProcessor(window=300.0, step=30.0)
    proc.start(Context(name="hrv", clock=VirtualClock()))
    events = [e for b in beats for e in proc.on_event(b)] + list(proc.flush())
    assert len(events) >= 18
    for ev in events:
        rr = window_intervals(beats, ev.timestamp - 300.0, ev.timestamp)
        values, info = hrv_summary(rr)
        assert ev.rmssd == values["HRV_RMSSD"] and ev.sdnn == values["HRV_SDNN"]
        assert ev.n_corrected == info["n_corrected"] and ev.n_beats == info["n_beats"]
        assert ev.stress_index == values["HRV_SI"] and ev.sd1 == values["HRV_SD1"]
        if ev.window >= 120.0:
            assert ev.lf == values["HRV_LF"] and ev.lf_hf == values["HRV_LFHF"]
        else:
            assert ev.lf is None and ev.hf is None
    assert any(e.n_corrected > 0 for e in events)
    # stationary 2-min windows: rest (60-180 s) against stress (300-420 s)
    short = HRVProcessor(window=120.0, step=30.0)
    ev2 = [e for b in beats for e in short.on_event(b)]
    by_t = {round(e.timestamp - times[0]): e for e in ev2}
    rest, stress = by_t[180], by_t[420]
    assert stress.rmssd < 0.6 * rest.rmssd
    assert (stress.stress_index or 0) > 2 * (rest.stress_index or 0)
    assert stress.lf is not None and stress.lf_hf is not None
