"""Multi-channel EEG (µV): 1/f background plus theta, alpha and beta rhythms.

Each rhythm is band-limited Gaussian noise (a common source mixed with an independent one
per channel, mimicking volume conduction) with a spatial gain per channel and an amplitude
driven by the state:

* **alpha** (8–12 Hz), posterior-dominant, falls with activation (stress);
* **beta** (15–25 Hz), fronto-central, rises with activation;
* **theta** (4–7 Hz), fronto-midline, rises slightly with activation;
* **frontal alpha asymmetry**: left frontal alpha falls and right frontal alpha rises with
  positive valence (more left-frontal activity), and the reverse for negative valence.

The background is pink (1/f) noise from Kellet's IIR approximation. Filter states carry
across blocks, so the signal is continuous.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy.signal import butter, lfilter, lfilter_zi, sosfilt, sosfilt_zi

from .base import Regular
from .kernels import Array, block_rng
from .latent import Latent

__all__ = ["EEGRenderer", "eeg_channel_names"]

_NAMES = [
    "Fp1",
    "Fp2",
    "F7",
    "F3",
    "Fz",
    "F4",
    "F8",
    "FC5",
    "FC1",
    "FC2",
    "FC6",
    "T7",
    "C3",
    "Cz",
    "C4",
    "T8",
    "TP9",
    "CP5",
    "CP1",
    "CP2",
    "CP6",
    "TP10",
    "P7",
    "P3",
    "Pz",
    "P4",
    "P8",
    "PO9",
    "O1",
    "Oz",
    "O2",
    "PO10",
    "AF7",
    "AF3",
    "AF4",
    "AF8",
    "F5",
    "F1",
    "F2",
    "F6",
    "FT9",
    "FT7",
    "FC3",
    "FC4",
    "FT8",
    "FT10",
    "C5",
    "C1",
    "C2",
    "C6",
    "TP7",
    "CP3",
    "CPz",
    "CP4",
    "TP8",
    "P5",
    "P1",
    "P2",
    "P6",
    "PO7",
    "PO3",
    "POz",
    "PO4",
    "PO8",
]
_BANDS = {"theta": (4.0, 7.0), "alpha": (8.0, 12.0), "beta": (15.0, 25.0)}
_PINK_B = np.array([0.049922035, -0.095993537, 0.050612699, -0.004408786])
_PINK_A = np.array([1.0, -2.494956002, 2.017265875, -0.522189400])
_BACKGROUND_UV = 8.0  # rms of the 1/f background


def eeg_channel_names(n: int = 32) -> tuple[str, ...]:
    """The first ``n`` (≤ 64) channel names of the 10–20/10–10 montage used by the simulator."""
    if not 1 <= n <= len(_NAMES):
        raise ValueError(f"n must be 1 … {len(_NAMES)}, got {n}")
    return tuple(_NAMES[:n])


def _region(name: str) -> str:
    stem = name.rstrip("z0123456789")
    for prefix in ("Fp", "AF", "FC", "FT", "F", "C", "TP", "T", "CP", "PO", "P", "O"):
        if stem == prefix:
            return prefix
    return stem


def _side(name: str) -> int:
    """-1 left (odd number), +1 right (even), 0 midline ('z')."""
    digits = "".join(ch for ch in name if ch.isdigit())
    if not digits:
        return 0
    return -1 if int(digits) % 2 else 1


def _gains(names: tuple[str, ...]) -> dict[str, Array]:
    alpha = {"O": 1.0, "PO": 1.0, "P": 0.8, "CP": 0.55, "TP": 0.5, "C": 0.5, "T": 0.45}
    beta = {"F": 1.0, "FC": 1.0, "C": 0.9, "AF": 0.9, "FT": 0.8}
    regions = [_region(n) for n in names]
    theta = [
        1.0 if (r in ("F", "FC", "C") and _side(n) == 0) else 0.55
        for n, r in zip(names, regions, strict=True)
    ]
    return {
        "alpha": np.array([alpha.get(r, 0.4) for r in regions]),
        "beta": np.array([beta.get(r, 0.6) for r in regions]),
        "theta": np.array(theta),
        "frontal_side": np.array(
            [
                _side(n) if r in ("Fp", "AF", "F", "FC", "FT") else 0
                for n, r in zip(names, regions, strict=True)
            ],
            dtype=np.float64,
        ),
    }


class EEGRenderer(Regular):
    """EEG in µV on ``n_channels`` 10–20 channels."""

    type = "EEG"
    units = "uV"

    def __init__(self, latent: Latent, seed: int, rate: float, n_channels: int = 32) -> None:
        super().__init__(latent, seed, rate)
        if rate < 60.0:
            raise ValueError(f"EEG needs a rate of at least 60 Hz for beta, got {rate}")
        self.channels = eeg_channel_names(n_channels)
        self.meta = {"montage": "10-20", "reference": "average-like"}
        self._gain = _gains(self.channels)
        n_src = n_channels + 1
        self._sos: dict[str, npt.NDArray[np.float64]] = {}
        self._zi: dict[str, npt.NDArray[np.float64]] = {}
        self._norm: dict[str, float] = {}
        impulse = np.zeros(int(4 * rate))
        impulse[0] = 1.0
        for band, (lo, hi) in _BANDS.items():
            sos = butter(2, [lo, hi], btype="bandpass", fs=rate, output="sos")
            self._sos[band] = sos
            self._norm[band] = 1.0 / math.sqrt(float(np.sum(sosfilt(sos, impulse) ** 2)))
            self._zi[band] = np.repeat(sosfilt_zi(sos)[:, :, None] * 0.0, n_src, axis=2)
        long_impulse = np.zeros(int(60 * rate))
        long_impulse[0] = 1.0
        h = lfilter(_PINK_B, _PINK_A, long_impulse)
        self._pink_norm = 1.0 / math.sqrt(float(np.sum(h * h)))
        self._pink_zi = np.repeat(lfilter_zi(_PINK_B, _PINK_A)[:, None] * 0.0, n_channels, axis=1)
        self._warm = True

    def _band(self, band: str, rng: np.random.Generator, n: int) -> Array:
        """Unit-variance band-limited sources mixed: half common, half per channel."""
        white = rng.standard_normal((n, self._zi[band].shape[2]))
        out, self._zi[band] = sosfilt(self._sos[band], white, axis=0, zi=self._zi[band])
        out *= self._norm[band]
        mixed: Array = math.sqrt(0.5) * (out[:, :-1] + out[:, -1:])
        return mixed

    def signal(self, k: int, first: int, t: Array) -> Array:
        rng = block_rng(self.seed, "eeg", k)
        n = t.size
        if self._warm:  # start the filters in their stationary state
            self._warm = False
            for band in _BANDS:
                self._band(band, block_rng(self.seed, "eeg-warm", 0), int(2 * self.rate))
            self._background(block_rng(self.seed, "eeg-warm", 1), int(30 * self.rate))
        s = self.latent.script.evaluate(t)
        act = s.activation[:, None]
        g = self._gain
        asym = 1.0 + 0.3 * s.valence[:, None] * g["frontal_side"][None, :]
        alpha = 9.0 * (1.0 - 0.55 * act) * g["alpha"] * asym
        beta = 2.5 * (1.0 + 1.0 * act) * g["beta"]
        theta = 4.0 * (1.0 + 0.3 * act) * g["theta"]
        out = self._background(rng, n)
        out += alpha * self._band("alpha", rng, n)
        out += beta * self._band("beta", rng, n)
        out += theta * self._band("theta", rng, n)
        return out

    def _background(self, rng: np.random.Generator, n: int) -> Array:
        white = rng.standard_normal((n, len(self.channels)))
        out, self._pink_zi = lfilter(_PINK_B, _PINK_A, white, axis=0, zi=self._pink_zi)
        result: Array = out * (self._pink_norm * _BACKGROUND_UV)
        return result
