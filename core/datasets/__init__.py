"""Dataset readers (WESAD, DREAMER, lab recordings) and synthetic affective datasets."""
