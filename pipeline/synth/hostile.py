"""Hostile and broken documents, generated: what a crawler downloading arbitrary bytes from thousands of servers
meets. Each generator returns (file name, bytes) or bytes; tests and benchmarks/bench_hostile.py use them.

- `zip_bomb(kind)`: a .docx / .xlsx / .odt / bare zip whose one member inflates ~1000 : 1;
- `big_zip(kind, size)`: a package of incompressible members larger in all than a limit (no single bomb);
- `meta_backtrack_html()`: a 20 KB page of unterminated <meta> tags (a cubic backtracking trap);
- `huge_span_html()`, `wide_span_docx()`: tables whose rowspan/colspan or gridSpan expand to millions of slots;
- `many_tables_text()`, `many_tables_html()`: thousands of tiny tables in a row (quadratic caption lookups);
- `ruled_pdf(kind)`: one page with thousands of ruling lines (disjoint dots or short rules, or a dense grid);
- `damaged_pdf(pdf, how)`: a real PDF with a damaged page dictionary (MediaBox, Rotate, page tree);
- `concatenated_reports(reports)`: many reports in one text file;
- `minimal_pdf(pages)`: a PDF written by hand from content streams (Helvetica), the base of the PDF cases.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/'
       'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
       'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
       'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"'
       '/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats'
         '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
         'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_MEMBER = {"docx": "word/document.xml", "xlsx": "xl/worksheets/sheet1.xml", "odt": "content.xml", "zip": "data.bin"}
_SUFFIX = {"docx": ".docx", "xlsx": ".xlsx", "odt": ".odt", "zip": ".txt"}  # a bare zip under a text name


def docx_package(body_xml: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .docx (content types, relationships, word/document.xml with `body_xml` in w:body)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_W}>'
                                        f"<w:body>{body_xml}</w:body></w:document>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def _package(kind: str, members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        if kind == "docx":
            z.writestr("[Content_Types].xml", _CT)
            z.writestr("_rels/.rels", _RELS)
        elif kind == "odt":
            z.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        elif kind == "xlsx":
            z.writestr("[Content_Types].xml", _CT.replace("word/document.xml", "xl/workbook.xml"))
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def zip_bomb(kind: str = "docx", inflated: int = 64 * 2**20) -> tuple[str, bytes]:
    """A package whose main member inflates `inflated` bytes of one repeated byte (~1000 : 1)."""
    member = _MEMBER[kind]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        if kind == "docx":
            z.writestr("[Content_Types].xml", _CT)
            z.writestr("_rels/.rels", _RELS)
        elif kind == "odt":
            z.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        with z.open(member, "w", force_zip64=inflated >= 2**31) as fh:
            chunk = b" " * 2**20
            for _ in range(inflated // len(chunk)):
                fh.write(chunk)
    return f"bomb{_SUFFIX[kind]}", buf.getvalue()


def big_zip(kind: str = "docx", size: int = 8 * 2**20, members: int = 4) -> tuple[str, bytes]:
    """A package of `members` incompressible members of `size` bytes in all (within any ratio limit)."""
    rng = random.Random(size)
    parts = {f"media/image{i}.bin": rng.randbytes(size // members) for i in range(members)}
    if kind == "docx":
        return "big.docx", docx_package("<w:p><w:r><w:t>x</w:t></w:r></w:p>", parts)
    return f"big{_SUFFIX[kind]}", _package(kind, parts)


def meta_backtrack_html(size: int = 20_000) -> bytes:
    """A page head of <meta name=…> tags that never reach content=: the old pattern backtracked cubically."""
    head = "<meta name='ArticleTitle' " * (size // 26)
    return f"<html><head>{head}</head><body><p>正文</p></body></html>".encode()


def huge_span_html(cells: int = 2_000) -> bytes:
    """One table row of `cells` cells with rowspan=200 colspan=200 (80 million slots if expanded)."""
    row = "".join(f'<td rowspan="200" colspan="200">{i}</td>' for i in range(cells))
    return f"<html><body><p>表</p><table><tr>{row}</tr><tr><td>x</td></tr></table></body></html>".encode()


def many_tables_html(n: int = 20_000) -> bytes:
    return ("<html><body>" + "<table><tr><td>1</td><td>2</td></tr></table>" * n + "</body></html>").encode()


def many_tables_text(n: int = 50_000) -> bytes:
    return ("a|b\n\n" * n).encode()


def wide_span_docx(cells: int = 400, rows: int = 10) -> bytes:
    """A Word table whose rows are `cells` cells of gridSpan 200 (columns × rows far past any report table)."""
    cell = '<w:tc><w:tcPr><w:gridSpan w:val="200"/></w:tcPr><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>'
    row = "<w:tr>" + cell * cells + "</w:tr>"
    return docx_package("<w:tbl>" + row * rows + "</w:tbl>")


# ---- PDF ---------------------------------------------------------------------------------------------
def minimal_pdf(pages: Sequence[bytes], compress: bool = True) -> bytes:
    """A PDF of one page per content stream (A4, Helvetica as /F1), with a correct cross-reference table."""
    objs: list[bytes] = []
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objs.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, ops in enumerate(pages):
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                    f"/Contents {5 + 2 * i} 0 R >>".encode())
        data = zlib.compress(ops) if compress else ops
        filt = b" /Filter /FlateDecode" if compress else b""
        objs.append(b"<< /Length " + str(len(data)).encode() + filt + b" >>\nstream\n" + data + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def text_ops(lines: Sequence[str], x: float = 50, y: float = 800, size: int = 10) -> bytes:
    """Content-stream operators printing ASCII lines top down."""
    ops = [b"BT /F1 %d Tf" % size]
    ops += [f"1 0 0 1 {x} {y - i * 14} Tm ({line}) Tj".encode() for i, line in enumerate(lines)]
    ops.append(b"ET")
    return b"\n".join(ops)


_NUMBER_ROWS = [f"row {i} 1 2 3" for i in range(5)]  # lines ending in numbers: the page is read as a table page


def ruled_pdf(kind: str = "segments", n: int = 10_000) -> bytes:
    """One table page with `n` ruling objects: disjoint short segments (dots), disjoint vertical rules 5 points
    long, or an n/2 × n/2 grid of full lines."""
    ops = [b"0.5 w"]
    if kind == "verticals":
        cols = int(n ** 0.5) + 1
        for i in range(n):
            r, c = divmod(i, cols)
            x, y = 40 + c * (500 / cols), 100 + r * (600 / cols)
            ops.append(f"{x:.2f} {y:.2f} m {x:.2f} {y + 5:.2f} l S".encode())
    elif kind == "segments":
        cols = int(n ** 0.5) + 1
        for i in range(n):
            r, c = divmod(i, cols)
            x, y = 40 + c * (500 / cols), 100 + r * (600 / cols)
            ops.append(f"{x:.2f} {y:.2f} m {x + 0.1:.2f} {y:.2f} l S".encode() if i % 2 else
                       f"{x:.2f} {y:.2f} m {x:.2f} {y + 0.1:.2f} l S".encode())
    else:
        half = n // 2
        ops += [f"40 {100 + i * 600 / half:.3f} m 555 {100 + i * 600 / half:.3f} l S".encode() for i in range(half)]
        ops += [f"{40 + j * 515 / half:.3f} 100 m {40 + j * 515 / half:.3f} 700 l S".encode() for j in range(half)]
    return minimal_pdf([text_ops(_NUMBER_ROWS) + b"\n" + b"\n".join(ops)])


_DAMAGE = {
    "mediabox": (rb"/MediaBox\s*\[[^\]]*\]", b"/MediaBox [0 0 x y]"),
    "rotate": (rb"/Type\s*/Page\b", b"/Type/Page/Rotate /abc"),
    "page_tree": (rb"/Parent\s+\d+\s+0\s+R", b"/Parent 1 0 R"),
}


def damaged_pdf(pdf: bytes, how: str = "mediabox") -> bytes:
    """`pdf` with its first pages' dictionaries damaged: an unreadable MediaBox or Rotate, or a broken page tree."""
    pattern, repl = _DAMAGE[how]
    out = re.sub(pattern, repl, pdf, count=2)
    if out == pdf:
        raise ValueError(f"nothing to damage ({how}) in this PDF")
    return out


