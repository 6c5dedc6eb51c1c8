"""Demo data files (people CSV)."""
