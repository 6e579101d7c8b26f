"""Real published reports: every text and HTML document scores 100% against its hand-checked truth."""

from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd
import pytest

import pipeline
from pipeline import devdata
from tests import conftest
from tests.conftest import LEGACY_SCORER, REPO, SCORER

TEXT_AND_HTML_TRUTH = ["2019_jinlin_seed.txt", "2019_pingtan_page.html", "2021_pingtan_page.html",
                       "2022_pingtan_page.html", "2024_pingtan_page.html",
                       "2020_yangling-qu-tongjiju_pages-excerpt.txt",  # one cell per line, `||||` padding
                       "2022_jurong-shuiliju_pages-excerpt.txt",  # padded multi-line cells, row markers
                       "2020_hainan-haishiju_pages-excerpt.txt"]  # traditional characters (big5 gateway)


@pytest.fixture(scope="module")
def extracted(corpus_extracted):
    return corpus_extracted


def test_scorer_reports_every_text_and_html_cell_right(corpus, extracted):
    proc = subprocess.run([sys.executable, str(SCORER), str(extracted), str(corpus), "--files",
                           ",".join(TEXT_AND_HTML_TRUTH)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "metadata errors 0" in proc.stdout
    for name in TEXT_AND_HTML_TRUTH:
        assert f"{name}: " in proc.stdout


PDF_TRUTH = ["2023_hongze-qu.pdf", "2024_hongze-qu.pdf", "2024_huaian-shizhengfu.pdf",
             "2021_pingtan_browser.pdf", "2024_pingtan_browser.pdf"]  # pages printed by headless Chromium


def test_scorer_reports_every_pdf_cell_right(corpus, extracted):
    proc = subprocess.run([sys.executable, str(SCORER), str(extracted), str(corpus), "--files", ",".join(PDF_TRUTH)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"perfect files {len(PDF_TRUTH)}/{len(PDF_TRUTH)}" in proc.stdout and "metadata errors 0" in proc.stdout


def test_published_identity_breaks_are_flagged_not_corrected(corpus, extracted):
    reports = pd.read_parquet(extracted / "reports.parquet")
    checks = pd.read_parquet(extracted / "checks.parquet")
    rid = reports.loc[reports["source_path"].str.endswith("2023_hongze-qu.pdf"), "report_id"].iloc[0]
    failed = set(checks.loc[(checks["report_id"] == rid) & ~checks["passed"].astype(bool), "check"])
    assert failed == {"reviews.total.admin_review", "reviews.total.litigation_after_review"}
    reviews = pd.read_parquet(extracted / "reviews.parquet")
    total = reviews[(reviews["report_id"] == rid) & (reviews["proceeding"] == "admin_review")
                    & (reviews["outcome"] == "total")]["value"]
    assert list(total) == [0]  # the published total, kept as printed


def test_every_corpus_file_gets_a_report_row(corpus, extracted):
    reports = pd.read_parquet(extracted / "reports.parquet")
    names = set(reports["source_path"].map(lambda p: p.rsplit("/", 1)[-1]))
    for f in corpus.iterdir():
        if f.suffix not in (".json", ".csv") and f.name != "README.md":
            assert f.name in names


@pytest.mark.parametrize("name,year,status", [
    ("2017_pingtan_page.html", 2017, "ok"), ("2018_pingtan_page.html", 2018, "ok"),
    ("2012_nanping-shi_pages-excerpt.txt", 2012, "no_tables"),
    ("2016_shulan-shichangjianguan_pages-excerpt.txt", 2016, "no_tables"),
])
def test_reports_before_the_national_template_are_pre2019(corpus, name, year, status):
    """Key figures, never national tables; the two excerpts print no figure at all (read by hand)."""
    rep = pipeline.extract(corpus / name)
    assert (rep.row["year"], rep.row["template"], rep.status) == (year, "pre2019", status)
    assert len(rep.proactive) == len(rep.requests) == len(rep.reviews) == 0
    assert (len(rep.legacy) > 0) == (status == "ok")


def test_every_pingtan_key_figure_scores(corpus, extracted):
    proc = subprocess.run([sys.executable, str(LEGACY_SCORER), str(extracted), str(corpus), "--all"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "perfect files 2/2" in proc.stdout


def test_pingtan_2017_cumulative_restart_and_prose_kept_apart(corpus, extracted):
    reports = pd.read_parquet(extracted / "reports.parquet")
    legacy = pd.read_parquet(extracted / "legacy.parquet")
    rid = reports.loc[reports["source_path"].str.endswith("2017_pingtan_page.html"), "report_id"].iloc[0]
    rows = legacy[(legacy["report_id"] == rid) & (legacy["key"] == "proactive.total")]
    got = {(s, p): v for s, p, v in zip(rows["source"], rows["period"], rows["value"], strict=True)}
    assert got == {("table", "year"): 2122, ("table", "cumulative"): 10037, ("prose", "year"): 2122}
    assert set(rows["family"]) == {"FJ-PT", "prose"} and set(rows["relation"]) == {"—"}
    checks = pd.read_parquet(extracted / "checks.parquet")
    mine = checks[checks["report_id"] == rid]
    assert set(mine["severity"]) == {"warning"} and mine["passed"].all()
    assert "legacy.prose_vs_table.proactive.total" in set(mine["check"])


@pytest.mark.parametrize("name,year", [("2022_yangling-shenjiju_pages-excerpt.txt", 2022),
                                       ("2023_changchun-tuiyijunren_pages-excerpt.md", 2023)])
def test_excerpts_that_stop_mid_table_are_partial_with_what_is_there(corpus, name, year):
    rep = pipeline.extract(corpus / name)
    assert rep.status == "partial"
    assert rep.row["template"] == "2021" and rep.row["year"] == year
    pro = rep.proactive.set_index(["item", "metric"])["value"]
    assert pro[("rules", "issued")] == 0 and pro[("fees", "fee_amount")] == 0
    assert "table 三" in rep.row["error"] or "table 四" in rep.row["error"]


def test_changchun_excerpt_keeps_the_rows_it_prints(corpus):
    rep = pipeline.extract(corpus / "2023_changchun-tuiyijunren_pages-excerpt.md")
    req = rep.requests.set_index(["outcome", "applicant"])["value"]
    assert req[("new_received", "natural_person")] == 3 and req[("new_received", "total")] == 3
    assert set(rep.requests["outcome"]) == {"new_received", "carried_over"}


def test_pingtan_page_metadata_from_government_meta_tags(corpus):
    row = pipeline.extract(corpus / "2022_pingtan_page.html").row
    assert row["title"] == "平潭综合实验区2022年度政府信息公开工作年度报告"
    assert row["published_date"] == "2023-02-20"
    assert row["site_id_code"] == "3590000001"
    assert row["region"] == "平潭综合实验区"


def test_seed_provenance_and_units(corpus):
    rep = pipeline.extract(corpus / "2019_jinlin_seed.txt")
    pro = rep.proactive.set_index(["item", "metric"])
    assert pro.loc[("procurement", "procurement_amount"), "value"] == 3967
    assert pro.loc[("procurement", "procurement_amount"), "unit"] == "万元"
    assert pro.loc[("procurement", "procurement_count"), "raw"] == "335次"
    assert rep.row["agency"] == "金林区人民政府" and rep.row["region"] == "金林区"
    assert list(rep.sections["number"]) == [1, 2, 3, 4, 5, 6]
    assert rep.sections.iloc[5]["text"] == "无"
    assert rep.checks["passed"].all() and len(rep.checks) > 30


def test_pingtan_2019_procurement_amount_in_yuan_is_converted_to_wan(corpus):
    pro = pipeline.extract(corpus / "2019_pingtan_page.html").proactive.set_index(["item", "metric"])
    cell = pro.loc[("procurement", "procurement_amount")]
    assert cell["value"] == pytest.approx(7539.443252) and cell["unit"] == "元"
    assert cell["raw"] == "75394432.52元"


@pytest.mark.parametrize("name,year,template", [
    ("2020_yangling-qu-tongjiju_pages-excerpt.txt", 2020, "2019"), ("2022_jurong-shuiliju_pages-excerpt.txt", 2022, "2021"),
    ("2020_hainan-haishiju_pages-excerpt.txt", 2020, "2019"),
])
def test_excerpts_in_every_text_layout_keep_what_they_print_and_invent_nothing(corpus, name, year, template):
    rep = pipeline.extract(corpus / name)
    assert (rep.row["year"], rep.row["template"], rep.status) == (year, template, "partial")
    assert set(rep.proactive["clause"]) <= {"20.1", "20.5", "20.6", "20.8"}
    assert rep.requests.empty and rep.reviews.empty  # the excerpts stop before tables 三 and 四


def test_traditional_labels_are_matched_but_kept_as_printed(corpus):
    rep = pipeline.extract(corpus / "2020_hainan-haishiju_pages-excerpt.txt")
    pro = rep.proactive.set_index(["item", "metric"])
    cell = pro.loc[("normative_documents", "total_published")]
    assert cell["value"] == 33 and cell["row_label"] == "規範性文件" and cell["col_label"] == "對外公開總數量"
    assert pro.loc[("normative_documents", "new_made"), "col_label"] == "本年新 製作數量"


def test_one_cell_per_line_excerpt_stops_mid_label_without_a_row_for_it(corpus):
    rep = pipeline.extract(corpus / "2020_yangling-qu-tongjiju_pages-excerpt.txt")
    assert len(rep.proactive) == 18 and set(rep.proactive["cell_state"]) == {"number"}
    assert "fees" not in set(rep.proactive["item"])  # the text stops at "第二十条第(八)项 |" / "||||" / "信"


def test_browser_print_rows_after_each_page_break_keep_their_label_path(corpus):
    rep = pipeline.extract(corpus / "2021_pingtan_browser.pdf")
    req = rep.requests.set_index(["outcome", "applicant"])
    after_break = req.loc[("denied_admin_query", "natural_person")]  # first row of page 6, inside （三）
    assert after_break["value"] == 1 and after_break["page"] == 6
    assert "三、本年度办理结果" in after_break["row_label"] and "（三）不予公开" in after_break["row_label"]
    assert req.loc[("other_misc", "total"), "value"] == 1 and req.loc[("other_misc", "total"), "page"] == 7


def test_the_corpus_is_located_in_one_place():
    """../shared beside the checkout, resolved by pipeline.devdata alone: the tests and scripts have no path of
    their own, and nothing anywhere a machine-specific one."""
    assert devdata.CORPUS == REPO.parent / "shared" / "corpus" and conftest.CORPUS == devdata.CORPUS
    assert (conftest.SCORER, conftest.LEGACY_SCORER) == (devdata.SCORER, devdata.LEGACY_SCORER)
    own = re.compile(r"""["']shared["']\s*/\s*["']corpus["']""")
    fixed = re.compile(r"/work/shared|/home/\w+/")
    offenders = []
    for folder in ("tests", "scripts", "benchmarks", "pipeline", "scrapers"):
        for path in (REPO / folder).rglob("*.py"):
            if path.name == "test_corpus.py":  # the patterns above
                continue
            text = path.read_text(encoding="utf-8")
            if fixed.search(text):
                offenders.append(f"{path}: a machine-specific path")
            if folder in ("tests", "scripts") and own.search(text):
                offenders.append(f"{path}: its own corpus path (use pipeline.devdata / tests.conftest)")
    assert offenders == []
