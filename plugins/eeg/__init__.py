"""EEG processing through MNE-Python: filtering, band powers, frontal alpha asymmetry."""
