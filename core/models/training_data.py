"""Data for the training loop: arrays or torch datasets, batched per process.

A training or validation set is a ``torch.utils.data.Dataset`` whose items are
``(inputs, target)`` or ``(inputs, target, *extras)`` — ``inputs`` one tensor or a tuple
of tensors (passed to the model as ``model(*inputs)``), ``extras`` per-sample data that
only a training objective uses (e.g. a target attention map) — or a tuple of arrays
``(x, y)`` / ``(x, y, *extras)`` with one row per sample.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from ..errors import MissingExtraError
from .base import ModelError
from .distributed import World

try:
    import torch
    from torch.utils.data import DataLoader, Dataset, DistributedSampler, Subset, TensorDataset
except ImportError:  # pragma: no cover - torch is the "models" extra
    raise MissingExtraError("models", "heartmind.models.training_data", "torch") from None

__all__ = [
    "Data",
    "TrainingError",
    "as_dataset",
    "batch_size_of",
    "eval_loader",
    "model_inputs",
    "to_device",
    "train_loader",
]

#: A dataset of ``(inputs, target[, *extras])`` items, or a tuple of arrays ``(x, y, …)``.
Data: TypeAlias = "Dataset[Any] | tuple[npt.ArrayLike | torch.Tensor, ...]"


class TrainingError(ModelError):
    """The training loop was given settings or data it cannot use."""


def _tensor(values: npt.ArrayLike | torch.Tensor, name: str, target: bool) -> torch.Tensor:
    if isinstance(values, torch.Tensor):
        return values
    array = np.asarray(values)
    if array.dtype.kind in "iu" and target:
        return torch.from_numpy(array.astype(np.int64))
    if array.dtype.kind in "biuf":
        return torch.from_numpy(array.astype(np.float32))
    raise TrainingError(f"{name} has dtype {array.dtype}; give numbers (one row per sample).")


def as_dataset(data: Data, name: str = "data") -> Dataset[Any]:
    """``data`` as a dataset: arrays become float32 inputs and extras, and int64 (integer)
    or float32 targets; a dataset is returned as it is."""
    if isinstance(data, Dataset):
        return data
    if not isinstance(data, tuple | list) or len(data) < 2:
        raise TrainingError(f"{name} must be a torch Dataset or a tuple of arrays (x, y, ...).")
    tensors = [_tensor(v, f"{name}[{i}]", i == 1) for i, v in enumerate(data)]
    rows = {int(t.shape[0]) for t in tensors}
    if len(rows) != 1:
        raise TrainingError(f"{name} arrays have {sorted(rows)} rows; give one per sample.")
    return TensorDataset(*tensors)


def _length(dataset: Dataset[Any], name: str) -> int:
    try:
        return len(dataset)  # type: ignore[arg-type]
    except TypeError:
        raise TrainingError(f"{name} must have a length (a map-style Dataset).") from None


def train_loader(
    dataset: Dataset[Any],
    world: World,
    *,
    batch_size: int,
    shuffle: bool,
    seed: int,
    drop_last: bool,
    num_workers: int,
    pin_memory: bool,
) -> tuple[DataLoader[Any], DistributedSampler[Any]]:
    """Batches of this process's share, reshuffled each epoch by ``sampler.set_epoch``.

    The order is a function of ``seed`` and the epoch only, so a resumed run sees the
    batches an uninterrupted run would.
    """
    if _length(dataset, "the training set") < world.size:
        raise TrainingError(f"the training set is smaller than the {world.size} processes.")
    sampler: DistributedSampler[Any] = DistributedSampler(
        dataset,
        num_replicas=world.size,
        rank=world.rank,
        shuffle=shuffle,
        seed=seed,
        drop_last=drop_last,
    )
    loader = DataLoader(
        dataset,
        batch_size=batch_size,
        sampler=sampler,
        drop_last=drop_last,
        num_workers=num_workers,
        pin_memory=pin_memory,
    )
    return loader, sampler


def eval_loader(
    dataset: Dataset[Any], world: World, *, batch_size: int, num_workers: int
) -> DataLoader[Any]:
    """Batches of this process's contiguous share of ``dataset`` (no padding, in order)."""
    n = _length(dataset, "the validation set")
    if n < world.size:
        raise TrainingError(
            f"the validation set has {n} samples for {world.size} processes; give at "
            "least one sample per process."
        )
    share: Sequence[int] = np.array_split(np.arange(n), world.size)[world.rank].tolist()
    return DataLoader(Subset(dataset, share), batch_size=batch_size, num_workers=num_workers)


def to_device(batch: Any, device: torch.device) -> Any:
    """A tensor, or a tuple/list of tensors, moved to ``device``."""
    if isinstance(batch, torch.Tensor):
        return batch.to(device, non_blocking=True)
    if isinstance(batch, tuple | list):
        return type(batch)(to_device(b, device) for b in batch)
    return batch


def model_inputs(inputs: Any) -> tuple[Any, ...]:
    """Positional arguments for the model: ``(x,)`` or the tuple of several inputs."""
    return tuple(inputs) if isinstance(inputs, tuple | list) else (inputs,)


def batch_size_of(inputs: Any) -> int:
    """Number of samples in a batch of inputs."""
    first = model_inputs(inputs)[0]
    return int(first.shape[0])
