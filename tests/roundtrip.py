"""Round-trip assertions shared by the property tests and scripts/web_text_sweep.py: the values, checks and
printed grid an extraction gives back, compared with what the generator made."""

from __future__ import annotations

import math

import pandas as pd

import pipeline
from pipeline.readers.html import read_html
from pipeline.readers.pipe_grid import printed_rows
from pipeline.readers.text import read_text
from pipeline.synth import expected_cells, identity_failures, render_html_page
from pipeline.synth.strategies import WebTextCase
from pipeline.synth.web_text import html_to_text

KEYS = {"requests": ("outcome", "applicant"), "reviews": ("proceeding", "outcome"), "proactive": ("item", "metric")}


def got_cells(rep) -> dict:
    cells = {}
    for table, (a, b) in KEYS.items():
        df = getattr(rep, table)
        for x, y, v in zip(df[a], df[b], df["value"], strict=True):
            cells[(table, x, y)] = None if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) \
                else float(v)
    return cells


def assert_same(report, rep) -> None:
    """Every generated cell comes back with its value (null where not published), nothing else, right year,
    template and status."""
    want = expected_cells(report)
    for table in KEYS:  # SCHEMA: a table printed wholly blank was not filled in: null, not 0
        df = getattr(rep, table)
        if len(df) and (df["cell_state"] == "blank").all():
            want.update({k: None for k in want if k[0] == table})
    totals = rep.requests[rep.requests["applicant"] == "total"]
    if len(totals) and (totals["cell_state"] == "blank").all():  # a wholly blank 总计 column: not published
        want.update({k: None for k in want if k[0] == "requests" and k[2] == "total"})
    got = got_cells(rep)
    wrong = {k: (got.get(k, "missing"), v) for k, v in want.items()
             if not (k in got and (got[k] == v or (v is not None and got[k] is not None and math.isclose(got[k], v))))}
    assert not wrong, f"{len(wrong)} wrong cells, e.g. {list(wrong.items())[:5]}"
    extra = [k for k in got if k not in want and k[1] != "extra"]
    assert not extra, f"cells not generated: {extra[:5]}"
    assert rep.row["year"] == report.year
    assert rep.row["template"] == report.template
    assert rep.status == "ok", rep.row["error"]


def assert_checks(report, rep) -> None:
    """The failed identities are those the generator broke (among the evaluated ones)."""
    failed = set(rep.checks.loc[~rep.checks["passed"].astype(bool), "check"])
    evaluated = set(rep.checks["check"])  # a check over a cell that was not printed is not evaluated
    assert failed == set(identity_failures(report)) & evaluated


def printed(doc) -> list[list[str]]:
    """Every table's printed cells, tables in order (a split table 三 may be one table or two)."""
    return [row for t in doc.tables for row in printed_rows(t.rows)]


def page_of(case: WebTextCase) -> bytes:
    return render_html_page(case.report, case.quirks)


def web_text_of(case: WebTextCase) -> str:
    return html_to_text(page_of(case), case.layouts)


def check_web_text_case(case: WebTextCase, grid: bool = True) -> None:
    """The page converted to text (in the case's encoding) extracts to the generated values and checks; where
    every layout marks its rows (`grid`), the text reader also gives the page's printed grid."""
    page = page_of(case)
    text = html_to_text(page, case.layouts)
    data = case.encode(text)
    rep = pipeline.extract_bytes(data, "report.txt")
    assert_same(case.report, rep)
    assert_checks(case.report, rep)
    if grid and all(q.marks_rows for q in case.layouts):
        assert printed(read_text(data)) == printed(read_html(page))


def quirk_summary(case: WebTextCase) -> set[str]:
    """The layouts and the quirks that are on, as short tags (for the sweep's failure statistics)."""
    tags = {f"family={q.family}" for q in case.layouts}
    for q in case.layouts:
        tags |= {name for name in ("marker", "pad", "pad_last_row", "gap_lines", "title") if getattr(q, name)}
        if q.indent:
            tags.add("indent")
        if not q.marks_rows:
            tags.add("unmarked")
    if len({q for q in case.layouts}) > 1:
        tags.add("mixed")
    qk = case.quirks
    for name in ("traditional", "word_styles", "split_table3", "split_inline", "misaligned_colspan", "wide_clause",
                 "truncate_headers", "units", "clause_spaces"):
        if getattr(qk, name):
            tags.add(name)
    for name in ("tall_rows", "blank_zero", "dash_zero", "thousands", "plus_sign", "fullwidth_digits",
                 "label_typos", "split_cell_text", "nbsp_padding"):
        if getattr(qk, name):
            tags.add(name)
    r = case.report
    tags |= {f"template={r.template}", f"enc={case.encoding}"}
    if r.legacy:
        tags.add("legacy_20.1")
    if r.single_other:
        tags.add("single_other")
    if any(v is None for v in r.requests.values()):
        tags.add("total_blank")
    return tags
