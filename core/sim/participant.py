"""A simulated participant: the scripted state drives every modality; chunks come out in order.

from heartmind.sim import Participant

p = Participant(state="rest-stress-recovery", seed=1, modalities=("ECG", "PPG"))
for chunk in p.chunks(t0=0.0, duration=60.0):   # heartmind Chunks, timestamp order
    ...
rec = p.record(60.0)                             # whole arrays, per stream type
ecg = rec["ECG"].data[:, 0]
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ConfigError
from ..streams import Chunk, StreamInfo
from .base import Renderer
from .kernels import BLOCK, Array
from .latent import Latent, Physiology
from .noise import NOISE_TYPES, NoiseModel
from .state import StateScript

__all__ = ["DEFAULT_RATES", "MODALITIES", "Participant", "Recording"]

log = logging.getLogger(__name__)

#: Modalities a participant can produce (stream types).
MODALITIES: tuple[str, ...] = ("ECG", "PPG", "EDA", "RSP", "EEG", "RADAR", "FACE", "KEYS", "MOUSE")
#: Ground-truth stream types (added when ``truth=True``).
TRUTH: tuple[str, ...] = ("BEATS", "STATE", "MARKERS")
#: Default sampling rates in Hz.
DEFAULT_RATES: dict[str, float] = {
    "ECG": 500.0,
    "PPG": 100.0,
    "EDA": 50.0,
    "RSP": 50.0,
    "EEG": 256.0,
    "RADAR": 100.0,
    "FACE": 30.0,
    "STATE": 1.0,
}
_NOISY = ("ECG", "PPG", "EDA", "RSP", "EEG")
_CALIBRATION = 60.0  # s of clean signal that set the noise power


@dataclass(frozen=True)
class Recording:
    """Whole arrays of one stream: ``timestamps`` (s), ``data`` (n × channels), ``info``."""

    timestamps: npt.NDArray[np.float64]
    data: npt.NDArray[Any]
    info: StreamInfo


class Participant:
    """One simulated person: scripted affective state → physiology, behaviour, radar, face.

    Parameters
    ----------
    state
        A :class:`StateScript`, a bundled script name or a path to a TOML script.
    seed
        Random seed; the same seed and options give identical samples.
    modalities
        Stream types to produce, from :data:`MODALITIES`.
    rates
        Sampling rates in Hz overriding :data:`DEFAULT_RATES` (keys: stream types).
    snr_db
        Signal-to-noise ratio in dB of the added noise (ECG, PPG, EDA, RSP, EEG), relative
        to the variance of the clean signal's first minute; ``None`` gives clean signals.
    noise
        Noise types mixed at equal power, from ``NOISE_TYPES``.
    powerline_hz
        Mains frequency for the ``"powerline"`` noise, 50 or 60 Hz.
    ectopic_rate
        Probability that a beat is premature (ectopic), 0 … 0.3.
    ptt
        Pulse arrival time, R peak to PPG upstroke, in s.
    eeg_channels
        Number of EEG channels (10–20 names, at most 64).
    truth
        Also produce the BEATS, STATE and MARKERS ground-truth streams.
    name_prefix
        Streams are named ``f"{name_prefix}-{TYPE}"``.
    physiology
        Parameters of the latent physiology.
    """

    def __init__(
        self,
        state: StateScript | str | Path = "rest-stress-recovery",
        seed: int = 0,
        modalities: Sequence[str] = ("ECG",),
        *,
        rates: Mapping[str, float] | None = None,
        snr_db: float | None = None,
        noise: Sequence[str] = ("baseline", "powerline", "emg"),
        powerline_hz: float = 50.0,
        ectopic_rate: float = 0.0,
        ptt: float = 0.25,
        eeg_channels: int = 32,
        truth: bool = True,
        name_prefix: str = "sim",
        physiology: Physiology | None = None,
    ) -> None:
        self.script = state if isinstance(state, StateScript) else StateScript.load(state)
        self.seed = int(seed)
        self.modalities = _check_modalities(modalities)
        self.rates = {**DEFAULT_RATES, **{k.upper(): float(v) for k, v in (rates or {}).items()}}
        bad = [k for k, v in self.rates.items() if not (math.isfinite(v) and v > 0)]
        if bad:
            raise ConfigError(f"rates: the rate of {bad[0]} must be a positive number of Hz.")
        unknown = sorted(set(noise) - set(NOISE_TYPES))
        if unknown:
            raise ConfigError(
                f"noise: unknown type {unknown[0]!r}; valid types: {', '.join(NOISE_TYPES)}."
            )
        if not 0.0 <= ectopic_rate <= 0.3:
            raise ConfigError(f"ectopic_rate = {ectopic_rate}: use a probability in [0, 0.3].")
        if not 0.05 <= ptt <= 0.6:
            raise ConfigError(f"ptt = {ptt} s: use a pulse arrival time between 0.05 and 0.6 s.")
        if not 1 <= eeg_channels <= 64:
            raise ConfigError(f"eeg_channels = {eeg_channels}: use 1 to 64 channels.")
        self.snr_db = snr_db
        self.noise = tuple(noise)
        self.powerline_hz = float(powerline_hz)
        self.ectopic_rate = float(ectopic_rate)
        self.ptt = float(ptt)
        self.eeg_channels = int(eeg_channels)
        self.truth = bool(truth)
        self.name_prefix = name_prefix
        self.physiology = physiology or Physiology()
        self._power: dict[str, float] = {}
        self._streams = tuple(info for info, _r, _n in self._build())

    @property
    def types(self) -> tuple[str, ...]:
        """Stream types produced, modalities first, then ground truth."""
        return self.modalities + (TRUTH if self.truth else ())

    @property
    def streams(self) -> tuple[StreamInfo, ...]:
        """Descriptions of every stream produced."""
        return self._streams

    def _build(
        self, kinds: Sequence[str] | None = None
    ) -> list[tuple[StreamInfo, Renderer, NoiseModel | None]]:
        """Fresh renderers (sharing one fresh latent physiology) for ``kinds``."""
        from .registry import make_renderer

        latent = Latent(self.script, self.seed, self.physiology, self.ectopic_rate)
        out = []
        for kind in kinds or self.types:
            renderer = make_renderer(kind, latent, self)
            info = StreamInfo(
                name=f"{self.name_prefix}-{kind}",
                type=kind,
                channels=renderer.channels,
                units=renderer.units,
                rate=renderer.rate,
                dtype=renderer.dtype,
                source_id=f"heartmind-sim:{self.name_prefix}:{kind}:{self.seed}",
                meta={"simulator": "heartmind.sim", "state": self.script.name, **renderer.meta},
            )
            noise = None
            if self.snr_db is not None and kind in _NOISY and self.noise:
                noise = NoiseModel(
                    self.snr_db,
                    self.noise,
                    renderer.rate,
                    self.seed,
                    kind,
                    self.powerline_hz,
                    reference_power=self._reference_power(kind),
                )
            out.append((info, renderer, noise))
        return out

    def _reference_power(self, kind: str) -> float:
        """Variance (averaged over channels) of the clean signal's first minute."""
        if kind not in self._power:
            from .registry import make_renderer

            latent = Latent(self.script, self.seed, self.physiology, self.ectopic_rate)
            renderer = make_renderer(kind, latent, self)
            data = np.concatenate(
                [np.asarray(renderer.render(k)[1]) for k in range(round(_CALIBRATION / BLOCK))]
            )
            self._power[kind] = float(np.mean(np.var(data.reshape(len(data), -1), axis=0)))
        return self._power[kind]

    def chunks(
        self, t0: float = 0.0, duration: float | None = None, chunk_duration: float = 0.25
    ) -> Iterator[Chunk]:
        """Yield chunks of every stream in timestamp order (by first timestamp).

        Parameters
        ----------
        t0
            Session-clock time of the simulation start in s.
        duration
            Length in s; ``None`` runs forever (the state holds after the script ends).
        chunk_duration
            Length of each stream's chunks in s; it never changes the samples.
        """
        if not (math.isfinite(chunk_duration) and chunk_duration > 0):
            raise ConfigError(f"chunk_duration = {chunk_duration}: use a positive number of s.")
        buffers = [_Buffer(info, r, n, t0) for info, r, n in self._build()]
        j = 0
        while duration is None or j * chunk_duration < duration - 1e-12:
            end = (j + 1) * chunk_duration
            if duration is not None:
                end = min(end, duration)
            out = [c for c in (b.take(end) for b in buffers) if c is not None]
            out.sort(key=lambda c: c.first_timestamp)
            yield from out
            j += 1

    def record(self, duration: float, t0: float = 0.0) -> dict[str, Recording]:
        """Whole arrays of every stream over ``duration`` s, keyed by stream type.

        Identical to concatenating :meth:`chunks` over the same duration.
        """
        out: dict[str, Recording] = {}
        for kind in self.types:  # one latent per stream: each runs through the whole span
            ((info, renderer, noise),) = self._build([kind])
            buf = _Buffer(info, renderer, noise, t0)
            buf.fill(duration)
            n = int(np.searchsorted(buf.rel, duration - 1e-12, side="left"))
            out[info.type] = Recording(buf.ts[:n], buf.data[:n], info)
        return out


