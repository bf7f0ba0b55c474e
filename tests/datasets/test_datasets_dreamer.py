"""DREAMER reader on a DREAMER.mat written in DREAMER's layout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.io import loadmat

from heartmind.datasets import DatasetError, windows
from heartmind.datasets.dreamer import EMOTIV_CHANNELS, read_dreamer, write_dreamer_like


@pytest.fixture(scope="module")
def mat(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dreamer")
    return write_dreamer_like(folder, 2, 3, seed=4, baseline=8.0, stimulus=20.0)


def test_layout_is_dreamers(mat: Path) -> None:
    assert mat.name == "DREAMER.mat"
    top = loadmat(str(mat), squeeze_me=True, struct_as_record=False)["DREAMER"]
    assert top.ECG_SamplingRate == 256 and top.EEG_SamplingRate == 128
    assert tuple(top.EEG_Electrodes) == EMOTIV_CHANNELS
    sub = top.Data[1]
    assert sub.ECG.baseline[0].shape == (8 * 256, 2)
    assert sub.EEG.stimuli[2].shape == (20 * 128, 14)
    assert sub.ScoreValence.shape == (3,) and set(sub.ScoreArousal) <= {1, 2, 3, 4, 5}
    assert isinstance(sub.Age, str) and sub.Gender in ("male", "female")


def test_read(mat: Path) -> None:
    ds = read_dreamer(mat.parent)
    assert ds.name == "DREAMER" and ds.synthetic and ds.subject_ids == ["01", "02"]
    assert ds.label_scales["valence"] == (1.0, 5.0)
    s = ds.subjects[0]
    assert s.signal("EEG").channels == EMOTIV_CHANNELS and s.signal("EEG").rate == 128.0
    assert s.signal("ECG").data.shape == (3 * 28 * 256, 2)
    kinds = [g.kind for g in s.segments]
    assert kinds == ["baseline", "stimulus"] * 3
    stim = s.segments[3]
    assert (stim.start, stim.end) == (36.0, 56.0) and stim.labels["clip"] == 2
    assert 1 <= float(stim.labels["valence"]) <= 5
    # the data are placed where the segments say
    raw = loadmat(str(mat), squeeze_me=True, struct_as_record=False)["DREAMER"].Data[0]
    np.testing.assert_allclose(s.signal("EEG").between(36.0, 56.0), raw.EEG.stimuli[1], rtol=1e-6)
    wins = list(windows(ds, "EEG", 10.0, 5.0, kinds=("stimulus",)))
    assert len(wins) == 2 * 3 * 3 and wins[0][1].shape == (1280, 14)
    assert ds.subjects[0].signal("ECG").data.mean() != ds.subjects[1].signal("ECG").data.mean()


def test_single_subject_single_clip(tmp_path: Path) -> None:
    p = write_dreamer_like(tmp_path / "one.mat", 1, 1, baseline=4.0, stimulus=6.0)
    ds = read_dreamer(p)
    assert len(ds) == 1 and [g.kind for g in ds.subjects[0].segments] == ["baseline", "stimulus"]


def test_damaged(mat: Path, tmp_path: Path) -> None:
    bad = tmp_path / "DREAMER.mat"
    bad.write_bytes(mat.read_bytes()[:5000])
    with pytest.raises(DatasetError, match="download it again"):
        read_dreamer(bad)
    with pytest.raises(DatasetError, match="does not exist"):
        read_dreamer(tmp_path / "missing.mat")
    from scipy.io import savemat

    savemat(str(bad), {"OTHER": np.zeros(3)})
    with pytest.raises(DatasetError, match="no variable 'DREAMER'"):
        read_dreamer(bad)
    savemat(str(bad), {"DREAMER": {"Data": np.array([[{"Age": "1"}]], dtype=object)}})
    with pytest.raises(DatasetError, match="no field 'ECG'"):
        read_dreamer(bad)
