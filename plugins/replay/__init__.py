"""Replay of recordings (XDF, EDF/BDF/FIF) as a sensor or as LSL outlets (``heartmind replay``)."""
