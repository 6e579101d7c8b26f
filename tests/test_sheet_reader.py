"""Spreadsheet attachments (.xlsx, .xls, .et): generated reports round-trip exactly, merged cells expanded."""

from __future__ import annotations

import random

import pytest

import pipeline
from pipeline.synth import CellQuirks, expected_cells, generate
from pipeline.synth.render_xlsx import render_xls, render_xlsx
from tests.test_office_roundtrip import assert_exact


@pytest.mark.parametrize(("seed", "year", "sheet_per_table", "split"), [
    (1, 2020, False, False), (2, 2022, True, True), (3, 2024, False, True)])
def test_xlsx_round_trip(seed, year, sheet_per_table, split):
    report = generate(random.Random(seed), year=year)
    quirks = CellQuirks(blank_zero=0.2, dash_zero=0.1, label_typos=0.3, seed=seed)
    data = render_xlsx(report, quirks, sheet_per_table=sheet_per_table, split_table3=split)
    rep = pipeline.extract_bytes(data, "P020230412.xlsx")
    assert rep.row["media_type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert_exact(rep, expected_cells(report), year=year, template=report.template, failures=[])
    assert rep.row["year"] == year and rep.row["template"] == report.template


@pytest.mark.parametrize("name", ["统计表.xls", "统计表.et", "download.jsp"])
def test_xls_and_et_round_trip(name):
    report = generate(random.Random(7), year=2021)
    data = render_xls(report, split_table3=True)
    rep = pipeline.extract_bytes(data, name)
    assert rep.row["media_type"] == "application/vnd.ms-excel"
    assert_exact(rep, expected_cells(report), year=2021, template=report.template, failures=[])


def test_merged_group_labels_are_expanded():
    report = generate(random.Random(11), year=2023)
    doc = pipeline.readers.read(render_xlsx(report), "a.xlsx")
    rows = [[c.text for c in row] for t in doc.tables for row in t.rows]
    denied = [r for r in rows if any("国家秘密" in x for x in r)]
    assert denied and "不予公开" in "".join(denied[0][:2])  # the rowspan label reaches every row it covers
    spanned = [c for t in doc.tables for row in t.rows for c in row if c.spanned]
    assert spanned and all(c.text for c in spanned if c.col == 0)


def test_damaged_spreadsheet_fails_with_a_message():
    data = render_xlsx(generate(random.Random(3), year=2022))
    rep = pipeline.extract_bytes(data[: len(data) // 2], "cut.xlsx")
    assert rep.status == "failed" and rep.row["error"]
