"""Event types of the EEG plugin: ``band_power`` and ``alpha_asymmetry``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from heartmind.events import Event, quantity

__all__ = ["AlphaAsymmetry", "BandPower"]


@dataclass(frozen=True, kw_only=True)
class BandPower(Event):
    """Band powers of every channel over one window (``timestamp`` = end of the window).

    Absolute powers are the Welch PSD integrated over the band (µV²); relative ones are
    divided by the power of 1–45 Hz. Every tuple is in the order of ``channels``.
    """

    topic: ClassVar[str] = "band_power"
    channels: tuple[str, ...] = quantity(doc="channel names (10–10 spelling)")
    delta: tuple[float, ...] = quantity("µV²", doc="1–4 Hz power per channel")
    theta: tuple[float, ...] = quantity("µV²", doc="4–8 Hz power per channel")
    alpha: tuple[float, ...] = quantity("µV²", doc="8–13 Hz power per channel")
    beta: tuple[float, ...] = quantity("µV²", doc="13–30 Hz power per channel")
    gamma: tuple[float, ...] = quantity("µV²", doc="30–45 Hz power per channel")
    relative_alpha: tuple[float, ...] = quantity("", doc="alpha / 1–45 Hz power per channel")
    relative_beta: tuple[float, ...] = quantity("", doc="beta / 1–45 Hz power per channel")
    relative_theta: tuple[float, ...] = quantity("", doc="theta / 1–45 Hz power per channel")
    window: float = quantity("s", 0.0, None, "window length")
    stream: str = quantity(doc="EEG stream", default="")


@dataclass(frozen=True, kw_only=True)
class AlphaAsymmetry(Event):
    """Frontal alpha asymmetry ``ln(alpha right) - ln(alpha left)`` (positive: approach).

    Higher values mean less left-frontal alpha, i.e. more left-frontal activity, a marker
    of positive valence / approach motivation (Davidson 1992; Coan & Allen 2004).
    """

    topic: ClassVar[str] = "alpha_asymmetry"
    faa: float = quantity("ln µV²", None, None, "ln alpha F4 - ln alpha F3")
    faa_f8_f7: float | None = quantity("ln µV²", None, None, "ln alpha F8 - ln alpha F7", None)
    pair: str = quantity(doc="channels of faa, e.g. 'F4-F3'", default="F4-F3")
    window: float = quantity("s", 0.0, None, "window length", 0.0)
    stream: str = quantity(doc="EEG stream", default="")
