"""XDF recording of sessions and LSL streams (``xdf-recorder`` consumer, ``heartmind record``)."""
