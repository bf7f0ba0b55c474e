"""Offline analysis speed and memory, and streaming beat-to-event latency.

    .venv/bin/python benchmarks/bench_analyze.py            # 1 h, 24 h, latency
    .venv/bin/python benchmarks/bench_analyze.py --quick    # 1 h and latency only
    .venv/bin/python benchmarks/bench_analyze.py --xdf-only # the 24-h XDF figures only

Every measurement runs in its own subprocess (``resource.getrusage`` peak RSS minus the
RSS after the imports and the input signal were loaded), so runs do not contaminate each
other. Figures:

* **heartmind offline ECG analysis** (the processors of ``heartmind analyze`` on a
  virtual-clock session: beats, HR each second, quality every 5 s, HRV over 5-min windows
  every 30 s, then the summary with whole-recording and per-5-min HRV) of a simulated
  single-lead ECG at 250 Hz: 1 h and 24 h;
* **neurokit2** ``ecg_process`` on the same 1-h signal (not on 24 h: it needs more than
  24 GB there);
* ``heartmind analyze`` on a 24-h XDF file, end to end (read, process, events.jsonl,
  summary, plots), and reading that file alone with ``read_xdf`` (whole) and
  ``iter_xdf_chunks`` (streaming). The file is written as a recorder writes it: 1-s
  chunks, LSL-like jittered timestamps (so every timestamp is stored: 13 bytes a sample,
  282 MB);
* **latency**: detector delay (R-peak to decision, sample time) over 1 h, and the
  wall-clock latency of ``HeartBeat`` events in a real-time session (event delivery minus
  R-peak time, on the LSL clock; includes the 0.25-s chunking of the simulator).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

FS = 250.0

_PRELUDE = """
import json, resource, time, sys
import numpy as np
def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
"""

_HEARTMIND = """
from heartmind.io import Track
from heartmind.plugins.analysis.api import run_processors, summarise
from heartmind.streams import StreamInfo
import heartmind.plugins.cardiac.api
x = np.load(sys.argv[1], mmap_mode="r")
x = np.array(x, dtype=np.float32).reshape(-1, 1); x.setflags(write=False)
ts = np.arange(x.shape[0], dtype=np.float64) / FS; ts.setflags(write=False)
info = StreamInfo(name="ecg", type="ECG", channels=("ECG",), units=("mV",), rate=FS)
tracks = [Track(info, x, ts)]
base = rss_mb()
t0 = time.perf_counter()
collector, _ = run_processors(tracks, None)
rows = summarise(tracks, collector)
wall = time.perf_counter() - t0
print(json.dumps({"wall": wall, "mem": rss_mb() - base, "beats": rows[0]["beats"],
                  "events": sum(collector.counts.values())}))
"""

_NEUROKIT = """
import neurokit2 as nk
x = np.load(sys.argv[1]).astype(np.float64)
base = rss_mb()
t0 = time.perf_counter()
signals, info = nk.ecg_process(x, sampling_rate=int(FS))
wall = time.perf_counter() - t0
print(json.dumps({"wall": wall, "mem": rss_mb() - base, "beats": len(info["ECG_R_Peaks"])}))
"""

_ANALYZE = """
from heartmind.plugins.analysis.api import analyze
import heartmind.plugins.cardiac.api, matplotlib.pyplot
base = rss_mb()
t0 = time.perf_counter()
res = analyze(sys.argv[1], sys.argv[2])
wall = time.perf_counter() - t0
print(json.dumps({"wall": wall, "mem": rss_mb() - base, "beats": res.rows[0]["beats"],
                  "files": len(res.files)}))
"""

_LATENCY = """
from heartmind.plugins.cardiac.api import ecg_peaks
from heartmind.sim import simulate_ecg
from heartmind import Session
x, _ = simulate_ecg(3600, FS, seed=2)
_, info = ecg_peaks(x, FS)
d = np.asarray(info["detection_delay"]) * 1000
out = {"delay_p50": float(np.percentile(d, 50)), "delay_p99": float(np.percentile(d, 99)),
       "delay_max": float(d.max())}
session = Session(clock="realtime")
session.add_sensor("simulator", name="sim", modalities=["ECG"], truth=False,
                   ecg_rate=FS)
session.add_processor("heart-rate", name="hr")
lat = []
session.subscribe("heart_beat", lambda ev: lat.append(session.clock.now() - ev.timestamp))
session.run(duration=float(sys.argv[1]))
w = np.asarray(lat) * 1000
out.update({"wall_p50": float(np.percentile(w, 50)), "wall_p99": float(np.percentile(w, 99)),
            "n": int(w.size)})
print(json.dumps(out))
"""


_READ = """
from heartmind.xdf import iter_xdf_chunks, read_xdf
base = rss_mb()
t0 = time.perf_counter()
if sys.argv[2] == "whole":
    n = sum(s.n_samples for s in read_xdf(sys.argv[1]))
else:
    n = sum(b.n_samples for b in iter_xdf_chunks(sys.argv[1]))
