"""What to simulate: rhythm episodes (:class:`Rhythm`) and ectopic activity (:class:`Ectopy`).

Rhythm kinds and their short names:

========  =========  ============================================  =====================
name      kind       model                                         default rate
========  =========  ============================================  =====================
``SR``    sinus      sinus node with RSA, LF and slow drift         subject's rate
``SB``    sinus      sinus bradycardia                              50 bpm
``ST``    sinus      sinus tachycardia (reduced RSA)                120 bpm
``AF``    af         no P, f-waves, irregular RR (renewal process)  100 bpm (ventricular)
``AFL``   flutter    F-waves ~300 /min, 2:1–4:1 conduction          from F rate / ratio
``SVT``   svt        regular narrow QRS, P hidden (AVNRT-like)      170 bpm
``AT``    at         ectopic atrial focus, abnormal P before QRS    160 bpm
``PACED`` paced      ventricular pacing (VVI), spike + wide QRS     70 bpm
========  =========  ============================================  =====================

Sinus episodes are labelled by their *measured* rate (< 60 bpm SB, > 100 bpm ST, else SR);
the name only sets the default rate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ...errors import ConfigError

__all__ = ["RHYTHMS", "Ectopy", "Rhythm", "schedule"]

#: Short name → (kind, default rate in bpm or None for the subject's / derived rate).
RHYTHMS: dict[str, tuple[str, float | None]] = {
    "SR": ("sinus", None),
    "SB": ("sinus", 50.0),
    "ST": ("sinus", 120.0),
    "AF": ("af", 100.0),
    "AFL": ("flutter", None),
    "SVT": ("svt", 170.0),
    "AT": ("at", 160.0),
    "PACED": ("paced", 70.0),
}
KINDS = ("sinus", "af", "flutter", "svt", "at", "paced")


@dataclass(frozen=True)
class Rhythm:
    """One rhythm episode.

    Parameters
    ----------
    name
        A short name from :data:`RHYTHMS` (``"SR"``, ``"AF"``, …).
    rate
        Rate in bpm (30–180): sinus/AT/SVT/paced rate, or AF's mean ventricular rate;
        ``None`` takes the default (table above). Flutter ignores it (see ``conduction``).
    duration
        Length in s; ``None`` lasts until the end of the record (last episode only).
    irregularity
        AF: coefficient of variation of RR (0.1–0.45).
    atrial_rate
        AF: f-wave frequency in Hz (4–9); flutter: F-wave rate per min (240–350).
        ``None`` draws one from the seed.
    atrial_amplitude
        Spatial amplitude of f-/F-waves in mV (``None``: drawn).
    conduction
        Flutter: AV conduction ratio 2, 3 or 4, or a tuple of ratios drawn at random
        per beat (variable block), e.g. ``(2, 4)``.
    """

    name: str = "SR"
    rate: float | None = None
    duration: float | None = None
    irregularity: float = 0.22
    atrial_rate: float | None = None
    atrial_amplitude: float | None = None
    conduction: int | tuple[int, ...] = 2

    def __post_init__(self) -> None:
        name = str(self.name).upper()
        if name not in RHYTHMS:
            raise ConfigError(
                f"rhythm {self.name!r} is unknown; valid rhythms: {', '.join(RHYTHMS)}."
            )
        object.__setattr__(self, "name", name)
        if self.rate is not None and not (math.isfinite(self.rate) and 30 <= self.rate <= 180):
            raise ConfigError(f"rhythm {name}: rate = {self.rate} bpm; use 30 to 180 bpm.")
        if self.duration is not None and not (self.duration > 0):
            raise ConfigError(
                f"rhythm {name}: duration = {self.duration} s; use a positive length."
            )
        if not 0.1 <= self.irregularity <= 0.45:
            raise ConfigError(f"rhythm {name}: irregularity = {self.irregularity}; use 0.1–0.45.")
        ratios = (self.conduction,) if isinstance(self.conduction, int) else self.conduction
        if not ratios or any(int(r) not in (2, 3, 4) for r in ratios):
            raise ConfigError(
                f"rhythm {name}: conduction {self.conduction!r}; use 2, 3, 4 or a tuple."
            )
        lo, hi = (4.0, 9.0) if name == "AF" else (240.0, 350.0)
        rate = self.atrial_rate
        if rate is not None and name in ("AF", "AFL") and not lo <= rate <= hi:
            unit = "Hz" if name == "AF" else "/min"
            raise ConfigError(f"rhythm {name}: atrial_rate = {rate}; use {lo:g}–{hi:g} {unit}.")

    @property
    def kind(self) -> str:
        """The model: ``sinus``, ``af``, ``flutter``, ``svt``, ``at`` or ``paced``."""
        return RHYTHMS[self.name][0]

    @property
    def ratios(self) -> tuple[int, ...]:
        """Flutter conduction ratios."""
        c = self.conduction
        return (int(c),) if isinstance(c, int) else tuple(int(r) for r in c)

    def rate_or(self, subject_rate: float) -> float:
        """The rate in bpm (the default when not given)."""
        if self.rate is not None:
            return float(self.rate)
        default = RHYTHMS[self.name][1]
        return float(subject_rate if default is None else default)


@dataclass(frozen=True)
class Episode:
    """A scheduled rhythm episode: ``[start, end)`` in s."""

    index: int
    rhythm: Rhythm
    start: float
    end: float


def schedule(rhythm: str | Rhythm | Sequence[str | Rhythm]) -> tuple[Episode, ...]:
    """Consecutive episodes from one rhythm or a sequence (only the last may be open-ended)."""
    items = [rhythm] if isinstance(rhythm, (str, Rhythm)) else list(rhythm)
    if not items:
        raise ConfigError("rhythm is empty; give a rhythm name such as 'SR' or a list of them.")
    out: list[Episode] = []
    t = 0.0
    for i, item in enumerate(items):
        r = item if isinstance(item, Rhythm) else Rhythm(str(item))
        last = i == len(items) - 1
        if r.duration is None and not last:
            raise ConfigError(
                f"rhythm episode {i} ({r.name}) has no duration; every episode but the last "
                "needs one, e.g. Rhythm('AF', duration=30)."
            )
        end = math.inf if last else t + float(r.duration or 0.0)
        out.append(Episode(i, r, t, end))
        t = end
    return tuple(out)


@dataclass(frozen=True)
class Ectopy:
    """Ectopic beats and pauses laid over every rhythm.

    Fractions are of all beats; pattern shares split the *PVC events* (their sum must be
    at most 1; the rest are single PVCs). The realised counts are in the truth.

    Parameters
    ----------
    pvc
        Fraction of beats that are premature ventricular complexes (0–0.5).
    pac
        Fraction of beats that are premature atrial complexes (0–0.3; sinus and AT only).
    junctional
        Fraction of premature junctional beats (no P; sinus and AT only).
    couplet, run, bigeminy, trigeminy
        Shares of PVC events that are couplets, runs (3+ PVCs at ``run_rate``), or
        bigeminy / trigeminy episodes (``pattern_cycles`` cycles).
    run_length
        Inclusive range of PVCs in a run.
    run_rate
        Range of the ventricular rate inside runs, bpm.
    pattern_cycles
        Inclusive range of cycles of a bigeminy or trigeminy episode.
    interpolated
        Probability that a single PVC in sinus rhythm is interpolated (no pause; the next
        sinus beat conducts with a longer PR) when the rate leaves room for it.
    fusion
        Probability that a single PVC in sinus rhythm fuses with the conducted beat.
    multiform
        Probability that a PVC comes from another focus than the subject's dominant one.
    aberrant
        Probability that a PAC is conducted aberrantly (RBBB-like QRS, symbol ``a``).
    blocked
        Probability that a PAC is not conducted (P wave, no QRS).
    pauses
        Sinus pauses (sinus arrest) per minute in sinus rhythm.
    pause_duration
        Range of the pause (RR) in s.
    escape
        Probability that a pause ends with a junctional escape beat (symbol ``j``).
    """

    pvc: float = 0.0
    pac: float = 0.0
    junctional: float = 0.0
    couplet: float = 0.0
    run: float = 0.0
    bigeminy: float = 0.0
    trigeminy: float = 0.0
    run_length: tuple[int, int] = (3, 8)
    run_rate: tuple[float, float] = (130.0, 200.0)
    pattern_cycles: tuple[int, int] = (4, 12)
    interpolated: float = 0.0
    fusion: float = 0.0
    multiform: float = 0.5
    aberrant: float = 0.0
    blocked: float = 0.0
    pauses: float = 0.0
    pause_duration: tuple[float, float] = (2.0, 3.5)
    escape: float = 0.0

    def __post_init__(self) -> None:
        limits = {"pvc": 0.5, "pac": 0.3, "junctional": 0.2, "pauses": 6.0}
        for name, hi in limits.items():
            v = float(getattr(self, name))
            if not 0.0 <= v <= hi:
                raise ConfigError(f"Ectopy.{name} = {v}: use a value in [0, {hi}].")
        for name in (
            "couplet",
            "run",
            "bigeminy",
            "trigeminy",
            "interpolated",
            "fusion",
            "multiform",
            "aberrant",
            "blocked",
            "escape",
        ):
            v = float(getattr(self, name))
            if not 0.0 <= v <= 1.0:
                raise ConfigError(f"Ectopy.{name} = {v}: use a probability in [0, 1].")
        if self.single < -1e-9:
            raise ConfigError(
                "Ectopy: couplet + run + bigeminy + trigeminy exceed 1; they share the PVC events."
            )
        if not 3 <= self.run_length[0] <= self.run_length[1] <= 30:
            raise ConfigError(f"Ectopy.run_length = {self.run_length}: use 3 <= low <= high <= 30.")
        if not 2 <= self.pattern_cycles[0] <= self.pattern_cycles[1] <= 100:
            raise ConfigError(
                f"Ectopy.pattern_cycles = {self.pattern_cycles}: use 2 <= low <= high."
            )
        if not 100 <= self.run_rate[0] <= self.run_rate[1] <= 250:
            raise ConfigError(f"Ectopy.run_rate = {self.run_rate}: use 100–250 bpm, low <= high.")
        if not 1.2 <= self.pause_duration[0] <= self.pause_duration[1] <= 10:
            raise ConfigError(f"Ectopy.pause_duration = {self.pause_duration}: use 1.2–10 s.")

    @property
    def single(self) -> float:
        """Share of PVC events that are single PVCs."""
        return 1.0 - self.couplet - self.run - self.bigeminy - self.trigeminy

    def event_probabilities(self) -> tuple[float, float, float]:
        """Per natural-beat probabilities of a PVC event, a PAC and a junctional beat.

        A PVC event brings ``E_v`` PVCs and ``E_b`` beats on average and is always followed
        by a natural beat, so a fraction ``f`` of PVCs among all beats needs
        ``q = f / (E_v - f E_b)`` per natural beat.
        """
        lo, hi = self.run_length
        c_lo, c_hi = self.pattern_cycles
        cycles = (c_lo + c_hi) / 2.0
        e_v = (
            self.single
            + 2 * self.couplet
            + self.run * (lo + hi) / 2.0
            + (self.bigeminy + self.trigeminy) * cycles
        )
        e_b = (
            self.single
            + 2 * self.couplet
            + self.run * (lo + hi) / 2.0
            + self.bigeminy * 2 * cycles
            + self.trigeminy * 3 * cycles
        )
        f = self.pvc
        q_v = f / max(e_v - f * e_b, 1e-9) if f > 0 else 0.0
        total = 1.0 + q_v * e_b
        q_s, q_j = self.pac * total, self.junctional * total
        if q_v + q_s + q_j > 0.95:
            raise ConfigError(
                f"Ectopy: pvc={self.pvc}, pac={self.pac}, junctional={self.junctional} leave "
                "too few normal beats for these patterns; lower the fractions."
            )
        return q_v, q_s, q_j

    def scaled(self, factor: float) -> Ectopy:
        """A copy with every fraction multiplied by ``factor``."""
        return replace(
            self, pvc=self.pvc * factor, pac=self.pac * factor, junctional=self.junctional * factor
        )
