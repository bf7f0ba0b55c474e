"""A plain pylsl inlet in its own process, for the lsl tests (not a test module).

Resolves the stream named ``argv[1]``, reads ``argv[2]`` samples (timeout ``argv[3]`` s)
and prints one JSON object: metadata from desc/channels, values and timestamps.
"""

from __future__ import annotations

import json
import sys

import pylsl


def main() -> None:
    name, count, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    found = pylsl.resolve_byprop("name", name, 1, timeout)
    if not found:
        print(json.dumps({"error": f"{name} not found"}), flush=True)
        return
    inlet = pylsl.StreamInlet(found[0])
    info = inlet.info(timeout)
    print("CONNECTED", flush=True)
    values: list[list[object]] = []
    stamps: list[float] = []
    deadline = pylsl.local_clock() + timeout
    while len(values) < count and pylsl.local_clock() < deadline:
        samples, ts = inlet.pull_chunk(timeout=0.2, max_samples=count - len(values))
        values += samples
        stamps += list(ts)
    out = {
        "name": info.name(),
        "type": info.type(),
        "source_id": info.source_id(),
        "rate": info.nominal_srate(),
        "labels": info.get_channel_labels(),
        "units": info.get_channel_units(),
        "types": info.get_channel_types(),
        "manufacturer": info.desc().child("acquisition").child_value("manufacturer"),
        "values": values,
        "timestamps": stamps,
    }
    inlet.close_stream()
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
