"""Radar vital signs on the simulator: I/Q correction, displacement, heart rate vs ECG truth."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

import heartmind
from heartmind import Chunk, Context, HeartBeat, HeartRate, SignalQuality, StreamInfo, VirtualClock
from heartmind.errors import ConfigError
from heartmind.plugins.physio.events import RespirationRate
from heartmind.plugins.radar.api import (
    RadarVitalsProcessor,
    fit_iq_correction,
    radar_displacement,
    radar_process,
)
from heartmind.sim import Participant, simulate_radar

FS = 100.0


def _chunks(data: np.ndarray, info: StreamInfo, t0: float, size: int) -> Iterator[Chunk]:
    for i in range(0, data.shape[0], size):
        ts = t0 + np.arange(i, min(i + size, data.shape[0])) / info.rate
        yield Chunk(data[i : i + size], ts, info)


def _run(proc: RadarVitalsProcessor, chunks: Iterator[Chunk]) -> list[heartmind.Event]:
    proc.start(Context(name="radar", clock=VirtualClock()))
    out = [e for c in chunks for e in proc.process(c)]
    out.extend(proc.flush())
    return [e for e in out if isinstance(e, heartmind.Event)]


def _lags(found: np.ndarray, truth: np.ndarray) -> np.ndarray:
    d = found[:, None] - truth[None, :]
    return d[np.arange(found.size), np.abs(d).argmin(1)]


@pytest.fixture(scope="module")
def rest() -> dict[str, object]:
    p = Participant("rest", 11, ("ECG", "RADAR"))
    return {"rec": p.record(120.0)}


def test_radar_heart_rate_within_3_bpm_of_ecg_at_rest(rest: dict[str, object]) -> None:
    """Acceptance: radar heart rate within 3 bpm of the ECG (ground-truth R-peak) rate."""
    rec = rest["rec"]
    radar, beats = rec["RADAR"], rec["BEATS"].timestamps  # type: ignore[index]
    events = _run(RadarVitalsProcessor(), _chunks(radar.data, radar.info, 0.0, 25))
    rates = [e for e in events if isinstance(e, HeartRate) and e.timestamp >= 20.0]
    assert len(rates) > 90
    err = []
    for e in rates:
        sel = beats[(beats > e.timestamp - 10.0) & (beats <= e.timestamp)]
        err.append(e.bpm - 60.0 / np.mean(np.diff(sel)))
    err_a = np.abs(err)
    assert err_a.max() < 3.0, err_a.max()
    assert np.median(err_a) < 1.0
    assert all(e.stream == radar.info.name for e in rates)


def test_radar_beats_follow_ecg_beats(rest: dict[str, object]) -> None:
    rec = rest["rec"]
    radar, truth = rec["RADAR"], rec["BEATS"].timestamps  # type: ignore[index]
    out = radar_process(radar.data, FS)
    found = out["RADAR_Beats"] / FS
    found = found[found > 12.0]
    lag = _lags(found, truth)
    median = float(np.median(lag))
    # the micro-motion pulse peaks 0.1 s after the R peak
    assert 0.05 < median < 0.15
    assert np.mean(np.abs(lag - median) < 0.08) > 0.95
    expected = truth[(truth > 12.5) & (truth < 119.5)].size
    assert abs(found.size - expected) <= 3


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("state", ["rest", "stress"])
def test_radar_mean_rate_matches_truth(seed: int, state: str) -> None:
    iq, _, beats = simulate_radar(60.0, FS, seed=seed, state=state)
    out = radar_process(iq, FS)
    ibi = np.diff(out["RADAR_Beats"] / FS)
    ibi = ibi[(ibi > 0.3) & (ibi < 2.0)]
    truth = 60.0 / np.mean(np.diff(beats[beats > 10.0]))
    assert abs(60.0 / ibi.mean() - truth) < 3.0
    q = out["RADAR_Quality"]
    assert q.shape[1] == 4 and (q[:, 1] > 0.3).all()
    assert np.all(np.abs(q[:, 3] - truth) < 6.0)  # spectral rate (0.05 Hz resolution)


def test_iq_correction_recovers_displacement() -> None:
    iq, disp, _ = simulate_radar(30.0, FS, seed=4, state="rest")
    d, corr = radar_displacement(iq, carrier_ghz=24.0)
    assert corr.method == "ellipse"
    u = corr.apply(iq)
    assert np.std(np.hypot(u[:, 0], u[:, 1])) < 0.03  # back on the unit circle
    err = (d - d.mean()) - (disp - disp.mean())
    assert np.sqrt(np.mean(err**2)) < 0.05  # mm
    d_none, _ = radar_displacement(iq, method="none")
    err_none = (d_none - d_none.mean()) - (disp - disp.mean())
    assert np.sqrt(np.mean(err_none**2)) > 2 * np.sqrt(np.mean(err**2))
    assert fit_iq_correction(iq, "circle").method == "circle"


@pytest.mark.parametrize("size", [1, 7, 64])
def test_streaming_equals_offline(size: int) -> None:
    iq, _, _ = simulate_radar(30.0, FS, seed=3, state="rest")
    ref = radar_process(iq, FS)
    out = radar_process(iq, FS, chunk_size=size)
    for key in ("RADAR_Beats", "RADAR_Breaths", "RADAR_Quality", "RADAR_Displacement"):
        np.testing.assert_allclose(out[key], ref[key], atol=1e-9)
    info = StreamInfo("radar", "RADAR", ("I", "Q"), rate=FS, meta={"carrier_ghz": 24.0})
    events = _run(RadarVitalsProcessor(), _chunks(iq, info, 50.0, size))
    beats = np.array([e.timestamp for e in events if isinstance(e, HeartBeat)])
    np.testing.assert_allclose(beats, 50.0 + ref["RADAR_Beats"] / FS, atol=1e-9)
    assert any(isinstance(e, RespirationRate) for e in events)
    assert any(isinstance(e, SignalQuality) and e.stream == "radar" for e in events)


def test_breathing_rate_from_radar() -> None:
    iq, _, _ = simulate_radar(90.0, FS, seed=5, state="rest")
    info = StreamInfo("radar", "RADAR", ("I", "Q"), rate=FS)
    events = _run(RadarVitalsProcessor(carrier_ghz=24.0), _chunks(iq, info, 0.0, 50))
    rr = [e.rate for e in events if isinstance(e, RespirationRate)]
    assert rr and all(10.0 < r < 22.0 for r in rr)  # rest: about 15 breaths/min


def test_bad_input_errors() -> None:
    with pytest.raises(ValueError, match="valid methods"):
        radar_process(np.zeros((100, 2)), FS, method="magic")
    with pytest.raises(ConfigError, match="I and Q"):
        RadarVitalsProcessor(channels=["I"])
    one = StreamInfo("r", "RADAR", ("I",), rate=FS)
    proc = RadarVitalsProcessor()
    with pytest.raises(ConfigError, match="two"):
        proc.start(Context(name="r", clock=VirtualClock(), inputs=(one,)))
    two = StreamInfo("r", "RADAR", ("I", "Q"), rate=FS)
    with pytest.raises(ConfigError, match="no channel 'X'"):
        RadarVitalsProcessor(channels=["I", "X"]).start(
            Context(name="r", clock=VirtualClock(), inputs=(two,))
        )
    with pytest.raises(ConfigError):
        radar_process(np.zeros(100), FS)


def test_radar_vitals_in_a_session_by_spec_name() -> None:
    session = heartmind.Session(clock="virtual", seed=2)
    session.add_sensor("simulator", modalities=["RADAR"], state="rest", truth=False)
    session.add_processor("radar-vitals", hr_interval=2.0)
    got: list[heartmind.Event] = []
    session.subscribe("heart_rate", got.append)
    session.run(duration=30.0)
    assert got and all(50 < e.bpm < 90 for e in got if isinstance(e, HeartRate))
