"""Keyboard and mouse behaviour: timing-only capture (pynput), window features, emotion/stress models."""
