"""PNG figures of an evaluation: confusion matrices and calibration (reliability) plots.

matplotlib runs on its non-interactive Agg backend; nothing opens a window. Titles carry
"SYNTHETIC DATA" when the evaluation was run on synthetic data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["plot_calibration", "plot_confusion"]


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _title(metrics: dict[str, Any], what: str) -> str:
    tag = "  [SYNTHETIC DATA]" if metrics.get("synthetic") else ""
    return (
        f"{what}: {metrics['model']} on {metrics['dataset']}{tag}\n"
        f"leave-one-subject-out, {metrics['n_subjects']} subjects, "
        f"{metrics['n_windows']} windows of {metrics['window_s']:g} s"
    )


def _num(value: float | None) -> str:
    """Two decimals, or ``n/a`` for a metric undefined on its input."""
    return "n/a" if value is None else f"{value:.2f}"


def plot_confusion(metrics: dict[str, Any], path: str | Path) -> Path:
    """Save the 2×2 confusion matrix of each dimension (counts of windows) to ``path``."""
    plt = _pyplot()
    dims = list(metrics["dimensions"])
    fig, axes = plt.subplots(
        1, len(dims), figsize=(3.4 * len(dims) + 0.6, 4.4), squeeze=False, layout="constrained"
    )
    for ax, dim in zip(axes[0], dims, strict=True):
        m = metrics["dimensions"][dim]
        cm = m["confusion"]
        ax.imshow(cm, cmap="Blues", vmin=0)
        top = max(max(row) for row in cm) or 1
        for i in range(2):
            for j in range(2):
                color = "white" if cm[i][j] > top / 2 else "black"
                ax.text(j, i, str(cm[i][j]), ha="center", va="center", color=color, fontsize=12)
        ax.set_xticks([0, 1], ["low", "high"])
        ax.set_yticks([0, 1], ["low", "high"])
        ax.set_xlabel("predicted class")
        ax.set_ylabel("true class")
        ax.set_title(f"{dim}\nacc {_num(m['accuracy'])}, F1 {_num(m['f1'])}", fontsize=10)
    fig.suptitle(_title(metrics, "Confusion (windows)"), fontsize=10)
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_calibration(metrics: dict[str, Any], path: str | Path) -> Path:
    """Save a reliability diagram (predicted P(high) vs observed share high) to ``path``."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.6, 5.0), layout="constrained")
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    for dim, m in metrics["dimensions"].items():
        rows = m["calibration"]["bins"]
        x = [r["mean_predicted"] for r in rows]
        y = [r["observed"] for r in rows]
        ece = m["calibration"]["expected_calibration_error"]
        ax.plot(x, y, marker="o", label=f"{dim} (ECE {_num(ece)})")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("predicted probability of 'high' (mean per bin)")
    ax.set_ylabel("observed share of 'high' windows")
    ax.set_title(_title(metrics, "Calibration"), fontsize=9)
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
