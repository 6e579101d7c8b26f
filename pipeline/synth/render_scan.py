"""Render a SyntheticReport as a degraded scan: pages drawn as images (Pillow), then printed-and-scanned damage.

The pages are laid out as offices print them — title, prose, tables 二/三/四 with merged cells (ruled, or
printed without rules: cells aligned by position only), group labels one character per line, a table broken
across pages inside a rowspan — and then damaged the way scans of real reports are: low resolution (150 dpi),
skew (slight, or well beyond 6° for a page fed askew), pages lying sideways or upside down (quarter turns),
noise (speckle, faded toner, blur, tinted paper, uneven lighting), JPEG compression and a red seal stamped
over text and table cells. `render_scan_pdf` gives an image-only PDF (no text layer);
`render_table_images` gives the tables alone as pictures (a 统计表 image in a web page or a Word file).
"""

from __future__ import annotations

import io
import math
import random
import shutil
import subprocess
from dataclasses import dataclass, replace
from functools import cache

from .grid import CellQuirks, Grid, report_grids
from .values import SyntheticReport

A4_IN = (8.27, 11.69)
_WIDTHS = {"proactive": (4.6, 3.8, 3.8, 3.8), "requests": (1.1, 2.1, 3.9, *[1.27] * 7), "reviews": (1.07,) * 15}
_SECTION_TABLES = {2: "proactive", 3: "requests", 4: "reviews"}
_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/arphic/uming.ttc",
)


class FontMissing(RuntimeError):
    """No CJK font to draw the pages with (Debian: fonts-noto-cjk)."""


@dataclass(frozen=True)
class ScanQuirks:
    """How the report was printed and scanned; chances and amounts are drawn per page from `seed`."""

    dpi: int = 150
    max_angle: float = 1.2  # skew in degrees, either way
    min_angle: float = 0.0  # the skew is at least this large (either way)
    turns: tuple[int, ...] = (0,)  # quarter turns counter-clockwise of each page, cycled (1: sideways, 2: upside down)
    speckle: float = 0.0006  # share of pixels turned into dark specks
    dropout: float = 0.0  # share of ink pixels lost (faded toner, a worn ribbon)
    blur: float = 0.0  # Gaussian blur radius in pixels (a scan out of focus, a photo)
    paper: int = 255  # background grey level (recycled or yellowed paper)
    lighting: float = 0.0  # darkening towards one edge, as a share of the paper level (a lid left open)
    jpeg_quality: int = 55
    seal: bool = True  # a red seal over the first table page (and the title)
    rules: str = "grid"  # table rules: "grid" (every cell ruled) | "none" (cells aligned by position only)
    rule_px: int = 2  # weight of the table rules at the scan's resolution
    serif: bool = False
    vertical_labels: bool = True  # table 三's tall group labels printed one character per line
    shade_clause_rows: bool = False  # WPS-style blue fill behind table 二's 第二十条 rows
    font_pt: float = 10.5
    filler_paragraphs: int = 0  # prose before table 三: moves the page break to inside it
    seed: int = 0


FAMILIES = ("rotation", "skew", "noise", "borderless")  # what draw_quirks varies, on top of the usual slight damage


def draw_quirks(rng: random.Random, families: tuple[str, ...] = FAMILIES) -> ScanQuirks:
    """Scan damage drawn at random within each family asked for: pages turned by any quarter turns (one page
    in a document, or all), skew of 6-15° either way, noise (faded toner, blur, tinted paper, uneven lighting,
    heavy speckle, strong JPEG), tables printed without rules (borderless)."""
    q = ScanQuirks(seed=rng.randrange(10_000))
    if "rotation" in families:
        q = replace(q, turns=tuple(rng.choice((0, 1, 2, 3)) for _ in range(rng.randint(1, 3))) or (0,))
        if q.turns == (0,) * len(q.turns):
            q = replace(q, turns=(rng.choice((1, 2, 3)),))
    if "skew" in families:
        q = replace(q, min_angle=6.0, max_angle=rng.uniform(8.0, 15.0))
    if "noise" in families:
        q = replace(q, dropout=rng.uniform(0.0, 0.06), blur=rng.uniform(0.0, 0.8), paper=rng.randint(215, 255),
                    lighting=rng.uniform(0.0, 0.3), speckle=rng.uniform(0.0006, 0.0015),
                    jpeg_quality=rng.randint(35, 70))
    if "borderless" in families:
        q = replace(q, rules="none")
    return q


