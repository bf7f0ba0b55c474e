"""heartmind.models.training: the loop in one process — learning, validation metrics,
early stopping, best weights, exact resume, progress on stderr, and clear errors."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import Dataset

from heartmind.models import ModelError, metrics
from heartmind.models.checkpoint import load_checkpoint
from heartmind.models.early_stopping import EarlyStopping
from heartmind.models.torch_utils import DeviceError
from heartmind.models.training import TrainConfig, TrainingError, fit, predict

COMMON: dict[str, Any] = {"device": "cpu", "threads": 1, "quiet": True}


def _task(n: int = 120, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype(np.float32)
    y = (x[:, 0] - x[:, 1] > 0).astype(np.int64)
    return x, y


def _net(seed: int = 0, dropout: float = 0.0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(dropout), nn.Linear(16, 2))


def _auroc(y: np.ndarray, out: np.ndarray) -> float:
    return metrics.auroc(y, out[:, 1] - out[:, 0])


def test_fit_learns_and_reports_validation_metrics() -> None:
    x, y = _task()
    model = _net()
    result = fit(
        model, nn.CrossEntropyLoss(), (x[:90], y[:90]), (x[90:], y[90:]), epochs=12, lr=0.02,
        metrics={"auroc": _auroc}, **COMMON,
    )  # fmt: skip
    first, last = result.history[0], result.history[-1]
    assert set(last) == {"epoch", "train_loss", "val_loss", "val_auroc", "lr", "seconds"}
    assert last["train_loss"] < first["train_loss"] / 2
    assert last["val_auroc"] > 0.95
    assert result.monitor == "val_loss" and result.best_epoch >= 0
    assert result.world_size == 1 and result.device == "cpu"
    scores = predict(model, x[90:])
    assert scores.shape == (30, 2)
    assert metrics.accuracy(y[90:], scores.argmax(1)) > 0.85


class PairDataset(Dataset[tuple[tuple[torch.Tensor, torch.Tensor], torch.Tensor]]):
    """Items with two inputs: the model is called as model(a, b)."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        self.x, self.y = torch.from_numpy(x), torch.from_numpy(y)

    def __len__(self) -> int:
        return len(self.y)

    def __getitem__(self, i: int) -> tuple[tuple[torch.Tensor, torch.Tensor], torch.Tensor]:
        return (self.x[i, :3], self.x[i, 3:]), self.y[i]


