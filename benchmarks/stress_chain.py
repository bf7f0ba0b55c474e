"""The stress chain on synthetic subjects: run it, label it, score it (AUROC), train on it.

An evaluation harness (not part of the package): used by ``benchmarks/bench_stress.py``
and by the regression test of the whole chain (``tests/stress/test_stress_chain.py``,
which puts this folder on ``sys.path``). Each subject goes through scripted episodes in a
real ``heartmind.Session(clock="virtual")``::

    simulator (ECG + EDA + KEYS + MOUSE)
      → heart-rate → hrv → stress ─┐     (stress also takes eda's skin_conductance)
      → eda ────────────────→ stress
      → behaviour-emotion ─────────┤
                                   └→ fusion

Two scenarios (:data:`SCENARIOS`):

``easy``
    The synthetic dataset's subjects (:func:`heartmind.datasets.synthetic.subject_profile`:
    own resting heart rate, HRV, EDA level, stress reactivity 0.55–1) through
    :data:`CHAIN_EPISODES` (strong stress, ~0.5–0.9 after reactivity), SNR 20 dB.
``hard``
    The same base profiles made weak and heterogeneous responders (:func:`hard_setup`:
    cardiac, electrodermal, behavioural or weak responders), three mild stress episodes
    (0.3–0.5), confounders without stress (a walk and a standing phase: high arousal,
    stress 0, away from the keyboard while walking), SNR 5–10 dB with motion bursts and
    electrode pops, 2 % ectopic beats, and typing only part of the time.

Heart-only and trained-model sources are **replays** of a run's ``hrv``,
``skin_conductance`` and ``signal_quality`` events through fresh ``stress`` (and
``fusion``) processors: the same code as in the session, so one session per subject gives
every source (:func:`replay_stress`, :func:`refuse`).

SYNTHETIC data: the figures show the plumbing and the calibration work, not clinical
validity.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from heartmind.components import Context, Output, Sensor
from heartmind.datasets.synthetic import Episode, episode_script, subject_profile
from heartmind.events import HRV, Event, Stress
from heartmind.models.metrics import auroc
from heartmind.plugins.fusion.api import FusionProcessor
from heartmind.plugins.stress.api import StressLogisticModel, StressProcessor, fit_stress_model
from heartmind.session import Session
from heartmind.sim import Participant, Physiology, StateScript
from heartmind.streams import Chunk, StreamInfo

__all__ = [
    "CHAIN_EPISODES",
    "MARGIN",
    "SCENARIOS",
    "SOURCES",
    "ChainResult",
    "GappedSimulator",
    "SubjectSetup",
    "easy_setup",
    "episode_labels",
    "evaluate_scenario",
    "hard_setup",
    "refuse",
    "replay_stress",
    "replay_z_rows",
    "run_chain",
    "run_setup",
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
#: Events within this many s after an episode change are not scored (the HRV window).
MARGIN = 90.0
#: Noise types of the hard scenario (all the simulator has).
HARD_NOISE: tuple[str, ...] = ("baseline", "powerline", "emg", "motion", "pops")
#: The sources of :func:`evaluate_scenario`, in table order.
SOURCES: tuple[str, ...] = ("heart", "heart+eda", "behaviour", "fused", "fused+eda")

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class SubjectSetup:
    """Everything the simulator needs for one subject's chain run.

    Attributes
    ----------
    subject
        Subject index.
    sim_seed
        Seed of the simulator (and the session).
    physiology
        The subject's latent physiology.
    episodes
        The labelled episodes (scored by their ``stress_label``).
    script
        The simulator's state script (the episodes' values as the body receives them).
    snr_db, noise, ectopic_rate
        Simulator noise: SNR (dB), noise types and premature-beat probability.
    absent
        ``(start, end, types)``: no samples of the stream types (``"KEYS"``, ``"MOUSE"``)
        between ``start`` and ``end`` s (not typing, away from the desk).
    kind
        Responder type (``"easy"`` for the easy scenario).
    """

    subject: int
    sim_seed: int
    physiology: Physiology
    episodes: tuple[Episode, ...]
    script: StateScript
    snr_db: float | None = 20.0
    noise: tuple[str, ...] = ("baseline", "powerline", "emg")
    ectopic_rate: float = 0.0
    absent: tuple[tuple[float, float, tuple[str, ...]], ...] = ()
    kind: str = "easy"

    @property
    def start(self) -> float:
        """End of the first (baseline) episode: scoring starts there (s)."""
        return float(self.episodes[0].duration)


def easy_setup(
    seed: int,
    subject: int,
    episodes: Sequence[Episode] = CHAIN_EPISODES,
    snr_db: float | None = 20.0,
) -> SubjectSetup:
    """The easy scenario: a synthetic-dataset subject through ``episodes`` (strong stress)."""
    profile = subject_profile(seed, subject)
    return SubjectSetup(
        subject=subject,
        sim_seed=profile.sim_seed,
        physiology=profile.physiology,
        episodes=tuple(episodes),
        script=episode_script(episodes, profile.reactivity),
        snr_db=snr_db,
    )


#: Responder types of the hard scenario: ranges of (hr_gain factor, rsa_drop,
#: eda_tonic_gain µS, scr_gain /min, behaviour_gain). Subject ``i`` is type ``i % 4``.
RESPONDERS: dict[str, tuple[tuple[float, float], ...]] = {
    "cardiac": ((0.5, 0.9), (0.5, 0.8), (0.3, 1.0), (1.0, 3.0), (0.0, 0.15)),
    "electrodermal": ((0.1, 0.25), (0.05, 0.2), (2.0, 4.0), (6.0, 10.0), (0.0, 0.15)),
    "behavioural": ((0.1, 0.25), (0.05, 0.25), (0.3, 1.0), (1.0, 3.0), (1.0, 1.5)),
    "weak": ((0.15, 0.35), (0.1, 0.3), (0.5, 1.5), (2.0, 4.0), (0.15, 0.4)),
}


def hard_setup(seed: int, subject: int) -> SubjectSetup:
    """The hard scenario for ``subject`` (deterministic in ``seed`` and ``subject``).

    * **Responders**: the dataset's base profile, then :data:`RESPONDERS` type
      ``subject % 4`` scales the heart-rate gain and sets the vagal (RSA) drop, the EDA
      tonic/SCR gains and the behaviour gain: a cardiac responder barely changes in EDA
      and typing, an electrodermal one barely in heart rate and HRV, and so on.
    * **Episodes** (1830 s): rest 300 s (the first 180 s calibrate) → stress → rest →
      walk → rest → stress → standing → stress → rest; stress 0.3–0.5 with arousal
      0.2–0.4 (mild), walk arousal 0.8–1 and standing 0.4–0.6 with stress 0 (they raise
      activation, heart rate and EDA without stress; labelled 0).
    * **Noise**: SNR 5–10 dB, every noise type (motion bursts, electrode pops too), 2 %
      ectopic beats.
    * **Behaviour**: no keyboard or mouse during the walk; typing pauses (reading,
      mouse only) of 20–90 s covering about 40 % of the time; two 30–60 s breaks away
      from the desk.
    """
    base = subject_profile(seed, subject)
    rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, int(subject), 0x4A2D])
    kind = tuple(RESPONDERS)[subject % len(RESPONDERS)]
    hr_f, rsa_drop, eda_gain, scr_gain, beh = (float(rng.uniform(*r)) for r in RESPONDERS[kind])
    phys = dataclasses.replace(
        base.physiology,
        hr_gain=base.physiology.hr_gain * hr_f,
        rsa_drop=rsa_drop,
        eda_tonic_gain=eda_gain,
        scr_gain=scr_gain,
        behaviour_gain=beh,
    )

    def stress() -> Episode:
        level = float(rng.uniform(0.3, 0.5))
        arousal = float(rng.uniform(0.2, 0.4))
        return Episode("stress", 210.0, level, -0.3, arousal, -0.2, 1)

    def rest(name: str = "rest") -> Episode:
        return Episode(name, 180.0, float(rng.uniform(0.0, 0.08)), 0.2, -0.3, 0.2, 0)

    walk = Episode("walk", 180.0, 0.0, 0.3, float(rng.uniform(0.8, 1.0)), 0.3, 0)
    stand = Episode("standing", 180.0, 0.0, 0.1, float(rng.uniform(0.4, 0.6)), 0.2, 0)
    baseline = Episode("baseline", 300.0, 0.03, 0.2, -0.3, 0.2, 0, kind="baseline")
    episodes = (baseline, stress(), rest(), walk, rest(), stress(), stand, stress(), rest())
    script = episode_script(episodes, 1.0)
    starts = np.concatenate(([0.0], np.cumsum([e.duration for e in episodes])))
    total = float(starts[-1])
    absent: list[tuple[float, float, tuple[str, ...]]] = []
    for ep, a in zip(episodes, starts[:-1], strict=True):
        if ep.name == "walk":
            absent.append((float(a), float(a + ep.duration), ("KEYS", "MOUSE")))
    t = float(rng.uniform(0.0, 60.0))
    while t < total:  # typing pauses: ~40 % of the time without keys
        busy = float(rng.uniform(30.0, 120.0))
        pause = float(rng.uniform(20.0, 90.0))
        absent.append((t + busy, t + busy + pause, ("KEYS",)))
        t += busy + pause
    for _ in range(2):  # breaks away from the desk (not in the calibration period)
        a = float(rng.uniform(starts[1], total - 60.0))
        absent.append((a, a + float(rng.uniform(30.0, 60.0)), ("KEYS", "MOUSE")))
    return SubjectSetup(
        subject=subject,
        sim_seed=base.sim_seed,
        physiology=phys,
        episodes=episodes,
        script=script,
        snr_db=float(rng.uniform(5.0, 10.0)),
        noise=HARD_NOISE,
        ectopic_rate=0.02,
        absent=tuple(absent),
        kind=kind,
    )


#: Scenario name → setup of subject ``(seed, subject)``.
SCENARIOS: dict[str, Callable[[int, int], SubjectSetup]] = {
    "easy": easy_setup,
    "hard": hard_setup,
}


@dataclass
class ChainResult:
    """Events of one subject's chain run (only the topics the evaluation needs)."""

    subject: int
    episodes: tuple[Episode, ...]
    events: list[Event] = field(default_factory=list)

    @property
    def start(self) -> float:
        """End of the first (baseline) episode: scoring starts there (s)."""
        return float(self.episodes[0].duration)

    def stress(self, modality: str) -> list[Stress]:
        """``Stress`` events whose modality starts with ``modality`` (``"heart"`` matches
        ``"heart"`` and ``"heart+eda"``)."""
        return [e for e in self.events if isinstance(e, Stress) and e.modality.startswith(modality)]

    def scores(self, modality: str, start: float, margin: float) -> tuple[Array, Array]:
        """Levels and 0/1 labels of the evaluable ``Stress`` events of ``modality``."""
        return score_events(self.stress(modality), self.episodes, start, margin)


