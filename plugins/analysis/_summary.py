"""The summary table of an analysis: one row per stream, plus HRV per 5-minute window.

Definitions (all from the events of the session, so a live run gives the same numbers):

* **beats**: ``HeartBeat`` events of the stream;
* **HR mean/min/max** (bpm): over the ``HeartRate`` events (each the rate of a trailing
  10-s window, one per second);
* **unusable beats** (%): beats flagged ``usable=False``; **unusable time** (%): quality
  windows (``SignalQuality``) flagged not usable; **quality**: their mean index;
* **HRV** over the whole recording and per consecutive 5-min window from the first beat:
  :func:`~heartmind.plugins.cardiac.api.hrv_summary` (with correction) of the NN intervals
  the ``hrv`` processor would use (an interval counts when its beat and the previous one
  are usable); windows with fewer than 10 intervals are left out.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from heartmind.io import Track

from ._collect import Columns, EventCollector

__all__ = ["HRV_KEYS", "beat_intervals", "hrv_of", "summarise", "write_summary"]

_F64 = npt.NDArray[np.float64]

#: HRV values reported: summary key -> ``hrv_summary`` key.
HRV_KEYS: dict[str, str] = {
    "mean_nn_ms": "HRV_MeanNN",
    "sdnn_ms": "HRV_SDNN",
    "rmssd_ms": "HRV_RMSSD",
    "pnn50_pct": "HRV_pNN50",
    "sd1_ms": "HRV_SD1",
    "sd2_ms": "HRV_SD2",
    "lf_ms2": "HRV_LF",
    "hf_ms2": "HRV_HF",
    "lf_hf": "HRV_LFHF",
    "stress_index": "HRV_SI",
}
#: Length of the HRV windows of the table, in s.
HRV_WINDOW = 300.0
_MIN_INTERVALS = 10


def _num(x: float | None, digits: int = 4) -> float | None:
    """A JSON-friendly number: None for NaN/inf/None, else rounded."""
    if x is None or not math.isfinite(x):
        return None
    return round(float(x), digits)


def beat_intervals(beats: Columns) -> tuple[_F64, _F64]:
    """Beat times (s) and NN intervals (ms, NaN where not usable) as the ``hrv`` processor
    sees them: an interval counts when its beat and the previous one are usable."""
    t = beats.t()
    rr = beats.get("rr") * 1000.0
    usable = beats.get("usable") > 0.5
    prev = np.concatenate(([False], usable[:-1]))
    ok = usable & prev & np.isfinite(rr) & (rr > 0)
    return t, np.where(ok, rr, np.nan)


def hrv_of(rr_ms: _F64) -> dict[str, float | None] | None:
    """HRV values (see :data:`HRV_KEYS`) of finite NN intervals; None if fewer than 10."""
    from heartmind.plugins.cardiac.api import hrv_summary

    rr = rr_ms[np.isfinite(rr_ms)]
    if rr.size < _MIN_INTERVALS:
        return None
    values, info = hrv_summary(rr, correct=True)
    out: dict[str, float | None] = {k: _num(values.get(v)) for k, v in HRV_KEYS.items()}
    out["n_intervals"] = int(info["n_beats"])
    out["n_corrected"] = int(info["n_corrected"])
    return out


def _hrv_windows(t: _F64, rr: _F64, window: float = HRV_WINDOW) -> list[dict[str, Any]]:
    if t.size == 0:
        return []
    t0 = float(t[0])
    k = np.floor((t - t0) / window).astype(np.int64)
    edges = np.flatnonzero(np.diff(k)) + 1
    rows = []
    for a, b in zip(np.r_[0, edges], np.r_[edges, t.size], strict=True):
        values = hrv_of(rr[a:b])
        if values is None:
            continue
        start = t0 + int(k[a]) * window
        rows.append({"start_s": round(start, 3), "end_s": round(start + window, 3), **values})
    return rows


def _stats(x: _F64, prefix: str, unit: str) -> dict[str, float | None]:
    x = x[np.isfinite(x)]
    if x.size == 0:
        return {f"{prefix}_mean_{unit}": None, f"{prefix}_min_{unit}": None,
                f"{prefix}_max_{unit}": None}  # fmt: skip
    return {
        f"{prefix}_mean_{unit}": _num(float(x.mean())),
        f"{prefix}_min_{unit}": _num(float(x.min())),
        f"{prefix}_max_{unit}": _num(float(x.max())),
    }


def _beats_summary(c: EventCollector, name: str, source: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    beats = c.find("heart_beat", name, source)
    rate = c.find("heart_rate", name, source)
    out["beats"] = len(beats) if beats is not None else 0
    out.update(_stats(rate.get("bpm") if rate is not None else np.empty(0), "hr", "bpm"))
    if beats is not None and len(beats):
        unusable = beats.get("usable") < 0.5
        out["unusable_beats_pct"] = _num(100.0 * float(unusable.mean()), 3)
        t, rr = beat_intervals(beats)
        out["hrv"] = hrv_of(rr)
        out["hrv_windows"] = _hrv_windows(t, rr)
    return out


def _quality_summary(c: EventCollector, name: str) -> dict[str, Any]:
    q = c.find("signal_quality", name)
    if q is None or len(q) == 0:
        return {}
    snr = q.get("snr_db")
    snr = snr[np.isfinite(snr)]
    return {
        "quality_mean": _num(float(np.mean(q.get("quality")))),
        "unusable_time_pct": _num(100.0 * float(np.mean(q.get("usable") < 0.5)), 3),
        "snr_db_median": _num(float(np.median(snr))) if snr.size else None,
    }


def _modality_summary(c: EventCollector, name: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    rsp = c.find("respiration_rate", name)
    if rsp is not None:
        out.update(_stats(rsp.get("rate"), "resp_rate", "per_min"))
    sc = c.find("skin_conductance", name)
    if sc is not None:
        out.update(_stats(sc.get("tonic"), "scl", "uS"))
    scr = c.find("scr", name)
    if sc is not None or scr is not None:
        n = len(scr) if scr is not None else 0
        out["scr_count"] = n
        amplitude = scr.get("amplitude") if scr is not None and n else np.empty(0)
        out["scr_amplitude_mean_uS"] = _num(float(np.mean(amplitude))) if n else None
    bp = c.find("band_power", name)
    if bp is not None and bp.other.get("relative_alpha"):
        for band in ("relative_alpha", "relative_beta", "relative_theta"):
            out[f"eeg_{band}_mean"] = _num(float(np.mean(np.asarray(bp.other[band]))))
    faa = c.find("alpha_asymmetry", name)
    if faa is not None:
        out.update(_stats(faa.get("faa"), "faa", "ln_uV2"))
    return out


def summarise(tracks: Sequence[Track], collector: EventCollector) -> list[dict[str, Any]]:
    """One summary dict per track (see the module docs for the definitions)."""
    rows = []
    for track in tracks:
        info = track.info
        ts = track.timestamps
        row: dict[str, Any] = {
            "stream": info.name,
            "type": info.type,
            "rate_hz": info.rate,
            "channels": info.n_channels,
            "samples": int(ts.size),
            "duration_s": _num(float(ts[-1] - ts[0]) + 1.0 / info.rate, 3) if ts.size else 0.0,
        }
        if info.type in ("ECG", "PPG", "RADAR"):
            row.update(_beats_summary(collector, info.name, None))
            row.update(_quality_summary(collector, info.name))
        row.update(_modality_summary(collector, info.name))
        rows.append(row)
    return rows


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if not isinstance(v, dict | list)}
    hrv = row.get("hrv")
    if isinstance(hrv, dict):
        out.update({f"hrv_{k}": v for k, v in hrv.items()})
    return out


def write_summary(rows: Sequence[dict[str, Any]], out: Path, meta: dict[str, Any]) -> list[Path]:
    """Write ``summary.json``, ``summary.csv`` and ``hrv_windows.csv`` (mode 0600)."""
    from heartmind.files import open_private

    files = [out / "summary.json", out / "summary.csv", out / "hrv_windows.csv"]
    with open_private(files[0]) as f:
        json.dump({**meta, "streams": list(rows)}, f, indent=2, allow_nan=False)
        f.write("\n")
    flat = [_flat(r) for r in rows]
    _write_csv(files[1], flat)
    windows = [{"stream": r["stream"], **w} for r in rows for w in r.get("hrv_windows", [])]
    _write_csv(files[2], windows)
    return files


def _write_csv(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    from heartmind.files import open_private

    rows = list(rows)
    columns: dict[str, None] = {}
    for r in rows:
        columns.update(dict.fromkeys(r))
    with open_private(path) as f:
        writer = csv.DictWriter(f, fieldnames=list(columns) or ["stream"], lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: "" if v is None else v for k, v in r.items()})
