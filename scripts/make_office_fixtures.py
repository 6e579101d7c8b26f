"""Generate the Word/PDF fixtures of the reader and round-trip tests from SyntheticReport values.

Writes into tests/fixtures/office/ (or --out), each rendered by pipeline.synth.render_docx:
  report_2021.docx/.pdf/.doc   2021 template, radicals (⼈⺠) in the intro, table 三 across pages 2–4
  report_2019_units.docx/.pdf  2019 template, units (次, 万元, 元), zeros as dashes or blanks
  report_2022_per_clause.docx/.pdf  table 二 one table per clause, table 三 as two Word tables, full-width digits
  report_2021_repeat_header.docx/.pdf  table 三's header rows repeated on the next page
  borderless.pdf               tables drawn without rules (the word-position fallback)
  encrypted.pdf                report_2021 with the open password "secret"
and beside each report <name>.expected.json: year, template, title, identity_failures and expected_cells
(keys "table|key1|key2"). PDFs and the .doc need LibreOffice (soffice) and fonts-noto-cjk.
Usage: python scripts/make_office_fixtures.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.libreoffice import convert  # noqa: E402
from pipeline.synth import (  # noqa: E402
    CellQuirks,
    SyntheticReport,
    expected_cells,
    generate,
    identity_failures,
    render_docx,
)

OUT = ROOT / "tests" / "fixtures" / "office"
ENCRYPT = (
    'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
    '"DocumentOpenPassword":{"type":"string","value":"secret"}}'
)


def fixture_reports() -> dict[str, tuple[SyntheticReport, CellQuirks, dict]]:
    """name → (report, cell quirks, render_docx options) for every committed report fixture."""
    r2021 = generate(random.Random(1), year=2023, agency="示例市人民政府", region="示例市", activity="medium")
    r2021.intro = r2021.intro.replace("人民", "⼈⺠")  # Kangxi 人 and CJK-supplement 民, as PDFs carry them
    r2019 = generate(random.Random(2), year=2020, agency="示例市财政局", region="示例市", unit_prob=1.0,
                     activity="small")
    r2022 = generate(random.Random(3), year=2022, agency="示例市东湖区人民政府", region="东湖区", consistent=False,
                     activity="medium")
    r_rep = generate(random.Random(4), year=2021, agency="示例市西山区人民政府", region="西山区", single_other=True,
                     activity="large")
    r_bl = generate(random.Random(5), year=2023, agency="示例市南湾区人民政府", region="南湾区", activity="small")
    return {
        "report_2021": (r2021, CellQuirks(), dict(filler_before_table3=7)),
        "report_2019_units": (r2019, CellQuirks(units=True, dash_zero=0.5, blank_zero=0.2, seed=2),
                              dict(filler_before_table3=3)),
        "report_2022_per_clause": (r2022, CellQuirks(fullwidth_digits=0.3, brackets="half", clause_spaces=True,
                                                     label_typos=0.2, seed=3),
                                   dict(one_table_per_clause=True, split_table3=True, filler_before_table3=2)),
        "report_2021_repeat_header": (r_rep, CellQuirks(), dict(repeat_header=True, filler_before_table3=4)),
        "borderless": (r_bl, CellQuirks(), dict(ruled=False)),
    }


def expected_json(report: SyntheticReport) -> dict:
    """What an extractor should produce for a report, JSON-ready (cell keys joined with "|")."""
    return {
        "year": report.year,
        "template": report.template,
        "title": report.title,
        "identity_failures": identity_failures(report),
        "cells": {"|".join(k): v for k, v in expected_cells(report).items()},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    out: Path = ap.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.values.json"):  # the former hand-made values files
        old.unlink()
    for name, (report, quirks, options) in fixture_reports().items():
        docx_path = out / f"{name}.docx"
        docx_path.write_bytes(render_docx(report, quirks, **options))
        doc = expected_json(report) | {"options": options, "quirks": repr(quirks)}
        (out / f"{name}.expected.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
        convert([docx_path], "pdf", out)
    convert([out / "report_2021.docx"], "doc", out)
    with tempfile.TemporaryDirectory() as tmp:
        enc_src = Path(tmp) / "encrypted.docx"
        shutil.copy(out / "report_2021.docx", enc_src)
        convert([enc_src], ENCRYPT, out)
    (out / "borderless.docx").unlink()  # only its PDF is a fixture
    total = 0
    for f in sorted(out.iterdir()):
        total += f.stat().st_size
        print(f"{f.stat().st_size:>8}  {f.relative_to(ROOT) if f.is_relative_to(ROOT) else f}")
    print(f"{total:>8}  total")


if __name__ == "__main__":
    main()
