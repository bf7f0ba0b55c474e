"""The beat sequence: when each beat happens, what kind it is, and which P wave goes with it.

One :class:`Sequencer` walks forward in time beat by beat, with one random generator used in
order, so the sequence never depends on how far ahead it is asked for (streaming and offline
give the same beats). Each step takes the *natural* next beat of the current rhythm and may
put an ectopic event (PVC, couplet, run, bigeminy/trigeminy cycle, PAC, junctional beat,
sinus pause) in front of it:

* **sinus / atrial tachycardia**: an atrial timeline (P onsets) with the sinus rate model
  (episode rate, slow Ornstein–Uhlenbeck drift, RSA at the breathing rate, ~0.1 Hz LF); each
  P conducts after the PR interval unless the AV node is refractory after a ventricular
  ectopic beat (then the P is recorded as not conducted: full compensatory pause). PACs reset
  the timeline (non-compensatory pause);
* **AF**: RR = floor + gamma-distributed part (CV = ``irregularity``), no P;
* **flutter**: QRS every 2nd/3rd/4th F-wave at a fixed AV delay;
* **SVT**: regular RR (0.2 % jitter), no P; **paced**: VVI pacing, reset by ectopic beats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..kernels import Array
from .atrial import AtrialActivity, fibrillation, flutter
from .morphology import Template, Templates, fusion
from .rhythm import Ectopy, Episode
from .subject import Subject

__all__ = ["ABERRANT", "FOCUS0", "FUSION", "NORMAL", "PACED", "Breathing", "Sequencer"]

NORMAL, ABERRANT, PACED, FUSION, FOCUS0 = 0, 1, 2, 3, 4
_MIN_COUPLING = 0.25  # s


class Breathing:
    """Breathing phase of a subject (closed form), for RSA and QRS amplitude modulation."""

    def __init__(self, subject: Subject, rng: np.random.Generator) -> None:
        self.f = subject.resp_rate / 60.0
        self.p0 = float(rng.uniform(0.0, 2 * math.pi))
        self.lf0 = float(rng.uniform(0.0, 2 * math.pi))
        self.depth = float(rng.uniform(0.04, 0.1))

    def phase(self, t: Array | float) -> Array:
        """Breathing phase in rad."""
        tt = np.asarray(t, dtype=np.float64)
        out: Array = 2 * math.pi * self.f * tt + self.p0 + 0.4 * np.sin(2 * math.pi * 0.011 * tt)
        return out

    def phase_at(self, t: float) -> float:
        """Breathing phase in rad at one time ``t`` (s)."""
        return 2 * math.pi * self.f * t + self.p0 + 0.4 * math.sin(2 * math.pi * 0.011 * t)

    def qrs_gain(self, t: Array) -> Array:
        """Factor on the QRS/T amplitude (electrical axis breathing effect)."""
        out: Array = 1.0 + self.depth * np.sin(self.phase(t))
        return out


@dataclass
class BeatLog:
    """Growing per-beat lists (see :class:`~heartmind.sim.ecg.truth.BeatTable`)."""

    time: list[float] = field(default_factory=list)
    template: list[int] = field(default_factory=list)
    symbol: list[str] = field(default_factory=list)
    p_on: list[float] = field(default_factory=list)
    p_kind: list[int] = field(default_factory=list)
    rr_eff: list[float] = field(default_factory=list)
    episode: list[int] = field(default_factory=list)
    extra: dict[int, Template] = field(default_factory=dict)  # fusion templates by beat


@dataclass
class Pattern:
    """An ongoing bigeminy/trigeminy episode."""

    kind: str
    need: int
    left: int
    since: int = 0
    start: float = math.nan
    end: float = math.nan
    count: int = 0


class Sequencer:
    """Generates beats in time order (see the module docstring).

    Parameters
    ----------
    subject, templates
        The heart.
    episodes
        The rhythm schedule.
    ectopy
        Ectopic activity.
    rng
        Random generator (used in order only).
    start
        Time (s) of the first beat; negative so the record starts mid-rhythm.
    """

    def __init__(
        self,
        subject: Subject,
        templates: Templates,
        episodes: tuple[Episode, ...],
        ectopy: Ectopy,
        rng: np.random.Generator,
        start: float = -3.0,
        normal_symbol: str = "N",
    ) -> None:
        self.s, self.tp, self.eps, self.ect, self.rng = subject, templates, episodes, ectopy, rng
        self.normal_symbol = normal_symbol
        self.breath = Breathing(subject, rng)
        self.q = ectopy.event_probabilities()
        self.beats = BeatLog()
        self.atrial: list[tuple[float, int, bool]] = []  # (P onset s, P kind, conducted)
        self.patterns: list[tuple[str, float, float, int]] = []  # (kind, start, end, n V)
        self.activities: list[AtrialActivity] = []
        self.ep = episodes[0]
        self.t_v = start
        self.rr_avg = 60.0 / self.ep.rhythm.rate_or(subject.hr)
        self.hr_level = self.ep.rhythm.rate_or(subject.hr)
        self.hr_noise = float(rng.normal(0.0, subject.hr_sd))
        self.a_next: float | None = None
        self.pending: float | None = None
        self.pattern: Pattern | None = None
        self.flutter_next = 0
        self._enter(self.ep, first=True)

    # ---------------------------------------------------------------- public

    def run_until(self, t: float) -> None:
        """Generate beats until the last beat lies at or after ``t`` s."""
        while self.t_v < t:
            self._step()

    # ---------------------------------------------------------------- rhythm state

    def _enter(self, ep: Episode, first: bool = False) -> None:
        prev = self.ep.rhythm.kind
        self.ep = ep
        r = ep.rhythm
        kind = r.kind
        self.pending = None
        if kind in ("sinus", "at"):
            if first or kind == "at" or prev != "sinus":
                rate = r.rate_or(self.s.hr)
                if kind == "sinus":
                    self.hr_level = rate
                self.a_next = self.t_v + 60.0 / rate - self._pr(rate) + self.tp.normal.qrs_on
        else:
            self.a_next = None
        if kind in ("af", "flutter"):
            lo = max(ep.start, self.t_v) if ep.index else min(ep.start, self.t_v - 1.0)
            make = fibrillation if kind == "af" else flutter
            act = make(lo, ep.end, self.rng, r.atrial_rate, r.atrial_amplitude)
            self.activities.append(act)
            if kind == "flutter":
                self.flutter_next = self._flutter_index(act, self.t_v + 0.35)

    def _pr(self, hr: float) -> float:
        """PR interval (P onset to QRS onset) in s at ``hr`` bpm."""
        return max(0.09, self.tp.pr - 0.04 * min(max((hr - 60.0) / 100.0, -0.3), 1.2))

    def _sinus_cycle(self, a: float) -> float:
        """Sinus (or AT) cycle length in s starting at atrial time ``a``."""
        r = self.ep.rhythm
        target = r.rate_or(self.s.hr)
        if r.kind == "at":
            return 60.0 / target * (1.0 + 0.004 * float(self.rng.standard_normal()))
        prev = 60.0 / max(self.hr_level, 30.0)
        self.hr_level += (target - self.hr_level) * (1.0 - math.exp(-prev / 8.0))
        a_ou = math.exp(-prev / self.s.hr_tau)
        self.hr_noise = a_ou * self.hr_noise + math.sqrt(1 - a_ou * a_ou) * self.s.hr_sd * float(
            self.rng.standard_normal()
        )
        hr = min(max(self.hr_level + self.hr_noise, 28.0), 185.0)
        rsa = self.s.rsa * min(max((130.0 - hr) / 70.0, 0.25), 1.0)
        mod = (
            1.0
            + rsa * math.sin(self.breath.phase_at(a))
            + self.s.lf * math.sin(2 * math.pi * 0.1 * a + self.breath.lf0)
        )
        jitter = 1.0 + 0.008 * max(min(float(self.rng.standard_normal()), 3.0), -3.0)
        return 60.0 / (hr * mod) * jitter

    def _flutter_index(self, act: AtrialActivity, after: float) -> int:
        """Index of the first F-wave whose conducted QRS falls after ``after`` s."""
        av = self._flutter_av()
        return max(0, math.ceil(act.phase0 + act.rate * (after - av - act.start)))

    def _flutter_av(self) -> float:
        return self.tp.pr + 0.06 - self.tp.normal.qrs_on

    def _natural(self) -> tuple[float, float, int]:
        """Next natural beat: (QRS peak time, P onset or NaN, P kind) without committing."""
        r = self.ep.rhythm
        kind = r.kind
        if kind in ("sinus", "at"):
            assert self.a_next is not None
            a = self.a_next
            hr = 60.0 / max(self.rr_avg, 0.2)
            pr = self._pr(hr) * (1.05 if kind == "at" else 1.0)
            return a + pr - self.tp.normal.qrs_on, a, (0 if kind == "sinus" else 1)
        if self.pending is None:
            rate = r.rate_or(self.s.hr)
            if kind == "af":
                m = 60.0 / rate
                floor = 0.45 * m
                scale = (r.irregularity * m) ** 2 / (0.55 * m)
                rr = floor + float(self.rng.gamma(0.55 * m / scale, scale))
                self.pending = self.t_v + max(rr, 0.26)
            elif kind == "flutter":
                act = self.activities[-1]
                ratio = int(self.rng.choice(r.ratios))
                i = self.flutter_next + ratio - 1
                self.pending = act.start + (i - act.phase0) / act.rate + self._flutter_av()
                self.flutter_next = i + 1
            elif kind == "svt":
                self.pending = self.t_v + 60.0 / rate * (
                    1.0 + 0.002 * float(self.rng.standard_normal())
                )
            else:
                self.pending = self.t_v + 60.0 / rate
        return self.pending, math.nan, -1

    # ---------------------------------------------------------------- stepping

    def _step(self) -> None:
        v, a, pk = self._natural()
        if v >= self.ep.end and self.ep.index + 1 < len(self.eps):
            self._enter(self.eps[self.ep.index + 1])
            v, a, pk = self._natural()
        kind = self.ep.rhythm.kind
        if self.pattern is not None:
            if self.pattern.since >= self.pattern.need:
                if self._pvc(v, a, forced=True):
                    return
                self._end_pattern()  # no room for the PVC at this rate: the episode ends
            self._commit_natural(v, a, pk)
            return
        q_v, q_s, q_j = self.q
        u = float(self.rng.uniform())
        if self.beats.symbol and self.beats.symbol[-1] == "V":
            u = 1.0  # a natural beat ends every ventricular event (couplets stay couplets)
        if u < q_v and self._pvc_event(v, a, pk):
            return
        atrial = kind in ("sinus", "at")
        if kind == "sinus" and q_v <= u < q_v + q_s and self._pac(v, a):
            return
        if kind == "sinus" and q_v + q_s <= u < q_v + q_s + q_j and self._junctional(v):
            return
        if kind == "sinus" and self.ect.pauses > 0 and atrial:
            cyc = v - self.t_v
            if float(self.rng.uniform()) < self.ect.pauses * cyc / 60.0 and self._pause():
                return
        self._commit_natural(v, a, pk)

    def _commit(self, t: float, template: int, symbol: str, p_on: float, p_kind: int) -> None:
        rr = t - self.t_v
        self.rr_avg += 0.25 * (min(rr, 2.5) - self.rr_avg)
        rr_eff = 0.5 * rr + 0.5 * self.rr_avg
        b = self.beats
        b.time.append(t)
        b.template.append(template)
        b.symbol.append(symbol)
        b.p_on.append(p_on)
        b.p_kind.append(p_kind)
        b.rr_eff.append(min(max(rr_eff, 0.25), 2.5))
        b.episode.append(self._episode_of(t))
        if not math.isnan(p_on):
            self.atrial.append((p_on, p_kind, True))
        self.t_v = t

    def _episode_of(self, t: float) -> int:
        for ep in self.eps:
            if ep.start <= t < ep.end:
                return ep.index
        return 0 if t < 0 else len(self.eps) - 1

    def _commit_natural(self, v: float, a: float, pk: int) -> None:
        kind = self.ep.rhythm.kind
        if kind == "paced":
            self._commit(v, PACED, "/", math.nan, -1)
        else:
            self._commit(v, NORMAL, self.normal_symbol, a, pk)
        self._advance_atrial(v)
        self.pending = None
        if self.pattern is not None:
            self.pattern.since += 1

    def _advance_atrial(self, v: float) -> None:
        if self.a_next is not None:
            self.a_next = self.a_next + self._sinus_cycle(self.a_next)

    # ---------------------------------------------------------------- ectopy

    def _focus(self, previous: int | None = None) -> int:
        n = len(self.tp.foci)
        if previous is not None and float(self.rng.uniform()) > self.ect.multiform / 2:
            return previous
        if n == 1 or float(self.rng.uniform()) >= self.ect.multiform:
            return 0
        return int(self.rng.integers(1, n))

    def _pvc_event(self, v: float, a: float, pk: int) -> bool:
        e = self.ect
        shares = np.array([e.single, e.couplet, e.run, e.bigeminy, e.trigeminy])
        shares = np.clip(shares, 0.0, None)
        pick = int(self.rng.choice(5, p=shares / shares.sum()))
        if pick == 0:
            return self._pvc(v, a, forced=False)
        if pick in (1, 2):
            lo, hi = e.run_length
            n = 2 if pick == 1 else int(self.rng.integers(lo, hi + 1))
            return self._salvo(v, n)
        cyc_lo, cyc_hi = e.pattern_cycles
        kind = "bigeminy" if pick == 3 else "trigeminy"
        self.pattern = Pattern(
            kind, 1 if pick == 3 else 2, int(self.rng.integers(cyc_lo, cyc_hi + 1))
        )
        self._commit_natural(v, a, pk)
        return True

    def _coupling(self, v: float, focus: int) -> float | None:
        c = self.s.foci[focus].coupling * float(self.rng.uniform(0.97, 1.03))
        c = min(c, 0.8 * (v - self.t_v))
        return c if c >= _MIN_COUPLING else None

    def _pvc(self, v: float, a: float, forced: bool) -> bool:
        """One PVC before the natural beat at ``v`` (or a fusion beat instead of it)."""
        kind = self.ep.rhythm.kind
        sinus = kind in ("sinus", "at")
        if not forced and kind == "sinus" and float(self.rng.uniform()) < self.ect.fusion:
            return self._fusion(v, a)
        focus = self._focus()
        c = self._coupling(v, focus)
        if c is None:
            return False
        t = self.t_v + c
        tmpl = self.tp.foci[focus]
        self._commit(t, FOCUS0 + focus, "V", math.nan, -1)
        self._after_pvc(forced)
        if (
            sinus
            and not forced
            and v - t >= 0.45
            and float(self.rng.uniform()) < self.ect.interpolated
        ):
            assert self.a_next is not None
            extra = float(self.rng.uniform(0.03, 0.08))
            self._commit(
                v + extra, NORMAL, self.normal_symbol, self.a_next, 0 if kind == "sinus" else 1
            )
            self._advance_atrial(v)
            self.patterns.append(("interpolated", t, t, 1))
        elif not self._refractory(t, tmpl) and sinus:
            self.patterns.append(("interpolated", t, t, 1))  # the next P conducted anyway
        return True

    def _after_pvc(self, forced: bool) -> None:
        self.pending = None
        p = self.pattern
        if p is not None and forced:
            if np.isnan(p.start):
                p.start = self.t_v
            p.since, p.left, p.count, p.end = 0, p.left - 1, p.count + 1, self.t_v
            if p.left <= 0:
                self._end_pattern()

    def _end_pattern(self) -> None:
        p = self.pattern
        if p is not None and p.count:
            self.patterns.append((p.kind, p.start, p.end, p.count))
        self.pattern = None

    def _refractory(self, t: float, tmpl: Template) -> int:
        """Block the atrial impulses that reach a refractory AV node after ectopic beat ``t``;
        return how many were blocked."""
        kind = self.ep.rhythm.kind
        blocked = 0
        if kind in ("sinus", "at"):
            assert self.a_next is not None
            refractory = float(self.rng.uniform(0.42, 0.6))
            hr = 60.0 / max(self.rr_avg, 0.2)
            while self.a_next + self._pr(hr) < t + refractory:
                self.atrial.append((self.a_next, 0 if kind == "sinus" else 1, False))
                self._advance_atrial(t)
                blocked += 1
        elif kind == "flutter":
            self.flutter_next = self._flutter_index(self.activities[-1], t + 0.4)
        return blocked

    def _salvo(self, v: float, n: int) -> bool:
        """A couplet (n = 2) or a run of ``n`` PVCs."""
        focus = self._focus()
        c = self._coupling(v, focus)
        if c is None:
            return False
        lo, hi = self.ect.run_rate
        cycle = 60.0 / float(self.rng.uniform(lo, hi))
        t = self.t_v + c
        start = t
        for i in range(n):
            if i:
                focus = self._focus(previous=focus)
                t = self.t_v + max(cycle * float(self.rng.uniform(0.97, 1.03)), _MIN_COUPLING)
            self._commit(t, FOCUS0 + focus, "V", math.nan, -1)
        self.pending = None
        self.patterns.append(("couplet" if n == 2 else "run", start, t, n))
        self._refractory(t, self.tp.foci[focus])
        return True

    def _fusion(self, v: float, a: float) -> bool:
        focus = self._focus()
        alpha = float(self.rng.uniform(0.3, 0.7))
        lag = float(self.rng.uniform(-0.01, 0.035))
        tmpl, t0 = fusion(self.tp.normal, self.tp.foci[focus], alpha, lag)
        self.beats.extra[len(self.beats.time)] = tmpl
        self._commit(v + t0, FUSION, "F", a, 0)
        self._advance_atrial(v)
        self.pending = None
        return True

    def _pac(self, v: float, a: float) -> bool:
        assert self.a_next is not None
        cyc = v - self.t_v
        a_prev = (
            self.beats.p_on[-1]
            if self.beats.p_on and not math.isnan(self.beats.p_on[-1])
            else a - cyc
        )
        a_e = a_prev + float(self.rng.uniform(0.55, 0.8)) * cyc
        if a_e < self.t_v + 0.12:
            return False
        pk = 1 + int(self.rng.integers(0, len(self.tp.ectopic_p)))
        if float(self.rng.uniform()) < self.ect.blocked:
            self.atrial.append((a_e, pk, False))
            self.patterns.append(("blocked_pac", a_e, a_e, 0))
        else:
            aberrant = float(self.rng.uniform()) < self.ect.aberrant
            tmpl = self.tp.aberrant if aberrant else self.tp.normal
            pr = self._pr(60.0 / max(self.rr_avg, 0.2)) * float(self.rng.uniform(1.0, 1.2))
            self._commit(
                a_e + pr - tmpl.qrs_on,
                ABERRANT if aberrant else NORMAL,
                "a" if aberrant else "A",
                a_e,
                pk,
            )
        self.a_next = a_e + self._sinus_cycle(a_e) * float(self.rng.uniform(1.0, 1.1))
        return True

    def _junctional(self, v: float) -> bool:
        t = self.t_v + float(self.rng.uniform(0.6, 0.8)) * (v - self.t_v)
        if t - self.t_v < 0.3:
            return False
        self._commit(t, NORMAL, "J", math.nan, -1)
        cyc = self._sinus_cycle(t) * float(self.rng.uniform(0.95, 1.05))
        self.a_next = t + cyc - self._pr(60.0 / cyc) + self.tp.normal.qrs_on
        return True

    def _pause(self) -> bool:
        lo, hi = self.ect.pause_duration
        pause = float(self.rng.uniform(lo, hi))
        hr = 60.0 / max(self.rr_avg, 0.2)
        start = self.t_v
        if self.ect.escape > 0 and pause > 1.6 and float(self.rng.uniform()) < self.ect.escape:
            t = start + float(self.rng.uniform(1.3, 1.6))
            self._commit(t, NORMAL, "j", math.nan, -1)
            self.a_next = t + 60.0 / hr - self._pr(hr) + self.tp.normal.qrs_on
            self.patterns.append(("pause", start, t, 0))
            return True
        self.a_next = start + pause - self._pr(hr) + self.tp.normal.qrs_on
        self.patterns.append(("pause", start, start + pause, 0))
        return True
