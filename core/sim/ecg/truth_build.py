"""Assemble :class:`~heartmind.sim.ecg.truth.EcgTruth` from a simulator's beat sequence."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ..kernels import Array
from .sequence import FUSION
from .truth import AAMI, AtrialEvents, BeatTable, EcgTruth, Episodes, RecordLabels, _class_of

if TYPE_CHECKING:
    from .generator import EcgSimulator

__all__ = ["build_truth"]

_P_KIND = {0: "sinus"}


def build_truth(sim: EcgSimulator, start: float, end: float) -> EcgTruth:
    """Ground truth of ``[start, end)`` s (the sequence must already cover it)."""
    beats = _beats(sim, start, end)
    episodes = _episodes(sim, beats, start, end)
    atrial = _atrial(sim, start, end)
    rhythm_eps = episodes.of("rhythm")
    truth = EcgTruth(
        beats,
        episodes,
        atrial,
        RecordLabels("SR", (), (), ()),
        sim.leads,
        sim.sampling_rate,
        start,
        end - start,
    )
    classes = sorted(
        {
            _class_of(str(lab), beats, float(a), float(b))
            for lab, a, b in zip(rhythm_eps.label, rhythm_eps.start, rhythm_eps.end, strict=True)
        }
    )
    supers = sorted({c.superclass for c in sim.conditions})
    if not supers and set(classes) <= {"SR", "SB", "ST"}:
        supers = ["NORM"]
    counts = {c: int(np.sum(beats.aami == c)) for c in "NSVFQ"}
    ect = episodes.of("ectopy")
    for kind in ("couplet", "run", "bigeminy", "trigeminy", "interpolated", "pause", "blocked_pac"):
        counts[kind] = int(np.sum(ect.label == kind))
    labels = RecordLabels(
        rhythm=truth.rhythm_label(),
        rhythms=tuple(classes),
        superclasses=tuple(supers),
        conditions=tuple(c.label for c in sim.conditions),
        counts=counts,
        axis=sim.templates.axis,
    )
    return EcgTruth(
        beats, episodes, atrial, labels, sim.leads, sim.sampling_rate, start, end - start
    )


def _beats(sim: EcgSimulator, start: float, end: float) -> BeatTable:
    log = sim.seq.beats
    times = np.asarray(log.time)
    idx = np.nonzero((times >= start) & (times < end))[0]
    t_sel = times[idx]
    cols, lead_peak, morph = _ventricular(sim, idx, t_sel)
    _atrial_waves(sim, idx, cols)
    symbols = np.array([log.symbol[i] for i in idx], dtype="<U1")
    rr = np.full(idx.size, math.nan)
    if idx.size:
        prev = times[idx[0] - 1] if idx[0] > 0 else math.nan
        rr = np.diff(np.concatenate(([prev], t_sel)))
        if prev < start:
            rr[0] = math.nan
    labels = [sim.episodes[log.episode[i]].rhythm.name for i in idx]
    return BeatTable(
        time=t_sel.copy(),
        symbol=symbols,
        aami=np.array([AAMI[s] for s in symbols], dtype="<U1"),
        morphology=morph,
        rhythm=np.array(labels, dtype="<U5"),
        rr=rr,
        qrs_peak=t_sel.copy(),
        lead_peak=lead_peak,
        leads=sim.leads,
        sampling_rate=sim.sampling_rate,
        **cols,
    )


_COLUMNS = ("p_onset", "p_peak", "p_offset", "qrs_onset", "qrs_offset", "t_onset", "t_peak",
            "t_offset", "pace", "qrs_amplitude")  # fmt: skip


def _ventricular(
    sim: EcgSimulator, idx: npt.NDArray[np.int64], t_sel: Array
) -> tuple[dict[str, Array], Array, npt.NDArray[np.str_]]:
    """QRS/T fiducials, amplitudes, per-lead peaks and shapes (grouped by template)."""
    log = sim.seq.beats
    n = idx.size
    cols = {k: np.full(n, math.nan) for k in _COLUMNS}
    lead_peak = np.full((n, len(sim.leads)), math.nan)
    morph = np.empty(n, dtype="<U8")
    codes = np.asarray(log.template, dtype=np.int64)[idx]
    factor = np.clip(np.asarray(log.rr_eff)[idx], 0.25, 2.5) ** (1.0 / 3.0)
    gains = sim.seq.breath.qrs_gain(t_sel) if n else np.zeros(0)
    for code in np.unique(codes):
        rows = np.nonzero(codes == code)[0]
        for group in ([r] for r in rows) if code == FUSION else (rows,):
            g = np.asarray(group)
            i0 = int(idx[g[0]])
            tmpl = sim.template(i0)
            t, f = t_sel[g], factor[g]
            morph[g] = tmpl.name
            cols["qrs_onset"][g] = t + tmpl.qrs_on
            cols["qrs_offset"][g] = t + tmpl.qrs_off
            cols["t_onset"][g] = t + tmpl.stretch(tmpl.t_on, f)
            cols["t_peak"][g] = t + tmpl.stretch(tmpl.t_peak, f)
            cols["t_offset"][g] = t + tmpl.stretch(tmpl.t_off, f)
            cols["qrs_amplitude"][g] = tmpl.amplitude * gains[g]
            if len(tmpl.spike):
                cols["pace"][g] = t + float(tmpl.spike.centre[0])
            key = f"fusion{i0}" if code == FUSION else tmpl.name
            lead_peak[g] = t[:, None] + sim.lead_offsets(tmpl, key)[None, :]
    return cols, lead_peak, morph


def _atrial_waves(sim: EcgSimulator, idx: npt.NDArray[np.int64], cols: dict[str, Array]) -> None:
    """P-wave fiducials of the conducted P waves (NaN stays where there is none)."""
    log = sim.seq.beats
    kinds = np.asarray(log.p_kind, dtype=np.int64)[idx]
    p_on = np.asarray(log.p_on)[idx]
    for kind in np.unique(kinds[kinds >= 0]):
        g = kinds == kind
        pw = sim.p_wave(int(kind))
        cols["p_onset"][g] = p_on[g]
        cols["p_peak"][g] = p_on[g] + pw.peak
        cols["p_offset"][g] = p_on[g] + pw.duration


def _episodes(sim: EcgSimulator, beats: BeatTable, start: float, end: float) -> Episodes:
    rows: list[tuple[float, float, str, str, int]] = []
    for ep in sim.episodes:
        a, b = max(ep.start, start), min(ep.end, end)
        if b <= a:
            continue
        label = ep.rhythm.name
        if ep.rhythm.kind == "sinus":
            label = _class_of("SR", beats, a, b)
        rows.append((a, b, label, "rhythm", 0))
    for kind, a, b, count in sim.seq.patterns:
        if a >= start and b < end:
            rows.append((a, b, kind, "ectopy", count))
    rows.sort(key=lambda r: (r[0], r[3]))
    return Episodes(
        start=np.array([r[0] for r in rows], dtype=np.float64),
        end=np.array([r[1] for r in rows], dtype=np.float64),
        label=np.array([r[2] for r in rows], dtype="<U12"),
        kind=np.array([r[3] for r in rows], dtype="<U6"),
        count=np.array([r[4] for r in rows], dtype=np.int64),
    )


def _atrial(sim: EcgSimulator, start: float, end: float) -> AtrialEvents:
    onsets: list[float] = []
    offsets: list[float] = []
    kinds: list[str] = []
    conducted: list[bool] = []
    for onset, kind, cond in sim.seq.atrial:
        if start <= onset < end:
            onsets.append(onset)
            offsets.append(onset + sim.p_wave(kind).duration)
            kinds.append(_P_KIND.get(kind, "ectopic"))
            conducted.append(cond)
    beat_times = np.asarray(sim.seq.beats.time)
    av = sim.seq._flutter_av()
    for act in sim.seq.activities:
        if act.kind != "flutter":
            continue
        starts: Array = act.cycle_starts(start, end)
        near = np.searchsorted(beat_times, starts + av)
        hit = np.zeros(starts.size, dtype=bool)
        for j, (s0, k) in enumerate(zip(starts, near, strict=True)):
            for kk in (k - 1, k):
                if 0 <= kk < beat_times.size and abs(beat_times[kk] - (s0 + av)) < 1e-6:
                    hit[j] = True
        onsets += list(starts)
        offsets += list(starts + 1.0 / act.rate)
        kinds += ["flutter"] * starts.size
        conducted += list(hit)
    order = np.argsort(np.asarray(onsets), kind="stable")
    return AtrialEvents(
        onset=np.asarray(onsets, dtype=np.float64)[order],
        offset=np.asarray(offsets, dtype=np.float64)[order],
        kind=np.asarray(kinds, dtype="<U8")[order],
        conducted=np.asarray(conducted, dtype=bool)[order],
    )
