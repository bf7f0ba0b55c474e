"""The ``fusion`` processor: one ``Emotion`` and one ``Stress`` stream from every source.

It subscribes to ``emotion``, ``stress`` and ``signal_quality`` events and keeps the latest
estimate of each **source** (``modality:source``, e.g. ``heart:stress``,
``behaviour:beh``). Whenever a source reports (at most once per ``interval`` s per topic)
it emits a fused event at that event's timestamp:

* **weights**: ``w_i = confidence_i × quality_i × prior_i`` — ``confidence`` from the
  event, ``quality`` the mean of the latest ``SignalQuality.quality`` of the streams mapped
  to the source's modality (option ``quality_streams``: glob pattern → modality; 1 when none
  is known; unusable windows count at most 0.3), ``prior`` the option ``weights`` (default
  1 for every modality);
* **values**: the weighted mean of ``level`` (stress) or of valence/arousal/dominance;
* **confidence**: ``1 − Π (1 − min(1, w_i))`` (independent evidence: more agreeing sources,
  higher confidence) × ``(1 − spread)``, where ``spread`` is the weighted standard
  deviation of the sources' levels (or mean over V/A/D on a 0–1 scale): disagreement
  lowers it;
* **graceful degradation**: a source whose last event is older than ``timeout`` s is
  dropped from the mix (so confidence falls); with no fresh source nothing is emitted;
* **provenance**: ``modality = "fused"`` and ``model = "fused(heart:0.70,behaviour:0.30)"``
  — each contributing modality with its share of the total weight (two decimals,
  largest first);
* **no feedback**: events with ``modality = "fused"``, a ``model`` starting with
  ``"fused("`` or coming from this instance are ignored, so two fusion processors never
  feed each other either.
"""

from __future__ import annotations

import fnmatch
import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from heartmind.components import Context, Output, Processor
from heartmind.events import Emotion, Event, SignalQuality, Stress, stress_label
from heartmind.streams import Chunk

__all__ = ["DEFAULT_QUALITY_STREAMS", "FusionProcessor", "provenance"]

log = logging.getLogger(__name__)

#: Default mapping of SignalQuality stream names (glob, case-sensitive) to modalities.
DEFAULT_QUALITY_STREAMS: dict[str, str] = {
    "*ECG*": "heart",
    "*PPG*": "heart",
    "*RADAR*": "heart",
    "*EDA*": "eda",
    "*FACE*": "face",
}
_VAD = ("valence", "arousal", "dominance")


@dataclass(frozen=True)
class _Latest:
    """The latest event of one source."""

    modality: str
    event: Emotion | Stress


def provenance(shares: Mapping[str, float]) -> str:
    """``"fused(heart:0.70,behaviour:0.30)"`` from modality → share of the weight."""
    items = sorted(shares.items(), key=lambda kv: (-kv[1], kv[0]))
    return "fused(" + ",".join(f"{k}:{v:.2f}" for k, v in items) + ")"


