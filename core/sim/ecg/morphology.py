"""Beat shapes of one subject: normal, aberrant, ectopic (one per focus), paced; P waves.

A :class:`Template` holds the dipole lobes of one ventricular beat relative to its QRS
*spatial peak* (t = 0 is the instant of largest ``|dipole|`` in the QRS), which is the
beat's lead-independent time. The repolarisation (ST and T lobes) is stored for RR = 1 s
and stretched about the QRS onset by ``RR^(1/3)`` per beat (Fridericia-like QT adaptation).

The normal beat is built in a *heart frame* whose mean QRS points at +60°, edited by the
conditions (:mod:`.conditions`), then rotated into the body frame by the subject's azimuth
and a frontal rotation chosen so that the mean QRS vector of the healthy beat lies exactly
at ``subject.axis``. Ectopic foci and pacing are defined directly in the body frame.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..kernels import Array
from .conditions import Condition, apply
from .lobes import QRS, SPIKE, ST, Lobes, T
from .lobes import P as P_WAVE
from .subject import Focus, Subject

__all__ = ["PWave", "Template", "Templates", "build_templates", "frontal_axis", "fusion"]


@dataclass(frozen=True)
class Template:
    """One ventricular beat shape, times in s relative to its QRS spatial peak.

    Attributes
    ----------
    name
        ``"normal"``, ``"aberrant"``, ``"focus0"`` … ``"focus2"``, ``"paced"`` or ``"fusion"``.
    qrs, repol, spike
        QRS lobes; ST + T lobes at RR = 1 s; pacing-spike lobes (empty unless paced).
    qrs_on, qrs_off
        QRS onset and offset (s).
    t_on, t_peak, t_off
        T-wave onset, spatial peak and offset (s) at RR = 1 s.
    amplitude
        Spatial peak of the QRS dipole in mV.
    """

    name: str
    qrs: Lobes
    repol: Lobes
    spike: Lobes
    qrs_on: float
    qrs_off: float
    t_on: float
    t_peak: float
    t_off: float
    amplitude: float

    def stretch(self, x: float | Array, factor: float | Array) -> Array:
        """Time ``x`` of the repolarisation after stretching by ``factor``."""
        return np.asarray(self.qrs_on + np.asarray(factor) * (np.asarray(x) - self.qrs_on))


@dataclass(frozen=True)
class PWave:
    """An atrial depolarisation: lobes relative to its onset (s)."""

    lobes: Lobes
    duration: float
    peak: float


@dataclass(frozen=True)
class Templates:
    """Every beat shape of one subject with its conditions.

    Attributes
    ----------
    normal, aberrant, paced
        Normally conducted, aberrantly conducted (RBBB-like) and ventricular-paced beats.
    foci
        One ectopic template per ventricular focus of the subject.
    sinus_p, ectopic_p
        Sinus P wave and the P waves of the subject's ectopic atrial foci.
    pr
        PR interval (P onset to QRS onset) in s at 60 bpm, first-degree block included.
    axis
        Frontal QRS axis of the normal beat in degrees (conditions included).
    """

    normal: Template
    aberrant: Template
    paced: Template
    foci: tuple[Template, ...]
    sinus_p: PWave
    ectopic_p: tuple[PWave, ...]
    pr: float
    axis: float


def _unit(v: Sequence[float] | Array) -> Array:
    a = np.asarray(v, dtype=np.float64)
    out: Array = a / np.linalg.norm(a)
    return out


def _rz(deg: float) -> Array:
    """Frontal rotation from +x towards +y."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def _ry(deg: float) -> Array:
    """Horizontal rotation from +x towards +z (towards V1)."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, 0.0, -s], [0.0, 1.0, 0.0], [s, 0.0, c]])


def frontal_axis(lobes: Lobes) -> float:
    """Frontal-plane angle (degrees) of the mean (time-integrated) dipole of ``lobes``."""
    area = lobes.half * (1.0 + lobes.flat)
    mean = (lobes.vec * area[:, None]).sum(axis=0)
    return math.degrees(math.atan2(mean[1], mean[0]))


def _rows(rows: Sequence[Sequence[Any]], wave: int) -> Lobes:
    return Lobes.make([(float(r[0]), float(r[1]), float(r[2]), tuple(r[3])) for r in rows], wave)


def _peak(lobes: Lobes) -> tuple[float, float]:
    """Spatial peak time (s) and magnitude (mV)."""
    t = float(lobes.peak_times()[0])
    return t, float(np.linalg.norm(lobes.evaluate(np.array([t]))[0]))


def _healthy_rows(s: Subject) -> tuple[dict[str, list[Any]], list[list[Any]]]:
    """Heart-frame QRS rows (centred on 0) and T rows (relative to QRS onset, offset at QTc)."""
    c60, s60 = math.cos(math.pi / 3), math.sin(math.pi / 3)
    qrs: dict[str, list[Any]] = {  # a counter-clockwise loop in the horizontal plane
        "sept": [-0.030, 0.018, 0.0, np.array([-0.35, 0.15, 0.55]) * 0.22 * s.septal],
        "main": [-0.007, 0.024, 0.0, _unit((c60, s60, 0.2)) * 0.8],
        "late": [0.011, 0.024, 0.0, _unit((c60, s60 * 0.9, -1.6 * s.posterior)) * 0.75],
        "term": [0.030, 0.020, 0.0, np.array([-0.45, -0.55, -0.35]) * 0.22 * s.terminal],
    }
    ang = math.radians(60.0 + s.t_angle)
    tdir = _unit((math.cos(ang), math.sin(ang), s.t_anterior))
    qt = s.qtc
    t_rows: list[list[Any]] = [
        [qt - 0.13, 0.13, 0.0, tdir * 0.75],
        [qt - 0.065, 0.065, 0.0, tdir * 0.55],
    ]
    return qrs, t_rows


def _scale_rows(rows: Sequence[list[Any]], gain: float) -> None:
    for r in rows:
        r[3] = np.asarray(r[3]) * gain


def build_normal(s: Subject, conditions: Sequence[Condition], name: str = "normal") -> Template:
    """The normally conducted beat of subject ``s`` with ``conditions``."""
    qrs, t_rows = _healthy_rows(s)
    healthy = _rows(list(qrs.values()), QRS)
    on, off = healthy.extent()
    k = s.qrs_duration / (off - on)
    for r in qrs.values():  # stretch the healthy QRS to the subject's duration
        r[0], r[1] = float(r[0]) * k, float(r[1]) * k
    healthy = _rows(list(qrs.values()), QRS)
    tilt = _ry(s.azimuth)
    rot = _rz(s.axis - frontal_axis(healthy.scaled(tilt))) @ tilt
    _scale_rows(list(qrs.values()), s.qrs_amplitude / _peak(healthy)[1])
    t_unit = _rows(t_rows, T)
    _scale_rows(t_rows, s.t_amplitude / _peak(t_unit)[1])
    qrs_dir = _unit(np.sum([np.asarray(r[3]) * float(r[1]) for r in qrs.values()], axis=0))
    width0 = healthy.extent()[1] - healthy.extent()[0]
    st_rows: list[list[Any]] = []
    for c in conditions:
        apply(c, qrs, st_rows, t_rows, qrs_dir, s.t_amplitude, rot.T)
    lobes = _rows(list(qrs.values()), QRS).scaled(rot)
    t0, amp = _peak(lobes)
    lobes = lobes.shifted(-t0)
    q_on, q_off = lobes.extent()
    widening = (q_off - q_on) - width0
    st = _rows(st_rows, ST).scaled(rot).shifted(q_off)
    tw = _rows(t_rows, T).scaled(rot).shifted(q_on + widening)
    return _template(name, lobes, st, tw, Lobes.empty(), amp)


def _template(name: str, qrs: Lobes, st: Lobes, tw: Lobes, spike: Lobes, amp: float) -> Template:
    q_on, q_off = qrs.extent()
    t_on, t_off = tw.extent()
    t_peak = float(tw.peak_times()[0]) if len(tw) else math.nan
    return Template(name, qrs, Lobes.concat([st, tw]), spike, q_on, q_off, t_on, t_peak, t_off, amp)


def _perp(u: Array) -> tuple[Array, Array]:
    a = np.array([0.0, 0.0, 1.0]) if abs(u[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    p1 = _unit(np.cross(u, a))
    return p1, np.cross(u, p1)


def build_ectopic(s: Subject, focus: Focus, name: str, spike_vec: Array | None = None) -> Template:
    """A wide ventricular beat from ``focus`` (body frame), optionally paced (spike)."""
    u = _unit(focus.direction)
    p1, p2 = _perp(u)
    d = focus.duration
    rows: list[list[Any]] = [
        [-0.30 * d, 0.30 * d, 0.0, u * 0.5 + p1 * 0.3],
        [0.05 * d, 0.38 * d, 0.0, u * 1.0],
        [0.28 * d, 0.20 * d, 0.0, (-u * 0.3 + p2 * 0.6) * max(focus.notch, 1e-3)],
    ]
    lobes = _rows(rows, QRS)
    on, off = lobes.extent()
    lobes = lobes.stretched(on, d / (off - on))
    t0, amp = _peak(lobes)
    gain = focus.amplitude * s.qrs_amplitude / amp
    lobes = lobes.shifted(-t0).scaled(gain)
    amp *= gain
    q_on, q_off = lobes.extent()
    qt = s.qtc + 0.5 * (d - s.qrs_duration) + 0.02
    t_rows: list[list[Any]] = [
        [qt - 0.15, 0.15, 0.0, -u * 0.8 + p1 * 0.15],
        [qt - 0.08, 0.08, 0.0, -u * 0.5],
    ]
    tw = _rows(t_rows, T)
    tw = tw.scaled(focus.t_ratio * amp / _peak(tw)[1]).shifted(q_on)
    st = _rows([[0.09, 0.10, 0.3, -u * 0.05 * amp]], ST).shifted(q_off)
    spike = Lobes.empty()
    if spike_vec is not None:
        spike = Lobes.make([(q_on - 0.004, 0.0008, 0.0, tuple(spike_vec))], SPIKE)
    return _template(name, lobes, st, tw, spike, amp)


def fusion(normal: Template, ectopic: Template, alpha: float, lag: float) -> tuple[Template, float]:
    """A fusion beat: ``alpha`` of the ectopic beat (starting ``lag`` s before the normal
    QRS onset) and ``1 - alpha`` of the normal one, re-centred on its spatial peak.

    Returns the template and the time (s) of its spatial peak relative to the normal one's.
    """
    dt = (normal.qrs_on - lag) - ectopic.qrs_on
    qrs = Lobes.concat([normal.qrs.scaled(1.0 - alpha), ectopic.qrs.shifted(dt).scaled(alpha)])
    t0, amp = _peak(qrs)
    qrs = qrs.shifted(-t0)
    rep_n = normal.repol.scaled(1.0 - alpha).shifted(-t0)
    rep_e = ectopic.repol.shifted(dt - t0).scaled(alpha)
    rep = Lobes.concat([rep_n, rep_e])
    tw = rep.of(T)
    tmpl = Template(
        "fusion",
        qrs,
        rep,
        Lobes.empty(),
        *qrs.extent(),
        tw.extent()[0],
        float(tw.peak_times()[0]),
        tw.extent()[1],
        amp,
    )
    return tmpl, t0


def _p_wave(rows: list[list[Any]], amplitude: float, tilt: Array) -> PWave:
    lobes = _rows(rows, P_WAVE).scaled(tilt)
    t0, amp = _peak(lobes)
    lobes = lobes.scaled(amplitude / amp)
    on, off = lobes.extent()
    return PWave(lobes.shifted(-on), off - on, t0 - on)


def _frontal(deg: float, z: float) -> Array:
    a = math.radians(deg)
    return _unit((math.cos(a), math.sin(a), z))


def sinus_p(s: Subject) -> PWave:
    """The sinus P wave: right- then left-atrial lobes (biphasic in V1)."""
    d = s.p_duration
    rows: list[list[Any]] = [
        [0.36 * d, 0.36 * d, 0.0, _frontal(s.p_axis + 20.0, 0.5) * 0.8],
        [0.62 * d, 0.38 * d, 0.0, _frontal(s.p_axis - 20.0, -0.45) * 0.7],
    ]
    return _p_wave(rows, s.p_amplitude, _ry(s.azimuth))


def ectopic_p(s: Subject, axis: float) -> PWave:
    """The P wave of an ectopic atrial focus at frontal ``axis`` degrees."""
    d = 0.9 * s.p_duration
    rows: list[list[Any]] = [
        [0.45 * d, 0.45 * d, 0.1, _frontal(axis, 0.2)],
        [0.65 * d, 0.35 * d, 0.0, _frontal(axis + 40.0, -0.3) * 0.3],
    ]
    return _p_wave(rows, 0.9 * s.p_amplitude, _ry(s.azimuth))


def build_templates(
    s: Subject, conditions: Sequence[Condition], rng: np.random.Generator
) -> Templates:
    """Every template of subject ``s`` with ``conditions``; ``rng`` draws the pacing set-up."""
    normal = build_normal(s, conditions)
    names = {c.name for c in conditions}
    aberrant = normal
    if not names & {"LBBB", "RBBB"}:
        aberrant = build_normal(s, (*conditions, Condition("RBBB", severity=0.5)), "aberrant")
    foci = tuple(build_ectopic(s, f, f"focus{i}") for i, f in enumerate(s.foci))
    pace_dir = _unit(np.array([0.3, -0.85, -0.45]) + rng.normal(0.0, 0.15, 3))
    spike = _unit(np.array([-0.3, 0.8, 0.2]) + rng.normal(0.0, 0.3, 3)) * rng.uniform(0.5, 4.0)
    paced_focus = Focus(
        (float(pace_dir[0]), float(pace_dir[1]), float(pace_dir[2])),
        float(rng.uniform(1.0, 1.6)),
        float(rng.uniform(0.14, 0.18)),
        0.5,
        0.25,
        0.2,
    )
    paced = build_ectopic(s, paced_focus, "paced", spike_vec=spike)
    pr = s.pr_interval
    for c in conditions:
        if c.name == "AVB1":
            pr = 0.22 + 0.10 * c.severity
    return Templates(
        normal=normal,
        aberrant=aberrant,
        paced=paced,
        foci=foci,
        sinus_p=sinus_p(s),
        ectopic_p=tuple(ectopic_p(s, a) for a in s.pac_axes),
        pr=pr,
        axis=frontal_axis(normal.qrs),
    )
