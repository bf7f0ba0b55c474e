"""The streaming-kit example of docs/architecture.md runs and finds the beats."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from heartmind import Chunk, Context, HeartBeat, HeartRate, StreamInfo, VirtualClock

DOC = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


def _example() -> dict[str, Any]:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"<!-- example: streaming -->\n```python\n(.*?)```", text, re.S)
    assert match, "the streaming example block is missing from docs/architecture.md"
    namespace: dict[str, Any] = {}
    exec(compile(match.group(1), str(DOC), "exec"), namespace)  # the docs are ours
    return namespace


def test_the_architecture_example_detects_beats() -> None:
    fs, bpm = 50.0, 72.0
    t = np.arange(int(40 * fs)) / fs
    beats = np.arange(0.5, 40.0, 60.0 / bpm)
    x = sum(np.exp(-0.5 * ((t - b) / 0.05) ** 2) for b in beats)
    info = StreamInfo(name="scg", type="SCG", channels=("z",), rate=fs, dtype="float64")
    proc = _example()["PulseRate"](channel="z")
    proc.start(Context(name="pulse", clock=VirtualClock(), inputs=(info,)))
    out: list[Any] = []
    for i in range(0, t.size, 17):
        data = np.asarray(x[i : i + 17]).reshape(-1, 1)
        out += proc.process(Chunk(data=data, timestamps=t[i : i + 17], info=info))
    out += proc.flush()
    found = np.array([e.timestamp for e in out if isinstance(e, HeartBeat)])
    assert found.size == np.count_nonzero(beats < 39.7)
    assert np.abs(found - beats[: found.size]).max() < 1.5 / fs
    rates = [e.bpm for e in out if isinstance(e, HeartRate)]
    assert len(rates) >= 35 and rates[-1] == pytest.approx(bpm, abs=0.5)
