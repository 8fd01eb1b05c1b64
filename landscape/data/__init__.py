"""Data for a two-weight model: the Dataset type, presets and CSV uploads (NumPy)."""
