"""Re-create the bundled heart-rate VAD models (``data/*.hmm``) from SYNTHETIC data.

    .venv/bin/python -m heartmind.plugins.heart_emotion._bundled [--out DIR] [--epochs N]

Deterministic: the synthetic dataset (``heartmind.datasets.synthetic_affective``, 8
subjects, seed 0, 300 s episodes) and every model use fixed seeds, and torch trains on one
thread. The files show the plumbing of ``heart-emotion`` out of the box; they are **not**
validated affect recognition. Real models come from ``heartmind train`` on WESAD/DREAMER.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["BUNDLED", "main", "train_bundled"]

log = logging.getLogger(__name__)

#: Model kinds shipped, with their training epochs.
BUNDLED: dict[str, int] = {"hr-gru": 30, "hr-lstm": 30, "hrv-linear": 1}
SEED = 0
N_SUBJECTS = 8
EPISODE_S = 300.0


def train_bundled(out: Path, epochs: int | None = None) -> list[Path]:
    """Train every bundled kind on the synthetic dataset and save ``<kind>-synthetic.hmm``.

    Parameters
    ----------
    out
        Folder to write to.
    epochs
        Override of the training epochs of the recurrent models (tests).
    """
    from heartmind.datasets import synthetic_affective

    from ._loso import SYNTHETIC_NOTE
    from ._train import train

    dataset = synthetic_affective(
        N_SUBJECTS, seed=SEED, modalities=("ECG",), duration=EPISODE_S, snr_db=None
    )
    paths = []
    for kind, n in BUNDLED.items():
        model = train(dataset, kind, epochs=epochs or n, config={"seed": SEED})
        model.info.name = f"{kind}-synthetic"
        model.info.training["note"] = SYNTHETIC_NOTE
        model.info.training["produced_by"] = "heartmind.plugins.heart_emotion._bundled"
        path = model.save(out / f"{kind}-synthetic.hmm")
        path.chmod(0o644)  # package data: readable by every user of an installation
        paths.append(path)
        log.info("wrote %s", paths[-1])
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data")
    parser.add_argument("--epochs", type=int, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    for path in train_bundled(args.out, args.epochs):
        print(f"wrote {path} (trained on SYNTHETIC data)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
