"""Synthetic streams for tests: regular streams of any type, rate and channels, and
simulator-backed ECG and PPG with their ground-truth beat times.

    from heartmind.testing import regular_stream, simulated_ecg

    noise = regular_stream("EEG", rate=256.0, channels=("Fz", "Cz"), duration=10.0)
    ecg = simulated_ecg(duration=60.0, seed=3)      # heartmind.sim, rest state
    ecg.beat_times                                  # true R peaks, s from the start

Each is a generated (non-live) :class:`~heartmind.Sensor`: on a virtual clock it runs as
fast as the CPU allows; its timestamps start at the session clock's ``now()`` when the
session starts it (0 s on a fresh virtual clock).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from ..components import Context, Output, Sensor
from ..errors import ConfigError
from ..streams import Chunk, StreamInfo

__all__ = ["SIGNALS", "SimulatedSensor", "SyntheticSensor", "regular_stream", "simulated_ecg"]
__all__ += ["simulated_ppg"]

#: ``signal(t, rng) -> (n, channels)`` samples at times ``t`` (s from the start).
SignalFunction = Callable[[npt.NDArray[np.float64], np.random.Generator], npt.ArrayLike]

#: Named signals of :func:`regular_stream`.
SIGNALS = ("noise", "sine", "zeros", "ramp")


class SyntheticSensor(Sensor):
    """A generated sensor of one regular stream, ``duration`` s long, in fixed chunks.

    Parameters
    ----------
    info
        The stream (its ``rate`` in Hz must be positive).
    signal
        ``signal(t, rng)``: the samples at times ``t`` (s from the start), shape ``(n,)``
        (the same on every channel) or ``(n, channels)``; called once per chunk with the
        sensor's seeded generator.
    duration
        Length in s.
    chunk_duration
        Length of each chunk in s.
    seed
        Seed of the generator handed to ``signal``.
    """

    live = False

    def __init__(
        self,
        info: StreamInfo,
        signal: SignalFunction,
        *,
        duration: float,
        chunk_duration: float = 0.25,
        seed: int = 0,
    ) -> None:
        if info.rate <= 0:
            raise ConfigError(f"stream {info.name!r}: a synthetic stream needs a rate > 0 Hz.")
        if not (math.isfinite(duration) and duration > 0):
            raise ConfigError(f"duration = {duration}: give a positive number of s.")
        if not (math.isfinite(chunk_duration) and chunk_duration > 0):
            raise ConfigError(f"chunk_duration = {chunk_duration}: give a positive number of s.")
        self.info = info
        self.signal = signal
        self.duration = float(duration)
        self.chunk_duration = float(chunk_duration)
        self.seed = seed
        self.n_samples = round(self.duration * info.rate)
        self._rng = np.random.default_rng(seed)
        self._pos = 0
        self._chunk = 0
        self._t0 = 0.0

    @property
    def streams(self) -> tuple[StreamInfo, ...]:
        return (self.info,)

    def start(self, context: Context) -> None:
        self._t0 = context.clock.now()
        self._rng = np.random.default_rng(self.seed)
        self._pos = 0
        self._chunk = 0

    def read(self, timeout: float) -> Output | None:
        if self.finished:
            return None
        # chunk k holds the samples of [k, k + 1) × chunk_duration s: steady in time
        self._chunk += 1
        end = math.ceil(self._chunk * self.chunk_duration * self.info.rate - 1e-9)
        idx = np.arange(self._pos, max(self._pos + 1, min(end, self.n_samples)))
        self._pos = int(idx[-1]) + 1
        t = idx / self.info.rate
        data = np.asarray(self.signal(t, self._rng), dtype=self.info.numpy_dtype())
        shape = (len(idx), self.info.n_channels)
        data = np.broadcast_to(data.reshape(len(idx), -1), shape)  # (n,): every channel
        return Chunk(data, self._t0 + t, self.info)

    @property
    def finished(self) -> bool:
        return self._pos >= self.n_samples


def _named_signal(name: str, n_channels: int, amplitude: float, frequency: float) -> Any:
    if name == "noise":
        return lambda t, rng: amplitude * rng.standard_normal((len(t), n_channels))
    if name == "sine":
        phases = np.arange(n_channels) * (np.pi / max(n_channels, 1))
        return lambda t, rng: amplitude * np.sin(2 * np.pi * frequency * t[:, None] + phases)
    if name == "zeros":
        return lambda t, rng: np.zeros((len(t), n_channels))
    if name == "ramp":
        return lambda t, rng: np.repeat(t[:, None], n_channels, axis=1)
    raise ConfigError(f"signal = {name!r}: use one of {', '.join(SIGNALS)} or a function.")


def regular_stream(
    type: str = "ECG",
    rate: float = 250.0,
    channels: int | Sequence[str] = 1,
    *,
    duration: float = 10.0,
    chunk_duration: float = 0.25,
    signal: str | SignalFunction = "noise",
    amplitude: float = 1.0,
    frequency: float = 1.0,
    seed: int = 0,
    name: str | None = None,
    units: str | Sequence[str] = "a.u.",
    dtype: str = "float64",
) -> SyntheticSensor:
    """A regular stream of any type, rate and channels.

    Parameters
    ----------
    type
        Stream type (``"ECG"``, ``"EEG"``, …).
    rate
        Sampling rate in Hz.
    channels
        Number of channels (labelled ``ch1``, ``ch2``, …) or their labels.
    duration, chunk_duration
        Length of the stream and of each chunk, in s.
    signal
        ``"noise"`` (seeded standard normal × ``amplitude``), ``"sine"`` (``frequency`` Hz,
        ``amplitude``, channels phase-shifted), ``"zeros"``, ``"ramp"`` (the sample time in
        s), or a function ``signal(t, rng)``.
    amplitude
        Peak (sine) or standard deviation (noise), in the stream's units.
    frequency
        Sine frequency in Hz.
    seed
        Random seed of the noise.
    name
        Stream name (default ``"test-<TYPE>"``).
    units, dtype
        As in :class:`~heartmind.StreamInfo`.
    """
    labels = (
        tuple(f"ch{i + 1}" for i in range(channels))
        if isinstance(channels, int)
        else tuple(channels)
    )
    info = StreamInfo(
        name=name or f"test-{type}",
        type=type,
        channels=labels,
        units=units if isinstance(units, str) else tuple(units),
        rate=rate,
        dtype=dtype,
        source_id=f"heartmind-testing:{type}:{seed}",
    )
    fn = (
        _named_signal(signal, len(labels), amplitude, frequency)
        if isinstance(signal, str)
        else signal
    )
    return SyntheticSensor(info, fn, duration=duration, chunk_duration=chunk_duration, seed=seed)


class SimulatedSensor(Sensor):
    """One stream of a simulated participant (:mod:`heartmind.sim`), with its ground truth.

    Parameters
    ----------
    modality
        ``"ECG"`` or ``"PPG"`` (any modality of :data:`heartmind.sim.MODALITIES` works).
    duration, chunk_duration
        Length of the simulation and of each chunk, in s.
    rate
        Sampling rate in Hz.
    seed
        Random seed of the participant.
    state
        State script (default ``"rest"``: a constant resting heart rate).
    **options
        Further :class:`heartmind.sim.Participant` options (``snr_db``, ``noise``,
        ``ectopic_rate``, ``ptt``, …).
    """

    live = False

    def __init__(
        self,
        modality: str,
        *,
        duration: float,
        chunk_duration: float = 0.25,
        rate: float | None = None,
        seed: int = 0,
        state: str = "rest",
        **options: Any,
    ) -> None:
        from ..sim import Participant

        rates = {modality: rate} if rate is not None else {}
        self.modality = modality.upper()
        self.duration = float(duration)
        self.chunk_duration = float(chunk_duration)
        self._options = {"state": state, "seed": seed, "rates": rates, **options}
        self.participant = Participant(
            state, seed, (self.modality,), rates=rates, truth=False, **options
        )
        self._chunks: Iterator[Chunk] | None = None
        self._finished = False

    @property
    def streams(self) -> tuple[StreamInfo, ...]:
        return self.participant.streams

    def start(self, context: Context) -> None:
        t0 = context.clock.now()
        self._chunks = self.participant.chunks(t0, self.duration, self.chunk_duration)

    def read(self, timeout: float) -> Output | None:
        if self._chunks is None:
            raise RuntimeError("read() before start()")
        chunk = next(self._chunks, None)
        self._finished = chunk is None
        return chunk

    @property
    def finished(self) -> bool:
        return self._finished

    @cached_property
    def beat_times(self) -> npt.NDArray[np.float64]:
        """Ground truth: the R-peak times in s from the start (PPG pulses follow each by
        the pulse arrival time ``ptt``), within ``[0, duration)``."""
        from ..sim import Participant

        opts = dict(self._options)
        truth = Participant(opts.pop("state"), opts.pop("seed"), ("ECG",), truth=True, **opts)
        beats = truth.record(self.duration)["BEATS"].timestamps
        return np.asarray(beats, dtype=np.float64)

    @property
    def mean_rate(self) -> float:
        """The true mean heart rate in bpm over the simulation (from :attr:`beat_times`)."""
        beats = self.beat_times
        return 60.0 / float(np.mean(np.diff(beats))) if beats.size > 1 else math.nan


def simulated_ecg(
    duration: float = 60.0,
    *,
    rate: float = 500.0,
    seed: int = 0,
    state: str = "rest",
    chunk_duration: float = 0.25,
    **options: Any,
) -> SimulatedSensor:
    """A simulated ECG (mV, stream ``sim-ECG``) with its true R-peak times
    (:attr:`SimulatedSensor.beat_times`); ``options`` as for :class:`SimulatedSensor`."""
    return SimulatedSensor(
        "ECG",
        duration=duration,
        chunk_duration=chunk_duration,
        rate=rate,
        seed=seed,
        state=state,
        **options,
    )


def simulated_ppg(
    duration: float = 60.0,
    *,
    rate: float = 100.0,
    seed: int = 0,
    state: str = "rest",
    chunk_duration: float = 0.25,
    **options: Any,
) -> SimulatedSensor:
    """A simulated PPG (a.u., stream ``sim-PPG``) with the true R-peak times of the heart
    that drives it (:attr:`SimulatedSensor.beat_times`; pulses follow by ``ptt`` s)."""
    return SimulatedSensor(
        "PPG",
        duration=duration,
        chunk_duration=chunk_duration,
        rate=rate,
        seed=seed,
        state=state,
        **options,
    )
