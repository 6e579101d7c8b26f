#!/usr/bin/env python3
"""Speed and memory of the HTML reader and of full extraction, beside BeautifulSoup and pandas baselines.

Run: .venv/bin/python benchmarks/bench_extract.py [--min-time 0.4] [--max-runs 60]

Documents: the HTML pages and pipe-text files of the real corpus (../shared/corpus beside the checkout, if
present) and a synthetic ~300 KB report page padded with navigation, sidebars and a footer. Each figure is
the median of N timed runs (N grows until --min-time seconds are spent, between 5 and --max-runs).
Prints one Markdown table; memory is the tracemalloc peak of one run and the process ru_maxrss.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(os.environ.get("OGI_BENCH_CODE") or REPO)))  # bench_speed.py: another checkout

from pipeline import extract_bytes  # noqa: E402
from pipeline.readers import read  # noqa: E402
from pipeline.readers.encoding import decode  # noqa: E402
from pipeline.readers.html import read_html  # noqa: E402
from pipeline.synth.web_text import PRESETS, html_to_text  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"
TEXT_FILES = ("2019_jinlin_seed.txt", "*_pages-excerpt.txt", "*_pages-excerpt.md")
SYNTH_NAME = "synthetic_300k_page.html"


# ---- a synthetic report page with heavy chrome -------------------------------------------------------
_STYLE_P = ('<p class="MsoNormal" style="margin:0pt;text-indent:32pt;line-height:28pt;mso-line-height-rule:'
            'exactly;text-align:justify;"><span style="font-family:仿宋_GB2312;color:rgb(51,51,51);'
            'font-size:16pt;mso-spacerun:\'yes\';mso-font-kerning:1.0000pt;">{}</span></p>')
_STYLE_TD = ('<td width="{w}" valign="center"{span} style="width:{w}pt;padding:0pt 5.4pt 0pt 5.4pt;'
             'border-left:1pt solid windowtext;border-right:1pt solid windowtext;border-top:none;'
             'border-bottom:1pt solid windowtext;"><p class="MsoNormal" align="center" style="text-align:center;">'
             '<span style="font-family:宋体;font-size:10.5pt;mso-font-kerning:0pt;">{text}</span></p></td>')
_NEWS = ("召开全区政务公开工作推进会", "关于开展政务公开专项检查的通知", "政府常务会议研究部署重点工作",
         "优化营商环境工作新闻发布会", "关于公布行政规范性文件清理结果的通知", "防汛抗旱工作部署会召开",
         "关于印发政务公开工作要点的通知", "政务服务“一网通办”改革持续推进", "第一季度经济运行情况")
_COLUMNS = ("政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报", "依申请公开",
            "机构职能", "政策文件", "规划计划", "财政资金", "政府会议", "人事信息", "应急管理")
_OUTCOMES = (("（一）予以公开", None), ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
             ("（三）不予公开", ("1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
                               "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
                               "7.属于行政执法案卷", "8.属于行政查询事项")),
             ("（四）无法提供", ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作",
                               "3.补正后申请内容仍不明确")),
             ("（五）不予处理", ("1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物",
                               "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息")),
             ("（六）其他处理", ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                               "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                               "3.其他")),
             ("（七）总计", None))


def _td(text: str, w: int = 60, rs: int = 1, cs: int = 1) -> str:
    span = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
    return _STYLE_TD.format(w=w, span=span, text=text)


def _table(rows: list[str]) -> str:
    return ('<div align="center"><table class="MsoNormalTable" border="1" cellspacing="0" style="border-collapse:'
            'collapse;mso-table-layout-alt:fixed;border:none;mso-padding-alt:0pt 5.4pt 0pt 5.4pt;"><tbody>'
            + "".join(f'<tr style="height:20pt;">{r}</tr>' for r in rows) + "</tbody></table></div>")


def _report_article(rng: random.Random) -> str:
    n = rng.randint
    proactive = _table([
        _td("第二十条第（一）项", 560, cs=4), _td("信息内容") + _td("本年制发件数") + _td("本年废止件数")
        + _td("现行有效件数"), _td("规章") + _td(str(n(0, 5))) + _td("0") + _td(str(n(5, 30))),
        _td("行政规范性文件") + _td(str(n(5, 90))) + _td(str(n(0, 9))) + _td(str(n(100, 700))),
        _td("第二十条第（五）项", 560, cs=4), _td("信息内容") + _td("本年处理决定数量", cs=3),
        _td("行政许可") + _td(str(n(100, 3000)), cs=3),
        _td("第二十条第（六）项", 560, cs=4), _td("信息内容") + _td("本年处理决定数量", cs=3),
        _td("行政处罚") + _td(str(n(100, 2000)), cs=3), _td("行政强制") + _td(str(n(0, 90)), cs=3),
        _td("第二十条第（八）项", 560, cs=4), _td("信息内容") + _td("本年收费金额（单位：万元）", cs=3),
        _td("行政事业性收费") + _td(f"{rng.uniform(0, 9999):.2f}", cs=3)])
    def nums() -> str:
        values = [n(0, 20) for _ in range(6)]
        return "".join(_td(str(v)) for v in values + [sum(values)])

    rows = [_td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 200, rs=3, cs=3)
            + _td("申请人情况", 400, cs=7),
            _td("自然人", rs=2) + _td("法人或其他组织", 300, cs=5) + _td("总计", rs=2),
            _td("商业<br/>企业") + _td("科研<br/>机构") + _td("社会公益组织") + _td("法律服务机构") + _td("其他"),
            _td("一、本年新收政府信息公开申请数量", 200, cs=3) + nums(),
            _td("二、上年结转政府信息公开申请数量", 200, cs=3) + nums()]
    first = True
    for label, subs in _OUTCOMES:
        group = _td("三、本年度办理结果", 60, rs=22) if first else ""
        first = False
        if subs is None:
            rows.append(group + _td(label, 140, cs=2) + nums())
            continue
        for i, sub in enumerate(subs):
            rows.append(group + (_td(label, 60, rs=len(subs)) if i == 0 else "") + _td(sub, 80) + nums())
            group = ""
    rows.append(_td("四、结转下年度继续办理", 200, cs=3) + nums())
    requests = _table(rows)
    res = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    reviews = _table([_td("行政复议", 300, cs=5) + _td("行政诉讼", 600, cs=10),
                      "".join(_td(r, rs=2) for r in res) + _td("未经复议直接起诉", 300, cs=5)
                      + _td("复议后起诉", 300, cs=5), "".join(_td(r) for r in res * 2),
                      "".join(_td(str(n(0, 9))) for _ in range(15))])
    prose = ("本年度，我单位认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，"
             "围绕中心工作，持续深化政务公开，不断提升政府透明度，切实保障人民群众的知情权、参与权、表达权和监督权。")
    para = lambda: _STYLE_P.format(prose * rng.randint(1, 3))  # noqa: E731
    parts = [_STYLE_P.format("本报告根据《中华人民共和国政府信息公开条例》要求编制，统计时限自1月1日至12月31日。"),
             _STYLE_P.format("一、总体情况")] + [para() for _ in range(8)]
    parts += [_STYLE_P.format("二、主动公开政府信息情况"), proactive,
              _STYLE_P.format("三、收到和处理政府信息公开申请情况"), requests,
              _STYLE_P.format("四、政府信息公开行政复议、行政诉讼情况"), reviews,
              _STYLE_P.format("五、存在的主要问题及改进情况")] + [para() for _ in range(3)]
    parts += [_STYLE_P.format("六、其他需要报告的事项"), para()]
    return "\n".join(parts)


def _links(rng: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        t, m, d = rng.choice(_NEWS), rng.randint(1, 12), rng.randint(1, 28)
        out.append(f'<li class="news-item"><a href="../../xwzx/2024{m:02d}/t2024{m:02d}{d:02d}_{rng.randint(10000, 99999)}'
                   f'.htm" target="_blank" title="{t}">{t}</a><span class="date">2024-{m:02d}-{d:02d}</span></li>')
    return "\n".join(out)


def synthetic_page(target_bytes: int = 300_000, seed: int = 7) -> bytes:
    """A report page (Word-styled article with the three tables) padded with site chrome to ~target_bytes."""
    rng = random.Random(seed)
    title = "某某区人民政府2024年度政府信息公开工作年度报告"
    article = _report_article(rng)
    style = "\n".join(f".c{i} .item-{j} {{ margin: {i}px {j}px; color: #33{i % 10}{j % 10}33; }}"
                      for i in range(40) for j in range(8))
    script = "\n".join(f"var menu{i} = {{id: {i}, name: 'column{i}', url: '/zwgk/c{i}/', open: false}};"
                       for i in range(300))

    def page(n_links: int) -> str:
        mega = "".join(f'<li class="nav-item"><a href="/c{i}/">{_COLUMNS[i % len(_COLUMNS)]}</a><ul class="sub">'
                       + "".join(f'<li><a href="/c{i}/s{j}/">{c}</a></li>' for j, c in enumerate(_COLUMNS)) + "</ul></li>"
                       for i in range(8))
        side = "".join(f'<li><a href="../c{i}/">{c}</a></li>' for i, c in enumerate(_COLUMNS))
        return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"/>
<meta name="SiteName" content="某某区人民政府"/><meta name="SiteDomain" content="www.example.gov.cn"/>
<meta name="ColumnName" content="政府信息公开年报"/><meta name="ArticleTitle" content="{title}"/>
<meta name="PubDate" content="2025-01-20 09:30"/><meta name="ContentSource" content="某某区人民政府办公室"/>
<title>{title}_政府信息公开年报_某某区人民政府</title>
<style type="text/css">{style}</style><script type="text/javascript">{script}</script></head>
<body><div class="topbar"><span>欢迎访问某某区人民政府网站</span><a href="https://www.gov.cn/">中国政府网</a></div>
<div class="header"><form action="/search/"><input name="q"/><button>搜索</button></form></div>
<div class="nav"><ul class="mega">{mega}</ul></div>
<div class="main"><div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>
<div class="sidebar"><h3>政府信息公开</h3><ul>{side}</ul><div class="news"><h4>工作动态</h4><ul>{_links(rng, n_links)}</ul></div></div>
<div class="content"><div class="article"><h1>{title}</h1><div class="info">发布时间：2025-01-20 来源：区政府办</div>
<div class="TRS_Editor" id="zoom">
{article}
</div><div class="tools"><a href="javascript:window.print();">打印本页</a></div></div></div>
<div class="related"><h4>相关阅读</h4><ul>{_links(rng, n_links)}</ul></div></div>
<div class="footer"><p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a></p>
<p>主办单位：某某区人民政府办公室 网站标识码：1234567890 某ICP备05001234号</p>
<ul class="links">{_links(rng, n_links // 2)}</ul></div></body></html>
"""

    n = 50
    while len(page(n).encode()) < target_bytes:
        n += 50
    return page(n).encode("utf-8")


