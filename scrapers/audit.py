"""The discovery audit: per source, the reports expected (from its first year to the last complete year)
against those found, and the comparison with its previous run.

A year's reports are due by 31 January of the next year (条例 第五十条), so on or after 1 February of year Y
the last complete year is Y-1, before it Y-2. The first year is the registry's ``first_year`` hint, else the
earliest year found; a source that stopped publishing (an agency merged or abolished) ends at its ``last_year``. A source that found fewer reports than its previous run, or none, is flagged.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

DUE_MONTH, DUE_DAY = 1, 31


def last_complete_year(today: dt.date) -> int:
    """The last reporting year whose reports are due by ``today``."""
    return today.year - 1 if (today.month, today.day) > (DUE_MONTH, DUE_DAY) else today.year - 2


@dataclass(frozen=True)
class SourceAudit:
    """Expected against found years for one source."""

    source: str
    found: dict[int, int] = field(default_factory=dict)  # reports found per year
    first_year: int | None = None
    last_year: int | None = None
    previous: int | None = None  # reports the previous run found

    @property
    def expected(self) -> list[int]:
        if self.first_year is None or self.last_year is None:
            return []
        return list(range(self.first_year, self.last_year + 1))

    @property
    def missing(self) -> list[int]:
        return [y for y in self.expected if not self.found.get(y)]

    @property
    def total(self) -> int:
        return sum(self.found.values())

    def flags(self, status: str = "ok") -> list[str]:
        out = []
        if self.total == 0 and status != "blocked":
            out.append("no reports found")
        if self.previous is not None and self.total < self.previous:
            out.append(f"fewer reports than the last run ({self.total} < {self.previous})")
        if self.missing:
            out.append("missing years: " + compact(self.missing))
        return out


def compact(years: list[int]) -> str:
    """``2011-2013, 2016``."""
    out: list[str] = []
    run: list[int] = []
    for y in sorted(years):
        if run and y != run[-1] + 1:
            out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
            run = []
        run.append(y)
    if run:
        out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(out)


def audit(source: str, found: dict[int, int], first_year: int | None = None, *, today: dt.date,
          since: int | None = None, previous: int | None = None, last_year: int | None = None) -> SourceAudit:
    """The audit of one source's crawl. With ``--since`` only the years from it on are expected."""
    last = last_complete_year(today) if last_year is None else min(last_year, last_complete_year(today))
    first = first_year if first_year is not None else (min(found) if found else None)
    if first is not None and since is not None:
        first = max(first, since)
    if first is not None and first > last:
        first = None
    return SourceAudit(source, dict(sorted(found.items())), first, last if first is not None else None, previous)


def dump_years(found: dict[int, int]) -> str:
    return json.dumps({str(k): v for k, v in sorted(found.items())})


def load_years(text: str | None) -> dict[int, int]:
    if not text:
        return {}
    try:
        return {int(k): int(v) for k, v in json.loads(text).items()}
    except (ValueError, AttributeError):
        return {}
