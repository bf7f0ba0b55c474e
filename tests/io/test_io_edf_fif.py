"""EDF and BDF files written with pyedflib, FIF files with MNE, read back by heartmind.io."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from heartmind.io import RecordingError, open_recording

pyedflib = pytest.importorskip("pyedflib")
pytest.importorskip("mne")

FS = 256
START = datetime(2025, 3, 14, 9, 26, 53)
#: label, unit, physical range: how people label the channels of their EDF files.
CHANNELS = [
    ("ECG", "mV", 5.0),
    ("EKG II", "mV", 5.0),
    ("Fp1", "uV", 500.0),
    ("EEG Cz", "uV", 500.0),
    ("PLETH", "a.u.", 100.0),
    ("Resp", "a.u.", 100.0),
    ("GSR", "uS", 50.0),
]


def _write(path: Path, file_type: int, bits: int = 16, seconds: int = 4) -> np.ndarray:
    from pyedflib import highlevel

    rng = np.random.default_rng(7)
    n = FS * seconds
    signals = np.stack([rng.uniform(-0.8, 0.8, n) * top for _, _, top in CHANNELS])
    top_digital = 2 ** (bits - 1)
    headers = [
        highlevel.make_signal_header(
            label,
            dimension=unit,
            sample_frequency=FS,
            physical_min=-top,
            physical_max=top,
            digital_min=-top_digital,
            digital_max=top_digital - 1,
        )
        for label, unit, top in CHANNELS
    ]
    header = highlevel.make_header(startdate=START)
    header["annotations"] = [[0.5, 0, "rest"], [2.25, 0, "task"]]
    assert highlevel.write_edf(str(path), signals, headers, header, file_type=file_type)
    return signals


@pytest.mark.parametrize(
    ("suffix", "file_type", "bits"),
    [(".edf", 1, 16), (".bdf", 3, 24)],  # pyedflib FILETYPE_EDFPLUS, FILETYPE_BDFPLUS
)
def test_edf_bdf_types_units_values_start_and_annotations(
    tmp_path: Path, suffix: str, file_type: int, bits: int
) -> None:
    path = tmp_path / f"night{suffix}"
    signals = _write(path, file_type, bits)
    rec = open_recording(path)
    assert rec.format == suffix[1:]
    assert rec.start == START.replace(tzinfo=UTC) and rec.origin == 0.0
    assert "start date/time" in rec.start_from
    by_name = {t.info.name: t for t in rec.tracks}
    assert list(by_name) == [
        "night-ECG",
        "night-EEG",
        "night-PPG",
        "night-RSP",
        "night-EDA",
        "night-annotations",
    ]
    ecg = by_name["night-ECG"]
    assert ecg.info.channels == ("ECG", "II")  # "EKG II": the type word is dropped
    assert ecg.info.units == ("mV", "mV") and ecg.channel_types == ("ECG", "ECG")
    assert by_name["night-EEG"].info.channels == ("Fp1", "Cz")
    assert by_name["night-EEG"].info.units == ("uV", "uV")
    assert by_name["night-EDA"].info.units == ("uS",)
    step = 2 * 5.0 / (2**bits - 1)  # one digital step of the ECG channels, in mV
    np.testing.assert_allclose(ecg.data, signals[:2].T, atol=step)
    np.testing.assert_allclose(ecg.timestamps, np.arange(4 * FS) / FS, atol=1e-12)
    marks = by_name["night-annotations"]
    assert [m[0] for m in marks.data] == ["rest", "task"]
    np.testing.assert_allclose(marks.timestamps, [0.5, 2.25], atol=1e-6)
    assert rec.utc(2.25) == datetime(2025, 3, 14, 9, 26, 55, 250000, tzinfo=UTC)


def test_a_bare_ecg_label_is_ecg_and_types_override(tmp_path: Path) -> None:
    path = tmp_path / "x.edf"
    _write(path, 1)
    rec = open_recording(path, types={"Resp": "MISC", "fp1": "EOG"})
    names = [t.info.name for t in rec.tracks]
    assert "x-ECG" in names and "x-RSP" not in names
    assert rec.track("x-EOG").info.channels == ("Fp1",)
    assert rec.track("x-MISC").info.channels == ("Resp",)
    everything = open_recording(path, types="ECG", select=["ECG"])
    assert [t.info.name for t in everything.tracks] == ["x-ECG"]
    assert everything.tracks[0].info.n_channels == len(CHANNELS)
    with pytest.raises(RecordingError, match="types= names channel 'Nope'"):
        open_recording(path, types={"Nope": "ECG"})


def test_fif_keeps_its_types_and_meas_date(tmp_path: Path) -> None:
    import mne

    rng = np.random.default_rng(4)
    data = rng.standard_normal((4, 400)) * 1e-4
    info = mne.create_info(["ECG1", "Cz", "Pz", "PLETH"], 200.0, ["ecg", "eeg", "eeg", "misc"])
    raw = mne.io.RawArray(data, info, first_samp=100, verbose="error")
    meas = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    raw.set_meas_date(meas)
    path = tmp_path / "rec_raw.fif"
    raw.save(path, fmt="double", verbose="error")
    rec = open_recording(path)
    assert [t.info.type for t in rec.tracks] == ["ECG", "EEG", "PPG"]  # misc refined by label
    np.testing.assert_array_equal(rec.track("rec_raw-EEG").data, data[1:3].T)
    assert rec.origin == pytest.approx(0.5)  # first_samp 100 at 200 Hz
    assert rec.start == datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=UTC)
    assert rec.start_from == "FIF meas_date"


def test_unreadable_edf_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.edf"
    path.write_bytes(b"0       this is not an EDF header")
    with pytest.raises(RecordingError, match=r"MNE cannot read .*broken\.edf as EDF"):
        open_recording(path)
