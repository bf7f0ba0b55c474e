"""Channel types from labels and units as people write them."""

from __future__ import annotations

import pytest

from heartmind.io import channel_type, normalise_type, split_type_prefix


@pytest.mark.parametrize(
    ("label", "unit", "expected"),
    [
        *[(x, "", "ECG") for x in ("ECG", "ekg", "ECG II", "EKG lead 2", "Lead I", "lead_II")],
        *[(x, "", "ECG") for x in ("I", "II", "III", "aVR", "AVL", "aVF", "V1", "V6", "MLII")],
        *[(x, "", "PPG") for x in ("PPG", "PLETH", "Pleth", "BVP", "pulse")],
        *[(x, "", "EDA") for x in ("EDA", "GSR", "skin conductance", "SCL")],
        *[(x, "", "RSP") for x in ("RESP", "Resp chest", "RSP", "Thorax", "airflow")],
        *[(x, "", "EEG") for x in ("EEG", "Fp1", "Cz", "O2", "Fpz-Cz", "EEG Fpz-Cz", "A1")],
        ("EMG chin", "", "EMG"),
        ("HEOG", "", "EOG"),
        ("Heart Rate", "", "HR"),
        ("pulse rate", "", "HR"),
        ("skin temp", "", "TEMP"),
        ("SpO2", "%", "SPO2"),
        ("ch3", "uS", "EDA"),
        ("x", "bpm", "HR"),
        ("x", "°C", "TEMP"),
        ("accel x", "", "ACC"),
        ("ch1", "", None),
        ("V7", "", None),
        ("value", "mV", None),
    ],
)
def test_channel_type(label: str, unit: str, expected: str | None) -> None:
    assert channel_type(label, unit) == expected


def test_type_words_and_synonyms() -> None:
    assert split_type_prefix("ECG I") == ("ECG", "I")
    assert split_type_prefix("EEG Fpz-Cz") == ("EEG", "Fpz-Cz")
    assert split_type_prefix("ECG") == (None, "ECG")
    assert split_type_prefix("Left arm") == (None, "Left arm")
    assert [normalise_type(t) for t in ("ekg", "GSR", "Resp", "Markers", "eeg")] == [
        "ECG",
        "EDA",
        "RSP",
        "MARKERS",
        "EEG",
    ]