def concatenated_reports(texts: Sequence[str], separator: str = "\n\n") -> bytes:
    """Many reports in one text file (a site's archive of every year, pasted together)."""
    return separator.join(texts).encode()


def good_documents(office: Path, *, districts: int, departments: int, n: int) -> dict[str, bytes]:
    """The good side of a hostile batch: `n` generated reports (half pipe text, half HTML), a report page served
    as .doc (issue 12 item 11) and the Office fixtures' 2021 report as .docx and .pdf (`office`: their folder)."""
    from pipeline.synth import district_corpus, render_html_page, render_pipe_text

    reports = district_corpus(21, n_districts=districts, n_departments=departments)[:n]
    docs = {f"good_{i}.txt": render_pipe_text(r).encode() for i, r in enumerate(reports[: n // 2])}
    docs |= {f"good_{i}.html": render_html_page(r) for i, r in enumerate(reports[n // 2:])}
    docs["good.docx"] = (office / "report_2021.docx").read_bytes()
    docs["served_as.doc"] = render_html_page(district_corpus(22, n_districts=1, n_departments=0)[0])
    docs["good.pdf"] = (office / "report_2021.pdf").read_bytes()
    return docs


def hostile_batch(folder, good: dict[str, bytes], base_pdf: bytes, outside=None) -> dict[str, str]:
    """Write a batch of hostile documents beside the `good` ones into `folder`; returns {file name: what it is}
    for the hostile files that get a row. A FIFO and (when `outside` is a folder) a symbolic link leading out of
    `folder` are added too: neither is read."""
    import os
    from pathlib import Path

    from pipeline.synth import district_corpus, render_pipe_text

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in good.items():
        (folder / name).write_bytes(data)
    reports = district_corpus(5, n_districts=4, n_departments=2)
    docs = {
        "bomb.docx": (zip_bomb("docx")[1], "a .docx zip bomb (64 MB from 70 KB)"),
        "bomb.xlsx": (zip_bomb("xlsx")[1], "an .xlsx zip bomb"),
        "meta.html": (meta_backtrack_html(), "a 20 KB page of unterminated <meta> tags"),
        "spans.html": (huge_span_html(), "rowspan=200 colspan=200 × 2,000 cells"),
        "tables.txt": (many_tables_text(15_000), "15,000 tiny pipe tables"),
        "wide.docx": (wide_span_docx(), "a Word table of gridSpan 200 × 400 cells"),
        "segments.pdf": (ruled_pdf("segments", 12_000), "one page, 12,000 disjoint ruling segments"),
        "grid.pdf": (ruled_pdf("grid", 300), "one page, a 150 × 150 grid of ruling lines"),
        "verticals.pdf": (ruled_pdf("verticals", 6_000), "one page, 6,000 short vertical rules"),
        "damaged.pdf": (damaged_pdf(base_pdf, "page_tree"), "a real PDF with a broken page tree"),
        "archive.txt": (concatenated_reports([render_pipe_text(r) for r in reports] * 10), "240 reports in one text"),
        "empty.pdf": (b"", "an empty file"),
        "garbage.html": (random.Random(1).randbytes(4096) + b"\x00", "random bytes named .html"),
        "garbage.doc": (random.Random(2).randbytes(50_000) + b"\x00", "random bytes named .doc (no converter run)"),
        "truncated.pdf": (base_pdf[: len(base_pdf) // 2], "a PDF cut in half"),
    }
    for name, (data, _what) in docs.items():
        (folder / name).write_bytes(data)
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.txt")
    if outside is not None:
        Path(outside).mkdir(parents=True, exist_ok=True)
        (Path(outside) / "secret.txt").write_bytes(b"not to be read")
        (folder / "escape.txt").symlink_to(Path(outside) / "secret.txt")
    return {name: what for name, (_data, what) in docs.items()}
