"""Round trip: generated reports rendered with real-world quirks extract back to exactly the generated values."""

from __future__ import annotations

import dataclasses
import math
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.readers.html import read_html
from pipeline.readers.pipe_grid import printed_rows
from pipeline.readers.text import read_text
from pipeline.synth import (
    HtmlQuirks,
    expected_cells,
    generate,
    identity_failures,
    render_html_page,
    render_pipe_text,
)
from pipeline.synth.strategies import html_quirks, reports, text_quirks
from pipeline.synth.web_text import PRESETS, html_to_text

_KEYS = {"requests": ("outcome", "applicant"), "reviews": ("proceeding", "outcome"), "proactive": ("item", "metric")}
_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _got(rep) -> dict:
    cells = {}
    for table, (a, b) in _KEYS.items():
        df = getattr(rep, table)
        for x, y, v in zip(df[a], df[b], df["value"], strict=True):
            cells[(table, x, y)] = None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pipeline_na() \
                else float(v)
    return cells


def pipeline_na():
    import pandas as pd

    return pd.NA


def _assert_same(report, rep) -> None:
    want = expected_cells(report)
    for table in _KEYS:  # SCHEMA: a table printed wholly blank was not filled in: null, not 0
        df = getattr(rep, table)
        if len(df) and (df["cell_state"] == "blank").all():
            want.update({k: None for k in want if k[0] == table})
    totals = rep.requests[rep.requests["applicant"] == "total"]
    if len(totals) and (totals["cell_state"] == "blank").all():  # a wholly blank 总计 column: not published
        want.update({k: None for k in want if k[0] == "requests" and k[2] == "total"})
    got = _got(rep)
    wrong = {k: (got.get(k, "missing"), v) for k, v in want.items()
             if not (k in got and (got[k] == v or (v is not None and got[k] is not None and math.isclose(got[k], v))))}
    assert not wrong, f"{len(wrong)} wrong cells, e.g. {list(wrong.items())[:5]}"
    extra = [k for k in got if k not in want and k[1] != "extra"]
    assert not extra, f"cells not generated: {extra[:5]}"
    assert rep.row["year"] == report.year
    assert rep.row["template"] == report.template
    assert rep.status == "ok", rep.row["error"]


def _assert_checks(report, rep) -> None:
    failed = set(rep.checks.loc[~rep.checks["passed"].astype(bool), "check"])
    evaluated = set(rep.checks["check"])  # a check over a cell that was not printed is not evaluated
    assert failed == set(identity_failures(report)) & evaluated


@_SETTINGS
@given(report=reports(consistent=None), quirks=text_quirks())
def test_pipe_text_round_trip(report, quirks):
    text = render_pipe_text(report, quirks)
    rep = pipeline.extract_bytes(text.encode("utf-8"), "report.txt")
    _assert_same(report, rep)
    _assert_checks(report, rep)


@_SETTINGS
@given(report=reports(consistent=None), quirks=html_quirks(), encoding=st.sampled_from(("utf-8", "gbk", "gb2312")))
def test_html_round_trip(report, quirks, encoding):
    if quirks.traditional:  # what a big5 gateway serves: traditional characters, big5, declared
        encoding, quirks = "big5", dataclasses.replace(quirks, declare_charset=True)
    page = render_html_page(report, quirks, encoding=encoding)
    rep = pipeline.extract_bytes(page, "report.html")
    _assert_same(report, rep)
    _assert_checks(report, rep)


def _printed(doc) -> list[list[str]]:
    """Every table's printed cells, tables in order (a split table 三 may be one table or two)."""
    return [row for t in doc.tables for row in printed_rows(t.rows)]


_FAMILY_CASES = [(family, seed) for family in sorted(PRESETS) for seed in (1, 2, 3)]


@pytest.mark.parametrize(("family", "seed"), _FAMILY_CASES)
def test_web_text_round_trip(family, seed):
    """A page converted to text in each real layout family reads back the page's grid and values (traditional
    characters, tall rows, thousands and signs, a 2021 report on the 2019 labels included across the cases)."""
    rng = random.Random(seed)
    report = generate(rng, year=2019 + seed * 2, consistent=seed != 2, legacy=("20.1",) if seed == 3 else (),
                      activity="medium")
    quirks = HtmlQuirks(traditional=seed == 1, wide_clause=seed != 3, tall_rows=0.2, thousands=0.3, plus_sign=0.5,
                        blank_zero=0.2, dash_zero=0.2, label_typos=0.2, truncate_headers=seed == 2, seed=seed,
                        word_styles=seed != 2, split_cell_text=0.3)
    page = render_html_page(report, quirks)
    text = html_to_text(page, PRESETS[family])
    rep = pipeline.extract_bytes(text.encode("utf-8"), "report.txt")
    _assert_same(report, rep)
    _assert_checks(report, rep)
    assert _printed(read_text(text.encode("utf-8"))) == _printed(read_html(page))
