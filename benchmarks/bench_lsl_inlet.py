"""Added latency of the lsl-inlet sensor over a raw pylsl inlet on the same outlet.

An outlet in another process pushes 2 samples every 10 ms (200 Hz), each push stamped
with the LSL clock at the moment it is due. Two readers take turns on that outlet for
``SECONDS`` s each, alone in this process:

* raw: a ``pylsl.StreamInlet`` pulling with ``pull_chunk`` in a loop;
* heartmind: the ``lsl-inlet`` sensor in a ``Session(clock="realtime")``, measured in a
  subscriber callback (sensor thread → buffer → worker → dispatcher → subscriber thread).

Latency = local_clock() on receipt − timestamp of the newest sample. Prints p50/p99 in ms
side by side, and the difference (the latency heartmind adds).

Run (LSL only inside the loopback-only namespace):
    scripts/loopback-only .venv/bin/python benchmarks/bench_lsl_inlet.py
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

import heartmind as hm
from heartmind.plugins.lsl.api import ensure_lsl, lsl_subprocess_env

log = logging.getLogger("bench_lsl_inlet")
SECONDS = 5.0
RATE = 200.0
OUTLET = Path(__file__).resolve().parents[1] / "tests" / "lsl" / "lsl_outlet_proc.py"


def _raw(pylsl: Any, name: str) -> list[float]:
    found = pylsl.resolve_byprop("name", name, 1, 5.0)
    inlet = pylsl.StreamInlet(found[0])
    inlet.open_stream(5.0)
    inlet.time_correction(5.0)
    clock = pylsl.local_clock
    lat: list[float] = []
    end = clock() + SECONDS
    while clock() < end:
        _, ts = inlet.pull_chunk(timeout=0.1, max_samples=1024, min_samples=1)
        if len(ts):
            lat.append(clock() - ts[-1])
    inlet.close_stream()
    return lat[20:]  # skip the warm-up


def _heartmind(name: str) -> list[float]:
    session = hm.Session(clock="realtime")
    session.add_sensor("lsl-inlet", name="in", lsl_name=name)
    lat: list[float] = []
    session.subscribe(
        "stream:*", lambda c: lat.append(hm.local_clock() - c.last_timestamp), name="bench"
    )
    session.start()
    try:
        time.sleep(SECONDS)
    finally:
        session.stop()
    return lat[20:]


def _row(label: str, lat: list[float]) -> tuple[float, float]:
    p50, p99 = (float(np.percentile(np.asarray(lat) * 1e3, q)) for q in (50, 99))
    print(f"{label:<12} {len(lat):>7} {p50:>9.3f} {p99:>9.3f}")
    return p50, p99


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    pylsl = ensure_lsl()
    name = f"bench-{uuid.uuid4().hex[:8]}"
    proc = subprocess.Popen(
        [
            sys.executable,
            str(OUTLET),
            "--name",
            name,
            "--source-id",
            name,
            "--rate",
            str(RATE),
            "--channels",
            "8",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=lsl_subprocess_env(),
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().startswith("READY")
        raw = _raw(pylsl, name)
        ours = _heartmind(name)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    print(
        f"outlet in another process: {RATE:g} Hz, 8 ch float32, 2 samples per push, "
        f"{SECONDS:g} s per reader"
    )
    print(f"{'reader':<12} {'chunks':>7} {'p50 ms':>9} {'p99 ms':>9}")
    r50, r99 = _row("raw pylsl", raw)
    h50, h99 = _row("heartmind", ours)
    print(f"{'added':<12} {'':>7} {h50 - r50:>9.3f} {h99 - r99:>9.3f}")


if __name__ == "__main__":
    main()
