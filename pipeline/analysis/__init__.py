"""Analysis of a release: pandas frames, DuckDB and the common cuts, for the notebooks and researchers' studies.

    from pipeline.analysis import open_latest
    rel = open_latest()                  # extracted/latest; or open_latest("path/to/release")
    rel.summary(year=2023)               # report_summary + agency_name, place
    rel.shares(year=2023)                # granted / partly_granted / denied / unavailable / not_processed / other
    rel.sql('SELECT "check", count(*) FROM checks WHERE NOT passed GROUP BY 1')

`build_sample_release(out)` generates, extracts and loads a synthetic city (no network) when no release exists.
"""

from pipeline.analysis.groups import GROUP_LABELS, GROUPS, denial_reasons, measure_groups, outcome_label
from pipeline.analysis.release import NoReleaseError, Release, notebook_setup, open_latest, open_or_sample
from pipeline.analysis.sample import build_sample_release, sample_corpus

__all__ = [
    "GROUPS", "GROUP_LABELS", "NoReleaseError", "Release", "build_sample_release", "denial_reasons",
    "measure_groups", "notebook_setup", "open_latest", "open_or_sample", "outcome_label", "sample_corpus",
]
