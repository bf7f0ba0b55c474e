"""The ``heart-rate`` processor: directly, inside a virtual-clock Session, and by spec name."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from ecg_synth import match, synth_ecg

import heartmind
from heartmind import Chunk, Context, HeartBeat, HeartRate, StreamInfo, VirtualClock
from heartmind.errors import ConfigError
from heartmind.plugins.cardiac.api import HeartRateProcessor


def _info(name: str = "ecg", fs: float = 250.0, channels: tuple[str, ...] = ("ECG",)) -> StreamInfo:
    return StreamInfo(name=name, type="ECG", channels=channels, units="mV", rate=fs)


def _chunks(x: np.ndarray, info: StreamInfo, t0: float, size: int) -> Iterator[Chunk]:
    data = x.reshape(x.shape[0], -1)
    for i in range(0, data.shape[0], size):
        ts = t0 + np.arange(i, min(i + size, data.shape[0])) / info.rate
        yield Chunk(data[i : i + size], ts, info)


def _run(proc: HeartRateProcessor, chunks: Iterator[Chunk]) -> list[heartmind.Event]:
    out: list[heartmind.Event] = []
    for chunk in chunks:
        out.extend(e for e in proc.process(chunk) if isinstance(e, heartmind.Event))
    out.extend(e for e in proc.flush() if isinstance(e, heartmind.Event))
    return out


def _constant(bpm: float, duration: float, fs: float, seed: int = 0):
    return synth_ecg(duration, fs, snr_db=15.0, bpm=bpm, rsa=0.0, jitter=0.0, seed=seed)


def test_beats_and_rate_on_constant_rate() -> None:
    fs, t0 = 250.0, 1000.0
    s = _constant(72.0, 60.0, fs)
    proc = HeartRateProcessor(hr_interval=1.0, hr_window=10.0)
    proc.start(Context(name="hr", clock=VirtualClock(), inputs=(_info(fs=fs),)))
    events = _run(proc, _chunks(s.ecg, _info(fs=fs), t0, 32))
    beats = [e for e in events if isinstance(e, HeartBeat)]
    rates = [e for e in events if isinstance(e, HeartRate)]
    times = np.array([b.timestamp for b in beats])
    n, err = match(s.beats + t0, times, 0.05)
    assert n == len(s.beats) == len(beats)
    assert np.abs(err).max() < 0.01  # beat timestamps are R-peak times on the stream clock
    assert beats[0].rr is None and all(b.rr is not None for b in beats[1:])
    assert all(abs(b.rr - 60 / 72) < 0.01 for b in beats[1:] if b.rr is not None)
    assert all(b.stream == "ecg" and b.source == "hr" and not b.ectopic for b in beats)
    # one rate per second of sample time, on the grid t0 + k
    grid = np.array([r.timestamp for r in rates]) - t0
    np.testing.assert_allclose(grid, np.round(grid), atol=1e-9)
    assert np.all(np.diff(grid) == 1.0)
    assert rates[0].timestamp > beats[1].timestamp  # no rate before two beats
    assert len(rates) >= 57
    assert all(abs(r.bpm - 72.0) < 1.0 for r in rates)
    assert all(r.window == 10.0 and r.stream == "ecg" for r in rates)


def test_rate_uses_only_beats_decided_by_then() -> None:
    fs = 500.0
    s = _constant(60.0, 30.0, fs)
    proc = HeartRateProcessor()
    events = _run(proc, _chunks(s.ecg, _info(fs=fs), 0.0, 5000))
    beat_times = np.array([e.timestamp for e in events if isinstance(e, HeartBeat)])
    for rate in (e for e in events if isinstance(e, HeartRate)):
        # every beat older than 0.25 s is known to the rate; newer ones may not be
        window = beat_times[(beat_times > rate.timestamp - 10.0) & (beat_times <= rate.timestamp)]
        assert len(window) >= 2
        assert abs(rate.bpm - 60.0) < 1.0


def test_chunking_does_not_change_events() -> None:
    fs = 250.0
    s = synth_ecg(30.0, fs, snr_db=10.0, seed=3)
    runs = []
    for size in (1, 13, 250, s.ecg.size):
        events = _run(HeartRateProcessor(), _chunks(s.ecg, _info(fs=fs), 5.0, size))
        runs.append([(e.topic, round(e.timestamp, 9)) for e in events])
    assert all(r == runs[0] for r in runs[1:])
    assert len(runs[0]) > 60


def test_long_pause_is_flagged_ectopic_and_excluded() -> None:
    fs = 250.0
    rr = np.full(40, 0.8)
    rr[20] = 2.8  # a sinus pause (or missed beats): implausible RR
    beats = 0.5 + np.concatenate(([0.0], np.cumsum(rr)))
    s = synth_ecg(float(beats[-1] + 1.0), fs, snr_db=20.0, beats=beats, seed=4)
    events = _run(HeartRateProcessor(), _chunks(s.ecg, _info(fs=fs), 0.0, 100))
    hb = [e for e in events if isinstance(e, HeartBeat)]
    assert len(hb) == beats.size
    flagged = [e for e in hb if e.ectopic]
    assert len(flagged) == 1 and abs(flagged[0].timestamp - beats[21]) < 0.01
    assert flagged[0].rr is not None and abs(flagged[0].rr - 2.8) < 0.01
    rates = [e.bpm for e in events if isinstance(e, HeartRate)]
    assert all(abs(b - 75.0) < 1.0 for b in rates)


def test_several_streams_keep_their_own_state() -> None:
    a = _constant(60.0, 40.0, 250.0, seed=5)
    b = _constant(90.0, 40.0, 1000.0, seed=6)
    ia, ib = _info("chest", 250.0), _info("limb", 1000.0)
    proc = HeartRateProcessor()
    events: list[heartmind.Event] = []
    for ca, cb in zip(_chunks(a.ecg, ia, 0.0, 250), _chunks(b.ecg, ib, 0.0, 1000), strict=True):
        for c in (ca, cb):
            events.extend(e for e in proc.process(c) if isinstance(e, heartmind.Event))
    for stream, bpm in (("chest", 60.0), ("limb", 90.0)):
        rates = [e for e in events if isinstance(e, HeartRate) and e.stream == stream]
        assert len(rates) >= 35
        assert all(abs(r.bpm - bpm) < 1.0 for r in rates), stream


def test_channel_option_and_errors() -> None:
    fs = 250.0
    s = _constant(80.0, 20.0, fs)
    noise = np.random.default_rng(0).normal(0, 0.01, s.ecg.size)
    info = _info(fs=fs, channels=("resp", "II"))
    two = np.column_stack([noise, s.ecg])
    for channel in ("II", "1", "-1"):
        events = _run(HeartRateProcessor(channel=channel), _chunks(two, info, 0.0, 50))
        rates = [e for e in events if isinstance(e, HeartRate)]
        assert rates and all(abs(r.bpm - 80.0) < 1.0 for r in rates), channel
    proc = HeartRateProcessor(channel="V9")
    with pytest.raises(ConfigError, match="resp, II"):
        proc.start(Context(name="hr", clock=VirtualClock(), inputs=(info,)))
    irregular = StreamInfo(name="m", type="ECG", channels=("x",), rate=0.0)
    with pytest.raises(ConfigError, match="nominal rate"):
        HeartRateProcessor().start(Context(name="hr", clock=VirtualClock(), inputs=(irregular,)))
    with pytest.raises(ConfigError):
        HeartRateProcessor(hr_interval=0.0)


def test_gap_restarts_detection() -> None:
    fs = 250.0
    s = _constant(60.0, 30.0, fs)
    info = _info(fs=fs)
    chunks = list(_chunks(s.ecg[:3750], info, 0.0, 250))  # 15 s
    chunks += list(_chunks(s.ecg[3750:], info, 100.0, 250))  # resumes at t = 100 s
    events = _run(HeartRateProcessor(), iter(chunks))
    hb = [e for e in events if isinstance(e, HeartBeat)]
    after = [e for e in hb if e.timestamp > 100.0]
    assert after and after[0].rr is None  # no RR across the gap
    assert len(hb) >= 28


# --------------------------------------------------------------------------- in a Session


class _ECGSensor(heartmind.Sensor):
    """Plays a synthetic ECG in chunks of 0.2 s (a generated source, not live)."""

    live = False

    def __init__(self, x: np.ndarray, fs: float, name: str = "ecg") -> None:
        self.info = _info(name, fs)
        self._chunks = _chunks(x, self.info, 0.0, int(0.2 * fs))
        self._done = False

    @property
    def streams(self) -> tuple[StreamInfo, ...]:
        return (self.info,)

    def read(self, timeout: float) -> Chunk | None:
        chunk = next(self._chunks, None)
        self._done = chunk is None
        return chunk

    @property
    def finished(self) -> bool:
        return self._done


def test_in_a_virtual_session_by_spec_name() -> None:
    fs = 500.0
    s = _constant(66.0, 60.0, fs, seed=7)
    session = heartmind.Session(clock="virtual", seed=1)
    session.add_sensor(_ECGSensor(s.ecg, fs), name="participant")
    session.add_processor("heart-rate", name="hr", inputs=["participant"], hr_interval=2.0)
    beats: list[HeartBeat] = []
    rates: list[HeartRate] = []
    session.subscribe("heart_beat", beats.append)
    session.subscribe("heart_rate", rates.append)
    stats = session.run()
    assert stats["processors"]["hr"]["errors"] == 0
    n, err = match(s.beats, np.array([b.timestamp for b in beats]), 0.05)
    assert n == len(s.beats) == len(beats)
    assert np.abs(err).max() < 0.01
    assert all(b.source == "hr" and b.stream == "ecg" and b.time for b in beats)
    # every 2 s; at t = 2 s the learning phase (2 s) has not reported its beats yet
    np.testing.assert_allclose([r.timestamp for r in rates], np.arange(4.0, 59.0, 2.0))
    assert all(abs(r.bpm - 66.0) < 1.0 for r in rates)
    assert rates[0].time.startswith("2026-01-05T09:00:04")


def test_spec_through_the_plugin_manager() -> None:
    pm = heartmind.PluginManager()
    spec = pm.get("processors", "heart-rate")
    assert spec.plugin == "cardiac"
    assert spec.inputs == ("ECG",)
    assert spec.outputs == ("heart_beat", "heart_rate", "signal_quality")
    options = heartmind.specs.validate_options(spec.options, {"hr_window": 30}, "test")
    assert {k: options[k] for k in ("hr_interval", "hr_window", "channel")} == {
        "hr_interval": 1.0,
        "hr_window": 30.0,
        "channel": "",
    }
    proc = spec.factory(**options)
    assert isinstance(proc, HeartRateProcessor) and proc.hr_window == 30.0
    with pytest.raises(ConfigError, match="hr_interval"):
        heartmind.specs.validate_options(spec.options, {"hr_interval": -1.0}, "test")
    with pytest.raises(ConfigError, match="valid options"):
        heartmind.specs.validate_options(spec.options, {"window": 3.0}, "test")
