"""Numbers as printed in legacy tables and prose: units (条, 件, 人次, 万元 …), approximations (约, 多, 余)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from pipeline.legacy import vocabulary
from pipeline.numbers import DASHES
from pipeline.text import clean, fold_minus

_THOUSANDS_RE = re.compile(r"(?<=\d)[,，](?=\d{3}(?:\D|$))")
NONE_WORDS = frozenset({"无", "没有", "零"})


@dataclass(frozen=True, slots=True)
class Reading:
    value: float | None
    state: str  # number | blank | dash | text
    unit: str | None = None
    approx: bool = False
    reason: str | None = None  # why value is null

    @staticmethod
    def blank() -> Reading:
        return Reading(0.0, "blank")


@cache
def units() -> tuple[str, ...]:
    """Units, longest first (万人次 before 人次 before 次)."""
    return tuple(sorted(vocabulary.settings()["units"], key=len, reverse=True))


@cache
def _cell_re() -> re.Pattern[str]:
    before = "|".join(map(re.escape, sorted(vocabulary.settings()["approx_before"], key=len, reverse=True)))
    after = "|".join(map(re.escape, vocabulary.settings()["approx_after"]))
    unit = "|".join(map(re.escape, units()))
    return re.compile(rf"^(?P<pre>{before})?(?P<sign>[+-]?)(?P<n>\d+(?:\.\d+)?|\.\d+)(?P<post>{after})?(?P<unit>{unit})?$")


def is_unit(text: str) -> bool:
    return clean(text).replace(" ", "") in units()


@lru_cache(maxsize=8192)
def read_cell(text: str) -> Reading:
    """One table cell: a number (with unit, approximation), a blank, a dash or text (value null)."""
    s = fold_minus(clean(text)).replace(" ", "")
    if not s:
        return Reading.blank()
    if s in DASHES:
        return Reading(0.0, "dash")
    if s in NONE_WORDS:
        return Reading(0.0, "dash")
    m = _cell_re().match(_THOUSANDS_RE.sub("", s))
    if not m:
        return Reading(None, "text", reason=f"not a number: {s!r}")
    value = float(m.group("n")) * (-1 if m.group("sign") == "-" else 1)
    return Reading(value, "number", m.group("unit"), bool(m.group("pre") or m.group("post")))
