"""`ogi demo`: a generated city corpus served as government websites on 127.0.0.1, then the whole `ogi run`.

The corpus (pipeline.synth.district_corpus): several districts of one city, each with its own site, and city
departments on the city's site, 2019–2024, both templates. Each report is published as a web page with its
tables (UTF-8 or GBK), as a page with a PDF or Word (.docx, merged cells) attachment, or as a plain-text file
linked straight from the list, with the real-world quirks of pipeline.synth; one report each as a scanned PDF
(read by OCR), an .xlsx attachment and a page whose tables are pictures (EXTRAS). PDFs are exported from the .docx by
LibreOffice when it is installed; without it they are drawn by reportlab (pipeline.synth.render_pdf: ruled
tables, page breaks inside them), so every machine serves PDFs. The bundled example report
(samples/2019_jinlin_seed.txt) is served as a text attachment on a site of its own.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import random
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

import docformats
from pipeline.libreoffice import soffice_path
from pipeline.run.orchestrate import RunResult
from pipeline.run.outcome import RunSummary, by_rank
from pipeline.synth import (
    HtmlQuirks,
    SyntheticReport,
    default_site,
    district_corpus,
    make_notice,
    quirks,
    render_html_page,
    render_notice_page,
    render_pipe_text,
)
from pipeline.synth import Site as SynthSite
from pipeline.synth.grid import CellQuirks
from pipeline.synth.portals import Doc, File, Portal
from pipeline.synth.render_docx import docx_to_pdfs, render_many
from pipeline.synth.render_html import table_image_files
from pipeline.synth.render_pdf import render_pdf
from pipeline.synth.render_scan import ScanQuirks, render_scan_pdf
from pipeline.synth.render_xlsx import render_xlsx
from pipeline.synth.server import Route, serve
from pipeline.synth.server import Site as DemoSite
from scrapers.console import NORMAL, QUIET, make_console, markup, text, verbosity
from scrapers.politeness import Politeness

SAMPLES = Path(__file__).parent / "samples"
SEED_FILE = "2019_jinlin_seed.txt"
SEED_AGENCY = "伊春市金林区人民政府"
FORMATS = ("html", "pdf", "html", "docx", "text", "pdf")  # cycled per agency and year
EXTRAS = ("scan", "xlsx", "picture")  # one report each (OCR is slow: a few keep the demo under a minute)
_EXTRA_INSTEAD_OF = {"scan": "pdf", "xlsx": "docx", "picture": "html"}
PER_PAGE = 8  # list entries per column page
LAST_YEAR = 2024  # the generated city's last reporting year (the discovery audit expects no later one)
ROBOTS = b"User-agent: *\nDisallow: /search/\nDisallow: /private/\n"
DOCX_TYPE = docformats.by_key("docx").media_types[0]


@dataclass(frozen=True)
class Served:
    """One report as the demo publishes it."""

    site: str  # DemoSite.key
    agency: str
    year: int
    template: str
    fmt: str  # html | pdf | docx | text | scan | xlsx | picture
    path: str  # the path the list links to
    consistent: bool = True


@dataclass
class Corpus:
    sites: list[DemoSite]
    reports: list[Served]
    notes: list[str] = field(default_factory=list)

    def by_format(self) -> Counter:
        return Counter(r.fmt for r in self.reports)


# sites -------------------------------------------------------------------------------------------------
# The CMS family each demo site runs (pipeline.synth.portals): the city on TRS WCM, districts on Hanweb jpage,
# Guangdong's gkmlpt, TRS page_div and the Anhui label platform, in that order. `hint` says whether the
# registry names the family (cms=…) or leaves it to detection.
SITE_FAMILIES = {"city": ("trs_classic", True), "district-1": ("hanweb_jpage", True), "district-2": ("gkmlpt", False),
                 "district-3": ("trs_pagediv", True), "district-4": ("anhui_label", False),
                 "seed-jinlin": ("trs_classic", False)}


def _portal(key: str, name: str, synth_site: SynthSite, docs: list[Doc], seed: int) -> Portal:
    """The demo site ``key`` as a portal of its family, publishing ``docs``."""
    from pipeline.synth.portals import anhui_label, gkmlpt, hanweb_jpage, trs_classic, trs_pagediv

    family, _hint = SITE_FAMILIES.get(key, ("trs_classic", True))
    if family == "hanweb_jpage":
        portal = hanweb_jpage.build(docs, seed=seed, perpage=PER_PAGE // 2, name=name)
    elif family == "gkmlpt":
        portal = gkmlpt.build(docs, seed=seed, page_size=PER_PAGE, name=name)
    elif family == "trs_pagediv":
        portal = trs_pagediv.build(docs, seed=seed, per_page=PER_PAGE, name=name)
    elif family == "anhui_label":
        portal = anhui_label.build(docs, seed=seed, page_size=PER_PAGE, name=name)
    else:
        portal = trs_classic.build(docs, seed=seed, per_page=PER_PAGE, column=synth_site.column_path, name=name)
    portal.site.key = key
    portal.site.routes["/robots.txt"] = Route(ROBOTS, "text/plain")
    return portal


def _site_key(keys: dict[str, str], report: SyntheticReport) -> tuple[str, SynthSite]:
    synth_site = default_site(report.agency, report.city, report.region)
    if synth_site.name not in keys:
        n = sum(k.startswith("district") for k in keys.values())
        keys[synth_site.name] = "city" if report.region == report.city else f"district-{n + 1}"
    return keys[synth_site.name], synth_site


def build_corpus(seed: int = 2019, *, districts: int = 4, departments: int = 3,
                 formats: tuple[str, ...] = FORMATS, pdf: bool = True, extras: tuple[str, ...] = EXTRAS) -> Corpus:
    """The demo's sites and what they publish (deterministic for a seed); `formats` is cycled over agencies and
    years. PDFs are exported from the Word files by LibreOffice when it is installed, else drawn by reportlab
    (pipeline.synth.render_pdf); pdf=False serves .docx where a PDF was meant. `extras` publish one report each
    in rarer forms: "scan" (an image-only scanned PDF attachment, read by OCR), "xlsx" (the tables as an Excel
    attachment), "picture" (a page whose tables are pictures stored beside it). Each site runs one CMS family
    (SITE_FAMILIES)."""
    rng = random.Random(seed)
    soffice = soffice_path()
    notes: list[str] = []
    if pdf and soffice is None:
        notes.append("LibreOffice (soffice) is not installed: the reports meant as PDF are drawn by reportlab "
                     "instead of exported from Word")
    keys: dict[str, str] = {}  # site name -> key
    synth_sites: dict[str, SynthSite] = {}
    published: dict[str, list[Doc]] = {}  # site key -> docs
    served: list[tuple[str, int, Served]] = []  # (site key, doc index, report)
    agencies: dict[str, int] = {}
    word: list[tuple[int, SyntheticReport, dict[str, Any]]] = []  # rendered in parallel below
    wants_pdf: dict[int, Doc] = {}
    drawn: list[tuple[int, SyntheticReport, dict[str, Any]]] = []  # PDFs drawn by reportlab (no LibreOffice)
    pending_extras = list(extras)
    for report in district_corpus(seed, n_districts=districts, n_departments=departments):
        key, synth_site = _site_key(keys, report)
        synth_sites[key] = synth_site
        docs = published.setdefault(key, [])
        a = agencies.setdefault(report.agency, len(agencies))
        fmt = formats[(report.year + a) % len(formats)]
        extra = next((e for e in pending_extras if report.consistent and fmt == _EXTRA_INSTEAD_OF[e]), None)
        if extra is not None and (extra != "scan" or _can_scan()) and (extra != "picture" or _can_scan()):
            pending_extras.remove(extra)
            fmt = extra
        doc = Doc(report.title, report.published, report.year, report.agency, doc_id=int(report.doc_id))
        wrapper = (report.intro, f"根据《中华人民共和国政府信息公开条例》规定，现公布{report.title}，全文详见附件。")
        if fmt == "picture":  # tables printed as pictures stored beside the page
            q = HtmlQuirks(table_images="files", seed=rng.randrange(1000))
            doc.page = render_html_page(report, q, site=synth_site)
            doc.page_type = "text/html; charset=UTF-8"
            doc.beside = tuple(File(name, png, "image/png") for name, png in table_image_files(report, q).items())
        elif fmt in ("scan", "xlsx"):
            doc.paragraphs = wrapper
            if fmt == "scan":
                body = render_scan_pdf(report, ScanQuirks(seed=rng.randrange(1000), filler_paragraphs=2))
                doc.attachments = (File(f"{report.title}.pdf", body, "application/pdf"),)
            else:
                body = render_xlsx(report, CellQuirks(**quirks.cell_quirks(rng)))  # type: ignore[arg-type]
                doc.attachments = (File(f"{report.title}.xlsx", body, docformats.by_key("xlsx").media_types[0]),)
        elif fmt == "html":
            encoding = rng.choice(("utf-8", "utf-8", "gbk"))
            doc.page = render_html_page(report, quirks.html_quirks(rng), encoding=encoding, site=synth_site)
            doc.page_type = f"text/html; charset={encoding.upper()}" if rng.random() < 0.5 else "text/html"
        elif fmt == "text":
            doc.direct = File(f"W0{report.published:%Y%m%d}{report.doc_id}.txt",
                              render_pipe_text(report, quirks.text_quirks(rng)).encode("utf-8"), "text/plain; charset=utf-8")
        else:
            fmt = "pdf" if fmt == "pdf" and pdf else "docx"
            doc.paragraphs = wrapper
            (word if fmt == "docx" or soffice else drawn).append((len(served), report, quirks.docx_options(rng)))
            if fmt == "pdf" and soffice:
                wants_pdf[len(served)] = doc
        docs.append(doc)
        served.append((key, len(docs) - 1, Served(key, report.agency, report.year, report.template, fmt, "",
                                                  report.consistent)))
    docx_of = {i: body for (i, _r, _o), body in zip(word, render_many([(r, o) for _i, r, o in word]), strict=True)}
    pdfs: dict[int, bytes] = {}
    if wants_pdf:
        order = sorted(wants_pdf)
        try:
            pdfs = dict(zip(order, docx_to_pdfs([docx_of[i] for i in order]), strict=True))
        except (OSError, subprocess.SubprocessError, RuntimeError) as exc:
            notes.append(f"LibreOffice failed ({exc}): the reports meant as PDF are drawn by reportlab")
    jobs = {i: (r, o) for i, r, o in word}
    for i in wants_pdf.keys() - pdfs.keys():
        pdfs[i] = render_pdf(jobs[i][0], **jobs[i][1])
    for i, report, options in drawn:
        pdfs[i] = render_pdf(report, **options)
    for i in sorted({*docx_of, *pdfs}):
        key, idx, _rep = served[i]
        doc = published[key][idx]
        if i in pdfs:
            doc.attachments = (File(f"{doc.title}.pdf", pdfs[i], "application/pdf"),)
        else:
            doc.attachments = (File(f"{doc.title}.docx", docx_of[i], DOCX_TYPE),)
    for key, docs in published.items():
        name = synth_sites[key].name
        year = max(d.published.year for d in docs) - 1
        notice = make_notice(rng, year=year, agency=name, region=name, kind="notice")
        while "通知" not in notice.title:  # a notice about the reports (not a 公示, which reads like a report)
            notice = make_notice(rng, year=year, agency=name, region=name, kind="notice")
        docs.append(Doc(notice.title, notice.published, None, name, is_report=False, doc_id=notice.doc_id,
                        page=render_notice_page(notice, site=synth_sites[key])))
    portals = {key: _portal(key, synth_sites[key].name, synth_sites[key], docs, seed + n)
               for n, (key, docs) in enumerate(published.items())}
    reports = [dataclasses.replace(rep, path=portals[key].paths[idx]) for key, idx, rep in served]
    seed_site, seed_report = _seed_site()
    return Corpus([p.site for p in portals.values()] + [seed_site], [*reports, seed_report], notes)


def _can_scan() -> bool:
    """Scans and table pictures need the OCR extra to be read and a CJK font to be drawn."""
    try:
        import rapidocr  # noqa: F401

        from pipeline.synth.render_scan import font_file

        font_file()
    except Exception:  # noqa: BLE001 - ImportError, FontMissing
        return False
    return True


def _seed_site() -> tuple[DemoSite, Served]:
    """The bundled example report (伊春市金林区 2019) as a plain-text file linked from its site's column."""
    synth_site = default_site(SEED_AGENCY)
    doc = Doc(f"{SEED_AGENCY}2019年政府信息公开工作年度报告", dt.date(2020, 1, 15), 2019, SEED_AGENCY, doc_id=2019,
              direct=File("W020200115_2019jinlin.txt", (SAMPLES / SEED_FILE).read_bytes(), "text/plain; charset=utf-8"))
    portal = _portal("seed-jinlin", SEED_AGENCY, synth_site, [doc], 2019)
    return portal.site, Served(portal.site.key, SEED_AGENCY, 2019, "2019", "text", portal.paths[0])


