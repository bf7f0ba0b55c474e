"""Public API of the ``simulator`` plugin: the simulated sensor and its LSL publisher.

What other plugins, benchmarks and applications build on (the plugin's other modules are
private). The simulation itself — :class:`heartmind.sim.Participant`, state scripts and
ground truth — is the core kit's :mod:`heartmind.sim`; this module wraps it as a heartmind
sensor and as real LSL outlets::

    from heartmind.plugins.simulator.api import SimulatorSensor

    class Dropout(SimulatorSensor):  # e.g. a sensor that loses samples now and then
        ...

    session.add_sensor(Dropout(modalities=["ECG"], duration=60.0), name="sim")
"""

from __future__ import annotations

from ._lsl_outlets import MANUFACTURER, PublishStats, SimulatedOutlets, truth_info
from ._sensor import SimulatorSensor

__all__ = ["MANUFACTURER", "PublishStats", "SimulatedOutlets", "SimulatorSensor", "truth_info"]
