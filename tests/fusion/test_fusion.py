"""Unit tests of the fusion processor: weighting, stale sources, provenance, no feedback."""

from __future__ import annotations

import pytest

import heartmind
from heartmind.components import Output, Processor
from heartmind.events import Emotion, Event, SignalQuality, Stress
from heartmind.plugins.fusion.api import FusionProcessor, provenance
from heartmind.streams import Chunk


def _stress(t: float, level: float, conf: float, modality: str, source: str = "") -> Stress:
    return Stress(
        timestamp=t,
        level=level,
        confidence=conf,
        modality=modality,
        source=source or modality,
        label="",
    )


def _emotion(t: float, v: float, conf: float, modality: str) -> Emotion:
    return Emotion(
        timestamp=t,
        valence=v,
        arousal=v,
        dominance=0.0,
        confidence=conf,
        modality=modality,
        source=modality,
    )


def _one(outputs: object) -> Stress | Emotion:
    items = list(outputs)  # type: ignore[call-overload]
    assert len(items) == 1
    item = items[0]
    assert isinstance(item, Stress | Emotion)
    return item


def test_weighted_by_confidence_with_provenance() -> None:
    fus = FusionProcessor(interval=0.0)
    first = _one(fus.on_event(_stress(10.0, 0.9, 0.8, "heart")))
    assert isinstance(first, Stress) and first.model == "fused(heart:1.00)"
    out = _one(fus.on_event(_stress(11.0, 0.1, 0.2, "behaviour")))
    assert isinstance(out, Stress)
    assert out.level == pytest.approx(0.9 * 0.8 + 0.1 * 0.2)
    assert out.modality == "fused" and out.model == "fused(heart:0.80,behaviour:0.20)"
    assert out.label == "high"


def test_weighted_by_signal_quality_and_prior() -> None:
    fus = FusionProcessor(interval=0.0, weights={"behaviour": 0.5})
    fus.on_event(SignalQuality(timestamp=9.0, stream="sim-ECG", window=10.0, quality=0.25))
    fus.on_event(_stress(10.0, 1.0, 1.0, "heart"))
    out = _one(fus.on_event(_stress(10.5, 0.0, 1.0, "behaviour")))
    assert isinstance(out, Stress)
    # heart 1 × 0.25, behaviour 1 × 1 × 0.5 → heart share 1/3
    assert out.level == pytest.approx(1 / 3)
    assert out.model == "fused(behaviour:0.67,heart:0.33)"
    assert fus.quality("heart", 10.5) == 0.25 and fus.quality("face", 10.5) == 1.0


def test_emotion_fusion() -> None:
    fus = FusionProcessor(interval=0.0)
    fus.on_event(_emotion(1.0, 0.6, 0.5, "heart"))
    out = _one(fus.on_event(_emotion(1.5, -0.2, 0.5, "face")))
    assert isinstance(out, Emotion)
    assert out.valence == pytest.approx(0.2) and out.arousal == pytest.approx(0.2)
    assert out.modality == "fused" and out.model.startswith("fused(")


def test_stale_source_dropped_confidence_falls() -> None:
    fus = FusionProcessor(timeout=30.0, interval=0.0)
    fus.on_event(_stress(0.0, 0.8, 0.7, "behaviour"))
    both = _one(fus.on_event(_stress(1.0, 0.8, 0.7, "heart")))
    # behaviour falls silent; heart goes on
    out = [_one(fus.on_event(_stress(t, 0.8, 0.7, "heart"))) for t in (10.0, 40.0, 60.0)]
    assert out[0].model == both.model == "fused(behaviour:0.50,heart:0.50)"
    assert out[-1].model == "fused(heart:1.00)"
    assert out[-1].confidence < both.confidence
    assert out[-1].confidence == pytest.approx(0.7)


