"""Built-in ``analysis`` plugin: ``heartmind analyze FILE --out DIR``.

Runs the streaming processors (``heart-rate``, ``hrv``, and the PPG, EDA, respiration,
EEG and radar ones where those plugins are installed) over a whole recording on a
virtual-clock session, so the results equal a live run on the same data, and writes
``events.jsonl``, a summary table (CSV and JSON) and PNG plots.

Importing this package is cheap: it declares the command only; the readers, the session,
matplotlib and neurokit2 load when the command runs. See ``docs/analyze.md``.

    from heartmind.plugins.analysis.run import analyze
    report = analyze("rec.xdf", "report/")
"""

from __future__ import annotations

from collections.abc import Iterator

import heartmind
from heartmind.specs import CommandSpec

__all__ = ["heartmind_commands"]


@heartmind.hookimpl
def heartmind_commands() -> Iterator[CommandSpec]:
    """Declare ``heartmind analyze``."""
    from .cli import configure, run

    yield CommandSpec(
        name="analyze",
        factory=run,
        configure=configure,
        description="analyse a recording (XDF, EDF, BDF, FIF, CSV, WFDB) with the streaming "
        "processors: events, summary table and plots",
    )
