"""heartmind.models.explain: Grad-CAM finds planted causes in 1-D and 2-D; it is batched
and differentiable; integrated gradients are complete and zero where the model never looks."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from heartmind.models.explain import (
    ExplainError,
    attention_loss,
    grad_cam,
    integrated_gradients,
    ncc,
)
from heartmind.models.training import fit

LENGTH = 128


def _gauss(length: int, centre: float, sigma: float) -> torch.Tensor:
    t = torch.arange(length, dtype=torch.float32)
    return torch.exp(-0.5 * ((t - centre) / sigma) ** 2)


class Detector1d(nn.Module):
    """Class 0 = 'a bump is present', class 1 = 'a dip is present' (matched filters)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv1d(1, 2, 15, padding=7)
        self.act = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool1d(1)
        self.head = nn.Linear(2, 2)
        template = _gauss(15, 7, 2.0)
        template = (template - template.mean()) / template.norm()
        with torch.no_grad():
            self.conv.weight[0, 0] = template
            self.conv.weight[1, 0] = -template
            self.conv.bias.fill_(-0.5)  # type: ignore[union-attr]
            self.head.weight.copy_(torch.eye(2))
            self.head.bias.zero_()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.pool(self.act(self.conv(x))).flatten(1))


def _signals(bumps: list[tuple[float, float]], seed: int = 0) -> torch.Tensor:
    """One row per (bump position, dip position), with a little noise."""
    gen = torch.Generator().manual_seed(seed)
    rows = [
        _gauss(LENGTH, b, 2.0) - _gauss(LENGTH, d, 2.0) + 0.05 * torch.randn(LENGTH, generator=gen)
        for b, d in bumps
    ]
    return torch.stack(rows)[:, None, :]


def test_grad_cam_1d_points_at_the_planted_pattern() -> None:
    model = Detector1d().eval()
    x = _signals([(30, 90), (100, 20)])
    bump = grad_cam(model, x, 0, layer="conv")
    dip = grad_cam(model, x, 1, layer=model.conv)
    assert bump.shape == (2, LENGTH) and dip.shape == (2, LENGTH)
    assert [int(i) for i in bump.argmax(1)] == pytest.approx([30, 100], abs=2)
    assert [int(i) for i in dip.argmax(1)] == pytest.approx([90, 20], abs=2)
    assert float(bump.max()) == pytest.approx(1.0, abs=1e-6) and float(bump.min()) >= 0
    # Far from the pattern the map is (nearly) zero.
    assert float(bump[0, 60:80].max()) < 0.05


def test_grad_cam_default_layer_target_and_batching() -> None:
    model = Detector1d().eval()
    x = _signals([(30, 90), (50, 110), (70, 10)], seed=1)
    batch = grad_cam(model, x)  # last conv layer, each sample's predicted class
    single = torch.cat([grad_cam(model, x[i : i + 1]) for i in range(3)])
    torch.testing.assert_close(batch, single)
    per_sample = grad_cam(model, x, torch.tensor([0, 1, 0]))
    torch.testing.assert_close(per_sample[1], grad_cam(model, x[1:2], 1)[0])
    by_score = grad_cam(model, x, lambda out: out[:, 0] - out[:, 1])
    assert by_score.shape == (3, LENGTH)


class Blob2d(nn.Module):
    """Detects a bright blob; a strided convolution halves the map, so CAM is upsampled."""

    def __init__(self) -> None:
        super().__init__()
        conv = nn.Conv2d(1, 1, 7, stride=2, padding=3)
        self.features = nn.Sequential(conv, nn.ReLU())
        self.head = nn.Linear(1, 1)
        g = _gauss(7, 3, 1.5)
        template = torch.outer(g, g)
        with torch.no_grad():
            conv.weight[0, 0] = (template - template.mean()) / template.norm()
            conv.bias.fill_(-0.3)  # type: ignore[union-attr]
            self.head.weight.fill_(1.0)
            self.head.bias.zero_()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x).mean(dim=(2, 3)))


def test_grad_cam_2d_points_at_the_planted_blob() -> None:
    model = Blob2d().eval()
    gen = torch.Generator().manual_seed(0)
    images = 0.05 * torch.randn(2, 1, 32, 40, generator=gen)
    for i, (r, c) in enumerate([(8, 30), (24, 6)]):
        images[i, 0] += torch.outer(_gauss(32, r, 1.5), _gauss(40, c, 1.5))
    cam = grad_cam(model, images, layer="features.0")
    assert cam.shape == (2, 32, 40)
    for i, (r, c) in enumerate([(8, 30), (24, 6)]):
        peak = divmod(int(cam[i].argmax()), 40)
        assert abs(peak[0] - r) <= 2 and abs(peak[1] - c) <= 2


def test_grad_cam_is_differentiable_when_asked() -> None:
    model = Detector1d()
    x = _signals([(30, 90)])
    plain = grad_cam(model, x, 0)
    assert not plain.requires_grad
    cam = grad_cam(model, x, 0, create_graph=True)
    assert cam.requires_grad
    attention_loss(cam, _gauss(LENGTH, 90, 3.0)[None]).backward()
    grad = model.conv.weight.grad
    assert grad is not None and torch.isfinite(grad).all() and float(grad.abs().sum()) > 0


