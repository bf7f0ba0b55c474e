"""The one training loop of heartmind models: CPU, one GPU, or many under ``torchrun``.

:func:`fit` trains a torch module on a dataset (or arrays) with validation each epoch,
early stopping on a monitored metric, rich progress on stderr, pickle-free checkpoints and
exact resume. The same call runs

* on the CPU or one GPU: ``python train.py``;
* on several GPUs of one machine: ``torchrun --nproc_per_node=4 train.py``;
* on several machines: ``torchrun --nnodes=2 --nproc_per_node=4 --rdzv_backend=c10d
  --rdzv_endpoint=HOST:29400 train.py`` on each machine.

Under torchrun (``WORLD_SIZE`` > 1) every process joins the process group (``nccl`` on
GPUs, ``gloo`` on CPUs), wraps the model in ``DistributedDataParallel`` and trains on its
share of the data (a ``DistributedSampler``); gradients are averaged over processes, so
the effective batch is ``batch_size × WORLD_SIZE``. Validation outputs are gathered from
every process, so every process computes the same metrics and stops at the same epoch.
Only rank 0 writes checkpoints and shows progress.

Checkpoints (``checkpoint_dir``): ``last.ckpt`` after every epoch — model, optimizer and
scheduler state, epoch, early-stopping state, history and every process's random
generator states — and ``best.ckpt`` (the model at the best epoch). With ``resume=True``
a run continues after the last saved epoch and ends with the same weights, bit for bit,
as a run that was never interrupted (same settings, same number of processes and
threads). See :mod:`heartmind.models.checkpoint` for the file format.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ..errors import MissingExtraError
from . import distributed as ddp
from .checkpoint import load_checkpoint, save_checkpoint
from .early_stopping import EarlyStopping
from .progress import TrainingProgress
from .torch_utils import choose_device, rng_state, seed_everything, set_rng_state, threads
from .training_data import (
    Data,
    TrainingError,
    as_dataset,
    batch_size_of,
    eval_loader,
    model_inputs,
    to_device,
    train_loader,
)

try:
    import torch
    from torch import nn
except ImportError:  # pragma: no cover - torch is the "models" extra
    raise MissingExtraError("models", "heartmind.models.training", "torch") from None

__all__ = [
    "LossFn",
    "MetricFn",
    "Objective",
    "TrainConfig",
    "TrainResult",
    "TrainingError",
    "fit",
    "predict",
]

log = logging.getLogger(__name__)

#: ``loss(outputs, targets) -> scalar tensor`` (e.g. ``nn.CrossEntropyLoss()``).
LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
#: ``objective(model, inputs, targets, *extras) -> scalar tensor``: a training loss that
#: needs the model itself (e.g. a Grad-CAM attention term) or per-sample extras of the
#: batch; ``model`` is the DDP-wrapped module under torchrun, so call it for the forward.
Objective = Callable[..., torch.Tensor]
#: ``metric(targets, outputs) -> float`` on the whole validation set (numpy arrays of the
#: targets and of the raw model outputs), e.g. ``lambda y, out: auroc(y, out[:, 1])``.
MetricFn = Callable[[npt.NDArray[Any], npt.NDArray[Any]], float]
OptimizerFactory = Callable[[Iterable[nn.Parameter]], torch.optim.Optimizer]
SchedulerFactory = Callable[[torch.optim.Optimizer], Any]

_OPTIMIZERS = ("adam", "adamw", "sgd")
_SCHEDULERS = ("cosine", "step", "plateau")


@dataclass(frozen=True)
class TrainConfig:
    """Settings of :func:`fit` (JSON-compatible, recorded in every checkpoint).

    Attributes
    ----------
    epochs, batch_size
        Number of epochs; samples per batch *per process*.
    optimizer, lr, weight_decay, momentum
        ``"adam"``, ``"adamw"`` or ``"sgd"`` (``momentum`` for SGD only); learning rate and
        L2 weight decay.
    scheduler, step_size, gamma
        Learning-rate schedule stepped once per epoch: ``None``, ``"cosine"`` (to 0 over
        ``epochs``), ``"step"`` (× ``gamma`` every ``step_size`` epochs) or ``"plateau"``
        (× ``gamma`` after ``step_size`` epochs without improvement of ``monitor``).
    grad_clip
        Clip the gradient norm to this value (``None``: no clipping).
    seed, device, threads
        Random seed (rank ``r`` uses ``seed + r``); ``"auto"``, ``"cpu"``, ``"cuda"`` or
        ``"cuda:N"``; torch CPU threads per process (``None``: torch's default).
    monitor, mode, patience, min_delta, restore_best
        Metric that picks the best epoch (``"val_loss"``, ``"val_<metric>"``,
        ``"train_loss"``; ``"val_loss"`` becomes ``"train_loss"`` without validation
        data); ``"min"``/``"max"``/``"auto"``; stop after ``patience`` epochs without
        improvement (``None``: never); the model ends with the best epoch's weights when
        ``restore_best``.
    checkpoint_dir, resume
        Folder for ``last.ckpt``/``best.ckpt`` (``None``: no checkpoints); continue from
        ``last.ckpt`` when it exists.
    shuffle, drop_last, num_workers
        Reshuffle the training set each epoch; drop a last incomplete batch; DataLoader
        worker processes.
    quiet
        No progress display (epoch summaries still go to the log).
    """

    epochs: int = 10
    batch_size: int = 32
    optimizer: Literal["adam", "adamw", "sgd"] = "adam"
    lr: float = 1e-3
    weight_decay: float = 0.0
    momentum: float = 0.9
    scheduler: Literal["cosine", "step", "plateau"] | None = None
    step_size: int = 10
    gamma: float = 0.1
    grad_clip: float | None = None
    seed: int = 0
    device: str = "auto"
    threads: int | None = None
    monitor: str = "val_loss"
    mode: Literal["min", "max", "auto"] = "auto"
    patience: int | None = None
    min_delta: float = 0.0
    restore_best: bool = True
    checkpoint_dir: str | Path | None = None
    resume: bool = False
    shuffle: bool = True
    drop_last: bool = False
    num_workers: int = 0
    quiet: bool = False

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1:
            raise TrainingError(
                f"epochs = {self.epochs}, batch_size = {self.batch_size}; both must be >= 1."
            )
        if not self.lr > 0:
            raise TrainingError(f"lr = {self.lr}; the learning rate must be positive.")
        if self.optimizer not in _OPTIMIZERS:
            raise TrainingError(f"unknown optimizer {self.optimizer!r}; use one of {_OPTIMIZERS}.")
        if self.scheduler is not None and self.scheduler not in _SCHEDULERS:
            raise TrainingError(f"unknown scheduler {self.scheduler!r}; use one of {_SCHEDULERS}.")
        if self.checkpoint_dir is not None:  # a str, so that the settings stay JSON
            object.__setattr__(self, "checkpoint_dir", str(self.checkpoint_dir))


@dataclass
class TrainResult:
    """What :func:`fit` did. The model itself is trained in place.

    Attributes
    ----------
    history
        One record per epoch: ``epoch`` (0-based), ``train_loss``, ``val_loss`` and
        ``val_<metric>`` (with validation data), ``lr``, ``seconds``.
    monitor, best_epoch, best
        The monitored metric, its best epoch (-1 if none) and value.
    stopped_early
        True when early stopping ended the run before ``epochs``.
    resumed_from
        The last epoch read from a checkpoint, or ``None``.
    world_size, device
        Number of processes and this process's device.
    """

    history: list[dict[str, float]] = field(default_factory=list)
    monitor: str = "val_loss"
    best_epoch: int = -1
    best: float = float("nan")
    stopped_early: bool = False
    resumed_from: int | None = None
    world_size: int = 1
    device: str = "cpu"


def fit(
    model: nn.Module,
    loss: LossFn,
    train: Data,
    val: Data | None = None,
    *,
    config: TrainConfig | None = None,
    metrics: Mapping[str, MetricFn] | None = None,
    objective: Objective | None = None,
    make_optimizer: OptimizerFactory | None = None,
    make_scheduler: SchedulerFactory | None = None,
    on_epoch_end: Callable[[dict[str, float]], None] | None = None,
    **settings: Any,
) -> TrainResult:
    """Train ``model`` in place; see the module docstring for devices and torchrun.

    Parameters
    ----------
    model
        The torch module; moved to the chosen device.
    loss
        ``loss(outputs, targets)``: the training loss (unless ``objective`` is given) and
        the validation loss, computed on the whole validation set.
    train, val
        Training and validation data: datasets of ``(inputs, target[, *extras])`` items
        or tuples of arrays ``(x, y[, *extras])`` (see :mod:`.training_data`); extras go
        to ``objective`` only.
    config
        :class:`TrainConfig`; keyword ``settings`` (e.g. ``epochs=20, lr=1e-3``) override
        its fields.
    metrics
        Validation metrics by name, reported as ``val_<name>`` (see :data:`MetricFn`).
    objective
        Training loss that needs the model (see :data:`Objective`).
    make_optimizer, make_scheduler
        Build the optimizer from the parameters / the scheduler from the optimizer,
        instead of ``config.optimizer`` / ``config.scheduler``. A scheduler is stepped
        once per epoch (``ReduceLROnPlateau`` with the monitored value).
    on_epoch_end
        Called on every process with each epoch's record, after the checkpoint.

    Returns
    -------
    TrainResult
    """
    unknown = set(settings) - {f.name for f in fields(TrainConfig)}
    if unknown:
        raise TrainingError(f"unknown training settings {sorted(unknown)}; see TrainConfig.")
    cfg = replace(config or TrainConfig(), **settings)
    run = _Run(model, loss, as_dataset(train, "train"), val, cfg, dict(metrics or {}))
    run.objective = objective
    with threads(cfg.threads):
        return run.train(make_optimizer, make_scheduler, on_epoch_end)


class _Run:
    """One call of :func:`fit`: its device, data, optimizer and bookkeeping."""

    def __init__(
        self,
        model: nn.Module,
        loss: LossFn,
        train: Any,
        val: Data | None,
        config: TrainConfig,
        metrics: dict[str, MetricFn],
    ) -> None:
        self.config = config
        self.device = choose_device(config.device)
        self.world = ddp.setup(self.device)
        self.model = model.to(self.device)
        self.net: nn.Module = self.model
        self.loss = loss
        self.metrics = metrics
        self.objective: Objective | None = None
        monitor = _monitor(config.monitor, val is not None, metrics)
        self.stopper = EarlyStopping(
            monitor, mode=config.mode, patience=config.patience, min_delta=config.min_delta
        )
        cuda = self.device.type == "cuda"
        self.loader, self.sampler = train_loader(
            train,
            self.world,
            batch_size=config.batch_size,
            shuffle=config.shuffle,
            seed=config.seed,
            drop_last=config.drop_last,
            num_workers=config.num_workers,
            pin_memory=cuda,
        )
        self.val_loader = (
            None
            if val is None
            else eval_loader(
                as_dataset(val, "val"),
                self.world,
                batch_size=config.batch_size,
                num_workers=config.num_workers,
            )
        )
        self.history: list[dict[str, float]] = []
        self.best_state: dict[str, torch.Tensor] | None = None
        self.folder = Path(config.checkpoint_dir) if config.checkpoint_dir else None

    # ------------------------------------------------------------------ the loop

    def train(
        self,
        make_optimizer: OptimizerFactory | None,
        make_scheduler: SchedulerFactory | None,
        on_epoch_end: Callable[[dict[str, float]], None] | None,
    ) -> TrainResult:
        cfg = self.config
        seed_everything(cfg.seed + self.world.rank)
        self.optimizer = (make_optimizer or self._optimizer)(self.model.parameters())
        self.scheduler = (make_scheduler or self._scheduler)(self.optimizer)
        start = self._resume() if cfg.resume else 0
        resumed_from = start - 1 if start else None
        if self.world.distributed:
            ids = [self.device.index] if self.device.type == "cuda" else None
            self.net = nn.parallel.DistributedDataParallel(self.model, device_ids=ids)
        stopped = bool(start) and self.stopper.should_stop
        show = self.world.is_main and not cfg.quiet
        with TrainingProgress(cfg.epochs, enabled=show) as progress:
            for epoch in range(start, start if stopped else cfg.epochs):
                record = self._epoch(epoch, progress)
                progress.end_epoch(record)
                if on_epoch_end is not None:
                    on_epoch_end(dict(record))
                if self.stopper.should_stop:
                    stopped = epoch + 1 < cfg.epochs
                    log.info(
                        "early stop after epoch %d: no better %s", epoch + 1, self.stopper.monitor
                    )
                    break
        if cfg.restore_best and self.best_state is not None:
            self.model.load_state_dict(self.best_state)
        return TrainResult(
            history=self.history,
            monitor=self.stopper.monitor,
            best_epoch=self.stopper.best_epoch,
            best=self._best_value(),
            stopped_early=stopped,
            resumed_from=resumed_from,
            world_size=self.world.size,
            device=str(self.device),
        )

    def _epoch(self, epoch: int, progress: TrainingProgress) -> dict[str, float]:
        began = time.perf_counter()
        record: dict[str, float] = {
            "epoch": epoch,
            "train_loss": self._train_epoch(epoch, progress),
        }
        ddp.sync_buffers(self.model, self.world)
        if self.val_loader is not None:
            record.update(self._validate())
        record["lr"] = float(self.optimizer.param_groups[0]["lr"])
        record["seconds"] = time.perf_counter() - began
        improved = self.stopper.update(epoch, record)
        if improved and self.config.restore_best:
            self.best_state = {k: v.detach().clone() for k, v in self.model.state_dict().items()}
        self._step_scheduler(record)
        self.history.append(record)
        self._save(epoch, improved)
        return record

    def _train_epoch(self, epoch: int, progress: TrainingProgress) -> float:
        self.net.train()
        self.sampler.set_epoch(epoch)
        progress.start_epoch(epoch, len(self.loader))
        total = torch.zeros(2, dtype=torch.float64, device=self.device)
        for batch in self.loader:
            inputs, targets, *extras = to_device(batch, self.device)
            self.optimizer.zero_grad(set_to_none=True)
            if self.objective is not None:
                value = self.objective(self.net, inputs, targets, *extras)
            else:
                value = self.loss(self.net(*model_inputs(inputs)), targets)
            value.backward()  # type: ignore[no-untyped-call]
            if self.config.grad_clip is not None:
                nn.utils.clip_grad_norm_(self.model.parameters(), self.config.grad_clip)
            self.optimizer.step()
            n = batch_size_of(inputs)
            total += torch.stack([value.detach().double() * n, value.new_tensor(n).double()])
            if progress.enabled:
                progress.advance(float(value.detach()))
        total = ddp.sum_across(total, self.world)
        return float(total[0] / total[1]) if total[1] > 0 else float("nan")

    @torch.no_grad()
    def _validate(self) -> dict[str, float]:
        assert self.val_loader is not None
        self.model.eval()
        outputs, targets = [], []
        for batch in self.val_loader:
            outputs.append(self.model(*model_inputs(to_device(batch[0], self.device))))
            targets.append(to_device(batch[1], self.device))
        out = ddp.gather_rows(torch.cat(outputs), self.world)
        truth = ddp.gather_rows(torch.cat(targets), self.world)
        record = {"val_loss": float(self.loss(out, truth))}
        y, o = truth.cpu().numpy(), out.float().cpu().numpy()
        for name, metric in self.metrics.items():
            record[f"val_{name}"] = float(metric(y, o))
        return record

    # ------------------------------------------------------------------ optimizer

    def _optimizer(self, params: Iterable[nn.Parameter]) -> torch.optim.Optimizer:
        cfg = self.config
        if cfg.optimizer == "sgd":
            return torch.optim.SGD(
                params, lr=cfg.lr, momentum=cfg.momentum, weight_decay=cfg.weight_decay
            )
        kind = torch.optim.AdamW if cfg.optimizer == "adamw" else torch.optim.Adam
        return kind(params, lr=cfg.lr, weight_decay=cfg.weight_decay)

    def _scheduler(self, optimizer: torch.optim.Optimizer) -> Any:
        cfg, sched = self.config, torch.optim.lr_scheduler
        if cfg.scheduler == "cosine":
            return sched.CosineAnnealingLR(optimizer, T_max=cfg.epochs)
        if cfg.scheduler == "step":
            return sched.StepLR(optimizer, step_size=cfg.step_size, gamma=cfg.gamma)
        if cfg.scheduler == "plateau":
            mode = self.stopper.mode
            return sched.ReduceLROnPlateau(
                optimizer, mode=mode, factor=cfg.gamma, patience=cfg.step_size
            )
        return None

    def _step_scheduler(self, record: dict[str, float]) -> None:
        if self.scheduler is None:
            return
        if isinstance(self.scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
            self.scheduler.step(record[self.stopper.monitor])
        else:
            self.scheduler.step()

    def _best_value(self) -> float:
        return self.stopper.best if self.stopper.best_epoch >= 0 else float("nan")

    # ------------------------------------------------------------------ checkpoints

    def _save(self, epoch: int, improved: bool) -> None:
        if self.folder is None:
            return
        rng = ddp.all_gather_objects(rng_state(self.device), self.world)  # every rank
        if not self.world.is_main:
            return
        save_checkpoint(
            self.folder / "last.ckpt",
            {
                "epoch": epoch,
                "world_size": self.world.size,
                "config": asdict(self.config),
                "model": self.model.state_dict(),
                "optimizer": self.optimizer.state_dict(),
                "scheduler": None if self.scheduler is None else self.scheduler.state_dict(),
                "stopping": self.stopper.state_dict(),
                "history": self.history,
                "rng": rng,
            },
        )
        if improved:
            best = {"epoch": epoch, "monitor": self.stopper.monitor, "value": self.stopper.best}
            save_checkpoint(self.folder / "best.ckpt", {**best, "model": self.model.state_dict()})

    def _resume(self) -> int:
        """Load ``last.ckpt`` (read by rank 0, sent to all); the next epoch to train."""
        if self.folder is None:
            raise TrainingError("resume=True needs checkpoint_dir (where last.ckpt is).")
        last, best = self.folder / "last.ckpt", self.folder / "best.ckpt"
        state = None
        if self.world.is_main and last.exists():
            state = load_checkpoint(last)
            state["best_model"] = load_checkpoint(best)["model"] if best.exists() else None
        state = ddp.broadcast_object(state, self.world)
        if state is None:
            log.info("no checkpoint in %s; starting from epoch 1", self.folder)
            return 0
        _warn_changed(state["config"], asdict(self.config))
        try:
            self.model.load_state_dict(state["model"])
            self.optimizer.load_state_dict(state["optimizer"])
        except (RuntimeError, ValueError, KeyError) as exc:
            raise TrainingError(
                f"{last} does not fit this model or optimizer ({exc}); resume with the "
                "settings that wrote it, or delete it to start afresh."
            ) from None
        if self.scheduler is not None and state["scheduler"] is not None:
            self.scheduler.load_state_dict(state["scheduler"])
        self.stopper.load_state_dict(state["stopping"])
        self.history = list(state["history"])
        self.best_state = state["best_model"]
        epoch = int(state["epoch"])
        if int(state["world_size"]) == self.world.size:
            set_rng_state(state["rng"][self.world.rank], self.device)
        else:
            log.warning(
                "resuming on %d processes instead of %d: random draws will differ",
                self.world.size,
                state["world_size"],
            )
            seed_everything(self.config.seed + self.world.rank + 1000 * (epoch + 1))
        log.info("resumed from %s after epoch %d", last, epoch + 1)
        return epoch + 1


def _monitor(monitor: str, has_val: bool, metrics: Mapping[str, MetricFn]) -> str:
    """The metric early stopping watches (``val_loss`` falls back to ``train_loss``)."""
    if not has_val and monitor == "val_loss":
        return "train_loss"
    if not has_val and monitor.startswith("val_"):
        raise TrainingError(f"monitor {monitor!r} needs validation data (val=...).")
    reported = ["train_loss", *(["val_loss", *(f"val_{m}" for m in metrics)] if has_val else [])]
    if monitor not in reported:
        raise TrainingError(f"cannot monitor {monitor!r}: an epoch reports {reported}.")
    return monitor


_RESUME_KEYS = ("batch_size", "optimizer", "lr", "weight_decay", "scheduler", "seed", "shuffle")


def _warn_changed(saved: dict[str, Any], now: dict[str, Any]) -> None:
    changed = [k for k in _RESUME_KEYS if saved.get(k) != now.get(k)]
    if changed:
        log.warning(
            "resuming with changed settings %s: the run will not match one "
            "that was never interrupted",
            changed,
        )


def predict(
    model: nn.Module,
    x: npt.ArrayLike | torch.Tensor,
    *,
    batch_size: int = 256,
    device: str | None = None,
) -> npt.NDArray[Any]:
    """Model outputs for inputs ``x`` (one row per sample), in evaluation mode, as numpy.

    ``device`` defaults to where the model's parameters are; otherwise the model is
    moved there.
    """
    if device is not None:
        model = model.to(choose_device(device))
    where = next((p.device for p in model.parameters()), torch.device("cpu"))
    inputs = x if isinstance(x, torch.Tensor) else torch.as_tensor(np.asarray(x, np.float32))
    model.eval()
    parts = []
    with torch.no_grad():
        for start in range(0, inputs.shape[0], batch_size):
            parts.append(model(inputs[start : start + batch_size].to(where)).cpu())
    if not parts:
        return np.zeros((0,), dtype=np.float32)
    out: npt.NDArray[Any] = torch.cat(parts).numpy()
    return out
