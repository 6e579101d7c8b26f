"""Legacy statistics tables flattened into prose lines (saved text copies, text PDFs without ruling).

"指标名称 计量单位 2011年度 历年累计 / 主动公开信息数 条 425 1516" reads as it stands: the header gives the columns,
spaces separate the values. Text renderings also fuse the cells: "主动公开文件数条346085376" (条 | 3460 | 85376),
and the next row's ordinal onto the last value ("…公开数条2069121062.政府公报…" = 2069 | 12106 + "2.").
The ordinal is cut when it is the expected next one; fused digits are split only when exactly one split
remains once leading zeros, the prose figures and the declared sums are taken into account (LEGACY.md §4:
"arithmetic may confirm but not decide"); otherwise the value is null with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.legacy import vocabulary
from pipeline.legacy.numbers import units
from pipeline.legacy.records import KeyFigure
from pipeline.text import clean, squeeze

_HEADER_LABEL = ("指标名称", "统计指标")
_VALUE_WORD_RE = re.compile(r"(?:19|20)\d{2}年度?|本年度|本年累计|本期实际|本月累计|历年累计|统计数")
_DIGITS_RE = re.compile(r"\d(?:[\d,，]|[.．](?=\d)|\s(?=\d))*")
_ORDINAL_NEXT_RE = re.compile(r"^\s*[、.．)）]")
_MAX_LABEL = 40
_MAX_SPLITS = 12


@dataclass(slots=True)
class TextRow:
    label: str
    key: str
    unit: str | None
    digits: str  # as printed (spaces kept)
    values: dict[str, float | None] = field(default_factory=dict)  # period → value
    reason: str | None = None
    candidates: list[tuple[float, ...]] = field(default_factory=list)


def _periods(header: str) -> list[str]:
    """The value columns of a header in order: year / cumulative (a month column only without a year one)."""
    words = [m.group(0) for m in _VALUE_WORD_RE.finditer(header)]
    out = []
    for w in words:
        if "历年累计" in w:
            out.append("cumulative")
        elif w in ("本期实际", "本月累计"):
            out.append("month")
        else:
            out.append("year")
    if "year" in out:
        return out  # a month column is kept as a placeholder: it still takes a value in every row
    return ["year" if p == "month" else p for p in out]


def _unit_at_end(text: str) -> tuple[str, str | None]:
    for u in units():
        if text.endswith(u):
            return text[: -len(u)], u
    return text, None


def _splits(digits: str, n: int) -> list[tuple[float, ...]]:
    """Every way to cut a digit string into n numbers without leading zeros."""
    if n == 1:
        return [(float(digits),)] if digits and (digits == "0" or not digits.startswith("0")) else []
    out = []
    for i in range(1, len(digits)):
        head = digits[:i]
        if head != "0" and head.startswith("0"):
            continue
        out += [(float(head), *rest) for rest in _splits(digits[i:], n - 1)]
        if len(out) > _MAX_SPLITS * 4:
            break
    return out


def find_rows(lines: list[str]) -> tuple[list[TextRow], list[str], set[int], str | None]:
    """Rows of flattened legacy tables in the prose: (rows, value periods, consumed line indexes, header)."""
    for i, line in enumerate(lines):
        flat = squeeze(line)
        if not any(w in flat for w in _HEADER_LABEL) or not _VALUE_WORD_RE.search(flat):
            continue
        periods = _periods(flat)
        if not periods:
            continue
        header_end = list(_VALUE_WORD_RE.finditer(clean(line)))[-1].end()
        body, used = clean(line)[header_end:], {i}
        j = i + 1
        while j < len(lines) and len(squeeze(lines[j])) <= 80 and _DIGITS_RE.search(lines[j]):
            body += " " + clean(lines[j])
            used.add(j)
            j += 1
        rows = _parse_body(body, len(periods))
        if rows:
            return rows, periods, used, clean(line)[:header_end]
    return [], [], set(), None


def _parse_body(body: str, n_values: int) -> list[TextRow]:
    rows: list[TextRow] = []
    ctx = vocabulary.Context()
    runs = list(_DIGITS_RE.finditer(body))
    pos = 0
    expected = 1
    pending_label = ""
    for k, run in enumerate(runs):
        text = body[pos:run.start()]
        pos = run.end()
        after = body[run.end():runs[k + 1].start()] if k + 1 < len(runs) else body[run.end():]
        digits = run.group(0).strip()
        is_ordinal_next = bool(_ORDINAL_NEXT_RE.match(after)) and k + 1 < len(runs)
        label_text = (pending_label + text).strip()
        label_text = re.sub(r"^[、.．)）]\s*", "", label_text)
        core_label, unit = _unit_at_end(squeeze(label_text))
        if not vocabulary.label_core(core_label):  # "其中：" before an ordinal: the digits are the ordinal
            if is_ordinal_next and len(digits) <= 2:
                expected = int(digits) + 1
                pending_label = ""
                continue
            break
        if is_ordinal_next:  # the next row's ordinal fused onto this row's last value
            digits, cut = _cut_ordinal(digits, expected)
            expected = cut + 1 if cut is not None else expected
        key = vocabulary.resolve(core_label, ctx)
        if key is None or len(core_label) > _MAX_LABEL:
            if rows:
                break
            pending_label = ""
            continue
        rows.append(TextRow(label_text, key, unit, digits))
        pending_label = ""
        if not is_ordinal_next:
            expected = 1
    for row in rows:
        _read_values(row, n_values)
    return rows


def _cut_ordinal(digits: str, expected: int) -> tuple[str, int | None]:
    tokens = digits.split()
    last = tokens[-1]
    want = str(expected)
    if len(tokens) > 1 and last == want:
        return " ".join(tokens[:-1]), expected
    if last.endswith(want) and len(last) > len(want):
        tokens[-1] = last[: -len(want)]
        return " ".join(tokens), expected
    return digits, None


def _read_values(row: TextRow, n: int) -> None:
    tokens = [t.replace(",", "").replace("，", "") for t in row.digits.split()]
    if len(tokens) == n:
        try:
            row.candidates = [tuple(float(t) for t in tokens)]
        except ValueError:
            row.reason = f"unreadable values {row.digits!r}"
        return
    if len(tokens) == 1 and tokens[0].isdigit():
        row.candidates = _splits(tokens[0], n)
        if not row.candidates:
            row.reason = f"fused digits {tokens[0]!r} cannot be cut into {n} numbers"
        return
    row.reason = f"{len(tokens)} values {row.digits!r} for {n} columns"


def resolve(rows: list[TextRow], periods: list[str], prose: list[KeyFigure]) -> None:
    """Choose each row's split: unique candidates, then the prose figures, then the declared sums."""
    stated = {f.key: f.value for f in prose if f.period == "year" and not f.approx and f.value is not None
              and not f.qualifier}
    year_at = periods.index("year") if "year" in periods else None
    for row in rows:
        if len(row.candidates) > 1 and year_at is not None and row.key in stated:
            row.candidates = [c for c in row.candidates if c[year_at] == stated[row.key]]
    changed = True
    while changed:
        changed = False
        for ident in vocabulary.version().identities:
            if ident.table != "legacy" or ident.source == "prose":
                continue
            changed |= _by_sum(rows, ident.lhs, ident.rhs)
    for row in rows:
        if len(row.candidates) == 1:
            row.values = dict(zip(periods, row.candidates[0], strict=True))
        else:
            if row.reason is None:
                row.reason = (f"ambiguous split of fused digits {row.digits!r} ({len(row.candidates)} ways)"
                              if row.candidates else f"no split of {row.digits!r} fits the stated figures")
            row.values = dict.fromkeys(periods)