class _Buffer:
    """Rendered blocks of one stream, sliced into chunks."""

    def __init__(
        self, info: StreamInfo, renderer: Renderer, noise: NoiseModel | None, t0: float
    ) -> None:
        self.info = info
        self.renderer = renderer
        self.noise = noise
        self.t0 = float(t0)
        self.next_block = 0
        self.rel: Array = np.zeros(0)
        self.ts: Array = np.zeros(0)
        self.data: npt.NDArray[Any] = np.zeros((0, info.n_channels), dtype=info.numpy_dtype())
        self.pos = 0

    def fill(self, until: float) -> None:
        """Render blocks until relative time ``until`` (s) is covered."""
        if self.next_block * BLOCK >= until:
            return
        rels, datas = [self.rel[self.pos :]], [self.data[self.pos :]]
        while self.next_block * BLOCK < until:
            k = self.next_block
            rel, data = self.renderer.render(k)
            data = np.asarray(data)
            if self.noise is not None:
                data = self.noise.apply(k, rel, data)
            rels.append(rel)
            datas.append(data.reshape(rel.size, self.info.n_channels))
            self.next_block += 1
        self.rel = np.concatenate(rels)
        self.ts = self.t0 + self.rel
        self.data = np.concatenate(datas).astype(self.info.numpy_dtype(), copy=False)
        self.pos = 0
        for arr in (self.rel, self.ts, self.data):
            arr.setflags(write=False)

    def take(self, end: float) -> Chunk | None:
        """The chunk of samples before relative time ``end`` (s) not yet taken."""
        self.fill(end)
        stop = int(np.searchsorted(self.rel, end, side="left"))
        if stop <= self.pos:
            return None
        chunk = Chunk(self.data[self.pos : stop], self.ts[self.pos : stop], self.info)
        self.pos = stop
        return chunk


def _check_modalities(modalities: Sequence[str]) -> tuple[str, ...]:
    if isinstance(modalities, str):
        modalities = (modalities,)
    out: list[str] = []
    for m in modalities:
        kind = str(m).upper()
        if kind not in MODALITIES:
            raise ConfigError(
                f"modalities: unknown modality {m!r}; valid modalities: {', '.join(MODALITIES)}."
            )
        if kind not in out:
            out.append(kind)
    if not out:
        raise ConfigError(f"modalities is empty; choose from {', '.join(MODALITIES)}.")
    return tuple(out)
