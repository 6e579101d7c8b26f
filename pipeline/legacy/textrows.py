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

from pipeline import labels
from pipeline.legacy import vocabulary
from pipeline.legacy.numbers import units
from pipeline.legacy.records import KeyFigure
from pipeline.legacy.tables import table_family
from pipeline.text import clean, squeeze

_HEADER_LABEL = ("指标名称", "统计指标")
_VALUE_WORD_RE = re.compile(r"(?:19|20)\d{2}\s*年\s*度?|本\s*年\s*度|本\s*年\s*累\s*计|本\s*期\s*实\s*际|本\s*月\s*累\s*计|"
                            r"历\s*年\s*累\s*计|统\s*计\s*数")
_DIGITS_RE = re.compile(r"\d(?:[\d,，]|[.．](?=\d)|[ \t\u3000](?=\d))*")  # not across lines
_FIRST_VALUE_RE = re.compile(r"\d+(?![\d\s]*年)")  # a number that is not a year in a header (2015年度)
_ORDINAL_NEXT_RE = re.compile(r"^\s*[、.．)）]")
_MAX_LABEL = 40
_MAX_LINE = 120
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
    words = [squeeze(m.group(0)) for m in _VALUE_WORD_RE.finditer(header)]
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


def find_rows(lines: list[str]) -> tuple[list[TextRow], list[str], list[str], str | None]:
    """Rows of a legacy table flattened into the text: (rows, value periods, the lines without the table,
    header). A table may fill a line of its own, follow prose on the same line, or run over several lines."""
    for i, line in enumerate(lines):
        text = clean(line)
        start = min((text.find(w) for w in _HEADER_LABEL if w in text), default=-1)
        if start < 0:
            continue
        first_value = _FIRST_VALUE_RE.search(text, start)  # the header ends before the first value
        head = text[start:first_value.start() if first_value else len(text)]
        words = list(_VALUE_WORD_RE.finditer(head))
        if not words:
            continue
        periods = _periods(head[: words[-1].end()])
        header_end = start + words[-1].end()
        flat = squeeze(text[:header_end])
        body, used = text[header_end:], [i]
        j = i + 1
        while j < len(lines) and len(squeeze(lines[j])) <= _MAX_LINE and (
                _DIGITS_RE.search(lines[j]) or len(squeeze(lines[j])) <= _MAX_LABEL):
            body += "\n" + clean(lines[j])
            used.append(j)
            j += 1
        rows, end = _parse_body(body, len(periods), "代码" in flat)
        if rows:
            prose = list(lines)
            offset = 0
            for k, idx in enumerate(used):  # each line keeps its text outside the table
                seg = body.split("\n")[k]
                after = seg[max(0, end - offset):]
                prose[idx] = ((text[:start] + " ") if k == 0 else "") + after
                offset += len(seg) + 1
            return rows, periods, [x.strip() for x in prose], text[start:header_end]
    return [], [], list(lines), None


def _label_digits(label_text: str, run_start: int, body: str) -> bool:
    """A digit run that belongs to the label: inside its parentheses (…计1条）) or written onto its last
    character without a unit between (免于公开范围1)."""
    if label_text.count("(") + label_text.count("（") > label_text.count(")") + label_text.count("）"):
        return True
    if not label_text or run_start == 0 or body[run_start - 1].isspace():
        return False
    return _unit_at_end(squeeze(label_text))[1] is None and not label_text.rstrip().endswith(("、", ".", "．", "：", ":", ",", "，"))


def _parse_body(body: str, n_values: int, has_code: bool = False) -> tuple[list[TextRow], int]:
    """The rows read from the start of `body`, and where the last one ends."""
    rows: list[TextRow] = []
    end = 0
    ctx = vocabulary.Context()
    runs = list(_DIGITS_RE.finditer(body))
    pos = 0
    expected: int | None = 1
    pending = ""
    for k, run in enumerate(runs):
        text = pending + body[pos:run.start()]
        pos = run.end()
        label_text = re.sub(r"^[、.．)）]\s*", "", text.rsplit("\n", 1)[-1].strip())
        after = body[run.end():runs[k + 1].start()] if k + 1 < len(runs) else body[run.end():]
        digits = run.group(0).strip()
        is_ordinal_next = bool(_ORDINAL_NEXT_RE.match(after)) and k + 1 < len(runs)
        core_label, unit = _unit_at_end(squeeze(label_text))
        if is_ordinal_next and len(digits) <= 2 and digits.isdigit() and unit is None and (
                not vocabulary.label_core(core_label) or not body[run.start() - 1:run.start()].isspace()):
            expected, pending = int(digits) + 1, ""  # an ordinal of its own: 其中：1、… or 情况1.政府公报…
            continue
        if _label_digits(label_text, run.start(), body):
            pending = text + run.group(0)
            continue
        pending = ""
        if not vocabulary.label_core(core_label):
            break
        reason = None
        if is_ordinal_next:  # the next row's ordinal fused onto this row's last value
            digits, expected, reason = _cut_ordinal(digits, expected)
        else:
            expected = 1
        key = vocabulary.resolve(core_label, ctx)
        if len(vocabulary.label_core(core_label)) > _MAX_LABEL:
            if rows:
                break  # prose after the table
            continue
        if key is None:
            if unit is None:
                if rows:
                    break
                continue
            key = vocabulary.EXTRA  # a row of the table outside the vocabulary (检索费 元 …)
        row = TextRow(label_text, key, unit, digits, reason=reason)
        rows.append(row)
        end = run.end()
        if reason is None:
            _read_values(row, n_values, has_code)
    return rows, end


