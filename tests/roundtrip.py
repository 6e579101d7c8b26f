"""Round-trip assertions shared by the property tests and scripts/web_text_sweep.py: the values, checks and
printed grid an extraction gives back, compared with what the generator made."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

import pipeline
from pipeline.readers.html import read_html
from pipeline.readers.pipe_grid import printed_rows
from pipeline.readers.text import read_text
from pipeline.synth import expected_cells, identity_failures, render_html_page
from pipeline.synth.web_text import html_to_text
from tests.strategies import WebTextCase, case_combinations, case_tags, combinations, web_text_cases

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
    """The page converted to text (in the case's encoding) extracts to the generated values and checks; with
    `grid`, the text reader also gives the page's printed grid (every layout, unmarked cells one per line too)."""
    page = page_of(case)
    text = html_to_text(page, case.layouts)
    data = case.encode(text)
    rep = pipeline.extract_bytes(data, "report.txt")
    assert_same(case.report, rep)
    assert_checks(case.report, rep)
    if grid:
        assert printed(read_text(data)) == printed(read_html(page))


@dataclass
class Sweep:
    """What a sweep of web-text round trips drew and which examples failed."""

    n: int = 0
    tags: Counter[str] = field(default_factory=Counter)  # examples per tag (layouts as family=…)
    combos: Counter[tuple[str, str]] = field(default_factory=Counter)  # examples per (layout, tag)
    bad_tags: Counter[str] = field(default_factory=Counter)
    bad_combos: Counter[tuple[str, str]] = field(default_factory=Counter)
    failures: list[tuple[WebTextCase, str]] = field(default_factory=list)
    forced: int = 0  # examples drawn to cover combinations the random ones missed

    def missing(self) -> list[tuple[str, str]]:
        """Possible (layout, tag) combinations no example exercised."""
        return [c for c in combinations() if not self.combos[c]]

    def check(self, case: WebTextCase, grid: bool, on_fail: Callable[[int, WebTextCase, str], None] | None) -> None:
        self.n += 1
        tags, combos = case_tags(case), case_combinations(case)
        self.tags.update(tags)
        self.combos.update(combos)
        try:
            check_web_text_case(case, grid=grid)
        except Exception as e:  # noqa: BLE001 - a sweep records every failure
            self.bad_tags.update(tags)
            self.bad_combos.update(combos)
            self.failures.append((case, f"{type(e).__name__}: {str(e)[:300]}"))
            if on_fail:
                on_fail(self.n, case, self.failures[-1][1])


def sweep(n: int, seed: int, *, grid: bool = True, cover: int = 2,
          on_fail: Callable[[int, WebTextCase, str], None] | None = None) -> Sweep:
    """`n` random web-text cases (hypothesis generation with `seed`, no shrinking), then `cover` cases forced onto
    every possible (layout, tag) combination the random ones missed; every failure is recorded (see `Sweep`)."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed

    out = Sweep()
    quiet = settings(deadline=None, database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))

    def run(strategy, examples: int, seed_: int) -> None:
        @hseed(seed_)
        @settings(quiet, max_examples=examples)
        @given(case=strategy)
        def one(case: WebTextCase) -> None:
            out.check(case, grid, on_fail)

        one()

    run(web_text_cases(), n, seed)
    if cover:
        for k, (layout, tag) in enumerate(out.missing()):
            before = out.n
            run(web_text_cases(layout, tag), cover, seed * 1000 + k)
            out.forced += out.n - before
    return out
