"""Torch parts of the heart-rate sequence models (imported only when such a model is used).

:class:`VADNet` is a one-layer GRU or LSTM over a normalised heart-rate sequence with two
heads per affective dimension: a continuous score (tanh, in [-1, 1]) and a high/low logit.
:func:`train_net` fits it with a masked multi-task loss (MSE on scores + binary cross
entropy on classes, missing labels = NaN are ignored), deterministically.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from heartmind.models.torch_utils import threads

__all__ = ["VADNet", "predict_net", "train_net"]


class VADNet(nn.Module):
    """Recurrent multi-task network: sequence → (scores in [-1, 1], class logits).

    Parameters
    ----------
    cell
        ``"gru"`` or ``"lstm"``.
    n_inputs
        Channels per time step.
    hidden
        Hidden units of the recurrent layer.
    n_dims
        Affective dimensions (valence, arousal, dominance, …).
    """

    def __init__(self, cell: str, n_inputs: int, hidden: int, n_dims: int) -> None:
        super().__init__()
        rnn_cls = nn.GRU if cell == "gru" else nn.LSTM
        self.rnn = rnn_cls(n_inputs, hidden, batch_first=True)
        self.score = nn.Linear(2 * hidden, n_dims)
        self.logit = nn.Linear(2 * hidden, n_dims)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``x``: (batch, steps, channels) → scores and logits, each (batch, n_dims)."""
        out, _ = self.rnn(x)
        h = torch.cat([out[:, -1], out.mean(dim=1)], dim=1)
        return torch.tanh(self.score(h)), self.logit(h)


def _masked_loss(
    scores: torch.Tensor, logits: torch.Tensor, y: torch.Tensor, mask: torch.Tensor
) -> torch.Tensor:
    target = torch.where(mask, y, torch.zeros_like(y))
    n = mask.sum().clamp(min=1)
    mse = (((scores - target) ** 2) * mask).sum() / n
    bce = nn.functional.binary_cross_entropy_with_logits(
        logits, (target > 0).float(), reduction="none"
    )
    return mse + (bce * mask).sum() / n


def train_net(
    net: VADNet,
    x: npt.NDArray[Any],
    y: npt.NDArray[Any],
    *,
    epochs: int,
    lr: float = 3e-3,
    batch: int = 64,
    seed: int = 0,
    progress: Callable[[int, float], None] | None = None,
) -> list[float]:
    """Fit ``net`` on sequences ``x`` (n, steps, channels) and targets ``y`` (n, dims).

    Targets are in [-1, 1] (class "high" = target > 0); NaN marks a missing label.
    Deterministic for a given ``seed`` (single thread). Returns the mean loss per epoch;
    ``progress(epoch, loss)`` is called after each epoch.
    """
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    xt = torch.as_tensor(np.asarray(x, dtype=np.float32))
    yt = torch.as_tensor(np.nan_to_num(np.asarray(y, dtype=np.float32), nan=0.0))
    mt = torch.as_tensor(np.isfinite(np.asarray(y, dtype=np.float64)))
    opt = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=1e-4)
    losses: list[float] = []
    with threads(1):  # one CPU thread: reproducible reductions
        net.train()
        for epoch in range(epochs):
            order = torch.randperm(len(xt), generator=gen)
            total = 0.0
            for i in range(0, len(xt), batch):
                idx = order[i : i + batch]
                opt.zero_grad()
                scores, logits = net(xt[idx])
                loss = _masked_loss(scores, logits, yt[idx], mt[idx])
                loss.backward()  # type: ignore[no-untyped-call]
                nn.utils.clip_grad_norm_(net.parameters(), 1.0)
                opt.step()
                total += float(loss.detach()) * len(idx)
            losses.append(total / max(len(xt), 1))
            if progress is not None:
                progress(epoch + 1, losses[-1])
        net.eval()
    return losses


def predict_net(net: VADNet, x: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    """Scores and class probabilities, ``(n, 2 * n_dims)`` float64."""
    with torch.no_grad():
        scores, logits = net(torch.as_tensor(np.asarray(x, dtype=np.float32)))
        out = torch.cat([scores, torch.sigmoid(logits)], dim=1)
    return out.numpy().astype(np.float64)
