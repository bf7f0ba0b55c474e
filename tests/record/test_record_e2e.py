"""End to end: simulated devices in one process, a live heart-rate pipeline recording them
in another, the file checked with pyxdf, and a replay that gives the live run's events."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from subprocess import Popen

import numpy as np
import pytest

pytestmark = [pytest.mark.lsl, pytest.mark.slow]

DURATION = 60.0  # s recorded
RATES = {"ECG": 500.0, "PPG": 100.0, "EEG": 256.0}


def _pipeline(path: Path, body: str) -> Path:
    path.write_text(body)
    return path


def _events(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.mark.timeout(240)
def test_record_simulated_devices_and_replay_gives_the_live_events(
    tmp_path: Path, uid: str, spawn_heartmind: Callable[..., Popen[str]]
) -> None:
    import pyxdf

    prefix = f"e2e{uid}"
    names = [f"{prefix}-{kind}" for kind in ("ECG", "PPG", "EEG")] + [f"{prefix}-TRUTH"]
    sim = spawn_heartmind(
        "simulate",
        "ecg",
        "ppg",
        "eeg",
        "--duration",
        str(DURATION + 40),
        "--name-prefix",
        prefix,
        "--source-id",
        prefix,
    )
    out = tmp_path / "session.xdf"
    live_log = tmp_path / "live.jsonl"
    live = _pipeline(
        tmp_path / "live.toml",
        f"""
[session]
clock = "realtime"
duration = {DURATION}

[sensors.lsl]
spec = "lsl-streams"
options = {{ lsl_names = {json.dumps(names)}, wait = 20.0 }}

[processors.hr]
spec = "heart-rate"
inputs = ["lsl"]

[consumers.rec]
spec = "xdf-recorder"
options = {{ path = "{out}" }}

[consumers.log]
spec = "jsonl"
topics = ["heart_beat", "heart_rate"]
options = {{ path = "{live_log}" }}
""",
    )
    rec = spawn_heartmind("run", str(live), "--events", "none")
    _, err = rec.communicate(timeout=DURATION + 90)
    assert rec.returncode == 0, err
    assert sim.poll() is None, "the simulator ended before the recording"

    streams, _ = pyxdf.load_xdf(str(out), synchronize_clocks=False, dejitter_timestamps=False)
    by_name = {s["info"]["name"][0]: s for s in streams}
    assert set(names) <= set(by_name), sorted(by_name)
    for kind, rate in RATES.items():
        s = by_name[f"{prefix}-{kind}"]
        ts = np.asarray(s["time_stamps"])
        assert float(s["info"]["nominal_srate"][0]) == rate
        assert np.all(np.diff(ts) > 0)  # monotonic
        assert np.allclose(np.diff(ts), 1.0 / rate, atol=1e-6)  # no sample lost
        # inlets open (and buffer) a moment before the session clock starts its duration
        assert DURATION - 3 < len(ts) / rate <= DURATION + 1.0
        assert len(s["clock_times"]) >= 10  # clock offsets every 5 s
    assert np.asarray(by_name[f"{prefix}-EEG"]["time_series"]).shape[1] == 32
    truth = by_name[f"{prefix}-TRUTH"]["time_series"]
    assert sum(str(m[0]).startswith("beat") for m in truth) > 40  # ground-truth markers

    replay_pipe = _pipeline(
        tmp_path / "hr.toml",
        """
[sensors.file]
spec = "replay"
options = { path = "unused" }

[processors.hr]
spec = "heart-rate"
inputs = ["file"]

[consumers.console]
spec = "console"
topics = ["heart_beat", "heart_rate"]
options = { format = "jsonl" }
""",
    )
    rep = spawn_heartmind(
        "replay",
        str(out),
        "--speed",
        "max",
        "--keep-timestamps",
        "--stream",
        f"{prefix}-ECG",
        "--pipeline",
        str(replay_pipe),
        "--events",
        "jsonl",
    )
    stdout, err = rep.communicate(timeout=120)
    assert rep.returncode == 0, err
    replayed = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    recorded = _events(live_log)
    for topic in ("heart_beat", "heart_rate"):
        a = [e for e in recorded if e["topic"] == topic]
        b = [e for e in replayed if e["topic"] == topic]
        assert len(a) > 40 and len(a) == len(b), (topic, len(a), len(b))
        ta = np.array([e["timestamp"] for e in a])
        tb = np.array([e["timestamp"] for e in b])
        assert np.abs(ta - tb).max() < 1e-3  # raw vs clock-corrected time: same machine
    bpm_a = [e["bpm"] for e in recorded if e["topic"] == "heart_rate"]
    bpm_b = [e["bpm"] for e in replayed if e["topic"] == "heart_rate"]
    assert np.allclose(bpm_a, bpm_b, atol=0.01)
