"""The run report (Markdown and HTML): sources, reports found per source and year, statuses, failed checks,
failed sources with their errors, timings. Built from the run's result; one block list, two renderers."""

from __future__ import annotations

import html
from collections import Counter
from typing import TYPE_CHECKING, Any

from pipeline.run.outcome import NOT_EXTRACTED, ReportGroup, by_rank, report_groups

if TYPE_CHECKING:
    from pipeline.run.orchestrate import RunResult

__all__ = ["NOT_EXTRACTED", "ReportGroup", "blocks", "report_groups", "to_html", "to_markdown"]


# blocks ----------------------------------------------------------------------------------------------------
Block = tuple[str, Any]


def _table(headers: list[str], rows: list[list[Any]]) -> Block:
    return ("table", (headers, [["" if c is None else str(c) for c in r] for r in rows]))


def blocks(result: RunResult) -> list[Block]:
    """The report's content, renderer-neutral."""
    from pipeline.run.codes import MEANING

    summary = result.summary()
    groups = summary.reports
    out: list[Block] = [("h1", f"ogi run {result.started_at:%Y-%m-%d %H:%M:%S} UTC")]
    facts = [
        ["exit status", f"{result.exit_code} ({MEANING.get(result.exit_code, '?')}; "
                        f"{'release built' if result.release else 'no release built'})"],
        ["message", result.message],
        ["targets", " ".join(result.targets) or "every enabled registry source"],
        ["release", str(result.release) if result.release else "none built"],
        ["output folder", str(result.out)],
        ["extractor version", result.extractor_version],
        ["log file", str(result.log_path) if result.log_path else ""],
        ["duration", f"{result.duration:.1f} s"],
    ]
    out.append(_table(["", ""], facts))
    out.append(("h2", "Timings"))
    out.append(_table(["stage", "seconds"], [[k, f"{v:.2f}"] for k, v in result.timings.items()]))
    if result.errors:
        out.append(("h2", "Errors"))
        out.append(("list", result.errors))

    out.append(("h2", "Sources"))
    by_source = Counter(g.source for g in groups)
    out.append(_table(["source", "status", "family", "report links", "reports stored", "new documents", "requests",
                       "errors"],
                      [[s.source, s.status, ",".join(s.families), s.reports, by_source.get(s.source, 0), s.new,
                        s.requests, len(s.errors)] for s in result.sources]))
    failed = [s for s in result.sources if s.status != "ok"]
    if failed:
        out.append(("h2", "Failed, blocked and partial sources"))
        for s in failed:
            out.append(("h3", f"{s.source}: {s.status}"))
            lines = ([f"blocked by an anti-bot challenge: {s.signal} (not retried, not solved)"] if s.signal else [])
            lines += s.errors[:20] + ([f"… and {len(s.errors) - 20} more"] if len(s.errors) > 20 else [])
            out.append(("list", lines))

    out += _audit_blocks(result)

    out.append(("h2", "Reports found per source and year"))
    years = sorted({g.year for g in groups if g.year})
    grid: dict[str, Counter] = {}
    for g in groups:
        grid.setdefault(g.source, Counter())[g.year or 0] += 1
    cols = years + ([0] if any(0 in c for c in grid.values()) else [])
    out.append(_table(["source", *[str(y) if y else "no year" for y in cols], "total"],
                      [[src, *[c.get(y, "") for y in cols], sum(c.values())] for src, c in sorted(grid.items())]))

    out.append(("h2", "Statuses"))
    statuses = Counter(g.status for g in groups)
    this_run = Counter(e.status for e in result.extracted)
    names = by_rank(set(statuses) | set(this_run))
    out.append(_table(["status", "reports (all stored)", "documents extracted by this run"],
                      [[s, statuses.get(s, 0), this_run.get(s, 0)] for s in names]))
    bad = [g for g in groups if g.status != "ok"]
    if bad:
        out.append(("h3", "Reports that are not ok"))
        out.append(_table(["source", "year", "status", "formats", "url", "why"],
                          [[g.source, g.year, g.status, ", ".join(g.formats), g.url, g.error[:300]] for g in bad]))

    out.append(("h2", "Failed checks"))
    if summary.failed_checks:
        out.append(_table(["agency", "year", "check", "lhs", "rhs", "document"],
                          [[c.agency, c.year or "", c.check, c.lhs, c.rhs, c.document] for c in summary.failed_checks]))
    else:
        out.append(("p", "none"))
    return out


def _audit_blocks(result: RunResult) -> list[Block]:
    """The discovery audit: per source, the years expected (first year to the last complete one) against those
    found, missing years, and what changed since the previous run."""
    from scrapers.audit import compact

    rows = []
    for s in result.sources:
        a = s.audit
        if a is None:
            continue
        expected = f"{a.first_year}–{a.last_year}" if a.first_year is not None else ""
        rows.append([s.source, s.status, sum(a.found.values()), expected, compact(a.missing),
                     "" if a.previous is None else a.previous, "; ".join(s.flags)])
    if not rows:
        return []
    out: list[Block] = [("h2", "Discovery audit"),
                        ("p", "Reports the scrape found per source against the years expected, from the source's "
                              "first year to the last complete reporting year (due by 31 January)."),
                        _table(["source", "status", "reports found", "years expected", "missing years",
                                "previous run", "flags"], rows)]
    missing = [(s.source, y) for s in result.sources if s.audit for y in s.audit.missing]
    if missing:
        out.append(("h3", "Missing years"))
        out.append(("list", [f"{src}: {compact([y for s2, y in missing if s2 == src])}"
                             for src in dict.fromkeys(src for src, _y in missing)]))
    return out


# renderers -------------------------------------------------------------------------------------------------
def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(items: list[Block]) -> str:
    lines: list[str] = []
    for kind, body in items:
        if kind in ("h1", "h2", "h3"):
            lines += ["#" * int(kind[1]) + " " + body, ""]
        elif kind == "p":
            lines += [body, ""]
        elif kind == "list":
            lines += [f"- {_md_cell(x)}" for x in body] + [""]
        elif kind == "table":
            headers, rows = body
            lines.append("| " + " | ".join(_md_cell(h) for h in headers) + " |")
            lines.append("|" + "|".join("---" for _ in headers) + "|")
            lines += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
            lines.append("")
    return "\n".join(lines)


_CSS = ("body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;margin:2em;color:#222}"
        "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;"
        "text-align:left;vertical-align:top}th{background:#f3f3f3}")


def to_html(items: list[Block]) -> str:
    e = html.escape
    parts = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
             f"<title>{e(items[0][1]) if items else 'ogi run'}</title><style>{_CSS}</style></head><body>"]
    for kind, body in items:
        if kind in ("h1", "h2", "h3", "p"):
            parts.append(f"<{kind}>{e(body)}</{kind}>")
        elif kind == "list":
            parts.append("<ul>" + "".join(f"<li>{e(x)}</li>" for x in body) + "</ul>")
        elif kind == "table":
            headers, rows = body
            head = "".join(f"<th>{e(h)}</th>" for h in headers) if any(headers) else ""
            parts.append("<table>" + (f"<tr>{head}</tr>" if head else "")
                         + "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in rows)
                         + "</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
