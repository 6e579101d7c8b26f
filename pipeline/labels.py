"""Template knowledge read from the CSV label maps in pipeline/templates/ (no template branches in code)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.text import core

TEMPLATES_DIR = Path(__file__).parent / "templates"


def _read(name: str) -> list[dict[str, str]]:
    with (TEMPLATES_DIR / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _patterns(field: str) -> tuple[str, ...]:
    return tuple(core(p) for p in field.split(";") if p.strip())


@dataclass(frozen=True)
class Outcome:
    key: str
    top: int | None  # 一、… 四、 of table 三
    group: int | None  # （一）… （七） under 三、本年度办理结果
    number: int | None  # 1. 2. … inside a group
    templates: frozenset[str]
    label: str
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class Applicant:
    key: str
    position: int
    label: str
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class ReviewCell:
    position: int
    proceeding: str
    outcome: str
    proceeding_label: str
    outcome_label: str


@dataclass(frozen=True)
class Item:
    item: str
    clause: str
    templates: frozenset[str]
    label: str
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class Metric:
    template: str
    clause: str
    position: int
    metric: str
    label: str
    patterns: tuple[str, ...]
    unit: str | None


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    patterns: tuple[str, ...]


def _int(s: str) -> int | None:
    return int(s) if s.strip() else None


@cache
def outcomes() -> tuple[Outcome, ...]:
    return tuple(Outcome(r["key"], _int(r["top"]), _int(r["group"]), _int(r["number"]),
                         frozenset(r["templates"].split()), r["label"], _patterns(r["patterns"]))
                 for r in _read("requests_outcomes.csv"))


@cache
def applicants() -> tuple[Applicant, ...]:
    return tuple(Applicant(r["key"], int(r["position"]), r["label"], _patterns(r["patterns"]))
                 for r in _read("requests_applicants.csv"))


@cache
def review_cells() -> tuple[ReviewCell, ...]:
    return tuple(ReviewCell(int(r["position"]), r["proceeding"], r["outcome"], r["proceeding_label"],
                            r["outcome_label"]) for r in _read("reviews_cells.csv"))


@cache
def items() -> tuple[Item, ...]:
    return tuple(Item(r["item"], r["clause"], frozenset(r["templates"].split()), r["label"],
                      _patterns(r["patterns"])) for r in _read("proactive_items.csv"))


@cache
def metrics() -> tuple[Metric, ...]:
    return tuple(Metric(r["template"], r["clause"], int(r["position"]), r["metric"], r["label"],
                        _patterns(r["patterns"]), r["unit"] or None) for r in _read("proactive_metrics.csv"))


@cache
def clauses() -> dict[int, str]:
    """第二十条第（N）项 number → clause key ("20.1")."""
    return {int(r["number"]): r["clause"] for r in _read("clauses.csv")}


@cache
def markers() -> dict[str, tuple[str, ...]]:
    """Template → label cores whose presence marks it."""
    out: dict[str, list[str]] = {}
    for r in _read("template_markers.csv"):
        out.setdefault(r["template"], []).append(core(r["marker"]))
    return {k: tuple(v) for k, v in out.items()}


@cache
def sections() -> tuple[Section, ...]:
    return tuple(Section(int(r["number"]), r["title"], _patterns(r["patterns"])) for r in _read("sections.csv"))


@cache
def table_cues() -> dict[str, tuple[str, ...]]:
    """Table kind → words whose presence in a table's labels marks it (squeezed text)."""
    out: dict[str, list[str]] = {}
    for r in _read("table_cues.csv"):
        out.setdefault(r["kind"], []).append(r["cue"])
    return {k: tuple(v) for k, v in out.items()}


def cue_score(squeezed: str) -> dict[str, int]:
    """How often each table kind's cues occur in a squeezed text."""
    return {k: sum(squeezed.count(c) for c in cues) for k, cues in table_cues().items()}


AMOUNT_METRICS = frozenset({"fee_amount", "procurement_amount"})
