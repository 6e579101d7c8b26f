"""The legacy vocabulary (templates/legacy_keys.csv) and the resolution of printed labels to its keys."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from pipeline import labels
from pipeline.text import numbering, squeeze

EXTRA = "extra"  # a table row with numbers whose label is not in the vocabulary (kept, like table 二 "extra")
RELATIONS = ("=", "≈", "—")
_PUNCT_RE = re.compile(r"[()\[\]【】《》<>〈〉“”\"'‘’:;,.、。!?·•/\\|_\-—~～…＠@\s]")
_PAREN_RE = re.compile(r"[（(][^（）()]*[)）]")
_LEAD_RE = re.compile(r"^(?:其中|其他|其它)?[:：,，、]")
_ZHONG_RE = re.compile(r"^其中[:：,，、]?")
_UNIT_PAREN_RE = re.compile(r"[（(]\s*(?:单位[:：]?\s*)?([\u4e00-\u9fff]{1,3})\s*[)）]\s*$")


@dataclass(frozen=True)
class LegacyKey:
    key: str
    parent: str | None
    patterns: tuple[str, ...]  # label cores
    units: tuple[str, ...]
    relation: str  # = | ≈ | —
    comparable_key: str | None
    combine: str | None  # sum | first: how keys sharing a comparable_key make one value
    note: str


def version() -> labels.TemplateVersion:
    v = labels.version("pre2019")
    assert v is not None, "templates/versions/pre2019.toml is missing"
    return v


def settings() -> dict[str, Any]:
    """The [legacy] section of the pre2019 declaration."""
    return dict(version().extra["legacy"])


@lru_cache(maxsize=8192)
def label_core(text: str) -> str:
    """A label's comparable core: squeezed; 其中, numbering and parenthesised notes removed; no punctuation."""
    s = squeeze(text)
    while True:
        before = s
        s = _ZHONG_RE.sub("", s)
        kind, _, rest = numbering(s)
        if kind is not None:
            s = rest
        s = _LEAD_RE.sub("", s) if s.startswith(("其中", ":", "：", ",", "，", "、")) else s
        s = s.lstrip(":：,，、.．)）")
        if s == before:
            break
    s = _PAREN_RE.sub("", s) or s
    return _PUNCT_RE.sub("", s)


def label_unit(text: str) -> str | None:
    """A unit printed in parentheses at the end of a label or header: 收取的费用（万元） → 万元."""
    m = _UNIT_PAREN_RE.search(text.strip())
    return m.group(1) if m and m.group(1) in settings()["units"] else None


@cache
def keys() -> tuple[LegacyKey, ...]:
    import csv

    path = labels.TEMPLATES_DIR / settings()["vocabulary"]
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for r in rows:
        if r["relation"] not in RELATIONS:
            raise ValueError(f"{path.name}: {r['key']}: relation {r['relation']!r} not one of {RELATIONS}")
        out.append(LegacyKey(r["key"], r["parent"] or None,
                             tuple(dict.fromkeys(label_core(p) for p in r["patterns"].split(";") if p.strip())),
                             tuple(r["units"].split()), r["relation"], r["comparable_key"] or None,
                             r["combine"] or None, r["note"]))
    return tuple(out)


@cache
def by_key() -> dict[str, LegacyKey]:
    return {k.key: k for k in keys()}


def key_names() -> tuple[str, ...]:
    """Allowed values of legacy.key: the vocabulary and `extra`."""
    return (*by_key(), EXTRA)


def ancestors(key: str) -> list[str]:
    out, k = [], by_key().get(key)
    while k is not None and k.parent:
        out.append(k.parent)
        k = by_key().get(k.parent)
    return out


@cache
def _parents() -> frozenset[str]:
    return frozenset(k.parent for k in keys() if k.parent)


def is_parent(key: str) -> bool:
    return key in _parents()


def _score(core: str, pattern: str) -> tuple[int, int]:
    """(2 prefix | 1 inside | 0, length): a label that starts with a pattern is the stronger match."""
    if core.startswith(pattern):
        return 2, len(pattern)
    if pattern in core:
        return 1, len(pattern)
    return 0, 0


@lru_cache(maxsize=4096)
def candidates(core: str) -> tuple[tuple[int, int], tuple[str, ...]]:
    """The best match score and every key reaching it (label cores repeat across reports: memoised)."""
    best: tuple[int, int] = (0, 0)
    hits: list[str] = []
    for k in keys():
        s = max((_score(core, p) for p in k.patterns), default=(0, 0))
        if s[0] == 0:
            continue
        if s > best:
            best, hits = s, [k.key]
        elif s == best:
            hits.append(k.key)
    return best, tuple(hits)


@dataclass(slots=True)
class Context:
    """The head row above (a key with children, e.g. 行政复议数量 above 维持具体行政行为数)."""

    head: str | None = None


def resolve(label: str, ctx: Context) -> str | None:
    """The vocabulary key of a printed row label, in the context of the rows above it; updates the context."""
    core = label_core(label)
    if not core:
        return None
    _, found = candidates(core)
    if not found:
        return None
    hits = list(found)
    if len(hits) > 1 and ctx.head is not None:
        chain = [ctx.head, *ancestors(ctx.head)]
        inside = [h for h in hits if by_key()[h].parent in chain]
        hits = inside or hits
    key = hits[0]
    if is_parent(key):
        ctx.head = key
    elif by_key()[key].parent is None:
        ctx.head = None
    return key
