"""Continuous-wave radar: heartbeat and breathing from the IQ phase."""
