"""roadmap: track a personal skill roadmap in SQLite."""

__version__ = "0.1.0"
