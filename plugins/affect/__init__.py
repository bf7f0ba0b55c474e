"""Emotion (valence/arousal/dominance) and stress from heart signals; fusion of all sources."""
