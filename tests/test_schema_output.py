"""The registry drives Parquet schemas, validation and the data dictionary; outputs round-trip."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import pipeline
from pipeline import labels, schema
from pipeline.cli import app
from tests.test_text_reader import _report


def test_key_vocabularies_are_the_schema_md_keys():
    outcomes = [o.key for o in labels.outcomes()]
    assert outcomes[:3] == ["new_received", "carried_over", "granted"]
    assert len(outcomes) == 26 and outcomes[-1] == "carried_forward"
    assert [a.key for a in labels.applicants()] == ["natural_person", "commercial", "research", "social_org",
                                                    "legal_services", "other_org", "total"]
    assert len({o.key for o in labels.outcomes() if "2019" in o.templates}) == 23
    assert len({o.key for o in labels.outcomes() if "2021" in o.templates}) == 26  # 25 + the single （六） variant
    assert {c.proceeding for c in labels.review_cells()} == {"admin_review", "litigation_direct",
                                                            "litigation_after_review"}


def test_unknown_column_fails_loudly():
    df = schema.empty("requests").assign(colour="red")
    with pytest.raises(schema.SchemaError, match="colour"):
        schema.conform(df, "requests")


def test_bad_key_fails_loudly():
    rep = pipeline.extract_bytes(_report(), "r.txt")
    bad = rep.requests.copy()
    bad.loc[0, "outcome"] = "granted_partly"
    with pytest.raises(schema.SchemaError, match="granted_partly"):
        schema.conform(bad, "requests")


def test_parquet_and_csv_round_trip_keep_types(tmp_path):
    result = CliRunner().invoke(app, ["extract", "--out", str(tmp_path), "--quiet", "--", _write(tmp_path)])
    assert result.exit_code == 0, result.output
    for table in ("reports", "proactive", "requests", "reviews", "checks", "sections"):
        arrow = pq.read_table(tmp_path / f"{table}.parquet")
        assert arrow.schema.equals(schema.arrow_schema(table), check_metadata=False)
        raw = (tmp_path / f"{table}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese text correctly
    req = pd.read_parquet(tmp_path / "requests.parquet")
    assert req.dtypes.equals(schema.empty("requests").dtypes)  # nullable dtypes survive the round trip
    assert str(req["value"].dtype) == "Float64" and str(req["table_index"].dtype) == "Int64"
    csv = pd.read_csv(tmp_path / "requests.csv", encoding="utf-8-sig")
    assert csv["row_label"].iloc[0] == "一、本年新收政府信息公开申请数量"
    assert list(csv.columns) == schema.columns("requests")


def _write(tmp_path) -> str:
    src = tmp_path / "in" / "2020_report.txt"
    src.parent.mkdir()
    src.write_bytes(_report())
    return str(src)


def test_data_dictionary_describes_every_field(tmp_path):
    dd = schema.data_dictionary()
    assert set(dd["table"]) == set(schema.TABLES)
    assert dd["description"].str.len().min() > 5
    outcome = dd[(dd.table == "requests") & (dd.field == "outcome")].iloc[0]
    assert "carried_forward" in outcome["allowed_values"]
    result = CliRunner().invoke(app, ["dictionary", "--out", str(tmp_path / "dd.md")])
    assert result.exit_code == 0
    text = (tmp_path / "dd.md").read_text(encoding="utf-8")
    assert "## `requests`" in text and "`cell_state`" in text


def test_writes_are_atomic_no_temp_files_left(tmp_path):
    CliRunner().invoke(app, ["extract", "--out", str(tmp_path / "o"), "--quiet", "--", _write(tmp_path)])
    assert not [p for p in (tmp_path / "o").iterdir() if p.name.startswith(".")]


def test_unwritable_output_folder_gives_clear_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(app, ["extract", "--out", str(blocker / "o"), "--quiet", "--", _write(tmp_path)])
    assert result.exit_code == 3
    assert "cannot write" in result.output


def test_committed_data_dictionary_is_current():
    from tests.conftest import REPO

    committed = (REPO / "docs" / "data_dictionary.md").read_text(encoding="utf-8")
    assert committed == schema.data_dictionary_markdown(), "run `make dictionary` and commit docs/data_dictionary.md"


# ---- rows as columns per document, frames once per batch --------------------------------------------------
def test_columns_are_checked_per_document_like_conform():
    rep = pipeline.extract_bytes(_report(), "r.txt")
    rows = rep.requests.astype(object).where(rep.requests.notna(), None).to_dict("records")
    cols = schema.to_columns("requests", rows)
    pd.testing.assert_frame_equal(schema.frame("requests", [cols]), schema.conform(pd.DataFrame(rows), "requests"))
    with pytest.raises(schema.SchemaError, match="granted_partly"):
        schema.to_columns("requests", [{**rows[0], "outcome": "granted_partly"}])
    with pytest.raises(schema.SchemaError, match="null in a required field"):
        schema.to_columns("requests", [{**rows[0], "applicant": None}])
    fixed = schema.to_columns("requests", [{**rows[0], "value": 3, "page": 2.0}, {**rows[1], "value": float("nan")}])
    assert fixed["page"] == [2, None]  # a whole float where an int goes: converted as conform does
    made = schema.frame("requests", [fixed])
    assert made["value"].tolist() == [3.0, pd.NA] and made["page"].tolist() == [2, pd.NA]  # NaN: null


def test_a_report_makes_its_frames_on_first_use_and_a_batch_once():
    from pipeline.batch import combine

    a = pipeline.extract_bytes(_report(), "a.txt")
    b = pipeline.extract_bytes(_report() + b"\n", "b.txt")  # another report_id
    assert a._frames == {} and isinstance(a.row["year"], int) and a.status in ("ok", "partial")  # no frame made
    assert a.requests is a.requests and set(a._frames) == {"requests"}
    assert a.row == {k: (None if pd.isna(v) else v) for k, v in a.reports.iloc[0].to_dict().items()}
    both = combine([a, b, a])  # a twice: kept once
    for table in ("reports", "requests", "checks", "sections"):
        want = pd.concat([a.frame(table), b.frame(table)], ignore_index=True)
        pd.testing.assert_frame_equal(both[table], schema.conform(want, table))
