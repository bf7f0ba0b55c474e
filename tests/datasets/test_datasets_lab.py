"""The lab layout: XDF or CSV recordings plus labels.csv."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from heartmind.datasets import (
    DatasetError,
    read_lab,
    synthetic_affective,
    write_lab,
    write_lab_like,
)


@pytest.mark.parametrize("fmt", ["xdf", "csv"])
def test_roundtrip(tmp_path: Path, fmt: str) -> None:
    ds = synthetic_affective(2, seed=2, duration=30.0, modalities=("ECG", "EDA", "KEYS"))
    write_lab(ds, tmp_path, fmt)
    assert (
        (tmp_path / "labels.csv")
        .read_text()
        .startswith("subject,start,end,valence,arousal,dominance,stress,condition,kind")
    )
    back = read_lab(tmp_path)
    assert back.synthetic and back.name == "synthetic-affective"
    assert back.subject_ids == ds.subject_ids
    for a, b in zip(ds, back, strict=True):
        assert [g.labels for g in a.segments] == [g.labels for g in b.segments]
        assert [(g.start, g.end, g.kind) for g in a.segments] == [
            (g.start, g.end, g.kind) for g in b.segments
        ]
        ea, eb = a.signal("ECG"), b.signal("ECG")
        assert eb.rate == 256.0 and eb.units == ("mV",) and eb.t0 == pytest.approx(0.0)
        np.testing.assert_allclose(eb.data, ea.data, rtol=1e-6, atol=1e-6)
        ka, kb = a.signal("KEYS"), b.signal("KEYS")
        assert kb.rate == 0 and np.allclose(kb.times(), ka.times(), atol=1e-6)


def test_write_lab_like_and_hand_written_labels(tmp_path: Path) -> None:
    write_lab_like(tmp_path, 1, seed=1, fmt="csv", duration=20.0, modalities=("ECG",))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "SYN01.ECG.csv",
        "SYN01.STATE.csv",
        "dataset.json",
        "labels.csv",
    ]
    (tmp_path / "labels.csv").write_text(
        "subject,start,end,valence,stress,condition\nSYN01,0,10,,0,rest\nSYN01,10,20,0.5,1,exam\n"
    )
    (tmp_path / "dataset.json").unlink()
    ds = read_lab(tmp_path)
    assert not ds.synthetic and ds.name == tmp_path.name
    segs = ds.subjects[0].segments
    assert segs[0].kind == "baseline" and "valence" not in segs[0].labels
    assert segs[1].labels == {"valence": 0.5, "stress": 1, "condition": "exam"}


def test_errors(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"no labels\.csv"):
        read_lab(tmp_path)
    write_lab_like(tmp_path, 1, fmt="csv", duration=20.0, modalities=("ECG",))
    (tmp_path / "labels.csv").write_text("subject,start,end,stress\nP99,0,10,0\n")
    with pytest.raises(DatasetError, match="P99"):
        read_lab(tmp_path)
    (tmp_path / "labels.csv").write_text("subject,start,end,stress\nSYN01,0,10,yes\n")
    with pytest.raises(DatasetError, match="line 2: stress must be 0 or 1"):
        read_lab(tmp_path)
    (tmp_path / "labels.csv").write_text("subject,start,end\nSYN01,0,10\n")
    (tmp_path / "SYN01.ECG.csv").write_text("time,ECG\n0,abc\n")
    with pytest.raises(DatasetError, match="numeric CSV"):
        read_lab(tmp_path)
    (tmp_path / "SYN01.ECG.csv").unlink()
    (tmp_path / "SYN01.xdf").write_bytes(b"XDF:garbage")
    with pytest.raises(DatasetError, match=r"SYN01\.xdf"):
        read_lab(tmp_path)
