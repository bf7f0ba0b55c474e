"""Which renderer produces which stream type."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .autonomic import EDARenderer, RSPRenderer
from .base import Renderer
from .behaviour import KeysRenderer, MouseRenderer
from .cardio import ECGRenderer, PPGRenderer
from .eeg import EEGRenderer
from .face import FaceRenderer
from .latent import Latent
from .radar import RadarRenderer
from .truth import BeatsRenderer, MarkersRenderer, StateRenderer

if TYPE_CHECKING:
    from .participant import Participant

__all__ = ["make_renderer"]


def make_renderer(kind: str, latent: Latent, p: Participant) -> Renderer:
    """A renderer for stream type ``kind`` with the participant's options."""
    rate = p.rates.get(kind, 0.0)
    seed = p.seed
    simple: dict[str, type[ECGRenderer | EDARenderer | RSPRenderer | FaceRenderer]] = {
        "ECG": ECGRenderer,
        "EDA": EDARenderer,
        "RSP": RSPRenderer,
        "FACE": FaceRenderer,
    }
    if kind in simple:
        return simple[kind](latent, seed, rate)
    if kind == "PPG":
        return PPGRenderer(latent, seed, rate, ptt=p.ptt)
    if kind == "EEG":
        return EEGRenderer(latent, seed, rate, n_channels=p.eeg_channels)
    if kind == "RADAR":
        return RadarRenderer(latent, seed, rate)
    if kind == "STATE":
        return StateRenderer(latent, seed, rate)
    others: dict[str, type[KeysRenderer | MouseRenderer | BeatsRenderer | MarkersRenderer]] = {
        "KEYS": KeysRenderer,
        "MOUSE": MouseRenderer,
        "BEATS": BeatsRenderer,
        "MARKERS": MarkersRenderer,
    }
    if kind in others:
        return others[kind](latent, seed)
    raise ValueError(f"no renderer for stream type {kind!r}")