class TwoInputs(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.a, self.b = nn.Linear(3, 2), nn.Linear(3, 2)

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return self.a(a) + self.b(b)


def test_fit_takes_datasets_with_several_inputs() -> None:
    x, y = _task()
    torch.manual_seed(0)
    model = TwoInputs()
    data = PairDataset(x, y)
    result = fit(model, nn.CrossEntropyLoss(), data, data, epochs=5, lr=0.05, **COMMON)
    assert result.history[-1]["val_loss"] < result.history[0]["val_loss"]


def test_early_stopping_stops_and_restores_the_best_weights(tmp_path: Path) -> None:
    x, y = _task(60)
    rng = np.random.default_rng(5)
    noise = rng.integers(0, 2, 40)  # validation labels the model cannot learn
    model = _net()
    result = fit(
        model, nn.CrossEntropyLoss(), (x[:40], y[:40]), (x[:40], noise), epochs=60, lr=0.05,
        patience=3, checkpoint_dir=str(tmp_path), **COMMON,
    )  # fmt: skip
    assert result.stopped_early and len(result.history) < 60
    assert len(result.history) == result.best_epoch + 1 + 3
    best = load_checkpoint(tmp_path / "best.ckpt")
    assert best["epoch"] == result.best_epoch and best["value"] == result.best
    for key, value in model.state_dict().items():
        assert torch.equal(value, best["model"][key]), key
    val_losses = [h["val_loss"] for h in result.history]
    assert result.best == min(val_losses)


def test_monitor_a_metric_to_maximise() -> None:
    x, y = _task()
    result = fit(
        _net(), nn.CrossEntropyLoss(), (x[:90], y[:90]), (x[90:], y[90:]), epochs=4,
        metrics={"auroc": _auroc}, monitor="val_auroc", **COMMON,
    )  # fmt: skip
    assert result.monitor == "val_auroc"
    assert result.best == max(h["val_auroc"] for h in result.history)


def _interrupted_then_resumed(folder: Path, crash_after: int, **settings: Any) -> nn.Module:
    x, y = _task()

    class Crash(Exception):
        pass

    def crash(record: dict[str, float]) -> None:
        if record["epoch"] == crash_after:
            raise Crash

    with pytest.raises(Crash):
        fit(_net(dropout=0.3), nn.CrossEntropyLoss(), (x[:90], y[:90]), (x[90:], y[90:]),
            checkpoint_dir=str(folder), on_epoch_end=crash, **settings)  # fmt: skip
    model = _net(seed=99, dropout=0.3)  # other initial weights: the checkpoint replaces them
    result = fit(model, nn.CrossEntropyLoss(), (x[:90], y[:90]), (x[90:], y[90:]),
                 checkpoint_dir=str(folder), resume=True, **settings)  # fmt: skip
    assert result.resumed_from == crash_after
    return model


@pytest.mark.parametrize(
    "settings",
    [
        {"optimizer": "adam", "scheduler": "cosine", "batch_size": 16},
        {"optimizer": "sgd", "scheduler": "plateau", "batch_size": 7, "step_size": 1},
        {"optimizer": "adamw", "scheduler": "step", "step_size": 2, "grad_clip": 0.5},
    ],
)
def test_a_resumed_run_ends_with_the_same_weights(tmp_path: Path, settings: Any) -> None:
    x, y = _task()
    full = {"epochs": 6, "lr": 0.02, "restore_best": False, **settings, **COMMON}
    straight = _net(dropout=0.3)
    fit(straight, nn.CrossEntropyLoss(), (x[:90], y[:90]), (x[90:], y[90:]), **full)
    resumed = _interrupted_then_resumed(tmp_path, crash_after=2, **full)
    for key, value in straight.state_dict().items():
        assert torch.equal(value, resumed.state_dict()[key]), key


def test_resume_with_best_weights_and_after_the_end(tmp_path: Path) -> None:
    x, y = _task()
    full = {"epochs": 5, "lr": 0.02, **COMMON}
    straight = _net(dropout=0.3)
    expected = fit(straight, nn.CrossEntropyLoss(), (x[:90], y[:90]), (x[90:], y[90:]), **full)
    resumed = _interrupted_then_resumed(tmp_path, crash_after=1, **full)
    for key, value in straight.state_dict().items():
        assert torch.equal(value, resumed.state_dict()[key]), key
    # Resuming a finished run trains nothing and keeps the history.
    again = _net(seed=5)
    done = fit(again, nn.CrossEntropyLoss(), (x[:90], y[:90]), (x[90:], y[90:]),
               checkpoint_dir=str(tmp_path), resume=True, **full)  # fmt: skip
    assert done.resumed_from == 4 and len(done.history) == 5
    assert done.best_epoch == expected.best_epoch


def test_resume_without_a_checkpoint_starts_afresh(tmp_path: Path) -> None:
    x, y = _task()
    result = fit(_net(), nn.CrossEntropyLoss(), (x, y), epochs=2,
                 checkpoint_dir=str(tmp_path / "new"), resume=True, **COMMON)  # fmt: skip
    assert result.resumed_from is None and len(result.history) == 2
    assert result.monitor == "train_loss"


def test_progress_goes_to_stderr_unless_quiet(capsys: pytest.CaptureFixture[str]) -> None:
    x, y = _task(40)
    settings = {**COMMON, "epochs": 2}
    fit(_net(), nn.CrossEntropyLoss(), (x, y), (x, y), **{**settings, "quiet": False})
    captured = capsys.readouterr()
    assert "epoch 2/2" in captured.err and "val_loss" in captured.err
    assert captured.out == ""
    fit(_net(), nn.CrossEntropyLoss(), (x, y), (x, y), **settings)
    assert capsys.readouterr().err == ""


def test_epoch_summaries_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    x, y = _task(40)
    with caplog.at_level(logging.INFO, logger="heartmind.models"):
        fit(_net(), nn.CrossEntropyLoss(), (x, y), epochs=2, **{**COMMON, "quiet": False})
    assert any("epoch 2/2" in r.getMessage() for r in caplog.records)


def test_custom_optimizer_and_scheduler_factories() -> None:
    x, y = _task(40)
    made: list[str] = []

    def make_optimizer(params: Any) -> torch.optim.Optimizer:
        made.append("optimizer")
        return torch.optim.RMSprop(params, lr=0.01)

    def make_scheduler(optimizer: torch.optim.Optimizer) -> Any:
        made.append("scheduler")
        return torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.5)

    result = fit(_net(), nn.CrossEntropyLoss(), (x, y), epochs=3, make_optimizer=make_optimizer,
                 make_scheduler=make_scheduler, **COMMON)  # fmt: skip
    assert made == ["optimizer", "scheduler"]
    assert [h["lr"] for h in result.history] == pytest.approx([0.01, 0.005, 0.0025])


def test_wrong_settings_are_errors(tmp_path: Path) -> None:
    x, y = _task(20)
    loss = nn.CrossEntropyLoss()
    with pytest.raises(TrainingError, match="unknown training settings"):
        fit(_net(), loss, (x, y), epoch=3)
    with pytest.raises(TrainingError, match="optimizer"):
        TrainConfig(optimizer="lbfgs")  # type: ignore[arg-type]
    with pytest.raises(TrainingError, match="validation data"):
        fit(_net(), loss, (x, y), monitor="val_auroc", **COMMON)
    with pytest.raises(TrainingError, match="checkpoint_dir"):
        fit(_net(), loss, (x, y), resume=True, **COMMON)
    with pytest.raises(TrainingError, match="rows"):
        fit(_net(), loss, (x, y[:5]), **COMMON)
    with pytest.raises(TrainingError, match=r"cannot monitor 'loss'.*\['train_loss'\]"):
        fit(_net(), loss, (x, y), epochs=1, monitor="loss", **COMMON)
    if not torch.cuda.is_available():
        with pytest.raises(DeviceError):
            fit(_net(), loss, (x, y), device="cuda")
    fit(_net(), loss, (x, y), epochs=1, checkpoint_dir=str(tmp_path), **COMMON)
    with pytest.raises(TrainingError, match="does not fit"):
        fit(nn.Linear(6, 2), loss, (x, y), checkpoint_dir=str(tmp_path), resume=True, **COMMON)


def test_early_stopping_rules() -> None:
    stop = EarlyStopping("val_auroc", patience=2, min_delta=0.01)
    assert stop.mode == "max"
    assert stop.update(0, {"val_auroc": 0.7})
    assert not stop.update(1, {"val_auroc": 0.705})  # within min_delta
    assert not stop.update(2, {"val_auroc": float("nan")})
    assert stop.should_stop and stop.best_epoch == 0
    copy = EarlyStopping("val_auroc", patience=2)
    copy.load_state_dict(stop.state_dict())
    assert copy.should_stop and copy.best == 0.7
    assert EarlyStopping("train_loss").mode == "min"
    with pytest.raises(ModelError, match="patience"):
        EarlyStopping(patience=0)
    with pytest.raises(ModelError, match="does not report"):
        EarlyStopping("val_f1").update(0, {"val_loss": 1.0})
