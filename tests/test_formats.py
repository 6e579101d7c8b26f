"""The format registry (docformats): one table read by the readers, the scrapers, the executors and the run report;
bytes decide the format, the file name only among formats sharing a container."""

from __future__ import annotations

import importlib
import io
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import docformats
import pipeline
from pipeline.readers import preload_modules, sniff
from pipeline.synth import expected_cells, generate
from pipeline.synth.formats import RENDERERS
from scrapers.discovery import attachment_ext, media_type
from tests.test_office_roundtrip import assert_exact
from tests.test_text_reader import _report

OFFICE = Path(__file__).parent / "fixtures" / "office"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()


def _ole(stream: str) -> bytes:
    """An OLE header and a directory sector naming one stream (UTF-16), as Office writes it."""
    return OLE + b"\x00" * 504 + stream.encode("utf-16-le") + b"\x00" * 200


def test_registry_is_consistent():
    keys = [f.key for f in docformats.FORMATS]
    assert len(keys) == len(set(keys))
    exts = [e for f in docformats.FORMATS for e in f.extensions]
    assert len(exts) == len(set(exts)), "an extension names one format"
    media = [m for f in docformats.FORMATS for m in f.media_types]
    assert len(media) == len(set(media)), "a media type names one format"
    for f in docformats.FORMATS:
        assert all(e.startswith(".") and e == e.lower() for e in f.extensions)
        if f.reader:  # every reader reference resolves to a function
            module, _, func = f.reader.partition(":")
            if f.extra is None:
                assert callable(getattr(importlib.import_module(module), func)), f.reader


def test_registry_imports_neither_pipeline_nor_scrapers():
    code = "import sys, docformats; print(sorted(m for m in sys.modules if m.split('.')[0] in ('pipeline', 'scrapers')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(("data", "name", "key"), [
    (b"%PDF-1.7\n...", "report.pdf", "pdf"),
    (b"%PDF-1.4\n...", "download.jsp", "pdf"),  # bytes beat the name
    (b"\xef\xbb\xbf\r\n%PDF-1.4", "x", "pdf"),  # junk before the header
    (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "2023.doc", "html"),  # issue 12 item 11
    (b"\xef\xbb\xbf  <!DOCTYPE html><html>", "report.docx", "html"),
    ("二〇二三年政府信息公开工作年度报告\n一、总体情况\n".encode("gbk"), "report.doc", "text"),
    ("二〇二三年政府信息公开工作年度报告\n".encode(), "report.wps", "text"),
    (b"plain words", "page.html", "html"),  # text without markup named .html: the HTML reader
    (b"{\\rtf1\\ansi hello}", "report.doc", "rtf"),
    (OLE + b"\x00" * 600, "report.doc", "doc"),
    (OLE + b"\x00" * 600, "report.wps", "wps"),
    (OLE + b"\x00" * 600, "stats.xls", "xls"),
    (OLE + b"\x00" * 600, "stats.et", "et"),
    (_ole("Workbook"), "download.jsp", "xls"),  # no telling name: the OLE directory decides
    (_ole("WordDocument"), "download.jsp", "doc"),
    (_zip({"word/document.xml": b"<w/>"}), "a.bin", "docx"),
    (_zip({"xl/workbook.xml": b"<w/>"}), "report.docx", "xlsx"),  # misnamed: bytes decide
    (_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b""}), "x", "ods"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "table.gif", "jpeg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "x", "png"),
    (b"II*\x00\x08\x00", "scan.tif", "tiff"),
])
def test_sniff_bytes_first(data, name, key):
    assert sniff(data, name) == key


def test_unknown_binary_and_unknown_zip():
    assert sniff(bytes(range(256)) * 4, "blob") == "unknown"
    assert sniff(_zip({"a.txt": b"x"}), "a.zip") == "unknown"
    rep = pipeline.extract_bytes(_zip({"a.txt": b"x"}), "archive.zip")
    assert rep.status == "failed" and "no supported format" in rep.row["error"]


def test_html_served_as_doc_is_read_as_html():
    """Issue 12 item 11: a portal serves its report page as x.doc; it must not go to the .doc converter."""
    rows = [r for r in _report().decode().splitlines() if "|" in r]
    table = "".join("<tr>" + "".join(f"<td>{c.strip()}</td>" for c in r.split("|")) + "</tr>" for r in rows)
    html = ("<html><head><title>2020年某县政府信息公开工作年度报告</title></head><body>"
            "<p>三、收到和处理政府信息公开申请情况</p><table>" + table + "</table></body></html>")
    rep = pipeline.extract_bytes(html.encode("gbk"), "P020210115.doc")
    assert rep.row["media_type"] == "text/html"
    assert rep.row["year"] == 2020
    req = rep.requests.set_index(["outcome", "applicant"])["value"]
    assert req[("new_received", "total")] == 16


