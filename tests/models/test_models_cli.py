"""``heartmind train/evaluate --model KIND`` dispatch: errors, help, duplicates, evaluation."""

from __future__ import annotations

import argparse
import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import heartmind
from heartmind import ModelSpec, PluginManager
from heartmind.cli.main import main
from heartmind.cli.models import evaluate, find_spec, train
from heartmind.errors import ConfigError, PluginError

SMOKE = ["--dataset", "synthetic", "--subjects", "2", "--episode-duration", "100",
         "--window", "60", "--step", "20"]  # fmt: skip


def test_unknown_kind_lists_the_kinds_closest_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--model", "hr-gur", "--out", "x.hmm"]) == 2
    err = capsys.readouterr().err
    assert "unknown model kind 'hr-gur'; kinds: hr-gru, " in err
    assert "behaviour-linear" in err and "stress-logistic" in err
    assert main(["evaluate", "--model", "stres-logistic"]) == 2
    assert "kinds: stress-logistic, " in capsys.readouterr().err


def test_model_is_required_and_help_lists_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--out", "x.hmm"]) == 2
    assert "needs --model KIND; kinds: " in capsys.readouterr().err
    assert main(["train", "--help"]) == 0
    assert "kinds: behaviour-linear, hr-gru" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--model", "stress-logistic", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "--dataset" in out and "--l2" in out and "--out MODEL.hmm" in out


def test_kind_arguments_are_checked_by_the_kind(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--model", "stress-logistic", "--dataset", "dreamer", "--out", "x"])
    assert exit_info.value.code == 2  # DREAMER has no stress labels: not a choice
    assert "invalid choice: 'dreamer'" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # other commands still refuse unknown arguments
        main(["plugins", "--bogus"])
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


def test_train_stress_logistic_through_the_registry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "stress.hmm"
    assert main(["train", "--model", "stress-logistic", *SMOKE, "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "trained stress-logistic" in text and "[SYNTHETIC DATA]" in text
    assert "not validated" in text and f"wrote {out}" in text
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    # the stress processor takes the file as its model
    session = heartmind.Session(clock="virtual", seed=1)
    proc = session.add_processor("stress", model=str(out))
    assert proc.model is not None and proc.model.info.trained_on == "synthetic"


def test_evaluate_writes_private_metrics_and_a_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ev"
    assert main(["evaluate", "--model", "stress-logistic", *SMOKE, "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "stress-logistic on synthetic-affective [SYNTHETIC DATA]" in text
    assert "leave-one-subject-out" in text and "zscore-logistic" in text
    assert "note: SYNTHETIC DATA" in text and "wrote metrics:" in text
    path = out / "metrics.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    metrics = json.loads(path.read_text())
    assert metrics["synthetic"] and metrics["model"] == "stress-logistic"
    assert set(metrics["models"]) == {"stress-logistic", "zscore-logistic"}
    assert main(["evaluate", "--model", "stress-logistic", *SMOKE, "--out", str(out),
                 "--json"]) == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out)["n_windows"] == metrics["n_windows"]


def _spec(name: str, **kw: Any) -> ModelSpec:
    return ModelSpec(name=name, task="test", factory=lambda: type, train=lambda args: None, **kw)


class _Twin:
    def __init__(self, kind: str) -> None:
        self.kind = kind

    @heartmind.hookimpl
    def heartmind_models(self) -> Iterator[ModelSpec]:
        yield _spec(self.kind)


def test_duplicate_kinds_name_both_plugins() -> None:
    manager = PluginManager(load_entry_points=False)
    manager.register(_Twin("twin"), name="first")
    manager.register(_Twin("twin"), name="second")
    manager.register(_Twin("single"), name="third")
    assert sorted(manager.models()) == ["single"]
    problems = {r.name: r.errors for r in manager.report()}
    assert any("'first'" in e and "'second'" in e for e in problems["first"])
    with pytest.raises(PluginError, match="declared by plugins 'first' and 'second'"):
        find_spec(manager, "twin", "train")
    with pytest.raises(ConfigError, match="unknown model kind 'singel'; kinds: single"):
        find_spec(manager, "singel", "train")
    strict = PluginManager(load_entry_points=False, strict=True)
    strict.register(_Twin("twin"), name="first")
    strict.register(_Twin("twin"), name="second")
    with pytest.raises(PluginError, match="both plugin 'first' and plugin 'second'"):
        strict.models()


def test_spec_checks_its_callables() -> None:
    with pytest.raises(ConfigError, match="train must be callable"):
        ModelSpec(name="bad", task="t", factory=lambda: type, train=1)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="evaluate must be callable"):
        _spec("bad", evaluate=3)
    with pytest.raises(ConfigError, match="must be non-empty letters"):
        _spec("bad kind")


def test_a_plugin_returning_something_else_is_a_clear_error() -> None:
    manager = PluginManager(load_entry_points=False)
    manager.register(_Twin("odd"), name="oddity")
    args = argparse.Namespace(model="odd", help=False, extra=["--out", "x.hmm"])
    with pytest.raises(PluginError, match="training odd returned NoneType"):
        train(args, manager)
    with pytest.raises(ConfigError, match="has no evaluation"):
        evaluate(argparse.Namespace(model="odd", help=False, extra=[]), manager)
