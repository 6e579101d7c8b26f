"""Round trip: generated reports rendered with real-world quirks extract back to exactly the generated values."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.readers.html import read_html
from pipeline.readers.text import read_text
from pipeline.synth import HtmlQuirks, generate, render_html_page, render_pipe_text
from pipeline.synth.web_text import PRESETS, html_to_text
from tests.roundtrip import assert_checks as _assert_checks
from tests.roundtrip import assert_same as _assert_same
from tests.roundtrip import check_web_text_case, printed, sweep
from tests.strategies import (
    case_combinations,
    case_tags,
    combinations,
    html_quirks,
    reports,
    text_quirks,
    web_text_cases,
)

_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# traditional characters: what a big5 gateway serves (Big5, or Microsoft's and Hong Kong's variants)
_BIG5_OF = {"utf-8": "utf-8", "gbk": "big5", "gb2312": "cp950"}


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
    if quirks.traditional:  # declared or not (the reader then tells Big5 from GB by the characters)
        encoding = _BIG5_OF[encoding]
    page = render_html_page(report, quirks, encoding=encoding)
    rep = pipeline.extract_bytes(page, "report.html")
    _assert_same(report, rep)
    _assert_checks(report, rep)


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
    assert printed(read_text(text.encode("utf-8"))) == printed(read_html(page))


# CI: a seeded sweep (the same cases every run: a failure is reproducible from its seed) plus hypothesis's own
# random cases (new ones every run, shrunk on failure). scripts/web_text_sweep.py runs the same sweep at any size.
SWEEP_N, SWEEP_SEED = 300, 20261206


def test_web_text_round_trip_seeded_sweep():
    """SWEEP_N seeded random pages, then cases forced onto every possible layout x quirk combination the random
    ones missed (`strategies.combinations`): every case reads back exactly (values, checks, and the page's grid,
    whatever the layout), and no combination is left untried."""
    s = sweep(SWEEP_N, SWEEP_SEED, grid=True, cover=2)
    assert not s.missing(), f"combinations never drawn: {s.missing()}"
    assert s.n >= SWEEP_N
    failed = "\n".join(f"{sorted(case_tags(c))}: {msg}" for c, msg in s.failures[:5])
    assert not s.failures, f"{len(s.failures)} of {s.n} cases failed (python scripts/web_text_sweep.py --n {SWEEP_N} " \
                           f"--seed {SWEEP_SEED} --show 1 to see them):\n{failed}"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=web_text_cases())
def test_web_text_round_trip_any_layout(case):
    """Any report page, any HTML quirks (blank, dash and signed cells, tall rows, split tables, traditional
    characters …) converted to text in any layout family with or without row markers, padding, indentation
    and lines of spaces, one layout per table, in any encoding (Big5 for traditional characters): the values
    and checks come back exactly, and the grid is the page's."""
    check_web_text_case(case)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_web_text_round_trip_forced_combination(data):
    """A random possible layout x quirk combination forced on (`web_text_cases(layout, tag)`), the rest random."""
    layout, tag = data.draw(st.sampled_from(combinations()), label="combination")
    case = data.draw(web_text_cases(layout, tag), label="case")
    assert (layout, tag) in case_combinations(case)
    check_web_text_case(case)
