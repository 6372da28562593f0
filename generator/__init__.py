"""carejourneys: children's social care records in, a self-contained visual report out."""

__version__ = "0.1.0"
