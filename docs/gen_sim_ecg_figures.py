"""Figures of docs/simulator-ecg.md: rhythm strips, a 12-lead record, the noise types.

Run:  .venv/bin/python docs/gen_sim_ecg_figures.py   (writes docs/img/sim-ecg-*.png)
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from heartmind.sim.ecg import Ectopy, Rhythm, add_noise, simulate

OUT = Path(__file__).resolve().parent / "img"
FS = 500.0

STRIPS = [
    ("Sinus rhythm 72 bpm", Rhythm("SR", rate=72), None, ()),
    ("Sinus bradycardia 48 bpm, first-degree AV block", Rhythm("SB", rate=48), None, ("AVB1",)),
    ("Sinus tachycardia 150 bpm", Rhythm("ST", rate=150), None, ()),
    ("Atrial fibrillation, 95 bpm", Rhythm("AF", rate=95, atrial_amplitude=0.15), None, ()),
    (
        "Atrial flutter 300/min, 2:1 and 4:1",
        Rhythm("AFL", atrial_rate=300, conduction=(2, 4), atrial_amplitude=0.3),
        None,
        (),
    ),
    ("SVT 175 bpm (P hidden)", Rhythm("SVT", rate=175), None, ()),
    (
        "Multiform PVCs, couplets and a run",
        Rhythm("SR", rate=80),
        Ectopy(pvc=0.3, couplet=0.3, run=0.2, multiform=0.9),
        (),
    ),
    ("Ventricular bigeminy", Rhythm("SR", rate=75), Ectopy(pvc=0.45, bigeminy=1.0), ()),
    (
        "PACs, fusion and interpolated PVCs",
        Rhythm("SR", rate=62),
        Ectopy(pac=0.15, pvc=0.2, fusion=0.4, interpolated=0.8),
        (),
    ),
    ("Ventricular pacing 70 bpm", Rhythm("PACED", rate=70), None, ()),
    ("Sinus rhythm, LBBB", Rhythm("SR", rate=70), None, ("LBBB",)),
]
_COLOURS = {"P": "#f2c14e", "QRS": "#9bd1a8", "T": "#9cc3e4"}


def _strip(
    ax: plt.Axes,
    title: str,
    rhythm: Rhythm,
    ectopy: Ectopy | None,
    conditions: tuple[str, ...],
    seed: int,
) -> None:
    rec = simulate(
        10.0,
        rhythm,
        leads=("II",),
        sampling_rate=FS,
        seed=seed,
        subject=seed,
        ectopy=ectopy,
        conditions=conditions,
    )
    b = rec.truth.beats
    for i in range(len(b)):
        for name, on, off in (
            ("P", b.p_onset[i], b.p_offset[i]),
            ("QRS", b.qrs_onset[i], b.qrs_offset[i]),
            ("T", b.t_onset[i], b.t_offset[i]),
        ):
            if np.isfinite(on):
                ax.axvspan(on, off, color=_COLOURS[name], alpha=0.35, lw=0)
        ax.text(
            b.time[i],
            1.02,
            b.symbol[i],
            transform=ax.get_xaxis_transform(),
            ha="center",
            fontsize=7,
            color="#333",
        )
    ax.plot(rec.times, rec.lead("II"), color="k", lw=0.7)
    ax.set_xlim(0, 10)
    ax.set_ylabel("mV", fontsize=7)
    ax.set_title(f"{title}  —  label {rec.truth.labels.rhythm}", fontsize=8, loc="left", pad=9)
    ax.tick_params(labelsize=6)


def rhythms(path: Path) -> None:
    fig, axes = plt.subplots(len(STRIPS), 1, figsize=(11, 1.45 * len(STRIPS)), sharex=True)
    for k, (ax, (title, rhythm, ectopy, conds)) in enumerate(zip(axes, STRIPS, strict=True)):
        _strip(ax, title, rhythm, ectopy, conds, seed=10 + k)
    axes[-1].set_xlabel(
        "time (s); shading: truth P (yellow), QRS (green), T (blue); letters: beat symbols",
        fontsize=7,
    )
    fig.tight_layout(h_pad=0.6)
    fig.savefig(path, dpi=80)
    plt.close(fig)


def twelve_lead(path: Path) -> None:
    rec = simulate(
        10.0,
        Rhythm("SR", rate=75),
        seed=4,
        subject=21,
        sampling_rate=FS,
        conditions=("MI:inferior",),
        ectopy=Ectopy(pvc=0.1),
    )
    layout = [["I", "aVR", "V1", "V4"], ["II", "aVL", "V2", "V5"], ["III", "aVF", "V3", "V6"]]
    fig, ax = plt.subplots(figsize=(11, 6.2))
    mm = 0.04  # s per mm at 25 mm/s
    height = 10 * 1.0  # mm per mV at 10 mm/mV
    for row, names in enumerate(layout):
        for col, name in enumerate(names):
            a, z = int(col * 2.5 * FS), int((col + 1) * 2.5 * FS)
            t = rec.times[a:z] / mm
            ax.plot(t, rec.lead(name)[a:z] * height - row * 25, color="k", lw=0.6)
            ax.text(t[0] + 2, -row * 25 + 7, name, fontsize=8)
    ax.plot(rec.times / mm, rec.lead("II") * height - 3 * 25, color="k", lw=0.6)
    ax.text(2, -3 * 25 + 7, "II", fontsize=8)
    for x in np.arange(0, 251, 1):
        ax.axvline(x, color="#f4b6b6", lw=0.6 if x % 5 == 0 else 0.2, zorder=0)
    for y in np.arange(-95, 16, 1):
        ax.axhline(y, color="#f4b6b6", lw=0.6 if y % 5 == 0 else 0.2, zorder=0)
    ax.set_xlim(0, 250)
    ax.set_ylim(-95, 15)
    ax.set_aspect("equal")
    ax.axis("off")
    lab = rec.truth.labels
    ax.set_title(
        f"12 leads from one dipole, 25 mm/s, 10 mm/mV — {', '.join(lab.conditions)}; "
        f"superclasses {', '.join(lab.superclasses)}; {lab.counts['V']} PVC(s)",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def noise(path: Path) -> None:
    rec = simulate(10.0, Rhythm("SR", rate=70), leads=("II",), sampling_rate=FS, seed=3)
    kinds = [
        "baseline",
        "emg",
        "powerline",
        "motion",
        "burst",
        "pops",
        "steps",
        "impedance",
        "textile_motion",
    ]
    fig, axes = plt.subplots(len(kinds) + 1, 1, figsize=(11, 1.2 * (len(kinds) + 1)), sharex=True)
    axes[0].plot(rec.times, rec.signal[:, 0], color="k", lw=0.7)
    axes[0].set_title("clean lead II", fontsize=8, loc="left")
    for ax, kind in zip(axes[1:], kinds, strict=True):
        noisy, truth = add_noise(rec.signal, FS, {kind: 5.0}, seed=2)
        ax.plot(rec.times, noisy, color="k", lw=0.6)
        for a, z in zip(truth.spans.start, truth.spans.end, strict=True):
            ax.axvspan(a, z, color="#f4b6b6", alpha=0.5, lw=0)
        ax.set_title(f"{kind} at 5 dB (shaded: truth spans)", fontsize=8, loc="left")
    for ax in axes:
        ax.tick_params(labelsize=6)
    axes[-1].set_xlabel("time (s)", fontsize=7)
    fig.tight_layout(h_pad=0.4)
    fig.savefig(path, dpi=75)
    plt.close(fig)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    rhythms(OUT / "sim-ecg-rhythms.png")
    twelve_lead(OUT / "sim-ecg-12lead.png")
    noise(OUT / "sim-ecg-noise.png")
    for p in sorted(OUT.glob("sim-ecg-*.png")):
        print(p, p.stat().st_size // 1024, "KiB")


if __name__ == "__main__":
    main()
