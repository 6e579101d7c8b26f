"""Traditional-character labels, rules that close tables a page break cut open, and browser-printed round trips."""

from __future__ import annotations

import random

import pytest

import pipeline
from pipeline import labels
from pipeline.fold import fold_label, to_simplified
from pipeline.readers.pdf import closing_rules
from pipeline.synth import HtmlQuirks, generate, render_html_page
from pipeline.synth.render_print import chromium_path, print_page
from pipeline.text import core, fold
from tests.roundtrip import assert_same as _assert_same


def test_template_labels_are_unchanged_by_folding():
    texts = [o.label for o in labels.outcomes()] + [m.label for m in labels.metrics()] + [i.label for i in labels.items()]
    texts += [a.label for a in labels.applicants()] + [s.title for s in labels.sections()]
    assert [to_simplified(t) for t in texts] == texts


@pytest.mark.parametrize(("printed", "template"), [
    ("資訊內容", "信息内容"), ("本年新 製作數量", "本年新制作数量"), ("對外公開總數量", "对外公开总数量"),
    ("規範性文件", "规范性文件"), ("第二十條第(一)項", "第二十条第(一)项"), ("三、收到和處理政府資訊公開申請情況",
                                                                  "三、收到和处理政府信息公开申请情况"),
])
def test_traditional_labels_fold_to_the_template_words(printed, template):
    assert fold(printed) == template.replace(" ", "") and core(printed) == core(template)


def test_gateway_words_are_label_synonyms_not_characters():
    assert to_simplified("資訊") == "资讯" and fold_label("资讯") == "信息"
    assert fold_label("规范性文件") == "规范性文件"  # no phrase-level rewriting (文件 stays 文件)


def test_closing_rules_close_a_table_cut_at_both_ends():
    # a table part on a page after a break: 4 column rules from the top of the page to its foot, rows ruled
    # only between the cells right of the spanning label columns (x 100..300), no rule at the top or bottom
    v = [(10, 30, 500), (60, 30, 500), (100, 30, 500), (300, 30, 500)]
    h = [(100, 300, 120), (100, 300, 200), (60, 300, 300)]
    assert closing_rules(h, v) == [(10, 300, 30), (10, 300, 500)]
    assert closing_rules([], v[:1]) == []  # a lone rule is no table


@pytest.mark.skipif(chromium_path() is None, reason="no Chromium on PATH: the browser-printed round trip needs it "
                                                    "(.ci/run installs Debian's chromium)")
@pytest.mark.parametrize(("seed", "filler"), [(3, 0), (7, 5), (11, 9)])
def test_browser_printed_page_round_trip(seed, filler):
    """The report page printed by headless Chromium: table 三 breaks across pages inside its spanning label
    columns (filler moves the break), site chrome on the pages; every cell comes back exactly."""
    rng = random.Random(seed)
    report = generate(rng, year=rng.choice((2020, 2022, 2023)), activity="large")
    page = render_html_page(report, HtmlQuirks(chrome_links=20, word_styles=seed % 2 == 1, seed=seed))
    rep = pipeline.extract_bytes(print_page(page, renderer="chromium", filler=filler), "report.pdf")
    assert rep.requests["page"].nunique() >= 2  # the break landed inside table 三
    _assert_same(report, rep)
