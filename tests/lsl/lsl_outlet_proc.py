"""A plain pylsl outlet in its own process, for the lsl tests (not a test module).

Numeric mode pushes sample ``k`` with value ``k + 1000 * channel`` and timestamp
``t0 + k / rate`` on the LSL clock, paced in real time, starting at ``--start``.
Marker mode (``--markers``) pushes the strings ``m<k>`` at irregular times.
Prints ``READY <uid>`` once the outlet exists, then streams until killed.
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
    p.add_argument("--t0", type=float, default=0.0)
    p.add_argument("--start", type=int, default=0)
    p.add_argument("--markers", type=int, default=0, help="number of markers to send")
    a = p.parse_args()
    fmt = pylsl.cf_string if a.markers else pylsl.cf_float32
    rate = 0.0 if a.markers else a.rate
    n_ch = 1 if a.markers else a.channels
    info = pylsl.StreamInfo(a.name, a.type, n_ch, rate, fmt, a.source_id)
    info.set_channel_labels([f"ECG{i + 1}" for i in range(n_ch)] if not a.markers else ["M"])
    info.set_channel_units(["mV"] * n_ch if not a.markers else [""])
    info.set_channel_types([a.type] * n_ch)
    outlet = pylsl.StreamOutlet(info)
    print("READY", outlet.get_info().uid(), flush=True)
    if a.markers:
        send_markers(outlet, a.markers)
    else:
        send_numeric(outlet, a.t0 or pylsl.local_clock(), a.start, a.rate, n_ch)


def send_markers(outlet: pylsl.StreamOutlet, count: int) -> None:
    outlet.wait_for_consumers(10.0)
    time.sleep(0.2)
    for k in range(count):
        outlet.push_sample([f"m{k}"], pylsl.local_clock())
        time.sleep(0.02 + 0.03 * (k % 3))
    sys.stdin.read()  # stay alive until the test closes our stdin or kills us


def send_numeric(outlet: pylsl.StreamOutlet, t0: float, k: int, rate: float, n_ch: int) -> None:
    block = max(1, int(rate * 0.01))
    offsets = 1000.0 * np.arange(n_ch, dtype=np.float64)
    while True:
        due = t0 + (k + block - 1) / rate
        delay = due - pylsl.local_clock()
        if delay > 0:
            time.sleep(delay)
        idx = np.arange(k, k + block, dtype=np.float64)
        data = (idx[:, None] + offsets[None, :]).astype(np.float32)
        outlet.push_chunk(data, (t0 + idx / rate).tolist())
        k += block


if __name__ == "__main__":
    main()
