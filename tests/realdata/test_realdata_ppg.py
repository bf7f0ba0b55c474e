"""Real PPG: the finger-sensor recordings shipped inside the heartpy wheel.

The recordings are GPL-licensed data of another project: they are read from the installed
package at test time (the set-up installs heartpy with --no-deps, as data only) and never
copied into this repository. They have no pulse annotations, so these tests check
agreement with neurokit2's Elgendi detector and streaming/offline consistency, not
accuracy.

Tolerances. The two methods mark different fiducials: ours the steepest upstroke, Elgendi
the systolic peak, 50–65 ms later on these files. Pulses are therefore matched after
removing the median (constant) offset between the two; 100 ms then allows for the beat to
beat jitter of a systolic peak on a rounded or noisy wave (half of the shortest plausible
rise time) while staying far below a pulse interval (≥ 500 ms here), so a match cannot be
a neighbouring beat.

* ``data.csv`` (100 Hz, 25 s, clean, with a diastolic upstroke as steep as the systolic
  one): counts ±1, ≥ 90 % matched, mean rate within 2 bpm.
* ``data2.csv`` (timer column in ms: 117 Hz, 128 s) begins with 47 s without skin
  contact (flat line, then motion); only the rest is compared. ``data3.csv`` (datetime
  column, 100.4 Hz over 682 s with 15.6-ms timestamp quantisation) contains motion
  artefacts. Elgendi marks extra peaks inside the artefacts, so these two are checked with
  counts within 5 %, ≥ 90 % matched and mean rate within 3.5 bpm.
"""

from __future__ import annotations

from datetime import datetime
from importlib import metadata
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from heartmind.plugins.physio.api import ppg_peaks

_F64 = npt.NDArray[np.float64]


def _path(name: str) -> Path:
    try:
        dist = metadata.distribution("heartpy")
    except metadata.PackageNotFoundError:
        pytest.fail("heartpy (data only) is not installed; run 'make setup'.")
    path = Path(str(dist.locate_file(f"heartpy/data/{name}")))
    assert path.exists(), f"{path} missing: reinstall heartpy with --no-deps ('make setup')."
    return path


def real_ppg(name: str) -> tuple[_F64, float]:
    """PPG samples and sampling rate (Hz) of one heartpy recording."""
    path = _path(name)
    if name == "data.csv":
        return np.loadtxt(path), 100.0  # one column, 100 Hz (heartpy's documentation)
    rows = [line.strip().split(",") for line in path.read_text().splitlines()[1:]]
    if name == "data2.csv":
        t = np.array([float(r[0]) for r in rows]) / 1000.0  # timer, ms
    else:
        t = np.array([datetime.fromisoformat(r[0]).timestamp() for r in rows])
    x = np.array([float(r[1]) for r in rows])
    return x, (len(t) - 1) / (t[-1] - t[0])


def compare(ours: _F64, theirs: _F64, fs: float) -> tuple[float, float, float, float]:
    """Offset (ms), fraction of Elgendi pulses matched within 100 ms, and both rates (bpm)."""
    nearest = np.abs(theirs[:, None] - ours[None, :]).argmin(axis=1)
    offset = float(np.median(theirs - ours[nearest]))
    dist_ms = np.abs(theirs[:, None] - ours[None, :] - offset).min(axis=1) / fs * 1000
    rate_ours = 60.0 / float(np.diff(ours / fs).mean())
    rate_theirs = 60.0 / float(np.diff(theirs / fs).mean())
    return offset / fs * 1000, float((dist_ms <= 100).mean()), rate_ours, rate_theirs


def test_one_pulse_per_beat_on_real_ppg_with_dicrotic_wave() -> None:
    x, fs = real_ppg("data.csv")
    assert 24.0 < len(x) / fs < 26.0
    ours, _ = ppg_peaks(x, fs)
    theirs, _ = ppg_peaks(x, fs, method="elgendi")
    assert abs(len(ours) - len(theirs)) <= 1, (len(ours), len(theirs))
    offset, matched, rate, rate_elgendi = compare(ours, theirs, fs)
    assert 0 < offset < 150  # Elgendi's systolic peak follows our upstroke
    assert matched >= 0.9
    assert abs(rate - rate_elgendi) < 2.0
    assert 50 < rate < 70


@pytest.mark.parametrize(("name", "start"), [("data2.csv", 47.0), ("data3.csv", 0.0)])
def test_agreement_on_longer_real_ppg_with_artefacts(name: str, start: float) -> None:
    x, fs = real_ppg(name)
    x = x[round(start * fs) :]
    ours, _ = ppg_peaks(x, fs)
    theirs, _ = ppg_peaks(x, fs, method="elgendi")
    assert abs(len(ours) - len(theirs)) <= 0.05 * len(theirs), (len(ours), len(theirs))
    offset, matched, rate, rate_elgendi = compare(ours, theirs, fs)
    assert 0 < offset < 150
    assert matched >= 0.9
    assert abs(rate - rate_elgendi) < 3.5


@pytest.mark.parametrize("name", ["data.csv", "data2.csv"])
@pytest.mark.parametrize("chunk", [1, 37, 1000])
def test_streaming_equals_offline_on_real_ppg(name: str, chunk: int) -> None:
    x, fs = real_ppg(name)
    whole, _ = ppg_peaks(x, fs)
    chunked, _ = ppg_peaks(x, fs, chunk_size=chunk)
    np.testing.assert_allclose(chunked, whole, atol=1e-9)
