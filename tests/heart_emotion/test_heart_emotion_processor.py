"""The heart-emotion processor in real virtual-clock sessions with the simulator."""

from __future__ import annotations

import numpy as np
import pytest

import heartmind
from heartmind import ConfigError, Emotion, HeartBeat
from heartmind.plugins.heart_emotion.api import (
    HeartEmotionProcessor,
    baseline_from_beats,
    load_heart_model,
)


def _session_emotions(model: str, duration: float = 600.0) -> list[Emotion]:
    session = heartmind.Session(clock="virtual", seed=1)
    session.add_sensor(
        "simulator", name="sim", modalities=["ECG"], state="rest-stress-recovery",
        duration=duration,
    )  # fmt: skip
    session.add_processor("heart-rate", name="hr")
    session.add_processor("heart-emotion", name="emo", model=model)
    events: list[Emotion] = []
    session.subscribe("emotion", events.append)
    stats = session.run()
    assert stats["processors"]["emo"]["errors"] == 0
    return events


@pytest.mark.parametrize(
    "model",
    ["hrv-linear-synthetic", pytest.param("hr-gru-synthetic", marks=pytest.mark.slow)],
)
def test_emotion_follows_the_scripted_state(model: str) -> None:
    events = _session_emotions(model)
    ts = np.array([e.timestamp for e in events])
    assert ts[0] < 30.0 and np.all(np.diff(ts) <= 1.0 + 1e-9)  # >= 1 Hz from the start
    assert all(e.modality == "heart" and e.source == "emo" and e.time for e in events)
    assert all(e.model == model and e.model_version.endswith("+synthetic") for e in events)
    conf = np.array([e.confidence for e in events])
    assert np.all((conf >= 0) & (conf <= 1))
    rest, stress = (ts > 120) & (ts < 180), (ts > 300) & (ts < 420)  # script: rest 0-180 s
    arousal = np.array([e.arousal for e in events])
    valence = np.array([e.valence for e in events])
    assert arousal[stress].mean() > arousal[rest].mean() + 0.5
    assert valence[stress].mean() < valence[rest].mean() - 0.3
    # the baseline (first 120 s) is known after it: confidence is no longer halved
    assert conf[(ts > 130) & (ts < 180)].mean() > conf[ts < 100].mean()


def _beats(n: int, seed: int = 0) -> list[HeartBeat]:
    rng = np.random.default_rng(seed)
    rr = 0.85 + 0.05 * np.sin(np.arange(n) / 3.0) + rng.normal(0, 0.01, n)
    times = np.cumsum(rr)
    pairs = zip(times.tolist(), rr.tolist(), strict=True)
    return [HeartBeat(timestamp=t, rr=r, stream="ecg") for t, r in pairs]


def test_streaming_equals_offline_and_excludes_flagged_beats() -> None:
    beats = _beats(300)
    proc = HeartEmotionProcessor(model="hrv-linear-synthetic", baseline=60.0)
    # flagged beats (absurd RR values) must change nothing
    noisy: list[HeartBeat] = []
    for i, b in enumerate(beats):
        noisy.append(b)
        if i % 25 == 10:
            t = b.timestamp + 0.3
            noisy.append(HeartBeat(timestamp=t, rr=0.3, ectopic=True, stream="ecg"))
            noisy.append(HeartBeat(timestamp=t + 0.01, rr=2.9, usable=False, stream="ecg"))
    clean_out = [e for b in beats for e in proc.on_event(b)]
    proc2 = HeartEmotionProcessor(model="hrv-linear-synthetic", baseline=60.0)
    noisy_out = [e for b in noisy for e in proc2.on_event(b)]
    assert [e.to_dict() for e in clean_out] == [e.to_dict() for e in noisy_out]
    # offline: the same model on the same beats
    model = load_heart_model("hrv-linear-synthetic")
    times = np.array([b.timestamp for b in beats])
    rr = np.array([b.rr for b in beats], dtype=float)
    base = baseline_from_beats(times[times <= times[0] + 60.0], rr[times <= times[0] + 60.0])
    late = [e for e in clean_out if e.timestamp > times[0] + 61.0]
    ends = [e.timestamp for e in late]
    assert len(late) > 150
    expected = model.predict(model.prepare(times, rr, ends, base))
    got = np.array([[e.valence, e.arousal, e.dominance] for e in late])
    np.testing.assert_allclose(got, np.clip(expected[:, :3], -1, 1), atol=1e-12)


def test_ecg_chunks_routed_here_are_ignored_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """heart-emotion takes heart_beat events only (changed in issue #11): ECG routed to it
    gives nothing and one warning that says to route it through heart-rate."""
    session = heartmind.Session(clock="virtual", seed=1)
    session.add_sensor(
        "simulator", name="sim", modalities=["ECG"], state="rest-stress-recovery", duration=30.0
    )
    session.add_processor(
        "heart-emotion", name="emo", model="hrv-linear-synthetic", input_types=["ECG"], events=()
    )
    direct: list[Emotion] = []
    session.subscribe("emotion", direct.append)
    with caplog.at_level("WARNING"):
        stats = session.run()
    assert direct == [] and stats["processors"]["emo"]["errors"] == 0
    warnings = [r for r in caplog.records if "heart_beat events only" in r.getMessage()]
    assert len(warnings) == 1 and "heart-rate" in warnings[0].getMessage()


def test_options_are_checked_clearly() -> None:
    with pytest.raises(ConfigError, match="trained on 60 s windows"):
        HeartEmotionProcessor(model="hrv-linear-synthetic", window=30.0)
    session = heartmind.Session(clock="virtual", seed=1)
    with pytest.raises(ConfigError, match="interval"):
        session.add_processor("heart-emotion", interval=2.0)
    with pytest.raises(heartmind.HeartmindError, match="neither a bundled model"):
        session.add_processor("heart-emotion", model="missing.hmm")
