"""Offline analysis speed and memory, and streaming beat-to-event latency.

    .venv/bin/python benchmarks/bench_analyze.py            # 1 h, 24 h, latency
    .venv/bin/python benchmarks/bench_analyze.py --quick    # 1 h and latency only

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
  summary, plots);
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
from heartmind.plugins.analysis.run import run_processors
from heartmind.plugins.analysis.summary import summarise
from heartmind.plugins.replay.sources import Track
from heartmind.streams import StreamInfo
import heartmind.plugins.cardiac.processor, heartmind.plugins.cardiac.hrv_processor
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
from heartmind.plugins.analysis.run import analyze
import heartmind.plugins.cardiac.processor, matplotlib.pyplot
base = rss_mb()
t0 = time.perf_counter()
res = analyze(sys.argv[1], sys.argv[2])
wall = time.perf_counter() - t0
print(json.dumps({"wall": wall, "mem": rss_mb() - base, "beats": res.rows[0]["beats"],
                  "files": len(res.files)}))
"""

_LATENCY = """
from heartmind.plugins.cardiac.ecg import ecg_peaks
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
    code = (
        "import numpy as np, sys\nfrom heartmind.xdf import XdfWriter\n"
        "from heartmind.streams import StreamInfo\n"
        "x = np.load(sys.argv[1], mmap_mode='r')\n"
        "info = StreamInfo(name='ecg', type='ECG', channels=('ECG',), units=('mV',), rate=250.0)\n"
        "with XdfWriter(sys.argv[2]) as w:\n"
        "    sid = w.add_stream(info)\n"
        "    for i in range(0, x.shape[0], 250 * 60):\n"
        "        blk = np.asarray(x[i:i + 15000], dtype=np.float32).reshape(-1, 1)\n"
        "        w.write_chunk(sid, blk, 1000.0 + np.arange(i, i + blk.shape[0]) / 250.0)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(npy), str(path)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 24-h runs")
    parser.add_argument("--latency-s", type=float, default=60.0, help="real-time session, s")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
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
            xdf = Path(tmp) / "ecg24h.xdf"
            _xdf(day, xdf)
            an = _run(_ANALYZE, str(xdf), str(Path(tmp) / "report"))
            print(
                f"24 h XDF, heartmind analyze end to end (read, events.jsonl, summary, "
                f"{an['files'] - 4} plots): {an['wall']:.1f} s, +{an['mem']:.0f} MB"
            )
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