class FusionProcessor(Processor):
    """Confidence- and quality-weighted fusion of ``Emotion`` and ``Stress`` events.

    Parameters
    ----------
    timeout
        A source silent for longer than this (s of sample time) is dropped from the mix.
    interval
        Least s between two fused events of one topic; 0 = one per incoming event.
    weights
        Prior weight per modality (``{"heart": 1.0, "behaviour": 0.5}``); default 1.
    quality_streams
        Glob pattern of a ``SignalQuality`` stream name → modality it describes;
        default :data:`DEFAULT_QUALITY_STREAMS`.
    """

    def __init__(
        self,
        *,
        timeout: float = 90.0,
        interval: float = 1.0,
        weights: Mapping[str, float] | None = None,
        quality_streams: Mapping[str, str] | None = None,
    ) -> None:
        self.timeout = float(timeout)
        self.interval = float(interval)
        self.weights = {str(k): float(v) for k, v in (weights or {}).items()}
        self.quality_streams = dict(quality_streams or DEFAULT_QUALITY_STREAMS)
        self._name = "fusion"
        self._latest: dict[str, dict[str, _Latest]] = {"emotion": {}, "stress": {}}
        self._quality: dict[str, SignalQuality] = {}
        self._last_emit: dict[str, float] = {}

    def start(self, context: Context) -> None:
        """Remember the instance name (to ignore its own output)."""
        self._name = context.name

    def process(self, chunk: Chunk) -> Iterable[Output]:
        """Streams are not used: route ``emotion``/``stress`` events here."""
        return ()

    def on_event(self, event: Event) -> Iterable[Output]:
        """Take an event of any source; return the fused event now due (if any)."""
        if isinstance(event, SignalQuality):
            self._quality[event.stream] = event
            return ()
        if not isinstance(event, Emotion | Stress) or self._is_fused(event):
            return ()
        modality = event.modality or "unknown"
        self._latest[event.topic][f"{modality}:{event.source}"] = _Latest(modality, event)
        t = event.timestamp
        if t < self._last_emit.get(event.topic, -math.inf) + self.interval:
            return ()
        fused = self._fuse(event.topic, t)
        if fused is None:
            return ()
        self._last_emit[event.topic] = t
        return [fused]

    def _is_fused(self, event: Emotion | Stress) -> bool:
        return (
            event.modality == "fused"
            or event.model.startswith("fused(")
            or (bool(event.source) and event.source == self._name)
        )

    def quality(self, modality: str, t: float) -> float:
        """Mean latest quality (0–1) of the fresh streams mapped to ``modality``; 1 if none."""
        values = []
        for stream, sq in self._quality.items():
            if t - sq.timestamp > self.timeout:
                continue
            for pattern, mod in self.quality_streams.items():
                if mod == modality and fnmatch.fnmatchcase(stream, pattern):
                    values.append(sq.quality if sq.usable else min(sq.quality, 0.3))
                    break
        return sum(values) / len(values) if values else 1.0

    def _fresh(self, topic: str, t: float) -> list[tuple[_Latest, float]]:
        """Fresh sources of ``topic`` with their weights (stale ones are forgotten)."""
        table = self._latest[topic]
        out = []
        for key in list(table):
            item = table[key]
            if t - item.event.timestamp > self.timeout:
                log.info("%s: source %s is stale; dropped from the %s mix", self._name, key, topic)
                del table[key]
                continue
            prior = self.weights.get(item.modality, 1.0)
            w = item.event.confidence * self.quality(item.modality, t) * prior
            if w > 0:
                out.append((item, w))
        return out

    def _fuse(self, topic: str, t: float) -> Emotion | Stress | None:
        sources = self._fresh(topic, t)
        total = sum(w for _, w in sources)
        if not sources or total <= 0:
            return None
        shares: dict[str, float] = {}
        for item, w in sources:
            shares[item.modality] = shares.get(item.modality, 0.0) + w / total
        evidence = 1.0 - math.prod(1.0 - min(1.0, w) for _, w in sources)
        model = provenance(shares)
        if topic == "stress":
            levels = [(float(getattr(i.event, "level", 0.0)), w) for i, w in sources]
            level, spread = _weighted(levels)
            return Stress(
                timestamp=t,
                source=self._name,
                level=_clip(level, 0.0, 1.0),
                label=stress_label(level),
                confidence=_clip(evidence * (1.0 - spread), 0.0, 1.0),
                model=model,
                modality="fused",
            )
        values: dict[str, float] = {}
        spreads = []
        for dim in _VAD:
            mean, sd = _weighted([(float(getattr(i.event, dim)), w) for i, w in sources])
            values[dim] = _clip(mean, -1.0, 1.0)
            spreads.append(sd / 2.0)  # -1…1 scale → 0…1 scale
        confidence = evidence * (1.0 - sum(spreads) / len(spreads))
        return Emotion(
            timestamp=t,
            source=self._name,
            confidence=_clip(confidence, 0.0, 1.0),
            model=model,
            modality="fused",
            valence=values["valence"],
            arousal=values["arousal"],
            dominance=values["dominance"],
        )


def _weighted(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    """Weighted mean and weighted standard deviation of ``(value, weight)`` pairs."""
    total = sum(w for _, w in pairs)
    mean = sum(v * w for v, w in pairs) / total
    var = sum(w * (v - mean) ** 2 for v, w in pairs) / total
    return mean, math.sqrt(max(var, 0.0))


def _clip(v: float, lo: float, hi: float) -> float:
    return min(max(v, lo), hi)