def _by_sum(rows: list[TextRow], lhs: tuple[str, ...], rhs: tuple[str, ...]) -> bool:
    """Narrow the one undecided row of a sum (total = parts) printed in full: True when it changed."""
    by_key = {r.key: r for r in rows}
    if len(lhs) != 1 or lhs[0] not in by_key:
        return False
    members = [by_key[lhs[0]], *(by_key[k] for k in rhs if k in by_key)]
    if len(members) < 3:
        return False
    open_rows = [r for r in members if len(r.candidates) > 1]
    if len(open_rows) != 1 or any(not r.candidates for r in members):
        return False
    row = open_rows[0]
    total, parts = members[0], members[1:]
    fixed = [r.candidates[0] for r in members if r is not row]
    width = len(row.candidates[0])
    if row is total:
        want = tuple(sum(c[i] for c in fixed) for i in range(width))
    else:
        rest = [r.candidates[0] for r in parts if r is not row]
        want = tuple(total.candidates[0][i] - sum(c[i] for c in rest) for i in range(width))
    keep = [c for c in row.candidates if c == want]
    if keep and len(keep) < len(row.candidates):
        row.candidates = keep
        return True
    return False


def figures(rows: list[TextRow], periods: list[str], header: str) -> list[KeyFigure]:
    out = []
    for row in rows:
        for period, value in row.values.items():
            if period == "month":
                continue
            out.append(KeyFigure(key=row.key, period=period, value=value, unit=row.unit, source="table",
                                 row_label=row.label, raw=row.digits, family="text", col_label=header,
                                 null_reason=None if value is not None else row.reason))
    return out
