"""The streaming face gives the offline samples, whatever the chunking."""

from __future__ import annotations

import numpy as np
import pytest

from heartmind.errors import ConfigError
from heartmind.sim.ecg import LEADS, EcgSimulator, EcgStream, Ectopy

OPTS = {"rhythm": "SR", "ectopy": Ectopy(pvc=0.2, pac=0.05), "sampling_rate": 250.0}


@pytest.mark.parametrize("chunk", [0.04, 0.25, 3.7, 12.0])
def test_chunks_equal_the_offline_record(chunk: float) -> None:
    rec = EcgSimulator(seed=5, **OPTS).record(31.0)
    parts = list(EcgSimulator(seed=5, **OPTS).chunks(t0=100.0, duration=31.0, chunk_duration=chunk))
    ts = np.concatenate([p[0] for p in parts])
    x = np.concatenate([p[1] for p in parts])
    np.testing.assert_array_equal(x, rec.signal)
    np.testing.assert_allclose(ts, 100.0 + rec.times, atol=1e-9)


def test_noisy_chunks_equal_the_noisy_record() -> None:
    opts = {**OPTS, "noise": "holter", "snr_db": 6.0, "leads": ("II", "V5")}
    rec = EcgSimulator(seed=2, **opts).record(25.0)
    x = np.concatenate([p[1] for p in EcgSimulator(seed=2, **opts).chunks(0.0, 25.0, 0.3)])
    np.testing.assert_array_equal(x, rec.signal)
    assert not np.allclose(rec.signal, rec.clean)


def test_ecg_stream_gives_heartmind_chunks_and_beat_truth() -> None:
    stream = EcgStream(seed=7, **OPTS)
    ecg, beats = stream.streams
    assert (
        ecg.type == "ECG" and ecg.channels == LEADS and ecg.rate == 250.0 and ecg.units[0] == "mV"
    )
    assert beats.type == "BEATS" and beats.channels == ("rr_s", "ectopic", "aami")
    chunks = list(stream.chunks(t0=50.0, duration=30.0, chunk_duration=0.5))
    data = np.concatenate([c.data for c in chunks if c.info.type == "ECG"])
    rec = stream.simulator().record(30.0)
    np.testing.assert_array_equal(data, rec.signal.astype(np.float32))
    b = [c for c in chunks if c.info.type == "BEATS"]
    times = np.concatenate([c.timestamps for c in b])
    rows = np.concatenate([c.data for c in b])
    truth = rec.truth.beats
    np.testing.assert_allclose(times, 50.0 + truth.time, atol=1e-9)
    np.testing.assert_array_equal(rows[:, 1], (truth.aami != "N").astype(float))
    np.testing.assert_allclose(rows[1:, 0], np.diff(truth.time), atol=1e-9)
    assert rows[:, 1].sum() > 3
    firsts = [c.first_timestamp for c in chunks]
    assert firsts == sorted(firsts)


def test_stream_runs_open_ended_and_checks_options() -> None:
    it = EcgStream(seed=1, truth=False, leads=("II",), sampling_rate=100.0).chunks(0.0, None, 1.0)
    n = sum(next(it).data.shape[0] for _ in range(25))
    assert n == 2500
    with pytest.raises(ConfigError):
        EcgStream(seed=1, rhythm="VF")
    sim = EcgSimulator(seed=1, noise={"emg": 10.0})
    sim.block(0)
    with pytest.raises(ConfigError, match="in order"):
        sim.block(2)
