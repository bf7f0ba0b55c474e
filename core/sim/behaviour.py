"""Keyboard and mouse timing streams with the fixed layouts of ``heartmind.layouts``.

**KEYS**: typing bursts (geometric length) of key presses separated by log-normal flight
times; each press is released after a log-normal dwell time; bursts are separated by
exponential pauses. Under stress typing is faster but more variable, dwell times shorten
and backspaces (error corrections) become more frequent. Only ``action`` (press/release)
and ``key_class`` (other/backspace/enter) are produced — never which key.

**MOUSE**: pointing movements with a minimum-jerk profile sampled at 60 Hz (Fitts-like
duration), followed by a click, and occasional scroll sequences. Under stress movements are
faster, with more tremor and overshoot (jerkier), and pauses shorter.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from ..layouts import KEYS_CHANNELS, MOUSE_CHANNELS, KeyAction, KeyClass, MouseAction, MouseButton
from .base import Irregular
from .kernels import BLOCK, Array, block_rng
from .latent import Latent

__all__ = ["KeysRenderer", "MouseRenderer"]

SCREEN = (1920, 1080)  # px
_MOVE_HZ = 60.0


def _activation(latent: Latent, k: int) -> float:
    """Activation that behaviour follows in block ``k``: the state's × ``behaviour_gain``."""
    act = float(latent.script.evaluate(np.array([(k + 0.5) * BLOCK])).activation[0])
    return min(max(act * latent.phys.behaviour_gain, 0.0), 1.0)


class KeysRenderer(Irregular):
    """Key press/release events (``action``, ``key_class``)."""

    type = "KEYS"
    channels = KEYS_CHANNELS
    units = ("enum", "enum")

    def __init__(self, latent: Latent, seed: int) -> None:
        super().__init__(latent, seed)
        self._next = float(block_rng(seed, "keys-start", 0).uniform(0.5, 3.0))

    def events(self, k: int) -> tuple[Array, npt.NDArray[Any]]:
        rng = block_rng(self.seed, "keys", k)
        act = _activation(self.latent, k)
        times: list[Array] = []
        data: list[Array] = []
        end = (k + 1) * BLOCK
        while self._next < end:
            n = int(rng.geometric(1.0 / (25.0 * (1.0 - 0.3 * act))))
            flights = rng.lognormal(math.log(0.18 * (1.0 - 0.25 * act)), 0.35 * (1 + 0.6 * act), n)
            flights[0] = 0.0
            presses = self._next + np.cumsum(flights)
            dwell = rng.lognormal(math.log(0.095 * (1.0 - 0.12 * act)), 0.25, n)
            cls = np.where(
                rng.uniform(size=n) < 0.03 + 0.08 * act, KeyClass.BACKSPACE, KeyClass.OTHER
            )
            if rng.uniform() < 0.3:
                cls[-1] = KeyClass.ENTER
            times += [presses, presses + dwell]
            data += [
                np.column_stack((np.full(n, KeyAction.PRESS), cls)),
                np.column_stack((np.full(n, KeyAction.RELEASE), cls)),
            ]
            self._next = float(presses[-1] + dwell[-1] + rng.exponential(3.0) + 0.3)
        if not times:
            return np.zeros(0), np.zeros((0, 2))
        return np.concatenate(times), np.concatenate(data).astype(np.float64)


class MouseRenderer(Irregular):
    """Mouse events (``action``, ``button``, ``x``, ``y``, ``dx``, ``dy``)."""

    type = "MOUSE"
    channels = MOUSE_CHANNELS
    units = ("enum", "enum", "px", "px", "steps", "steps")

    def __init__(self, latent: Latent, seed: int) -> None:
        super().__init__(latent, seed)
        rng = block_rng(seed, "mouse-start", 0)
        self._next = float(rng.uniform(0.2, 2.0))
        self._pos = np.array([SCREEN[0] / 2, SCREEN[1] / 2])

    def events(self, k: int) -> tuple[Array, npt.NDArray[Any]]:
        rng = block_rng(self.seed, "mouse", k)
        act = _activation(self.latent, k)
        times: list[Array] = []
        rows: list[Array] = []
        end = (k + 1) * BLOCK
        while self._next < end:
            if rng.uniform() < 0.2:
                t, d = self._scroll(rng)
            else:
                t, d = self._point(rng, act)
            times.append(t)
            rows.append(d)
            self._next = float(t[-1] + rng.exponential(1.5 * (1.0 - 0.4 * act)) + 0.1)
        if not times:
            return np.zeros(0), np.zeros((0, 6))
        return np.concatenate(times), np.concatenate(rows)

    def _point(self, rng: np.random.Generator, act: float) -> tuple[Array, Array]:
        """A minimum-jerk movement to a random target, then a click there."""
        start = self._pos.copy()
        target = rng.uniform([0, 0], SCREEN)
        dist = float(np.hypot(*(target - start)))
        duration = (0.25 + 0.15 * math.log2(dist / 20.0 + 1.0)) * (1.0 - 0.3 * act)
        n = max(int(duration * _MOVE_HZ), 2)
        tau = np.arange(1, n + 1) / n
        overshoot = 1.0 + 0.08 * act * np.sin(np.pi * tau) ** 2
        s = (10 * tau**3 - 15 * tau**4 + 6 * tau**5) * overshoot
        path = start + s[:, None] * (target - start)
        path += rng.normal(0.0, 1.0 + 6.0 * act, (n, 2))  # tremor / jerkiness
        path = np.clip(np.round(path), 0, np.array(SCREEN) - 1)
        t_move = self._next + np.arange(1, n + 1) / _MOVE_HZ
        self._pos = path[-1].copy()
        button = MouseButton.LEFT if rng.uniform() < 0.9 else MouseButton.RIGHT
        press = t_move[-1] + rng.uniform(0.05, 0.25)
        release = press + rng.lognormal(math.log(0.1), 0.3)
        moves = np.column_stack(
            (np.full(n, MouseAction.MOVE), np.full(n, MouseButton.NONE), path, np.zeros((n, 2)))
        )
        clicks = np.array(
            [
                [MouseAction.PRESS, button, *self._pos, 0, 0],
                [MouseAction.RELEASE, button, *self._pos, 0, 0],
            ],
            dtype=np.float64,
        )
        return np.concatenate((t_move, [press, release])), np.vstack((moves, clicks))

    def _scroll(self, rng: np.random.Generator) -> tuple[Array, Array]:
        """A sequence of scroll steps at the current position."""
        n = int(rng.integers(3, 12))
        t = self._next + np.cumsum(rng.uniform(0.04, 0.12, n))
        dy = -1.0 if rng.uniform() < 0.75 else 1.0
        d = np.zeros((n, 6))
        d[:, 0] = MouseAction.SCROLL
        d[:, 1] = MouseButton.NONE
        d[:, 2:4] = self._pos
        d[:, 5] = dy
        return t, d
