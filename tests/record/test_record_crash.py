"""A recording process killed with SIGKILL leaves a file pyxdf loads, short of <= 1 s."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import pyxdf

from heartmind.clock import local_clock
from heartmind.plugins.lsl import lsl_subprocess_env
from heartmind.xdf import xdf_info

pytestmark = [pytest.mark.timeout(60)]

PIPELINE = """
[session]
clock = "realtime"

[sensors.p]
spec = "simulator"
options = {{ modalities = ["ECG", "EEG"], chunk_duration = 0.1 }}

[consumers.rec]
spec = "xdf-recorder"
options = {{ path = "{out}" }}
"""


def test_sigkilled_recording_keeps_all_but_the_last_second(tmp_path: Path) -> None:
    out = tmp_path / "killed.xdf"
    toml = tmp_path / "p.toml"
    toml.write_text(PIPELINE.format(out=out))
    proc = subprocess.Popen(
        [sys.executable, "-m", "heartmind.cli.main", "run", str(toml), "--events", "none"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=lsl_subprocess_env(),
        start_new_session=True,
        cwd=Path(__file__).parent,
    )
    try:
        end = time.monotonic() + 20
        while not out.exists() or out.stat().st_size < 20_000:
            assert proc.poll() is None and time.monotonic() < end, "the recording did not start"
            time.sleep(0.05)
        time.sleep(2.5)
        killed_at = local_clock()
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    assert not any(s["has_footer"] for s in xdf_info(out)["streams"])  # really killed
    streams = {s["info"]["name"][0]: s for s in pyxdf.load_xdf(str(out))[0]}
    for name, rate in (("sim-ECG", 500.0), ("sim-EEG", 256.0)):
        ts = streams[name]["time_stamps"]
        assert killed_at - ts[-1] <= 1.0, f"{name}: lost {killed_at - ts[-1]:.3f} s"
        raw = pyxdf.load_xdf(str(out), synchronize_clocks=False, dejitter_timestamps=False)[0]
        (r,) = [s for s in raw if s["info"]["name"][0] == name]
        n = len(r["time_stamps"])
        np.testing.assert_allclose(np.diff(r["time_stamps"]), 1 / rate, rtol=1e-6)
        assert n >= (ts[-1] - ts[0]) * rate  # no hole before the end
