"""Read a printed table cell as a number: units, full-width digits, signs, blanks and dashes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.text import clean, fold_minus

DASHES = frozenset({"-", "--", "—", "——", "/", "\\", "－", "–", "―", "─", "━", "—-", "-—"})
# Units printed inside cells; amounts are converted to 万元 by the caller (it knows the metric).
UNITS = ("万元", "元", "次", "件", "条", "个", "项", "家", "人", "份")
_NUM_RE = re.compile(r"^([+-]?)(\d+(?:\.\d+)?|\.\d+)(" + "|".join(UNITS) + r")?$")
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")


@dataclass(frozen=True, slots=True)
class Parsed:
    value: float | None
    state: str  # number | blank | dash | text
    unit: str | None = None


@lru_cache(maxsize=1 << 16)  # "0", "1", "—": the same cells in every table
def parse(text: str) -> Parsed:
    """Parse one cell. Blank and dash cells get value 0.0 (the caller nulls them where the table has no numbers)."""
    s = fold_minus(clean(text)).replace(" ", "").replace("萬", "万")  # 萬元: traditional characters
    if not s:
        return Parsed(0.0, "blank")
    if s in DASHES:
        return Parsed(0.0, "dash")
    s = _THOUSANDS_RE.sub("", s)
    m = _NUM_RE.match(s)
    if not m:
        return Parsed(None, "text")
    value = float(m.group(2))
    return Parsed(-value if m.group(1) == "-" else value, "number", m.group(3))


def is_value(text: str) -> bool:
    """True when a cell reads as a number, a blank or a dash (i.e. it is not a label)."""
    return parse(text).state != "text"