# the registry of the served sites ------------------------------------------------------------------------
def write_registry(path: Path, sites: list[DemoSite], bases: list[str]) -> list[str]:
    """A registry CSV for the running servers (hosts outside .gov.cn, so marked non_gov; local, so allow_local);
    the family is named (cms=…) for some sites and left to detection for others. Returns the ids."""
    ids = []
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(("id", "agency", "region", "adcode", "level", "start_urls", "hints"))
        for site, base in zip(sites, bases, strict=True):
            sid = f"demo_{site.key}"
            level = "city" if site.key == "city" else "county"
            family, hint = SITE_FAMILIES.get(site.key, ("", False))
            years = "first_year=2019;last_year=2019" if site.key == "seed-jinlin" else f"last_year={LAST_YEAR}"
            hints = (f"cms={family};" if hint else "") + f"{years};non_gov=1;allow_local=1;start=column"
            writer.writerow((sid, site.name, "", "", level, base + site.column_path, hints))
            ids.append(sid)
    return ids


@dataclass
class DemoResult:
    corpus: Corpus
    run: RunResult
    seconds: dict[str, float]
    requests: int


def run_demo(out: Path, seed: int = 2019, *, console: Console | None = None, show_progress: bool = True,
             min_interval: float = 0.05, level: int | None = None) -> DemoResult:
    """Generate, serve on 127.0.0.1 and run `ogi run` against the demo sites into `out` (`level`: QUIET,
    NORMAL or VERBOSE as for `ogi run`; by default from show_progress)."""
    shown = (NORMAL if show_progress else QUIET) if level is None else level  # the progress display
    level = NORMAL if level is None else level
    from pipeline.run import run_pipeline

    console = console or make_console()
    t0 = time.perf_counter()
    corpus = build_corpus(seed)
    seconds = {"generate": time.perf_counter() - t0}
    if level >= NORMAL:
        console.print(text(f"demo corpus: {len(corpus.reports)} reports on {len(corpus.sites)} sites ("
                           + ", ".join(f"{n} {f}" for f, n in sorted(corpus.by_format().items())) + ")"))
    for note in corpus.notes:
        console.print(markup("[yellow]note:[/] {}", note))
    # local servers only: a short interval, but still one request at a time per host
    policy = Politeness(min_interval=min_interval, backoff_base=0.1, backoff_max=1.0, max_retries=2, deadline=30.0,
                        connect_timeout=5.0, breaker_cooldown=10.0, max_retry_after=5.0)
    with tempfile.TemporaryDirectory(prefix="ogi-demo-") as tmp, serve(corpus.sites) as servers:
        registry = Path(tmp) / "sources.csv"
        write_registry(registry, corpus.sites, [s.base for s in servers])
        if level >= NORMAL:
            console.print(text("serving " + ", ".join(f"{s.site.key} {s.column_url}" for s in servers)))
        t1 = time.perf_counter()
        result = run_pipeline([], out, registry_path=registry, policy=policy, console=console, level=shown)
        seconds["run"] = time.perf_counter() - t1
        requests = sum(s.requests for s in servers)
    return DemoResult(corpus, result, seconds, requests)