def test_no_sources_no_output_and_zero_confidence_ignored() -> None:
    fus = FusionProcessor(interval=0.0)
    assert list(fus.on_event(_stress(0.0, 0.5, 0.0, "heart"))) == []
    assert list(fus.on_event(SignalQuality(timestamp=0.0, window=1.0, quality=1.0))) == []


def test_disagreement_lowers_confidence() -> None:
    agree, disagree = FusionProcessor(interval=0.0), FusionProcessor(interval=0.0)
    agree.on_event(_stress(0.0, 0.8, 0.6, "heart"))
    disagree.on_event(_stress(0.0, 0.1, 0.6, "heart"))
    a = _one(agree.on_event(_stress(0.5, 0.8, 0.6, "behaviour")))
    d = _one(disagree.on_event(_stress(0.5, 0.8, 0.6, "behaviour")))
    assert d.confidence < a.confidence


def test_fused_events_never_fed_back() -> None:
    fus = FusionProcessor(interval=0.0)
    fused = _one(fus.on_event(_stress(0.0, 0.9, 0.9, "heart")))
    assert list(fus.on_event(fused)) == []
    other = Stress(timestamp=1.0, level=0.1, model="fused(heart:1.00)", modality="x", source="f2")
    assert list(fus.on_event(other)) == []
    out = _one(fus.on_event(_stress(2.0, 0.9, 0.9, "heart")))
    assert out.model == "fused(heart:1.00)" and out.level == pytest.approx(0.9)


def test_interval_limits_rate() -> None:
    fus = FusionProcessor(interval=5.0)
    n = sum(len(list(fus.on_event(_stress(t * 0.5, 0.5, 0.5, "heart")))) for t in range(40))
    assert n == 4


def test_provenance_format() -> None:
    assert provenance({"behaviour": 0.3, "heart": 0.7}) == "fused(heart:0.70,behaviour:0.30)"


class _Echo(Processor):
    """Emits one behaviour Stress per incoming fused Stress (a would-be loop)."""

    def __init__(self) -> None:
        self.seen = 0

    def process(self, chunk: Chunk) -> list[Output]:
        return []

    def on_event(self, event: Event) -> list[Output]:
        if isinstance(event, Stress) and event.modality == "heart":
            return [_stress(event.timestamp, 0.2, 0.5, "behaviour", "echo")]
        self.seen += isinstance(event, Stress) and event.modality == "fused"
        return []


class _Source(Processor):
    def process(self, chunk: Chunk) -> list[Output]:
        t = float(chunk.timestamps[-1])
        return [_stress(t, 0.9, 0.9, "heart", "src")] if int(t) % 10 == 0 else []


def test_fusion_in_a_session_two_instances_no_loop() -> None:
    session = heartmind.Session(clock="virtual", seed=1)
    session.add_sensor("simulator", name="sim", modalities=["ECG"], duration=60.0, truth=False)
    session.add_processor(_Source(), name="src", input_types=["ECG"])
    echo = _Echo()
    session.add_processor(echo, name="echo", events=["stress"])
    session.add_processor("fusion", name="fusion", interval=0.0)
    session.add_processor("fusion", name="fusion2", interval=0.0)
    fused: list[Stress] = []
    session.subscribe("stress", lambda e: fused.append(e) if e.modality == "fused" else None)
    session.run()
    assert fused and echo.seen == len(fused)
    by = {e.source for e in fused}
    assert by == {"fusion", "fusion2"}
    # weights: heart 0.9, echo (behaviour) 0.5 -> shares 0.64/0.36; the echo reacts to the
    # heart event before the fusions do, hence one behaviour-only mix first; no fused input
    models = {e.model for e in fused}
    assert models == {"fused(behaviour:1.00)", "fused(heart:0.64,behaviour:0.36)"}
    # each source event gives one fused event per fusion instance, no more (no loop)
    n_src = sum(1 for e in fused if e.source == "fusion")
    assert len(fused) == 2 * n_src and n_src <= 2 * 4 * 6
