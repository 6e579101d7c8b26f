"""Discover and download government information-disclosure annual reports, politely and incrementally.

Layers: ``http`` (one polite client: robots, per-host limits, retries, deadlines), ``store`` (content-addressed
raw files) and ``fetchlog`` (DuckDB log + documents manifest), ``pages``/``pagers``/``discovery`` (list and
detail pages), ``registry`` (sources as data), ``crawl`` (runs sources concurrently), ``cli``.
This package imports nothing from ``pipeline``.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
