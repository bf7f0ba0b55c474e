"""Crash safety: a writer process killed with SIGKILL leaves a file pyxdf loads."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pyxdf
import xdf_testkit as kit

from heartmind.xdf import read_xdf, xdf_info

WRITER = textwrap.dedent(
    """
    import sys, numpy as np
    from heartmind import StreamInfo
    from heartmind.xdf import XdfWriter

    writer = XdfWriter(sys.argv[1], flush_interval=0.02, boundary_interval=0.1)
    ecg = writer.add_stream(StreamInfo("ecg", "ECG", ("ECG", "ECG2"), "mV", 500.0))
    mk = writer.add_stream(StreamInfo("mk", "MARKERS", ("m",), "", 0.0, "string"))
    i = 0
    while True:
        ts = i * 0.05 + np.arange(25) / 500.0 + 1e-6
        writer.write_chunk(ecg, np.full((25, 2), i, np.float32), ts)
        writer.write_chunk(mk, [[f"chunk {i}"]], [ts[0]])
        if i == 40:
            print("ready", flush=True)
        i += 1
    """
)


def test_sigkilled_writer_leaves_a_loadable_file(tmp_path: Path) -> None:
    path = tmp_path / "crash.xdf"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.2)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == -signal.SIGKILL
    theirs, _ = pyxdf.load_xdf(str(path))  # pyxdf's defaults: sync and dejitter on
    assert [s["info"]["name"][0] for s in theirs] == ["ecg", "mk"]
    complete = path
    cut = xdf_info(path)["truncated_at"]
    if cut is not None:
        # the kill fell inside a write: pyxdf may keep a partial last sample (a cut string,
        # stale bytes); compare on the file up to the last complete chunk, which is what
        # read_xdf reads
        complete = tmp_path / "complete.xdf"
        complete.write_bytes(path.read_bytes()[:cut])
    ecg, mk = kit.assert_same_as_pyxdf(complete)
    for ours, whole in zip(read_xdf(path), (ecg, mk), strict=True):
        np.testing.assert_array_equal(ours.time_stamps, whole.time_stamps)
    assert ecg.footer_xml is None and mk.footer_xml is None
    n_chunks = ecg.n_samples // 25
    assert n_chunks > 40 and ecg.n_samples % 25 == 0  # only whole chunks, all of them
    expected = np.repeat(np.arange(n_chunks, dtype=np.float32), 25)
    np.testing.assert_array_equal(ecg.time_series[:, 0], expected)
    n_markers = mk.n_samples  # the kill may fall between an ECG chunk and its marker
    assert n_markers in (n_chunks - 1, n_chunks)
    assert mk.time_series[:, 0].tolist() == [f"chunk {i}" for i in range(n_markers)]
    info = xdf_info(path)
    assert [s["has_footer"] for s in info["streams"]] == [False, False]
    assert info["streams"][0]["sample_count"] == ecg.n_samples
    assert len(read_xdf(path, dejitter=True)[0].time_stamps) == ecg.n_samples
