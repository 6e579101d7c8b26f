"""`ogi demo`: the bundled example report and a generated city corpus, extracted offline."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from pipeline.cli import app


def test_demo_extracts_every_sample(tmp_path):
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    reports = pd.read_parquet(tmp_path / "reports.parquet")
    samples = sorted(p.name for p in (tmp_path / "samples").iterdir())
    assert len(reports) == len(samples) > 40
    assert "2019_jinlin_seed.txt" in samples
    assert any(s.endswith(".html") for s in samples) and any(s.endswith(".txt") for s in samples)
    assert (reports["status"] == "ok").all(), reports[reports["status"] != "ok"][["source_path", "error"]]
    assert set(reports["year"]) == set(range(2019, 2025))
    assert set(reports["template"]) == {"2019", "2021"}
    assert (reports["n_checks_failed"] > 0).sum() == 2  # the corpus breaks two reports' identities on purpose
    requests = pd.read_parquet(tmp_path / "requests.parquet")
    assert requests.groupby("report_id").size().isin([23 * 7, 25 * 7]).all()
