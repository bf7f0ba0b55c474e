"""Replay and simulate figures.

    .venv/bin/python benchmarks/bench_replay.py [--hours 1] [--simulate-seconds 30]

1. ``--speed max`` replay of a multi-stream XDF (ECG 500 Hz, PPG 100 Hz, EEG 32 ch 500 Hz,
   markers) through a virtual session: with a null consumer, and with ``heart-rate``.
2. Wall-clock rate error of ``heartmind simulate ecg`` read by a pylsl inlet (this part
   runs only inside ``scripts/loopback-only``; it is skipped elsewhere).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

import heartmind
from heartmind.sim import Participant
from heartmind.xdf import XdfWriter


def write_recording(path: Path, hours: float) -> float:
    """Simulated ECG/PPG/EEG + markers, written in 10-s blocks; returns the seconds."""
    seconds = hours * 3600.0
    p = Participant(seed=1, modalities=("ECG", "PPG", "EEG"), rates={"ECG": 500, "EEG": 500})
    block = p.record(10.0)  # one 10-s block, repeated (content does not matter for speed)
    with XdfWriter(path) as w:
        ids = {k: w.add_stream(r.info) for k, r in block.items() if k in ("ECG", "PPG", "EEG")}
        mk = w.add_stream(heartmind.StreamInfo("mk", "Markers", ("m",), "", 0.0, "string"))
        for j in range(int(seconds // 10)):
            for k, sid in ids.items():
                rec = block[k]
                w.write_chunk(sid, rec.data, rec.timestamps + 10.0 * j)
            w.write_chunk(mk, [f"block {j}"], [10.0 * j])
    return seconds


def replay_speed(path: Path, heart_rate: bool) -> tuple[float, float]:
    """(× real time, wall s) of a --speed max replay."""
    session = heartmind.Session(clock="virtual")
    session.add_sensor("replay", path=str(path), name="rp")
    if heart_rate:
        session.add_processor("heart-rate", name="hr")
    session.subscribe("stream:*", lambda c: None)  # the null consumer
    t = time.perf_counter()
    session.run()
    wall = time.perf_counter() - t
    return session.elapsed / wall, wall


def simulate_rate(seconds: float) -> None:
    if os.environ.get("HEARTMIND_NETNS") != "loopback-only":
        print("simulate: skipped (run through scripts/loopback-only for the LSL figure)")
        return
    from heartmind.plugins.lsl import ensure_lsl, lsl_subprocess_env

    pylsl = ensure_lsl()
    prefix = f"b{uuid.uuid4().hex[:8]}"
    cmd = [sys.executable, "-m", "heartmind.cli.main", "--plugins", "simulator", "simulate"]
    proc = subprocess.Popen(
        [*cmd, "ecg", "--name-prefix", prefix, "--duration", str(seconds + 10)],
        stderr=subprocess.DEVNULL,
        env=lsl_subprocess_env(),
        start_new_session=True,
        cwd="/",
    )
    try:
        (found,) = pylsl.resolve_byprop("name", f"{prefix}-ECG", 1, 10.0)
        inlet = pylsl.StreamInlet(found, max_buflen=60)
        inlet.open_stream(timeout=5.0)
        recv, last, n = [], [], 0
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            _, ts = inlet.pull_chunk(timeout=0.2)
            if ts:
                n += len(ts) if recv else 0  # samples after the first arrival
                recv.append(pylsl.local_clock())
                last.append(ts[-1])
        inlet.close_stream()
        del inlet
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=10)
    slope = np.polyfit(np.array(last), np.array(recv), 1)[0]
    span = recv[-1] - recv[0]
    print(
        f"simulate ecg, {seconds:.0f} s: wall-clock rate error {abs(slope - 1) * 100:.4f} % "
        f"(fit of arrival vs timestamp); {n:,} samples in {span:.2f} s of arrivals "
        f"= {n / span if span else 0:.2f} Hz for 500 Hz nominal"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hours", type=float, default=1.0)
    parser.add_argument("--simulate-seconds", type=float, default=30.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xdf"
        t = time.perf_counter()
        seconds = write_recording(path, args.hours)
        size = path.stat().st_size / 1e6
        print(f"wrote {seconds / 3600:g} h XDF ({size:,.0f} MB) in {time.perf_counter() - t:.1f} s")
        for hr in (False, True):
            speed, wall = replay_speed(path, hr)
            what = "heart-rate processor" if hr else "null consumer"
            print(f"replay --speed max, {what}: {speed:,.0f}× real time ({wall:.1f} s)")
    simulate_rate(args.simulate_seconds)


if __name__ == "__main__":
    main()
