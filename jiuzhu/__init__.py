"""jiuzhu (救助): find the people a case has left in hardship, and help them together."""

__version__ = "0.1.0"
