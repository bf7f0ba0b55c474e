"""Loading a long XDF recording for analysis or replay costs about its arrays, no more:
no whole-file index arrays, no copies of the samples or timestamps."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from heartmind import StreamInfo
from heartmind.io import open_recording
from heartmind.plugins.analysis.api import load_recording
from heartmind.xdf import XdfWriter
from heartmind.xdf import _decode as decode_module

N_CHUNKS, CHUNK = 2000, 1000  # 2 M samples: 8 MB of float32 values, 16 MB of timestamps


@pytest.fixture(scope="module")
def long_xdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One ECG channel at 250 Hz in 4-s chunks with jittered (all written) timestamps."""
    path = tmp_path_factory.mktemp("long") / "long.xdf"
    rng = np.random.default_rng(3)
    values = rng.normal(size=(CHUNK, 1)).astype(np.float32)
    with XdfWriter(path) as writer:
        sid = writer.add_stream(StreamInfo("ecg", "ECG", ("ECG",), "mV", 250.0))
        for i in range(N_CHUNKS):
            ts = (i * CHUNK + np.arange(CHUNK)) / 250.0 + rng.normal(0, 1e-5, CHUNK)
            writer.write_chunk(sid, values, ts)
    return path


@pytest.mark.parametrize("loader", [load_recording, open_recording], ids=["analysis", "io"])
def test_loading_costs_about_the_arrays(
    long_xdf: Path, monkeypatch: pytest.MonkeyPatch, loader: object
) -> None:
    monkeypatch.setattr(decode_module, "BATCH_SAMPLES", 1 << 14)  # batches scaled to the file
    tracemalloc.start()
    try:
        (track,) = loader(long_xdf).tracks  # type: ignore[operator]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    arrays = track.data.nbytes + track.timestamps.nbytes
    assert arrays == N_CHUNKS * CHUNK * (4 + 8)
    assert not track.data.flags.writeable and not track.timestamps.flags.writeable
    assert peak < 1.3 * arrays  # was about 4 times the arrays (whole-file int64 offsets)
