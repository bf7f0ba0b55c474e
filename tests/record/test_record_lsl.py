"""``heartmind record`` against plain pylsl outlets in other processes (loopback-only LSL)."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import pyxdf

from heartmind.events import event_from_json
from heartmind.xdf import read_xdf, xdf_info

pytestmark = [pytest.mark.lsl, pytest.mark.timeout(90)]

Spawn = Callable[..., subprocess.Popen[str]]


def _wait_for(path: Path, timeout: float = 15.0) -> None:
    end = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < end, f"{path} was not created"
        time.sleep(0.05)


def _done(proc: subprocess.Popen[str], timeout: float = 30.0) -> int:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("DONE"), f"outlet did not finish: {line!r}"
    return int(line.split()[1])


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    return err


def _streams(path: Path, **kw: object) -> dict[str, dict]:
    return {s["info"]["name"][0]: s for s in pyxdf.load_xdf(str(path), **kw)[0]}


def test_record_drains_every_pushed_sample_of_all_streams(
    tmp_path: Path, uid: str, spawn_outlet: Spawn, spawn_heartmind: Spawn
) -> None:
    out = tmp_path / "lsl.xdf"
    ecg = spawn_outlet(name=f"ecg-{uid}", source_id=f"ecg-{uid}", rate=100, channels=2, count=250)
    eeg = spawn_outlet(
        name=f"eeg-{uid}", type="EEG", source_id=f"eeg-{uid}", rate=500, channels=32, count=1500
    )
    mk = spawn_outlet(
        name=f"mk-{uid}", type="Markers", source_id=f"mk-{uid}", markers=True, count=25
    )
    rec = spawn_heartmind(
        "record", str(out), "--stream", f"source_id=ecg-{uid}", "--stream", "type=EEG",
        "--stream", f"name=mk-{uid}", "--stream", f"name=late-{uid}", "--wait", "5",
    )  # fmt: skip
    _wait_for(out)
    late = spawn_outlet(
        name=f"late-{uid}", source_id=f"late-{uid}", rate=250, channels=1, count=500
    )
    pushed = {f"ecg-{uid}": _done(ecg), f"eeg-{uid}": _done(eeg), f"mk-{uid}": _done(mk)}
    pushed[f"late-{uid}"] = _done(late)
    err = _stop(rec)  # right after the last push: the tail is still in transit
    assert "recorded 4 streams" in err or "recorded 5 streams" in err, err

    for kw in ({"synchronize_clocks": False, "dejitter_timestamps": False}, {}):
        streams = _streams(out, **kw)
        for name, n in pushed.items():
            s = streams[name]
            assert len(s["time_stamps"]) == n, (name, kw)
            if name.startswith("mk-"):
                assert [v[0] for v in s["time_series"]] == [f"m{k}" for k in range(n)]
                continue
            data = np.asarray(s["time_series"])
            np.testing.assert_array_equal(data[:, 0], np.arange(n))  # every sample, in order
            np.testing.assert_array_equal(data[:, -1], np.arange(n) + 1000 * (data.shape[1] - 1))
            assert np.all(np.diff(s["time_stamps"]) > 0)
            assert len(s["clock_times"]) >= 1
    assert _streams(out)[f"eeg-{uid}"]["time_series"].shape == (1500, 32)

    info = xdf_info(out)
    counts = {s["info"]["name"]: s["sample_count"] for s in info["streams"]}
    assert {k: counts[k] for k in pushed} == pushed
    assert all(s["has_footer"] for s in info["streams"])


def test_restarted_outlet_continues_the_stream_with_a_gap(
    tmp_path: Path, uid: str, spawn_outlet: Spawn, spawn_heartmind: Spawn
) -> None:
    out = tmp_path / "gap.xdf"
    name, sid = f"ecg-{uid}", f"sid-{uid}"
    first = spawn_outlet(name=name, source_id=sid, rate=100, channels=2)
    rec = spawn_heartmind("record", str(out), "--stream", f"source_id={sid}", "--wait", "5")
    _wait_for(out)
    time.sleep(1.5)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    time.sleep(1.0)
    spawn_outlet(name=name, source_id=sid, rate=100, channels=2, first=400)
    time.sleep(3.0)
    _stop(rec)

    streams = read_xdf(out)
    recorded = [s for s in streams if s.info.source_id == sid]
    assert len(recorded) == 1  # the same XDF stream before and after the restart
    (s,) = recorded
    values = s.time_series[:, 0]
    assert values[0] == 0 and values[-1] >= 400  # samples of both outlets
    (gap,) = s.gaps
    assert gap.n_lost > 0 and gap.end - gap.start > 0.5
    assert s.time_stamps[0] <= gap.start < gap.end <= s.time_stamps[-1]
    (events,) = [x for x in streams if x.info.name == "heartmind-events"]
    gaps = [event_from_json(v) for v in events.time_series[:, 0] if '"topic":"gap"' in v]
    assert [g.stream for g in gaps] == [name]
    pyxdf.load_xdf(str(out))  # clock sync + dejitter over the gap


def test_info_command_summarises_a_recording(
    tmp_path: Path, uid: str, spawn_outlet: Spawn, spawn_heartmind: Spawn
) -> None:
    out = tmp_path / "info.xdf"
    outlet = spawn_outlet(name=f"i-{uid}", source_id=f"i-{uid}", rate=200, channels=3, count=200)
    rec = spawn_heartmind("record", str(out), "--all", "--duration", "30", "--wait", "3")
    _wait_for(out)
    _done(outlet)
    _stop(rec)
    proc = spawn_heartmind("info", str(out), "--json")
    text, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    (s,) = [x for x in json.loads(text)["streams"] if x["info"]["name"] == f"i-{uid}"]
    assert (s["sample_count"], len(s["info"]["channels"]), s["info"]["rate"]) == (200, 3, 200.0)
    assert s["clock_offsets"] >= 1 and s["has_footer"]
    proc = spawn_heartmind("info", str(out))
    text, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert f"i-{uid}" in text and "200" in text
