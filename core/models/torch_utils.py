"""torch helpers: seeding and generator states, thread count, device choice, state dict ↔
named numpy arrays, parameter and FLOP counts.

torch is imported inside the functions, so importing this module (and
``heartmind.models``) stays cheap; torch itself comes with ``pip install
"heartmind[models]"``.

The ``.hmm`` model format stores arrays only, never pickles: :func:`state_to_arrays` turns
a ``state_dict`` into named numpy arrays for :meth:`heartmind.models.Model.get_arrays`, and
:func:`load_arrays` puts them back into a module, checking names and shapes.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..errors import HeartmindError, MissingExtraError
from .base import ModelError

if TYPE_CHECKING:
    import torch
    from torch import nn

__all__ = [
    "DeviceError",
    "arrays_to_state",
    "choose_device",
    "count_flops",
    "count_parameters",
    "load_arrays",
    "require_torch",
    "rng_state",
    "seed_everything",
    "set_rng_state",
    "set_threads",
    "state_to_arrays",
    "threads",
]


class DeviceError(HeartmindError, RuntimeError):
    """A compute device was asked for that this machine does not have."""


def require_torch(feature: str = "this model feature") -> Any:
    """Import torch, or raise :class:`MissingExtraError` naming the ``models`` extra."""
    try:
        import torch
    except ImportError:
        raise MissingExtraError("models", feature, "torch") from None
    return torch


def seed_everything(seed: int, *, deterministic: bool = False) -> None:
    """Seed Python's ``random``, numpy's global generator and torch (CPU and every GPU).

    Parameters
    ----------
    seed
        Any integer; reduced modulo 2**32 for numpy.
    deterministic
        Also ask torch for deterministic algorithms (``torch.use_deterministic_algorithms``
        with ``warn_only=True``, cuDNN benchmarking off). Slower on GPUs; CPU training is
        deterministic for a fixed thread count without it.
    """
    torch = require_torch("seeding")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # seeds every CUDA device too
    if deterministic:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True, warn_only=True)
        torch.backends.cudnn.benchmark = False
        torch.backends.cudnn.deterministic = True


def rng_state(device: torch.device | None = None) -> dict[str, Any]:
    """The states of Python's, numpy's and torch's global generators (and of ``device``'s
    CUDA generator): what :func:`set_rng_state` needs to repeat the next random draws.

    Holds tuples, integers and arrays/tensors only, so a checkpoint can store it.
    """
    torch = require_torch("generator states")
    state: dict[str, Any] = {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
    }
    if device is not None and device.type == "cuda":
        state["cuda"] = torch.cuda.get_rng_state(device)
    return state


def set_rng_state(state: dict[str, Any], device: torch.device | None = None) -> None:
    """Restore generator states taken by :func:`rng_state`."""
    torch = require_torch("generator states")
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if device is not None and device.type == "cuda" and "cuda" in state:
        torch.cuda.set_rng_state(state["cuda"], device)


def set_threads(count: int | None) -> int:
    """Set torch's intra-op CPU thread count; returns the previous count.

    ``None`` leaves it unchanged. One thread makes CPU results reproducible bit for bit
    across machines with different core counts.
    """
    torch = require_torch("thread control")
    before = int(torch.get_num_threads())
    if count is not None:
        if count < 1:
            raise ModelError(f"thread count {count}; give 1 or more (or None to keep {before}).")
        torch.set_num_threads(int(count))
    return before


@contextmanager
def threads(count: int | None) -> Iterator[None]:
    """Run a block with ``count`` torch CPU threads, restoring the previous count after."""
    before = set_threads(count)
    try:
        yield
    finally:
        set_threads(before)


def choose_device(spec: str = "auto", *, local_rank: int | None = None) -> torch.device:
    """The torch device for ``spec``.

    Parameters
    ----------
    spec
        ``"auto"`` (a GPU when CUDA is available, else the CPU), ``"cpu"``, ``"cuda"``
        (this process's GPU) or ``"cuda:N"`` (GPU number ``N``).
    local_rank
        GPU number used by ``"auto"``/``"cuda"``: one GPU per process under ``torchrun``.
        Default: the ``LOCAL_RANK`` environment variable (0 when unset).

    Raises
    ------
    DeviceError
        CUDA asked for but absent, a GPU number this machine does not have, or an
        unknown spec.
    """
    th = require_torch("device choice")
    if local_rank is None:
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    spec = spec.strip().lower()
    if spec == "cpu":
        return _device(th, "cpu")
    cuda = bool(th.cuda.is_available())
    if spec == "auto":
        return _device(th, f"cuda:{local_rank}" if cuda else "cpu")
    if spec == "cuda" or spec.startswith("cuda:"):
        index = local_rank if spec == "cuda" else _gpu_number(spec)
        if not cuda:
            raise DeviceError(
                f"device {spec!r} asked for, but CUDA is not available here (torch "
                f"{th.__version__}, built for CUDA {th.version.cuda or 'none'}); "
                "use device 'cpu' or 'auto', or install a CUDA build of torch."
            )
        count = int(th.cuda.device_count())
        if index >= count:
            raise DeviceError(
                f"device {spec!r} (GPU {index}) asked for, but this machine has {count} "
                f"GPU(s): cuda:0..cuda:{count - 1}."
            )
        return _device(th, f"cuda:{index}")
    raise DeviceError(f"unknown device {spec!r}; use 'auto', 'cpu', 'cuda' or 'cuda:N'.")


def _device(th: Any, name: str) -> torch.device:
    device: torch.device = th.device(name)
    return device


def _gpu_number(spec: str) -> int:
    number = spec.partition(":")[2]
    if not number.isdigit():
        raise DeviceError(f"unknown device {spec!r}; a GPU is named 'cuda:N' with N = 0, 1, ….")
    return int(number)


def state_to_arrays(
    state: Mapping[str, torch.Tensor], *, prefix: str = ""
) -> dict[str, npt.NDArray[Any]]:
    """A ``state_dict`` as named numpy arrays (copies on the CPU), names ``prefix + key``.

    bfloat16 tensors (which numpy lacks) become float32; :func:`load_arrays` casts back.
    A value that is not a tensor raises :class:`ModelError`.
    """
    torch = require_torch("state dict conversion")
    out: dict[str, npt.NDArray[Any]] = {}
    for key, value in state.items():
        if not isinstance(value, torch.Tensor):
            raise ModelError(
                f"state entry {key!r} is a {type(value).__name__}, not a tensor; store "
                "numbers as tensors (or in the model config) to save them as arrays."
            )
        tensor = value.detach().cpu()
        if tensor.dtype == torch.bfloat16:
            tensor = tensor.float()
        out[prefix + key] = tensor.numpy().copy()
    return out


def arrays_to_state(
    arrays: Mapping[str, npt.ArrayLike], *, prefix: str = ""
) -> dict[str, torch.Tensor]:
    """The inverse of :func:`state_to_arrays`: the arrays named ``prefix…`` as tensors,
    keys without the prefix."""
    torch = require_torch("state dict conversion")
    return {
        key[len(prefix) :]: torch.from_numpy(np.array(value, copy=True))
        for key, value in arrays.items()
        if key.startswith(prefix)
    }


def load_arrays(
    module: nn.Module, arrays: Mapping[str, npt.ArrayLike], *, prefix: str = ""
) -> None:
    """Load named arrays (from :func:`state_to_arrays`) into ``module`` in place.

    Every state entry of the module must be present with its shape, and no extra array
    may carry ``prefix``; otherwise :class:`ModelError` lists what differs (a model file
    of another architecture, or another configuration).
    """
    state = arrays_to_state(arrays, prefix=prefix)
    expected = module.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    wrong = [
        f"{k} {tuple(state[k].shape)} != {tuple(v.shape)}"
        for k, v in expected.items()
        if k in state and tuple(state[k].shape) != tuple(v.shape)
    ]
    if missing or unexpected or wrong:
        raise ModelError(
            "the arrays do not fit this model (another architecture or configuration): "
            f"missing {missing[:5]}, unexpected {unexpected[:5]}, wrong shape {wrong[:5]}."
        )
    cast = {k: state[k].to(dtype=v.dtype) for k, v in expected.items()}
    module.load_state_dict(cast)


def count_parameters(module: nn.Module, *, trainable_only: bool = False) -> int:
    """Number of parameters (scalars) of ``module``; only those with gradients if asked."""
    return int(sum(p.numel() for p in module.parameters() if p.requires_grad or not trainable_only))


def count_flops(module: nn.Module, *inputs: Any, **kwargs: Any) -> int:
    """Floating-point operations of one forward pass of ``module(*inputs, **kwargs)``.

    Counted by ``torch.utils.flop_counter`` (works on the CPU) for the operations it knows
    (matrix products, convolutions, attention); a multiply-add counts 2. Runs without
    gradients in the module's current mode; divide by the batch size for a per-sample
    figure.
    """
    torch = require_torch("FLOP counting")
    from torch.utils.flop_counter import FlopCounterMode

    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        module(*inputs, **kwargs)
    return int(counter.get_total_flops())
