"""Round trip through Word and PDF: generated reports rendered by render_docx (and LibreOffice) extract exactly.

The committed fixtures (scripts/make_office_fixtures.py) are checked against their *.expected.json; freshly
generated reports are rendered to .docx and, when LibreOffice is installed, converted to PDF in the test.
"""

from __future__ import annotations

import json
import math
import random
import shutil
from pathlib import Path

import pytest

import pipeline
from pipeline.synth import CellQuirks, docx_to_pdf, expected_cells, generate, identity_failures, render_docx
from pipeline.synth.render_pdf import render_pdf

OFFICE = Path(__file__).resolve().parent / "fixtures" / "office"
_KEYS = {"requests": ("outcome", "applicant"), "reviews": ("proceeding", "outcome"), "proactive": ("item", "metric")}
REPORTS = ["report_2021", "report_2019_units", "report_2022_per_clause", "report_2021_repeat_header"]
FILES = [f"{n}.docx" for n in REPORTS] + [f"{n}.pdf" for n in REPORTS] + ["report_2021.doc"]
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                   reason="LibreOffice (soffice) not on PATH: cannot convert .doc/.docx")


def _value(v) -> float | None:
    if v is None or v is pd_na() or (isinstance(v, float) and math.isnan(v)):
        return None
    return float(v)


def pd_na():
    import pandas as pd

    return pd.NA


def extracted_cells(rep) -> dict[tuple[str, str, str], float | None]:
    return {(table, x, y): _value(v) for table, (a, b) in _KEYS.items()
            for x, y, v in zip(getattr(rep, table)[a], getattr(rep, table)[b], getattr(rep, table)["value"],
                               strict=True)}


def assert_exact(rep, want: dict, *, year: int, template: str, failures: list[str]) -> None:
    """Every expected cell extracted with its value (blank/dash zeros as printed: 0 or null), nothing extra."""
    assert rep.status == "ok", rep.row["error"]
    for table in _KEYS:  # SCHEMA: a table printed wholly blank was not filled in: null, not 0
        df = getattr(rep, table)
        if len(df) and (df["cell_state"] == "blank").all():
            want = want | {k: None for k in want if k[0] == table}
    totals = rep.requests[rep.requests["applicant"] == "total"]
    if len(totals) and (totals["cell_state"] == "blank").all():  # a 总计 column left blank: not published
        want = want | {k: None for k in want if k[0] == "requests" and k[2] == "total"}
    got = extracted_cells(rep)
    wrong = {k: (got.get(k, "missing"), v) for k, v in want.items()
             if not (k in got and (got[k] == v or (None not in (v, got[k]) and math.isclose(got[k], v))))}
    assert not wrong, f"{len(wrong)} of {len(want)} cells wrong, e.g. {list(wrong.items())[:5]}"
    extra = [k for k in got if k not in want and k[1] != "extra"]
    assert not extra, f"cells not generated: {extra[:5]}"
    assert (rep.row["year"], rep.row["template"]) == (year, template)
    failed = set(rep.checks.loc[~rep.checks["passed"].astype(bool), "check"])
    assert failed == set(failures)


def load_expected(name: str) -> dict:
    doc = json.loads((OFFICE / f"{name}.expected.json").read_text())
    doc["cells"] = {tuple(k.split("|")): v for k, v in doc["cells"].items()}
    return doc


@pytest.mark.parametrize("file", FILES)
def test_fixture_extracts_exactly(file: str) -> None:
    if file.endswith(".doc") and shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) not on PATH: .doc is converted by it")
    exp = load_expected(Path(file).stem)
    rep = pipeline.extract(OFFICE / file)
    assert_exact(rep, exp["cells"], year=exp["year"], template=exp["template"], failures=exp["identity_failures"])


def test_fixture_pdfs_split_table_3_across_pages() -> None:
    """The page breaks land inside table 三, so the reader's stitching is exercised."""
    for name in REPORTS:
        rep = pipeline.extract(OFFICE / f"{name}.pdf")
        assert rep.requests["page"].nunique() >= 2, name
    assert set(pipeline.extract(OFFICE / "report_2021.pdf").requests["page"]) == {2, 3, 4}


def test_borderless_pdf_is_read_without_failing() -> None:
    """Tables drawn without rules go through the word-position fallback: read, but not exactly (see pdf.py)."""
    rep = pipeline.extract(OFFICE / "borderless.pdf")
    assert rep.status in ("ok", "partial")
    assert (rep.row["year"], rep.row["template"]) == (2023, "2021")
    assert len(rep.requests) > 0


# --- freshly generated reports ----------------------------------------------------------------------------
CASES = [  # (seed, year, generate kwargs, quirks, render_docx kwargs)
    (11, 2021, dict(consistent=False), CellQuirks(blank_zero=0.3, dash_zero=0.3, seed=1),
     dict(split_table3=True, filler_before_table3=5)),
    (12, 2019, dict(unit_prob=1.0), CellQuirks(fullwidth_digits=0.3, brackets="mixed", seed=2),
     dict(one_table_per_clause=True, equal_columns=True)),
    (13, 2023, dict(single_other=True, total_published=False), CellQuirks(label_typos=0.5, truncate_headers=True,
                                                                          clause_spaces=True, seed=3),
     dict(repeat_header=True, font_pt=12, filler_before_table3=3)),
    (14, 2024, dict(activity="large"), CellQuirks(fullwidth_digits=1.0, dash_zero=1.0, seed=4),
     dict(font_pt=14, filler_before_table3=1)),
]


def _case(seed: int, year: int, gen: dict):
    return generate(random.Random(seed), year=year, agency="伊春市金林区人民政府", region="金林区", **gen)