wall = time.perf_counter() - t0
print(json.dumps({"wall": wall, "mem": rss_mb() - base, "samples": n}))
"""


def _run(code: str, *args: str) -> dict[str, float]:
    script = _PRELUDE + f"FS = {FS}\n" + code
    proc = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _signal(hours: float, path: Path) -> None:
    """Simulated ECG (rest-stress-recovery repeated) at 250 Hz, hour by hour."""
    code = (
        "import numpy as np, sys\nfrom heartmind.sim import simulate_ecg\n"
        "parts = [simulate_ecg(3600, 250.0, seed=s, state='rest-stress-recovery', snr_db=20)[0]"
        ".astype(np.float32) for s in range(int(sys.argv[2]))]\n"
        "np.save(sys.argv[1], np.concatenate(parts))\n"
    )
    subprocess.run([sys.executable, "-c", code, str(path), str(int(hours))], check=True)


def _xdf(npy: Path, path: Path) -> None:
    """The signal as a recorder writes it: 1-s chunks, timestamps with 20 µs of jitter."""
    code = (
        "import numpy as np, sys\nfrom heartmind.xdf import XdfWriter\n"
        "from heartmind.streams import StreamInfo\n"
        "x = np.load(sys.argv[1], mmap_mode='r')\n"
        "rng = np.random.default_rng(0)\n"
        "info = StreamInfo(name='ecg', type='ECG', channels=('ECG',), units=('mV',), rate=250.0)\n"
        "with XdfWriter(sys.argv[2]) as w:\n"
        "    sid = w.add_stream(info)\n"
        "    for i in range(0, x.shape[0], 250):\n"
        "        blk = np.asarray(x[i:i + 250], dtype=np.float32).reshape(-1, 1)\n"
        "        ts = 1000.0 + np.arange(i, i + blk.shape[0]) / 250.0\n"
        "        w.write_chunk(sid, blk, ts + rng.normal(0, 2e-5, blk.shape[0]))\n"
    )
    subprocess.run([sys.executable, "-c", code, str(npy), str(path)], check=True)


def bench_xdf_day(tmp: Path, day: Path) -> None:
    """Print the end-to-end ``analyze`` and the read figures of the 24-h XDF file."""
    xdf = tmp / "ecg24h.xdf"
    _xdf(day, xdf)
    an = _run(_ANALYZE, str(xdf), str(tmp / "report"))
    print(
        f"24 h XDF ({xdf.stat().st_size / 1e6:.0f} MB, 1-s chunks), heartmind analyze end to "
        f"end (read, events.jsonl, summary, {an['files'] - 4} plots): {an['wall']:.1f} s "
        f"({86400 / an['wall']:,.0f}× real time), +{an['mem']:.0f} MB peak, "
        f"{an['beats']} beats"
    )
    for mode, label in (("whole", "read_xdf (whole file)"), ("iter", "iter_xdf_chunks")):
        rd = _run(_READ, str(xdf), mode)
        print(f"24 h XDF, {label}: {rd['wall']:.2f} s, +{rd['mem']:.0f} MB peak")
    xdf.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 24-h runs")
    parser.add_argument(
        "--xdf-only", action="store_true", help="only the 24-h XDF analyze and read figures"
    )
    parser.add_argument("--latency-s", type=float, default=60.0, help="real-time session, s")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.xdf_only:
            day = Path(tmp) / "ecg24h.npy"
            _signal(24, day)
            bench_xdf_day(Path(tmp), day)
            return
        one = Path(tmp) / "ecg1h.npy"
        _signal(1, one)
        hm = _run(_HEARTMIND, str(one))
        print(f"1 h ECG at 250 Hz, heartmind offline analysis: {hm['wall']:.2f} s "
              f"({3600 / hm['wall']:,.0f}× real time), +{hm['mem']:.0f} MB, "
              f"{hm['beats']} beats, {hm['events']} events")  # fmt: skip
        nk = _run(_NEUROKIT, str(one))
        print(f"1 h ECG at 250 Hz, neurokit2 ecg_process:       {nk['wall']:.2f} s "
              f"({3600 / nk['wall']:,.0f}× real time), +{nk['mem']:.0f} MB, "
              f"{nk['beats']} beats")  # fmt: skip
        if not args.quick:
            day = Path(tmp) / "ecg24h.npy"
            _signal(24, day)
            hm = _run(_HEARTMIND, str(day))
            print(f"24 h ECG at 250 Hz, heartmind offline analysis: {hm['wall']:.1f} s "
                  f"({86400 / hm['wall']:,.0f}× real time), +{hm['mem']:.0f} MB, "
                  f"{hm['beats']} beats")  # fmt: skip
            print("24 h ECG, neurokit2 ecg_process: not run (needs more than 24 GB of memory)")
            bench_xdf_day(Path(tmp), day)
        lat = _run(_LATENCY, str(args.latency_s))
        print(
            f"beat-to-event, detector delay (sample time, 1 h): p50 {lat['delay_p50']:.0f} ms, "
            f"p99 {lat['delay_p99']:.0f} ms, max {lat['delay_max']:.0f} ms"
        )
        print(
            f"beat-to-event, wall clock (real-time session, {args.latency_s:.0f} s, "
            f"{lat['n']} beats): p50 {lat['wall_p50']:.0f} ms, p99 {lat['wall_p99']:.0f} ms"
        )


if __name__ == "__main__":
    main()
