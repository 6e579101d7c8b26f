"""The extraction cache keeps one copy of each report per extractor version and survives reopening."""

from __future__ import annotations

import pipeline
from pipeline.cache import ExtractionCache
from pipeline.version import EXTRACTOR_VERSION
from tests.test_text_reader import _report


def test_put_done_frames_and_replace(tmp_path):
    rep = pipeline.extract_bytes(_report(), "a.txt")
    other = pipeline.extract_bytes(_report().replace(b"| 12 |", b"| 13 |", 1), "b.txt")
    with ExtractionCache(tmp_path / "cache.duckdb") as cache:
        assert cache.put([rep, other]) == 2
        cache.put([rep])  # again: replaced, not doubled
        assert cache.done() == {rep.report_id, other.report_id}
        assert cache.done("0.0.0-old") == set()
    with ExtractionCache(tmp_path / "cache.duckdb") as cache:
        frames = cache.frames()
    assert len(frames["reports"]) == 2 and len(frames["requests"]) == 2 * 23 * 7
    assert frames["requests"].dtypes.equals(rep.requests.dtypes)
    assert set(frames["reports"]["extractor_version"]) == {EXTRACTOR_VERSION}
    got = frames["requests"].set_index(["report_id", "outcome", "applicant"])["value"]
    assert got[(other.report_id, "new_received", "natural_person")] == 13


def test_cache_written_before_new_registry_fields_still_opens(tmp_path):
    import duckdb

    rep = pipeline.extract_bytes(_report(), "a.txt")
    with ExtractionCache(tmp_path / "c.duckdb") as cache:
        cache.put([rep])
    con = duckdb.connect(str(tmp_path / "c.duckdb"))
    con.execute("ALTER TABLE reports DROP COLUMN warnings")  # as a cache from before that field existed
    con.close()
    with ExtractionCache(tmp_path / "c.duckdb") as cache:
        frames = cache.frames()
        cache.put([rep])
    assert len(frames["reports"]) == 1 and frames["reports"]["warnings"].isna().all()
