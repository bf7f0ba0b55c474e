"""Streaming: determinism, chunk-size independence, timestamp order, the plugin sensor."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections import defaultdict

import numpy as np
import pytest

import heartmind
from heartmind.errors import ConfigError
from heartmind.layouts import keys_info, mouse_info
from heartmind.sim import MODALITIES, Participant
from heartmind.streams import Chunk

ALL = MODALITIES


def _collect(chunks: list[Chunk]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    parts: dict[str, list[Chunk]] = defaultdict(list)
    for c in chunks:
        parts[c.info.type].append(c)
    return {
        k: (np.concatenate([c.timestamps for c in v]), np.concatenate([c.data for c in v]))
        for k, v in parts.items()
    }


def test_chunk_duration_does_not_change_samples() -> None:
    p = Participant("rest-stress-recovery", seed=4, modalities=ALL, eeg_channels=8)
    small = _collect(list(p.chunks(t0=100.0, duration=25.0, chunk_duration=0.1)))
    large = _collect(list(p.chunks(t0=100.0, duration=25.0, chunk_duration=1.0)))
    assert set(small) == set(ALL) | {"BEATS", "STATE", "MARKERS"}
    for kind, (ts, data) in small.items():
        np.testing.assert_array_equal(ts, large[kind][0], err_msg=kind)
        np.testing.assert_array_equal(data, large[kind][1], err_msg=kind)
    ecg_ts = small["ECG"][0]
    np.testing.assert_allclose(np.diff(ecg_ts), 1 / 500.0, atol=1e-9)  # no gaps or overlaps
    assert ecg_ts[0] == 100.0 and ecg_ts[-1] < 125.0


def test_record_equals_chunks() -> None:
    p = Participant("rest", seed=9, modalities=("ECG", "EDA", "KEYS"))
    rec = p.record(30.0)
    streamed = _collect(list(p.chunks(duration=30.0)))
    for kind in ("ECG", "EDA", "KEYS", "BEATS"):
        np.testing.assert_array_equal(rec[kind].data, streamed[kind][1])
        np.testing.assert_array_equal(rec[kind].timestamps, streamed[kind][0])


def test_signals_are_continuous_across_blocks() -> None:
    rec = Participant("rest", seed=1, modalities=("ECG", "PPG", "EDA", "RSP", "RADAR")).record(40)
    for kind in ("ECG", "PPG", "EDA", "RSP"):
        x = rec[kind].data[:, 0].astype(np.float64)
        step = np.abs(np.diff(x))
        for border in (10.0, 20.0, 30.0):  # block borders
            i = int(border * rec[kind].info.rate)
            assert step[i - 1] <= 1.5 * np.quantile(step, 0.999) + 1e-6, (kind, border)


def test_chunks_come_in_timestamp_order() -> None:
    p = Participant("rest-stress-recovery", seed=2, modalities=ALL, eeg_channels=4)
    firsts = [c.first_timestamp for c in p.chunks(t0=5.0, duration=40.0, chunk_duration=0.3)]
    assert firsts == sorted(firsts)
    assert firsts[0] >= 5.0


def test_same_seed_same_samples_other_seed_differs() -> None:
    def run(seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        p = Participant("rest-stress-recovery", seed=seed, modalities=ALL, eeg_channels=4)
        return _collect(list(p.chunks(duration=20.0)))

    a, b, c = run(1), run(1), run(2)
    for kind in a:
        np.testing.assert_array_equal(a[kind][1], b[kind][1])
        if kind not in ("STATE", "MARKERS"):
            assert a[kind][1].shape != c[kind][1].shape or not np.array_equal(
                a[kind][1], c[kind][1]
            ), kind


def test_stream_infos() -> None:
    p = Participant(seed=1, modalities=ALL, name_prefix="p1")
    infos = {i.type: i for i in p.streams}
    assert infos["ECG"].name == "p1-ECG" and infos["ECG"].rate == 500.0
    assert infos["ECG"].units == ("mV",) and infos["EDA"].units == ("uS",)
    assert infos["EEG"].n_channels == 32 and infos["EEG"].channels[:3] == ("Fp1", "Fp2", "F7")
    assert infos["EEG"].units[0] == "uV"
    assert infos["KEYS"] == keys_info("p1-KEYS", infos["KEYS"].source_id)
    assert infos["MOUSE"] == mouse_info("p1-MOUSE", infos["MOUSE"].source_id)
    assert infos["BEATS"].irregular and infos["MARKERS"].dtype == "string"
    assert infos["STATE"].channels == ("stress", "valence", "arousal", "dominance", "phase")
    assert len({i.source_id for i in p.streams}) == len(p.streams)
    assert Participant(seed=1, modalities=ALL, name_prefix="p1").streams == p.streams


def test_bad_options_raise_config_error() -> None:
    with pytest.raises(ConfigError, match="modalit"):
        Participant(modalities=("ECG", "XRAY"))
    with pytest.raises(ConfigError, match="noise"):
        Participant(snr_db=10, noise=("hum",))
    with pytest.raises(ConfigError, match="ectopic_rate"):
        Participant(ectopic_rate=0.9)


def _session_digest(seed: int) -> tuple[str, int]:
    session = heartmind.Session(clock="virtual", seed=seed)
    session.add_sensor("simulator", modalities=["ECG", "PPG", "EDA", "RSP", "KEYS", "MOUSE"])
    digest = hashlib.sha256()
    count = [0]

    def on_chunk(chunk: Chunk) -> None:
        digest.update(chunk.info.name.encode())
        digest.update(chunk.timestamps.tobytes())
        if chunk.info.dtype == "string":
            digest.update("\x00".join(chunk.data.ravel()).encode())
        else:
            digest.update(chunk.data.tobytes())
        count[0] += 1

    session.subscribe("stream:*", on_chunk)
    stats = session.run(duration=60)
    assert stats["sensors"]["simulator"]["read_errors"] == 0
    return digest.hexdigest(), count[0]


def test_session_runs_simulator_deterministically() -> None:
    first, n = _session_digest(1)
    assert n > 60 * 4 * 4  # four signal streams in 0.25 s chunks, plus truth and input
    assert _session_digest(1) == (first, n)
    assert _session_digest(2)[0] != first


def test_plugin_option_overrides_session_seed() -> None:
    session = heartmind.Session(clock="virtual", seed=1)
    sensor = session.add_sensor("simulator", seed=7, modalities=["ECG"], duration=5.0)
    got: list[Chunk] = []
    session.subscribe("type:ECG", got.append)
    session.run(duration=10)
    assert sensor.streams[0].source_id.endswith(":7")
    assert sum(len(c) for c in got) == 5 * 500  # the sensor's own duration ends it
    ecg = np.concatenate([c.data[:, 0] for c in got])
    expected = Participant("rest-stress-recovery", seed=7).record(5.0)["ECG"].data[:, 0]
    np.testing.assert_array_equal(ecg, expected)


def test_plugin_import_is_cheap() -> None:
    code = (
        "import sys, heartmind.plugins.simulator as s; "
        "assert 'heartmind.sim' not in sys.modules; assert 'scipy' not in sys.modules; "
        "print(len(s.OPTIONS))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) > 10
