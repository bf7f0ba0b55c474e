"""ECG cleaning, powerline detection, quality flags and SNR, on the simulator."""

from __future__ import annotations

import numpy as np
import pytest

import heartmind
from heartmind import Chunk, Context, HeartBeat, SignalQuality, StreamInfo, VirtualClock
from heartmind.errors import ConfigError
from heartmind.plugins.cardiac.api import (
    ECGCleaner,
    HeartRateProcessor,
    detect_powerline,
    ecg_clean,
    ecg_quality,
)
from heartmind.sim import simulate_ecg

FS = 500.0


def test_unknown_method_lists_valid_ones() -> None:
    with pytest.raises(ValueError, match="heartmind, neurokit"):
        ecg_clean(np.zeros(1000), FS, method="nope")
    with pytest.raises(ConfigError, match="templatematch"):
        ecg_quality(np.zeros(1000), FS, method="nope")


@pytest.mark.parametrize("hz", [50.0, 60.0])
def test_powerline_auto_detection(hz: float) -> None:
    x, _ = simulate_ecg(30.0, FS, seed=1, snr_db=15, noise=["powerline", "emg"], powerline_hz=hz)
    assert detect_powerline(x, FS) == hz
    clean, _ = simulate_ecg(30.0, FS, seed=1)
    assert detect_powerline(clean, FS) is None
    out = ecg_clean(x, FS)
    f = np.fft.rfftfreq(x.size, 1 / FS)
    line = np.abs(f - hz) < 0.5
    assert np.abs(np.fft.rfft(out))[line].max() < 0.1 * np.abs(np.fft.rfft(x))[line].max()


def test_streaming_cleaner_equals_offline() -> None:
    x, _ = simulate_ecg(20.0, FS, seed=2, snr_db=10)
    offline = ecg_clean(x, FS, powerline=50.0)
    cleaner = ECGCleaner(FS, powerline=50.0)
    parts = [cleaner.process(x[i : i + 37]) for i in range(0, x.size, 37)]
    np.testing.assert_allclose(np.concatenate(parts), offline, atol=1e-9)


@pytest.mark.parametrize("snr", [0.0, 10.0, 20.0])
def test_snr_estimate(snr: float) -> None:
    x, _ = simulate_ecg(120.0, FS, seed=2, snr_db=snr, noise=["baseline", "powerline", "emg"])
    _, info = ecg_quality(x, FS)
    assert abs(info["snr_db"] - snr) < 2.0
    if snr <= 10:
        assert info["snr_db_clean"] > info["snr_db"] + 2.0


def test_quality_flags_motion_and_pops() -> None:
    kw = {"seed": 2, "ectopic_rate": 0.02}
    x, _ = simulate_ecg(120.0, FS, snr_db=0.0, noise=["baseline", "emg", "motion", "pops"], **kw)
    clean, _ = simulate_ecg(120.0, FS, **kw)
    _q, info = ecg_quality(x, FS)
    qc, info_c = ecg_quality(clean, FS)
    assert info_c["usable"].all() and np.median(qc) > 0.95 and info_c["window_usable"].all()
    bad = ~info["usable"]
    assert bad.sum() >= 3
    noise = x - clean
    local = np.array(
        [np.sqrt(np.mean(noise[max(0, r - 300) : r + 75] ** 2)) for r in info["ECG_R_Peaks"]]
    )
    assert local[bad].mean() > 3 * local[~bad].mean()  # flagged beats are the corrupted ones
    assert info["window_quality"].min() < info_c["window_quality"].min()


def _run(proc: HeartRateProcessor, x: np.ndarray, size: int) -> list[heartmind.Event]:
    info = StreamInfo(name="ecg", type="ECG", channels=("ECG",), units="mV", rate=FS)
    proc.start(Context(name="hr", clock=VirtualClock(), inputs=(info,)))
    out: list[heartmind.Event] = []
    for i in range(0, x.size, size):
        ts = np.arange(i, min(i + size, x.size)) / FS
        out += [
            e
            for e in proc.process(Chunk(x[i : i + size, None], ts, info))
            if isinstance(e, heartmind.Event)
        ]
    return out + [e for e in proc.flush() if isinstance(e, heartmind.Event)]


def test_processor_flags_beats_and_reports_quality() -> None:
    kw = {"seed": 2, "ectopic_rate": 0.02}
    x, _ = simulate_ecg(60.0, FS, snr_db=0.0, noise=["baseline", "emg", "motion", "pops"], **kw)
    events = _run(HeartRateProcessor(), x, 125)
    beats = [e for e in events if isinstance(e, HeartBeat)]
    quality = [e for e in events if isinstance(e, SignalQuality)]
    _offline_q, info = ecg_quality(
        x, FS, peaks=np.round(np.array([b.timestamp for b in beats]) * FS)
    )
    assert [b.usable for b in beats] == info["usable"].tolist()  # streaming == offline
    assert any(not b.usable for b in beats)
    assert len(quality) == 11 and all(0 <= e.quality <= 1 and e.window == 10.0 for e in quality)
    clean, _ = simulate_ecg(60.0, FS, **kw)
    ev_c = _run(HeartRateProcessor(), clean, 125)
    assert all(b.usable for b in ev_c if isinstance(b, HeartBeat))
    q_c = [e for e in ev_c if isinstance(e, SignalQuality)]
    assert all(e.usable and e.quality > 0.9 for e in q_c)
    assert min(e.quality for e in quality) < min(e.quality for e in q_c)
    # chunking does not change anything
    again = _run(HeartRateProcessor(), x, 7)
    assert [e.to_dict() for e in again] == [e.to_dict() for e in events]
