"""Built-in ``analysis`` plugin: ``heartmind analyze FILE --out DIR``.

Runs the streaming processors (``heart-rate``, ``hrv``, and the PPG, EDA, respiration,
EEG and radar ones where those plugins are installed) over a whole recording on a
virtual-clock session, so the results equal a live run on the same data, and writes
``events.jsonl``, a summary table (CSV and JSON) and PNG plots.

Importing this package is cheap: it declares the command only; the readers, the session,
matplotlib and neurokit2 load when the command runs. The offline functions live in
:mod:`heartmind.plugins.analysis.api` (also importable from here, loaded on first use).
See ``docs/analyze.md``.

    from heartmind.plugins.analysis import analyze
    report = analyze("rec.xdf", "report/")
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import heartmind
from heartmind.specs import CommandSpec

__all__ = ["heartmind_commands"]


def __getattr__(name: str) -> Any:
    """Lazily re-export the names of :mod:`.api` (loaded on first use), e.g.
    ``from heartmind.plugins.analysis import analyze``."""
    if not name.startswith("_"):
        api = importlib.import_module(".api", __name__)
        if name in api.__all__:
            return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@heartmind.hookimpl
def heartmind_commands() -> Iterator[CommandSpec]:
    """Declare ``heartmind analyze``."""
    from ._cli import configure, run

    yield CommandSpec(
        name="analyze",
        factory=run,
        configure=configure,
        description="analyse a recording (XDF, EDF, BDF, FIF, CSV, WFDB) with the streaming "
        "processors: events, summary table and plots",
    )
