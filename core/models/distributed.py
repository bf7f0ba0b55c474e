"""Several processes, one training: the PyTorch DistributedDataParallel (DDP) plumbing.

The training loop (:func:`heartmind.models.training.fit`) calls these; a model plugin
does not need to. Under ``torchrun`` (or ``python -m torch.distributed.run``) every process
gets ``WORLD_SIZE``, ``RANK`` and ``LOCAL_RANK`` in its environment; when ``WORLD_SIZE`` > 1
:func:`setup` joins the process group — ``nccl`` when training on GPUs, ``gloo`` on CPUs —
with the rendezvous address torchrun provides (``MASTER_ADDR``/``MASTER_PORT``). Without
torchrun, or with one process, nothing is initialised and every helper is a no-op.

The group is left open for later calls (several folds in one script) and closed when the
process exits.
"""

from __future__ import annotations

import atexit
import logging
import os
from dataclasses import dataclass
from typing import Any

from ..errors import HeartmindError, MissingExtraError

try:
    import torch
    import torch.distributed as dist
    from torch import nn
except ImportError:  # pragma: no cover - torch is the "models" extra
    raise MissingExtraError("models", "heartmind.models.distributed", "torch") from None

__all__ = [
    "DistributedError",
    "World",
    "all_gather_objects",
    "broadcast_object",
    "gather_rows",
    "setup",
    "sum_across",
    "sync_buffers",
    "world_from_env",
]

log = logging.getLogger(__name__)


class DistributedError(HeartmindError, RuntimeError):
    """The process group could not be joined (environment, backend or network)."""


@dataclass(frozen=True)
class World:
    """Where this process stands among the training processes.

    Attributes
    ----------
    rank
        Global number of this process (0 … size − 1); rank 0 writes and reports.
    size
        Number of processes (``WORLD_SIZE``); 1 without torchrun.
    local_rank
        Number of this process on its machine: its GPU number.
    backend
        ``"gloo"`` or ``"nccl"`` when a process group is in use, else ``None``.
    """

    rank: int = 0
    size: int = 1
    local_rank: int = 0
    backend: str | None = None

    @property
    def is_main(self) -> bool:
        """True on rank 0 (the process that writes checkpoints and shows progress)."""
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        """True when several processes train together."""
        return self.size > 1


def world_from_env() -> World:
    """Rank, size and local rank from torchrun's environment variables (defaults 0, 1, 0)."""
    try:
        size = int(os.environ.get("WORLD_SIZE", "1"))
        rank = int(os.environ.get("RANK", "0"))
        local = int(os.environ.get("LOCAL_RANK", "0"))
    except ValueError as exc:
        raise DistributedError(f"torchrun environment is malformed ({exc}).") from None
    if not 0 <= rank < max(size, 1):
        raise DistributedError(f"RANK={rank} is outside WORLD_SIZE={size}.")
    return World(rank=rank, size=max(size, 1), local_rank=local)


def setup(device: torch.device) -> World:
    """Join the process group when launched with several processes; return the world.

    ``device`` is this process's device (from
    :func:`heartmind.models.torch_utils.choose_device`): a CUDA device selects ``nccl``,
    the CPU ``gloo``. Calling it again reuses the open group.
    """
    world = world_from_env()
    if not world.distributed:
        return world
    backend = "nccl" if device.type == "cuda" else "gloo"
    if dist.is_initialized():
        return World(world.rank, world.size, world.local_rank, str(dist.get_backend()))
    if device.type == "cuda":
        torch.cuda.set_device(device)
    for name in ("MASTER_ADDR", "MASTER_PORT"):
        if name not in os.environ:
            raise DistributedError(
                f"WORLD_SIZE={world.size} but {name} is not set; launch with torchrun "
                "(python -m torch.distributed.run), which sets it."
            )
    try:
        dist.init_process_group(backend=backend, rank=world.rank, world_size=world.size)
    except (RuntimeError, ValueError) as exc:
        raise DistributedError(
            f"cannot join the {backend} process group as rank {world.rank} of {world.size} "
            f"at {os.environ['MASTER_ADDR']}:{os.environ['MASTER_PORT']} ({exc}); check that "
            "every process can reach that address (GLOO_SOCKET_IFNAME / NCCL_SOCKET_IFNAME "
            "choose the network interface)."
        ) from None
    atexit.register(_teardown)
    log.info("joined %s process group: rank %d of %d", backend, world.rank, world.size)
    return World(world.rank, world.size, world.local_rank, backend)


def _teardown() -> None:
    if dist.is_initialized():
        dist.destroy_process_group()


def sum_across(values: torch.Tensor, world: World) -> torch.Tensor:
    """Element-wise sum of ``values`` over all processes (the tensor itself with one)."""
    if not world.distributed:
        return values
    out = values.clone()
    dist.all_reduce(out, op=dist.ReduceOp.SUM)
    return out


def gather_rows(rows: torch.Tensor, world: World) -> torch.Tensor:
    """Concatenate every process's ``rows`` (first axis may differ in length) in rank order.

    Every process receives the whole result.
    """
    if not world.distributed:
        return rows
    count = torch.tensor([rows.shape[0]], device=rows.device)
    counts = [torch.zeros_like(count) for _ in range(world.size)]
    dist.all_gather(counts, count)
    longest = int(max(int(c.item()) for c in counts))
    padded = rows.new_zeros((longest, *rows.shape[1:]))
    padded[: rows.shape[0]] = rows
    parts = [torch.zeros_like(padded) for _ in range(world.size)]
    dist.all_gather(parts, padded)
    return torch.cat([p[: int(c.item())] for p, c in zip(parts, counts, strict=True)])


def all_gather_objects(value: Any, world: World) -> list[Any]:
    """Every process's ``value`` (small picklable objects, e.g. generator states), in rank
    order. The objects travel between the training processes only, never to a file."""
    if not world.distributed:
        return [value]
    out: list[Any] = [None] * world.size
    dist.all_gather_object(out, value)
    return out


def broadcast_object(value: Any, world: World) -> Any:
    """Rank 0's ``value`` on every process (e.g. a checkpoint that only rank 0 can read)."""
    if not world.distributed:
        return value
    box = [value]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def sync_buffers(model: nn.Module, world: World) -> None:
    """Copy rank 0's buffers (e.g. batch-norm running statistics) to every process.

    DDP keeps parameters equal; buffers updated in the last forward pass of an epoch may
    still differ, so this makes validation and the saved model the same on every rank.
    """
    if not world.distributed:
        return
    for buffer in model.buffers():
        dist.broadcast(buffer.data, src=0)
