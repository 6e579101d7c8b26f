"""A generated sample release: the fixture of the analysis tests and the notebooks' fallback when no release exists.

    build_sample_release(out_root, seed=2019) -> Path   # out_root/releases/<stamp>/, out_root/latest

The corpus is `pipeline.synth.district_corpus(seed)` (several districts of one city and city departments,
2019–2024, both templates, two reports that break their identities on purpose), rendered as pipe text and
government HTML pages, extracted with `pipeline.executors.extract_files` and loaded with `pipeline.load.build_release`;
with legacy=True (the default) also the district governments' reports of 2008–2018
(`pipeline.synth.legacy.legacy_corpus`: statistics-table families that change in 2014, prose-only years),
rendered as Word-exported pages, text copies and Word files, so the long series 2008–2024 has data.
Two more data-quality problems are added so the quality study has something to show: one mid-series report
is left out (a missing year) and one report restates its carry-over (carried_over(y) differs from
carried_forward(y-1) while the report's own identities hold).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.synth import SyntheticReport, district_corpus, render_html_page, render_pipe_text
from pipeline.synth.legacy import LegacyReport, legacy_corpus
from pipeline.synth.render_legacy import (
    LegacyHtmlQuirks,
    render_legacy_docx,
    render_legacy_html,
    render_legacy_text,
)

LEGACY_YEARS = range(2008, 2019)
# families of the districts' statistics tables: up to 2013, from 2014 (in turn; prose: no table that year)
LEGACY_FAMILIES = (("FJ-2009", "FJ-PT"), ("SH-2007", "GB-2014"), ("prose", "GB-2014"), ("FJ-2009", "prose"))


@dataclass
class SampleCorpus:
    """The generated reports that go into the sample release, and which quirks were added."""

    reports: list[SyntheticReport]
    dropped: tuple[str, int] | None = None  # (agency, year) left out: a missing year
    restated: tuple[str, int] | None = None  # (agency, year) whose carried_over no longer matches y-1
    broken: list[tuple[str, int]] = field(default_factory=list)  # (agency, year) breaking template identities
    legacy: list[LegacyReport] = field(default_factory=list)  # the districts' reports before 2019


def _restate(report: SyntheticReport, applicant: str = "natural_person") -> bool:
    """Move up to 3 requests of one applicant from new_received to carried_over; False when it cannot."""
    req = report.requests
    keys = [(o, a) for o in ("new_received", "carried_over") for a in (applicant, "total")]
    if any(req.get(k) is None for k in keys) or (req[("new_received", applicant)] or 0) < 1:
        return False
    k = min(3.0, req[("new_received", applicant)] or 0.0)
    for a in (applicant, "total"):
        req[("new_received", a)] = (req[("new_received", a)] or 0.0) - k
        req[("carried_over", a)] = (req[("carried_over", a)] or 0.0) + k
    return True


def sample_corpus(seed: int = 2019, *, quirks: bool = True, legacy: bool = True) -> SampleCorpus:
    """district_corpus(seed), plus (quirks=True) one dropped mid-series report and one restated carry-over, and
    (legacy=True) the district governments' pre-2019 reports."""
    reports = district_corpus(seed)
    out = SampleCorpus(reports, broken=[(r.agency, r.year) for r in reports if not r.consistent])
    if legacy:
        govs = sorted({(r.agency, r.region, r.city) for r in reports if r.agency.endswith("人民政府")})
        families = {a: LEGACY_FAMILIES[i % len(LEGACY_FAMILIES)] for i, (a, _, _) in enumerate(govs)}
        out.legacy = legacy_corpus(seed, govs, LEGACY_YEARS, families)
    if not quirks:
        return out
    rng = random.Random(f"sample|{seed}")
    years = sorted({r.year for r in reports})
    agencies = sorted({r.agency for r in reports})
    clean = {a for a in agencies if all(r.consistent for r in reports if r.agency == a)}
    if len(clean) < 2 or len(years) < 4:
        return out
    drop_agency, restate_agency = rng.sample(sorted(clean), 2)
    drop_year = rng.choice(years[1:-1])
    reports = [r for r in reports if (r.agency, r.year) != (drop_agency, drop_year)]
    out.reports, out.dropped = reports, (drop_agency, drop_year)
    for r in rng.sample([r for r in reports if r.agency == restate_agency and r.year != years[0]],
                        len(years) - 1):
        if _restate(r):
            out.restated = (r.agency, r.year)
            break
    return out


def render(report: SyntheticReport, i: int) -> tuple[bytes, str]:
    """The report as a document and its file name: pipe text and HTML pages in turn."""
    stem = f"{report.year}_{report.agency}"
    if i % 2:
        return render_html_page(report), f"{stem}.html"
    return render_pipe_text(report).encode("utf-8"), f"{stem}.txt"


def render_legacy(report: LegacyReport, i: int) -> tuple[bytes, str]:
    """A pre-2019 report as its portal page (three header quirks), a pipe or spaced text copy, or a Word file."""
    stem = f"{report.year}_{report.agency}"
    kind = i % 6
    if kind < 3:
        quirks = LegacyHtmlQuirks(split_year=("spans", "paragraphs", "none")[kind], seed=i)
        return render_legacy_html(report, quirks), f"{stem}.html"
    if kind < 5:
        return render_legacy_text(report, ("pipe", "spaced")[kind - 3]).encode("utf-8"), f"{stem}.txt"
    return render_legacy_docx(report), f"{stem}.docx"


def build_sample_release(out_root: Path | str, seed: int = 2019, *, quirks: bool = True,
                         legacy: bool = True) -> Path:
    """Generate, extract and load the sample corpus into out_root/releases/<stamp>/; returns the release folder."""
    from pipeline.batch import combine
    from pipeline.executors import RawDoc, extract_files
    from pipeline.load import build_release

    corpus = sample_corpus(seed, quirks=quirks, legacy=legacy)
    docs = [render(r, i) for i, r in enumerate(corpus.reports)]
    docs += [render_legacy(r, i) for i, r in enumerate(corpus.legacy)]
    extracted = extract_files([RawDoc(name, data) for data, name in docs])
    run_info = {"sample": True, "seed": seed, "quirks": quirks, "dropped": corpus.dropped,
                "restated": corpus.restated, "broken": corpus.broken, "legacy_reports": len(corpus.legacy)}
    return build_release(combine(extracted), Path(out_root), run_info=run_info)
