"""A short text summary of a release (for the command line and run reports)."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.load.release import open_release, resolve


def summarise(out_root_or_release: Path) -> str:
    """Release name, reports by status and year, agencies, failed checks and output size."""
    rel = resolve(out_root_or_release)
    manifest = json.loads((rel / "manifest.json").read_text(encoding="utf-8"))
    with open_release(rel) as con:
        years = con.execute("SELECT year, count(*) FROM reports WHERE superseded_by IS NULL GROUP BY 1 "
                            "ORDER BY 1 NULLS LAST").fetchall()
        agencies = con.execute("SELECT count(*) FROM agencies").fetchone()[0]
        failed = con.execute("""SELECT count(*) FILTER (WHERE scope = 'report'),
                                       count(*) FILTER (WHERE scope = 'series')
                                FROM checks WHERE NOT passed""").fetchone()
    statuses = ", ".join(f"{n} {s}" for s, n in manifest["statuses"].items())
    per_year = ", ".join(f"{y if y is not None else '?'}: {n}" for y, n in years)
    return "\n".join([
        f"release {manifest['release']} ({manifest['bytes'] / 1e6:.1f} MB) at {rel}",
        f"{manifest['row_counts']['reports']} reports ({statuses}; {manifest['superseded']} superseded), "
        f"{agencies} agencies",
        f"current reports per year: {per_year}",
        f"failed checks: {failed[0]} within reports, {failed[1]} across years (series.*)",
        f"open it: duckdb {rel / 'ogi.duckdb'}  →  SELECT * FROM report_summary",
    ])
