"""Training script run by test_models_distributed.py, alone or under torchrun.

``python ddp_train.py OUT`` or ``python -m torch.distributed.run --nproc_per_node=2
--standalone ddp_train.py OUT``: the same command, as a user would run it. Each process
writes its final weights (``OUT/<phase>-rank<r>.npz``) and history (``.json``).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from heartmind.models.explain import attention_loss, grad_cam
from heartmind.models.torch_utils import state_to_arrays
from heartmind.models.training import TrainResult, fit

OUT = Path(sys.argv[1])
RANK = int(os.environ.get("RANK", "0"))
WORLD = int(os.environ.get("WORLD_SIZE", "1"))
COMMON: dict[str, Any] = {"device": "cpu", "threads": 1}


def _save(phase: str, model: nn.Module, result: TrainResult) -> None:
    arrays = state_to_arrays(model.state_dict())
    np.savez(OUT / f"{phase}-rank{RANK}.npz", **arrays)  # type: ignore[arg-type]
    (OUT / f"{phase}-rank{RANK}.json").write_text(json.dumps(result.history))


def plain() -> None:
    """Full-batch gradient descent: 2 processes × 32 samples = 1 process × 64 samples."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 8)).astype(np.float32)
    y = (x @ np.linspace(-1, 1, 8)).astype(np.float32)[:, None]
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 1))
    result = fit(
        model, nn.MSELoss(), (x, y), (x[:20], y[:20]), epochs=20, batch_size=64 // WORLD,
        optimizer="sgd", momentum=0.0, lr=0.1, checkpoint_dir=str(OUT / "plain-ckpt"),
        **COMMON,
    )  # fmt: skip
    _save("plain", model, result)


class Crash(Exception):
    pass


def _crash_after_epoch_2(record: dict[str, float]) -> None:
    if record["epoch"] == 2:
        raise Crash


def resume() -> None:
    """Dropout, Adam, cosine schedule, shuffled mini-batches: interrupted + resumed."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(96, 8)).astype(np.float32)
    y = (x[:, 0] * x[:, 1] > 0).astype(np.int64)

    def run(folder: str, **extra: Any) -> tuple[nn.Module, TrainResult]:
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 2))
        result = fit(
            model, nn.CrossEntropyLoss(), (x[:80], y[:80]), (x[80:], y[80:]), epochs=6,
            batch_size=8, lr=0.01, scheduler="cosine", checkpoint_dir=str(OUT / folder),
            quiet=True, **COMMON, **extra,
        )  # fmt: skip
        return model, result

    _save("straight", *run("straight-ckpt"))
    with contextlib.suppress(Crash):
        run("crash-ckpt", on_epoch_end=_crash_after_epoch_2)
    _save("resumed", *run("crash-ckpt", resume=True))


def gradcam() -> None:
    """A Grad-CAM attention term (double backward) inside the loss, under DDP."""
    gen = torch.Generator().manual_seed(2)
    x = torch.randn(32, 1, 64, generator=gen)
    y = torch.arange(32) % 2
    att = torch.softmax(x[:, 0], dim=1)
    ce = nn.CrossEntropyLoss()

    def objective(
        net: nn.Module, xb: torch.Tensor, yb: torch.Tensor, ab: torch.Tensor
    ) -> torch.Tensor:
        cam = grad_cam(net, xb, yb, layer="0", create_graph=True)
        return ce(net(xb), yb) + attention_loss(cam, ab)

    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv1d(1, 4, 5, padding=2), nn.ReLU(), nn.AdaptiveAvgPool1d(1), nn.Flatten(),
        nn.Linear(4, 2),
    )  # fmt: skip
    result = fit(
        model, ce, (x, y, att), epochs=2, batch_size=8, objective=objective, quiet=True,
        **COMMON,
    )  # fmt: skip
    _save("cam", model, result)


if __name__ == "__main__":
    plain()
    resume()
    gradcam()
