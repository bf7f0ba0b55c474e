"""Helpers of the replay tests: small XDF files written with ``heartmind.xdf.XdfWriter``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import heartmind
from heartmind import StreamInfo
from heartmind.xdf import XdfWriter

ORIGIN = 5000.123  # s: first timestamp of the test recordings (an LSL-clock-like value)


def write_xdf(path: Path, seconds: float = 4.0, prefix: str = "t") -> dict[str, Any]:
    """ECG (250 Hz), 2-channel EEG (100 Hz, starts 0.3 s later), string markers, irregular
    float events and one gap in the ECG footer. Returns what was written, per stream name."""
    rng = np.random.default_rng(1)
    streams = {
        f"{prefix}-ecg": StreamInfo(f"{prefix}-ecg", "ECG", ("I",), "mV", 250.0, "float32"),
        f"{prefix}-eeg": StreamInfo(f"{prefix}-eeg", "EEG", ("Cz", "Pz"), "uV", 100.0, "float64"),
        f"{prefix}-mk": StreamInfo(f"{prefix}-mk", "Markers", ("m",), "", 0.0, "string"),
        f"{prefix}-ev": StreamInfo(f"{prefix}-ev", "KEYS", ("v",), "a.u.", 0.0, "int32"),
    }
    n_ecg, n_eeg = int(seconds * 250), int((seconds - 0.3) * 100)
    out: dict[str, Any] = {
        f"{prefix}-ecg": (
            rng.standard_normal((n_ecg, 1)).astype(np.float32),
            ORIGIN + np.arange(n_ecg) / 250.0,
        ),
        f"{prefix}-eeg": (rng.standard_normal((n_eeg, 2)), ORIGIN + 0.3 + np.arange(n_eeg) / 100.0),
        f"{prefix}-mk": (
            np.array([["start"], ["middle"], ["end"]], dtype=object),
            ORIGIN + np.array([0.5, seconds / 2, seconds - 0.2]),
        ),
        f"{prefix}-ev": (
            np.arange(7, dtype=np.int32).reshape(-1, 1),
            np.sort(ORIGIN + rng.uniform(0.0, seconds, 7)),
        ),
    }
    with XdfWriter(path) as w:
        ids = {name: w.add_stream(info) for name, info in streams.items()}
        for name, (data, ts) in out.items():
            half = len(ts) // 2  # two Samples chunks per stream
            w.write_chunk(ids[name], data[:half], ts[:half])
            w.write_chunk(ids[name], data[half:], ts[half:])
        w.add_gap(ids[f"{prefix}-ecg"], ORIGIN + 1.0, ORIGIN + 1.5, 125, "unplugged")
    return out


def replay_virtual(path: Path, **options: Any) -> tuple[list[Any], list[Any]]:
    """Replay through a virtual-clock session; returns (chunks, events) in delivery order."""
    session = heartmind.Session(clock="virtual")
    session.add_sensor("replay", path=str(path), **options)
    items: list[Any] = []
    session.subscribe(["stream:*", "*"], items.append)
    session.run()
    chunks = [i for i in items if isinstance(i, heartmind.Chunk)]
    events = [i for i in items if not isinstance(i, heartmind.Chunk)]
    return chunks, events


def concat(chunks: list[Any], name: str) -> tuple[Any, Any]:
    """Data and timestamps of one stream, concatenated over its chunks."""
    mine = [c for c in chunks if c.info.name == name]
    return np.concatenate([c.data for c in mine]), np.concatenate([c.timestamps for c in mine])
