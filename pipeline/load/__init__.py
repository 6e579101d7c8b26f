"""The loader: canonical frames of every extracted document → a dated, atomic release of datasets.

    build_release(frames, out_root, documents=..., run_info=...) -> Path   # OUT/releases/<YYYY-MM-DDTHHMMSSZ>
    open_release(out_root_or_release) -> duckdb connection (read-only)    # SELECT * FROM report_summary
"""

from pipeline.load.datasets import RELEASE_TABLES, read_table
from pipeline.load.release import ReleaseError, build_release, open_release, resolve

__all__ = ["RELEASE_TABLES", "ReleaseError", "build_release", "open_release", "read_table", "resolve"]