@cache
def font_file(serif: bool = False) -> tuple[str, int]:
    """A CJK font (path, face index of its Simplified Chinese face)."""
    from PIL import ImageFont

    candidates = list(_FONT_FILES)
    if serif:
        candidates.sort(key=lambda p: "Serif" not in p)
    fc = shutil.which("fc-match")
    if fc:
        try:
            out = subprocess.run([fc, "-f", "%{file}", "Noto Sans CJK SC:lang=zh-cn"], capture_output=True,
                                 text=True, timeout=10, check=False).stdout.strip()
            if out:
                candidates.append(out)
        except (OSError, subprocess.SubprocessError):
            pass
    for path in candidates:
        try:
            for index in range(8):
                f = ImageFont.truetype(path, 20, index=index)
                if "SC" in " ".join(f.getname()) or "Hei" in " ".join(f.getname()) or "Ming" in " ".join(f.getname()):
                    return path, index
            return path, 0
        except OSError:
            continue
    raise FontMissing("no CJK font found to draw synthetic scans (install fonts-noto-cjk)")


class _Canvas:
    """A4 pages at `dpi` with a y cursor."""

    def __init__(self, q: ScanQuirks) -> None:
        from PIL import ImageFont

        self.q = q
        self.w, self.h = round(A4_IN[0] * q.dpi), round(A4_IN[1] * q.dpi)
        self.margin_x, self.margin_y = round(1.0 * q.dpi), round(0.95 * q.dpi)
        path, index = font_file(q.serif)
        px = round(q.font_pt / 72 * q.dpi)
        self.font = ImageFont.truetype(path, px, index=index)
        self.big = ImageFont.truetype(path, round(px * 1.6), index=index)
        self.line_h = round(px * 1.55)
        self.pages: list = []
        self.table_pages: set[int] = set()
        self.new_page()

    def new_page(self) -> None:
        from PIL import Image, ImageDraw

        self.pages.append(Image.new("RGB", (self.w, self.h), "white"))
        self.draw = ImageDraw.Draw(self.pages[-1])
        self.y = self.margin_y

    @property
    def bottom(self) -> int:
        return self.h - self.margin_y

    def wrap(self, text: str, width: float, font=None) -> list[str]:
        font = font or self.font
        lines, cur = [], ""
        for ch in text:
            if font.getlength(cur + ch) > width and cur:
                lines.append(cur)
                cur = ch
            else:
                cur += ch
        if cur:
            lines.append(cur)
        return lines or [""]

    def paragraph(self, text: str, *, big: bool = False, center: bool = False, indent: bool = True) -> None:
        font = self.big if big else self.font
        line_h = round(self.line_h * (1.6 if big else 1))
        width = self.w - 2 * self.margin_x
        text = ("\u3000\u3000" + text) if indent and not center else text
        for line in self.wrap(text, width, font):
            if self.y + line_h > self.bottom:
                self.new_page()
            x = (self.w - font.getlength(line)) / 2 if center else self.margin_x
            self.draw.text((x, self.y), line, fill=(20, 20, 20), font=font)
            self.y += line_h
        self.y += round(self.line_h * 0.3)


def _draw_table(cv: _Canvas, grid: Grid) -> None:
    """A ruled table with merged cells; rows that do not fit go on the next page (a rowspan cut in two)."""
    q = cv.q
    widths = _WIDTHS[grid.name]
    text_w = cv.w - 2 * cv.margin_x
    scale = text_w / sum(widths)
    xs = [cv.margin_x + round(sum(widths[:i]) * scale) for i in range(len(widths) + 1)]
    pad = round(cv.line_h * 0.25)
    n_rows = len(grid.rows)
    cells = [c for row in grid.rows for c in row]
    heights = [cv.line_h + 2 * pad] * n_rows
    for c in cells:
        if c.rowspan == 1:
            lines = cv.wrap(c.text, xs[c.col + c.colspan] - xs[c.col] - 2 * pad)
            heights[c.row - grid.rows[0][0].row] = max(heights[c.row - grid.rows[0][0].row],
                                                       len(lines) * cv.line_h + 2 * pad)
    base = grid.rows[0][0].row
    # place rows on pages
    where: list[tuple[int, int]] = []  # (page, y) of each row's top
    y = cv.y
    page = len(cv.pages) - 1
    # header rows stay together with the first row of values (a break inside the header is not printed)
    first_values = next((i for i, row in enumerate(grid.rows) if any(c.kind == "value" for c in row)), 0)
    if y + sum(heights[: first_values + 1]) > cv.bottom:
        cv.new_page()
        page, y = len(cv.pages) - 1, cv.y
    for r in range(n_rows):
        if y + heights[r] > cv.bottom:
            cv.new_page()
            page, y = len(cv.pages) - 1, cv.y
        where.append((page, y))
        y += heights[r]
    cv.y = y + cv.line_h
    from PIL import ImageDraw

    for c in cells:
        r0 = c.row - base
        r1 = r0 + c.rowspan
        x0, x1 = xs[c.col], xs[c.col + c.colspan]
        # the cell's parts on each page it crosses
        parts: list[tuple[int, int, int]] = []
        for r in range(r0, r1):
            p, top = where[r]
            if parts and parts[-1][0] == p:
                parts[-1] = (p, parts[-1][1], top + heights[r])
            else:
                parts.append((p, top, top + heights[r]))
        for k, (p, top, bot) in enumerate(parts):
            draw = ImageDraw.Draw(cv.pages[p])
            cv.table_pages.add(p)
            if q.shade_clause_rows and c.kind == "clause":
                draw.rectangle((x0, top, x1, bot), fill=(197, 217, 241))
            if q.rules == "grid":
                draw.rectangle((x0, top, x1, bot), outline=(10, 10, 10), width=q.rule_px)
            if k == 0:
                _cell_text(cv, draw, c, (x0, top, x1, bot), pad)


