"""``heartmind.testing``: the kit for testing a plugin (public, stable).

What a plugin author needs to test a plugin the way heartmind tests its own:

* :func:`fake_distribution` — make a plugin module look pip-installed (an entry point in
  the ``heartmind`` group), to test discovery without installing anything;
* :func:`run_pipeline` / :func:`run_session` — run sensors → processors on the virtual
  clock (deterministic, as fast as the CPU allows) and get the published events back;
* :func:`assert_events` — check counts, fields, ranges and timing with tolerances, or
  compare against expected events pairwise;
* :func:`regular_stream`, :func:`simulated_ecg`, :func:`simulated_ppg` — synthetic streams
  of any type, rate and channels, and simulator-backed ECG/PPG with true beat times.

Example (a complete test of a heart-rate processor)::

    from heartmind.testing import assert_events, run_pipeline, simulated_ecg

    def test_heart_rate_follows_the_simulated_heart():
        ecg = simulated_ecg(duration=60.0, seed=1)
        events = run_pipeline(sensors=[ecg], processors=["heart-rate"])
        assert_events(events, "heart_rate", count=(40, None),
                      fields={"bpm": ecg.mean_rate}, tol={"bpm": 5.0})

Nothing here imports pytest; the helpers work with any test runner.
"""

from __future__ import annotations

from .assertions import assert_events
from .distributions import FakeDistribution, fake_distribution
from .runner import Component, Recorded, run_pipeline, run_session
from .streams import (
    SIGNALS,
    SimulatedSensor,
    SyntheticSensor,
    regular_stream,
    simulated_ecg,
    simulated_ppg,
)

__all__ = [
    "SIGNALS",
    "Component",
    "FakeDistribution",
    "Recorded",
    "SimulatedSensor",
    "SyntheticSensor",
    "assert_events",
    "fake_distribution",
    "regular_stream",
    "run_pipeline",
    "run_session",
    "simulated_ecg",
    "simulated_ppg",
]
