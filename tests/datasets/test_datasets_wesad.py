"""WESAD reader on files written in WESAD's layout; the restricted unpickler."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from heartmind.datasets import DatasetError, rr_series, windows
from heartmind.datasets._pickle import UnsafePickleError, load_restricted
from heartmind.datasets.wesad import SYNTHETIC_MARKER, read_wesad, write_wesad_like
from heartmind.errors import ConfigError
from heartmind.plugins.cardiac.api import ecg_peaks


@pytest.fixture(scope="module")
def wesad_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_wesad_like(tmp_path_factory.mktemp("data") / "WESAD", 2, seed=1, minutes=1.0)


def test_layout_is_wesads(wesad_root: Path) -> None:
    assert sorted(p.name for p in wesad_root.iterdir() if p.is_dir()) == ["S2", "S3"]
    raw = pickle.loads((wesad_root / "S2" / "S2.pkl").read_bytes(), encoding="latin1")
    assert set(raw) == {"subject", "signal", "label"} and raw["subject"] == "S2"
    chest, wrist = raw["signal"]["chest"], raw["signal"]["wrist"]
    assert set(chest) == {"ACC", "ECG", "EMG", "EDA", "Temp", "Resp"}
    assert set(wrist) == {"ACC", "BVP", "EDA", "TEMP"}
    n = len(raw["label"])
    assert chest["ECG"].shape == (n, 1) and chest["ACC"].shape == (n, 3)
    assert wrist["EDA"].shape[0] == pytest.approx(n * 4 / 700, abs=1)
    assert wrist["BVP"].shape[0] == pytest.approx(n * 64 / 700, abs=2)
    assert set(np.unique(raw["label"])) == {0, 1, 2, 3, 4}
    data = (wesad_root / "S2" / "S2.pkl").read_bytes()
    assert b"numpy.core.multiarray\n_reconstruct" in data  # as Python 2 numpy wrote it


def test_read(wesad_root: Path) -> None:
    ds = read_wesad(wesad_root.parent)  # the folder holding WESAD/ works too
    assert ds.name == "WESAD" and ds.synthetic and ds.subject_ids == ["S2", "S3"]
    s = ds.subject("S3")
    assert s.signal("ECG").rate == 700.0 and s.signal("wrist_EDA").rate == 4.0
    conds = [g.labels["condition"] for g in s.segments]
    assert conds == ["baseline", "stress", "meditation", "amusement", "meditation"]
    assert s.segments[0].kind == "baseline" and s.segments[0].end == pytest.approx(120.0)
    assert [g.labels["stress"] for g in s.segments] == [0, 1, 0, 0, 0]
    stress = s.segments[1]
    _t, rr = rr_series(s, stress, detector=ecg_peaks)  # no truth in files
    _t, rr0 = rr_series(s, s.segments[0], detector=ecg_peaks)
    assert 60 / rr.mean() > 60 / rr0.mean() + 4  # bpm
    wins = list(windows(ds, "ECG", 30.0, 30.0))
    assert wins[0][1].shape == (21000, 1)
    only = read_wesad(wesad_root, ["S2"], wrist=False)
    assert only.subject_ids == ["S2"] and "wrist_BVP" not in only.subjects[0].recordings


def test_not_synthetic_without_marker(wesad_root: Path, tmp_path: Path) -> None:
    (tmp_path / "S2").mkdir()
    (tmp_path / "S2" / "S2.pkl").write_bytes((wesad_root / "S2" / "S2.pkl").read_bytes())
    assert not (tmp_path / SYNTHETIC_MARKER).exists()
    assert read_wesad(tmp_path).synthetic is False


class _Evil:
    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.target}",))


def test_malicious_pickle_is_refused_without_running(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    evil = {"subject": "S2", "signal": _Evil(target), "label": np.zeros(3)}
    (tmp_path / "S2").mkdir()
    (tmp_path / "S2" / "S2.pkl").write_bytes(pickle.dumps(evil, protocol=2))
    with pytest.raises(UnsafePickleError, match=r"system"):
        read_wesad(tmp_path)
    assert not target.exists()
    raw = b'cbuiltins\neval\n(S\'__import__("os").system("touch ' + bytes(target) + b"\")'\ntR."
    (tmp_path / "eval.pkl").write_bytes(raw)
    with pytest.raises(UnsafePickleError, match=r"builtins\.eval"):
        load_restricted(tmp_path / "eval.pkl")
    assert not target.exists()


def test_damaged_files(wesad_root: Path, tmp_path: Path) -> None:
    (tmp_path / "S2").mkdir()
    good = (wesad_root / "S2" / "S2.pkl").read_bytes()
    (tmp_path / "S2" / "S2.pkl").write_bytes(good[: len(good) // 3])
    with pytest.raises(DatasetError, match="truncated or damaged"):
        read_wesad(tmp_path)
    (tmp_path / "S2" / "S2.pkl").write_bytes(pickle.dumps({"subject": "S2"}, protocol=2))
    with pytest.raises(DatasetError, match="no key 'label'"):
        read_wesad(tmp_path)
    with pytest.raises(DatasetError, match=r"S2/S2\.pkl"):
        read_wesad(tmp_path / "empty-nothing-here")
    with pytest.raises(ConfigError, match="S9"):
        read_wesad(wesad_root, ["S9"])


def test_generators_are_deterministic(tmp_path: Path) -> None:
    a = write_wesad_like(tmp_path / "a", 1, seed=7, minutes=0.2)
    b = write_wesad_like(tmp_path / "b", 1, seed=7, minutes=0.2)
    assert (a / "S2" / "S2.pkl").read_bytes() == (b / "S2" / "S2.pkl").read_bytes()
