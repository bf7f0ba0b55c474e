"""A plain pylsl outlet in its own process, for the record tests (not a test module).

Waits for a consumer, then pushes ``--count`` samples (``-1``: forever) in real time:
sample ``k`` has value ``k + 1000 * channel`` (numeric) or ``m<k>`` (``--markers``).
Prints ``READY`` once the outlet exists and ``DONE <count>`` after the last push, then
stays alive until killed (so that the stream does not disappear).
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pylsl


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--name", required=True)
    p.add_argument("--type", default="ECG")
    p.add_argument("--source-id", default="")
    p.add_argument("--rate", type=float, default=100.0)
    p.add_argument("--channels", type=int, default=2)
    p.add_argument("--count", type=int, default=-1)
    p.add_argument("--first", type=int, default=0, help="index of the first sample")
    p.add_argument("--markers", action="store_true")
    a = p.parse_args()
    fmt = pylsl.cf_string if a.markers else pylsl.cf_float32
    rate = 0.0 if a.markers else a.rate
    n_ch = 1 if a.markers else a.channels
    info = pylsl.StreamInfo(a.name, a.type, n_ch, rate, fmt, a.source_id)
    info.set_channel_labels([f"C{i + 1}" for i in range(n_ch)])
    outlet = pylsl.StreamOutlet(info)
    print("READY", flush=True)
    if not outlet.wait_for_consumers(30.0):
        print("NO-CONSUMER", flush=True)
        sys.exit(3)
    time.sleep(0.2)
    if a.markers:
        pushed = markers(outlet, a.count)
    else:
        pushed = numeric(outlet, a.count, a.first, a.rate, n_ch)
    print("DONE", pushed, flush=True)
    while True:
        time.sleep(1.0)


def markers(outlet: pylsl.StreamOutlet, count: int) -> int:
    for k in range(count):
        outlet.push_sample([f"m{k}"], pylsl.local_clock())
        time.sleep(0.03 + 0.02 * (k % 3))
    return count


def numeric(outlet: pylsl.StreamOutlet, count: int, k: int, rate: float, n_ch: int) -> int:
    block = max(1, int(rate * 0.02))
    offsets = 1000.0 * np.arange(n_ch, dtype=np.float64)
    t0 = pylsl.local_clock() - k / rate
    first = k
    while count < 0 or k - first < count:
        n = block if count < 0 else min(block, first + count - k)
        due = t0 + (k + n - 1) / rate
        delay = due - pylsl.local_clock()
        if delay > 0:
            time.sleep(delay)
        idx = np.arange(k, k + n, dtype=np.float64)
        data = (idx[:, None] + offsets[None, :]).astype(np.float32)
        outlet.push_chunk(data, (t0 + idx / rate).tolist())
        k += n
    return k - first


if __name__ == "__main__":
    main()