def score_events(
    events: Sequence[Stress], episodes: Sequence[Episode], start: float, margin: float
) -> tuple[Array, Array]:
    """Levels and 0/1 labels of the ``events`` at or after ``start`` outside the margins."""
    evs = [e for e in events if e.timestamp >= start]
    t = np.array([e.timestamp for e in evs], dtype=np.float64)
    y = episode_labels(t, episodes, margin)
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


class GappedSimulator(Sensor):
    """The simulated participant of a :class:`SubjectSetup`, without behaviour samples in
    ``setup.absent`` (not typing, away from the desk); ECG at 250 Hz, no truth streams."""

    live = False

    def __init__(self, setup: SubjectSetup, modalities: Sequence[str]) -> None:
        self.setup = setup
        self._participant = Participant(
            state=setup.script,
            seed=setup.sim_seed,
            physiology=setup.physiology,
            modalities=tuple(modalities),
            rates={"ECG": 250.0},
            snr_db=setup.snr_db,
            noise=tuple(setup.noise),
            ectopic_rate=setup.ectopic_rate,
            truth=False,
        )
        self._chunks: Iterator[Chunk] | None = None
        self._t0 = 0.0
        self._finished = False

    @property
    def streams(self) -> tuple[StreamInfo, ...]:
        return self._participant.streams

    @property
    def finished(self) -> bool:
        return self._finished

    def start(self, context: Context) -> None:
        self._t0 = context.clock.now()
        self._chunks = self._participant.chunks(self._t0, self.setup.script.duration, 0.25)

    def read(self, timeout: float) -> Output | None:
        assert self._chunks is not None, "read() before start()"
        out = next(self._chunks, None)
        if out is None:
            self._finished = True
            return None
        if out.info.type not in ("KEYS", "MOUSE"):
            return out
        rel = out.timestamps - self._t0
        keep = np.ones(rel.shape, dtype=bool)
        for a, b, types in self.setup.absent:
            if out.info.type in types:
                keep &= ~((rel >= a) & (rel < b))
        return out if keep.all() else Chunk(out.data[keep], out.timestamps[keep], out.info)

    def stop(self) -> None:
        self._chunks = None


