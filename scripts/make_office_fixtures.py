"""Generate small Word/PDF annual reports (2021 template, merged cells) for the reader tests.

Writes into tests/fixtures/office/ (or --out): report_2021.docx/.pdf/.doc (table 三 split across pages),
report_2021_repeat_header.docx/.pdf (header rows repeated on the next page), borderless.pdf (tables without
rules), encrypted.pdf (password "secret"), and <name>.values.json with every value printed in the tables.
The PDFs and the .doc need LibreOffice (soffice) and a CJK font (fonts-noto-cjk).
Usage: python scripts/make_office_fixtures.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "fixtures" / "office"
FONT = "Noto Sans CJK SC"

APPLICANTS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
# (key, group label in column 1 or None, leaf label in column 2 or None); 三's rows in template order.
OUTCOMES = [
    ("granted", "（一）予以公开", None),
    ("partly_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
    ("denied_state_secret", "（三）不予公开", "1.属于国家秘密"),
    ("denied_other_law", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("denied_three_safeties", "（三）不予公开", "3.危及“三安全一稳定”"),
    ("denied_third_party", "（三）不予公开", "4.保护第三方合法权益"),
    ("denied_internal_affairs", "（三）不予公开", "5.属于三类内部事务信息"),
    ("denied_process_info", "（三）不予公开", "6.属于四类过程性信息"),
    ("denied_enforcement_file", "（三）不予公开", "7.属于行政执法案卷"),
    ("denied_admin_query", "（三）不予公开", "8.属于行政查询事项"),
    ("unavailable_not_held", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("unavailable_needs_creation", "（四）无法提供", "2.没有现成信息需要另行制作"),
    ("unavailable_unclear", "（四）无法提供", "3.补正后申请内容仍不明确"),
    ("not_processed_complaint", "（五）不予处理", "1.信访举报投诉类申请"),
    ("not_processed_duplicate", "（五）不予处理", "2.重复申请"),
    ("not_processed_publication", "（五）不予处理", "3.要求提供公开出版物"),
    ("not_processed_excessive", "（五）不予处理", "4.无正当理由大量反复申请"),
    ("not_processed_confirmation", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    ("other_no_correction", "（六）其他处理",
     "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_unpaid_fee", "（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_misc", "（六）其他处理", "3.其他"),
    ("total_processed", "（七）总计", None),
]
REVIEW_HEAD = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
PROSE = (
    "本年度，本机关坚持以公开为常态、不公开为例外，围绕重点领域信息公开、政策解读和回应关切，"
    "持续完善政府信息公开制度，规范依申请公开办理流程，强化政府网站和政务新媒体的日常监管。"
)


def make_values(seed: int) -> dict:
    """Values for tables 二/三/四 that satisfy the template identities."""
    rng = random.Random(seed)
    requests: dict[str, list[int]] = {}
    leaves = [k for k, _, _ in OUTCOMES if k != "total_processed"]
    for key in leaves:
        requests[key] = [rng.choice([0, 0, 1, 2, 5, 13, 40]) for _ in range(6)]
    requests["total_processed"] = [sum(requests[k][i] for k in leaves) for i in range(6)]
    requests["carried_forward"] = [rng.randint(0, 9) for _ in range(6)]
    requests["carried_over"] = [rng.randint(0, 9) for _ in range(6)]
    requests["new_received"] = [
        requests["total_processed"][i] + requests["carried_forward"][i] - requests["carried_over"][i] for i in range(6)
    ]
    for i in range(6):  # keep new_received non-negative
        if requests["new_received"][i] < 0:
            requests["carried_over"][i] += requests["new_received"][i]
            requests["new_received"][i] = 0
    for row in requests.values():
        row.append(sum(row))
    reviews = []
    for _ in range(3):
        parts = [rng.randint(0, 30) for _ in range(4)]
        reviews += parts + [sum(parts)]
    proactive = {
        "rules": [rng.randint(0, 5), rng.randint(0, 3), rng.randint(5, 40)],
        "normative_documents": [rng.randint(0, 30), rng.randint(0, 20), rng.randint(20, 200)],
        "licensing": rng.randint(100, 500000),
        "penalty": rng.randint(100, 90000),
        "coercion": rng.randint(0, 900),
        "fees": round(rng.uniform(0, 9000), 2),
    }
    return {"proactive": proactive, "requests": requests, "reviews": reviews}


def _set_fonts(doc: Document) -> None:
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(11)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.5)


def _fill(cell, text: str) -> None:
    cell.text = text
    for p in cell.paragraphs:
        p.paragraph_format.space_after = Pt(0)


def _mark_header_rows(table, n: int) -> None:
    for row in table.rows[:n]:
        tr_pr = row._tr.get_or_add_trPr()
        header = OxmlElement("w:tblHeader")
        tr_pr.append(header)


def _table(doc: Document, rows: int, cols: int, ruled: bool):
    table = doc.add_table(rows=rows, cols=cols)
    if ruled:
        table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    return table


def add_table_2(doc: Document, v: dict, ruled: bool = True) -> None:
    p = v["proactive"]
    layout = [
        ["第二十条第（一）项"], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", *map(str, p["rules"])], ["行政规范性文件", *map(str, p["normative_documents"])],
        ["第二十条第（五）项"], ["信息内容", "本年处理决定数量"], ["行政许可", str(p["licensing"])],
        ["第二十条第（六）项"], ["信息内容", "本年处理决定数量"], ["行政处罚", str(p["penalty"])],
        ["行政强制", str(p["coercion"])], ["第二十条第（八）项"], ["信息内容", "本年收费金额（单位：万元）"],
    ]
    layout.append(["行政事业性收费", str(p["fees"])])
    t = _table(doc, len(layout), 4, ruled)
    for r, texts in enumerate(layout):
        row = t.rows[r]
        if len(texts) == 1:
            cell = row.cells[0].merge(row.cells[3])
            _fill(cell, texts[0])
        elif len(texts) == 2:
            _fill(row.cells[0], texts[0])
            _fill(row.cells[1].merge(row.cells[3]), texts[1])
        else:
            for c, text in enumerate(texts):
                _fill(row.cells[c], text)


def add_table_3(doc: Document, v: dict, ruled: bool = True, repeat_header: bool = False) -> None:
    req = v["requests"]
    n_rows = 3 + 2 + len(OUTCOMES) + 1
    t = _table(doc, n_rows, 10, ruled)
    cells = lambda r: t.rows[r].cells  # noqa: E731
    _fill(cells(0)[0].merge(cells(2)[2]), "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
    _fill(cells(0)[3].merge(cells(0)[9]), "申请人情况")
    _fill(cells(1)[3].merge(cells(2)[3]), "自然人")
    _fill(cells(1)[4].merge(cells(1)[8]), "法人或其他组织")
    _fill(cells(1)[9].merge(cells(2)[9]), "总计")
    for i, name in enumerate(APPLICANTS[1:6]):
        _fill(cells(2)[4 + i], name)

    def values(r: int, key: str) -> None:
        for i, x in enumerate(req[key]):
            _fill(cells(r)[3 + i], str(x))

    _fill(cells(3)[0].merge(cells(3)[2]), "一、本年新收政府信息公开申请数量")
    values(3, "new_received")
    _fill(cells(4)[0].merge(cells(4)[2]), "二、上年结转政府信息公开申请数量")
    values(4, "carried_over")
    first, last = 5, 5 + len(OUTCOMES) - 1
    _fill(cells(first)[0].merge(cells(last)[0]), "三、本年度办理结果")
    r = first
    while r <= last:
        key, group, leaf = OUTCOMES[r - first]
        if leaf is None:
            _fill(cells(r)[1].merge(cells(r)[2]), group)
            values(r, key)
            r += 1
            continue
        end = r
        while end + 1 <= last and OUTCOMES[end + 1 - first][1] == group:
            end += 1
        _fill(cells(r)[1].merge(cells(end)[1]), group)
        for rr in range(r, end + 1):
            _fill(cells(rr)[2], OUTCOMES[rr - first][2])
            values(rr, OUTCOMES[rr - first][0])
        r = end + 1
    _fill(cells(n_rows - 1)[0].merge(cells(n_rows - 1)[2]), "四、结转下年度继续办理")
    values(n_rows - 1, "carried_forward")
    if repeat_header:
        _mark_header_rows(t, 3)


def add_table_4(doc: Document, v: dict, ruled: bool = True) -> None:
    t = _table(doc, 4, 15, ruled)
    c = lambda r: t.rows[r].cells  # noqa: E731
    _fill(c(0)[0].merge(c(0)[4]), "行政复议")
    _fill(c(0)[5].merge(c(0)[14]), "行政诉讼")
    for i, h in enumerate(REVIEW_HEAD):
        _fill(c(1)[i].merge(c(2)[i]), h)
        _fill(c(2)[5 + i], h)
        _fill(c(2)[10 + i], h)
    _fill(c(1)[5].merge(c(1)[9]), "未经复议直接起诉")
    _fill(c(1)[10].merge(c(1)[14]), "复议后起诉")
    for i, x in enumerate(v["reviews"]):
        _fill(c(3)[i], str(x))


def build_docx(values: dict, path: Path, *, prose_before_3: int = 6, prose_pages: int = 0, ruled: bool = True,
               repeat_header: bool = False) -> None:
    """Write a report in the 2021 layout; prose_before_3 paragraphs move table 三 down to split it."""
    doc = Document()
    _set_fonts(doc)
    doc.core_properties.title = "示例市人民政府2023年政府信息公开工作年度报告"
    doc.add_paragraph("示例市人民政府")
    doc.add_paragraph("2023年政府信息公开工作年度报告")
    doc.add_paragraph("本报告由示例市⼈⺠政府办公室根据《中华⼈⺠共和国政府信息公开条例》编制。")
    doc.add_paragraph("一、总体情况")
    for _ in range(prose_pages * 11):
        doc.add_paragraph(PROSE * 2)
    doc.add_paragraph(PROSE)
    doc.add_paragraph("二、主动公开政府信息情况")
    add_table_2(doc, values, ruled)
    for _ in range(prose_before_3):
        doc.add_paragraph(PROSE)
    doc.add_paragraph("三、收到和处理政府信息公开申请情况")
    add_table_3(doc, values, ruled, repeat_header)
    doc.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    add_table_4(doc, values, ruled)
    doc.add_paragraph("五、存在的主要问题及改进情况")
    doc.add_paragraph(PROSE)
    doc.add_paragraph("六、其他需要报告的事项")
    doc.add_paragraph("本年度未收取信息处理费。")
    doc.save(path)


def soffice_convert(src: Path, target: str, outdir: Path, timeout: float = 180) -> Path:
    """Convert with LibreOffice (target e.g. "pdf", "doc", or a full filter spec); returns the new file."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("soffice not found: apt-get install -y libreoffice-writer-nogui fonts-noto-cjk")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
             "--outdir", str(outdir), str(src)],
            check=True, capture_output=True, timeout=timeout,
        )
    ext = target.split(":")[0]
    return outdir / f"{src.stem}.{ext}"


ENCRYPT = (
    'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
    '"DocumentOpenPassword":{"type":"string","value":"secret"}}'
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    out = ap.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    specs = {
        "report_2021": dict(seed=1, prose_before_3=9),
        "report_2021_repeat_header": dict(seed=2, prose_before_3=3, repeat_header=True),
        "borderless": dict(seed=3, prose_before_3=0, ruled=False),
    }
    for name, spec in specs.items():
        values = make_values(spec.pop("seed"))
        docx_path = out / f"{name}.docx"
        build_docx(values, docx_path, **spec)
        (out / f"{name}.values.json").write_text(json.dumps(values, ensure_ascii=False, indent=1) + "\n")
        soffice_convert(docx_path, "pdf", out)
    soffice_convert(out / "report_2021.docx", "doc", out)
    with tempfile.TemporaryDirectory() as tmp:
        enc_src = Path(tmp) / "encrypted.docx"
        shutil.copy(out / "report_2021.docx", enc_src)
        soffice_convert(enc_src, ENCRYPT, out)
    (out / "borderless.docx").unlink()  # only its PDF is a fixture
    for f in sorted(out.iterdir()):
        print(f"{f.stat().st_size:>8}  {f.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
