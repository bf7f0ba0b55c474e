"""XDF write throughput and read time of heartmind.xdf (and pyxdf for comparison).

Run::

    .venv/bin/python benchmarks/bench_xdf.py            # writer + reader, pyxdf included
    .venv/bin/python benchmarks/bench_xdf.py --no-pyxdf # skip the slow pyxdf run

Figures printed:

* write throughput of a 2048-channel float32 stream at 20 kHz, ~10 s of data, in MB/s of
  sample values (and of file bytes);
* read time of a synthetic 1-hour recording of 8 streams (~0.55 GB): ECG 500 Hz,
  PPG 100 Hz, EEG 32 ch 500 Hz (double64), EDA 32 Hz, RSP 50 Hz, ACC 3 ch 100 Hz,
  HR 4 Hz and string markers, written in 0.1 s chunks with jittered timestamps, read by
  ``heartmind.xdf.read_xdf`` and by ``pyxdf.load_xdf`` (no sync, no dejitter), and the
  peak memory of ``read_xdf`` and ``iter_xdf_chunks`` on it, each in its own process.

Files go to a temporary directory that is deleted afterwards.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from heartmind import StreamInfo
from heartmind.xdf import XdfWriter, read_xdf

MB = 1e6


def bench_write(
    folder: Path, channels: int = 2048, rate: float = 20000.0, seconds: float = 10.0
) -> None:
    """Write ``seconds`` of a ``channels`` × ``rate`` float32 stream; print MB/s."""
    info = StreamInfo("bigamp", "EEG", tuple(f"ch{i}" for i in range(channels)), "uV", rate)
    block = 1000  # samples per chunk (50 ms)
    rng = np.random.default_rng(1)
    data = rng.normal(size=(block, channels)).astype(np.float32)
    jitter = rng.normal(0, 1e-6, block)
    path = folder / "write.xdf"
    n_chunks = int(seconds * rate / block)
    start = time.perf_counter()
    with XdfWriter(path) as writer:
        sid = writer.add_stream(info)
        for i in range(n_chunks):
            ts = (i * block + np.arange(block)) / rate + jitter
            writer.write_chunk(sid, data, ts)
    elapsed = time.perf_counter() - start
    values = n_chunks * block * channels * 4
    size = path.stat().st_size
    print(
        f"write: {channels} ch float32 @ {rate:.0f} Hz, {seconds:.0f} s of data "
        f"({values / MB:.0f} MB values, {size / MB:.0f} MB file) in {elapsed:.2f} s: "
        f"{values / MB / elapsed:.0f} MB/s of values, {size / MB / elapsed:.0f} MB/s of file "
        f"({seconds / elapsed:.1f}x real time)"
    )
    path.unlink()


STREAMS = [
    StreamInfo("ECG", "ECG", ("ECG",), "mV", 500.0),
    StreamInfo("PPG", "PPG", ("PPG",), "a.u.", 100.0),
    StreamInfo("EEG", "EEG", tuple(f"E{i}" for i in range(32)), "uV", 500.0, "float64"),
    StreamInfo("EDA", "EDA", ("EDA",), "uS", 32.0),
    StreamInfo("RSP", "RSP", ("RSP",), "a.u.", 50.0),
    StreamInfo("ACC", "ACC", ("x", "y", "z"), "g", 100.0),
    StreamInfo("HR", "HR", ("HR",), "bpm", 4.0),
    StreamInfo("Markers", "MARKERS", ("label",), "", 0.0, "string"),
]


def make_recording(path: Path, hours: float = 1.0, chunk_s: float = 0.1) -> None:
    """A synthetic recording of the 8 ``STREAMS``, written in ``chunk_s`` chunks."""
    rng = np.random.default_rng(2)
    n_chunks = int(hours * 3600 / chunk_s)
    with XdfWriter(path) as writer:
        ids = [writer.add_stream(info) for info in STREAMS]
        blocks = {}
        for info in STREAMS[:-1]:
            n = max(1, round(info.rate * chunk_s))
            blocks[info.name] = rng.normal(size=(n, info.n_channels)).astype(info.dtype)
        for i in range(n_chunks):
            t0 = 1000.0 + i * chunk_s
            for sid, info in zip(ids[:-1], STREAMS[:-1], strict=True):
                block = blocks[info.name]
                n = block.shape[0]
                ts = t0 + np.arange(n) / info.rate + rng.normal(0, 2e-5, n)
                writer.write_chunk(sid, block, ts)
            if i % 20 == 0:
                writer.write_chunk(ids[-1], [[f"event {i // 20}"]], [t0 + 0.05])
            if i % 50 == 0:
                for sid in ids:
                    writer.write_clock_offset(sid, t0, 0.0)


_PEAK = """
import json, sys
from heartmind.xdf import iter_xdf_chunks, read_xdf
def status(key):  # VmHWM is per address space: not inherited from the parent, unlike ru_maxrss
    with open("/proc/self/status") as f:
        return next(int(x.split()[1]) for x in f if x.startswith(key)) / 1024.0
base = status("VmRSS:")
if sys.argv[2] == "whole":
    read_xdf(sys.argv[1])
else:
    for block in iter_xdf_chunks(sys.argv[1]):
        pass
print(json.dumps(status("VmHWM:") - base))
"""


def peak_mb(path: Path, mode: str) -> float:
    """Peak RSS in MB above the process after its imports, reading ``path`` in a fresh
    process (Linux: from ``/proc/self/status``): ``mode`` is ``"whole"`` (read_xdf) or
    ``"iter"`` (iter_xdf_chunks)."""
    proc = subprocess.run(
        [sys.executable, "-c", _PEAK, str(path), mode], capture_output=True, text=True, check=True
    )
    return float(json.loads(proc.stdout.strip().splitlines()[-1]))


def bench_read(folder: Path, with_pyxdf: bool) -> None:
    """Print the read time of the 1-hour file, by heartmind and optionally pyxdf."""
    path = folder / "hour.xdf"
    start = time.perf_counter()
    make_recording(path)
    size = path.stat().st_size
    print(f"made 1-hour 8-stream file: {size / 1e9:.2f} GB in {time.perf_counter() - start:.1f} s")
    read_xdf(path)  # warm the page cache
    times = []
    for _ in range(3):
        start = time.perf_counter()
        streams = read_xdf(path)
        times.append(time.perf_counter() - start)
        del streams
    print(
        f"read: heartmind.xdf.read_xdf {min(times):.2f} s "
        f"(best of 3; {size / MB / min(times):.0f} MB/s)"
    )
    print(
        f"read memory (peak above the imports, own process): read_xdf "
        f"+{peak_mb(path, 'whole'):.0f} MB, iter_xdf_chunks +{peak_mb(path, 'iter'):.0f} MB"
    )
    if with_pyxdf:
        import pyxdf

        start = time.perf_counter()
        pyxdf.load_xdf(str(path), synchronize_clocks=False, dejitter_timestamps=False)
        elapsed = time.perf_counter() - start
        print(f"read: pyxdf.load_xdf {elapsed:.2f} s ({elapsed / min(times):.0f}x slower)")
    path.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-pyxdf", action="store_true", help="skip the slow pyxdf read")
    parser.add_argument("--only", choices=("write", "read"), help="run one part only")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_xdf_") as tmp:
        folder = Path(tmp)
        if args.only in (None, "write"):
            bench_write(folder)
        if args.only in (None, "read"):
            bench_read(folder, with_pyxdf=not args.no_pyxdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
