"""A synthetic affective dataset from the core simulator (``heartmind.sim``).

Each subject gets its own physiology, drawn deterministically from the seed: resting heart
rate, heart-rate reactivity to stress, heart-rate variability (RSA and LF depth, jitter),
breathing rate, skin conductance level and responsiveness, and a personal stress
reactivity that scales how strongly the scripted stress reaches the body. Each subject
goes through labelled episodes (baseline, stress, amusement, meditation by default; the
baseline first, the others in a subject-specific order), scripted in code as a
:class:`~heartmind.sim.StateScript`.

Labels are the scripted targets: valence, arousal and dominance on -1…1, ``stress`` 0/1,
``condition`` the episode name. The physiology that answers them differs per subject, as
in real data. Everything here is labelled ``synthetic=True``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError
from ..sim import MODALITIES, Participant, Phase, Physiology, Recording, StateScript
from .base import AffectiveDataset, Segment, Signal, Subject

__all__ = [
    "DEFAULT_EPISODES",
    "Episode",
    "SubjectProfile",
    "episode_script",
    "simulate_subject",
    "subject_profile",
    "synthetic_affective",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Episode:
    """One labelled episode of a synthetic session.

    Attributes
    ----------
    name
        Condition label (``"baseline"``, ``"stress"``, …).
    duration
        Length in s (the ramp included).
    stress
        Scripted stress in [0, 1] (drives the physiology).
    valence, arousal, dominance
        Scripted targets in [-1, 1]; also the labels.
    stress_label
        Binary stress label, 0 or 1.
    kind
        ``"baseline"`` or ``"stimulus"``.
    ramp
        Transition from the previous episode in s; it is left out of the labelled segment.
    """

    name: str
    duration: float
    stress: float
    valence: float
    arousal: float
    dominance: float
    stress_label: int
    kind: str = "stimulus"
    ramp: float = 20.0


#: Baseline, stress (TSST-like), amusement (funny clips) and meditation; 5 min each.
DEFAULT_EPISODES: tuple[Episode, ...] = (
    Episode("baseline", 300.0, 0.1, 0.2, -0.3, 0.2, 0, kind="baseline"),
    Episode("stress", 300.0, 0.9, -0.6, 0.8, -0.5, 1),
    Episode("amusement", 300.0, 0.15, 0.7, 0.5, 0.4, 0),
    Episode("meditation", 300.0, 0.0, 0.4, -0.7, 0.3, 0),
)

#: Sampling rates (Hz) used by default for the synthetic dataset.
DEFAULT_RATES: dict[str, float] = {
    "ECG": 256.0,
    "PPG": 64.0,
    "EDA": 32.0,
    "RSP": 32.0,
    "EEG": 128.0,
}


@dataclass(frozen=True)
class SubjectProfile:
    """Per-subject parameters drawn from the seed.

    Attributes
    ----------
    sim_seed
        Seed of the subject's simulator run.
    physiology
        Parameters of the latent physiology (heart rate, HRV, breathing, SCRs).
    reactivity
        Factor in [0.55, 1] applied to the scripted stress (stress responders vs. not).
    eda_gain, eda_offset
        Skin conductance is ``eda_offset + eda_gain * simulated`` (µS): personal level.
    """

    sim_seed: int
    physiology: Physiology
    reactivity: float
    eda_gain: float
    eda_offset: float


def subject_profile(seed: int, index: int) -> SubjectProfile:
    """The deterministic profile of subject ``index`` of a dataset drawn with ``seed``."""
    rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, int(index), 0x5EED])
    phys = Physiology(
        hr_rest=float(np.clip(rng.normal(68.0, 8.0), 50.0, 90.0)),
        hr_gain=float(rng.uniform(14.0, 38.0)),
        rsa=float(rng.uniform(0.03, 0.09)),
        lf=float(rng.uniform(0.02, 0.045)),
        lf_hz=float(rng.uniform(0.08, 0.12)),
        jitter=float(rng.uniform(0.004, 0.009)),
        resp_rate=float(np.clip(rng.normal(15.0, 2.0), 10.0, 20.0)),
        resp_gain=float(rng.uniform(4.0, 10.0)),
        scr_rate=float(rng.uniform(0.5, 2.0)),
        scr_gain=float(rng.uniform(4.0, 10.0)),
    )
    return SubjectProfile(
        sim_seed=int(rng.integers(0, 2**31 - 1)),
        physiology=phys,
        reactivity=float(rng.uniform(0.55, 1.0)),
        eda_gain=float(rng.lognormal(0.0, 0.4)),
        eda_offset=float(rng.uniform(-1.0, 3.0)),
    )


def episode_script(episodes: Sequence[Episode], reactivity: float = 1.0) -> StateScript:
    """The simulator script of a sequence of episodes; stress is scaled by ``reactivity``."""
    phases = []
    for i, ep in enumerate(episodes):
        phases.append(
            Phase(
                name=ep.name,
                duration=ep.duration,
                stress=float(np.clip(ep.stress * reactivity, 0.0, 1.0)),
                valence=ep.valence,
                arousal=ep.arousal,
                dominance=ep.dominance,
                ramp=0.0 if i == 0 else min(ep.ramp, ep.duration),
            )
        )
    return StateScript(phases, name="synthetic-affective")


def _segments(episodes: Sequence[Episode]) -> list[Segment]:
    """Labelled segments of the episodes (each without its leading ramp)."""
    out, start = [], 0.0
    for i, ep in enumerate(episodes):
        lead = 0.0 if i == 0 else min(ep.ramp, ep.duration / 2)
        labels: dict[str, float | int | str] = {
            "valence": ep.valence,
            "arousal": ep.arousal,
            "dominance": ep.dominance,
            "stress": int(ep.stress_label),
            "condition": ep.name,
        }
        out.append(Segment(start + lead, start + ep.duration, labels, ep.kind, ep.name))
        start += ep.duration
    return out


def simulate_subject(
    profile: SubjectProfile,
    episodes: Sequence[Episode],
    modalities: Sequence[str],
    rates: Mapping[str, float],
    snr_db: float | None = 20.0,
    eeg_channels: int = 32,
) -> dict[str, Recording]:
    """Simulator recordings (ground truth included) of one subject over the episodes.

    EDA is rescaled with the subject's personal level (``eda_offset + eda_gain * x``, µS).
    """
    script = episode_script(episodes, profile.reactivity)
    participant = Participant(
        script,
        profile.sim_seed,
        modalities,
        rates=rates,
        snr_db=snr_db,
        eeg_channels=eeg_channels,
        physiology=profile.physiology,
        name_prefix="synthetic",
    )
    rec = participant.record(script.duration)
    if "EDA" in rec:
        eda = rec["EDA"]
        data = np.maximum(profile.eda_offset + profile.eda_gain * eda.data, 0.05)
        rec["EDA"] = Recording(eda.timestamps, data.astype(eda.data.dtype), eda.info)
    return rec


def _to_signal(rec: Recording) -> Signal:
    info = rec.info
    if info.rate > 0:
        return Signal(rec.data, info.rate, info.channels, info.units, float(rec.timestamps[0]))
    return Signal(rec.data, 0.0, info.channels, info.units, 0.0, rec.timestamps)


def _shuffled(episodes: Sequence[Episode], seed: int, index: int, shuffle: bool) -> list[Episode]:
    """Baseline episodes first, then the others in a subject-specific order."""
    first = [e for e in episodes if e.kind == "baseline"][:1]
    rest = [e for e in episodes if e not in first]
    if shuffle:
        rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, int(index), 0x0DE7])
        rest = [rest[i] for i in rng.permutation(len(rest))]
    return first + rest


def _check(n_subjects: int, modalities: Sequence[str], episodes: Sequence[Episode]) -> None:
    if n_subjects < 1:
        raise ConfigError(f"n_subjects = {n_subjects}: ask for at least one subject.")
    if not episodes:
        raise ConfigError("episodes is empty: give at least one Episode.")
    bad = [m for m in modalities if m.upper() not in MODALITIES]
    if bad:
        raise ConfigError(f"modalities: unknown {bad[0]!r}; choose from {', '.join(MODALITIES)}.")
    for ep in episodes:
        if not (math.isfinite(ep.duration) and ep.duration > 0) or ep.stress_label not in (0, 1):
            raise ConfigError(
                f"episode {ep.name!r}: duration must be > 0 s and stress_label 0 or 1."
            )


def synthetic_affective(
    n_subjects: int = 8,
    seed: int = 0,
    *,
    episodes: Sequence[Episode] = DEFAULT_EPISODES,
    modalities: Sequence[str] = ("ECG", "EDA", "RSP"),
    duration: float | None = None,
    rates: Mapping[str, float] | None = None,
    snr_db: float | None = 20.0,
    shuffle: bool = True,
    eeg_channels: int = 32,
) -> AffectiveDataset:
    """A labelled synthetic affective dataset built on the core simulator.

    Parameters
    ----------
    n_subjects
        Number of subjects (``"SYN01"``, ``"SYN02"``, …).
    seed
        Seed; the same seed and options give identical data.
    episodes
        The episodes every subject goes through (see :data:`DEFAULT_EPISODES`: baseline,
        stress, amusement, meditation, 300 s each).
    modalities
        Simulator modalities: ECG, PPG, EDA, RSP, EEG, FACE, RADAR, KEYS, MOUSE.
    duration
        If given, every episode lasts this many s (overrides the episodes' durations).
    rates
        Sampling rates in Hz overriding :data:`DEFAULT_RATES` (ECG 256, EDA 32, RSP 32 Hz).
    snr_db
        Signal-to-noise ratio of the added noise in dB; ``None`` for clean signals.
    shuffle
        Present the non-baseline episodes in a subject-specific order.
    eeg_channels
        Number of EEG channels if EEG is asked for.

    Returns
    -------
    AffectiveDataset
        ``synthetic=True``; each subject has one :class:`Signal` per modality plus
        ``"STATE"`` (the scripted state at 1 Hz), the true beat times in ``beats`` and its
        profile in ``info``. Labels: valence/arousal/dominance -1…1, stress 0/1, condition.
    """
    _check(n_subjects, modalities, episodes)
    if duration is not None:
        if not (math.isfinite(duration) and duration > 0):
            raise ConfigError(f"duration = {duration}: give a positive number of s per episode.")
        episodes = [_with_duration(e, duration) for e in episodes]
    all_rates = {**DEFAULT_RATES, **{k.upper(): float(v) for k, v in (rates or {}).items()}}
    subjects = []
    for i in range(n_subjects):
        profile = subject_profile(seed, i)
        order = _shuffled(episodes, seed, i, shuffle)
        rec = simulate_subject(profile, order, modalities, all_rates, snr_db, eeg_channels)
        recordings = {k: _to_signal(r) for k, r in rec.items() if k not in ("BEATS", "MARKERS")}
        subjects.append(
            Subject(
                subject_id=f"SYN{i + 1:02d}",
                recordings=recordings,
                segments=_segments(order),
                beats=rec["BEATS"].timestamps.astype(np.float64),
                info={"profile": profile, "order": [e.name for e in order]},
            )
        )
    log.debug("synthetic_affective: %d subjects, seed %d", n_subjects, seed)
    return AffectiveDataset(
        name="synthetic-affective",
        subjects=subjects,
        synthetic=True,
        description={
            "source": "heartmind.sim (core simulator)",
            "seed": seed,
            "label_scales": {"valence": (-1, 1), "arousal": (-1, 1), "dominance": (-1, 1)},
            "conditions": sorted({e.name for e in episodes}),
            "note": "synthetic data: shows the plumbing, not validated affect recognition",
        },
    )


def _with_duration(ep: Episode, duration: float) -> Episode:
    return Episode(
        ep.name,
        duration,
        ep.stress,
        ep.valence,
        ep.arousal,
        ep.dominance,
        ep.stress_label,
        ep.kind,
        min(ep.ramp, duration / 4),
    )