def _cut_ordinal(digits: str, expected: int | None) -> tuple[str, int | None, str | None]:
    """(the value digits, the ordinal to expect next, a reason when the ordinal cannot be told from the value).

    The expected ordinal is cut when the digits end with it; otherwise the one ordinal of one or two digits
    that leaves a value; otherwise none (the row's value is then unreadable).
    """
    tokens = digits.split()
    last = tokens[-1]
    if expected is not None:
        want = str(expected)
        if len(tokens) > 1 and last == want:
            return " ".join(tokens[:-1]), expected + 1, None
        if last.endswith(want) and len(last) > len(want):
            tokens[-1] = last[: -len(want)]
            return " ".join(tokens), expected + 1, None
    if len(tokens) > 1 and len(last) <= 2:
        return " ".join(tokens[:-1]), int(last) + 1, None
    options = [k for k in (1, 2) if len(last) > k and last[-k:].isdigit() and last[-k] != "0"]
    if len(options) == 1:
        k = options[0]
        tokens[-1] = last[:-k]
        return " ".join(tokens), int(last[-k:]) + 1, None
    return digits, None, f"the next row's ordinal is fused onto {digits!r}: value and ordinal cannot be told apart"


def _read_values(row: TextRow, n: int, has_code: bool = False) -> None:
    tokens = [t.replace(",", "").replace("，", "") for t in row.digits.split()]
    if has_code and len(tokens) == n + 1:
        tokens = tokens[1:]  # the SH-2007 code column
    if len(tokens) == n:
        try:
            row.candidates = [tuple(float(t) for t in tokens)]
        except ValueError:
            row.reason = f"unreadable values {row.digits!r}"
        return
    if len(tokens) == 1 and tokens[0].isdigit():
        fused = tokens[0][2:] if has_code else tokens[0]  # a two-digit code (01 … 64) before the values
        row.candidates = _splits(fused, n) if fused else []
        if not row.candidates:
            row.reason = (f"one value {tokens[0]!r} for {n} columns (a cell left blank?): its column is unknown"
                          if len(fused) < n else f"fused digits {tokens[0]!r} cannot be cut into {n} numbers")
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
            changed |= _by_sum(rows, ident)
    for row in rows:
        if len(row.candidates) == 1:
            row.values = dict(zip(periods, row.candidates[0], strict=True))
        else:
            if row.reason is None:
                row.reason = (f"ambiguous split of fused digits {row.digits!r} ({len(row.candidates)} ways)"
                              if row.candidates else f"no split of {row.digits!r} fits the stated figures")
            row.values = dict.fromkeys(periods)


def _by_sum(rows: list[TextRow], ident: labels.Identity) -> bool:
    """Narrow the one undecided row of a declared sum (total = parts printed): True when it changed."""
    by_key = {r.key: r for r in rows if r.reason is None or r.candidates}
    lhs, rhs = ident.lhs, ident.rhs
    if len(lhs) != 1 or lhs[0] not in by_key:
        return False
    if any(k not in by_key for k in ident.requires) or any(k in by_key for k in ident.excludes):
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


def family(rows: list[TextRow], header: str) -> str:
    """The statistics-table family of a flattened table, by its header words (as for tables), else "text"."""
    return table_family(squeeze(header), "".join(vocabulary.label_core(r.label) for r in rows)) or "text"


def figures(rows: list[TextRow], periods: list[str], header: str) -> list[KeyFigure]:
    fam = family(rows, header)
    out = []
    for row in rows:
        for period, value in row.values.items():
            if period == "month":
                continue
            out.append(KeyFigure(key=row.key, period=period, value=value, unit=row.unit, source="table",
                                 row_label=row.label, raw=row.digits, family=fam, col_label=header,
                                 null_reason=None if value is not None else row.reason))
    return out