# ---- measuring -----------------------------------------------------------------------------------------
@dataclass
class Row:
    name: str
    kind: str  # html or text
    size: int
    ms: dict[str, float | None] = field(default_factory=dict)
    peak_mb: dict[str, float] = field(default_factory=dict)
    note: str = ""


def median_ms(fn: Callable[[], object], min_time: float, max_runs: int) -> float:
    """Median wall time (ms) of repeated calls: at least 5 runs, more until min_time seconds are spent."""
    fn()  # warm-up (imports, caches of the first call)
    times: list[float] = []
    spent = 0.0
    while len(times) < 5 or (spent < min_time and len(times) < max_runs):
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        times.append(dt)
        spent += dt
    return statistics.median(times) * 1000


def peak_mb(fn: Callable[[], object]) -> float:
    """tracemalloc peak (MB) of one call."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def bs4_baseline(data: bytes) -> Callable[[], object]:
    """BeautifulSoup over the whole page (lxml tree builder), then all its tables."""
    from bs4 import BeautifulSoup

    def run() -> object:
        text, _ = decode(data)
        return BeautifulSoup(text, "lxml").find_all("table")
    return run


def pandas_baseline(data: bytes) -> Callable[[], object]:
    """pandas.read_html on the page (lxml flavour: the bs4 flavour needs html5lib, not installed)."""
    import pandas as pd

    def run() -> object:
        text, _ = decode(data)
        try:
            return pd.read_html(io.StringIO(text), flavor="lxml")
        except ValueError:  # "No tables found"
            return []
    return run


def documents(corpus: Path) -> list[tuple[str, str, bytes]]:
    """(name, kind, bytes) of the benchmark documents."""
    docs: list[tuple[str, str, bytes]] = []
    if corpus.is_dir():
        for p in sorted(corpus.glob("*.html")):
            docs.append((p.name, "html", p.read_bytes()))
        for pattern in TEXT_FILES:
            for p in sorted(corpus.glob(pattern)):
                docs.append((p.name, "text", p.read_bytes()))
    page = synthetic_page()
    docs.append((SYNTH_NAME, "html", page))
    for family in ("inline", "lines", "padded"):  # the same report as pipe text, beside its HTML page
        docs.append((f"synthetic_page_as_text_{family}.txt", "text", html_to_text(page, PRESETS[family]).encode()))
    return docs


def measure(name: str, kind: str, data: bytes, min_time: float, max_runs: int) -> Row:
    """Times and memory of one document: our reader, full extraction, and (HTML) the two baselines."""
    row = Row(name, kind, len(data))
    reader: Callable[[], object] = (lambda: read_html(data)) if kind == "html" else (lambda: read(data, name))
    full = lambda: extract_bytes(data, name)  # noqa: E731
    row.ms["reader"] = median_ms(reader, min_time, max_runs)
    row.ms["extract"] = median_ms(full, min_time, max_runs)
    row.peak_mb["reader"] = peak_mb(reader)
    row.peak_mb["extract"] = peak_mb(full)
    row.note = str(extract_bytes(data, name).status)
    if kind == "html":
        row.ms["bs4"] = median_ms(bs4_baseline(data), min_time, max_runs)
        row.ms["pandas"] = median_ms(pandas_baseline(data), min_time, max_runs)
    return row


def _f(v: float | None, fmt: str = "{:.2f}") -> str:
    return "—" if v is None else fmt.format(v)


def table(rows: list[Row]) -> str:
    """The results as a Markdown table, with a total over the HTML pages."""
    head = ("| document | KB | read_html ms | docs/s | extract ms | docs/s | bs4 parse+tables ms | pandas.read_html(lxml) ms"
            " | bs4 ÷ read_html | peak MB read | peak MB extract | status |")
    out = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        rd, ex, b, pdm = r.ms.get("reader"), r.ms.get("extract"), r.ms.get("bs4"), r.ms.get("pandas")
        label = r.name if r.kind == "html" else f"{r.name} (text: read)"
        out.append(f"| {label} | {r.size / 1024:.0f} | {_f(rd)} | {_f(1000 / rd if rd else None, '{:.0f}')} | {_f(ex)}"
                   f" | {_f(1000 / ex if ex else None, '{:.0f}')} | {_f(b)} | {_f(pdm)}"
                   f" | {_f(b / rd if b and rd else None, '{:.1f}×')} | {r.peak_mb['reader']:.1f}"
                   f" | {r.peak_mb['extract']:.1f} | {r.note} |")
    html = [r for r in rows if r.kind == "html"]
    if html:
        tot = {k: sum(r.ms[k] or 0 for r in html) for k in ("reader", "extract", "bs4", "pandas")}
        out.append(f"| **all HTML ({len(html)} pages)** | {sum(r.size for r in html) / 1024:.0f} | {tot['reader']:.2f}"
                   f" | {1000 * len(html) / tot['reader']:.0f} | {tot['extract']:.2f}"
                   f" | {1000 * len(html) / tot['extract']:.0f} | {tot['bs4']:.2f} | {tot['pandas']:.2f}"
                   f" | {tot['bs4'] / tot['reader']:.1f}× | | | |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--min-time", type=float, default=0.4, help="seconds to spend per measurement (default 0.4)")
    ap.add_argument("--max-runs", type=int, default=60, help="most timed runs per measurement (default 60)")
    ap.add_argument("--corpus", type=Path, default=CORPUS, help=f"real documents (default {CORPUS})")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    if hasattr(os, "sched_setaffinity"):  # one core, as the aim is stated
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if not args.corpus.is_dir():
        print(f"NOTE: real corpus not found at {args.corpus}: only the synthetic page is measured.\n")
    t0 = time.perf_counter()
    rows = [measure(n, k, d, args.min_time, args.max_runs) for n, k, d in documents(args.corpus)]
    print(f"Python {sys.version.split()[0]}, one core; median ms per document (docs/s = 1000 / ms); "
          f"baselines decode the bytes the same way first.\n")
    print(table(rows))
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    print(f"\nPeak MB: tracemalloc peak of one call (Python objects only: libxml2's tree is C memory it does not"
          f" see). ru_maxrss of the whole benchmark process: {maxrss:.0f} MB; total time {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
