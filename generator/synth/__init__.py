"""Synthetic child-level data with the statistical shape of real front-door records."""
