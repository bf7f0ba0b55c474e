"""Assemble :class:`~heartmind.sim.ecg.truth.EcgTruth` from a simulator's beat sequence."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

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
    n, m = idx.size, len(sim.leads)
    cols = {
        k: np.full(n, math.nan)
        for k in (
            "p_onset",
            "p_peak",
            "p_offset",
            "qrs_onset",
            "qrs_offset",
            "t_onset",
            "t_peak",
            "t_offset",
            "pace",
            "qrs_amplitude",
        )
    }
    lead_peak = np.full((n, m), math.nan)
    morph = []
    gains = sim.seq.breath.qrs_gain(times[idx]) if n else np.zeros(0)
    for row, i in enumerate(idx):
        t = times[i]
        tmpl = sim.template(int(i))
        morph.append(tmpl.name)
        f = float(tmpl.qt_factor(log.rr_eff[i]))
        cols["qrs_onset"][row] = t + tmpl.qrs_on
        cols["qrs_offset"][row] = t + tmpl.qrs_off
        cols["t_onset"][row] = t + float(tmpl.stretch(tmpl.t_on, f))
        cols["t_peak"][row] = t + float(tmpl.stretch(tmpl.t_peak, f))
        cols["t_offset"][row] = t + float(tmpl.stretch(tmpl.t_off, f))
        cols["qrs_amplitude"][row] = tmpl.amplitude * gains[row]
        if len(tmpl.spike):
            cols["pace"][row] = t + float(tmpl.spike.centre[0])
        pk = log.p_kind[i]
        if pk >= 0:
            pw = sim.p_wave(pk)
            cols["p_onset"][row] = log.p_on[i]
            cols["p_peak"][row] = log.p_on[i] + pw.peak
            cols["p_offset"][row] = log.p_on[i] + pw.duration
        key = f"fusion{i}" if log.template[i] == FUSION else tmpl.name
        lead_peak[row] = t + sim.lead_offsets(tmpl, key)
    symbols = np.array([log.symbol[i] for i in idx], dtype="<U1")
    t_sel = times[idx]
    rr = np.full(n, math.nan)
    if n:
        prev = times[idx[0] - 1] if idx[0] > 0 else math.nan
        rr = np.diff(np.concatenate(([prev], t_sel)))
        if prev < start:
            rr[0] = math.nan
    labels = [sim.episodes[log.episode[i]].rhythm.name for i in idx]
    return BeatTable(
        time=t_sel.copy(),
        symbol=symbols,
        aami=np.array([AAMI[s] for s in symbols], dtype="<U1"),
        morphology=np.array(morph, dtype="<U8"),
        rhythm=np.array(labels, dtype="<U5"),
        rr=rr,
        p_onset=cols["p_onset"],
        p_peak=cols["p_peak"],
        p_offset=cols["p_offset"],
        qrs_onset=cols["qrs_onset"],
        qrs_peak=t_sel.copy(),
        qrs_offset=cols["qrs_offset"],
        t_onset=cols["t_onset"],
        t_peak=cols["t_peak"],
        t_offset=cols["t_offset"],
        pace=cols["pace"],
        qrs_amplitude=cols["qrs_amplitude"],
        lead_peak=lead_peak,
        leads=sim.leads,
        sampling_rate=sim.sampling_rate,
    )


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
