"""``analyze`` equals the offline functions, a live virtual session and neurokit2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from heartmind import Session
from heartmind.io import Track
from heartmind.plugins.analysis.api import analyze, run_processors
from heartmind.plugins.cardiac.api import ecg_peaks, hrv_summary, rr_from_peaks
from heartmind.sim import simulate_ecg
from heartmind.streams import StreamInfo
from heartmind.xdf import XdfWriter

FS = 250.0
DURATION = 420.0


def _write_xdf(path: Path, x: np.ndarray, start: float = 1000.0) -> None:
    info = StreamInfo(name="ecg", type="ECG", channels=("ECG",), units=("mV",), rate=FS)
    with XdfWriter(path) as w:
        sid = w.add_stream(info)
        for i in range(0, x.size, 2500):
            blk = x[i : i + 2500].astype(np.float32).reshape(-1, 1)
            w.write_chunk(sid, blk, start + np.arange(i, i + blk.shape[0]) / FS)


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray]:
    x, _ = simulate_ecg(DURATION, FS, seed=11, state="rest-stress-recovery", snr_db=25)
    x = x.astype(np.float32).astype(np.float64)  # what the XDF file holds
    path = tmp_path_factory.mktemp("rec") / "ecg.xdf"
    _write_xdf(path, x)
    return path, x


@pytest.fixture(scope="module")
def report(recording: tuple[Path, np.ndarray], tmp_path_factory: pytest.TempPathFactory):
    return analyze(recording[0], tmp_path_factory.mktemp("out"), plots=False)


def _events(path: Path, topic: str) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [e for e in map(json.loads, lines) if e["topic"] == topic]


def test_beats_equal_offline_ecg_peaks(report, recording) -> None:
    _, x = recording
    peaks, _ = ecg_peaks(x, FS)
    beats = np.array([e["timestamp"] for e in _events(report.out / "events.jsonl", "heart_beat")])
    assert beats.size == peaks.size
    np.testing.assert_allclose(beats, peaks / FS, atol=0.010)


def test_heart_rate_matches_offline_rate(report, recording) -> None:
    _, x = recording
    peaks, info = ecg_peaks(x, FS)
    t = peaks / FS
    rr = np.diff(t)
    decided = t[1:] + info["detection_delay"][1:]  # the rate uses the beats decided by then
    for e in _events(report.out / "events.jsonl", "heart_rate")[::7]:
        sel = (t[1:] > e["timestamp"] - e["window"]) & (decided <= e["timestamp"])
        if sel.sum() >= 3:
            assert abs(60.0 / rr[sel].mean() - e["bpm"]) < 1.0


def test_whole_recording_hrv_equals_hrv_summary(report, recording) -> None:
    _, x = recording
    peaks, _ = ecg_peaks(x, FS)
    values, _ = hrv_summary(rr_from_peaks(peaks, FS), correct=True)
    hrv = report.rows[0]["hrv"]
    assert report.rows[0]["unusable_beats_pct"] == 0.0
    for key, nk_key in (("sdnn_ms", "HRV_SDNN"), ("rmssd_ms", "HRV_RMSSD"), ("lf_hf", "HRV_LFHF")):
        assert hrv[key] == pytest.approx(values[nk_key], rel=2e-3), key
    # per-5-min windows: the first one covers the beats of its 300 s
    assert report.rows[0]["hrv_windows"][0]["end_s"] - report.rows[0]["hrv_windows"][0][
        "start_s"
    ] == pytest.approx(300.0)


def test_events_equal_a_live_virtual_session(report, recording, tmp_path: Path) -> None:
    path, _ = recording
    live = tmp_path / "live.jsonl"
    session = Session(clock="virtual")
    session.add_sensor("replay", name="recording", path=str(path))
    session.add_processor("heart-rate", name="heart-rate")
    session.add_processor("hrv", name="hrv")
    session.add_consumer("jsonl", name="out", path=str(live))
    session.run()
    mine = (report.out / "events.jsonl").read_text(encoding="utf-8").splitlines()
    theirs = live.read_text(encoding="utf-8").splitlines()
    assert len(mine) > 500
    assert sorted(mine) == sorted(theirs)


def test_results_do_not_depend_on_chunk_size(recording) -> None:
    _, x = recording
    n = int(120 * FS)
    data = x[:n].astype(np.float32).reshape(-1, 1)
    data.setflags(write=False)
    ts = np.arange(n) / FS
    ts.setflags(write=False)
    info = StreamInfo(name="ecg", type="ECG", channels=("ECG",), units=("mV",), rate=FS)
    runs = []
    for cd in (0.04, 0.1, 1.0, 30.0):
        collector, _ = run_processors([Track(info, data, ts)], None, chunk_duration=cd)
        runs.append(
            {
                k: (
                    c.t().tolist(),
                    {f: np.nan_to_num(c.get(f), nan=-1).tolist() for f in c.numbers},
                )
                for k, c in collector.columns.items()
            }
        )
    assert len(runs[0][("heart_beat", "ecg", "heart-rate")][0]) > 100
    assert all(r == runs[0] for r in runs[1:])


def test_beats_agree_with_neurokit_ecg_process(report, recording) -> None:
    nk = pytest.importorskip("neurokit2")
    _, x = recording
    _, info = nk.ecg_process(x, sampling_rate=int(FS))
    ref = np.asarray(info["ECG_R_Peaks"]) / FS
    beats = np.array([e["timestamp"] for e in _events(report.out / "events.jsonl", "heart_beat")])
    nearest = np.abs(ref[:, None] - beats[None, :]).min(axis=1)
    assert np.mean(nearest <= 0.010) >= 0.99
    assert abs(beats.size - ref.size) <= 0.01 * ref.size
