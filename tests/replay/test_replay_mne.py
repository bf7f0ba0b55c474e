"""Replaying EDF (written by hand: edfio is not installed for mne.export) and FIF via MNE."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from replay_testkit import concat, replay_virtual

pytestmark = pytest.mark.timeout(60)
mne = pytest.importorskip("mne")


def _field(value: object, width: int) -> bytes:
    return f"{value}".ljust(width)[:width].encode("ascii")


def write_edf(path: Path, digital: np.ndarray, labels: list[str], units: list[str]) -> None:
    """A minimal EDF file: 1-s records at 250 Hz, physical = digital × 1e-4."""
    n_sig, n = digital.shape
    rate, n_rec = 250, n // 250
    head = b"".join(
        [
            _field(0, 8),
            _field("X X X X", 80),
            _field("Startdate 24-NOV-2026 X X X", 80),
            _field("24.11.26", 8),
            _field("09.00.00", 8),
            _field(256 * (n_sig + 1), 8),
            _field("", 44),
            _field(n_rec, 8),
            _field(1, 8),
            _field(n_sig, 4),
        ]
    )
    per = [
        (labels, 16),
        (["AgAgCl"] * n_sig, 80),
        (units, 8),
        (["-3.2767"] * n_sig, 8),
        (["3.2767"] * n_sig, 8),
        (["-32767"] * n_sig, 8),
        (["32767"] * n_sig, 8),
        ([""] * n_sig, 80),
        ([rate] * n_sig, 8),
        ([""] * n_sig, 32),
    ]
    head += b"".join(_field(v, w) for values, w in per for v in values)
    records = digital.reshape(n_sig, n_rec, rate).transpose(1, 0, 2).astype("<i2")
    path.write_bytes(head + records.tobytes())


def test_edf_is_replayed_in_its_own_units(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    digital = rng.integers(-30000, 30000, size=(2, 750))
    path = tmp_path / "rec.edf"
    write_edf(path, digital, ["ECG I", "EEG Fz"], ["mV", "uV"])
    chunks, _ = replay_virtual(path)
    ecg, ts = concat(chunks, "rec-ECG")
    eeg, _ = concat(chunks, "rec-EEG")
    info = {c.info.name: c.info for c in chunks}
    assert info["rec-ECG"].type == "ECG" and info["rec-ECG"].units == ("mV",)
    assert info["rec-EEG"].channels == ("Fz",) and info["rec-EEG"].units == ("uV",)
    np.testing.assert_allclose(ecg[:, 0], digital[0] * 1e-4, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(eeg[:, 0], digital[1] * 1e-4, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ts, np.arange(750) / 250.0, atol=1e-12)


def test_fif_with_annotations(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    data = rng.standard_normal((3, 400)) * 1e-3
    info = mne.create_info(["ECG1", "Cz", "Pz"], 200.0, ["ecg", "eeg", "eeg"])
    raw = mne.io.RawArray(data, info, verbose="error")
    raw.set_annotations(mne.Annotations([0.5, 1.25], [0.0, 0.0], ["rest", "task"]))
    path = tmp_path / "rec_raw.fif"
    raw.save(path, fmt="double", verbose="error")
    chunks, _ = replay_virtual(path, keep_timestamps=True)
    ecg, ts = concat(chunks, "rec_raw-ECG")
    eeg, _ = concat(chunks, "rec_raw-EEG")
    marks, mts = concat(chunks, "rec_raw-annotations")
    np.testing.assert_array_equal(ecg[:, 0], data[0])
    np.testing.assert_array_equal(eeg, data[1:].T)
    np.testing.assert_allclose(ts, np.arange(400) / 200.0, atol=1e-12)
    assert [m[0] for m in marks] == ["rest", "task"]
    np.testing.assert_allclose(mts, [0.5, 1.25], atol=1e-9)
    assert {c.info.units[0] for c in chunks if c.info.type == "EEG"} == {"V"}
