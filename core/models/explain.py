"""Explanations of torch models: Grad-CAM (1-D and 2-D) and integrated gradients.

* :func:`grad_cam` — class-activation maps of a convolutional layer (Selvaraju et al.,
  2017): the layer's activations weighted by the spatial mean of the target score's
  gradient, summed over channels, rectified and upsampled to the input's length or size.
  Batched; with ``create_graph=True`` the map stays differentiable with respect to the
  model's parameters, so it can be part of a training loss (see :func:`attention_loss`).
* :func:`integrated_gradients` — attributions per input element (Sundararajan et al.,
  2017): ``(x − x′) × ∫₀¹ ∂F(x′ + α(x − x′))/∂x dα`` with a quadrature over ``steps``
  points. They add up to ``F(x) − F(x′)`` (completeness); the gap is reported and
  :meth:`Attribution.check` tests it.

Targets: ``None`` explains each sample's highest output (its predicted class; the single
output of a one-output model); an ``int`` one class for every sample; a sequence or tensor
of ``(batch,)`` class indices one class per sample; a callable ``outputs -> (batch,)``
any scalar score per sample.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np

from ..errors import MissingExtraError
from .base import ModelError

try:
    import torch
    import torch.nn.functional as F  # noqa: N812
    from torch import nn
except ImportError:  # pragma: no cover - torch is the "models" extra
    raise MissingExtraError("models", "heartmind.models.explain", "torch") from None

__all__ = [
    "Attribution",
    "ExplainError",
    "Target",
    "attention_loss",
    "grad_cam",
    "integrated_gradients",
    "ncc",
]

#: What to explain; see the module docstring.
Target: TypeAlias = (
    "int | Sequence[int] | torch.Tensor | Callable[[torch.Tensor], torch.Tensor] | None"
)
_TINY = 1e-30  # keeps ncc's gradient finite for constant maps


class ExplainError(ModelError):
    """An explanation was asked for with a layer, target or input it cannot use, or
    integrated gradients missed completeness."""


def _scores(outputs: torch.Tensor, target: Target) -> torch.Tensor:
    """One scalar per sample: the target's output (see the module docstring)."""
    if callable(target) and not isinstance(target, torch.Tensor):
        scores = target(outputs)
        if scores.shape != outputs.shape[:1]:
            shape = tuple(scores.shape)
            raise ExplainError(f"the target callable gave shape {shape}, not (batch,).")
        return scores
    flat = outputs.reshape(outputs.shape[0], -1)
    if target is None:
        index = flat.argmax(dim=1)
    elif isinstance(target, int):
        index = torch.full((flat.shape[0],), target, device=flat.device)
    else:
        index = torch.as_tensor(target, device=flat.device).long().reshape(-1)
        if index.shape[0] != flat.shape[0]:
            raise ExplainError(f"{index.shape[0]} targets for a batch of {flat.shape[0]}.")
    if int(index.min()) < 0 or int(index.max()) >= flat.shape[1]:
        raise ExplainError(f"target class out of range: the model has {flat.shape[1]} outputs.")
    return flat.gather(1, index[:, None].to(flat.device)).squeeze(1)


def _find_layer(model: nn.Module, layer: nn.Module | str | None) -> nn.Module:
    inner = model.module if isinstance(model, nn.parallel.DistributedDataParallel) else model
    convs = {n: m for n, m in inner.named_modules() if isinstance(m, nn.Conv1d | nn.Conv2d)}
    if isinstance(layer, nn.Module):
        return layer
    if layer is None:
        if not convs:
            raise ExplainError("the model has no Conv1d/Conv2d layer; pass layer=... .")
        return list(convs.values())[-1]
    modules = dict(inner.named_modules())
    if layer not in modules:
        raise ExplainError(f"no layer named {layer!r}; convolutional layers: {sorted(convs)}.")
    found: nn.Module = modules[layer]
    return found


