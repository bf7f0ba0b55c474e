"""Early stopping on a monitored metric, with a state that a checkpoint can hold."""

from __future__ import annotations

import logging
import math
from typing import Any, Literal

from .base import ModelError

__all__ = ["EarlyStopping"]

log = logging.getLogger(__name__)


class EarlyStopping:
    """Track the best value of a metric and say when training has stopped improving.

    Parameters
    ----------
    monitor
        Name of the metric in an epoch's record (e.g. ``"val_loss"``, ``"val_auroc"``).
    mode
        ``"min"`` (lower is better), ``"max"``, or ``"auto"``: ``"min"`` when the name
        ends in ``loss``, ``"max"`` otherwise.
    patience
        Stop after this many epochs in a row without improvement; ``None`` never stops
        (the best epoch is still tracked).
    min_delta
        An improvement must beat the best value by more than this (in the metric's unit).

    A ``nan`` value (an undefined metric) never counts as an improvement.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        *,
        mode: Literal["min", "max", "auto"] = "auto",
        patience: int | None = None,
        min_delta: float = 0.0,
    ) -> None:
        if mode not in ("min", "max", "auto"):
            raise ModelError(f"unknown mode {mode!r}; use 'min', 'max' or 'auto'.")
        if patience is not None and patience < 1:
            raise ModelError(f"patience = {patience}; give 1 or more epochs, or None.")
        if min_delta < 0:
            raise ModelError(f"min_delta = {min_delta}; give a value >= 0.")
        self.monitor = monitor
        self.mode: Literal["min", "max"] = (
            ("min" if monitor.endswith("loss") else "max") if mode == "auto" else mode
        )
        self.patience = patience
        self.min_delta = float(min_delta)
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch = -1
        self.bad_epochs = 0

    def update(self, epoch: int, record: dict[str, Any]) -> bool:
        """Take the epoch's record; True when ``monitor`` improved (a new best epoch)."""
        if self.monitor not in record:
            raise ModelError(
                f"early stopping monitors {self.monitor!r}, which the epoch does not report; "
                f"choose one of {sorted(k for k in record if k != 'epoch')}."
            )
        value = float(record[self.monitor])
        if math.isnan(value):
            log.warning("epoch %d: %s is undefined (nan)", epoch, self.monitor)
            improved = False
        elif self.mode == "min":
            improved = value < self.best - self.min_delta
        else:
            improved = value > self.best + self.min_delta
        if improved:
            self.best, self.best_epoch, self.bad_epochs = value, epoch, 0
        else:
            self.bad_epochs += 1
        return improved

    @property
    def should_stop(self) -> bool:
        """True once ``patience`` epochs in a row brought no improvement."""
        return self.patience is not None and self.bad_epochs >= self.patience

    def state_dict(self) -> dict[str, Any]:
        """The tracked state (best value, its epoch, epochs without improvement)."""
        return {"best": self.best, "best_epoch": self.best_epoch, "bad_epochs": self.bad_epochs}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict` output (when resuming from a checkpoint)."""
        self.best = float(state["best"])
        self.best_epoch = int(state["best_epoch"])
        self.bad_epochs = int(state["bad_epochs"])