# what the demo prints ----------------------------------------------------------------------------------
def _by_format_and_status(summary: RunSummary) -> Table:
    """Documents stored by the run, by format and extraction status, with the reports they make up."""
    by_format = summary.documents_by_format()
    statuses = by_rank({s for counts in by_format.values() for s in counts})
    table = Table(title="documents by format and status")
    for col in ("format", *statuses, "total"):
        table.add_column(col, justify="left" if col == "format" else "right")
    for fmt, counts in by_format.items():
        row = [counts.get(s, 0) for s in statuses]
        table.add_row(text(fmt), *map(str, row), str(sum(row)))
    by = summary.reports_by_status()
    table.caption = text(f"{len(summary.reports)} reports (a page and its attachment count once): "
                         + ", ".join(f"{by[s]} {s}" for s in by_rank(set(by))))
    return table


def _failed_checks(summary: RunSummary) -> list[str]:
    """One line per report that fails checks: agency, year and the first checks' ids."""
    out = []
    for checks in summary.failing_reports().values():
        first = checks[0]
        out.append(f"{first.agency or '?'} {first.year or '?'}: " + ", ".join(c.check for c in checks[:4])
                   + (f" (+{len(checks) - 4})" if len(checks) > 4 else ""))
    return out


def print_summary(result: DemoResult, console: Console) -> None:
    """Where the files are and what the demo produced."""
    run = result.run
    if run.release:
        release = Path(run.release)
        latest = run.out / "latest"
        target = latest.resolve() if latest.exists() else None
        where = Table(title="where the files are", show_header=False)
        where.add_column()
        where.add_column(overflow="fold")
        where.add_row("release", text(release))
        where.add_row("latest", text(f"{latest} -> {target}" if target else f"{run.out / 'LATEST'}"))
        for label, pattern in (("DuckDB", "*.duckdb"), ("CSV", "csv"), ("Parquet", "parquet"),
                               ("datapackage", "datapackage.json")):
            found = sorted(release.glob(pattern))
            if found:
                where.add_row(label, text(str(found[0]) + ("/" if found[0].is_dir() else "")))
        where.add_row("run report", text(str(run.out / "run-report.html") + " (and .md)"))
        where.add_row("raw store", text(run.out / "raw"))
        if run.log_path:
            where.add_row("log", text(run.log_path))
        console.print(where)
    summary = run.summary()
    console.print(_by_format_and_status(summary))
    checks = _failed_checks(summary)
    console.print(f"failed checks: {len(checks)} reports break template identities (published numbers are "
                  "flagged, never corrected)" + (":" if checks else ""))
    for line in checks:
        console.print(text(f"  {line}"))
    for note in result.corpus.notes:
        console.print(markup("[yellow]note:[/] {}", note))
    secs = result.seconds
    console.print(f"demo took {sum(secs.values()):.0f} s (generate {secs['generate']:.0f} s, run "
                  f"{secs.get('run', 0):.0f} s; {result.requests} HTTP requests to 127.0.0.1)")
    if run.release:
        console.print(text(f'try: duckdb {Path(run.release) / "ogi.duckdb"} "SELECT * FROM report_summary"'))


def demo_command(out: Path, seed: int = 2019, *, quiet: bool = False, console: Console | None = None,
                 verbose: bool = False) -> int:
    """`ogi demo`: returns the run's exit status."""
    from pipeline.run.command import print_outcome

    console = console or make_console()
    level = verbosity(quiet, verbose)
    result = run_demo(out, seed, console=console, level=level)
    print_outcome(result.run, console, level)
    print_summary(result, console)  # where the files are: the demo's result, quiet or not
    return result.run.exit_code