@pytest.mark.parametrize(("seed", "year", "gen", "quirks", "options"), CASES)
def test_generated_docx_round_trip(seed, year, gen, quirks, options) -> None:
    report = _case(seed, year, gen)
    rep = pipeline.extract_bytes(render_docx(report, quirks, **options), "report.docx")
    assert_exact(rep, expected_cells(report), year=report.year, template=report.template,
                 failures=identity_failures(report))


@needs_soffice
@pytest.mark.parametrize(("seed", "year", "gen", "quirks", "options"), CASES)
def test_generated_pdf_round_trip(seed, year, gen, quirks, options) -> None:
    report = _case(seed, year, gen)
    pdf = docx_to_pdf(render_docx(report, quirks, **options))
    rep = pipeline.extract_bytes(pdf, "report.pdf")
    assert_exact(rep, expected_cells(report), year=report.year, template=report.template,
                 failures=identity_failures(report))


# --- page breaks that once lost rows or tables (random sweep of 14 pt / split reports) ------------------------
_GOV, _FIN = "伊春市金林区人民政府", "伊春市金林区财政局"
PAGE_BREAK_CASES = {  # cause → (generate seed, generate kwargs, quirks, render_docx kwargs)
    # table 三's header rows end page 2, every value is blank: the header texts were carried down into the
    # blank cells of 一、本年新收 on page 3 (and of table 四's value row in other reports) as group labels
    "header_not_carried_into_blank_values": (
        2305461311, dict(year=2023, agency=_GOV, consistent=True, total_published=False, unit_prob=0.3,
                         activity="none"),
        CellQuirks(units=False, blank_zero=1.0, brackets="half", clause_spaces=True, seed=576),
        dict(split_table3=True, font_pt=10.5, filler_before_table3=8)),
    # the middle page of table 三 holds only dashes and labels one cell per line: no page score selected it
    "continuation_page_without_numbers": (
        721605355, dict(year=2024, agency=_FIN, consistent=False, single_other=True, unit_prob=0.3),
        CellQuirks(units=False, dash_zero=1.0, fullwidth_digits=0.3, label_typos=0.3, brackets="mixed",
                   clause_spaces=True, truncate_headers=True, seed=397),
        dict(one_table_per_clause=True, equal_columns=True, font_pt=12, filler_before_table3=5)),
    # table 四's wrapped header row 结果/维持 cut by the break: the rest on the next page made a row of its own
    "header_row_cut_by_page_break": (
        1823155769, dict(year=2020, agency=_FIN, consistent=True, unit_prob=1.0, activity="none"),
        CellQuirks(units=True, blank_zero=1.0, label_typos=0.3, seed=642),
        dict(one_table_per_clause=True, font_pt=14, filler_before_table3=2)),
    # （五）不予处理 / 1、信访… starts the page after a repeated header; its first value cells are blank, so
    # it was taken for the rest of the cut row 3、补正后… and joined into it
    "numbered_row_not_a_fragment": (
        2427131775, dict(year=2019, agency=_FIN, consistent=False, unit_prob=0.0, activity="none"),
        CellQuirks(units=True, blank_zero=0.3, dash_zero=1.0, label_typos=1.0, brackets="half",
                   truncate_headers=True, seed=807),
        dict(split_table3=True, one_table_per_clause=True, repeat_header=True, font_pt=14, filler_before_table3=8)),
}


@needs_soffice
@pytest.mark.parametrize("cause", list(PAGE_BREAK_CASES))
def test_page_break_regressions(cause: str) -> None:
    seed, gen, quirks, options = PAGE_BREAK_CASES[cause]
    report = generate(random.Random(seed), region="金林区", **gen)
    rep = pipeline.extract_bytes(docx_to_pdf(render_docx(report, quirks, **options)), "report.pdf")
    assert_exact(rep, expected_cells(report), year=report.year, template=report.template,
                 failures=identity_failures(report))


# --- PDFs drawn by reportlab: another producer (STSong-Light, merged cells as boxes, labels at the top) ------
@pytest.mark.parametrize(("seed", "year", "gen", "quirks", "options"), CASES)
def test_generated_reportlab_pdf_round_trip(seed, year, gen, quirks, options) -> None:
    report = _case(seed, year, gen)
    rep = pipeline.extract_bytes(render_pdf(report, quirks, **options), "report.pdf")
    assert_exact(rep, expected_cells(report), year=report.year, template=report.template,
                 failures=identity_failures(report))


@pytest.mark.parametrize("cause", list(PAGE_BREAK_CASES))
def test_reportlab_page_breaks(cause: str) -> None:
    seed, gen, quirks, options = PAGE_BREAK_CASES[cause]
    report = generate(random.Random(seed), region="金林区", **gen)
    rep = pipeline.extract_bytes(render_pdf(report, quirks, **options), "report.pdf")
    assert_exact(rep, expected_cells(report), year=report.year, template=report.template,
                 failures=identity_failures(report))


def test_reportlab_breaks_inside_the_rowspan_label_column() -> None:
    """Table 三 runs over a page break inside 三、本年度办理结果 (a merged label column): read as one table."""
    report = _case(11, 2021, {})
    pdf = render_pdf(report, CellQuirks(seed=5), filler_before_table3=6)
    rep = pipeline.extract_bytes(pdf, "report.pdf")
    assert_exact(rep, expected_cells(report), year=report.year, template=report.template,
                 failures=identity_failures(report))
    outcome_rows = rep.requests[rep.requests["outcome"].isin(["granted", "unavailable_not_held", "carried_forward"])]
    assert outcome_rows["page"].nunique() >= 2  # the break lands inside the group of 三、本年度办理结果
    labels = set(rep.requests.loc[rep.requests["page"] == rep.requests["page"].max(), "row_label"])
    assert any(label.startswith("三、本年度办理结果") for label in labels)  # the label carried to the next page
