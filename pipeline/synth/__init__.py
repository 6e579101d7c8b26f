"""Synthetic 政府信息公开工作年度报告: generated values and renderers (pipe text, government-CMS HTML, Word).

Used by round-trip tests, `make demo` and fake government sites for scraper tests.
"""

from .grid import CellQuirks
from .render_docx import SofficeError, docx_to_pdf, render_docx
from .render_html import (
    HtmlQuirks,
    ListEntry,
    Notice,
    Site,
    default_site,
    doc_href,
    doc_url,
    list_entry,
    list_page_name,
    make_notice,
    render_html_page,
    render_list_page,
    render_notice_page,
)
from .render_text import TextQuirks, render_pipe_text, table_rows
from .values import (
    ProactiveValue,
    Section,
    SyntheticReport,
    district_corpus,
    expected_cells,
    generate,
    identity_failures,
)

__all__ = [
    "CellQuirks", "HtmlQuirks", "ListEntry", "Notice", "ProactiveValue", "Section", "Site", "SofficeError",
    "SyntheticReport", "TextQuirks", "default_site", "district_corpus", "doc_href", "doc_url", "docx_to_pdf",
    "expected_cells", "generate", "identity_failures", "list_entry", "list_page_name", "make_notice",
    "render_docx", "render_html_page", "render_list_page", "render_notice_page", "render_pipe_text", "table_rows",
]
