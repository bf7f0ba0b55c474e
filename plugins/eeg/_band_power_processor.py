"""The ``eeg-bands`` processor: EEG chunks in; ``BandPower`` and ``AlphaAsymmetry`` out."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from heartmind.components import Output
from heartmind.errors import ConfigError
from heartmind.streaming import StreamProcessor, Timeline
from heartmind.streams import StreamInfo

from ._band_power import BANDS, faa_pairs, window_powers, window_samples
from ._channel_names import standard_name
from .events import AlphaAsymmetry, BandPower

__all__ = ["EEGBandsProcessor"]

log = logging.getLogger(__name__)
_F64 = npt.NDArray[np.float64]


@dataclass
class _State:
    info: StreamInfo
    names: tuple[str, ...]
    pairs: list[tuple[str, int, int]]
    buf: _F64
    next_end: int  # absolute sample index at which the next window ends


class EEGBandsProcessor(StreamProcessor[_State]):
    """Band powers per channel and frontal alpha asymmetry in sliding windows.

    Parameters
    ----------
    window, step
        Window length and step, in s (window ``k`` ends at sample ``w + k·s``, exactly
        as :func:`~heartmind.plugins.eeg.api.eeg_bandpower`).
    asymmetry
        ``"auto"``: emit ``AlphaAsymmetry`` when F3/F4 or F7/F8 exist; ``"on"``: require
        them (error otherwise); ``"off"``: never.
    """

    kind = "eeg-bands"
    min_rate = 100.0

    def __init__(self, *, window: float = 4.0, step: float = 1.0, asymmetry: str = "auto"):
        super().__init__()
        if asymmetry not in ("auto", "on", "off"):
            raise ConfigError(f"eeg-bands: asymmetry must be auto, on or off, not {asymmetry!r}.")
        window_samples(window, step, 100.0)
        self.window, self.step, self.asymmetry = float(window), float(step), asymmetry

    def check_stream(self, info: StreamInfo) -> None:
        """At least 100 Hz; with ``asymmetry="on"``, a frontal pair of channels."""
        super().check_stream(info)
        if self.asymmetry == "on":
            faa_pairs(info.channels)

    def open_stream(self, info: StreamInfo, t0: float) -> _State:
        """Window buffer, channel names and frontal pairs of a new EEG stream."""
        pairs: list[tuple[str, int, int]] = []
        if self.asymmetry != "off":
            try:
                pairs = faa_pairs(info.channels)
            except ConfigError:
                log.info("%s: no frontal pair in %r; no alpha asymmetry", self.name, info.name)
        w, _ = window_samples(self.window, self.step, info.rate)
        names = tuple(standard_name(c) for c in info.channels)
        return _State(info, names, pairs, np.zeros((0, info.n_channels)), w)

    def feed(self, st: _State, tl: Timeline, data: _F64, until: float) -> list[Output]:
        """Buffer the next samples; return the events of every window they complete."""
        fs = st.info.rate
        w, s = window_samples(self.window, self.step, fs)
        st.buf = np.concatenate((st.buf, data))
        first = tl.n - st.buf.shape[0]  # absolute index of buf[0]
        out: list[Output] = []
        while st.next_end <= tl.n:
            seg = st.buf[st.next_end - w - first : st.next_end - first]
            out.extend(self._events(st, tl.time_of(st.next_end - 1), window_powers(seg, fs)))
            st.next_end += s
        keep = st.next_end - w - first
        if keep > 0:
            st.buf = st.buf[keep:]
        return out

    def _events(self, st: _State, t: float, powers: _F64) -> list[Output]:
        total = powers.sum(axis=1)
        total = np.where(total > 0, total, 1.0)
        cols = {name: tuple(powers[:, j].tolist()) for j, name in enumerate(BANDS)}
        rel = {name: tuple((powers[:, j] / total).tolist()) for j, name in enumerate(BANDS)}
        out: list[Output] = [
            BandPower(
                channels=st.names,
                relative_alpha=rel["alpha"],
                relative_beta=rel["beta"],
                relative_theta=rel["theta"],
                source=self.name,
                timestamp=t,
                window=self.window,
                stream=st.info.name,
                delta=cols["delta"],
                theta=cols["theta"],
                alpha=cols["alpha"],
                beta=cols["beta"],
                gamma=cols["gamma"],
            )
        ]
        if st.pairs:
            alpha = np.maximum(powers[:, 2], 1e-12)
            faa = {label: float(np.log(alpha[i]) - np.log(alpha[j])) for label, i, j in st.pairs}
            label = st.pairs[0][0]
            out.append(
                AlphaAsymmetry(
                    faa=faa[label],
                    faa_f8_f7=faa.get("F8-F7") if label != "F8-F7" else None,
                    pair=label,
                    source=self.name,
                    timestamp=t,
                    window=self.window,
                    stream=st.info.name,
                )
            )
        return out
