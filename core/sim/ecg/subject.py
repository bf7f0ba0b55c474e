"""One simulated person's heart: electrical axis, amplitudes, intervals, rate dynamics, ectopic
foci — drawn from a seed — and the drift of all of them between recording sessions.

    from heartmind.sim.ecg import Subject

    alice = Subject.random(7)          # the same seed gives the same heart
    monday, friday = alice.session(1), alice.session(2)   # drifted, within bounds
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from ...errors import ConfigError
from ..kernels import block_rng

__all__ = ["DRIFT", "Focus", "Subject"]

#: Largest session-to-session drift: frontal axis (degrees), amplitude (fraction), rate (bpm).
DRIFT: dict[str, float] = {"axis_deg": 15.0, "amplitude": 0.30, "hr_bpm": 20.0}


@dataclass(frozen=True)
class Focus:
    """A ventricular ectopic focus: one PVC morphology of a subject.

    Attributes
    ----------
    direction
        Unit vector (x left, y inferior, z anterior) of the focus' main depolarisation.
    amplitude
        Spatial QRS peak relative to the subject's normal QRS peak (0.8–4).
    duration
        QRS duration in s (0.12–0.20).
    coupling
        Coupling interval (normal QRS to this PVC) in s.
    t_ratio
        T-wave amplitude relative to the PVC's QRS peak (discordant T).
    notch
        Relative size of the late, notching lobe (0–0.5).
    """

    direction: tuple[float, float, float]
    amplitude: float
    duration: float
    coupling: float
    t_ratio: float
    notch: float


@dataclass(frozen=True)
class Subject:
    """Per-subject morphology and heart-rate dynamics.

    Attributes
    ----------
    seed
        Seed the subject was drawn from (identifies the subject).
    session_index
        0 for the subject as drawn; ``n`` for :meth:`session` ``n``.
    axis
        Frontal-plane QRS axis in degrees (hexaxial: 0° = lead I, +90° = aVF) of normally
        conducted beats without conduction disease.
    azimuth
        Rotation of the heart about the vertical axis in degrees (moves the precordial
        R/S transition; positive = counter-clockwise seen from below, towards V1).
    qrs_amplitude, p_amplitude, t_amplitude
        Spatial peak of the normal QRS, P and T dipoles in mV.
    qrs_duration, p_duration
        Normal QRS and P durations in s.
    pr_interval
        P onset to QRS onset in s at 60 bpm (shortens slightly with rate).
    qtc
        QT interval in s at RR = 1 s; QT = qtc · RR^(1/3) (Fridericia's relation).
    hr
        Resting sinus rate in bpm.
    hr_sd, hr_tau
        Slow sinus-rate variation: standard deviation in bpm and correlation time in s.
    rsa, lf
        Respiratory sinus arrhythmia and ~0.1 Hz modulation, as fractions of the rate.
    resp_rate
        Breathing rate in breaths/min (drives RSA and the QRS amplitude modulation).
    septal, terminal
        Relative size of the septal (initial) and terminal QRS lobes.
    posterior
        Posterior (−z) component of the main QRS lobe relative to its frontal part.
    t_angle
        QRS–T angle in the frontal plane in degrees.
    t_anterior
        Anterior component of the T vector.
    p_axis
        Frontal P-wave axis in degrees.
    foci
        Ventricular ectopic foci (2–3 morphologies; the first is the most frequent).
    pac_axes
        Frontal axes (degrees) of the subject's ectopic atrial foci (abnormal P waves).
    """

    seed: int = 0
    session_index: int = 0
    axis: float = 55.0
    azimuth: float = 0.0
    qrs_amplitude: float = 1.5
    p_amplitude: float = 0.16
    t_amplitude: float = 0.4
    qrs_duration: float = 0.09
    p_duration: float = 0.10
    pr_interval: float = 0.16
    qtc: float = 0.40
    hr: float = 70.0
    hr_sd: float = 2.0
    hr_tau: float = 30.0
    rsa: float = 0.05
    lf: float = 0.02
    resp_rate: float = 15.0
    septal: float = 1.0
    terminal: float = 1.0
    posterior: float = 0.45
    t_angle: float = -15.0
    t_anterior: float = 0.25
    p_axis: float = 55.0
    foci: tuple[Focus, ...] = field(default_factory=tuple)
    pac_axes: tuple[float, ...] = (-70.0, 150.0)

    def __post_init__(self) -> None:
        checks = {
            "qrs_amplitude": (0.2, 5.0),
            "qrs_duration": (0.06, 0.13),
            "pr_interval": (0.08, 0.40),
            "qtc": (0.30, 0.55),
            "hr": (30.0, 180.0),
            "p_duration": (0.05, 0.16),
        }
        for name, (lo, hi) in checks.items():
            v = float(getattr(self, name))
            if not (math.isfinite(v) and lo <= v <= hi):
                raise ConfigError(f"Subject.{name} = {v}: use a value in [{lo}, {hi}].")
        if not self.pac_axes:
            raise ConfigError("Subject.pac_axes is empty; give at least one ectopic P axis.")

    @staticmethod
    def random(seed: int, n_foci: int | None = None) -> Subject:
        """A subject drawn from physiological ranges; the same seed gives the same subject.

        Parameters
        ----------
        seed
            Subject seed (any non-negative integer; different seeds give different hearts).
        n_foci
            Number of ventricular foci (PVC morphologies), 1–3; default 2 or 3.
        """
        rng = block_rng(seed, "ecg-subject", 0)
        u = rng.uniform
        n = int(n_foci) if n_foci is not None else int(rng.integers(2, 4))
        if not 1 <= n <= 3:
            raise ConfigError(f"n_foci = {n_foci}: use 1 to 3 ventricular foci.")
        return Subject(
            seed=int(seed),
            axis=float(np.clip(rng.normal(50.0, 22.0), -25.0, 95.0)),
            azimuth=u(-20.0, 20.0),
            qrs_amplitude=u(1.0, 2.1),
            p_amplitude=u(0.10, 0.22),
            t_amplitude=u(0.25, 0.55),
            qrs_duration=u(0.08, 0.105),
            p_duration=u(0.085, 0.115),
            pr_interval=u(0.13, 0.19),
            qtc=u(0.37, 0.44),
            hr=u(55.0, 85.0),
            hr_sd=u(1.0, 3.5),
            hr_tau=u(15.0, 60.0),
            rsa=u(0.02, 0.08),
            lf=u(0.01, 0.03),
            resp_rate=u(10.0, 18.0),
            septal=u(0.5, 1.5),
            terminal=u(0.4, 1.6),
            posterior=u(0.25, 0.7),
            t_angle=u(-35.0, 25.0),
            t_anterior=u(0.0, 0.5),
            p_axis=u(35.0, 75.0),
            foci=_random_foci(rng, n),
            pac_axes=(u(-90.0, -50.0), u(120.0, 170.0)),
        )

    def session(self, index: int) -> Subject:
        """This subject in recording session ``index`` (0 = as drawn).

        Between sessions the frontal axis moves by up to ±15°, all amplitudes by a common
        factor in [0.7, 1.3] and the resting rate by up to ±20 bpm (:data:`DRIFT`); the
        shape of every wave, the foci and the intervals stay the subject's own.
        """
        if index == 0:
            return self
        if index < 0:
            raise ConfigError(f"session index {index}: use 0, 1, 2, …")
        rng = block_rng(self.seed, "ecg-session", int(index))
        gain = 1.0 + rng.uniform(-1.0, 1.0) * DRIFT["amplitude"]
        return replace(
            self,
            session_index=int(index),
            axis=self.axis + rng.uniform(-1.0, 1.0) * DRIFT["axis_deg"],
            qrs_amplitude=self.qrs_amplitude * gain,
            p_amplitude=self.p_amplitude * gain,
            t_amplitude=self.t_amplitude * gain,
            hr=float(np.clip(self.hr + rng.uniform(-1.0, 1.0) * DRIFT["hr_bpm"], 30.0, 180.0)),
        )

    def with_rate(self, hr: float) -> Subject:
        """A copy with resting rate ``hr`` bpm."""
        return replace(self, hr=float(hr))


def _unit(v: np.ndarray) -> tuple[float, float, float]:
    v = v / np.linalg.norm(v)
    return float(v[0]), float(v[1]), float(v[2])


def _random_foci(rng: np.random.Generator, n: int) -> tuple[Focus, ...]:
    """``n`` distinct ventricular foci; with two or more, lead II sees both polarities."""
    lead_ii = np.array([0.5, math.sqrt(3.0) / 2.0, 0.0])
    foci = []
    for i in range(n):
        want = 1.0 if i % 2 == 0 else -1.0  # alternate polarity in lead II
        while True:
            d = rng.normal(size=3)
            d /= np.linalg.norm(d)
            if np.sign(d @ lead_ii) == want and abs(d @ lead_ii) > 0.35:
                break
        foci.append(
            Focus(
                direction=_unit(d),
                amplitude=float(rng.uniform(1.2, 4.0) if i < 2 else rng.uniform(0.8, 2.5)),
                duration=float(rng.uniform(0.12, 0.20)),
                coupling=float(rng.uniform(0.40, 0.60)),
                t_ratio=float(rng.uniform(0.2, 0.4)),
                notch=float(rng.uniform(0.0, 0.5)),
            )
        )
    if rng.uniform() < 0.5 and n >= 2:  # which polarity dominates differs between subjects
        foci[0], foci[1] = foci[1], foci[0]
    return tuple(foci)
