"""Real ECG: BITalino single-lead ECG at 1000 Hz shipped inside the pyhrv wheel.

The recording is GPL-licensed data of another project: it is read from the installed
package at test time (the set-up installs pyhrv and heartpy with --no-deps, as data only)
and never copied into this repository. It has no beat annotations, so these tests check
agreement with neurokit2 and streaming/offline consistency, not accuracy.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from heartmind.plugins.cardiac.api import ecg_peaks

RATE = 1000.0  # Hz, from the file's OpenSignals header


def real_ecg() -> npt.NDArray[np.float64]:
    try:
        path = Path(str(metadata.distribution("pyhrv").locate_file("pyhrv/files/SampleECG.txt")))
    except metadata.PackageNotFoundError:
        pytest.fail("pyhrv (data only) is not installed; run 'make setup'.")
    assert path.exists(), path
    return np.loadtxt(path, comments="#")[:, 5]  # column A2: the ECG channel


def test_heartmind_and_neurokit2_agree_on_real_ecg() -> None:
    import neurokit2 as nk

    ecg = real_ecg()
    assert 20.0 < len(ecg) / RATE < 25.0
    ours, _ = ecg_peaks(ecg, RATE)
    _, info = nk.ecg_peaks(nk.ecg_clean(ecg, sampling_rate=RATE), sampling_rate=RATE)
    theirs = np.asarray(info["ECG_R_Peaks"])
    assert abs(len(ours) - len(theirs)) <= 1
    distance_ms = np.abs(ours[:, None] - theirs[None, :]).min(axis=1) / RATE * 1000
    assert (distance_ms <= 50).all()  # every beat found by both
    assert (distance_ms <= 10).mean() >= 0.95  # and at the same place
    hr_ours = 60.0 / np.diff(ours / RATE).mean()
    hr_theirs = 60.0 / np.diff(theirs / RATE).mean()
    assert abs(hr_ours - hr_theirs) < 1.0
    assert 50 < hr_ours < 120


@pytest.mark.parametrize("chunk", [1, 37, 1000])
def test_streaming_equals_offline_on_real_ecg(chunk: int) -> None:
    ecg = real_ecg()
    whole, _ = ecg_peaks(ecg, RATE)
    chunked, _ = ecg_peaks(ecg, RATE, chunk_size=chunk)
    assert np.array_equal(whole, chunked)
