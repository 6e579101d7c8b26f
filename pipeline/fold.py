"""Labels folded for matching: traditional characters to simplified (OpenCC t2s), gateway words to the template's.

Applied to labels only, when they are compared with the template's (`pipeline.text.fold`, `core`): the text as
printed is kept everywhere else (`raw`, `row_label`, titles). Character folding alone leaves the vocabulary of
big5 gateways (資訊 → 资讯 where the template says 信息); those words are label synonyms, listed as data in
pipeline/templates/label_synonyms.csv.
"""

from __future__ import annotations

import csv
from functools import cache, lru_cache
from pathlib import Path

_SYNONYMS_CSV = Path(__file__).parent / "templates" / "label_synonyms.csv"


@cache
def _converter():
    import opencc  # imported on first use: a worker that never meets a label does not load the dictionaries

    return opencc.OpenCC("t2s")


@cache
def synonyms() -> tuple[tuple[str, str], ...]:
    """(variant, canonical) pairs from label_synonyms.csv, longest variant first."""
    with _SYNONYMS_CSV.open(encoding="utf-8") as fh:
        pairs = [(r["variant"], r["canonical"]) for r in csv.DictReader(fh) if r["variant"]]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def _has_cjk(text: str) -> bool:
    return any(ord(ch) >= 0x2E80 for ch in text)


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """Traditional characters and phrases → simplified (OpenCC t2s); simplified text comes back unchanged."""
    return _converter().convert(text) if _has_cjk(text) else text


@lru_cache(maxsize=65536)
def fold_label(text: str) -> str:
    """A label in the template's characters and words: t2s, then the label synonyms."""
    out = to_simplified(text)
    for variant, canonical in synonyms():
        if variant in out:
            out = out.replace(variant, canonical)
    return out


def fold_name(text: str) -> str:
    """A name (agency, region) in simplified characters: t2s; the gateway words (资讯 → 信息) only where the text
    was printed in traditional characters, so a name printed in simplified characters is kept as printed."""
    out = to_simplified(text)
    if out == text:
        return text
    for variant, canonical in synonyms():
        out = out.replace(variant, canonical)
    return out
