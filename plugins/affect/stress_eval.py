"""The stress chain on synthetic subjects: run it, label it, score it (AUROC), train on it.

Used by ``benchmarks/bench_stress.py`` and the regression test of the whole chain. Each
subject is a synthetic-dataset subject (:func:`heartmind.datasets.synthetic.subject_profile`:
own resting heart rate, HRV, EDA level and stress reactivity) going through
:data:`CHAIN_EPISODES` in a real ``heartmind.Session(clock="virtual")``::

    simulator (ECG [+ EDA] [+ KEYS + MOUSE])
      → heart-rate → hrv → stress ─┐
      [→ eda ───────────────────→ stress]
      [→ behaviour-emotion ────────┤]
                                   └→ fusion

SYNTHETIC data: the figures show the plumbing and the calibration work, not clinical
validity.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from heartmind.datasets.synthetic import Episode, episode_script, subject_profile
from heartmind.events import HRV, Event, Stress
from heartmind.session import Session

from .stress import StressProcessor

__all__ = [
    "CHAIN_EPISODES",
    "ChainResult",
    "auroc",
    "episode_labels",
    "replay_z_rows",
    "run_chain",
]

log = logging.getLogger(__name__)

#: Rest (baseline, also the calibration period), stress, recovery, stress, recovery.
CHAIN_EPISODES: tuple[Episode, ...] = (
    Episode("baseline", 240.0, 0.1, 0.2, -0.3, 0.2, 0, kind="baseline"),
    Episode("stress", 180.0, 0.9, -0.6, 0.8, -0.5, 1),
    Episode("recovery", 180.0, 0.1, 0.3, -0.3, 0.2, 0),
    Episode("stress", 120.0, 0.9, -0.6, 0.8, -0.5, 1),
    Episode("recovery", 120.0, 0.1, 0.3, -0.3, 0.2, 0),
)
#: HRV window and step of the chain (s): short enough to follow 2–3 min episodes.
HRV_WINDOW, HRV_STEP = 90.0, 10.0

Array = npt.NDArray[np.float64]


@dataclass
class ChainResult:
    """Events of one subject's chain run (only the topics the evaluation needs)."""

    subject: int
    episodes: tuple[Episode, ...]
    events: list[Event] = field(default_factory=list)

    def stress(self, modality: str) -> list[Stress]:
        """``Stress`` events whose modality starts with ``modality`` (``"heart"`` matches
        ``"heart"`` and ``"heart+eda"``)."""
        return [e for e in self.events if isinstance(e, Stress) and e.modality.startswith(modality)]

    def scores(self, modality: str, start: float, margin: float) -> tuple[Array, Array]:
        """Levels and 0/1 labels of the evaluable ``Stress`` events of ``modality``."""
        evs = [e for e in self.stress(modality) if e.timestamp >= start]
        t = np.array([e.timestamp for e in evs], dtype=np.float64)
        y = episode_labels(t, self.episodes, margin)
        keep = y >= 0
        levels = np.array([e.level for e in evs], dtype=np.float64)
        return levels[keep], y[keep].astype(np.float64)


def episode_labels(times: Array, episodes: Sequence[Episode], margin: float) -> Array:
    """Stress label (1/0) of the episode each time (s from the start) falls in.

    Times within ``margin`` s after an episode boundary (the HRV window still mixes both
    episodes) and after the end get -1 (not evaluated).
    """
    out = np.full(times.shape, -1, dtype=np.int64)
    start = 0.0
    for ep in episodes:
        inside = (times >= start + margin) & (times < start + ep.duration)
        out[inside] = int(ep.stress_label)
        start += ep.duration
    return out.astype(np.float64)


def auroc(scores: Array, labels: Array) -> float:
    """Area under the ROC curve (Mann–Whitney, ties count half); NaN with one class."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    if pos.size == 0 or neg.size == 0:
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (pos.size * neg.size))


def run_chain(
    subject: int,
    *,
    seed: int = 2026,
    behaviour: bool = True,
    eda: bool = False,
    fusion: bool = True,
    stress_options: dict[str, Any] | None = None,
    episodes: Sequence[Episode] = CHAIN_EPISODES,
    snr_db: float | None = 20.0,
) -> ChainResult:
    """Run the real chain for synthetic subject ``subject`` of the dataset seed ``seed``.

    Parameters
    ----------
    subject
        Subject index (its profile comes from ``subject_profile(seed, subject)``).
    behaviour, eda, fusion
        Add KEYS/MOUSE + ``behaviour-emotion``; EDA + ``eda`` (routed to ``stress``);
        the ``fusion`` processor.
    stress_options
        Options of the ``stress`` processor (default: 180 s calibration).
    episodes
        The scripted episodes (default :data:`CHAIN_EPISODES`).
    snr_db
        Signal-to-noise ratio of the simulated signals (dB).
    """
    from heartmind.plugins.simulator._sensor import SimulatorSensor

    profile = subject_profile(seed, subject)
    script = episode_script(episodes, profile.reactivity)
    modalities = ["ECG"] + (["EDA"] if eda else []) + (["KEYS", "MOUSE"] if behaviour else [])
    session = Session(clock="virtual", seed=profile.sim_seed)
    sensor = SimulatorSensor(
        state=script,
        seed=profile.sim_seed,
        physiology=profile.physiology,
        modalities=modalities,
        ecg_rate=250.0,
        duration=script.duration,
        snr_db=snr_db,
        truth=False,
    )
    session.add_sensor(sensor, name="sim")
    session.add_processor("heart-rate", name="hr", hr_interval=5.0, quality_interval=10.0)
    session.add_processor(
        "hrv", name="hrv", window=HRV_WINDOW, step=HRV_STEP, min_window_frequency=60.0
    )
    if eda:
        session.add_processor("eda", name="eda")
    session.add_processor("stress", name="stress", **(stress_options or {}))
    if behaviour:
        session.add_processor("behaviour-emotion", name="behaviour")
    if fusion:
        session.add_processor("fusion", name="fusion")
    result = ChainResult(subject, tuple(episodes))
    topics = ["hrv", "stress", "emotion", "signal_quality", "skin_conductance"]
    session.subscribe(topics, result.events.append)
    session.run()
    log.debug("chain subject %d: %d events", subject, len(result.events))
    return result


def replay_z_rows(
    result: ChainResult, calibration: float = 180.0
) -> tuple[list[dict[str, float]], Array]:
    """The stress processor's signed z-features of a chain run, with their times (s).

    Replays the run's ``hrv``, ``skin_conductance`` and ``signal_quality`` events through a
    fresh :class:`StressProcessor` (the same code as in the session), for training.
    """
    proc = StressProcessor(calibration=calibration)
    rows: list[dict[str, float]] = []
    times: list[float] = []
    for event in result.events:
        if event.topic in ("stress", "emotion"):
            continue
        proc.on_event(event)
        if isinstance(event, HRV):
            est = proc.last_estimate.get(event.stream or event.source)
            if est is not None and est.timestamp == event.timestamp:
                rows.append(est.z)
                times.append(est.timestamp)
    return rows, np.asarray(times, dtype=np.float64)
