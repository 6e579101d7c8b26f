"""Behaviour of the HTML reader on realistic government-CMS markup written here (not the corpus)."""

from __future__ import annotations

import unicodedata

import lxml.html
import pytest

from pipeline.document import Paragraph, ReaderError, Table
from pipeline.readers.html import blocks_of, cell_text, expand, find_article, read_html

TITLE = "某某区人民政府2023年政府信息公开工作年度报告"
INTRO = ("根据《中华人民共和国政府信息公开条例》规定，现公布本机关2023年度政府信息公开工作年度报告。"
         "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。")
SUMMARY = "2023年，我区坚持以公开为常态、不公开为例外，持续深化政务公开，切实保障人民群众的知情权、参与权和监督权。"
MEASURES = ("一是健全工作机制，明确分管领导和工作人员，做到有人员、有制度、有经费。二是规范发布流程，严格落实“三审三校”制度，"
            "确保公开信息准确、及时。三是加强政策解读，围绕群众关切做好政策文件的图解和问答，提升解读质量和传播效果。")
NEWS = ("召开全区政务公开工作推进会", "关于开展政务公开专项检查的通知", "优化营商环境工作新闻发布会",
        "关于印发政务公开工作要点的通知", "政务服务“一网通办”改革持续推进", "第一季度经济运行情况")
OUTCOMES = ("（一）予以公开", "（二）部分公开", "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
            "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷",
            "8.属于行政查询事项", "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
            "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
            "5.要求行政机关确认或重新出具已获取信息", "1.申请人无正当理由逾期不补正", "2.申请人逾期未按收费通知要求缴纳费用",
            "3.其他", "（七）总计")


def word_p(text: str) -> str:
    """A prose line as Word-exported CMS pages write it."""
    return (f'<p class="MsoNormal" style="text-indent:32pt;line-height:28pt"><span style="font-family:仿宋_GB2312;'
            f'font-size:16pt">{text}</span><span><o:p></o:p></span></p>')


def links(n: int) -> str:
    return "\n".join(f'<li><a href="/xwzx/t2023{i:04d}.htm" title="{NEWS[i % len(NEWS)]}">{NEWS[i % len(NEWS)]}</a>'
                     f"<span>2023-0{1 + i % 9}-1{i % 9}</span></li>" for i in range(n))


