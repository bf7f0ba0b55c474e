"""heartmind.models.torch_utils and .checkpoint: seeds, threads, devices, arrays ↔ state
dict (through a real .hmm file), counts, and the pickle-free checkpoint format."""

from __future__ import annotations

import json
import random
import stat
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
import torch
from torch import nn

from heartmind.models import Model, ModelError, ModelInfo, load_model
from heartmind.models.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from heartmind.models.torch_utils import (
    DeviceError,
    arrays_to_state,
    choose_device,
    count_flops,
    count_parameters,
    load_arrays,
    seed_everything,
    set_threads,
    state_to_arrays,
    threads,
)


def test_importing_the_package_does_not_import_torch() -> None:
    code = (
        "import sys, heartmind.models, heartmind.models.metrics, heartmind.models.splits, "
        "heartmind.models.torch_utils, heartmind.models.confidence; "
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_seed_everything_repeats_every_generator() -> None:
    def draw() -> tuple[float, float, float]:
        return random.random(), float(np.random.rand()), float(torch.rand(1))

    seed_everything(7)
    first = draw()
    seed_everything(7)
    assert draw() == first
    seed_everything(8)
    assert draw() != first


def test_threads_are_set_and_restored() -> None:
    before = torch.get_num_threads()
    with threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    assert set_threads(None) == before
    with pytest.raises(ModelError):
        set_threads(0)


def test_device_choice() -> None:
    assert choose_device("cpu") == torch.device("cpu")
    assert choose_device(" CPU ") == torch.device("cpu")
    with pytest.raises(DeviceError, match="unknown device"):
        choose_device("gpu")
    with pytest.raises(DeviceError, match="cuda:N"):
        choose_device("cuda:x")
    if torch.cuda.is_available():
        count = torch.cuda.device_count()
        assert choose_device("auto", local_rank=0) == torch.device("cuda:0")
        assert choose_device("cuda", local_rank=count - 1) == torch.device(f"cuda:{count - 1}")
        with pytest.raises(DeviceError, match=f"has {count} GPU"):
            choose_device(f"cuda:{count}")
    else:
        assert choose_device("auto") == torch.device("cpu")
        for spec in ("cuda", "cuda:0", "cuda:1"):
            with pytest.raises(DeviceError, match=r"CUDA is not available.*'cpu'"):
                choose_device(spec)


class TinyNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv1d(2, 4, 5)
        self.norm = nn.BatchNorm1d(4)
        self.head = nn.Linear(4, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.norm(self.conv(x)).mean(dim=2))


class TorchModel(Model):
    """A .hmm model holding a torch module as named arrays."""

    kind = "test-torch-tiny"

    def __init__(self, info: ModelInfo, config: dict[str, Any] | None = None) -> None:
        super().__init__(info, config)
        self.net = TinyNet()

    def fit(self, x: Any, y: Any, **options: Any) -> TorchModel:
        return self

    def predict(self, x: Any) -> npt.NDArray[np.float64]:
        with torch.no_grad():
            out = self.net.eval()(torch.as_tensor(x, dtype=torch.float32))
        return out.double().numpy()

    def get_arrays(self) -> dict[str, npt.NDArray[Any]]:
        return state_to_arrays(self.net.state_dict(), prefix="net.")

    def set_arrays(self, arrays: dict[str, npt.NDArray[Any]]) -> None:
        load_arrays(self.net, arrays, prefix="net.")


def test_state_dict_round_trip_through_a_model_file(tmp_path: Path) -> None:
    torch.manual_seed(0)
    model = TorchModel(ModelInfo(name="tiny"))
    model.net.train()(torch.randn(8, 2, 16))  # batch-norm statistics change
    path = model.save(tmp_path / "tiny.hmm")
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["arrays.npz", "manifest.json"]
    loaded = load_model(path)
    assert isinstance(loaded, TorchModel)
    x = np.random.default_rng(0).normal(size=(3, 2, 16))
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    arrays = model.get_arrays()
    assert arrays["net.norm.num_batches_tracked"].dtype == np.int64
    assert set(arrays_to_state(arrays, prefix="net.")) == set(model.net.state_dict())


def test_load_arrays_says_what_does_not_fit() -> None:
    arrays = state_to_arrays(TinyNet().state_dict())
    other = nn.Linear(4, 3)
    with pytest.raises(ModelError, match="missing"):
        load_arrays(other, arrays)
    wrong = dict(arrays, **{"head.weight": np.zeros((2, 4), np.float32)})
    with pytest.raises(ModelError, match=r"head.weight \(2, 4\) != \(3, 4\)"):
        load_arrays(TinyNet(), wrong)
    with pytest.raises(ModelError, match="not a tensor"):
        state_to_arrays({"x": 1.0})  # type: ignore[dict-item]


def test_bfloat16_is_stored_as_float32_and_cast_back() -> None:
    net = nn.Linear(3, 2).to(torch.bfloat16)
    arrays = state_to_arrays(net.state_dict())
    assert arrays["weight"].dtype == np.float32
    copy = nn.Linear(3, 2).to(torch.bfloat16)
    load_arrays(copy, arrays)
    assert copy.weight.dtype == torch.bfloat16
    assert torch.equal(copy.weight, net.weight)


def test_parameter_and_flop_counts() -> None:
    net = TinyNet()
    assert count_parameters(net) == (2 * 4 * 5 + 4) + (4 + 4) + (4 * 3 + 3)
    net.conv.requires_grad_(False)
    assert count_parameters(net, trainable_only=True) == (4 + 4) + (4 * 3 + 3)
    assert count_flops(nn.Linear(8, 16), torch.zeros(4, 8)) == 2 * 4 * 8 * 16
    conv = nn.Conv1d(2, 4, 5)  # 12 output samples from 16
    assert count_flops(conv, torch.zeros(3, 2, 16)) == 2 * 3 * 4 * 12 * 2 * 5


# ----------------------------------------------------------------- checkpoints


def test_checkpoint_round_trip_without_pickles(tmp_path: Path) -> None:
    net = nn.Linear(3, 2)
    optimizer = torch.optim.Adam(net.parameters())
    net(torch.randn(4, 3)).sum().backward()
    optimizer.step()
    state = {
        "epoch": 3,
        "best": float("inf"),
        "nan": float("nan"),
        "model": net.state_dict(),
        "optimizer": optimizer.state_dict(),
        "python_rng": random.getstate(),
        "numpy_rng": np.random.get_state(),
        "nested": {1: ("a", [1, 2.5, None, True]), "__array__": "not a marker"},
        "bf16": torch.ones(2, dtype=torch.bfloat16),
    }
    path = save_checkpoint(tmp_path / "run" / "last.ckpt", state)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["arrays.npz", "checkpoint.json"]
        json.loads(zf.read("checkpoint.json"))  # strict JSON (no NaN literals)
        assert b"NaN" not in zf.read("checkpoint.json")
    back = load_checkpoint(path)
    assert back["epoch"] == 3 and back["best"] == float("inf") and np.isnan(back["nan"])
    assert back["nested"] == {1: ("a", [1, 2.5, None, True]), "__array__": "not a marker"}
    assert back["bf16"].dtype == torch.bfloat16
    for key, value in net.state_dict().items():
        assert torch.equal(back["model"][key], value)
    restored = torch.optim.Adam(nn.Linear(3, 2).parameters())
    restored.load_state_dict(back["optimizer"])
    assert restored.state_dict()["param_groups"][0]["betas"] == (0.9, 0.999)
    random.setstate(back["python_rng"])
    np.random.set_state(back["numpy_rng"])


def test_checkpoint_refuses_what_it_cannot_store_without_pickling(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match=r"state\['scheduler'\]\['fn'\]"):
        save_checkpoint(tmp_path / "x.ckpt", {"scheduler": {"fn": lambda e: e}})
    with pytest.raises(CheckpointError, match="objects"):
        save_checkpoint(tmp_path / "x.ckpt", {"a": np.array([object()])})
    assert not list(tmp_path.iterdir()) or not (tmp_path / "x.ckpt").exists()


def test_checkpoint_read_errors(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="does not exist"):
        load_checkpoint(tmp_path / "none.ckpt")
    bad = tmp_path / "bad.ckpt"
    bad.write_text("not a zip")
    with pytest.raises(CheckpointError, match="not a heartmind checkpoint"):
        load_checkpoint(bad)
    other = tmp_path / "other.ckpt"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr(
            "checkpoint.json", json.dumps({"format": "heartmind-checkpoint", "version": 99})
        )
        zf.writestr("arrays.npz", b"")
    with pytest.raises(CheckpointError, match="version 99"):
        load_checkpoint(other)