def grad_cam(
    model: nn.Module,
    inputs: torch.Tensor,
    target: Target = None,
    *,
    layer: nn.Module | str | None = None,
    create_graph: bool = False,
    relu: bool = True,
    normalize: bool = True,
    size: Sequence[int] | None = None,
) -> torch.Tensor:
    """Grad-CAM maps of ``inputs`` at a convolutional layer, one per sample.

    Parameters
    ----------
    model
        A module (or its DistributedDataParallel wrapper) taking ``inputs``. Use
        evaluation mode for explanations: in training mode, batch normalisation after
        the layer mixes the samples of a batch.
    inputs
        ``(batch, channels, length)`` signals or ``(batch, channels, height, width)``
        images.
    target
        What to explain (see the module docstring).
    layer
        The layer (module, or its name in ``model.named_modules()``) whose output
        ``(batch, k, *spatial)`` is explained; default: the last Conv1d/Conv2d. A layer
        called several times in one forward pass is explained at its last call.
    create_graph
        Keep the map differentiable (w.r.t. the parameters) for use in a loss.
    relu, normalize
        Keep only positive evidence (Grad-CAM's ReLU); scale each map to a maximum of 1
        (a map without positive evidence stays 0; without ``relu``, by its maximum
        absolute value).
    size
        Output length / ``(height, width)``; default: the input's.

    Returns
    -------
    torch.Tensor
        ``(batch, length)`` or ``(batch, height, width)``, linearly / bilinearly
        upsampled; detached unless ``create_graph``.
    """
    target_size = tuple(size) if size is not None else tuple(inputs.shape[2:])
    if len(target_size) not in (1, 2):
        shape = tuple(inputs.shape)
        raise ExplainError(f"inputs of shape {shape}: give (B, C, L) or (B, C, H, W).")
    outputs, feature = _capture(model, _find_layer(model, layer), inputs)
    with torch.enable_grad():
        scores = _scores(outputs, target)
        (grads,) = torch.autograd.grad(scores.sum(), feature, create_graph=create_graph)
    spatial = tuple(range(2, feature.dim()))
    cam = (grads.mean(dim=spatial, keepdim=True) * feature).sum(dim=1, keepdim=True)
    if relu:
        cam = F.relu(cam)
    mode = "linear" if cam.dim() == 3 else "bilinear"
    if tuple(cam.shape[2:]) != target_size:
        cam = F.interpolate(cam, size=target_size, mode=mode, align_corners=False)
    cam = cam.squeeze(1)
    if normalize:
        dims = tuple(range(1, cam.dim()))
        peak = cam.abs().amax(dim=dims, keepdim=True)
        cam = cam / torch.where(peak > 0, peak, torch.ones_like(peak))
    return cam if create_graph else cam.detach()


