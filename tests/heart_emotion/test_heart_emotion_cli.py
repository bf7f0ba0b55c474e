"""``heartmind train`` / ``heartmind evaluate`` end to end (synthetic, WESAD-, DREAMER-like)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heartmind.cli.main import main
from heartmind.datasets import write_dreamer_like, write_wesad_like
from heartmind.plugins.heart_emotion.api import load_heart_model

SMALL = ["--subjects", "3", "--episode-duration", "90", "--window", "30"]


def test_train_synthetic_writes_a_labelled_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "m.hmm"
    rc = main(["train", "--dataset", "synthetic", "--model", "hrv-linear", *SMALL,
               "--out", str(out)])  # fmt: skip
    assert rc == 0
    text = capsys.readouterr().out
    assert "[SYNTHETIC DATA]" in text and "not validated" in text and str(out) in text
    model = load_heart_model(out)
    assert model.info.synthetic and model.info.trained_on == "synthetic" and model.window == 30.0


def test_evaluate_synthetic_loso(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "eval"
    rc = main(["evaluate", "--dataset", "synthetic", "--model", "hrv-linear", *SMALL,
               "--out", str(out)])  # fmt: skip
    assert rc == 0
    text = capsys.readouterr().out
    assert "SYNTHETIC DATA" in text and "leave-one-subject-out" in text
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["synthetic"] and "SYNTHETIC" in metrics["note"]
    assert metrics["cross_validation"] == "leave-one-subject-out" and metrics["n_subjects"] == 3
    assert set(metrics["dimensions"]) == {"valence", "arousal", "dominance", "stress"}
    for m in metrics["dimensions"].values():
        assert 0 <= m["accuracy"] <= 1 and 0 <= m["f1"] <= 1
        assert m["auroc"] is None or 0 <= m["auroc"] <= 1
        assert sum(map(sum, m["confusion"])) == m["n"]
        assert set(m["per_subject_accuracy"]) == {"SYN01", "SYN02", "SYN03"}
    assert metrics["dimensions"]["arousal"]["auroc"] > 0.7  # heart rate carries arousal here
    for png in ("confusion.png", "calibration.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_evaluate_on_a_wesad_format_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_wesad_like(tmp_path / "WESAD", n_subjects=2, minutes=1.5)
    rc = main(["evaluate", "--dataset", "wesad", "--path", str(root), "--model", "hrv-linear",
               "--window", "30", "--out", str(tmp_path / "ev")])  # fmt: skip
    assert rc == 0
    metrics = json.loads((tmp_path / "ev" / "metrics.json").read_text())
    assert metrics["dataset"] == "WESAD" and metrics["synthetic"]
    assert "stress" in metrics["dimensions"]  # WESAD labels conditions, hence stress
    assert "[SYNTHETIC DATA]" in capsys.readouterr().out


@pytest.mark.slow
def test_train_and_evaluate_gru_on_a_dreamer_format_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mat = write_dreamer_like(tmp_path / "DREAMER.mat", n_subjects=2, n_clips=3, stimulus=70.0)
    common = ["--dataset", "dreamer", "--path", str(mat), "--model", "hr-gru", "--epochs", "2",
              "--window", "30"]  # fmt: skip
    assert main(["train", *common, "--out", str(tmp_path / "gru.hmm")]) == 0
    model = load_heart_model(tmp_path / "gru.hmm")
    assert model.dims == ["valence", "arousal", "dominance"] and model.info.synthetic
    assert main(["evaluate", *common, "--out", str(tmp_path / "ev")]) == 0
    metrics = json.loads((tmp_path / "ev" / "metrics.json").read_text())
    assert metrics["dataset"] == "DREAMER" and set(metrics["dimensions"]) == {
        "valence", "arousal", "dominance"
    }  # fmt: skip
    assert "SYNTHETIC" in capsys.readouterr().out


def test_missing_path_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["evaluate", "--dataset", "dreamer", "--model", "hrv-linear"])
    assert rc == 2 and "needs --path" in capsys.readouterr().err
    rc = main(["train", "--dataset", "wesad", "--path", "/nonexistent/WESAD", "--model",
               "hr-gru", "--out", "x.hmm"])  # fmt: skip
    assert rc == 2 and "does not exist" in capsys.readouterr().err
