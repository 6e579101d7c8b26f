"""Tests of the synthetic report generator and its renderers (pipeline.synth)."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.synth import (
    HtmlQuirks,
    TextQuirks,
    default_site,
    district_corpus,
    expected_cells,
    generate,
    identity_failures,
    list_entry,
    make_notice,
    render_html_page,
    render_list_page,
    render_notice_page,
    render_pipe_text,
    table_rows,
)
from pipeline.synth.grid import report_grids
from pipeline.synth.templates import APPLICANTS, OTHER_2021, PROCEEDINGS, REVIEW_OUTCOMES, proactive_keys
from tests.strategies import html_quirks, reports, text_quirks

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def decode(text: str) -> float:
    """What a printed value cell means (blank and dash cells are 0; 元 amounts become 万元)."""
    t = unicodedata.normalize("NFKC", text).strip().replace(",", "").lstrip("+").replace("萬", "万")  # as printed
    if t in ("", "-", "—", "/"):
        return 0.0
    m = re.fullmatch(r"(-?[\d.]+)(万元|元|次)?", t)
    assert m, f"unreadable value cell {text!r}"
    return float(m[1]) / 10000 if m[2] == "元" else float(m[1])


def gen(seed: int = 1, **kw) -> object:
    return generate(random.Random(seed), **kw)


def table_lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if "|" in ln]


# ---- values --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("year", [2019, 2020, 2021, 2024])
@pytest.mark.parametrize("activity", ["none", "small", "medium", "large"])
def test_consistent_reports_satisfy_identities(year: int, activity: str) -> None:
    for seed in range(15):
        for single in (False, True):
            r = gen(seed, year=year, activity=activity, single_other=single)
            assert identity_failures(r) == []
            assert all(v >= 0 for (_, m), v in r.requests.items() if v is not None)


@pytest.mark.parametrize("year", [2019, 2022])
def test_inconsistent_reports_break_identities(year: int) -> None:
    for seed in range(40):
        r = gen(seed, year=year, consistent=False, total_published=seed % 3 > 0)
        assert identity_failures(r), seed


def test_identity_check_detects_a_single_change() -> None:
    r = gen(3, year=2021, activity="medium")
    r.requests[("granted", "natural_person")] += 1
    assert set(identity_failures(r)) == {"requests.total_processed.natural_person", "requests.row_total.granted"}
    r.reviews[("litigation_direct", "pending")] += 2
    assert "reviews.total.litigation_direct" in identity_failures(r)


@pytest.mark.parametrize(("year", "single", "n_rows"), [(2019, False, 23), (2020, True, 23), (2021, False, 25),
                                                        (2023, True, 23)])
def test_every_template_row_and_column_present(year: int, single: bool, n_rows: int) -> None:
    r = gen(year=year, single_other=single)
    assert r.template == ("2019" if year < 2021 else "2021")
    outcomes = {o for o, _ in r.requests}
    assert len(outcomes) == n_rows and len(r.requests) == n_rows * 7
    assert {a for _, a in r.requests} == set(APPLICANTS)
    assert ("other" in outcomes) == (r.template == "2019" or single)
    assert set(OTHER_2021) <= outcomes or not set(OTHER_2021) & outcomes
    assert list(r.proactive) == list(proactive_keys(r.template))
    assert len(r.proactive) == (22 if r.template == "2019" else 10)
    assert set(r.reviews) == {(p, o) for p in PROCEEDINGS for o in REVIEW_OUTCOMES}
    assert [s.number for s in r.sections] == [1, 2, 3, 4, 5, 6]
    cells = expected_cells(r)
    assert len(cells) == n_rows * 7 + len(r.proactive) + 15


def test_blank_total_column_is_none_and_titles_are_reports() -> None:
    r = gen(year=2022, total_published=False, activity="small")
    assert all(r.requests[(o, "total")] is None for o in r.outcomes)
    assert all(expected_cells(r)[("requests", o, "total")] is None for o in r.outcomes)
    for seed in range(50):
        t = gen(seed, year=2021).title
        assert "2021年" in t and t.endswith("年度报告") and not t.startswith("关于")


def test_amount_units_and_values() -> None:
    seen = set()
    for seed in range(200):
        r = gen(seed, year=2019 + seed % 6, unit_prob=1.0)
        for (_item, metric), pv in r.proactive.items():
            seen.add(pv.unit)
            assert decode(pv.raw) == pytest.approx(pv.value, rel=1e-12, abs=1e-12)
            assert (pv.unit is None) == (not re.search(r"[元次]$", pv.raw))
            if pv.unit in ("元", "万元"):
                assert metric in ("fee_amount", "procurement_amount")
    assert {"元", "万元", "次", None} <= seen


def test_district_corpus_chains_years() -> None:
    corpus = district_corpus(7)
    agencies = {r.agency for r in corpus}
    assert len(agencies) == 7 and len(corpus) == 7 * 6
    assert sum(1 for a in agencies if a.endswith("人民政府")) == 4
    assert {r.template for r in corpus if r.year < 2021} == {"2019"}
    assert {r.template for r in corpus if r.year >= 2021} == {"2021"}
    assert sum(1 for r in corpus if not r.consistent) == 2
    by = {(r.agency, r.year): r for r in corpus}
    for (agency, year), r in by.items():
        prev = by.get((agency, year - 1))
        if prev:
            for a in APPLICANTS[:6]:
                assert r.requests[("carried_over", a)] == prev.requests[("carried_forward", a)]
            if prev.template == r.template == "2021":
                for item in ("rules", "normative_documents"):
                    p = r.proactive
                    assert p[(item, "in_force")].value == (prev.proactive[(item, "in_force")].value
                                                          + p[(item, "issued")].value - p[(item, "repealed")].value)
        assert not identity_failures(r) or not r.consistent
    assert [r.title for r in district_corpus(7)] == [r.title for r in corpus]


# ---- text ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("year", "single", "n3", "n2"), [(2019, False, 26, 18), (2021, False, 28, 14),
                                                          (2022, True, 26, 14)])
def test_text_table_rows_and_cells(year: int, single: bool, n3: int, n2: int) -> None:
    r = gen(year=year, single_other=single)
    text = render_pipe_text(r)
    rows = dict(table_rows(r, TextQuirks()))
    assert len(rows["requests"]) == n3 and len(rows["proactive"]) == n2 and len(rows["reviews"]) == 4
    assert all(len(c) <= 10 for c in rows["requests"]) and rows["reviews"][-1].__len__() == 15
    assert len(table_lines(text)) == n3 + n2 + 4
    assert all(ln.count("|") == 10 for ln in table_lines(text)[n2:n2 + n3])  # cells closed by |, padded to 10
    lines = text.splitlines()
    assert lines[0] == r.title and lines[1].startswith("本报告")
    assert "统计时限" in lines[1] and f"{year}年1月1日" in lines[1]
    heads = [ln for ln in lines if re.match("^[一二三四五六]、", ln) and "|" not in ln]
    assert [h[0] for h in heads] == list("一二三四五六")
    assert "三、本年度办理结果 | (一)予以公开 | " in text
    assert re.search(r"^(\d+ \| ){14}\d+ \|$", text, re.M)  # table 四: one data row of 15 values


@SETTINGS
@given(reports(consistent=None), text_quirks())
def test_text_cells_mean_the_generated_values(report, quirks: TextQuirks) -> None:
    expected = expected_cells(report)
    seen = {}
    for g in report_grids(report, quirks):
        for row in g.rows:
            for c in row:
                if c.key:
                    seen[c.key] = c.text
                    if expected[c.key] is None:
                        assert c.text == ""
                    else:
                        assert decode(c.text) == pytest.approx(expected[c.key], rel=1e-12, abs=1e-12)
                    assert c.text == "" or expected[c.key] is None or expected[c.key] == 0 or c.text not in "-—/"
    assert set(seen) == set(expected)
    text = render_pipe_text(report, quirks)
    assert text == render_pipe_text(report, quirks)
    assert report.title in text


def quirky_text(**kw) -> str:
    return render_pipe_text(gen(11, year=kw.pop("year", 2021), activity="small", unit_prob=1.0), TextQuirks(**kw))


def test_text_quirks_appear() -> None:
    assert all(ln.startswith("| ") and ln.endswith(" |") for ln in table_lines(quirky_text(layout="markdown")))
    lines = quirky_text(layout="lines").splitlines()
    assert "|" not in "\n".join(lines) and "自然人" in lines and "商业企业" in lines
    assert re.search(r"\| \|+$", quirky_text(trailing_empty=True), re.M)
    assert not re.search(r"\| \|+$", quirky_text(trailing_empty=False), re.M)
    assert "\n |  | 2.其他法律行政法规禁止公开 | " in quirky_text(shift_labels=True)
    assert "\n |  | 2.其他法律行政法规禁止公开 | " not in quirky_text()
    assert "信息内容 | 本年新 | 本年新 | 对外公开总数量" in quirky_text(year=2019, truncate_headers=True)
    with_units, bare = quirky_text(units=True), quirky_text(units=False)
    assert re.search(r"\d(次|万元|元)", "\n".join(table_lines(with_units)))
    assert not re.search(r"\d(次|万元|元)", "\n".join(table_lines(bare)))
    assert re.search("[０-９]", quirky_text(fullwidth_digits=1.0)) and not re.search("[０-９]", quirky_text())
    assert "| 0 |" not in quirky_text(blank_zero=1.0) and " |  | " in quirky_text(blank_zero=1.0)
    dashed = quirky_text(dash_zero=1.0)
    assert "| 0 |" not in dashed and re.search(r"\| [-—/] \|", dashed)
    typos = quirky_text(label_typos=1.0)
    assert "行政法复议" in typos and "社会 公益 组织" in typos and "法律 服 务 机构" in typos
    assert re.search(r"\d、", typos) and ("其他法律行政止公开" in typos or "2、其他法律" in typos)
    assert "第二十条  第(五)项" in quirky_text(clause_spaces=True)
    assert "(一)予以公开" in quirky_text(brackets="half") and "（一）予以公开" in quirky_text(brackets="full")
    assert "（" not in "\n".join(table_lines(quirky_text(brackets="half")))


# ---- HTML ----------------------------------------------------------------------------------------------
def content_tables(page: bytes, encoding: str = "utf-8") -> list:
    soup = BeautifulSoup(page.decode(encoding), "lxml")
    return soup.select("#zoom table")


@pytest.mark.parametrize(("year", "rowspan"), [(2019, 20), (2021, 22)])
def test_html_structure(year: int, rowspan: int) -> None:
    r = gen(year=year)
    page = render_html_page(r, HtmlQuirks(split_cell_text=0, nbsp_padding=0))
    html = page.decode()
    for name in ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ArticleTitle", "PubDate", "ContentSource"):
        assert f'<meta name="{name}"' in html
    assert "网站标识码" in html and "ICP备" in html and html.count("<a ") > 40
    tables = content_tables(page)
    assert len(tables) == 3
    t3 = tables[1].find_all("tr")
    assert len(t3) == 3 + len(r.outcomes)
    assert len(tables[2].find_all("tr")) == 4 and len(tables[2].find_all("tr")[-1].find_all("td")) == 15
    assert f'rowspan="{rowspan}"' in str(tables[1]) and 'rowspan="8"' in str(tables[1])
    assert 'colspan="7"' in str(tables[1]) and 'class="MsoNormalTable"' in html and 'class="MsoNormal"' in html


@SETTINGS
@given(reports(consistent=None), html_quirks(), st.sampled_from(("utf-8", "gbk", "gb2312")))
def test_html_cells_mean_the_generated_values(report, quirks: HtmlQuirks, encoding: str) -> None:
    page = render_html_page(report, quirks, encoding=encoding)
    assert page == render_html_page(report, quirks, encoding=encoding)
    grids = report_grids(report, quirks, quirks.split_before if quirks.split_table3 else None,
                         quirks.misaligned_colspan)
    cells = [c for g in grids for row in g.rows for c in row]
    tds = [td for t in content_tables(page, encoding) for td in t.find_all("td")]
    assert len(tds) == len(cells)
    expected = expected_cells(report)
    for c, td in zip(cells, tds, strict=True):
        wide = quirks.wide_clause and c.kind == "clause"  # one column more than the table (a hidden column)
        assert int(td.get("rowspan", 1)) == c.rowspan and int(td.get("colspan", 1)) == c.colspan + wide
        if c.key:
            want = expected[c.key]
            got = td.get_text("").replace("\xa0", " ")
            assert (got.strip() == "") if want is None else decode(got) == pytest.approx(want, abs=1e-12)


def test_html_quirks_appear() -> None:
    r = gen(4, year=2021, activity="medium")

    def page(**kw) -> str:
        return render_html_page(r, HtmlQuirks(**kw)).decode()

    assert 'name="SiteName"' not in page(meta_tags=False)
    assert "MsoNormal" not in page(word_styles=False)
    split = page(split_table3=True, split_cell_text=0, nbsp_padding=0, label_typos=0)
    assert split.count("<table") == 4 and split.count(">三、本年度办理结果<") == 2
    inline = page(split_table3=True, split_inline=True, split_cell_text=0, nbsp_padding=0)
    assert inline.count("<table") == 3 and inline.count(">三、本年度办理结果<") == 2
    assert 'colspan="8"' in page(misaligned_colspan=True) and 'colspan="8"' not in page()
    assert re.search(r"社会&nbsp;|&nbsp;公益|公益&nbsp;", page(nbsp_padding=1.0, split_cell_text=0))
    assert re.search(r"商业</span></p><p|商业</span><span|商<", page(split_cell_text=1.0, nbsp_padding=0))
    assert "<br/>" in page(split_cell_text=1.0, word_styles=False)
    assert "行政法复议" in page(label_typos=1.0, split_cell_text=0, nbsp_padding=0)
    assert "行政法复议" not in page(label_typos=0.0, split_cell_text=0, nbsp_padding=0)


@pytest.mark.parametrize("encoding", ["gbk", "gb2312"])
def test_gbk_pages(encoding: str) -> None:
    r = gen(2, year=2020)
    bare = render_html_page(r, HtmlQuirks(declare_charset=False), encoding=encoding)
    assert b"charset" not in bare.lower()
    assert r.title in bare.decode(encoding)
    with pytest.raises(UnicodeDecodeError):
        bare.decode("utf-8")
    declared = render_html_page(r, HtmlQuirks(), encoding=encoding)
    assert f"charset={encoding}".encode() in declared
    assert b"charset" in render_html_page(r).lower() and b'<meta charset="utf-8"' in render_html_page(r)


@pytest.mark.parametrize("kind", ["notice", "figures"])
def test_notice_pages_are_not_reports(kind: str) -> None:
    for seed in range(10):
        n = make_notice(random.Random(seed), year=2022, agency="云岭市人民政府", region="云岭市", kind=kind)
        page = render_notice_page(n, encoding="gbk").decode("gbk")
        assert "年度报告" in n.title and n.title in page
        assert "自然人" not in page and "本年度办理结果" not in page
        assert ("<table" in page) == (kind == "figures")


def test_list_page_links_reports() -> None:
    corpus = [r for r in district_corpus(3) if r.agency.endswith("东湖区人民政府") or r.region == "东湖区"]
    corpus = corpus or district_corpus(3)[:6]
    site = default_site(corpus[0].agency, corpus[0].city, corpus[0].region)
    notice = make_notice(random.Random(0), year=2023, agency=site.name)
    entries = [list_entry(d) for d in [*corpus, notice]]
    html = render_list_page(entries, site=site, page=1, n_pages=3).decode()
    soup = BeautifulSoup(html, "lxml")
    links = {a["href"]: a.get_text() for a in soup.select("ul.list a")}
    assert len(links) == len(entries)
    for e in entries:
        assert links[e.href] == e.title and e.href.startswith("./") and e.published.isoformat() in html
    assert 'href="index.htm"' in html and 'href="index_2.htm"' in html


def test_determinism() -> None:
    a, b = gen(99, year=2023), gen(99, year=2023)
    assert a == b
    q = HtmlQuirks(seed=5, split_table3=True, nbsp_padding=0.5)
    assert render_html_page(a, q) == render_html_page(b, q)
    assert render_pipe_text(a, TextQuirks(blank_zero=0.5, seed=3)) == render_pipe_text(b, TextQuirks(blank_zero=0.5, seed=3))
    assert render_pipe_text(a, TextQuirks(blank_zero=0.5, seed=3)) != render_pipe_text(a, TextQuirks(blank_zero=0.5, seed=4))
    assert gen(1, year=2023) != gen(2, year=2023)


def test_the_generator_and_the_demo_import_without_hypothesis() -> None:
    """hypothesis is a dev-only dependency: its strategies live in tests/strategies.py, and every module of
    pipeline.synth (and the demo) imports where it is not installed."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import importlib, pkgutil, sys\nsys.modules['hypothesis'] = None\nimport pipeline.synth, pipeline.demo\n"
            "for m in pkgutil.walk_packages(pipeline.synth.__path__, 'pipeline.synth.'):\n"
            "    importlib.import_module(m.name)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1], check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
