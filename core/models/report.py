"""What an evaluation of a model kind hands to ``heartmind evaluate``: one report.

A plugin's ``ModelSpec.evaluate`` returns an :class:`EvaluationReport`; the command line
writes its ``metrics`` to ``OUT/metrics.json`` (mode 0600), prints its table and the files
the plugin wrote (figures), and — for synthetic data — says that the figures show the
plumbing, not validated recognition.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["SYNTHETIC_NOTE", "EvaluationReport"]

#: Printed with, and stored in, every result obtained on synthetic data.
SYNTHETIC_NOTE = "SYNTHETIC DATA: these figures show the plumbing works, not validated recognition"

Cell = str | float | int | None


@dataclass
class EvaluationReport:
    """The result of evaluating one model kind on one dataset.

    Attributes
    ----------
    model
        The model kind (``"hr-gru"``).
    dataset
        Name of the data it was evaluated on (``"DREAMER"``, ``"synthetic-affective"``).
    synthetic
        True if that data was simulated or generated: every printout then says so.
    method
        How it was evaluated, e.g. ``"leave-one-subject-out, 3 subjects, 48 windows"``.
    metrics
        Everything measured, JSON-compatible (written to ``metrics.json``; no raw data).
        ``model``, ``dataset`` and ``synthetic`` are added when missing.
    columns
        Header of the printed summary table.
    rows
        Its rows, one cell per column (numbers are printed with three decimals; ``None``
        as ``n/a``).
    files
        Files the evaluation wrote (figures), by name.
    """

    model: str
    dataset: str
    synthetic: bool
    method: str
    metrics: dict[str, Any]
    columns: Sequence[str] = ()
    rows: Sequence[Sequence[Cell]] = ()
    files: dict[str, Path] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.metrics.setdefault("model", self.model)
        self.metrics.setdefault("dataset", self.dataset)
        self.metrics.setdefault("synthetic", self.synthetic)
        if self.synthetic:
            self.metrics.setdefault("note", SYNTHETIC_NOTE)

    @property
    def title(self) -> str:
        """One line: model, data (tagged when synthetic) and method."""
        tag = " [SYNTHETIC DATA]" if self.synthetic else ""
        return f"{self.model} on {self.dataset}{tag} — {self.method}"

    def text_rows(self) -> list[list[str]]:
        """The rows as printed: floats with three decimals, ``None`` as ``n/a``."""
        return [[_cell(c) for c in row] for row in self.rows]


def _cell(value: Cell) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.3f}"
    return str(value)
