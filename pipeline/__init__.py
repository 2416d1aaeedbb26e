"""stancewatch: who changed their position on what, from the news."""

__version__ = "0.1.0"