def test_grad_cam_works_with_frozen_parameters() -> None:
    model = Detector1d().eval().requires_grad_(False)
    cam = grad_cam(model, _signals([(40, 100)]), 0)
    assert abs(int(cam.argmax()) - 40) <= 2


def test_grad_cam_errors() -> None:
    model = Detector1d()
    x = _signals([(30, 90)])
    with pytest.raises(ExplainError, match="conv"):
        grad_cam(model, x, layer="nosuch")
    with pytest.raises(ExplainError, match="out of range"):
        grad_cam(model, x, 5)
    with pytest.raises(ExplainError, match="no Conv1d"):
        grad_cam(nn.Linear(4, 2), torch.zeros(1, 1, 4))
    with pytest.raises(ExplainError, match="spatial"):
        grad_cam(model, x, layer="head")


def test_ncc() -> None:
    a = torch.tensor([[0.0, 1.0, 2.0, 3.0]])
    assert float(ncc(a, 2 * a + 1)) == pytest.approx(1.0)
    assert float(ncc(a, -a)) == pytest.approx(-1.0)
    assert float(ncc(a, torch.ones_like(a))) == pytest.approx(0.0)
    flat = torch.ones(1, 4, requires_grad=True)
    ncc(flat, a).sum().backward()
    assert flat.grad is not None and torch.isfinite(flat.grad).all()


class SmallCnn(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv1d(1, 4, 9, padding=4)
        self.head = nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.relu(self.conv(x)).mean(dim=2))


def _attention_task(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Signals with a bump (class 1) or none (class 0); attention on the bump."""
    gen = torch.Generator().manual_seed(seed)
    centres = torch.randint(20, LENGTH - 20, (n,), generator=gen)
    y = torch.arange(n) % 2
    x = 0.1 * torch.randn(n, 1, LENGTH, generator=gen)
    att = torch.stack([_gauss(LENGTH, float(c), 4.0) for c in centres])
    x[:, 0] += y[:, None] * att
    att = torch.where(y[:, None] == 1, att, torch.full_like(att, 1.0 / LENGTH))
    return x, y, att


def test_a_grad_cam_term_trains_attention_in_the_training_loop() -> None:
    """The EXGnet pattern: loss = cross-entropy + (1 − NCC(Grad-CAM, target attention))."""
    x, y, att = _attention_task(64, seed=0)
    ce = nn.CrossEntropyLoss()

    def objective(
        net: nn.Module, xb: torch.Tensor, yb: torch.Tensor, ab: torch.Tensor
    ) -> torch.Tensor:
        cam = grad_cam(net, xb, yb, layer="conv", create_graph=True)
        pos = yb == 1
        return ce(net(xb), yb) + (attention_loss(cam[pos], ab[pos]) if pos.any() else 0.0)

    torch.manual_seed(0)
    model = SmallCnn()
    pos = y == 1
    before = float(ncc(grad_cam(model, x[pos], 1, layer="conv"), att[pos]).mean())
    fit(
        model, ce, (x, y, att), (x, y), objective=objective, epochs=15, lr=0.02,
        batch_size=16, device="cpu", threads=1, quiet=True,
    )  # fmt: skip
    after = float(ncc(grad_cam(model.eval(), x[pos], 1, layer="conv"), att[pos]).mean())
    assert after > before + 0.1 and after > 0.6


# ----------------------------------------------------------------- integrated gradients


def test_integrated_gradients_of_a_linear_model_are_exact() -> None:
    model = nn.Linear(6, 1)
    x = torch.randn(4, 6)
    base = torch.full_like(x, 0.5)
    result = integrated_gradients(model, x, baseline=0.5, steps=4)
    expected = (x - base) * model.weight.detach()[0]
    torch.testing.assert_close(result.attributions, expected)
    assert float(result.delta.abs().max()) < 1e-5
    result.check(rtol=1e-4)


class LooksAtTwoColumns(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x[:, 2:4])


def test_integrated_gradients_are_zero_where_the_model_never_looks() -> None:
    torch.manual_seed(0)
    model = LooksAtTwoColumns()
    x = torch.randn(5, 8)
    result = integrated_gradients(model, x, steps=32).check(rtol=1e-3)
    outside = torch.cat([result.attributions[:, :2], result.attributions[:, 4:]], dim=1)
    assert float(outside.abs().max()) == 0.0
    assert float(result.attributions[:, 2:4].abs().sum()) > 0
    per_sample = integrated_gradients(model, x, torch.tensor([0, 1, 2, 0, 1]), steps=32)
    chunked = integrated_gradients(model, x, torch.tensor([0, 1, 2, 0, 1]), steps=32, batch_size=20)
    torch.testing.assert_close(per_sample.attributions, chunked.attributions)


class Wiggly(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sin(3 * x).sum(dim=1, keepdim=True)


def test_integrated_gradients_completeness_check() -> None:
    x = torch.full((2, 3), 2.0)
    good = integrated_gradients(Wiggly(), x, steps=32)
    good.check(rtol=1e-4)
    expected = 3 * math.sin(6.0)
    assert float(good.difference[0]) == pytest.approx(expected, rel=1e-6)
    rough = integrated_gradients(Wiggly(), x, steps=2, method="trapezoid")
    with pytest.raises(ExplainError, match="more steps"):
        rough.check()
    with pytest.raises(ExplainError, match="method"):
        integrated_gradients(Wiggly(), x, method="simpson")  # type: ignore[arg-type]
    assert np.isfinite(rough.delta.numpy()).all()