def run_setup(
    setup: SubjectSetup,
    *,
    behaviour: bool = True,
    eda: bool = False,
    fusion: bool = True,
    stress_options: dict[str, Any] | None = None,
) -> ChainResult:
    """Run the real chain for one subject setup.

    Parameters
    ----------
    setup
        The subject (physiology, script, noise, behaviour gaps).
    behaviour, eda, fusion
        Add KEYS/MOUSE + ``behaviour-emotion``; EDA + ``eda`` (routed to ``stress``);
        the ``fusion`` processor.
    stress_options
        Options of the ``stress`` processor (default: 180 s calibration).
    """
    modalities = ["ECG"] + (["EDA"] if eda else []) + (["KEYS", "MOUSE"] if behaviour else [])
    session = Session(clock="virtual", seed=setup.sim_seed)
    session.add_sensor(GappedSimulator(setup, modalities), name="sim")
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
    result = ChainResult(setup.subject, setup.episodes)
    topics = ["hrv", "stress", "emotion", "signal_quality", "skin_conductance"]
    session.subscribe(topics, result.events.append)
    session.run()
    log.debug("chain subject %d: %d events", setup.subject, len(result.events))
    return result


def run_chain(
    subject: int,
    *,
    seed: int = 2026,
    scenario: str = "easy",
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
    scenario
        ``"easy"`` or ``"hard"`` (:data:`SCENARIOS`).
    behaviour, eda, fusion, stress_options
        As in :func:`run_setup`.
    episodes, snr_db
        Episodes and SNR (dB) of the easy scenario (the hard one sets its own).
    """
    if scenario == "easy":
        setup = easy_setup(seed, subject, episodes, snr_db)
    else:
        setup = SCENARIOS[scenario](seed, subject)
    return run_setup(
        setup, behaviour=behaviour, eda=eda, fusion=fusion, stress_options=stress_options
    )


def _replay_events(result: ChainResult, eda: bool) -> Iterable[Event]:
    skip = ("stress", "emotion") if eda else ("stress", "emotion", "skin_conductance")
    return (e for e in result.events if e.topic not in skip)


def replay_stress(
    result: ChainResult,
    *,
    eda: bool = True,
    model: StressLogisticModel | None = None,
    calibration: float = 180.0,
) -> list[Stress]:
    """The ``Stress`` events a fresh ``stress`` processor gives on the run's events.

    Parameters
    ----------
    result
        A chain run (its ``hrv``, ``skin_conductance``, ``signal_quality`` events).
    eda
        Pass the ``skin_conductance`` events too (``False``: heart only).
    model
        A trained model; None = the z-score model.
    calibration
        Rest period (s) of the processor.
    """
    proc = StressProcessor(calibration=calibration)
    proc.model = model
    out: list[Stress] = []
    for event in _replay_events(result, eda):
        out.extend(e for e in proc.on_event(event) if isinstance(e, Stress))
    return out


def refuse(result: ChainResult, heart: Sequence[Stress]) -> list[Stress]:
    """Fused ``Stress`` of a fresh ``fusion`` processor on ``heart`` + the run's behaviour.

    ``heart`` replaces the run's own heart ``Stress`` events (e.g. a replay without EDA or
    with a trained model); behaviour ``Stress`` and ``signal_quality`` come from the run.
    Events are fed in the session's order, each heart event right after the ``HRV`` event
    of its timestamp, so the run's own heart events give exactly the run's fused events.
    """
    by_time: dict[float, list[Stress]] = {}
    for h in heart:
        by_time.setdefault(h.timestamp, []).append(h)
    proc = FusionProcessor()
    out: list[Stress] = []
    for event in result.events:  # in the session's order; heart Stress follows its HRV
        if isinstance(event, HRV):
            inputs: list[Event] = list(by_time.pop(event.timestamp, []))
        elif event.topic == "signal_quality" or (
            isinstance(event, Stress) and event.modality == "behaviour"
        ):
            inputs = [event]
        else:
            continue
        for item in inputs:
            out.extend(e for e in proc.on_event(item) if isinstance(e, Stress))
    return out


def replay_z_rows(
    result: ChainResult, calibration: float = 180.0, *, eda: bool = True
) -> tuple[list[dict[str, float]], Array]:
    """The stress processor's signed z-features of a chain run, with their times (s).

    Replays the run's ``hrv``, ``signal_quality`` (and, with ``eda``,
    ``skin_conductance``) events through a fresh :class:`StressProcessor` (the same code as
    in the session), for training.
    """
    proc = StressProcessor(calibration=calibration)
    rows: list[dict[str, float]] = []
    times: list[float] = []
    for event in _replay_events(result, eda):
        proc.on_event(event)
        if isinstance(event, HRV):
            est = proc.last_estimate.get(event.stream or event.source)
            if est is not None and est.timestamp == event.timestamp:
                rows.append(est.z)
                times.append(est.timestamp)
    return rows, np.asarray(times, dtype=np.float64)


def _training_table(
    results: Sequence[ChainResult], eda: bool, margin: float
) -> tuple[list[dict[str, float]], Array]:
    rows: list[dict[str, float]] = []
    labels: list[Array] = []
    for r in results:
        z, t = replay_z_rows(r, eda=eda)
        y = episode_labels(t, r.episodes, margin)
        y[t < r.start] = -1
        rows.extend(row for row, keep in zip(z, y >= 0, strict=True) if keep)
        labels.append(y[y >= 0])
    return rows, np.concatenate(labels)


def _pooled(
    results: Sequence[ChainResult], events: Sequence[Sequence[Stress]], margin: float
) -> tuple[float, int]:
    pairs = zip(results, events, strict=True)
    parts = [score_events(e, r.episodes, r.start, margin) for r, e in pairs]
    s = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    return auroc(y, s), int(s.size)


def evaluate_scenario(
    test: Sequence[ChainResult], train: Sequence[ChainResult], margin: float = MARGIN
) -> dict[tuple[str, str], tuple[float, int]]:
    """Pooled AUROC and event count per (source, model) on the held-out ``test`` runs.

    The runs must have ECG, EDA, KEYS/MOUSE and fusion (``run_setup(eda=True)``). Sources
    (:data:`SOURCES`): ``heart`` (replay without EDA), ``heart+eda`` (the session's
    events; trained: replay), ``behaviour`` (the session's), ``fused`` (heart +
    behaviour, re-fused), ``fused+eda`` (heart+EDA + behaviour: the session's; trained:
    re-fused). Models: ``"z-score"`` and ``"trained"`` (a ``stress-logistic`` model per
    heart source fitted on the ``train`` runs, subject-disjoint); behaviour has only
    ``"default"`` (its bundled model).
    """
    out: dict[tuple[str, str], tuple[float, int]] = {}
    heart_z = [replay_stress(r, eda=False) for r in test]
    out["heart", "z-score"] = _pooled(test, heart_z, margin)
    out["heart+eda", "z-score"] = _pooled(test, [r.stress("heart") for r in test], margin)
    out["behaviour", "default"] = _pooled(test, [r.stress("behaviour") for r in test], margin)
    fused = [refuse(r, h) for r, h in zip(test, heart_z, strict=True)]
    out["fused", "z-score"] = _pooled(test, fused, margin)
    out["fused+eda", "z-score"] = _pooled(test, [r.stress("fused") for r in test], margin)
    if not train:
        return out
    for eda, source in ((False, "heart"), (True, "heart+eda")):
        rows, y = _training_table(train, eda, margin)
        model = fit_stress_model(rows, [int(v) for v in y], synthetic=True)
        heart = [replay_stress(r, eda=eda, model=model) for r in test]
        out[source, "trained"] = _pooled(test, heart, margin)
        fused = [refuse(r, h) for r, h in zip(test, heart, strict=True)]
        out["fused+eda" if eda else "fused", "trained"] = _pooled(test, fused, margin)
    return out
