"""CSV files (time columns of every kind, comment fields) and WFDB records (written with
``wfdb``) through heartmind.io."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

import numpy as np
import pytest

from heartmind.io import RecordingError, open_recording


def _csv(path: Path, header: str, rows: list[str], comment: str = "") -> Path:
    path.write_text((comment + "\n" if comment else "") + header + "\n" + "\n".join(rows) + "\n")
    return path


def _rows(times: list[str], n_columns: int = 2) -> list[str]:
    return [",".join([t, *[str(i + k) for k in range(n_columns)]]) for i, t in enumerate(times)]


@pytest.mark.parametrize("pandas", [True, False], ids=["pandas", "no-pandas"])
def test_time_column_in_s_groups_channels_by_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pandas: bool
) -> None:
    if not pandas:
        monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas -> ImportError
    times = [f"{i / 100:.2f}" for i in range(20)]
    rows = [f"{t},{i},{2 * i},{3 * i},{4 * i}" for i, t in enumerate(times)]
    path = _csv(tmp_path / "wear.csv", "time,ECG,PLETH,GSR,temp", rows, "# units=mV;a.u.;uS;degC")
    rec = open_recording(path)
    names = [t.info.name for t in rec.tracks]
    assert names == ["wear-ECG", "wear-PPG", "wear-EDA", "wear-TEMP"]
    eda = rec.track("wear-EDA")
    assert eda.info.rate == 100.0 and eda.info.units == ("uS",) and eda.info.channels == ("GSR",)
    np.testing.assert_array_equal(eda.data[:, 0], 3 * np.arange(20))
    np.testing.assert_allclose(eda.timestamps, np.arange(20) / 100)
    assert rec.start is None and rec.header["time_column"] == "time"


def test_absolute_times_give_the_start(tmp_path: Path) -> None:
    iso = [f"2024-05-01T10:00:{i // 4:02d}.{(i % 4) * 25:02d}0Z" for i in range(8)]
    a = open_recording(_csv(tmp_path / "iso.csv", "timestamp,ECG,x", _rows(iso)))
    start = datetime(2024, 5, 1, 10, 0, 0, tzinfo=UTC)
    assert a.start == start and a.start_from == "CSV time column (absolute times)"
    assert a.tracks[0].info.rate == 4.0
    epoch_ms = [str(1714557600000 + 250 * i) for i in range(8)]
    b = open_recording(_csv(tmp_path / "ms.csv", "time,ECG,x", _rows(epoch_ms)))
    assert b.start == start and b.tracks[0].info.rate == 4.0
    unix = [str(1714557600 + 0.25 * i) for i in range(8)]
    c = open_recording(_csv(tmp_path / "unix.csv", "unix_time,ECG,x", _rows(unix)))
    assert c.start == start
    rel_ms = [str(250 * i) for i in range(8)]
    d = open_recording(
        _csv(tmp_path / "rel.csv", "time_ms,ECG,x", _rows(rel_ms), "# start=2024-05-01T10:00Z")
    )
    np.testing.assert_allclose(d.tracks[0].timestamps, 0.25 * np.arange(8))
    assert d.start == start and d.start_from == "CSV comment start="


def test_rates_irregular_streams_types_and_errors(tmp_path: Path) -> None:
    plain = _csv(tmp_path / "plain.csv", "lead,value", [f"{i},{i}" for i in range(10)])
    with pytest.raises(RecordingError, match="--rate"):
        open_recording(plain)
    rec = open_recording(plain, rate=250.0, default_type="EEG")
    assert [t.info.name for t in rec.tracks] == ["plain-ECG", "plain-EEG"]  # "lead": ECG
    np.testing.assert_allclose(rec.tracks[0].timestamps, np.arange(10) / 250.0)
    assert open_recording(plain, types={"value": "RSP"}, rate=1.0).tracks[1].info.type == "RSP"
    taps = _csv(tmp_path / "taps.csv", "time,key", ["0.1,1", "0.7,0", "2.5,1"], "# rate=0")
    (track,) = open_recording(taps, default_type="KEYS").tracks
    assert track.info.rate == 0.0 and track.info.type == "KEYS"
    np.testing.assert_array_equal(track.timestamps, [0.1, 0.7, 2.5])
    bad = _csv(tmp_path / "bad.csv", "time,ECG", ["0,1", "0.1,abc"])
    with pytest.raises(RecordingError, match="not a numeric CSV"):
        open_recording(bad)
    units = _csv(tmp_path / "u.csv", "time,a,b", ["0,1,2", "1,1,2"], "# units=mV;uV;uS")
    with pytest.raises(RecordingError, match="3 units for 2 channels"):
        open_recording(units)
    iso = _csv(tmp_path / "iso.csv", "time,a", ["2024-05-01T10:00:00Z,1", "soon,2"])
    with pytest.raises(RecordingError, match="'soon'"):
        open_recording(iso)


def test_wfdb_record_types_units_gaps_and_start(tmp_path: Path) -> None:
    wfdb = pytest.importorskip("wfdb")
    rng = np.random.default_rng(5)
    signal = rng.uniform(-1, 1, (1000, 4))
    signal[300:305, 1] = np.nan  # WFDB stores invalid samples, read back as NaN
    wfdb.wrsamp(
        "rec", fs=250, units=["mV", "mV", "NU", "NU"], sig_name=["MLII", "V5", "PLETH", "RESP"],
        p_signal=signal, fmt=["16"] * 4, base_date=date(2023, 7, 1), base_time=time(23, 59, 58),
        write_dir=str(tmp_path),
    )  # fmt: skip
    rec = open_recording(tmp_path / "rec")  # the record name, without suffix
    assert rec.format == "wfdb" and rec.start == datetime(2023, 7, 1, 23, 59, 58, tzinfo=UTC)
    assert [t.info.name for t in rec.tracks] == ["rec-ECG", "rec-PPG", "rec-RSP"]
    ecg = rec.track("rec-ECG")
    assert ecg.info.channels == ("MLII", "V5") and ecg.info.units == ("mV", "mV")
    assert ecg.n_samples == 995 and ecg.gaps[0].n_lost == 5
    np.testing.assert_allclose(ecg.data[:300], signal[:300, :2], atol=1e-3)
    same = open_recording(tmp_path / "rec.hea", nan_gaps=False)
    assert same.tracks[0].n_samples == 1000 and np.isnan(same.tracks[0].data[300:305, 1]).all()
    with pytest.raises(RecordingError, match=r"nosuch\.hea not found"):
        open_recording(tmp_path / "nosuch.hea")
