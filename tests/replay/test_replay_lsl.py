"""``heartmind replay --lsl`` in a subprocess, read by a plain pylsl inlet in this process."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
from replay_testkit import write_xdf

pytestmark = [pytest.mark.lsl, pytest.mark.slow, pytest.mark.timeout(60)]


def test_replay_lsl_is_read_by_a_pylsl_inlet(tmp_path: Path) -> None:
    from heartmind.plugins.lsl import ensure_lsl, lsl_subprocess_env

    pylsl = ensure_lsl()
    uid = uuid.uuid4().hex[:10]
    path = tmp_path / "rec.xdf"
    written = write_xdf(path, seconds=5.0, prefix=f"r{uid}")
    cmd = [sys.executable, "-m", "heartmind.cli.main", "--plugins", "replay,lsl"]
    proc = subprocess.Popen(
        [*cmd, "replay", str(path), "--lsl", "--lsl-prefix", "x"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=lsl_subprocess_env(),
        start_new_session=True,
        cwd="/",  # a stale *.egg-info in the working directory would shadow entry points
    )
    inlets = []
    try:
        for name in (f"xr{uid}-ecg", f"xr{uid}-mk"):
            found = pylsl.resolve_byprop("name", name, 1, 10.0)
            assert found, f"{name} was not published"
            inlets.append(pylsl.StreamInlet(found[0], max_buflen=30))
            inlets[-1].open_stream(timeout=5.0)
        got: list[tuple[list, list]] = [([], []), ([], [])]
        deadline = time.monotonic() + 15
        while proc.poll() is None and time.monotonic() < deadline:
            for inlet, (values, stamps) in zip(inlets, got, strict=True):
                data, ts = inlet.pull_chunk(timeout=0.05)
                values.extend(data)
                stamps.extend(ts)
        for inlet, (values, stamps) in zip(inlets, got, strict=True):
            data, ts = inlet.pull_chunk(timeout=0.5)
            values.extend(data)
            stamps.extend(ts)
        _, err = proc.communicate(timeout=10)
    finally:
        for inlet in inlets:
            inlet.close_stream()
        inlets.clear()
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    assert proc.returncode == 0, err
    data, ts = written[f"r{uid}-ecg"]
    values, stamps = np.asarray(got[0][0], dtype=np.float32), np.asarray(got[0][1])
    assert len(values) > 0.5 * len(data)  # the inlet joined while the replay ran
    start = len(data) - len(values)  # it receives the tail of the file
    np.testing.assert_array_equal(values, data[start:])
    shift = stamps - ts[start:]
    np.testing.assert_allclose(shift, shift[0], atol=1e-6)  # original relative timing
    marks = [v[0] for v in got[1][0]]
    assert marks[-1] == "end" and set(marks) <= {"start", "middle", "end"}