def _capture(
    model: nn.Module, layer: nn.Module, inputs: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Run the model and keep the layer's output (made a graph leaf if it has no grad)."""
    kept: list[torch.Tensor] = []

    def hook(module: nn.Module, args: Any, output: Any) -> Any:
        if not isinstance(output, torch.Tensor) or output.dim() < 3:
            raise ExplainError(
                f"layer {type(module).__name__} gives {type(output).__name__} "
                f"{getattr(output, 'shape', '')}; Grad-CAM needs a (batch, k, *spatial) tensor."
            )
        if not output.requires_grad:  # frozen parameters and inputs: start the graph here
            output = output.detach().requires_grad_(True)
        kept[:] = [output]
        return output

    handle = layer.register_forward_hook(hook)
    try:
        with torch.enable_grad():
            outputs = model(inputs)
    finally:
        handle.remove()
    if not kept:
        raise ExplainError("the chosen layer was not called in the forward pass.")
    return outputs, kept[0]


def ncc(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Normalised cross-correlation (Pearson correlation) of each sample's maps, −1–1.

    ``a`` and ``b`` have shape ``(batch, ...)``; returns ``(batch,)``. A constant map
    has correlation 0 with anything. Differentiable.
    """
    x = a.reshape(a.shape[0], -1)
    y = b.reshape(b.shape[0], -1).to(x.dtype)
    x = x - x.mean(dim=1, keepdim=True)
    y = y - y.mean(dim=1, keepdim=True)
    den = torch.sqrt(((x * x).sum(dim=1) * (y * y).sum(dim=1)).clamp_min(_TINY))
    return (x * y).sum(dim=1) / den


def attention_loss(cam: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """``mean(1 − ncc(cam, target))``, 0–2: a loss that pulls a Grad-CAM map towards a
    target attention map (e.g. a signal's annotated regions). Use with
    ``grad_cam(..., create_graph=True)``."""
    return (1.0 - ncc(cam, target)).mean()


@dataclass(frozen=True)
class Attribution:
    """Integrated-gradients result.

    Attributes
    ----------
    attributions
        Same shape as the inputs: each element's share of ``F(x) − F(baseline)``.
    delta
        ``(batch,)`` completeness gap: sum of the attributions − (F(x) − F(baseline)).
    difference
        ``(batch,)`` F(x) − F(baseline).
    """

    attributions: torch.Tensor
    delta: torch.Tensor
    difference: torch.Tensor

    def check(self, *, rtol: float = 0.01, atol: float = 1e-4) -> Attribution:
        """Raise :class:`ExplainError` unless ``|delta| <= atol + rtol·|difference|`` for
        every sample; returns self. Fix a failure with more ``steps``."""
        limit = atol + rtol * self.difference.abs()
        if self.delta.numel() and bool((self.delta.abs() > limit).any()):
            gap = float(self.delta.abs().max())
            raise ExplainError(
                f"integrated gradients miss completeness by up to {gap:.3g} (allowed "
                f"{float(limit.min()):.3g}); use more steps."
            )
        return self


def _quadrature(steps: int, method: str) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    if steps < 1:
        raise ExplainError(f"steps = {steps}; use 1 or more.")
    if method == "gausslegendre":
        nodes, weights = np.polynomial.legendre.leggauss(steps)
        return (nodes + 1) / 2, weights / 2
    if method == "trapezoid":
        alphas = np.linspace(0.0, 1.0, steps + 1)
        weights = np.full(steps + 1, 1.0 / steps)
        weights[[0, -1]] /= 2
        return alphas, weights
    raise ExplainError(f"unknown method {method!r}; use 'gausslegendre' or 'trapezoid'.")


def integrated_gradients(
    model: nn.Module,
    inputs: torch.Tensor,
    target: Target = None,
    *,
    baseline: torch.Tensor | float | None = None,
    steps: int = 64,
    method: Literal["gausslegendre", "trapezoid"] = "gausslegendre",
    batch_size: int | None = None,
) -> Attribution:
    """Integrated gradients of each sample's target score with respect to its inputs.

    Parameters
    ----------
    model, inputs, target
        The model, a batch of inputs ``(batch, ...)`` and what to explain (module
        docstring); ``None`` explains each sample's highest output at ``inputs``.
    baseline
        The reference input x′ ("absence of signal"): a tensor broadcastable to
        ``inputs``, a constant, or ``None`` for zeros.
    steps, method
        Quadrature points on the path: Gauss–Legendre (exact for polynomials of degree
        < 2·steps; the default) or the trapezoid rule over ``steps`` intervals.
    batch_size
        Samples per forward pass (``steps × batch`` path points are evaluated); default:
        all at once.

    Returns
    -------
    Attribution
        Attributions with the completeness gap (see :meth:`Attribution.check`).
    """
    base = torch.zeros_like(inputs) if baseline is None else torch.as_tensor(baseline)
    base = base.to(inputs.device, inputs.dtype).expand_as(inputs)
    alphas, weights = _quadrature(steps, method)
    with torch.no_grad():
        at_x, at_base = model(inputs), model(base)
    fixed = at_x.reshape(at_x.shape[0], -1).argmax(1) if target is None else target
    total = torch.zeros_like(inputs)
    chunk = max(1, (batch_size or len(alphas) * inputs.shape[0]) // max(1, inputs.shape[0]))
    options: dict[str, Any] = {"dtype": inputs.dtype, "device": inputs.device}
    for start in range(0, len(alphas), chunk):
        a = torch.as_tensor(alphas[start : start + chunk], **options)
        w = torch.as_tensor(weights[start : start + chunk], **options)
        shape = (-1, *([1] * inputs.dim()))
        path = (base + a.view(shape) * (inputs - base)).reshape(-1, *inputs.shape[1:])
        path.requires_grad_(True)
        repeated = _repeat_target(fixed, len(a))
        with torch.enable_grad():
            scores = _scores(model(path), repeated)
            (grads,) = torch.autograd.grad(scores.sum(), path)
        total += (w.view(shape) * grads.reshape(len(a), *inputs.shape)).sum(0)
    attributions = (inputs - base) * total
    difference = (_scores(at_x, fixed) - _scores(at_base, fixed)).detach()
    delta = attributions.reshape(inputs.shape[0], -1).sum(1) - difference
    return Attribution(attributions.detach(), delta.detach(), difference)


def _repeat_target(target: Target, times: int) -> Target:
    if target is None or isinstance(target, int) or callable(target):
        return target
    index = torch.as_tensor(target).long().reshape(-1)
    return index.repeat(times)