def page(article: str, *, head: str = "", article_attrs: str = 'class="TRS_Editor" id="zoom"',
         charset: str | None = '<meta charset="utf-8">') -> str:
    """A full CMS page: head, top navigation, sidebar, the article, related links and a footer."""
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head>{charset or ""}
<meta name="SiteName" content="某某区人民政府"><meta name="ColumnName" content="政府信息公开年报">
<meta name="ArticleTitle" content="{TITLE}"><meta name="PubDate" content="2024-01-20 09:30">
<title>{TITLE}_政府信息公开年报_某某区人民政府</title>
<style>.nav li {{ float: left; }} .content p {{ text-indent: 2em; }} /* 自然人 第二十条 */</style>
<script>var columns = ["政务公开", "自然人", "第二十条"]; document.title = "政府信息公开工作年度报告";</script>
{head}</head><body>
<div class="top"><a href="https://www.gov.cn/">中国政府网</a> <a href="javascript:;">无障碍浏览</a></div>
<div class="nav"><ul>{links(12)}</ul></div>
<div class="main"><div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>
<div class="sidebar"><h3>政府信息公开</h3><ul>{links(30)}</ul></div>
<div class="content"><h1>{TITLE}</h1><div class="info">发布时间：2024-01-20 来源：区政府办</div>
<div {article_attrs}>
{article}
</div><div class="tools"><a href="javascript:window.print();">打印本页</a></div></div>
<div class="related"><h4>相关阅读</h4><ul>{links(30)}</ul></div></div>
<div class="footer"><p>主办单位：某某区人民政府办公室 网站标识码：1234567890</p><ul>{links(10)}</ul></div>
</body></html>"""


def td(text: str, rs: int = 1, cs: int = 1) -> str:
    span = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
    return f'<td{span} valign="center"><p class="MsoNormal" align="center"><span>{text}</span></p></td>'


def opening() -> str:
    """The prose that opens a report (long enough for any content container to count as the article)."""
    return "\n".join([word_p(INTRO), word_p(SUMMARY), word_p(MEASURES)])


def requests_table(values: int = 0) -> str:
    """Table 三 with the 22-row group label 三、本年度办理结果 (rowspan 22)."""
    rows = [td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3) + td("申请人情况", 1, 7),
            td("自然人", 2) + td("法人或其他组织", 1, 5) + td("总计", 2),
            td("商业</span></p><p><span>企业") + td("科研<br>机构") + td("社会<span>公益</span>组织")
            + td("法律&nbsp;服务机构") + td("其他"),
            td("一、本年新收政府信息公开申请数量", 1, 3) + td("5") + td("1") + td("0") * 4 + td("6")]
    for i, label in enumerate(OUTCOMES):
        group = td("三、本年度办理结果", len(OUTCOMES)) if i == 0 else ""
        rows.append(group + td(label, 1, 2) + td(str(values)) * 7)
    rows.append(td("四、结转下年度继续办理", 1, 3) + td("0") * 7)
    return '<table border="1"><tbody>' + "".join(f"<tr>{r}</tr>" for r in rows) + "</tbody></table>"


def proactive_table() -> str:
    rows = [td("第二十条第（一）项", 1, 4), td("信息内容") + td("本年制发件数") + td("本年废止件数") + td("现行有效件数"),
            td("规章") + td("0") + td("0") + td("2"), td("行政规范性文件") + td("5") + td("1") + td("30")]
    return "<table>" + "".join(f"<tr>{r}</tr>" for r in rows) + "</table>"


def report_article() -> str:
    return "\n".join([word_p(INTRO), word_p("一、总体情况"), word_p(SUMMARY), word_p(MEASURES), word_p("二、主动公开政府信息情况"),
                      proactive_table(), word_p("三、收到和处理政府信息公开申请情况"), requests_table(),
                      word_p("四、存在的主要问题及改进情况"), word_p("政策解读形式不够丰富，下一步将加强图解解读。")])


def nfkc(text: str) -> str:
    """What the reader makes of full-width punctuation (（ → (, ， → ,)."""
    return unicodedata.normalize("NFKC", text)


def texts(table: Table) -> list[list[str]]:
    return table.texts()


def spanned(table: Table) -> list[list[bool]]:
    return [[c.spanned for c in row] for row in table.rows]


# ---- tables ----------------------------------------------------------------------------------------------
def test_rowspan_and_colspan_expand_into_every_covered_slot_with_spanned_copies():
    doc = read_html(page(report_article()).encode())
    t3 = doc.tables[1]
    assert len(t3.rows) == 4 + len(OUTCOMES) + 1 and {len(r) for r in t3.rows} == {10}
    # the 3×3 corner label fills rows 0-2, columns 0-2; only its top-left slot is the original
    corner = [row[:3] for row in t3.rows[:3]]
    assert {c.text for row in corner for c in row} == {"(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"}
    assert [[c.spanned for c in row] for row in corner] == [[False, True, True], [True, True, True], [True, True, True]]
    assert texts(t3)[0][3:] == ["申请人情况"] * 7 and spanned(t3)[0][3:] == [False] + [True] * 6
    assert texts(t3)[1][3:] == ["自然人"] + ["法人或其他组织"] * 5 + ["总计"]
    assert texts(t3)[2][3:] == ["自然人", "商业 企业", "科研 机构", "社会公益组织", "法律 服务机构", "其他", "总计"]
    assert spanned(t3)[2][3] and spanned(t3)[2][9] and not spanned(t3)[2][4]


def test_group_label_with_rowspan_over_twenty_rows_is_in_every_row_it_covers():
    t3 = read_html(page(report_article()).encode()).tables[1]
    first = 4  # row of （一）予以公开
    group_rows = t3.rows[first:first + len(OUTCOMES)]
    assert len(OUTCOMES) >= 20
    assert [r[0].text for r in group_rows] == ["三、本年度办理结果"] * len(OUTCOMES)
    assert [r[0].spanned for r in group_rows] == [False] + [True] * (len(OUTCOMES) - 1)
    assert [r[1].text for r in group_rows] == [nfkc(o) for o in OUTCOMES]
    assert t3.rows[first + len(OUTCOMES)][0].text == "四、结转下年度继续办理"  # the span ends where it should
    assert [c.row for c in group_rows[-1]] == [first + len(OUTCOMES) - 1] * 10
    assert [c.col for c in group_rows[-1]] == list(range(10))


def test_misaligned_colspan_in_a_data_row_shifts_following_cells_and_marks_copies():
    table = ("<table><tr>" + td("申请人情况", 1, 8) + "</tr>"
             "<tr>" + td("自然人") + td("商业企业") + td("科研机构") + td("社会公益组织") + td("法律服务机构")
             + td("其他") + td("总计") + "</tr>"
             "<tr>" + td("自然人") + td("商业企业", 1, 2) + td("科研机构") + td("社会公益组织") + td("法律服务机构")
             + td("其他") + td("总计") + "</tr>"
             "<tr>" + td("1") + td("2") + td("3") + td("4") + td("5") + td("6") + td("7") + td("8") + "</tr></table>")
    t = read_html(page(opening() + table).encode()).tables[0]
    assert [len(r) for r in t.rows] == [8, 8, 8, 8]
    assert texts(t)[1] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计", ""]
    assert texts(t)[2] == ["自然人", "商业企业", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert spanned(t)[2] == [False, False, True, False, False, False, False, False]
    assert t.rows[1][7].text == "" and not t.rows[1][7].spanned  # a hole the short row leaves is an empty slot


@pytest.mark.parametrize("inner,expected", [
    ("商业</span></p><p><span>企业", "商业 企业"),
    ("科研<br/>机构", "科研 机构"),
    ("科研<br>机构", "科研 机构"),
    ("社会<span>公益</span><span>组织</span>", "社会公益组织"),
    ("法律&nbsp;&nbsp;服务&#160;机构", "法律 服务 机构"),
    ("&nbsp;", ""),
    ("<o:p></o:p>12<!-- 注释 -->3", "123"),
    ("１２３", "123"),
])
def test_cell_text_reads_across_paragraphs_breaks_spans_and_nbsp(inner, expected):
    root = lxml.html.document_fromstring(f"<table><tr>{td(inner)}</tr></table>")
    assert cell_text(root.find(".//td")) == expected
    doc = read_html(page(opening() + f"<table><tr>{td(inner)}{td('x')}</tr></table>").encode())
    assert doc.tables[0].rows[0][0].text == expected


def test_cell_text_with_text_beside_a_paragraph_keeps_them_apart():
    root = lxml.html.document_fromstring("<table><tr><td>商业<p>企业</p></td><td><p>一</p>二<div>三</div></td>"
                                         "<td><script>var x = 1;</script><style>p{}</style>总计</td></tr></table>")
    assert [cell_text(c) for c in root.iter("td")] == ["商业 企业", "一二 三", "总计"]


def test_nested_layout_table_is_not_a_data_table_but_its_inner_tables_are():
    layout = (f'<table class="layout" width="100%"><tr><td class="left"><ul>{links(8)}</ul></td>'
              f"<td>{word_p(INTRO)}{word_p('二、主动公开政府信息情况')}{proactive_table()}"
              f"{word_p('三、收到和处理政府信息公开申请情况')}{requests_table()}</td></tr></table>")
    doc = read_html(page(layout).encode())
    assert len(doc.tables) == 2
    assert doc.tables[0].rows[0][0].text == "第二十条第(一)项" and doc.tables[1].rows[1][3].text == "自然人"
    assert [t.index for t in doc.tables] == [0, 1]
    assert doc.tables[0].caption == "二、主动公开政府信息情况"
    assert doc.tables[1].caption == "三、收到和处理政府信息公开申请情况"
    root = lxml.html.document_fromstring(layout)
    outer = root.find(".//table")
    assert len(expand(outer, 0).rows[0]) == 2  # expanding the layout table itself would make one 2-cell row


def test_a_table_split_in_two_consecutive_tables_gives_two_grids_in_order():
    part1 = ("<table>" + "<tr>" + td("三、本年度办理结果", 3) + td("（一）予以公开") + td("4") + "</tr>"
             + "<tr>" + td("（二）部分公开") + td("1") + "</tr><tr>" + td("（三）不予公开") + td("0") + "</tr></table>")
    part2 = ("<table><tr>" + td("三、本年度办理结果", 2) + td("（四）无法提供") + td("2") + "</tr><tr>"
             + td("（七）总计") + td("7") + "</tr></table>")
    doc = read_html(page(opening() + part1 + part2 + word_p("四、结转下年度继续办理")).encode())
    assert [t.index for t in doc.tables] == [0, 1]
    assert texts(doc.tables[0]) == [["三、本年度办理结果", "(一)予以公开", "4"], ["三、本年度办理结果", "(二)部分公开", "1"],
                                    ["三、本年度办理结果", "(三)不予公开", "0"]]
    assert texts(doc.tables[1]) == [["三、本年度办理结果", "(四)无法提供", "2"], ["三、本年度办理结果", "(七)总计", "7"]]
    assert doc.tables[1].caption == nfkc(MEASURES)  # no prose between the parts
    assert isinstance(doc.blocks[-1], Paragraph) and doc.blocks[-1].text == "四、结转下年度继续办理"


def test_empty_tables_are_dropped_and_do_not_break_the_order():
    article = (opening() + "<table></table>" + "<table><tr><td>&nbsp;</td><td> </td></tr><tr></tr></table>"
               + proactive_table() + "<table><tbody></tbody></table>" + word_p("二、结尾"))
    doc = read_html(page(article).encode())
    assert len(doc.tables) == 1
    assert doc.tables[0].index == 2  # the index still counts the source tables before it
    assert doc.tables[0].rows[0][0].text == "第二十条第(一)项"
    root = lxml.html.document_fromstring("<table></table>")
    assert expand(root.find(".//table"), 0).rows == []


def test_trailing_rows_that_only_a_rowspan_reaches_are_not_invented():
    root = lxml.html.document_fromstring("<table><tr><td rowspan='5'>自然人</td><td>1</td></tr><tr><td>2</td></tr>"
                                         "<tr><td></td><td></td></tr></table>")
    t = expand(root.find(".//table"), 0)
    assert texts(t) == [["自然人", "1", ""], ["自然人", "2", ""], ["自然人", "", ""]]  # not 5 rows


# ---- the article, prose and page metadata ---------------------------------------------------------------
def test_article_is_found_by_cms_container_among_heavy_chrome():
    html = page(report_article())
    assert html.count("<a ") > 80
    doc = read_html(html.encode())
    assert doc.lines[0] == nfkc(INTRO)
    joined = "\n".join(doc.lines)
    for chrome in ("中国政府网", "当前位置", "政府信息公开年报", "召开全区政务公开工作推进会", "相关阅读", "主办单位", "打印本页",
                   "发布时间"):
        assert chrome not in joined
    assert len(doc.tables) == 2


def test_article_is_found_without_any_cms_container_by_its_prose_and_tables():
    html = page(report_article(), article_attrs='class="wp_articlecontent" style="font-size:16px"')
    assert "zoom" not in html and "TRS_Editor" not in html
    doc = read_html(html.encode())
    assert len(doc.tables) == 2
    assert nfkc(INTRO) in doc.lines and nfkc(SUMMARY) in doc.lines
    assert not any("召开全区政务公开工作推进会" in line or "主办单位" in line for line in doc.lines)
    root = lxml.html.document_fromstring(html)
    assert find_article(root).get("class") == "wp_articlecontent"


def test_short_cms_container_is_passed_over_for_the_real_article():
    html = page(report_article(), head="").replace('<div class="top">', '<div class="top" id="content">', 1)
    root = lxml.html.document_fromstring(html)
    assert find_article(root).get("id") == "zoom"  # id="zoom" is the first hint; the short id="content" is ignored
    short_zoom = page(report_article(), article_attrs='class="TRS_Editor"').replace(
        '<div class="top">', '<div class="top" id="zoom">', 1)
    art = find_article(lxml.html.document_fromstring(short_zoom))
    assert art.get("class") == "TRS_Editor"  # a short id="zoom" (<200 chars) falls through to the next hint


def test_prose_lines_are_paragraphs_in_reading_order_with_tables_between_them():
    doc = read_html(page(report_article()).encode())
    kinds = ["T" if isinstance(b, Table) else b.text for b in doc.blocks]
    assert kinds == [nfkc(INTRO), "一、总体情况", nfkc(SUMMARY), nfkc(MEASURES), "二、主动公开政府信息情况", "T",
                     "三、收到和处理政府信息公开申请情况", "T", "四、存在的主要问题及改进情况",
                     "政策解读形式不够丰富,下一步将加强图解解读。"]
    assert doc.tables[0].caption == "二、主动公开政府信息情况"
    assert doc.tables[1].caption == "三、收到和处理政府信息公开申请情况"


def test_line_breaks_and_blocks_split_prose_lines_but_inline_markup_does_not():
    article = ("<p>一、总体情况<br>（一）主动公开</p><div>本年度<b>主动公开</b>政府信息<a href='#'>120</a>条。</div>"
               "<ul><li>第一项</li><li>第二项</li></ul>")
    doc = read_html(page(opening() + article).encode())
    assert doc.lines[3:] == ["一、总体情况", "(一)主动公开", "本年度主动公开政府信息120条。", "第一项", "第二项"]


def test_meta_tags_and_title_are_read_into_the_document():
    doc = read_html(page(report_article()).encode())
    assert doc.title == TITLE
    assert doc.meta["ArticleTitle"] == TITLE and doc.meta["SiteName"] == "某某区人民政府"
    assert doc.meta["ColumnName"] == "政府信息公开年报" and doc.meta["PubDate"] == "2024-01-20 09:30"
    assert doc.media_type == "text/html"


def test_page_title_is_used_when_there_is_no_article_title_meta():
    html = page(report_article()).replace(f'<meta name="ArticleTitle" content="{TITLE}">', "")
    doc = read_html(html.encode())
    assert "ArticleTitle" not in doc.meta
    assert doc.title == f"{TITLE}_政府信息公开年报_某某区人民政府"


def test_script_and_style_content_is_ignored():
    article = (opening() + "<script>document.write('自然人 脚本里的字');</script>"
               + "<style>.x { content: '样式里的字'; }</style><noscript>请启用脚本</noscript>"
               + "<table><tr>" + td("自然人") + "<td><script>var a='脚本';</script>3</td></tr></table>"
               + word_p("末尾<script>var b = '行内脚本';</script>一行"))
    doc = read_html(page(article).encode())
    joined = " ".join(doc.lines)
    for hidden in ("脚本里的字", "样式里的字", "请启用脚本", "行内脚本", "document.write"):
        assert hidden not in joined
    assert texts(doc.tables[0]) == [["自然人", "3"]]
    assert doc.lines[-1] == "末尾一行"


# ---- encodings -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("charset", ['<meta charset="gb2312">',
                                     '<meta http-equiv="Content-Type" content="text/html; charset=GBK">', None])
def test_gbk_pages_decode_with_or_without_a_charset_declaration(charset):
    html = page(report_article(), charset=charset)
    data = html.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    doc = read_html(data)
    assert doc.title == TITLE
    assert doc.lines[:3] == [nfkc(INTRO), "一、总体情况", nfkc(SUMMARY)]
    assert doc.tables[1].rows[2][4].text == "商业 企业"


def test_gb18030_only_characters_on_a_gb2312_page_survive():
    html = page(opening() + word_p("办理人：王𬍛（生僻字）、李堃") + proactive_table(), charset='<meta charset="gb2312">')
    doc = read_html(html.encode("gb18030"))
    assert "办理人:王𬍛(生僻字)、李堃" in doc.lines


def test_declared_charset_argument_wins_over_a_wrong_meta():
    html = page(report_article(), charset='<meta charset="utf-8">')
    doc = read_html(html.encode("gbk"), declared_charset="gbk")
    assert doc.title == TITLE and doc.lines[0] == nfkc(INTRO)


# ---- bad input -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("data", [b"", b"  \r\n\t "])
def test_empty_input_is_a_reader_error(data):
    with pytest.raises(ReaderError, match="empty"):
        read_html(data)


def test_page_without_tables_or_prose_gives_no_blocks_but_keeps_metadata():
    doc = read_html(page("", article_attrs='class="empty"').encode())
    assert doc.tables == [] and doc.title == TITLE


def test_blocks_of_and_find_article_work_on_an_lxml_html_tree():
    root = lxml.html.document_fromstring(page(report_article()))
    blocks = blocks_of(find_article(root))
    assert blocks == read_html(page(report_article()).encode()).blocks
