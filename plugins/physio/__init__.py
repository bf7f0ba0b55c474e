"""PPG, EDA and respiration processing: pulse detection, pulse-rate variability, tonic/phasic EDA, SCRs, breathing rate."""
