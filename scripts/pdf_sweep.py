#!/usr/bin/env python3
"""Random sweep of generated PDF reports: each one read by both table paths and checked against its values.

Generates N reports with random values, quirks and layouts (pipeline.synth), renders them to PDF by
LibreOffice (`--producer soffice`: render_docx + soffice) and/or reportlab (`--producer reportlab`), then for
each PDF: reads it with the fast pdfium path and with pdfplumber on every table page and compares the two
Documents block by block, and extracts it and compares every cell with the generated values (exactly, as
tests/test_office_roundtrip.py does). Prints one line per failure and a summary; `--json` writes per-case
results (to compare two checkouts: run the sweep in each with the same --seed and diff the JSON).

Usage: python scripts/pdf_sweep.py [--n 40] [--seed 1] [--producer soffice|reportlab|both] [--borderless] [--json FILE]
(--borderless: Word tables without borders, LibreOffice only; the extraction of those is not exact, the two paths
must still agree)
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


import pipeline  # noqa: E402
from pipeline.synth import CellQuirks, expected_cells, generate, identity_failures, render_docx  # noqa: E402
from tests.roundtrip import KEYS, got_cells  # noqa: E402

AGENCIES = ("伊春市金林区人民政府", "伊春市金林区财政局", "淮安市洪泽区人民政府", "某某市自然资源局")


def random_case(rng: random.Random) -> dict[str, Any]:
    """Generate kwargs, cell quirks and layout options for one report."""
    year = rng.randint(2019, 2024)
    gen = dict(year=year, agency=rng.choice(AGENCIES), consistent=rng.random() < 0.7,
               single_other=rng.random() < 0.2, total_published=rng.random() < 0.85,
               unit_prob=rng.choice((0.0, 0.3, 1.0)), activity=rng.choice(("none", "small", "medium", "large")))
    quirks = dict(units=rng.random() < 0.5, blank_zero=rng.choice((0.0, 0.3, 1.0)),
                  dash_zero=rng.choice((0.0, 0.3, 1.0)), fullwidth_digits=rng.choice((0.0, 0.3)),
                  label_typos=rng.choice((0.0, 0.3)), brackets=rng.choice(("full", "half", "mixed")),
                  clause_spaces=rng.random() < 0.3, truncate_headers=rng.random() < 0.3, seed=rng.randrange(1000))
    layout = dict(split_table3=rng.random() < 0.3, one_table_per_clause=rng.random() < 0.3,
                  repeat_header=rng.random() < 0.5, equal_columns=rng.random() < 0.2,
                  font_pt=rng.choice((10.5, 11, 12, 14)), filler_before_table3=rng.randint(0, 8))
    return {"seed": rng.randrange(2**31), "gen": gen, "quirks": quirks, "layout": layout}


def report_of(case: dict[str, Any]):  # noqa: ANN201
    return generate(random.Random(case["seed"]), region="金林区", **case["gen"])


def render(case: dict[str, Any], producer: str) -> bytes | None:
    report, quirks = report_of(case), CellQuirks(**case["quirks"])
    if producer == "reportlab":
        from pipeline.synth.render_pdf import render_pdf

        return render_pdf(report, quirks, **case["layout"])
    return render_docx(report, quirks, **case["layout"])  # converted in one batch by soffice


def wrong_cells(rep: Any, report: Any) -> list[str]:
    """Cells that differ from the generated values (blank tables and 总计 columns read as not published)."""
    want = expected_cells(report)
    for table in KEYS:
        df = getattr(rep, table)
        if len(df) and (df["cell_state"] == "blank").all():
            want = want | {k: None for k in want if k[0] == table}
    totals = rep.requests[rep.requests["applicant"] == "total"]
    if len(totals) and (totals["cell_state"] == "blank").all():
        want = want | {k: None for k in want if k[0] == "requests" and k[2] == "total"}
    got = got_cells(rep)
    out = [f"{'.'.join(k)}: {got.get(k, 'missing')} != {v}" for k, v in want.items()
           if not (k in got and (got[k] == v or (None not in (v, got[k]) and math.isclose(got[k], v))))]
    out += [f"{'.'.join(k)}: extra" for k in got if k not in want and k[1] != "extra"]
    if rep.status != "ok":
        out.append(f"status {rep.status}: {rep.row['error']}")
    if (rep.row["year"], rep.row["template"]) != (report.year, report.template):
        out.append(f"year/template {rep.row['year']}/{rep.row['template']}")
    failed = set(rep.checks.loc[~rep.checks["passed"].astype(bool), "check"])
    evaluated = set(rep.checks["check"])  # a check over a cell that was not printed is not evaluated
    if failed != set(identity_failures(report)) & evaluated:
        out.append(f"checks {sorted(failed ^ (set(identity_failures(report)) & evaluated))}")
    return out


def _dump(doc: Any) -> list[Any]:
    from pipeline.document import Table

    return [("T", b.index, b.page, b.caption, [[(c.text, c.row, c.col, c.page, c.spanned) for c in r] for r in b.rows])
            if isinstance(b, Table) else ("P", b.page, b.text) for b in doc.blocks]


def compare_paths(pdf: bytes) -> tuple[bool | None, str]:
    """(both paths give the same Document, the fast path's pages/declines); None when this checkout has one path."""
    from pipeline.readers.pdf import read_pdf

    try:
        fast = read_pdf(pdf, fast=True)
    except TypeError:  # a checkout from before the fast path
        return None, ""
    ref = read_pdf(pdf, fast=False)
    note = f"fast pages {fast.meta.get('pdf_fast_pages') or '-'}"
    if fast.meta.get("pdf_declined"):
        note += f"; declined {fast.meta['pdf_declined']}"
    return _dump(fast) == _dump(ref), note


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--producer", choices=("soffice", "reportlab", "both"), default="both")
    ap.add_argument("--json", type=Path, help="write per-case results here")
    ap.add_argument("--borderless", action="store_true",
                    help="Word tables without borders (soffice only): the text-position grid, both paths")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    cases = [random_case(rng) for _ in range(args.n)]
    if args.borderless:
        for case in cases:
            case["layout"]["ruled"] = False
        args.producer = "soffice"
    producers = ["soffice", "reportlab"] if args.producer == "both" else [args.producer]
    if "soffice" in producers and shutil.which("soffice") is None:
        print("LibreOffice (soffice) not on PATH: the soffice producer is skipped")
        producers.remove("soffice")
    results: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    for producer in producers:
        bodies = [render(c, producer) for c in cases]
        if producer == "soffice":
            from pipeline.synth.render_docx import docx_to_pdfs

            bodies = docx_to_pdfs(bodies, timeout_s=60 + 10 * len(bodies))
        for i, (case, pdf) in enumerate(zip(cases, bodies, strict=True)):
            same, note = compare_paths(pdf)
            rep = pipeline.extract_bytes(pdf, "report.pdf")
            wrong = wrong_cells(rep, report_of(case))
            results.append({"producer": producer, "case": i, "exact": not wrong, "paths_equal": same,
                            "wrong": wrong[:5], "note": note, "params": case})
            if wrong or same is False:
                print(f"{producer} case {i}: {'exact' if not wrong else f'{len(wrong)} wrong: {wrong[:3]}'}; "
                      f"paths {'equal' if same else 'DIFFER' if same is False else 'n/a'}; {note}")
    for producer in producers:
        mine = [r for r in results if r["producer"] == producer]
        declined = sum(1 for r in mine if "declined" in r["note"])
        print(f"{producer}: {sum(r['exact'] for r in mine)}/{len(mine)} exact; paths equal on "
              f"{sum(bool(r['paths_equal']) for r in mine)}/{len(mine)}; {declined} with a declined page")
    print(f"{time.perf_counter() - t0:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