def _cell_text(cv: _Canvas, draw, c, box: tuple[int, int, int, int], pad: int) -> None:
    x0, top, x1, bot = box
    width = x1 - x0 - 2 * pad
    if not c.text:
        return
    vertical = cv.q.vertical_labels and c.kind == "label" and c.rowspan >= 4 and width < cv.font.size * 3
    if vertical:
        chars = [ch for ch in c.text if ch.strip()]
        total = len(chars) * cv.line_h
        y = top + max(pad, (bot - top - total) // 2)
        for ch in chars:
            draw.text(((x0 + x1 - cv.font.getlength(ch)) / 2, y), ch, fill=(15, 15, 15), font=cv.font)
            y += cv.line_h
        return
    lines = cv.wrap(c.text, width)
    total = len(lines) * cv.line_h
    y = top + max(pad, (bot - top - total) // 2)
    for line in lines:
        lw = cv.font.getlength(line)
        x = x0 + pad if c.kind == "label" and lw < width else (x0 + x1 - lw) / 2
        draw.text((x, y), line, fill=(15, 15, 15), font=cv.font)
        y += cv.line_h


def _lay_out(report: SyntheticReport, q: ScanQuirks, cell_quirks: CellQuirks) -> _Canvas:
    cv = _Canvas(q)
    grids = report_grids(report, cell_quirks)
    cv.paragraph(report.title, big=True, center=True)
    cv.paragraph(report.intro)
    filler = "本年度，本机关坚持以公开为常态、不公开为例外，持续完善政府信息公开制度，规范依申请公开办理流程。"
    for s in report.sections:
        cv.paragraph(s.title, indent=False)
        for line in s.text.split("\n")[:2]:
            if line:
                cv.paragraph(line)
        if s.number == 2:
            for _ in range(q.filler_paragraphs):
                cv.paragraph(filler)
        name = _SECTION_TABLES.get(s.number)
        for g in (g for g in grids if g.name == name):
            _draw_table(cv, g)
    return cv


def _seal(img, rng: random.Random, dpi: int, centre: tuple[int, int]) -> None:
    """A red round seal (ring, star, text arc) blended over the page."""
    from PIL import Image, ImageDraw, ImageFont

    r = round(dpi * 0.8)
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    red = (215, 40, 40, rng.randint(90, 150))
    cx, cy = centre
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=max(2, dpi // 40))
    star = [(cx + r * 0.3 * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
             cy - r * 0.3 * math.sin(math.pi / 2 + k * 4 * math.pi / 5)) for k in range(5)]
    d.polygon(star, fill=red)
    path, index = font_file(False)
    f = ImageFont.truetype(path, round(dpi * 0.16), index=index)
    text = "人民政府办公室"
    for k, ch in enumerate(text):
        a = math.pi * (0.85 - 0.7 * k / (len(text) - 1))
        d.text((cx + r * 0.72 * math.cos(a) - 8, cy - r * 0.72 * math.sin(a) - 8), ch, fill=red, font=f)
    img.paste(Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB"))


def degrade(img, q: ScanQuirks, rng: random.Random, *, seal_at: tuple[int, int] | None = None, turns: int = 0):
    """Scanner damage: seal, speckle and faded toner, skew, paper tone and uneven lighting, blur, quarter turns,
    then JPEG (returns the JPEG bytes' image)."""
    import numpy as np
    from PIL import Image, ImageFilter

    if seal_at is not None:
        _seal(img, rng, q.dpi, seal_at)
    arr = np.asarray(img).copy()
    if q.dropout:
        lost = (arr.min(axis=2) < 128) & (np.random.default_rng(rng.randrange(2**32)).random(arr.shape[:2]) < q.dropout)
        arr[lost] = 255
    if q.speckle:
        n = int(arr.shape[0] * arr.shape[1] * q.speckle)
        ys = np.array([rng.randrange(arr.shape[0]) for _ in range(n)])
        xs = np.array([rng.randrange(arr.shape[1]) for _ in range(n)])
        arr[ys, xs] = rng.randint(20, 90)
    img = Image.fromarray(arr)
    if q.min_angle:
        angle = rng.uniform(q.min_angle, max(q.min_angle, q.max_angle)) * rng.choice((-1, 1))
    else:
        angle = rng.uniform(-q.max_angle, q.max_angle)
    img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=(255, 255, 255), expand=abs(angle) > 3)
    if q.paper < 255 or q.lighting:  # over the whole scan, so the paper's edge leaves no line
        arr = np.asarray(img)
        h, w = arr.shape[:2]
        edge = rng.choice(("left", "right", "top", "bottom"))
        ramp = np.linspace(1.0, 0.0, w if edge in ("left", "right") else h) ** 2
        ramp = ramp[::-1] if edge in ("right", "bottom") else ramp
        shade = 1.0 - q.lighting * (ramp[None, :] if edge in ("left", "right") else ramp[:, None])
        tone = np.array([1.0, 0.985, 0.93])  # paper yellows: less blue
        paper = (q.paper * shade)[..., None] * tone
        img = Image.fromarray(np.minimum(arr.astype(np.float32), paper).astype(np.uint8))
    if q.blur:
        img = img.filter(ImageFilter.GaussianBlur(q.blur))
    if turns % 4:
        img = img.rotate(90 * (turns % 4), expand=True)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=q.jpeg_quality)
    return Image.open(io.BytesIO(buf.getvalue()))


def render_scan_pages(report: SyntheticReport, q: ScanQuirks | None = None,
                      cell_quirks: CellQuirks | None = None) -> list:
    """The report's pages as degraded page images (PIL, JPEG-compressed)."""
    q = q or ScanQuirks()
    rng = random.Random(f"{q.seed}|{report.agency}|{report.year}")
    cv = _lay_out(report, q, cell_quirks or CellQuirks(seed=q.seed))
    first_table = min(cv.table_pages, default=0)
    out = []
    for i, page in enumerate(cv.pages):
        seal = None
        if q.seal and i == first_table:
            seal = (rng.randint(cv.w // 2, cv.w - cv.margin_x), rng.randint(cv.h // 4, cv.h * 3 // 4))
        elif q.seal and i == 0:
            seal = (cv.w * 2 // 3, cv.margin_y + cv.line_h)
        out.append(degrade(page, replace(q), rng, seal_at=seal, turns=q.turns[i % len(q.turns)] if q.turns else 0))
    return out


def render_scan_pdf(report: SyntheticReport, q: ScanQuirks | None = None,
                    cell_quirks: CellQuirks | None = None) -> bytes:
    """The report as an image-only PDF (one JPEG per page, no text layer), as a scanner writes it."""
    q = q or ScanQuirks()
    pages = [p.convert("RGB") for p in render_scan_pages(report, q, cell_quirks)]
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=float(q.dpi))
    return buf.getvalue()


def render_table_images(report: SyntheticReport, q: ScanQuirks | None = None, cell_quirks: CellQuirks | None = None,
                        fmt: str = "PNG") -> list[bytes]:
    """Each table 二/三/四 as its own picture (a screenshot or scan of the printed table), lightly damaged."""
    q = q or ScanQuirks(seal=False, max_angle=0.4, speckle=0.0002, jpeg_quality=80)
    rng = random.Random(f"{q.seed}|img|{report.agency}|{report.year}")
    out = []
    for name in ("proactive", "requests", "reviews"):
        cv = _Canvas(q)
        cv.h = q.dpi * 30  # one tall picture per table: no page breaks
        cv.new_page()
        cv.pages = cv.pages[-1:]
        for g in report_grids(report, cell_quirks or CellQuirks(seed=q.seed)):
            if g.name == name:
                _draw_table(cv, g)
        img = cv.pages[0].crop((cv.margin_x - 20, cv.margin_y - 20, cv.w - cv.margin_x + 20, cv.y))
        img = degrade(img, q, rng)
        buf = io.BytesIO()
        img.convert("RGB").save(buf, fmt)
        out.append(buf.getvalue())
    return out
