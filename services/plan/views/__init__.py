"""The plan service's query side: SQL views kept by a projection of the notification log (see projection.py)."""