def test_text_served_as_doc_is_read_as_text():
    rep = pipeline.extract_bytes(_report(), "2020年报.doc")
    assert rep.row["media_type"] == "text/plain"
    assert rep.row["year"] == 2020 and len(rep.requests) == 23 * 7  # table 三 only: partial, but read


def test_docx_named_doc_is_read_as_docx():
    data = (OFFICE / "report_2021.docx").read_bytes()
    rep = pipeline.extract_bytes(data, "report_2021.doc")
    assert rep.row["media_type"] == docformats.by_key("docx").media_types[0]
    assert rep.status == "ok", rep.row["error"]


@pytest.mark.parametrize("name", ["x.doc", "x.wps", "x.rtf", "x.odt", "x.docx", "x.xls", "x.pdf", "x.jpg", "x.html"])
def test_binary_bytes_named_for_a_format_are_never_handed_to_its_reader(name, monkeypatch):
    """Issue 12 item 11: bytes decide. Random bytes named x.doc (a portal's error blob, a broken download) are no
    format: the .doc converter (LibreOffice, seconds per file) is never started, nor any other reader."""
    import pipeline.readers as readers

    def no_reader(fmt):
        raise AssertionError(f"{name}: the {fmt.key} reader was chosen for bytes of no known signature")

    monkeypatch.setattr(readers, "reader_for", no_reader)
    data = bytes(range(256)) * 64 + b"\x00" * 64  # binary: NUL and control bytes, no signature
    assert sniff(data, name) == "unknown"
    rep = pipeline.extract_bytes(data, name)
    assert rep.status == "failed" and rep.row["media_type"] is None
    assert rep.row["error"].startswith("binary content of no supported format")
    assert f"named .{name.split('.')[-1]}, but its bytes are not" in rep.row["error"]
    # the same bytes with the OLE signature are a .doc again: the name tells the OLE formats apart
    assert sniff(OLE + data, name) == {"x.xls": "xls", "x.wps": "wps"}.get(name, "doc")


def test_scrapers_and_run_report_read_the_registry():
    for fmt in docformats.FORMATS:
        if fmt.attachment:
            for ext in fmt.extensions:
                assert attachment_ext(f"http://a.gov.cn/files/P0201{ext}") == ext
    assert attachment_ext("http://a.gov.cn/down?id=3", "附件：统计表.xlsx") == ".xlsx"
    assert attachment_ext("http://a.gov.cn/t1.html") is None
    assert media_type(b"<html><body>report</body></html>", "application/msword", ".doc") == "text/html"
    assert media_type(_ole("Workbook"), "application/octet-stream") == "application/vnd.ms-excel"
    assert media_type(_zip({"xl/workbook.xml": b""}), None, ".docx") == docformats.by_key("xlsx").media_types[0]
    assert media_type(b"\x89PNG\r\n\x1a\n\x00", "application/octet-stream") == "image/png"
    assert media_type(b"<?xml version='1.0'?><datastore><record/></datastore>", "text/xml") == "application/xml"
    assert docformats.display_name("application/pdf") == "PDF"
    assert docformats.display_name("image/jpeg; q=1") == "image (JPEG)"
    assert docformats.extension_for_media_type("application/vnd.ms-excel") == ".xls"


def test_preload_lists_light_readers_only():
    mods = preload_modules()
    assert "pipeline.readers.pdf" in mods and "pipeline.readers.html" in mods
    heavy = {f.reader.partition(":")[0] for f in docformats.FORMATS if f.reader and not f.preload}
    assert not heavy & set(mods)


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("key", sorted(RENDERERS))
def test_every_generated_format_reads_back_exactly(key, seed):
    """Each format the generator writes (pipeline.synth.formats) is told by its bytes and read back to exactly the
    generated values: a new format is its reader, its row in docformats and its renderer."""
    assert {"text", "html", "docx", "xlsx"} <= set(RENDERERS)
    rng = random.Random(f"{key}|{seed}")
    report = generate(rng, year=rng.choice(range(2019, 2025)))
    data = RENDERERS[key](report, rng)
    name = f"W020250120{seed}{docformats.by_key(key).extensions[0]}"
    assert sniff(data, name) == key
    assert_exact(pipeline.extract_bytes(data, name), expected_cells(report), year=report.year,
                 template=report.template, failures=[])
