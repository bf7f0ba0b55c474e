"""A plain pylsl outlet in its own process, for the LSL tests (not a test module).

Numeric streams push sample ``k`` with value ``k + 1000 * channel`` and timestamp
``t0 + k / rate`` on the LSL clock, paced in real time, from ``k = --first``; ``--t0``
defaults to "now, as if sample ``--first`` were due now". Marker streams (``--markers``)
push the strings ``m<k>`` at irregular times. ``--count`` samples are pushed (``-1``:
forever); with ``--wait-consumer S`` the pushing starts once an inlet is connected.

Prints ``READY <uid>`` once the outlet exists, ``NO-CONSUMER`` (exit 3) if none came, and
``DONE <count>`` after the last push; then it stays alive (so that the stream does not
disappear) until its standard input is closed or it is killed.
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
    p.add_argument("--rate", type=float, default=100.0, help="Hz")
    p.add_argument("--channels", type=int, default=2)
    p.add_argument("--markers", action="store_true", help="a string marker stream")
    p.add_argument("--count", type=int, default=-1, help="samples to push; -1: forever")
    p.add_argument("--first", type=int, default=0, help="index of the first sample")
    p.add_argument("--t0", type=float, default=0.0, help="LSL time of sample 0, s")
    p.add_argument("--wait-consumer", type=float, default=0.0, help="s to wait for an inlet")
    a = p.parse_args()
    outlet = pylsl.StreamOutlet(_info(a))
    print("READY", outlet.get_info().uid(), flush=True)
    if a.wait_consumer > 0:
        if not outlet.wait_for_consumers(a.wait_consumer):
            print("NO-CONSUMER", flush=True)
            sys.exit(3)
        time.sleep(0.2)
    if a.markers:
        pushed = markers(outlet, a.count)
    else:
        t0 = a.t0 or pylsl.local_clock() - a.first / a.rate
        pushed = numeric(outlet, a.count, a.first, t0, a.rate, a.channels)
    print("DONE", pushed, flush=True)
    sys.stdin.read()  # stay alive until the test closes our stdin or kills us


def _info(a: argparse.Namespace) -> pylsl.StreamInfo:
    if a.markers:
        info = pylsl.StreamInfo(a.name, a.type, 1, 0.0, pylsl.cf_string, a.source_id)
        info.set_channel_labels(["M"])
        return info
    n_ch = a.channels
    info = pylsl.StreamInfo(a.name, a.type, n_ch, a.rate, pylsl.cf_float32, a.source_id)
    info.set_channel_labels([f"{a.type}{i + 1}" for i in range(n_ch)])
    info.set_channel_units(["mV"] * n_ch)
    info.set_channel_types([a.type] * n_ch)
    return info


def markers(outlet: pylsl.StreamOutlet, count: int) -> int:
    k = 0
    while count < 0 or k < count:
        outlet.push_sample([f"m{k}"], pylsl.local_clock())
        time.sleep(0.03 + 0.02 * (k % 3))
        k += 1
    return k


def numeric(
    outlet: pylsl.StreamOutlet, count: int, k: int, t0: float, rate: float, n_ch: int
) -> int:
    block = max(1, int(rate * 0.02))
    offsets = 1000.0 * np.arange(n_ch, dtype=np.float64)
    first = k
    while count < 0 or k - first < count:
        n = block if count < 0 else min(block, first + count - k)
        delay = t0 + (k + n - 1) / rate - pylsl.local_clock()
        if delay > 0:
            time.sleep(delay)
        idx = np.arange(k, k + n, dtype=np.float64)
        data = (idx[:, None] + offsets[None, :]).astype(np.float32)
        outlet.push_chunk(data, (t0 + idx / rate).tolist())
        k += n
    return k - first


if __name__ == "__main__":
    main()
