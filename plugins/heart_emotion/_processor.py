"""The ``heart-emotion`` processor: heart beats in, ``Emotion`` events out (≥ 1 Hz).

It subscribes to ``heart_beat`` events (from the cardiac ``heart-rate`` processor or any
other beat detector); it takes no streams — route ECG to ``heart-rate`` and its beats to
this processor. Per beat stream it keeps:

* the accepted beats (``usable`` and not ``ectopic``, with an RR interval) of the last
  ``window`` s;
* the user's **baseline**: the beats of the first ``baseline`` s of the stream give the
  per-user normalisation (:class:`~._beat_features.Baseline`); until then the model's
  population baseline is used and the confidence is halved;
* an emission grid: every ``interval`` s of sample time (starting ``interval`` s after
  the first beat), one ``Emotion`` event computed from the beats up to that instant —
  exactly :meth:`HeartVADModel.prepare` + :meth:`predict` on those beats, the same code
  as offline evaluation.

Confidence = data completeness of the window (0–1) × mean certainty of the high/low class
probabilities of valence, arousal and dominance (``|2p − 1|``) × 0.5 while the baseline
is not yet known. Windows less than 25 % covered by beats emit nothing.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from heartmind.components import Context, Output, Processor
from heartmind.errors import ConfigError
from heartmind.events import Emotion, Event, HeartBeat
from heartmind.streams import Chunk

from ._beat_features import MAX_GAP, Baseline, baseline_from_beats, window_completeness
from ._vad_models import HeartVADModel, load_heart_model

__all__ = ["MIN_COMPLETENESS", "VAD", "HeartEmotionProcessor"]

log = logging.getLogger(__name__)

VAD: tuple[str, ...] = ("valence", "arousal", "dominance")
#: Windows covered less than this by beats emit no event.
MIN_COMPLETENESS = 0.25


@dataclass
class _BeatState:
    """Beats, baseline and emission grid of one beat stream."""

    first: float
    next_emit: float
    times: deque[float] = field(default_factory=deque)
    rr: deque[float] = field(default_factory=deque)
    calib_t: list[float] = field(default_factory=list)
    calib_rr: list[float] = field(default_factory=list)
    baseline: Baseline | None = None


class HeartEmotionProcessor(Processor):
    """Valence, arousal and dominance from heart beats with a heart-rate VAD model.

    Parameters
    ----------
    model
        Bundled model name (``hr-gru-synthetic``, …) or path of a ``.hmm`` file.
    interval
        Seconds of sample time between two ``Emotion`` events (≤ 1 s: ≥ 1 Hz).
    window
        Trailing window in s; 0 = the model's own (the only value a model accepts).
    baseline
        Seconds at the start of each beat stream taken as the user's resting baseline;
        0 uses the model's population baseline throughout.
    """

    def __init__(
        self,
        *,
        model: str = "hr-gru-synthetic",
        interval: float = 1.0,
        window: float = 0.0,
        baseline: float = 120.0,
    ) -> None:
        self.model: HeartVADModel = load_heart_model(model)
        if window and abs(window - self.model.window) > 1e-9:
            raise ConfigError(
                f"heart-emotion: model {self.model.info.name!r} was trained on "
                f"{self.model.window:g} s windows; set window = {self.model.window:g} (or 0), "
                f"or train a model with 'heartmind train --window {window:g}'."
            )
        self._dims = [d for d in VAD if d in self.model.dims]
        if not self._dims:
            raise ConfigError(
                f"heart-emotion: model {self.model.info.name!r} predicts {self.model.dims}, none "
                "of valence/arousal/dominance; train it on a dataset with VAD labels."
            )
        self.interval = float(interval)
        self.baseline_s = float(baseline)
        self._name = "heart-emotion"
        self._states: dict[str, _BeatState] = {}
        self._warned_chunks = False
        self._population = self.model.population_baseline()

    def start(self, context: Context) -> None:
        """Remember the instance name (events carry it as ``source``)."""
        self._name = context.name
        if self.model.info.synthetic:
            log.info(
                "%s: model %r was trained on SYNTHETIC data; it shows the plumbing, not "
                "validated affect recognition",
                self._name,
                self.model.info.name,
            )

    def process(self, chunk: Chunk) -> Iterable[Output]:
        """Streams are not used (warned once): beats come as ``heart_beat`` events."""
        if not self._warned_chunks:
            self._warned_chunks = True
            log.warning(
                "%s: stream %r ignored; heart-emotion takes heart_beat events only — route "
                "the ECG to a 'heart-rate' processor and its beats here",
                self._name,
                chunk.info.name,
            )
        return ()

    def on_event(self, event: Event) -> Iterable[Output]:
        """Take one ``HeartBeat``; return the ``Emotion`` events now due."""
        if not isinstance(event, HeartBeat):
            return ()
        key = event.stream or event.source
        st = self._states.get(key)
        if st is None:
            st = _BeatState(first=event.timestamp, next_emit=event.timestamp + self.interval)
            self._states[key] = st
        out: list[Output] = []
        while st.next_emit <= event.timestamp:
            emotion = self._estimate(st, st.next_emit, key)
            if emotion is not None:
                out.append(emotion)
            st.next_emit += self.interval
        self._add_beat(st, event)
        return out

    def _add_beat(self, st: _BeatState, beat: HeartBeat) -> None:
        t = beat.timestamp
        if beat.usable and not beat.ectopic and beat.rr is not None:
            st.times.append(t)
            st.rr.append(beat.rr)
            if st.baseline is None and t <= st.first + self.baseline_s:
                st.calib_t.append(t)
                st.calib_rr.append(beat.rr)
        horizon = t - self.model.window - 2 * MAX_GAP
        while st.times and st.times[0] < horizon:
            st.times.popleft()
            st.rr.popleft()
        if st.baseline is None and self.baseline_s > 0 and t > st.first + self.baseline_s:
            if len(st.calib_t) >= 10:
                st.baseline = baseline_from_beats(st.calib_t, st.calib_rr)
                log.info(
                    "%s: baseline of %r from %d beats: %s",
                    self._name,
                    beat.stream,
                    len(st.calib_t),
                    st.baseline,
                )
            else:
                log.warning(
                    "%s: too few beats for a baseline of %r; using the model's",
                    self._name,
                    beat.stream,
                )
                st.baseline = self._population
            st.calib_t, st.calib_rr = [], []

    def _estimate(self, st: _BeatState, t: float, stream: str) -> Emotion | None:
        times = np.fromiter(st.times, dtype=np.float64, count=len(st.times))
        rr = np.fromiter(st.rr, dtype=np.float64, count=len(st.rr))
        completeness = window_completeness(times, rr, t, self.model.window)
        if completeness < MIN_COMPLETENESS:
            return None
        baseline = st.baseline or self._population
        x = self.model.prepare(times, rr, [t], baseline)
        out = self.model.predict(x)[0]
        d = len(self.model.dims)
        values = {dim: 0.0 for dim in VAD}
        certainty = []
        for dim in self._dims:
            j = self.model.dims.index(dim)
            values[dim] = float(np.clip(out[j], -1.0, 1.0))
            certainty.append(abs(2.0 * float(out[d + j]) - 1.0))
        calibrated = self.baseline_s == 0 or st.baseline is not None
        confidence = completeness * float(np.mean(certainty)) * (1.0 if calibrated else 0.5)
        return Emotion(
            timestamp=t,
            source=self._name,
            valence=values["valence"],
            arousal=values["arousal"],
            dominance=values["dominance"],
            confidence=float(np.clip(confidence, 0.0, 1.0)),
            model=self.model.info.name,
            model_version=self.model.info.version,
            modality="heart",
        )
